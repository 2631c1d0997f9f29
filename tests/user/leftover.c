// SPDX-License-Identifier: GPL-2.0
/*
 * What one boot of a processor leaves on the memory node, and what the
 * next boot sees of it (tests/cluster/test_fit.py, fit_split_run):
 *
 *   leftover hold    writes 4 KiB of 'L' at offset 8192 of /tmp/leftover,
 *                    forks a child that waits forever, dirties 256 KiB,
 *                    prints "ready" and waits forever (the test then
 *                    kills the VM)
 *   leftover check   (the next boot) creates /tmp/leftover anew, writes
 *                    one 'x' at offset 12288 and reads the file back: a
 *                    new tmpfs file reads zeros in its hole, never the
 *                    bytes of the previous boot's file of the same inode
 *                    number; prints "clean" or the first stale offset
 *
 * Exit status 0, or 1 when a check failed (a "FAIL" line says which).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PATH	"/tmp/leftover"
#define HOLE	8192
#define END	12288

static int hold(void)
{
	static char buf[4096];
	char *mem;
	int fd = open(PATH, O_CREAT | O_RDWR | O_TRUNC, 0600);

	memset(buf, 'L', sizeof(buf));
	if (fd < 0 || pwrite(fd, buf, sizeof(buf), HOLE) != sizeof(buf)) {
		printf("FAIL: write %s: %s\n", PATH, strerror(errno));
		return 1;
	}
	switch (fork()) {
	case -1:
		printf("FAIL: fork: %s\n", strerror(errno));
		return 1;
	case 0:
		for (;;)
			pause();
	}
	mem = malloc(256 << 10);
	if (!mem) {
		printf("FAIL: malloc\n");
		return 1;
	}
	memset(mem, 0x5a, 256 << 10);
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}

static int check(void)
{
	static char buf[END + 1];
	int fd = open(PATH, O_CREAT | O_EXCL | O_RDWR, 0600);
	ssize_t n;

	if (fd < 0) {
		printf("FAIL: create %s: %s\n", PATH, strerror(errno));
		return 1;
	}
	if (pwrite(fd, "x", 1, END) != 1) {
		printf("FAIL: write: %s\n", strerror(errno));
		return 1;
	}
	n = pread(fd, buf, sizeof(buf), 0);
	if (n != END + 1 || buf[END] != 'x') {
		printf("FAIL: read back %zd bytes\n", n);
		return 1;
	}
	for (int i = 0; i < END; i++) {
		if (buf[i]) {
			printf("FAIL: stale byte %#x at offset %d\n",
			       (unsigned char)buf[i], i);
			return 1;
		}
	}
	printf("clean\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "hold"))
		return hold();
	if (argc == 2 && !strcmp(argv[1], "check"))
		return check();
	fprintf(stderr, "usage: leftover hold|check\n");
	return 2;
}
