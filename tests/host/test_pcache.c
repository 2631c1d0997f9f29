/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests of the pcache's pure logic: geometry and set mapping, the
 * LRU (clock over accessed bits) and FIFO eviction orders, the
 * victim cache's slot bookkeeping, and the miss-latency histogram's
 * buckets and percentiles.  The expected victims below are worked
 * out by hand from each policy's definition, not read back from the code.
 */
/* HTEST-SOURCES: managers/processor/pcache/geometry.c managers/processor/pcache/policy_lru.c managers/processor/pcache/policy_fifo.c managers/processor/pcache/victim.c managers/processor/pcache/histogram.c */
#include "htest.h"
#include <tessera/errno.h>

#include "../../managers/processor/pcache/internal.h"

/* ------------------------------------------------------------ geometry */

static void geometry_power_of_two_sets(struct htest *t)
{
	struct pcache_geometry g;

	HT_ASSERT_EQ(t, pcache_geometry_init(&g, 1 << 20, 4), 0);
	HT_EXPECT_EQ(t, g.nr_sets, 64);		/* 1 MiB / (4 * 4 KiB) */
	HT_EXPECT_EQ(t, g.nr_lines, 256);
	HT_EXPECT_EQ(t, g.size, 1 << 20);
	/* A size that is not a multiple rounds down to whole sets. */
	HT_ASSERT_EQ(t, pcache_geometry_init(&g, (1 << 20) + 4096, 4), 0);
	HT_EXPECT_EQ(t, g.nr_sets, 64);
	/* 3 ways of 4 KiB in 1 MiB: 85 sets fit, 64 is the power of two. */
	HT_ASSERT_EQ(t, pcache_geometry_init(&g, 1 << 20, 3), 0);
	HT_EXPECT_EQ(t, g.nr_sets, 64);
	HT_EXPECT_EQ(t, g.size, 64 * 3 * 4096);
	HT_ASSERT_EQ(t, pcache_geometry_init(&g, 256ULL << 20, 8), 0);
	HT_EXPECT_EQ(t, g.nr_sets, 8192);
	/* Fully associative: one set. */
	HT_ASSERT_EQ(t, pcache_geometry_init(&g, 256 << 10, 64), 0);
	HT_EXPECT_EQ(t, g.nr_sets, 1);
}

static void geometry_rejects(struct htest *t)
{
	struct pcache_geometry g;

	HT_EXPECT_EQ(t, pcache_geometry_init(&g, 1 << 20, 0), -EINVAL);
	HT_EXPECT_EQ(t, pcache_geometry_init(&g, 1 << 20, 65), -EINVAL);
	HT_EXPECT_EQ(t, pcache_geometry_init(&g, 32 << 10, 1), -EINVAL);
	/* 64 ways need 256 KiB for one set. */
	HT_EXPECT_EQ(t, pcache_geometry_init(&g, 128 << 10, 64), -EINVAL);
}

static void set_mapping(struct htest *t)
{
	struct pcache_geometry g;
	unsigned long base = 0x7f0000000000UL;

	HT_ASSERT_EQ(t, pcache_geometry_init(&g, 1 << 20, 4), 0);
	HT_EXPECT_EQ(t, pcache_set_index(&g, base, 0), 0);
	HT_EXPECT_EQ(t, pcache_set_index(&g, base + 4096, 0), 1);
	HT_EXPECT_EQ(t, pcache_set_index(&g, base + 4095, 0), 0);
	HT_EXPECT_EQ(t, pcache_set_index(&g, base + 63 * 4096, 0), 63);
	/* nr_sets pages apart: the same set (the conflict test's stride). */
	HT_EXPECT_EQ(t, pcache_set_index(&g, base + 64 * 4096, 0), 0);
	HT_EXPECT_EQ(t, pcache_set_index(&g, base + 5 * 64 * 4096 + 4096, 0),
		     1);
	/* The salt moves a process's pages to other sets, wrapping. */
	HT_EXPECT_EQ(t, pcache_set_index(&g, base, 10), 10);
	HT_EXPECT_EQ(t, pcache_set_index(&g, base + 60 * 4096, 10), 6);
	/* Every set is reached by 64 consecutive pages. */
	{
		unsigned char seen[64] = { 0 };
		unsigned int i, n = 0;

		for (i = 0; i < 64; i++)
			seen[pcache_set_index(&g, base + i * 4096UL, 12345)]++;
		for (i = 0; i < 64; i++)
			n += seen[i] == 1;
		HT_EXPECT_EQ(t, n, 64);
	}
}

/* ------------------------------------------------------------ policies */

#define NR_TEST_LINES	4

