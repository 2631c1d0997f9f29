/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests of the rxe RC transport and the verbs core: two soft RoCE
 * devices joined by a simulated link (seeded PRNG: drop, duplicate,
 * corrupt, reorder by jitter, transmit-ring back-pressure), simulated
 * time driving the retransmission and RNR timers.  Workloads of SEND,
 * SEND_WITH_IMM, RDMA WRITE (with immediate) and RDMA READ from 0 B to
 * 1 MiB are checked byte for byte: on a lossy link every message arrives
 * exactly once and in order; on a hopeless one the QP fails with
 * completions for every WQE and the receiver saw an in-order prefix.
 * Access violations must NAK with IB_WC_REM_ACCESS_ERR and leave the
 * target memory untouched; every run ends in bounded simulated time.
 */
/* HTEST-SOURCES: drivers/infiniband/core/verbs.c drivers/infiniband/sw/rxe/rxe_hdr.c drivers/infiniband/sw/rxe/rxe_icrc.c drivers/infiniband/sw/rxe/rxe_verbs.c drivers/infiniband/sw/rxe/rxe_req.c drivers/infiniband/sw/rxe/rxe_resp.c drivers/infiniband/sw/rxe/rxe_comp.c drivers/infiniband/sw/rxe/rxe_recv.c lib/crc32.c lib/string.c tests/host/host_printk.c tests/host/host_random.c tests/host/host_kmalloc.c */
#include "htest.h"

#include <tessera/errno.h>
#include <tessera/pattern.h>
#include <tessera/rdma/rxe.h>
#include <tessera/rdma/rxe_hdr.h>
#include <tessera/rdma/verbs.h>
#include <tessera/slab.h>
#include <tessera/string.h>

static bool never_a(void *arg)
{
	return false;
}

/* ------------------------------------------------------ simulated link */

static u64 rng;

static u32 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (u32)(rng >> 11);
}

/* Probability in parts per 10000. */
static bool chance(u32 ppm)
{
	return rnd() % 10000 < ppm;
}

struct sim_pkt {
	u64 at, seq;
	int to;
	bool own;		/* the sender's own frame, looped back */
	size_t len;
	u8 data[];
};

struct link_faults {
	u32 drop, dup, corrupt;	/* per 10000 */
	u32 jitter_ns;		/* reordering */
	u32 busy_limit;		/* in-flight packets per sender, 0 = inf */
	bool cut;		/* drop everything */
	/*
	 * Receive side of device i only (what net.drop and a NIC ring do
	 * in the kernel): rx_drop[i] per 10000 at random, every
	 * rx_drop_every[i]-th packet delivered to it (0 = off), and a
	 * bounded receive queue of rx_ring[i] packets (0 = unbounded)
	 * served one per rx_cost_ns[i]: a packet arriving at a full queue
	 * is lost, as when a burst overruns a NIC's receive ring.
	 */
	u32 rx_drop[2];
	u32 rx_drop_every[2];
	u32 rx_ring[2];
	u32 rx_cost_ns[2];
	/*
	 * The QEMU multicast fabric hands every frame to its sender too:
	 * the netdev drops it (own MAC), but only after it took a slot of
	 * the receive queue and counted for net.drop.
	 */
	bool rx_own;
};

#define RX_RING_MAX	4096

static struct {
	u64 now;
	struct sim_pkt **q;
	size_t nr, cap;
	struct link_faults f;
	struct rxe_dev *dev[2];
	u32 inflight[2];
	unsigned long delivered, dropped, duplicated, corrupted, busy;
	unsigned long rx_dropped[2], rx_overflows[2], rx_count[2];
	/* Receive queue model: finish times of queued packets, FIFO. */
	u64 rx_done[2][RX_RING_MAX];
	u32 rx_head[2], rx_len[2];
	u64 seq;
} sim;

/* The link queue is a min-heap on (time, sequence): FIFO at equal times. */
static bool pkt_before(const struct sim_pkt *a, const struct sim_pkt *b)
{
	return a->at < b->at || (a->at == b->at && a->seq < b->seq);
}

static void heap_push(struct sim_pkt *p)
{
	size_t i = sim.nr++;

	if (sim.nr > sim.cap) {
		sim.cap = sim.cap ? sim.cap * 2 : 1024;
		sim.q = realloc(sim.q, sim.cap * sizeof(*sim.q));
	}
	while (i && pkt_before(p, sim.q[(i - 1) / 2])) {
		sim.q[i] = sim.q[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	sim.q[i] = p;
}

static struct sim_pkt *heap_pop(void)
{
	struct sim_pkt *top = sim.q[0], *last = sim.q[--sim.nr];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= sim.nr)
			break;
		if (c + 1 < sim.nr && pkt_before(sim.q[c + 1], sim.q[c]))
			c++;
		if (!pkt_before(sim.q[c], last))
			break;
		sim.q[i] = sim.q[c];
		i = c;
	}
	if (sim.nr)
		sim.q[i] = last;
	return top;
}

#define LATENCY_NS	5000

/*
 * Admit a packet arriving at device @to at time @at into its bounded
 * receive queue; returns when it will be handed to rxe, or 0 if the
 * queue is full (the packet is lost).
 */
static u64 rx_ring_admit(int to, u64 at)
{
	u32 cap = sim.f.rx_ring[to];
	u64 start;

	if (!cap)
		return at;
	while (sim.rx_len[to] && sim.rx_done[to][sim.rx_head[to]] <= at) {
		sim.rx_head[to] = (sim.rx_head[to] + 1) % RX_RING_MAX;
		sim.rx_len[to]--;
	}
	if (sim.rx_len[to] >= cap) {
		sim.rx_overflows[to]++;
		return 0;
	}
	start = at;
	if (sim.rx_len[to]) {
		u32 last = (sim.rx_head[to] + sim.rx_len[to] - 1) % RX_RING_MAX;

		if (sim.rx_done[to][last] > start)
			start = sim.rx_done[to][last];
	}
	start += sim.f.rx_cost_ns[to];
	sim.rx_done[to][(sim.rx_head[to] + sim.rx_len[to]) % RX_RING_MAX] =
		start;
	sim.rx_len[to]++;
	return start;
}

static void sim_enqueue(int to, const u8 *pkt, size_t len, u64 at,
			bool own)
{
	struct sim_pkt *p;

	at = rx_ring_admit(to, at);
	if (!at)
		return;
	p = malloc(sizeof(*p) + (own ? 0 : len));

	p->at = at;
	p->seq = sim.seq++;
	p->to = to;
	p->own = own;
	p->len = own ? 0 : len;
	memcpy(p->data, pkt, p->len);
	heap_push(p);
	if (!own)
		sim.inflight[1 - to]++;
}

static int sim_xmit(struct rxe_dev *rxe, const u8 *dmac, u32 daddr,
		    const u8 *pkt, size_t len)
{
	int from = rxe == sim.dev[0] ? 0 : 1;
	u8 copy[5000];

	if (sim.f.busy_limit && sim.inflight[from] >= sim.f.busy_limit) {
		sim.busy++;
		return -EBUSY;
	}
	if (daddr != sim.dev[1 - from]->ip)
		return -EHOSTUNREACH;
	if (sim.f.rx_own)
		sim_enqueue(from, pkt, len, sim.now + LATENCY_NS, true);
	if (sim.f.cut || chance(sim.f.drop)) {
		sim.dropped++;
		return 0;
	}
	memcpy(copy, pkt, len);
	if (chance(sim.f.corrupt)) {
		size_t at = rnd() % len;

		copy[at] ^= 1 << (rnd() % 8);
		sim.corrupted++;
	}
	sim_enqueue(1 - from, copy, len, sim.now + LATENCY_NS +
		    (sim.f.jitter_ns ? rnd() % sim.f.jitter_ns : 0), false);
	if (chance(sim.f.dup)) {
		sim.duplicated++;
		sim_enqueue(1 - from, copy, len, sim.now + LATENCY_NS +
			    (sim.f.jitter_ns ? rnd() % sim.f.jitter_ns : 0) +
			    1000, false);
	}
	return 0;
}

static u64 sim_now(struct rxe_dev *rxe)
{
	return sim.now;
}

static void sim_kick(struct rxe_dev *rxe)
{
}

static const struct rxe_net_ops sim_ops = {
	.xmit = sim_xmit,
	.now_ns = sim_now,
	.kick = sim_kick,
};

#define TICK_NS		1000000ull	/* device thread period */

/* Receive-side faults of device @to (net.drop and friends). */
static bool sim_rx_lost(int to)
{
	u32 every = sim.f.rx_drop_every[to];

	if ((every && ++sim.rx_count[to] % every == 0) ||
	    (sim.f.rx_drop[to] && chance(sim.f.rx_drop[to]))) {
		sim.rx_dropped[to]++;
		return true;
	}
	return false;
}

/*
 * Run the link and the devices until @done() or @limit_ns of simulated
 * time; returns whether @done() became true.
 */
static bool sim_run(bool (*done)(void *), void *arg, u64 limit_ns)
{
	u64 end = sim.now + limit_ns, next_tick = sim.now;

	while (!done(arg)) {
		if (sim.now >= end)
			return false;
		if (sim.nr && sim.q[0]->at <= next_tick) {
			struct sim_pkt *p = heap_pop();

			if (!p->own)
				sim.inflight[1 - p->to]--;
			if (p->at > sim.now)
				sim.now = p->at;
			if (sim_rx_lost(p->to) || p->own) {
				free(p);
				continue;
			}
			sim.delivered++;
			rxe_rcv(sim.dev[p->to], p->data, p->len);
			free(p);
			continue;
		}
		if (next_tick > sim.now)
			sim.now = next_tick;
		rxe_dev_process(sim.dev[0]);
		rxe_dev_process(sim.dev[1]);
		next_tick = sim.now + TICK_NS;
	}
	return true;
}

