/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bookkeeping of the victim cache: which slot holds which evicted line,
 * which slot a new victim takes, which dirty slot is written back next.
 * Slots are chosen oldest first (insertion order), clean before dirty, so
 * a victim cache under pressure drops clean lines for free and writes
 * back the oldest dirty one only when nothing clean is left.  Pure logic
 * under the caller's victim-cache lock; the data pages and the flush
 * thread are victim_flush.c's.  A call on a slot in the wrong state
 * changes nothing (the kernel side checks states under its lock first).
 */
#include "internal.h"

void victim_cache_reset(struct pcache_victim_cache *vc)
{
	unsigned int i;

	for (i = 0; i < vc->nr_slots; i++) {
		vc->slots[i].state = PCV_FREE;
		vc->slots[i].dirty = false;
		vc->slots[i].owner = NULL;
	}
	vc->nr_dirty = 0;
	vc->seq = 0;
}

int victim_find(const struct pcache_victim_cache *vc, const struct pmm *owner,
		unsigned long va)
{
	unsigned int i;

	for (i = 0; i < vc->nr_slots; i++) {
		const struct pcache_victim *v = &vc->slots[i];

		if (v->state != PCV_FREE && v->owner == owner && v->va == va)
			return i;
	}
	return -1;
}

int victim_reserve(struct pcache_victim_cache *vc, bool *dropped)
{
	int i, oldest = -1;

	*dropped = false;
	for (i = 0; i < (int)vc->nr_slots; i++) {
		struct pcache_victim *v = &vc->slots[i];

		if (v->state == PCV_FREE) {
			oldest = i;
			goto take;
		}
		if (v->state == PCV_VALID && !v->dirty &&
		    (oldest < 0 || v->seq < vc->slots[oldest].seq))
			oldest = i;
	}
	if (oldest < 0)
		return -1;
	*dropped = true;
take:
	vc->slots[oldest].state = PCV_FILLING;
	vc->slots[oldest].owner = NULL;
	return oldest;
}

void victim_commit(struct pcache_victim_cache *vc, int slot,
		   struct pmm *owner, unsigned long va, u32 prot, bool dirty)
{
	struct pcache_victim *v = &vc->slots[slot];

	if (v->state != PCV_FILLING)
		return;
	v->state = PCV_VALID;
	v->owner = owner;
	v->va = va;
	v->prot = prot;
	v->dirty = dirty;
	v->seq = vc->seq++;
	if (dirty)
		vc->nr_dirty++;
}

int victim_start_flush(struct pcache_victim_cache *vc)
{
	int i, oldest = -1;

	for (i = 0; i < (int)vc->nr_slots; i++) {
		struct pcache_victim *v = &vc->slots[i];

		if (v->state == PCV_VALID && v->dirty &&
		    (oldest < 0 || v->seq < vc->slots[oldest].seq))
			oldest = i;
	}
	if (oldest >= 0)
		vc->slots[oldest].state = PCV_FLUSHING;
	return oldest;
}

void victim_end_flush(struct pcache_victim_cache *vc, int slot)
{
	struct pcache_victim *v = &vc->slots[slot];

	if (v->state != PCV_FLUSHING || !v->dirty)
		return;
	v->state = PCV_VALID;
	v->dirty = false;
	vc->nr_dirty--;
}

void victim_release(struct pcache_victim_cache *vc, int slot)
{
	struct pcache_victim *v = &vc->slots[slot];

	if (v->state != PCV_VALID)
		return;
	if (v->dirty)
		vc->nr_dirty--;
	v->state = PCV_FREE;
	v->dirty = false;
	v->owner = NULL;
}
