/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests for mm/memblock.c: merging of overlapping, touching and
 * duplicate ranges, sorting, zero-size and clipped entries, the full
 * table, free-range iteration, top-down allocation under a limit, page 0,
 * memblock_free() splitting, and retirement.  memblock never touches the
 * memory it tracks, so addresses here are plain numbers, many above 4 GiB.
 */
/* HTEST-SOURCES: mm/memblock.c lib/string.c tests/host/host_printk.c */
#include "htest.h"

#include <tessera/errno.h>
#include <tessera/memblock.h>
#include <asm/page.h>

#include "../../mm/internal.h"

#define GiB	(1ULL << 30)
#define MiB	(1ULL << 20)

struct range {
	phys_addr_t start, end;
};

/* Does the memory (or reserved) list hold exactly these ranges? */
static int regions_equal(struct htest *t, bool reserved,
			 const struct range *want, unsigned int n)
{
	unsigned int cnt = reserved ? memblock_reserved_region_count() :
				      memblock_mem_region_count();
	unsigned int i;

	if (cnt != n) {
		HT_FAIL(t, "%s: %u regions, want %u",
			reserved ? "reserved" : "memory", cnt, n);
		return 0;
	}
	for (i = 0; i < n; i++) {
		const struct memblock_region *r = reserved ?
			memblock_reserved_region(i) : memblock_mem_region(i);

		if (r->base != want[i].start ||
		    memblock_region_end(r) != want[i].end) {
			HT_FAIL(t, "region %u is [%#llx-%#llx), want [%#llx-%#llx)",
				i, (unsigned long long)r->base,
				(unsigned long long)memblock_region_end(r),
				(unsigned long long)want[i].start,
				(unsigned long long)want[i].end);
			return 0;
		}
	}
	return 1;
}

static void test_merge_overlap_touch_duplicate(struct htest *t)
{
	memblock_reset();
	HT_EXPECT_EQ(t, memblock_add(0x1000, 0x2000), 0);
	HT_EXPECT_EQ(t, memblock_add(0x2000, 0x3000), 0);	/* overlaps */
	HT_EXPECT_EQ(t, memblock_add(0x5000, 0x1000), 0);	/* touches */
	HT_EXPECT_EQ(t, memblock_add(0x1000, 0x2000), 0);	/* duplicate */
	HT_EXPECT_EQ(t, memblock_add(0x10000, 0x1000), 0);	/* apart */
	HT_EXPECT_EQ(t, memblock_add(0x9000, 0), 0);		/* empty */
	{
		const struct range want[] = { { 0x1000, 0x6000 },
					      { 0x10000, 0x11000 } };
		regions_equal(t, false, want, 2);
	}
	/* One range covering the gap joins everything. */
	HT_EXPECT_EQ(t, memblock_add(0x5800, 0x10000), 0);
	{
		const struct range want[] = { { 0x1000, 0x15800 } };
		regions_equal(t, false, want, 1);
	}
	HT_EXPECT_EQ(t, memblock_phys_mem_size(), 0x14800);
}

static void test_sorted_insert_and_high_addresses(struct htest *t)
{
	memblock_reset();
	HT_EXPECT_EQ(t, memblock_add(64 * GiB, 2 * GiB), 0);
	HT_EXPECT_EQ(t, memblock_add(4 * GiB, 4 * GiB), 0);
	HT_EXPECT_EQ(t, memblock_add(1 * MiB, 511 * MiB), 0);
	HT_EXPECT_EQ(t, memblock_add(0, 0x9f000), 0);
	{
		const struct range want[] = {
			{ 0, 0x9f000 }, { 1 * MiB, 512 * MiB },
			{ 4 * GiB, 8 * GiB }, { 64 * GiB, 66 * GiB } };
		regions_equal(t, false, want, 4);
	}
	HT_EXPECT_EQ(t, memblock_end_of_DRAM(), 66 * GiB);
	HT_EXPECT_EQ(t, memblock_phys_mem_size(),
		     0x9f000 + 511 * MiB + 4 * GiB + 2 * GiB);
	HT_EXPECT(t, memblock_is_region_memory(5 * GiB, GiB));
	HT_EXPECT(t, !memblock_is_region_memory(7 * GiB, 2 * GiB));
	HT_EXPECT(t, !memblock_is_region_memory(0x9f000, 0x1000));
}

