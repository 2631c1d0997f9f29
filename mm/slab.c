/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The slab allocator: object caches and kmalloc().
 *
 * This file owns struct kmem_cache, the slab layout, the boot caches
 * (the cache of caches and the power-of-two kmalloc caches 8..8192), the
 * debug checks (red zones, poison, allocated/free tags) and their
 * counters.  Pages come from buddy (mm/page_alloc.c); a slab is one
 * buddy block of 2^order pages whose every page is PG_slab with
 * page->slab naming the cache.  The head page keeps the slab's free list
 * and its count of allocated objects.  kmalloc() requests above 8192
 * bytes are buddy blocks marked PG_large, their order in the head page.
 *
 * Layout of one object slot ("stride" bytes; slot i starts at
 * slab + i * stride):
 *
 *	[left red zone][object: object_size][right red zone][meta][pad]
 *	 obj_offset                                          meta_offset
 *
 * Without red zones obj_offset is 0 and there is no right red zone.  The
 * meta word pair (next free object, allocated/free tag) exists when the
 * cache red-zones, poisons or has a constructor, so the free pointer
 * never overwrites object bytes that must be kept; otherwise the free
 * pointer lives in the first word of the free object.
 *
 * Slab lists: partial (some objects free), full (free list empty), free
 * (nothing allocated).  A cache keeps SLAB_KEEP_FREE empty slabs and
 * returns the rest to buddy.
 *
 * Lock order: slab_caches_lock -> kmem_cache.lock -> zone.lock (buddy).
 * All taken with interrupts saved and disabled.  Constructors run under
 * kmem_cache.lock and must not allocate from their own cache.
 */
#include <tessera/compiler.h>
#include <tessera/errno.h>
#include <tessera/list.h>
#include <tessera/mm.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>

#include "internal.h"

#define SLAB_MAX_ORDER		3	/* slabs of 1..8 pages */
#define SLAB_MAX_OBJECT_SIZE	16384
#define SLAB_KEEP_FREE		1
#define SLAB_MIN_ALIGN		sizeof(void *)
#define SLAB_CACHELINE		64
#define SLAB_RED_ZONE_MIN	8	/* bytes of right red zone, at least */
#define SLAB_NAME_LEN		24

#define SLAB_DEBUG_FLAGS	(SLAB_RED_ZONE | SLAB_POISON)
#define SLAB_USER_FLAGS		(SLAB_HWCACHE_ALIGN | SLAB_DEBUG_FLAGS)
#define SLAB_BOOT_CACHE		0x1000UL	/* static; never destroyed */

#define SLAB_TAG_ALLOC		0xa110ca7eda110ca7UL
#define SLAB_TAG_FREE		0xf4eef4eef4eef4eeUL

#define NR_KMALLOC_CACHES	11	/* 8 << 0 .. 8 << 10 */

struct slab_meta {
	void *next_free;
	unsigned long tag;		/* SLAB_TAG_*; red-zoned caches only */
};

struct kmem_cache {
	spinlock_t lock;
	struct list_head slabs_partial;	/* protected by lock */
	struct list_head slabs_full;	/* protected by lock */
	struct list_head slabs_free;	/* protected by lock */
	unsigned long nr_slabs;		/* protected by lock */
	unsigned long nr_free_slabs;	/* protected by lock */
	unsigned long nr_active;	/* objects allocated; protected by lock */

	/* Fixed when the cache is set up. */
	char name[SLAB_NAME_LEN];
	size_t object_size;
	size_t align;
	size_t stride;
	size_t obj_offset;		/* object start within its slot */
	size_t meta_offset;		/* struct slab_meta within its slot */
	unsigned int objs_per_slab;
	unsigned int order;
	unsigned long flags;		/* SLAB_* */
	bool has_meta;
	void (*ctor)(void *obj);

	struct list_head list;		/* protected by slab_caches_lock */
};

static DEFINE_SPINLOCK(slab_caches_lock);
static LIST_HEAD(slab_caches);		/* protected by slab_caches_lock */
static bool slab_ready;