static void sim_flush_queue(void)
{
	while (sim.nr)
		free(sim.q[--sim.nr]);
	sim.inflight[0] = sim.inflight[1] = 0;
	for (int i = 0; i < 2; i++) {
		sim.rx_head[i] = sim.rx_len[i] = 0;
		sim.rx_dropped[i] = sim.rx_overflows[i] = 0;
		sim.rx_count[i] = 0;
	}
}

static const u8 mac_a[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x01 };
static const u8 mac_b[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x02 };
#define IP_A	0x0a000001
#define IP_B	0x0a000002

static void sim_setup(u64 seed, struct link_faults f)
{
	static struct rxe_dev *devs[2];

	if (!devs[0]) {
		devs[0] = rxe_dev_create("rxe_a", IP_A, mac_a, 1500, &sim_ops,
					 NULL);
		devs[1] = rxe_dev_create("rxe_b", IP_B, mac_b, 1500, &sim_ops,
					 NULL);
	}
	sim_flush_queue();
	sim.dev[0] = devs[0];
	sim.dev[1] = devs[1];
	sim.f = f;
	rng = seed * 0x9e3779b97f4a7c15ull + 1;
	sim.delivered = sim.dropped = sim.duplicated = sim.corrupted = 0;
	sim.busy = 0;
}

/* --------------------------------------------------- a connected pair */

struct side {
	struct ib_device *dev;
	struct ib_pd *pd;
	struct ib_cq *scq, *rcq;
	struct ib_qp *qp;
	u8 *mem;		/* registered region */
	size_t mem_len;
	struct ib_mr *mr;
	int notified;
};

static void count_notify(struct ib_cq *cq, void *ctx)
{
	((struct side *)ctx)->notified++;
}

static int side_init(struct side *s, struct ib_device *dev, size_t mem_len,
		     int mr_access, enum ib_qp_type type)
{
	struct ib_qp_init_attr init = {
		.cap = { .max_send_wr = 256, .max_recv_wr = 256,
			 .max_send_sge = 4, .max_recv_sge = 4 },
		.sq_sig_type = IB_SIGNAL_ALL_WR,
		.qp_type = type,
	};

	memset(s, 0, sizeof(*s));
	s->dev = dev;
	s->pd = ib_alloc_pd(dev);
	s->scq = ib_create_cq(dev, 1024, count_notify, s);
	s->rcq = ib_create_cq(dev, 1024, count_notify, s);
	if (IS_ERR(s->pd) || IS_ERR(s->scq) || IS_ERR(s->rcq))
		return -ENOMEM;
	init.send_cq = s->scq;
	init.recv_cq = s->rcq;
	s->qp = ib_create_qp(s->pd, &init);
	if (IS_ERR(s->qp))
		return PTR_ERR(s->qp);
	s->mem_len = mem_len;
	s->mem = malloc(mem_len);
	for (size_t i = 0; i < mem_len; i++)
		s->mem[i] = (u8)(i * 13 + 7);
	s->mr = ib_reg_mr(s->pd, s->mem, mem_len, mr_access);
	return IS_ERR(s->mr) ? PTR_ERR(s->mr) : 0;
}

static void side_fini(struct side *s)
{
	if (s->mr && !IS_ERR(s->mr))
		ib_dereg_mr(s->mr);
	ib_destroy_qp(s->qp);
	ib_destroy_cq(s->scq);
	ib_destroy_cq(s->rcq);
	ib_dealloc_pd(s->pd);
	free(s->mem);
}

struct qp_params {
	u8 timeout, retry_cnt, rnr_retry, min_rnr_timer;
	int access;
};

static const struct qp_params default_params = {
	.timeout = 14, .retry_cnt = 7, .rnr_retry = 7, .min_rnr_timer = 1,
	.access = IB_ACCESS_REMOTE_WRITE | IB_ACCESS_REMOTE_READ,
};

static int connect_qp(struct side *s, struct side *peer, u32 ip, u32 sq_psn,
		      u32 rq_psn, const struct qp_params *p)
{
	struct ib_qp_attr a = { 0 };
	int ret;

	a.qp_state = IB_QPS_INIT;
	a.qp_access_flags = p->access;
	ret = ib_modify_qp(s->qp, &a, IB_QP_STATE | IB_QP_ACCESS_FLAGS);
	if (ret)
		return ret;
	memset(&a, 0, sizeof(a));
	a.qp_state = IB_QPS_RTR;
	a.path_mtu = IB_MTU_4096;	/* clamped to the device's 1024 */
	a.dest_qp_num = peer->qp->qp_num;
	a.rq_psn = rq_psn;
	a.min_rnr_timer = p->min_rnr_timer;
	ib_gid_from_ipv4(&a.ah_attr.dgid, ip);
	ret = ib_modify_qp(s->qp, &a, IB_QP_STATE | IB_QP_AV | IB_QP_PATH_MTU |
			   IB_QP_DEST_QPN | IB_QP_RQ_PSN |
			   IB_QP_MIN_RNR_TIMER);
	if (ret)
		return ret;
	memset(&a, 0, sizeof(a));
	a.qp_state = IB_QPS_RTS;
	a.sq_psn = sq_psn;
	a.timeout = p->timeout;
	a.retry_cnt = p->retry_cnt;
	a.rnr_retry = p->rnr_retry;
	return ib_modify_qp(s->qp, &a, IB_QP_STATE | IB_QP_SQ_PSN |
			    IB_QP_TIMEOUT | IB_QP_RETRY_CNT | IB_QP_RNR_RETRY);
}

/* A and B on the two simulated devices (or both on dev A: loopback). */
static int pair_init(struct side *a, struct side *b, size_t mem, int access_a,
		     int access_b, const struct qp_params *pa,
		     const struct qp_params *pb, bool loopback)
{
	struct ib_device *da = &sim.dev[0]->ib;
	struct ib_device *db = loopback ? da : &sim.dev[1]->ib;
	u32 ipb = loopback ? IP_A : IP_B;
	/* PSNs near the wrap point exercise 24-bit arithmetic. */
	u32 psn_ab = 0xffffff - rnd() % 300, psn_ba = rnd() & 0xffffff;

	if (side_init(a, da, mem, access_a, IB_QPT_RC) ||
	    side_init(b, db, mem, access_b, IB_QPT_RC))
		return -ENOMEM;
	if (connect_qp(a, b, ipb, psn_ab, psn_ba, pa) ||
	    connect_qp(b, a, IP_A, psn_ba, psn_ab, pb))
		return -EINVAL;
	return 0;
}

#define ALL_ACCESS	(IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE_WRITE | \
			 IB_ACCESS_REMOTE_READ)

/* ------------------------------------------------------------ workload */

enum op_kind { OP_SEND, OP_SEND_IMM, OP_WRITE, OP_WRITE_IMM, OP_READ };

struct op {
	enum op_kind kind;
	u32 len;
	u64 src_off;		/* in A's region: source or READ target */
	u64 dst_off;		/* in B's region: WRITE target / READ source */
	u32 imm;
	u32 seed;
	/* results */
	bool completed;
	enum ib_wc_status status;
};

#define REGION		(6u << 20)
#define RECV_SLOT	(1u << 20)	/* B's receive buffers: 2 MiB.. */
#define NR_RECV_SLOTS	4

struct workload {
	struct side *a, *b;
	struct op *ops;
	int nr_ops;
	int nr_send_done;		/* sender completions seen */
	/* receiver */
	int *recv_ops;			/* op index of each recv-consuming op */
	int nr_recv_ops, nr_recv_seen, nr_recv_ok;
	int recv_posted;
	int batch_end;
	bool recv_broken;		/* out of order / duplicate / bad */
	bool read_broken;		/* a READ brought wrong bytes */
	u8 *expect_b;			/* what B's region must hold */
};

static void pattern(u8 *p, u32 len, u32 seed)
{
	pattern_fill(p, len, seed, 0);
}

static void post_recv_slot(struct workload *w, int slot_idx)
{
	struct ib_sge sge = {
		.addr = (uintptr_t)(w->b->mem + 2 * RECV_SLOT +
				    (slot_idx % NR_RECV_SLOTS) * RECV_SLOT),
		.length = RECV_SLOT,
		.lkey = w->b->mr->lkey,
	};
	struct ib_recv_wr wr = { .wr_id = slot_idx, .sg_list = &sge,
				 .num_sge = 1 };

	ib_post_recv(w->b->qp, &wr, NULL);
}

static void workload_poll(struct workload *w)
{
	struct ib_wc wc[16];
	int n;

	while ((n = ib_poll_cq(w->a->scq, 16, wc)) > 0) {
		for (int i = 0; i < n; i++) {
			struct op *op = &w->ops[wc[i].wr_id];

			if (op->completed)
				w->recv_broken = true;	/* two completions */
			op->completed = true;
			op->status = wc[i].status;
			w->nr_send_done++;
			if (op->kind == OP_READ && op->status == IB_WC_SUCCESS &&
			    memcmp(w->a->mem + op->src_off,
				   w->b->mem + op->dst_off, op->len))
				w->read_broken = true;
		}
	}
	while ((n = ib_poll_cq(w->b->rcq, 16, wc)) > 0) {
		for (int i = 0; i < n; i++) {
			int slot = (int)wc[i].wr_id;
			struct op *op;
			const u8 *buf;

			if (wc[i].status != IB_WC_SUCCESS) {
				w->nr_recv_seen++;
				continue;
			}
			if (w->nr_recv_ok >= w->nr_recv_ops) {
				w->recv_broken = true;
				continue;
			}
			op = &w->ops[w->recv_ops[w->nr_recv_ok]];
			buf = w->b->mem + 2 * RECV_SLOT +
			      (slot % NR_RECV_SLOTS) * RECV_SLOT;
			if (slot != w->nr_recv_ok)
				w->recv_broken = true;
			if (op->kind == OP_SEND || op->kind == OP_SEND_IMM) {
				u8 *want = malloc(op->len + 1);

				pattern(want, op->len, op->seed);
				if (wc[i].opcode != IB_WC_RECV ||
				    wc[i].byte_len != op->len ||
				    memcmp(buf, want, op->len))
					w->recv_broken = true;
				free(want);
			} else if (wc[i].opcode != IB_WC_RECV_RDMA_WITH_IMM ||
				   wc[i].byte_len != op->len) {
				w->recv_broken = true;
			}
			if ((op->kind == OP_SEND_IMM ||
			     op->kind == OP_WRITE_IMM) !=
			    !!(wc[i].wc_flags & IB_WC_WITH_IMM) ||
			    ((wc[i].wc_flags & IB_WC_WITH_IMM) &&
			     wc[i].imm_data != op->imm))
				w->recv_broken = true;
			if (wc[i].src_qp != w->a->qp->qp_num)
				w->recv_broken = true;
			w->nr_recv_ok++;
			w->nr_recv_seen++;
			/* Keep the receive queue stocked. */
			if (w->recv_posted < w->nr_recv_ops)
				post_recv_slot(w, w->recv_posted++);
		}
	}
}

