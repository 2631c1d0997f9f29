/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Object caches (kmem_cache) and kmalloc, on top of the buddy allocator
 * (mm/slab.c).
 *
 * A cache hands out fixed-size objects carved from slabs of 2^order
 * pages; the free objects of a slab form a list threaded through them.
 * kmalloc() uses power-of-two caches from 8 to 8192 bytes and takes
 * larger requests straight from buddy.  kmalloc memory is aligned to
 * the power of two it was rounded up to (at most PAGE_SIZE), and to at
 * least 8 bytes.
 *
 * Debugging (CONFIG_DEBUG_SLAB turns it on for every cache; the
 * SLAB_RED_ZONE / SLAB_POISON flags turn it on for one cache):
 * red zones of 0xbb around each object are checked on free, free
 * objects are filled with 0x6b and checked on the next allocation, each
 * object carries an allocated/free tag that catches double frees.
 * Every detection is one pr_err() naming the cache and the object, and a
 * counter in struct slab_debug_stats; the operation is then refused (bad
 * free) or carried on after repairing the red zone (overflow, write after
 * free).  Caches with a constructor are never poisoned (poison would
 * destroy the constructed state).
 *
 * Nothing here sleeps; every call may be made with interrupts disabled.
 */
#ifndef _TESSERA_SLAB_H
#define _TESSERA_SLAB_H

#include <tessera/gfp.h>
#include <tessera/types.h>

/* kmem_cache_create() flags. */
#define SLAB_HWCACHE_ALIGN	0x01UL	/* align objects to 64 bytes */
#define SLAB_RED_ZONE		0x02UL	/* red zones + double-free tag */
#define SLAB_POISON		0x04UL	/* poison free objects */

#define SLAB_POISON_FREE	0x6b	/* byte pattern of a free object */
#define SLAB_RED_ACTIVE		0xbb	/* byte pattern of a red zone */

#define KMALLOC_MIN_SIZE	8
#define KMALLOC_MAX_CACHE_SIZE	8192	/* larger: whole pages from buddy */

/* kmalloc(0) result: not NULL, not dereferenceable, fine for kfree(). */
#define ZERO_SIZE_PTR		((void *)16)
#define ZERO_OR_NULL_PTR(p)	((unsigned long)(p) <= (unsigned long)ZERO_SIZE_PTR)

struct kmem_cache;

/* Set up the kmalloc caches.  Boot CPU, once, right after mm_init(). */
void kmem_cache_init(void);

/*
 * A cache of objects of size bytes (1..16384), aligned to align (0 or a
 * power of two up to PAGE_SIZE).  ctor, if not NULL, runs once on every
 * object when its slab is created; objects must be freed back in their
 * constructed state.  The name is copied.  NULL on failure (logged).
 */
struct kmem_cache *kmem_cache_create(const char *name, size_t size,
				     size_t align, unsigned long flags,
				     void (*ctor)(void *));
/*
 * 0, or -EBUSY (with a message naming the cache and the live count) if
 * objects are still allocated, or -EINVAL for NULL or a boot cache.
 */
int kmem_cache_destroy(struct kmem_cache *cache);
/* Return the cache's empty slabs to buddy. */
void kmem_cache_shrink(struct kmem_cache *cache);

/* One object or NULL; __GFP_ZERO zeroes it. */
void *kmem_cache_alloc(struct kmem_cache *cache, gfp_t gfp);
static inline void *kmem_cache_zalloc(struct kmem_cache *cache, gfp_t gfp)
{
	return kmem_cache_alloc(cache, gfp | __GFP_ZERO);
}
/* NULL is ignored; an object of another cache is refused (logged). */
void kmem_cache_free(struct kmem_cache *cache, void *obj);

void *kmalloc(size_t size, gfp_t gfp);
static inline void *kzalloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp | __GFP_ZERO);
}
/* n * size bytes, or NULL if that overflows. */
void *kmalloc_array(size_t n, size_t size, gfp_t gfp);
static inline void *kcalloc(size_t n, size_t size, gfp_t gfp)
{
	return kmalloc_array(n, size, gfp | __GFP_ZERO);
}
/*
 * Resize, keeping the first min(old, new) bytes.  p NULL acts as
 * kmalloc(); new_size 0 frees p and returns ZERO_SIZE_PTR.  On failure
 * NULL is returned and p is untouched.
 */
void *krealloc(const void *p, size_t new_size, gfp_t gfp);
/* Free kmalloc() or any cache object; NULL and ZERO_SIZE_PTR are fine.
 * Anything else that is not an object start is refused (logged). */
void kfree(const void *p);
/* Usable size of the allocation at p (>= what was asked); 0 if not one. */
size_t ksize(const void *p);

/* Counters of one cache (a snapshot). */
struct kmem_cache_stats {
	size_t object_size;		/* usable bytes per object */
	size_t stride;			/* bytes per object in a slab */
	unsigned int objs_per_slab;
	unsigned int pages_per_slab;
	unsigned long active_objs;	/* allocated now */
	unsigned long total_objs;	/* in all slabs */
	unsigned long nr_slabs;
	unsigned long nr_free_slabs;	/* slabs with no object allocated */
};
void kmem_cache_get_stats(struct kmem_cache *cache,
			  struct kmem_cache_stats *stats);
const char *kmem_cache_name(const struct kmem_cache *cache);

/* Detections since boot, over all caches (see above). */
struct slab_debug_stats {
	u64 poison_errors;	/* free object written (use after free) */
	u64 redzone_errors;	/* red zone or object tag overwritten */
	u64 double_frees;
	u64 invalid_frees;	/* not an object start, wrong cache, ... */
};
void slab_debug_stats(struct slab_debug_stats *stats);

/* pr_info() a /proc/slabinfo-like table of every cache. */
void kmem_cache_dump_all(void);

#endif /* _TESSERA_SLAB_H */
