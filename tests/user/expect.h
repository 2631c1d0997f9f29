/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FAIL/EXPECT for the file-system test programs (tmpfs.c, fs_write.c,
 * perm.c, setid.c): a failed expectation prints its line and the
 * errno's name and counts in @failures, which the program reports at
 * the end.  copy_file() and in_child() for perm.c and setid.c.
 */
#ifndef _TESTS_USER_EXPECT_H
#define _TESTS_USER_EXPECT_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;

static const char *ename(int e)
{
	switch (e) {
	case 0: return "0";
	case ENOENT: return "ENOENT";
	case EEXIST: return "EEXIST";
	case ENOTDIR: return "ENOTDIR";
	case EISDIR: return "EISDIR";
	case ENOTEMPTY: return "ENOTEMPTY";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	case EXDEV: return "EXDEV";
	case EROFS: return "EROFS";
	case EBADF: return "EBADF";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case EBUSY: return "EBUSY";
	case EFBIG: return "EFBIG";
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case ENODEV: return "ENODEV";
	case ENOMEM: return "ENOMEM";
	case ELOOP: return "ELOOP";
	case EIO: return "EIO";
	case EFAULT: return "EFAULT";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	default: return "other";
	}
}

#define FAIL(...) do {						\
	failures++;						\
	printf("FAIL line %d: ", __LINE__);			\
	printf(__VA_ARGS__);					\
	printf("\n");						\
} while (0)

#define EXPECT(cond) do {					\
	if (!(cond))						\
		FAIL("%s (errno %s)", #cond, ename(errno));	\
} while (0)

/*
 * Copy file @from to @to (made with mode 0700, or truncated): 0, or -1
 * with errno set (EIO for a short write).
 */
static inline int copy_file(const char *from, const char *to)
{
	static char buf[65536];
	int in = open(from, O_RDONLY);
	int out = open(to, O_CREAT | O_WRONLY | O_TRUNC, 0700);
	int ret = in < 0 || out < 0 ? -1 : 0;
	ssize_t n = 0;

	while (!ret && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n) {
			errno = EIO;
			ret = -1;
		}
	if (n < 0)
		ret = -1;
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return ret;
}

/*
 * Run @fn in a child process (a scenario that loses root for good); its
 * failures count here as one.
 */
/* @dir/@rel in one of 8 rotating buffers (several in one call). */
static inline const char *path_under(const char *dir, const char *rel)
{
	static char buf[8][512];
	static int i;
	char *b = buf[i++ % 8];

	snprintf(b, sizeof(buf[0]), "%s/%s", dir, rel);
	return b;
}

static inline void in_child(void (*fn)(void))
{
	int status = 0;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		fn();
		fflush(stdout);
		_exit(failures ? 1 : 0);
	}
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		FAIL("child scenario status %d", status);
}

#endif /* _TESTS_USER_EXPECT_H */