static bool batch_done(void *arg)
{
	struct workload *w = arg;

	workload_poll(w);
	return w->nr_send_done >= w->batch_end;
}

static bool all_done(void *arg)
{
	struct workload *w = arg;

	workload_poll(w);
	return w->nr_send_done == w->nr_ops &&
	       w->nr_recv_ok == w->nr_recv_ops;
}

static bool never(void *arg)
{
	workload_poll(arg);
	return false;
}

static const u32 sizes[] = {
	0, 1, 3, 4, 1023, 1024, 1025, 2048, 4097, 65536, 100000, 1u << 20,
};

static void make_ops(struct workload *w, int nr, bool big)
{
	u64 wr_off = 0, rd_off = 0;

	memset(w, 0, sizeof(*w));
	w->ops = calloc(nr, sizeof(*w->ops));
	w->recv_ops = calloc(nr, sizeof(int));
	w->nr_ops = nr;
	for (int i = 0; i < nr; i++) {
		struct op *op = &w->ops[i];
		u32 nsz = big ? ARRAY_SIZE(sizes) : ARRAY_SIZE(sizes) - 3;

		op->kind = rnd() % 5;
		op->len = sizes[rnd() % nsz];
		if (rnd() % 3 == 0 && op->len > 8)
			op->len -= rnd() % 7;
		op->seed = rnd();
		op->imm = rnd();
		/* B: WRITE targets in [0, 1M), READ sources in [1M, 2M) */
		if (op->kind == OP_READ) {
			if (rd_off + op->len > (1u << 20))
				rd_off = 0;
			op->dst_off = (1u << 20) + rd_off;
			rd_off += op->len + rnd() % 5;
		} else {
			if (wr_off + op->len > (1u << 20))
				wr_off = 0;
			op->dst_off = wr_off;
			wr_off += op->len + rnd() % 5;
		}
		if (op->kind == OP_SEND || op->kind == OP_SEND_IMM ||
		    op->kind == OP_WRITE_IMM)
			w->recv_ops[w->nr_recv_ops++] = i;
	}
}

static void workload_free(struct workload *w)
{
	free(w->ops);
	free(w->recv_ops);
	free(w->expect_b);
}

#define BATCH	8

/*
 * Post the workload in batches of up to BATCH outstanding WQEs whose
 * local buffers are disjoint; returns false if a batch did not complete
 * within @limit_ns of simulated time (a hang).
 */
static bool run_workload(struct workload *w, struct side *a, struct side *b,
			 u64 limit_ns)
{
	int posted = 0;

	w->a = a;
	w->b = b;
	w->expect_b = malloc(1u << 20);
	memcpy(w->expect_b, b->mem, 1u << 20);
	while (w->recv_posted < w->nr_recv_ops &&
	       w->recv_posted < NR_RECV_SLOTS)
		post_recv_slot(w, w->recv_posted++);
	while (posted < w->nr_ops) {
		u64 src = 0, dst = 3u << 20;
		int start = posted;

		while (posted < w->nr_ops && posted - start < BATCH) {
			struct op *op = &w->ops[posted];
			struct ib_sge sge[2];
			struct ib_send_wr wr = { 0 };
			u32 half = op->len / 2;
			u8 *p;

			if (op->kind == OP_READ) {
				if (posted > start && dst + op->len > REGION)
					break;
				op->src_off = dst + posted % 4;
				dst += op->len + 4;
				p = a->mem + op->src_off;
				memset(p, 0xee, op->len);
			} else {
				if (posted > start &&
				    src + op->len > (3u << 20))
					break;
				op->src_off = src + posted % 4;
				src += op->len + 4;
				p = a->mem + op->src_off;
				pattern(p, op->len, op->seed);
				if (op->kind == OP_WRITE ||
				    op->kind == OP_WRITE_IMM)
					memcpy(w->expect_b + op->dst_off, p,
					       op->len);
			}
			/* Two SGEs: gather and scatter across them. */
			sge[0] = (struct ib_sge) { (uintptr_t)p, half,
						   a->mr->lkey };
			sge[1] = (struct ib_sge) { (uintptr_t)p + half,
						   op->len - half,
						   a->mr->lkey };
			wr.wr_id = posted;
			wr.sg_list = sge;
			wr.num_sge = 2;
			wr.imm_data = op->imm;
			wr.send_flags = IB_SEND_SIGNALED;
			wr.rdma.remote_addr = (uintptr_t)(b->mem + op->dst_off);
			wr.rdma.rkey = b->mr->rkey;
			wr.opcode = op->kind == OP_SEND ? IB_WR_SEND :
				    op->kind == OP_SEND_IMM ?
					IB_WR_SEND_WITH_IMM :
				    op->kind == OP_WRITE ? IB_WR_RDMA_WRITE :
				    op->kind == OP_WRITE_IMM ?
					IB_WR_RDMA_WRITE_WITH_IMM :
					IB_WR_RDMA_READ;
			if (ib_post_send(a->qp, &wr, NULL))
				return false;
			posted++;
		}
		w->batch_end = posted;
		if (!sim_run(batch_done, w, limit_ns))
			return false;
	}
	return true;
}

static int count_status(struct workload *w, enum ib_wc_status st)
{
	int n = 0;

	for (int i = 0; i < w->nr_ops; i++)
		n += w->ops[i].completed && w->ops[i].status == st;
	return n;
}

/* ---------------------------------------------------------------- tests */

#define SIM_LIMIT	(120ull * 1000000000ull)	/* 120 s simulated */

static void check_clean_run(struct htest *t, struct workload *w,
			    struct side *a, struct side *b)
{
	HT_EXPECT(t, sim_run(all_done, w, SIM_LIMIT));
	HT_EXPECT_EQ(t, count_status(w, IB_WC_SUCCESS), w->nr_ops);
	HT_EXPECT(t, !w->recv_broken);
	HT_EXPECT(t, !w->read_broken);
	HT_EXPECT_EQ(t, w->nr_recv_ok, w->nr_recv_ops);
	HT_EXPECT(t, !memcmp(b->mem, w->expect_b, 1u << 20));
}

static void run_link(struct htest *t, u64 seed, struct link_faults f,
		     int nr_ops, bool big, bool loopback)
{
	struct side a, b;
	struct workload w;

	sim_setup(seed, f);
	HT_ASSERT_EQ(t, pair_init(&a, &b, REGION, ALL_ACCESS, ALL_ACCESS,
				  &default_params, &default_params, loopback),
		     0);
	make_ops(&w, nr_ops, big);
	HT_EXPECT(t, run_workload(&w, &a, &b, SIM_LIMIT));
	check_clean_run(t, &w, &a, &b);
	if (t->failed)
		printf("# seed %llu: %d/%d ok, recv %d/%d, dropped %lu dup %lu corrupt %lu busy %lu\n",
		       (unsigned long long)seed,
		       count_status(&w, IB_WC_SUCCESS), w.nr_ops,
		       w.nr_recv_ok, w.nr_recv_ops, sim.dropped,
		       sim.duplicated, sim.corrupted, sim.busy);
	workload_free(&w);
	side_fini(&a);
	side_fini(&b);
}

static void test_clean_link_all_ops(struct htest *t)
{
	run_link(t, 1, (struct link_faults) { 0 }, 60, true, false);
	HT_EXPECT_EQ(t, sim.dev[1]->stats.icrc_errors, 0);
}

static void test_every_size_and_kind(struct htest *t)
{
	struct side a, b;
	struct workload w;
	int n = 0;

	sim_setup(2, (struct link_faults) { 0 });
	HT_ASSERT_EQ(t, pair_init(&a, &b, REGION, ALL_ACCESS, ALL_ACCESS,
				  &default_params, &default_params, false), 0);
	make_ops(&w, 5 * ARRAY_SIZE(sizes), true);
	w.nr_recv_ops = 0;
	for (int k = 0; k < 5; k++) {
		for (u32 s = 0; s < ARRAY_SIZE(sizes); s++, n++) {
			struct op *op = &w.ops[n];

			op->kind = k;
			op->len = sizes[s];
			op->dst_off = k == OP_READ ? (1u << 20) : 0;
			if (k == OP_READ && op->len == (1u << 20))
				op->len -= 1;	/* stay inside [1M, 2M) */
			if (k == OP_SEND || k == OP_SEND_IMM ||
			    k == OP_WRITE_IMM)
				w.recv_ops[w.nr_recv_ops++] = n;
		}
	}
	HT_EXPECT(t, run_workload(&w, &a, &b, SIM_LIMIT));
	check_clean_run(t, &w, &a, &b);
	workload_free(&w);
	side_fini(&a);
	side_fini(&b);
}

