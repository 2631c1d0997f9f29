/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The victim cache (pcache.mechanism=victim): a small fully associative
 * cache of lines evicted from the sets, with a kernel thread that writes
 * its dirty entries back in the background.  An eviction copies the line
 * here and the faulting thread fills the line at once, without waiting
 * for a write-back; a miss looks here before asking the backend (a
 * victim hit).  When every entry is dirty, the evicting thread writes the
 * oldest back itself.  Which slot is taken, dropped or flushed is
 * victim.c's pure bookkeeping; this file owns the pages, the lock and
 * the thread.
 *
 * Locking: vc_lock protects the bookkeeping (struct pcache_victim_cache
 * and its slots).  A slot's data is written only while it is FILLING and
 * read only while FILLING, FLUSHING or (under vc_lock) VALID, so copies
 * to and from it happen without the lock.  Backend write-backs run with
 * no lock held, on a FLUSHING slot: zap and release wait for FLUSHING
 * slots of their address space, so the owner outlives the write-back.
 * Those waits spin; for a backend that never sleeps the flusher therefore
 * keeps its CPU from FLUSHING to done (vc_claim()), and a wait that finds
 * it off its CPU is counted (victim_stalled_waits) and reported once.
 * vc_lock nests inside a pcache set lock (pcache.c lock order).
 */
#define pr_fmt(fmt) "pcache: " fmt

#include <fit/memory.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/kthread.h>
#include <tessera/mm.h>
#include <tessera/params.h>
#include <tessera/preempt.h>
#include <tessera/sched.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <asm/irqflags.h>

#include "../internal.h"
#include "internal.h"

/* The flush thread's pace: busy while dirty entries wait, else idle. */
#define VC_FLUSH_BUSY_MS	1
#define VC_FLUSH_IDLE_MS	20

static DEFINE_SPINLOCK(vc_lock);
static struct pcache_victim_cache vc;	/* under vc_lock */
static struct task *flush_thread;

unsigned int pcache_debug_flush_stall_ms;
PARAM_UINT("pcache.debug_flush_stall_ms", pcache_debug_flush_stall_ms, 0,
	   1000, "debug: a preemptible victim write-back sleeps this long before it starts (0: off)");
atomic64_t pcache_debug_flush_stalls;

bool pcache_victim_ready(void)
{
	return READ_ONCE(vc.nr_slots) != 0;
}

/* Where a timer tick could take the CPU from a write-back: stall there. */
static void vc_debug_stall(void)
{
	unsigned int ms = READ_ONCE(pcache_debug_flush_stall_ms);

	if (!ms || in_atomic() || irqs_disabled())
		return;
	atomic64_inc(&pcache_debug_flush_stalls);
	msleep(ms);
}

/*
 * A wait on FLUSHING slot @v (vc_lock held).  The waiters of a backend
 * that never sleeps spin with their address space's spinlock held, so
 * such a slot's flusher must keep its CPU until it is done; one that lost
 * it may never get it back (issue 19).  Count and report the breach.
 */
static void vc_wait_check(const struct pcache_victim *v, bool *reported)
{
	const struct task *f = v->flusher;

	if (*reported || v->state != PCV_FLUSHING || !f ||
	    v->owner->ops->may_sleep || READ_ONCE(f->on_cpu))
		return;
	*reported = true;
	pcache_count(victim_stalled_waits);
	pr_warn_once("victim write-back by %s preempted while %s spins for it (can deadlock)\n",
		     f->comm, current->comm);
}

/*
 * Slot @s was just marked FLUSHING (vc_lock held): make it ours, and keep
 * the CPU from here on.  Misses and zaps spin until a FLUSHING slot is
 * done, and with a backend that never sleeps they spin under their
 * address space's spinlock, i.e. without ever giving up their CPU.  A
 * flusher preempted after this point -- the vc_lock unlock is a
 * preemption point -- could find every CPU taken by such waiters and
 * never run again (issue 19: both CPUs in soft lockup).  So preemption
 * stays off from the moment the slot is FLUSHING until vc_flush_slot()
 * has finished it; a sleeping backend's waiters hold a mutex and can be
 * preempted, so its write-back turns preemption back on and may sleep.
 */
static void vc_claim(int s)
{
	vc.slots[s].flusher = current;
	preempt_disable();
}

/*
 * Write back slot @s, claimed by vc_claim(), and mark it clean.  No lock
 * held; gives back the preemption vc_claim() took.
 */
static void vc_flush_slot(int s)
{
	struct pcache_victim *v = &vc.slots[s];
	bool atomic = !v->owner->ops->may_sleep;

	if (!atomic)
		preempt_enable();
	vc_debug_stall();
	pcache_backend_flush(v->owner, v->va, v->data);
	spin_lock(&vc_lock);
	victim_end_flush(&vc, s);
	v->flusher = NULL;
	spin_unlock(&vc_lock);
	if (atomic)
		preempt_enable();
}

static int vc_flush_main(void *arg)
{
	int s;

	while (!kthread_should_stop()) {
		spin_lock(&vc_lock);
		s = victim_start_flush(&vc);
		if (s >= 0)
			vc_claim(s);
		spin_unlock(&vc_lock);
		if (s >= 0) {
			vc_flush_slot(s);
			continue;
		}
		msleep(READ_ONCE(vc.nr_dirty) ? VC_FLUSH_BUSY_MS :
						 VC_FLUSH_IDLE_MS);
	}
	return 0;
}

