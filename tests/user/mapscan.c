// SPDX-License-Identifier: GPL-2.0
/*
 * A program's cold start in small: map FILE read-only and read it page
 * by page in order, as a loader and the first calls of a program walk
 * their text (tests/cluster/test_fcache.py, fault_around_*: Tessera's
 * fault-around fills most of these pages with the miss before them).
 * Then a private writable mapping of the same file is written on every
 * page: the read-only mapping, a second read-only one and the file
 * itself must keep their bytes (copy on write of shared cache pages).
 * Prints sizes and checksums only; status 0 if every check held.
 *
 * usage: mapscan FILE
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PG	4096UL

static int failures;

#define EXPECT(c) do {							\
	if (!(c)) {							\
		failures++;						\
		printf("FAIL line %d: %s\n", __LINE__, #c);		\
	}								\
} while (0)

static uint64_t fnv(const unsigned char *p, size_t n, uint64_t h)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

int main(int argc, char **argv)
{
	uint64_t h = 0xcbf29ce484222325ULL, h2, hf;
	unsigned char *ro, *ro2, *rw, *buf;
	size_t size, pages;
	struct stat st;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: mapscan FILE\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &st) || st.st_size < (off_t)PG) {
		perror("mapscan: open");
		return 2;
	}
	size = st.st_size;
	pages = (size + PG - 1) / PG;
	ro = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	EXPECT(ro != MAP_FAILED);
	if (ro == MAP_FAILED)
		return 1;
	/* In order, one page at a time. */
	for (size_t p = 0; p < pages; p++)
		h = fnv(ro + p * PG, p + 1 < pages ? PG : size - p * PG, h);
	printf("mapscan: size %zu pages %zu hash %016llx\n", size, pages,
	       (unsigned long long)h);

	/* A private writable mapping, written on every page. */
	rw = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	EXPECT(rw != MAP_FAILED);
	if (rw == MAP_FAILED)
		return 1;
	for (size_t p = 0; p < pages; p++)
		rw[p * PG] ^= 0x5a;
	h2 = fnv(ro, size, 0xcbf29ce484222325ULL);
	printf("mapscan: read-only mapping after private writes %s\n",
	       h2 == h ? "unchanged" : "CHANGED");
	EXPECT(h2 == h);
	for (size_t p = 0; p < pages; p++)
		EXPECT(rw[p * PG] == (ro[p * PG] ^ 0x5a));
	ro2 = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	EXPECT(ro2 != MAP_FAILED);
	if (ro2 != MAP_FAILED) {
		h2 = fnv(ro2, size, 0xcbf29ce484222325ULL);
		printf("mapscan: a second mapping %s\n",
		       h2 == h ? "the same" : "DIFFERENT");
		EXPECT(h2 == h);
	}
	buf = malloc(size);
	EXPECT(buf && pread(fd, buf, size, 0) == (ssize_t)size);
	hf = buf ? fnv(buf, size, 0xcbf29ce484222325ULL) : 0;
	printf("mapscan: the file %s\n", hf == h ? "the same" : "DIFFERENT");
	EXPECT(hf == h);
	printf("mapscan: %d failures\n", failures);
	return failures != 0;
}
