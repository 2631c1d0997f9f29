/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktest suite "buddy": the page allocator in the booted kernel.  Every
 * order is allocated, written and freed; blocks are checked not to
 * overlap; the order-10 blocks are exhausted and given back; bad frees
 * must be refused without touching the free lists.  Each case leaves
 * nr_free_pages() where it found it and buddy_check() clean.
 */
#include <tessera/ktest.h>
#include <tessera/mm.h>
#include <tessera/string.h>

#define NR_MIXED_BLOCKS	64

/* A word per 8 bytes that depends on where it is and on a seed. */
static u64 pattern_word(unsigned long pfn, unsigned long i, u64 seed)
{
	return (pfn << 20 ^ i) * 0x9e3779b97f4a7c15ULL + seed;
}

static void fill_block(struct page *page, unsigned int order, u64 seed)
{
	u64 *w = page_address(page);
	unsigned long i, n = (PAGE_SIZE << order) / sizeof(u64);

	for (i = 0; i < n; i++)
		w[i] = pattern_word(page_to_pfn(page), i, seed);
}

/* Index of the first wrong word, or the number of words if all match. */
static unsigned long check_block(struct page *page, unsigned int order,
				 u64 seed)
{
	u64 *w = page_address(page);
	unsigned long i, n = (PAGE_SIZE << order) / sizeof(u64);

	for (i = 0; i < n; i++)
		if (w[i] != pattern_word(page_to_pfn(page), i, seed))
			return i;
	return n;
}

static void buddy_alloc_free_every_order(struct ktest *t)
{
	u64 before = nr_free_pages();
	unsigned int order;

	for (order = 0; order < MAX_ORDER; order++) {
		struct page *page = alloc_pages(GFP_KERNEL, order);
		unsigned long words = (PAGE_SIZE << order) / sizeof(u64);

		KT_ASSERT_NOT_NULL(t, page);
		KT_EXPECT_EQ(t, page_to_pfn(page) & ((1UL << order) - 1), 0);
		KT_EXPECT_EQ(t, nr_free_pages(), before - (1UL << order));
		KT_EXPECT_GE(t, (unsigned long)page_address(page), PAGE_OFFSET);
		KT_EXPECT_EQ(t, (unsigned long)virt_to_page(page_address(page)),
			     (unsigned long)page);
		fill_block(page, order, order);
		KT_EXPECT_EQ(t, check_block(page, order, order), words);
		__free_pages(page, order);
		KT_EXPECT_EQ(t, nr_free_pages(), before);
	}
	KT_EXPECT_EQ(t, buddy_check(), 0);
}

static void buddy_blocks_do_not_overlap(struct ktest *t)
{
	struct page *pages[NR_MIXED_BLOCKS];
	u64 before = nr_free_pages();
	unsigned int i, n;

	for (n = 0; n < NR_MIXED_BLOCKS; n++) {
		pages[n] = alloc_pages(GFP_KERNEL, n % 4);
		if (!pages[n])
			break;
		fill_block(pages[n], n % 4, n);
	}
	KT_EXPECT_EQ(t, n, NR_MIXED_BLOCKS);
	/* Verify after all writes: an overlap shows as a foreign pattern. */
	for (i = 0; i < n; i++)
		KT_EXPECT_EQ(t, check_block(pages[i], i % 4, i),
			     (PAGE_SIZE << (i % 4)) / sizeof(u64));
	for (i = 0; i < n; i += 2)
		__free_pages(pages[i], i % 4);
	KT_EXPECT_EQ(t, buddy_check(), 0);
	for (i = 1; i < n; i += 2)
		__free_pages(pages[i], i % 4);
	KT_EXPECT_EQ(t, nr_free_pages(), before);
	KT_EXPECT_EQ(t, buddy_check(), 0);
}