int pcache_victim_init(unsigned int nr_slots)
{
	unsigned int i;

	vc.slots = kcalloc(nr_slots, sizeof(*vc.slots), GFP_KERNEL);
	if (!vc.slots)
		return -ENOMEM;
	vc.nr_slots = nr_slots;
	victim_cache_reset(&vc);
	for (i = 0; i < nr_slots; i++) {
		vc.slots[i].data = (void *)get_zeroed_page(GFP_KERNEL);
		if (!vc.slots[i].data)
			goto free_pages;
	}
	flush_thread = kthread_run(vc_flush_main, NULL, "pcache_victim");
	if (IS_ERR(flush_thread))
		goto free_pages;
	return 0;

free_pages:
	for (i = 0; i < nr_slots; i++) {
		if (vc.slots[i].data)
			free_page((unsigned long)vc.slots[i].data);
	}
	kfree(vc.slots);
	vc.slots = NULL;
	vc.nr_slots = 0;
	return -ENOMEM;
}

bool pcache_victim_take(struct pmm *mm, unsigned long va, u32 access,
			void *dst, u32 *prot, bool *dirty)
{
	struct pcache_victim *v;
	bool reported = false;
	int s;

	for (;;) {
		spin_lock(&vc_lock);
		s = victim_find(&vc, mm, va);
		if (s < 0) {
			spin_unlock(&vc_lock);
			return false;
		}
		v = &vc.slots[s];
		if (v->state == PCV_VALID)
			break;
		/* Being written back: wait for it. */
		vc_wait_check(v, &reported);
		spin_unlock(&vc_lock);
		cpu_relax();
	}
	if (!p2m_access_allowed(v->prot, access)) {
		/*
		 * A write to a read-only copy (copy-on-write after a fork):
		 * the backend answers for the page now, so a clean copy must
		 * not be found again later, stale.  A dirty one is a real
		 * violation's (the vma is read-only): it stays.
		 */
		if (!v->dirty)
			victim_release(&vc, s);
		spin_unlock(&vc_lock);
		return false;
	}
	memcpy(dst, v->data, PAGE_SIZE);
	*prot = v->prot;
	*dirty = v->dirty;
	victim_release(&vc, s);
	spin_unlock(&vc_lock);
	return true;
}

bool pcache_victim_holds(struct pmm *mm, unsigned long va)
{
	bool held;

	spin_lock(&vc_lock);
	held = victim_find(&vc, mm, va) >= 0;
	spin_unlock(&vc_lock);
	return held;
}

void pcache_victim_put(struct pmm *owner, unsigned long va, u32 prot,
		       bool dirty, const void *data)
{
	bool dropped;
	int s;

	for (;;) {
		spin_lock(&vc_lock);
		s = victim_reserve(&vc, &dropped);
		if (s >= 0)
			break;
		/* Nothing clean to drop: write the oldest dirty one here. */
		s = victim_start_flush(&vc);
		if (s >= 0)
			vc_claim(s);
		spin_unlock(&vc_lock);
		if (s >= 0) {
			pcache_count(victim_sync_flushes);
			pcache_hot_exit();	/* the backend may allocate */
			vc_flush_slot(s);
			pcache_hot_enter();
		} else {
			cpu_relax();
		}
	}
	spin_unlock(&vc_lock);
	if (dropped)
		pcache_count(victim_drops);
	memcpy(vc.slots[s].data, data, PAGE_SIZE);
	spin_lock(&vc_lock);
	victim_commit(&vc, s, owner, va, prot, dirty);
	spin_unlock(&vc_lock);
	pcache_count(victim_inserts);
}

void pcache_victim_zap(struct pmm *mm, unsigned long start,
		       unsigned long end, bool writeback)
{
	struct pcache_victim *v;
	bool reported = false;
	unsigned int i;

again:
	spin_lock(&vc_lock);
	for (i = 0; i < vc.nr_slots; i++) {
		v = &vc.slots[i];
		if (v->state == PCV_FREE || v->owner != mm || v->va < start ||
		    v->va >= end)
			continue;
		if (v->state != PCV_VALID) {
			vc_wait_check(v, &reported);
			spin_unlock(&vc_lock);
			cpu_relax();
			goto again;
		}
		if (writeback && v->dirty) {
			v->state = PCV_FLUSHING;
			vc_claim(i);
			spin_unlock(&vc_lock);
			vc_flush_slot(i);
			goto again;
		}
		victim_release(&vc, i);
		pcache_count(invalidations);
	}
	spin_unlock(&vc_lock);
}

void pcache_victim_protect(struct pmm *mm, unsigned long start,
			   unsigned long end, u32 prot)
{
	struct pcache_victim *v;
	unsigned int i;

	/* Only take reads it, under the lock: FLUSHING slots change too. */
	spin_lock(&vc_lock);
	for (i = 0; i < vc.nr_slots; i++) {
		v = &vc.slots[i];
		if (v->state != PCV_FREE && v->owner == mm && v->va >= start &&
		    v->va < end)
			v->prot = prot;
	}
	spin_unlock(&vc_lock);
}

void pcache_victim_usage(unsigned int *used, unsigned int *dirty)
{
	unsigned int i, n = 0;

	spin_lock(&vc_lock);
	for (i = 0; i < vc.nr_slots; i++)
		n += vc.slots[i].state != PCV_FREE;
	*used = n;
	*dirty = vc.nr_dirty;
	spin_unlock(&vc_lock);
}
