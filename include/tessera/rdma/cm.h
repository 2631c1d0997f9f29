/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The InfiniBand Communication Manager (IBA vol. 1 ch. 12): its wire
 * format and the connection API the RDMA CM (rdma_cm.h) builds on.
 *
 * Wire: a CM message is a 256-byte MAD sent as a UD SEND to QP1 (the GSI
 * QP, Q_Key 0x80010000, P_Key 0xffff): the 24-byte common MAD header
 * (base version 1, class 0x07, class version 2, method Send 0x03, a
 * transaction ID, the attribute ID naming the message) then 232 bytes of
 * message.  Every multi-byte field is big-endian; sub-byte fields are
 * numbered from the most significant bit, as in the spec's tables
 * (REQ: Table 106, MRA 107, REJ 108, REP 110, RTU 111, DREQ 112,
 * DREP 113).  The codecs (drivers/infiniband/core/cm_mad.c) turn bytes
 * into the host-order structs below and back; they are pure and build on
 * the host (tests/host/test_cm_mad.c).  Decoding validates the header
 * and every field with a restricted range; the CM validates the rest
 * against its connection state.
 *
 * The connection state machine lives in drivers/infiniband/core/cm.c,
 * the IP conventions (service IDs, the CMA header, addresses) in cma.c.
 */
#ifndef _TESSERA_RDMA_CM_H
#define _TESSERA_RDMA_CM_H

#include <tessera/rdma/verbs.h>
#include <tessera/types.h>

#define IB_MAD_BYTES			256
#define IB_MAD_HDR_BYTES		24
#define IB_CM_MSG_BYTES			(IB_MAD_BYTES - IB_MAD_HDR_BYTES)

#define IB_MGMT_BASE_VERSION		1
#define IB_MGMT_CLASS_CM		0x07
#define IB_CM_CLASS_VERSION		2
#define IB_MGMT_METHOD_SEND		0x03

#define IB_QP1_QKEY			0x80010000u
#define IB_DEFAULT_PKEY			0xffff

enum ib_cm_attr_id {
	CM_REQ_ATTR_ID	= 0x0010,
	CM_MRA_ATTR_ID	= 0x0011,
	CM_REJ_ATTR_ID	= 0x0012,
	CM_REP_ATTR_ID	= 0x0013,
	CM_RTU_ATTR_ID	= 0x0014,
	CM_DREQ_ATTR_ID	= 0x0015,
	CM_DREP_ATTR_ID	= 0x0016,
};

/* Private data room per message (bytes). */
#define CM_REQ_PRIVATE_DATA_SIZE	92
#define CM_MRA_PRIVATE_DATA_SIZE	222
#define CM_REJ_PRIVATE_DATA_SIZE	148
#define CM_REP_PRIVATE_DATA_SIZE	196
#define CM_RTU_PRIVATE_DATA_SIZE	224
#define CM_DREQ_PRIVATE_DATA_SIZE	220
#define CM_DREP_PRIVATE_DATA_SIZE	224
#define CM_REJ_ARI_SIZE			72

/* REJ/MRA "message rejected/MRAed" values. */
enum ib_cm_msg_response {
	CM_MSG_RESPONSE_REQ	= 0,
	CM_MSG_RESPONSE_REP	= 1,
	CM_MSG_RESPONSE_OTHER	= 2,
};

/* REJ reasons (Table 109), the ones this CM sends or interprets. */
enum ib_cm_rej_reason {
	IB_CM_REJ_NO_QP			= 1,
	IB_CM_REJ_NO_RESOURCES		= 3,
	IB_CM_REJ_TIMEOUT		= 4,
	IB_CM_REJ_UNSUPPORTED		= 5,
	IB_CM_REJ_INVALID_COMM_ID	= 6,
	IB_CM_REJ_INVALID_COMM_INSTANCE	= 7,
	IB_CM_REJ_INVALID_SERVICE_ID	= 8,
	IB_CM_REJ_INVALID_TRANSPORT_TYPE = 9,
	IB_CM_REJ_STALE_CONN		= 10,
	IB_CM_REJ_INVALID_GID		= 12,
	IB_CM_REJ_INVALID_MTU		= 26,
	IB_CM_REJ_CONSUMER_DEFINED	= 28,
	IB_CM_REJ_INVALID_CLASS_VERSION	= 31,
};

/* The common MAD header, host order. */
struct ib_mad_hdr_info {
	u8 base_version, mgmt_class, class_version, method;
	u16 status, class_specific;
	u64 tid;
	u16 attr_id;
	u32 attr_mod;
};

/* One path of a REQ (primary; the alternate is never used). */
struct cm_path {
	u16 local_lid, remote_lid;
	union ib_gid local_gid, remote_gid;
	u32 flow_label;		/* 20 bits */
	u8 packet_rate;		/* 6 bits */
	u8 traffic_class, hop_limit;
	u8 sl;			/* 4 bits */
	bool subnet_local;
	u8 local_ack_timeout;	/* 5 bits */
};

