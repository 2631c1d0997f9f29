/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tmpfs semantics, run natively and on Tessera with the same output.
 *
 *   tmpfs DIR...             the common suite in each empty, writable DIR
 *                            (Tessera: /tmp and /dev/shm; natively: fresh
 *                            temporary directories).  No line names DIR.
 *   tmpfs --ro FILE DIR      errors of writes to the read-only storage
 *                            tree (FILE exists there) and of renames from
 *                            DIR to it (Tessera only: -EROFS, -EXDEV)
 *   tmpfs --full DIR BYTES   DIR's file system holds BYTES of data: fill
 *                            it to -ENOSPC, check every byte written, get
 *                            the space back by unlinking (Tessera only)
 *
 * Each check prints one line; a failed expectation prints "FAIL ..."
 * and the program ends with "N failures" and status 1 if N > 0.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "expect.h"

static char path_buf[4][4096];

/* "ok" or the errno's name of a call returning -1 on error. */
static const char *res(long ret)
{
	return ret < 0 ? ename(errno) : "ok";
}

/* Path @name inside @dir (one of four buffers, reused in turn). */
static const char *in(const char *dir, const char *name)
{
	static int next;
	char *b = path_buf[next++ % 4];

	if (strlen(dir) + strlen(name) + 2 > sizeof(path_buf[0]))
		abort();
	strcpy(b, dir);
	strcat(b, "/");
	strcat(b, name);
	return b;
}

/* Byte @i of the test pattern (a hash, so shifted copies differ). */
static unsigned char pat(uint64_t i)
{
	uint64_t x = (i + 0x9e37) * 0x9e3779b97f4a7c15ULL;

	return (unsigned char)(x >> 56 ^ x >> 23);
}

static uint64_t fnv(const unsigned char *p, size_t n, uint64_t h)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

#define BIG	(3 * 1024 * 1024 + 123)

static void test_big(const char *dir)
{
	static const size_t chunks[] = { 1, 4095, 4097, 65536, 100000, 7 };
	static unsigned char buf[BIG], back[BIG];
	size_t done = 0, mism = 0;
	struct stat st;
	int fd, k = 0;
	long n;

	for (size_t i = 0; i < BIG; i++)
		buf[i] = pat(i);
	fd = open(in(dir, "big"), O_CREAT | O_EXCL | O_RDWR, 0644);
	EXPECT(fd >= 0);
	while (done < BIG) {
		size_t c = chunks[k++ % 6];

		if (c > BIG - done)
			c = BIG - done;
		n = write(fd, buf + done, c);
		if (n != (long)c) {
			FAIL("write %zu at %zu: %ld %s", c, done, n,
			     ename(errno));
			break;
		}
		done += c;
	}
	EXPECT(fstat(fd, &st) == 0);
	printf("big: size %lld dense %s\n", (long long)st.st_size,
	       st.st_blocks * 512 >= st.st_size ? "yes" : "no");
	EXPECT(lseek(fd, 0, SEEK_SET) == 0);
	done = 0;
	while ((n = read(fd, back + done, 7777)) > 0)
		done += n;
	EXPECT(n == 0);
	for (size_t i = 0; i < BIG; i++)
		mism += back[i] != buf[i];
	printf("big: read %zu mismatches %zu fnv %016llx\n", done, mism,
	       (unsigned long long)fnv(back, done, 0xcbf29ce484222325ULL));
	/* Unaligned preads across page and chunk edges. */
	mism = 0;
	for (uint64_t off = 3; off + 9000 < BIG; off += 262147) {
		memset(back, 0, 9000);
		n = pread(fd, back, 9000, off);
		if (n != 9000 || memcmp(back, buf + off, 9000))
			mism++;
	}
	n = pread(fd, back, 1000, BIG - 10);
	printf("big: pread mismatches %zu, at the end %ld\n", mism, n);
	/* Overwrite in the middle, unaligned. */
	memset(back, 0xab, 5000);
	EXPECT(pwrite(fd, back, 5000, 12345) == 5000);
	memcpy(buf + 12345, back, 5000);
	EXPECT(pread(fd, back, 20000, 10000) == 20000);
	printf("big: overwrite %s\n",
	       memcmp(back, buf + 10000, 20000) ? "differs" : "intact");
	close(fd);
}

