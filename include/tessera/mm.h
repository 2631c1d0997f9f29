/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The physical page allocator: struct page, the mem_map array, the buddy
 * allocator (mm/page_alloc.c) and the page/pfn/address conversions.
 *
 * mem_map holds one struct page per page frame in [min_pfn, max_pfn),
 * indexed relative to min_pfn (RAM need not start near 0).  Pages that
 * are not usable RAM (holes, the kernel image, boot data, early
 * allocations, mem_map itself) are PG_reserved forever.  Free pages sit
 * in power-of-two blocks of 2^order pages (order 0..MAX_ORDER-1), each
 * block aligned to its size in pfn space; one zone, one lock.
 *
 * Boot: the early code fills memblock, then calls mm_init(), which builds
 * mem_map and moves every free page from memblock to buddy.
 *
 * Nothing here sleeps.  Every entry point may be called with interrupts
 * disabled; the zone lock is taken with spin_lock_irqsave().
 */
#ifndef _TESSERA_MM_H
#define _TESSERA_MM_H

#include <tessera/compiler.h>
#include <tessera/gfp.h>
#include <tessera/list.h>
#include <tessera/types.h>
#include <asm/page.h>

#define MAX_ORDER		11	/* orders 0..MAX_ORDER-1: 4 KiB..4 MiB */
#define MAX_ORDER_NR_PAGES	(1UL << (MAX_ORDER - 1))

/* struct page flags (bit numbers). */
enum page_flag {
	PG_reserved,	/* not managed by buddy: hole, kernel, boot data */
	PG_buddy,	/* head of a free block; order = block order */
	PG_head,	/* head of an allocated block; order = its order */
	PG_slab,	/* part of a slab; slab = owning struct kmem_cache */
	PG_large,	/* head of a kmalloc() allocation above the caches */
};

struct kmem_cache;

struct page {
	unsigned long flags;		/* 1 << PG_* */
	unsigned int order;		/* PG_buddy or PG_head: block order */
	union {
		unsigned int inuse;	/* slab head page: objects allocated */
		/*
		 * A memory node's process data page (managers/memory/vm.c):
		 * how many address spaces hold it (copy-on-write after
		 * fork).  __atomic builtins only; zero when allocated.
		 */
		unsigned int rmm_refs;
	};
	struct list_head lru;		/* free list (PG_buddy) or slab list */
	struct kmem_cache *slab;	/* PG_slab: owning cache (every page) */
	void *freelist;			/* slab head page: first free object */
};

static inline bool page_test_flag(const struct page *page, enum page_flag f)
{
	return page->flags & (1UL << f);
}

static inline void page_set_flag(struct page *page, enum page_flag f)
{
	page->flags |= 1UL << f;
}

static inline void page_clear_flag(struct page *page, enum page_flag f)
{
	page->flags &= ~(1UL << f);
}

#define PageReserved(p)	page_test_flag(p, PG_reserved)
#define PageBuddy(p)	page_test_flag(p, PG_buddy)
#define PageHead(p)	page_test_flag(p, PG_head)
#define PageSlab(p)	page_test_flag(p, PG_slab)
#define PageLarge(p)	page_test_flag(p, PG_large)

/* Set by mm_init(); mem_map[i] describes pfn min_pfn + i. */
extern struct page *mem_map;
extern unsigned long min_pfn, max_pfn;

static inline bool pfn_valid(unsigned long pfn)
{
	return pfn >= min_pfn && pfn < max_pfn;
}

static inline unsigned long page_to_pfn(const struct page *page)
{
	return min_pfn + (unsigned long)(page - mem_map);
}

static inline struct page *pfn_to_page(unsigned long pfn)
{
	return mem_map + (pfn - min_pfn);
}

static inline phys_addr_t page_to_phys(const struct page *page)
{
	return PFN_PHYS(page_to_pfn(page));
}

/* Direct-map address of the page. */
static inline void *page_to_virt(const struct page *page)
{
	return __va(page_to_phys(page));
}
#define page_address(page)	page_to_virt(page)

/* addr must be a direct-map (or kernel-image) address of managed RAM;
 * check virt_addr_valid() first when it might not be. */
static inline struct page *virt_to_page(const void *addr)
{
	return pfn_to_page(PFN_DOWN(__pa(addr)));
}

static inline bool virt_addr_valid(const void *addr)
{
	return pfn_valid(PFN_DOWN(__pa(addr)));
}

/* Smallest order whose block holds size bytes (size 0 gives 0). */
static inline unsigned int get_order(unsigned long size)
{
	unsigned int order = 0;

	size = size ? (size - 1) >> PAGE_SHIFT : 0;
	while (size) {
		order++;
		size >>= 1;
	}
	return order;
}

/*
 * Build mem_map from memblock, give every free page to buddy, retire
 * memblock and print the "Memory:" line.  Only RAM below the memblock
 * limit (the top of the direct map) is managed.  Boot CPU, once.
 */
void mm_init(void);

/*
 * 2^order contiguous pages, or NULL (logged unless __GFP_NOWARN).
 * __GFP_ZERO zeroes them.  Free with __free_pages() and the same order.
 */
/*
 * Debug hook called on entry to alloc_pages() and kmem_cache_alloc() when
 * set: a subsystem whose hot path must not allocate (the pcache miss and
 * eviction path) installs it to count and report allocations made there.
 */
extern void (*alloc_check_hook)(const char *what);

/*
 * Fault injection hook (mm/fail_alloc.c, mm.fail_alloc=) called on entry
 * to alloc_pages() and kmem_cache_alloc() when set, with the caller's
 * return address: true makes the allocation return NULL.  NULL (off)
 * until mm_fail_alloc_arm() runs at the ready marker.
 */
extern bool (*alloc_fail_hook)(gfp_t gfp, bool slab, void *caller);
/* Start allocation failure injection if mm.fail_alloc= asks for it. */
void mm_fail_alloc_arm(void);
/* One log line: allocations failed by injection and seen (if it is on). */
void mm_fail_alloc_dump(void);

struct page *alloc_pages(gfp_t gfp, unsigned int order);
#define alloc_page(gfp)		alloc_pages(gfp, 0)

/*
 * Return a block.  A page that is not the head of an allocated block of
 * exactly that order (double free, reserved page, wrong order, tail page)
 * is refused with a WARNING line; the free lists are never touched then.
 */
void __free_pages(struct page *page, unsigned int order);
#define __free_page(page)	__free_pages(page, 0)

/* Same, by direct-map address: 0 on failure. */
unsigned long __get_free_pages(gfp_t gfp, unsigned int order);
#define __get_free_page(gfp)	__get_free_pages(gfp, 0)
unsigned long get_zeroed_page(gfp_t gfp);
void free_pages(unsigned long addr, unsigned int order);
#define free_page(addr)		free_pages(addr, 0)

/* Pages currently free in buddy / managed by buddy since mm_init(). */
u64 nr_free_pages(void);
u64 nr_managed_pages(void);
/* Free blocks of exactly this order. */
unsigned long nr_free_blocks(unsigned int order);

/*
 * Walk every free list and mem_map and check the allocator invariants
 * (alignment, flags, no overlap, no unmerged buddies, counts).
 * 0, or -EINVAL after printing what is wrong.  Takes the zone lock.
 */
int buddy_check(void);

/* pr_info() the number of free blocks per order. */
void buddy_dump(void);

#endif /* _TESSERA_MM_H */
