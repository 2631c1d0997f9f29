/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KTAP suite "kallsyms": the symbol table of the running kernel.  Looks
 * up real functions by address and by name, checks the table is sorted
 * and inside kernel text, and checks the "name+0xoff/0xsize" format of
 * sprint_symbol() and of %pS.  The pure lookup logic has its own host
 * test (tests/host/test_kallsyms.c); this one proves the link-time table
 * matches the image.
 */
#include <tessera/kallsyms.h>
#include <tessera/kernel.h>
#include <tessera/ktest.h>
#include <tessera/string.h>
#include <asm/page.h>

void start_kernel(u32 magic, u32 info_phys);

extern const u64 kallsyms_num_syms;
extern const u64 kallsyms_addresses[];
extern const u64 kallsyms_sizes[];
extern const u32 kallsyms_name_offsets[];
extern const char kallsyms_names[];

static int kallsyms_test_data = 42;

static void kallsyms_lookup_start_kernel(struct ktest *t)
{
	const char *name = NULL;
	unsigned long offset = 0, size = 0;

	KT_ASSERT_TRUE(t, kallsyms_lookup((unsigned long)start_kernel + 5,
					  &name, &offset, &size));
	KT_EXPECT_STREQ(t, name, "start_kernel");
	KT_EXPECT_EQ(t, offset, 5);
	KT_EXPECT_GT(t, size, 5);
	KT_ASSERT_TRUE(t, kallsyms_lookup((unsigned long)start_kernel, &name,
					  &offset, NULL));
	KT_EXPECT_EQ(t, offset, 0);
}

/* A static function is a local ('t') symbol: it must be in the table. */
static __noinline void kallsyms_lookup_static_function(struct ktest *t)
{
	const char *name = NULL;
	unsigned long offset = 1;

	KT_ASSERT_TRUE(t, kallsyms_lookup(
		(unsigned long)kallsyms_lookup_static_function, &name, &offset,
		NULL));
	KT_EXPECT_STREQ(t, name, "kallsyms_lookup_static_function");
	KT_EXPECT_EQ(t, offset, 0);
}

static void kallsyms_lookup_name_round_trip(struct ktest *t)
{
	const char *name;
	unsigned long addr;

	KT_EXPECT_EQ(t, kallsyms_lookup_name("start_kernel"),
		     (unsigned long)start_kernel);
	KT_EXPECT_EQ(t, kallsyms_lookup_name("sprint_symbol"),
		     (unsigned long)sprint_symbol);
	KT_EXPECT_EQ(t, kallsyms_lookup_name("no_such_symbol_anywhere"), 0);
	KT_EXPECT_EQ(t, kallsyms_lookup_name(""), 0);

	addr = kallsyms_lookup_name("kallsyms_lookup");
	KT_ASSERT_NE(t, addr, 0);
	KT_ASSERT_TRUE(t, kallsyms_lookup(addr, &name, NULL, NULL));
	KT_EXPECT_STREQ(t, name, "kallsyms_lookup");
}

static void kallsyms_outside_text(struct ktest *t)
{
	KT_EXPECT_FALSE(t, kallsyms_lookup((unsigned long)&kallsyms_test_data,
					   NULL, NULL, NULL));
	KT_EXPECT_FALSE(t, kallsyms_lookup(0, NULL, NULL, NULL));
	KT_EXPECT_FALSE(t, kallsyms_lookup((unsigned long)_text - 1, NULL,
					   NULL, NULL));
	KT_EXPECT_FALSE(t, kallsyms_lookup((unsigned long)_etext, NULL, NULL,
					   NULL));
}

static void kallsyms_table_sorted_and_in_text(struct ktest *t)
{
	unsigned long i, n = kallsyms_num_syms;

	KT_ASSERT_GT(t, n, 10);
	for (i = 0; i < n; i++) {
		const char *name = kallsyms_names + kallsyms_name_offsets[i];

		KT_ASSERT_GE(t, kallsyms_addresses[i], (unsigned long)_text);
		KT_ASSERT_LE(t, kallsyms_addresses[i] + kallsyms_sizes[i],
			     (unsigned long)_etext);
		KT_ASSERT_GT(t, kallsyms_sizes[i], 0);
		KT_ASSERT_NE(t, name[0], '\0');
		if (i)
			KT_ASSERT_LT(t, kallsyms_addresses[i - 1],
				     kallsyms_addresses[i]);
	}
}

static void kallsyms_sprint_symbol_format(struct ktest *t)
{
	char buf[KSYM_SYMBOL_LEN], expect[KSYM_SYMBOL_LEN];
	unsigned long size = 0;
	int n;

	KT_ASSERT_TRUE(t, kallsyms_lookup((unsigned long)start_kernel, NULL,
					  NULL, &size));
	n = sprint_symbol(buf, sizeof(buf), (unsigned long)start_kernel + 0x10);
	snprintf(expect, sizeof(expect), "start_kernel+0x10/0x%lx", size);
	KT_EXPECT_STREQ(t, buf, expect);
	KT_EXPECT_EQ(t, n, strlen(expect));

	sprint_symbol(buf, sizeof(buf), (unsigned long)&kallsyms_test_data);
	snprintf(expect, sizeof(expect), "0x%lx",
		 (unsigned long)&kallsyms_test_data);
	KT_EXPECT_STREQ(t, buf, expect);
}

static void kallsyms_percent_ps(struct ktest *t)
{
	char buf[KSYM_SYMBOL_LEN], expect[KSYM_SYMBOL_LEN];
	void *addr = (void *)((unsigned long)start_kernel + 3);

	snprintf(buf, sizeof(buf), "%pS", addr);
	sprint_symbol(expect, sizeof(expect), (unsigned long)addr);
	KT_EXPECT_STREQ(t, buf, expect);
	KT_EXPECT_EQ(t, strncmp(buf, "start_kernel+0x3/0x", 19), 0);
}

static struct ktest_case kallsyms_cases[] = {
	KTEST_CASE(kallsyms_lookup_start_kernel),
	KTEST_CASE(kallsyms_lookup_static_function),
	KTEST_CASE(kallsyms_lookup_name_round_trip),
	KTEST_CASE(kallsyms_outside_text),
	KTEST_CASE(kallsyms_table_sorted_and_in_text),
	KTEST_CASE(kallsyms_sprint_symbol_format),
	KTEST_CASE(kallsyms_percent_ps),
	{}
};

KTEST_SUITE(kallsyms, kallsyms_cases);