static void test_lossy_links(struct htest *t)
{
	for (u64 seed = 10; seed < 22 && !t->failed; seed++) {
		struct link_faults f = {
			.drop = 100 + (seed % 4) * 100,	/* 1-4 % */
			.dup = 200,
			.corrupt = 100,
			.jitter_ns = seed % 2 ? 40000 : 0,
		};

		run_link(t, seed, f, 40, seed % 3 == 0, false);
	}
	HT_EXPECT(t, sim.dev[1]->stats.icrc_errors +
		     sim.dev[0]->stats.icrc_errors > 0);
	HT_EXPECT(t, sim.dev[0]->stats.retransmits > 0);
	HT_EXPECT(t, sim.dev[1]->stats.duplicates > 0);
	HT_EXPECT(t, sim.dev[1]->stats.dup_reads > 0);
	HT_EXPECT(t, sim.dev[1]->stats.naks_sent[AETH_NAK_PSN_SEQ_ERROR] > 0);
}

static void test_backpressure(struct htest *t)
{
	struct link_faults f = { .busy_limit = 5, .drop = 50 };

	run_link(t, 30, f, 40, true, false);
	HT_EXPECT(t, sim.busy > 0);
}

static void test_loopback(struct htest *t)
{
	run_link(t, 40, (struct link_faults) { 0 }, 40, true, true);
	HT_EXPECT(t, sim.dev[0]->stats.loopback_pkts > 0);
}

/*
 * A link too bad to work: the QP must fail, every WQE must complete
 * (one error, the rest flushed), the receiver must have seen an in-order
 * prefix, and it must all end in bounded simulated time.
 */
static void test_hopeless_link(struct htest *t)
{
	for (u64 seed = 50; seed < 56 && !t->failed; seed++) {
		struct qp_params p = default_params;
		struct link_faults f = { .drop = 6000, .dup = 500,
					 .jitter_ns = 30000 };
		struct side a, b;
		struct workload w;
		int ok, flushed, errs;

		p.retry_cnt = 2;
		p.timeout = 10;
		sim_setup(seed, f);
		HT_ASSERT_EQ(t, pair_init(&a, &b, REGION, ALL_ACCESS,
					  ALL_ACCESS, &p, &p, false), 0);
		make_ops(&w, 30, false);
		HT_EXPECT(t, run_workload(&w, &a, &b, SIM_LIMIT));
		sim_run(never, &w, 2000000000ull);
		ok = count_status(&w, IB_WC_SUCCESS);
		flushed = count_status(&w, IB_WC_WR_FLUSH_ERR);
		errs = count_status(&w, IB_WC_RETRY_EXC_ERR);
		HT_EXPECT_EQ(t, w.nr_send_done, w.nr_ops);
		HT_EXPECT_EQ(t, ok + flushed + errs, w.nr_ops);
		HT_EXPECT(t, !w.recv_broken);
		HT_EXPECT(t, !w.read_broken);
		/* Successes are a prefix, then one error, then flushes. */
		for (int i = 0; i < w.nr_ops; i++) {
			if (i < ok)
				HT_EXPECT_EQ(t, w.ops[i].status, IB_WC_SUCCESS);
			else if (i == ok && ok < w.nr_ops)
				HT_EXPECT_EQ(t, w.ops[i].status,
					     IB_WC_RETRY_EXC_ERR);
			else if (i > ok)
				HT_EXPECT_EQ(t, w.ops[i].status,
					     IB_WC_WR_FLUSH_ERR);
		}
		/* Every sender success reached the receiver. */
		{
			int need = 0;

			for (int i = 0; i < w.nr_recv_ops; i++)
				need += w.recv_ops[i] < ok;
			HT_EXPECT(t, w.nr_recv_ok >= need);
		}
		if (t->failed)
			printf("# seed %llu: ok %d flushed %d errs %d\n",
			       (unsigned long long)seed, ok, flushed, errs);
		workload_free(&w);
		side_fini(&a);
		side_fini(&b);
	}
}

/* --------------------------------------------- access violations */

struct one_result {
	enum ib_wc_status status;
	bool done;
};

static bool one_done(void *arg)
{
	struct side *a = arg;

	return a->notified > 0;
}

/* Post one RDMA op from @a to @b and return its completion status. */
static enum ib_wc_status one_op(struct side *a, enum ib_wr_opcode opc,
				void *local, u32 len, u64 raddr, u32 rkey)
{
	struct ib_sge sge = { (uintptr_t)local, len, a->mr->lkey };
	struct ib_send_wr wr = {
		.wr_id = 77, .sg_list = &sge, .num_sge = 1, .opcode = opc,
		.send_flags = IB_SEND_SIGNALED,
		.rdma = { .remote_addr = raddr, .rkey = rkey },
	};
	struct ib_wc wc;

	a->notified = 0;
	ib_req_notify_cq(a->scq, IB_CQ_NEXT_COMP);
	if (ib_post_send(a->qp, &wr, NULL))
		return IB_WC_GENERAL_ERR;
	if (!sim_run(one_done, a, SIM_LIMIT))
		return IB_WC_RESP_TIMEOUT_ERR;
	if (ib_poll_cq(a->scq, 1, &wc) != 1 || wc.wr_id != 77)
		return IB_WC_GENERAL_ERR;
	return wc.status;
}

struct violation {
	const char *what;
	enum ib_wr_opcode opc;
	int mr_access;		/* of B's MR */
	int qp_access;		/* of B's QP */
	s64 va_delta;		/* from the start of B's region */
	u32 len;
	bool bad_rkey;
};

static const struct violation violations[] = {
	{ "bad rkey write", IB_WR_RDMA_WRITE, ALL_ACCESS,
	  IB_ACCESS_REMOTE_WRITE, 0, 100, true },
	{ "bad rkey read", IB_WR_RDMA_READ, ALL_ACCESS,
	  IB_ACCESS_REMOTE_READ, 0, 100, true },
	{ "write past end", IB_WR_RDMA_WRITE, ALL_ACCESS,
	  IB_ACCESS_REMOTE_WRITE, 65536 - 4000, 4001, false },
	{ "write before start", IB_WR_RDMA_WRITE, ALL_ACCESS,
	  IB_ACCESS_REMOTE_WRITE, -1, 10, false },
	{ "read past end", IB_WR_RDMA_READ, ALL_ACCESS,
	  IB_ACCESS_REMOTE_READ, 65535, 2, false },
	{ "write without REMOTE_WRITE", IB_WR_RDMA_WRITE,
	  IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE_READ,
	  IB_ACCESS_REMOTE_WRITE | IB_ACCESS_REMOTE_READ, 0, 3000, false },
	{ "read without REMOTE_READ", IB_WR_RDMA_READ,
	  IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE_WRITE,
	  IB_ACCESS_REMOTE_WRITE | IB_ACCESS_REMOTE_READ, 0, 10, false },
	{ "QP without remote write", IB_WR_RDMA_WRITE, ALL_ACCESS,
	  IB_ACCESS_REMOTE_READ, 0, 10, false },
	{ "QP without remote read", IB_WR_RDMA_READ, ALL_ACCESS,
	  IB_ACCESS_REMOTE_WRITE, 0, 10, false },
	{ "multi-packet write, range 1 byte short", IB_WR_RDMA_WRITE,
	  ALL_ACCESS, IB_ACCESS_REMOTE_WRITE, 1, 65536, false },
};

static void test_access_violations(struct htest *t)
{
	for (u32 v = 0; v < ARRAY_SIZE(violations); v++) {
		const struct violation *vi = &violations[v];
		struct qp_params pb = default_params;
		struct side a, b;
		u8 *guard, *local;
		u64 raddr;

		sim_setup(60 + v, (struct link_faults) { 0 });
		pb.access = vi->qp_access;
		HT_ASSERT_EQ(t, pair_init(&a, &b, 3u << 16, ALL_ACCESS,
					  ALL_ACCESS, &default_params, &pb,
					  false), 0);
		/* B exposes the middle 64 KiB of its region through a
		 * second MR with the access under test. */
		ib_dereg_mr(b.mr);
		b.mr = ib_reg_mr(b.pd, b.mem + 65536, 65536, vi->mr_access);
		HT_ASSERT(t, !IS_ERR(b.mr));
		guard = malloc(b.mem_len);
		memcpy(guard, b.mem, b.mem_len);
		local = a.mem + 65536;
		memset(local, 0x5a, 65536);
		raddr = (uintptr_t)(b.mem + 65536) + vi->va_delta;
		HT_EXPECT_EQ(t, one_op(&a, vi->opc, local, vi->len, raddr,
				       vi->bad_rkey ? b.mr->rkey ^ 0x100 :
						      b.mr->rkey),
			     IB_WC_REM_ACCESS_ERR);
		sim_run(never_a, NULL, 100000000ull);
		/* Not one byte of B changed; READ target untouched. */
		HT_EXPECT(t, !memcmp(guard, b.mem, b.mem_len));
		for (u32 i = 0; i < 65536; i++)
			if (local[i] != 0x5a) {
				HT_FAIL(t, "%s: local byte %u changed",
					vi->what, i);
				break;
			}
		HT_EXPECT(t, sim.dev[1]->stats.naks_sent[AETH_NAK_REM_ACC_ERR]);
		if (t->failed)
			printf("# violation: %s\n", vi->what);
		free(guard);
		side_fini(&a);
		side_fini(&b);
		if (t->failed)
			return;
	}
}

