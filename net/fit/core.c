/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FIT over verbs: one RC QP per peer on rxe0, registered receive rings,
 * staging buffers for sends, credit mailboxes, receive-CQ pollers and a
 * preallocated worker pool, and the public API of <fit/fit.h> on top of
 * the transport-independent engine (engine.c).
 *
 * Connections to peers are made by the RDMA-CM in member.c, which hands
 * this file a CM id to build the QP on (fit_conn_attach()) and the
 * peer's half (fit_conn_set_remote()); the loopback connection of
 * fit_connect_self() moves its QP itself (fit_conn_connect()).  Who the
 * peers are, heartbeats and teardown decisions are member.c's.
 *
 * Lock order (outermost first):
 *   fit_conn.tx_mutex[class] -> fit_conn.os_mutex -> fit_peer.lock
 *   -> fit_slot_table.lock;  fit_conn.stage_lock, fit_work_lock and
 *   fit_buf_lock are leaves.
 * Pollers own their conns' receive side (parked entries, reassembly).
 */
#include "conn.h"

#include <fit/fit.h>
#include <tessera/debug_keys.h>
#include <tessera/atomic.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/kthread.h>
#include <tessera/mm.h>
#include <tessera/mutex.h>
#include <tessera/node.h>
#include <tessera/params.h>
#include <tessera/printk.h>
#include <tessera/rdma/rxe.h>
#include <tessera/rdma/verbs.h>
#include <tessera/sched.h>
#include <tessera/slab.h>
#include <tessera/smp.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <tessera/timer.h>
#include <tessera/wait.h>

static unsigned int fit_nr_pollers = 1;
PARAM_UINT("fit.pollers", fit_nr_pollers, 1, 8,
	   "FIT receive-CQ polling threads");
static unsigned int fit_nr_workers = 2;
PARAM_UINT("fit.workers", fit_nr_workers, 1, 16, "FIT handler threads");
static unsigned int fit_ring_req = 16;
PARAM_UINT("fit.ring_req", fit_ring_req, 1, 32,
	   "FIT receive entries per peer for requests");
static unsigned int fit_ring_rep = 8;
PARAM_UINT("fit.ring_rep", fit_ring_rep, 1, 32,
	   "FIT receive entries per peer for replies");
static unsigned int fit_tx_window = 64;
PARAM_UINT("fit.tx_window", fit_tx_window, 1, 64,
	   "FIT SENDs in flight per peer (8 KiB each)");
static unsigned int fit_spin_us = 200;
PARAM_UINT("fit.spin_us", fit_spin_us, 0, 100000,
	   "FIT pollers busy-poll this long after the last completion");
static unsigned int fit_zc_min = 4096;
PARAM_UINT("fit.zc_min", fit_zc_min, 0, FIT_MAX_MSG,
	   "zero-copy replies: offer reply buffers of at least this many bytes, and answer an offer by RDMA WRITE when the reply is at least this long; 0: never");
static bool fit_inline_cq = true;
PARAM_BOOL("fit.inline_cq", fit_inline_cq,
	   "handle completions in the CQ's completion handler (the rxe thread) when the poller is idle, instead of waking the poller");

#define FIT_MBOX_INFLIGHT	4
#define FIT_SQ_DEPTH		(FIT_NR_STAGE + FIT_MBOX_INFLIGHT + 4)
#define FIT_OS_CHUNK		FIT_SLOT_BYTES

/*
 * wr_id: kind in bits 60..63, node in 48..55, the conn's incarnation in
 * 24..39 (completions of a replaced QP are recognised and dropped), the
 * buffer index below.
 */
enum fit_wr_kind { FIT_WR_RECV = 1, FIT_WR_SEND, FIT_WR_MBOX, FIT_WR_OS };
#define FIT_WR(kind, c, idx)	((u64)(kind) << 60 | \
				 (u64)(c)->peer.node << 48 | \
				 (u64)(c)->incarnation << 24 | (idx))
#define FIT_WR_KIND(id)		((unsigned int)((id) >> 60))
#define FIT_WR_NODE(id)		((unsigned int)((id) >> 48) & 0xff)
#define FIT_WR_INC(id)		((u16)((id) >> 24))
#define FIT_WR_IDX(id)		((u32)(id) & 0xffffffu)

struct fit_poller {
	struct ib_cq *cq;
	struct task *task;
	struct wait_queue_head wq;
	bool kicked;
	/*
	 * One pass over the CQ and the poller's connections at a time: the
	 * poller thread's, or one run from the CQ's completion handler
	 * (fit.inline_cq).
	 */
	spinlock_t pass_lock;
	unsigned long passes;		/* poller thread passes (teardown waits) */
	unsigned long long busy_passes, sleeps, inline_passes;
};

struct fit_work {
	struct fit_conn *conn;
	u64 epoch;			/* the sender's boot when it came */
	struct fit_hdr hdr;
	void *buf;
	const char *reject;		/* non-NULL: answer -EPROTO */
};

struct fit_handler_ent {
	fit_handler_t fn;
	void *ctx;
};

static struct ib_device *fit_dev;
static struct fit_conn *fit_conns[FIT_MAX_NODES];
/* Bit n: fit_conns[n] exists (entries are never freed), for scans. */
static u64 fit_conn_mask;
static struct fit_poller fit_pollers[8];
static struct fit_slot_table fit_slots;
/*
 * Zero-copy replies land in a FIT-owned area per reply slot
 * (FIT_ZC_LAND_BYTES each), never in the caller's buffer: the reply
 * header copies them over while the call waits.  The slot's MR is
 * registered in the protection domain of the peer it is offered to
 * (fit_zc_offer(), one MR per slot so the NIC bounds each offer to its
 * slot) and kept while the slot goes to the same peer, so that no other
 * peer's key reaches it; a reply that comes after its call ended still
 * finds a valid key and harmless memory, and the slot stays quarantined
 * until that reply's header or the end of the peer's QP (engine.c).
 * The MR is replaced only when the slot is offered to another peer, its
 * quarantine over.  Requests up to FIT_ZC_REQ_MAX bytes carry the
 * descriptor.
 */
#define FIT_ZC_LAND_BYTES	8192
static u8 *fit_zc_land;
static struct ib_mr *fit_slot_mr[FIT_NR_SLOTS];	/* the slot's owner's */
#define FIT_ZC_REQ_MAX		256
/* How long a reply waits for a connection still being established. */
#define FIT_REPLY_UP_WAIT_MS	5000
static struct wait_queue_head fit_slot_wq[FIT_NR_SLOTS];
static DECLARE_WAIT_QUEUE_HEAD(fit_slot_free_wq);
static struct fit_handler_ent fit_handlers[FIT_OP_TABLE_SIZE];
static DEFINE_SPINLOCK(fit_handler_lock);
static bool fit_ready;
u64 fit_epoch;
static DEFINE_MUTEX(fit_conns_mutex);	/* allocation of fit_conns[] */

static void *fit_region;
static u64 fit_region_len;

/* Request buffers: preallocated, FIT_MAX_MSG each. */
#define FIT_MAX_BUFS		32
static void *fit_bufs[FIT_MAX_BUFS];
static unsigned int fit_nr_bufs, fit_nr_free_bufs;
static DEFINE_SPINLOCK(fit_buf_lock);

/* Worker queue: at most one item per buffer, plus rejects. */
#define FIT_WORK_MAX		(FIT_MAX_BUFS + FIT_MAX_NODES * FIT_MAX_RING)
static struct fit_work *fit_workq;
static unsigned int fit_work_head, fit_work_count;
static DEFINE_SPINLOCK(fit_work_lock);
static DECLARE_WAIT_QUEUE_HEAD(fit_work_wq);
static struct task *fit_worker_tasks[16];

static unsigned long long fit_proto_rejects;
/* Deadlines moved on for time the node was blind (fit_deadline_ahead()). */
unsigned long long fit_blind_waits;

/* ----------------------------------------------------------- buffer pool */

static void *fit_buf_get(struct fit_peer *p, u32 len)
{
	unsigned long flags;
	void *b = NULL;

	spin_lock_irqsave(&fit_buf_lock, flags);
	if (fit_nr_free_bufs)
		b = fit_bufs[--fit_nr_free_bufs];
	spin_unlock_irqrestore(&fit_buf_lock, flags);
	return b;
}

static void fit_poller_kick(unsigned int i);

static void fit_buf_put(void *b)
{
	unsigned long flags;

	spin_lock_irqsave(&fit_buf_lock, flags);
	fit_bufs[fit_nr_free_bufs++] = b;
	spin_unlock_irqrestore(&fit_buf_lock, flags);
	/*
	 * Parked requests may now proceed: wake the pollers, but only if
	 * some connection has one (a wakeup per handled request would send
	 * the poller spinning for fit.spin_us after every call).  A request
	 * parking just after this check is retried by the poller's next
	 * pass, at the latest one tick later.
	 */
	for (u64 m = __atomic_load_n(&fit_conn_mask, __ATOMIC_ACQUIRE); m;
	     m &= m - 1) {
		struct fit_conn *c = fit_conns[__builtin_ctzll(m)];

		if (READ_ONCE(c->nr_parked)) {
			for (unsigned int j = 0; j < fit_nr_pollers; j++)
				fit_poller_kick(j);
			break;
		}
	}
}

/* ------------------------------------------------------------- transport */

static struct fit_conn *fit_conn_of(struct fit_peer *p)
{
	return container_of(p, struct fit_conn, peer);
}

static int fit_stage_get(struct fit_conn *c)
{
	unsigned long flags;
	int i = -1;

	/*
	 * At most fit.tx_window SENDs in flight: a virtual fabric drops
	 * frames when bursts overrun its socket buffers, and every drop
	 * costs a go-back-N round of the whole window.
	 */
	u64 allowed = fit_tx_window >= 64 ? ~0ull :
		      (1ull << fit_tx_window) - 1;

	spin_lock_irqsave(&c->stage_lock, flags);
	if (~c->stage_busy & allowed) {
		i = __builtin_ctzll(~c->stage_busy & allowed);
		c->stage_busy |= 1ull << i;
	}
	spin_unlock_irqrestore(&c->stage_lock, flags);
	return i;
}

