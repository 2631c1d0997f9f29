/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared between the files of mm/ and their tests, not part
 * of any public interface: the hand-over from memblock to the buddy
 * allocator, the warning helper, and the hooks host tests use to start
 * over from an empty state.
 */
#ifndef _MM_INTERNAL_H
#define _MM_INTERNAL_H

#include <tessera/gfp.h>
#include <tessera/printk.h>
#include <tessera/types.h>

/*
 * A survivable surprise caused by a caller (double free, wrong order, use
 * after retirement): one "WARNING:" line with the call site.  The caller
 * then refuses the operation; nothing is corrupted.
 */
#define mm_warn(fmt, ...)						\
	printk(KERN_ERR "WARNING: mm: " fmt " (%s:%d)\n", ##__VA_ARGS__,	\
	       __FILE__, __LINE__)

/*
 * page_alloc.c: alloc_pages() for @caller, through the fault injection
 * hook (mm/fail_alloc.c); buddy_alloc_pages() without it, for a slab's
 * own pages (the kmem_cache_alloc() that needs them went through it).
 */
struct page *alloc_pages_from(gfp_t gfp, unsigned int order, void *caller);
struct page *buddy_alloc_pages(gfp_t gfp, unsigned int order);

/* memblock.c: after this, memblock refuses every request (mm_init()). */
void memblock_retire(void);
bool memblock_is_retired(void);

/* memblock.c: forget every region and the limit.  Host tests only. */
void memblock_reset(void);

#endif /* _MM_INTERNAL_H */
