/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RDMA verbs: the objects and calls FIT builds on, shaped like the
 * standard verbs (Linux's ib_verbs.h, libibverbs) so that code and
 * knowledge carry over.  drivers/infiniband/core/verbs.c implements the
 * calls on top of a provider's struct ib_device_ops: rxe (the soft
 * RoCEv2 device, drivers/infiniband/sw/rxe) today, mlx4 later.
 *
 *  - A protection domain (PD) groups memory regions and QPs.
 *  - A memory region (MR) registers kernel-virtual memory; its lkey is
 *    used in local scatter/gather entries, its rkey by peers for RDMA
 *    READ/WRITE.  Every access is checked against bounds and rights.
 *  - A completion queue (CQ) holds work completions (struct ib_wc); an
 *    armed CQ calls its completion handler once for the next completion
 *    (ib_req_notify_cq re-arms it), from the device's thread.
 *  - A queue pair (QP): RC (reliable connected) or UD (datagram, as QP1
 *    needs).  States RESET -> INIT -> RTR -> RTS, any -> ERR/RESET,
 *    driven by ib_modify_qp with an attribute mask.
 *
 * All calls return 0 or -errno, or NULL/ERR_PTR for constructors; none
 * sleeps except destroy/dereg (they wait for packets in flight).
 * Immediate data is a host-order u32 here; it travels big-endian.
 * GIDs are RoCEv2 IPv4-mapped (::ffff:a.b.c.d).
 */
#ifndef _TESSERA_RDMA_VERBS_H
#define _TESSERA_RDMA_VERBS_H

#include <tessera/list.h>
#include <tessera/types.h>

struct ib_device;
struct ib_pd;
struct ib_mr;
struct ib_cq;
struct ib_qp;

union ib_gid {
	u8 raw[16];
	struct {
		__be64 subnet_prefix;
		__be64 interface_id;
	} global;
};

/* ::ffff:a.b.c.d for the IPv4 address @ip (host order). */
void ib_gid_from_ipv4(union ib_gid *gid, u32 ip);
/* The IPv4 address of an IPv4-mapped GID; false if not one. */
bool ib_gid_to_ipv4(const union ib_gid *gid, u32 *ip);

enum ib_mtu {
	IB_MTU_256 = 1,
	IB_MTU_512 = 2,
	IB_MTU_1024 = 3,
	IB_MTU_2048 = 4,
	IB_MTU_4096 = 5,
};

static inline unsigned int ib_mtu_enum_to_int(enum ib_mtu mtu)
{
	return mtu >= IB_MTU_256 && mtu <= IB_MTU_4096 ? 128u << mtu : 0;
}

enum ib_access_flags {
	IB_ACCESS_LOCAL_WRITE	= 1 << 0,
	IB_ACCESS_REMOTE_WRITE	= 1 << 1,
	IB_ACCESS_REMOTE_READ	= 1 << 2,
};

enum ib_qp_type {
	IB_QPT_RC,
	IB_QPT_UD,
	IB_QPT_GSI,		/* QP1: UD carrying management datagrams */
};

enum ib_qp_state {
	IB_QPS_RESET,
	IB_QPS_INIT,
	IB_QPS_RTR,
	IB_QPS_RTS,
	IB_QPS_SQD,
	IB_QPS_SQE,
	IB_QPS_ERR,
};

enum ib_wc_status {
	IB_WC_SUCCESS,
	IB_WC_LOC_LEN_ERR,
	IB_WC_LOC_QP_OP_ERR,
	IB_WC_LOC_EEC_OP_ERR,
	IB_WC_LOC_PROT_ERR,
	IB_WC_WR_FLUSH_ERR,
	IB_WC_MW_BIND_ERR,
	IB_WC_BAD_RESP_ERR,
	IB_WC_LOC_ACCESS_ERR,
	IB_WC_REM_INV_REQ_ERR,
	IB_WC_REM_ACCESS_ERR,
	IB_WC_REM_OP_ERR,
	IB_WC_RETRY_EXC_ERR,
	IB_WC_RNR_RETRY_EXC_ERR,
	IB_WC_LOC_RDD_VIOL_ERR,
	IB_WC_REM_INV_RD_REQ_ERR,
	IB_WC_REM_ABORT_ERR,
	IB_WC_INV_EECN_ERR,
	IB_WC_INV_EEC_STATE_ERR,
	IB_WC_FATAL_ERR,
	IB_WC_RESP_TIMEOUT_ERR,
	IB_WC_GENERAL_ERR,
};

