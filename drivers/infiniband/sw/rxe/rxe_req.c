/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rxe requester: turns send WQEs into packets.  RC messages are cut
 * into path-MTU packets with consecutive PSNs (FIRST/MIDDLE/LAST or
 * ONLY), RDMA WRITE carries a RETH in its first packet, immediate data
 * rides in the last.  An RDMA READ WQE reserves one PSN per expected
 * response packet and asks for them in READ requests of at most
 * RXE_READ_SEG packets each.  At most rxe_req_window() PSNs are
 * unacknowledged (READ responses included: that window is the only flow
 * control a response stream has) and at most max_rd_atomic READ requests
 * outstanding; AckReq is set on the last packet of a message and every
 * RXE_ACK_EVERY packets.
 *
 * Retransmission is go-back-N (rxe_req_go_back): the completer moves
 * the requester back to the oldest unacknowledged PSN and the WQEs are
 * replayed from there with the PSNs they were first given; a READ
 * retried from the middle asks for the rest only.  Each retry without
 * progress halves the window (down to one packet), so that a receiver
 * that loses bursts, or loses every Nth packet, still sees the head of
 * the retried range; the packet that fills the window always asks for
 * an ACK.  The answer to one first-time AckReq packet at a time is
 * timed for the completer's retransmission timeout.  UD sends are one
 * packet each and complete as soon as they leave.
 *
 * All under qp->lock.
 */
#include <tessera/errno.h>
#include <tessera/string.h>

#include "rxe.h"

static u32 wqe_nr_pkts(struct rxe_qp *qp, struct rxe_send_wqe *wqe)
{
	return wqe->length ? DIV_ROUND_UP(wqe->length, qp->mtu) : 1;
}

static void req_advance(struct rxe_qp *qp, u32 psn)
{
	qp->req.psn = psn;
	if (psn_cmp(psn, qp->req.max_psn) > 0)
		qp->req.max_psn = psn;
}

static u8 rc_opcode(struct rxe_send_wqe *wqe, bool first, bool last)
{
	bool imm = wqe->opcode == IB_WR_SEND_WITH_IMM ||
		   wqe->opcode == IB_WR_RDMA_WRITE_WITH_IMM;

	if (wqe->opcode == IB_WR_SEND || wqe->opcode == IB_WR_SEND_WITH_IMM) {
		if (first && last)
			return imm ? IB_OPCODE_RC_SEND_ONLY_WITH_IMMEDIATE :
				     IB_OPCODE_RC_SEND_ONLY;
		if (first)
			return IB_OPCODE_RC_SEND_FIRST;
		if (last)
			return imm ? IB_OPCODE_RC_SEND_LAST_WITH_IMMEDIATE :
				     IB_OPCODE_RC_SEND_LAST;
		return IB_OPCODE_RC_SEND_MIDDLE;
	}
	if (first && last)
		return imm ? IB_OPCODE_RC_RDMA_WRITE_ONLY_WITH_IMMEDIATE :
			     IB_OPCODE_RC_RDMA_WRITE_ONLY;
	if (first)
		return IB_OPCODE_RC_RDMA_WRITE_FIRST;
	if (last)
		return imm ? IB_OPCODE_RC_RDMA_WRITE_LAST_WITH_IMMEDIATE :
			     IB_OPCODE_RC_RDMA_WRITE_LAST;
	return IB_OPCODE_RC_RDMA_WRITE_MIDDLE;
}

/* A local error while building a packet: the WQE fails, the QP errs. */
static void req_local_error(struct rxe_qp *qp, struct rxe_send_wqe *wqe,
			    int err)
{
	wqe->err = err == -EINVAL ? IB_WC_LOC_LEN_ERR : IB_WC_LOC_PROT_ERR;
	rxe_qp_error(qp);
}

/* Time the answer to the AckReq packet at req.psn if it is new. */
static void req_time_ack(struct rxe_qp *qp)
{
	if (psn_cmp(qp->req.psn, qp->req.max_psn) >= 0)
		rxe_comp_rtt_start(qp, qp->req.psn);
}

/* A READ request for the next @nr response packets of @wqe. */
static int send_read_req(struct rxe_qp *qp, struct rxe_send_wqe *wqe, u32 nr)
{
	u32 off = qp->req.offset;
	struct rxe_pkt pkt;
	int hdr, ret;

	rxe_init_pkt(qp, &pkt, IB_OPCODE_RC_RDMA_READ_REQUEST, qp->req.psn);
	pkt.va = wqe->remote_addr + off;
	pkt.rkey = wqe->rkey;
	pkt.dma_len = min(wqe->length - off, nr * qp->mtu);
	pkt.ackreq = true;
	hdr = rxe_pkt_encode(qp->txbuf, RXE_TXBUF_SIZE, &pkt);
	if (hdr < 0)
		return hdr;
	ret = rxe_xmit(qp, qp->dmac, qp->daddr, rxe_pkt_total_len(&pkt));
	if (!ret)
		req_time_ack(qp);
	return ret;
}