static void fit_stage_put(struct fit_conn *c, unsigned int i)
{
	unsigned long flags;

	spin_lock_irqsave(&c->stage_lock, flags);
	c->stage_busy &= ~(1ull << i);
	spin_unlock_irqrestore(&c->stage_lock, flags);
	wake_up_all(&c->wq);
}

static int fit_op_send(struct fit_peer *p, const struct fit_wire_hdr *w,
		       const void *payload, u32 len)
{
	struct fit_conn *c = fit_conn_of(p);
	const struct ib_send_wr *bad;
	struct ib_send_wr wr = { 0 };
	struct ib_sge sge;
	int i, ret;

	wait_event(c->wq, (i = fit_stage_get(c)) >= 0 || READ_ONCE(c->dead));
	if (i < 0)
		return -EHOSTDOWN;
	memcpy(c->stage + i * FIT_SLOT_BYTES, w, FIT_HDR_BYTES);
	if (len)
		memcpy(c->stage + i * FIT_SLOT_BYTES + FIT_HDR_BYTES, payload,
		       len);
	sge.addr = (uintptr_t)(c->stage + i * FIT_SLOT_BYTES);
	sge.length = FIT_HDR_BYTES + len;
	sge.lkey = c->stage_mr->lkey;
	wr.wr_id = FIT_WR(FIT_WR_SEND, c, i);
	wr.sg_list = &sge;
	wr.num_sge = 1;
	wr.opcode = IB_WR_SEND;
	wr.send_flags = IB_SEND_SIGNALED;
	ret = ib_post_send(c->qp, &wr, &bad);
	if (ret)
		fit_stage_put(c, i);
	return ret;
}

static int fit_post_mbox(struct fit_conn *c, u16 req, u16 rep)
{
	struct fit_credit_mbox *src = &c->mbox[1];
	const struct ib_send_wr *bad;
	struct ib_send_wr wr = { 0 };
	struct ib_sge sge;
	u64 v;
	int ret;

	if (atomic_inc_return(&c->mbox_inflight) > FIT_MBOX_INFLIGHT) {
		/* Cumulative: the write in flight's completion resends. */
		atomic_dec(&c->mbox_inflight);
		WRITE_ONCE(c->mbox_dirty, true);
		return 0;
	}
	/* One aligned 8-byte store: the source is never seen torn. */
	v = (u64)req | (u64)rep << 16 | (u64)(++c->mbox_seq) << 32;
	WRITE_ONCE(*(u64 *)src, v);
	sge.addr = (uintptr_t)src;
	sge.length = sizeof(*src);
	sge.lkey = c->mbox_mr->lkey;
	wr.wr_id = FIT_WR(FIT_WR_MBOX, c, 0);
	wr.sg_list = &sge;
	wr.num_sge = 1;
	wr.opcode = IB_WR_RDMA_WRITE;
	wr.send_flags = IB_SEND_SIGNALED;
	wr.rdma.remote_addr = c->rmbox_addr;
	wr.rdma.rkey = c->rmbox_rkey;
	ret = ib_post_send(c->qp, &wr, &bad);
	if (ret)
		atomic_dec(&c->mbox_inflight);
	return ret;
}

static int fit_op_write_credits(struct fit_peer *p, u16 req, u16 rep)
{
	return fit_post_mbox(fit_conn_of(p), req, rep);
}

static const struct fit_transport_ops fit_verbs_ops = {
	.send = fit_op_send,
	.write_credits = fit_op_write_credits,
	.get_buf = fit_buf_get,
};

/* Read the peer's latest mailbox write into our credits. */
static void fit_check_mbox(struct fit_conn *c)
{
	u64 v = READ_ONCE(*(u64 *)&c->mbox[0]);

	if (v >> 32)
		fit_rx_mailbox(&c->peer, (u16)v, (u16)(v >> 16));
}

static int fit_post_recv(struct fit_conn *c, u32 idx)
{
	const struct ib_recv_wr *bad;
	struct ib_recv_wr wr = { 0 };
	struct ib_sge sge = {
		.addr = (uintptr_t)(c->ring + idx * FIT_SLOT_BYTES),
		.length = FIT_SLOT_BYTES,
		.lkey = c->ring_mr->lkey,
	};

	wr.wr_id = FIT_WR(FIT_WR_RECV, c, idx);
	wr.sg_list = &sge;
	wr.num_sge = 1;
	return ib_post_recv(c->qp, &wr, &bad);
}

/* ------------------------------------------------------------ peer death */

void fit_conn_fail(struct fit_conn *c, int err, const char *why)
{
	unsigned int failed;
	unsigned long flags;
	bool was;

	spin_lock_irqsave(&c->peer.lock, flags);
	was = c->peer.up;
	c->peer.up = false;
	c->dead = true;
	if (c->state != FIT_CONN_IDLE)
		c->state = FIT_CONN_DEAD;
	spin_unlock_irqrestore(&c->peer.lock, flags);
	if (was)
		pr_warn("fit: node %u down: %s\n", c->peer.node, why);
	failed = fit_slot_fail_peer(&fit_slots, c->peer.node, err);
	if (failed) {
		for (unsigned int i = 0; i < FIT_NR_SLOTS; i++)
			wake_up_all(&fit_slot_wq[i]);
	}
	wake_up_all(&c->wq);
	if (!c->loopback)
		fit_member_kick();
}

/* --------------------------------------------------------------- workers */

static bool fit_work_push(const struct fit_work *w)
{
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&fit_work_lock, flags);
	ok = fit_work_count < FIT_WORK_MAX;
	if (ok)
		fit_workq[(fit_work_head + fit_work_count++) % FIT_WORK_MAX] = *w;
	spin_unlock_irqrestore(&fit_work_lock, flags);
	if (ok)
		wake_up(&fit_work_wq);
	return ok;
}

static bool fit_work_pop(struct fit_work *w)
{
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&fit_work_lock, flags);
	ok = fit_work_count > 0;
	if (ok) {
		*w = fit_workq[fit_work_head];
		fit_work_head = (fit_work_head + 1) % FIT_WORK_MAX;
		fit_work_count--;
	}
	spin_unlock_irqrestore(&fit_work_lock, flags);
	return ok;
}

/*
 * The data of a zero-copy reply: RDMA WRITEs of up to FIT_SLOT_BYTES
 * through the staging buffers (registered; the handler's memory is not)
 * into the caller's buffer.  0 or -errno.
 */
static int fit_zc_write(struct fit_conn *c, const struct fit_request *rq,
			const void *data, u32 len)
{
	for (u32 off = 0; off < len; ) {
		u32 chunk = min_t(u32, len - off, FIT_SLOT_BYTES);
		const struct ib_send_wr *bad;
		struct ib_send_wr wr = { 0 };
		struct ib_sge sge;
		int i, ret;

		wait_event(c->wq, (i = fit_stage_get(c)) >= 0 ||
			   READ_ONCE(c->dead));
		if (i < 0)
			return -EHOSTDOWN;
		memcpy(c->stage + i * FIT_SLOT_BYTES, (const u8 *)data + off,
		       chunk);
		sge.addr = (uintptr_t)(c->stage + i * FIT_SLOT_BYTES);
		sge.length = chunk;
		sge.lkey = c->stage_mr->lkey;
		wr.wr_id = FIT_WR(FIT_WR_SEND, c, i);
		wr.sg_list = &sge;
		wr.num_sge = 1;
		wr.opcode = IB_WR_RDMA_WRITE;
		wr.send_flags = IB_SEND_SIGNALED;
		wr.rdma.remote_addr = rq->zc_addr + off;
		wr.rdma.rkey = rq->zc_rkey;
		ret = ib_post_send(c->qp, &wr, &bad);
		if (ret) {
			fit_stage_put(c, i);
			return ret;
		}
		off += chunk;
	}
	return 0;
}

static int fit_send_reply(struct fit_conn *c, const struct fit_request *rq,
			  const void *data, u32 len, int err)
{
	/*
	 * Short replies go the ordinary way even when offered a buffer: a
	 * WRITE plus a header is two packets where one carries them.
	 */
	bool zc = !err && rq->zc && fit_zc_min && len >= fit_zc_min &&
		  len <= rq->zc_len;
	struct fit_tx tx;
	int ret;

	if (zc) {
		/* The data first; the header follows it on the same QP. */
		ret = fit_zc_write(c, rq, data, len);
		if (ret)
			return ret;
	}
	fit_tx_init(&tx, node_id, c->peer.node, rq->opcode,
		    FIT_F_REPLY | (err ? FIT_F_ERROR : 0) | (zc ? FIT_F_ZC : 0),
		    rq->slot, rq->gen, err || zc ? NULL : data,
		    err || zc ? 0 : len);
	if (zc)
		tx.hdr.total_len = len;
	tx.hdr.status = err ? (u16)-err : 0;
	mutex_lock(&c->tx_mutex[FIT_CLASS_REP]);
	while ((ret = fit_tx_push(&c->peer, &tx)) == -EAGAIN) {
		u64 t0 = ktime_get();

		wait_event_timeout(c->wq, (fit_check_mbox(c),
			fit_credit_avail(&c->peer.tx[FIT_CLASS_REP]) > 0) ||
			READ_ONCE(c->dead), 1);
		__atomic_fetch_add(&c->peer.stats.credit_wait_ns,
				   ktime_get() - t0, __ATOMIC_RELAXED);
	}
	mutex_unlock(&c->tx_mutex[FIT_CLASS_REP]);
	if (!ret) {
		unsigned long flags;

		spin_lock_irqsave(&c->peer.lock, flags);
		c->peer.stats.replies_sent++;
		if (zc) {
			c->peer.stats.zc_replies_tx++;
			c->peer.stats.tx_bytes += len;
		}
		spin_unlock_irqrestore(&c->peer.lock, flags);
	}
	return ret;
}

static struct fit_conn *fit_conn_get(u16 node);
static void fit_conn_put(struct fit_conn *c);

static void fit_inproc_reply(struct fit_request *rq, const void *data,
			     u32 len, int err);

