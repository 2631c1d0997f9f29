/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests for the run profiler's histogram (kernel/profile_hist.c):
 * counting by key (key 0 included) with collisions in a small table, a
 * full table dropping new keys but still counting old ones, and the
 * top-N selection by count or by sum, ties to the smaller key, against
 * orders worked out by hand.
 */
/* HTEST-SOURCES: kernel/profile_hist.c lib/string.c */
#include "htest.h"
#include <tessera/profile.h>

static void test_counts_by_key(struct htest *t)
{
	struct prof_slot slots[8];
	struct prof_hist h;
	u64 keys[] = { 0, 8, 16, 8, 0, 0, 24, 0x1000 };
	unsigned int i, found = 0;

	prof_hist_init(&h, slots, 8);
	for (i = 0; i < 8; i++)
		HT_EXPECT(t, prof_hist_add(&h, keys[i], 1, 10 * i));
	HT_EXPECT_EQ(t, prof_hist_total(&h), 8);
	HT_EXPECT_EQ(t, h.nr_dropped, 0);
	for (i = 0; i < 8; i++) {
		if (!slots[i].count)
			continue;
		found++;
		/* key 0: adds 0, 4, 5 -> sums 0+40+50; key 8: 1, 3 -> 10+30. */
		if (slots[i].key == 0) {
			HT_EXPECT_EQ(t, slots[i].count, 3);
			HT_EXPECT_EQ(t, slots[i].sum, 90);
		} else if (slots[i].key == 8) {
			HT_EXPECT_EQ(t, slots[i].count, 2);
			HT_EXPECT_EQ(t, slots[i].sum, 40);
		} else {
			HT_EXPECT_EQ(t, slots[i].count, 1);
		}
	}
	HT_EXPECT_EQ(t, found, 5);
	/* A zero count is not an entry. */
	HT_EXPECT(t, prof_hist_add(&h, 99, 0, 5));
	HT_EXPECT_EQ(t, prof_hist_total(&h), 8);
}

static void test_full_table_drops(struct htest *t)
{
	struct prof_slot slots[4];
	struct prof_hist h;
	u64 k;

	prof_hist_init(&h, slots, 4);
	for (k = 1; k <= 4; k++)
		HT_EXPECT(t, prof_hist_add(&h, k * 4096, k, 0));
	HT_EXPECT(t, !prof_hist_add(&h, 5 * 4096, 7, 0));
	HT_EXPECT_EQ(t, h.nr_dropped, 7);
	/* An old key still counts in a full table. */
	HT_EXPECT(t, prof_hist_add(&h, 2 * 4096, 3, 0));
	HT_EXPECT_EQ(t, prof_hist_total(&h), 1 + 2 + 3 + 4 + 3);
	prof_hist_clear(&h);
	HT_EXPECT_EQ(t, prof_hist_total(&h), 0);
	HT_EXPECT_EQ(t, h.nr_dropped, 0);
}

static void test_top_by_count(struct htest *t)
{
	/* Sorted by count, ties to the smaller key: 7(9) 2(5) 4(5) 9(3). */
	struct prof_slot in[] = {
		{ 4, 5, 0 }, { 0, 0, 0 }, { 9, 3, 0 }, { 7, 9, 0 },
		{ 11, 1, 0 }, { 2, 5, 0 }, { 0, 0, 0 },
	};
	struct prof_slot out[4];
	unsigned int n;

	n = prof_top(in, 7, PROF_BY_COUNT, out, 4);
	HT_ASSERT_EQ(t, n, 4);
	HT_EXPECT_EQ(t, out[0].key, 7);
	HT_EXPECT_EQ(t, out[1].key, 2);
	HT_EXPECT_EQ(t, out[2].key, 4);
	HT_EXPECT_EQ(t, out[3].key, 9);
	/* Fewer non-empty slots than asked for. */
	n = prof_top(in, 3, PROF_BY_COUNT, out, 4);
	HT_ASSERT_EQ(t, n, 2);
	HT_EXPECT_EQ(t, out[0].key, 4);
	HT_EXPECT_EQ(t, out[1].key, 9);
	HT_EXPECT_EQ(t, prof_top(in, 7, PROF_BY_COUNT, out, 0), 0);
}

static void test_top_by_sum(struct htest *t)
{
	/* Syscall-like: few calls with a big total beat many short ones. */
	struct prof_slot in[] = {
		{ 0, 1000, 2000 }, { 1, 2, 90000 }, { 202, 40, 90000 },
		{ 3, 7, 100 },
	};
	struct prof_slot out[2];

	HT_ASSERT_EQ(t, prof_top(in, 4, PROF_BY_SUM, out, 2), 2);
	HT_EXPECT_EQ(t, out[0].key, 1);
	HT_EXPECT_EQ(t, out[1].key, 202);
	HT_EXPECT_EQ(t, out[1].count, 40);
}

static const struct htest_case cases[] = {
	HT_CASE(test_counts_by_key),
	HT_CASE(test_full_table_drops),
	HT_CASE(test_top_by_count),
	HT_CASE(test_top_by_sum),
	{}
};

HTEST_MAIN(cases)
