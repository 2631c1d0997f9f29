/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rxe objects and the provider side of the verbs: the device (tables of
 * QPs and MRs, loopback queue), PDs, MRs (keys, bounds and rights checks,
 * scatter/gather copies), CQs (ring, arming, deferred handlers), QPs
 * (creation, the attribute/state side of ib_modify_qp, error flush) and
 * posting of work requests.  The wire protocol lives in rxe_req.c,
 * rxe_resp.c and rxe_comp.c; the verbs core (drivers/infiniband/core)
 * has already checked state transitions when modify_qp is called.
 * Lock order: see rxe.h.
 */
#include <tessera/errno.h>
#include <tessera/random.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
#include <tessera/string.h>

#include "rxe.h"

#define RXE_GSI_QPN	1

static void rxe_lock(spinlock_t *l, unsigned long *flags)
{
	spin_lock_irqsave(l, *flags);
}

/* ---------------------------------------------------------------- MRs */

/*
 * An MR's key (lkey = rkey): its table index in the high bits, for the
 * lookup, and RXE_KEY_RAND_BITS fresh random bits below, so a key cannot
 * be guessed from the ones seen before (DESIGN.md, Trust): a peer trying
 * keys has one chance in 2^20 per try, and each miss is a NAK and a
 * counted access error.  The index is the first free slot from a random
 * one, so neither part follows from the keys registered before.
 */
#define RXE_KEY_RAND_BITS	20
#define RXE_KEY_RAND_MASK	((1U << RXE_KEY_RAND_BITS) - 1)
_Static_assert((u64)RXE_MAX_MR << RXE_KEY_RAND_BITS <= (1ULL << 32),
	       "MR index and random bits must fit a 32-bit key");

static u32 rxe_key_index(u32 key)
{
	return key >> RXE_KEY_RAND_BITS;
}

struct rxe_mr *rxe_mr_get(struct rxe_dev *rxe, struct ib_pd *pd, u32 key,
			  int access, u64 va, u64 len)
{
	u32 idx = rxe_key_index(key);
	struct rxe_mr *mr = NULL;
	unsigned long flags;

	if (idx >= RXE_MAX_MR)
		return NULL;
	rxe_lock(&rxe->lock, &flags);
	mr = rxe->mr_table[idx];
	if (!mr || mr->ib.lkey != key || (pd && mr->ib.pd != pd) ||
	    (mr->ib.access & access) != access || va < mr->ib.iova ||
	    len > mr->ib.length || va - mr->ib.iova > mr->ib.length - len)
		mr = NULL;
	else
		mr->refs++;
	spin_unlock_irqrestore(&rxe->lock, flags);
	return mr;
}

void rxe_mr_put(struct rxe_dev *rxe, struct rxe_mr *mr)
{
	unsigned long flags;

	rxe_lock(&rxe->lock, &flags);
	mr->refs--;
	spin_unlock_irqrestore(&rxe->lock, flags);
}

int rxe_copy_sges(struct rxe_qp *qp, const struct ib_sge *sge, int nr_sge,
		  u32 offset, u8 *buf, u32 len, bool to_sges)
{
	int access = to_sges ? IB_ACCESS_LOCAL_WRITE : 0;
	int i;

	for (i = 0; i < nr_sge && len; i++) {
		struct rxe_mr *mr;
		u32 n;
		u8 *p;

		if (offset >= sge[i].length) {
			offset -= sge[i].length;
			continue;
		}
		n = min(sge[i].length - offset, len);
		mr = rxe_mr_get(qp->rxe, qp->ib.pd, sge[i].lkey, access,
				sge[i].addr + offset, n);
		if (!mr)
			return -EACCES;
		p = (u8 *)(uintptr_t)(sge[i].addr + offset);
		if (to_sges)
			memcpy(p, buf, n);
		else
			memcpy(buf, p, n);
		rxe_mr_put(qp->rxe, mr);
		buf += n;
		len -= n;
		offset = 0;
	}
	return len ? -EINVAL : 0;
}

static int rxe_reg_mr(struct ib_mr *ibmr)
{
	struct rxe_dev *rxe = to_rdev(ibmr->device);
	struct rxe_mr *mr = to_rmr(ibmr);
	/* The index too starts at a random free slot: no key is next. */
	u32 start = (u32)get_random_u64();
	unsigned long flags;
	u32 i, idx;
	int ret = -ENOMEM;

	rxe_lock(&rxe->lock, &flags);
	for (i = 0; i < RXE_MAX_MR - 1; i++) {
		idx = 1 + (start + i) % (RXE_MAX_MR - 1);
		if (!rxe->mr_table[idx])
			break;
	}
	if (i < RXE_MAX_MR - 1) {
		mr->ib.lkey = mr->ib.rkey = idx << RXE_KEY_RAND_BITS |
			((u32)get_random_u64() & RXE_KEY_RAND_MASK);
		mr->addr = (u8 *)(uintptr_t)ibmr->iova;
		rxe->mr_table[idx] = mr;
		ret = 0;
	}
	spin_unlock_irqrestore(&rxe->lock, flags);
	return ret;
}

