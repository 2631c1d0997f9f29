/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KTAP suite "bcache": the storage block cache (managers/storage/
 * bcache.c) used by several tasks at once, over an in-memory device
 * whose reads can be held: a second task wanting a block that a first
 * is reading waits for that read (the device is read once, the second
 * never sees the buffer before its data arrived), a failed read lets
 * the waiter retry, and a pinned buffer is never reused.  No disk needed.
 */
#define pr_fmt(fmt) "bcachetest: " fmt

#include <tessera/completion.h>
#include <tessera/errno.h>
#include <tessera/ktest.h>
#include <tessera/kthread.h>
#include <tessera/sched.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/time.h>

#include "../bcache.h"

#define WAIT_LIMIT	(5 * HZ)	/* jiffies; only hit on a bug */
#define BCT_BS		1024
#define BCT_BLOCKS	16

struct bct_dev {
	struct storage_io io;
	u8 *mem;
	int reads;			/* device reads so far */
	u64 hold_off;			/* a read at this offset waits ... */
	bool hold;
	struct completion in_read;	/* ... saying so here, */
	struct completion go;		/* ... until this. */
	int fail_next;			/* the held read fails with this */
};

static int bct_read(void *ctx, u64 off, void *buf, size_t len)
{
	struct bct_dev *d = ctx;
	int fail = 0;

	__atomic_fetch_add(&d->reads, 1, __ATOMIC_RELAXED);
	if (d->hold && off == d->hold_off) {
		d->hold = false;
		complete(&d->in_read);
		if (!wait_for_completion_timeout(&d->go, WAIT_LIMIT))
			return -EIO;
		fail = d->fail_next;
	}
	if (fail)
		return fail;
	memcpy(buf, d->mem + off, len);
	return 0;
}

static bool bct_init(struct ktest *t, struct bct_dev *d, struct bcache *bc,
		     unsigned int nr)
{
	unsigned int i;

	memset(d, 0, sizeof(*d));
	d->mem = kmalloc(BCT_BS * BCT_BLOCKS, GFP_KERNEL);
	if (!d->mem) {
		KT_FAIL(t, "no memory");
		return false;
	}
	for (i = 0; i < BCT_BS * BCT_BLOCKS; i++)
		d->mem[i] = (u8)(i / BCT_BS * 7 + i);
	d->io.read = bct_read;
	d->io.ctx = d;
	d->io.size = BCT_BS * BCT_BLOCKS;
	init_completion(&d->in_read);
	init_completion(&d->go);
	if (bcache_init(bc, &d->io, BCT_BS, nr)) {
		kfree(d->mem);
		KT_FAIL(t, "bcache_init");
		return false;
	}
	return true;
}

struct bct_getter {
	struct bcache *bc;
	u64 blk;
	struct bcache_buf *b;
	int ret;
	bool data_ok;			/* the buffer held the block's bytes */
	const u8 *want;
	struct completion done;
};

static int bct_get_thread(void *arg)
{
	struct bct_getter *g = arg;

	g->ret = bcache_get(g->bc, g->blk, &g->b);
	if (!g->ret)
		g->data_ok = !memcmp(g->b->data, g->want, BCT_BS);
	complete(&g->done);
	return 0;
}

static struct task *bct_start(struct bct_getter *g, struct bcache *bc,
			      u64 blk, const u8 *want)
{
	memset(g, 0, sizeof(*g));
	g->bc = bc;
	g->blk = blk;
	g->want = want;
	init_completion(&g->done);
	return kthread_run(bct_get_thread, g, "kt-bcache");
}

/* Wait until @n tasks sleep on the cache's I/O wait (bounded). */
static bool bct_wait_io_waiters(struct bcache *bc, u64 n)
{
	unsigned long end = jiffies + WAIT_LIMIT;
	u64 waits;

	for (;;) {
		spin_lock(&bc->lock);
		waits = bc->stats.io_waits;
		spin_unlock(&bc->lock);
		if (waits >= n)
			return true;
		if ((long)(jiffies - end) > 0)
			return false;
		schedule_timeout_uninterruptible(1);
	}
}

