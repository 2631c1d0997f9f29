/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests for the buddy allocator (mm/page_alloc.c) over a real host
 * arena: mm_init() from an unaligned, partly reserved memblock map,
 * allocation and freeing at every order with merging back to the initial
 * free lists, a seeded random stress run checked against a shadow bitmap
 * and per-block tags, exhaustion, refusal of bad frees, __GFP_ZERO and
 * the address conversions.  Every case ends with the arena back in its
 * initial state, which the next case relies on.
 */
/* HTEST-SOURCES: mm/memblock.c mm/page_alloc.c lib/string.c tests/host/host_printk.c */
#include "htest.h"

#include <tessera/errno.h>
#include <tessera/memblock.h>
#include <tessera/mm.h>
#include <tessera/string.h>

#include "../../mm/internal.h"

#define ARENA_SIZE	(32UL << 20)
#define ARENA_ALIGN	(4UL << 20)		/* one order-10 block */
#define ARENA_PAGES	(ARENA_SIZE / PAGE_SIZE)
#define RESV_FIRST	5			/* arena pages 5..8 reserved */
#define RESV_LAST	8
#define STRESS_SLOTS	256
#define STRESS_ROUNDS	20000

extern unsigned long host_printk_nr_errors;

static char *arena;
static unsigned long arena_pfn;
static u64 initial_free;
static unsigned long initial_blocks[MAX_ORDER];

/* Build the allocator once: [arena + 100, arena + size - 100) with a
 * duplicate entry and an unaligned reservation. */
static int setup(void)
{
	unsigned int o;

	if (arena)
		return 0;
	arena = aligned_alloc(ARENA_ALIGN, ARENA_SIZE);
	if (!arena)
		return -ENOMEM;
	arena_pfn = PFN_DOWN(__pa(arena));
	memblock_add(__pa(arena) + 100, ARENA_SIZE - 200);
	memblock_add(__pa(arena) + (1 << 20), 1 << 20);
	memblock_reserve(__pa(arena) + RESV_FIRST * PAGE_SIZE + 7,
			 3 * PAGE_SIZE);
	mm_init();
	initial_free = nr_free_pages();
	for (o = 0; o < MAX_ORDER; o++)
		initial_blocks[o] = nr_free_blocks(o);
	return 0;
}

static bool back_to_initial(struct htest *t)
{
	unsigned int o;
	bool ok = true;

	if (nr_free_pages() != initial_free) {
		HT_FAIL(t, "nr_free_pages %llu, initially %llu",
			(unsigned long long)nr_free_pages(),
			(unsigned long long)initial_free);
		ok = false;
	}
	for (o = 0; o < MAX_ORDER; o++)
		if (nr_free_blocks(o) != initial_blocks[o]) {
			HT_FAIL(t, "order %u: %lu free blocks, initially %lu",
				o, nr_free_blocks(o), initial_blocks[o]);
			ok = false;
		}
	if (buddy_check()) {
		HT_FAIL(t, "buddy_check failed");
		ok = false;
	}
	return ok;
}

static bool page_in_arena(struct page *page, unsigned int order)
{
	unsigned long pfn = page_to_pfn(page);

	return pfn >= arena_pfn && pfn + (1UL << order) <= arena_pfn + ARENA_PAGES;
}

static void test_init_counts(struct htest *t)
{
	u64 span, map_pages, expect;

	HT_ASSERT_EQ(t, setup(), 0);
	/* RAM covers arena pages 0 (partial) .. N-1 (partial): mem_map has a
	 * struct page for each pfn from the first to the last full page. */
	HT_EXPECT_EQ(t, min_pfn, arena_pfn);
	HT_EXPECT_EQ(t, max_pfn, arena_pfn + ARENA_PAGES - 1);
	span = ARENA_PAGES - 1;
	map_pages = DIV_ROUND_UP(span * sizeof(struct page), PAGE_SIZE);
	/* Whole pages 1..N-2, minus the 4 touched by the reservation and
	 * the pages holding mem_map. */
	expect = (ARENA_PAGES - 2) - (RESV_LAST - RESV_FIRST + 1) - map_pages;
	HT_EXPECT_EQ(t, nr_free_pages(), expect);
	HT_EXPECT_EQ(t, nr_managed_pages(), expect);
	HT_EXPECT(t, PageReserved(pfn_to_page(arena_pfn)));
	HT_EXPECT(t, !PageReserved(pfn_to_page(arena_pfn + 1)));
	HT_EXPECT(t, PageReserved(pfn_to_page(arena_pfn + RESV_FIRST)));
	HT_EXPECT(t, PageReserved(pfn_to_page(arena_pfn + RESV_LAST)));
	HT_EXPECT(t, !PageReserved(pfn_to_page(arena_pfn + RESV_LAST + 1)));
	HT_EXPECT(t, PageReserved(virt_to_page(mem_map)));
	HT_EXPECT_EQ(t, buddy_check(), 0);
	/* memblock is retired now. */
	HT_EXPECT(t, memblock_is_retired());
	HT_EXPECT_EQ(t, memblock_alloc(PAGE_SIZE, PAGE_SIZE), 0);
	buddy_dump();
}