static void rxe_dereg_mr(struct ib_mr *ibmr)
{
	struct rxe_dev *rxe = to_rdev(ibmr->device);
	struct rxe_mr *mr = to_rmr(ibmr);
	unsigned long flags;
	bool busy;

	rxe_lock(&rxe->lock, &flags);
	rxe->mr_table[rxe_key_index(ibmr->lkey)] = NULL;
	spin_unlock_irqrestore(&rxe->lock, flags);
	do {
		rxe_lock(&rxe->lock, &flags);
		busy = mr->refs > 0;
		spin_unlock_irqrestore(&rxe->lock, flags);
		if (busy)
			cpu_relax();
	} while (busy);
}

/* ---------------------------------------------------------------- PDs */

static int rxe_alloc_pd(struct ib_pd *pd)
{
	return 0;
}

static void rxe_dealloc_pd(struct ib_pd *pd)
{
}

/* ---------------------------------------------------------------- CQs */

static int rxe_create_cq(struct ib_cq *ibcq)
{
	struct rxe_dev *rxe = to_rdev(ibcq->device);
	struct rxe_cq *cq = to_rcq(ibcq);
	unsigned long flags;

	if (ibcq->cqe < 1 || ibcq->cqe > RXE_MAX_CQE)
		return -EINVAL;
	cq->queue = kcalloc(ibcq->cqe, sizeof(*cq->queue), GFP_KERNEL);
	if (!cq->queue)
		return -ENOMEM;
	spin_lock_init(&cq->lock);
	cq->size = ibcq->cqe;
	rxe_lock(&rxe->lock, &flags);
	list_add_tail(&cq->node, &rxe->cqs);
	spin_unlock_irqrestore(&rxe->lock, flags);
	return 0;
}

static void rxe_destroy_cq(struct ib_cq *ibcq)
{
	struct rxe_dev *rxe = to_rdev(ibcq->device);
	struct rxe_cq *cq = to_rcq(ibcq);
	unsigned long flags;

	rxe_lock(&rxe->lock, &flags);
	list_del(&cq->node);
	spin_unlock_irqrestore(&rxe->lock, flags);
	kfree(cq->queue);
}

