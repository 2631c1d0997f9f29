/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests for mm/slab.c on top of the buddy allocator over a host
 * arena: kmalloc at every size class and beyond with size and alignment
 * checks, kzalloc/kcalloc/krealloc, caches with constructors and
 * alignment, counters, destroy refusal with live objects, pages going
 * back to buddy, and the debug detections (red zones, poison, double and
 * invalid frees) on caches created with SLAB_RED_ZONE | SLAB_POISON.
 */
/* HTEST-SOURCES: mm/memblock.c mm/page_alloc.c mm/slab.c lib/string.c tests/host/host_printk.c tests/host/host_mm.c */
#include "htest.h"
#include "host_mm.h"

#include <tessera/errno.h>
#include <tessera/memblock.h>
#include <tessera/mm.h>
#include <tessera/slab.h>
#include <tessera/string.h>

#define ARENA_SIZE	(48UL << 20)
#define DBG		(SLAB_RED_ZONE | SLAB_POISON)

extern unsigned long host_printk_nr_errors;

static char *arena;

static int setup(void)
{
	if (arena)
		return 0;
	arena = host_mm_boot(ARENA_SIZE);
	if (!arena)
		return -ENOMEM;
	return 0;
}

static size_t next_pow2_at_least_8(size_t n)
{
	size_t p = 8;

	while (p < n)
		p *= 2;
	return p;
}

static void test_kmalloc_sizes_and_alignment(struct htest *t)
{
	static const size_t extra[] = { 8193, 12288, 16384, 100000, 1 << 22 };
	size_t size;
	unsigned int i;

	HT_ASSERT_EQ(t, setup(), 0);
	for (size = 1; size <= 8192 + 5; size = size < 64 ? size + 1 : size * 2 - 1) {
		size_t want = next_pow2_at_least_8(size);
		unsigned char *a = kmalloc(size, GFP_KERNEL);
		unsigned char *b = kmalloc(size, GFP_KERNEL);
		size_t align = want < PAGE_SIZE ? want : PAGE_SIZE, j;

		HT_ASSERT(t, a && b);
		if (size <= 8192)
			HT_EXPECT_EQ(t, ksize(a), want);
		else
			HT_EXPECT(t, ksize(a) >= size);
		HT_EXPECT_EQ(t, (unsigned long)a % align, 0);
		HT_EXPECT_EQ(t, (unsigned long)b % align, 0);
		/* Two live objects never overlap. */
		HT_EXPECT(t, a + ksize(a) <= b || b + ksize(b) <= a);
		memset(a, 0x11, ksize(a));
		memset(b, 0x22, ksize(b));
		for (j = 0; j < ksize(a); j++)
			if (a[j] != 0x11) {
				HT_FAIL(t, "size %zu: byte %zu clobbered", size, j);
				break;
			}
		kfree(a);
		kfree(b);
	}
	for (i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
		u64 before = nr_free_pages();
		unsigned char *p = kmalloc(extra[i], GFP_KERNEL);

		HT_ASSERT(t, p != NULL);
		HT_EXPECT_EQ(t, (unsigned long)p % PAGE_SIZE, 0);
		HT_EXPECT_EQ(t, ksize(p), PAGE_SIZE << get_order(extra[i]));
		HT_EXPECT_EQ(t, nr_free_pages(), before - (1UL << get_order(extra[i])));
		memset(p, 0x33, extra[i]);
		kfree(p);
		HT_EXPECT_EQ(t, nr_free_pages(), before);
	}
	HT_EXPECT(t, kmalloc((size_t)PAGE_SIZE << MAX_ORDER, GFP_KERNEL | __GFP_NOWARN) == NULL);
	HT_EXPECT_EQ(t, buddy_check(), 0);
}

