/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fixed-size LRU cache of file-system blocks for the storage manager
 * (see bcache.h for the contract).  Lookup is a walk of the LRU list:
 * the cache is small (tens to hundreds of blocks) and the walk is
 * cheap next to a device read.  Pure code over struct storage_io,
 * kmalloc and a spinlock, so the host tests build it unchanged; only
 * the sleep on another task's read is kernel-only (the host tests run
 * one thread, which never finds a buffer in another's I/O).
 */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/slab.h>
#include <tessera/string.h>

#include "bcache.h"

#ifdef CONFIG_HOST_TEST
static void bcache_wait_io(struct bcache *bc, struct bcache_buf *b)
{
	/* One thread: the I/O that set b->io has returned already. */
}

static void bcache_wake_io(struct bcache *bc)
{
}
#else
/* Sleep until @b (pinned by the caller) is out of its I/O. */
static void bcache_wait_io(struct bcache *bc, struct bcache_buf *b)
{
	wait_event(bc->io_wait, !READ_ONCE(b->io));
}

static void bcache_wake_io(struct bcache *bc)
{
	wake_up_all(&bc->io_wait);
}
#endif

int bcache_init(struct bcache *bc, const struct storage_io *io,
		u32 block_size, unsigned int nr)
{
	unsigned int i;

	if (!io || !io->read || !nr || !is_power_of_2(block_size))
		return -EINVAL;
	memset(bc, 0, sizeof(*bc));
	spin_lock_init(&bc->lock);
#ifndef CONFIG_HOST_TEST
	init_waitqueue_head(&bc->io_wait);
#endif
	bc->io = io;
	bc->block_size = block_size;
	bc->nr = nr;
	bc->bufs = kcalloc(nr, sizeof(*bc->bufs), GFP_KERNEL);
	bc->mem = kmalloc((size_t)nr * block_size, GFP_KERNEL);
	if (!bc->bufs || !bc->mem) {
		kfree(bc->bufs);
		kfree(bc->mem);
		return -ENOMEM;
	}
	INIT_LIST_HEAD(&bc->lru);
	for (i = 0; i < nr; i++) {
		bc->bufs[i].data = bc->mem + (size_t)i * block_size;
		list_add_tail(&bc->bufs[i].lru, &bc->lru);
	}
	return 0;
}

static void bcache_free_extra(struct bcache *bc, struct bcache_buf *b)
{
	list_del(&b->lru);
	kfree(b->data);
	kfree(b);
	bc->nr_extra--;
}

void bcache_destroy(struct bcache *bc)
{
	struct bcache_buf *b, *n;

	if (bc->bufs)
		list_for_each_entry_safe(b, n, &bc->lru, lru)
			if (b->extra)
				bcache_free_extra(bc, b);
	kfree(bc->bufs);
	kfree(bc->mem);
	bc->bufs = NULL;
	bc->mem = NULL;
}

int bcache_writeback(struct bcache *bc, struct bcache_buf *b)
{
	int ret;

	if (!bc->io->write)
		return -EROFS;
	ret = bc->io->write(bc->io->ctx, b->blk * bc->block_size, b->data,
			    bc->block_size);
	if (ret)
		return ret;
	spin_lock(&bc->lock);
	b->dirty = false;
	bc->stats.writebacks++;
	spin_unlock(&bc->lock);
	return 0;
}

/* One more buffer for a transaction bigger than the cache. */
static struct bcache_buf *bcache_alloc_extra(struct bcache *bc)
{
	struct bcache_buf *b = kzalloc(sizeof(*b), GFP_KERNEL);

	if (b)
		b->data = kmalloc(bc->block_size, GFP_KERNEL);
	if (!b || !b->data) {
		kfree(b);
		return NULL;
	}
	b->extra = true;
	return b;
}

/* Under bc->lock: the buffer holding @blk (valid or being read), or NULL. */
static struct bcache_buf *bcache_find(struct bcache *bc, u64 blk)
{
	struct bcache_buf *b;

	list_for_each_entry(b, &bc->lru, lru)
		if ((b->valid || b->io) && b->blk == blk)
			return b;
	return NULL;
}

/* Under bc->lock: the least recently used unpinned, reusable buffer. */
static struct bcache_buf *bcache_victim(struct bcache *bc)
{
	struct bcache_buf *b;

	list_for_each_entry_reverse(b, &bc->lru, lru)
		if (!b->refs && !(bc->hold_dirty && b->valid && b->dirty))
			return b;
	return NULL;
}

/* Under bc->lock: @b's I/O is over; unpin it, let waiters look again. */
static void bcache_io_done(struct bcache *bc, struct bcache_buf *b)
{
	WRITE_ONCE(b->io, false);
	b->refs--;
}

