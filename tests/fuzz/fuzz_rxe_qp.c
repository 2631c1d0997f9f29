// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of rxe's RC requester, responder and completer
 * (drivers/infiniband/sw/rxe/rxe_req.c, rxe_resp.c, rxe_comp.c,
 * rxe_recv.c): two rxe devices A and B joined by a simulated link (a
 * queue of packets the input delivers, drops, duplicates, reorders,
 * mutates or adds to) and simulated time; one RC QP pair between them,
 * new for every input.  The input is a sequence of operations, each a
 * byte and its arguments:
 *
 *   post     a work request on A or B: SEND, SEND with immediate, RDMA
 *            WRITE (with immediate), RDMA READ; 0..4200 bytes in 1..3
 *            SGEs; now and then a wrong rkey, a wrong lkey, a remote
 *            range past the MR, an unsignaled flag (still signaled: the
 *            QPs signal all), and a receive posted for it or not;
 *   recv     a receive of 1..3 SGEs;
 *   deliver  N packets from the head of the link;
 *   drop, dup, swap, rotate   the head packet;
 *   mutate   a queued packet re-encoded with one field changed (PSN,
 *            opcode, AETH syndrome and MSN, QPN, RETH address, key and
 *            length, payload length, a payload byte) and a right ICRC,
 *            or one raw byte flipped (the ICRC or the IP checksum must
 *            catch it);
 *   forge    a packet to a QP of the pair from its peer's address and
 *            port (copied from the last packet the peer sent): opcode,
 *            PSN near the expected one, AETH, RETH, payload from the
 *            input;
 *   time     simulated time passes (retransmission and RNR timers);
 *   error    one QP is moved to the error state.
 *
 * Then the link is drained (everything delivered, no damage) for up to
 * 60 simulated seconds.  Properties:
 *  - no crash or sanitizer report;
 *  - every completion's status is one an RC QP may report, its wr_id one
 *    that was posted and not completed before (no completion twice),
 *    send completions come in post order, a successful one has its
 *    work request's opcode;
 *  - after the drain every send work request has completed (a QP never
 *    hangs: retries and RNR retries are finite);
 *  - when nothing was mutated or forged in the input: a successful WRITE
 *    left its bytes at the target, a successful READ brought the
 *    target's bytes, the k-th successful receive holds the k-th message
 *    (SEND or WRITE with immediate) of the other side, with its length
 *    and immediate;
 *  - every object of the input (QPs, CQs, packets) is freed
 *    (LeakSanitizer).
 * rxe has no atomics: an atomic opcode forged on the wire is an unknown
 * opcode (counted, dropped).
 */
/* FUZZ-HTEST: test_fit_rxe_qp */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/rdma/rxe.h>
#include <tessera/rdma/rxe_hdr.h>
#include <tessera/rdma/verbs.h>
#include <tessera/string.h>

#include "fuzz.h"

#define IP_A		0x0a000001u
#define IP_B		0x0a000002u
#define PKT_MAX		1200
#define QUEUE_MAX	256
#define SLOTS		16		/* = queue depths */
#define SLOT_BYTES	8192
#define MSG_MAX		4200
#define AREA		(SLOTS * SLOT_BYTES)
/* Areas of each side's registered buffer. */
#define A_SRC		0
#define A_RECV		(1 * AREA)
#define A_WRITE		(2 * AREA)	/* WRITE targets */
#define A_READ		(3 * AREA)	/* READ sources: a fixed pattern */
#define A_RDEST		(4 * AREA)	/* READ destinations */
#define BUF_BYTES	(5 * AREA)
#define MAX_WR		512

struct pkt {
	struct rxe_dev *to;
	size_t len;
	u8 data[PKT_MAX];
};

struct wr {
	u64 id;
	int opcode;		/* enum ib_wr_opcode */
	u32 len, slot, roff;
	u32 seq;
	bool bad;		/* a wrong key or range: data never checked */
	bool done;
};