static void test_clip_at_top_of_address_space(struct htest *t)
{
	phys_addr_t top = ~(phys_addr_t)0;

	memblock_reset();
	HT_EXPECT_EQ(t, memblock_add(top - 0xfff, 0x10000), 0);
	HT_ASSERT_EQ(t, memblock_mem_region_count(), 1);
	HT_EXPECT_EQ(t, memblock_mem_region(0)->base, top - 0xfff);
	HT_EXPECT_EQ(t, memblock_end_of_DRAM(), top);
}

static void test_full_table(struct htest *t)
{
	unsigned int i;
	extern unsigned long host_printk_nr_errors;
	unsigned long errors;

	memblock_reset();
	for (i = 0; i < MEMBLOCK_MAX_REGIONS; i++)
		HT_ASSERT_EQ(t, memblock_add(8 * GiB + i * 0x10000ULL, 0x1000), 0);
	HT_EXPECT_EQ(t, memblock_mem_region_count(), MEMBLOCK_MAX_REGIONS);

	errors = host_printk_nr_errors;
	HT_EXPECT_EQ(t, memblock_add(0x1000, 0x1000), -ENOSPC);
	HT_EXPECT_EQ(t, memblock_add(100 * GiB, 0x1000), -ENOSPC);
	HT_EXPECT_EQ(t, host_printk_nr_errors, errors + 2);
	HT_EXPECT_EQ(t, memblock_mem_region_count(), MEMBLOCK_MAX_REGIONS);
	HT_EXPECT_EQ(t, memblock_mem_region(0)->base, 8 * GiB);

	/* Growing an existing region needs no slot. */
	HT_EXPECT_EQ(t, memblock_add(8 * GiB + 0x800, 0x1000), 0);
	HT_EXPECT_EQ(t, memblock_mem_region_count(), MEMBLOCK_MAX_REGIONS);
	/* Bridging two regions frees one slot, which can then be used. */
	HT_EXPECT_EQ(t, memblock_add(8 * GiB, 0x11000), 0);
	HT_EXPECT_EQ(t, memblock_mem_region_count(), MEMBLOCK_MAX_REGIONS - 1);
	HT_EXPECT_EQ(t, memblock_add(0x1000, 0x1000), 0);
	HT_EXPECT_EQ(t, memblock_mem_region_count(), MEMBLOCK_MAX_REGIONS);
	HT_EXPECT_EQ(t, memblock_mem_region(0)->base, 0x1000);

	/* The same limit holds for the reserved list. */
	for (i = 0; i < MEMBLOCK_MAX_REGIONS; i++)
		HT_ASSERT_EQ(t, memblock_reserve(i * 0x10000ULL, 0x100), 0);
	HT_EXPECT_EQ(t, memblock_reserve(200 * GiB, 0x100), -ENOSPC);
	/* A free that would split a region with the table full is refused
	 * and leaves the range reserved. */
	memblock_free(0x10010, 0x10);
	HT_EXPECT(t, memblock_is_region_reserved(0x10010, 0x10));
}

static void test_free_ranges(struct htest *t)
{
	const struct range want[] = {
		{ 0x100000, 0x180000 }, { 0x190000, 0x1f0000 },
		{ 0x310000, 0x400000 }, { 5 * GiB, 5 * GiB + 0x1000 } };
	phys_addr_t start, end;
	unsigned int n = 0;
	u64 i;

	memblock_reset();
	memblock_add(0x100000, 0x100000);
	memblock_add(0x300000, 0x100000);
	memblock_add(5 * GiB, 0x3000);
	memblock_reserve(0x180000, 0x10000);
	memblock_reserve(0x1f0000, 0x120000);	/* spans a hole */
	memblock_reserve(0x50000, 0x1000);	/* outside memory */
	memblock_reserve(5 * GiB + 0x1000, 0x2000);	/* tail of a region */

	for_each_free_range(i, &start, &end) {
		if (n < 4) {
			HT_EXPECT_EQ(t, start, want[n].start);
			HT_EXPECT_EQ(t, end, want[n].end);
		}
		n++;
	}
	HT_EXPECT_EQ(t, n, 4);
	HT_EXPECT(t, memblock_is_region_reserved(0x17f000, 0x2000));
	HT_EXPECT(t, !memblock_is_region_reserved(0x190000, 0x60000));
	HT_EXPECT_EQ(t, memblock_reserved_size(), 0x10000 + 0x120000 + 0x1000 + 0x2000);
}

