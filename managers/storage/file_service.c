/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The storage node's file service: at boot (storage_init()), or when a
 * processor that holds every role asks (storage_service_start():
 * processor.storage_node=self), find a disk with an ext4 file system,
 * mount it, and answer P2S_OPEN, STAT, CLOSE, READ, GETDENTS and the
 * changes (WRITE, TRUNCATE, FSYNC, CREATE, MKDIR, UNLINK, RMDIR, LINK,
 * SYMLINK, RENAME, SETATTR; refused with -EROFS on a read-only disk or
 * one the writer cannot trust) over FIT
 * (in-process for this node's own calls without a loopback QP).  The protocol is in
 * <fit/storage.h>; the operations themselves are p2s.c, shared with the
 * host tests; this file is the glue: the block device as a struct
 * storage_io, the FIT handlers, counters.
 *
 * Locking: svc_sem, a reader/writer sleeping lock (handlers sleep on
 * disk I/O).  FIT runs handlers in its worker threads (or in the
 * calling thread, in-process), so requests from several processes and
 * processors arrive at once.  A request that leaves the image alone
 * (p2s_is_read(): READ, GETDENTS, OPEN, STAT) holds svc_sem shared and
 * runs alongside the other readers; the ext4 reader changes nothing but
 * the block cache (which locks itself) and its atomic error counters,
 * and a reference those take is added under p2s.c's own mutex.
 * Anything else -- a change, CLOSE, FSYNC, the timed commit, dropping a
 * gone node's references -- holds it exclusive.  svc_sem is fair, so a
 * stream of reads cannot starve a change.  The reply is written into a
 * buffer of the request's own (svc_reply_get()) and sent after svc_sem
 * is released: nothing under svc_sem calls FIT or takes another
 * manager's lock, and every wait under it is a disk I/O
 * (Documentation/storage.md, "Concurrency").
 * svc_stats and the concurrency counters are atomics; svc_ref_nodes is
 * set with an atomic OR.
 *
 * A kernel thread (storage_commit) ticks every SVC_TICK_MS: it commits
 * the journal's running transaction once its first change is
 * storage.commit seconds old (fsync commits earlier), taking svc_sem
 * exclusive for that commit only -- and not at all while no change is
 * noted (fs->dirty_noted, set under svc_sem by every change): an idle
 * node's readers never wait for the tick -- and drops the open-file references of
 * a node whose FIT connection has been down for storage.ref_drop_ms (a
 * node that left the cluster closes nothing; its orphans are freed
 * then).
 */
#define pr_fmt(fmt) "storage: " fmt

#include <fit/fit.h>
#include <fit/storage.h>
#include <tessera/blkdev.h>
#include <tessera/debug_keys.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/kthread.h>
#include <tessera/mutex.h>
#include <tessera/node.h>
#include <tessera/params.h>
#include <tessera/printk.h>
#include <tessera/rwsem.h>
#include <tessera/slab.h>
#include <tessera/spinlock.h>
#include <tessera/storage.h>
#include <tessera/time.h>
#include <tessera/timer.h>

#include "ext4_journal.h"
#include "ext4_orphan.h"
#include "internal.h"

#define SVC_TICK_MS	250

static unsigned int storage_commit_s = 5;
PARAM_UINT("storage.commit", storage_commit_s, 1, 3600,
	   "storage: seconds a change may wait before its journal commit (ext4's commit=)");
static unsigned int storage_ref_drop_ms = 10000;
PARAM_UINT("storage.ref_drop_ms", storage_ref_drop_ms, 1000, 3600000,
	   "storage: a node disconnected this long loses its open-file references");

static DECLARE_RWSEM(svc_sem);
static struct ext4_fs *svc_fs;			/* set once at boot */
static struct storage_blk_io svc_io;
static struct p2s_stats svc_stats;		/* atomics */
static u64 svc_ref_nodes;			/* may hold references; atomic */

/* How many requests hold svc_sem now, and the most ever at once. */
static u32 svc_inside, svc_inside_max;
static u64 svc_shared, svc_exclusive;		/* requests served each way */

void (*storage_svc_inside_hook)(u16 op, bool shared);

/*
 * Reply buffers (P2S_REPLY_MAX bytes each): one per request being
 * served, kept on a free list afterwards, so there are never more than
 * the most requests ever served at once (FIT's worker threads plus
 * in-process callers), and a request does not allocate 128 KiB anew.
 */
struct svc_reply {
	struct svc_reply *next;
	u8 buf[] __aligned(8);
};

static DEFINE_SPINLOCK(svc_reply_lock);
static struct svc_reply *svc_reply_free;	/* under svc_reply_lock */
static u32 svc_reply_bufs;			/* allocated; under it too */

static struct svc_reply *svc_reply_get(void)
{
	struct svc_reply *r;

	spin_lock(&svc_reply_lock);
	r = svc_reply_free;
	if (r)
		svc_reply_free = r->next;
	spin_unlock(&svc_reply_lock);
	if (r)
		return r;
	r = kmalloc(sizeof(*r) + P2S_REPLY_MAX, GFP_KERNEL);
	if (r) {
		spin_lock(&svc_reply_lock);
		svc_reply_bufs++;
		spin_unlock(&svc_reply_lock);
	}
	return r;
}

static void svc_reply_put(struct svc_reply *r)
{
	spin_lock(&svc_reply_lock);
	r->next = svc_reply_free;
	svc_reply_free = r;
	spin_unlock(&svc_reply_lock);
}

static int blk_io_read(void *ctx, u64 off, void *buf, size_t len)
{
	struct blkdev *dev = ctx;

	if ((off | len) & (SECTOR_SIZE - 1) || !len ||
	    (len >> SECTOR_SHIFT) > U32_MAX_SECTORS)
		return -EINVAL;
	return blk_read(dev, off >> SECTOR_SHIFT, buf, len >> SECTOR_SHIFT);
}

static int blk_io_write(void *ctx, u64 off, const void *buf, size_t len)
{
	struct blkdev *dev = ctx;

	if ((off | len) & (SECTOR_SIZE - 1) || !len ||
	    (len >> SECTOR_SHIFT) > U32_MAX_SECTORS)
		return -EINVAL;
	return blk_write(dev, off >> SECTOR_SHIFT, buf, len >> SECTOR_SHIFT);
}

static int blk_io_flush(void *ctx)
{
	return blk_flush(ctx);
}

void storage_blk_io_init(struct storage_blk_io *bio, struct blkdev *dev)
{
	bio->io.read = blk_io_read;
	bio->io.write = dev->read_only ? NULL : blk_io_write;
	bio->io.flush = blk_io_flush;
	bio->io.ctx = dev;
	bio->io.size = dev->nr_sectors << SECTOR_SHIFT;
	bio->dev = dev;
}

/* Count one more request inside svc_sem; keep the maximum. */
static void svc_enter(void)
{
	u32 n = __atomic_add_fetch(&svc_inside, 1, __ATOMIC_RELAXED);
	u32 max = __atomic_load_n(&svc_inside_max, __ATOMIC_RELAXED);

	while (n > max &&
	       !__atomic_compare_exchange_n(&svc_inside_max, &max, n, false,
					    __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED))
		;
}

int storage_svc_serve(u32 src, u16 op, const void *req, size_t len,
		      void *reply)
{
	bool shared = p2s_is_read(op, req, len);
	void (*hook)(u16 op, bool shared);
	int ret;

	if (!READ_ONCE(svc_fs))
		return -ENODEV;
	if (shared)
		down_read(&svc_sem);
	else
		down_write(&svc_sem);
	svc_enter();
	ret = p2s_serve_from(svc_fs, src, op, req, len, reply, &svc_stats);
	/* The requests that may take a reference (P2S_*_REF). */
	if (ret >= 0 && (op == P2S_OPEN || op == P2S_CREATE ||
			 op == P2S_STAT) && src < 64)
		__atomic_fetch_or(&svc_ref_nodes, 1ull << src,
				  __ATOMIC_RELAXED);
	/* A change may have dirtied the cache: start the commit clock. */
	if (!shared)
		ext4_journal_note(svc_fs, jiffies_to_msecs(jiffies));
	hook = READ_ONCE(storage_svc_inside_hook);
	if (hook)
		hook(op, shared);
	__atomic_fetch_add(shared ? &svc_shared : &svc_exclusive, 1,
			   __ATOMIC_RELAXED);
	__atomic_fetch_sub(&svc_inside, 1, __ATOMIC_RELAXED);
	if (shared)
		up_read(&svc_sem);
	else
		up_write(&svc_sem);
	return ret;
}

u32 storage_svc_concurrent_max(void)
{
	return __atomic_load_n(&svc_inside_max, __ATOMIC_RELAXED);
}

unsigned int storage_svc_waiters(void)
{
	return rwsem_nr_waiters(&svc_sem);
}

static void p2s_handler(struct fit_request *rq, void *ctx)
{
	struct svc_reply *r = svc_reply_get();
	int ret;

	if (!r) {
		fit_reply_error(rq, -ENOMEM);
		return;
	}
	ret = storage_svc_serve(rq->src_node, rq->opcode, rq->data, rq->len,
				r->buf);
	/* Sent outside svc_sem: a slow peer holds up no one else. */
	if (ret < 0)
		fit_reply_error(rq, ret);
	else
		fit_reply(rq, r->buf, ret);
	svc_reply_put(r);
}

/* Debug key 's': the service's counters, the block cache's, ext4's. */
static void svc_dump_stats(void)
{
	struct p2s_stats *p = &svc_stats;
	struct ext4_fs *fs = READ_ONCE(svc_fs);
	struct bcache_stats bs;

	if (!fs) {
		pr_info("p2s: not serving\n");
		return;
	}
	pr_info("p2s: requests %llu malformed %llu errors %llu io_errors %llu shared %llu exclusive %llu concurrent max %u reply_bufs %u\n",
		(unsigned long long)READ_ONCE(p->requests),
		(unsigned long long)READ_ONCE(p->malformed),
		(unsigned long long)READ_ONCE(p->errors),
		(unsigned long long)READ_ONCE(p->io_errors),
		(unsigned long long)READ_ONCE(svc_shared),
		(unsigned long long)READ_ONCE(svc_exclusive),
		storage_svc_concurrent_max(), READ_ONCE(svc_reply_bufs));
	spin_lock(&fs->bc.lock);
	bs = fs->bc.stats;
	spin_unlock(&fs->bc.lock);
	pr_info("bcache: hits %llu misses %llu io_waits %llu read_errors %llu writebacks %llu grown %llu extra %u\n",
		(unsigned long long)bs.hits, (unsigned long long)bs.misses,
		(unsigned long long)bs.io_waits,
		(unsigned long long)bs.read_errors,
		(unsigned long long)bs.writebacks,
		(unsigned long long)bs.grown, READ_ONCE(fs->bc.nr_extra));
	pr_info("ext4: csum_errors %llu corrupt %llu io_errors %llu\n",
		(unsigned long long)READ_ONCE(fs->stats.csum_errors),
		(unsigned long long)READ_ONCE(fs->stats.corrupt),
		(unsigned long long)READ_ONCE(fs->stats.io_errors));
}

/* Drop the references of nodes whose connection stayed down. */
static void svc_check_nodes(u64 now, u64 *down_since)
{
	u64 nodes = READ_ONCE(svc_ref_nodes);
	unsigned int n;
	u32 dropped;

	for (n = 0; n < 64; n++) {
		if (!(nodes & (1ull << n)) || n == node_id)
			continue;
		if (fit_peer_up(n)) {
			down_since[n] = 0;
			continue;
		}
		if (!down_since[n]) {
			down_since[n] = now ? now : 1;
			continue;
		}
		if (now - down_since[n] < storage_ref_drop_ms)
			continue;
		down_since[n] = 0;
		down_write(&svc_sem);
		__atomic_fetch_and(&svc_ref_nodes, ~(1ull << n),
				   __ATOMIC_RELAXED);
		dropped = ext4_ref_drop_owner(svc_fs, n);
		/* Freed orphans are changes: the commit clock starts. */
		ext4_journal_note(svc_fs, now);
		up_write(&svc_sem);
		if (dropped)
			pr_info("node %u gone for %u ms: dropped its %u open-file references\n",
				n, storage_ref_drop_ms, dropped);
	}
}

static int svc_commit_fn(void *arg)
{
	static u64 down_since[64];
	bool logged = false;
	int ret;

	for (;;) {
		u64 now;

		msleep(SVC_TICK_MS);
		now = jiffies_to_msecs(jiffies);
		/* A hint read unlocked: a change noted later waits one tick. */
		ret = 0;
		if (READ_ONCE(svc_fs->dirty_noted)) {
			down_write(&svc_sem);
			ret = ext4_journal_tick(svc_fs, now,
						storage_commit_s * 1000);
			up_write(&svc_sem);
		}
		if (ret < 0 && !logged) {
			logged = true;
			pr_err("timed journal commit failed (%d)\n", ret);
		}
		svc_check_nodes(now, down_since);
	}
	return 0;
}

static const u16 p2s_opcodes[] = {
	P2S_OPEN, P2S_STAT, P2S_CLOSE, P2S_READ, P2S_GETDENTS,
	P2S_WRITE, P2S_TRUNCATE, P2S_FSYNC, P2S_CREATE, P2S_MKDIR,
	P2S_UNLINK, P2S_RMDIR, P2S_LINK, P2S_SYMLINK, P2S_RENAME, P2S_SETATTR,
};

int storage_service_start(void)
{
	static DEFINE_MUTEX(start_lock);
	static int started = 1;		/* 1: not tried yet */
	unsigned int i;
	int ret;

	mutex_lock(&start_lock);
	if (started <= 0)
		goto out;
	started = -ENODEV;
	for (i = 0; i < blkdev_count() && !svc_fs; i++) {
		struct blkdev *dev = blkdev_get(i);
		struct ext4_fs *fs;

		storage_blk_io_init(&svc_io, dev);
		fs = ext4_mount(&svc_io.io, 0);
		if (IS_ERR(fs)) {
			pr_info("%s: no ext4 file system here (%ld)\n",
				dev->name, PTR_ERR(fs));
			continue;
		}
		WRITE_ONCE(svc_fs, fs);
		pr_info("serving ext4 from %s\n", dev->name);
	}
	if (!svc_fs) {
		pr_err("no disk with an ext4 file system (%u disks); not serving files\n",
		       blkdev_count());
		goto out;
	}
	started = 0;
	debug_key_register('s', "storage service counters", svc_dump_stats);
	if (IS_ERR_OR_NULL(kthread_run(svc_commit_fn, NULL, "storage_commit")))
		pr_err("no commit thread: changes wait for fsync\n");
	for (i = 0; i < ARRAY_SIZE(p2s_opcodes); i++) {
		ret = fit_register_handler(p2s_opcodes[i], p2s_handler, NULL);
		if (ret) {
			pr_err("cannot register opcode %#x (%d)\n",
			       p2s_opcodes[i], ret);
			started = ret;
		}
	}
out:
	ret = started;
	mutex_unlock(&start_lock);
	return ret;
}

void storage_init(void)
{
	if (node_role == ROLE_STORAGE)
		storage_service_start();
}
