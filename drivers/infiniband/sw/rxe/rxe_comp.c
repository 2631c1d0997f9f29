/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rxe completer: the requester's receive side.  ACKs (cumulative: a PSN
 * acknowledges every earlier one) complete SEND and WRITE WQEs; READ
 * responses are placed into the READ WQE's local buffers strictly in PSN
 * order, whichever of its READ requests (first try or retry) they answer,
 * and complete it with its last PSN; NAKs either rewind the
 * requester (PSN sequence error), pause it (RNR NAK, for the peer's RNR
 * timer, at most rnr_retry times unless 7 = forever) or end the QP with
 * the matching completion status (invalid request, remote access error,
 * remote operational error).
 *
 * Timers: one retransmission timer per QP (4.096 us * 2^timeout after
 * the last forward progress, longer if the measured round trip is, and
 * backed off while the peer is silent: rto_ns()); when it fires with
 * packets outstanding the
 * requester goes back to the oldest unacknowledged PSN, at most
 * retry_cnt times without progress, then the WQE completes with
 * IB_WC_RETRY_EXC_ERR and the QP enters ERR.  A gap in READ responses
 * triggers one immediate go-back per PSN and retry instead of waiting:
 * responses still in flight from the attempt before are ignored (they
 * are out of sequence too), and a retry re-allows one fast go-back, so
 * losing the head of a retried stream costs no timeout.  Every retry
 * without progress counts as a stall, which narrows the requester's
 * window (rxe_req_window()).
 *
 * All under qp->lock; time from rxe_now().
 */
#include <tessera/errno.h>

#include "rxe.h"

/* IBA table 45: RNR NAK timer codes, in units of 10 us. */
static const u32 rnr_timer_10us[32] = {
	65536, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192,
	256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096, 6144, 8192,
	12288, 16384, 24576, 32768, 49152,
};

static u64 timeout_ns(struct rxe_qp *qp)
{
	return 4096ull << qp->timeout;
}

/*
 * The retransmission timeout: the QP's Local ACK Timeout, or more when
 * the measured ACK round trip (srtt + 4 rttvar) is longer, doubled per
 * timeout when nothing at all came from the peer since the timeout
 * before (up to RXE_RTO_BACKOFF_MAX times), and kept so until a packet
 * first sent after the last timeout is acknowledged (RFC 6298 5.5 and
 * 5.7: an ACK for a packet the timeout resent may answer the first
 * copy, so it is no evidence that the timeout was long enough).  A
 * receiver that is merely slow (a TCG guest on a loaded host queues a
 * window for hundreds of ms) must not look dead: every early timeout
 * resends the window into the same queue, adds ACKs for duplicates to
 * the way back and spends one of the retry_cnt retries.  A peer that
 * keeps answering, only not what we need (the lost head of a resent
 * burst is met with silence: one sequence NAK per gap), is not slow:
 * its timeouts stay short.
 */
static u64 rto_ns(struct rxe_qp *qp)
{
	u64 rto = timeout_ns(qp);
	u64 rtt = qp->comp.srtt + 4 * qp->comp.rttvar;

	if (qp->comp.srtt && rtt > rto)
		rto = rtt;
	return rto << qp->comp.backoff;
}

static bool outstanding(struct rxe_qp *qp)
{
	return qp->req.max_psn != qp->comp.psn;
}

void rxe_comp_arm(struct rxe_qp *qp)
{
	if (!qp->comp.timer_on && qp->timeout) {
		qp->comp.timer_on = true;
		qp->comp.armed = rxe_now(qp->rxe);
		qp->comp.deadline = qp->comp.armed + rto_ns(qp);
	}
}

/*
 * Time the answer to @psn, an AckReq packet (or READ request) sent for
 * the first time.  Karn's rule: a go-back cancels the measurement, since
 * an answer could then belong to either transmission.
 */
void rxe_comp_rtt_start(struct rxe_qp *qp, u32 psn)
{
	if (qp->comp.rtt_on)
		return;
	qp->comp.rtt_on = true;
	qp->comp.rtt_psn = psn;
	qp->comp.rtt_sent = rxe_now(qp->rxe);
}

/* RFC 6298 2.2/2.3 with alpha 1/8, beta 1/4. */
static void rtt_sample(struct rxe_qp *qp, u32 next)
{
	u64 r;
	s64 err;

	if (!qp->comp.rtt_on || psn_cmp(next, qp->comp.rtt_psn) <= 0)
		return;
	qp->comp.rtt_on = false;
	r = rxe_now(qp->rxe) - qp->comp.rtt_sent;
	if (!qp->comp.srtt) {
		qp->comp.srtt = r ?: 1;
		qp->comp.rttvar = r / 2;
		return;
	}
	err = (s64)(r - qp->comp.srtt);
	if (err < 0)
		err = -err;
	qp->comp.rttvar = qp->comp.rttvar - qp->comp.rttvar / 4 + (u64)err / 4;
	qp->comp.srtt = qp->comp.srtt - qp->comp.srtt / 8 + r / 8;
	if (!qp->comp.srtt)
		qp->comp.srtt = 1;
}

