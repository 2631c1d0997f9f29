// SPDX-License-Identifier: GPL-2.0
/*
 * Memory calls validate before they act: a call Linux rejects must not
 * change a byte of the program's memory, and a call that discards
 * memory must discard exactly its range.
 *
 * A mapping and a piece of heap are filled with a pattern; before each
 * call the pages it names are written again (so on Tessera with a small
 * pcache their lines are dirty and not yet written back), then the call
 * is made, its result printed, and the pages checked.  The rejected
 * calls: brk below the heap start and above the address space, munmap
 * and madvise and mprotect with an unaligned address, len 0 or a length
 * that wraps, unknown advice or protection bits.  The accepted ones:
 * MADV_DONTNEED and MADV_DONTNEED_LOCKED (the range reads zeros, the
 * neighbours keep their bytes), madvise and mprotect over a hole
 * (-ENOMEM; DONTNEED still zeroes the mapped parts, as Linux), mprotect
 * read-only and back (data kept), a lower brk and growing it again
 * (zeros).  Last, every byte of both areas is checked.  The output is
 * the same natively and on Tessera.
 *
 * No malloc: stdout gets a static buffer, and the heap is moved with the
 * raw brk system call only.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The shared test pattern (Makefile: -I../../include). */
#include <tessera/pattern.h>

#ifndef MADV_DONTNEED_LOCKED
#define MADV_DONTNEED_LOCKED	24
#endif

#define PG		4096UL
#define MAP_PAGES	256UL
#define HEAP_PAGES	16UL

static char outbuf[1 << 16];
static unsigned char *map, *heap;
static unsigned long heap_start, nr_bad;
/* What each page holds: its pattern seed, -1 zeros, -2 not mapped. */
static long map_seed[MAP_PAGES], heap_seed[HEAP_PAGES];


static void fill(unsigned char *base, long *seeds, unsigned long first,
		 unsigned long n, long seed)
{
	for (unsigned long p = first; p < first + n; p++) {
		pattern_fill(base + p * PG, PG, seed + p, 0);
		seeds[p] = seed + p;
	}
}

/* Bad bytes in pages [first, first + n) of @base. */
static unsigned long check(const unsigned char *base, const long *seeds,
			   unsigned long first, unsigned long n)
{
	unsigned long bad = 0;
	unsigned char want[PG];

	for (unsigned long p = first; p < first + n; p++) {
		if (seeds[p] == -2)
			continue;
		if (seeds[p] == -1) {
			for (unsigned long i = 0; i < PG; i++)
				bad += base[p * PG + i] != 0;
			continue;
		}
		pattern_fill(want, PG, seeds[p], 0);
		for (unsigned long i = 0; i < PG; i++)
			bad += base[p * PG + i] != want[i];
	}
	return bad;
}

static long sys_brk(unsigned long addr)
{
	return syscall(SYS_brk, addr);
}

static void report(const char *what, long ret, int err, unsigned long bad)
{
	printf("%-44s ret %ld errno %d, bad bytes %lu\n", what, ret,
	       ret < 0 ? err : 0, bad);
	nr_bad += bad;
}

/* Re-dirty map pages [first, first + n), make the call, check them. */
#define MAP_CALL(what, first, n, call) do {				\
	long _ret;							\
	int _err;							\
	fill(map, map_seed, first, n, __LINE__ * 1000);			\
	errno = 0;							\
	_ret = (call);							\
	_err = errno;							\
	report(what, _ret, _err, check(map, map_seed, 0, MAP_PAGES));	\
} while (0)

static void rejected_map_calls(void)
{
	unsigned char *m = map;

	MAP_CALL("munmap unaligned", 0, 4, munmap(m + 1, 2 * PG));
	MAP_CALL("munmap len 0", 4, 2, munmap(m + 4 * PG, 0));
	MAP_CALL("munmap len past the top", 6, 4, munmap(m + 6 * PG, -PG));
	MAP_CALL("munmap len -1", 10, 2, munmap(m + 10 * PG, -1UL));
	MAP_CALL("madvise bad advice 12345", 12, 4,
		 madvise(m + 12 * PG, 4 * PG, 12345));
	MAP_CALL("madvise bad advice -1", 16, 2,
		 madvise(m + 16 * PG, 2 * PG, -1));
	MAP_CALL("madvise DONTNEED unaligned", 18, 4,
		 madvise(m + 18 * PG + 8, 2 * PG, MADV_DONTNEED));
	MAP_CALL("madvise DONTNEED_LOCKED unaligned", 22, 4,
		 madvise(m + 22 * PG + 1, 2 * PG, MADV_DONTNEED_LOCKED));
	MAP_CALL("madvise DONTNEED len -1", 26, 4,
		 madvise(m + 26 * PG, -1UL, MADV_DONTNEED));
	MAP_CALL("madvise DONTNEED len wraps", 30, 4,
		 madvise(m + 30 * PG, -(unsigned long)(m + 30 * PG) + PG,
			 MADV_DONTNEED));
	MAP_CALL("madvise FREE unaligned", 34, 2,
		 madvise(m + 34 * PG + 100, PG, MADV_FREE));
	MAP_CALL("madvise DONTNEED len 0", 36, 2,
		 madvise(m + 36 * PG, 0, MADV_DONTNEED));
	MAP_CALL("mprotect unaligned", 38, 4,
		 mprotect(m + 38 * PG + 1, PG, PROT_READ));
	MAP_CALL("mprotect GROWSDOWN|GROWSUP", 42, 2,
		 mprotect(m + 42 * PG, PG,
			  PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP));
	MAP_CALL("mprotect unknown bit 0x10", 44, 2,
		 mprotect(m + 44 * PG, PG, 0x10));
	MAP_CALL("mprotect len wraps", 46, 2,
		 mprotect(m + 46 * PG, -PG, PROT_READ));
}