static void buddy_zeroed_pages(struct ktest *t)
{
	unsigned long addr = __get_free_page(GFP_KERNEL), again;
	struct page *page;
	unsigned long i;
	u8 *p;

	KT_ASSERT_NE(t, addr, 0);
	memset((void *)addr, 0xa5, PAGE_SIZE);
	free_page(addr);
	again = get_zeroed_page(GFP_KERNEL);
	KT_ASSERT_NE(t, again, 0);
	KT_EXPECT_EQ(t, memchr_inv_off((void *)again, 0, PAGE_SIZE), PAGE_SIZE);
	free_page(again);

	page = alloc_pages(GFP_KERNEL | __GFP_ZERO, 4);
	KT_ASSERT_NOT_NULL(t, page);
	p = page_address(page);
	for (i = 0; i < (PAGE_SIZE << 4); i += PAGE_SIZE)
		KT_EXPECT_EQ(t, memchr_inv_off(p + i, 0, PAGE_SIZE), PAGE_SIZE);
	__free_pages(page, 4);
}

/* Take order-10 blocks until none is left, chained through their first
 * word, then give them all back. */
static void buddy_exhaust_big_blocks(struct ktest *t)
{
	const unsigned int order = MAX_ORDER - 1;
	u64 before = nr_free_pages();
	unsigned long n = 0;
	void *chain = NULL;
	struct page *page;

	while ((page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, order))) {
		*(void **)page_address(page) = chain;
		chain = page_address(page);
		n++;
	}
	KT_EXPECT_GT(t, n, 0);
	KT_EXPECT_EQ(t, nr_free_blocks(order), 0);
	KT_EXPECT_NULL(t, alloc_pages(GFP_KERNEL | __GFP_NOWARN, order));
	KT_EXPECT_LE(t, (u64)n << order, before);
	KT_EXPECT_EQ(t, nr_free_pages(), before - ((u64)n << order));
	/* Smaller blocks are still there. */
	page = alloc_pages(GFP_KERNEL, 0);
	KT_EXPECT_NOT_NULL(t, page);
	if (page)
		__free_pages(page, 0);

	while (chain) {
		void *next = *(void **)chain;

		free_pages((unsigned long)chain, order);
		chain = next;
	}
	KT_EXPECT_EQ(t, nr_free_pages(), before);
	KT_EXPECT_EQ(t, buddy_check(), 0);
}

static int buddy_test_static_object;

static void buddy_bad_frees_refused(struct ktest *t)
{
	struct page *page, *kernel_page;
	u64 before;

	page = alloc_pages(GFP_KERNEL, 2);
	KT_ASSERT_NOT_NULL(t, page);
	before = nr_free_pages();
	__free_pages(page, 1);			/* wrong order */
	__free_pages(page, 3);
	__free_pages(page + 1, 0);		/* tail page */
	KT_EXPECT_EQ(t, nr_free_pages(), before);
	KT_EXPECT_TRUE(t, PageHead(page));

	/* The kernel image is reserved memory. */
	KT_ASSERT_TRUE(t, virt_addr_valid(&buddy_test_static_object));
	kernel_page = virt_to_page(&buddy_test_static_object);
	KT_EXPECT_TRUE(t, PageReserved(kernel_page));
	__free_pages(kernel_page, 0);
	KT_EXPECT_EQ(t, nr_free_pages(), before);

	__free_pages(page, 2);
	before = nr_free_pages();
	__free_pages(page, 2);			/* double free */
	KT_EXPECT_EQ(t, nr_free_pages(), before);
	KT_EXPECT_EQ(t, buddy_check(), 0);
}

static void buddy_counters_consistent(struct ktest *t)
{
	u64 blocks = 0;
	unsigned int order;

	for (order = 0; order < MAX_ORDER; order++)
		blocks += (u64)nr_free_blocks(order) << order;
	KT_EXPECT_EQ(t, blocks, nr_free_pages());
	KT_EXPECT_LE(t, nr_free_pages(), nr_managed_pages());
	KT_EXPECT_GT(t, nr_managed_pages(), 0);
	KT_EXPECT_EQ(t, buddy_check(), 0);
	KT_EXPECT_NULL(t, alloc_pages(GFP_KERNEL | __GFP_NOWARN, MAX_ORDER));
}

static struct ktest_case buddy_cases[] = {
	KTEST_CASE(buddy_alloc_free_every_order),
	KTEST_CASE(buddy_blocks_do_not_overlap),
	KTEST_CASE(buddy_zeroed_pages),
	KTEST_CASE(buddy_exhaust_big_blocks),
	KTEST_CASE(buddy_bad_frees_refused),
	KTEST_CASE(buddy_counters_consistent),
	{}
};
KTEST_SUITE(buddy, buddy_cases);