static struct kmem_cache kmem_cache_cache;
static struct kmem_cache kmalloc_caches[NR_KMALLOC_CACHES];
static const char *const kmalloc_names[NR_KMALLOC_CACHES] = {
	"kmalloc-8", "kmalloc-16", "kmalloc-32", "kmalloc-64",
	"kmalloc-128", "kmalloc-256", "kmalloc-512", "kmalloc-1k",
	"kmalloc-2k", "kmalloc-4k", "kmalloc-8k",
};

static struct slab_debug_stats slab_errors;	/* atomic adds */

static bool slab_red_zoned(const struct kmem_cache *cache)
{
	return cache->flags & SLAB_RED_ZONE;
}

static bool slab_poisoned(const struct kmem_cache *cache)
{
	return cache->flags & SLAB_POISON;
}

static struct slab_meta *slab_obj_meta(const struct kmem_cache *cache,
				       void *obj)
{
	return (struct slab_meta *)((char *)obj - cache->obj_offset +
				    cache->meta_offset);
}

static void *slab_get_free_ptr(const struct kmem_cache *cache, void *obj)
{
	if (cache->has_meta)
		return slab_obj_meta(cache, obj)->next_free;
	return *(void **)obj;
}

static void slab_set_free_ptr(const struct kmem_cache *cache, void *obj,
			      void *next)
{
	if (cache->has_meta)
		slab_obj_meta(cache, obj)->next_free = next;
	else
		*(void **)obj = next;
}

static size_t slab_right_zone_size(const struct kmem_cache *cache)
{
	return cache->meta_offset - cache->obj_offset - cache->object_size;
}

/* One detection: a line naming cache and object, and a counter. */
static void slab_report(u64 *counter, const struct kmem_cache *cache,
			const void *obj, const char *what, long offset)
{
	__atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
	pr_err("slab error: cache %s: object %p: %s (offset %ld)\n",
	       cache ? cache->name : "?", obj, what, offset);
}

static void slab_report_bad_free(const void *obj, const char *what)
{
	__atomic_fetch_add(&slab_errors.invalid_frees, 1, __ATOMIC_RELAXED);
	pr_err("slab error: free of %p refused: %s\n", obj, what);
}

/*
 * Fill in the layout of a cache.  0 or -EINVAL.  Accepts the internal
 * SLAB_BOOT_CACHE flag; callers filter user flags.
 */
static int slab_cache_setup(struct kmem_cache *cache, const char *name,
			    size_t size, size_t align, unsigned long flags,
			    void (*ctor)(void *))
{
	size_t off, best_waste = 0, best_bytes = 1;
	unsigned int order, best_order = ~0u;

	if (!name || !size || size > SLAB_MAX_OBJECT_SIZE)
		return -EINVAL;
	if (align && (!is_power_of_2(align) || align > PAGE_SIZE))
		return -EINVAL;

	if (IS_ENABLED(CONFIG_DEBUG_SLAB))
		flags |= SLAB_DEBUG_FLAGS;
	if (ctor)
		flags &= ~SLAB_POISON;
	align = max(align, SLAB_MIN_ALIGN);
	if (flags & SLAB_HWCACHE_ALIGN)
		align = max_t(size_t, align, SLAB_CACHELINE);

	memset(cache, 0, sizeof(*cache));
	strscpy(cache->name, name, sizeof(cache->name));
	cache->object_size = size;
	cache->align = align;
	cache->flags = flags;
	cache->ctor = ctor;
	cache->has_meta = (flags & SLAB_DEBUG_FLAGS) || ctor;
	cache->obj_offset = (flags & SLAB_RED_ZONE) ? align : 0;

	off = cache->obj_offset + size;
	if (flags & SLAB_RED_ZONE)
		off = ALIGN(off, sizeof(long)) + SLAB_RED_ZONE_MIN;
	if (cache->has_meta) {
		cache->meta_offset = ALIGN(off, sizeof(long));
		off = cache->meta_offset + sizeof(struct slab_meta);
	} else {
		off = max(off, sizeof(void *));
	}
	cache->stride = ALIGN(off, align);

	/* The first order wasting at most 1/8, else the least wasteful. */
	for (order = 0; order <= SLAB_MAX_ORDER; order++) {
		size_t bytes = PAGE_SIZE << order;
		size_t nr = bytes / cache->stride;
		size_t waste = bytes - nr * cache->stride;

		if (!nr)
			continue;
		if (waste * 8 <= bytes) {
			best_order = order;
			break;
		}
		if (best_order == ~0u || waste * best_bytes < best_waste * bytes) {
			best_order = order;
			best_waste = waste;
			best_bytes = bytes;
		}
	}
	if (best_order == ~0u)
		return -EINVAL;
	cache->order = best_order;
	cache->objs_per_slab = (PAGE_SIZE << best_order) / cache->stride;

	spin_lock_init(&cache->lock);
	INIT_LIST_HEAD(&cache->slabs_partial);
	INIT_LIST_HEAD(&cache->slabs_full);
	INIT_LIST_HEAD(&cache->slabs_free);
	INIT_LIST_HEAD(&cache->list);
	return 0;
}

