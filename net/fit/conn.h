/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-only FIT internals shared by core.c (the verbs transport: QPs,
 * rings, pollers, workers, the API) and member.c (membership, heartbeats
 * and the RDMA-CM connections): one struct fit_conn per peer node and
 * the calls that move it through its life.  The transport-independent
 * engine is in internal.h.
 *
 * A conn is allocated once per peer node and never freed; its QP is
 * replaced on every reconnection.  Life of one QP ("incarnation"):
 *
 *   IDLE --member.c--> CONNECTING (QP from rdma_create_qp, receives
 *   posted) --ESTABLISHED--> UP --failure/heartbeat/DISCONNECTED-->
 *   dead (peer.up false: calls fail with -EHOSTDOWN) --member thread:
 *   fit_conn_teardown()--> IDLE, incarnation + 1
 *
 * Completions carry the incarnation in their wr_id; those of an old QP
 * are dropped.  Callers of the API hold a conn through fit_conn_get()/
 * fit_conn_put(); teardown waits for them to leave.
 */
#ifndef _NET_FIT_CONN_H
#define _NET_FIT_CONN_H

#include "internal.h"

#include <tessera/atomic.h>
#include <tessera/mutex.h>
#include <tessera/rdma/rdma_cm.h>
#include <tessera/rdma/verbs.h>
#include <tessera/wait.h>

#define FIT_MAX_RING		FIT_MAX_RING_ENTRIES
#define FIT_NR_STAGE		64	/* staging buffers per peer */

enum fit_conn_state {
	FIT_CONN_IDLE,		/* no QP */
	FIT_CONN_CONNECTING,	/* QP exists, CM handshake running */
	FIT_CONN_UP,		/* peer.up */
	FIT_CONN_DEAD,		/* failed; waiting for fit_conn_teardown() */
};

struct fit_conn {
	struct fit_peer peer;
	struct ib_qp *qp;
	unsigned int poller;
	bool dead;			/* QP failed or peer declared dead */
	bool loopback;			/* fit_connect_self(): no CM */

	/* Membership (member.c); state changes under peer.lock. */
	enum fit_conn_state state;
	struct rdma_cm_id *cm_id;	/* NULL for loopback or IDLE */
	u16 incarnation;		/* bumped by every teardown */
	u8 role;			/* enum fit_role_wire, from the CM */
	u64 peer_epoch;			/* from the CM private data */
	u64 up_since;			/* jiffies */
	atomic_t users;			/* API callers inside */

	/*
	 * This peer's protection domain: its QP and every MR it may touch
	 * (ring, stage, mailbox, the exported region, the landing areas
	 * offered to it), so that rxe refuses its keys on any other peer's
	 * memory.  Allocated with the conn, never freed.
	 */
	struct ib_pd *pd;
	struct ib_mr *region_mr;	/* fit_export_region(), in @pd */

	u8 *ring;			/* nr_ring * FIT_SLOT_BYTES */
	struct ib_mr *ring_mr;
	u32 nr_ring;
	/* Poller only: request entries parked (no buffer), in order. */
	u32 parked[FIT_MAX_RING];
	u32 parked_len[FIT_MAX_RING];
	unsigned int parked_head, nr_parked;

	u8 *stage;			/* FIT_NR_STAGE * FIT_SLOT_BYTES */
	struct ib_mr *stage_mr;
	spinlock_t stage_lock;
	u64 stage_busy;			/* bit per buffer; under stage_lock */
	struct wait_queue_head wq;	/* staging, credits, one-sided ops */

	/* Mailbox page: [0] the peer writes ours, [1] our write source. */
	struct fit_credit_mbox *mbox;
	struct ib_mr *mbox_mr;
	u64 rmbox_addr;
	u32 rmbox_rkey;
	atomic_t mbox_inflight;
	bool mbox_dirty;		/* under peer.lock */
	u32 mbox_seq;			/* under peer.lock */

	u64 rregion_addr, rregion_len;
	u32 rregion_rkey;
	struct mutex os_mutex;		/* one one-sided op at a time */
	u8 *os_buf;			/* FIT_OS_CHUNK, in stage_mr */
	int os_status;			/* 1 while in flight */

	struct mutex tx_mutex[FIT_NR_CLASSES];
	/* qp's counters are in peer.stats already (teardown); peer.lock. */
	bool qp_folded;
};

/* core.c, for member.c */

/* The conn of @node, allocated on first use (never freed); NULL on -ENOMEM. */
struct fit_conn *fit_conn_ensure(u16 node);
/* The conn of @node if allocated, whatever its state. */
struct fit_conn *fit_conn_lookup(u16 node);
/*
 * Give an IDLE conn a QP on @id (rdma_create_qp), post its receives and
 * fill @local with what the peer needs.  State becomes CONNECTING.
 * 0 or -errno (the conn stays IDLE; the caller destroys @id).
 */
int fit_conn_attach(struct fit_conn *c, struct rdma_cm_id *id,
		    struct fit_cm_info *local);
/* The peer's half arrived (REQ or REP private data): 0 or -EPROTO. */
int fit_conn_set_remote(struct fit_conn *c, const struct fit_cm_info *r);
/* The CM says ESTABLISHED: calls may go to the peer now. */
void fit_conn_set_up(struct fit_conn *c);
/*
 * Declare the peer gone: calls waiting on it fail with @err at once,
 * new ones get -EHOSTDOWN.  Any context but hard-irq; idempotent.
 */
void fit_conn_fail(struct fit_conn *c, int err, const char *why);
/*
 * Back to IDLE after a failure: QP to error, wait for the API callers
 * and the pollers to let go, destroy the CM id and QP, reset credits,
 * rings and mailbox.  Sleeps; member thread only.
 */
void fit_conn_teardown(struct fit_conn *c);

extern u64 fit_epoch;

/* member.c, for core.c */

/* Start membership: UDP announcements, the CM listener, the thread. */
int fit_member_init(void);
/* Print membership state (fit_dump_stats()). */
void fit_member_dump(void);
/* Wake the membership thread (a conn changed state). */
void fit_member_kick(void);
/* This node's role as enum fit_role_wire (0 without a role). */
u8 fit_role_of_node(void);
/* True once "cluster ready" was printed. */
bool fit_cluster_is_ready(void);
/* @node's IPv4 address (host order) as announced; 0 if not known. */
u32 fit_member_ip(u16 node);
/* How long after a peer's death its pending calls fail: dead_ms + hb. */
unsigned int fit_dead_bound_ms(void);

/* fittest.c: start the fittest= driver if asked (fit_start()). */
void fit_test_start(void);

/* core.c test hooks for fittest.c */
enum fit_malformed {
	FIT_MALFORMED_VERSION,	/* version 2, valid CRC */
	FIT_MALFORMED_CRC,	/* version 1, header CRC off by one */
};
/* A call to @node whose header is broken as @how: the peer's answer. */
int fit_call_malformed(u16 node, enum fit_malformed how,
		       unsigned int timeout_ms);
/* Credit stalls so far towards @node. */
unsigned long long fit_peer_credit_stalls(u16 node);
/* Time its senders slept waiting for credits, ms. */
unsigned long long fit_peer_credit_wait_ms(u16 node);

/* Retransmission counters towards one peer, summed over its QPs. */
struct fit_retrans {
	unsigned long long retransmits;	/* go-back-N events */
	unsigned long long pkts;	/* packets sent again */
	unsigned long long ack_timeouts;
};
/* Those of @node since boot (every QP it had); zeros if unknown. */
void fit_peer_retrans(u16 node, struct fit_retrans *r);

#endif /* _NET_FIT_CONN_H */
