// SPDX-License-Identifier: GPL-2.0
/*
 * What the three standard descriptors are: for each, the file type and
 * device fstat gives, what /proc/self/fd/N names (a pipe's inode number
 * cut off: it differs between runs), ioctl(TCGETS), fsync, and the same
 * for /dev/stdout and /dev/stderr opened anew.  The report goes to
 * stderr, so the test can give stdout whatever kind it checks (a pipe,
 * /dev/null); test_stdio.py compares it with the native run's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

static const char *type_name(mode_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFIFO:
		return "fifo";
	case S_IFCHR:
		return "chr";
	case S_IFREG:
		return "reg";
	case S_IFSOCK:
		return "sock";
	default:
		return "other";
	}
}

static const char *result(int ret)
{
	static char buf[64];

	if (ret >= 0)
		return "ok";
	snprintf(buf, sizeof(buf), "%s", strerror(errno));
	return buf;
}

static void report(const char *what, int fd)
{
	char path[64], target[256];
	struct termios tio;
	struct stat st;
	ssize_t n;
	char *bracket;

	if (fstat(fd, &st)) {
		fprintf(stderr, "%s: fstat: %s\n", what, strerror(errno));
		return;
	}
	fprintf(stderr, "%s: %s", what, type_name(st.st_mode));
	if (S_ISCHR(st.st_mode))
		fprintf(stderr, " %u:%u", major(st.st_rdev),
			minor(st.st_rdev));
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n >= 0) {
		target[n] = '\0';
		bracket = strchr(target, '[');
		if (bracket)
			bracket[1] = '\0';
		fprintf(stderr, " -> %s", target);
	} else {
		fprintf(stderr, " -> %s", strerror(errno));
	}
	fprintf(stderr, ", TCGETS %s", result(ioctl(fd, TCGETS, &tio)));
	fprintf(stderr, ", fsync %s\n", result(fsync(fd)));
}

int main(void)
{
	static const char *const names[] = { "/dev/stdout", "/dev/stderr" };
	char what[32];

	for (int fd = 0; fd < 3; fd++) {
		snprintf(what, sizeof(what), "fd %d", fd);
		report(what, fd);
	}
	for (int i = 0; i < 2; i++) {
		int fd = open(names[i], O_WRONLY);

		if (fd < 0) {
			fprintf(stderr, "%s: open: %s\n", names[i],
				strerror(errno));
			continue;
		}
		report(names[i], fd);
		close(fd);
	}
	printf("stdout still works\n");
	return 0;
}
