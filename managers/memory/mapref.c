/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The memory node's references on mapped storage files: while any vma of
 * any process here maps a storage file, this node holds one reference on
 * it at the storage node (P2S_STAT with P2S_STAT_REF takes it, P2S_CLOSE
 * drops it; <fit/storage.h>), so that a file unlinked after its last
 * descriptor closed stays readable until its last mapping goes, as on
 * Linux.  The storage node keeps such an orphan on ext4's orphan list and
 * frees it at the last reference (managers/storage/ext4_orphan.c).
 *
 * Counting and sending are split, because vm.c links and unlinks vmas
 * under a process's lock, where no storage call may be made:
 *
 *   mapref_note()  rmm_set_file_ref()'s hook (through service.c): counts
 *                  the file vmas of each (storage node, file id) under
 *                  t->lock, a leaf spinlock, and queues the record when
 *                  the reference it holds no longer matches (a first
 *                  vma: take; the last one gone: drop)
 *   mapref_run()   sends the queued takes and drops, t->lock dropped
 *                  across each call; called by service.c with no
 *                  process lock held, before the reply of every request
 *                  that may have linked or unlinked a vma
 *
 * So a reference changes only by what is left at the time of the run: a
 * vma unlinked and linked again in one request (MAP_FIXED over the same
 * file, mremap) costs no call, and an execve that fails before its reply
 * sends nothing.  A mapping's take is sent before the P2M_MMAP reply,
 * while the processor's descriptor (and its reference) is still open, so
 * the file cannot be freed between the two.
 *
 * A record exists while its file is mapped or referenced: maps counts the
 * vmas, held says whether the storage node counts our reference, busy
 * that a run is calling the storage node for it right now (the record
 * stays, and the run settles it after the call), failed that its last
 * take failed (not tried again until another vma maps the file: a file
 * freed before we could take it, or a storage node that is down; its
 * pages then fail as they did before references).  A failed drop is
 * counted and forgotten: the storage node drops the references of a
 * node that left, and a reference it does not know is its -EBADF.
 *
 * Locking: t->lock protects the table, the queue, every record and the
 * counters; it is a leaf, never held across a storage call.  mapref_run()
 * must not run twice at once on one table (service.c holds a mutex).
 * The pure part (everything here) is tested on the host
 * (tests/host/test_mapref.c).
 */
#include "internal.h"

#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
#include <tessera/string.h>

struct mapref_file {
	struct list_head hash;	/* in t->buckets[] */
	struct list_head queue;	/* in t->queue; empty when not queued */
	u16 node;		/* storage node */
	u64 file_id;		/* inode | generation << 32 */
	u64 maps;		/* file vmas of every rmm of this node */
	bool held;		/* the storage node counts our reference */
	bool busy;		/* mapref_run() is calling storage for it */
	bool failed;		/* the last take failed */
};

static struct list_head *mapref_bucket(struct mapref_table *t, u16 node,
				       u64 file_id)
{
	u64 h = (file_id ^ ((u64)node << 48)) * 0x9e3779b97f4a7c15ULL;

	return &t->buckets[h >> (64 - MAPREF_HASH_BITS)];
}

static struct mapref_file *mapref_find(struct mapref_table *t, u16 node,
				       u64 file_id)
{
	struct mapref_file *f;

	list_for_each_entry(f, mapref_bucket(t, node, file_id), hash)
		if (f->node == node && f->file_id == file_id)
			return f;
	return NULL;
}

void mapref_init(struct mapref_table *t)
{
	memset(t, 0, sizeof(*t));
	spin_lock_init(&t->lock);
	INIT_LIST_HEAD(&t->queue);
	for (unsigned int i = 0; i < MAPREF_BUCKETS; i++)
		INIT_LIST_HEAD(&t->buckets[i]);
}

void mapref_destroy(struct mapref_table *t)
{
	struct mapref_file *f, *tmp;

	for (unsigned int i = 0; i < MAPREF_BUCKETS; i++) {
		list_for_each_entry_safe(f, tmp, &t->buckets[i], hash) {
			list_del(&f->hash);
			kfree(f);
		}
	}
	INIT_LIST_HEAD(&t->queue);
	t->nr_pending = 0;
	t->stats.files = t->stats.held = 0;
}

static void mapref_queue(struct mapref_table *t, struct mapref_file *f)
{
	if (list_empty(&f->queue)) {
		list_add_tail(&f->queue, &t->queue);
		t->nr_pending++;
	}
}