static void test_zero_calloc_realloc(struct htest *t)
{
	unsigned char *p, *q, *r;
	unsigned long errors;
	size_t i;

	HT_ASSERT_EQ(t, setup(), 0);
	p = kmalloc(100, GFP_KERNEL);
	HT_ASSERT(t, p != NULL);
	memset(p, 0xff, 100);
	kfree(p);
	q = kzalloc(100, GFP_KERNEL);
	HT_ASSERT(t, q != NULL);
	HT_EXPECT(t, q == p);	/* LIFO: the dirtied object comes back */
	for (i = 0; i < ksize(q); i++)
		if (q[i]) {
			HT_FAIL(t, "kzalloc byte %zu is %#x", i, q[i]);
			break;
		}
	kfree(q);

	HT_EXPECT(t, kcalloc((size_t)-1 / 2, 4, GFP_KERNEL) == NULL);
	HT_EXPECT(t, kmalloc_array(3, (size_t)-1 / 2, GFP_KERNEL) == NULL);
	p = kcalloc(10, 12, GFP_KERNEL);
	HT_ASSERT(t, p != NULL);
	HT_EXPECT(t, ksize(p) >= 120);
	for (i = 0; i < 120; i++)
		HT_ASSERT_EQ(t, p[i], 0);
	kfree(p);

	errors = host_printk_nr_errors;
	HT_EXPECT(t, kmalloc(0, GFP_KERNEL) == ZERO_SIZE_PTR);
	kfree(NULL);
	kfree(ZERO_SIZE_PTR);
	HT_EXPECT_EQ(t, ksize(ZERO_SIZE_PTR), 0);
	HT_EXPECT_EQ(t, host_printk_nr_errors, errors);

	p = krealloc(NULL, 20, GFP_KERNEL);
	HT_ASSERT(t, p != NULL);
	for (i = 0; i < 20; i++)
		p[i] = (unsigned char)i;
	q = krealloc(p, 5000, GFP_KERNEL);
	HT_ASSERT(t, q != NULL);
	HT_EXPECT(t, ksize(q) >= 5000);
	for (i = 0; i < 20; i++)
		HT_ASSERT_EQ(t, q[i], i);
	r = krealloc(q, 100, GFP_KERNEL);	/* shrinking stays in place */
	HT_EXPECT(t, r == q);
	p = krealloc(r, 40000, GFP_KERNEL);	/* into a buddy block */
	HT_ASSERT(t, p != NULL);
	for (i = 0; i < 20; i++)
		HT_ASSERT_EQ(t, p[i], i);
	HT_EXPECT(t, krealloc(p, 0, GFP_KERNEL) == ZERO_SIZE_PTR);
	HT_EXPECT_EQ(t, buddy_check(), 0);
}

static unsigned long ctor_calls;

struct obj200 {
	unsigned long magic;
	unsigned char payload[192];
};

static void obj200_ctor(void *p)
{
	((struct obj200 *)p)->magic = 0xc0ffee;
	ctor_calls++;
}