struct side {
	struct rxe_dev *dev;
	struct ib_pd *pd;
	struct ib_mr *mr;
	u8 *buf;
	/* per input */
	struct ib_cq *cq;
	struct ib_qp *qp;
	struct wr sends[MAX_WR];
	unsigned int nr_sends, next_done;
	u64 recvs[MAX_WR];
	u32 recv_len[MAX_WR];
	unsigned int nr_recvs, recvs_done, recvs_ok;
	bool recv_done[MAX_WR];
	/* messages of this side that consume the peer's receives */
	unsigned int msgs[MAX_WR], nr_msgs;
	/* the last packet this side sent: a forger's template */
	struct rxe_pkt tmpl;
	bool have_tmpl;
};

static struct side sa, sb;
static struct pkt *queue[QUEUE_MAX];
static unsigned int q_count;
static u64 now_ns;
static bool forged;
static u8 scratch[PKT_MAX];

static struct side *side_of(struct rxe_dev *d)
{
	return d == sa.dev ? &sa : &sb;
}

static int link_xmit(struct rxe_dev *rxe, const u8 *dmac, u32 daddr,
		     const u8 *data, size_t len)
{
	struct side *s = side_of(rxe);
	struct pkt *p;

	if (daddr != IP_A && daddr != IP_B)
		return -EHOSTUNREACH;
	if (q_count == QUEUE_MAX)
		return -EBUSY;
	if (len > PKT_MAX)
		return -EMSGSIZE;
	p = malloc(sizeof(*p));
	FUZZ_ASSERT(p);
	p->to = daddr == IP_A ? sa.dev : sb.dev;
	p->len = len;
	memcpy(p->data, data, len);
	queue[q_count++] = p;
	if (!rxe_pkt_decode(data, len, &s->tmpl))
		s->have_tmpl = true;
	return 0;
}

static u64 link_now(struct rxe_dev *rxe)
{
	return now_ns;
}

static void link_kick(struct rxe_dev *rxe)
{
}

static const struct rxe_net_ops link_ops = {
	.xmit = link_xmit, .now_ns = link_now, .kick = link_kick,
};

static void process(void)
{
	rxe_dev_process(sa.dev);
	rxe_dev_process(sb.dev);
}

static struct pkt *take(unsigned int i)
{
	struct pkt *p = queue[i];

	memmove(&queue[i], &queue[i + 1], (q_count - i - 1) * sizeof(*queue));
	q_count--;
	return p;
}

static void deliver_head(void)
{
	struct pkt *p;

	if (!q_count)
		return;
	p = take(0);
	rxe_rcv(p->to, p->data, p->len);
	free(p);
	process();
}

static u8 pattern(u32 seq, u32 i)
{
	return (u8)(seq * 61 + i * 7 + (i >> 8) + 1);
}

static u8 read_pattern(int side, u32 i)
{
	return (u8)(i * 13 + (i >> 10) + side * 101);
}

/* ------------------------------------------------------------ checks */

