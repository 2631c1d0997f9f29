/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KTAP suite "storage_svc": the storage node's file service
 * (file_service.c) serves reads concurrently.  It runs on a storage node
 * that serves the image tests/cluster/test_storage.py builds (its /big
 * and /one files), calling the service's own path for a request
 * (storage_svc_serve(): its lock, p2s_serve_from()), as FIT's worker
 * threads do.  Without a served disk every case is skipped.
 *
 * The service's inside hook holds request A (a READ of /big, in a
 * thread of its own) inside the service, lock held, until the test
 * releases it.  Meanwhile the test serves request B itself: B must
 * complete while A is still inside.  With one lock for every request, B
 * would wait for A, and A waits for the release only WAIT_LIMIT: then A
 * records the timeout, B completes after A left, and the case fails.
 */
#define pr_fmt(fmt) "svctest: " fmt

#include <fit/fit_wire.h>
#include <fit/storage.h>
#include <tessera/completion.h>
#include <tessera/errno.h>
#include <tessera/ktest.h>
#include <tessera/kthread.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/time.h>

#include "../internal.h"

#define WAIT_LIMIT	(10 * HZ)	/* jiffies; only hit on a bug */

struct svct_hold {
	struct task *task;		/* the request held inside */
	u16 op;				/* ... and its opcode */
	bool inside;			/* it is in the hook now */
	bool timed_out;			/* no release within WAIT_LIMIT */
	struct completion entered, release;
	/* What the held request sends and gets. */
	struct p2s_read_req rd;
	u8 *reply;
	int ret;
	struct completion done;
};

static struct svct_hold *svct_hold;

static void svct_hook(u16 op, bool shared)
{
	struct svct_hold *h = READ_ONCE(svct_hold);

	if (!h || h->task != current || op != h->op)
		return;
	WRITE_ONCE(h->inside, true);
	complete(&h->entered);
	if (!wait_for_completion_timeout(&h->release, WAIT_LIMIT))
		h->timed_out = true;
	WRITE_ONCE(h->inside, false);
}

static int svct_held_thread(void *arg)
{
	struct svct_hold *h = arg;

	h->ret = storage_svc_serve(0, P2S_READ, &h->rd, sizeof(h->rd),
				   h->reply);
	complete(&h->done);
	return 0;
}

/* Open @path without a reference (a shared request); 0 and its handle. */
static int svct_open(u8 *req, u8 *reply, const char *path,
		     struct p2s_handle *fh, u64 *size)
{
	struct p2s_open_req *r = (struct p2s_open_req *)req;
	struct p2s_open_reply *o = (struct p2s_open_reply *)reply;
	size_t n = strlen(path);
	int ret;

	memset(r, 0, sizeof(*r));
	r->hdr.version = P2S_VERSION;
	fit_put_le16(&r->path_len, n);
	memcpy(r->path, path, n + 1);
	ret = storage_svc_serve(0, P2S_OPEN, req, sizeof(*r) + n + 1, reply);
	if (ret != (int)sizeof(*o))
		return ret < 0 ? ret : -EPROTO;
	*fh = o->fh;
	*size = fit_get_le64(&o->st.size);
	return 0;
}

static void svct_fh_req(struct p2s_fh_req *fh, const struct p2s_handle *h,
			u8 flags)
{
	memset(fh, 0, sizeof(*fh));
	fh->hdr.version = P2S_VERSION;
	fh->hdr.flags = flags;
	fh->fh = *h;
}

/* Start a READ of @fh held inside the service; false if it did not get in. */
static bool svct_hold_start(struct ktest *t, struct svct_hold *h,
			    const struct p2s_handle *fh, u8 *reply)
{
	struct task *k;

	memset(h, 0, sizeof(*h));
	init_completion(&h->entered);
	init_completion(&h->release);
	init_completion(&h->done);
	h->op = P2S_READ;
	h->reply = reply;
	h->rd.hdr.version = P2S_VERSION;
	h->rd.fh = *fh;
	fit_put_le32(&h->rd.len, 4096);
	k = kthread_create(svct_held_thread, h, "kt-svc-held");
	if (IS_ERR(k)) {
		KT_FAIL(t, "no thread (%ld)", PTR_ERR(k));
		return false;
	}
	kthread_detach(k);
	h->task = k;
	WRITE_ONCE(svct_hold, h);
	WRITE_ONCE(storage_svc_inside_hook, svct_hook);
	wake_up_process(k);
	if (!wait_for_completion_timeout(&h->entered, WAIT_LIMIT)) {
		KT_FAIL(t, "the held READ never got inside the service");
		complete(&h->release);
		wait_for_completion(&h->done);
		return false;
	}
	return true;
}