static void test_alloc_free_every_order(struct htest *t)
{
	unsigned int order;

	HT_ASSERT_EQ(t, setup(), 0);
	for (order = 0; order < MAX_ORDER; order++) {
		struct page *page = alloc_pages(GFP_KERNEL, order);
		unsigned char *p;
		unsigned long i;

		HT_ASSERT(t, page != NULL);
		HT_EXPECT(t, page_in_arena(page, order));
		HT_EXPECT_EQ(t, page_to_pfn(page) & ((1UL << order) - 1), 0);
		HT_EXPECT(t, PageHead(page) && !PageBuddy(page));
		HT_EXPECT_EQ(t, nr_free_pages(), initial_free - (1UL << order));
		HT_EXPECT_EQ(t, buddy_check(), 0);
		p = page_address(page);
		for (i = 0; i < (PAGE_SIZE << order); i++)
			p[i] = (unsigned char)(i * 7 + order);
		for (i = 0; i < (PAGE_SIZE << order); i++)
			if (p[i] != (unsigned char)(i * 7 + order)) {
				HT_FAIL(t, "order %u byte %lu changed", order, i);
				break;
			}
		__free_pages(page, order);
		back_to_initial(t);
	}
}

/* Take many small blocks, so that big ones get split, then give them back
 * in a scrambled order: the free lists must merge back exactly. */
static void test_split_and_merge_back(struct htest *t)
{
	struct page *pages[300];
	unsigned int i, n = 0;

	HT_ASSERT_EQ(t, setup(), 0);
	for (i = 0; i < 300; i++) {
		pages[i] = alloc_pages(GFP_KERNEL, i % 3);
		HT_ASSERT(t, pages[i] != NULL);
		n++;
	}
	HT_EXPECT_EQ(t, buddy_check(), 0);
	for (i = 0; i < n; i += 2)
		__free_pages(pages[i], i % 3);
	HT_EXPECT_EQ(t, buddy_check(), 0);
	for (i = n; i-- > 0; )
		if (i % 2)
			__free_pages(pages[i], i % 3);
	back_to_initial(t);
}

static unsigned long rng_state = 0x2545f4914f6cdd1dUL;