static void check_wc(struct side *s, struct side *peer, const struct ib_wc *wc)
{
	FUZZ_ASSERT(wc->status <= IB_WC_GENERAL_ERR);
	FUZZ_ASSERT(wc->status != IB_WC_LOC_EEC_OP_ERR &&
		    wc->status != IB_WC_MW_BIND_ERR &&
		    wc->status != IB_WC_LOC_RDD_VIOL_ERR &&
		    wc->status != IB_WC_INV_EECN_ERR &&
		    wc->status != IB_WC_INV_EEC_STATE_ERR);
	if (wc->wr_id & 1) {
		/* a receive of @s */
		unsigned int i = wc->wr_id >> 1, k;
		struct wr *m;

		FUZZ_ASSERT(i < s->nr_recvs && !s->recv_done[i]);
		/* Receives complete in the order they were posted. */
		FUZZ_ASSERT(i == s->recvs_done);
		s->recv_done[i] = true;
		s->recvs_done++;
		if (wc->status != IB_WC_SUCCESS)
			return;
		k = s->recvs_ok++;
		FUZZ_ASSERT(k < peer->nr_msgs || forged);
		if (forged)
			return;
		m = &peer->sends[peer->msgs[k]];
		if (m->bad)
			return;
		if (m->opcode == IB_WR_RDMA_WRITE_WITH_IMM) {
			FUZZ_ASSERT(wc->opcode == IB_WC_RECV_RDMA_WITH_IMM);
			FUZZ_ASSERT(wc->imm_data == m->seq);
			return;
		}
		FUZZ_ASSERT(wc->opcode == IB_WC_RECV);
		FUZZ_ASSERT(wc->byte_len == m->len);
		FUZZ_ASSERT(m->len <= s->recv_len[i]);
		if (m->opcode == IB_WR_SEND_WITH_IMM)
			FUZZ_ASSERT(wc->imm_data == m->seq);
		for (u32 j = 0; j < m->len; j++)
			FUZZ_ASSERT(s->buf[A_RECV + (i % SLOTS) * SLOT_BYTES + j] ==
				    pattern(m->seq, j));
	} else {
		unsigned int i = wc->wr_id >> 1;
		struct wr *w;

		FUZZ_ASSERT(i < s->nr_sends && !s->sends[i].done);
		/* RC: send completions in post order. */
		FUZZ_ASSERT(i == s->next_done);
		w = &s->sends[i];
		w->done = true;
		s->next_done++;
		if (wc->status != IB_WC_SUCCESS)
			return;
		switch (w->opcode) {
		case IB_WR_SEND:
		case IB_WR_SEND_WITH_IMM:
			FUZZ_ASSERT(wc->opcode == IB_WC_SEND);
			break;
		case IB_WR_RDMA_WRITE:
		case IB_WR_RDMA_WRITE_WITH_IMM:
			FUZZ_ASSERT(wc->opcode == IB_WC_RDMA_WRITE);
			if (forged || w->bad)
				break;
			for (u32 j = 0; j < w->len; j++)
				FUZZ_ASSERT(peer->buf[A_WRITE + w->roff + j] ==
					    pattern(w->seq, j));
			break;
		case IB_WR_RDMA_READ:
			FUZZ_ASSERT(wc->opcode == IB_WC_RDMA_READ);
			if (forged || w->bad)
				break;
			for (u32 j = 0; j < w->len; j++)
				FUZZ_ASSERT(s->buf[A_RDEST + w->slot * SLOT_BYTES + j] ==
					    read_pattern(peer == &sa, w->roff + j));
			break;
		}
	}
}

static void poll_all(void)
{
	struct ib_wc wc;

	while (ib_poll_cq(sa.cq, 1, &wc) == 1)
		check_wc(&sa, &sb, &wc);
	while (ib_poll_cq(sb.cq, 1, &wc) == 1)
		check_wc(&sb, &sa, &wc);
}

/* ------------------------------------------------------------ the QPs */

static struct ib_qp *qp_create(struct side *s)
{
	struct ib_qp_init_attr init = {
		.send_cq = s->cq, .recv_cq = s->cq,
		.cap = { .max_send_wr = SLOTS, .max_recv_wr = SLOTS,
			 .max_send_sge = 3, .max_recv_sge = 3 },
		.sq_sig_type = IB_SIGNAL_ALL_WR, .qp_type = IB_QPT_RC,
	};
	struct ib_qp_attr a = { .qp_state = IB_QPS_INIT,
				.qp_access_flags = IB_ACCESS_REMOTE_WRITE |
						   IB_ACCESS_REMOTE_READ };
	struct ib_qp *qp = ib_create_qp(s->pd, &init);

	FUZZ_ASSERT(!IS_ERR_OR_NULL(qp));
	FUZZ_ASSERT(!ib_modify_qp(qp, &a, IB_QP_STATE | IB_QP_ACCESS_FLAGS));
	return qp;
}

static void qp_connect(struct ib_qp *qp, u32 peer_qpn, u32 peer_ip,
		       u32 rq_psn, u32 sq_psn, u8 timeout, u8 rnr)
{
	struct ib_qp_attr a = { .qp_state = IB_QPS_RTR,
				.path_mtu = IB_MTU_1024,
				.dest_qp_num = peer_qpn, .rq_psn = rq_psn,
				.max_dest_rd_atomic = 4, .min_rnr_timer = 1 };

	ib_gid_from_ipv4(&a.ah_attr.dgid, peer_ip);
	FUZZ_ASSERT(!ib_modify_qp(qp, &a, IB_QP_STATE | IB_QP_AV |
				  IB_QP_PATH_MTU | IB_QP_DEST_QPN |
				  IB_QP_RQ_PSN | IB_QP_MAX_DEST_RD_ATOMIC |
				  IB_QP_MIN_RNR_TIMER));
	memset(&a, 0, sizeof(a));
	a.qp_state = IB_QPS_RTS;
	a.sq_psn = sq_psn;
	a.timeout = timeout;
	a.retry_cnt = 3;
	a.rnr_retry = rnr;
	a.max_rd_atomic = 4;
	FUZZ_ASSERT(!ib_modify_qp(qp, &a, IB_QP_STATE | IB_QP_SQ_PSN |
				  IB_QP_TIMEOUT | IB_QP_RETRY_CNT |
				  IB_QP_RNR_RETRY | IB_QP_MAX_QP_RD_ATOMIC));
}