static int fit_reply_common(struct fit_request *rq, const void *data,
			    u32 len, int err)
{
	struct fit_conn *c;
	int ret;

	rq->replied = true;
	if (rq->inproc) {
		fit_inproc_reply(rq, data, len, err);
		return 0;
	}
	/*
	 * A request can arrive before our end of the handshake is done:
	 * the peer sends once it has our REP, and its RTU (which moves our
	 * QP to RTS and the connection up) may still be on the way or lost
	 * and resent.  Completions handled straight from the receive path
	 * see such a request early; its reply waits for the connection to
	 * come up instead of being dropped.
	 */
	c = rq->src_node < FIT_MAX_NODES ?
	    smp_load_acquire(&fit_conns[rq->src_node]) : NULL;
	if (c && READ_ONCE(c->state) == FIT_CONN_CONNECTING)
		wait_event_timeout(c->wq,
				   READ_ONCE(c->state) != FIT_CONN_CONNECTING,
				   msecs_to_jiffies(FIT_REPLY_UP_WAIT_MS));
	c = fit_conn_get(rq->src_node);
	if (!c)
		return -EHOSTDOWN;
	ret = fit_send_reply(c, rq, data, len, err);
	fit_conn_put(c);
	return ret;
}

int fit_reply(struct fit_request *rq, const void *data, u32 len)
{
	if (rq->oneway || rq->replied)
		return -EINVAL;
	if (len > FIT_MAX_MSG)
		return -EMSGSIZE;
	return fit_reply_common(rq, data, len, 0);
}

int fit_reply_error(struct fit_request *rq, int err)
{
	if (rq->oneway || rq->replied || err >= 0 || err < -4095)
		return -EINVAL;
	return fit_reply_common(rq, NULL, 0, err);
}

static void fit_run_work(struct fit_work *w)
{
	struct fit_request rq = {
		.src_node = w->hdr.src_node,
		.src_epoch = w->epoch,
		.opcode = w->hdr.opcode,
		.oneway = w->hdr.flags & FIT_F_ONEWAY,
		.data = w->buf,
		.len = w->hdr.total_len,
		.slot = w->hdr.slot,
		.gen = w->hdr.gen,
	};
	struct fit_handler_ent h;
	unsigned long flags;

	if (!w->reject && (w->hdr.flags & FIT_F_ZC)) {
		const struct fit_zc_desc *d = (const void *)
			((const u8 *)w->buf + rq.len - FIT_ZC_DESC_BYTES);

		rq.len -= FIT_ZC_DESC_BYTES;
		rq.zc = true;
		rq.zc_addr = fit_get_le64(&d->addr);
		rq.zc_rkey = fit_get_le32(&d->rkey);
		rq.zc_len = fit_get_le32(&d->len);
	}
	if (w->reject) {
		if (!rq.oneway)
			fit_reply_error(&rq, -EPROTO);
		goto out;
	}
	spin_lock_irqsave(&fit_handler_lock, flags);
	h = fit_handlers[rq.opcode];
	spin_unlock_irqrestore(&fit_handler_lock, flags);
	if (h.fn)
		h.fn(&rq, h.ctx);
	else if (!rq.oneway)
		fit_reply_error(&rq, -EOPNOTSUPP);
	if (!rq.oneway && !rq.replied)
		fit_reply(&rq, NULL, 0);
out:
	if (w->buf)
		fit_buf_put(w->buf);
}

static int fit_worker_fn(void *arg)
{
	struct fit_work w;

	while (!kthread_should_stop()) {
		wait_event_timeout(fit_work_wq, READ_ONCE(fit_work_count) ||
				   kthread_should_stop(), HZ);
		while (fit_work_pop(&w))
			fit_run_work(&w);
	}
	return 0;
}

/* --------------------------------------------------------------- pollers */

static void fit_poller_kick(unsigned int i)
{
	WRITE_ONCE(fit_pollers[i].kicked, true);
	wake_up(&fit_pollers[i].wq);
}

static bool fit_poll_pass(struct fit_poller *pl, unsigned int me);

/*
 * A completion arrived on an armed CQ.  Waking the poller thread costs
 * a thread switch per message on each side of a call (rxe thread ->
 * poller -> waiter or worker); while the poller is not in a pass, do
 * the pass here, in the completion handler's thread, and re-arm.  A
 * busy poller (lock taken) gets a kick instead.  Nothing in a pass
 * sleeps.
 */
static void fit_cq_event(struct ib_cq *cq, void *ctx)
{
	unsigned int me = (uintptr_t)ctx;
	struct fit_poller *pl = &fit_pollers[me];

	if (!READ_ONCE(fit_inline_cq) || !spin_trylock(&pl->pass_lock)) {
		fit_poller_kick(me);
		return;
	}
	do {
		while (fit_poll_pass(pl, me))
			;
	} while (ib_req_notify_cq(pl->cq, IB_CQ_NEXT_COMP |
				  IB_CQ_REPORT_MISSED_EVENTS) > 0);
	pl->inline_passes++;
	spin_unlock(&pl->pass_lock);
}

/* Handle one received entry; false if it parked. */
static bool fit_handle_rx(struct fit_conn *c, u32 idx, u32 len, bool hold)
{
	enum fit_class cls = fit_rx_class(c->ring + idx * FIT_SLOT_BYTES, len);
	struct fit_work w = { .conn = c, .epoch = READ_ONCE(c->peer_epoch) };
	struct fit_rx rx;

	fit_rx_process(&c->peer, &fit_slots, node_id,
		       c->ring + idx * FIT_SLOT_BYTES, len, hold, &rx);
	switch (rx.action) {
	case FIT_RX_PARK:
		return false;
	case FIT_RX_WAKE:
		wake_up_all(&fit_slot_wq[rx.slot]);
		break;
	case FIT_RX_DISPATCH:
		w.hdr = rx.hdr;
		w.buf = rx.buf;
		if (!fit_work_push(&w))
			fit_buf_put(rx.buf);
		break;
	case FIT_RX_REJECT:
		fit_proto_rejects++;
		pr_warn_once("fit: rejected a message from node %u: %s\n",
			     c->peer.node, rx.why);
		if (rx.hdr_valid) {
			w.hdr = rx.hdr;
			w.buf = rx.buf;
			w.reject = rx.why;
			if (fit_work_push(&w))
				break;
		}
		if (rx.buf)
			fit_buf_put(rx.buf);
		break;
	case FIT_RX_FATAL:
		if (rx.buf)
			fit_buf_put(rx.buf);
		fit_conn_fail(c, -EPROTO, rx.why);
		return true;
	case FIT_RX_DONE:
		if (rx.slot_freed)
			wake_up(&fit_slot_free_wq);
		break;
	}
	if (!fit_post_recv(c, idx))
		fit_rx_freed(&c->peer, cls);
	return true;
}

static void fit_handle_wc(struct fit_poller *pl, const struct ib_wc *wc)
{
	unsigned int node = FIT_WR_NODE(wc->wr_id);
	struct fit_conn *c = node < FIT_MAX_NODES ? fit_conns[node] : NULL;
	u32 idx = FIT_WR_IDX(wc->wr_id);

	if (!c || FIT_WR_INC(wc->wr_id) != READ_ONCE(c->incarnation))
		return;		/* a completion of a replaced QP */
	if (wc->status != IB_WC_SUCCESS) {
		if (FIT_WR_KIND(wc->wr_id) == FIT_WR_SEND)
			fit_stage_put(c, idx);
		if (FIT_WR_KIND(wc->wr_id) == FIT_WR_OS) {
			WRITE_ONCE(c->os_status, -EIO);
			wake_up_all(&c->wq);
		}
		if (wc->status != IB_WC_WR_FLUSH_ERR || !c->dead)
			fit_conn_fail(c, -EHOSTDOWN,
				      ib_wc_status_msg(wc->status));
		return;
	}
	switch (FIT_WR_KIND(wc->wr_id)) {
	case FIT_WR_RECV:
		if (READ_ONCE(c->dead))
			break;	/* teardown resets the ring */
		/*
		 * Requests queue behind a parked one; replies never wait
		 * (a reply stuck behind a request that waits for a buffer
		 * held by a handler that waits for reply credits is a
		 * cycle between two nodes).
		 */
		if (!fit_handle_rx(c, idx, wc->byte_len, c->nr_parked > 0)) {
			unsigned int t = (c->parked_head + c->nr_parked++) %
					 FIT_MAX_RING;

			c->parked[t] = idx;
			c->parked_len[t] = wc->byte_len;
		}
		break;
	case FIT_WR_SEND:
		fit_stage_put(c, idx);
		break;
	case FIT_WR_MBOX:
		atomic_dec(&c->mbox_inflight);
		if (READ_ONCE(c->mbox_dirty)) {
			WRITE_ONCE(c->mbox_dirty, false);
			fit_post_mbox(c, c->peer.rx[FIT_CLASS_REQ].freed,
				      c->peer.rx[FIT_CLASS_REP].freed);
		}
		break;
	case FIT_WR_OS:
		WRITE_ONCE(c->os_status, 0);
		wake_up_all(&c->wq);
		break;
	}
}

/*
 * Retry parked entries in order.  The head parks again while no buffer
 * is free; replies never park, so only requests wait here.
 */
static bool fit_retry_parked(struct fit_conn *c)
{
	bool progress = false;

	while (c->nr_parked) {
		unsigned int h = c->parked_head;

		if (!fit_handle_rx(c, c->parked[h], c->parked_len[h], false))
			break;
		c->parked_head = (h + 1) % FIT_MAX_RING;
		c->nr_parked--;
		progress = true;
	}
	return progress;
}

/*
 * One pass: drain up to 16 completions, retry parked entries, read the
 * credit mailboxes and wake senders waiting on them.  Under
 * pl->pass_lock; never sleeps.  True if anything happened.
 */
static bool fit_poll_pass(struct fit_poller *pl, unsigned int me)
{
	bool progress = false;
	struct ib_wc wc[16];
	int n;

	n = ib_poll_cq(pl->cq, ARRAY_SIZE(wc), wc);
	for (int i = 0; i < n; i++)
		fit_handle_wc(pl, &wc[i]);
	for (u64 m = __atomic_load_n(&fit_conn_mask, __ATOMIC_ACQUIRE); m;
	     m &= m - 1) {
		struct fit_conn *c = fit_conns[__builtin_ctzll(m)];

		if (c->poller != me || READ_ONCE(c->dead))
			continue;
		if (c->nr_parked)
			progress |= fit_retry_parked(c);
		fit_check_mbox(c);
		if (waitqueue_active(&c->wq))
			wake_up_all(&c->wq);
	}
	return n > 0 || progress;
}