void rxe_cq_post(struct rxe_cq *cq, const struct ib_wc *wc, bool solicited)
{
	struct rxe_dev *rxe = to_rdev(cq->ib.device);
	unsigned long flags;
	bool kick = false;

	rxe_lock(&cq->lock, &flags);
	if (cq->count == cq->size) {
		cq->overflows++;
		spin_unlock_irqrestore(&cq->lock, flags);
		rxe_count(rxe, cq_overflows);
		pr_err("%s: CQ overrun (%u entries), completion lost\n",
		       rxe->ib.name, cq->size);
		return;
	}
	cq->queue[(cq->head + cq->count) % cq->size] = *wc;
	cq->count++;
	if (cq->notify & IB_CQ_NEXT_COMP ||
	    (cq->notify & IB_CQ_SOLICITED && solicited)) {
		cq->notify = 0;
		cq->notify_pending = true;
		kick = true;
	}
	spin_unlock_irqrestore(&cq->lock, flags);
	/* Pairs with the barrier in rxe_rcv_complete(). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (kick && !READ_ONCE(rxe->rcv_inline))
		rxe->ops->kick(rxe);
}

void rxe_rcv_complete(struct rxe_dev *rxe, const u8 *pkt, size_t len)
{
	WRITE_ONCE(rxe->rcv_inline, true);
	rxe_rcv(rxe, pkt, len);
	WRITE_ONCE(rxe->rcv_inline, false);
	/*
	 * A completion posted elsewhere while the flag was up did not
	 * kick: it sets notify_pending before reading the flag, and we
	 * clear the flag before scanning for notify_pending.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	rxe_run_cq_handlers(rxe);
}

static int rxe_poll_cq(struct ib_cq *ibcq, int nr, struct ib_wc *wc)
{
	struct rxe_cq *cq = to_rcq(ibcq);
	unsigned long flags;
	int n = 0;

	rxe_lock(&cq->lock, &flags);
	while (n < nr && cq->count) {
		wc[n++] = cq->queue[cq->head];
		cq->head = (cq->head + 1) % cq->size;
		cq->count--;
	}
	spin_unlock_irqrestore(&cq->lock, flags);
	return n;
}

static int rxe_req_notify_cq(struct ib_cq *ibcq, enum ib_cq_notify_flags f)
{
	struct rxe_cq *cq = to_rcq(ibcq);
	unsigned long flags;
	int ret = 0;

	rxe_lock(&cq->lock, &flags);
	cq->notify = f & IB_CQ_SOLICITED_MASK;
	if (f & IB_CQ_REPORT_MISSED_EVENTS && cq->count)
		ret = 1;
	spin_unlock_irqrestore(&cq->lock, flags);
	return ret;
}

/* ---------------------------------------------------------------- QPs */

struct rxe_qp *rxe_qp_get(struct rxe_dev *rxe, u32 qpn)
{
	struct rxe_qp *qp;
	unsigned long flags;

	rxe_lock(&rxe->lock, &flags);
	qp = rxe->qp_table[qpn % RXE_MAX_QP];
	if (qp && qp->ib.qp_num == qpn)
		qp->refs++;
	else
		qp = NULL;
	spin_unlock_irqrestore(&rxe->lock, flags);
	return qp;
}

void rxe_qp_put(struct rxe_qp *qp)
{
	unsigned long flags;

	rxe_lock(&qp->rxe->lock, &flags);
	qp->refs--;
	spin_unlock_irqrestore(&qp->rxe->lock, flags);
}

void rxe_complete_send(struct rxe_qp *qp, struct rxe_send_wqe *wqe,
		       enum ib_wc_status status)
{
	struct ib_wc wc = {
		.wr_id = wqe->wr_id,
		.status = status,
		.qp = &qp->ib,
		.byte_len = wqe->length,
	};

	if (wqe->opcode == IB_WR_RDMA_READ)
		wc.opcode = IB_WC_RDMA_READ;
	else if (wqe->opcode == IB_WR_SEND ||
		 wqe->opcode == IB_WR_SEND_WITH_IMM)
		wc.opcode = IB_WC_SEND;
	else
		wc.opcode = IB_WC_RDMA_WRITE;
	if (status == IB_WC_SUCCESS && !qp->sig_all &&
	    !(wqe->flags & IB_SEND_SIGNALED))
		return;
	rxe_cq_post(to_rcq(qp->ib.send_cq), &wc, false);
}

static void flush_recv(struct rxe_qp *qp)
{
	while (qp->rq_tail != qp->rq_head) {
		struct rxe_recv_wqe *wqe = &qp->rq[qp->rq_tail % qp->rq_size];
		struct ib_wc wc = {
			.wr_id = wqe->wr_id,
			.status = IB_WC_WR_FLUSH_ERR,
			.opcode = IB_WC_RECV,
			.qp = &qp->ib,
		};

		rxe_cq_post(to_rcq(qp->ib.recv_cq), &wc, false);
		qp->rq_tail++;
	}
	qp->resp.have_wqe = false;
}

/* Enter ERR: flush every outstanding work request.  qp->lock held. */
void rxe_qp_error(struct rxe_qp *qp)
{
	qp->state = IB_QPS_ERR;
	qp->comp.timer_on = false;
	qp->req.wait_rnr = false;
	while (qp->sq_comp != qp->sq_head) {
		struct rxe_send_wqe *wqe = sq_wqe(qp, qp->sq_comp);

		rxe_complete_send(qp, wqe, wqe->err ?: IB_WC_WR_FLUSH_ERR);
		qp->sq_comp++;
	}
	qp->sq_req = qp->sq_comp;
	qp->req.offset = 0;
	qp->req.rd_count = 0;
	flush_recv(qp);
	qp->resp.op = RESP_OP_NONE;
	memset(qp->resp.res, 0, sizeof(qp->resp.res));
}

static u16 rxe_qp_sport(u32 qpn)
{
	/* Spread flows over 0xc000-0xffff for ECMP, as Linux rxe does. */
	return 0xc000 | ((qpn * 0x9e3779b1u) >> 18 & 0x3fff);
}

static int rxe_create_qp(struct ib_qp *ibqp, struct ib_qp_init_attr *init)
{
	struct rxe_dev *rxe = to_rdev(ibqp->device);
	struct rxe_qp *qp = to_rqp(ibqp);
	struct ib_qp_cap *cap = &init->cap;
	unsigned long flags;
	u32 idx = 0;
	int ret;

	if (cap->max_send_wr > RXE_MAX_QP_WR ||
	    cap->max_recv_wr > RXE_MAX_QP_WR ||
	    cap->max_send_sge > RXE_MAX_SGE ||
	    cap->max_recv_sge > RXE_MAX_SGE || cap->max_inline_data)
		return -EINVAL;
	qp->rxe = rxe;
	spin_lock_init(&qp->lock);
	qp->state = IB_QPS_RESET;
	qp->sq_size = max(cap->max_send_wr, 1u);
	qp->rq_size = max(cap->max_recv_wr, 1u);
	qp->max_send_sge = max(cap->max_send_sge, 1u);
	qp->max_recv_sge = max(cap->max_recv_sge, 1u);
	qp->sig_all = init->sq_sig_type == IB_SIGNAL_ALL_WR;
	qp->mtu = min(1024u, ib_mtu_enum_to_int(rxe->ib.attrs.max_mtu));
	qp->ttl = 64;
	qp->timeout = 14;
	qp->retry_cnt = 7;
	qp->rnr_retry = 7;
	qp->min_rnr_timer = 12;
	qp->max_rd_atomic = RXE_MAX_RD_ATOMIC;
	qp->max_dest_rd_atomic = RXE_MAX_RD_ATOMIC;

	ret = -ENOMEM;
	qp->sq = kcalloc(qp->sq_size, sizeof(*qp->sq), GFP_KERNEL);
	qp->rq = kcalloc(qp->rq_size, sizeof(*qp->rq), GFP_KERNEL);
	qp->txbuf = kmalloc(RXE_TXBUF_SIZE, GFP_KERNEL);
	if (!qp->sq || !qp->rq || !qp->txbuf)
		goto err_free;

	ret = -EBUSY;
	rxe_lock(&rxe->lock, &flags);
	if (init->qp_type == IB_QPT_GSI) {
		if (!rxe->qp_table[RXE_GSI_QPN]) {
			idx = RXE_GSI_QPN;
			ibqp->qp_num = RXE_GSI_QPN;
		}
	} else {
		for (u32 i = 0; i < RXE_MAX_QP - 2; i++) {
			u32 slot = 2 + (rxe->qp_gen + i) % (RXE_MAX_QP - 2);

			if (!rxe->qp_table[slot]) {
				idx = slot;
				break;
			}
		}
		if (idx) {
			rxe->qp_gen++;
			ibqp->qp_num = ((rxe->qp_gen & 0x3fff) * RXE_MAX_QP +
					idx) & RXE_QPN_MASK;
		}
	}
	if (idx) {
		rxe->qp_table[idx] = qp;
		list_add_tail(&qp->dev_node, &rxe->qps);
		ret = 0;
	}
	spin_unlock_irqrestore(&rxe->lock, flags);
	if (ret)
		goto err_free;
	qp->sport = rxe_qp_sport(ibqp->qp_num);
	if (init->qp_type == IB_QPT_GSI)
		qp->qkey = 0x80010000;
	return 0;

err_free:
	kfree(qp->sq);
	kfree(qp->rq);
	kfree(qp->txbuf);
	return ret;
}

static void rxe_destroy_qp(struct ib_qp *ibqp)
{
	struct rxe_qp *qp = to_rqp(ibqp);
	struct rxe_dev *rxe = qp->rxe;
	unsigned long flags;
	bool busy;

	rxe_lock(&rxe->lock, &flags);
	rxe->qp_table[ibqp->qp_num % RXE_MAX_QP] = NULL;
	list_del(&qp->dev_node);
	spin_unlock_irqrestore(&rxe->lock, flags);
	do {
		rxe_lock(&rxe->lock, &flags);
		busy = qp->refs > 0;
		spin_unlock_irqrestore(&rxe->lock, flags);
		if (busy)
			cpu_relax();
	} while (busy);
	kfree(qp->sq);
	kfree(qp->rq);
	kfree(qp->txbuf);
}

static int check_qp_attr(struct rxe_qp *qp, struct ib_qp_attr *attr,
			 int mask)
{
	u32 ip;

	if (mask & IB_QP_AV && !ib_gid_to_ipv4(&attr->ah_attr.dgid, &ip))
		return -EINVAL;
	if (mask & IB_QP_PATH_MTU && !ib_mtu_enum_to_int(attr->path_mtu))
		return -EINVAL;
	if (mask & IB_QP_TIMEOUT && attr->timeout > 31)
		return -EINVAL;
	if (mask & IB_QP_RETRY_CNT && attr->retry_cnt > 7)
		return -EINVAL;
	if (mask & IB_QP_RNR_RETRY && attr->rnr_retry > 7)
		return -EINVAL;
	if (mask & IB_QP_MIN_RNR_TIMER && attr->min_rnr_timer > 31)
		return -EINVAL;
	if (mask & IB_QP_MAX_QP_RD_ATOMIC &&
	    attr->max_rd_atomic > RXE_MAX_RD_ATOMIC)
		return -EINVAL;
	if (mask & IB_QP_MAX_DEST_RD_ATOMIC &&
	    attr->max_dest_rd_atomic > RXE_MAX_RD_ATOMIC)
		return -EINVAL;
	return 0;
}

static void reset_qp(struct rxe_qp *qp)
{
	qp->sq_head = qp->sq_req = qp->sq_comp = 0;
	qp->rq_head = qp->rq_tail = 0;
	memset(&qp->req, 0, sizeof(qp->req));
	memset(&qp->comp, 0, sizeof(qp->comp));
	memset(&qp->resp, 0, sizeof(qp->resp));
}

static int rxe_modify_qp(struct ib_qp *ibqp, struct ib_qp_attr *attr,
			 int mask)
{
	struct rxe_qp *qp = to_rqp(ibqp);
	unsigned int max_mtu = ib_mtu_enum_to_int(qp->rxe->ib.attrs.max_mtu);
	unsigned long flags;
	int ret;

	ret = check_qp_attr(qp, attr, mask);
	if (ret)
		return ret;
	rxe_lock(&qp->lock, &flags);
	if (mask & IB_QP_ACCESS_FLAGS)
		qp->access = attr->qp_access_flags;
	if (mask & IB_QP_QKEY)
		qp->qkey = attr->qkey;
	if (mask & IB_QP_AV) {
		ib_gid_to_ipv4(&attr->ah_attr.dgid, &qp->daddr);
		memcpy(qp->dmac, attr->ah_attr.dmac, 6);
		qp->ttl = attr->ah_attr.hop_limit ?: 64;
		qp->tos = attr->ah_attr.traffic_class;
	}
	if (mask & IB_QP_PATH_MTU)
		qp->mtu = min(ib_mtu_enum_to_int(attr->path_mtu), max_mtu);
	if (mask & IB_QP_DEST_QPN) {
		qp->dqpn = attr->dest_qp_num & RXE_QPN_MASK;
		qp->peer_sport = 0;
	}
	if (mask & IB_QP_RQ_PSN)
		qp->resp.psn = attr->rq_psn & RXE_PSN_MASK;
	if (mask & IB_QP_SQ_PSN)
		qp->req.psn = qp->req.max_psn = qp->comp.psn =
			attr->sq_psn & RXE_PSN_MASK;
	if (mask & IB_QP_TIMEOUT)
		qp->timeout = attr->timeout;
	if (mask & IB_QP_RETRY_CNT)
		qp->retry_cnt = attr->retry_cnt;
	if (mask & IB_QP_RNR_RETRY)
		qp->rnr_retry = attr->rnr_retry;
	if (mask & IB_QP_MIN_RNR_TIMER)
		qp->min_rnr_timer = attr->min_rnr_timer;
	if (mask & IB_QP_MAX_QP_RD_ATOMIC)
		qp->max_rd_atomic = attr->max_rd_atomic ?: 1;
	if (mask & IB_QP_MAX_DEST_RD_ATOMIC)
		qp->max_dest_rd_atomic = attr->max_dest_rd_atomic ?: 1;
	if (mask & IB_QP_STATE) {
		switch (attr->qp_state) {
		case IB_QPS_RESET:
			reset_qp(qp);
			break;
		case IB_QPS_INIT:
			if (qp->state == IB_QPS_RESET) {
				u32 psn = qp->req.psn, rpsn = qp->resp.psn;

				reset_qp(qp);
				qp->req.psn = qp->req.max_psn = psn;
				qp->comp.psn = psn;
				qp->resp.psn = rpsn;
			}
			break;
		case IB_QPS_RTS:
			qp->comp.retry_left = qp->retry_cnt;
			qp->comp.rnr_left = qp->rnr_retry;
			break;
		case IB_QPS_ERR:
			rxe_qp_error(qp);
			break;
		default:
			break;
		}
		qp->state = attr->qp_state;
	}
	spin_unlock_irqrestore(&qp->lock, flags);
	return 0;
}

static int rxe_query_qp(struct ib_qp *ibqp, struct ib_qp_attr *attr)
{
	struct rxe_qp *qp = to_rqp(ibqp);
	unsigned long flags;

	memset(attr, 0, sizeof(*attr));
	rxe_lock(&qp->lock, &flags);
	attr->qp_state = attr->cur_qp_state = qp->state;
	attr->path_mtu = qp->mtu == 4096 ? IB_MTU_4096 :
			 qp->mtu == 2048 ? IB_MTU_2048 :
			 qp->mtu == 1024 ? IB_MTU_1024 :
			 qp->mtu == 512 ? IB_MTU_512 : IB_MTU_256;
	attr->qkey = qp->qkey;
	attr->rq_psn = qp->resp.psn;
	attr->sq_psn = qp->req.psn;
	attr->dest_qp_num = qp->dqpn;
	attr->qp_access_flags = qp->access;
	attr->cap.max_send_wr = qp->sq_size;
	attr->cap.max_recv_wr = qp->rq_size;
	attr->cap.max_send_sge = qp->max_send_sge;
	attr->cap.max_recv_sge = qp->max_recv_sge;
	ib_gid_from_ipv4(&attr->ah_attr.dgid, qp->daddr);
	memcpy(attr->ah_attr.dmac, qp->dmac, 6);
	attr->ah_attr.hop_limit = qp->ttl;
	attr->ah_attr.traffic_class = qp->tos;
	attr->max_rd_atomic = qp->max_rd_atomic;
	attr->max_dest_rd_atomic = qp->max_dest_rd_atomic;
	attr->min_rnr_timer = qp->min_rnr_timer;
	attr->timeout = qp->timeout;
	attr->retry_cnt = qp->retry_cnt;
	attr->rnr_retry = qp->rnr_retry;
	attr->retransmits = __atomic_load_n(&qp->nr_retransmits,
					    __ATOMIC_RELAXED);
	attr->retransmitted_pkts = __atomic_load_n(&qp->nr_retransmitted_pkts,
						   __ATOMIC_RELAXED);
	attr->ack_timeouts = __atomic_load_n(&qp->nr_timeouts,
					     __ATOMIC_RELAXED);
	spin_unlock_irqrestore(&qp->lock, flags);
	return 0;
}

/* ------------------------------------------------------------ posting */

static int check_send_wr(struct rxe_qp *qp, const struct ib_send_wr *wr,
			 u32 *length)
{
	u64 len = 0;
	int i;

	if (wr->num_sge < 0 || wr->num_sge > (int)qp->max_send_sge)
		return -EINVAL;
	for (i = 0; i < wr->num_sge; i++)
		len += wr->sg_list[i].length;
	if (len > 0x80000000ull)
		return -EINVAL;
	*length = (u32)len;
	if (qp->ib.qp_type == IB_QPT_RC)
		return wr->opcode <= IB_WR_RDMA_READ ? 0 : -EINVAL;
	if (wr->opcode != IB_WR_SEND && wr->opcode != IB_WR_SEND_WITH_IMM)
		return -EINVAL;
	if (!wr->ud.ah || len > qp->mtu)
		return -EINVAL;
	return 0;
}

static int rxe_post_send(struct ib_qp *ibqp, const struct ib_send_wr *wr,
			 const struct ib_send_wr **bad_wr)
{
	struct rxe_qp *qp = to_rqp(ibqp);
	unsigned long flags;
	int ret = 0;

	rxe_lock(&qp->lock, &flags);
	if (qp->state != IB_QPS_RTS && qp->state != IB_QPS_ERR) {
		ret = -EINVAL;
		goto out;
	}
	for (; wr; wr = wr->next) {
		struct rxe_send_wqe *wqe;
		u32 length;

		ret = check_send_wr(qp, wr, &length);
		if (!ret && qp->sq_head - qp->sq_comp >= qp->sq_size)
			ret = -ENOMEM;
		if (ret)
			break;
		wqe = sq_wqe(qp, qp->sq_head);
		memset(wqe, 0, sizeof(*wqe));
		wqe->wr_id = wr->wr_id;
		wqe->opcode = wr->opcode;
		wqe->flags = wr->send_flags;
		wqe->imm = wr->imm_data;
		wqe->remote_addr = wr->rdma.remote_addr;
		wqe->rkey = wr->rdma.rkey;
		wqe->length = length;
		wqe->num_sge = wr->num_sge;
		memcpy(wqe->sge, wr->sg_list,
		       wr->num_sge * sizeof(struct ib_sge));
		if (qp->ib.qp_type != IB_QPT_RC) {
			ib_gid_to_ipv4(&wr->ud.ah->attr.dgid, &wqe->ud_daddr);
			memcpy(wqe->ud_dmac, wr->ud.ah->attr.dmac, 6);
			wqe->ud_dqpn = wr->ud.remote_qpn;
			wqe->ud_qkey = wr->ud.remote_qkey;
		}
		qp->sq_head++;
	}
out:
	if (ret && bad_wr)
		*bad_wr = wr;
	if (qp->state == IB_QPS_ERR)
		rxe_qp_error(qp);
	else
		rxe_req_run(qp);
	spin_unlock_irqrestore(&qp->lock, flags);
	return ret;
}

static int rxe_post_recv(struct ib_qp *ibqp, const struct ib_recv_wr *wr,
			 const struct ib_recv_wr **bad_wr)
{
	struct rxe_qp *qp = to_rqp(ibqp);
	unsigned long flags;
	int ret = 0;

	rxe_lock(&qp->lock, &flags);
	if (qp->state == IB_QPS_RESET) {
		ret = -EINVAL;
		goto out;
	}
	for (; wr; wr = wr->next) {
		struct rxe_recv_wqe *wqe;
		u64 len = 0;
		int i;

		if (wr->num_sge < 0 || wr->num_sge > (int)qp->max_recv_sge ||
		    qp->rq_head - qp->rq_tail >= qp->rq_size) {
			ret = wr->num_sge > (int)qp->max_recv_sge ? -EINVAL :
								    -ENOMEM;
			break;
		}
		for (i = 0; i < wr->num_sge; i++)
			len += wr->sg_list[i].length;
		if (len > 0x80000000ull) {
			ret = -EINVAL;
			break;
		}
		wqe = &qp->rq[qp->rq_head % qp->rq_size];
		wqe->wr_id = wr->wr_id;
		wqe->length = (u32)len;
		wqe->num_sge = wr->num_sge;
		memcpy(wqe->sge, wr->sg_list,
		       wr->num_sge * sizeof(struct ib_sge));
		qp->rq_head++;
	}
out:
	if (ret && bad_wr)
		*bad_wr = wr;
	if (qp->state == IB_QPS_ERR)
		flush_recv(qp);
	spin_unlock_irqrestore(&qp->lock, flags);
	return ret;
}

/* ------------------------------------------------------------- device */

static const struct ib_device_ops rxe_ib_ops = {
	.size_pd = sizeof(struct rxe_pd),
	.size_mr = sizeof(struct rxe_mr),
	.size_cq = sizeof(struct rxe_cq),
	.size_qp = sizeof(struct rxe_qp),
	.alloc_pd = rxe_alloc_pd,
	.dealloc_pd = rxe_dealloc_pd,
	.reg_mr = rxe_reg_mr,
	.dereg_mr = rxe_dereg_mr,
	.create_cq = rxe_create_cq,
	.destroy_cq = rxe_destroy_cq,
	.poll_cq = rxe_poll_cq,
	.req_notify_cq = rxe_req_notify_cq,
	.create_qp = rxe_create_qp,
	.modify_qp = rxe_modify_qp,
	.query_qp = rxe_query_qp,
	.destroy_qp = rxe_destroy_qp,
	.post_send = rxe_post_send,
	.post_recv = rxe_post_recv,
};

static enum ib_mtu link_mtu_to_ib(unsigned int link_mtu)
{
	enum ib_mtu m;

	for (m = IB_MTU_4096; m > IB_MTU_256; m--)
		if (ib_mtu_enum_to_int(m) + RXE_MAX_PKT_OVERHEAD <= link_mtu)
			break;
	return m;
}

struct rxe_dev *rxe_dev_create(const char *name, u32 ip, const u8 *mac,
			       unsigned int link_mtu,
			       const struct rxe_net_ops *ops, void *priv)
{
	struct rxe_dev *rxe = kzalloc(sizeof(*rxe), GFP_KERNEL);
	int ret = -ENOMEM;

	if (!rxe)
		return ERR_PTR(-ENOMEM);
	rxe->qp_table = kcalloc(RXE_MAX_QP, sizeof(*rxe->qp_table),
				GFP_KERNEL);
	rxe->mr_table = kcalloc(RXE_MAX_MR, sizeof(*rxe->mr_table),
				GFP_KERNEL);
	if (!rxe->qp_table || !rxe->mr_table)
		goto err_free;
	strscpy(rxe->ib.name, name, sizeof(rxe->ib.name));
	rxe->ib.ops = &rxe_ib_ops;
	rxe->ib.attrs = (struct ib_device_attr) {
		.max_qp = RXE_MAX_QP - 2,
		.max_qp_wr = RXE_MAX_QP_WR,
		.max_sge = RXE_MAX_SGE,
		.max_cq = 1024,
		.max_cqe = RXE_MAX_CQE,
		.max_mr = RXE_MAX_MR - 1,
		.max_mr_size = ~0ull,
		.max_qp_rd_atom = RXE_MAX_RD_ATOMIC,
		.max_mtu = link_mtu_to_ib(link_mtu),
	};
	ib_gid_from_ipv4(&rxe->ib.gid, ip);
	memcpy(rxe->ib.mac, mac, 6);
	rxe->ops = ops;
	rxe->priv = priv;
	rxe->ip = ip;
	spin_lock_init(&rxe->lock);
	spin_lock_init(&rxe->loop_lock);
	INIT_LIST_HEAD(&rxe->cqs);
	INIT_LIST_HEAD(&rxe->qps);
	INIT_LIST_HEAD(&rxe->loop_queue);
	ret = ib_register_device(&rxe->ib);
	if (ret)
		goto err_free;
	return rxe;

err_free:
	kfree(rxe->qp_table);
	kfree(rxe->mr_table);
	kfree(rxe);
	return ERR_PTR(ret);
}

void rxe_dev_destroy(struct rxe_dev *rxe)
{
	struct rxe_loop_pkt *p, *n;

	ib_unregister_device(&rxe->ib);
	list_for_each_entry_safe(p, n, &rxe->loop_queue, node)
		kfree(p);
	kfree(rxe->qp_table);
	kfree(rxe->mr_table);
	kfree(rxe);
}

struct rxe_dev *rxe_dev_get(const char *name)
{
	struct ib_device *dev = ib_device_get_by_name(name);

	return dev && dev->ops == &rxe_ib_ops ? to_rdev(dev) : NULL;
}

void rxe_qp_tick(struct ib_qp *ibqp, u64 now)
{
	struct rxe_qp *qp = to_rqp(ibqp);
	unsigned long flags;

	rxe_lock(&qp->lock, &flags);
	rxe_comp_tick(qp, now);
	rxe_resp_run(qp);
	rxe_req_run(qp);
	spin_unlock_irqrestore(&qp->lock, flags);
}

void rxe_run_cq_handlers(struct rxe_dev *rxe)
{
	for (;;) {
		struct rxe_cq *cq, *found = NULL;
		unsigned long flags;

		rxe_lock(&rxe->lock, &flags);
		list_for_each_entry(cq, &rxe->cqs, node) {
			if (READ_ONCE(cq->notify_pending)) {
				WRITE_ONCE(cq->notify_pending, false);
				found = cq;
				break;
			}
		}
		spin_unlock_irqrestore(&rxe->lock, flags);
		if (!found)
			return;
		if (found->ib.comp_handler)
			found->ib.comp_handler(&found->ib,
					       found->ib.cq_context);
	}
}

/*
 * Run the timers of every live QP (rxe_qp_tick()), a batch at a time:
 * under rxe->lock each QP of the batch is marked with this pass's
 * number and held (refs), then ticked without the lock.  A QP created
 * meanwhile is ticked by this pass or the next; a destroyed one waits
 * for its ref to go.  Walks the live QPs only, not every table slot.
 */
#define RXE_TICK_BATCH	16

static void rxe_tick_qps(struct rxe_dev *rxe, u64 now)
{
	struct rxe_qp *batch[RXE_TICK_BATCH];
	unsigned long flags;
	unsigned int n;
	u64 seq;

	rxe_lock(&rxe->lock, &flags);
	seq = ++rxe->tick_seq;
	spin_unlock_irqrestore(&rxe->lock, flags);
	do {
		struct rxe_qp *qp;

		n = 0;
		rxe_lock(&rxe->lock, &flags);
		list_for_each_entry(qp, &rxe->qps, dev_node) {
			if (qp->tick_seq >= seq)
				continue;
			qp->tick_seq = seq;
			qp->refs++;
			batch[n++] = qp;
			if (n == RXE_TICK_BATCH)
				break;
		}
		spin_unlock_irqrestore(&rxe->lock, flags);
		for (unsigned int i = 0; i < n; i++) {
			rxe_qp_tick(&batch[i]->ib, now);
			rxe_qp_put(batch[i]);
		}
	} while (n == RXE_TICK_BATCH);
}

#define RXE_LOOP_BUDGET	256

void rxe_dev_process(struct rxe_dev *rxe)
{
	unsigned long flags;
	u64 now;
	int n;

	for (n = 0; n < RXE_LOOP_BUDGET; n++) {
		struct rxe_loop_pkt *p;

		rxe_lock(&rxe->loop_lock, &flags);
		p = list_first_entry_or_null(&rxe->loop_queue,
					     struct rxe_loop_pkt, node);
		if (p)
			list_del(&p->node);
		spin_unlock_irqrestore(&rxe->loop_lock, flags);
		if (!p)
			break;
		rxe_rcv(rxe, p->data, p->len);
		kfree(p);
	}
	if (n == RXE_LOOP_BUDGET)
		rxe->ops->kick(rxe);

	now = rxe_now(rxe);
	rxe_tick_qps(rxe, now);
	rxe_run_cq_handlers(rxe);
}

void rxe_dump_counters(struct rxe_dev *rxe)
{
	struct rxe_counters *s = &rxe->stats;
	static const char *const nak[] = {
		"psn_seq", "inv_req", "rem_access", "rem_op", "inv_rd_req",
	};

	pr_info("%s: sent %llu rcvd %llu loopback %llu\n", rxe->ib.name,
		s->sent_pkts, s->rcvd_pkts, s->loopback_pkts);
	pr_info("%s: icrc_errors %llu malformed %llu unknown_opcode %llu unknown_qpn %llu bad_pkey %llu bad_qkey %llu wrong_peer %llu wrong_port %llu wrong_transport %llu not_for_us %llu drop_state %llu\n",
		rxe->ib.name, s->icrc_errors, s->malformed, s->unknown_opcode,
		s->unknown_qpn, s->bad_pkey, s->bad_qkey, s->wrong_peer,
		s->wrong_port, s->wrong_transport, s->not_for_us, s->drop_state);
	pr_info("%s: psn_seq_errors %llu duplicates %llu dup_reads %llu retransmits %llu retransmitted_pkts %llu timeouts %llu stale_responses %llu\n",
		rxe->ib.name, s->psn_seq_errors, s->duplicates, s->dup_reads,
		s->retransmits, s->retransmitted_pkts, s->timeouts,
		s->stale_responses);
	pr_info("%s: acks_sent %llu acks_rcvd %llu rnr_naks_sent %llu rnr_naks_rcvd %llu xmit_busy %llu xmit_errors %llu cq_overflows %llu\n",
		rxe->ib.name, s->acks_sent, s->acks_rcvd, s->rnr_naks_sent,
		s->rnr_naks_rcvd, s->xmit_busy, s->xmit_errors,
		s->cq_overflows);
	for (int i = 0; i < 5; i++)
		pr_info("%s: nak %s sent %llu rcvd %llu\n", rxe->ib.name,
			nak[i], s->naks_sent[i], s->naks_rcvd[i]);
}