static void svct_hold_end(struct svct_hold *h)
{
	complete(&h->release);
	wait_for_completion(&h->done);
	WRITE_ONCE(storage_svc_inside_hook, NULL);
	WRITE_ONCE(svct_hold, NULL);
}

struct svct_bufs {
	u8 *req, *reply_a, *reply_b;
	struct p2s_handle big, one;
	u64 big_size, one_size;
};

static void svct_teardown(struct svct_bufs *b)
{
	kfree(b->req);
	kfree(b->reply_a);
	kfree(b->reply_b);
}

/* 1: ready; 0: no disk served (skip); -1: failed (reported). */
static int svct_setup(struct ktest *t, struct svct_bufs *b)
{
	int ret;

	memset(b, 0, sizeof(*b));
	b->req = kmalloc(P2S_PATH_MAX + 64, GFP_KERNEL);
	b->reply_a = kmalloc(P2S_REPLY_MAX, GFP_KERNEL);
	b->reply_b = kmalloc(P2S_REPLY_MAX, GFP_KERNEL);
	if (!b->req || !b->reply_a || !b->reply_b) {
		KT_FAIL(t, "no memory");
		return -1;
	}
	ret = svct_open(b->req, b->reply_b, "/big", &b->big, &b->big_size);
	if (ret == -ENODEV)
		return 0;
	if (ret) {
		KT_FAIL(t, "open /big: %d", ret);
		return -1;
	}
	ret = svct_open(b->req, b->reply_b, "/one", &b->one, &b->one_size);
	if (ret) {
		KT_FAIL(t, "open /one: %d", ret);
		return -1;
	}
	return 1;
}

#define SVCT_SETUP(t, b, h) do {					\
	int __r = svct_setup(t, b);					\
									\
	if (__r <= 0) {							\
		svct_teardown(b);					\
		kfree(h);						\
		if (!__r)						\
			KT_SKIP(t, "this node serves no ext4 disk");	\
		return;							\
	}								\
} while (0)

/* B (a STAT and a READ of another file) completes while A is inside. */
static void svc_reader_not_blocked_by_reader(struct ktest *t)
{
	struct svct_hold *h = kzalloc(sizeof(*h), GFP_KERNEL);
	struct p2s_read_req rd = {};
	struct p2s_fh_req fh;
	struct svct_bufs b;
	bool a_inside_stat, a_inside_read, a_inside_ref;
	int stat_ret, read_ret, ref_ret;

	KT_ASSERT_NOT_NULL(t, h);
	SVCT_SETUP(t, &b, h);
	if (!svct_hold_start(t, h, &b.big, b.reply_a))
		goto out;

	svct_fh_req(&fh, &b.one, 0);
	stat_ret = storage_svc_serve(0, P2S_STAT, &fh, sizeof(fh), b.reply_b);
	a_inside_stat = READ_ONCE(h->inside);
	rd.hdr.version = P2S_VERSION;
	rd.fh = b.one;
	fit_put_le32(&rd.len, 4096);
	read_ret = storage_svc_serve(0, P2S_READ, &rd, sizeof(rd), b.reply_b);
	a_inside_read = READ_ONCE(h->inside);
	/* Taking a reference is a reader too (the table has its own lock). */
	svct_fh_req(&fh, &b.one, P2S_STAT_REF);
	ref_ret = storage_svc_serve(0, P2S_STAT, &fh, sizeof(fh), b.reply_b);
	a_inside_ref = READ_ONCE(h->inside);
	svct_hold_end(h);
	/* Dropping it is a change: after A left. */
	svct_fh_req(&fh, &b.one, 0);
	KT_EXPECT_EQ(t, storage_svc_serve(0, P2S_CLOSE, &fh, sizeof(fh),
					  b.reply_b), 0);

	KT_EXPECT_EQ(t, stat_ret, (int)sizeof(struct p2s_stat));
	KT_EXPECT_EQ(t, fit_get_le64(&((struct p2s_stat *)b.reply_b)->size),
		     b.one_size);
	KT_EXPECT_EQ(t, read_ret,
		     (int)(sizeof(struct p2s_read_reply) +
			   min_t(u64, b.one_size, 4096)));
	KT_EXPECT_EQ(t, ref_ret, (int)sizeof(struct p2s_stat));
	KT_EXPECT_TRUE(t, a_inside_stat);
	KT_EXPECT_TRUE(t, a_inside_read);
	KT_EXPECT_TRUE(t, a_inside_ref);
	KT_EXPECT_FALSE(t, h->timed_out);
	KT_EXPECT_EQ(t, h->ret, (int)(sizeof(struct p2s_read_reply) + 4096));
	KT_EXPECT_GE(t, storage_svc_concurrent_max(), 2);
	pr_info("concurrent max %u\n", storage_svc_concurrent_max());
out:
	svct_teardown(&b);
	kfree(h);
}

