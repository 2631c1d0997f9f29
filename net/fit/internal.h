/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FIT internals shared by net/fit/: the transport-independent engine
 * (credits, receive-ring accounting, reply slots, segmentation and
 * request reassembly: engine.c) and the kernel side that runs it over
 * verbs (core.c: QPs, rings, pollers, workers; member.c: membership).
 *
 * The engine has no clock, no sleeping and no verbs: it is driven by a
 * struct fit_transport_ops, so tests/host/test_fit_*.c run it against a
 * fake transport.  Callers that must wait (no credit, no free slot, no
 * buffer) get -EAGAIN or a PARK verdict and wait in the kernel layer.
 *
 * Lock order (outermost first): fit_peer.tx_mutex[class] (kernel layer)
 * -> fit_peer.lock -> fit_slot_table.lock; fit_peer.lock -> the rxe QP's
 * lock (posting, and ib_query_qp() for the retransmission counters).
 */
#ifndef _NET_FIT_INTERNAL_H
#define _NET_FIT_INTERNAL_H

#include <fit/fit_wire.h>
#include <tessera/spinlock.h>
#include <tessera/types.h>

#define FIT_NR_SLOTS		256

/* Credit classes: requests (and one-way sends) and replies. */
enum fit_class {
	FIT_CLASS_REQ,
	FIT_CLASS_REP,
	FIT_NR_CLASSES,
};

/*
 * Sender side of one class: the receiver posted @limit entries for us;
 * we may have at most @limit messages it has not freed yet.  Counters
 * are cumulative mod 2^16.
 */
struct fit_credit {
	u16 limit;
	u16 sent;
	u16 acked;
};

static inline unsigned int fit_credit_avail(const struct fit_credit *c)
{
	return c->limit - (u16)(c->sent - c->acked);
}

/* Take one credit: true, or false when none is left. */
bool fit_credit_take(struct fit_credit *c);
/*
 * The receiver's cumulative freed count @acked arrived (piggybacked or
 * in the mailbox).  Older values (a stale mailbox) are ignored; a count
 * ahead of what we sent is -EPROTO.  Returns 0 or -EPROTO.
 */
int fit_credit_ack(struct fit_credit *c, u16 acked);

/* Receiver side of one class. */
struct fit_ring_acct {
	u16 limit;		/* entries posted for this class */
	u16 received;		/* cumulative */
	u16 freed;		/* cumulative, reposted */
	u16 advertised;		/* last @freed told to the sender */
};

/* A message of this class arrived: 0, or -EPROTO if it overran @limit. */
int fit_ring_receive(struct fit_ring_acct *a);
/* One entry of this class was reposted. */
void fit_ring_free(struct fit_ring_acct *a);
/* Explicit credit update due: @threshold frees not yet advertised. */
static inline bool fit_ring_update_due(const struct fit_ring_acct *a,
				       unsigned int threshold)
{
	return (u16)(a->freed - a->advertised) >= threshold;
}

/* Reply slots: one per in-flight call, owned by that call alone. */
enum fit_slot_state {
	FIT_SLOT_FREE,
	FIT_SLOT_WAITING,
	FIT_SLOT_DONE,
	/*
	 * The call ended (timed out, or its peer failed) while its landing
	 * area (FIT_F_ZC) may still be written by the reply on its way: not
	 * reusable until that reply's header (same slot, generation and
	 * peer) arrives or the peer's QP is gone (fit_slot_peer_reset()).
	 */
	FIT_SLOT_QUARANTINE,
};

struct fit_slot {
	u32 gen;		/* bumped when freed: late replies mismatch */
	u8 state;		/* enum fit_slot_state */
	u16 peer;
	void *buf;		/* caller's reply buffer */
	u32 max;
	u32 total;		/* from the first reply segment */
	u32 received;
	bool started;
	bool replied;		/* a reply header of this gen came */
	bool zc;		/* @land was offered for a FIT_F_ZC reply */
	const u8 *land;		/* zc: the slot's landing area (FIT's) */
	u32 zc_len;		/* zc: bytes offered at @land */
	u32 peer_gen;		/* the table's peer_gen[peer] at alloc */
	int status;		/* DONE: reply length or -errno */
};

