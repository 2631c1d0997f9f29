/* SPDX-License-Identifier: GPL-2.0 */
/*
 * In-kernel suite "fit": the whole FIT stack on one node, connected to
 * itself over rxe0's loopback (real QP, rings, credits, mailbox RDMA
 * WRITEs, pollers and workers).  Two-node scenarios are in
 * tests/cluster/test_fit.py.
 */
#include "../internal.h"
#include "../conn.h"

#include <fit/fit.h>
#include <tessera/atomic.h>
#include <tessera/errno.h>
#include <tessera/kthread.h>
#include <tessera/ktest.h>
#include <tessera/mm.h>
#include <tessera/node.h>
#include <tessera/sched.h>
#include <tessera/string.h>
#include <tessera/time.h>


static u8 *kt_req, *kt_rep;

static void kt_fill(u8 *p, u32 len, u32 seed)
{
	for (u32 i = 0; i < len; i++)
		p[i] = (u8)(seed * 29 + i * 13 + (i >> 10));
}

static u8 kt_region[3 * 8192];

static bool kt_up;

/* Without rxe0 (no network interface) every case is skipped. */
static int fit_suite_init(void)
{
	int ret = fit_export_region(kt_region, sizeof(kt_region));

	if (ret == -ENODEV)
		return 0;
	if (ret && ret != -EBUSY)
		return ret;
	ret = fit_connect_self();
	if (ret)
		return ret;
	kt_up = true;
	kt_req = (u8 *)__get_free_pages(GFP_KERNEL, get_order(FIT_MAX_MSG));
	kt_rep = (u8 *)__get_free_pages(GFP_KERNEL, get_order(FIT_MAX_MSG));
	return kt_req && kt_rep ? 0 : -ENOMEM;
}

#define KT_NEED_FIT(t) do {						\
	if (!kt_up)							\
		KT_SKIP(t, "no rxe0: boot with a network interface");	\
} while (0)

static void fit_echo_sizes(struct ktest *t)
{
	static const u32 sizes[] = {
		0, 1, 128, 1024, 4096, FIT_SEG_MAX, FIT_SEG_MAX + 1, 65536,
		300000, FIT_MAX_MSG,
	};

	KT_NEED_FIT(t);
	for (u32 i = 0; i < ARRAY_SIZE(sizes); i++) {
		u32 len = sizes[i];
		int ret;

		kt_fill(kt_req, len, i + 1);
		memset(kt_rep, 0, len + 1);
		ret = fit_call(node_id, FIT_OP_ECHO, kt_req, len, kt_rep,
			       FIT_MAX_MSG, 5000);
		KT_EXPECT_EQ(t, ret, (int)len);
		if (ret == (int)len)
			KT_EXPECT_MEMEQ(t, kt_rep, kt_req, len);
	}
}

static void fit_reply_too_long(struct ktest *t)
{
	u8 small[16];

	KT_NEED_FIT(t);
	kt_fill(kt_req, 100, 7);
	memset(small, 0x5a, sizeof(small));
	KT_EXPECT_EQ(t, fit_call(node_id, FIT_OP_ECHO, kt_req, 100, small,
				 sizeof(small), 2000), -EMSGSIZE);
	KT_EXPECT_EQ(t, small[0], 0x5a);
	KT_EXPECT_EQ(t, fit_call(node_id, FIT_OP_ECHO, kt_req,
				 FIT_MAX_MSG + 1, kt_rep, 16, 2000), -EMSGSIZE);
}

static void fit_no_handler(struct ktest *t)
{
	KT_NEED_FIT(t);
	KT_EXPECT_EQ(t, fit_call(node_id, M2S_WRITE_PAGE, "x", 1, kt_rep, 16,
				 2000), -EOPNOTSUPP);
	KT_EXPECT_EQ(t, fit_call(node_id, 0x0003, "x", 1, kt_rep, 16, 2000),
		     -EINVAL);
}