/* May another READ request go out (max_rd_atomic)? */
static bool read_req_allowed(struct rxe_qp *qp)
{
	u32 max = min((u32)qp->max_rd_atomic, (u32)RXE_MAX_RD_ATOMIC);

	while (qp->req.rd_count &&
	       psn_cmp(qp->req.rd_end[qp->req.rd_head], qp->comp.psn) < 0) {
		qp->req.rd_head = (qp->req.rd_head + 1) % RXE_MAX_RD_ATOMIC;
		qp->req.rd_count--;
	}
	return qp->req.rd_count < max;
}

static void read_req_sent(struct rxe_qp *qp, u32 last_psn)
{
	u32 slot = (qp->req.rd_head + qp->req.rd_count) % RXE_MAX_RD_ATOMIC;

	qp->req.rd_end[slot] = last_psn;
	qp->req.rd_count++;
}

/*
 * The next READ request of @wqe at qp->req.psn, if the window and the
 * READ credits allow it: 1 when it went out, 0 if it has to wait,
 * -EBUSY, or a local error.
 *
 * A first request always asks for a whole segment: RXE_READ_SEG packets
 * counted from the WQE's first PSN (the last one may be shorter), so
 * that the requester knows the bounds of every request it ever sent.  A
 * retry (below req.max_psn) asks for the rest of the segment or, after
 * stalls, as much of it as the narrowed window holds: always a part of
 * one earlier request, which is what a responder re-executes.
 */
static int req_read(struct rxe_qp *qp, struct rxe_send_wqe *wqe, u32 inflight,
		    u32 window)
{
	u32 done = (qp->req.psn - wqe->first_psn) & RXE_PSN_MASK;
	u32 left = ((wqe->last_psn - qp->req.psn) & RXE_PSN_MASK) + 1;
	u32 nr = min(left, RXE_READ_SEG - done % RXE_READ_SEG);
	int ret;

	if (psn_cmp(qp->req.psn, qp->req.max_psn) < 0)
		nr = min(nr, window - inflight);
	else if (inflight && inflight + nr > window)
		return 0;
	if (!read_req_allowed(qp))
		return 0;
	ret = send_read_req(qp, wqe, nr);
	if (ret)
		return ret;
	read_req_sent(qp, psn_add(qp->req.psn, nr - 1));
	req_advance(qp, psn_add(qp->req.psn, nr));
	qp->req.offset += nr * qp->mtu;
	if (nr == left) {
		qp->req.offset = 0;
		qp->sq_req++;
	}
	rxe_comp_arm(qp);
	return 1;
}

/*
 * One packet of a SEND or WRITE at qp->req.offset; 1 when it was the
 * message's last, 0 if more follow, -EBUSY, or a local error.  @fills:
 * the window is full after it, so nothing follows until an ACK comes,
 * and this packet must ask for one (a narrowed window is shorter than
 * RXE_ACK_EVERY: a responder that accepts it all would stay silent and
 * leave the requester to its retry timer).
 */
static int send_data_pkt(struct rxe_qp *qp, struct rxe_send_wqe *wqe,
			 bool fills)
{
	u32 off = qp->req.offset;
	u32 paylen = min(qp->mtu, wqe->length - off);
	bool first = off == 0, last = off + paylen >= wqe->length;
	u32 nth = (qp->req.psn - wqe->first_psn) & RXE_PSN_MASK;
	struct rxe_pkt pkt;
	int hdr, ret;

	rxe_init_pkt(qp, &pkt, rc_opcode(wqe, first, last), qp->req.psn);
	pkt.paylen = paylen;
	pkt.va = wqe->remote_addr;
	pkt.rkey = wqe->rkey;
	pkt.dma_len = wqe->length;
	pkt.imm = wqe->imm;
	pkt.se = last && (wqe->flags & IB_SEND_SOLICITED);
	pkt.ackreq = last || fills ||
		     nth % RXE_ACK_EVERY == RXE_ACK_EVERY - 1;
	hdr = rxe_pkt_encode(qp->txbuf, RXE_TXBUF_SIZE, &pkt);
	if (hdr < 0)
		return hdr;
	ret = rxe_copy_sges(qp, wqe->sge, wqe->num_sge, off, qp->txbuf + hdr,
			    paylen, false);
	if (ret)
		return ret;
	ret = rxe_xmit(qp, qp->dmac, qp->daddr, rxe_pkt_total_len(&pkt));
	if (ret)
		return ret;
	if (pkt.ackreq)
		req_time_ack(qp);
	qp->req.offset += paylen;
	return last;
}

