/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The power-cut workload of tests/cluster/test_powercut.py:
 *
 *   fsync_loop DIR N      for i in 0..N-1: create DIR/fI, write its
 *                         bytes (a pattern of i and the offset, a size
 *                         that varies with i: 0 to ~40 KiB, odd
 *                         lengths included), fsync it, fsync DIR, then
 *                         print "synced fI SIZE" and flush stdout.  Every
 *                         fourth round also unlinks an older file and
 *                         prints "unlinked fJ" after the fsync of DIR.
 *                         Each round starts by rewriting DIR/scratch
 *                         (O_TRUNC, 5000 bytes, no fsync): the storage
 *                         node commits the freed blocks at once, so the
 *                         journal holds a transaction to replay while the
 *                         round's file is written.
 *
 * The test kills every VM at a random point; each file whose "synced"
 * line was printed (and not unlinked later) must then be on the disk
 * intact.  The bytes: byte k of fI is fsync_loop_byte(i, k) below (the
 * test computes the same in Python).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static unsigned char fsync_loop_byte(unsigned int i, unsigned long k)
{
	return (unsigned char)((k * 131 + i * 7 + (k >> 8)) & 0xff);
}

static unsigned long file_size(unsigned int i)
{
	return (i * 7919ul) % 40000 + (i % 3 ? 1 : 0);
}

static int fail(const char *what, const char *path)
{
	printf("FAIL %s %s: %s\n", what, path, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	static unsigned char buf[65536];
	unsigned int i, n;
	char path[256];
	int fd, dfd;

	if (argc != 3) {
		fprintf(stderr, "usage: fsync_loop DIR N\n");
		return 2;
	}
	n = (unsigned int)strtoul(argv[2], NULL, 0);
	if (mkdir(argv[1], 0755) && errno != EEXIST)
		return fail("mkdir", argv[1]);
	dfd = open(argv[1], O_RDONLY | O_DIRECTORY);
	if (dfd < 0)
		return fail("open", argv[1]);
	for (i = 0; i < n; i++) {
		unsigned long size = file_size(i), k;

		snprintf(path, sizeof(path), "%s/scratch", argv[1]);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			return fail("open", path);
		memset(buf, (int)i, 5000);
		if (write(fd, buf, 5000) != 5000)
			return fail("write", path);
		close(fd);
		snprintf(path, sizeof(path), "%s/f%u", argv[1], i);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			return fail("open", path);
		for (k = 0; k < size; k++)
			buf[k] = fsync_loop_byte(i, k);
		if (write(fd, buf, size) != (ssize_t)size)
			return fail("write", path);
		if (fsync(fd))
			return fail("fsync", path);
		close(fd);
		if (fsync(dfd))
			return fail("fsync", argv[1]);
		printf("synced f%u %lu\n", i, size);
		fflush(stdout);
		if (i % 4 == 3) {
			snprintf(path, sizeof(path), "%s/f%u", argv[1], i - 2);
			if (unlink(path))
				return fail("unlink", path);
			if (fsync(dfd))
				return fail("fsync", argv[1]);
			printf("unlinked f%u\n", i - 2);
			fflush(stdout);
		}
	}
	printf("done\n");
	return 0;
}