static void fit_unconnected_peer(struct ktest *t)
{
	u16 other = node_id == 63 ? 62 : 63;

	KT_NEED_FIT(t);
	KT_EXPECT_EQ(t, fit_call(other, FIT_OP_ECHO, "x", 1, kt_rep, 16, 100),
		     -EHOSTDOWN);
	KT_EXPECT_EQ(t, fit_call(FIT_MAX_NODES, FIT_OP_ECHO, "x", 1, kt_rep,
				 16, 100), -EINVAL);
}

static void fit_wrong_version(struct ktest *t)
{
	struct fit_hdr h = { .version = 2, .opcode = FIT_OP_ECHO,
			     .src_node = node_id, .dst_node = node_id };
	unsigned long long before = fit_nr_rejected();
	struct fit_wire_hdr w;

	KT_NEED_FIT(t);
	/*
	 * A call with a version-2 header: sent raw (as a broken peer
	 * would), so it has no reply slot of ours; the receiver must
	 * count and drop it and keep serving.
	 */
	fit_hdr_pack(&h, &w);
	KT_EXPECT_EQ(t, fit_send_raw(node_id, &w, sizeof(w)), 0);
	KT_EXPECT_EQ(t, fit_call(node_id, FIT_OP_ECHO, "ok", 2, kt_rep, 16,
				 2000), 2);
	/* The echo's reply came after the bad message was processed. */
	KT_EXPECT_EQ(t, fit_nr_rejected(), before + 1);
}

#define KT_FLOOD		300

static atomic_t kt_sink_count;
static atomic_t kt_sink_bad;
static u8 kt_seen[KT_FLOOD];

/*
 * Message i is 64 + (i % 3) * 4000 bytes: its number in the first four
 * bytes, then the pattern of seed i.  Workers run handlers in parallel,
 * so order is not checked here; each number must come exactly once.
 */
static void kt_flood_fill(u8 *p, u32 i)
{
	u32 len = 64 + (i % 3) * 4000;

	kt_fill(p, len, i);
	memcpy(p, &i, sizeof(i));
}

static void kt_slow_sink(struct fit_request *rq, void *ctx)
{
	u32 i;

	if (!rq->oneway || rq->len < 64) {
		atomic_inc(&kt_sink_bad);
		return;
	}
	memcpy(&i, rq->data, sizeof(i));
	if (i >= KT_FLOOD || rq->len != 64 + (i % 3) * 4000) {
		atomic_inc(&kt_sink_bad);
		return;
	}
	/* Both workers may be here: check in place, not via @want. */
	for (u32 k = 4; k < rq->len; k++) {
		if (((const u8 *)rq->data)[k] != (u8)(i * 29 + k * 13 +
						     (k >> 10))) {
			atomic_inc(&kt_sink_bad);
			break;
		}
	}
	if (kt_seen[i]++)
		atomic_inc(&kt_sink_bad);
	atomic_inc(&kt_sink_count);
	mdelay(1);	/* deliberately slow */
}

static void fit_flood_slow_handler(struct ktest *t)
{
	KT_NEED_FIT(t);
	atomic_set(&kt_sink_count, 0);
	atomic_set(&kt_sink_bad, 0);
	memset(kt_seen, 0, sizeof(kt_seen));
	KT_ASSERT_EQ(t, fit_register_handler(FIT_OP_SINK, kt_slow_sink, NULL),
		     0);
	for (u32 i = 0; i < KT_FLOOD; i++) {
		kt_flood_fill(kt_req, i);
		KT_ASSERT_EQ(t, fit_send(node_id, FIT_OP_SINK, kt_req,
					 64 + (i % 3) * 4000, 10000), 0);
	}
	for (int i = 0; i < 5000 && atomic_read(&kt_sink_count) < KT_FLOOD; i++)
		msleep(2);
	KT_EXPECT_EQ(t, atomic_read(&kt_sink_count), KT_FLOOD);
	KT_EXPECT_EQ(t, atomic_read(&kt_sink_bad), 0);
	for (u32 i = 0; i < KT_FLOOD; i++)
		KT_EXPECT_EQ(t, kt_seen[i], 1);
	fit_unregister_handler(FIT_OP_SINK);
}