static void *slab_obj(const struct kmem_cache *cache, struct page *head,
		      unsigned int idx)
{
	return (char *)page_address(head) + (size_t)idx * cache->stride +
	       cache->obj_offset;
}

/* A new empty slab on slabs_free, or NULL.  cache->lock held. */
static struct page *slab_grow(struct kmem_cache *cache, gfp_t gfp)
{
	gfp_t page_gfp = (gfp & ~__GFP_ZERO) | __GFP_NOWARN;
	struct page *head = buddy_alloc_pages(page_gfp, cache->order);
	void *next = NULL;
	unsigned int i;

	if (!head)
		return NULL;
	for (i = 0; i < (1U << cache->order); i++) {
		page_set_flag(head + i, PG_slab);
		head[i].slab = cache;
	}

	for (i = cache->objs_per_slab; i-- > 0; ) {
		char *obj = slab_obj(cache, head, i);

		if (slab_red_zoned(cache)) {
			memset(obj - cache->obj_offset, SLAB_RED_ACTIVE,
			       cache->obj_offset);
			memset(obj + cache->object_size, SLAB_RED_ACTIVE,
			       slab_right_zone_size(cache));
			slab_obj_meta(cache, obj)->tag = SLAB_TAG_FREE;
		}
		if (slab_poisoned(cache))
			memset(obj, SLAB_POISON_FREE, cache->object_size);
		if (cache->ctor)
			cache->ctor(obj);
		slab_set_free_ptr(cache, obj, next);
		next = obj;
	}
	head->freelist = next;
	head->inuse = 0;
	list_add(&head->lru, &cache->slabs_free);
	cache->nr_slabs++;
	cache->nr_free_slabs++;
	return head;
}

/* Give an empty slab back to buddy.  cache->lock held. */
static void slab_release(struct kmem_cache *cache, struct page *head)
{
	unsigned int i;

	list_del_init(&head->lru);
	cache->nr_slabs--;
	cache->nr_free_slabs--;
	for (i = 0; i < (1U << cache->order); i++) {
		page_clear_flag(head + i, PG_slab);
		head[i].slab = NULL;
	}
	head->freelist = NULL;
	__free_pages(head, cache->order);
}

/*
 * The slab head page of obj if obj is the start of an object slot of
 * some cache, else NULL with *why saying what it is instead.
 */
static struct page *slab_lookup(const void *obj, const char **why)
{
	struct kmem_cache *cache;
	struct page *page, *head;
	unsigned long pfn;
	size_t off;

	if (!virt_addr_valid(obj)) {
		*why = "not an address of managed memory";
		return NULL;
	}
	page = virt_to_page(obj);
	if (!PageSlab(page) || !page->slab) {
		*why = "not a slab object";
		return NULL;
	}
	cache = page->slab;
	pfn = page_to_pfn(page) & ~((1UL << cache->order) - 1);
	head = pfn_to_page(pfn);
	if (!pfn_valid(pfn) || !PageSlab(head) || !PageHead(head) ||
	    head->slab != cache) {
		*why = "slab page metadata is inconsistent";
		return NULL;
	}
	off = (const char *)obj - (const char *)page_address(head);
	if (off < cache->obj_offset ||
	    (off - cache->obj_offset) % cache->stride ||
	    (off - cache->obj_offset) / cache->stride >= cache->objs_per_slab) {
		*why = "not the start of an object";
		return NULL;
	}
	return head;
}

