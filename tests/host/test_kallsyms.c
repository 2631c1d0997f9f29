/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests for kernel/kallsyms.c: the binary search over hand-built
 * tables (empty, one symbol, several with gaps), name lookup, and the
 * sprint_symbol() format.  This file also provides the kallsyms_* arrays
 * that the link-time generator would emit, so the kernel wrappers
 * (kallsyms_lookup, sprint_symbol) run against a known table.
 *
 * HTEST-SOURCES: kernel/kallsyms.c
 */
#include "htest.h"
#include <tessera/kallsyms.h>

/*
 * The "kernel" table: three functions, contiguous, as the generator
 * writes them (size = distance to the next symbol).
 */
const u64 kallsyms_num_syms = 3;
const u64 kallsyms_addresses[] = {
	0xffffffff80200000UL, 0xffffffff80200040UL, 0xffffffff80200100UL,
};
const u64 kallsyms_sizes[] = { 0x40, 0xc0, 0x30 };
const u32 kallsyms_name_offsets[] = { 0, 6, 19 };
const char kallsyms_names[] = "_text\0start_kernel\0panic\0";

/* A table with gaps: symbols whose sizes do not reach the next one. */
static const u64 gap_addrs[] = { 0x1000, 0x1100, 0x1200, 0x2000 };
static const u64 gap_sizes[] = { 0x10, 0x100, 0x8, 0x20 };
static const u32 gap_offs[] = { 0, 2, 4, 6 };
static const struct kallsyms_table gap_table = {
	.nr_syms = 4,
	.addresses = gap_addrs,
	.sizes = gap_sizes,
	.name_offsets = gap_offs,
	.names = "a\0b\0c\0d",
};

static void lookup_empty_table(struct htest *t)
{
	struct kallsyms_table empty = { .nr_syms = 0 };
	const char *name = "untouched";

	HT_EXPECT(t, !kallsyms_table_lookup(&empty, 0, &name, NULL, NULL));
	HT_EXPECT(t, !kallsyms_table_lookup(&empty, 0x1000, &name, NULL, NULL));
	HT_EXPECT_STREQ(t, name, "untouched");
	HT_EXPECT_EQ(t, kallsyms_table_lookup_name(&empty, "a"), 0);
}

static void lookup_one_symbol(struct htest *t)
{
	static const u64 addr[] = { 0x5000 };
	static const u64 size[] = { 0x20 };
	static const u32 off[] = { 0 };
	struct kallsyms_table one = { 1, addr, size, off, "only" };
	const char *name = NULL;
	unsigned long o = 99, s = 99;

	HT_EXPECT(t, !kallsyms_table_lookup(&one, 0x4fff, &name, &o, &s));
	HT_ASSERT(t, kallsyms_table_lookup(&one, 0x5000, &name, &o, &s));
	HT_EXPECT_STREQ(t, name, "only");
	HT_EXPECT_EQ(t, o, 0);
	HT_EXPECT_EQ(t, s, 0x20);
	HT_ASSERT(t, kallsyms_table_lookup(&one, 0x501f, &name, &o, &s));
	HT_EXPECT_EQ(t, o, 0x1f);
	HT_EXPECT(t, !kallsyms_table_lookup(&one, 0x5020, &name, &o, &s));
}

static void lookup_before_first_and_after_last(struct htest *t)
{
	HT_EXPECT(t, !kallsyms_table_lookup(&gap_table, 0, NULL, NULL, NULL));
	HT_EXPECT(t, !kallsyms_table_lookup(&gap_table, 0xfff, NULL, NULL,
					    NULL));
	HT_EXPECT(t, kallsyms_table_lookup(&gap_table, 0x201f, NULL, NULL,
					   NULL));
	HT_EXPECT(t, !kallsyms_table_lookup(&gap_table, 0x2020, NULL, NULL,
					    NULL));
	HT_EXPECT(t, !kallsyms_table_lookup(&gap_table, ~0UL, NULL, NULL,
					    NULL));
}

static void lookup_exact_start_and_within(struct htest *t)
{
	const char *name;
	unsigned long o, s;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		name = NULL;
		HT_ASSERT(t, kallsyms_table_lookup(&gap_table, gap_addrs[i],
						   &name, &o, &s));
		HT_EXPECT_EQ(t, name[0], 'a' + i);
		HT_EXPECT_EQ(t, o, 0);
		HT_EXPECT_EQ(t, s, gap_sizes[i]);
	}
	HT_ASSERT(t, kallsyms_table_lookup(&gap_table, 0x1180, &name, &o, &s));
	HT_EXPECT_STREQ(t, name, "b");
	HT_EXPECT_EQ(t, o, 0x80);
	HT_ASSERT(t, kallsyms_table_lookup(&gap_table, 0x1207, &name, &o, &s));
	HT_EXPECT_STREQ(t, name, "c");
	HT_EXPECT_EQ(t, o, 7);
}