static int fit_poller_fn(void *arg)
{
	unsigned int me = (uintptr_t)arg;
	struct fit_poller *pl = &fit_pollers[me];
	u64 last = ktime_get();

	while (!kthread_should_stop()) {
		bool busy;

		spin_lock(&pl->pass_lock);
		busy = fit_poll_pass(pl, me);
		spin_unlock(&pl->pass_lock);
		WRITE_ONCE(pl->passes, pl->passes + 1);
		if (busy) {
			last = ktime_get();
			pl->busy_passes++;
			cond_resched();
			continue;
		}
		if (ktime_get() - last < (u64)fit_spin_us * 1000) {
			cond_resched();
			continue;
		}
		/* Idle: arm the CQ and sleep until an event or a tick. */
		WRITE_ONCE(pl->kicked, false);
		if (ib_req_notify_cq(pl->cq, IB_CQ_NEXT_COMP |
				     IB_CQ_REPORT_MISSED_EVENTS) > 0)
			continue;
		pl->sleeps++;
		wait_event_timeout(pl->wq, READ_ONCE(pl->kicked) ||
				   kthread_should_stop(), 1);
		last = ktime_get();
	}
	return 0;
}

/* ----------------------------------------------------------- connections */

static void *fit_alloc_region(size_t bytes)
{
	unsigned long a = __get_free_pages(GFP_KERNEL, get_order(bytes));

	if (a)
		memset((void *)a, 0, bytes);
	return (void *)a;
}

static void fit_free_region(void *p, size_t bytes)
{
	if (p)
		free_pages((unsigned long)p, get_order(bytes));
}

/* The exported region's MR for @c's peer, in its domain: 0 or -errno. */
static int fit_conn_reg_region(struct fit_conn *c)
{
	struct ib_mr *mr = ib_reg_mr(c->pd, fit_region, fit_region_len,
				     IB_ACCESS_LOCAL_WRITE |
				     IB_ACCESS_REMOTE_READ |
				     IB_ACCESS_REMOTE_WRITE);

	if (IS_ERR(mr))
		return PTR_ERR(mr);
	c->region_mr = mr;
	return 0;
}

/* Allocate and register @node's buffers; no QP yet (state IDLE). */
static struct fit_conn *fit_conn_alloc(u16 node)
{
	const int rw = IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE_WRITE |
		       IB_ACCESS_REMOTE_READ;
	size_t stage_bytes = (FIT_NR_STAGE + 1) * FIT_SLOT_BYTES;
	struct fit_conn *c;
	size_t ring_bytes;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return NULL;
	fit_peer_init(&c->peer, node, &fit_verbs_ops, NULL, fit_ring_req,
		      fit_ring_rep);
	spin_lock_init(&c->stage_lock);
	init_waitqueue_head(&c->wq);
	mutex_init(&c->os_mutex);
	mutex_init(&c->tx_mutex[FIT_CLASS_REQ]);
	mutex_init(&c->tx_mutex[FIT_CLASS_REP]);
	atomic_set(&c->users, 0);
	c->dead = true;
	c->nr_ring = fit_ring_req + fit_ring_rep;
	c->poller = node % fit_nr_pollers;
	ring_bytes = c->nr_ring * FIT_SLOT_BYTES;
	c->ring = fit_alloc_region(ring_bytes);
	c->stage = fit_alloc_region(stage_bytes);
	c->mbox = fit_alloc_region(PAGE_SIZE);
	if (!c->ring || !c->stage || !c->mbox)
		goto err_free;
	c->os_buf = c->stage + FIT_NR_STAGE * FIT_SLOT_BYTES;
	c->pd = ib_alloc_pd(fit_dev);
	if (IS_ERR(c->pd))
		goto err_free;
	c->ring_mr = ib_reg_mr(c->pd, c->ring, ring_bytes,
			       IB_ACCESS_LOCAL_WRITE);
	if (IS_ERR(c->ring_mr))
		goto err_pd;
	c->stage_mr = ib_reg_mr(c->pd, c->stage, stage_bytes,
				IB_ACCESS_LOCAL_WRITE);
	if (IS_ERR(c->stage_mr))
		goto err_ring_mr;
	c->mbox_mr = ib_reg_mr(c->pd, c->mbox, PAGE_SIZE, rw);
	if (IS_ERR(c->mbox_mr))
		goto err_stage_mr;
	/* fit_conns_mutex held: fit_export_region() cannot run now. */
	if (fit_region && fit_conn_reg_region(c))
		goto err_mbox_mr;
	return c;

err_mbox_mr:
	ib_dereg_mr(c->mbox_mr);
err_stage_mr:
	ib_dereg_mr(c->stage_mr);
err_ring_mr:
	ib_dereg_mr(c->ring_mr);
err_pd:
	ib_dealloc_pd(c->pd);
err_free:
	fit_free_region(c->mbox, PAGE_SIZE);
	fit_free_region(c->stage, stage_bytes);
	fit_free_region(c->ring, ring_bytes);
	kfree(c);
	pr_err("fit: no memory for a connection to node %u\n", node);
	return NULL;
}

struct fit_conn *fit_conn_lookup(u16 node)
{
	return node < FIT_MAX_NODES ? READ_ONCE(fit_conns[node]) : NULL;
}

struct fit_conn *fit_conn_ensure(u16 node)
{
	struct fit_conn *c;

	if (node >= FIT_MAX_NODES)
		return NULL;
	mutex_lock(&fit_conns_mutex);
	c = fit_conns[node];
	if (!c) {
		c = fit_conn_alloc(node);
		if (c) {
			smp_store_release(&fit_conns[node], c);
			__atomic_fetch_or(&fit_conn_mask, 1ull << node,
					  __ATOMIC_RELEASE);
		}
	}
	mutex_unlock(&fit_conns_mutex);
	return c;
}

static void fit_qp_init_attr(struct fit_conn *c, struct ib_qp_init_attr *init)
{
	memset(init, 0, sizeof(*init));
	init->cap.max_send_wr = FIT_SQ_DEPTH;
	init->cap.max_recv_wr = FIT_MAX_RING;
	init->cap.max_send_sge = 1;
	init->cap.max_recv_sge = 1;
	init->sq_sig_type = IB_SIGNAL_ALL_WR;
	init->qp_type = IB_QPT_RC;
	init->send_cq = init->recv_cq = fit_pollers[c->poller].cq;
}

/* Post every ring entry and describe our half; the QP is in INIT. */
static int fit_conn_post_ring(struct fit_conn *c, struct fit_cm_info *local)
{
	for (u32 i = 0; i < c->nr_ring; i++) {
		int ret = fit_post_recv(c, i);

		if (ret)
			return ret;
	}
	memset(local, 0, sizeof(*local));
	local->role = fit_role_of_node();
	local->node = node_id;
	local->dst_node = c->peer.node;
	local->ring_entries = c->nr_ring;
	local->req_credits = fit_ring_req;
	local->epoch = fit_epoch;
	local->mbox_addr = (uintptr_t)&c->mbox[0];
	local->mbox_rkey = c->mbox_mr->rkey;
	if (c->region_mr) {
		local->region_rkey = c->region_mr->rkey;
		local->region_addr = (uintptr_t)fit_region;
		local->region_len = fit_region_len;
	}
	return 0;
}

int fit_conn_attach(struct fit_conn *c, struct rdma_cm_id *id,
		    struct fit_cm_info *local)
{
	struct ib_qp_init_attr init;
	unsigned long flags;
	int ret;

	if (c->state != FIT_CONN_IDLE || c->qp)
		return -EBUSY;
	fit_qp_init_attr(c, &init);
	ret = rdma_create_qp(id, c->pd, &init);
	if (ret)
		return ret;
	spin_lock_irqsave(&c->peer.lock, flags);
	c->qp = id->qp;
	c->cm_id = id;
	c->dead = false;
	c->state = FIT_CONN_CONNECTING;
	spin_unlock_irqrestore(&c->peer.lock, flags);
	ret = fit_conn_post_ring(c, local);
	if (ret)
		fit_conn_fail(c, -EHOSTDOWN, "cannot post receives");
	return ret;
}

int fit_conn_set_remote(struct fit_conn *c, const struct fit_cm_info *r)
{
	unsigned long flags;

	if (r->req_credits == 0 || r->req_credits >= r->ring_entries ||
	    r->ring_entries > FIT_MAX_RING || r->node != c->peer.node)
		return -EPROTO;
	c->rmbox_addr = r->mbox_addr;
	c->rmbox_rkey = r->mbox_rkey;
	c->rregion_addr = r->region_addr;
	c->rregion_len = r->region_len;
	c->rregion_rkey = r->region_rkey;
	spin_lock_irqsave(&c->peer.lock, flags);
	c->role = r->role;
	c->peer_epoch = r->epoch;
	c->peer.tx[FIT_CLASS_REQ].limit = r->req_credits;
	c->peer.tx[FIT_CLASS_REP].limit = r->ring_entries - r->req_credits;
	spin_unlock_irqrestore(&c->peer.lock, flags);
	return 0;
}

void fit_conn_set_up(struct fit_conn *c)
{
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&c->peer.lock, flags);
	ok = c->state == FIT_CONN_CONNECTING;
	if (ok) {
		c->state = FIT_CONN_UP;
		c->up_since = jiffies;
		c->peer.up = true;
	}
	spin_unlock_irqrestore(&c->peer.lock, flags);
	if (ok)
		wake_up_all(&c->wq);
}

/* Wait until every poller has finished two passes from now. */
static void fit_pollers_quiesce(void)
{
	unsigned long start[ARRAY_SIZE(fit_pollers)];

	for (unsigned int i = 0; i < fit_nr_pollers; i++) {
		start[i] = READ_ONCE(fit_pollers[i].passes);
		fit_poller_kick(i);
	}
	for (unsigned int i = 0; i < fit_nr_pollers; i++)
		while (READ_ONCE(fit_pollers[i].passes) - start[i] < 2) {
			fit_poller_kick(i);
			msleep(1);
		}
}

