/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktest: KUnit-shaped in-kernel test suites with KTAP output.
 *
 *	static void buddy_alloc_free(struct ktest *t)
 *	{
 *		KT_EXPECT_EQ(t, nr_free_pages(), before);
 *	}
 *	static struct ktest_case buddy_cases[] = {
 *		KTEST_CASE(buddy_alloc_free),
 *		{}
 *	};
 *	KTEST_SUITE(buddy, buddy_cases);
 *
 * Suites are collected from the "ktest_suites" linker section and run by
 * ktest=all or ktest=NAME[,NAME...] on the command line (kernel/ktest.c).
 * EXPECT records a failure and goes on; ASSERT records it and returns
 * from the case; KT_SKIP marks the case skipped and returns.
 */
#ifndef _TESSERA_KTEST_H
#define _TESSERA_KTEST_H

#include <tessera/compiler.h>
#include <tessera/string.h>

struct ktest {
	const char *name;
	int nr_failures;
	bool skipped;
	const char *skip_reason;
};

struct ktest_case {
	const char *name;
	void (*run)(struct ktest *t);
};

struct ktest_suite {
	const char *name;
	struct ktest_case *cases;
	int (*init)(void);	/* optional: runs before the cases */
};

#define KTEST_CASE(fn)		{ .name = #fn, .run = fn }

#define KTEST_SUITE(suite_name, case_array)				\
	static const struct ktest_suite __ktest_suite_##suite_name	\
	__used __section("ktest_suites") __aligned(8) = {		\
		.name = #suite_name,					\
		.cases = case_array,					\
	}

#define KTEST_SUITE_INIT(suite_name, case_array, init_fn)		\
	static const struct ktest_suite __ktest_suite_##suite_name	\
	__used __section("ktest_suites") __aligned(8) = {		\
		.name = #suite_name,					\
		.cases = case_array,					\
		.init = init_fn,					\
	}

__printf(4, 5) void ktest_fail(struct ktest *t, const char *file, int line,
			       const char *fmt, ...);

#define KT_FAIL(t, fmt, ...)						\
	ktest_fail(t, __FILE__, __LINE__, fmt, ##__VA_ARGS__)

#define KT_SKIP(t, reason) do {						\
	(t)->skipped = true;						\
	(t)->skip_reason = (reason);					\
	return;								\
} while (0)

#define __KT_CMP(t, a, op, b, on_fail) do {				\
	long long __a = (long long)(a), __b = (long long)(b);		\
	if (!(__a op __b)) {						\
		KT_FAIL(t, "expected %s %s %s, but %s == %lld (%#llx), "\
			"%s == %lld (%#llx)", #a, #op, #b, #a, __a,	\
			(unsigned long long)__a, #b, __b,		\
			(unsigned long long)__b);			\
		on_fail;						\
	}								\
} while (0)

#define KT_EXPECT_EQ(t, a, b)	__KT_CMP(t, a, ==, b, (void)0)
#define KT_EXPECT_NE(t, a, b)	__KT_CMP(t, a, !=, b, (void)0)
#define KT_EXPECT_LT(t, a, b)	__KT_CMP(t, a, <, b, (void)0)
#define KT_EXPECT_LE(t, a, b)	__KT_CMP(t, a, <=, b, (void)0)
#define KT_EXPECT_GT(t, a, b)	__KT_CMP(t, a, >, b, (void)0)
#define KT_EXPECT_GE(t, a, b)	__KT_CMP(t, a, >=, b, (void)0)
#define KT_ASSERT_EQ(t, a, b)	__KT_CMP(t, a, ==, b, return)
#define KT_ASSERT_NE(t, a, b)	__KT_CMP(t, a, !=, b, return)
#define KT_ASSERT_LT(t, a, b)	__KT_CMP(t, a, <, b, return)
#define KT_ASSERT_LE(t, a, b)	__KT_CMP(t, a, <=, b, return)
#define KT_ASSERT_GT(t, a, b)	__KT_CMP(t, a, >, b, return)
#define KT_ASSERT_GE(t, a, b)	__KT_CMP(t, a, >=, b, return)

#define __KT_BOOL(t, cond, want, on_fail) do {				\
	if ((bool)(cond) != (want)) {					\
		KT_FAIL(t, "expected %s to be %s", #cond,		\
			(want) ? "true" : "false");			\
		on_fail;						\
	}								\
} while (0)

#define KT_EXPECT_TRUE(t, c)	__KT_BOOL(t, c, true, (void)0)
#define KT_EXPECT_FALSE(t, c)	__KT_BOOL(t, c, false, (void)0)
#define KT_ASSERT_TRUE(t, c)	__KT_BOOL(t, c, true, return)
#define KT_ASSERT_FALSE(t, c)	__KT_BOOL(t, c, false, return)

#define __KT_PTR(t, p, want_null, on_fail) do {				\
	const void *__p = (p);						\
	if ((__p == NULL) != (want_null)) {				\
		KT_FAIL(t, "expected %s %s NULL, got %p", #p,		\
			(want_null) ? "==" : "!=", __p);		\
		on_fail;						\
	}								\
} while (0)

#define KT_EXPECT_NULL(t, p)		__KT_PTR(t, p, true, (void)0)
#define KT_EXPECT_NOT_NULL(t, p)	__KT_PTR(t, p, false, (void)0)
#define KT_ASSERT_NULL(t, p)		__KT_PTR(t, p, true, return)
#define KT_ASSERT_NOT_NULL(t, p)	__KT_PTR(t, p, false, return)

#define __KT_STR(t, a, b, on_fail) do {					\
	const char *__a = (a), *__b = (b);				\
	if (!__a || !__b || strcmp(__a, __b)) {				\
		KT_FAIL(t, "expected %s == %s, got \"%s\" vs \"%s\"",	\
			#a, #b, __a ? __a : "(null)",			\
			__b ? __b : "(null)");				\
		on_fail;						\
	}								\
} while (0)

#define KT_EXPECT_STREQ(t, a, b)	__KT_STR(t, a, b, (void)0)
#define KT_ASSERT_STREQ(t, a, b)	__KT_STR(t, a, b, return)

#define __KT_MEM(t, a, b, n, on_fail) do {				\
	const void *__a = (a), *__b = (b);				\
	size_t __n = (n);						\
	if (memcmp(__a, __b, __n)) {					\
		KT_FAIL(t, "expected %zu bytes of %s == %s (first "	\
			"difference at offset %zu)", __n, #a, #b,	\
			ktest_first_diff(__a, __b, __n));		\
		on_fail;						\
	}								\
} while (0)

#define KT_EXPECT_MEMEQ(t, a, b, n)	__KT_MEM(t, a, b, n, (void)0)
#define KT_ASSERT_MEMEQ(t, a, b, n)	__KT_MEM(t, a, b, n, return)

size_t ktest_first_diff(const void *a, const void *b, size_t n);

/*
 * Run the suites selected by @spec ("all" or a comma-separated list of
 * suite names) and print KTAP.  Returns the number of failed cases, or
 * -EINVAL if @spec names a suite that does not exist.
 */
int ktest_run(const char *spec);

#endif /* _TESSERA_KTEST_H */
