// SPDX-License-Identifier: GPL-2.0
/*
 * File-backed mmap semantics, run natively in a chroot and on Tessera
 * (tests/cluster/test_dynamic.py); output and status must agree.
 *
 *   private mapping reads the bytes read() returns, writes to it stay
 *   private (not in the file, not in a second mapping); a shared
 *   read-only mapping reads the same bytes; the partial last page is
 *   zero past EOF; offsets; errors: shared+writable on a read-only fd
 *   and mprotect(PROT_WRITE) of a shared mapping EACCES, unaligned
 *   offset EINVAL, a directory ENODEV, a bad fd EBADF, a write-only fd
 *   EACCES, len 0 EINVAL, offsets past the largest file EOVERFLOW;
 *   munmap and mprotect of parts of a file mapping.  Last it touches a
 *   page wholly past EOF: SIGBUS, exit status 135.
 *
 * usage: filemap FILE DIR	(FILE: a regular file of 2..3 pages and a
 *				 bit, not a multiple of the page size)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PG	4096UL

static int failures;

static void expect(int ok, const char *what)
{
	printf("%s: %s\n", what, ok ? "ok" : "FAILED");
	failures += !ok;
}

/* mmap that must fail with @err. */
static void expect_err(const char *what, size_t len, int prot, int flags,
		       int fd, off_t off, int err)
{
	void *p;

	errno = 0;
	p = mmap(NULL, len, prot, flags, fd, off);
	if (p != MAP_FAILED) {
		munmap(p, len);
		printf("%s: mapped, want %s: FAILED\n", what, strerror(err));
		failures++;
		return;
	}
	printf("%s: %s%s\n", what, strerror(errno),
	       errno == err ? "" : " (FAILED)");
	failures += errno != err;
}

static int all_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

int main(int argc, char **argv)
{
	unsigned char *buf, *again, *p1, *p2, *p3, *p4, *tail;
	struct stat st;
	size_t size, len;
	int fd, dfd;

	if (argc != 3) {
		fprintf(stderr, "usage: filemap FILE DIR\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &st)) {
		perror(argv[1]);
		return 2;
	}
	size = st.st_size;
	if (size < 2 * PG || size % PG == 0 || size > 4 * PG - 1) {
		fprintf(stderr, "filemap: %s: want 2..4 pages, not whole\n",
			argv[1]);
		return 2;
	}
	len = (size + PG - 1) & ~(PG - 1);
	buf = malloc(size);
	again = malloc(size);
	if (!buf || !again || read(fd, buf, size) != (ssize_t)size) {
		perror("read");
		return 2;
	}
	printf("file of %zu bytes, %zu pages mapped\n", size, len / PG);

	p1 = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (p1 == MAP_FAILED) {
		perror("mmap private");
		return 1;
	}
	expect(!memcmp(p1, buf, size), "private mapping reads the file");
	expect(all_zero(p1 + size, len - size), "zero past EOF in the last page");
	memset(p1, 'X', 100);
	p1[size - 1] = 'Y';
	p2 = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	expect(p2 != MAP_FAILED && !memcmp(p2, buf, size),
	       "second mapping does not see the private write");
	expect(pread(fd, again, size, 0) == (ssize_t)size &&
	       !memcmp(again, buf, size),
	       "file does not see the private write");
	expect(p1[0] == 'X' && p1[99] == 'X' && p1[size - 1] == 'Y' &&
	       !memcmp(p1 + 100, buf + 100, size - 101),
	       "private write kept in its own mapping");

	p3 = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	expect(p3 != MAP_FAILED && !memcmp(p3, buf, size),
	       "shared read-only mapping reads the file");
	errno = 0;
	expect(mprotect(p3, PG, PROT_READ | PROT_WRITE) == -1 &&
	       errno == EACCES,
	       "mprotect(PROT_WRITE) of the shared mapping is EACCES");
	expect(mprotect(p3, PG, PROT_READ | PROT_EXEC) == 0 &&
	       p3[5] == buf[5], "mprotect(PROT_EXEC) of the shared mapping");

	p4 = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, PG);
	expect(p4 != MAP_FAILED && !memcmp(p4, buf + PG, PG),
	       "mapping at offset one page");

	/* Parts: a hole in the middle, the rest still reads the file. */
	expect(munmap(p2 + PG, PG) == 0 && !memcmp(p2, buf, PG) &&
	       !memcmp(p2 + 2 * PG, buf + 2 * PG, size - 2 * PG),
	       "munmap of the middle page keeps the others");
	expect(mprotect(p1, PG, PROT_NONE) == 0 &&
	       mprotect(p1, PG, PROT_READ) == 0 && p1[0] == 'X' &&
	       !memcmp(p1 + PG, buf + PG, PG),
	       "mprotect of one page and back");

	expect_err("shared writable on a read-only fd", PG,
		   PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0, EACCES);
	expect_err("unaligned offset", PG, PROT_READ, MAP_PRIVATE, fd, 100,
		   EINVAL);
	dfd = open(argv[2], O_RDONLY | O_DIRECTORY);
	if (dfd < 0) {
		perror(argv[2]);
		return 2;
	}
	expect_err("a directory", PG, PROT_READ, MAP_PRIVATE, dfd, 0, ENODEV);
	expect_err("a closed fd", PG, PROT_READ, MAP_PRIVATE, 999, 0, EBADF);
	expect_err("a write-only fd (stdout)", PG, PROT_READ, MAP_PRIVATE, 1,
		   0, EACCES);
	expect_err("length 0", 0, PROT_READ, MAP_PRIVATE, fd, 0, EINVAL);
	expect_err("offset past the largest file", PG, PROT_READ, MAP_PRIVATE,
		   fd, (off_t)0x7ffffffffffff000LL, EOVERFLOW);
	expect_err("offset 2^64 - 4096", PG, PROT_READ, MAP_PRIVATE, fd,
		   (off_t)-4096LL, EOVERFLOW);

	printf("%d failures\n", failures);
	/* A page wholly past EOF: the mapping has it, the file does not. */
	tail = mmap(NULL, len + PG, PROT_READ, MAP_PRIVATE, fd, 0);
	if (tail == MAP_FAILED) {
		perror("mmap past EOF");
		return 1;
	}
	printf("last byte of the file: %u\n", tail[size - 1]);
	printf("touching the page past EOF\n");
	fflush(stdout);
	printf("read %u: no SIGBUS\n", tail[len]);
	return 1;
}
