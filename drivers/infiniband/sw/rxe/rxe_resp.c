/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rxe responder: executes incoming requests on a QP in PSN order.
 *
 *  - The expected PSN advances by one per SEND/WRITE packet and by the
 *    number of response packets per RDMA READ.  A request ahead of it is
 *    a sequence error: one NAK (PSN sequence error, carrying the expected
 *    PSN) per gap, the packet is dropped.  A request behind it is a
 *    duplicate: SEND/WRITE are re-acknowledged (the first of a run of
 *    duplicates, and any asking for an ACK) without touching memory
 *    again; a duplicate READ is re-executed from the saved request
 *    resource it falls in if it asks for a part of that request (a
 *    retry may ask for a tail, or for less); the resource keeps the
 *    original range so that later retries still find it.
 *  - SEND places data in the receive WQE at the head of the RQ, taken at
 *    the first packet; no WQE -> RNR NAK and the packet is not consumed.
 *  - RDMA WRITE/READ check the QP's remote access flags and the rkey's
 *    MR (rights, bounds, PD) before any byte moves; a failure answers
 *    NAK remote access error and nothing is written.  Malformed
 *    sequences or lengths answer NAK invalid request.  Both put the QP
 *    in the error state (IBA class C/D errors).
 *  - READ responses are streamed by rxe_resp_run() as the transmit path
 *    accepts them.  Their flow control is the requester's: it asks for
 *    at most its window of packets at a time (rxe_req.c), so a stream
 *    never exceeds what one READ request asked for.
 *
 * All under qp->lock.
 */
#include <tessera/errno.h>
#include <tessera/string.h>

#include "rxe.h"

static void send_ack(struct rxe_qp *qp, u8 syndrome, u32 psn)
{
	struct rxe_pkt pkt;

	rxe_init_pkt(qp, &pkt, IB_OPCODE_RC_ACKNOWLEDGE, psn);
	pkt.syndrome = syndrome;
	pkt.msn = qp->resp.msn & RXE_PSN_MASK;
	if (rxe_pkt_encode(qp->txbuf, RXE_TXBUF_SIZE, &pkt) < 0)
		return;
	rxe_xmit(qp, qp->dmac, qp->daddr, rxe_pkt_total_len(&pkt));
	if ((syndrome & AETH_TYPE_MASK) == AETH_ACK)
		rxe_count(qp->rxe, acks_sent);
}

static void send_nak(struct rxe_qp *qp, enum rxe_nak_code code, u32 psn)
{
	send_ack(qp, AETH_NAK | code, psn);
	rxe_count(qp->rxe, naks_sent[code]);
}

static void resp_fatal(struct rxe_qp *qp, enum rxe_nak_code code, u32 psn)
{
	send_nak(qp, code, psn);
	rxe_qp_error(qp);
}

static void send_rnr_nak(struct rxe_qp *qp, u32 psn)
{
	send_ack(qp, AETH_RNR_NAK | qp->min_rnr_timer, psn);
	rxe_count(qp->rxe, rnr_naks_sent);
}

static void post_recv_wc(struct rxe_qp *qp, enum ib_wc_status status,
			 enum ib_wc_opcode opcode, u32 byte_len,
			 const struct rxe_pkt *pkt, bool imm)
{
	struct rxe_recv_wqe *wqe = &qp->rq[qp->rq_tail % qp->rq_size];
	struct ib_wc wc = {
		.wr_id = wqe->wr_id,
		.status = status,
		.opcode = opcode,
		.byte_len = byte_len,
		.qp = &qp->ib,
		.src_qp = qp->ib.qp_type == IB_QPT_RC ? qp->dqpn :
							pkt->src_qpn,
	};

	if (imm) {
		wc.imm_data = pkt->imm;
		wc.wc_flags |= IB_WC_WITH_IMM;
	}
	if (qp->ib.qp_type != IB_QPT_RC)
		wc.wc_flags |= IB_WC_GRH;
	qp->rq_tail++;
	qp->resp.have_wqe = false;
	rxe_cq_post(to_rcq(qp->ib.recv_cq), &wc, pkt->se);
}