struct fit_slot_table {
	spinlock_t lock;
	struct fit_slot slots[FIT_NR_SLOTS];	/* under lock */
	u16 free_stack[FIT_NR_SLOTS];		/* under lock */
	unsigned int nr_free;			/* under lock */
	unsigned int nr_quarantined;		/* under lock */
	/* Bumped when a peer's QP is gone: its late writes cannot come. */
	u32 peer_gen[FIT_MAX_NODES];		/* under lock */
	unsigned long long late_replies;	/* under lock */
	unsigned long long bad_replies;		/* under lock */
};

void fit_slot_table_init(struct fit_slot_table *t);
/* 0 and the slot's id/gen, or -EBUSY when every slot is in flight. */
int fit_slot_alloc(struct fit_slot_table *t, u16 peer, void *buf, u32 max,
		   u16 *id, u32 *gen);

/*
 * The call in slot @id (of generation @gen) offered @len bytes of the
 * slot's landing area @land for a zero-copy reply (FIT_F_ZC): the peer
 * RDMA-WRITEs the reply there, and the reply header copies it into the
 * caller's buffer.  @land belongs to the slot for as long as FIT runs,
 * so a reply that comes after its call ended lands there harmlessly.
 */
void fit_slot_set_zc(struct fit_slot_table *t, u16 id, u32 gen,
		     const void *land, u32 len);

enum fit_slot_verdict {
	FIT_SLOT_PARTIAL,	/* segment placed, more to come */
	FIT_SLOT_COMPLETE,	/* reply complete: wake the caller */
	FIT_SLOT_LATE,		/* no such call (any more): dropped, counted */
	FIT_SLOT_BAD,		/* out of order or inconsistent: counted */
	FIT_SLOT_UNQUARANTINED,	/* late; it ended a quarantine */
};

/*
 * Place one reply segment (header @h from peer h->src_node, @payload of
 * h->seg_len bytes) into the owning call's buffer.  A reply longer than
 * the caller's @max completes with -EMSGSIZE and writes nothing.  A
 * FIT_F_ZC reply (its bytes already written into the slot's landing
 * area by RDMA) is copied from there and completes the call with
 * h->total_len; it is BAD unless the call made an offer and the length
 * fits it.  A reply to a quarantined slot ends the quarantine.
 */
enum fit_slot_verdict fit_slot_deliver(struct fit_slot_table *t,
				       const struct fit_hdr *h,
				       const void *payload);
/* True once slot @id of generation @gen has its result. */
bool fit_slot_done(struct fit_slot_table *t, u16 id, u32 gen);
/*
 * End the call in slot @id: returns its result (reply length or -errno)
 * if done, else -ETIMEDOUT; a reply arriving later is LATE and never
 * touches the caller's buffer.  The slot is free again at once, unless
 * it made a zero-copy offer that no reply header has closed yet (timed
 * out, or failed with its peer): then it is QUARANTINEd (*@quarantined,
 * if not NULL, says so) until the late reply or fit_slot_peer_reset().
 */
int fit_slot_end(struct fit_slot_table *t, u16 id, u32 gen,
		 bool *quarantined);
static inline int fit_slot_release(struct fit_slot_table *t, u16 id, u32 gen)
{
	return fit_slot_end(t, id, gen, NULL);
}
/* Free slot @id whose request was never sent (nothing can answer it). */
void fit_slot_cancel(struct fit_slot_table *t, u16 id, u32 gen);
/* Complete every call waiting on @peer with @err; returns how many. */
unsigned int fit_slot_fail_peer(struct fit_slot_table *t, u16 peer, int err);
/*
 * @peer's QP is destroyed: nothing it sent can arrive any more.  Free
 * its quarantined slots, and slots of calls still out to it will be
 * freed, not quarantined, when they end.  Returns how many were freed.
 */
unsigned int fit_slot_peer_reset(struct fit_slot_table *t, u16 peer);
unsigned int fit_slot_nr_free(struct fit_slot_table *t);
unsigned int fit_slot_nr_quarantined(struct fit_slot_table *t);

/*
 * Sending one message: a cursor over its segments, so a sender that ran
 * out of credits can wait and resume where it stopped.
 */
struct fit_tx {
	struct fit_hdr hdr;	/* seg_off/seg_len filled per segment */
	const void *payload;
	u32 len;
	u32 off;		/* next byte to send */
	bool started;		/* first segment sent (0-byte messages) */
	enum fit_class cls;
};

struct fit_peer;