/* The live QP's retransmission counters plus those of earlier QPs. */
static void fit_conn_retrans(struct fit_conn *c, struct fit_retrans *r)
{
	struct ib_qp_attr a;
	unsigned long flags;

	spin_lock_irqsave(&c->peer.lock, flags);
	r->retransmits = c->peer.stats.retransmits;
	r->pkts = c->peer.stats.retrans_pkts;
	r->ack_timeouts = c->peer.stats.ack_timeouts;
	if (c->qp && !c->qp_folded && !ib_query_qp(c->qp, &a)) {
		r->retransmits += a.retransmits;
		r->pkts += a.retransmitted_pkts;
		r->ack_timeouts += a.ack_timeouts;
	}
	spin_unlock_irqrestore(&c->peer.lock, flags);
}

void fit_peer_retrans(u16 node, struct fit_retrans *r)
{
	struct fit_conn *c = fit_conn_lookup(node);

	memset(r, 0, sizeof(*r));
	if (c)
		fit_conn_retrans(c, r);
}

/* Keep the counters of a QP about to be destroyed (peer.stats). */
static void fit_conn_fold_retrans(struct fit_conn *c)
{
	struct ib_qp_attr a;
	unsigned long flags;

	spin_lock_irqsave(&c->peer.lock, flags);
	if (c->qp && !c->qp_folded && !ib_query_qp(c->qp, &a)) {
		c->peer.stats.retransmits += a.retransmits;
		c->peer.stats.retrans_pkts += a.retransmitted_pkts;
		c->peer.stats.ack_timeouts += a.ack_timeouts;
	}
	c->qp_folded = true;
	spin_unlock_irqrestore(&c->peer.lock, flags);
}

void fit_conn_teardown(struct fit_conn *c)
{
	struct ib_qp_attr a = { .qp_state = IB_QPS_ERR };
	struct rdma_cm_id *id;
	unsigned long flags;

	fit_conn_fail(c, -EHOSTDOWN, "torn down");
	if (c->qp)
		ib_modify_qp(c->qp, &a, IB_QP_STATE);
	/* Callers see peer.up false and leave; blocked ones were woken. */
	while (atomic_read(&c->users)) {
		wake_up_all(&c->wq);
		msleep(1);
	}
	fit_pollers_quiesce();
	fit_conn_fold_retrans(c);
	id = c->cm_id;
	if (id)
		rdma_destroy_id(id);	/* destroys the QP too */
	else if (c->qp)
		ib_destroy_qp(c->qp);
	fit_pollers_quiesce();
	/* No late reply of the old QP can land now: end its quarantines. */
	if (fit_slot_peer_reset(&fit_slots, c->peer.node))
		wake_up_all(&fit_slot_free_wq);

	/* Nothing refers to the old QP's buffers now: reset them. */
	if (c->peer.reasm.buf)
		fit_buf_put(c->peer.reasm.buf);
	fit_peer_reset(&c->peer, fit_ring_req, fit_ring_rep);
	c->parked_head = 0;
	c->nr_parked = 0;
	spin_lock_irqsave(&c->stage_lock, flags);
	c->stage_busy = 0;
	spin_unlock_irqrestore(&c->stage_lock, flags);
	memset(c->mbox, 0, 2 * sizeof(*c->mbox));
	atomic_set(&c->mbox_inflight, 0);
	c->os_status = 0;
	spin_lock_irqsave(&c->peer.lock, flags);
	c->mbox_dirty = false;
	c->mbox_seq = 0;
	c->rmbox_rkey = 0;
	c->rregion_rkey = 0;
	c->rregion_len = 0;
	if (c->qp)
		c->peer.stats.rebuilds++;
	c->qp = NULL;
	c->qp_folded = false;
	c->cm_id = NULL;
	c->incarnation++;
	c->state = FIT_CONN_IDLE;
	spin_unlock_irqrestore(&c->peer.lock, flags);
}

/*
 * Loopback only: move @c's QP INIT -> RTR -> RTS towards itself (the
 * CM is not involved when a node talks to itself).
 */
static int fit_conn_connect(struct fit_conn *c, const struct fit_cm_info *l,
			    u32 ip)
{
	struct ib_qp_attr a = { 0 };
	int ret;

	a.qp_state = IB_QPS_RTR;
	a.path_mtu = fit_dev->attrs.max_mtu;
	a.dest_qp_num = c->qp->qp_num;
	a.rq_psn = 0x1000 + c->peer.node;
	a.max_dest_rd_atomic = 16;
	a.min_rnr_timer = 1;
	ib_gid_from_ipv4(&a.ah_attr.dgid, ip);
	ret = ib_modify_qp(c->qp, &a, IB_QP_STATE | IB_QP_AV | IB_QP_PATH_MTU |
			   IB_QP_DEST_QPN | IB_QP_RQ_PSN |
			   IB_QP_MAX_DEST_RD_ATOMIC | IB_QP_MIN_RNR_TIMER);
	if (ret)
		return ret;
	memset(&a, 0, sizeof(a));
	a.qp_state = IB_QPS_RTS;
	a.sq_psn = 0x1000 + c->peer.node;
	a.timeout = 14;
	a.retry_cnt = 7;
	a.rnr_retry = 7;
	a.max_rd_atomic = 16;
	ret = ib_modify_qp(c->qp, &a, IB_QP_STATE | IB_QP_SQ_PSN |
			   IB_QP_TIMEOUT | IB_QP_RETRY_CNT | IB_QP_RNR_RETRY |
			   IB_QP_MAX_QP_RD_ATOMIC);
	if (ret)
		return ret;
	ret = fit_conn_set_remote(c, l);
	if (!ret)
		fit_conn_set_up(c);
	return ret;
}

/*
 * Loopback: connect this node to itself over rxe0 (one QP whose peer is
 * itself), so that a single node can exercise the whole stack.
 */
int fit_connect_self(void)
{
	struct ib_qp_attr a = { .qp_state = IB_QPS_INIT,
		.qp_access_flags = IB_ACCESS_REMOTE_WRITE |
				   IB_ACCESS_REMOTE_READ };
	struct ib_qp_init_attr init;
	struct fit_cm_info local;
	struct fit_conn *c;
	struct ib_qp *qp;
	unsigned long flags;
	int ret;

	if (!fit_ready)
		return -ENODEV;
	c = fit_conn_ensure(node_id);
	if (!c)
		return -ENOMEM;
	if (c->state != FIT_CONN_IDLE)
		return c->peer.up ? 0 : -EHOSTDOWN;
	c->loopback = true;
	fit_qp_init_attr(c, &init);
	qp = ib_create_qp(c->pd, &init);
	if (IS_ERR(qp))
		return PTR_ERR(qp);
	ret = ib_modify_qp(qp, &a, IB_QP_STATE | IB_QP_ACCESS_FLAGS);
	if (ret) {
		ib_destroy_qp(qp);
		return ret;
	}
	spin_lock_irqsave(&c->peer.lock, flags);
	c->qp = qp;
	c->dead = false;
	c->state = FIT_CONN_CONNECTING;
	spin_unlock_irqrestore(&c->peer.lock, flags);
	ret = fit_conn_post_ring(c, &local);
	if (!ret) {
		/* Our own half is the peer's: node ids name us twice. */
		local.node = node_id;
		ret = fit_conn_connect(c, &local, rxe_net_dev()->ip);
	}
	if (ret)
		fit_conn_fail(c, -EHOSTDOWN, "loopback connect failed");
	return ret;
}

/* ------------------------------------------------------------ in-process */

/*
 * A call to this node's own id while no loopback connection exists (no
 * NIC, or nothing called fit_connect_self(): local mode) is served in
 * the caller's thread: the handler of the same table gets the caller's
 * request buffer, and its reply is copied into the caller's reply
 * buffer (a reply longer than that is -EMSGSIZE, an error reply -err,
 * an unknown opcode -EOPNOTSUPP, no reply an empty one: what the wire
 * gives).  No slot, credit, buffer or worker is involved, so it works
 * before and without fit_init(), and a handler may call this node again
 * (the memory service reading a file from the storage service of the
 * same node).  Counted as peer node_id's calls (fit_peer_stats_get(),
 * fit_dump_stats()).  Once the loopback QP exists, self calls take it:
 * processor.memory_node=self tests the wire on one machine.
 */
struct fit_inproc {
	void *reply;
	u32 max;
	int result;		/* reply length or -errno */
};

static struct fit_peer_stats fit_inproc_stats;	/* under fit_inproc_lock */
static DEFINE_SPINLOCK(fit_inproc_lock);

static bool fit_inproc_target(u16 node)
{
	return node == node_id && node < FIT_MAX_NODES &&
	       !smp_load_acquire(&fit_conns[node]);
}

static void fit_inproc_reply(struct fit_request *rq, const void *data,
			     u32 len, int err)
{
	struct fit_inproc *ip = rq->inproc;

	if (err) {
		ip->result = err;
	} else if (len > ip->max) {
		ip->result = -EMSGSIZE;
	} else {
		if (len && data != ip->reply)
			memmove(ip->reply, data, len);
		ip->result = len;
	}
}

void *fit_reply_buffer(struct fit_request *rq, u32 len)
{
	if (!rq->inproc || rq->replied || len > rq->inproc->max)
		return NULL;
	return rq->inproc->reply;
}

static int fit_inproc_call(u16 opcode, const void *req, u32 len,
			   void *reply, u32 max_reply, bool oneway)
{
	struct fit_inproc ip = { .reply = reply, .max = max_reply };
	struct fit_request rq = {
		.src_node = node_id,
		.opcode = opcode,
		.oneway = oneway,
		.data = req,
		.len = len,
		.inproc = &ip,
	};
	struct fit_peer_stats *s = &fit_inproc_stats;
	struct fit_handler_ent h;
	u64 t0 = ktime_get();
	unsigned long flags;

	if (opcode >= FIT_OP_TABLE_SIZE || !fit_opcode_valid(opcode))
		return -EINVAL;
	if (len > FIT_MAX_MSG)
		return -EMSGSIZE;
	spin_lock_irqsave(&fit_handler_lock, flags);
	h = fit_handlers[opcode];
	spin_unlock_irqrestore(&fit_handler_lock, flags);
	if (h.fn)
		h.fn(&rq, h.ctx);
	else if (!oneway)
		fit_reply_error(&rq, -EOPNOTSUPP);
	if (!oneway && !rq.replied)
		fit_reply(&rq, NULL, 0);

	spin_lock_irqsave(&fit_inproc_lock, flags);
	s->requests_rcvd++;
	s->tx_bytes += len;
	if (oneway) {
		s->sends++;
	} else {
		s->calls++;
		s->replies_sent++;
		if (ip.result >= 0) {
			s->rx_bytes += ip.result;
			s->lat_hist[fit_lat_bucket((ktime_get() - t0) /
						   1000)]++;
		}
	}
	spin_unlock_irqrestore(&fit_inproc_lock, flags);
	return oneway ? 0 : ip.result;
}