/* Returns 0 when consumed, 1 when answered with RNR NAK, <0 fatal. */
static int resp_send(struct rxe_qp *qp, struct rxe_pkt *pkt, u32 flags)
{
	struct rxe_recv_wqe *wqe;
	int ret;

	if (flags & RXE_START) {
		if (qp->rq_tail == qp->rq_head) {
			send_rnr_nak(qp, pkt->psn);
			return 1;
		}
		qp->resp.have_wqe = true;
		qp->resp.offset = 0;
	}
	wqe = &qp->rq[qp->rq_tail % qp->rq_size];
	if (pkt->paylen > qp->mtu ||
	    (!(flags & RXE_END) && pkt->paylen != qp->mtu)) {
		resp_fatal(qp, AETH_NAK_INVALID_REQ, pkt->psn);
		return -EINVAL;
	}
	if (qp->resp.offset + pkt->paylen > wqe->length) {
		post_recv_wc(qp, IB_WC_LOC_LEN_ERR, IB_WC_RECV, 0, pkt, false);
		resp_fatal(qp, AETH_NAK_INVALID_REQ, pkt->psn);
		return -EINVAL;
	}
	ret = rxe_copy_sges(qp, wqe->sge, wqe->num_sge, qp->resp.offset,
			    (u8 *)pkt->payload, pkt->paylen, true);
	if (ret) {
		post_recv_wc(qp, IB_WC_LOC_PROT_ERR, IB_WC_RECV, 0, pkt,
			     false);
		resp_fatal(qp, AETH_NAK_REM_OP_ERR, pkt->psn);
		return ret;
	}
	qp->resp.offset += pkt->paylen;
	if (flags & RXE_END) {
		post_recv_wc(qp, IB_WC_SUCCESS, IB_WC_RECV, qp->resp.offset,
			     pkt, flags & RXE_HAS_IMMDT);
		qp->resp.op = RESP_OP_NONE;
	} else {
		qp->resp.op = RESP_OP_SEND;
	}
	return 0;
}

static int resp_write(struct rxe_qp *qp, struct rxe_pkt *pkt, u32 flags)
{
	struct rxe_mr *mr;

	if (flags & RXE_START) {
		if (!(qp->access & IB_ACCESS_REMOTE_WRITE))
			goto access_err;
		if (pkt->dma_len) {
			mr = rxe_mr_get(qp->rxe, qp->ib.pd, pkt->rkey,
					IB_ACCESS_REMOTE_WRITE, pkt->va,
					pkt->dma_len);
			if (!mr)
				goto access_err;
			rxe_mr_put(qp->rxe, mr);
		}
	}
	if (flags & RXE_END && flags & RXE_HAS_IMMDT &&
	    qp->rq_tail == qp->rq_head) {
		send_rnr_nak(qp, pkt->psn);
		return 1;
	}
	if (flags & RXE_START) {
		qp->resp.va = pkt->va;
		qp->resp.rkey = pkt->rkey;
		qp->resp.resid = qp->resp.length = pkt->dma_len;
	}
	if (pkt->paylen > qp->mtu || pkt->paylen > qp->resp.resid ||
	    (!(flags & RXE_END) && pkt->paylen != qp->mtu) ||
	    (flags & RXE_END && pkt->paylen != qp->resp.resid)) {
		resp_fatal(qp, AETH_NAK_INVALID_REQ, pkt->psn);
		return -EINVAL;
	}
	if (pkt->paylen) {
		mr = rxe_mr_get(qp->rxe, qp->ib.pd, qp->resp.rkey,
				IB_ACCESS_REMOTE_WRITE, qp->resp.va,
				pkt->paylen);
		if (!mr)
			goto access_err;
		memcpy((u8 *)(uintptr_t)qp->resp.va, pkt->payload,
		       pkt->paylen);
		rxe_mr_put(qp->rxe, mr);
	}
	qp->resp.va += pkt->paylen;
	qp->resp.resid -= pkt->paylen;
	if (flags & RXE_END) {
		if (flags & RXE_HAS_IMMDT)
			post_recv_wc(qp, IB_WC_SUCCESS,
				     IB_WC_RECV_RDMA_WITH_IMM,
				     qp->resp.length, pkt, true);
		qp->resp.op = RESP_OP_NONE;
	} else {
		qp->resp.op = RESP_OP_WRITE;
	}
	return 0;

access_err:
	resp_fatal(qp, AETH_NAK_REM_ACC_ERR, pkt->psn);
	return -EACCES;
}