static void bcache_second_reader_waits(struct ktest *t)
{
	struct bct_dev d;
	struct bcache bc;
	struct bct_getter a, b;
	struct task *ka, *kb;
	bool b_done_early;

	if (!bct_init(t, &d, &bc, 4))
		return;
	d.hold = true;
	d.hold_off = 3 * BCT_BS;
	ka = bct_start(&a, &bc, 3, d.mem + 3 * BCT_BS);
	KT_ASSERT_FALSE(t, IS_ERR(ka));
	KT_ASSERT_GT(t, wait_for_completion_timeout(&d.in_read, WAIT_LIMIT), 0);
	kb = bct_start(&b, &bc, 3, d.mem + 3 * BCT_BS);
	KT_ASSERT_FALSE(t, IS_ERR(kb));
	KT_EXPECT_TRUE(t, bct_wait_io_waiters(&bc, 1));
	b_done_early = completion_done(&b.done);
	complete(&d.go);
	KT_EXPECT_GT(t, wait_for_completion_timeout(&a.done, WAIT_LIMIT), 0);
	KT_EXPECT_GT(t, wait_for_completion_timeout(&b.done, WAIT_LIMIT), 0);
	kthread_stop(ka);
	kthread_stop(kb);
	KT_EXPECT_FALSE(t, b_done_early);
	KT_EXPECT_EQ(t, a.ret, 0);
	KT_EXPECT_EQ(t, b.ret, 0);
	KT_EXPECT_TRUE(t, a.data_ok);
	KT_EXPECT_TRUE(t, b.data_ok);
	/* One buffer, one device read for both. */
	KT_EXPECT_TRUE(t, a.b == b.b);
	KT_EXPECT_EQ(t, d.reads, 1);
	KT_EXPECT_EQ(t, a.b ? a.b->refs : 0, 2);
	bcache_put(&bc, a.b);
	bcache_put(&bc, b.b);
	bcache_destroy(&bc);
	kfree(d.mem);
}

static void bcache_failed_read_retried(struct ktest *t)
{
	struct bct_dev d;
	struct bcache bc;
	struct bct_getter a, b;
	struct task *ka, *kb;

	if (!bct_init(t, &d, &bc, 4))
		return;
	d.hold = true;
	d.hold_off = 5 * BCT_BS;
	d.fail_next = -EIO;
	ka = bct_start(&a, &bc, 5, d.mem + 5 * BCT_BS);
	KT_ASSERT_FALSE(t, IS_ERR(ka));
	KT_ASSERT_GT(t, wait_for_completion_timeout(&d.in_read, WAIT_LIMIT), 0);
	kb = bct_start(&b, &bc, 5, d.mem + 5 * BCT_BS);
	KT_ASSERT_FALSE(t, IS_ERR(kb));
	KT_EXPECT_TRUE(t, bct_wait_io_waiters(&bc, 1));
	complete(&d.go);
	KT_EXPECT_GT(t, wait_for_completion_timeout(&a.done, WAIT_LIMIT), 0);
	KT_EXPECT_GT(t, wait_for_completion_timeout(&b.done, WAIT_LIMIT), 0);
	kthread_stop(ka);
	kthread_stop(kb);
	/* A's read failed; B read the block itself and got its bytes. */
	KT_EXPECT_EQ(t, a.ret, -EIO);
	KT_EXPECT_EQ(t, b.ret, 0);
	KT_EXPECT_TRUE(t, b.data_ok);
	KT_EXPECT_EQ(t, d.reads, 2);
	KT_EXPECT_EQ(t, bc.stats.read_errors, 1);
	bcache_put(&bc, b.b);
	bcache_destroy(&bc);
	kfree(d.mem);
}

/* Pinned buffers are never reused; with all pinned, -EBUSY. */
static void bcache_pinned_not_evicted(struct ktest *t)
{
	struct bcache_buf *b[3], *x;
	struct bct_dev d;
	struct bcache bc;
	unsigned int i;

	if (!bct_init(t, &d, &bc, 2))
		return;
	KT_ASSERT_EQ(t, bcache_get(&bc, 0, &b[0]), 0);
	KT_ASSERT_EQ(t, bcache_get(&bc, 1, &b[1]), 0);
	KT_EXPECT_EQ(t, bcache_get(&bc, 2, &x), -EBUSY);
	bcache_put(&bc, b[1]);
	KT_ASSERT_EQ(t, bcache_get(&bc, 2, &b[2]), 0);
	KT_EXPECT_TRUE(t, b[2] == b[1]);	/* the unpinned one was reused */
	for (i = 0; i < BCT_BS; i++)
		if (((u8 *)b[0]->data)[i] != d.mem[i])
			break;
	KT_EXPECT_EQ(t, i, BCT_BS);		/* block 0 untouched */
	bcache_put(&bc, b[0]);
	bcache_put(&bc, b[2]);
	bcache_destroy(&bc);
	kfree(d.mem);
}

static struct ktest_case bcache_cases[] = {
	KTEST_CASE(bcache_second_reader_waits),
	KTEST_CASE(bcache_failed_read_retried),
	KTEST_CASE(bcache_pinned_not_evicted),
	{}
};
KTEST_SUITE(bcache, bcache_cases);