static void test_cache_ctor_align_stats(struct htest *t)
{
	struct kmem_cache *cache;
	struct kmem_cache_stats st;
	struct obj200 *objs[100];
	unsigned int i, j;

	HT_ASSERT_EQ(t, setup(), 0);
	ctor_calls = 0;
	cache = kmem_cache_create("obj200", sizeof(struct obj200), 128, 0,
				  obj200_ctor);
	HT_ASSERT(t, cache != NULL);
	HT_EXPECT_STREQ(t, kmem_cache_name(cache), "obj200");
	for (i = 0; i < 100; i++) {
		objs[i] = kmem_cache_alloc(cache, GFP_KERNEL);
		HT_ASSERT(t, objs[i] != NULL);
		HT_EXPECT_EQ(t, (unsigned long)objs[i] % 128, 0);
		HT_EXPECT_EQ(t, objs[i]->magic, 0xc0ffee);
		HT_EXPECT(t, ksize(objs[i]) == sizeof(struct obj200));
		memset(objs[i]->payload, i, sizeof(objs[i]->payload));
	}
	for (i = 0; i < 100; i++)
		for (j = 0; j < sizeof(objs[i]->payload); j++)
			if (objs[i]->payload[j] != (unsigned char)i) {
				HT_FAIL(t, "object %u clobbered", i);
				return;
			}
	kmem_cache_get_stats(cache, &st);
	HT_EXPECT_EQ(t, st.active_objs, 100);
	HT_EXPECT_EQ(t, st.object_size, sizeof(struct obj200));
	HT_EXPECT(t, st.total_objs >= 100);
	HT_EXPECT_EQ(t, st.total_objs, st.nr_slabs * st.objs_per_slab);
	HT_EXPECT_EQ(t, st.stride % 128, 0);
	/* The constructor ran once per object of every slab, no more. */
	HT_EXPECT_EQ(t, ctor_calls, st.total_objs);

	for (i = 0; i < 100; i++) {
		objs[i]->payload[0] = 0;	/* magic stays constructed */
		kmem_cache_free(cache, objs[i]);
	}
	kmem_cache_get_stats(cache, &st);
	HT_EXPECT_EQ(t, st.active_objs, 0);
	HT_EXPECT(t, st.nr_free_slabs <= 1);
	objs[0] = kmem_cache_alloc(cache, GFP_KERNEL);
	HT_ASSERT(t, objs[0] != NULL);
	HT_EXPECT_EQ(t, objs[0]->magic, 0xc0ffee);
	kmem_cache_free(cache, objs[0]);
	HT_EXPECT_EQ(t, kmem_cache_destroy(cache), 0);
}

static void test_destroy_busy_and_bad_args(struct htest *t)
{
	struct kmem_cache *cache;
	void *a, *b;
	unsigned long errors;

	HT_ASSERT_EQ(t, setup(), 0);
	cache = kmem_cache_create("busy", 24, 0, 0, NULL);
	HT_ASSERT(t, cache != NULL);
	a = kmem_cache_alloc(cache, GFP_KERNEL);
	b = kmem_cache_zalloc(cache, GFP_KERNEL);
	HT_ASSERT(t, a && b);
	HT_EXPECT_EQ(t, ((unsigned long *)b)[0] | ((unsigned long *)b)[1] |
			((unsigned long *)b)[2], 0);
	errors = host_printk_nr_errors;
	HT_EXPECT_EQ(t, kmem_cache_destroy(cache), -EBUSY);
	HT_EXPECT_EQ(t, host_printk_nr_errors, errors + 1);
	kmem_cache_free(cache, a);
	HT_EXPECT_EQ(t, kmem_cache_destroy(cache), -EBUSY);
	kmem_cache_free(cache, b);
	HT_EXPECT_EQ(t, kmem_cache_destroy(cache), 0);
	HT_EXPECT_EQ(t, kmem_cache_destroy(NULL), -EINVAL);

	HT_EXPECT(t, kmem_cache_create("zero", 0, 0, 0, NULL) == NULL);
	HT_EXPECT(t, kmem_cache_create("align3", 16, 3, 0, NULL) == NULL);
	HT_EXPECT(t, kmem_cache_create("align8k", 16, 8192, 0, NULL) == NULL);
	HT_EXPECT(t, kmem_cache_create("huge", 1 << 20, 0, 0, NULL) == NULL);
	HT_EXPECT(t, kmem_cache_create("flags", 16, 0, 0x8000, NULL) == NULL);
	HT_EXPECT(t, kmem_cache_create(NULL, 16, 0, 0, NULL) == NULL);
}