static void setup_side(struct side *s, const char *name, u32 ip, u8 mac_last)
{
	u8 mac[6] = { 2, 0, 0, 0, 0, mac_last };

	s->dev = rxe_dev_create(name, ip, mac, 1500, &link_ops, NULL);
	FUZZ_ASSERT(!IS_ERR_OR_NULL(s->dev));
	s->buf = calloc(1, BUF_BYTES);
	FUZZ_ASSERT(s->buf);
	for (u32 i = 0; i < AREA; i++)
		s->buf[A_READ + i] = read_pattern(s == &sa, i);
	s->pd = ib_alloc_pd(&s->dev->ib);
	FUZZ_ASSERT(!IS_ERR_OR_NULL(s->pd));
	s->mr = ib_reg_mr(s->pd, s->buf, BUF_BYTES, IB_ACCESS_LOCAL_WRITE |
			  IB_ACCESS_REMOTE_WRITE | IB_ACCESS_REMOTE_READ);
	FUZZ_ASSERT(!IS_ERR_OR_NULL(s->mr));
}

static void begin_side(struct side *s)
{
	s->cq = ib_create_cq(&s->dev->ib, 4 * SLOTS, NULL, NULL);
	FUZZ_ASSERT(!IS_ERR_OR_NULL(s->cq));
	s->qp = qp_create(s);
	s->nr_sends = s->next_done = 0;
	s->nr_recvs = s->recvs_done = s->recvs_ok = 0;
	s->nr_msgs = 0;
	s->have_tmpl = false;
}

static void end_side(struct side *s)
{
	FUZZ_ASSERT(!ib_destroy_qp(s->qp));
	FUZZ_ASSERT(!ib_destroy_cq(s->cq));
}

/* ------------------------------------------------------------ operations */

/* Split @len bytes at @addr into 1..3 SGEs. */
static int make_sges(struct ib_sge *sg, struct fuzz_in *in, u8 *addr,
		     u32 len, u32 lkey)
{
	int n = 1 + fuzz_take(in, 1) % 3;
	u32 left = len;

	for (int i = 0; i < n; i++) {
		u32 l = i == n - 1 ? left : (n - i > 1 && left ?
					     fuzz_take(in, 2) % (left + 1) : 0);

		sg[i].addr = (u64)(uintptr_t)addr;
		sg[i].length = l;
		sg[i].lkey = lkey;
		addr += l;
		left -= l;
	}
	return n;
}

static void op_recv(struct side *s, struct fuzz_in *in)
{
	unsigned int i = s->nr_recvs;
	u32 len = fuzz_take(in, 2) % (MSG_MAX + 1);
	struct ib_sge sg[3];
	struct ib_recv_wr rwr = { .wr_id = (u64)i << 1 | 1, .sg_list = sg };

	if (i == MAX_WR || i - s->recvs_done >= SLOTS)
		return;
	rwr.num_sge = make_sges(sg, in, s->buf + A_RECV + (i % SLOTS) * SLOT_BYTES,
				len, s->mr->lkey);
	if (ib_post_recv(s->qp, &rwr, NULL))
		return;
	s->recv_len[i] = len;
	s->recv_done[i] = false;
	s->nr_recvs++;
}