static int send_ud(struct rxe_qp *qp, struct rxe_send_wqe *wqe)
{
	struct rxe_pkt pkt;
	int hdr, ret;

	rxe_init_pkt(qp, &pkt, wqe->opcode == IB_WR_SEND_WITH_IMM ?
			       IB_OPCODE_UD_SEND_ONLY_WITH_IMMEDIATE :
			       IB_OPCODE_UD_SEND_ONLY, qp->req.psn);
	pkt.daddr = wqe->ud_daddr;
	pkt.dqpn = wqe->ud_dqpn & RXE_QPN_MASK;
	/* A Q_Key with the high bit set means "use the QP's own". */
	pkt.qkey = wqe->ud_qkey & 0x80000000u ? qp->qkey : wqe->ud_qkey;
	pkt.src_qpn = qp->ib.qp_num;
	pkt.imm = wqe->imm;
	pkt.se = wqe->flags & IB_SEND_SOLICITED;
	pkt.paylen = wqe->length;
	hdr = rxe_pkt_encode(qp->txbuf, RXE_TXBUF_SIZE, &pkt);
	if (hdr < 0)
		return hdr;
	ret = rxe_copy_sges(qp, wqe->sge, wqe->num_sge, 0, qp->txbuf + hdr,
			    wqe->length, false);
	if (ret)
		return ret;
	return rxe_xmit(qp, wqe->ud_dmac, wqe->ud_daddr,
			rxe_pkt_total_len(&pkt));
}

static void req_run_ud(struct rxe_qp *qp)
{
	while (qp->sq_req != qp->sq_head) {
		struct rxe_send_wqe *wqe = sq_wqe(qp, qp->sq_req);
		int ret = send_ud(qp, wqe);

		if (ret == -EBUSY)
			return;
		req_advance(qp, psn_add(qp->req.psn, 1));
		rxe_complete_send(qp, wqe, ret == 0 ? IB_WC_SUCCESS :
				  ret == -EINVAL ? IB_WC_LOC_LEN_ERR :
						   IB_WC_LOC_PROT_ERR);
		qp->sq_req++;
		qp->sq_comp = qp->sq_req;
	}
}

/* Unacknowledged PSNs allowed now: RXE_WINDOW halved per stall. */
u32 rxe_req_window(struct rxe_qp *qp)
{
	u32 stalls = qp->comp.stalls;

	return stalls >= 6 ? 1 : RXE_WINDOW >> stalls;
}

void rxe_req_run(struct rxe_qp *qp)
{
	u32 window;

	if (qp->state != IB_QPS_RTS)
		return;
	if (qp->ib.qp_type != IB_QPT_RC) {
		req_run_ud(qp);
		return;
	}
	if (qp->req.wait_rnr) {
		if ((s64)(rxe_now(qp->rxe) - qp->req.rnr_deadline) < 0)
			return;
		qp->req.wait_rnr = false;
	}
	window = rxe_req_window(qp);
	while (qp->sq_req != qp->sq_head) {
		struct rxe_send_wqe *wqe = sq_wqe(qp, qp->sq_req);
		u32 inflight = (qp->req.psn - qp->comp.psn) & RXE_PSN_MASK;
		int ret;

		if (inflight >= window)
			break;
		if (!wqe->psn_assigned) {
			wqe->first_psn = qp->req.psn;
			wqe->last_psn = psn_add(qp->req.psn,
						wqe_nr_pkts(qp, wqe) - 1);
			wqe->psn_assigned = true;
			qp->req.offset = 0;
		}
		if (wqe->opcode == IB_WR_RDMA_READ) {
			ret = req_read(qp, wqe, inflight, window);
			if (ret == 0 || ret == -EBUSY)
				break;
			if (ret < 0) {
				req_local_error(qp, wqe, ret);
				return;
			}
			continue;
		}
		ret = send_data_pkt(qp, wqe, inflight + 1 >= window);
		if (ret == -EBUSY)
			break;
		if (ret < 0) {
			req_local_error(qp, wqe, ret);
			return;
		}
		req_advance(qp, psn_add(qp->req.psn, 1));
		if (ret == 1) {
			qp->req.offset = 0;
			qp->sq_req++;
		}
		rxe_comp_arm(qp);
	}
}

/* Point the requester at the oldest unacknowledged PSN. */
void rxe_req_sync(struct rxe_qp *qp)
{
	qp->sq_req = qp->sq_comp;
	qp->req.psn = qp->comp.psn;
	qp->req.offset = 0;
	/* What is re-sent is re-counted. */
	qp->req.rd_count = 0;
	if (qp->sq_comp != qp->sq_head) {
		struct rxe_send_wqe *wqe = sq_wqe(qp, qp->sq_comp);

		if (wqe->psn_assigned)
			qp->req.offset = ((qp->comp.psn - wqe->first_psn) &
					  RXE_PSN_MASK) * qp->mtu;
	}
}

void rxe_req_go_back(struct rxe_qp *qp)
{
	u32 resend = (qp->req.max_psn - qp->comp.psn) & RXE_PSN_MASK;

	/* Karn: answers to what is resent become ambiguous. */
	qp->comp.rtt_on = false;
	rxe_count(qp->rxe, retransmits);
	__atomic_fetch_add(&qp->rxe->stats.retransmitted_pkts, resend,
			   __ATOMIC_RELAXED);
	__atomic_fetch_add(&qp->nr_retransmits, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&qp->nr_retransmitted_pkts, resend,
			   __ATOMIC_RELAXED);
	rxe_req_sync(qp);
}
