// SPDX-License-Identifier: GPL-2.0
/*
 * File system calls over a tree built by tests/cluster/test_files.py:
 *
 *   files ROOT [--readonly]
 *
 * reads files of 0 B, 1 B, 4097 B and 10 MiB in odd-sized chunks (FNV-1a
 * of every byte, pread at chosen offsets, readv, lseek), walks a
 * 10-level directory path with openat from a dirfd, with chdir and
 * relative paths, with fchdir and "..", lists directories with
 * getdents64 (sorted), reads symlinks and checks the errors programs
 * rely on.  Every line depends only on the tree, so a native run
 * (`files /path/to/tree`) and a Tessera run (`files /`) print the same
 * bytes.  --readonly (Tessera: the storage service is read-only) expects
 * -EROFS for write intent; without it (native, on a writable tree) the
 * same opens must succeed; either way the line printed is the same.
 * Exit status 1 if any check failed (a "FAIL" line says which).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#define KERNEL_PTR	((void *)0xffffffff80001000UL)
#define DEEP_LEVELS	10

static int failures;
static char root_cwd[4096];

static void fail(const char *what, const char *detail)
{
	printf("FAIL %s: %s\n", what, detail);
	failures++;
}

/* Expect @ret == -1 with @err (0: expect success, @ret >= 0). */
static void expect(const char *what, long ret, int err)
{
	char detail[128];
	int got = ret < 0 ? errno : 0;

	if (got == err) {
		printf("%-44s %s\n", what, err ? strerrorname_np(err) : "ok");
		return;
	}
	snprintf(detail, sizeof(detail), "got %s, want %s",
		 got ? strerrorname_np(got) : "success",
		 err ? strerrorname_np(err) : "success");
	fail(what, detail);
}