struct fake_set {
	struct pcache_set set;
	struct pcache_line lines[NR_TEST_LINES];
	bool accessed[NR_TEST_LINES];
};

static bool fake_young(struct pcache_line *line, void *arg)
{
	struct fake_set *fs = arg;
	int i = line - fs->lines;
	bool was = fs->accessed[i];

	fs->accessed[i] = false;
	return was;
}

static void fake_fill(struct fake_set *fs, const struct pcache_policy_ops *p)
{
	int i;

	INIT_LIST_HEAD(&fs->set.lines);
	fs->set.nr_valid = 0;
	for (i = 0; i < NR_TEST_LINES; i++) {
		fs->lines[i].state = PCL_VALID;
		fs->accessed[i] = false;
		p->insert(&fs->set, &fs->lines[i]);
		fs->set.nr_valid++;
	}
}

/* Evict the policy's choice, as the mechanism does; returns its index. */
static int fake_evict(struct fake_set *fs, const struct pcache_policy_ops *p,
		      unsigned int *nr_young)
{
	struct pcache_line *v = p->pick(&fs->set, fake_young, fs, nr_young);

	if (!v)
		return -1;
	list_del(&v->node);
	fs->set.nr_valid--;
	return v - fs->lines;
}

static void fake_refill(struct fake_set *fs, const struct pcache_policy_ops *p,
			int i)
{
	p->insert(&fs->set, &fs->lines[i]);
	fs->set.nr_valid++;
}

static void lru_second_chance(struct htest *t)
{
	const struct pcache_policy_ops *p = &pcache_policy_lru;
	struct fake_set fs;
	unsigned int young;

	fake_fill(&fs, p);
	/* Nothing used: the oldest fill (0) goes. */
	HT_EXPECT_EQ(t, fake_evict(&fs, p, &young), 0);
	HT_EXPECT_EQ(t, young, 0);
	fake_refill(&fs, p, 0);			/* clock: 1 2 3 0 */
	/* 1 and 2 used: both get a second chance, 3 goes. */
	fs.accessed[1] = fs.accessed[2] = true;
	HT_EXPECT_EQ(t, fake_evict(&fs, p, &young), 3);
	HT_EXPECT_EQ(t, young, 2);
	HT_EXPECT(t, !fs.accessed[1] && !fs.accessed[2]);
	fake_refill(&fs, p, 3);			/* clock: 0 1 2 3 */
	/* 0 used: 1 is the least recently used now. */
	fs.accessed[0] = true;
	HT_EXPECT_EQ(t, fake_evict(&fs, p, &young), 1);
	HT_EXPECT_EQ(t, young, 1);
}

static void lru_all_used(struct htest *t)
{
	const struct pcache_policy_ops *p = &pcache_policy_lru;
	struct fake_set fs;
	unsigned int young;
	int i;

	fake_fill(&fs, p);
	for (i = 0; i < NR_TEST_LINES; i++)
		fs.accessed[i] = true;
	/* A full turn clears every bit, then the hand's line goes. */
	HT_EXPECT_EQ(t, fake_evict(&fs, p, &young), 0);
	HT_EXPECT_EQ(t, young, 4);
	for (i = 0; i < NR_TEST_LINES; i++)
		HT_EXPECT(t, !fs.accessed[i]);
	/* Next time nobody is marked: 1 (the next oldest). */
	HT_EXPECT_EQ(t, fake_evict(&fs, p, &young), 1);
	HT_EXPECT_EQ(t, young, 0);
}

static void fifo_ignores_use(struct htest *t)
{
	const struct pcache_policy_ops *p = &pcache_policy_fifo;
	struct fake_set fs;
	unsigned int young = 99;
	int order[NR_TEST_LINES], i;

	fake_fill(&fs, p);
	fs.accessed[0] = fs.accessed[2] = true;
	HT_EXPECT_EQ(t, fake_evict(&fs, p, &young), 0);
	HT_EXPECT_EQ(t, young, 0);
	/* The accessed marks were not consumed. */
	HT_EXPECT(t, fs.accessed[0] && fs.accessed[2]);
	fake_refill(&fs, p, 0);
	for (i = 0; i < NR_TEST_LINES; i++) {
		order[i] = fake_evict(&fs, p, &young);
		fake_refill(&fs, p, order[i]);
	}
	HT_EXPECT_EQ(t, order[0], 1);
	HT_EXPECT_EQ(t, order[1], 2);
	HT_EXPECT_EQ(t, order[2], 3);
	HT_EXPECT_EQ(t, order[3], 0);
}

