/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KTAP suite "user_pgtable": user_lookup_pte_next(), the walk a fork
 * uses to write back every line of a process (pmm_fork_prepare()),
 * finds every present entry of a sparse address space, in address
 * order, and skips the absent tables at every level, so that walking
 * the whole 128 TiB costs the tables there are, not 2^26 steps of
 * 2 MiB.
 */
#include <tessera/kernel.h>
#include <tessera/ktest.h>
#include <tessera/mm.h>
#include <asm/page.h>
#include <asm/syscall.h>
#include <asm/user_pgtable.h>

static const unsigned long sparse_vas[] = {
	0x10000UL,			/* the lowest mappable page */
	0x10000UL + PAGE_SIZE,		/* its neighbour */
	0x3ffff000UL,			/* the last page below 1 GiB ... */
	0x40000000UL,			/* ... and the first above */
	0x555555554000UL,		/* where PIE programs load */
	0x7ffffffde000UL,		/* a stack page */
	0x7fffffffe000UL,		/* the last user page */
};

static void walk_finds_every_entry_and_skips_holes(struct ktest *t)
{
	unsigned int n = ARRAY_SIZE(sparse_vas), found = 0, steps = 0;
	struct page *page = alloc_page(GFP_KERNEL);
	pte_t *pgd = user_pgd_alloc();
	unsigned long va = 0;
	bool in_order = true;

	if (!pgd || !page) {
		KT_FAIL(t, "no memory for the page table and page");
		goto free;
	}
	for (unsigned int i = 0; i < n; i++)
		KT_ASSERT_EQ(t, user_map_page(pgd, sparse_vas[i],
					      PFN_PHYS(page_to_pfn(page)),
					      PAGE_USER_RW), 0);
	while (va < USER_ADDR_END && steps < (1u << 20)) {
		pte_t *pte = user_lookup_pte_next(pgd, &va);

		steps++;
		if (!pte)
			continue;
		if (*pte & _PAGE_PRESENT) {
			if (found >= n || sparse_vas[found] != va)
				in_order = false;
			found++;
		}
		va += PAGE_SIZE;
	}
	KT_EXPECT_EQ(t, found, n);
	KT_EXPECT_TRUE(t, in_order);
	/*
	 * Five leaf tables of 512 entries are walked entry by entry, and
	 * each absent entry above them is one step: about 6400 here, where
	 * a walk in 2 MiB steps would take 2^26.
	 */
	KT_EXPECT_TRUE(t, steps < 16 * 512);
	for (unsigned int i = 0; i < n; i++)
		user_unmap_page(pgd, sparse_vas[i]);
free:
	if (pgd)
		user_pgd_free(pgd, NULL, NULL);
	if (page)
		__free_page(page);
}

/* An empty address space: a handful of steps, nothing found. */
static void walk_of_empty_space(struct ktest *t)
{
	pte_t *pgd = user_pgd_alloc();
	unsigned long va = 0;
	unsigned int steps = 0;
	bool found = false;

	KT_ASSERT_TRUE(t, pgd);
	while (va < USER_ADDR_END && steps < (1u << 20)) {
		if (user_lookup_pte_next(pgd, &va)) {
			found = true;
			va += PAGE_SIZE;
		}
		steps++;
	}
	KT_EXPECT_FALSE(t, found);
	/* The user half is 256 top-level entries. */
	KT_EXPECT_TRUE(t, steps <= 256);
	user_pgd_free(pgd, NULL, NULL);
}

static struct ktest_case user_pgtable_cases[] = {
	KTEST_CASE(walk_finds_every_entry_and_skips_holes),
	KTEST_CASE(walk_of_empty_space),
	{}
};

KTEST_SUITE(user_pgtable, user_pgtable_cases);
