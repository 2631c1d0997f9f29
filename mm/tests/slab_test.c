/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktest suite "slab": kmalloc and object caches in the booted kernel.
 * kmalloc at every size class and past it with size and alignment
 * checks, zeroing, kcalloc overflow, krealloc, caches with constructors,
 * destroy refusal, pages back to buddy after shrink, and the debug
 * detections: on a cache created with SLAB_RED_ZONE | SLAB_POISON
 * always, on the kmalloc caches only with CONFIG_DEBUG_SLAB (else skip).
 */
#include <tessera/errno.h>
#include <tessera/ktest.h>
#include <tessera/mm.h>
#include <tessera/slab.h>
#include <tessera/string.h>

#define SLAB_TEST_DEBUG_FLAGS	(SLAB_RED_ZONE | SLAB_POISON)

static size_t pow2_at_least_8(size_t n)
{
	size_t p = 8;

	while (p < n)
		p *= 2;
	return p;
}

static void slab_kmalloc_all_sizes(struct ktest *t)
{
	static const size_t big[] = { 8193, 16384, 65536, 300000, 1 << 22 };
	size_t size, i;

	for (size = 1; size <= 8192 + 1; size = size < 32 ? size + 1 : size * 2 - 1) {
		size_t want = pow2_at_least_8(size);
		size_t align = want < PAGE_SIZE ? want : PAGE_SIZE;
		u8 *p = kmalloc(size, GFP_KERNEL);

		KT_ASSERT_NOT_NULL(t, p);
		KT_EXPECT_EQ(t, (unsigned long)p % align, 0);
		if (size <= KMALLOC_MAX_CACHE_SIZE)
			KT_EXPECT_EQ(t, ksize(p), want);
		else
			KT_EXPECT_GE(t, ksize(p), size);
		memset(p, (int)size, ksize(p));
		KT_EXPECT_EQ(t, memchr_inv_off(p, (u8)size, ksize(p)), ksize(p));
		kfree(p);
	}
	for (i = 0; i < ARRAY_SIZE(big); i++) {
		u64 before = nr_free_pages();
		u8 *p = kmalloc(big[i], GFP_KERNEL);

		KT_ASSERT_NOT_NULL(t, p);
		KT_EXPECT_EQ(t, (unsigned long)p % PAGE_SIZE, 0);
		KT_EXPECT_EQ(t, ksize(p), PAGE_SIZE << get_order(big[i]));
		KT_EXPECT_EQ(t, nr_free_pages(), before - (1UL << get_order(big[i])));
		memset(p, 0x5a, big[i]);
		kfree(p);
		KT_EXPECT_EQ(t, nr_free_pages(), before);
	}
	KT_EXPECT_EQ(t, buddy_check(), 0);
}

static void slab_zero_calloc_realloc(struct ktest *t)
{
	u8 *p, *q;
	size_t i;

	p = kzalloc(300, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, p);
	KT_EXPECT_EQ(t, memchr_inv_off(p, 0, 300), 300);
	kfree(p);

	KT_EXPECT_NULL(t, kcalloc((size_t)-1 / 8, 16, GFP_KERNEL));
	p = kcalloc(25, 40, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, p);
	KT_EXPECT_GE(t, ksize(p), 1000);
	KT_EXPECT_EQ(t, memchr_inv_off(p, 0, 1000), 1000);
	kfree(p);

	KT_EXPECT_EQ(t, (unsigned long)kmalloc(0, GFP_KERNEL),
		     (unsigned long)ZERO_SIZE_PTR);
	kfree(NULL);
	kfree(ZERO_SIZE_PTR);

	p = kmalloc(24, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, p);
	for (i = 0; i < 24; i++)
		p[i] = (u8)(i + 1);
	q = krealloc(p, 20000, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, q);
	KT_EXPECT_GE(t, ksize(q), 20000);
	for (i = 0; i < 24; i++)
		KT_EXPECT_EQ(t, q[i], i + 1);
	KT_EXPECT_EQ(t, (unsigned long)krealloc(q, 0, GFP_KERNEL),
		     (unsigned long)ZERO_SIZE_PTR);
}