/* Test hooks: an in-process call even with a loopback QP; the counters. */
int fit_call_inproc(u16 opcode, const void *req, u32 len, void *reply,
		    u32 max_reply)
{
	if ((len && !req) || (max_reply && !reply))
		return -EINVAL;
	return fit_inproc_call(opcode, req, len, reply, max_reply, false);
}

void fit_inproc_stats_get(struct fit_peer_stats *out)
{
	unsigned long flags;

	spin_lock_irqsave(&fit_inproc_lock, flags);
	*out = fit_inproc_stats;
	spin_unlock_irqrestore(&fit_inproc_lock, flags);
}

/* ------------------------------------------------------------------- API */

/* @node's conn if it is up, held until fit_conn_put(). */
static struct fit_conn *fit_conn_get(u16 node)
{
	struct fit_conn *c;

	if (!fit_ready || node >= FIT_MAX_NODES)
		return NULL;
	c = smp_load_acquire(&fit_conns[node]);
	if (!c || !READ_ONCE(c->peer.up))
		return NULL;
	atomic_inc(&c->users);
	/* Teardown clears up before it waits for users: recheck. */
	if (!READ_ONCE(c->peer.up)) {
		atomic_dec(&c->users);
		return NULL;
	}
	return c;
}

static void fit_conn_put(struct fit_conn *c)
{
	atomic_dec(&c->users);
}

bool fit_peer_up(u16 node)
{
	struct fit_conn *c;

	if (fit_inproc_target(node))
		return true;
	c = fit_conn_get(node);

	if (c)
		fit_conn_put(c);
	return c != NULL;
}

int fit_register_handler(u16 opcode, fit_handler_t fn, void *ctx)
{
	unsigned long flags;
	int ret = 0;

	if (opcode >= FIT_OP_TABLE_SIZE || !fit_opcode_valid(opcode) || !fn)
		return -EINVAL;
	spin_lock_irqsave(&fit_handler_lock, flags);
	if (fit_handlers[opcode].fn)
		ret = -EBUSY;
	else
		fit_handlers[opcode] = (struct fit_handler_ent){ fn, ctx };
	spin_unlock_irqrestore(&fit_handler_lock, flags);
	return ret;
}

int fit_unregister_handler(u16 opcode)
{
	unsigned long flags;

	if (opcode >= FIT_OP_TABLE_SIZE)
		return -EINVAL;
	spin_lock_irqsave(&fit_handler_lock, flags);
	fit_handlers[opcode].fn = NULL;
	spin_unlock_irqrestore(&fit_handler_lock, flags);
	return 0;
}

/*
 * A wait's deadline, and the time its node was blind meanwhile.  jiffies
 * follow real time, so a node that did not run (QEMU did not schedule
 * it, or interrupts were off on every CPU) can reach a deadline with the
 * answer already in its receive ring, unread.  The tick periods it was
 * blind since the wait began move the deadline on, in all by at most
 * FIT_BLIND_GRACE times the wait's own length: silence the node could
 * not hear does not count against the peer, as for the membership's
 * heartbeats.  A wait thus lasts its timeout of time the node ran.
 */
struct fit_deadline {
	u64 at;			/* jiffies */
	u64 blind0;		/* jiffies_blind_ticks() at the start */
	u64 grace, used;	/* blind ticks it may add, has added */
};

static void fit_deadline_init(struct fit_deadline *d, unsigned int timeout_ms)
{
	u64 len = msecs_to_jiffies(timeout_ms);

	d->at = jiffies + len + 1;
	d->blind0 = jiffies_blind_ticks();
	d->grace = FIT_BLIND_GRACE * len;
	d->used = 0;
}

/* True while @d has not passed, moving it on by new blind time first. */
static bool fit_deadline_ahead(struct fit_deadline *d)
{
	u64 blind;

	if (jiffies < d->at)
		return true;
	blind = min(jiffies_blind_ticks() - d->blind0, d->grace);
	if (blind <= d->used)
		return false;
	d->at += blind - d->used;
	d->used = blind;
	__atomic_fetch_add(&fit_blind_waits, 1, __ATOMIC_RELAXED);
	return jiffies < d->at;
}

/* Jiffies left before @d, 0 once it passed (blind time not counted). */
static u64 fit_deadline_left(const struct fit_deadline *d)
{
	u64 now = jiffies;

	return now < d->at ? d->at - now : 0;
}

/* Push @tx under the class mutex, waiting for credits until @dl. */
static int fit_push_blocking(struct fit_conn *c, struct fit_tx *tx,
			     struct fit_deadline *dl)
{
	int ret;

	mutex_lock(&c->tx_mutex[tx->cls]);
	while ((ret = fit_tx_push(&c->peer, tx)) == -EAGAIN) {
		if (!fit_deadline_ahead(dl)) {
			ret = -ETIMEDOUT;
			break;
		}
		u64 t0 = ktime_get();

		wait_event_timeout(c->wq, (fit_check_mbox(c),
			fit_credit_avail(&c->peer.tx[tx->cls]) > 0) ||
			READ_ONCE(c->dead), 1);
		__atomic_fetch_add(&c->peer.stats.credit_wait_ns,
				   ktime_get() - t0, __ATOMIC_RELAXED);
	}
	mutex_unlock(&c->tx_mutex[tx->cls]);
	if (ret == -ENOTCONN || (ret && READ_ONCE(c->dead)))
		ret = -EHOSTDOWN;
	return ret;
}

static int fit_slot_get(u16 node, void *reply, u32 max, u16 *id, u32 *gen,
			struct fit_deadline *dl)
{
	for (;;) {
		if (!fit_slot_alloc(&fit_slots, node, reply, max, id, gen))
			return 0;
		if (!fit_deadline_ahead(dl))
			return -ETIMEDOUT;
		wait_event_timeout(fit_slot_free_wq,
				   fit_slot_nr_free(&fit_slots) > 0, 1);
	}
}

static int fit_slot_put(u16 id, u32 gen)
{
	int ret = fit_slot_release(&fit_slots, id, gen);

	wake_up(&fit_slot_free_wq);
	return ret;
}

static void fit_account_call(struct fit_conn *c, u64 t0, int ret,
			     bool quarantined)
{
	u64 us = (ktime_get() - t0) / 1000;
	unsigned long flags;

	spin_lock_irqsave(&c->peer.lock, flags);
	c->peer.stats.calls++;
	if (quarantined)
		c->peer.stats.quarantined++;
	if (ret == -ETIMEDOUT)
		c->peer.stats.timeouts++;
	else if (ret == -EHOSTDOWN)
		c->peer.stats.hostdown++;
	else if (ret >= 0)
		c->peer.stats.lat_hist[fit_lat_bucket(us)]++;
	spin_unlock_irqrestore(&c->peer.lock, flags);
}

/*
 * The MR of slot @id's landing area in @c's domain: the slot's own if
 * it was last offered to the same peer, else a new one (the old one,
 * another peer's, deregistered: the slot is ours, its quarantine over).
 * NULL without one (the call goes without zero-copy).  Slot owner only.
 */
static struct ib_mr *fit_zc_mr(struct fit_conn *c, u16 id)
{
	struct ib_mr *mr = fit_slot_mr[id];

	if (mr && mr->pd == c->pd)
		return mr;
	if (mr)
		ib_dereg_mr(mr);
	mr = ib_reg_mr(c->pd, fit_zc_land + (u32)id * FIT_ZC_LAND_BYTES,
		       FIT_ZC_LAND_BYTES,
		       IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE_WRITE);
	fit_slot_mr[id] = IS_ERR(mr) ? NULL : mr;
	return fit_slot_mr[id];
}

struct ib_mr *fit_test_slot_mr(u16 id)
{
	return id < FIT_NR_SLOTS ? READ_ONCE(fit_slot_mr[id]) : NULL;
}

/*
 * Offer slot @id's landing area for a zero-copy reply to @v (a call to
 * @c's peer) and build the request with the descriptor at its end in
 * @zbuf.  False (an ordinary call) for small reply buffers, large
 * requests, or no MR.
 */
static bool fit_zc_offer(struct fit_conn *c, const struct fit_scatter *v,
			 u16 id, u32 gen, u8 *zbuf)
{
	struct fit_zc_desc *d = (struct fit_zc_desc *)(zbuf + v->len);
	u32 len = min_t(u32, v->max_reply, FIT_ZC_LAND_BYTES);
	struct ib_mr *mr;

	if (!fit_zc_min || !fit_zc_land || len < fit_zc_min ||
	    v->len > FIT_ZC_REQ_MAX)
		return false;
	mr = fit_zc_mr(c, id);
	if (!mr)
		return false;
	if (v->len)
		memcpy(zbuf, v->req, v->len);
	fit_put_le64(&d->addr, mr->iova);
	fit_put_le32(&d->rkey, mr->rkey);
	fit_put_le32(&d->len, len);
	fit_slot_set_zc(&fit_slots, id, gen,
			fit_zc_land + (u32)id * FIT_ZC_LAND_BYTES, len);
	return true;
}

/* Wait for slot @id until @dl passes (fit_deadline_ahead()). */
static void fit_wait_slot(u16 id, u32 gen, struct fit_deadline *dl)
{
	while (!fit_slot_done(&fit_slots, id, gen) && fit_deadline_ahead(dl))
		wait_event_timeout(fit_slot_wq[id],
				   fit_slot_done(&fit_slots, id, gen),
				   fit_deadline_left(dl));
}

