/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The buddy page allocator and mm_init().
 *
 * This file owns mem_map, the single zone with its MAX_ORDER free lists,
 * the hand-over from memblock at boot, page allocation and freeing with
 * splitting and merging, and buddy_check(), the invariant walker the
 * tests use.  The slab allocator (mm/slab.c) sits on top and uses the
 * slab fields of struct page; memblock (mm/memblock.c) is retired here.
 *
 * Invariants: a free block of order k starts at a pfn aligned to 2^k, its
 * head page has PG_buddy with order k and sits on free_area[k]; its other
 * pages have no flags.  An allocated block's head has PG_head and its
 * order, which __free_pages() must match.  A block and its buddy are
 * never both free at the same order (they would have merged).
 *
 * Lock order (mm as a whole):
 *	slab_caches_lock -> kmem_cache.lock -> zone.lock -> (printk)
 * zone.lock is always taken with interrupts saved and disabled.
 */
#include <tessera/compiler.h>
#include <tessera/errno.h>
#include <tessera/memblock.h>
#include <tessera/mm.h>
#include <tessera/printk.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>

#include "internal.h"

#define BUDDY_CHECK_MAX_REPORTS	8

struct free_area {
	struct list_head free_list;
	unsigned long nr_free;		/* blocks on free_list */
};

static struct zone {
	spinlock_t lock;
	struct free_area free_area[MAX_ORDER];	/* protected by lock */
	u64 nr_free;				/* pages; protected by lock */
	u64 nr_managed;		/* pages given to buddy; fixed after boot */
	bool ready;		/* mm_init() has run */
} zone = { .lock = __SPIN_LOCK_UNLOCKED(zone.lock) };

struct page *mem_map;
unsigned long min_pfn, max_pfn;

static bool page_in_mem_map(const struct page *page)
{
	return mem_map && page >= mem_map && page < mem_map + (max_pfn - min_pfn);
}

/* Put the free block at pfn, 2^order pages, on the free lists, merging it
 * with its buddies as far as they are free.  zone.lock held. */
static void buddy_free_block(unsigned long pfn, unsigned int order)
{
	struct page *page;

	while (order < MAX_ORDER - 1) {
		unsigned long buddy_pfn = pfn ^ (1UL << order);
		struct page *buddy;

		if (!pfn_valid(buddy_pfn))
			break;
		buddy = pfn_to_page(buddy_pfn);
		if (!PageBuddy(buddy) || buddy->order != order)
			break;
		list_del_init(&buddy->lru);
		page_clear_flag(buddy, PG_buddy);
		zone.free_area[order].nr_free--;
		pfn &= ~(1UL << order);
		order++;
	}

	page = pfn_to_page(pfn);
	page_set_flag(page, PG_buddy);
	page->order = order;
	list_add(&page->lru, &zone.free_area[order].free_list);
	zone.free_area[order].nr_free++;
}

/* Take a block of exactly 2^order pages off the free lists, splitting a
 * larger one if needed.  NULL if none.  zone.lock held. */
static struct page *buddy_take_block(unsigned int order)
{
	unsigned int cur;
	unsigned long pfn;
	struct page *page;

	for (cur = order; cur < MAX_ORDER; cur++)
		if (!list_empty(&zone.free_area[cur].free_list))
			break;
	if (cur == MAX_ORDER)
		return NULL;

	page = list_first_entry(&zone.free_area[cur].free_list, struct page, lru);
	list_del_init(&page->lru);
	page_clear_flag(page, PG_buddy);
	zone.free_area[cur].nr_free--;
	pfn = page_to_pfn(page);

	/* Give back the upper halves until the block has the right size. */
	while (cur > order) {
		struct page *half;

		cur--;
		half = pfn_to_page(pfn + (1UL << cur));
		page_set_flag(half, PG_buddy);
		half->order = cur;
		list_add(&half->lru, &zone.free_area[cur].free_list);
		zone.free_area[cur].nr_free++;
	}

	page_set_flag(page, PG_head);
	page->order = order;
	page->inuse = 0;
	page->slab = NULL;
	page->freelist = NULL;
	zone.nr_free -= 1UL << order;
	return page;
}