struct slab_test_obj {
	u32 magic;
	u32 id;
	u8 data[88];
};

static unsigned long slab_test_ctor_calls;

static void slab_test_ctor(void *p)
{
	((struct slab_test_obj *)p)->magic = 0x5ab5ab;
	slab_test_ctor_calls++;
}

static void slab_cache_ctor_align_destroy(struct ktest *t)
{
	struct slab_test_obj *objs[200];
	struct kmem_cache_stats st;
	struct kmem_cache *cache;
	unsigned int i;

	slab_test_ctor_calls = 0;
	cache = kmem_cache_create("ktest-obj", sizeof(struct slab_test_obj),
				  64, 0, slab_test_ctor);
	KT_ASSERT_NOT_NULL(t, cache);
	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = kmem_cache_alloc(cache, GFP_KERNEL);
		KT_ASSERT_NOT_NULL(t, objs[i]);
		KT_EXPECT_EQ(t, (unsigned long)objs[i] % 64, 0);
		KT_EXPECT_EQ(t, objs[i]->magic, 0x5ab5ab);
		objs[i]->id = i;
	}
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		KT_EXPECT_EQ(t, objs[i]->id, i);
	kmem_cache_get_stats(cache, &st);
	KT_EXPECT_EQ(t, st.active_objs, ARRAY_SIZE(objs));
	KT_EXPECT_EQ(t, slab_test_ctor_calls, st.total_objs);

	KT_EXPECT_EQ(t, kmem_cache_destroy(cache), -EBUSY);
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		kmem_cache_free(cache, objs[i]);
	kmem_cache_get_stats(cache, &st);
	KT_EXPECT_EQ(t, st.active_objs, 0);
	KT_EXPECT_EQ(t, kmem_cache_destroy(cache), 0);
}

static void slab_pages_return_to_buddy(struct ktest *t)
{
	enum { N = 2000 };
	struct kmem_cache_stats st;
	struct kmem_cache *cache;
	void **objs;
	unsigned int i;
	u64 before;

	objs = kmalloc_array(N, sizeof(*objs), GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, objs);
	cache = kmem_cache_create("ktest-pages", 200, 0, 0, NULL);
	if (!cache) {
		kfree(objs);
		KT_ASSERT_NOT_NULL(t, cache);
	}
	before = nr_free_pages();
	for (i = 0; i < N; i++) {
		objs[i] = kmem_cache_alloc(cache, GFP_KERNEL);
		if (!objs[i]) {
			KT_FAIL(t, "allocation %u failed", i);
			break;
		}
	}
	kmem_cache_get_stats(cache, &st);
	KT_EXPECT_EQ(t, st.active_objs, i);
	KT_EXPECT_EQ(t, before - nr_free_pages(),
		     (u64)st.nr_slabs * st.pages_per_slab);
	while (i-- > 0)
		kmem_cache_free(cache, objs[(i * 11) % N]);
	kmem_cache_shrink(cache);
	kmem_cache_get_stats(cache, &st);
	KT_EXPECT_EQ(t, st.nr_slabs, 0);
	KT_EXPECT_EQ(t, nr_free_pages(), before);
	KT_EXPECT_EQ(t, kmem_cache_destroy(cache), 0);
	kfree(objs);
}