struct cm_req {
	u32 local_comm_id;
	u64 service_id;
	u64 local_ca_guid;
	u32 local_qkey;
	u32 local_qpn;			/* 24 bits */
	u8 responder_resources;
	u32 local_eecn;			/* 24 bits */
	u8 initiator_depth;
	u32 remote_eecn;		/* 24 bits */
	u8 remote_cm_response_timeout;	/* 5 bits */
	u8 transport_type;		/* 2 bits: 0 RC, 1 UC, 3 XRC... */
	bool end_to_end_flow_control;
	u32 starting_psn;		/* 24 bits */
	u8 local_cm_response_timeout;	/* 5 bits */
	u8 retry_count;			/* 3 bits */
	u16 pkey;
	u8 path_mtu;			/* 4 bits, enum ib_mtu */
	bool rdc_exists;
	u8 rnr_retry_count;		/* 3 bits */
	u8 max_cm_retries;		/* 4 bits */
	bool srq;
	u8 ext_transport_type;		/* 3 bits */
	struct cm_path primary;
	bool has_alternate;		/* decode only: alternate path present */
	u8 private_data[CM_REQ_PRIVATE_DATA_SIZE];
};

struct cm_rep {
	u32 local_comm_id, remote_comm_id;
	u32 local_qkey;
	u32 local_qpn;			/* 24 bits */
	u32 local_eecn;			/* 24 bits */
	u32 starting_psn;		/* 24 bits */
	u8 responder_resources, initiator_depth;
	u8 target_ack_delay;		/* 5 bits */
	u8 failover_accepted;		/* 2 bits */
	bool end_to_end_flow_control;
	u8 rnr_retry_count;		/* 3 bits */
	bool srq;
	u64 local_ca_guid;
	u8 private_data[CM_REP_PRIVATE_DATA_SIZE];
};

/* RTU, DREP: ids and private data; DREQ adds the remote QPN. */
struct cm_rtu {
	u32 local_comm_id, remote_comm_id;
	u8 private_data[CM_RTU_PRIVATE_DATA_SIZE];
};

struct cm_dreq {
	u32 local_comm_id, remote_comm_id;
	u32 remote_qpn;			/* 24 bits */
	u8 private_data[CM_DREQ_PRIVATE_DATA_SIZE];
};

struct cm_drep {
	u32 local_comm_id, remote_comm_id;
	u8 private_data[CM_DREP_PRIVATE_DATA_SIZE];
};

struct cm_rej {
	u32 local_comm_id, remote_comm_id;
	u8 msg_rejected;		/* 2 bits, enum ib_cm_msg_response */
	u8 ari_length;			/* 7 bits */
	u16 reason;
	u8 ari[CM_REJ_ARI_SIZE];
	u8 private_data[CM_REJ_PRIVATE_DATA_SIZE];
};

struct cm_mra {
	u32 local_comm_id, remote_comm_id;
	u8 msg_mraed;			/* 2 bits */
	u8 service_timeout;		/* 5 bits */
	u8 private_data[CM_MRA_PRIVATE_DATA_SIZE];
};

/* A decoded CM MAD. */
struct cm_msg {
	struct ib_mad_hdr_info hdr;
	union {
		struct cm_req req;
		struct cm_rep rep;
		struct cm_rtu rtu;
		struct cm_dreq dreq;
		struct cm_drep drep;
		struct cm_rej rej;
		struct cm_mra mra;
	};
};

/* IBA time code @code (4.096 us * 2^code, capped at 2^31) in ns. */
u64 cm_timeout_ns(u8 code);
/*
 * The wait before the next (re)send of a message whose answer is due
 * within @period_ns: @period_ns plus a pseudo-random part below half of
 * it, drawn from *@seed (advanced).  cm_timer.c says why.
 */
u64 cm_retry_wait_ns(u64 period_ns, u32 *seed);

/*
 * Encode @msg (its hdr.attr_id picks the message; base version, class,
 * class version and method are filled in) into the 256 bytes at @mad.
 * Returns 0, or -EINVAL for an unknown attribute ID or a field wider than
 * its bits (a PSN over 24 bits, a timeout over 5 bits, ...).
 */
int cm_msg_encode(u8 *mad, const struct cm_msg *msg);

/*
 * Decode the @len bytes at @mad.  Returns 0; -EMSGSIZE if shorter than a
 * MAD; -EPROTONOSUPPORT for another base version, class or class version;
 * -EOPNOTSUPP for a method other than Send or an attribute ID this CM
 * does not handle (LAP, APR, SIDR, ClassPortInfo); -EINVAL for a field
 * with a reserved value (REJ ARI length > 72, REQ transport type 3 with
 * no extended type, MTU outside 1..5).
 */
int cm_msg_decode(const u8 *mad, size_t len, struct cm_msg *msg);

/* ------------------------------------------------------------ IB CM API */

struct ib_cm_id;

