/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rxe internals: the soft RoCEv2 device's objects and the functions the
 * files of this directory share.  Public API: <tessera/rdma/verbs.h>
 * (through the verbs core) and <tessera/rdma/rxe.h> (device creation,
 * the network hooks, counters).
 *
 * Files: rxe_hdr.c/rxe_icrc.c packet codecs; rxe_verbs.c objects (PD,
 * MR, CQ, QP state machine, posting, the device); rxe_req.c requester
 * (turns send WQEs into packets, go-back-N retransmission); rxe_resp.c
 * responder (receives requests, ACK/NAK, RDMA READ responses); rxe_comp.c
 * completer (ACKs, NAKs, READ responses -> completions, retry timers);
 * rxe_recv.c receive dispatch and loopback; rxe_net.c the kernel glue
 * (netdev, UDP, the device thread).  Everything but rxe_net.c builds on
 * the host (tests/host/test_rxe_rc.c).
 *
 * Lock order: qp->lock -> cq->lock -> rxe->lock -> rxe->loop_lock.
 * Never two QP locks at once: packets between QPs of one device go
 * through the loopback queue.  Protocol state of a QP (requester,
 * responder, completer) is all under qp->lock.
 */
#ifndef _RXE_H
#define _RXE_H

#include <tessera/list.h>
#include <tessera/rdma/rxe.h>
#include <tessera/rdma/rxe_hdr.h>
#include <tessera/rdma/verbs.h>
#include <tessera/spinlock.h>

#define RXE_MAX_SGE		8
#define RXE_MAX_QP		1024	/* table slots; QPN low 10 bits */
#define RXE_MAX_MR		4096
#define RXE_MAX_QP_WR		4096
#define RXE_MAX_CQE		65536
#define RXE_MAX_RD_ATOMIC	16
#define RXE_WINDOW		64	/* unacknowledged packets in flight */
#define RXE_READ_SEG		32	/* response packets per READ request */
#define RXE_ACK_EVERY		16	/* AckReq at least this often */
#define RXE_RTO_BACKOFF_MAX	3	/* retry timer doubles up to 8x */
#define RXE_TXBUF_SIZE		(4096 + RXE_MAX_PKT_OVERHEAD)
#define RXE_GRH_BYTES		40

struct rxe_pd {
	struct ib_pd ib;
};

struct rxe_mr {
	struct ib_mr ib;
	u8 *addr;
	int refs;		/* packets using it; protected by rxe->lock */
};

struct rxe_cq {
	struct ib_cq ib;
	spinlock_t lock;
	struct ib_wc *queue;		/* ring; fields below under lock */
	u32 size, head, count;
	u8 notify;			/* IB_CQ_NEXT_COMP/SOLICITED armed */
	bool notify_pending;		/* handler owed */
	u64 overflows;
	struct list_head node;		/* rxe->cqs, under rxe->lock */
};

struct rxe_send_wqe {
	u64 wr_id;
	enum ib_wr_opcode opcode;
	int flags;
	u32 imm;
	u64 remote_addr;
	u32 rkey;
	u32 length;
	int num_sge;
	struct ib_sge sge[RXE_MAX_SGE];
	/* UD destination */
	u32 ud_daddr, ud_dqpn, ud_qkey;
	u8 ud_dmac[6];
	/* Assigned when the requester first reaches the WQE */
	bool psn_assigned;
	enum ib_wc_status err;		/* local error found while sending */
	u32 first_psn, last_psn;
};

struct rxe_recv_wqe {
	u64 wr_id;
	u32 length;
	int num_sge;
	struct ib_sge sge[RXE_MAX_SGE];
};

/*
 * One accepted RDMA READ request, kept to stream and to re-execute.  The
 * request's own range never changes; a duplicate (a retry, maybe for a
 * tail only) restarts the stream somewhere inside it.
 */
struct rxe_read_res {
	bool valid;
	bool replay;		/* the stream answers a duplicate */
	u32 first_psn;		/* the request: PSN of its first response, */
	u32 nr_pkts;		/* response packets, */
	u64 va;			/* remote range and key */
	u32 rkey, len;
	u32 s_psn, s_nr;	/* the stream: first PSN, packets, */
	u64 s_va;
	u32 s_len;		/* bytes, */
	u32 sent;		/* and packets sent so far */
};

enum rxe_resp_op { RESP_OP_NONE, RESP_OP_SEND, RESP_OP_WRITE };

struct rxe_qp {
	struct ib_qp ib;
	struct rxe_dev *rxe;
	spinlock_t lock;
	int refs;			/* lookups in flight, rxe->lock */
	struct list_head dev_node;	/* rxe->qps, rxe->lock */
	u64 tick_seq;			/* last pass that ticked it */
	enum ib_qp_state state;

	/* Attributes */
	u32 mtu;
	u32 dqpn, qkey;
	int access;
	u32 daddr;
	u8 dmac[6];
	u8 ttl, tos;
	u16 sport;
	u16 peer_sport;			/* RC: learnt, 0 until then (rxe_recv.c) */
	u8 timeout, retry_cnt, rnr_retry, min_rnr_timer;
	u8 max_rd_atomic, max_dest_rd_atomic;
	bool sig_all;

	/* Send queue: indexes count up forever, slot = index % sq_size.
	 * sq_comp <= sq_req <= sq_head. */
	struct rxe_send_wqe *sq;
	u32 sq_size, max_send_sge;
	u32 sq_head;		/* next free */
	u32 sq_req;		/* requester's current WQE */
	u32 sq_comp;		/* oldest not completed */