void (*alloc_check_hook)(const char *what);
bool (*alloc_fail_hook)(gfp_t gfp, bool slab, void *caller);

struct page *alloc_pages_from(gfp_t gfp, unsigned int order, void *caller)
{
	bool (*fail)(gfp_t gfp, bool slab, void *caller) =
		READ_ONCE(alloc_fail_hook);

	if (unlikely(fail) && fail(gfp, false, caller))
		return NULL;
	return buddy_alloc_pages(gfp, order);
}

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	return alloc_pages_from(gfp, order, __builtin_return_address(0));
}

struct page *buddy_alloc_pages(gfp_t gfp, unsigned int order)
{
	void (*check)(const char *what) = READ_ONCE(alloc_check_hook);
	unsigned long flags;
	struct page *page;

	if (unlikely(check))
		check("alloc_pages");

	if (unlikely(gfp & ~__GFP_VALID_MASK))
		pr_warn_once("alloc_pages: unknown gfp bits %#x ignored\n",
			     gfp & ~__GFP_VALID_MASK);
	if (order >= MAX_ORDER) {
		if (!(gfp & __GFP_NOWARN))
			mm_warn("alloc_pages: order %u >= MAX_ORDER %u",
				order, MAX_ORDER);
		return NULL;
	}
	if (unlikely(!zone.ready)) {
		mm_warn("alloc_pages(order %u) before mm_init", order);
		return NULL;
	}

	spin_lock_irqsave(&zone.lock, flags);
	page = buddy_take_block(order);
	spin_unlock_irqrestore(&zone.lock, flags);

	if (!page) {
		if (!(gfp & __GFP_NOWARN))
			pr_warn("page allocation failure: order %u, gfp %#x, %llu pages free\n",
				order, gfp, (unsigned long long)nr_free_pages());
		return NULL;
	}
	if (gfp & __GFP_ZERO)
		memset(page_address(page), 0, PAGE_SIZE << order);
	return page;
}

/* Why page cannot be freed as an order-"order" block, or NULL if it can.
 * zone.lock held. */
static const char *buddy_free_refusal(const struct page *page,
				      unsigned int order)
{
	if (PageReserved(page))
		return "reserved page";
	if (PageBuddy(page))
		return "double free (block is already free)";
	if (!PageHead(page))
		return "not the head of an allocated block (double free or tail page)";
	if (page->order != order)
		return "wrong order";
	if (PageSlab(page))
		return "page belongs to a slab";
	if (PageLarge(page))
		return "page belongs to kmalloc(), use kfree()";
	return NULL;
}

void __free_pages(struct page *page, unsigned int order)
{
	unsigned long flags;
	const char *why;

	if (!page_in_mem_map(page) || order >= MAX_ORDER) {
		mm_warn("__free_pages(%p, %u): not a managed page or bad order",
			page, order);
		return;
	}

	spin_lock_irqsave(&zone.lock, flags);
	why = buddy_free_refusal(page, order);
	if (!why) {
		page_clear_flag(page, PG_head);
		buddy_free_block(page_to_pfn(page), order);
		zone.nr_free += 1UL << order;
	}
	spin_unlock_irqrestore(&zone.lock, flags);

	if (why)
		mm_warn("__free_pages(pfn %#lx, order %u) refused: %s (flags %#lx, order %u)",
			page_to_pfn(page), order, why, page->flags, page->order);
}

unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages_from(gfp, order,
					     __builtin_return_address(0));

	return page ? (unsigned long)page_address(page) : 0;
}

unsigned long get_zeroed_page(gfp_t gfp)
{
	struct page *page = alloc_pages_from(gfp | __GFP_ZERO, 0,
					     __builtin_return_address(0));

	return page ? (unsigned long)page_address(page) : 0;
}

void free_pages(unsigned long addr, unsigned int order)
{
	if (!addr)
		return;
	if (!virt_addr_valid((void *)addr) || !IS_ALIGNED(addr, PAGE_SIZE)) {
		mm_warn("free_pages(%#lx, %u): not a page-aligned managed address",
			addr, order);
		return;
	}
	__free_pages(virt_to_page((void *)addr), order);
}

