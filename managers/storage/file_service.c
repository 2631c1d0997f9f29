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
 * Locking: svc_lock (a mutex: handlers sleep on disk I/O) serialises
 * every call into the ext4 reader and protects svc_reply, svc_stats and
 * svc_ref_nodes.  FIT runs handlers in its worker threads (or in the
 * calling thread, in-process), so requests from several processors
 * queue on the mutex.  Nothing under it calls FIT or takes another
 * manager's lock.
 *
 * A kernel thread (storage_commit) ticks every SVC_TICK_MS: it commits
 * the journal's running transaction once its first change is
 * storage.commit seconds old (fsync commits earlier), taking svc_lock
 * for that commit only, and drops the open-file references of a node
 * whose FIT connection has been down for storage.ref_drop_ms (a node
 * that left the cluster closes nothing; its orphans are freed then).
 */
#define pr_fmt(fmt) "storage: " fmt

#include <fit/fit.h>
#include <fit/storage.h>
#include <tessera/blkdev.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/kthread.h>
#include <tessera/mutex.h>
#include <tessera/node.h>
#include <tessera/params.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
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

static DEFINE_MUTEX(svc_lock);
static struct ext4_fs *svc_fs;			/* set once at boot */
static struct storage_blk_io svc_io;
static u8 *svc_reply;				/* under svc_lock */
static struct p2s_stats svc_stats;		/* under svc_lock */
static u64 svc_ref_nodes;			/* may hold references */

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

static void p2s_handler(struct fit_request *rq, void *ctx)
{
	int ret;

	mutex_lock(&svc_lock);
	ret = p2s_serve_from(svc_fs, rq->src_node, rq->opcode, rq->data,
			     rq->len, svc_reply, &svc_stats);
	/* The requests that may take a reference (P2S_*_REF). */
	if (ret >= 0 && (rq->opcode == P2S_OPEN || rq->opcode == P2S_CREATE ||
			 rq->opcode == P2S_STAT) && rq->src_node < 64)
		svc_ref_nodes |= 1ull << rq->src_node;
	/* A change may have dirtied the cache: start the commit clock. */
	if (rq->opcode != P2S_READ && rq->opcode != P2S_STAT &&
	    rq->opcode != P2S_GETDENTS && rq->opcode != P2S_OPEN)
		ext4_journal_note(svc_fs, jiffies_to_msecs(jiffies));
	if (ret < 0)
		fit_reply_error(rq, ret);
	else
		fit_reply(rq, svc_reply, ret);
	mutex_unlock(&svc_lock);
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
		mutex_lock(&svc_lock);
		svc_ref_nodes &= ~(1ull << n);
		dropped = ext4_ref_drop_owner(svc_fs, n);
		mutex_unlock(&svc_lock);
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
		mutex_lock(&svc_lock);
		ret = ext4_journal_tick(svc_fs, now, storage_commit_s * 1000);
		mutex_unlock(&svc_lock);
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
	svc_reply = kmalloc(P2S_REPLY_MAX, GFP_KERNEL);
	if (!svc_reply) {
		pr_err("no memory for the reply buffer; not serving\n");
		started = -ENOMEM;
		goto out;
	}
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
		svc_fs = fs;
		pr_info("serving ext4 from %s\n", dev->name);
	}
	if (!svc_fs) {
		pr_err("no disk with an ext4 file system (%u disks); not serving files\n",
		       blkdev_count());
		kfree(svc_reply);
		svc_reply = NULL;
		goto out;
	}
	started = 0;
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