static void test_alloc_top_down_aligned(struct htest *t)
{
	phys_addr_t a, b, c;

	memblock_reset();
	memblock_add(0x100000, 0x100000);
	a = memblock_alloc(0x1000, 0x1000);
	b = memblock_alloc(0x1000, 0);
	c = memblock_alloc(0x1000, 0x10000);
	HT_EXPECT_EQ(t, a, 0x1ff000);
	HT_EXPECT_EQ(t, b, 0x1fe000);
	HT_EXPECT_EQ(t, c, 0x1f0000);
	HT_EXPECT(t, memblock_is_region_reserved(a, 0x1000));
	HT_EXPECT(t, memblock_is_region_reserved(c, 0x1000));
	HT_EXPECT(t, !memblock_is_region_reserved(0x1f1000, 0xd000));
	{
		const struct range want[] = { { 0x1f0000, 0x1f1000 },
					      { 0x1fe000, 0x200000 } };
		regions_equal(t, true, want, 2);
	}
	/* The gap below the aligned allocation is still used. */
	HT_EXPECT_EQ(t, memblock_alloc(0xd000, 0x1000), 0x1f1000);
	/* Too big for what is left, zero size, bad alignment: 0. */
	HT_EXPECT_EQ(t, memblock_alloc(0x100000, 0x1000), 0);
	HT_EXPECT_EQ(t, memblock_alloc(0, 0x1000), 0);
	HT_EXPECT_EQ(t, memblock_alloc(0x1000, 0x3000), 0);
}

static void test_alloc_limit_and_high_memory(struct htest *t)
{
	memblock_reset();
	memblock_add(0x100000, 255 * MiB);
	memblock_add(4 * GiB, 4 * GiB);
	HT_EXPECT_EQ(t, memblock_alloc(0x2000, 0x1000), 8 * GiB - 0x2000);

	memblock_set_limit(1 * GiB);
	HT_EXPECT_EQ(t, memblock_get_limit(), 1 * GiB);
	HT_EXPECT_EQ(t, memblock_alloc(0x1000, 0x1000), 256 * MiB - 0x1000);

	memblock_set_limit(0x180000);
	HT_EXPECT_EQ(t, memblock_alloc(0x1000, 0x1000), 0x17f000);
	HT_EXPECT_EQ(t, memblock_alloc(0x100000, 0x1000), 0);

	memblock_set_limit(0x100000);	/* below all memory */
	HT_EXPECT_EQ(t, memblock_alloc(0x1000, 0x1000), 0);

	memblock_set_limit(MEMBLOCK_ALLOC_ANYWHERE);
	HT_EXPECT_EQ(t, memblock_alloc(2 * MiB, 2 * MiB), 8 * GiB - 4 * MiB);
}

static void test_never_page_zero(struct htest *t)
{
	memblock_reset();
	memblock_add(0, 0x3000);
	HT_EXPECT_EQ(t, memblock_alloc(0x1000, 0x1000), 0x2000);
	HT_EXPECT_EQ(t, memblock_alloc(0x1000, 0x1000), 0x1000);
	HT_EXPECT_EQ(t, memblock_alloc(0x1000, 0x1000), 0);
	HT_EXPECT_EQ(t, memblock_alloc(0x10, 0x10), 0);
	HT_EXPECT(t, !memblock_is_region_reserved(0, 0x1000));
}