struct svct_excl {
	struct p2s_fh_req fh;
	u8 *reply;
	int ret;
	struct completion done;
};

static int svct_excl_thread(void *arg)
{
	struct svct_excl *x = arg;

	/* P2S_CLOSE may free an orphan: exclusive. */
	x->ret = storage_svc_serve(0, P2S_CLOSE, &x->fh, sizeof(x->fh),
				   x->reply);
	complete(&x->done);
	return 0;
}

/* An exclusive request (a CLOSE) waits for reader A to leave. */
static void svc_change_waits_for_readers(struct ktest *t)
{
	struct svct_hold *h = kzalloc(sizeof(*h), GFP_KERNEL);
	struct svct_excl x = {};
	struct p2s_fh_req fh;
	struct svct_bufs b;
	struct task *k;
	unsigned long end;
	bool x_done_while_a;

	KT_ASSERT_NOT_NULL(t, h);
	SVCT_SETUP(t, &b, h);
	/* A reference (a shared request) for the CLOSE below to drop. */
	svct_fh_req(&fh, &b.one, P2S_STAT_REF);
	KT_ASSERT_EQ(t, storage_svc_serve(0, P2S_STAT, &fh, sizeof(fh),
					  b.reply_b),
		     (int)sizeof(struct p2s_stat));
	if (!svct_hold_start(t, h, &b.big, b.reply_a))
		goto out;
	svct_fh_req(&x.fh, &b.one, 0);
	x.reply = kmalloc(P2S_REPLY_MAX, GFP_KERNEL);
	init_completion(&x.done);
	k = x.reply ? kthread_run(svct_excl_thread, &x, "kt-svc-excl") :
		      ERR_PTR(-ENOMEM);
	if (IS_ERR(k)) {
		KT_FAIL(t, "no thread (%ld)", PTR_ERR(k));
		svct_hold_end(h);
		goto out;
	}
	/* Wait until it sleeps on the lock (bounded: a bug fails here). */
	end = jiffies + WAIT_LIMIT;
	while (!storage_svc_waiters() && !completion_done(&x.done) &&
	       (long)(jiffies - end) < 0)
		schedule_timeout_uninterruptible(1);
	x_done_while_a = completion_done(&x.done);
	KT_EXPECT_EQ(t, storage_svc_waiters(), 1);
	svct_hold_end(h);
	KT_EXPECT_GT(t, wait_for_completion_timeout(&x.done, WAIT_LIMIT), 0);
	kthread_stop(k);
	KT_EXPECT_FALSE(t, x_done_while_a);
	KT_EXPECT_FALSE(t, h->timed_out);
	KT_EXPECT_EQ(t, x.ret, 0);	/* it held the STAT_REF's reference */
	kfree(x.reply);
out:
	svct_teardown(&b);
	kfree(h);
}

static struct ktest_case storage_svc_cases[] = {
	KTEST_CASE(svc_reader_not_blocked_by_reader),
	KTEST_CASE(svc_change_waits_for_readers),
	{}
};
KTEST_SUITE(storage_svc, storage_svc_cases);