static enum ib_wc_status one_send(struct side *a, void *buf, u32 len,
				  u32 lkey)
{
	struct ib_sge sge = { (uintptr_t)buf, len, lkey };
	struct ib_send_wr wr = {
		.wr_id = 77, .sg_list = &sge, .num_sge = 1,
		.opcode = IB_WR_SEND, .send_flags = IB_SEND_SIGNALED,
	};
	struct ib_wc wc;

	a->notified = 0;
	ib_req_notify_cq(a->scq, IB_CQ_NEXT_COMP);
	if (ib_post_send(a->qp, &wr, NULL))
		return IB_WC_GENERAL_ERR;
	if (!sim_run(one_done, a, SIM_LIMIT))
		return IB_WC_RESP_TIMEOUT_ERR;
	if (ib_poll_cq(a->scq, 1, &wc) != 1)
		return IB_WC_GENERAL_ERR;
	return wc.status;
}

static void post_recv_buf(struct side *s, void *buf, u32 len, u64 id)
{
	struct ib_sge sge = { (uintptr_t)buf, len, s->mr->lkey };
	struct ib_recv_wr wr = { .wr_id = id, .sg_list = &sge, .num_sge = 1 };

	ib_post_recv(s->qp, &wr, NULL);
}

/*
 * rdmatest's shape, round after round: A READs @read_len bytes of B,
 * SENDs to B, then B SENDs to A.  Every byte is checked and every
 * operation must succeed: a READ that loses responses must not exhaust
 * its retries, nor leave either QP unable to carry the next message.
 */
static struct rxe_counters pingpong_delta;	/* A's, of the last run */

static void read_pingpong(struct htest *t, u64 seed, struct link_faults f,
			  u32 read_len, int rounds)
{
	struct rxe_counters before;
	u8 *src, *dst, *want;
	struct side a, b;
	struct ib_wc wc;

	sim_setup(seed, f);
	before = sim.dev[0]->stats;
	HT_ASSERT_EQ(t, pair_init(&a, &b, REGION, ALL_ACCESS, ALL_ACCESS,
				  &default_params, &default_params, false), 0);
	src = b.mem + (1u << 20);
	dst = a.mem + (3u << 20);
	want = malloc(read_len + 1);
	for (int r = 0; r < rounds && !t->failed; r++) {
		pattern(src, read_len, 3 * r + 1);
		pattern(want, read_len, 3 * r + 1);
		memset(dst, 0, read_len + 1);
		HT_EXPECT_EQ(t, one_op(&a, IB_WR_RDMA_READ, dst, read_len,
				       (uintptr_t)src, b.mr->rkey),
			     IB_WC_SUCCESS);
		HT_EXPECT(t, !memcmp(dst, want, read_len) && !dst[read_len]);

		pattern(a.mem, 100, 3 * r + 2);
		post_recv_buf(&b, b.mem + (2u << 20), 4096, r);
		HT_EXPECT_EQ(t, one_send(&a, a.mem, 100, a.mr->lkey),
			     IB_WC_SUCCESS);
		HT_EXPECT_EQ(t, ib_poll_cq(b.rcq, 1, &wc), 1);
		HT_EXPECT(t, wc.status == IB_WC_SUCCESS && wc.byte_len == 100 &&
			     wc.wr_id == (u64)r &&
			     !memcmp(b.mem + (2u << 20), a.mem, 100));

		pattern(b.mem, 32, 3 * r + 3);
		post_recv_buf(&a, a.mem + (2u << 20), 4096, r);
		HT_EXPECT_EQ(t, one_send(&b, b.mem, 32, b.mr->lkey),
			     IB_WC_SUCCESS);
		HT_EXPECT_EQ(t, ib_poll_cq(a.rcq, 1, &wc), 1);
		HT_EXPECT(t, wc.status == IB_WC_SUCCESS && wc.byte_len == 32 &&
			     wc.wr_id == (u64)r &&
			     !memcmp(a.mem + (2u << 20), b.mem, 32));
	}
	if (t->failed)
		printf("# seed %llu: rx dropped %lu/%lu, overflows %lu/%lu, timeouts %llu, retransmits %llu\n",
		       (unsigned long long)seed, sim.rx_dropped[0],
		       sim.rx_dropped[1], sim.rx_overflows[0],
		       sim.rx_overflows[1],
		       sim.dev[0]->stats.timeouts - before.timeouts,
		       sim.dev[0]->stats.retransmits - before.retransmits);
	pingpong_delta.timeouts = sim.dev[0]->stats.timeouts - before.timeouts;
	pingpong_delta.retransmits = sim.dev[0]->stats.retransmits -
				     before.retransmits;
	free(want);
	side_fini(&a);
	side_fini(&b);
}

/* net.drop=N on the requester: every Nth packet it receives is lost. */
static void test_read_periodic_drop_requester(struct htest *t)
{
	static const u32 every[] = { 13, 19, 7, 4 };

	for (u32 i = 0; i < ARRAY_SIZE(every) && !t->failed; i++) {
		struct link_faults f = { .rx_drop_every = { every[i], 0 } };

		read_pingpong(t, 200 + i, f, 1u << 20, 3);
		HT_EXPECT(t, sim.rx_dropped[0] > 0);
		HT_EXPECT_EQ(t, sim.rx_dropped[1], 0);
	}
}

/* net.drop=N on both nodes. */
static void test_read_periodic_drop_both(struct htest *t)
{
	static const u32 every[] = { 13, 19, 5 };

	for (u32 i = 0; i < ARRAY_SIZE(every) && !t->failed; i++) {
		struct link_faults f = {
			.rx_drop_every = { every[i], every[i] },
		};

		read_pingpong(t, 210 + i, f, 1u << 20, 3);
		HT_EXPECT(t, sim.rx_dropped[0] > 0 && sim.rx_dropped[1] > 0);
	}
}

/* Random loss of what the requester receives (ACKs, READ responses),
 * READs of every rdmatest size. */
static void test_read_lossy_requester(struct htest *t)
{
	static const u32 lens[] = { 1, 1023, 1025, 4096, 65536, 1u << 20 };

	for (u32 i = 0; i < ARRAY_SIZE(lens) && !t->failed; i++) {
		struct link_faults f = { .rx_drop = { 500, 0 } };

		read_pingpong(t, 220 + i, f, lens[i], 4);
	}
}

/*
 * A requester whose receive queue holds 256 packets and drains slower
 * than the link fills it (an e1000 ring under TCG): READ responses are
 * paced by the requester's window, so a 1 MiB READ neither overruns the
 * queue nor needs a single retransmission.
 */
static void test_read_rx_overflow(struct htest *t)
{
	struct link_faults f = {
		.rx_ring = { 256, 256 },
		.rx_cost_ns = { 30000, 30000 },
	};

	read_pingpong(t, 230, f, 1u << 20, 3);
	HT_EXPECT_EQ(t, sim.rx_overflows[0], 0);
	HT_EXPECT_EQ(t, sim.rx_overflows[1], 0);
	HT_EXPECT_EQ(t, pingpong_delta.retransmits, 0);
	HT_EXPECT_EQ(t, pingpong_delta.timeouts, 0);
}

/* Overrun and net.drop together, the way the two-VM run saw it. */
static void test_read_overflow_and_drop(struct htest *t)
{
	for (u32 i = 0; i < 2 && !t->failed; i++) {
		struct link_faults f = {
			.rx_ring = { 64, 64 },
			.rx_cost_ns = { 50000, 50000 },
			.rx_drop_every = { i ? 19 : 13, 0 },
		};

		read_pingpong(t, 240 + i, f, 1u << 20, 2);
	}
}

/*
 * rdmatest's 1 MiB SENDs, @rounds of them, A to B; every one must
 * succeed and carry every byte.  Returns A's timeouts.
 */
static u64 big_sends(struct htest *t, u64 seed, struct link_faults f,
		     int rounds)
{
	const u32 len = 1u << 20;
	struct rxe_counters before;
	struct side a, b;
	struct ib_wc wc;
	u64 timeouts;

	sim_setup(seed, f);
	before = sim.dev[0]->stats;
	if (pair_init(&a, &b, REGION, ALL_ACCESS, ALL_ACCESS, &default_params,
		      &default_params, false)) {
		HT_FAIL(t, "pair_init failed");
		return ~0ull;
	}
	for (int r = 0; r < rounds && !t->failed; r++) {
		pattern(a.mem, len, 5 * r + 1);
		memset(b.mem + (2u << 20), 0, len);
		post_recv_buf(&b, b.mem + (2u << 20), 2u << 20, r);
		HT_EXPECT_EQ(t, one_send(&a, a.mem, len, a.mr->lkey),
			     IB_WC_SUCCESS);
		HT_EXPECT_EQ(t, ib_poll_cq(b.rcq, 1, &wc), 1);
		HT_EXPECT(t, wc.status == IB_WC_SUCCESS && wc.byte_len == len &&
			     !memcmp(b.mem + (2u << 20), a.mem, len));
	}
	timeouts = sim.dev[0]->stats.timeouts - before.timeouts;
	if (t->failed)
		printf("# seed %llu: rx dropped %lu/%lu, overflows %lu/%lu, timeouts %llu, retransmits %llu\n",
		       (unsigned long long)seed, sim.rx_dropped[0],
		       sim.rx_dropped[1], sim.rx_overflows[0],
		       sim.rx_overflows[1], (unsigned long long)timeouts,
		       sim.dev[0]->stats.retransmits - before.retransmits);
	side_fini(&a);
	side_fini(&b);
	return timeouts;
}

/*
 * Two TCG guests on a loaded host: each handles a frame in 2 ms, its
 * own frames included (the multicast fabric loops them back), behind a
 * 346-frame queue (e1000 ring and socket buffer).  A 64-packet window
 * then waits ~250 ms in queues, far beyond the 67 ms ACK timeout; with
 * a fixed timer every retry came too early, resent the window into the
 * same queues (and got an ACK per duplicate back) and the SEND ended
 * in IB_WC_RETRY_EXC_ERR without a single frame lost.  The measured
 * round trip and the backoff must carry it, with net.drop=19 on both
 * nodes too.
 */