struct fit_transport_ops {
	/*
	 * Post one SEND of the packed header @w plus @len bytes at
	 * @payload to @peer.  0 or -errno (the peer is then failed).
	 */
	int (*send)(struct fit_peer *peer, const struct fit_wire_hdr *w,
		    const void *payload, u32 len);
	/* Tell @peer our freed counts without a SEND (mailbox write). */
	int (*write_credits)(struct fit_peer *peer, u16 acked_req,
			     u16 acked_rep);
	/*
	 * A buffer of at least @len bytes for a request, or NULL when the
	 * pool is empty (the request waits: PARK).
	 */
	void *(*get_buf)(struct fit_peer *peer, u32 len);
};

struct fit_peer_stats {
	unsigned long long calls, sends, replies_sent, requests_rcvd;
	unsigned long long tx_bytes, rx_bytes, segments_tx, segments_rx;
	unsigned long long credit_stalls, timeouts, hostdown;
	unsigned long long credit_wait_ns;	/* senders asleep on credits */
	unsigned long long proto_errors, credit_updates;
	/* Replies written into the caller's landing area (FIT_F_ZC). */
	unsigned long long zc_replies_tx, zc_replies_rx;
	/*
	 * Replies that came after their call had ended (dropped), calls
	 * whose slot was quarantined for such a reply, and QPs torn down
	 * and replaced (connection rebuilds).
	 */
	unsigned long long late_replies, quarantined, rebuilds;
	/* One-sided chunks given up on (their completion may yet come). */
	unsigned long long os_timeouts;
	/*
	 * The transport's retransmissions towards this peer (go-back-N
	 * events, packets sent again, ACK timeouts) of the QPs already
	 * torn down; the live QP's are added when read (core.c).
	 */
	unsigned long long retransmits, retrans_pkts, ack_timeouts;
	unsigned long long lat_hist[16];	/* call latency, 2^i us buckets */
};

/* Request reassembly: requests of one peer arrive one after another. */
struct fit_reasm {
	struct fit_hdr first;	/* header of the first segment */
	void *buf;		/* NULL: no request in progress */
	u32 received;
};

struct fit_peer {
	u16 node;
	bool up;			/* connected; under lock */
	spinlock_t lock;		/* credits, accounting, reasm */
	struct fit_credit tx[FIT_NR_CLASSES];
	struct fit_ring_acct rx[FIT_NR_CLASSES];
	struct fit_reasm reasm;		/* only the receive path touches it */
	struct fit_peer_stats stats;
	const struct fit_transport_ops *ops;
	void *priv;			/* the transport's */
};

/* Initialise @p for a connection with @req + @rep entries each way. */
void fit_peer_init(struct fit_peer *p, u16 node,
		   const struct fit_transport_ops *ops, void *priv,
		   u16 req_entries, u16 rep_entries);
/* (Re)connect: fresh credit state, as after a CONNECT handshake. */
void fit_peer_reset(struct fit_peer *p, u16 req_entries, u16 rep_entries);

/*
 * Send as many segments of @tx as credits allow.  0 when the whole
 * message is out, -EAGAIN when credits ran out (wait for
 * fit_credit_avail() and call again), -ENOTCONN if @p is down, or the
 * transport's error.  Callers serialise per class (segments of two
 * messages of one class must not interleave).
 */
int fit_tx_push(struct fit_peer *p, struct fit_tx *tx);

/* Fill @tx for a request/one-way/reply message. */
void fit_tx_init(struct fit_tx *tx, u16 self, u16 dst, u16 opcode, u8 flags,
		 u16 slot, u32 gen, const void *payload, u32 len);

/* What the receive path decided about one ring entry. */
enum fit_rx_action {
	FIT_RX_DONE,		/* consumed; nothing else to do */
	FIT_RX_WAKE,		/* a reply completed slot rx->slot */
	FIT_RX_DISPATCH,	/* a whole request in rx->buf for a worker */
	FIT_RX_PARK,		/* no buffer: keep the entry, retry later */
	FIT_RX_REJECT,		/* malformed: counted; answer with -EPROTO */
	FIT_RX_FATAL,		/* the peer broke the credit protocol */
};

struct fit_rx {
	enum fit_rx_action action;
	struct fit_hdr hdr;	/* DISPATCH: first segment's; REJECT: raw */
	bool hdr_valid;		/* REJECT: hdr holds a usable src/slot/gen */
	void *buf;		/* DISPATCH; REJECT/FATAL: free it if set */
	u16 slot;		/* WAKE */
	bool slot_freed;	/* DONE: a late reply ended a quarantine */
	const char *why;	/* REJECT/FATAL reason */
};

