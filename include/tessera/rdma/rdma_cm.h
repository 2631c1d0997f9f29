/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The RDMA connection manager: RC connections named by IPv4 address and
 * port, on top of the IB CM (cm.h) over QP1, following the conventions
 * Linux's rdma_cm uses on RoCE so that either side may be Linux:
 *
 *  - the service ID of port P is 0x0000000001060000 | P (RDMA_PS_TCP);
 *  - a REQ's private data starts with the 36-byte CMA header (version 0,
 *    IP version 4 in the high nibble, the source port, the source and
 *    destination IPv4 addresses in the last 4 bytes of two 16-byte
 *    fields), the consumer's private data follows (at most 56 bytes);
 *  - GIDs are IPv4-mapped (::ffff:a.b.c.d) and found by ARP;
 *  - the CM moves the QP: INIT at rdma_create_qp(), RTR and RTS before
 *    the REP goes out (passive) or before the RTU (active).
 *
 * Events reach the id's handler on the CM thread (never with a CM lock
 * held; a handler may call rdma_accept/reject/disconnect but must not
 * sleep long or destroy its own id):
 *
 *   CONNECT_REQUEST  on a new id cloned from the listener; return
 *                    non-zero to reject (the id is then destroyed),
 *                    else accept or reject it later
 *   ESTABLISHED      REP received and RTU sent (active), RTU received
 *                    (passive)
 *   REJECTED         the peer refused; status = IB reject reason
 *   TIMEOUT          no REP within the connect timeout (active), no RTU
 *                    after our REP's retries (passive)
 *   UNREACHABLE      no ARP answer for the peer (rdma_connect also
 *                    returns -EHOSTUNREACH)
 *   DISCONNECTED     the peer's DREQ, or our DREQ answered / timed out
 *
 * All calls return 0 or -errno (ERR_PTR for rdma_create_id) and may
 * sleep.  One device: rxe0.
 */
#ifndef _TESSERA_RDMA_RDMA_CM_H
#define _TESSERA_RDMA_RDMA_CM_H

#include <tessera/rdma/verbs.h>
#include <tessera/types.h>

#define RDMA_PS_TCP		0x0106
#define RDMA_IB_IP_PS_MASK	0xffffffffffff0000ull
#define RDMA_CMA_HDR_BYTES	36
#define RDMA_MAX_PRIVATE_DATA	56	/* REQ: 92 minus the CMA header */
#define RDMA_CMA_VERSION	0x00

enum rdma_cm_event_type {
	RDMA_CM_EVENT_CONNECT_REQUEST,
	RDMA_CM_EVENT_ESTABLISHED,
	RDMA_CM_EVENT_REJECTED,
	RDMA_CM_EVENT_DISCONNECTED,
	RDMA_CM_EVENT_UNREACHABLE,
	RDMA_CM_EVENT_TIMEOUT,
};

struct rdma_conn_param {
	const void *private_data;
	u8 private_data_len;
	u8 responder_resources;		/* READs we serve at once */
	u8 initiator_depth;		/* READs we issue at once */
	u8 retry_count;			/* 0..7 */
	u8 rnr_retry_count;		/* 0..7, 7 = forever */
};

struct rdma_cm_event {
	enum rdma_cm_event_type event;
	int status;			/* REJECTED: IB reject reason */
	const void *private_data;	/* valid during the handler only */
	u8 private_data_len;
	struct rdma_conn_param param;	/* CONNECT_REQUEST: the peer's ask */
	/* CONNECT_REQUEST, ESTABLISHED (active): the peer's REQ/REP says */
	u32 qpn;			/* its QP number */
	u32 psn;			/* its starting PSN */
};

struct rdma_cm_id;
typedef int (*rdma_cm_event_handler)(struct rdma_cm_id *id,
				     const struct rdma_cm_event *ev);

/*
 * Authenticating what follows the handshake.  A consumer that proves its
 * REQ and REP in their private data (FIT under a cluster key) can seal
 * the RTU, DREQ and DREP of its connections the same way: @seal writes
 * the private data of each one the CM sends for @id (@room bytes at
 * @pdata, zeroed), @verify checks each one received for @id before the
 * CM acts on it (no state change, no QP move, no DREP, no event when it
 * returns non-zero: a forged DREQ tears nothing down).  Both run with
 * the IB CM's lock held, on the thread that sends or receives: they must
 * not call the CM or sleep (cm.h, struct ib_cm_auth_ops).
 */