static void test_many_objects_pages_return(struct htest *t)
{
	enum { N = 3000 };
	static unsigned int *objs[N];
	struct kmem_cache *cache;
	struct kmem_cache_stats st;
	unsigned int i;
	u64 before;

	HT_ASSERT_EQ(t, setup(), 0);
	cache = kmem_cache_create("hundred", 100, 0, SLAB_HWCACHE_ALIGN, NULL);
	HT_ASSERT(t, cache != NULL);
	before = nr_free_pages();
	for (i = 0; i < N; i++) {
		objs[i] = kmem_cache_alloc(cache, GFP_ATOMIC);
		HT_ASSERT(t, objs[i] != NULL);
		HT_EXPECT_EQ(t, (unsigned long)objs[i] % 64, 0);
		objs[i][0] = i;
		objs[i][24] = ~i;
	}
	kmem_cache_get_stats(cache, &st);
	HT_EXPECT_EQ(t, st.active_objs, N);
	HT_EXPECT(t, st.nr_slabs >= N / st.objs_per_slab);
	HT_EXPECT_EQ(t, before - nr_free_pages(),
		     (u64)st.nr_slabs * st.pages_per_slab);
	for (i = 0; i < N; i++)
		if (objs[i][0] != i || objs[i][24] != ~i) {
			HT_FAIL(t, "object %u clobbered", i);
			return;
		}
	/* Free in a scrambled order (7 is coprime with 3000). */
	for (i = 0; i < N; i++)
		kmem_cache_free(cache, objs[(i * 7) % N]);
	kmem_cache_get_stats(cache, &st);
	HT_EXPECT_EQ(t, st.active_objs, 0);
	HT_EXPECT(t, st.nr_slabs <= 1);
	kmem_cache_shrink(cache);
	kmem_cache_get_stats(cache, &st);
	HT_EXPECT_EQ(t, st.nr_slabs, 0);
	HT_EXPECT_EQ(t, nr_free_pages(), before);
	HT_EXPECT_EQ(t, kmem_cache_destroy(cache), 0);
	HT_EXPECT_EQ(t, buddy_check(), 0);
}

static void test_debug_poison_detects_write_after_free(struct htest *t)
{
	struct slab_debug_stats s0, s1;
	struct kmem_cache *cache;
	unsigned char *p, *q;

	HT_ASSERT_EQ(t, setup(), 0);
	cache = kmem_cache_create("dbg-poison", 48, 0, DBG, NULL);
	HT_ASSERT(t, cache != NULL);
	slab_debug_stats(&s0);

	/* A clean cycle: nothing detected. */
	p = kmem_cache_alloc(cache, GFP_KERNEL);
	HT_ASSERT(t, p != NULL);
	memset(p, 0x77, 48);
	kmem_cache_free(cache, p);
	HT_EXPECT_EQ(t, p[0], SLAB_POISON_FREE);
	HT_EXPECT_EQ(t, p[47], SLAB_POISON_FREE);
	q = kmem_cache_alloc(cache, GFP_KERNEL);
	HT_EXPECT(t, q == p);
	slab_debug_stats(&s1);
	HT_EXPECT_EQ(t, s1.poison_errors, s0.poison_errors);

	/* Write after free, seen by the next allocation of the object. */
	kmem_cache_free(cache, q);
	p[30] = 0;
	q = kmem_cache_alloc(cache, GFP_KERNEL);
	HT_EXPECT(t, q == p);
	slab_debug_stats(&s1);
	HT_EXPECT_EQ(t, s1.poison_errors, s0.poison_errors + 1);
	kmem_cache_free(cache, q);
	HT_EXPECT_EQ(t, kmem_cache_destroy(cache), 0);
}