/* Is next a valid free-list successor inside slab head?  Debug only. */
static bool slab_free_ptr_valid(struct kmem_cache *cache, struct page *head,
				void *next)
{
	char *base = page_address(head);
	size_t off;

	if (!next)
		return true;
	if ((char *)next < base + cache->obj_offset)
		return false;
	off = (char *)next - base - cache->obj_offset;
	return off % cache->stride == 0 &&
	       off / cache->stride < cache->objs_per_slab;
}

/* Debug checks of an object leaving the free list.  cache->lock held. */
static void slab_check_alloc(struct kmem_cache *cache, void *obj)
{
	if (slab_red_zoned(cache)) {
		struct slab_meta *meta = slab_obj_meta(cache, obj);

		if (meta->tag != SLAB_TAG_FREE)
			slab_report(&slab_errors.redzone_errors, cache, obj,
				    "free object's tag overwritten",
				    (long)(cache->meta_offset - cache->obj_offset));
		meta->tag = SLAB_TAG_ALLOC;
	}
	if (slab_poisoned(cache)) {
		size_t off = memchr_inv_off(obj, SLAB_POISON_FREE,
					    cache->object_size);

		if (off < cache->object_size) {
			slab_report(&slab_errors.poison_errors, cache, obj,
				    "written after free", (long)off);
			memset(obj, SLAB_POISON_FREE, cache->object_size);
		}
	}
}

/* kmem_cache_alloc() for @caller (the fault injection hook's argument). */
static void *slab_alloc_from(struct kmem_cache *cache, gfp_t gfp,
			     void *caller)
{
	void (*check)(const char *what) = READ_ONCE(alloc_check_hook);
	bool (*fail)(gfp_t gfp, bool slab, void *caller) =
		READ_ONCE(alloc_fail_hook);
	unsigned long flags;
	struct page *head;
	void *obj, *next;

	if (unlikely(check))
		check("kmem_cache_alloc");
	if (unlikely(fail) && fail(gfp, true, caller))
		return NULL;

	if (!cache || !slab_ready) {
		mm_warn("kmem_cache_alloc(%s) before kmem_cache_init or on NULL",
			cache ? cache->name : "NULL");
		return NULL;
	}

	spin_lock_irqsave(&cache->lock, flags);
	if (!list_empty(&cache->slabs_partial)) {
		head = list_first_entry(&cache->slabs_partial, struct page, lru);
	} else {
		if (list_empty(&cache->slabs_free) && !slab_grow(cache, gfp)) {
			spin_unlock_irqrestore(&cache->lock, flags);
			if (!(gfp & __GFP_NOWARN))
				pr_warn("slab: cache %s: out of memory for a new slab (order %u)\n",
					cache->name, cache->order);
			return NULL;
		}
		head = list_first_entry(&cache->slabs_free, struct page, lru);
		cache->nr_free_slabs--;
	}

	obj = head->freelist;
	next = slab_get_free_ptr(cache, obj);
	if (cache->has_meta && !slab_free_ptr_valid(cache, head, next)) {
		/* The rest of this slab's free list is lost, not followed. */
		slab_report(&slab_errors.redzone_errors, cache, obj,
			    "free pointer overwritten",
			    (long)(cache->meta_offset - cache->obj_offset));
		next = NULL;
	}
	head->freelist = next;
	head->inuse++;
	cache->nr_active++;
	list_move(&head->lru, next ? &cache->slabs_partial : &cache->slabs_full);
	slab_check_alloc(cache, obj);
	spin_unlock_irqrestore(&cache->lock, flags);

	if (gfp & __GFP_ZERO)
		memset(obj, 0, cache->object_size);
	return obj;
}

void *kmem_cache_alloc(struct kmem_cache *cache, gfp_t gfp)
{
	return slab_alloc_from(cache, gfp, __builtin_return_address(0));
}

/*
 * Debug checks of an object coming back.  false: refuse the free (the
 * object is free already, or its tag is gone so it may be).
 * cache->lock held.
 */
