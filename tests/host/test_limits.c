/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests for managers/processor/limits.c: the rules a new resource
 * limit must pass (Linux's do_prlimit() order for a process without
 * CAP_SYS_RESOURCE: soft above hard is -EINVAL before any -EPERM, a
 * hard value above the old one or above the kernel's ceiling is -EPERM,
 * lowering is always allowed), the limits a process starts with, and
 * the user/system split of CPU time (proportional to the ticks, sums to
 * the run time, never goes backwards).
 */
/* HTEST-SOURCES: managers/processor/limits.c */
#include "htest.h"
#include <tessera/errno.h>

#include "../../managers/processor/limits.h"

#define INF	RLIM_INFINITY

struct rlim_case {
	u64 old_cur, old_max, new_cur, new_max, ceiling;
	int err;
};

static void test_rlimit_check(struct htest *t)
{
	static const struct rlim_case cases[] = {
		/* lowering either value, or both */
		{ 64, 512, 32, 512, INF, 0 },
		{ 64, 512, 64, 256, INF, 0 },
		{ 64, 512, 0, 0, INF, 0 },
		/* the soft value up to the hard one */
		{ 64, 512, 512, 512, INF, 0 },
		/* unchanged */
		{ 64, 512, 64, 512, INF, 0 },
		{ INF, INF, INF, INF, INF, 0 },
		/* soft above hard: -EINVAL, even when the hard rises too */
		{ 64, 512, 600, 512, INF, -EINVAL },
		{ 64, 512, 2000, 1000, INF, -EINVAL },
		{ 64, 512, 2000, 1000, 512, -EINVAL },
		{ 64, 512, INF, 512, INF, -EINVAL },
		{ 64, 512, 900, 1000, INF, -EPERM },
		/* raising the hard value */
		{ 64, 512, 64, 513, INF, -EPERM },
		{ 64, 512, 64, INF, INF, -EPERM },
		/* the ceiling (RLIMIT_NOFILE: the fd table) */
		{ 1024, 1024, 1024, 1024, 1024, 0 },
		{ 16, INF, 16, 2048, 1024, -EPERM },
		{ 16, INF, 16, 1024, 1024, 0 },
	};

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct rlim_case *c = &cases[i];
		struct uapi_rlimit64 old = { c->old_cur, c->old_max };
		struct uapi_rlimit64 new = { c->new_cur, c->new_max };
		int err = rlimit_check(&old, &new, c->ceiling);

		if (err != c->err)
			HT_FAIL(t, "case %u: %d, want %d", i, err, c->err);
	}
}

static void test_rlimit_init(struct htest *t)
{
	struct uapi_rlimit64 lim[RLIM_NLIMITS];

	rlimit_init(lim, 1024, 77);
	HT_EXPECT_EQ(t, lim[RLIMIT_STACK].rlim_cur, 8 << 20);
	HT_EXPECT(t, lim[RLIMIT_STACK].rlim_max == INF);
	HT_EXPECT_EQ(t, lim[RLIMIT_NOFILE].rlim_cur, 1024);
	HT_EXPECT_EQ(t, lim[RLIMIT_NOFILE].rlim_max, 1024);
	HT_EXPECT_EQ(t, lim[RLIMIT_NPROC].rlim_cur, 77);
	HT_EXPECT_EQ(t, lim[RLIMIT_NPROC].rlim_max, 77);
	HT_EXPECT(t, lim[RLIMIT_CPU].rlim_cur == INF);
	HT_EXPECT(t, lim[RLIMIT_AS].rlim_max == INF);
	HT_EXPECT(t, lim[RLIM_NLIMITS - 1].rlim_cur == INF);
}

static void test_cputime_split(struct htest *t)
{
	struct cputime prev = { 0, 0 }, out;

	/* 3 user ticks, 1 system tick: a quarter is system time. */
	cputime_adjust(1000000, 3, 1, &prev, &out);
	HT_EXPECT_EQ(t, out.stime, 250000);
	HT_EXPECT_EQ(t, out.utime, 750000);
	HT_EXPECT_EQ(t, prev.utime, out.utime);
	HT_EXPECT_EQ(t, prev.stime, out.stime);

	/* No tick yet: everything is user time. */
	prev = (struct cputime){ 0, 0 };
	cputime_adjust(12345, 0, 0, &prev, &out);
	HT_EXPECT_EQ(t, out.utime, 12345);
	HT_EXPECT_EQ(t, out.stime, 0);

	/* Only system ticks. */
	prev = (struct cputime){ 0, 0 };
	cputime_adjust(999, 0, 5, &prev, &out);
	HT_EXPECT_EQ(t, out.utime, 0);
	HT_EXPECT_EQ(t, out.stime, 999);
}

static void test_cputime_monotonic(struct htest *t)
{
	struct cputime prev = { 0, 0 }, out;

	cputime_adjust(1000, 1, 1, &prev, &out);	/* 500 / 500 */
	HT_EXPECT_EQ(t, out.utime, 500);
	/* The ratio swings to all user: stime may not shrink. */
	cputime_adjust(1100, 10, 0, &prev, &out);
	HT_EXPECT_EQ(t, out.stime, 500);
	HT_EXPECT_EQ(t, out.utime, 600);
	/* Swings to all system: utime may not shrink. */
	cputime_adjust(1200, 0, 10, &prev, &out);
	HT_EXPECT_EQ(t, out.utime, 600);
	HT_EXPECT_EQ(t, out.stime, 600);
	/* A smaller total than reported before: the previous split. */
	cputime_adjust(900, 1, 1, &prev, &out);
	HT_EXPECT_EQ(t, out.utime, 600);
	HT_EXPECT_EQ(t, out.stime, 600);
	HT_EXPECT_EQ(t, prev.utime + prev.stime, 1200);
}

static void test_cputime_large(struct htest *t)
{
	struct cputime prev = { 0, 0 }, out;
	/* ~584 years of ns and more ticks than 32 bits hold: no overflow. */
	u64 rt = 18446744073709551000ULL, ticks = 1ULL << 40;

	cputime_adjust(rt, ticks, ticks, &prev, &out);
	HT_EXPECT(t, out.utime + out.stime == rt);
	HT_EXPECT(t, out.stime == rt / 2 || out.stime == rt / 2 + 1);
	prev = (struct cputime){ 0, 0 };
	cputime_adjust(rt, 3, 1, &prev, &out);
	HT_EXPECT(t, out.stime == rt / 4);
}

static const struct htest_case cases[] = {
	HT_CASE(test_rlimit_check),
	HT_CASE(test_rlimit_init),
	HT_CASE(test_cputime_split),
	HT_CASE(test_cputime_monotonic),
	HT_CASE(test_cputime_large),
	{}
};

HTEST_MAIN(cases)
