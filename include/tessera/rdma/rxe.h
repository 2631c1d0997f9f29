/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The soft RoCEv2 device (drivers/infiniband/sw/rxe): creating one on top
 * of a packet transport, feeding it received packets and time, and its
 * counters.  Verbs on it go through <tessera/rdma/verbs.h>.
 *
 * The device does not know about Ethernet drivers: it hands complete
 * RoCEv2 packets (IPv4 header first) to ops->xmit and takes received
 * ones in rxe_rcv().  The kernel glue (rxe_net.c) wires these to the
 * netdev/UDP layer; host tests wire them to a simulated lossy link.
 * Packets to the device's own address never reach ops->xmit: they are
 * queued and delivered by rxe_dev_process() (loopback).
 *
 * Time: ops->now_ns is the only clock; retransmission and RNR timers
 * fire in rxe_dev_process(), which the owner calls whenever ops->kick
 * asks for it and at least every few milliseconds.  Completion handlers
 * of CQs run from rxe_dev_process() as well, and from whoever calls
 * rxe_run_cq_handlers() -- the kernel glue does right after rxe_rcv(), in
 * the network receive thread, so a completion costs no extra thread
 * switch.  Handlers must not sleep.
 */
#ifndef _TESSERA_RDMA_RXE_H
#define _TESSERA_RDMA_RXE_H

#include <tessera/rdma/verbs.h>
#include <tessera/spinlock.h>
#include <tessera/types.h>

struct rxe_dev;

struct rxe_net_ops {
	/*
	 * Send one packet of @len bytes (IPv4 header first) to @daddr (host
	 * order), Ethernet destination @dmac (all zero: resolve @daddr).
	 * 0, -EBUSY (transmit ring full: the device retries later) or
	 * another -errno (counted; the packet is lost, retransmission
	 * recovers).  Never sleeps.
	 */
	int (*xmit)(struct rxe_dev *rxe, const u8 *dmac, u32 daddr,
		    const u8 *pkt, size_t len);
	/* Monotonic nanoseconds. */
	u64 (*now_ns)(struct rxe_dev *rxe);
	/* Ask for rxe_dev_process() soon (may be called with locks held). */
	void (*kick)(struct rxe_dev *rxe);
};

struct rxe_counters {
	unsigned long long sent_pkts, rcvd_pkts, loopback_pkts;
	unsigned long long icrc_errors, malformed, unknown_opcode, unknown_qpn;
	unsigned long long bad_pkey, bad_qkey, wrong_peer, wrong_transport, not_for_us;
	unsigned long long wrong_port;		/* RC: not the peer's UDP port */
	unsigned long long drop_state;			/* packets for a QP not ready */
	unsigned long long psn_seq_errors;		/* out-of-order requests */
	unsigned long long duplicates;			/* duplicate requests answered */
	unsigned long long dup_reads;			/* duplicate READs re-executed */
	unsigned long long retransmits;		/* go-back-N events */
	unsigned long long retransmitted_pkts;
	unsigned long long timeouts;
	unsigned long long timeout_wait_ns;		/* armed to fired, summed */
	unsigned long long acks_sent, acks_rcvd;
	unsigned long long naks_sent[5], naks_rcvd[5];	/* by enum rxe_nak_code */
	unsigned long long rnr_naks_sent, rnr_naks_rcvd;
	unsigned long long stale_responses;		/* ACKs/READ responses ignored */
	unsigned long long xmit_busy, xmit_errors;
	unsigned long long cq_overflows;
};

struct rxe_dev {
	struct ib_device ib;
	const struct rxe_net_ops *ops;
	void *priv;			/* the owner's */
	u32 ip;				/* host order */
	spinlock_t lock;		/* tables and lists below */
	struct rxe_qp **qp_table;	/* RXE_MAX_QP slots */
	u32 qp_gen;
	struct list_head qps;		/* the live ones: rxe_qp.dev_node */
	u64 tick_seq;			/* rxe_dev_process() passes */
	struct rxe_mr **mr_table;	/* RXE_MAX_MR slots */
	struct list_head cqs;
	u16 ip_id;
	spinlock_t loop_lock;
	struct list_head loop_queue;	/* struct rxe_loop_pkt */
	/*
	 * Inside rxe_rcv_complete(): completion handlers will run right
	 * after the packet, so a notification needs no kick.
	 */
	bool rcv_inline;
	struct rxe_counters stats;
};

/*
 * Create and register an rxe device @name with IPv4 address @ip (host
 * order) and MAC @mac over a link of @link_mtu payload bytes (1500 gives
 * path MTU 1024, like Linux).  Returns the device or ERR_PTR.
 */
struct rxe_dev *rxe_dev_create(const char *name, u32 ip, const u8 *mac,
			       unsigned int link_mtu,
			       const struct rxe_net_ops *ops, void *priv);
void rxe_dev_destroy(struct rxe_dev *rxe);

/* A received RoCEv2 packet, IPv4 header first.  Never fails: bad
 * packets are counted and dropped. */
void rxe_rcv(struct rxe_dev *rxe, const u8 *pkt, size_t len);

/* Deliver loopback packets, run timers, call completion handlers. */
void rxe_dev_process(struct rxe_dev *rxe);
/* Call the handler of every CQ with a notification pending. */
void rxe_run_cq_handlers(struct rxe_dev *rxe);
/*
 * rxe_rcv(), then the handlers of the completions it made, in the
 * caller's context (one receive context per device at a time).
 */
void rxe_rcv_complete(struct rxe_dev *rxe, const u8 *pkt, size_t len);
/* Timers of one QP at time @now (rxe_dev_process does all QPs). */
void rxe_qp_tick(struct ib_qp *qp, u64 now);

/* Print the counters to the console. */
void rxe_dump_counters(struct rxe_dev *rxe);

/*
 * Kernel glue (rxe_net.c): create "rxe0" on the default interface, bind
 * UDP 4791, start its thread.  Once, after net_init().  0 or -errno
 * (-ENODEV without a network interface).
 */
int rxe_net_init(void);
/* rxe0, or NULL before rxe_net_init() succeeded. */
struct rxe_dev *rxe_net_dev(void);

/* The device by name, for tests and glue. */
struct rxe_dev *rxe_dev_get(const char *name);

#endif /* _TESSERA_RDMA_RXE_H */
