/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fixed-size LRU cache of file-system blocks for the storage manager
 * (see bcache.h for the contract).  Lookup is a walk of the LRU list:
 * the cache is small (tens to hundreds of blocks) and the walk is
 * cheap next to a device read.  Pure code over struct storage_io and
 * kmalloc, so the host tests build it unchanged.
 */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/slab.h>
#include <tessera/string.h>

#include "bcache.h"

int bcache_init(struct bcache *bc, const struct storage_io *io,
		u32 block_size, unsigned int nr)
{
	unsigned int i;

	if (!io || !io->read || !nr || !is_power_of_2(block_size))
		return -EINVAL;
	memset(bc, 0, sizeof(*bc));
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
	b->dirty = false;
	bc->stats.writebacks++;
	return 0;
}

/* One more buffer for a transaction bigger than the cache. */
static struct bcache_buf *bcache_grow(struct bcache *bc)
{
	struct bcache_buf *b = kzalloc(sizeof(*b), GFP_KERNEL);

	if (b)
		b->data = kmalloc(bc->block_size, GFP_KERNEL);
	if (!b || !b->data) {
		kfree(b);
		return NULL;
	}
	b->extra = true;
	list_add_tail(&b->lru, &bc->lru);
	bc->nr_extra++;
	bc->stats.grown++;
	return b;
}

int bcache_get(struct bcache *bc, u64 blk, struct bcache_buf **out)
{
	struct bcache_buf *b, *victim = NULL;
	int ret;

	list_for_each_entry(b, &bc->lru, lru) {
		if (b->valid && b->blk == blk) {
			bc->stats.hits++;
			goto found;
		}
	}
	/* The least recently used unpinned (and, journaled, clean) buffer. */
	list_for_each_entry_reverse(b, &bc->lru, lru) {
		if (!b->refs && !(bc->hold_dirty && b->valid && b->dirty)) {
			victim = b;
			break;
		}
	}
	if (!victim && bc->hold_dirty)
		victim = bcache_grow(bc);
	if (!victim)
		return -EBUSY;
	b = victim;
	if (b->valid && b->dirty) {
		ret = bcache_writeback(bc, b);
		if (ret)
			return ret;
	}
	b->valid = false;
	bc->stats.misses++;
	if (blk >= bc->io->size / bc->block_size) {
		bc->stats.read_errors++;
		return -EIO;
	}
	ret = bc->io->read(bc->io->ctx, blk * bc->block_size, b->data,
			   bc->block_size);
	if (ret) {
		bc->stats.read_errors++;
		return -EIO;
	}
	b->blk = blk;
	b->valid = true;
found:
	b->refs++;
	list_move(&b->lru, &bc->lru);
	*out = b;
	return 0;
}

void bcache_put(struct bcache *bc, struct bcache_buf *b)
{
	if (b && b->refs)
		b->refs--;
}

void bcache_mark_dirty(struct bcache_buf *b)
{
	b->dirty = true;
}

void bcache_forget(struct bcache *bc, u64 blk)
{
	struct bcache_buf *b;

	list_for_each_entry(b, &bc->lru, lru) {
		if (b->valid && b->blk == blk && !b->refs) {
			b->valid = false;
			b->dirty = false;
			list_move_tail(&b->lru, &bc->lru);
			return;
		}
	}
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

	list_for_each_entry_safe(b, n, &bc->lru, lru)
		if (b->extra && !b->refs && !(b->valid && b->dirty))
			bcache_free_extra(bc, b);
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