static bool slab_check_free(struct kmem_cache *cache, struct page *head,
			    void *obj)
{
	char *left, *right;
	size_t off;

	if (!slab_red_zoned(cache)) {
		/* Cheap check without tags: the object freed just before. */
		if (obj == head->freelist) {
			slab_report(&slab_errors.double_frees, cache, obj,
				    "double free", 0);
			return false;
		}
		return true;
	}

	switch (slab_obj_meta(cache, obj)->tag) {
	case SLAB_TAG_ALLOC:
		break;
	case SLAB_TAG_FREE:
		slab_report(&slab_errors.double_frees, cache, obj,
			    "double free", 0);
		return false;
	default:
		slab_report(&slab_errors.redzone_errors, cache, obj,
			    "object tag overwritten, free refused",
			    (long)(cache->meta_offset - cache->obj_offset));
		return false;
	}

	left = (char *)obj - cache->obj_offset;
	off = memchr_inv_off(left, SLAB_RED_ACTIVE, cache->obj_offset);
	if (off < cache->obj_offset) {
		slab_report(&slab_errors.redzone_errors, cache, obj,
			    "left red zone overwritten",
			    (long)off - (long)cache->obj_offset);
		memset(left, SLAB_RED_ACTIVE, cache->obj_offset);
	}
	right = (char *)obj + cache->object_size;
	off = memchr_inv_off(right, SLAB_RED_ACTIVE, slab_right_zone_size(cache));
	if (off < slab_right_zone_size(cache)) {
		slab_report(&slab_errors.redzone_errors, cache, obj,
			    "right red zone overwritten",
			    (long)(cache->object_size + off));
		memset(right, SLAB_RED_ACTIVE, slab_right_zone_size(cache));
	}
	return true;
}

/* Put obj (checked to be an object start of head) back.  Takes the lock. */
static void slab_free(struct kmem_cache *cache, struct page *head, void *obj)
{
	unsigned long flags;

	spin_lock_irqsave(&cache->lock, flags);
	if (!slab_check_free(cache, head, obj))
		goto out_unlock;

	if (slab_poisoned(cache))
		memset(obj, SLAB_POISON_FREE, cache->object_size);
	if (slab_red_zoned(cache))
		slab_obj_meta(cache, obj)->tag = SLAB_TAG_FREE;
	slab_set_free_ptr(cache, obj, head->freelist);
	head->freelist = obj;
	head->inuse--;
	cache->nr_active--;

	if (head->inuse) {
		list_move(&head->lru, &cache->slabs_partial);
	} else {
		list_move(&head->lru, &cache->slabs_free);
		cache->nr_free_slabs++;
		if (cache->nr_free_slabs > SLAB_KEEP_FREE)
			slab_release(cache, head);
	}
out_unlock:
	spin_unlock_irqrestore(&cache->lock, flags);
}

void kmem_cache_free(struct kmem_cache *cache, void *obj)
{
	const char *why;
	struct page *head;

	if (!obj)
		return;
	head = slab_lookup(obj, &why);
	if (!head) {
		slab_report_bad_free(obj, why);
		return;
	}
	if (head->slab != cache) {
		slab_report(&slab_errors.invalid_frees, cache, obj,
			    "object belongs to another cache", 0);
		return;
	}
	slab_free(cache, head, obj);
}

static unsigned int kmalloc_index(size_t size)
{
	unsigned int idx = 0;

	while ((size_t)KMALLOC_MIN_SIZE << idx < size)
		idx++;
	return idx;
}

void *kmalloc(size_t size, gfp_t gfp)
{
	struct page *page;
	unsigned int order;

	if (!size)
		return ZERO_SIZE_PTR;
	if (size <= KMALLOC_MAX_CACHE_SIZE)
		return slab_alloc_from(&kmalloc_caches[kmalloc_index(size)],
				       gfp, __builtin_return_address(0));

	order = get_order(size);
	if (order >= MAX_ORDER) {
		if (!(gfp & __GFP_NOWARN))
			mm_warn("kmalloc(%zu): larger than the largest buddy block",
				size);
		return NULL;
	}
	page = alloc_pages_from(gfp, order, __builtin_return_address(0));
	if (!page)
		return NULL;
	page_set_flag(page, PG_large);
	return page_address(page);
}

void *kmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return NULL;
	return kmalloc(bytes, gfp);
}