static unsigned long rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void test_random_stress_shadow(struct htest *t)
{
	static unsigned char shadow[ARENA_PAGES];
	struct { struct page *page; unsigned int order; unsigned long tag; }
		slot[STRESS_SLOTS] = { { 0 } };
	unsigned long round, nr_alloc = 0, nr_fail = 0;
	unsigned int i;

	HT_ASSERT_EQ(t, setup(), 0);
	memset(shadow, 0, sizeof(shadow));
	for (round = 0; round < STRESS_ROUNDS; round++) {
		unsigned int s = rng() % STRESS_SLOTS;

		if (!slot[s].page) {
			unsigned int order = rng() % 8 ? rng() % 4 : rng() % MAX_ORDER;
			struct page *page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, order);
			unsigned long pfn, j;

			if (!page) {
				nr_fail++;
				continue;
			}
			nr_alloc++;
			HT_ASSERT(t, page_in_arena(page, order));
			pfn = page_to_pfn(page) - arena_pfn;
			for (j = 0; j < (1UL << order); j++) {
				if (shadow[pfn + j]) {
					HT_FAIL(t, "arena page %lu handed out twice", pfn + j);
					return;
				}
				if (PageReserved(page + j)) {
					HT_FAIL(t, "reserved arena page %lu handed out", pfn + j);
					return;
				}
				shadow[pfn + j] = 1;
			}
			slot[s].page = page;
			slot[s].order = order;
			slot[s].tag = rng();
			for (j = 0; j < (1UL << order); j++)
				*(unsigned long *)page_address(page + j) = slot[s].tag + j;
		} else {
			struct page *page = slot[s].page;
			unsigned long pfn = page_to_pfn(page) - arena_pfn, j;

			for (j = 0; j < (1UL << slot[s].order); j++) {
				if (*(unsigned long *)page_address(page + j) != slot[s].tag + j) {
					HT_FAIL(t, "block at arena page %lu overwritten", pfn + j);
					return;
				}
				shadow[pfn + j] = 0;
			}
			__free_pages(page, slot[s].order);
			slot[s].page = NULL;
		}
		if (round % 1000 == 0 && buddy_check()) {
			HT_FAIL(t, "buddy_check failed in round %lu", round);
			return;
		}
	}
	for (i = 0; i < STRESS_SLOTS; i++)
		if (slot[i].page)
			__free_pages(slot[i].page, slot[i].order);
	printf("# %lu allocations, %lu failed\n", nr_alloc, nr_fail);
	HT_EXPECT(t, nr_alloc > STRESS_ROUNDS / 4);
	back_to_initial(t);
}

/* Take every page, one at a time, chaining them through their first word. */
static void test_exhaustion(struct htest *t)
{
	void *chain = NULL;
	unsigned long n = 0;
	struct page *page;

	HT_ASSERT_EQ(t, setup(), 0);
	while ((page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0))) {
		*(void **)page_address(page) = chain;
		chain = page_address(page);
		n++;
	}
	HT_EXPECT_EQ(t, n, initial_free);
	HT_EXPECT_EQ(t, nr_free_pages(), 0);
	HT_EXPECT(t, alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0) == NULL);
	HT_EXPECT_EQ(t, __get_free_pages(GFP_KERNEL | __GFP_NOWARN, 3), 0);
	HT_EXPECT_EQ(t, buddy_check(), 0);
	while (chain) {
		void *next = *(void **)chain;

		free_page((unsigned long)chain);
		chain = next;
	}
	back_to_initial(t);

	/* Big blocks until none is left, then back. */
	n = 0;
	while ((page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, MAX_ORDER - 1))) {
		*(void **)page_address(page) = chain;
		chain = page_address(page);
		n++;
	}
	HT_EXPECT_EQ(t, n, initial_blocks[MAX_ORDER - 1]);
	HT_EXPECT_EQ(t, nr_free_blocks(MAX_ORDER - 1), 0);
	HT_EXPECT_EQ(t, nr_free_pages(), initial_free - (n << (MAX_ORDER - 1)));
	while (chain) {
		void *next = *(void **)chain;

		free_pages((unsigned long)chain, MAX_ORDER - 1);
		chain = next;
	}
	back_to_initial(t);
}

static void test_bad_frees_refused(struct htest *t)
{
	struct page *page, *big;
	unsigned long errors;
	u64 before;

	HT_ASSERT_EQ(t, setup(), 0);

	/* Double free of an order-0 page (which merged on the first free). */
	page = alloc_page(GFP_KERNEL);
	HT_ASSERT(t, page != NULL);
	__free_page(page);
	before = nr_free_pages();
	errors = host_printk_nr_errors;
	__free_page(page);
	HT_EXPECT_EQ(t, nr_free_pages(), before);
	HT_EXPECT_EQ(t, host_printk_nr_errors, errors + 1);
	HT_EXPECT_EQ(t, buddy_check(), 0);

	/* Wrong order, tail page, reserved page, bad addresses. */
	big = alloc_pages(GFP_KERNEL, 2);
	HT_ASSERT(t, big != NULL);
	before = nr_free_pages();
	errors = host_printk_nr_errors;
	__free_pages(big, 1);
	__free_pages(big, 3);
	__free_pages(big + 1, 0);
	__free_pages(pfn_to_page(arena_pfn + RESV_FIRST + 1), 0);
	__free_pages(pfn_to_page(max_pfn), 0);
	__free_pages(big, MAX_ORDER);
	free_pages((unsigned long)page_address(big) + 8, 2);
	HT_EXPECT_EQ(t, host_printk_nr_errors, errors + 7);
	HT_EXPECT_EQ(t, nr_free_pages(), before);
	HT_EXPECT_EQ(t, buddy_check(), 0);
	HT_EXPECT(t, PageHead(big));
	__free_pages(big, 2);

	/* A double free of the big block is refused too. */
	errors = host_printk_nr_errors;
	__free_pages(big, 2);
	HT_EXPECT_EQ(t, host_printk_nr_errors, errors + 1);
	free_pages(0, 0);	/* freeing address 0 is a no-op */
	back_to_initial(t);
}