u64 nr_free_pages(void)
{
	return READ_ONCE(zone.nr_free);
}

u64 nr_managed_pages(void)
{
	return zone.nr_managed;
}

unsigned long nr_free_blocks(unsigned int order)
{
	if (order >= MAX_ORDER)
		return 0;
	return READ_ONCE(zone.free_area[order].nr_free);
}

/* Hand the pages [spfn, epfn) to buddy in the largest aligned blocks.
 * Boot only (zone.lock not needed yet). */
static void mm_free_boot_range(unsigned long spfn, unsigned long epfn)
{
	while (spfn < epfn) {
		unsigned int order = MAX_ORDER - 1;
		unsigned long i;

		while (order && ((spfn & ((1UL << order) - 1)) ||
				 spfn + (1UL << order) > epfn))
			order--;
		for (i = 0; i < (1UL << order); i++)
			page_clear_flag(pfn_to_page(spfn + i), PG_reserved);
		buddy_free_block(spfn, order);
		zone.nr_free += 1UL << order;
		zone.nr_managed += 1UL << order;
		spfn += 1UL << order;
	}
}

void mm_init(void)
{
	const struct memblock_region *first;
	phys_addr_t start, end, top, map_pa;
	u64 i, map_bytes, ram_below = 0, ram_above = 0;
	unsigned long pfn, nr_pages;
	unsigned int order;

	if (zone.ready) {
		mm_warn("mm_init called twice");
		return;
	}
	for (order = 0; order < MAX_ORDER; order++)
		INIT_LIST_HEAD(&zone.free_area[order].free_list);

	first = memblock_mem_region(0);
	top = min(memblock_end_of_DRAM(), memblock_get_limit());
	if (!first || top <= first->base + PAGE_SIZE) {
		pr_emerg("mm_init: no usable RAM below %#llx: no page allocator\n",
			 (unsigned long long)memblock_get_limit());
		return;
	}

	/* mem_map spans the managed RAM, holes included (as reserved). */
	min_pfn = PFN_DOWN(first->base);
	max_pfn = PFN_DOWN(top);
	nr_pages = max_pfn - min_pfn;
	map_bytes = ALIGN((u64)nr_pages * sizeof(struct page), PAGE_SIZE);
	map_pa = memblock_alloc(map_bytes, PAGE_SIZE);
	if (!map_pa) {
		pr_emerg("mm_init: cannot allocate mem_map (%llu KiB for %lu pages): no page allocator\n",
			 (unsigned long long)(map_bytes >> 10), nr_pages);
		min_pfn = max_pfn = 0;
		return;
	}
	mem_map = __va(map_pa);
	memset(mem_map, 0, map_bytes);
	for (pfn = 0; pfn < nr_pages; pfn++) {
		mem_map[pfn].flags = 1UL << PG_reserved;
		INIT_LIST_HEAD(&mem_map[pfn].lru);
	}

	for_each_free_range(i, &start, &end) {
		/* Only whole pages; pfn 0 stays reserved (0 means "none"). */
		unsigned long spfn = max(PFN_UP(start), max(min_pfn, 1UL));
		unsigned long epfn = min(PFN_DOWN(end), max_pfn);

		if (spfn < epfn)
			mm_free_boot_range(spfn, epfn);
	}

	for (i = 0; memblock_mem_region(i); i++) {
		const struct memblock_region *r = memblock_mem_region(i);
		phys_addr_t rend = memblock_region_end(r);

		if (rend <= top) {
			ram_below += r->size;
		} else if (r->base >= top) {
			ram_above += r->size;
		} else {
			ram_below += top - r->base;
			ram_above += rend - top;
		}
	}

	memblock_retire();
	zone.ready = true;

	printk(KERN_INFO "Memory: %lluK/%lluK available (%lluK reserved incl. %lluK mem_map, %lluK above the direct-map limit not managed)\n",
	       (unsigned long long)(zone.nr_free << (PAGE_SHIFT - 10)),
	       (unsigned long long)(ram_below >> 10),
	       (unsigned long long)((ram_below >> 10) -
				    (zone.nr_free << (PAGE_SHIFT - 10))),
	       (unsigned long long)(map_bytes >> 10),
	       (unsigned long long)(ram_above >> 10));
}

