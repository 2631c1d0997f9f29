/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests for the time conversions of <tessera/time.h> that user
 * timeouts go through (nanosleep, clock_nanosleep, futex): a timespec
 * is validated as Linux does and saturates instead of wrapping, a
 * deadline saturates at KTIME_MAX, and a sleep in ticks is rounded up,
 * bounded, and "forever" only for KTIME_MAX.  2^64 - 1 =
 * 18446744073709551615; 2^63 - 1 = 9223372036854775807.
 */
/* HTEST-SOURCES: */
#include "htest.h"
#include <tessera/time.h>

#define POISON		0x5a5a5a5a5a5a5a5aULL
#define S64_MAX_	9223372036854775807LL

struct ts_case {
	s64 sec, nsec;
	int err;
	u64 ns;
};

static void test_timespec_to_ns(struct htest *t)
{
	static const struct ts_case cases[] = {
		{ 0, 0, 0, 0 },
		{ 0, 1, 0, 1 },
		{ 1, 0, 0, 1000000000ULL },
		{ 2, 999999999, 0, 2999999999ULL },
		{ 0, 999999999, 0, 999999999ULL },
		{ 0, 1000000000, -EINVAL, 0 },
		{ 0, -1, -EINVAL, 0 },
		{ -1, 0, -EINVAL, 0 },
		{ -1, 999999999, -EINVAL, 0 },
		{ 0, S64_MAX_, -EINVAL, 0 },
		{ (-S64_MAX_ - 1), 0, -EINVAL, 0 },
		/* the largest that fits: 18446744073 s 709551615 ns */
		{ 18446744073LL, 709551615, 0, 18446744073709551615ULL },
		{ 18446744073LL, 709551614, 0, 18446744073709551614ULL },
		{ 18446744073LL, 709551616, 0, KTIME_MAX },
		{ 18446744074LL, 0, 0, KTIME_MAX },
		/* tv_sec * 10^9 would wrap to a small number here */
		{ 18446744074LL * 2, 0, 0, KTIME_MAX },
		{ S64_MAX_, 0, 0, KTIME_MAX },
		{ S64_MAX_, 999999999, 0, KTIME_MAX },
		/* past 2^63 ns but below 2^64: still exact */
		{ S64_MAX_ / 1000000000 + 1, 0, 0, 9223372037000000000ULL },
	};

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct ts_case *c = &cases[i];
		u64 ns = POISON;

		HT_EXPECT_EQ(t, timespec_to_ns(c->sec, c->nsec, &ns), c->err);
		if (c->err)
			HT_EXPECT_EQ(t, ns, POISON);
		else if (ns != c->ns)
			HT_FAIL(t, "case %u: %llu != %llu", i,
				(unsigned long long)ns,
				(unsigned long long)c->ns);
	}
}

static void test_ktime_add_sat(struct htest *t)
{
	HT_EXPECT(t, ktime_add_sat(0, 0) == 0);
	HT_EXPECT(t, ktime_add_sat(5, 7) == 12);
	HT_EXPECT(t, ktime_add_sat(KTIME_MAX - 7, 7) == KTIME_MAX);
	HT_EXPECT(t, ktime_add_sat(KTIME_MAX - 7, 6) == KTIME_MAX - 1);
	HT_EXPECT(t, ktime_add_sat(KTIME_MAX - 7, 8) == KTIME_MAX);
	HT_EXPECT(t, ktime_add_sat(1000, KTIME_MAX) == KTIME_MAX);
	HT_EXPECT(t, ktime_add_sat(KTIME_MAX, KTIME_MAX) == KTIME_MAX);
	HT_EXPECT(t, ktime_add_sat(KTIME_MAX, 0) == KTIME_MAX);
}

static void test_sleep_ticks(struct htest *t)
{
	const u64 now = 123456789ULL;

	HT_EXPECT_EQ(t, TICK_NSEC, 4000000);
	HT_EXPECT_EQ(t, ktime_sleep_ticks(now, now), 0);
	HT_EXPECT_EQ(t, ktime_sleep_ticks(now - 1, now), 0);
	HT_EXPECT_EQ(t, ktime_sleep_ticks(0, now), 0);
	/* rounded up: one ns still costs a whole tick */
	HT_EXPECT_EQ(t, ktime_sleep_ticks(now + 1, now), 1);
	HT_EXPECT_EQ(t, ktime_sleep_ticks(now + TICK_NSEC, now), 1);
	HT_EXPECT_EQ(t, ktime_sleep_ticks(now + TICK_NSEC + 1, now), 2);
	HT_EXPECT_EQ(t, ktime_sleep_ticks(now + NSEC_PER_SEC, now), HZ);
	/* a day is the longest single sleep; the caller sleeps on */
	HT_EXPECT_EQ(t, ktime_sleep_ticks(now + 86400 * NSEC_PER_SEC, now),
		     SLEEP_CHUNK_MAX);
	HT_EXPECT_EQ(t, ktime_sleep_ticks(now + 86401 * NSEC_PER_SEC, now),
		     SLEEP_CHUNK_MAX);
	HT_EXPECT_EQ(t, ktime_sleep_ticks(KTIME_MAX - 1, now),
		     SLEEP_CHUNK_MAX);
	HT_EXPECT_EQ(t, ktime_sleep_ticks(KTIME_MAX - 1, 0), SLEEP_CHUNK_MAX);
	/* forever: MAX_SCHEDULE_TIMEOUT, whatever the clock says */
	HT_EXPECT_EQ(t, ktime_sleep_ticks(KTIME_MAX, now), S64_MAX_);
	HT_EXPECT_EQ(t, ktime_sleep_ticks(KTIME_MAX, KTIME_MAX - 1),
		     S64_MAX_);
	HT_EXPECT(t, ktime_sleep_ticks(KTIME_MAX - 1, now) > 0);
}

/* The composition the syscalls use: a huge relative timeout never wraps. */
static void test_relative_deadline(struct htest *t)
{
	u64 ns, now = 5 * NSEC_PER_SEC;

	HT_ASSERT_EQ(t, timespec_to_ns(S64_MAX_, 999999999, &ns), 0);
	HT_EXPECT(t, ktime_add_sat(now, ns) == KTIME_MAX);
	HT_EXPECT_EQ(t, ktime_sleep_ticks(ktime_add_sat(now, ns), now),
		     S64_MAX_);
	/* 2^64 / 10^9 s would have wrapped to ~0.55 s before */
	HT_ASSERT_EQ(t, timespec_to_ns(18446744074LL, 0, &ns), 0);
	HT_EXPECT(t, ktime_add_sat(now, ns) == KTIME_MAX);
	/* a long but finite timeout is a finite deadline */
	HT_ASSERT_EQ(t, timespec_to_ns(1000000000LL, 0, &ns), 0);
	HT_EXPECT(t, ktime_add_sat(now, ns) == now + 1000000000ULL *
					     NSEC_PER_SEC);
	HT_EXPECT_EQ(t, ktime_sleep_ticks(ktime_add_sat(now, ns), now),
		     SLEEP_CHUNK_MAX);
}

static const struct htest_case cases[] = {
	HT_CASE(test_timespec_to_ns),
	HT_CASE(test_ktime_add_sat),
	HT_CASE(test_sleep_ticks),
	HT_CASE(test_relative_deadline),
	{}
};

HTEST_MAIN(cases)