static void test_send_slow_receiver(struct htest *t)
{
	for (u32 i = 0; i < 2 && !t->failed; i++) {
		struct link_faults f = {
			.rx_ring = { 346, 346 },
			.rx_cost_ns = { 2000000, 2000000 },
			.rx_drop_every = { i ? 19 : 0, i ? 19 : 0 },
			.rx_own = true,
		};

		big_sends(t, 250 + i, f, 2);
	}
}

/*
 * net.drop=19 on both nodes, own frames counted: once retries narrowed
 * the window below RXE_ACK_EVERY, a retransmission the responder took
 * whole carried no AckReq, so it was never acknowledged and every such
 * retry cost a timeout (51 in three SENDs).  The packet that fills the
 * window asks for an ACK: only lost heads of retries time out now.
 */
static void test_send_periodic_drop_both(struct htest *t)
{
	struct link_faults f = {
		.rx_drop_every = { 19, 19 },
		.rx_own = true,
	};

	HT_EXPECT(t, big_sends(t, 260, f, 3) <= 12);
}

static void test_rnr(struct htest *t)
{
	struct qp_params p = default_params;
	struct side a, b;
	struct ib_wc wc;

	/* No receive WQE and rnr_retry 2: RNR retry exceeded. */
	p.rnr_retry = 2;
	sim_setup(70, (struct link_faults) { 0 });
	HT_ASSERT_EQ(t, pair_init(&a, &b, 65536, ALL_ACCESS, ALL_ACCESS, &p,
				  &p, false), 0);
	HT_EXPECT_EQ(t, one_send(&a, a.mem, 100, a.mr->lkey),
		     IB_WC_RNR_RETRY_EXC_ERR);
	HT_EXPECT_EQ(t, sim.dev[1]->stats.rnr_naks_sent >= 3, 1);
	side_fini(&a);
	side_fini(&b);

	/* Receive posted late: RNR NAKs, then success, data intact. */
	sim_setup(71, (struct link_faults) { 0 });
	HT_ASSERT_EQ(t, pair_init(&a, &b, 65536, ALL_ACCESS, ALL_ACCESS,
				  &default_params, &default_params, false), 0);
	{
		struct ib_sge sge = { (uintptr_t)a.mem, 5000, a.mr->lkey };
		struct ib_send_wr wr = {
			.wr_id = 5, .sg_list = &sge, .num_sge = 1,
			.opcode = IB_WR_SEND, .send_flags = IB_SEND_SIGNALED,
		};
		u64 rnr_before = sim.dev[1]->stats.rnr_naks_sent;

		HT_ASSERT_EQ(t, ib_post_send(a.qp, &wr, NULL), 0);
		sim_run(never_a, NULL, 3000000ull);
		HT_EXPECT(t, sim.dev[1]->stats.rnr_naks_sent > rnr_before);
		HT_EXPECT_EQ(t, ib_poll_cq(a.scq, 1, &wc), 0);
		post_recv_buf(&b, b.mem + 30000, 6000, 9);
		a.notified = 0;
		ib_req_notify_cq(a.scq, IB_CQ_NEXT_COMP);
		HT_EXPECT(t, sim_run(one_done, &a, SIM_LIMIT));
		HT_ASSERT_EQ(t, ib_poll_cq(a.scq, 1, &wc), 1);
		HT_EXPECT_EQ(t, wc.status, IB_WC_SUCCESS);
		HT_ASSERT_EQ(t, ib_poll_cq(b.rcq, 1, &wc), 1);
		HT_EXPECT_EQ(t, wc.status, IB_WC_SUCCESS);
		HT_EXPECT_EQ(t, wc.byte_len, 5000);
		HT_EXPECT_EQ(t, wc.wr_id, 9);
		HT_EXPECT(t, !memcmp(b.mem + 30000, a.mem, 5000));
		HT_EXPECT_EQ(t, ib_poll_cq(b.rcq, 1, &wc), 0);
	}
	side_fini(&a);
	side_fini(&b);
}

/* The peer vanished: retries run out, every WQE completes. */
static void test_peer_vanished(struct htest *t)
{
	struct qp_params p = default_params;
	struct side a, b;
	struct ib_wc wc[8];
	u64 start;

	p.retry_cnt = 3;
	sim_setup(80, (struct link_faults) { .cut = true });
	HT_ASSERT_EQ(t, pair_init(&a, &b, 65536, ALL_ACCESS, ALL_ACCESS, &p,
				  &p, false), 0);
	for (int i = 0; i < 4; i++) {
		struct ib_sge sge = { (uintptr_t)a.mem, 3000, a.mr->lkey };
		struct ib_send_wr wr = {
			.wr_id = i, .sg_list = &sge, .num_sge = 1,
			.opcode = IB_WR_RDMA_WRITE,
			.rdma = { (uintptr_t)b.mem, b.mr->rkey },
		};

		HT_ASSERT_EQ(t, ib_post_send(a.qp, &wr, NULL), 0);
	}
	start = sim.now;
	sim_run(never_a, NULL, 10ull * 1000000000ull);
	HT_ASSERT_EQ(t, ib_poll_cq(a.scq, 8, wc), 4);
	HT_EXPECT_EQ(t, wc[0].status, IB_WC_RETRY_EXC_ERR);
	HT_EXPECT_EQ(t, wc[0].wr_id, 0);
	for (int i = 1; i < 4; i++) {
		HT_EXPECT_EQ(t, wc[i].status, IB_WC_WR_FLUSH_ERR);
		HT_EXPECT_EQ(t, wc[i].wr_id, i);
	}
	/* 4 transmissions of 67 ms timeouts: well under 10 s. */
	HT_EXPECT(t, sim.now - start <= 10ull * 1000000000ull);
	HT_EXPECT_EQ(t, sim.dev[0]->stats.timeouts >= 4, 1);
	/* Posting to an errored QP completes with a flush. */
	HT_EXPECT_EQ(t, one_send(&a, a.mem, 10, a.mr->lkey),
		     IB_WC_WR_FLUSH_ERR);
	side_fini(&a);
	side_fini(&b);
}

static void test_local_errors(struct htest *t)
{
	struct side a, b;
	struct ib_wc wc;

	/* Bad lkey on a SEND: local protection error. */
	sim_setup(90, (struct link_faults) { 0 });
	HT_ASSERT_EQ(t, pair_init(&a, &b, 65536, ALL_ACCESS, ALL_ACCESS,
				  &default_params, &default_params, false), 0);
	post_recv_buf(&b, b.mem, 1000, 1);
	HT_EXPECT_EQ(t, one_send(&a, a.mem, 100, a.mr->lkey + 0x100),
		     IB_WC_LOC_PROT_ERR);
	side_fini(&a);
	side_fini(&b);

	/* Receive buffer too small: LOC_LEN_ERR there, REM_INV_REQ here. */
	sim_setup(91, (struct link_faults) { 0 });
	HT_ASSERT_EQ(t, pair_init(&a, &b, 65536, ALL_ACCESS, ALL_ACCESS,
				  &default_params, &default_params, false), 0);
	post_recv_buf(&b, b.mem, 1000, 1);
	HT_EXPECT_EQ(t, one_send(&a, a.mem, 3000, a.mr->lkey),
		     IB_WC_REM_INV_REQ_ERR);
	HT_ASSERT_EQ(t, ib_poll_cq(b.rcq, 1, &wc), 1);
	HT_EXPECT_EQ(t, wc.status, IB_WC_LOC_LEN_ERR);
	side_fini(&a);
	side_fini(&b);
}

