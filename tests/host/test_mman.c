/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests for <tessera/mman.h>: the argument rules of munmap,
 * mprotect, madvise and mremap that the processor applies before it drops any
 * pcache line.  Expected errno values are Linux's (checked by hand
 * against mm/mmap.c, mm/mprotect.c, mm/madvise.c and mm/mremap.c, and
 * natively by tests/user/memcheck.c and tests/user/mremap.c); *end is checked on every success and left
 * alone on failure.
 */
/* HTEST-SOURCES: */
#include "htest.h"
#include <tessera/mman.h>

#define PG		4096ULL
#define TOP		MMAN_TASK_SIZE
#define POISON		0x5a5a5a5a5a5a5a5aULL

struct range_case {
	u64 addr, len;
	int arg;		/* prot or advice */
	int err;
	u64 end;		/* on success */
};

static void test_munmap(struct htest *t)
{
	static const struct range_case cases[] = {
		{ 0x10000, PG, 0, 0, 0x10000 + PG },
		{ 0x10000, 1, 0, 0, 0x10000 + PG },
		{ 0x10000, PG + 1, 0, 0, 0x10000 + 2 * PG },
		{ 0x10001, PG, 0, -EINVAL, 0 },
		{ 0x10000, 0, 0, -EINVAL, 0 },
		{ TOP - PG, PG, 0, 0, TOP },
		{ TOP - PG, PG + 1, 0, -EINVAL, 0 },
		{ TOP, 0, 0, -EINVAL, 0 },
		{ TOP, PG, 0, -EINVAL, 0 },
		{ 0, TOP, 0, 0, TOP },
		{ 0x10000, ~0ULL, 0, -EINVAL, 0 },
		{ 0x10000, ~0ULL - PG + 2, 0, -EINVAL, 0 },
		{ ~0ULL & ~(PG - 1), PG, 0, -EINVAL, 0 },
	};

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct range_case *c = &cases[i];
		u64 end = POISON;

		HT_EXPECT_EQ(t, mman_check_munmap(c->addr, c->len, &end),
			     c->err);
		HT_EXPECT_EQ(t, end, c->err ? POISON : c->end);
	}
}

static void test_mprotect(struct htest *t)
{
	static const struct range_case cases[] = {
		{ 0x10000, PG, PROT_READ, 0, 0x10000 + PG },
		{ 0x10000, 1, PROT_READ | PROT_WRITE | PROT_EXEC, 0,
		  0x10000 + PG },
		{ 0x10000, PG, MMAN_PROT_SEM, 0, 0x10000 + PG },
		{ 0x10000, PG, PROT_NONE | PROT_GROWSDOWN, 0, 0x10000 + PG },
		{ 0x10000, PG, PROT_READ | PROT_GROWSUP, 0, 0x10000 + PG },
		{ 0x10000, PG, PROT_GROWSDOWN | PROT_GROWSUP, -EINVAL, 0 },
		{ 0x10000, PG, 0x10, -EINVAL, 0 },
		{ 0x10001, PG, PROT_READ, -EINVAL, 0 },
		/* len 0: a no-op, even with unknown bits (checked later). */
		{ 0x10000, 0, 0x10, 0, 0x10000 },
		/* but not with an unaligned address or both grows bits */
		{ 0x10001, 0, PROT_READ, -EINVAL, 0 },
		{ 0x10000, 0, PROT_GROWSDOWN | PROT_GROWSUP, -EINVAL, 0 },
		{ 0x10000, ~0ULL, PROT_READ, -ENOMEM, 0 },
		{ ~0ULL & ~(PG - 1), PG, PROT_READ, -ENOMEM, 0 },
		{ 0x10000, ~0ULL - 0x10000, 0x10, -ENOMEM, 0 },
	};

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct range_case *c = &cases[i];
		u64 end = POISON;

		HT_EXPECT_EQ(t, mman_check_mprotect(c->addr, c->len, c->arg,
						    &end), c->err);
		HT_EXPECT_EQ(t, end, c->err ? POISON : c->end);
	}
}