static void fit_scatter_gather(struct ktest *t)
{
	static u8 r[3][256];
	struct fit_scatter v[3];

	KT_NEED_FIT(t);
	for (int i = 0; i < 3; i++) {
		v[i] = (struct fit_scatter){ .node = node_id, .req = "abc" + i,
					     .len = 3 - i, .reply = r[i],
					     .max_reply = 256 };
	}
	KT_EXPECT_EQ(t, fit_call_scatter(FIT_OP_ECHO, v, 3, 2000), 0);
	for (int i = 0; i < 3; i++) {
		KT_EXPECT_EQ(t, v[i].result, 3 - i);
		KT_EXPECT_MEMEQ(t, r[i], "abc" + i, 3 - i);
	}
}

static void fit_region_read_write(struct ktest *t)
{
	static u8 buf[20000];
	const u32 len = sizeof(kt_region) - 100;

	KT_NEED_FIT(t);
	kt_fill(buf, len, 99);
	KT_ASSERT_EQ(t, fit_write(node_id, 100, buf, len, 2000), 0);
	KT_EXPECT_MEMEQ(t, kt_region + 100, buf, len);
	kt_fill(kt_region, 5000, 42);
	memset(buf, 0, sizeof(buf));
	KT_ASSERT_EQ(t, fit_read(node_id, 0, buf, 5000, 2000), 0);
	KT_EXPECT_MEMEQ(t, buf, kt_region, 5000);
	KT_EXPECT_EQ(t, fit_read(node_id, 1, buf, sizeof(kt_region), 2000),
		     -EINVAL);
}

/*
 * Issue 20 for one-sided operations: a chunk given up on (the test hook
 * makes it give up right after posting, before rxe's thread could
 * complete it) leaves the connection up; the next operation waits for
 * the stale completion before it reuses the bounce buffer, and works.
 */
static void fit_one_sided_timeout_harmless(struct ktest *t)
{
	static u8 buf[6000], back[6000];
	struct fit_peer_stats s0, s1;
	unsigned int i, timeouts = 0;
	int ret;

	KT_NEED_FIT(t);
	KT_ASSERT_EQ(t, fit_peer_stats_get(node_id, &s0), 0);
	/*
	 * Until three chunks were given up on: rxe's thread may still win
	 * a round (below), e.g. on one CPU when the caller is preempted
	 * between the post and its check.
	 */
	for (i = 0; i < 40 && timeouts < 3; i++) {
		WRITE_ONCE(fit_test_os_no_wait, true);
		ret = fit_read(node_id, 0, back, sizeof(back), 2000);
		WRITE_ONCE(fit_test_os_no_wait, false);
		if (ret == -ETIMEDOUT)
			timeouts++;
		else
			KT_EXPECT_EQ(t, ret, 0);
		kt_fill(buf, sizeof(buf), 60 + i);
		KT_ASSERT_EQ(t, fit_write(node_id, 10, buf, sizeof(buf), 2000),
			     0);
		KT_EXPECT_MEMEQ(t, kt_region + 10, buf, sizeof(buf));
		memset(back, 0, sizeof(back));
		KT_ASSERT_EQ(t, fit_read(node_id, 10, back, sizeof(back),
					 2000), 0);
		KT_EXPECT_MEMEQ(t, back, buf, sizeof(buf));
	}
	KT_ASSERT_EQ(t, fit_peer_stats_get(node_id, &s1), 0);
	/*
	 * Posting never completes synchronously; only rxe's thread running
	 * between the post and the check (another CPU, or a preemption)
	 * finishes a chunk first.
	 */
	KT_EXPECT_GE(t, timeouts, 3);
	KT_EXPECT_EQ(t, s1.os_timeouts - s0.os_timeouts, timeouts);
	KT_EXPECT_EQ(t, s1.rebuilds, s0.rebuilds);
	KT_EXPECT_EQ(t, s1.hostdown, s0.hostdown);
}

/*
 * Issue 20: a reply that arrives after its call timed out must not fail
 * the other calls on the connection, nor touch the caller's buffer.
 * The handler answers 4 KiB after KT_SLOW_MS into a caller that waits
 * KT_LATE_MS with an 8 KiB buffer (a zero-copy offer), while two
 * threads keep calling over the same connection.
 */
#define KT_SLOW_MS		600
#define KT_LATE_MS		100
#define KT_BG_THREADS		2