static void test_holes(const char *dir)
{
	unsigned char b[8192];
	struct stat st;
	size_t nz = 0;
	int fd = open(in(dir, "holes"), O_CREAT | O_RDWR | O_TRUNC, 0600);

	EXPECT(fd >= 0);
	EXPECT(pwrite(fd, "abc", 3, (10 << 20) + 5) == 3);
	EXPECT(fstat(fd, &st) == 0);
	printf("holes: size %lld sparse %s\n", (long long)st.st_size,
	       st.st_blocks * 512 < 1 << 20 ? "yes" : "no");
	EXPECT(pread(fd, b, sizeof(b), 4000) == sizeof(b));
	for (size_t i = 0; i < sizeof(b); i++)
		nz += b[i] != 0;
	EXPECT(pread(fd, b, 100, (10 << 20) + 3) == 5);
	printf("holes: nonzero %zu tail %02x %02x %c%c%c\n", nz, b[0], b[1],
	       b[2], b[3], b[4]);
	printf("holes: SEEK_END-1 %lld\n", (long long)lseek(fd, -1, SEEK_END));
	printf("holes: SEEK_CUR+2 %lld\n", (long long)lseek(fd, 2, SEEK_CUR));
	printf("holes: negative seek %s\n", res(lseek(fd, -100, SEEK_SET)));
	close(fd);
}

static void cat(const char *what, const char *path)
{
	char b[256];
	int fd = open(path, O_RDONLY);
	long n = fd < 0 ? -1 : read(fd, b, sizeof(b) - 1);

	if (n < 0) {
		printf("%s: read %s\n", what, ename(errno));
	} else {
		b[n] = '\0';
		printf("%s: \"%s\"\n", what, b);
	}
	if (fd >= 0)
		close(fd);
}

