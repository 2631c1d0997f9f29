/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The storage manager's block cache (bcache.c): a fixed number of
 * file-system-block buffers over a byte-addressed device (struct
 * storage_io), looked up by block number, reused least recently used
 * first.  ext4 keeps its metadata here (superblock copy aside): group
 * descriptor blocks, inode table blocks, extent and directory blocks.
 * File data bypasses it (ext4_read() reads straight into the caller's
 * buffer), so a large file cannot flush the metadata out.
 *
 * Buffers are pinned between bcache_get() and bcache_put(); a pinned
 * buffer is never reused.  bcache_mark_dirty() marks a buffer for
 * write-back; bcache_sync() writes every dirty buffer and flushes the
 * device (-EROFS on a read-only one).
 *
 * Without a journal a dirty victim is written back before reuse.  With
 * one (hold_dirty set by ext4_journal.c) a dirty buffer belongs to the
 * running transaction and must not reach its home block before that
 * commits: it is never a victim, and when every unpinned buffer is
 * dirty the cache grows by an extra buffer, given back by bcache_trim()
 * once the commit has written the dirty ones (checkpoint).
 *
 * Locking: bcache_get() and bcache_put() may be called by several
 * tasks at once (the file service's readers, which share its lock):
 * bc->lock, a spinlock, protects the LRU list, every buffer's refs, blk,
 * valid and io, the extra count and the statistics.  It is never held
 * across device I/O.  A buffer being read from disk (or written back
 * before reuse) has io set and stays pinned by the reader; a second
 * task that wants the same block pins it too and sleeps on bc->io_wait
 * until io clears, then finds valid set (or, after a failed read,
 * retries the lookup).  So a block is in at most one buffer, and no one
 * uses a buffer's data before the read that fills it has completed.
 *
 * Everything else (bcache_mark_dirty(), _forget(), _writeback(),
 * _sync(), _trim(), _count_dirty(), bcache_for_each()) changes or walks
 * what readers must not see change: the owner calls them only with its
 * readers excluded (the file service's changes hold its lock
 * exclusive).  They take bc->lock where that is cheap, but that does
 * not make them safe against concurrent readers' use of the data.
 */
#ifndef _STORAGE_BCACHE_H
#define _STORAGE_BCACHE_H

#include <tessera/list.h>
#include <tessera/spinlock.h>
#include <tessera/types.h>
#ifndef CONFIG_HOST_TEST
#include <tessera/wait.h>
#endif

/* A byte-addressed device: what ext4 needs from a disk (or image file). */
struct storage_io {
	/* Read @len bytes at byte @off into @buf.  0 or -errno (-EIO). */
	int (*read)(void *ctx, u64 off, void *buf, size_t len);
	/* Write; NULL for a read-only device.  0 or -errno. */
	int (*write)(void *ctx, u64 off, const void *buf, size_t len);
	/* Make earlier writes durable; may be NULL. */
	int (*flush)(void *ctx);
	void *ctx;
	u64 size;			/* bytes */
};

struct bcache_buf {
	u64 blk;
	void *data;			/* block_size bytes */
	unsigned int refs;		/* pins; 0: on the LRU, reusable */
	bool valid;			/* data holds block blk */
	bool io;			/* being read into / written from */
	bool dirty;
	bool extra;			/* allocated past nr (hold_dirty) */
	struct list_head lru;		/* most recently used first */
};

struct bcache_stats {
	u64 hits;
	u64 misses;
	u64 read_errors;
	u64 writebacks;
	u64 grown;			/* extra buffers allocated */
	u64 io_waits;			/* waited for another's read of the block */
};

struct bcache {
	spinlock_t lock;		/* see "Locking" above */
#ifndef CONFIG_HOST_TEST
	struct wait_queue_head io_wait;	/* a buffer's io cleared */
#endif
	const struct storage_io *io;
	u32 block_size;
	unsigned int nr;
	struct bcache_buf *bufs;	/* nr entries */
	u8 *mem;			/* nr * block_size */
	struct list_head lru;
	bool hold_dirty;		/* journaled: never evict dirty */
	unsigned int nr_extra;
	struct bcache_stats stats;
};

/* Set up @nr buffers of @block_size bytes.  0, -EINVAL or -ENOMEM. */
int bcache_init(struct bcache *bc, const struct storage_io *io,
		u32 block_size, unsigned int nr);
/* Free the buffers (dirty data is dropped: bcache_sync() first). */
void bcache_destroy(struct bcache *bc);
/*
 * Pin block @blk, reading it if it is not cached.  0 with *out set,
 * -EIO (device error, or a block beyond the device: nothing cached) or
 * -EBUSY (every buffer pinned: a caller holding too many).  May sleep
 * (device I/O, or another task's read of the same block).
 */
int bcache_get(struct bcache *bc, u64 blk, struct bcache_buf **out);
void bcache_put(struct bcache *bc, struct bcache_buf *b);
/* Mark a pinned buffer for write-back. */
void bcache_mark_dirty(struct bcache_buf *b);
/*
 * Drop block @blk from the cache without writing it back (the writer
 * freed it: a later owner may write it around the cache).  An unpinned
 * buffer only; a pinned one is left alone.
 */
void bcache_forget(struct bcache *bc, u64 blk);
/* Write every dirty buffer, then flush the device.  0, -EROFS, -EIO. */
int bcache_sync(struct bcache *bc);
/* Write one valid dirty buffer to its home block (no flush). */
int bcache_writeback(struct bcache *bc, struct bcache_buf *b);
/* How many valid buffers are dirty. */
unsigned int bcache_count_dirty(const struct bcache *bc);
/* Free the extra buffers that are clean and unpinned. */
void bcache_trim(struct bcache *bc);

#define bcache_for_each(b, bc) list_for_each_entry(b, &(bc)->lru, lru)

#endif /* _STORAGE_BCACHE_H */