static void op_post(struct side *s, struct side *peer, struct fuzz_in *in)
{
	static const int ops[] = { IB_WR_SEND, IB_WR_SEND_WITH_IMM,
				   IB_WR_RDMA_WRITE, IB_WR_RDMA_WRITE_WITH_IMM,
				   IB_WR_RDMA_READ };
	unsigned int i = s->nr_sends;
	u32 ctl = fuzz_take(in, 1), len = fuzz_take(in, 2) % (MSG_MAX + 1);
	u32 roff = fuzz_take(in, 2) % (AREA - MSG_MAX);
	struct wr *w = &s->sends[i];
	struct ib_sge sg[3];
	struct ib_send_wr swr = { .wr_id = (u64)i << 1, .sg_list = sg,
				  .send_flags = IB_SEND_SIGNALED };
	u32 lkey = s->mr->lkey, rkey = peer->mr->rkey;
	u8 *local;

	poll_all();
	if (i == MAX_WR || i - s->next_done >= SLOTS)
		return;
	w->opcode = ops[ctl % 5];
	w->len = len;
	w->slot = i % SLOTS;
	w->seq = (u32)i * 2 + (s == &sb) + 1;
	w->done = false;
	w->bad = false;
	/* A WRITE's target is its slot's (no two outstanding overlap); a
	 * READ's source anywhere in the fixed pattern. */
	if (w->opcode != IB_WR_RDMA_READ)
		roff = w->slot * SLOT_BYTES + roff % (SLOT_BYTES - MSG_MAX);
	w->roff = roff;
	if (w->opcode == IB_WR_RDMA_READ) {
		local = s->buf + A_RDEST + w->slot * SLOT_BYTES;
		memset(local, 0, SLOT_BYTES);
	} else {
		local = s->buf + A_SRC + w->slot * SLOT_BYTES;
		for (u32 j = 0; j < len; j++)
			local[j] = pattern(w->seq, j);
	}
	/* Now and then something the other side or we must refuse. */
	swr.rdma.remote_addr = (u64)(uintptr_t)peer->buf +
		(w->opcode == IB_WR_RDMA_READ ? A_READ : A_WRITE) + roff;
	switch ((ctl >> 3) & 15) {
	case 0:
		rkey ^= 1u << (fuzz_take(in, 1) % 32);
		w->bad = true;
		break;
	case 1:
		lkey ^= 1u << (fuzz_take(in, 1) % 32);
		w->bad = true;
		break;
	case 2:
		/* Across the end of the remote MR. */
		swr.rdma.remote_addr = (u64)(uintptr_t)peer->buf +
			BUF_BYTES - 16;
		w->bad = true;
		break;
	}
	swr.opcode = w->opcode;
	swr.imm_data = w->seq;
	swr.rdma.rkey = rkey;
	swr.num_sge = make_sges(sg, in, local, len, lkey);
	if (ctl & 0x80)
		op_recv(peer, in);
	if (ib_post_send(s->qp, &swr, NULL))
		return;
	if (w->opcode == IB_WR_SEND || w->opcode == IB_WR_SEND_WITH_IMM ||
	    w->opcode == IB_WR_RDMA_WRITE_WITH_IMM)
		s->msgs[s->nr_msgs++] = i;
	s->nr_sends++;
	process();
}

static void op_mutate(struct fuzz_in *in)
{
	unsigned int idx, what;
	struct rxe_pkt pkt;
	struct pkt *p;
	u32 v;
	int off;

	if (!q_count)
		return;
	idx = fuzz_take(in, 1) % q_count;
	what = fuzz_take(in, 1);
	v = fuzz_take(in, 4);
	p = queue[idx];
	if ((what & 15) == 15) {
		/* One raw flip, no new ICRC. */
		p->data[v % p->len] ^= 1 << (what >> 5);
		return;
	}
	if (rxe_pkt_decode(p->data, p->len, &pkt))
		return;
	memcpy(scratch, pkt.payload, pkt.paylen);
	switch (what & 15) {
	case 0: pkt.psn = psn_add(pkt.psn, v % 16 - 8); break;
	case 1: pkt.psn = v & RXE_PSN_MASK; break;
	case 2: pkt.opcode = v; break;
	case 3: pkt.syndrome = v; break;
	case 4: pkt.msn = v & RXE_PSN_MASK; break;
	case 5: pkt.dqpn = v & RXE_PSN_MASK; break;
	case 6: pkt.va += (s32)v % 8192; break;
	case 7: pkt.rkey ^= v; break;
	case 8: pkt.dma_len = v % 65536; break;
	case 9: pkt.paylen = v % (pkt.paylen + 1); break;
	case 10:
		if (pkt.paylen)
			scratch[v % pkt.paylen] ^= v >> 24 | 1;
		break;
	case 11: pkt.syndrome = AETH_NAK | (v % 5); break;
	case 12: pkt.syndrome = AETH_RNR_NAK | (v & 31); break;
	case 13: pkt.ackreq = !pkt.ackreq; break;
	default: pkt.sport ^= v; break;
	}
	off = rxe_pkt_encode(p->data, PKT_MAX, &pkt);
	if (off < 0 || off + pkt.paylen + 8 > PKT_MAX) {
		free(take(idx));
		return;
	}
	memcpy(p->data + off, scratch, pkt.paylen);
	p->len = rxe_pkt_total_len(&pkt);
	rxe_pkt_seal(p->data, p->len);
	forged = true;
}