/* One buddy_check() finding; prints the first few.  zone.lock held. */
static int buddy_check_report(int *nr, const char *what, unsigned long pfn,
			      unsigned int order)
{
	if ((*nr)++ < BUDDY_CHECK_MAX_REPORTS)
		pr_err("buddy_check: %s: pfn %#lx order %u\n", what, pfn, order);
	return -EINVAL;
}

int buddy_check(void)
{
	unsigned long flags, pfn, nr_pages = max_pfn - min_pfn;
	unsigned long nr_blocks = 0, nr_flagged = 0;
	int nr_bad = 0, ret = 0;
	unsigned int order;
	u64 free_pages = 0;

	if (!zone.ready)
		return 0;

	spin_lock_irqsave(&zone.lock, flags);
	for (order = 0; order < MAX_ORDER; order++) {
		struct free_area *area = &zone.free_area[order];
		unsigned long count = 0, size = 1UL << order;
		struct list_head *pos;

		for (pos = area->free_list.next; pos != &area->free_list;
		     pos = pos->next) {
			struct page *page = list_entry(pos, struct page, lru);
			unsigned long i, buddy_pfn;

			if (++count > nr_pages) {
				ret = buddy_check_report(&nr_bad, "free list loops", 0, order);
				break;
			}
			if (!page_in_mem_map(page)) {
				ret = buddy_check_report(&nr_bad, "free list entry outside mem_map", 0, order);
				break;
			}
			pfn = page_to_pfn(page);
			if (!PageBuddy(page) || page->order != order)
				ret = buddy_check_report(&nr_bad, "listed block not flagged free at this order", pfn, order);
			if (page->flags & ~(1UL << PG_buddy))
				ret = buddy_check_report(&nr_bad, "free block head has other flags", pfn, order);
			if (pfn & (size - 1))
				ret = buddy_check_report(&nr_bad, "free block misaligned", pfn, order);
			if (pfn + size > max_pfn) {
				ret = buddy_check_report(&nr_bad, "free block runs past max_pfn", pfn, order);
				continue;
			}
			for (i = 1; i < size; i++)
				if (pfn_to_page(pfn + i)->flags) {
					ret = buddy_check_report(&nr_bad, "free block overlaps a flagged page", pfn + i, order);
					break;
				}
			buddy_pfn = pfn ^ size;
			if (order < MAX_ORDER - 1 && pfn_valid(buddy_pfn) &&
			    PageBuddy(pfn_to_page(buddy_pfn)) &&
			    pfn_to_page(buddy_pfn)->order == order)
				ret = buddy_check_report(&nr_bad, "free buddies not merged", pfn, order);
			free_pages += size;
		}
		if (count != area->nr_free)
			ret = buddy_check_report(&nr_bad, "free list length != nr_free", count, order);
		nr_blocks += count;
	}

	if (free_pages != zone.nr_free)
		ret = buddy_check_report(&nr_bad, "pages on free lists != nr_free_pages", (unsigned long)free_pages, 0);
	for (pfn = 0; pfn < nr_pages; pfn++)
		if (PageBuddy(&mem_map[pfn]))
			nr_flagged++;
	if (nr_flagged != nr_blocks)
		ret = buddy_check_report(&nr_bad, "PG_buddy pages != listed blocks", nr_flagged, 0);
	spin_unlock_irqrestore(&zone.lock, flags);

	if (nr_bad > BUDDY_CHECK_MAX_REPORTS)
		pr_err("buddy_check: %d more problems not shown\n",
		       nr_bad - BUDDY_CHECK_MAX_REPORTS);
	return ret;
}

void buddy_dump(void)
{
	unsigned int order;

	pr_info("buddy: %llu of %llu pages free, pfns [%#lx-%#lx)\n",
		(unsigned long long)nr_free_pages(),
		(unsigned long long)zone.nr_managed, min_pfn, max_pfn);
	for (order = 0; order < MAX_ORDER; order++)
		pr_info("buddy: order %2u: %lu free blocks\n", order,
			nr_free_blocks(order));
}
