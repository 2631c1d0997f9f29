// SPDX-License-Identifier: GPL-2.0
/*
 * Read whole files and say what came back:
 *
 *   readfiles PATH...
 *
 * prints, per PATH, "PATH: N bytes fnv1a=<8 hex digits>" (FNV-1a 32
 * over every byte, read in 64 KiB chunks) or "PATH: open: <strerror>" /
 * "PATH: read: <strerror>".  Exit status 0; the caller compares the
 * lines with what it knows the files hold (tests/cluster/test_corrupt.py
 * reads a file whose ext4 metadata it damaged next to healthy ones).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static unsigned char buf[64 << 10];

static void read_one(const char *path)
{
	uint32_t h = 2166136261u;
	unsigned long long total = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		printf("%s: open: %s\n", path, strerror(errno));
		return;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			h = (h ^ buf[i]) * 16777619u;
		total += n;
	}
	if (n < 0)
		printf("%s: read: %s\n", path, strerror(errno));
	else
		printf("%s: %llu bytes fnv1a=%08x\n", path, total, h);
	close(fd);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		read_one(argv[i]);
	return 0;
}