int fit_call_scatter(u16 opcode, struct fit_scatter *v, unsigned int n,
		     unsigned int timeout_ms)
{
	struct fit_deadline dl;
	u8 zbuf[FIT_ZC_REQ_MAX + FIT_ZC_DESC_BYTES];
	u64 t0 = ktime_get();
	u16 ids[16];
	u32 gens[16];
	int first = 0;

	if (n > ARRAY_SIZE(ids) || !fit_opcode_valid(opcode))
		return -EINVAL;
	fit_deadline_init(&dl, timeout_ms);
	/* Send everything first, so the peers work in parallel. */
	for (unsigned int i = 0; i < n; i++) {
		struct fit_conn *c;
		struct fit_tx tx;
		int ret;

		ids[i] = FIT_NR_SLOTS;
		if (fit_inproc_target(v[i].node))
			continue;	/* served below, while they work */
		c = fit_conn_get(v[i].node);
		if (!c) {
			v[i].result = v[i].node < FIT_MAX_NODES ? -EHOSTDOWN
								: -EINVAL;
			continue;
		}
		if (v[i].len > FIT_MAX_MSG) {
			fit_conn_put(c);
			v[i].result = -EMSGSIZE;
			continue;
		}
		ret = fit_slot_get(v[i].node, v[i].reply, v[i].max_reply,
				   &ids[i], &gens[i], &dl);
		if (ret) {
			fit_conn_put(c);
			ids[i] = FIT_NR_SLOTS;
			v[i].result = ret;
			continue;
		}
		if (fit_zc_offer(c, &v[i], ids[i], gens[i], zbuf)) {
			fit_tx_init(&tx, node_id, v[i].node, opcode, FIT_F_ZC,
				    ids[i], gens[i], zbuf,
				    v[i].len + FIT_ZC_DESC_BYTES);
		} else {
			fit_tx_init(&tx, node_id, v[i].node, opcode, 0, ids[i],
				    gens[i], v[i].req, v[i].len);
		}
		ret = fit_push_blocking(c, &tx, &dl);
		/* Peer failure completes the slot; the gather needs no ref. */
		fit_conn_put(c);
		if (ret) {
			/* Nothing left: no reply can come. */
			fit_slot_cancel(&fit_slots, ids[i], gens[i]);
			wake_up(&fit_slot_free_wq);
			ids[i] = FIT_NR_SLOTS;
			v[i].result = ret;
		}
	}
	for (unsigned int i = 0; i < n; i++)
		if (fit_inproc_target(v[i].node))
			v[i].result = fit_inproc_call(opcode, v[i].req,
						      v[i].len, v[i].reply,
						      v[i].max_reply, false);
	/* Then gather. */
	for (unsigned int i = 0; i < n; i++) {
		bool q;

		if (ids[i] == FIT_NR_SLOTS)
			continue;
		fit_wait_slot(ids[i], gens[i], &dl);
		/*
		 * A zero-copy reply still on its way after a timeout lands in
		 * the slot's landing area, never in v[i].reply: the slot is
		 * quarantined until it comes (or the peer's QP is gone).
		 */
		v[i].result = fit_slot_end(&fit_slots, ids[i], gens[i], &q);
		wake_up(&fit_slot_free_wq);
		if (fit_conns[v[i].node])
			fit_account_call(fit_conns[v[i].node], t0, v[i].result,
					 q);
	}
	for (unsigned int i = 0; i < n; i++)
		if (v[i].result < 0 && !first)
			first = v[i].result;
	return first;
}

int fit_call(u16 node, u16 opcode, const void *req, u32 len, void *reply,
	     u32 max_reply, unsigned int timeout_ms)
{
	struct fit_scatter v = { .node = node, .req = req, .len = len,
				 .reply = reply, .max_reply = max_reply };
	int ret;

	if ((len && !req) || (max_reply && !reply))
		return -EINVAL;
	if (fit_inproc_target(node))
		return fit_inproc_call(opcode, req, len, reply, max_reply,
				       false);
	ret = fit_call_scatter(opcode, &v, 1, timeout_ms);
	return ret ? ret : v.result;
}

int fit_send(u16 node, u16 opcode, const void *msg, u32 len,
	     unsigned int timeout_ms)
{
	struct fit_deadline dl;
	struct fit_conn *c;
	struct fit_tx tx;
	unsigned long flags;
	int ret;

	if (node >= FIT_MAX_NODES || !fit_opcode_valid(opcode) ||
	    (len && !msg))
		return -EINVAL;
	if (len > FIT_MAX_MSG)
		return -EMSGSIZE;
	if (fit_inproc_target(node))
		return fit_inproc_call(opcode, msg, len, NULL, 0, true);
	c = fit_conn_get(node);
	if (!c)
		return -EHOSTDOWN;
	fit_tx_init(&tx, node_id, node, opcode, FIT_F_ONEWAY, 0, 0, msg, len);
	fit_deadline_init(&dl, timeout_ms);
	ret = fit_push_blocking(c, &tx, &dl);
	spin_lock_irqsave(&c->peer.lock, flags);
	if (!ret)
		c->peer.stats.sends++;
	else if (ret == -ETIMEDOUT)
		c->peer.stats.timeouts++;
	spin_unlock_irqrestore(&c->peer.lock, flags);
	fit_conn_put(c);
	return ret;
}

/* Test hook: messages rejected as malformed so far. */
unsigned long long fit_nr_rejected(void)
{
	return READ_ONCE(fit_proto_rejects);
}

/* Test hooks: quarantined slots now; a copy of @node's counters. */
unsigned int fit_nr_quarantined(void)
{
	return fit_slot_nr_quarantined(&fit_slots);
}

int fit_peer_stats_get(u16 node, struct fit_peer_stats *out)
{
	struct fit_conn *c = fit_conn_lookup(node);
	unsigned long flags;

	if (fit_inproc_target(node)) {
		fit_inproc_stats_get(out);
		return 0;
	}
	if (!c)
		return -ENOENT;
	spin_lock_irqsave(&c->peer.lock, flags);
	*out = c->peer.stats;
	spin_unlock_irqrestore(&c->peer.lock, flags);
	return 0;
}

/* Test hook: send raw bytes (a malformed header) as one SEND. */
int fit_send_raw(u16 node, const void *bytes, u32 len)
{
	struct fit_conn *c;
	unsigned long flags;
	bool ok;
	int ret;

	if (len < FIT_HDR_BYTES || len > FIT_SLOT_BYTES)
		return -EINVAL;
	c = fit_conn_get(node);
	if (!c)
		return -EHOSTDOWN;
	mutex_lock(&c->tx_mutex[FIT_CLASS_REQ]);
	spin_lock_irqsave(&c->peer.lock, flags);
	ok = fit_credit_take(&c->peer.tx[FIT_CLASS_REQ]);
	spin_unlock_irqrestore(&c->peer.lock, flags);
	ret = ok ? fit_op_send(&c->peer, bytes, (const u8 *)bytes +
			       FIT_HDR_BYTES, len - FIT_HDR_BYTES) : -EAGAIN;
	mutex_unlock(&c->tx_mutex[FIT_CLASS_REQ]);
	fit_conn_put(c);
	return ret;
}

int fit_call_malformed(u16 node, enum fit_malformed how,
		       unsigned int timeout_ms)
{
	struct fit_deadline dl;
	struct fit_hdr h = { .version = FIT_VERSION, .opcode = FIT_OP_ECHO,
			     .src_node = node_id, .dst_node = node };
	struct fit_wire_hdr w;
	u16 id;
	u32 gen;
	int ret;

	fit_deadline_init(&dl, timeout_ms);
	ret = fit_slot_get(node, NULL, 0, &id, &gen, &dl);
	if (ret)
		return ret;
	h.slot = id;
	h.gen = gen;
	if (how == FIT_MALFORMED_VERSION)
		h.version = FIT_VERSION + 1;
	fit_hdr_pack(&h, &w);
	if (how == FIT_MALFORMED_CRC)
		((u8 *)&w)[36] ^= 1;
	ret = fit_send_raw(node, &w, sizeof(w));
	if (ret) {
		fit_slot_put(id, gen);
		return ret;
	}
	fit_wait_slot(id, gen, &dl);
	return fit_slot_put(id, gen);
}

unsigned long long fit_peer_credit_stalls(u16 node)
{
	struct fit_conn *c = fit_conn_lookup(node);

	return c ? READ_ONCE(c->peer.stats.credit_stalls) : 0;
}

unsigned long long fit_peer_credit_wait_ms(u16 node)
{
	struct fit_conn *c = fit_conn_lookup(node);

	return c ? READ_ONCE(c->peer.stats.credit_wait_ns) / NSEC_PER_MSEC :
		   0;
}

int fit_export_region(void *addr, u64 len)
{
	int ret = 0;

	if (!fit_ready)
		return -ENODEV;
	mutex_lock(&fit_conns_mutex);
	if (fit_region) {
		mutex_unlock(&fit_conns_mutex);
		return -EBUSY;
	}
	fit_region = addr;
	fit_region_len = len;
	/* One MR per peer, in its domain; new conns get theirs at birth. */
	for (u16 n = 0; n < FIT_MAX_NODES && !ret; n++)
		if (fit_conns[n])
			ret = fit_conn_reg_region(fit_conns[n]);
	if (ret) {
		for (u16 n = 0; n < FIT_MAX_NODES; n++) {
			struct fit_conn *c = fit_conns[n];

			if (c && c->region_mr) {
				ib_dereg_mr(c->region_mr);
				c->region_mr = NULL;
			}
		}
		fit_region = NULL;
		fit_region_len = 0;
	}
	mutex_unlock(&fit_conns_mutex);
	return ret;
}

/* One-sided op through the conn's bounce buffer, chunk by chunk. */
/* Test hook: a one-sided chunk gives up at once after posting. */
bool fit_test_os_no_wait;