static void test_debug_red_zones(struct htest *t)
{
	struct slab_debug_stats s0, s1;
	struct kmem_cache *cache;
	unsigned char *p;

	HT_ASSERT_EQ(t, setup(), 0);
	cache = kmem_cache_create("dbg-redzone", 50, 0, DBG, NULL);
	HT_ASSERT(t, cache != NULL);
	slab_debug_stats(&s0);

	p = kmem_cache_alloc(cache, GFP_KERNEL);
	HT_ASSERT(t, p != NULL);
	p[50] = 0;			/* one byte past the end */
	kmem_cache_free(cache, p);
	slab_debug_stats(&s1);
	HT_EXPECT_EQ(t, s1.redzone_errors, s0.redzone_errors + 1);

	p = kmem_cache_alloc(cache, GFP_KERNEL);
	HT_ASSERT(t, p != NULL);
	p[-1] = 0;			/* one byte before the start */
	kmem_cache_free(cache, p);
	slab_debug_stats(&s1);
	HT_EXPECT_EQ(t, s1.redzone_errors, s0.redzone_errors + 2);

	/* Zones were repaired: a clean cycle adds nothing. */
	p = kmem_cache_alloc(cache, GFP_KERNEL);
	HT_ASSERT(t, p != NULL);
	memset(p, 0, 50);
	kmem_cache_free(cache, p);
	slab_debug_stats(&s1);
	HT_EXPECT_EQ(t, s1.redzone_errors, s0.redzone_errors + 2);
	HT_EXPECT_EQ(t, s1.poison_errors, s0.poison_errors);
	HT_EXPECT_EQ(t, kmem_cache_destroy(cache), 0);
}

static void test_debug_double_and_invalid_frees(struct htest *t)
{
	struct kmem_cache *cache, *other;
	struct slab_debug_stats s0, s1;
	struct kmem_cache_stats st;
	unsigned char *p, *q, *big;
	unsigned long page, on_stack = 0;

	HT_ASSERT_EQ(t, setup(), 0);
	cache = kmem_cache_create("dbg-free", 64, 0, DBG, NULL);
	other = kmem_cache_create("dbg-other", 64, 0, DBG, NULL);
	HT_ASSERT(t, cache && other);
	slab_debug_stats(&s0);

	p = kmem_cache_alloc(cache, GFP_KERNEL);
	q = kmem_cache_alloc(cache, GFP_KERNEL);
	HT_ASSERT(t, p && q);
	kmem_cache_free(cache, p);
	kmem_cache_free(cache, q);
	kmem_cache_free(cache, p);	/* not the last freed: needs the tag */
	kfree(q);
	slab_debug_stats(&s1);
	HT_EXPECT_EQ(t, s1.double_frees, s0.double_frees + 2);
	kmem_cache_get_stats(cache, &st);
	HT_EXPECT_EQ(t, st.active_objs, 0);

	p = kmem_cache_alloc(cache, GFP_KERNEL);
	HT_ASSERT(t, p != NULL);
	kmem_cache_free(cache, p + 1);		/* inside the object */
	kfree(p + 8);
	kmem_cache_free(other, p);		/* wrong cache */
	kfree(&on_stack);			/* not managed memory */
	page = __get_free_page(GFP_KERNEL);
	HT_ASSERT(t, page != 0);
	kfree((void *)page);			/* a plain buddy page */
	big = kmalloc(3 * PAGE_SIZE, GFP_KERNEL);
	HT_ASSERT(t, big != NULL);
	kfree(big + PAGE_SIZE);			/* inside a large kmalloc */
	slab_debug_stats(&s1);
	HT_EXPECT_EQ(t, s1.invalid_frees, s0.invalid_frees + 6);
	kmem_cache_get_stats(cache, &st);
	HT_EXPECT_EQ(t, st.active_objs, 1);

	kmem_cache_free(cache, p);
	free_page(page);
	kfree(big);
	slab_debug_stats(&s1);
	HT_EXPECT_EQ(t, s1.invalid_frees, s0.invalid_frees + 6);
	HT_EXPECT_EQ(t, s1.double_frees, s0.double_frees + 2);
	HT_EXPECT_EQ(t, kmem_cache_destroy(cache), 0);
	HT_EXPECT_EQ(t, kmem_cache_destroy(other), 0);
	HT_EXPECT_EQ(t, buddy_check(), 0);
}

