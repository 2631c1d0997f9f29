/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Latency histograms of the pcache miss path (pcache.latency): bucket
 * arithmetic and percentiles.  Pure code, built into the kernel and into
 * tests/host/test_pcache.c; the histograms themselves, their updates on
 * the fault path and their printing live in pcache.c.
 *
 * Buckets are log-linear: values below PCACHE_HIST_SUB nanoseconds get
 * one bucket each; above, every power of two is split into
 * PCACHE_HIST_SUB equal buckets, so a bucket is at most 1/16 = 6.25% of
 * its lower bound wide and a percentile read from it is that close.
 */
#include "internal.h"

/* Index of the highest set bit of @v (@v != 0). */
static unsigned int hist_msb(u64 v)
{
	return 63 - __builtin_clzll(v);
}

unsigned int pcache_hist_bucket(u64 ns)
{
	unsigned int msb, idx;

	if (ns < PCACHE_HIST_SUB)
		return ns;
	msb = hist_msb(ns);
	idx = (msb - PCACHE_HIST_SUB_SHIFT + 1) * PCACHE_HIST_SUB +
	      ((ns >> (msb - PCACHE_HIST_SUB_SHIFT)) & (PCACHE_HIST_SUB - 1));
	return idx < PCACHE_HIST_BUCKETS ? idx : PCACHE_HIST_BUCKETS - 1;
}

u64 pcache_hist_low(unsigned int idx)
{
	unsigned int msb;

	if (idx < PCACHE_HIST_SUB)
		return idx;
	msb = idx / PCACHE_HIST_SUB + PCACHE_HIST_SUB_SHIFT - 1;
	return (u64)(PCACHE_HIST_SUB + idx % PCACHE_HIST_SUB) <<
	       (msb - PCACHE_HIST_SUB_SHIFT);
}

u64 pcache_hist_mid(unsigned int idx)
{
	u64 low = pcache_hist_low(idx);

	if (idx < PCACHE_HIST_SUB)
		return low;
	return low + (pcache_hist_low(idx + 1) - low) / 2;
}

u64 pcache_hist_percentile(const u32 *hist, unsigned int pct)
{
	u64 total = 0, rank, seen = 0;
	unsigned int i;

	for (i = 0; i < PCACHE_HIST_BUCKETS; i++)
		total += hist[i];
	if (!total)
		return 0;
	/* The smallest value with at least pct% of the samples at or below. */
	rank = (total * pct + 99) / 100;
	if (!rank)
		rank = 1;
	for (i = 0; i < PCACHE_HIST_BUCKETS; i++) {
		seen += hist[i];
		if (seen >= rank)
			return pcache_hist_mid(i);
	}
	return pcache_hist_mid(PCACHE_HIST_BUCKETS - 1);
}