static void test_unaligned_entries(struct htest *t)
{
	phys_addr_t start, end;
	u64 i;

	memblock_reset();
	memblock_add(0x1234, 0x5678 - 0x1234);
	HT_EXPECT_EQ(t, memblock_alloc(0x1000, 0x1000), 0x4000);
	/* Unaligned sizes are reserved exactly; the highest fit wins. */
	HT_EXPECT_EQ(t, memblock_alloc(0x10, 0x8), 0x5668);
	i = 0;
	HT_ASSERT(t, __memblock_next_free_range(&i, &start, &end));
	HT_EXPECT_EQ(t, start, 0x1234);
	HT_EXPECT_EQ(t, end, 0x4000);
	HT_ASSERT(t, __memblock_next_free_range(&i, &start, &end));
	HT_EXPECT_EQ(t, start, 0x5000);
	HT_EXPECT_EQ(t, end, 0x5668);
	HT_EXPECT(t, !__memblock_next_free_range(&i, &start, &end));
}

static void test_free_splits_and_trims(struct htest *t)
{
	memblock_reset();
	memblock_reserve(0x1000, 0x8000);
	memblock_reserve(0x20000, 0x4000);
	memblock_free(0x3000, 0x1000);		/* middle: split */
	memblock_free(0x8000, 0x19000);		/* tail of one, head of next */
	{
		const struct range want[] = { { 0x1000, 0x3000 },
					      { 0x4000, 0x8000 },
					      { 0x21000, 0x24000 } };
		regions_equal(t, true, want, 3);
	}
	memblock_free(0, 0x100000);		/* everything */
	HT_EXPECT_EQ(t, memblock_reserved_region_count(), 0);
	/* Exactly a region's tail, then its head: trims, no split. */
	memblock_reserve(0x1000, 0x8000);
	memblock_free(0x7000, 0x2000);
	memblock_free(0x1000, 0x1000);
	{
		const struct range want[] = { { 0x2000, 0x7000 } };

		regions_equal(t, true, want, 1);
	}
	memblock_free(0, 0x100000);
	memblock_free(0x5000, 0x1000);		/* nothing there: no-op */
	HT_EXPECT_EQ(t, memblock_reserved_region_count(), 0);

	/* An allocation given back can be allocated again. */
	memblock_add(0x100000, 0x10000);
	{
		phys_addr_t a = memblock_alloc(0x4000, 0x1000);

		memblock_free(a, 0x4000);
		HT_EXPECT_EQ(t, memblock_reserved_size(), 0);
		HT_EXPECT_EQ(t, memblock_alloc(0x4000, 0x1000), a);
	}
}

static void test_retired_refuses(struct htest *t)
{
	memblock_reset();
	memblock_add(0x100000, 0x100000);
	memblock_retire();
	HT_EXPECT(t, memblock_is_retired());
	HT_EXPECT_EQ(t, memblock_alloc(0x1000, 0x1000), 0);
	HT_EXPECT_EQ(t, memblock_add(0x300000, 0x1000), -EBUSY);
	HT_EXPECT_EQ(t, memblock_reserve(0x100000, 0x1000), -EBUSY);
	HT_EXPECT_EQ(t, memblock_mem_region_count(), 1);
	HT_EXPECT_EQ(t, memblock_reserved_region_count(), 0);
	memblock_dump();
	memblock_reset();
	HT_EXPECT(t, !memblock_is_retired());
}

static const struct htest_case cases[] = {
	HT_CASE(test_merge_overlap_touch_duplicate),
	HT_CASE(test_sorted_insert_and_high_addresses),
	HT_CASE(test_clip_at_top_of_address_space),
	HT_CASE(test_full_table),
	HT_CASE(test_free_ranges),
	HT_CASE(test_alloc_top_down_aligned),
	HT_CASE(test_alloc_limit_and_high_memory),
	HT_CASE(test_never_page_zero),
	HT_CASE(test_unaligned_entries),
	HT_CASE(test_free_splits_and_trims),
	HT_CASE(test_retired_refuses),
	{}
};

HTEST_MAIN(cases)