/*
 * Process one received ring entry (@len bytes at @data) from @p.  The
 * entry is consumed (and its credit freed by the caller reposting it)
 * for every action except PARK.  Credits piggybacked in the header are
 * applied, also for PARK; after a DONE/WAKE/DISPATCH/REJECT the caller
 * reposts the entry and calls fit_rx_freed().  @hold_requests: an
 * earlier request of @p is parked, so a request must park behind it
 * (requests are handled in order; replies never wait).
 */
void fit_rx_process(struct fit_peer *p, struct fit_slot_table *slots,
		    u16 self, const void *data, u32 len, bool hold_requests,
		    struct fit_rx *rx);
/*
 * The entry of class @cls was reposted: account it and, once half of
 * that class's entries are freed but not yet advertised, write the
 * credits to the peer's mailbox.  @cls is the
 * class fit_rx_class() gave for the entry.
 */
int fit_rx_freed(struct fit_peer *p, enum fit_class cls);
/* The credit class of a received entry, from its raw flags byte. */
enum fit_class fit_rx_class(const void *data, u32 len);
/* Mailbox contents arrived: apply them as credits. */
int fit_rx_mailbox(struct fit_peer *p, u16 acked_req, u16 acked_rep);

/*
 * Kernel side (core.c), for the in-kernel tests: send @len raw bytes (a
 * header of the caller's making) as one request-class SEND; the number
 * of messages rejected as malformed.  fit_connect_self() is public
 * (<fit/fit.h>).
 */
int fit_send_raw(u16 node, const void *bytes, u32 len);
unsigned long long fit_nr_rejected(void);
/* Reply slots quarantined now; @node's counters (0, or -ENOENT). */
unsigned int fit_nr_quarantined(void);
extern bool fit_test_os_no_wait;
/* A wait's deadline moves on by at most this many timeouts of blindness. */
#define FIT_BLIND_GRACE		8
extern unsigned long long fit_blind_waits;
/* The MR of reply slot @id's landing area now (NULL: none yet). */
struct ib_mr *fit_test_slot_mr(u16 id);
int fit_peer_stats_get(u16 node, struct fit_peer_stats *out);

/*
 * In-process calls (core.c): a call served in the caller's thread even
 * when a loopback QP exists, and a copy of their counters (tests).
 */
int fit_call_inproc(u16 opcode, const void *req, u32 len, void *reply,
		    u32 max_reply);
void fit_inproc_stats_get(struct fit_peer_stats *out);

/* Latency histogram bucket for @us microseconds. */
unsigned int fit_lat_bucket(u64 us);

/*
 * The cluster description (cluster.c, pure).  fit.expect= is empty
 * (accept anyone, never "complete"), a node count ("3"), or role counts
 * "nPnMnS" (parts optional, in that order: "1P1M1S", "2M", "1P2M1S").
 */
struct fit_expect {
	bool by_role;
	unsigned int nr_nodes;			/* 0: any */
	unsigned int nr_role[FIT_ROLE_STORAGE + 1];	/* by_role only */
};

/* 0 or -EINVAL (then @e is "any"). */
int fit_expect_parse(const char *s, struct fit_expect *e);
bool fit_expect_any(const struct fit_expect *e);
/*
 * True if the nodes with a role in @roles[0..FIT_MAX_NODES) (0: absent;
 * the caller includes itself) make the cluster @e asks for: at least
 * that many nodes, or of each role.  Never true for "any".
 */
bool fit_expect_met(const struct fit_expect *e, const u8 *roles);
/* "processor0 memory1 storage2" into @buf; length or -ENOSPC. */
int fit_cluster_format(char *buf, size_t size, const u8 *roles);
const char *fit_role_name(u8 role);
/*
 * The lowest node id n with @roles[n] == @role (enum fit_role_wire), or
 * -ENOENT (also for a @role that is not a role).
 */
int fit_role_lowest(const u8 *roles, u8 role);

/* One entry of fit.peers=ID@A.B.C.D,... */
struct fit_static_peer {
	u16 node;
	u32 ip;			/* host order */
};

/* Number of peers parsed into @v, or -EINVAL (syntax, duplicate id,
 * more than @max). */
int fit_peers_parse(const char *s, struct fit_static_peer *v,
		    unsigned int max);

#endif /* _NET_FIT_INTERNAL_H */