static u32 read_nr_pkts(struct rxe_qp *qp, u32 len)
{
	return len ? DIV_ROUND_UP(len, qp->mtu) : 1;
}

static bool read_allowed(struct rxe_qp *qp, struct rxe_pkt *pkt)
{
	struct rxe_mr *mr;

	if (!(qp->access & IB_ACCESS_REMOTE_READ))
		return false;
	if (!pkt->dma_len)
		return true;
	mr = rxe_mr_get(qp->rxe, qp->ib.pd, pkt->rkey, IB_ACCESS_REMOTE_READ,
			pkt->va, pkt->dma_len);
	if (!mr)
		return false;
	rxe_mr_put(qp->rxe, mr);
	return true;
}

static int resp_read_req(struct rxe_qp *qp, struct rxe_pkt *pkt)
{
	struct rxe_read_res *res;

	if (!read_allowed(qp, pkt)) {
		resp_fatal(qp, AETH_NAK_REM_ACC_ERR, pkt->psn);
		return -EACCES;
	}
	res = &qp->resp.res[qp->resp.res_head % RXE_MAX_RD_ATOMIC];
	if (res->valid && !res->replay && res->sent < res->s_nr) {
		/* More READs outstanding than we granted.  (A replay for
		 * a retry the requester has moved past is just dropped.) */
		resp_fatal(qp, AETH_NAK_INV_RD_REQ, pkt->psn);
		return -EINVAL;
	}
	*res = (struct rxe_read_res) {
		.valid = true,
		.first_psn = pkt->psn,
		.nr_pkts = read_nr_pkts(qp, pkt->dma_len),
		.va = pkt->va,
		.rkey = pkt->rkey,
		.len = pkt->dma_len,
	};
	res->s_psn = res->first_psn;
	res->s_nr = res->nr_pkts;
	res->s_va = res->va;
	res->s_len = res->len;
	qp->resp.res_head++;
	return 0;
}

/* One response packet of @res; 0, -EBUSY, or -EACCES (MR went away). */
static int send_read_resp(struct rxe_qp *qp, struct rxe_read_res *res)
{
	u32 n = res->sent, off = n * qp->mtu;
	u32 paylen = min(qp->mtu, res->s_len - off);
	bool first = n == 0, last = n + 1 == res->s_nr;
	struct rxe_pkt pkt;
	u8 opcode;
	int hdr;

	if (first && last)
		opcode = IB_OPCODE_RC_RDMA_READ_RESPONSE_ONLY;
	else if (first)
		opcode = IB_OPCODE_RC_RDMA_READ_RESPONSE_FIRST;
	else if (last)
		opcode = IB_OPCODE_RC_RDMA_READ_RESPONSE_LAST;
	else
		opcode = IB_OPCODE_RC_RDMA_READ_RESPONSE_MIDDLE;
	rxe_init_pkt(qp, &pkt, opcode, psn_add(res->s_psn, n));
	pkt.syndrome = AETH_ACK | AETH_ACK_UNLIMITED;
	pkt.msn = qp->resp.msn & RXE_PSN_MASK;
	pkt.paylen = paylen;
	hdr = rxe_pkt_encode(qp->txbuf, RXE_TXBUF_SIZE, &pkt);
	if (hdr < 0)
		return hdr;
	if (paylen) {
		struct rxe_mr *mr = rxe_mr_get(qp->rxe, qp->ib.pd, res->rkey,
					       IB_ACCESS_REMOTE_READ,
					       res->s_va + off, paylen);

		if (!mr)
			return -EACCES;
		memcpy(qp->txbuf + hdr, (u8 *)(uintptr_t)(res->s_va + off),
		       paylen);
		rxe_mr_put(qp->rxe, mr);
	}
	return rxe_xmit(qp, qp->dmac, qp->daddr, rxe_pkt_total_len(&pkt));
}