/* Detections on a fresh cache with one slab: always available. */
static void slab_debug_flagged_cache(struct ktest *t)
{
	struct slab_debug_stats s0, s1;
	struct kmem_cache *cache;
	u8 *p, *q;

	cache = kmem_cache_create("ktest-debug", 40, 0, SLAB_TEST_DEBUG_FLAGS,
				  NULL);
	KT_ASSERT_NOT_NULL(t, cache);
	slab_debug_stats(&s0);

	p = kmem_cache_alloc(cache, GFP_KERNEL);
	q = kmem_cache_alloc(cache, GFP_KERNEL);	/* keeps the slab alive */
	KT_ASSERT_NOT_NULL(t, p);
	KT_ASSERT_NOT_NULL(t, q);

	kmem_cache_free(cache, p);
	KT_EXPECT_EQ(t, memchr_inv_off(p, SLAB_POISON_FREE, 40), 40);
	p[5] = 0;					/* write after free */
	KT_EXPECT_EQ(t, (unsigned long)kmem_cache_alloc(cache, GFP_KERNEL),
		     (unsigned long)p);
	slab_debug_stats(&s1);
	KT_EXPECT_EQ(t, s1.poison_errors, s0.poison_errors + 1);

	p[40] = 0;					/* overflow */
	kmem_cache_free(cache, p);
	p = kmem_cache_alloc(cache, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, p);
	p[-1] = 0;					/* underflow */
	kmem_cache_free(cache, p);
	slab_debug_stats(&s1);
	KT_EXPECT_EQ(t, s1.redzone_errors, s0.redzone_errors + 2);

	kmem_cache_free(cache, p);			/* double free */
	slab_debug_stats(&s1);
	KT_EXPECT_EQ(t, s1.double_frees, s0.double_frees + 1);

	kmem_cache_free(cache, q + 4);			/* not an object start */
	kfree(q + 1);
	slab_debug_stats(&s1);
	KT_EXPECT_EQ(t, s1.invalid_frees, s0.invalid_frees + 2);

	kmem_cache_free(cache, q);
	slab_debug_stats(&s1);
	KT_EXPECT_EQ(t, s1.poison_errors, s0.poison_errors + 1);
	KT_EXPECT_EQ(t, s1.redzone_errors, s0.redzone_errors + 2);
	KT_EXPECT_EQ(t, kmem_cache_destroy(cache), 0);
}

/* The same on the kmalloc caches, which are checked only when the whole
 * slab layer is in debug mode. */
static void slab_debug_kmalloc(struct ktest *t)
{
	struct slab_debug_stats s0, s1;
	u8 *p;

	if (!IS_ENABLED(CONFIG_DEBUG_SLAB))
		KT_SKIP(t, "CONFIG_DEBUG_SLAB is off");

	slab_debug_stats(&s0);
	p = kmalloc(100, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, p);
	p[ksize(p)] = 0x11;				/* overflow */
	kfree(p);
	p = kmalloc(3000, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, p);
	p[-3] = 0x22;					/* underflow */
	kfree(p);
	slab_debug_stats(&s1);
	KT_EXPECT_EQ(t, s1.redzone_errors, s0.redzone_errors + 2);

	p = kmalloc(64, GFP_KERNEL);
	KT_ASSERT_NOT_NULL(t, p);
	kfree(p + 16);					/* inside the object */
	slab_debug_stats(&s1);
	KT_EXPECT_EQ(t, s1.invalid_frees, s0.invalid_frees + 1);
	kfree(p);
	KT_EXPECT_EQ(t, s1.double_frees, s0.double_frees);
}

static void slab_dump(struct ktest *t)
{
	kmem_cache_dump_all();
	KT_EXPECT_EQ(t, buddy_check(), 0);
}

static struct ktest_case slab_cases[] = {
	KTEST_CASE(slab_kmalloc_all_sizes),
	KTEST_CASE(slab_zero_calloc_realloc),
	KTEST_CASE(slab_cache_ctor_align_destroy),
	KTEST_CASE(slab_pages_return_to_buddy),
	KTEST_CASE(slab_debug_flagged_cache),
	KTEST_CASE(slab_debug_kmalloc),
	KTEST_CASE(slab_dump),
	{}
};
KTEST_SUITE(slab, slab_cases);