static void test_immediate_double_free_without_debug_flags(struct htest *t)
{
	struct slab_debug_stats s0, s1;
	struct kmem_cache *cache;
	void *p, *q;

	HT_ASSERT_EQ(t, setup(), 0);
	cache = kmem_cache_create("plain", 32, 0, 0, NULL);
	HT_ASSERT(t, cache != NULL);
	slab_debug_stats(&s0);
	p = kmem_cache_alloc(cache, GFP_KERNEL);
	HT_ASSERT(t, p != NULL);
	kmem_cache_free(cache, p);
	kmem_cache_free(cache, p);
	slab_debug_stats(&s1);
	HT_EXPECT_EQ(t, s1.double_frees, s0.double_frees + 1);
	/* The free list is intact: two allocations give two objects. */
	p = kmem_cache_alloc(cache, GFP_KERNEL);
	q = kmem_cache_alloc(cache, GFP_KERNEL);
	HT_EXPECT(t, p != NULL && q != NULL && p != q);
	kmem_cache_free(cache, p);
	kmem_cache_free(cache, q);
	HT_EXPECT_EQ(t, kmem_cache_destroy(cache), 0);
}

static void test_ctor_cache_not_poisoned(struct htest *t)
{
	struct kmem_cache *cache;
	struct obj200 *o;

	HT_ASSERT_EQ(t, setup(), 0);
	cache = kmem_cache_create("ctor-dbg", sizeof(struct obj200), 0, DBG,
				  obj200_ctor);
	HT_ASSERT(t, cache != NULL);
	o = kmem_cache_alloc(cache, GFP_KERNEL);
	HT_ASSERT(t, o != NULL);
	HT_EXPECT_EQ(t, o->magic, 0xc0ffee);
	kmem_cache_free(cache, o);
	o = kmem_cache_alloc(cache, GFP_KERNEL);
	HT_ASSERT(t, o != NULL);
	HT_EXPECT_EQ(t, o->magic, 0xc0ffee);
	kmem_cache_free(cache, o);
	HT_EXPECT_EQ(t, kmem_cache_destroy(cache), 0);
}

static void test_kmalloc_debug_when_configured(struct htest *t)
{
	struct slab_debug_stats s0, s1;
	unsigned char *p;

	HT_ASSERT_EQ(t, setup(), 0);
	/*
	 * test_slab_debug is this program built with CONFIG_DEBUG_SLAB: the
	 * overrun of a kmalloc object is caught there and only there (the
	 * byte lands in the next free object, whose contents nobody reads).
	 */
	slab_debug_stats(&s0);
	p = kmalloc(40, GFP_KERNEL);
	HT_ASSERT(t, p != NULL);
	p[ksize(p)] = 1;
	kfree(p);
	slab_debug_stats(&s1);
	HT_EXPECT_EQ(t, s1.redzone_errors,
		     s0.redzone_errors + IS_ENABLED(CONFIG_DEBUG_SLAB));
}

static void test_dump_all(struct htest *t)
{
	unsigned long errors = host_printk_nr_errors;

	HT_ASSERT_EQ(t, setup(), 0);
	kmem_cache_dump_all();
	HT_EXPECT_EQ(t, host_printk_nr_errors, errors);
	HT_EXPECT_EQ(t, buddy_check(), 0);
}

static const struct htest_case cases[] = {
	HT_CASE(test_kmalloc_sizes_and_alignment),
	HT_CASE(test_zero_calloc_realloc),
	HT_CASE(test_cache_ctor_align_stats),
	HT_CASE(test_destroy_busy_and_bad_args),
	HT_CASE(test_many_objects_pages_return),
	HT_CASE(test_debug_poison_detects_write_after_free),
	HT_CASE(test_debug_red_zones),
	HT_CASE(test_debug_double_and_invalid_frees),
	HT_CASE(test_immediate_double_free_without_debug_flags),
	HT_CASE(test_ctor_cache_not_poisoned),
	HT_CASE(test_kmalloc_debug_when_configured),
	HT_CASE(test_dump_all),
	{}
};

HTEST_MAIN(cases)