static void test_qp_state_machine(struct htest *t)
{
	struct side a;
	struct ib_qp_attr attr = { 0 };
	union ib_gid gid;
	u32 ip;

	sim_setup(100, (struct link_faults) { 0 });
	HT_ASSERT_EQ(t, side_init(&a, &sim.dev[0]->ib, 4096, ALL_ACCESS,
				  IB_QPT_RC), 0);
	/* RESET -> RTR and RESET -> RTS are not transitions. */
	attr.qp_state = IB_QPS_RTR;
	HT_EXPECT_EQ(t, ib_modify_qp(a.qp, &attr, IB_QP_STATE), -EINVAL);
	attr.qp_state = IB_QPS_RTS;
	HT_EXPECT_EQ(t, ib_modify_qp(a.qp, &attr, IB_QP_STATE), -EINVAL);
	/* Posting before RTS is refused. */
	HT_EXPECT(t, one_send(&a, a.mem, 1, a.mr->lkey) == IB_WC_GENERAL_ERR);
	attr.qp_state = IB_QPS_INIT;
	HT_EXPECT_EQ(t, ib_modify_qp(a.qp, &attr, IB_QP_STATE), 0);
	/* SQ_PSN is not an INIT attribute. */
	HT_EXPECT_EQ(t, ib_modify_qp(a.qp, &attr, IB_QP_STATE | IB_QP_SQ_PSN),
		     -EINVAL);
	/* INIT -> RTR needs AV, MTU, dest QPN, RQ PSN. */
	attr.qp_state = IB_QPS_RTR;
	attr.path_mtu = IB_MTU_1024;
	HT_EXPECT_EQ(t, ib_modify_qp(a.qp, &attr, IB_QP_STATE |
				     IB_QP_PATH_MTU | IB_QP_DEST_QPN |
				     IB_QP_RQ_PSN), -EINVAL);
	/* A GID that is not IPv4-mapped is refused. */
	memset(&attr.ah_attr.dgid, 0, sizeof(attr.ah_attr.dgid));
	attr.ah_attr.dgid.raw[0] = 0xfe;
	HT_EXPECT_EQ(t, ib_modify_qp(a.qp, &attr, IB_QP_STATE | IB_QP_AV |
				     IB_QP_PATH_MTU | IB_QP_DEST_QPN |
				     IB_QP_RQ_PSN), -EINVAL);
	ib_gid_from_ipv4(&attr.ah_attr.dgid, IP_B);
	attr.dest_qp_num = 0x123;
	attr.rq_psn = 0x42;
	HT_EXPECT_EQ(t, ib_modify_qp(a.qp, &attr, IB_QP_STATE | IB_QP_AV |
				     IB_QP_PATH_MTU | IB_QP_DEST_QPN |
				     IB_QP_RQ_PSN), 0);
	/* RTR -> RTS needs SQ_PSN; bad retry count refused. */
	attr.qp_state = IB_QPS_RTS;
	HT_EXPECT_EQ(t, ib_modify_qp(a.qp, &attr, IB_QP_STATE), -EINVAL);
	attr.retry_cnt = 8;
	HT_EXPECT_EQ(t, ib_modify_qp(a.qp, &attr, IB_QP_STATE | IB_QP_SQ_PSN |
				     IB_QP_RETRY_CNT), -EINVAL);
	attr.retry_cnt = 5;
	attr.sq_psn = 0x77;
	HT_EXPECT_EQ(t, ib_modify_qp(a.qp, &attr, IB_QP_STATE | IB_QP_SQ_PSN |
				     IB_QP_RETRY_CNT), 0);
	memset(&attr, 0, sizeof(attr));
	HT_EXPECT_EQ(t, ib_query_qp(a.qp, &attr), 0);
	HT_EXPECT_EQ(t, attr.qp_state, IB_QPS_RTS);
	HT_EXPECT_EQ(t, attr.dest_qp_num, 0x123);
	HT_EXPECT_EQ(t, attr.rq_psn, 0x42);
	HT_EXPECT_EQ(t, attr.sq_psn, 0x77);
	HT_EXPECT_EQ(t, attr.retry_cnt, 5);
	HT_EXPECT_EQ(t, attr.path_mtu, IB_MTU_1024);
	HT_EXPECT(t, ib_gid_to_ipv4(&attr.ah_attr.dgid, &ip) && ip == IP_B);
	/* RTS -> INIT is not allowed; RTS -> ERR -> RESET -> INIT is. */
	attr.qp_state = IB_QPS_INIT;
	HT_EXPECT_EQ(t, ib_modify_qp(a.qp, &attr, IB_QP_STATE), -EINVAL);
	attr.qp_state = IB_QPS_ERR;
	HT_EXPECT_EQ(t, ib_modify_qp(a.qp, &attr, IB_QP_STATE), 0);
	attr.qp_state = IB_QPS_RTS;
	HT_EXPECT_EQ(t, ib_modify_qp(a.qp, &attr, IB_QP_STATE), -EINVAL);
	attr.qp_state = IB_QPS_RESET;
	HT_EXPECT_EQ(t, ib_modify_qp(a.qp, &attr, IB_QP_STATE), 0);
	attr.qp_state = IB_QPS_INIT;
	HT_EXPECT_EQ(t, ib_modify_qp(a.qp, &attr, IB_QP_STATE), 0);
	/* GID helpers */
	ib_gid_from_ipv4(&gid, 0xc0a80102);
	HT_EXPECT_EQ(t, gid.raw[10], 0xff);
	HT_EXPECT_EQ(t, gid.raw[15], 0x02);
	HT_EXPECT_EQ(t, gid.raw[12], 0xc0);
	/* In-use objects cannot go away. */
	HT_EXPECT_EQ(t, ib_destroy_cq(a.scq), -EBUSY);
	HT_EXPECT_EQ(t, ib_dealloc_pd(a.pd), -EBUSY);
	/* MR rights: remote write without local write is invalid. */
	HT_EXPECT(t, IS_ERR(ib_reg_mr(a.pd, a.mem, 16,
				      IB_ACCESS_REMOTE_WRITE)));
	side_fini(&a);
}

static void test_cq_notify(struct htest *t)
{
	struct side a, b;
	struct ib_wc wc[4];

	sim_setup(110, (struct link_faults) { 0 });
	HT_ASSERT_EQ(t, pair_init(&a, &b, 65536, ALL_ACCESS, ALL_ACCESS,
				  &default_params, &default_params, false), 0);
	/* Unarmed: completions queue up, no handler call. */
	for (int i = 0; i < 3; i++) {
		struct ib_sge sge = { (uintptr_t)a.mem, 10, a.mr->lkey };
		struct ib_send_wr wr = {
			.wr_id = i, .sg_list = &sge, .num_sge = 1,
			.opcode = IB_WR_RDMA_WRITE, .send_flags = IB_SEND_SIGNALED,
			.rdma = { (uintptr_t)b.mem, b.mr->rkey },
		};

		HT_ASSERT_EQ(t, ib_post_send(a.qp, &wr, NULL), 0);
	}
	a.notified = 0;
	sim_run(never_a, NULL, 50000000ull);
	HT_EXPECT_EQ(t, a.notified, 0);
	HT_EXPECT_EQ(t, ib_req_notify_cq(a.scq, IB_CQ_NEXT_COMP |
					 IB_CQ_REPORT_MISSED_EVENTS), 1);
	HT_EXPECT_EQ(t, ib_poll_cq(a.scq, 4, wc), 3);
	/* Armed: exactly one call for two completions. */
	HT_EXPECT_EQ(t, ib_req_notify_cq(a.scq, IB_CQ_NEXT_COMP |
					 IB_CQ_REPORT_MISSED_EVENTS), 0);
	for (int i = 0; i < 2; i++) {
		struct ib_sge sge = { (uintptr_t)a.mem, 10, a.mr->lkey };
		struct ib_send_wr wr = {
			.wr_id = i, .sg_list = &sge, .num_sge = 1,
			.opcode = IB_WR_RDMA_WRITE, .send_flags = IB_SEND_SIGNALED,
			.rdma = { (uintptr_t)b.mem, b.mr->rkey },
		};

		HT_ASSERT_EQ(t, ib_post_send(a.qp, &wr, NULL), 0);
	}
	sim_run(never_a, NULL, 50000000ull);
	HT_EXPECT_EQ(t, a.notified, 1);
	HT_EXPECT_EQ(t, ib_poll_cq(a.scq, 4, wc), 2);
	/* Unsignaled WQEs complete silently. */
	{
		struct ib_sge sge = { (uintptr_t)a.mem, 10, a.mr->lkey };
		struct ib_send_wr wr = {
			.wr_id = 9, .sg_list = &sge, .num_sge = 1,
			.opcode = IB_WR_RDMA_WRITE,
			.rdma = { (uintptr_t)b.mem, b.mr->rkey },
		};
		struct ib_qp_attr attr;

		ib_query_qp(a.qp, &attr);
		HT_ASSERT_EQ(t, ib_post_send(a.qp, &wr, NULL), 0);
		sim_run(never_a, NULL, 50000000ull);
		/* sq_sig_type is ALL_WR in these tests: one completion. */
		HT_EXPECT_EQ(t, ib_poll_cq(a.scq, 4, wc), 1);
	}
	side_fini(&a);
	side_fini(&b);
}

static void test_ud(struct htest *t)
{
	struct side a, b;
	struct ib_qp_attr attr = { 0 };
	struct rdma_ah_attr ah_attr = { 0 };
	struct ib_ah *ah;
	struct ib_wc wc;
	u8 *rbuf;

	sim_setup(120, (struct link_faults) { 0 });
	HT_ASSERT_EQ(t, side_init(&a, &sim.dev[0]->ib, 8192, ALL_ACCESS,
				  IB_QPT_UD), 0);
	HT_ASSERT_EQ(t, side_init(&b, &sim.dev[1]->ib, 8192, ALL_ACCESS,
				  IB_QPT_UD), 0);
	for (int i = 0; i < 2; i++) {
		struct ib_qp *qp = i ? b.qp : a.qp;

		attr.qp_state = IB_QPS_INIT;
		attr.qkey = 0x11111111;
		HT_ASSERT_EQ(t, ib_modify_qp(qp, &attr, IB_QP_STATE |
					     IB_QP_QKEY), 0);
		attr.qp_state = IB_QPS_RTR;
		HT_ASSERT_EQ(t, ib_modify_qp(qp, &attr, IB_QP_STATE), 0);
		attr.qp_state = IB_QPS_RTS;
		attr.sq_psn = 0;
		HT_ASSERT_EQ(t, ib_modify_qp(qp, &attr, IB_QP_STATE |
					     IB_QP_SQ_PSN), 0);
	}
	rbuf = b.mem + 1000;
	post_recv_buf(&b, rbuf, 2000, 3);
	ib_gid_from_ipv4(&ah_attr.dgid, IP_B);
	ah = ib_create_ah(a.pd, &ah_attr);
	HT_ASSERT(t, !IS_ERR(ah));
	memcpy(a.mem, "datagram!", 9);
	{
		struct ib_sge sge = { (uintptr_t)a.mem, 9, a.mr->lkey };
		struct ib_send_wr wr = {
			.wr_id = 1, .sg_list = &sge, .num_sge = 1,
			.opcode = IB_WR_SEND_WITH_IMM, .imm_data = 0xabcd,
			.send_flags = IB_SEND_SIGNALED,
			.ud = { ah, b.qp->qp_num, 0x11111111 },
		};

		HT_ASSERT_EQ(t, ib_post_send(a.qp, &wr, NULL), 0);
		/* A wrong Q_Key is dropped and counted. */
		wr.ud.remote_qkey = 0x22;
		HT_ASSERT_EQ(t, ib_post_send(a.qp, &wr, NULL), 0);
	}
	sim_run(never_a, NULL, 10000000ull);
	HT_ASSERT_EQ(t, ib_poll_cq(b.rcq, 1, &wc), 1);
	HT_EXPECT_EQ(t, wc.status, IB_WC_SUCCESS);
	HT_EXPECT_EQ(t, wc.byte_len, 40 + 9);
	HT_EXPECT_EQ(t, wc.src_qp, a.qp->qp_num);
	HT_EXPECT_EQ(t, wc.imm_data, 0xabcd);
	HT_EXPECT(t, wc.wc_flags & IB_WC_GRH);
	HT_EXPECT(t, !memcmp(rbuf + 40, "datagram!", 9));
	/* GRH area: IPv4 header of the packet, source A, dest B. */
	HT_EXPECT_EQ(t, rbuf[20], 0x45);
	HT_EXPECT_EQ(t, get_be32(rbuf + 20 + 12), IP_A);
	HT_EXPECT_EQ(t, get_be32(rbuf + 20 + 16), IP_B);
	HT_EXPECT_EQ(t, ib_poll_cq(b.rcq, 1, &wc), 0);
	HT_EXPECT(t, sim.dev[1]->stats.bad_qkey > 0);
	HT_EXPECT_EQ(t, ib_poll_cq(a.scq, 1, &wc), 1);
	ib_destroy_ah(ah);
	side_fini(&a);
	side_fini(&b);
}