static void lookup_between_symbols_is_a_miss(struct htest *t)
{
	/* a covers 0x1000..0x100f; 0x1010..0x10ff belongs to nobody. */
	HT_EXPECT(t, !kallsyms_table_lookup(&gap_table, 0x1010, NULL, NULL,
					    NULL));
	HT_EXPECT(t, !kallsyms_table_lookup(&gap_table, 0x10ff, NULL, NULL,
					    NULL));
	HT_EXPECT(t, !kallsyms_table_lookup(&gap_table, 0x1208, NULL, NULL,
					    NULL));
	HT_EXPECT(t, !kallsyms_table_lookup(&gap_table, 0x1fff, NULL, NULL,
					    NULL));
}

static void lookup_name_round_trip(struct htest *t)
{
	HT_EXPECT_EQ(t, kallsyms_table_lookup_name(&gap_table, "a"), 0x1000);
	HT_EXPECT_EQ(t, kallsyms_table_lookup_name(&gap_table, "d"), 0x2000);
	HT_EXPECT_EQ(t, kallsyms_table_lookup_name(&gap_table, "e"), 0);
	HT_EXPECT_EQ(t, kallsyms_table_lookup_name(&gap_table, ""), 0);
	HT_EXPECT_EQ(t, kallsyms_table_lookup_name(&gap_table, "ab"), 0);
	HT_EXPECT_EQ(t, kallsyms_lookup_name("start_kernel"),
		     0xffffffff80200040UL);
	HT_EXPECT_EQ(t, kallsyms_lookup_name("start_kerne"), 0);
	HT_EXPECT_EQ(t, kallsyms_lookup_name("panicx"), 0);
}

static void kernel_table_lookup(struct htest *t)
{
	const char *name = NULL;
	unsigned long o = 0, s = 0;

	HT_ASSERT(t, kallsyms_lookup(0xffffffff80200045UL, &name, &o, &s));
	HT_EXPECT_STREQ(t, name, "start_kernel");
	HT_EXPECT_EQ(t, o, 5);
	HT_EXPECT_EQ(t, s, 0xc0);
	HT_ASSERT(t, kallsyms_lookup(0xffffffff8020012fUL, &name, &o, &s));
	HT_EXPECT_STREQ(t, name, "panic");
	HT_EXPECT(t, !kallsyms_lookup(0xffffffff80200130UL, NULL, NULL, NULL));
	HT_EXPECT(t, !kallsyms_is_text(0xffffffff801fffffUL));
	HT_EXPECT(t, kallsyms_is_text(0xffffffff80200000UL));
}

static void sprint_symbol_format(struct htest *t)
{
	char buf[KSYM_SYMBOL_LEN];
	int n;

	n = sprint_symbol(buf, sizeof(buf), 0xffffffff80200045UL);
	HT_EXPECT_STREQ(t, buf, "start_kernel+0x5/0xc0");
	HT_EXPECT_EQ(t, n, 21);
	sprint_symbol(buf, sizeof(buf), 0xffffffff80200100UL);
	HT_EXPECT_STREQ(t, buf, "panic+0x0/0x30");
	n = sprint_symbol(buf, sizeof(buf), 0x1234abcdUL);
	HT_EXPECT_STREQ(t, buf, "0x1234abcd");
	HT_EXPECT_EQ(t, n, 10);
	sprint_symbol(buf, sizeof(buf), 0);
	HT_EXPECT_STREQ(t, buf, "0x0");
}

static void sprint_symbol_truncates(struct htest *t)
{
	char buf[8];
	int n;

	buf[7] = 'X';
	n = sprint_symbol(buf, sizeof(buf), 0xffffffff80200045UL);
	HT_EXPECT_EQ(t, n, 21);
	HT_EXPECT_STREQ(t, buf, "start_k");
	n = sprint_symbol(buf, 1, 0xffffffff80200045UL);
	HT_EXPECT_EQ(t, buf[0], '\0');
	HT_EXPECT_EQ(t, n, 21);
}

static const struct htest_case cases[] = {
	HT_CASE(lookup_empty_table),
	HT_CASE(lookup_one_symbol),
	HT_CASE(lookup_before_first_and_after_last),
	HT_CASE(lookup_exact_start_and_within),
	HT_CASE(lookup_between_symbols_is_a_miss),
	HT_CASE(lookup_name_round_trip),
	HT_CASE(kernel_table_lookup),
	HT_CASE(sprint_symbol_format),
	HT_CASE(sprint_symbol_truncates),
	{}
};

HTEST_MAIN(cases)