const char *ib_wc_status_msg(enum ib_wc_status status);

enum ib_wc_opcode {
	IB_WC_SEND,
	IB_WC_RDMA_WRITE,
	IB_WC_RDMA_READ,
	IB_WC_RECV = 1 << 7,
	IB_WC_RECV_RDMA_WITH_IMM,
};

enum ib_wc_flags {
	IB_WC_GRH	= 1 << 0,
	IB_WC_WITH_IMM	= 1 << 1,
};

struct ib_wc {
	u64 wr_id;
	enum ib_wc_status status;
	enum ib_wc_opcode opcode;
	u32 vendor_err;
	u32 byte_len;
	struct ib_qp *qp;
	u32 imm_data;		/* valid with IB_WC_WITH_IMM */
	u32 src_qp;		/* UD receives */
	int wc_flags;
};

enum ib_wr_opcode {
	IB_WR_RDMA_WRITE,
	IB_WR_RDMA_WRITE_WITH_IMM,
	IB_WR_SEND,
	IB_WR_SEND_WITH_IMM,
	IB_WR_RDMA_READ,
};

enum ib_send_flags {
	IB_SEND_FENCE		= 1 << 0,
	IB_SEND_SIGNALED	= 1 << 1,
	IB_SEND_SOLICITED	= 1 << 2,
};

struct ib_sge {
	u64 addr;		/* kernel virtual address */
	u32 length;
	u32 lkey;
};

/* Where a UD send goes, and the path of an RC QP. */
struct rdma_ah_attr {
	union ib_gid dgid;	/* IPv4-mapped */
	u8 dmac[6];		/* all zero: resolve by ARP */
	u8 hop_limit;		/* IPv4 TTL, 0 = 64 */
	u8 traffic_class;	/* IPv4 TOS */
	u8 sgid_index;
};

struct ib_ah {
	struct ib_pd *pd;
	struct rdma_ah_attr attr;
};

struct ib_send_wr {
	struct ib_send_wr *next;
	u64 wr_id;
	struct ib_sge *sg_list;
	int num_sge;
	enum ib_wr_opcode opcode;
	int send_flags;
	u32 imm_data;
	struct {
		u64 remote_addr;
		u32 rkey;
	} rdma;
	struct {
		struct ib_ah *ah;
		u32 remote_qpn;
		u32 remote_qkey;
	} ud;
};

struct ib_recv_wr {
	struct ib_recv_wr *next;
	u64 wr_id;
	struct ib_sge *sg_list;
	int num_sge;
};

struct ib_qp_cap {
	u32 max_send_wr;
	u32 max_recv_wr;
	u32 max_send_sge;
	u32 max_recv_sge;
	u32 max_inline_data;
};

enum ib_sig_type {
	IB_SIGNAL_ALL_WR,
	IB_SIGNAL_REQ_WR,
};

struct ib_qp_init_attr {
	struct ib_cq *send_cq;
	struct ib_cq *recv_cq;
	struct ib_qp_cap cap;
	enum ib_sig_type sq_sig_type;
	enum ib_qp_type qp_type;
	void *qp_context;
};