static bool kt_bg_stop;
static atomic_t kt_bg_ok, kt_bg_bad, kt_bg_left;

static u8 kt_page[4096];	/* kt_fill(seed 55), the 4 KiB reply */

/* "slow": 4 KiB after KT_SLOW_MS; anything else: 4 KiB at once. */
static void kt_slow_handler(struct fit_request *rq, void *ctx)
{
	if (rq->len == 4 && !memcmp(rq->data, "slow", 4))
		msleep(KT_SLOW_MS);
	fit_reply(rq, kt_page, sizeof(kt_page));
}

/*
 * Until told to stop: 4 KiB replies into 8 KiB buffers (zero-copy, on
 * the same slots' landing areas as the late reply) and echo calls of
 * 0..12 KiB, each checked.
 */
static int kt_bg_caller(void *arg)
{
	static u8 req[KT_BG_THREADS][12288], rep[KT_BG_THREADS][12288];
	unsigned int me = (uintptr_t)arg;
	u32 x = 0x2545f491u * (me + 1);

	while (!READ_ONCE(kt_bg_stop)) {
		bool ok;
		u32 len;
		int ret;

		x = x * 1103515245u + 12345u;
		memset(rep[me], 0, sizeof(rep[me]));
		if ((x >> 4) % 2) {
			ret = fit_call(node_id, FIT_OP_TEST, "fast", 4,
				       rep[me], 8192, 5000);
			ok = ret == sizeof(kt_page) &&
			     !memcmp(rep[me], kt_page, sizeof(kt_page));
		} else {
			len = (x >> 8) % 12288;
			kt_fill(req[me], len, x);
			ret = fit_call(node_id, FIT_OP_ECHO, req[me], len,
				       rep[me], sizeof(rep[me]), 5000);
			ok = ret == (int)len &&
			     !memcmp(req[me], rep[me], len);
		}
		atomic_inc(ok ? &kt_bg_ok : &kt_bg_bad);
	}
	atomic_dec(&kt_bg_left);
	return 0;
}

static void fit_late_reply_harmless(struct ktest *t)
{
	static u8 canary[8192];
	struct fit_peer_stats s0, s1;
	unsigned int q0;
	bool clean = true;
	int ret;

	KT_NEED_FIT(t);
	kt_fill(kt_page, sizeof(kt_page), 55);
	KT_ASSERT_EQ(t, fit_register_handler(FIT_OP_TEST, kt_slow_handler,
					     NULL), 0);
	KT_ASSERT_EQ(t, fit_peer_stats_get(node_id, &s0), 0);
	q0 = fit_nr_quarantined();
	WRITE_ONCE(kt_bg_stop, false);
	atomic_set(&kt_bg_ok, 0);
	atomic_set(&kt_bg_bad, 0);
	atomic_set(&kt_bg_left, KT_BG_THREADS);
	for (unsigned int i = 0; i < KT_BG_THREADS; i++) {
		struct task *bg = kthread_create(kt_bg_caller,
						 (void *)(uintptr_t)i,
						 "kt_fit_bg/%u", i);

		if (IS_ERR(bg)) {
			atomic_dec(&kt_bg_left);
			continue;
		}
		kthread_detach(bg);
		wake_up_process(bg);
	}
	msleep(50);

	memset(canary, 0xee, sizeof(canary));
	ret = fit_call(node_id, FIT_OP_TEST, "slow", 4, canary,
		       sizeof(canary), KT_LATE_MS);
	KT_EXPECT_EQ(t, ret, -ETIMEDOUT);
	/* The offer is still open: its slot waits for the late reply. */
	KT_EXPECT_EQ(t, fit_nr_quarantined(), q0 + 1);
	for (int i = 0; i < 500 && fit_nr_quarantined() > q0; i++)
		msleep(10);
	/* Keep the callers going past the late reply's arrival. */
	msleep(200);
	WRITE_ONCE(kt_bg_stop, true);
	for (int i = 0; i < 1000 && atomic_read(&kt_bg_left); i++)
		msleep(10);
	KT_EXPECT_EQ(t, atomic_read(&kt_bg_left), 0);

	KT_EXPECT_EQ(t, fit_nr_quarantined(), q0);
	for (u32 i = 0; i < sizeof(canary); i++)
		clean &= canary[i] == 0xee;
	KT_EXPECT_TRUE(t, clean);
	KT_EXPECT_TRUE(t, atomic_read(&kt_bg_ok) > 0);
	KT_EXPECT_EQ(t, atomic_read(&kt_bg_bad), 0);
	KT_EXPECT_TRUE(t, fit_peer_up(node_id));
	KT_ASSERT_EQ(t, fit_peer_stats_get(node_id, &s1), 0);
	KT_EXPECT_EQ(t, s1.late_replies, s0.late_replies + 1);
	KT_EXPECT_EQ(t, s1.quarantined, s0.quarantined + 1);
	KT_EXPECT_EQ(t, s1.timeouts, s0.timeouts + 1);
	KT_EXPECT_EQ(t, s1.rebuilds, s0.rebuilds);
	KT_EXPECT_EQ(t, s1.hostdown, s0.hostdown);
	KT_EXPECT_TRUE(t, s1.zc_replies_rx > s0.zc_replies_rx);
	/* And the connection still answers, byte for byte. */
	kt_fill(kt_req, 5000, 3);
	KT_EXPECT_EQ(t, fit_call(node_id, FIT_OP_ECHO, kt_req, 5000, kt_rep,
				 FIT_MAX_MSG, 2000), 5000);
	KT_EXPECT_MEMEQ(t, kt_rep, kt_req, 5000);
	fit_unregister_handler(FIT_OP_TEST);
}