void kfree(const void *p)
{
	struct page *page, *head;
	const char *why;

	if (ZERO_OR_NULL_PTR(p))
		return;
	if (!virt_addr_valid(p)) {
		slab_report_bad_free(p, "not an address of managed memory");
		return;
	}
	page = virt_to_page(p);
	if (PageSlab(page)) {
		head = slab_lookup(p, &why);
		if (!head) {
			slab_report_bad_free(p, why);
			return;
		}
		slab_free(head->slab, head, (void *)p);
		return;
	}
	if (PageLarge(page) && p == page_address(page)) {
		page_clear_flag(page, PG_large);
		__free_pages(page, page->order);
		return;
	}
	slab_report_bad_free(p, "not a kmalloc() or cache object start");
}

size_t ksize(const void *p)
{
	struct page *page;
	const char *why;

	if (ZERO_OR_NULL_PTR(p) || !virt_addr_valid(p))
		return 0;
	page = virt_to_page(p);
	if (PageSlab(page))
		return slab_lookup(p, &why) ? page->slab->object_size : 0;
	if (PageLarge(page) && p == page_address(page))
		return PAGE_SIZE << page->order;
	return 0;
}

void *krealloc(const void *p, size_t new_size, gfp_t gfp)
{
	size_t old_size;
	void *n;

	if (!new_size) {
		kfree(p);
		return ZERO_SIZE_PTR;
	}
	if (ZERO_OR_NULL_PTR(p))
		return kmalloc(new_size, gfp);
	old_size = ksize(p);
	if (!old_size) {
		slab_report_bad_free(p, "krealloc of a pointer kmalloc() did not return");
		return NULL;
	}
	if (new_size <= old_size)
		return (void *)p;
	n = kmalloc(new_size, gfp);
	if (!n)
		return NULL;
	memcpy(n, p, old_size);
	kfree(p);
	return n;
}

struct kmem_cache *kmem_cache_create(const char *name, size_t size,
				     size_t align, unsigned long flags,
				     void (*ctor)(void *))
{
	struct kmem_cache *cache;
	unsigned long irqflags;

	if (!slab_ready) {
		mm_warn("kmem_cache_create(%s) before kmem_cache_init",
			name ? name : "NULL");
		return NULL;
	}
	if (flags & ~SLAB_USER_FLAGS)
		goto err_args;
	cache = kmem_cache_alloc(&kmem_cache_cache, GFP_KERNEL);
	if (!cache)
		return NULL;
	if (slab_cache_setup(cache, name, size, align, flags, ctor))
		goto err_free;

	spin_lock_irqsave(&slab_caches_lock, irqflags);
	list_add_tail(&cache->list, &slab_caches);
	spin_unlock_irqrestore(&slab_caches_lock, irqflags);
	return cache;

err_free:
	kmem_cache_free(&kmem_cache_cache, cache);
err_args:
	pr_err("slab: kmem_cache_create(%s, size %zu, align %zu, flags %#lx): invalid arguments\n",
	       name ? name : "NULL", size, align, flags);
	return NULL;
}

/* Release every empty slab.  cache->lock held. */
static void slab_release_free(struct kmem_cache *cache)
{
	while (!list_empty(&cache->slabs_free))
		slab_release(cache, list_first_entry(&cache->slabs_free,
						     struct page, lru));
}

void kmem_cache_shrink(struct kmem_cache *cache)
{
	unsigned long flags;

	if (!cache)
		return;
	spin_lock_irqsave(&cache->lock, flags);
	slab_release_free(cache);
	spin_unlock_irqrestore(&cache->lock, flags);
}

int kmem_cache_destroy(struct kmem_cache *cache)
{
	unsigned long flags, cflags, live;

	if (!cache)
		return -EINVAL;
	if (cache->flags & SLAB_BOOT_CACHE) {
		mm_warn("kmem_cache_destroy(%s): boot caches stay", cache->name);
		return -EINVAL;
	}

	spin_lock_irqsave(&slab_caches_lock, flags);
	spin_lock_irqsave(&cache->lock, cflags);
	live = cache->nr_active;
	if (live) {
		spin_unlock_irqrestore(&cache->lock, cflags);
		spin_unlock_irqrestore(&slab_caches_lock, flags);
		pr_err("slab: kmem_cache_destroy(%s) refused: %lu objects still allocated\n",
		       cache->name, live);
		return -EBUSY;
	}
	slab_release_free(cache);
	list_del_init(&cache->list);
	spin_unlock_irqrestore(&cache->lock, cflags);
	spin_unlock_irqrestore(&slab_caches_lock, flags);

	kmem_cache_free(&kmem_cache_cache, cache);
	return 0;
}

