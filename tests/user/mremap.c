// SPDX-License-Identifier: GPL-2.0
/*
 * mremap(2) at work and at its edges: anonymous mappings grown (moved
 * or in place), shrunk, moved to a fixed address over another mapping,
 * with dirty data written just before each call; Linux's argument
 * errors; and, with a file argument, a private file mapping grown,
 * moved with a private write in it, and shrunk.  Every byte is checked
 * against what it must hold.  One line per check, then "N failures";
 * the output is the same natively and on Tessera.
 *
 *   mremap [FILE]        FILE: at least 4 pages long
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PG	4096UL

static int failures;

static void report(const char *what, int ok)
{
	printf("%s: %s\n", what, ok ? "ok" : "FAIL");
	if (!ok)
		failures++;
}

static unsigned char pat(unsigned long i, unsigned int seed)
{
	return (unsigned char)(i * 31 + seed * 7 + (i >> 12));
}

static void fill(unsigned char *p, unsigned long len, unsigned int seed)
{
	for (unsigned long i = 0; i < len; i++)
		p[i] = pat(i, seed);
}

static int holds(const unsigned char *p, unsigned long len, unsigned int seed)
{
	for (unsigned long i = 0; i < len; i++)
		if (p[i] != pat(i, seed))
			return 0;
	return 1;
}

static int zero(const unsigned char *p, unsigned long len)
{
	for (unsigned long i = 0; i < len; i++)
		if (p[i])
			return 0;
	return 1;
}

/* Is [p, p + len) unmapped?  madvise says ENOMEM for a hole. */
static int unmapped(void *p, unsigned long len)
{
	return madvise(p, len, MADV_NORMAL) == -1 && errno == ENOMEM;
}

static void *anon(unsigned long len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	return p;
}

static void expect_err(const char *what, void *ret, int err)
{
	char line[128];
	int ok = ret == MAP_FAILED && errno == err;

	snprintf(line, sizeof(line), "%s -> %s", what,
		 ret == MAP_FAILED ? strerrorname_np(errno) : "success");
	report(line, ok);
}