/* Garbage in: counted, never a crash, never a completion. */
static void test_bad_packets(struct htest *t)
{
	struct rxe_dev *b = sim.dev[1];
	struct rxe_counters before;
	u8 buf[256];
	struct rxe_pkt pkt = {
		.opcode = IB_OPCODE_RC_SEND_ONLY, .saddr = IP_A, .daddr = IP_B,
		.ttl = 64, .pkey = 0xffff, .dqpn = 0x3ff, .paylen = 16,
	};
	size_t len;

	sim_setup(130, (struct link_faults) { 0 });
	before = b->stats;
	HT_ASSERT(t, rxe_pkt_encode(buf, sizeof(buf), &pkt) > 0);
	len = rxe_pkt_total_len(&pkt);
	rxe_pkt_seal(buf, len);
	rxe_rcv(b, buf, len);			/* no such QP */
	HT_EXPECT_EQ(t, b->stats.unknown_qpn, before.unknown_qpn + 1);
	buf[len - 1] ^= 1;
	rxe_rcv(b, buf, len);			/* bad ICRC */
	HT_EXPECT_EQ(t, b->stats.icrc_errors, before.icrc_errors + 1);
	rxe_rcv(b, buf, 10);			/* truncated */
	rxe_rcv(b, buf, 0);
	HT_EXPECT_EQ(t, b->stats.malformed, before.malformed + 2);
	for (int i = 0; i < 1000; i++) {	/* noise */
		for (size_t j = 0; j < sizeof(buf); j++)
			buf[j] = rnd();
		buf[0] = 0x45;
		rxe_rcv(b, buf, rnd() % sizeof(buf));
	}
	HT_EXPECT(t, b->stats.rcvd_pkts >= before.rcvd_pkts + 1004);
}


/*
 * RC packets must come from the connected peer: its address, and the UDP
 * source port it was first heard from at the expected PSN.  A forged
 * SEND with another source address or port is dropped and counted; one
 * at a wrong PSN before the peer spoke does not take the port; the
 * real peer's SENDs arrive, byte for byte.
 */
static void forge_send(struct rxe_dev *to, u32 saddr, u16 sport, u32 dqpn,
		       u32 psn)
{
	u8 buf[256];
	struct rxe_pkt pkt = {
		.opcode = IB_OPCODE_RC_SEND_ONLY, .saddr = saddr,
		.daddr = to->ip, .ttl = 64, .sport = sport, .pkey = 0xffff,
		.dqpn = dqpn, .psn = psn, .paylen = 16,
	};
	size_t len;

	if (rxe_pkt_encode(buf, sizeof(buf), &pkt) <= 0)
		return;
	len = rxe_pkt_total_len(&pkt);
	memset(buf + len - 16 - 4, 0xee, 16);	/* the payload */
	rxe_pkt_seal(buf, len);
	rxe_rcv(to, buf, len);
}

/* 64 bytes from A land in @in, B's receive @id. */
static void send_arrives(struct htest *t, struct side *a, struct side *b,
			 const u8 *in, u64 id)
{
	struct ib_wc wc;
	u8 out[64];

	pattern(out, sizeof(out), (u32)id);
	memcpy(a->mem, out, sizeof(out));
	HT_EXPECT_EQ(t, one_send(a, a->mem, sizeof(out), a->mr->lkey),
		     IB_WC_SUCCESS);
	if (ib_poll_cq(b->rcq, 1, &wc) != 1) {
		HT_FAIL(t, "SEND %llu did not arrive", (unsigned long long)id);
		return;
	}
	HT_EXPECT_EQ(t, wc.status, IB_WC_SUCCESS);
	HT_EXPECT_EQ(t, wc.wr_id, id);
	HT_EXPECT(t, !memcmp(in, out, sizeof(out)));
}

static void test_forged_source(struct htest *t)
{
	struct rxe_dev *db;
	struct rxe_counters before;
	struct side a, b;
	struct ib_wc wc;
	u8 *in[2];

	sim_setup(131, (struct link_faults) { 0 });
	db = sim.dev[1];
	HT_ASSERT_EQ(t, pair_init(&a, &b, 4096, ALL_ACCESS, ALL_ACCESS,
				  &default_params, &default_params, false), 0);
	before = db->stats;
	in[0] = b.mem;
	in[1] = b.mem + 64;
	memset(b.mem, 0, 128);
	post_recv_buf(&b, in[0], 64, 1);
	post_recv_buf(&b, in[1], 64, 2);
	/* Before the peer spoke, at a PSN far from the expected one. */
	forge_send(db, IP_A, 0x1234, b.qp->qp_num, 0x800000);
	send_arrives(t, &a, &b, in[0], 1);
	/* Now the port is known: another one, and another address. */
	forge_send(db, IP_A, 0x1234, b.qp->qp_num, 0);
	forge_send(db, IP_A + 7, 0xc001, b.qp->qp_num, 0);
	HT_EXPECT_EQ(t, db->stats.wrong_port, before.wrong_port + 1);
	HT_EXPECT_EQ(t, db->stats.wrong_peer, before.wrong_peer + 1);
	send_arrives(t, &a, &b, in[1], 2);
	HT_EXPECT_EQ(t, ib_poll_cq(b.rcq, 1, &wc), 0);
	side_fini(&a);
	side_fini(&b);
}

/*
 * Memory keys cannot be guessed from others: of 256 registrations no two
 * keys are equal, consecutive ones are not a fixed step apart, nor are
 * their table indexes (the high 12 bits) mostly one apart; a key
 * registered again for the same memory is another key.
 */
static void test_keys_unpredictable(struct htest *t)
{
	enum { N = 256 };
	static struct ib_mr *mrs[N];
	struct ib_device *dev;
	struct ib_pd *pd;
	unsigned int same = 0, steps = 0, next_index = 0;
	u8 *mem = malloc(N * 64);
	u32 old;

	sim_setup(132, (struct link_faults) { 0 });
	dev = &sim.dev[0]->ib;
	pd = ib_alloc_pd(dev);
	HT_ASSERT(t, !IS_ERR(pd));
	for (int i = 0; i < N; i++) {
		mrs[i] = ib_reg_mr(pd, mem + i * 64, 64, IB_ACCESS_LOCAL_WRITE |
				   IB_ACCESS_REMOTE_WRITE);
		HT_ASSERT(t, !IS_ERR(mrs[i]));
	}
	for (int i = 0; i < N; i++)
		for (int j = i + 1; j < N; j++)
			same += mrs[i]->rkey == mrs[j]->rkey;
	for (int i = 2; i < N; i++)
		steps += mrs[i]->rkey - mrs[i - 1]->rkey ==
			 mrs[i - 1]->rkey - mrs[i - 2]->rkey;
	for (int i = 1; i < N; i++)
		next_index += (mrs[i]->rkey >> 20) == (mrs[i - 1]->rkey >> 20) + 1;
	HT_EXPECT_EQ(t, same, 0);
	HT_EXPECT(t, steps <= 2);
	/* 256 random indexes out of 4095: a few neighbours by chance. */
	HT_EXPECT(t, next_index <= 16);
	old = mrs[0]->rkey;
	ib_dereg_mr(mrs[0]);
	mrs[0] = ib_reg_mr(pd, mem, 64, IB_ACCESS_LOCAL_WRITE);
	HT_ASSERT(t, !IS_ERR(mrs[0]));
	HT_EXPECT(t, mrs[0]->rkey != old);
	for (int i = 0; i < N; i++)
		ib_dereg_mr(mrs[i]);
	ib_dealloc_pd(pd);
	free(mem);
}

static const struct htest_case cases[] = {
	HT_CASE(test_qp_state_machine),
	HT_CASE(test_clean_link_all_ops),
	HT_CASE(test_every_size_and_kind),
	HT_CASE(test_access_violations),
	HT_CASE(test_rnr),
	HT_CASE(test_peer_vanished),
	HT_CASE(test_local_errors),
	HT_CASE(test_cq_notify),
	HT_CASE(test_ud),
	HT_CASE(test_bad_packets),
	HT_CASE(test_forged_source),
	HT_CASE(test_keys_unpredictable),
	HT_CASE(test_loopback),
	HT_CASE(test_backpressure),
	HT_CASE(test_lossy_links),
	HT_CASE(test_hopeless_link),
	HT_CASE(test_read_periodic_drop_requester),
	HT_CASE(test_read_periodic_drop_both),
	HT_CASE(test_read_lossy_requester),
	HT_CASE(test_read_rx_overflow),
	HT_CASE(test_read_overflow_and_drop),
	HT_CASE(test_send_slow_receiver),
	HT_CASE(test_send_periodic_drop_both),
	{}
};

HTEST_MAIN(cases)