static int fit_one_sided(u16 node, u64 offset, void *buf, u32 len,
			 bool write, unsigned int timeout_ms)
{
	struct fit_conn *c = fit_conn_get(node);
	struct fit_deadline dl;
	unsigned long flags;
	int ret = 0;

	if (!c)
		return node < FIT_MAX_NODES ? -EHOSTDOWN : -EINVAL;
	if (!c->rregion_rkey || offset > c->rregion_len ||
	    len > c->rregion_len - offset) {
		fit_conn_put(c);
		return -EINVAL;
	}
	fit_deadline_init(&dl, timeout_ms);
	mutex_lock(&c->os_mutex);
	/*
	 * A chunk of an earlier op that timed out may still complete into
	 * os_buf (a READ's data) and set os_status: wait for it, within
	 * this op's own time.  A QP that never completes it fails in time
	 * through the QP's own retry limit, and the flush sets os_status.
	 */
	while (READ_ONCE(c->os_status) == 1 && fit_deadline_ahead(&dl) &&
	       !READ_ONCE(c->dead))
		wait_event_timeout(c->wq, READ_ONCE(c->os_status) != 1, 1);
	if (READ_ONCE(c->os_status) == 1)
		ret = READ_ONCE(c->dead) ? -EHOSTDOWN : -ETIMEDOUT;
	for (u32 done = 0; done < len && !ret;) {
		u32 n = min_t(u32, len - done, FIT_OS_CHUNK);
		const struct ib_send_wr *bad;
		struct ib_send_wr wr = { 0 };
		struct ib_sge sge = { (uintptr_t)c->os_buf, n,
				      c->stage_mr->lkey };

		if (write)
			memcpy(c->os_buf, (u8 *)buf + done, n);
		wr.wr_id = FIT_WR(FIT_WR_OS, c, 0);
		wr.sg_list = &sge;
		wr.num_sge = 1;
		wr.opcode = write ? IB_WR_RDMA_WRITE : IB_WR_RDMA_READ;
		wr.send_flags = IB_SEND_SIGNALED;
		wr.rdma.remote_addr = c->rregion_addr + offset + done;
		wr.rdma.rkey = c->rregion_rkey;
		WRITE_ONCE(c->os_status, 1);
		ret = ib_post_send(c->qp, &wr, &bad);
		if (ret) {
			WRITE_ONCE(c->os_status, 0);
			break;
		}
		while (READ_ONCE(c->os_status) == 1 &&
		       !READ_ONCE(fit_test_os_no_wait) &&
		       fit_deadline_ahead(&dl))
			wait_event_timeout(c->wq, READ_ONCE(c->os_status) != 1,
					   1);
		ret = READ_ONCE(c->os_status);
		if (ret == 1) {
			/*
			 * Its completion may still come: the connection
			 * carries on, the next op waits for it first.
			 */
			spin_lock_irqsave(&c->peer.lock, flags);
			c->peer.stats.os_timeouts++;
			spin_unlock_irqrestore(&c->peer.lock, flags);
			ret = -ETIMEDOUT;
			break;
		}
		if (ret == -EIO)
			ret = c->dead ? -EHOSTDOWN : -EIO;
		if (!ret && !write)
			memcpy((u8 *)buf + done, c->os_buf, n);
		done += n;
	}
	mutex_unlock(&c->os_mutex);
	fit_conn_put(c);
	return ret;
}

int fit_read(u16 node, u64 offset, void *buf, u32 len,
	     unsigned int timeout_ms)
{
	return fit_one_sided(node, offset, buf, len, false, timeout_ms);
}

int fit_write(u16 node, u64 offset, const void *buf, u32 len,
	      unsigned int timeout_ms)
{
	return fit_one_sided(node, offset, (void *)buf, len, true, timeout_ms);
}

/* ---------------------------------------------------------------- stats */

bool fit_is_up(void)
{
	return READ_ONCE(fit_ready);
}

void fit_dump_stats(void)
{
	const struct rxe_counters *rx = &container_of(fit_dev, struct rxe_dev,
						      ib)->stats;
	struct fit_peer_stats ip;

	fit_inproc_stats_get(&ip);
	if (ip.calls || ip.sends)
		pr_info("fit: peer %u in-process: calls %llu sends %llu tx %llu B rx %llu B\n",
			node_id, ip.calls, ip.sends, ip.tx_bytes, ip.rx_bytes);
	if (!fit_ready)
		return;
	pr_info("fit: node %u: %u/%u slots free, %u quarantined, %llu late replies, %llu bad replies, %llu rejected messages\n",
		node_id, fit_slot_nr_free(&fit_slots), FIT_NR_SLOTS,
		fit_slot_nr_quarantined(&fit_slots), fit_slots.late_replies,
		fit_slots.bad_replies, fit_proto_rejects);
	pr_info("fit: node %u: %llu deadlines moved on for time the node did not run (%llu blind ticks)\n",
		node_id, READ_ONCE(fit_blind_waits),
		(unsigned long long)jiffies_blind_ticks());
	for (unsigned int i = 0; i < fit_nr_pollers; i++)
		pr_info("fit: poller %u: %llu busy passes, %llu sleeps, %llu passes in the completion handler\n",
			i, fit_pollers[i].busy_passes, fit_pollers[i].sleeps,
			fit_pollers[i].inline_passes);
	for (unsigned int n = 0; n < FIT_MAX_NODES; n++) {
		struct fit_conn *c = fit_conns[n];
		const struct fit_peer_stats *s;
		struct fit_retrans rt;
		char hist[16 * 12];
		int off = 0;

		if (!c)
			continue;
		s = &c->peer.stats;
		fit_conn_retrans(c, &rt);
		pr_info("fit: peer %u %s: calls %llu sends %llu replies %llu requests %llu tx %llu B rx %llu B segs %llu/%llu timeouts %llu hostdown %llu credit_stalls %llu credit_updates %llu proto_errors %llu zc_replies %llu/%llu\n",
			n, c->peer.up ? "up" : "down", s->calls, s->sends,
			s->replies_sent, s->requests_rcvd, s->tx_bytes,
			s->rx_bytes, s->segments_tx, s->segments_rx,
			s->timeouts, s->hostdown, s->credit_stalls,
			s->credit_updates, s->proto_errors, s->zc_replies_tx,
			s->zc_replies_rx);
		for (int b = 0; b < 16; b++)
			if (s->lat_hist[b])
				off += snprintf(hist + off, sizeof(hist) - off,
						" <%lluus:%llu", 2ull << b,
						s->lat_hist[b]);
		pr_info("fit: peer %u retransmits %llu (%llu packets) ack_timeouts %llu credit_wait %llu ms\n",
			n, rt.retransmits, rt.pkts, rt.ack_timeouts,
			s->credit_wait_ns / NSEC_PER_MSEC);
		pr_info("fit: peer %u late_replies %llu quarantined %llu rebuilds %llu os_timeouts %llu\n",
			n, s->late_replies, s->quarantined, s->rebuilds,
			s->os_timeouts);
		if (off)
			pr_info("fit: peer %u latency%s\n", n, hist);
	}
	/* The whole device's (other users of rxe0 included). */
	pr_info("fit: rxe0: retransmits %llu retransmitted_pkts %llu timeouts %llu rnr_naks %llu/%llu\n",
		rx->retransmits, rx->retransmitted_pkts, rx->timeouts,
		rx->rnr_naks_sent, rx->rnr_naks_rcvd);
	pr_info("fit: rxe0: refused RC packets: wrong_peer %llu wrong_port %llu\n",
		rx->wrong_peer, rx->wrong_port);
	pr_info("fit: rxe0: received icrc_errors %llu malformed %llu duplicates %llu psn_seq_errors %llu\n",
		rx->icrc_errors, rx->malformed, rx->duplicates,
		rx->psn_seq_errors);
	fit_member_dump();
}

/* ----------------------------------------------------------------- init */

static void fit_echo_handler(struct fit_request *rq, void *ctx)
{
	fit_reply(rq, rq->data, rq->len);
}

void fit_init(void)
{
	struct rxe_dev *rxe = rxe_net_dev();
	unsigned int i;

	/* Served in-process without a NIC, over the wire with one. */
	fit_register_handler(FIT_OP_ECHO, fit_echo_handler, NULL);
	if (!rxe) {
		pr_info("fit: no rxe0, FIT disabled\n");
		return;
	}
	fit_dev = &rxe->ib;
	fit_epoch = ktime_get() ^ ((u64)node_id << 56) ^ rxe->ip;
	fit_slot_table_init(&fit_slots);
	for (i = 0; i < FIT_NR_SLOTS; i++)
		init_waitqueue_head(&fit_slot_wq[i]);
	fit_workq = kcalloc(FIT_WORK_MAX, sizeof(*fit_workq), GFP_KERNEL);
	if (!fit_workq)
		goto err;
	/* Without it calls simply never offer zero-copy replies. */
	fit_zc_land = fit_alloc_region(FIT_NR_SLOTS * FIT_ZC_LAND_BYTES);
	fit_nr_bufs = min_t(unsigned int, 2 * fit_nr_workers, FIT_MAX_BUFS);
	for (i = 0; i < fit_nr_bufs; i++) {
		fit_bufs[i] = fit_alloc_region(FIT_MAX_MSG);
		if (!fit_bufs[i])
			goto err;
	}
	fit_nr_free_bufs = fit_nr_bufs;
	for (i = 0; i < fit_nr_pollers; i++) {
		struct fit_poller *pl = &fit_pollers[i];
		/* Every posted entry and send of every peer fits: no overrun. */
		int cqe = (FIT_MAX_NODES / fit_nr_pollers + 1) *
			  (FIT_MAX_RING + FIT_SQ_DEPTH);

		init_waitqueue_head(&pl->wq);
		spin_lock_init(&pl->pass_lock);
		pl->cq = ib_create_cq(fit_dev, cqe, fit_cq_event,
				      (void *)(uintptr_t)i);
		if (IS_ERR(pl->cq))
			goto err;
		pl->task = kthread_create_on_cpu(fit_poller_fn,
						 (void *)(uintptr_t)i,
						 i % num_online_cpus(),
						 "fit_poll/%u", i);
		if (IS_ERR(pl->task))
			goto err;
		wake_up_process(pl->task);
	}
	for (i = 0; i < fit_nr_workers; i++) {
		fit_worker_tasks[i] = kthread_run(fit_worker_fn, NULL,
						  "fit_work/%u", i);
		if (IS_ERR(fit_worker_tasks[i]))
			goto err;
	}
	debug_key_register('f', "FIT counters", fit_dump_stats);
	fit_ready = true;
	pr_info("fit: node %u up: %u pollers, %u workers, %u+%u ring entries per peer\n",
		node_id, fit_nr_pollers, fit_nr_workers, fit_ring_req,
		fit_ring_rep);
	return;
err:
	pr_err("fit: initialisation failed, FIT disabled\n");
}

void fit_start(void)
{
	if (!fit_ready)
		return;
	/* Without membership, only fit_connect_self() works. */
	fit_member_init();
	fit_test_start();
}
