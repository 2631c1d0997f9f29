/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rxe requester: turns send WQEs into packets.  RC messages are cut
 * into path-MTU packets with consecutive PSNs (FIRST/MIDDLE/LAST or
 * ONLY), RDMA WRITE carries a RETH in its first packet, immediate data
 * rides in the last; an RDMA READ is one request packet that reserves
 * one PSN per expected response packet.  At most RXE_WINDOW PSNs are
 * unacknowledged and at most max_rd_atomic READs outstanding; AckReq is
 * set on the last packet of a message and every RXE_ACK_EVERY packets.
 *
 * Retransmission is go-back-N (rxe_req_go_back): the completer moves
 * the requester back to the oldest unacknowledged PSN and the WQEs are
 * replayed from there with the PSNs they were first given; a READ
 * retried from the middle asks for the rest only.  UD sends are one
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

static int send_read_req(struct rxe_qp *qp, struct rxe_send_wqe *wqe)
{
	struct rxe_pkt pkt;
	int hdr;

	rxe_init_pkt(qp, &pkt, IB_OPCODE_RC_RDMA_READ_REQUEST, qp->req.psn);
	pkt.va = wqe->remote_addr + qp->req.offset;
	pkt.rkey = wqe->rkey;
	pkt.dma_len = wqe->length - qp->req.offset;
	pkt.ackreq = true;
	hdr = rxe_pkt_encode(qp->txbuf, RXE_TXBUF_SIZE, &pkt);
	if (hdr < 0)
		return hdr;
	return rxe_xmit(qp, qp->dmac, qp->daddr, rxe_pkt_total_len(&pkt));
}

/* One packet of a SEND or WRITE at qp->req.offset; 1 when it was the
 * message's last, 0 if more follow, -EBUSY, or a local error. */
static int send_data_pkt(struct rxe_qp *qp, struct rxe_send_wqe *wqe)
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
	pkt.ackreq = last || nth % RXE_ACK_EVERY == RXE_ACK_EVERY - 1;
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

void rxe_req_run(struct rxe_qp *qp)
{
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
	while (qp->sq_req != qp->sq_head) {
		struct rxe_send_wqe *wqe = sq_wqe(qp, qp->sq_req);
		int ret;

		if (((qp->req.psn - qp->comp.psn) & RXE_PSN_MASK) >=
		    RXE_WINDOW)
			break;
		if (!wqe->psn_assigned) {
			if (wqe->opcode == IB_WR_RDMA_READ) {
				if (qp->req.reads_out >= qp->max_rd_atomic)
					break;
				qp->req.reads_out++;
			}
			wqe->first_psn = qp->req.psn;
			wqe->last_psn = psn_add(qp->req.psn,
						wqe_nr_pkts(qp, wqe) - 1);
			wqe->psn_assigned = true;
			qp->req.offset = 0;
		}
		if (wqe->opcode == IB_WR_RDMA_READ) {
			ret = send_read_req(qp, wqe);
			if (ret == -EBUSY)
				break;
			req_advance(qp, psn_add(wqe->last_psn, 1));
			qp->req.offset = 0;
			qp->sq_req++;
			rxe_comp_arm(qp);
			continue;
		}
		ret = send_data_pkt(qp, wqe);
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

	rxe_count(qp->rxe, retransmits);
	__atomic_fetch_add(&qp->rxe->stats.retransmitted_pkts, resend,
			   __ATOMIC_RELAXED);
	rxe_req_sync(qp);
}