enum ib_qp_attr_mask {
	IB_QP_STATE			= 1 << 0,
	IB_QP_CUR_STATE			= 1 << 1,
	IB_QP_ACCESS_FLAGS		= 1 << 3,
	IB_QP_PKEY_INDEX		= 1 << 4,
	IB_QP_PORT			= 1 << 5,
	IB_QP_QKEY			= 1 << 6,
	IB_QP_AV			= 1 << 7,
	IB_QP_PATH_MTU			= 1 << 8,
	IB_QP_TIMEOUT			= 1 << 9,
	IB_QP_RETRY_CNT			= 1 << 10,
	IB_QP_RNR_RETRY			= 1 << 11,
	IB_QP_RQ_PSN			= 1 << 12,
	IB_QP_MAX_QP_RD_ATOMIC		= 1 << 13,
	IB_QP_MIN_RNR_TIMER		= 1 << 15,
	IB_QP_SQ_PSN			= 1 << 16,
	IB_QP_MAX_DEST_RD_ATOMIC	= 1 << 17,
	IB_QP_CAP			= 1 << 19,
	IB_QP_DEST_QPN			= 1 << 20,
};

struct ib_qp_attr {
	enum ib_qp_state qp_state;
	enum ib_qp_state cur_qp_state;
	enum ib_mtu path_mtu;
	u32 qkey;
	u32 rq_psn;
	u32 sq_psn;
	u32 dest_qp_num;
	int qp_access_flags;
	struct ib_qp_cap cap;
	struct rdma_ah_attr ah_attr;
	u16 pkey_index;
	u8 max_rd_atomic;	/* RDMA READs we may have outstanding */
	u8 max_dest_rd_atomic;	/* RDMA READs we accept outstanding */
	u8 min_rnr_timer;	/* IBA 5-bit RNR timer code we ask peers for */
	u8 port_num;
	u8 timeout;		/* 4.096 us * 2^timeout; 0 = infinite */
	u8 retry_cnt;		/* 0..7 */
	u8 rnr_retry;		/* 0..7, 7 = infinite */
	/*
	 * Counters of this QP since it was created, read-only: filled by
	 * ib_query_qp(), ignored by ib_modify_qp().  The requester's
	 * retransmissions (each go-back-N, whatever its cause: ACK timeout,
	 * sequence NAK, RNR NAK), the packets they sent again, and ACK
	 * timeouts.  Providers that do not count leave them 0.
	 */
	u64 retransmits;
	u64 retransmitted_pkts;
	u64 ack_timeouts;
};

enum ib_cq_notify_flags {
	IB_CQ_SOLICITED			= 1 << 0,
	IB_CQ_NEXT_COMP			= 1 << 1,
	IB_CQ_SOLICITED_MASK		= IB_CQ_SOLICITED | IB_CQ_NEXT_COMP,
	IB_CQ_REPORT_MISSED_EVENTS	= 1 << 2,
};

typedef void (*ib_comp_handler)(struct ib_cq *cq, void *cq_context);

struct ib_pd {
	struct ib_device *device;
	u32 local_dma_lkey;
	int usecnt;		/* MRs, QPs and AHs on it */
};

struct ib_mr {
	struct ib_device *device;
	struct ib_pd *pd;
	u32 lkey, rkey;
	u64 iova;
	u64 length;
	int access;
};

struct ib_cq {
	struct ib_device *device;
	ib_comp_handler comp_handler;
	void *cq_context;
	int cqe;		/* capacity */
	int usecnt;		/* QPs using it */
};

struct ib_qp {
	struct ib_device *device;
	struct ib_pd *pd;
	struct ib_cq *send_cq, *recv_cq;
	void *qp_context;
	u32 qp_num;
	enum ib_qp_type qp_type;
	enum ib_qp_state state;	/* as last set by ib_modify_qp */
};

/* What a provider implements; objects are allocated by the core with the
 * provider's size (the verbs struct comes first in the provider's). */
struct ib_device_ops {
	size_t size_pd, size_mr, size_cq, size_qp;