/*
 * The peer's protection domain holds its QP and every MR it may reach
 * (ring, stage, mailbox, exported region, landing areas offered to it),
 * so rxe refuses its keys on any other peer's memory (rxe suite,
 * rxe_mr_other_pd).  Here the only peer is this node itself.
 */
static void fit_pd_per_peer(struct ktest *t)
{
	struct fit_conn *c;
	unsigned int landing = 0;

	KT_NEED_FIT(t);
	c = fit_conn_lookup(node_id);
	KT_ASSERT_TRUE(t, c && c->pd && c->qp);
	KT_EXPECT_TRUE(t, c->qp->pd == c->pd);
	KT_EXPECT_TRUE(t, c->ring_mr->pd == c->pd);
	KT_EXPECT_TRUE(t, c->stage_mr->pd == c->pd);
	KT_EXPECT_TRUE(t, c->mbox_mr->pd == c->pd);
	KT_ASSERT_TRUE(t, c->region_mr != NULL);
	KT_EXPECT_TRUE(t, c->region_mr->pd == c->pd);
	/* A call that may take a 4 KiB reply offers its landing area. */
	kt_fill(kt_req, 200, 11);
	KT_EXPECT_EQ(t, fit_call(node_id, FIT_OP_ECHO, kt_req, 200, kt_rep,
				 FIT_MAX_MSG, 2000), 200);
	KT_EXPECT_MEMEQ(t, kt_rep, kt_req, 200);
	for (u16 id = 0; id < FIT_NR_SLOTS; id++) {
		struct ib_mr *mr = fit_test_slot_mr(id);

		if (!mr)
			continue;
		landing++;
		if (mr->pd != c->pd)
			KT_FAIL(t, "slot %u's landing MR is not in the peer's domain", id);
	}
	KT_EXPECT_GT(t, landing, 0);
}

static struct ktest_case fit_cases[] = {
	KTEST_CASE(fit_echo_sizes),
	KTEST_CASE(fit_reply_too_long),
	KTEST_CASE(fit_no_handler),
	KTEST_CASE(fit_unconnected_peer),
	KTEST_CASE(fit_wrong_version),
	KTEST_CASE(fit_flood_slow_handler),
	KTEST_CASE(fit_scatter_gather),
	KTEST_CASE(fit_region_read_write),
	KTEST_CASE(fit_one_sided_timeout_harmless),
	KTEST_CASE(fit_late_reply_harmless),
	KTEST_CASE(fit_pd_per_peer),
	{}
};

KTEST_SUITE_INIT(fit, fit_cases, fit_suite_init);