void rxe_resp_run(struct rxe_qp *qp)
{
	if (qp->ib.qp_type != IB_QPT_RC ||
	    (qp->state != IB_QPS_RTR && qp->state != IB_QPS_RTS))
		return;
	for (u32 k = 0; k < RXE_MAX_RD_ATOMIC; k++) {
		struct rxe_read_res *res =
			&qp->resp.res[(qp->resp.res_head + k) %
				      RXE_MAX_RD_ATOMIC];

		while (res->valid && res->sent < res->s_nr) {
			int ret = send_read_resp(qp, res);

			if (ret == -EBUSY)
				return;
			if (ret) {
				resp_fatal(qp, AETH_NAK_REM_ACC_ERR,
					   psn_add(res->s_psn, res->sent));
				return;
			}
			res->sent++;
		}
	}
}

/*
 * Does the duplicate READ @pkt, @skip packets into @res, ask for a part
 * of what @res asked for (same key, same bytes for the same PSNs)?
 * Anything else is not a retry of it and is dropped.
 */
static bool read_is_part(struct rxe_qp *qp, const struct rxe_read_res *res,
			 const struct rxe_pkt *pkt, u32 skip)
{
	u64 off = (u64)skip * qp->mtu;

	if (pkt->rkey != res->rkey || pkt->va != res->va + off)
		return false;
	if (!res->len)
		return !pkt->dma_len;
	return off < res->len && pkt->dma_len &&
	       pkt->dma_len <= res->len - off;
}

/*
 * A duplicate SEND or WRITE is acknowledged again (with the last PSN
 * received) when it asks for an ACK or when it starts a run of
 * duplicates, i.e. a new pass of the requester's go-back: one ACK per
 * retransmitted burst at least, not one per packet.  An ACK for every
 * duplicate of a spurious retransmission doubles the traffic towards a
 * requester that is already too slow to keep up.
 */
static void resp_dup_ack(struct rxe_qp *qp, struct rxe_pkt *pkt)
{
	bool run = pkt->psn == psn_add(qp->resp.dup_psn, 1);

	qp->resp.dup_psn = pkt->psn;
	if (run && !pkt->ackreq)
		return;
	send_ack(qp, AETH_ACK | AETH_ACK_UNLIMITED,
		 psn_add(qp->resp.psn, RXE_PSN_MASK));
}

static void resp_duplicate(struct rxe_qp *qp, struct rxe_pkt *pkt,
			   u32 flags)
{
	rxe_count(qp->rxe, duplicates);
	if (!(flags & RXE_READ_REQ)) {
		resp_dup_ack(qp, pkt);
		return;
	}
	for (u32 k = 0; k < RXE_MAX_RD_ATOMIC; k++) {
		struct rxe_read_res *res = &qp->resp.res[k];
		u32 skip = (pkt->psn - res->first_psn) & RXE_PSN_MASK;

		if (!res->valid || skip >= res->nr_pkts)
			continue;
		if (!read_is_part(qp, res, pkt, skip)) {
			rxe_count(qp->rxe, stale_responses);
			return;
		}
		if (!read_allowed(qp, pkt)) {
			resp_fatal(qp, AETH_NAK_REM_ACC_ERR, pkt->psn);
			return;
		}
		/* Re-execute from the PSN asked for (maybe a tail). */
		res->replay = true;
		res->s_psn = pkt->psn;
		res->s_nr = read_nr_pkts(qp, pkt->dma_len);
		res->s_va = pkt->va;
		res->s_len = pkt->dma_len;
		res->sent = 0;
		rxe_count(qp->rxe, dup_reads);
		rxe_resp_run(qp);
		return;
	}
	rxe_count(qp->rxe, stale_responses);
}