static void accepted_map_calls(void)
{
	unsigned char *m = map;
	long ret;

	/* DONTNEED_LOCKED: pages 60..62 read zeros, 59 and 63 are kept. */
	MAP_CALL("madvise DONTNEED_LOCKED 3 pages", 59, 5,
		 (map_seed[60] = map_seed[61] = map_seed[62] = -1,
		  madvise(m + 60 * PG, 3 * PG, MADV_DONTNEED_LOCKED)));
	/* And they are usable again. */
	fill(map, map_seed, 61, 1, 777);
	report("write after DONTNEED_LOCKED", 0, 0,
	       check(map, map_seed, 0, MAP_PAGES));
	MAP_CALL("madvise DONTNEED 1 page, len 1", 70, 3,
		 (map_seed[71] = -1, madvise(m + 71 * PG, 1, MADV_DONTNEED)));
	/* mprotect read-only and back: written back, not lost. */
	MAP_CALL("mprotect read-only", 80, 4,
		 mprotect(m + 81 * PG, 2 * PG, PROT_READ));
	MAP_CALL("mprotect read-write", 84, 1,
		 mprotect(m + 81 * PG, 2 * PG, PROT_READ | PROT_WRITE));
	/* A hole at page 101: -ENOMEM; DONTNEED zeroes 100 and 102. */
	fill(map, map_seed, 100, 3, 5000);
	ret = munmap(m + 101 * PG, PG);
	map_seed[101] = -2;	/* not mapped: never read */
	report("munmap the hole", ret, errno, 0);
	MAP_CALL("mprotect over the hole", 96, 4,
		 mprotect(m + 100 * PG, 3 * PG, PROT_READ | PROT_WRITE));
	MAP_CALL("madvise WILLNEED over the hole", 96, 4,
		 madvise(m + 100 * PG, 3 * PG, MADV_WILLNEED));
	MAP_CALL("madvise DONTNEED over the hole", 104, 2,
		 (map_seed[100] = map_seed[102] = -1,
		  madvise(m + 100 * PG, 3 * PG, MADV_DONTNEED)));
}

static void heap_calls(void)
{
	unsigned long cur = sys_brk(0), top;
	long ret;

	heap_start = cur;
	top = (cur + HEAP_PAGES * PG + PG - 1) & ~(PG - 1);
	/* Align the area: its first whole page on. */
	heap = (unsigned char *)((cur + PG - 1) & ~(PG - 1));
	ret = sys_brk(top);
	printf("brk grow: %s\n", ret == (long)top ? "ok" : "FAILED");
	if (ret != (long)top)
		return;
	fill(heap, heap_seed, 0, HEAP_PAGES, 9000);

	ret = sys_brk(1);
	report("brk(1) keeps the break", ret == (long)top, 0,
	       check(heap, heap_seed, 0, HEAP_PAGES));
	fill(heap, heap_seed, 0, HEAP_PAGES, 9100);
	ret = sys_brk(PG);
	report("brk(4096) keeps the break", ret == (long)top, 0,
	       check(heap, heap_seed, 0, HEAP_PAGES));
	fill(heap, heap_seed, 0, HEAP_PAGES, 9200);
	ret = sys_brk(0x7ffffffff000UL + PG);
	report("brk past the top keeps the break", ret == (long)top, 0,
	       check(heap, heap_seed, 0, HEAP_PAGES));
	fill(heap, heap_seed, 0, HEAP_PAGES, 9300);
	ret = sys_brk(~0UL);
	report("brk(-1) keeps the break", ret == (long)top, 0,
	       check(heap, heap_seed, 0, HEAP_PAGES));
	ret = sys_brk(0);
	report("brk(0) keeps the break", ret == (long)top, 0,
	       check(heap, heap_seed, 0, HEAP_PAGES));

	/* Give up the last 4 pages, take them back: zeros, the rest kept. */
	fill(heap, heap_seed, 0, HEAP_PAGES, 9400);
	ret = sys_brk(top - 4 * PG);
	report("brk shrinks by 4 pages", ret == (long)(top - 4 * PG), 0,
	       check(heap, heap_seed, 0, HEAP_PAGES - 4));
	ret = sys_brk(top);
	for (unsigned long p = HEAP_PAGES - 4; p < HEAP_PAGES; p++)
		heap_seed[p] = -1;
	report("brk grows back: zeros", ret == (long)top, 0,
	       check(heap, heap_seed, 0, HEAP_PAGES));
}

int main(void)
{
	unsigned long bad;

	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	map = mmap(NULL, MAP_PAGES * PG, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	fill(map, map_seed, 0, MAP_PAGES, 1);
	heap_calls();
	rejected_map_calls();
	accepted_map_calls();

	/* Every byte, both areas, after everything. */
	bad = check(map, map_seed, 0, MAP_PAGES);
	if (heap)
		bad += check(heap, heap_seed, 0, HEAP_PAGES);
	printf("final check: %lu bad bytes, %lu during the calls\n", bad,
	       nr_bad);
	fflush(stdout);
	return bad || nr_bad ? 1 : 0;
}