static void rearm(struct rxe_qp *qp)
{
	qp->comp.timer_on = false;
	if (outstanding(qp))
		rxe_comp_arm(qp);
}

static void progress(struct rxe_qp *qp, u32 psn)
{
	rtt_sample(qp, psn);
	if (qp->comp.backoff && psn_cmp(psn, qp->comp.resent_end) > 0)
		qp->comp.backoff = 0;
	qp->comp.psn = psn;
	qp->comp.stalls = 0;
	qp->comp.retry_left = qp->retry_cnt;
	qp->comp.rnr_left = qp->rnr_retry;
	rearm(qp);
	/* Delayed ACKs may overtake a go-back: never resend acked PSNs. */
	if (psn_cmp(qp->req.psn, psn) < 0)
		rxe_req_sync(qp);
}

static void complete_fatal(struct rxe_qp *qp, enum ib_wc_status status)
{
	if (qp->sq_comp != qp->sq_head)
		sq_wqe(qp, qp->sq_comp)->err = status;
	rxe_qp_error(qp);
}

static void retry(struct rxe_qp *qp)
{
	if (qp->comp.retry_left <= 0) {
		complete_fatal(qp, IB_WC_RETRY_EXC_ERR);
		return;
	}
	qp->comp.retry_left--;
	if (qp->comp.stalls < 31)
		qp->comp.stalls++;
	qp->comp.fast_retry_done = false;
	rxe_req_go_back(qp);
	qp->comp.timer_on = false;
	rxe_comp_arm(qp);
}

static void fast_retry(struct rxe_qp *qp)
{
	if (qp->comp.fast_retry_done && qp->comp.fast_retry_psn == qp->comp.psn)
		return;
	qp->comp.fast_retry_done = true;
	qp->comp.fast_retry_psn = qp->comp.psn;
	rxe_req_go_back(qp);
}

/* Everything up to and including @psn was received by the peer. */
static void ack_upto(struct rxe_qp *qp, u32 psn)
{
	u32 next = psn_add(psn, 1);

	if (psn_cmp(psn, qp->comp.psn) < 0)
		return;
	while (qp->sq_comp != qp->sq_head) {
		struct rxe_send_wqe *wqe = sq_wqe(qp, qp->sq_comp);

		if (!wqe->psn_assigned)
			break;
		if (wqe->opcode == IB_WR_RDMA_READ) {
			/* Only its responses complete a READ. */
			if (psn_cmp(wqe->first_psn, psn) <= 0) {
				if (psn_cmp(qp->comp.psn, wqe->first_psn) > 0)
					next = qp->comp.psn;
				else
					next = wqe->first_psn;
				/* Peer is past the READ: responses lost. */
				if (psn_cmp(wqe->last_psn, psn) <= 0 &&
				    psn_cmp(next, qp->comp.psn) >= 0) {
					if (psn_cmp(next, qp->comp.psn) > 0)
						progress(qp, next);
					fast_retry(qp);
					return;
				}
			}
			break;
		}
		if (psn_cmp(wqe->last_psn, psn) > 0)
			break;
		rxe_complete_send(qp, wqe, IB_WC_SUCCESS);
		qp->sq_comp++;
	}
	if (psn_cmp(next, qp->comp.psn) > 0)
		progress(qp, next);
}

static void handle_rnr(struct rxe_qp *qp, u8 code)
{
	u64 wait = (u64)rnr_timer_10us[code & 0x1f] * 10000;

	if (qp->rnr_retry != 7) {
		if (qp->comp.rnr_left <= 0) {
			complete_fatal(qp, IB_WC_RNR_RETRY_EXC_ERR);
			return;
		}
		qp->comp.rnr_left--;
	}
	rxe_req_go_back(qp);
	qp->req.wait_rnr = true;
	qp->req.rnr_deadline = rxe_now(qp->rxe) + wait;
	qp->comp.timer_on = false;
	rxe_comp_arm(qp);
	qp->comp.deadline += wait;
}