static void resp_ud(struct rxe_qp *qp, struct rxe_pkt *pkt,
		    const u8 *ip_hdr)
{
	struct rxe_recv_wqe *wqe;
	u8 grh[RXE_GRH_BYTES];
	u32 total = RXE_GRH_BYTES + pkt->paylen;
	bool imm = rxe_opcode_info(pkt->opcode)->flags & RXE_HAS_IMMDT;

	if (qp->rq_tail == qp->rq_head) {
		rxe_count(qp->rxe, drop_state);
		return;
	}
	wqe = &qp->rq[qp->rq_tail % qp->rq_size];
	if (total > wqe->length) {
		post_recv_wc(qp, IB_WC_LOC_LEN_ERR, IB_WC_RECV, 0, pkt, false);
		return;
	}
	/* RoCEv2 convention: the IPv4 header in the last 20 GRH bytes. */
	memset(grh, 0, sizeof(grh));
	memcpy(grh + 20, ip_hdr, RXE_IPV4_HDR_BYTES);
	if (rxe_copy_sges(qp, wqe->sge, wqe->num_sge, 0, grh, sizeof(grh),
			  true) ||
	    rxe_copy_sges(qp, wqe->sge, wqe->num_sge, RXE_GRH_BYTES,
			  (u8 *)pkt->payload, pkt->paylen, true)) {
		post_recv_wc(qp, IB_WC_LOC_PROT_ERR, IB_WC_RECV, 0, pkt,
			     false);
		return;
	}
	post_recv_wc(qp, IB_WC_SUCCESS, IB_WC_RECV, total, pkt, imm);
}

void rxe_resp_rcv(struct rxe_qp *qp, struct rxe_pkt *pkt, const u8 *ip_hdr)
{
	u32 flags = rxe_opcode_info(pkt->opcode)->flags;
	int d, ret;

	if (qp->state != IB_QPS_RTR && qp->state != IB_QPS_RTS) {
		rxe_count(qp->rxe, drop_state);
		return;
	}
	if (qp->ib.qp_type != IB_QPT_RC) {
		resp_ud(qp, pkt, ip_hdr);
		return;
	}
	d = psn_cmp(pkt->psn, qp->resp.psn);
	if (d > 0) {
		rxe_count(qp->rxe, psn_seq_errors);
		if (!qp->resp.nak_sent) {
			send_nak(qp, AETH_NAK_PSN_SEQ_ERROR, qp->resp.psn);
			qp->resp.nak_sent = true;
		}
		return;
	}
	if (d < 0) {
		resp_duplicate(qp, pkt, flags);
		return;
	}

	/* In order: the opcode must continue the message in progress. */
	if ((qp->resp.op == RESP_OP_SEND &&
	     (!(flags & RXE_SEND) || flags & RXE_START)) ||
	    (qp->resp.op == RESP_OP_WRITE &&
	     (!(flags & RXE_WRITE) || flags & RXE_START)) ||
	    (qp->resp.op == RESP_OP_NONE && !(flags & RXE_START))) {
		resp_fatal(qp, AETH_NAK_INVALID_REQ, pkt->psn);
		return;
	}
	if (flags & RXE_SEND)
		ret = resp_send(qp, pkt, flags);
	else if (flags & RXE_WRITE)
		ret = resp_write(qp, pkt, flags);
	else
		ret = resp_read_req(qp, pkt);
	if (ret)
		return;

	qp->resp.nak_sent = false;
	/* No duplicate can follow this one in a run: the next is ACKed. */
	qp->resp.dup_psn = pkt->psn;
	if (flags & RXE_END)
		qp->resp.msn++;
	if (flags & RXE_READ_REQ) {
		qp->resp.psn = psn_add(pkt->psn, read_nr_pkts(qp,
							      pkt->dma_len));
		rxe_resp_run(qp);
		return;
	}
	qp->resp.psn = psn_add(pkt->psn, 1);
	if (pkt->ackreq)
		send_ack(qp, AETH_ACK | AETH_ACK_UNLIMITED, pkt->psn);
}