static void policy_empty_set(struct htest *t)
{
	struct fake_set fs;
	unsigned int young;

	INIT_LIST_HEAD(&fs.set.lines);
	fs.set.nr_valid = 0;
	HT_EXPECT(t, !pcache_policy_lru.pick(&fs.set, fake_young, &fs, &young));
	HT_EXPECT(t, !pcache_policy_fifo.pick(&fs.set, fake_young, &fs,
					      &young));
}

/* ------------------------------------------------------------ victim cache */

#define NR_SLOTS	4

static struct pcache_victim slots[NR_SLOTS];
static struct pcache_victim_cache vc = { .slots = slots, .nr_slots = NR_SLOTS };
/* Stand-ins for two processes: only their addresses matter. */
static int proc_a, proc_b;
#define A	((struct pmm *)&proc_a)
#define B	((struct pmm *)&proc_b)

static int put(struct pmm *owner, unsigned long va, bool dirty, bool *dropped)
{
	int s = victim_reserve(&vc, dropped);

	if (s >= 0)
		victim_commit(&vc, s, owner, va, 3, dirty);
	return s;
}

static void victim_lookup_and_fill(struct htest *t)
{
	bool dropped;
	int s0, s1;

	victim_cache_reset(&vc);
	HT_EXPECT_EQ(t, victim_find(&vc, A, 0x1000), -1);
	s0 = put(A, 0x1000, false, &dropped);
	HT_EXPECT(t, s0 >= 0 && !dropped);
	s1 = put(B, 0x1000, true, &dropped);
	HT_EXPECT(t, s1 >= 0 && s1 != s0 && !dropped);
	HT_EXPECT_EQ(t, victim_find(&vc, A, 0x1000), s0);
	HT_EXPECT_EQ(t, victim_find(&vc, B, 0x1000), s1);
	HT_EXPECT_EQ(t, victim_find(&vc, A, 0x2000), -1);
	HT_EXPECT_EQ(t, vc.nr_dirty, 1);
	victim_release(&vc, s1);
	HT_EXPECT_EQ(t, vc.nr_dirty, 0);
	HT_EXPECT_EQ(t, victim_find(&vc, B, 0x1000), -1);
	HT_EXPECT_EQ(t, slots[s0].prot, 3);
}

static void victim_drops_oldest_clean(struct htest *t)
{
	bool dropped;
	int s[NR_SLOTS], i, n;

	victim_cache_reset(&vc);
	/* Fill order: dirty, clean, clean, dirty. */
	s[0] = put(A, 0x10000, true, &dropped);
	s[1] = put(A, 0x11000, false, &dropped);
	s[2] = put(A, 0x12000, false, &dropped);
	s[3] = put(A, 0x13000, true, &dropped);
	HT_EXPECT(t, !dropped);
	/* Full: the oldest clean one (0x11000) makes room, not the dirty. */
	n = put(B, 0x20000, false, &dropped);
	HT_EXPECT(t, dropped);
	HT_EXPECT_EQ(t, n, s[1]);
	HT_EXPECT_EQ(t, victim_find(&vc, A, 0x11000), -1);
	HT_EXPECT_EQ(t, victim_find(&vc, A, 0x10000), s[0]);
	/* Next: 0x12000 (older than B's entry). */
	n = put(B, 0x21000, true, &dropped);
	HT_EXPECT_EQ(t, n, s[2]);
	/* Clean left: B 0x20000 only. */
	n = put(B, 0x22000, true, &dropped);
	HT_EXPECT_EQ(t, n, s[1]);
	/* Now every slot is dirty: no room without a write-back. */
	HT_EXPECT_EQ(t, vc.nr_dirty, 4);
	HT_EXPECT_EQ(t, put(B, 0x23000, false, &dropped), -1);
	for (i = 0; i < NR_SLOTS; i++)
		HT_EXPECT_EQ(t, slots[i].state, PCV_VALID);
}

static void victim_flush_order(struct htest *t)
{
	bool dropped;
	int a, b, c, f;

	victim_cache_reset(&vc);
	a = put(A, 0x1000, true, &dropped);
	b = put(A, 0x2000, false, &dropped);
	c = put(A, 0x3000, true, &dropped);
	/* The oldest dirty slot is written back first. */
	f = victim_start_flush(&vc);
	HT_EXPECT_EQ(t, f, a);
	HT_EXPECT_EQ(t, slots[a].state, PCV_FLUSHING);
	/* A flushing slot is still found (a miss waits for it)... */
	HT_EXPECT_EQ(t, victim_find(&vc, A, 0x1000), a);
	/* ...and is not handed out. */
	put(A, 0x4000, false, &dropped);		/* the last free slot */
	f = victim_start_flush(&vc);
	HT_EXPECT_EQ(t, f, c);
	/* Full; clean: b and 0x4000; b is older. */
	HT_EXPECT_EQ(t, put(B, 0x5000, false, &dropped), b);
	victim_end_flush(&vc, a);
	victim_end_flush(&vc, c);
	HT_EXPECT_EQ(t, vc.nr_dirty, 0);
	HT_EXPECT(t, !slots[a].dirty && slots[a].state == PCV_VALID);
	HT_EXPECT_EQ(t, victim_start_flush(&vc), -1);
	/* Clean now, a is the oldest and goes first. */
	HT_EXPECT_EQ(t, put(B, 0x6000, false, &dropped), a);
}