enum ib_cm_event_type {
	IB_CM_REQ_RECEIVED,	/* on a new id cloned from the listener */
	IB_CM_REP_RECEIVED,
	IB_CM_RTU_RECEIVED,
	IB_CM_REJ_RECEIVED,
	IB_CM_DREQ_RECEIVED,	/* the CM already answered DREP */
	IB_CM_DREP_RECEIVED,
	IB_CM_REQ_ERROR,	/* REQ retries exhausted */
	IB_CM_REP_ERROR,	/* REP retries exhausted (no RTU) */
	IB_CM_DREQ_ERROR,	/* DREQ retries exhausted */
};

struct ib_cm_event {
	enum ib_cm_event_type event;
	const struct cm_msg *msg;	/* the message received, if any */
	u32 remote_ip;			/* sender (host order) */
};

/*
 * Called from the CM thread with no lock held, never for an id whose
 * ib_destroy_cm_id() has returned.  For IB_CM_REQ_RECEIVED a non-zero
 * return rejects the request (consumer defined) and destroys the new id.
 */
typedef int (*ib_cm_handler)(struct ib_cm_id *id,
			     const struct ib_cm_event *ev);

/*
 * Authentication of the messages that follow a connection's handshake
 * (RTU, DREQ, DREP), for a consumer that authenticates its REQ and REP
 * in their private data (FIT under a cluster key).  Both run on the
 * thread that sends or receives, with the CM's lock held: they must not
 * call the CM, sleep or take a lock that is held around a CM call.
 *
 * @seal fills the private data of an RTU, DREQ or DREP the CM is about
 * to send for @id (its hdr.attr_id says which; the comm ids are filled
 * in), including the DREQ ib_destroy_cm_id() sends and the DREP that
 * answers a DREQ.
 * @verify is called for an RTU, DREQ or DREP received for @id, after
 * the CM matched it to @id and before it acts on it in any way (state,
 * timers, the DREP answering a DREQ, the event): non-zero drops it,
 * counted as unauthenticated; the consumer logs.
 */
struct ib_cm_auth_ops {
	void (*seal)(struct ib_cm_id *id, struct cm_msg *msg);
	int (*verify)(struct ib_cm_id *id, const struct cm_msg *msg);
};

struct ib_cm_id {
	ib_cm_handler handler;
	void *context;
	/*
	 * NULL: RTU/DREQ/DREP unauthenticated.  Set before ib_cm_listen()
	 * or ib_send_cm_req(); an id cloned for a REQ gets its listener's.
	 */
	const struct ib_cm_auth_ops *auth;
	struct ib_device *device;
	u64 service_id;
	u32 local_id, remote_id;
	u32 remote_ip;			/* host order */
	u32 remote_qpn;
};

/* The CM on @dev's QP1: 0 or -errno.  Once per device. */
int ib_cm_init(struct ib_device *dev);

struct ib_cm_id *ib_create_cm_id(struct ib_device *dev, ib_cm_handler h,
				 void *context);
/*
 * No event reaches @id once this returns.  Waits for a delivery to @id in
 * progress on the CM thread, so it may sleep; called from a handler (the
 * CM thread) it does not wait and @id is freed when the handler returns.
 */
void ib_destroy_cm_id(struct ib_cm_id *id);

/* Requests for @service_id come to @id's handler.  -EBUSY if taken. */
int ib_cm_listen(struct ib_cm_id *id, u64 service_id);

/*
 * Send @req (local comm ID, CA GUID and the IB defaults are filled in) to
 * @remote_ip, resending every 2^remote_cm_response_timeout * 4.096 us up
 * to max_cm_retries times; then IB_CM_REQ_ERROR.
 */
int ib_send_cm_req(struct ib_cm_id *id, u32 remote_ip, struct cm_req *req);
/* Accept the request on @id with @rep (ids filled in). */
int ib_send_cm_rep(struct ib_cm_id *id, struct cm_rep *rep);
int ib_send_cm_rtu(struct ib_cm_id *id);
/* Reject the REQ or REP in progress; @reason per Table 109. */
int ib_send_cm_rej(struct ib_cm_id *id, u16 reason, const void *pdata,
		   u8 len);
int ib_send_cm_dreq(struct ib_cm_id *id);

/* Counters, printed by ib_cm_dump_counters(). */
struct ib_cm_counters {
	unsigned long long sent[8], rcvd[8];	/* by attr_id - 0x10 */
	unsigned long long retransmits, timeouts, duplicates;
	unsigned long long malformed, bad_version, unsupported;
	unsigned long long unknown_comm_id, unknown_service, stale;
	unsigned long long rej_sent_unknown;
	/* Events not delivered: their id was destroyed first. */
	unsigned long long dropped_events;
	/* A freed id reached delivery (a lifetime bug; never expected). */
	unsigned long long bad_dispatch;
	/* RTU/DREQ/DREP its id's auth->verify refused: dropped. */
	unsigned long long unauthenticated;
	/* REQs refused (REJ "no resources"): too many ids connecting. */
	unsigned long long over_limit;
};
void ib_cm_dump_counters(void);
const struct ib_cm_counters *ib_cm_counters(void);

#endif /* _TESSERA_RDMA_CM_H */