static void mapref_unqueue(struct mapref_table *t, struct mapref_file *f)
{
	if (!list_empty(&f->queue)) {
		list_del_init(&f->queue);
		t->nr_pending--;
	}
}

/*
 * Make @f's queue state match its counts: queued while the reference it
 * holds is not the one it should hold, freed when it neither maps nor
 * holds.  A busy record is settled by the run after its call.
 */
static void mapref_settle(struct mapref_table *t, struct mapref_file *f)
{
	bool want = f->maps && !f->failed;

	if (f->busy)
		return;
	if (want != f->held) {
		mapref_queue(t, f);
		return;
	}
	mapref_unqueue(t, f);
	if (!f->maps && !f->held) {
		list_del(&f->hash);
		kfree(f);
		t->stats.files--;
	}
}

void mapref_note(struct mapref_table *t, const struct mem_file *file,
		 int delta)
{
	struct mapref_file *f;
	unsigned long flags;

	if (file->kind != MEM_FILE_STORAGE || !delta)
		return;
	spin_lock_irqsave(&t->lock, flags);
	f = mapref_find(t, file->node, file->id);
	if (!f && delta > 0) {
		/* Under t->lock: atomic, and small. */
		f = kzalloc(sizeof(*f), GFP_ATOMIC);
		if (!f) {
			t->stats.untracked++;
			pr_warn_once("memnode: no memory to count a mapping of storage file %#llx: it holds no reference\n",
				     (unsigned long long)file->id);
			goto out;
		}
		INIT_LIST_HEAD(&f->queue);
		f->node = file->node;
		f->file_id = file->id;
		list_add(&f->hash, mapref_bucket(t, f->node, f->file_id));
		t->stats.files++;
	}
	if (!f || (delta < 0 && !f->maps)) {
		/* An unlink whose link was not counted (untracked above). */
		t->stats.unmatched++;
		goto out;
	}
	if (delta > 0) {
		f->maps++;
		f->failed = false;	/* a new vma: try once more */
	} else if (!--f->maps) {
		f->failed = false;
	}
	mapref_settle(t, f);
out:
	spin_unlock_irqrestore(&t->lock, flags);
}

bool mapref_pending(struct mapref_table *t)
{
	return READ_ONCE(t->nr_pending) != 0;
}

void mapref_run(struct mapref_table *t, const struct mapref_ops *ops)
{
	struct mapref_file *f;
	unsigned long flags;
	bool take;
	u16 node;
	u64 id;
	int ret;

	for (;;) {
		spin_lock_irqsave(&t->lock, flags);
		if (list_empty(&t->queue)) {
			spin_unlock_irqrestore(&t->lock, flags);
			return;
		}
		f = list_first_entry(&t->queue, struct mapref_file, queue);
		/* Still pending (nr_pending) while busy: waiters wait. */
		list_del_init(&f->queue);
		f->busy = true;
		take = !f->held;	/* queued: held is not what it wants */
		node = f->node;
		id = f->file_id;
		spin_unlock_irqrestore(&t->lock, flags);

		ret = take ? ops->take(ops->ctx, node, id) :
			     ops->drop(ops->ctx, node, id);

		spin_lock_irqsave(&t->lock, flags);
		f->busy = false;
		t->nr_pending--;
		if (take && !ret) {
			f->held = true;
			t->stats.takes++;
			t->stats.held++;
		} else if (take) {
			f->failed = true;
			t->stats.take_errors++;
		} else {
			/* Dropped, or lost: either way not ours any more. */
			f->held = false;
			t->stats.held--;
			if (ret)
				t->stats.drop_errors++;
			else
				t->stats.drops++;
		}
		mapref_settle(t, f);
		spin_unlock_irqrestore(&t->lock, flags);
	}
}

bool mapref_holds(struct mapref_table *t, u16 node, u64 file_id)
{
	struct mapref_file *f;
	unsigned long flags;
	bool held;

	spin_lock_irqsave(&t->lock, flags);
	f = mapref_find(t, node, file_id);
	held = f && f->held;
	spin_unlock_irqrestore(&t->lock, flags);
	return held;
}

void mapref_get_stats(struct mapref_table *t, struct mapref_stats *st)
{
	unsigned long flags;

	spin_lock_irqsave(&t->lock, flags);
	*st = t->stats;
	spin_unlock_irqrestore(&t->lock, flags);
}