/* ------------------------------------------------------------ histogram */

static void hist_buckets_by_hand(struct htest *t)
{
	/* One bucket per nanosecond below 16. */
	HT_EXPECT_EQ(t, pcache_hist_bucket(0), 0);
	HT_EXPECT_EQ(t, pcache_hist_bucket(15), 15);
	/* [16, 32): still 1 ns wide; [32, 64): 2 ns wide. */
	HT_EXPECT_EQ(t, pcache_hist_bucket(16), 16);
	HT_EXPECT_EQ(t, pcache_hist_bucket(31), 31);
	HT_EXPECT_EQ(t, pcache_hist_bucket(32), 32);
	HT_EXPECT_EQ(t, pcache_hist_bucket(33), 32);
	HT_EXPECT_EQ(t, pcache_hist_bucket(34), 33);
	/* 1000 = 0b1111101000: [992, 1024), 32 ns wide. */
	HT_EXPECT_EQ(t, pcache_hist_low(pcache_hist_bucket(1000)), 992);
	HT_EXPECT_EQ(t, pcache_hist_low(pcache_hist_bucket(1000) + 1), 1024);
	HT_EXPECT_EQ(t, pcache_hist_mid(pcache_hist_bucket(1000)), 1008);
	/* Beyond the last bucket: saturate. */
	HT_EXPECT_EQ(t, pcache_hist_bucket(~0ULL), PCACHE_HIST_BUCKETS - 1);
}

static void hist_buckets_bound_values(struct htest *t)
{
	u64 v = 1, low, next;
	unsigned int i, b, bad = 0;

	/* Pseudo-random values over 1 ns .. ~1 hour. */
	for (i = 0; i < 20000; i++) {
		v = v * 6364136223846793005ULL + 1442695040888963407ULL;
		u64 ns = (v >> 20) % (3600ULL * 1000000000ULL) >> (i % 32);

		b = pcache_hist_bucket(ns);
		low = pcache_hist_low(b);
		next = pcache_hist_low(b + 1);
		/* Inside its bucket, and the bucket is at most 1/16 wide. */
		if (low > ns || ns >= next || (ns >= 16 && next - low > ns / 16))
			bad++;
	}
	HT_EXPECT_EQ(t, bad, 0);
}

static void hist_percentiles(struct htest *t)
{
	static u32 hist[PCACHE_HIST_BUCKETS];

	HT_EXPECT_EQ(t, pcache_hist_percentile(hist, 50), 0);
	hist[pcache_hist_bucket(10)] = 50;
	hist[pcache_hist_bucket(1000)] = 49;
	hist[pcache_hist_bucket(1000000)] = 1;
	/* 100 samples: the 50th is 10 ns, the 99th in [992, 1024). */
	HT_EXPECT_EQ(t, pcache_hist_percentile(hist, 50), 10);
	HT_EXPECT_EQ(t, pcache_hist_percentile(hist, 51), 1008);
	HT_EXPECT_EQ(t, pcache_hist_percentile(hist, 99), 1008);
	/* 1e6 is in [983040, 1015808): the middle is 999424. */
	HT_EXPECT_EQ(t, pcache_hist_percentile(hist, 100), 999424);
}

static const struct htest_case cases[] = {
	HT_CASE(geometry_power_of_two_sets),
	HT_CASE(geometry_rejects),
	HT_CASE(set_mapping),
	HT_CASE(lru_second_chance),
	HT_CASE(lru_all_used),
	HT_CASE(fifo_ignores_use),
	HT_CASE(policy_empty_set),
	HT_CASE(victim_lookup_and_fill),
	HT_CASE(victim_drops_oldest_clean),
	HT_CASE(victim_flush_order),
	HT_CASE(hist_buckets_by_hand),
	HT_CASE(hist_buckets_bound_values),
	HT_CASE(hist_percentiles),
	{}
};

HTEST_MAIN(cases)