static uint64_t fnv1a(uint64_t h, const unsigned char *p, size_t n)
{
	while (n--) {
		h ^= *p++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

#define FNV_INIT	0xcbf29ce484222325ULL

static const size_t chunk_sizes[] = { 1, 7, 4099, 65537, 200003, 13 };

static void read_file(int rootfd, const char *name)
{
	static unsigned char buf[200003];
	static const long offsets[] = { 0, 1, 4095, 4096, 131071, 131072,
					 -1, 0, 10 };
	uint64_t h = FNV_INIT;
	long total = 0, n, end;
	struct stat st;
	unsigned int i = 0;
	int fd;

	fd = openat(rootfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		expect(name, fd, 0);
		return;
	}
	if (fstat(fd, &st))
		fail(name, "fstat");
	for (;;) {
		n = read(fd, buf, chunk_sizes[i++ % 6]);
		if (n <= 0)
			break;
		h = fnv1a(h, buf, n);
		total += n;
	}
	if (n < 0)
		fail(name, strerror(errno));
	printf("file %s size %lld read %ld fnv %016llx\n", name,
	       (long long)st.st_size, total, (unsigned long long)h);
	if (read(fd, buf, 10) != 0)
		fail(name, "read past EOF not 0");

	/* pread at fixed offsets, and at the end and past it. */
	for (i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		long off = offsets[i];

		if (i == 6)
			off = st.st_size - 1;
		if (i == 7)
			off = st.st_size;
		if (i == 8)
			off = st.st_size + 10;
		if (off < 0)
			continue;
		n = pread(fd, buf, 17, off);
		printf("  pread %ld at %ld: %ld fnv %016llx\n", 17L, off, n,
		       (unsigned long long)fnv1a(FNV_INIT, buf,
						 n > 0 ? n : 0));
	}
	end = lseek(fd, 0, SEEK_END);
	printf("  lseek end %ld, cur %ld\n", end, lseek(fd, 0, SEEK_CUR));
	expect("  lseek to -1", lseek(fd, -1 - end, SEEK_CUR), EINVAL);
	if (st.st_size > 3) {
		struct iovec iov[3] = {
			{ buf, 1 }, { buf + 1, 0 }, { buf + 100, 2 },
		};

		lseek(fd, st.st_size - 3, SEEK_SET);
		n = readv(fd, iov, 3);
		printf("  readv at end-3: %ld bytes %02x %02x %02x\n", n,
		       buf[0], buf[100], buf[101]);
	}
	close(fd);
}

/* getcwd() relative to the root (native runs start somewhere else). */
static void show_cwd(const char *what)
{
	char cwd[4096];
	size_t skip = strcmp(root_cwd, "/") ? strlen(root_cwd) : 0;

	if (!getcwd(cwd, sizeof(cwd))) {
		fail(what, "getcwd");
		return;
	}
	if (strncmp(cwd, root_cwd, skip)) {
		fail(what, "cwd outside the root");
		return;
	}
	printf("%-44s %s\n", what, cwd[skip] ? cwd + skip : "/");
}

static void read_small(int dirfd, const char *name, const char *what)
{
	char buf[256];
	int fd = openat(dirfd, name, O_RDONLY);
	long n;

	if (fd < 0) {
		expect(what, fd, 0);
		return;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	printf("%-44s %s", what, buf);
	close(fd);
}

static void walk_deep(int rootfd)
{
	char path[512] = "deep";
	int fd, next;

	/* One openat per level, each relative to the previous dirfd. */
	fd = openat(rootfd, "deep", O_RDONLY | O_DIRECTORY);
	for (int i = 1; i <= DEEP_LEVELS && fd >= 0; i++) {
		char name[8];

		snprintf(name, sizeof(name), "d%d", i);
		next = openat(fd, name, O_RDONLY | O_DIRECTORY);
		close(fd);
		fd = next;
		strcat(path, "/");
		strcat(path, name);
	}
	if (fd < 0) {
		expect("deep walk by dirfd", fd, 0);
		return;
	}
	read_small(fd, "leaf.txt", "leaf by dirfd:");
	read_small(fd, "../../d9/d10/./leaf.txt", "leaf by dirfd + ..:");
	expect("openat(leaf dirfd, \"..\")", next = openat(fd, "..", O_RDONLY),
	       0);
	if (next >= 0) {
		read_small(next, "d10/leaf.txt", "leaf from parent dirfd:");
		close(next);
	}
	close(fd);
	strcat(path, "/leaf.txt");
	read_small(rootfd, path, "leaf by one path:");

	/* chdir and relative names. */
	expect("fchdir(root)", fchdir(rootfd), 0);
	show_cwd("cwd at root:");
	expect("chdir(deep/d1/d2/d3)", chdir("deep/d1/d2/d3"), 0);
	expect("chdir(d4/d5/../d5/./d6/)", chdir("d4/d5/../d5/./d6/"), 0);
	show_cwd("cwd:");
	read_small(AT_FDCWD, "d7/d8/d9/d10/leaf.txt", "leaf relative to cwd:");
	expect("chdir(..)", chdir(".."), 0);
	show_cwd("cwd after ..:");
	expect("chdir(d6/d7/leaf-missing)", chdir("d6/d7/leaf-missing"),
	       ENOENT);
	fd = open("d6/d7", O_RDONLY | O_DIRECTORY);
	expect("fchdir(d6/d7)", fchdir(fd), 0);
	close(fd);
	show_cwd("cwd after fchdir:");
	fd = open("d8/d9/d10/leaf.txt", O_RDONLY);
	expect("fchdir(regular file)", fchdir(fd), ENOTDIR);
	expect("chdir(regular file)", chdir("d8/d9/d10/leaf.txt"), ENOTDIR);
	close(fd);
	expect("fchdir(root) again", fchdir(rootfd), 0);
}

/* What getdents64 stores (glibc's struct dirent64 has a fixed name). */
struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char type_char(mode_t m)
{
	return S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : S_ISREG(m) ? 'f' : '?';
}

/* getdents64 with a small buffer (several calls), sorted output. */
static void list_dir(int rootfd, const char *dir, int show)
{
	char buf[96] __attribute__((aligned(8))), *names[512];
	unsigned int count = 0, dtype_bad = 0;
	uint64_t h = FNV_INIT;
	long n;
	int fd = openat(rootfd, dir, O_RDONLY | O_DIRECTORY);

	if (fd < 0) {
		expect(dir, fd, 0);
		return;
	}
	/* Before getdents: Linux's ext4 then says EINVAL (its EOF cookie). */
	expect("  read(directory)", read(fd, buf, 10), EISDIR);
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			struct linux_dirent64 *d;
			struct stat st;

			d = (struct linux_dirent64 *)(buf + off);
			if (count < 512)
				names[count++] = strdup(d->d_name);
			if (fstatat(fd, d->d_name, &st, AT_SYMLINK_NOFOLLOW))
				fail(d->d_name, "fstatat");
			else if (d->d_type != DT_UNKNOWN &&
				 (mode_t)DTTOIF(d->d_type) !=
				 (st.st_mode & S_IFMT))
				dtype_bad++;
			off += d->d_reclen;
		}
	}
	expect("getdents64 end", n, 0);
	qsort(names, count, sizeof(names[0]), cmp_str);
	printf("dir %s: %u entries, d_type %s\n", dir, count,
	       dtype_bad ? "WRONG" : "consistent");
	if (dtype_bad)
		fail(dir, "d_type disagrees with lstat");
	for (unsigned int i = 0; i < count; i++) {
		struct stat st;

		h = fnv1a(h, (const unsigned char *)names[i],
			  strlen(names[i]) + 1);
		if (show && strcmp(names[i], ".") && strcmp(names[i], "..")) {
			fstatat(fd, names[i], &st, AT_SYMLINK_NOFOLLOW);
			/* Directory sizes depend on the file system. */
			printf("  %c %04o %8lld %s\n", type_char(st.st_mode),
			       st.st_mode & 07777, S_ISDIR(st.st_mode) ? 0LL :
			       (long long)st.st_size, names[i]);
		}
		free(names[i]);
	}
	printf("  names fnv %016llx\n", (unsigned long long)h);
	/* Rewind and count again: the offset is a cookie. */
	lseek(fd, 0, SEEK_SET);
	count = 0;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
		for (long off = 0; off < n; count++)
			off += ((struct linux_dirent64 *)(buf + off))->d_reclen;
	printf("  after rewind: %u entries\n", count);
	close(fd);
}

static void symlinks(int rootfd)
{
	char buf[256];
	struct stat st;
	long n;
	int fd;

	n = readlinkat(rootfd, "data/link", buf, sizeof(buf));
	printf("readlinkat(data/link): %ld \"%.*s\"\n", n, (int)(n > 0 ? n : 0),
	       buf);
	n = readlinkat(rootfd, "data/link", buf, 2);
	printf("readlinkat(data/link, 2 bytes): %ld \"%.*s\"\n", n,
	       (int)(n > 0 ? n : 0), buf);
	n = readlinkat(rootfd, "dirlink", buf, sizeof(buf));
	printf("readlinkat(dirlink): %ld \"%.*s\"\n", n, (int)(n > 0 ? n : 0),
	       buf);
	expect("readlinkat(regular file)",
	       readlinkat(rootfd, "data/one", buf, sizeof(buf)), EINVAL);
	expect("readlinkat(missing)",
	       readlinkat(rootfd, "data/nothing", buf, sizeof(buf)), ENOENT);
	expect("readlinkat(bufsiz 0)",
	       readlinkat(rootfd, "data/link", buf, 0), EINVAL);
	if (!fstatat(rootfd, "data/link", &st, AT_SYMLINK_NOFOLLOW))
		printf("lstat(data/link): %c size %lld\n",
		       type_char(st.st_mode), (long long)st.st_size);
	if (!fstatat(rootfd, "data/link", &st, 0))
		printf("stat(data/link): %c size %lld\n",
		       type_char(st.st_mode), (long long)st.st_size);
	read_small(rootfd, "dirlink/d2/d3/d4/d5/d6/d7/d8/d9/d10/leaf.txt",
		   "leaf through dirlink:");
	expect("open(link, O_NOFOLLOW)",
	       openat(rootfd, "data/link", O_RDONLY | O_NOFOLLOW), ELOOP);
	fd = openat(rootfd, "data/link", O_PATH | O_NOFOLLOW);
	expect("open(link, O_PATH|O_NOFOLLOW)", fd, 0);
	n = readlinkat(fd, "", buf, sizeof(buf));
	printf("readlinkat(O_PATH fd, \"\"): %ld \"%.*s\"\n", n,
	       (int)(n > 0 ? n : 0), buf);
	expect("read(O_PATH fd)", read(fd, buf, 1), EBADF);
	close(fd);
	expect("open(loop)", openat(rootfd, "loop", O_RDONLY), ELOOP);
}

static void descriptors(int rootfd)
{
	char a[8], b[8];
	struct stat st;
	int fd, dupfd, flags;

	fd = openat(rootfd, "data/page1", O_RDONLY | O_CLOEXEC);
	expect("open(data/page1, O_CLOEXEC)", fd, 0);
	printf("F_GETFD: %d\n", fcntl(fd, F_GETFD));
	flags = fcntl(fd, F_GETFL);
	printf("F_GETFL: accmode %d nonblock %d\n", flags & O_ACCMODE,
	       !!(flags & O_NONBLOCK));
	expect("F_SETFL O_NONBLOCK", fcntl(fd, F_SETFL, flags | O_NONBLOCK),
	       0);
	printf("F_GETFL: nonblock %d\n", !!(fcntl(fd, F_GETFL) & O_NONBLOCK));
	expect("F_SETFD 0", fcntl(fd, F_SETFD, 0), 0);
	printf("F_GETFD: %d\n", fcntl(fd, F_GETFD));
	dupfd = dup(fd);
	expect("dup", dupfd, 0);
	/* dup'ed descriptors share the offset. */
	if (read(fd, a, 5) == 5 && read(dupfd, b, 3) == 3)
		printf("shared offset: %ld, bytes %02x %02x\n",
		       (long)lseek(fd, 0, SEEK_CUR), (unsigned char)a[4],
		       (unsigned char)b[0]);
	printf("dup F_GETFD: %d\n", fcntl(dupfd, F_GETFD));
	expect("F_DUPFD 100", fcntl(fd, F_DUPFD, 100) == 100 ? 0 : -1, 0);
	expect("F_DUPFD_CLOEXEC 100",
	       fcntl(fd, F_DUPFD_CLOEXEC, 100) == 101 ? 0 : -1, 0);
	printf("F_GETFD(101): %d\n", fcntl(101, F_GETFD));
	expect("dup2(fd, 100)", dup2(dupfd, 100) == 100 ? 0 : -1, 0);
	expect("dup2(fd, fd)", dup2(fd, fd) == fd ? 0 : -1, 0);
	expect("dup3(fd, fd, 0)", dup3(fd, fd, 0), EINVAL);
	expect("dup3(fd, 102, bad flag)", dup3(fd, 102, O_NONBLOCK), EINVAL);
	expect("dup3(fd, 102, O_CLOEXEC)",
	       dup3(fd, 102, O_CLOEXEC) == 102 ? 0 : -1, 0);
	printf("F_GETFD(102): %d\n", fcntl(102, F_GETFD));
	expect("fcntl(bad cmd)", fcntl(fd, 9999), EINVAL);
	expect("close(101)", close(101), 0);
	expect("close(101) again", close(101), EBADF);
	expect("read(101) after close", read(101, a, 1), EBADF);
	expect("fstat(101) after close", fstat(101, &st), EBADF);
	close(100);
	close(102);
	close(dupfd);
	close(fd);
	expect("read(fd) after close", read(fd, a, 1), EBADF);
	expect("lseek(1) (a pipe)", lseek(1, 0, SEEK_CUR), ESPIPE);
	expect("pread(1) (a pipe)", pread(1, a, 1, 0), ESPIPE);
	expect("dup2(1, -1)", dup2(1, -1), EBADF);
}

static void errors(int rootfd)
{
	static char longpath[5000];
	char name[300], buf[16];
	struct stat st;
	int fd;

	expect("open(missing)", openat(rootfd, "data/nothing", O_RDONLY),
	       ENOENT);
	expect("open(missing/x)", openat(rootfd, "nothing/x", O_RDONLY),
	       ENOENT);
	expect("open(file/x)", openat(rootfd, "data/one/x", O_RDONLY),
	       ENOTDIR);
	expect("open(file/)", openat(rootfd, "data/one/", O_RDONLY), ENOTDIR);
	expect("open(file, O_DIRECTORY)",
	       openat(rootfd, "data/one", O_RDONLY | O_DIRECTORY), ENOTDIR);
	fd = openat(rootfd, "data/one", O_RDONLY);
	expect("openat(file fd, x)", openat(fd, "x", O_RDONLY), ENOTDIR);
	expect("getdents64(file)", syscall(SYS_getdents64, fd, buf, sizeof(buf)),
	       ENOTDIR);
	expect("read(file, NULL)", syscall(SYS_read, fd, NULL, 1), EFAULT);
	expect("read(file, kernel pointer)",
	       syscall(SYS_read, fd, KERNEL_PTR, 1), EFAULT);
	expect("fstat(file, NULL)", syscall(SYS_fstat, fd, NULL), EFAULT);
	close(fd);
	expect("openat(99, x)", openat(99, "x", O_RDONLY), EBADF);
	expect("open(\"\")", openat(rootfd, "", O_RDONLY), ENOENT);
	expect("open(bad pointer)",
	       syscall(SYS_openat, AT_FDCWD, (char *)1, O_RDONLY), EFAULT);
	expect("open(kernel pointer)",
	       syscall(SYS_openat, AT_FDCWD, KERNEL_PTR, O_RDONLY), EFAULT);
	expect("stat(NULL path)", syscall(SYS_newfstatat, AT_FDCWD, NULL, &st,
					  0), EFAULT);
	expect("stat(data/one, NULL)",
	       syscall(SYS_newfstatat, rootfd, "data/one", NULL, 0), EFAULT);
	expect("newfstatat(bad flags)",
	       syscall(SYS_newfstatat, rootfd, "data/one", &st, 0x4), EINVAL);
	expect("getcwd(NULL)", syscall(SYS_getcwd, NULL, 100), EFAULT);
	expect("getcwd(size 1)", syscall(SYS_getcwd, buf, 1), ERANGE);
	memset(name, 'n', 299);
	name[299] = '\0';
	expect("open(300-byte name)", openat(rootfd, name, O_RDONLY),
	       ENAMETOOLONG);
	memset(longpath, 'a', sizeof(longpath) - 1);
	for (size_t i = 100; i < sizeof(longpath) - 1; i += 100)
		longpath[i] = '/';
	expect("open(5000-byte path)", openat(rootfd, longpath, O_RDONLY),
	       ENAMETOOLONG);
	expect("access(data/one, R_OK)", faccessat(rootfd, "data/one", R_OK, 0),
	       0);
	expect("access(data/one, X_OK)", faccessat(rootfd, "data/one", X_OK, 0),
	       EACCES);
	expect("access(bin/tool, X_OK)", faccessat(rootfd, "bin/tool", X_OK, 0),
	       0);
	expect("access(deep, X_OK)", faccessat(rootfd, "deep", X_OK, 0), 0);
	expect("access(missing)", faccessat(rootfd, "data/nothing", F_OK, 0),
	       ENOENT);
	expect("access(bad mode)", faccessat(rootfd, "data/one", 8, 0),
	       EINVAL);
	fd = openat(rootfd, "data/page1", O_RDONLY);
	if (!fstatat(fd, "", &st, AT_EMPTY_PATH))
		printf("fstatat(fd, \"\", AT_EMPTY_PATH): %c size %lld\n",
		       type_char(st.st_mode), (long long)st.st_size);
	expect("fstatat(fd, \"\", 0)", fstatat(fd, "", &st, 0), ENOENT);
	close(fd);
	if (!fstatat(rootfd, "deep/d1", &st, 0))
		printf("stat(deep/d1): %c %04o\n", type_char(st.st_mode),
		       st.st_mode & 07777);
	if (!fstatat(rootfd, "bin/tool", &st, 0))
		printf("stat(bin/tool): %c %04o size %lld\n",
		       type_char(st.st_mode), st.st_mode & 07777,
		       (long long)st.st_size);
}

/* Write intent: -EROFS on Tessera (--readonly), allowed natively. */
static void write_intent(int rootfd, int readonly)
{
	static const int modes[] = { O_WRONLY, O_RDWR, O_RDONLY | O_TRUNC };
	int bad = 0, fd;

	for (unsigned int i = 0; i < 3; i++) {
		/* O_TRUNC natively would empty the file: only on Tessera. */
		if (!readonly && (modes[i] & O_TRUNC))
			continue;
		fd = openat(rootfd, "data/one", modes[i]);
		if (readonly ? !(fd < 0 && errno == EROFS) : fd < 0)
			bad++;
		if (fd >= 0)
			close(fd);
	}
	if (readonly) {
		fd = openat(rootfd, "data/new", O_WRONLY | O_CREAT, 0644);
		if (!(fd < 0 && errno == EROFS))
			bad++;
		if (faccessat(rootfd, "data/one", W_OK, 0) != -1 ||
		    errno != EROFS)
			bad++;
	} else if (faccessat(rootfd, "data/one", W_OK, 0)) {
		bad++;
	}
	printf("write intent: %s\n", bad ? "WRONG" : "as expected");
	if (bad)
		fail("write intent", readonly ? "not EROFS" : "refused");
	expect("open(directory, O_WRONLY)",
	       openat(rootfd, "deep", O_WRONLY), EISDIR);
	expect("open(nothing/new, O_CREAT)",
	       openat(rootfd, "nothing/new", O_WRONLY | O_CREAT, 0644),
	       ENOENT);
	expect("open(data/one, O_CREAT|O_EXCL)",
	       openat(rootfd, "data/one", O_RDONLY | O_CREAT | O_EXCL, 0644),
	       EEXIST);
}

int main(int argc, char **argv)
{
	static const char *const files[] = {
		"data/empty", "data/one", "data/page1", "data/big",
	};
	int rootfd, readonly = argc > 2 && !strcmp(argv[2], "--readonly");

	if (argc < 2) {
		fprintf(stderr, "usage: files ROOT [--readonly]\n");
		return 2;
	}
	rootfd = open(argv[1], O_RDONLY | O_DIRECTORY);
	if (rootfd < 0 || fchdir(rootfd) || !getcwd(root_cwd,
						    sizeof(root_cwd))) {
		perror(argv[1]);
		return 2;
	}
	for (unsigned int i = 0; i < 4; i++)
		read_file(rootfd, files[i]);
	walk_deep(rootfd);
	list_dir(rootfd, "listing", 1);
	list_dir(rootfd, "many", 0);
	symlinks(rootfd);
	descriptors(rootfd);
	errors(rootfd);
	write_intent(rootfd, readonly);
	printf("%d failures\n", failures);
	return failures ? 1 : 0;
}