void kmem_cache_get_stats(struct kmem_cache *cache,
			  struct kmem_cache_stats *stats)
{
	unsigned long flags;

	spin_lock_irqsave(&cache->lock, flags);
	stats->object_size = cache->object_size;
	stats->stride = cache->stride;
	stats->objs_per_slab = cache->objs_per_slab;
	stats->pages_per_slab = 1U << cache->order;
	stats->active_objs = cache->nr_active;
	stats->total_objs = cache->nr_slabs * cache->objs_per_slab;
	stats->nr_slabs = cache->nr_slabs;
	stats->nr_free_slabs = cache->nr_free_slabs;
	spin_unlock_irqrestore(&cache->lock, flags);
}

const char *kmem_cache_name(const struct kmem_cache *cache)
{
	return cache->name;
}

void slab_debug_stats(struct slab_debug_stats *stats)
{
	stats->poison_errors = __atomic_load_n(&slab_errors.poison_errors,
					       __ATOMIC_RELAXED);
	stats->redzone_errors = __atomic_load_n(&slab_errors.redzone_errors,
						__ATOMIC_RELAXED);
	stats->double_frees = __atomic_load_n(&slab_errors.double_frees,
					      __ATOMIC_RELAXED);
	stats->invalid_frees = __atomic_load_n(&slab_errors.invalid_frees,
					       __ATOMIC_RELAXED);
}

void kmem_cache_dump_all(void)
{
	struct kmem_cache_stats s;
	struct kmem_cache *cache;
	unsigned long flags;

	pr_info("slabinfo: %-20s %10s %10s %7s %7s %6s %5s : %6s %6s\n",
		"# name", "active", "total", "objsize", "stride", "perslab",
		"pages", "slabs", "free");
	spin_lock_irqsave(&slab_caches_lock, flags);
	list_for_each_entry(cache, &slab_caches, list) {
		kmem_cache_get_stats(cache, &s);
		pr_info("slabinfo: %-20s %10lu %10lu %7zu %7zu %6u %5u : %6lu %6lu\n",
			cache->name, s.active_objs, s.total_objs,
			s.object_size, s.stride, s.objs_per_slab,
			s.pages_per_slab, s.nr_slabs, s.nr_free_slabs);
	}
	spin_unlock_irqrestore(&slab_caches_lock, flags);
}

void kmem_cache_init(void)
{
	unsigned long flags;
	unsigned int i;
	int err;

	if (slab_ready) {
		mm_warn("kmem_cache_init called twice");
		return;
	}
	err = slab_cache_setup(&kmem_cache_cache, "kmem_cache",
			       sizeof(struct kmem_cache), 0, SLAB_BOOT_CACHE,
			       NULL);
	for (i = 0; i < NR_KMALLOC_CACHES && !err; i++) {
		size_t size = (size_t)KMALLOC_MIN_SIZE << i;

		err = slab_cache_setup(&kmalloc_caches[i], kmalloc_names[i],
				       size, min_t(size_t, size, PAGE_SIZE),
				       SLAB_BOOT_CACHE, NULL);
	}
	if (err) {
		pr_emerg("slab: cannot lay out the boot caches: no kmalloc\n");
		return;
	}

	spin_lock_irqsave(&slab_caches_lock, flags);
	list_add_tail(&kmem_cache_cache.list, &slab_caches);
	for (i = 0; i < NR_KMALLOC_CACHES; i++)
		list_add_tail(&kmalloc_caches[i].list, &slab_caches);
	spin_unlock_irqrestore(&slab_caches_lock, flags);
	slab_ready = true;

	pr_info("slab: kmalloc caches %u..%u bytes%s\n", KMALLOC_MIN_SIZE,
		KMALLOC_MAX_CACHE_SIZE,
		IS_ENABLED(CONFIG_DEBUG_SLAB) ?
		", debugging on (red zones, poison)" : "");
}