static void test_madvise(struct htest *t)
{
	static const struct range_case cases[] = {
		{ 0x10000, PG, MADV_DONTNEED, 0, 0x10000 + PG },
		{ 0x10000, 5, MADV_DONTNEED_LOCKED, 0, 0x10000 + PG },
		{ 0x10000, PG, MADV_FREE, 0, 0x10000 + PG },
		{ 0x10000, PG, MADV_NORMAL, 0, 0x10000 + PG },
		{ 0x10000, PG, MADV_POPULATE_WRITE, 0, 0x10000 + PG },
		{ 0x10000, 0, MADV_DONTNEED, 0, 0x10000 },
		/* len 0 still needs known advice and an aligned address */
		{ 0x10000, 0, 12345, -EINVAL, 0 },
		{ 0x10001, 0, MADV_DONTNEED, -EINVAL, 0 },
		{ 0x10000, PG, 12345, -EINVAL, 0 },
		{ 0x10000, PG, -1, -EINVAL, 0 },
		{ 0x10000, PG, MADV_REMOVE, -EINVAL, 0 },
		{ 0x10003, PG, MADV_DONTNEED, -EINVAL, 0 },
		/* a length that rounds up to 0, or a range that wraps */
		{ 0x10000, ~0ULL, MADV_DONTNEED, -EINVAL, 0 },
		{ 0x10000, ~0ULL - 0x10000 + 1, MADV_DONTNEED, -EINVAL, 0 },
		/* past the user address space: the caller's -ENOMEM */
		{ TOP, PG, MADV_DONTNEED, 0, TOP + PG },
	};

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct range_case *c = &cases[i];
		u64 end = POISON;

		HT_EXPECT_EQ(t, mman_check_madvise(c->addr, c->len, c->arg,
						   &end), c->err);
		HT_EXPECT_EQ(t, end, c->err ? POISON : c->end);
	}
}

static void test_madvise_classes(struct htest *t)
{
	int discards = 0;

	HT_EXPECT(t, mman_madvise_discards(MADV_DONTNEED));
	HT_EXPECT(t, mman_madvise_discards(MADV_DONTNEED_LOCKED));
	HT_EXPECT(t, mman_madvise_discards(MADV_FREE));
	for (int a = -2; a < 128; a++) {
		if (mman_madvise_discards(a)) {
			discards++;
			HT_EXPECT(t, mman_madvise_known(a));
		}
	}
	HT_EXPECT_EQ(t, discards, 3);
	HT_EXPECT(t, !mman_madvise_known(MADV_REMOVE));
	HT_EXPECT(t, !mman_madvise_known(100));	/* MADV_HWPOISON */
	HT_EXPECT(t, mman_madvise_known(MADV_COLD));
}

static void test_mremap(struct htest *t)
{
	static const struct {
		u64 addr, old_len, new_len;
		u32 flags;
		u64 new_addr;
		int err;
		u64 old_end;	/* on success */
	} cases[] = {
		{ 0x10000, PG, 2 * PG, 0, 0, 0, 0x10000 + PG },
		{ 0x10000, 1, 1, MREMAP_MAYMOVE, 0, 0, 0x10000 + PG },
		{ 0x10000, 0, PG, MREMAP_MAYMOVE, 0, 0, 0x10000 },
		{ 0x10001, PG, PG, 0, 0, -EINVAL, 0 },
		{ 0x10000, PG, 0, MREMAP_MAYMOVE, 0, -EINVAL, 0 },
		{ 0x10000, PG, ~0ULL, MREMAP_MAYMOVE, 0, -EINVAL, 0 },
		{ 0x10000, PG, PG, 8, 0, -EINVAL, 0 },
		{ 0x10000, PG, PG, MREMAP_FIXED, 0x20000, -EINVAL, 0 },
		{ 0x10000, PG, PG, MREMAP_DONTUNMAP, 0, -EINVAL, 0 },
		{ 0x10000, PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0,
		  -EINVAL, 0 },
		{ 0x10000, PG, PG, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0, 0,
		  0x10000 + PG },
		/* MREMAP_FIXED: the new range is checked too. */
		{ 0x10000, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, 0x20000, 0,
		  0x10000 + PG },
		{ 0x10000, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, 0x20001,
		  -EINVAL, 0 },
		{ 0x10000, PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, TOP - PG,
		  -EINVAL, 0 },
		{ 0x10000, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, TOP - PG, 0,
		  0x10000 + PG },
		{ 0x10000, 2 * PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, 0x11000,
		  -EINVAL, 0 },
		{ 0x11000, PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, 0x10000,
		  -EINVAL, 0 },
		{ 0x10000, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED, 0x11000, 0,
		  0x10000 + PG },
		/* An old range past the top: the address space says -EFAULT. */
		{ TOP - PG, 4 * PG, PG, 0, 0, 0, TOP },
	};

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		u64 end = POISON;

		HT_EXPECT_EQ(t, mman_check_mremap(cases[i].addr,
						  cases[i].old_len,
						  cases[i].new_len,
						  cases[i].flags,
						  cases[i].new_addr, &end),
			     cases[i].err);
		HT_EXPECT_EQ(t, end, cases[i].err ? POISON : cases[i].old_end);
	}
}

static const struct htest_case cases[] = {
	HT_CASE(test_munmap),
	HT_CASE(test_mprotect),
	HT_CASE(test_madvise),
	HT_CASE(test_madvise_classes),
	HT_CASE(test_mremap),
	{}
};

HTEST_MAIN(cases)