static void op_forge(struct fuzz_in *in)
{
	u32 ctl = fuzz_take(in, 1), v = fuzz_take(in, 4);
	struct side *to = ctl & 1 ? &sb : &sa, *from = ctl & 1 ? &sa : &sb;
	struct rxe_pkt pkt;
	struct pkt *p;
	int off;

	if (!from->have_tmpl)
		return;
	pkt = from->tmpl;
	pkt.opcode = ctl & 2 ? fuzz_take(in, 1) : fuzz_take(in, 1) % 0x12;
	pkt.dqpn = to->qp->qp_num;
	pkt.psn = psn_add(pkt.psn, (v & 31) - 8);
	pkt.syndrome = v >> 8;
	pkt.msn = (v >> 16) & 31;
	pkt.ackreq = ctl & 4;
	pkt.va = (u64)(uintptr_t)to->buf + fuzz_take(in, 3) % BUF_BYTES;
	pkt.rkey = ctl & 8 ? to->mr->rkey : fuzz_take(in, 4);
	pkt.dma_len = fuzz_take(in, 2);
	pkt.imm = v;
	pkt.paylen = fuzz_take(in, 2) % (1024 + 1);
	off = rxe_pkt_encode(scratch, PKT_MAX, &pkt);
	if (off < 0 || off + pkt.paylen + 8 > PKT_MAX)
		return;
	for (u32 i = 0; i < pkt.paylen; i++)
		scratch[off + i] = fuzz_take(in, 1);
	rxe_pkt_seal(scratch, rxe_pkt_total_len(&pkt));
	forged = true;
	if (ctl & 16) {
		if (q_count == QUEUE_MAX)
			return;
		p = malloc(sizeof(*p));
		FUZZ_ASSERT(p);
		p->to = to->dev;
		p->len = rxe_pkt_total_len(&pkt);
		memcpy(p->data, scratch, p->len);
		queue[q_count++] = p;
		return;
	}
	rxe_rcv(to->dev, scratch, rxe_pkt_total_len(&pkt));
	process();
}

static void op_error(struct side *s)
{
	struct ib_qp_attr a = { .qp_state = IB_QPS_ERR };

	ib_modify_qp(s->qp, &a, IB_QP_STATE);
	process();
}

