/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KTAP suite "pcache_victim": the victim cache's flush thread and the
 * threads that wait for it (issue 19).
 *
 * A miss or an munmap that finds its page FLUSHING in the victim cache
 * waits until the write-back is done.  In local mode it waits with its
 * address space's spinlock held, so it spins without giving up the CPU:
 * if the flush thread could lose its CPU between marking a slot
 * FLUSHING and finishing the write-back, two such waiters on two CPUs
 * left it no CPU to finish on, and the node locked up (soft lockups on
 * every CPU in pcache_victim_take and pmm_fault).
 *
 * The cases give the victim cache a dirty line of a test address space
 * whose backend records write-backs, turn on
 * pcache.debug_flush_stall_ms (a write-back that is preemptible at the
 * point a timer tick would take its CPU sleeps there instead: a
 * deterministic "tick"), and take the line back while the flush thread
 * handles it.  For a backend that never sleeps the stall must never be
 * reached and no waiter may find the flusher off its CPU; for a sleeping
 * backend (remote memory: its waiters sleep or can be preempted) the
 * stall is legal, and the take must still wait for the write-back.  In
 * both, every byte must come back and be written back exactly once.
 *
 * Needs a processor booted with pcache.mechanism=victim (the launcher's
 * scenario tests/cluster/test_pcache.py: pcache_victim_ktest); elsewhere
 * the cases are skipped.
 */
#include <fit/memory.h>
#include <tessera/atomic.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/ktest.h>
#include <tessera/mm.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <uapi/mman.h>

#include "../../internal.h"
#include "../internal.h"

#define TEST_VA		0x7f0000000000UL
#define STALL_MS	100
#define WAIT_MS		5000

struct flush_rec {
	atomic_t calls;
	unsigned long va;
	u8 data[PAGE_SIZE];
};

static struct flush_rec rec;
static u8 pattern[PAGE_SIZE], back[PAGE_SIZE];

static int rec_flush(struct pmm *mm, unsigned long addr, const void *data)
{
	rec.va = addr;
	memcpy(rec.data, data, PAGE_SIZE);
	atomic_inc(&rec.calls);
	return 0;
}

static const struct pmm_backend_ops atomic_ops = {
	.name = "ktest-atomic",
	.may_sleep = false,
	.flush = rec_flush,
};

static const struct pmm_backend_ops sleeping_ops = {
	.name = "ktest-sleeping",
	.may_sleep = true,
	.flush = rec_flush,
};

static u64 stalled_waits(void)
{
	return atomic64_read(&pcache_stats.victim_stalled_waits);
}

/*
 * Put a dirty line of an address space on @ops into the victim cache,
 * let the flush thread pick it up with the stall on, take it back, and
 * check the bytes.  Returns how many stalls the write-back took.
 */
static u64 put_flush_take(struct ktest *t, const struct pmm_backend_ops *ops)
{
	static struct pmm mm;
	u64 stalls0, waits0, deadline;
	bool dirty = true, found;
	unsigned int i;
	u32 prot = 0;

	memset(&mm, 0, sizeof(mm));
	mm.ops = ops;
	for (i = 0; i < PAGE_SIZE; i++)
		pattern[i] = (u8)(i * 7 + 3);
	memset(back, 0, sizeof(back));
	memset(&rec, 0, sizeof(rec));
	stalls0 = atomic64_read(&pcache_debug_flush_stalls);
	waits0 = stalled_waits();

	WRITE_ONCE(pcache_debug_flush_stall_ms, STALL_MS);
	pcache_victim_put(&mm, TEST_VA, PROT_READ | PROT_WRITE, true, pattern);

	/* Until the flush thread has written it back or stalled on it. */
	deadline = ktime_get() + WAIT_MS * NSEC_PER_MSEC;
	while (!atomic_read(&rec.calls) &&
	       atomic64_read(&pcache_debug_flush_stalls) == stalls0 &&
	       ktime_get() < deadline)
		msleep(1);

	found = pcache_victim_take(&mm, TEST_VA, P2M_ACCESS_WRITE, back,
				   &prot, &dirty);
	WRITE_ONCE(pcache_debug_flush_stall_ms, 0);
	/* Nothing of the test address space may stay behind. */
	pcache_victim_zap(&mm, 0, ~0UL, false);

	KT_EXPECT_TRUE(t, found);
	KT_EXPECT_EQ(t, atomic_read(&rec.calls), 1);
	KT_EXPECT_EQ(t, rec.va, TEST_VA);
	KT_EXPECT_MEMEQ(t, rec.data, pattern, PAGE_SIZE);
	KT_EXPECT_MEMEQ(t, back, pattern, PAGE_SIZE);
	KT_EXPECT_FALSE(t, dirty);
	KT_EXPECT_EQ(t, prot, PROT_READ | PROT_WRITE);
	KT_EXPECT_EQ(t, stalled_waits() - waits0, 0);
	return atomic64_read(&pcache_debug_flush_stalls) - stalls0;
}

/* Local mode: the write-back keeps its CPU from FLUSHING to done. */
static void atomic_flush_keeps_its_cpu(struct ktest *t)
{
	if (!pcache_victim_ready())
		KT_SKIP(t, "no victim cache (boot a processor with pcache.mechanism=victim)");
	KT_EXPECT_EQ(t, put_flush_take(t, &atomic_ops), 0);
}

/* Remote mode: the write-back may sleep; the take still waits for it. */
static void sleeping_flush_is_waited_for(struct ktest *t)
{
	if (!pcache_victim_ready())
		KT_SKIP(t, "no victim cache (boot a processor with pcache.mechanism=victim)");
	KT_EXPECT_EQ(t, put_flush_take(t, &sleeping_ops), 1);
}

static struct ktest_case pcache_victim_cases[] = {
	KTEST_CASE(atomic_flush_keeps_its_cpu),
	KTEST_CASE(sleeping_flush_is_waited_for),
	{}
};

KTEST_SUITE(pcache_victim, pcache_victim_cases);