static void handle_ack(struct rxe_qp *qp, struct rxe_pkt *pkt)
{
	static const enum ib_wc_status nak_status[] = {
		[AETH_NAK_INVALID_REQ] = IB_WC_REM_INV_REQ_ERR,
		[AETH_NAK_REM_ACC_ERR] = IB_WC_REM_ACCESS_ERR,
		[AETH_NAK_REM_OP_ERR] = IB_WC_REM_OP_ERR,
		[AETH_NAK_INV_RD_REQ] = IB_WC_REM_INV_RD_REQ_ERR,
	};
	u8 code = pkt->syndrome & ~AETH_TYPE_MASK;
	u32 prev = psn_add(pkt->psn, RXE_PSN_MASK);

	rxe_count(qp->rxe, acks_rcvd);
	switch (pkt->syndrome & AETH_TYPE_MASK) {
	case AETH_ACK:
		ack_upto(qp, pkt->psn);
		return;
	case AETH_RNR_NAK:
		rxe_count(qp->rxe, rnr_naks_rcvd);
		ack_upto(qp, prev);
		if (qp->state == IB_QPS_RTS && pkt->psn == qp->comp.psn)
			handle_rnr(qp, code);
		return;
	case AETH_NAK:
		if (code < ARRAY_SIZE(qp->rxe->stats.naks_rcvd))
			rxe_count(qp->rxe, naks_rcvd[code]);
		ack_upto(qp, prev);
		if (qp->state != IB_QPS_RTS || pkt->psn != qp->comp.psn) {
			rxe_count(qp->rxe, stale_responses);
			return;
		}
		if (code == AETH_NAK_PSN_SEQ_ERROR)
			retry(qp);
		else if (code < ARRAY_SIZE(nak_status) && nak_status[code])
			complete_fatal(qp, nak_status[code]);
		else
			complete_fatal(qp, IB_WC_BAD_RESP_ERR);
		return;
	default:
		rxe_count(qp->rxe, malformed);
		return;
	}
}

static void handle_read_resp(struct rxe_qp *qp, struct rxe_pkt *pkt,
			     u32 flags)
{
	struct rxe_send_wqe *wqe;
	u32 off;
	int ret;

	ack_upto(qp, psn_add(pkt->psn, RXE_PSN_MASK));
	if (qp->state != IB_QPS_RTS || qp->sq_comp == qp->sq_head)
		goto stale;
	wqe = sq_wqe(qp, qp->sq_comp);
	if (!wqe->psn_assigned || wqe->opcode != IB_WR_RDMA_READ ||
	    psn_cmp(pkt->psn, wqe->first_psn) < 0 ||
	    psn_cmp(pkt->psn, wqe->last_psn) > 0 ||
	    psn_cmp(pkt->psn, qp->comp.psn) < 0)
		goto stale;
	if (psn_cmp(pkt->psn, qp->comp.psn) > 0) {
		fast_retry(qp);
		return;
	}
	/*
	 * Every packet carries min(MTU, rest) bytes; LAST/ONLY may also end
	 * a READ request in the middle of the WQE, but the WQE's last PSN
	 * must end one.
	 */
	off = ((pkt->psn - wqe->first_psn) & RXE_PSN_MASK) * qp->mtu;
	if (pkt->paylen != min(qp->mtu, wqe->length - off) ||
	    (pkt->psn == wqe->last_psn && !(flags & RXE_END))) {
		complete_fatal(qp, IB_WC_BAD_RESP_ERR);
		return;
	}
	ret = rxe_copy_sges(qp, wqe->sge, wqe->num_sge, off,
			    (u8 *)pkt->payload, pkt->paylen, true);
	if (ret) {
		complete_fatal(qp, ret == -EINVAL ? IB_WC_LOC_LEN_ERR :
						    IB_WC_LOC_PROT_ERR);
		return;
	}
	if (pkt->psn == wqe->last_psn) {
		rxe_complete_send(qp, wqe, IB_WC_SUCCESS);
		qp->sq_comp++;
	}
	progress(qp, psn_add(pkt->psn, 1));
	return;

stale:
	rxe_count(qp->rxe, stale_responses);
}

void rxe_comp_rcv(struct rxe_qp *qp, struct rxe_pkt *pkt)
{
	u32 flags = rxe_opcode_info(pkt->opcode)->flags;

	if (qp->state != IB_QPS_RTS) {
		rxe_count(qp->rxe, drop_state);
		return;
	}
	if (psn_cmp(pkt->psn, qp->req.max_psn) >= 0) {
		rxe_count(qp->rxe, stale_responses);
		return;
	}
	qp->comp.heard = true;
	if (flags & RXE_ACK)
		handle_ack(qp, pkt);
	else
		handle_read_resp(qp, pkt, flags);
	rxe_req_run(qp);
}

void rxe_comp_tick(struct rxe_qp *qp, u64 now)
{
	if (qp->state != IB_QPS_RTS || qp->ib.qp_type != IB_QPT_RC ||
	    !qp->comp.timer_on || (s64)(now - qp->comp.deadline) < 0)
		return;
	qp->comp.timer_on = false;
	if (!outstanding(qp))
		return;
	rxe_count(qp->rxe, timeouts);
	__atomic_fetch_add(&qp->rxe->stats.timeout_wait_ns,
			   now - qp->comp.armed, __ATOMIC_RELAXED);
	__atomic_fetch_add(&qp->nr_timeouts, 1, __ATOMIC_RELAXED);
	if (!qp->comp.heard && qp->comp.backoff < RXE_RTO_BACKOFF_MAX)
		qp->comp.backoff++;
	qp->comp.resent_end = qp->req.max_psn;
	qp->comp.heard = false;
	retry(qp);
}