enum rdma_cm_sealed_msg {
	RDMA_CM_MSG_RTU,
	RDMA_CM_MSG_DREQ,
	RDMA_CM_MSG_DREP,
};

struct rdma_cm_sealed {
	enum rdma_cm_sealed_msg msg;
	u32 src_comm_id;	/* the sender's comm id */
	u32 dst_comm_id;	/* the receiver's */
	/* Sealing an RTU: the private data of the REP it answers. */
	const void *rep_data;
	u8 rep_data_len;
};

struct rdma_cm_auth_ops {
	void (*seal)(struct rdma_cm_id *id, const struct rdma_cm_sealed *m,
		     u8 *pdata, u8 room);
	int (*verify)(struct rdma_cm_id *id, const struct rdma_cm_sealed *m,
		      const u8 *pdata, u8 len);
};

struct rdma_cm_id {
	struct ib_device *device;
	struct ib_qp *qp;		/* from rdma_create_qp() */
	void *context;
	u32 local_ip, remote_ip;	/* host order */
	u16 local_port, remote_port;
	u32 psn;			/* the starting PSN our REQ/REP will carry */
};

struct rdma_cm_id *rdma_create_id(rdma_cm_event_handler handler,
				  void *context);
/*
 * Destroys the QP too.  No handler of @id runs once this returns: it
 * waits for one running on the CM thread.  Called from a handler (the CM
 * thread) it does not wait; a CONNECT_REQUEST handler should return
 * non-zero instead of destroying its new id.
 */
void rdma_destroy_id(struct rdma_cm_id *id);

/* Connect requests to @port (on our address) come to @id's handler. */
int rdma_listen(struct rdma_cm_id *id, u16 port);

/*
 * Seal and verify the RTU, DREQ and DREP of @id's connection with @ops
 * (above); call before rdma_listen() or rdma_connect().  The ids of the
 * CONNECT_REQUESTs a listener gets inherit its ops.  Without: they carry
 * no private data and are taken as they come (rping, rdmatest).
 * 0 or -EINVAL (too late).
 */
int rdma_set_auth(struct rdma_cm_id *id, const struct rdma_cm_auth_ops *ops);

/* An RC QP for @id, moved to INIT; id->qp. */
int rdma_create_qp(struct rdma_cm_id *id, struct ib_pd *pd,
		   struct ib_qp_init_attr *init);

/*
 * ACK timeout of @id's QP, 4.096 us * 2^@timeout (IBA encoding, 1..31);
 * call before rdma_connect() or rdma_accept().  The default, 14 (67 ms),
 * suits a quiet fabric; a consumer that must ride out its peer VM losing
 * the CPU for a while (FIT) raises it.  0 or -EINVAL.
 */
int rdma_set_ack_timeout(struct rdma_cm_id *id, u8 timeout);

/*
 * Connect @id (with its QP) to @ip:@port.  Returns once the REQ is sent;
 * the outcome comes as an event.  @timeout_ms bounds the wait for the
 * REP (the REQ is resent 3 times in it); 0 means 30 s.
 */
int rdma_connect(struct rdma_cm_id *id, u32 ip, u16 port,
		 const struct rdma_conn_param *param, unsigned int timeout_ms);
/* Accept the CONNECT_REQUEST on @id; needs rdma_create_qp() first. */
int rdma_accept(struct rdma_cm_id *id, const struct rdma_conn_param *param);
int rdma_reject(struct rdma_cm_id *id, const void *private_data, u8 len);
/* QP to ERR and DREQ; DISCONNECTED follows. */
int rdma_disconnect(struct rdma_cm_id *id);

const char *rdma_event_msg(int event);
/* "10.77.0.2" -> host-order address; 0 or -EINVAL. */
int rdma_parse_ipv4(const char *s, u32 *ip);

/* The CM on rxe0 (QP1 and the CM thread). */
int rdma_cm_init(void);
/* Print the IB CM and RDMA CM counters. */
void rdma_cm_dump_counters(void);

#endif /* _TESSERA_RDMA_RDMA_CM_H */