	/* Receive queue */
	struct rxe_recv_wqe *rq;
	u32 rq_size, max_recv_sge;
	u32 rq_head, rq_tail;

	struct {
		u32 psn;		/* next PSN to send */
		u32 max_psn;		/* first PSN never sent */
		u32 offset;		/* bytes of sq[sq_req] sent */
		/* Last PSNs of the READ requests whose responses are still
		 * due, oldest first (at most max_rd_atomic). */
		u32 rd_end[RXE_MAX_RD_ATOMIC];
		u32 rd_head, rd_count;
		bool wait_rnr;
		u64 rnr_deadline;
	} req;

	struct {
		u32 psn;		/* oldest unacknowledged PSN */
		int retry_left, rnr_left;
		bool timer_on;		/* retransmit timer */
		u64 deadline;
		u64 armed;		/* when the timer was armed */
		u32 fast_retry_psn;	/* avoid retry storms on gaps */
		bool fast_retry_done;
		u32 stalls;		/* retries since the last progress */
		/* ACK round trip, RFC 6298 style, ns; srtt 0: no sample */
		u64 srtt, rttvar;
		u32 backoff;		/* timeouts since proof of life */
		u32 resent_end;		/* max_psn at the last timeout */
		bool heard;		/* peer answered since the timeout */
		bool rtt_on;		/* timing the ACK of rtt_psn */
		u32 rtt_psn;		/* an AckReq packet sent once */
		u64 rtt_sent;
	} comp;

	struct {
		u32 psn;		/* expected PSN */
		u32 msn;
		bool nak_sent;		/* PSN sequence NAK outstanding */
		u32 dup_psn;		/* PSN of the last duplicate */
		enum rxe_resp_op op;	/* multi-packet message in progress */
		bool have_wqe;		/* rq[rq_tail] is being filled */
		u32 offset;		/* bytes placed so far */
		u64 va;			/* WRITE: next address */
		u32 rkey, resid;
		u32 length;		/* WRITE: total (RETH DMA length) */
		struct rxe_read_res res[RXE_MAX_RD_ATOMIC];
		u32 res_head;
	} resp;

	u8 *txbuf;			/* one packet being built, qp->lock */

	/* Per-QP share of the device counters (ib_query_qp), atomics. */
	u64 nr_retransmits;
	u64 nr_retransmitted_pkts;
	u64 nr_timeouts;
};

struct rxe_loop_pkt {
	struct list_head node;
	size_t len;
	u8 data[];
};

static inline struct rxe_dev *to_rdev(struct ib_device *ib)
{
	return container_of(ib, struct rxe_dev, ib);
}

static inline struct rxe_qp *to_rqp(struct ib_qp *ib)
{
	return container_of(ib, struct rxe_qp, ib);
}

static inline struct rxe_cq *to_rcq(struct ib_cq *ib)
{
	return container_of(ib, struct rxe_cq, ib);
}

static inline struct rxe_mr *to_rmr(struct ib_mr *ib)
{
	return container_of(ib, struct rxe_mr, ib);
}

#define rxe_count(rxe, field) \
	__atomic_fetch_add(&(rxe)->stats.field, 1, __ATOMIC_RELAXED)

static inline u64 rxe_now(struct rxe_dev *rxe)
{
	return rxe->ops->now_ns(rxe);
}

static inline struct rxe_send_wqe *sq_wqe(struct rxe_qp *qp, u32 idx)
{
	return &qp->sq[idx % qp->sq_size];
}

/* rxe_verbs.c */
struct rxe_mr *rxe_mr_get(struct rxe_dev *rxe, struct ib_pd *pd, u32 key,
			  int access, u64 va, u64 len);
void rxe_mr_put(struct rxe_dev *rxe, struct rxe_mr *mr);
int rxe_copy_sges(struct rxe_qp *qp, const struct ib_sge *sge, int nr_sge,
		  u32 offset, u8 *buf, u32 len, bool to_sges);
void rxe_cq_post(struct rxe_cq *cq, const struct ib_wc *wc, bool solicited);
void rxe_qp_error(struct rxe_qp *qp);
struct rxe_qp *rxe_qp_get(struct rxe_dev *rxe, u32 qpn);
void rxe_qp_put(struct rxe_qp *qp);
void rxe_complete_send(struct rxe_qp *qp, struct rxe_send_wqe *wqe,
		       enum ib_wc_status status);

/* rxe_recv.c */
int rxe_xmit(struct rxe_qp *qp, const u8 *dmac, u32 daddr, size_t len);
void rxe_init_pkt(struct rxe_qp *qp, struct rxe_pkt *pkt, u8 opcode,
		  u32 psn);

/* rxe_req.c */
void rxe_req_run(struct rxe_qp *qp);
void rxe_req_go_back(struct rxe_qp *qp);
void rxe_req_sync(struct rxe_qp *qp);
u32 rxe_req_window(struct rxe_qp *qp);

/* rxe_resp.c */
void rxe_resp_rcv(struct rxe_qp *qp, struct rxe_pkt *pkt, const u8 *ip_hdr);
void rxe_resp_run(struct rxe_qp *qp);

/* rxe_comp.c */
void rxe_comp_rcv(struct rxe_qp *qp, struct rxe_pkt *pkt);
void rxe_comp_tick(struct rxe_qp *qp, u64 now);
void rxe_comp_arm(struct rxe_qp *qp);
void rxe_comp_rtt_start(struct rxe_qp *qp, u32 psn);

#endif /* _RXE_H */
