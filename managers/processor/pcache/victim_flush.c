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
 * vc_lock nests inside a pcache set lock (pcache.c lock order).
 */
#define pr_fmt(fmt) "pcache: " fmt

#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/kthread.h>
#include <tessera/mm.h>
#include <tessera/preempt.h>
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

/*
 * Write back slot @s (FLUSHING) and mark it clean.  No lock held.
 *
 * Misses and zaps spin, under their pmm's spinlock, until a FLUSHING slot
 * is done.  With a backend that never sleeps the write-back therefore
 * runs with preemption off: a flush thread preempted mid-flush while
 * every CPU spins on such a wait would never be scheduled again.  A
 * sleeping backend's pmms lock a mutex, so their waiters can be
 * preempted and the write-back may sleep.
 */
static void vc_flush_slot(int s)
{
	struct pcache_victim *v = &vc.slots[s];
	bool atomic = !v->owner->ops->may_sleep;

	if (atomic)
		preempt_disable();
	pcache_backend_flush(v->owner, v->va, v->data);
	spin_lock(&vc_lock);
	victim_end_flush(&vc, s);
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
		/* Being written back (or copied in): wait for it. */
		spin_unlock(&vc_lock);
		cpu_relax();
	}
	if (!pcache_access_allowed(v->prot, access)) {
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
	unsigned int i;

again:
	spin_lock(&vc_lock);
	for (i = 0; i < vc.nr_slots; i++) {
		v = &vc.slots[i];
		if (v->state == PCV_FREE || v->owner != mm || v->va < start ||
		    v->va >= end)
			continue;
		if (v->state != PCV_VALID) {
			spin_unlock(&vc_lock);
			cpu_relax();
			goto again;
		}
		if (writeback && v->dirty) {
			v->state = PCV_FLUSHING;
			spin_unlock(&vc_lock);
			vc_flush_slot(i);
			goto again;
		}
		victim_release(&vc, i);
		pcache_count(invalidations);
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