static void anon_tests(void)
{
	unsigned char *a, *b, *c, *t;

	/* Grow with MAYMOVE while the next page is taken: it moves. */
	a = anon(6 * PG);
	munmap(a + 4 * PG, 2 * PG);
	fill(a, 4 * PG, 1);
	t = anon(PG);	/* somewhere else; a + 4 pages may be free */
	b = mremap(a, 4 * PG, 16 * PG, MREMAP_MAYMOVE);
	report("anon grow (maymove)", b != MAP_FAILED);
	if (b != MAP_FAILED) {
		report("anon grow: old data kept", holds(b, 4 * PG, 1));
		report("anon grow: new pages zero", zero(b + 4 * PG, 12 * PG));
		fill(b, 16 * PG, 2);
		report("anon grow: whole range writable",
		       holds(b, 16 * PG, 2));
	}
	munmap(t, PG);

	/* Grow in place into a hole, without MAYMOVE. */
	a = anon(4 * PG);
	munmap(a + 2 * PG, 2 * PG);
	fill(a, 2 * PG, 3);
	c = mremap(a, 2 * PG, 4 * PG, 0);
	report("anon grow in place", c == a);
	if (c == a) {
		report("anon grow in place: data", holds(a, 2 * PG, 3) &&
		       zero(a + 2 * PG, 2 * PG));
		munmap(a, 4 * PG);
	}

	/* No room after it and no MAYMOVE. */
	a = anon(3 * PG);
	fill(a, 3 * PG, 4);
	expect_err("anon grow, next page mapped, no maymove",
		   mremap(a, PG, 2 * PG, 0), ENOMEM);
	report("anon refused grow: data kept", holds(a, 3 * PG, 4));

	/* Shrink: the tail goes, the head stays. */
	c = mremap(a, 3 * PG, PG, 0);
	report("anon shrink", c == a);
	report("anon shrink: head kept", holds(a, PG, 4));
	report("anon shrink: tail unmapped", unmapped(a + PG, 2 * PG));
	munmap(a, PG);

	/* Move to a fixed address over another mapping. */
	a = anon(3 * PG);
	t = anon(5 * PG);
	fill(a, 3 * PG, 5);
	fill(t, 5 * PG, 6);
	c = mremap(a, 3 * PG, 3 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, t + PG);
	report("anon move fixed", c == t + PG);
	report("anon move fixed: data moved", holds(t + PG, 3 * PG, 5));
	report("anon move fixed: old range unmapped", unmapped(a, 3 * PG));
	report("anon move fixed: neighbours kept",
	       t[0] == pat(0, 6) && holds(t, PG, 6) &&
	       t[4 * PG] == pat(4 * PG, 6));
	/* Fixed and shrinking at once. */
	c = mremap(t + PG, 3 * PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, a);
	report("anon move fixed and shrink", c == a && holds(a, PG, 5));
	munmap(a, PG);
	munmap(t, 5 * PG);

	/* Argument errors, in Linux's order. */
	a = anon(2 * PG);
	expect_err("unaligned address", mremap(a + 1, PG, 2 * PG, 0), EINVAL);
	expect_err("new length 0", mremap(a, PG, 0, MREMAP_MAYMOVE), EINVAL);
	expect_err("unknown flag", mremap(a, PG, 2 * PG, 0x80), EINVAL);
	expect_err("fixed without maymove",
		   mremap(a, PG, PG, MREMAP_FIXED, a + 8 * PG), EINVAL);
	expect_err("dontunmap without maymove",
		   mremap(a, PG, PG, MREMAP_DONTUNMAP), EINVAL);
	expect_err("dontunmap changing the length",
		   mremap(a, PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP),
		   EINVAL);
	expect_err("fixed overlapping the old range",
		   mremap(a, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED,
			  a + PG), EINVAL);
	expect_err("fixed unaligned new address",
		   mremap(a, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED,
			  a + 16 * PG + 8), EINVAL);
	munmap(a, 2 * PG);
	expect_err("old range unmapped", mremap(a, PG, 2 * PG, MREMAP_MAYMOVE),
		   EFAULT);
}

static void file_tests(const char *path)
{
	unsigned char *want, *m, *n;
	int fd = open(path, O_RDONLY);
	unsigned long len = 4 * PG;

	if (fd < 0) {
		perror(path);
		exit(2);
	}
	want = malloc(len);
	if (!want || pread(fd, want, len, 0) != (ssize_t)len) {
		fprintf(stderr, "%s: shorter than 4 pages\n", path);
		exit(2);
	}
	m = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED) {
		perror("mmap file");
		exit(2);
	}
	report("file map: bytes", !memcmp(m, want, 2 * PG));
	/* A private write, still in the pcache when the pages move. */
	m[PG + 5] ^= 0xff;
	n = mremap(m, 2 * PG, 4 * PG, MREMAP_MAYMOVE);
	report("file grow", n != MAP_FAILED);
	if (n == MAP_FAILED)
		return;
	report("file grow: private write kept",
	       n[PG + 5] == (want[PG + 5] ^ 0xff));
	n[PG + 5] ^= 0xff;
	report("file grow: every byte of the file", !memcmp(n, want, len));
	m = mremap(n, 4 * PG, PG, 0);
	report("file shrink", m == n && !memcmp(m, want, PG));
	report("file shrink: tail unmapped", unmapped(n + PG, 3 * PG));
	/* The file itself never saw the private write. */
	{
		unsigned char b;

		report("file unchanged by the private write",
		       pread(fd, &b, 1, PG + 5) == 1 && b == want[PG + 5]);
	}
	munmap(m, PG);
	close(fd);
	free(want);
}

int main(int argc, char **argv)
{
	anon_tests();
	if (argc > 1)
		file_tests(argv[1]);
	printf("%d failures\n", failures);
	return failures != 0;
}