	int (*alloc_pd)(struct ib_pd *pd);
	void (*dealloc_pd)(struct ib_pd *pd);
	int (*reg_mr)(struct ib_mr *mr);
	void (*dereg_mr)(struct ib_mr *mr);
	int (*create_cq)(struct ib_cq *cq);
	void (*destroy_cq)(struct ib_cq *cq);
	int (*poll_cq)(struct ib_cq *cq, int nr, struct ib_wc *wc);
	int (*req_notify_cq)(struct ib_cq *cq, enum ib_cq_notify_flags flags);
	int (*create_qp)(struct ib_qp *qp, struct ib_qp_init_attr *init);
	/* Called with a transition the core has checked. */
	int (*modify_qp)(struct ib_qp *qp, struct ib_qp_attr *attr, int mask);
	int (*query_qp)(struct ib_qp *qp, struct ib_qp_attr *attr);
	void (*destroy_qp)(struct ib_qp *qp);
	int (*post_send)(struct ib_qp *qp, const struct ib_send_wr *wr,
			 const struct ib_send_wr **bad_wr);
	int (*post_recv)(struct ib_qp *qp, const struct ib_recv_wr *wr,
			 const struct ib_recv_wr **bad_wr);
};

struct ib_device_attr {
	u32 max_qp, max_qp_wr, max_sge, max_cq, max_cqe, max_mr;
	u64 max_mr_size;
	u32 max_qp_rd_atom;
	enum ib_mtu max_mtu;	/* largest path MTU the link carries */
};

struct ib_device {
	char name[16];			/* "rxe0" */
	const struct ib_device_ops *ops;
	struct ib_device_attr attrs;
	union ib_gid gid;		/* GID index 0: IPv4-mapped */
	u8 mac[6];
	struct list_head list;		/* protected by the core's lock */
};

/* Providers. */
int ib_register_device(struct ib_device *dev);
void ib_unregister_device(struct ib_device *dev);
/* Lookup: NULL if none. */
struct ib_device *ib_device_get_by_name(const char *name);
struct ib_device *ib_device_get(int index);

struct ib_pd *ib_alloc_pd(struct ib_device *dev);
int ib_dealloc_pd(struct ib_pd *pd);	/* -EBUSY while in use */

/* Register [addr, addr + len) of kernel memory; ERR_PTR on failure. */
struct ib_mr *ib_reg_mr(struct ib_pd *pd, void *addr, u64 len, int access);
int ib_dereg_mr(struct ib_mr *mr);


struct ib_cq *ib_create_cq(struct ib_device *dev, int cqe,
			   ib_comp_handler handler, void *cq_context);
int ib_destroy_cq(struct ib_cq *cq);	/* -EBUSY while QPs use it */
/* Up to @nr completions into @wc; returns how many (0 if empty). */
int ib_poll_cq(struct ib_cq *cq, int nr, struct ib_wc *wc);
/* Arm; with IB_CQ_REPORT_MISSED_EVENTS returns 1 if completions are
 * already waiting (poll again), else 0. */
int ib_req_notify_cq(struct ib_cq *cq, enum ib_cq_notify_flags flags);

struct ib_qp *ib_create_qp(struct ib_pd *pd, struct ib_qp_init_attr *init);
/* -EINVAL for a transition the QP state machine does not allow or
 * attributes missing from @mask that it requires. */
int ib_modify_qp(struct ib_qp *qp, struct ib_qp_attr *attr, int mask);
int ib_query_qp(struct ib_qp *qp, struct ib_qp_attr *attr);
int ib_destroy_qp(struct ib_qp *qp);

/* Legal transition with @mask?  (The core's table, exported for tests.) */
bool ib_modify_qp_is_ok(enum ib_qp_state cur, enum ib_qp_state next,
			enum ib_qp_type type, int mask);

int ib_post_send(struct ib_qp *qp, const struct ib_send_wr *wr,
		 const struct ib_send_wr **bad_wr);
int ib_post_recv(struct ib_qp *qp, const struct ib_recv_wr *wr,
		 const struct ib_recv_wr **bad_wr);

struct ib_ah *ib_create_ah(struct ib_pd *pd, const struct rdma_ah_attr *attr);
int ib_destroy_ah(struct ib_ah *ah);

#endif /* _TESSERA_RDMA_VERBS_H */