static bool all_zero(const unsigned char *p, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void test_gfp_zero(struct htest *t)
{
	unsigned long addr, again;
	struct page *page;

	HT_ASSERT_EQ(t, setup(), 0);
	addr = __get_free_page(GFP_KERNEL);
	HT_ASSERT(t, addr != 0);
	memset((void *)addr, 0xaa, PAGE_SIZE);
	free_page(addr);
	again = get_zeroed_page(GFP_KERNEL);
	HT_ASSERT(t, again != 0);
	/* The free list is LIFO, so this is the page just dirtied. */
	HT_EXPECT_EQ(t, again, addr);
	HT_EXPECT(t, all_zero((void *)again, PAGE_SIZE));
	free_page(again);

	page = alloc_pages(GFP_KERNEL, 3);
	HT_ASSERT(t, page != NULL);
	memset(page_address(page), 0x55, PAGE_SIZE << 3);
	__free_pages(page, 3);
	page = alloc_pages(GFP_ATOMIC | __GFP_ZERO, 3);
	HT_ASSERT(t, page != NULL);
	HT_EXPECT(t, all_zero(page_address(page), PAGE_SIZE << 3));
	__free_pages(page, 3);
	back_to_initial(t);
}

static void test_order_limits_and_conversions(struct htest *t)
{
	struct page *page;
	unsigned long addr;

	HT_ASSERT_EQ(t, setup(), 0);
	HT_EXPECT(t, alloc_pages(GFP_KERNEL | __GFP_NOWARN, MAX_ORDER) == NULL);
	HT_EXPECT(t, alloc_pages(GFP_KERNEL | __GFP_NOWARN, 40) == NULL);

	addr = __get_free_pages(GFP_KERNEL, 1);
	HT_ASSERT(t, addr != 0);
	page = virt_to_page((void *)addr);
	HT_EXPECT(t, page_address(page) == (void *)addr);
	HT_EXPECT(t, virt_to_page((void *)(addr + PAGE_SIZE + 17)) == page + 1);
	HT_EXPECT_EQ(t, page_to_pfn(page), PFN_DOWN(__pa((void *)addr)));
	HT_EXPECT(t, pfn_to_page(page_to_pfn(page)) == page);
	HT_EXPECT_EQ(t, page_to_phys(page), __pa((void *)addr));
	HT_EXPECT(t, virt_addr_valid((void *)addr));
	HT_EXPECT(t, !virt_addr_valid(&rng_state));
	free_pages(addr, 1);

	HT_EXPECT_EQ(t, get_order(1), 0);
	HT_EXPECT_EQ(t, get_order(PAGE_SIZE), 0);
	HT_EXPECT_EQ(t, get_order(PAGE_SIZE + 1), 1);
	HT_EXPECT_EQ(t, get_order(4 * PAGE_SIZE), 2);
	HT_EXPECT_EQ(t, get_order(4 * PAGE_SIZE + 1), 3);
	back_to_initial(t);
}

static const struct htest_case cases[] = {
	HT_CASE(test_init_counts),
	HT_CASE(test_alloc_free_every_order),
	HT_CASE(test_split_and_merge_back),
	HT_CASE(test_random_stress_shadow),
	HT_CASE(test_exhaustion),
	HT_CASE(test_bad_frees_refused),
	HT_CASE(test_gfp_zero),
	HT_CASE(test_order_limits_and_conversions),
	{}
};

HTEST_MAIN(cases)