int bcache_get(struct bcache *bc, u64 blk, struct bcache_buf **out)
{
	struct bcache_buf *b, *extra;
	int ret;

	if (blk >= bc->io->size / bc->block_size) {
		spin_lock(&bc->lock);
		bc->stats.misses++;
		bc->stats.read_errors++;
		spin_unlock(&bc->lock);
		return -EIO;
	}
again:
	spin_lock(&bc->lock);
	b = bcache_find(bc, blk);
	if (b) {
		b->refs++;
		list_move(&b->lru, &bc->lru);
		if (b->io) {
			/* Another task is reading it: wait, pinned. */
			bc->stats.io_waits++;
			spin_unlock(&bc->lock);
			bcache_wait_io(bc, b);
			spin_lock(&bc->lock);
			if (!b->valid || b->blk != blk) {
				/* Its read failed: try again ourselves. */
				b->refs--;
				spin_unlock(&bc->lock);
				goto again;
			}
		}
		bc->stats.hits++;
		spin_unlock(&bc->lock);
		*out = b;
		return 0;
	}
	b = bcache_victim(bc);
	if (!b) {
		spin_unlock(&bc->lock);
		if (!bc->hold_dirty)
			return -EBUSY;
		/* Not under the lock: an allocation may one day sleep. */
		extra = bcache_alloc_extra(bc);
		if (!extra)
			return -EBUSY;
		spin_lock(&bc->lock);
		list_add_tail(&extra->lru, &bc->lru);
		bc->nr_extra++;
		bc->stats.grown++;
		spin_unlock(&bc->lock);
		goto again;
	}
	/* Ours, pinned and in I/O, until its new block is read. */
	b->refs++;
	WRITE_ONCE(b->io, true);
	list_move(&b->lru, &bc->lru);
	if (b->valid && b->dirty) {
		/*
		 * Unjournaled: write the old block home first, still under
		 * its old identity, so that a task wanting the old block
		 * waits for the write instead of reading a stale copy.
		 */
		spin_unlock(&bc->lock);
		ret = bcache_writeback(bc, b);
		spin_lock(&bc->lock);
		if (ret) {
			bcache_io_done(bc, b);
			spin_unlock(&bc->lock);
			bcache_wake_io(bc);
			return ret;
		}
		if (bcache_find(bc, blk)) {
			/* Someone cached @blk meanwhile: use theirs. */
			bcache_io_done(bc, b);
			spin_unlock(&bc->lock);
			bcache_wake_io(bc);
			goto again;
		}
	}
	b->valid = false;
	b->dirty = false;
	b->blk = blk;
	bc->stats.misses++;
	spin_unlock(&bc->lock);
	ret = bc->io->read(bc->io->ctx, blk * bc->block_size, b->data,
			   bc->block_size);
	spin_lock(&bc->lock);
	if (ret) {
		bc->stats.read_errors++;
		bcache_io_done(bc, b);
		spin_unlock(&bc->lock);
		bcache_wake_io(bc);
		return -EIO;
	}
	b->valid = true;
	WRITE_ONCE(b->io, false);
	spin_unlock(&bc->lock);
	bcache_wake_io(bc);
	*out = b;
	return 0;
}

void bcache_put(struct bcache *bc, struct bcache_buf *b)
{
	if (!b)
		return;
	spin_lock(&bc->lock);
	if (b->refs)
		b->refs--;
	spin_unlock(&bc->lock);
}

void bcache_mark_dirty(struct bcache_buf *b)
{
	b->dirty = true;
}

void bcache_forget(struct bcache *bc, u64 blk)
{
	struct bcache_buf *b;

	spin_lock(&bc->lock);
	list_for_each_entry(b, &bc->lru, lru) {
		if (b->valid && b->blk == blk && !b->refs) {
			b->valid = false;
			b->dirty = false;
			list_move_tail(&b->lru, &bc->lru);
			break;
		}
	}
	spin_unlock(&bc->lock);
}

unsigned int bcache_count_dirty(const struct bcache *bc)
{
	const struct bcache_buf *b;
	unsigned int n = 0;

	list_for_each_entry(b, &bc->lru, lru)
		if (b->valid && b->dirty)
			n++;
	return n;
}

void bcache_trim(struct bcache *bc)
{
	struct bcache_buf *b, *n;
	LIST_HEAD(gone);

	spin_lock(&bc->lock);
	list_for_each_entry_safe(b, n, &bc->lru, lru) {
		if (b->extra && !b->refs && !(b->valid && b->dirty)) {
			list_move(&b->lru, &gone);
			bc->nr_extra--;
		}
	}
	spin_unlock(&bc->lock);
	list_for_each_entry_safe(b, n, &gone, lru) {
		kfree(b->data);
		kfree(b);
	}
}

int bcache_sync(struct bcache *bc)
{
	struct bcache_buf *b;
	int ret = 0, err;

	list_for_each_entry(b, &bc->lru, lru) {
		if (b->valid && b->dirty) {
			err = bcache_writeback(bc, b);
			if (err && !ret)
				ret = err;
		}
	}
	if (!ret && bc->io->flush)
		ret = bc->io->flush(bc->io->ctx);
	return ret;
}