static void test_append(const char *dir)
{
	const char *p = in(dir, "append");
	int fd = open(p, O_CREAT | O_WRONLY | O_APPEND, 0644);
	struct iovec iov[3] = {
		{ "vec", 3 }, { "", 0 }, { "tor", 3 },
	};

	EXPECT(fd >= 0);
	EXPECT(write(fd, "one", 3) == 3);
	EXPECT(lseek(fd, 0, SEEK_SET) == 0);
	EXPECT(write(fd, "two", 3) == 3);
	/* Linux: pwrite on an O_APPEND file appends. */
	EXPECT(pwrite(fd, "three", 5, 0) == 5);
	EXPECT(writev(fd, iov, 3) == 6);
	printf("append: offset %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
	close(fd);
	cat("append", p);
	fd = open(p, O_WRONLY | O_TRUNC);
	EXPECT(fd >= 0);
	EXPECT(write(fd, "x", 1) == 1);
	close(fd);
	cat("append after O_TRUNC", p);
}

static void test_truncate(const char *dir)
{
	const char *p = in(dir, "trunc");
	unsigned char b[9000];
	struct stat st;
	size_t bad = 0;
	int fd = open(p, O_CREAT | O_RDWR, 0644);

	EXPECT(fd >= 0);
	for (int i = 0; i < 9000; i++)
		b[i] = pat(i);
	EXPECT(write(fd, b, 9000) == 9000);
	EXPECT(ftruncate(fd, 5000) == 0);
	EXPECT(fstat(fd, &st) == 0);
	printf("truncate: down to %lld, read at 6000: %ld\n",
	       (long long)st.st_size, (long)pread(fd, b, 10, 6000));
	EXPECT(ftruncate(fd, 9000) == 0);
	EXPECT(pread(fd, b, 9000, 0) == 9000);
	for (int i = 0; i < 9000; i++)
		bad += b[i] != (i < 5000 ? pat(i) : 0);
	printf("truncate: up to 9000, wrong bytes %zu\n", bad);
	EXPECT(truncate(p, 100) == 0);
	EXPECT(fstat(fd, &st) == 0);
	printf("truncate: by path %lld; negative %s\n",
	       (long long)st.st_size, res(ftruncate(fd, -1)));
	close(fd);
	fd = open(p, O_RDONLY);
	printf("truncate: read-only fd %s\n", res(ftruncate(fd, 0)));
	close(fd);
}

static void test_rename(const char *dir)
{
	struct stat a, b;
	int fd;

	close(open(in(dir, "ra"), O_CREAT | O_WRONLY, 0644));
	close(open(in(dir, "rb"), O_CREAT | O_WRONLY, 0644));
	EXPECT(stat(in(dir, "ra"), &a) == 0);
	printf("rename: a->c %s\n", res(rename(in(dir, "ra"), in(dir, "rc"))));
	printf("rename: a now %s\n", res(stat(in(dir, "ra"), &b)));
	EXPECT(stat(in(dir, "rc"), &b) == 0);
	printf("rename: same inode %s\n", a.st_ino == b.st_ino ? "yes" : "no");
	fd = open(in(dir, "rb"), O_RDONLY);
	printf("rename: c over b %s\n",
	       res(rename(in(dir, "rc"), in(dir, "rb"))));
	EXPECT(fstat(fd, &a) == 0);
	printf("rename: replaced file nlink %ld\n", (long)a.st_nlink);
	close(fd);
	EXPECT(mkdir(in(dir, "rd1"), 0755) == 0);
	EXPECT(mkdir(in(dir, "rd2"), 0755) == 0);
	EXPECT(mkdir(in(dir, "rd2/sub"), 0755) == 0);
	printf("rename: file over dir %s\n",
	       res(rename(in(dir, "rb"), in(dir, "rd1"))));
	printf("rename: dir over file %s\n",
	       res(rename(in(dir, "rd1"), in(dir, "rb"))));
	printf("rename: dir over non-empty dir %s\n",
	       res(rename(in(dir, "rd1"), in(dir, "rd2"))));
	printf("rename: dir into itself %s\n",
	       res(rename(in(dir, "rd2"), in(dir, "rd2/sub/x"))));
	printf("rename: missing %s\n",
	       res(rename(in(dir, "nothing"), in(dir, "x"))));
	printf("rename: dir over empty dir %s\n",
	       res(rename(in(dir, "rd2/sub"), in(dir, "rd1"))));
	EXPECT(stat(in(dir, "rd2"), &a) == 0);
	printf("rename: rd2 nlink %ld\n", (long)a.st_nlink);
	printf("rename: noreplace %s\n",
	       res(syscall(SYS_renameat2, AT_FDCWD, in(dir, "rd1"), AT_FDCWD,
			   in(dir, "rd2"), 1)));
	EXPECT(rmdir(in(dir, "rd1")) == 0);
	EXPECT(rmdir(in(dir, "rd2")) == 0);
	EXPECT(unlink(in(dir, "rb")) == 0);
}

static void test_unlink_open(const char *dir)
{
	const char *p = in(dir, "gone");
	unsigned char b[20000], c[20000];
	struct stat st;
	int fd = open(p, O_CREAT | O_RDWR, 0644);

	for (int i = 0; i < 20000; i++)
		b[i] = pat(i * 3);
	EXPECT(write(fd, b, 20000) == 20000);
	printf("unlink open: %s\n", res(unlink(p)));
	printf("unlink open: stat %s\n", res(stat(p, &st)));
	EXPECT(fstat(fd, &st) == 0);
	printf("unlink open: nlink %ld size %lld\n", (long)st.st_nlink,
	       (long long)st.st_size);
	EXPECT(pread(fd, c, 20000, 0) == 20000);
	printf("unlink open: data %s\n", memcmp(b, c, 20000) ? "lost" : "intact");
	EXPECT(write(fd, "more", 4) == 4);
	EXPECT(fstat(fd, &st) == 0);
	printf("unlink open: still writable, size %lld\n",
	       (long long)st.st_size);
	close(fd);
	printf("unlink open: open after close %s\n", res(open(p, O_RDONLY)));
}

/* Number of entries in @dir, "." and ".." included. */
static int nr_entries(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/*
 * O_TMPFILE: an unnamed file in the directory, gone at its last close;
 * Linux's flag checks (a writable access, no O_CREAT, a directory).
 */
static void test_tmpfile(const char *dir)
{
	unsigned char b[10000], c[10000];
	int before = nr_entries(dir), fd, fd2;
	mode_t old = umask(022);
	struct stat st;

	for (int i = 0; i < 10000; i++)
		b[i] = pat(i * 5 + 1);
	fd = open(dir, O_TMPFILE | O_RDWR, 0666);
	printf("tmpfile: open %s\n", res(fd));
	EXPECT(write(fd, b, 10000) == 10000);
	EXPECT(pread(fd, c, 10000, 0) == 10000);
	printf("tmpfile: data %s\n", memcmp(b, c, 10000) ? "lost" : "intact");
	EXPECT(fstat(fd, &st) == 0);
	printf("tmpfile: regular %d nlink %ld mode %o size %lld\n",
	       S_ISREG(st.st_mode), (long)st.st_nlink, st.st_mode & 07777,
	       (long long)st.st_size);
	printf("tmpfile: entries added %d\n", nr_entries(dir) - before);
	printf("tmpfile: ftruncate %s\n", res(ftruncate(fd, 100)));
	EXPECT(fstat(fd, &st) == 0 && st.st_size == 100);
	fd2 = open(dir, O_TMPFILE | O_WRONLY | O_EXCL, 0600);
	printf("tmpfile: a second, O_WRONLY|O_EXCL %s\n", res(fd2));
	printf("tmpfile: read of O_WRONLY %s\n", res(read(fd2, c, 1)));
	close(fd2);
	close(fd);
	printf("tmpfile: entries after close %d\n", nr_entries(dir) - before);
	printf("tmpfile: O_RDONLY %s\n",
	       res(open(dir, O_TMPFILE | O_RDONLY, 0600)));
	printf("tmpfile: with O_CREAT %s\n",
	       res(open(dir, O_TMPFILE | O_CREAT | O_RDWR, 0600)));
	fd = open(in(dir, "tmpf-file"), O_CREAT | O_WRONLY, 0644);
	EXPECT(fd >= 0);
	close(fd);
	printf("tmpfile: in a file %s\n",
	       res(open(in(dir, "tmpf-file"), O_TMPFILE | O_RDWR, 0600)));
	printf("tmpfile: in a missing directory %s\n",
	       res(open(in(dir, "tmpf-none"), O_TMPFILE | O_RDWR, 0600)));
	EXPECT(unlink(in(dir, "tmpf-file")) == 0);
	umask(old);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void list(const char *dir)
{
	char buf[4096], *names[64];
	int fd = open(dir, O_RDONLY | O_DIRECTORY), n = 0;
	long len;

	EXPECT(fd >= 0);
	/* A small buffer: several getdents64 calls. */
	while ((len = syscall(SYS_getdents64, fd, buf, 64)) > 0) {
		for (long off = 0; off < len;) {
			unsigned short reclen = *(unsigned short *)(buf + off + 16);
			unsigned char type = buf[off + 18];
			char *name = buf + off + 19;

			if (n < 64 && (type == DT_DIR || type == DT_REG)) {
				names[n] = malloc(strlen(name) + 3);
				sprintf(names[n++], "%s%s", name,
					type == DT_DIR ? "/" : "");
			}
			off += reclen;
		}
	}
	printf("list: end %ld %s\n", len, len < 0 ? ename(errno) : "");
	qsort(names, n, sizeof(names[0]), name_cmp);
	printf("list:");
	for (int i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
	close(fd);
}

static void test_dirs(const char *dir)
{
	struct stat st;
	char d[4096];

	snprintf(d, sizeof(d), "%s/d", dir);

	EXPECT(mkdir(d, 0755) == 0);
	EXPECT(mkdir(in(d, "e"), 0755) == 0);
	EXPECT(mkdir(in(d, "f"), 0755) == 0);
	for (int i = 0; i < 12; i++) {
		char name[32];

		sprintf(name, "file-with-a-long-name-%02d", i);
		close(open(in(d, name), O_CREAT | O_WRONLY, 0644));
	}
	EXPECT(stat(d, &st) == 0);
	printf("dirs: nlink %ld mode %o\n", (long)st.st_nlink,
	       st.st_mode & 07777);
	list(d);
	printf("dirs: rmdir non-empty %s\n", res(rmdir(d)));
	printf("dirs: rmdir file %s\n",
	       res(rmdir(in(d, "file-with-a-long-name-00"))));
	printf("dirs: unlink dir %s\n", res(unlink(in(d, "e"))));
	printf("dirs: mkdir existing %s\n", res(mkdir(in(d, "e"), 0755)));
	printf("dirs: mkdir below a file %s\n",
	       res(mkdir(in(d, "file-with-a-long-name-00/x"), 0755)));
	printf("dirs: mkdir below missing %s\n",
	       res(mkdir(in(d, "nothing/x"), 0755)));
	EXPECT(chdir(in(d, "e")) == 0);
	close(open("relative", O_CREAT | O_WRONLY, 0644));
	printf("dirs: relative %s\n", res(stat(in(d, "e/relative"), &st)));
	EXPECT(chdir(dir) == 0);
	EXPECT(unlink(in(d, "e/relative")) == 0);
	for (int i = 0; i < 12; i++) {
		char name[32];

		sprintf(name, "file-with-a-long-name-%02d", i);
		EXPECT(unlink(in(d, name)) == 0);
	}
	EXPECT(rmdir(in(d, "e")) == 0);
	EXPECT(rmdir(in(d, "f")) == 0);
	EXPECT(stat(d, &st) == 0);
	printf("dirs: emptied nlink %ld\n", (long)st.st_nlink);
	list(d);
	printf("dirs: rmdir %s\n", res(rmdir(d)));
	printf("dirs: then stat %s\n", res(stat(d, &st)));
}

static void test_errors(const char *dir)
{
	int fd;
	char c;

	printf("errors: open missing %s\n", res(open(in(dir, "none"), O_RDONLY)));
	close(open(in(dir, "e1"), O_CREAT | O_WRONLY, 0644));
	printf("errors: O_EXCL existing %s\n",
	       res(open(in(dir, "e1"), O_CREAT | O_EXCL | O_WRONLY, 0644)));
	printf("errors: below a file %s\n",
	       res(open(in(dir, "e1/x"), O_RDONLY)));
	printf("errors: O_DIRECTORY on a file %s\n",
	       res(open(in(dir, "e1"), O_RDONLY | O_DIRECTORY)));
	printf("errors: dir for writing %s\n", res(open(dir, O_WRONLY)));
	printf("errors: O_CREAT of a dir %s\n",
	       res(open(dir, O_CREAT | O_RDONLY, 0644)));
	fd = open(in(dir, "e1"), O_WRONLY);
	printf("errors: read write-only %s\n", res(read(fd, &c, 1)));
	close(fd);
	fd = open(in(dir, "e1"), O_RDONLY);
	printf("errors: write read-only %s\n", res(write(fd, "x", 1)));
	close(fd);
	fd = open(dir, O_RDONLY);
	printf("errors: read a dir %s\n", res(read(fd, &c, 1)));
	close(fd);
	EXPECT(unlink(in(dir, "e1")) == 0);
	printf("errors: unlink missing %s\n", res(unlink(in(dir, "e1"))));
	printf("errors: rmdir missing %s\n", res(rmdir(in(dir, "e1"))));
}

static void test_modes(const char *dir)
{
	struct stat st, st2;
	struct statx sx;
	mode_t old = umask(027);
	int fd = open(in(dir, "m"), O_CREAT | O_RDWR, 0666);

	EXPECT(mkdir(in(dir, "md"), 0777) == 0);
	EXPECT(fstat(fd, &st) == 0);
	EXPECT(stat(in(dir, "md"), &st2) == 0);
	printf("modes: file %o dir %o\n", st.st_mode & 07777,
	       st2.st_mode & 07777);
	EXPECT(fchmod(fd, 0600) == 0);
	EXPECT(chmod(in(dir, "md"), 0700) == 0);
	EXPECT(stat(in(dir, "m"), &st) == 0);
	EXPECT(stat(in(dir, "md"), &st2) == 0);
	printf("modes: chmod file %o dir %o types %s %s\n", st.st_mode & 07777,
	       st2.st_mode & 07777, S_ISREG(st.st_mode) ? "reg" : "?",
	       S_ISDIR(st2.st_mode) ? "dir" : "?");
	EXPECT(write(fd, "12345", 5) == 5);
	EXPECT(fstat(fd, &st) == 0);
	EXPECT(fstatat(AT_FDCWD, in(dir, "m"), &st2, 0) == 0);
	EXPECT(statx(AT_FDCWD, in(dir, "m"), 0, STATX_BASIC_STATS, &sx) == 0);
	printf("modes: fstat/fstatat/statx agree %s\n",
	       st.st_ino == st2.st_ino && st.st_ino == sx.stx_ino &&
	       st.st_size == 5 && st2.st_size == 5 && sx.stx_size == 5 &&
	       st.st_nlink == 1 && sx.stx_nlink == 1 &&
	       st.st_mode == st2.st_mode && sx.stx_mode == st.st_mode &&
	       st.st_dev == st2.st_dev &&
	       st.st_mtime == st2.st_mtime ? "yes" : "no");
	printf("modes: access W_OK %s\n", res(access(in(dir, "m"), W_OK)));
	printf("modes: access X_OK dir %s\n", res(access(in(dir, "md"), X_OK)));
	printf("modes: fsync %s\n", res(fsync(fd)));
	printf("modes: fdatasync %s\n", res(fdatasync(fd)));
	close(fd);
	umask(old);
	EXPECT(unlink(in(dir, "m")) == 0);
	EXPECT(rmdir(in(dir, "md")) == 0);
	/* The directory by descriptor and as the cwd. */
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	EXPECT(fd >= 0);
	EXPECT(chdir(dir) == 0);
	EXPECT(fstatat(AT_FDCWD, "", &st, AT_EMPTY_PATH) == 0);
	EXPECT(stat(dir, &st2) == 0);
	printf("modes: cwd by AT_EMPTY_PATH %s\n",
	       st.st_ino == st2.st_ino && S_ISDIR(st.st_mode) ? "same" : "differs");
	printf("modes: faccessat2 of the dirfd X_OK %s\n",
	       res(syscall(SYS_faccessat2, fd, "", X_OK, AT_EMPTY_PATH)));
	close(openat(fd, "rel", O_CREAT | O_WRONLY, 0644));
	printf("modes: openat by dirfd %s\n", res(stat(in(dir, "rel"), &st)));
	printf("modes: unlinkat by dirfd %s\n", res(unlinkat(fd, "rel", 0)));
	EXPECT(mkdir(in(dir, "rd"), 0755) == 0);
	printf("modes: unlinkat AT_REMOVEDIR %s\n",
	       res(unlinkat(fd, "rd", AT_REMOVEDIR)));
	close(fd);
}

/* MAP_PRIVATE of a tmpfs file: the file's bytes, writes stay private. */
static void test_mmap(const char *dir)
{
	const size_t size = 3 * 4096 + 100;
	unsigned char b[3 * 4096 + 100], c;
	unsigned char *m, *m2;
	size_t bad = 0;
	int fd = open(in(dir, "map"), O_CREAT | O_RDWR, 0644);

	for (size_t i = 0; i < size; i++)
		b[i] = pat(i + 77);
	EXPECT(write(fd, b, size) == (long)size);
	m = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	printf("mmap: private %s\n", m == MAP_FAILED ? ename(errno) : "ok");
	if (m == MAP_FAILED) {
		close(fd);
		return;
	}
	for (size_t i = 0; i < 4 * 4096; i++)
		bad += m[i] != (i < size ? b[i] : 0);
	printf("mmap: wrong bytes %zu\n", bad);
	m[5] = b[5] ^ 0xff;
	EXPECT(pread(fd, &c, 1, 5) == 1);
	printf("mmap: private write %s in the file\n",
	       c == b[5] ? "not" : "also");
	m2 = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 4096);
	EXPECT(m2 != MAP_FAILED);
	printf("mmap: at offset 4096 %s\n",
	       m2 != MAP_FAILED && !memcmp(m2, b + 4096, 4096) ? "same" :
								 "differs");
	munmap(m, 4 * 4096);
	munmap(m2, 4096);
	close(fd);
	EXPECT(unlink(in(dir, "map")) == 0);
}

/* A tmpfs file reached through /proc/self/fd/N: opened, stat'ed, named. */
static void test_proc_fd(const char *dir)
{
	const char *p = in(dir, "viafd");
	char link[64], target[4096];
	struct stat st;
	int fd = open(p, O_CREAT | O_RDWR | O_TRUNC, 0644);
	long n;

	EXPECT(fd >= 0);
	EXPECT(write(fd, "through fd", 10) == 10);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	cat("proc fd", link);
	printf("stat(proc fd): %s", res(stat(link, &st)));
	if (!stat(link, &st))
		printf(" size %lld mode %o", (long long)st.st_size,
		       (unsigned int)st.st_mode);
	printf("\n");
	n = readlink(link, target, sizeof(target) - 1);
	EXPECT(n > 0);
	if (n > 0) {
		target[n] = '\0';
		printf("readlink(proc fd) is the path: %s\n",
		       strcmp(target, p) ? "no" : "yes");
	}
	close(fd);
	unlink(p);
}

static void suite(const char *dir)
{
	test_big(dir);
	test_holes(dir);
	test_append(dir);
	test_truncate(dir);
	test_rename(dir);
	test_unlink_open(dir);
	test_tmpfile(dir);
	test_dirs(dir);
	test_errors(dir);
	test_modes(dir);
	test_mmap(dir);
	test_proc_fd(dir);
	unlink(in(dir, "big"));
	unlink(in(dir, "holes"));
	unlink(in(dir, "append"));
	unlink(in(dir, "trunc"));
	unlink(in(dir, "rc"));
	list(dir);
}

/* Writes to the read-only storage tree, and renames out of tmpfs. */
static void read_only(const char *file, const char *dir)
{
	char parent[4096], *slash;
	struct stat st;
	int fd;

	snprintf(parent, sizeof(parent), "%s", file);
	slash = strrchr(parent, '/');
	if (slash)
		*slash = '\0';
	printf("ro: open O_WRONLY %s\n", res(open(file, O_WRONLY)));
	printf("ro: open O_CREAT new %s\n",
	       res(open(in(parent, "new"), O_CREAT | O_WRONLY, 0644)));
	printf("ro: open O_CREAT below missing %s\n",
	       res(open(in(parent, "none/new"), O_CREAT | O_WRONLY, 0644)));
	printf("ro: mkdir %s\n", res(mkdir(in(parent, "nd"), 0755)));
	printf("ro: mkdir existing %s\n", res(mkdir(parent, 0755)));
	printf("ro: unlink %s\n", res(unlink(file)));
	printf("ro: rmdir %s\n", res(rmdir(parent)));
	printf("ro: truncate %s\n", res(truncate(file, 0)));
	printf("ro: truncate missing %s\n", res(truncate(in(parent, "none"), 0)));
	printf("ro: chmod %s\n", res(chmod(file, 0600)));
	printf("ro: rename within %s\n", res(rename(file, in(parent, "x"))));
	close(open(in(dir, "xdev"), O_CREAT | O_WRONLY, 0644));
	printf("ro: rename out of tmpfs %s\n",
	       res(rename(in(dir, "xdev"), in(parent, "xdev"))));
	printf("ro: rename into tmpfs %s\n",
	       res(rename(file, in(dir, "xdev2"))));
	printf("ro: rename /tmp to /dev/shm %s\n",
	       res(rename(in(dir, "xdev"), "/dev/shm/xdev")));
	printf("ro: rmdir mount point %s\n", res(rmdir("/tmp")));
	printf("ro: file intact %s\n", res(stat(file, &st)));
	EXPECT(unlink(in(dir, "xdev")) == 0);
	fd = open(in(dir, "shared"), O_CREAT | O_RDWR, 0644);
	EXPECT(write(fd, "x", 1) == 1);
	/* Not Linux's answer: Tessera's documented limitation. */
	printf("tessera: mmap MAP_SHARED of a tmpfs file %s\n",
	       mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED ?
	       ename(errno) : "ok");
	close(fd);
	EXPECT(unlink(in(dir, "shared")) == 0);
}

/* Fill @dir's file system (@bytes) to ENOSPC and check what stayed. */
static void full(const char *dir, long bytes)
{
	static unsigned char b[10000], c[10000];
	long total = 0, n, bad = 0;
	int fd = open(in(dir, "fill"), O_CREAT | O_RDWR, 0644), fd2;

	EXPECT(fd >= 0);
	for (;;) {
		for (int i = 0; i < 10000; i++)
			b[i] = pat(total + i);
		n = write(fd, b, sizeof(b));
		if (n < 0)
			break;
		total += n;
		if (total > 2 * bytes) {
			FAIL("no ENOSPC after %ld bytes", total);
			break;
		}
	}
	printf("full: stopped with %s\n", ename(errno));
	printf("full: within the last page of the bound %s\n",
	       total <= bytes && total > bytes - 4096 ? "yes" : "no");
	EXPECT(lseek(fd, 0, SEEK_SET) == 0);
	for (long off = 0; off < total; off += n) {
		n = read(fd, c, sizeof(c));
		if (n <= 0) {
			FAIL("read at %ld: %ld", off, n);
			break;
		}
		for (long i = 0; i < n; i++)
			bad += c[i] != pat(off + i);
	}
	printf("full: wrong bytes %ld\n", bad);
	fd2 = open(in(dir, "other"), O_CREAT | O_RDWR, 0644);
	printf("full: another file %s\n", res(write(fd2, b, 1)));
	printf("full: mkdir still %s\n", res(mkdir(in(dir, "dd"), 0755)));
	close(fd);
	EXPECT(unlink(in(dir, "fill")) == 0);
	n = 0;
	while (n < bytes / 2 && write(fd2, b, sizeof(b)) == sizeof(b))
		n += sizeof(b);
	printf("full: after unlink %s\n", n >= bytes / 2 ? "space back" : "still full");
	close(fd2);
	EXPECT(unlink(in(dir, "other")) == 0);
	EXPECT(rmdir(in(dir, "dd")) == 0);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && !strcmp(argv[1], "--ro")) {
		read_only(argv[2], argv[3]);
	} else if (argc == 4 && !strcmp(argv[1], "--full")) {
		full(argv[2], atol(argv[3]));
	} else if (argc >= 2 && argv[1][0] != '-') {
		for (int i = 1; i < argc; i++) {
			printf("== dir %d\n", i);
			suite(argv[i]);
		}
	} else {
		fprintf(stderr, "usage: tmpfs DIR... | --ro FILE DIR | --full DIR BYTES\n");
		return 2;
	}
	printf("%d failures\n", failures);
	return failures ? 1 : 0;
}