static bool all_sends_done(void)
{
	return sa.next_done == sa.nr_sends && sb.next_done == sb.nr_sends;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct pkt *p;
	u32 ctl;

	if (!sa.dev) {
		setup_side(&sa, "rxa", IP_A, 1);
		setup_side(&sb, "rxb", IP_B, 2);
	}
	forged = false;
	now_ns += 1000000000ull;
	begin_side(&sa);
	begin_side(&sb);
	ctl = fuzz_take(&in, 4);
	/* PSNs near the wrap now and then; timeouts 4..16 ms. */
	qp_connect(sa.qp, sb.qp->qp_num, IP_B, ctl & 1 ? 0xfffff0 : 100,
		   ctl & 2 ? 0xfffffa : 200, 10 + (ctl >> 2) % 3,
		   (ctl >> 4) % 4);
	qp_connect(sb.qp, sa.qp->qp_num, IP_A, ctl & 2 ? 0xfffffa : 200,
		   ctl & 1 ? 0xfffff0 : 100, 10 + (ctl >> 6) % 3,
		   (ctl >> 8) % 4);

	for (unsigned int n = 0; in.left && n < 256; n++) {
		u32 op = fuzz_take(&in, 1);
		struct side *s = op & 0x80 ? &sb : &sa;
		struct side *peer = s == &sa ? &sb : &sa;

		switch (op & 15) {
		case 0: case 1: case 2:
			op_post(s, peer, &in);
			break;
		case 3:
			op_recv(s, &in);
			break;
		case 4: case 5: case 6:
			for (u32 k = fuzz_take(&in, 1) % 16 + 1; k && q_count; k--)
				deliver_head();
			break;
		case 7:
			if (q_count)
				free(take(0));
			break;
		case 8:
			if (q_count && q_count < QUEUE_MAX) {
				p = malloc(sizeof(*p));
				FUZZ_ASSERT(p);
				memcpy(p, queue[0], sizeof(*p));
				queue[q_count++] = p;
			}
			break;
		case 9:
			if (q_count > 1) {
				p = queue[0];
				queue[0] = queue[1];
				queue[1] = p;
			}
			break;
		case 10:
			if (q_count) {
				p = take(0);
				queue[q_count++] = p;
			}
			break;
		case 11:
			op_mutate(&in);
			break;
		case 12:
			op_forge(&in);
			break;
		case 13:
			now_ns += (u64)(fuzz_take(&in, 1) + 1) * 500000;
			process();
			break;
		case 14:
			if (!(op & 0x70))
				op_error(s);
			break;
		default:
			process();
			break;
		}
		poll_all();
	}

	/* Drain: a clean link, time passing, until every send completed. */
	for (int t = 0; t < 60000 && !all_sends_done(); t++) {
		for (int k = 0; k < 10000 && q_count; k++)
			deliver_head();
		now_ns += 1000000;
		process();
		poll_all();
	}
	FUZZ_ASSERT(all_sends_done());
	while (q_count)
		free(take(q_count - 1));
	end_side(&sa);
	end_side(&sb);
	return 0;
}

/* --- seeds ------------------------------------------------------------ */

static void put_op(u8 *b, size_t *n, const u8 *bytes, size_t len)
{
	memcpy(b + *n, bytes, len);
	*n += len;
}

void fuzz_seeds(fuzz_emit_fn emit)
{
	static const struct {
		const char *name;
		u8 wr, extra;		/* opcode index, damage op */
	} seeds[] = {
		{ "send", 0, 15 }, { "send-imm", 1, 15 }, { "write", 2, 15 },
		{ "write-imm", 3, 15 }, { "read", 4, 15 },
		{ "send-drop", 0, 7 }, { "write-dup", 2, 8 },
		{ "read-swap", 4, 9 }, { "send-mutate", 0, 11 },
		{ "write-forge", 2, 12 },
	};
	u8 b[128];

	for (size_t i = 0; i < ARRAY_SIZE(seeds); i++) {
		size_t n = 0;
		/* ctl: default PSNs and timeouts, RNR retry 3 */
		const u8 head[4] = { 0x30, 0x03, 0, 0 };
		/* post on A: opcode, 3000 bytes, remote offset 4096, 2 SGEs,
		 * split at 1000; a receive of 4200 bytes in 1 SGE on B */
		const u8 post[] = { 0x00, (u8)(0x80 | seeds[i].wr), 0xb8, 0x0b,
				    0x00, 0x10, 0x01, 0xe8, 0x03, 0x68, 0x10,
				    0x00 };
		const u8 damage[] = { seeds[i].extra, 0, 2, 0x11, 0x22, 0x33,
				      0x44, 0x13, 0, 0, 0, 0, 0, 0, 0 };
		const u8 run[] = { 0x04, 15, 0x0d, 20, 0x04, 15, 0x84, 15 };

		put_op(b, &n, head, sizeof(head));
		put_op(b, &n, post, sizeof(post));
		put_op(b, &n, damage, sizeof(damage));
		put_op(b, &n, run, sizeof(run));
		emit(seeds[i].name, b, n);
	}
}
