/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FIT: the RPC layer between Tessera nodes (net/fit/).  Wire formats are
 * in <fit/fit_wire.h>; the protocol, flow control and tunables in
 * Documentation/fit.md.
 *
 *	ret = fit_call(MEM_NODE, P2M_PCACHE_MISS, &req, sizeof(req),
 *		       line, PAGE_SIZE, 100);		// 0.. reply bytes
 *	fit_register_handler(P2M_PCACHE_MISS, miss_handler, NULL);
 *	static void miss_handler(struct fit_request *rq, void *ctx)
 *	{
 *		... fit_reply(rq, page, PAGE_SIZE);
 *	}
 *
 * Every call returns a non-negative result or -errno:
 *   -ETIMEDOUT  no reply within the timeout
 *   -EHOSTDOWN  the peer was declared dead (heartbeats) or is not connected
 *   -EMSGSIZE   a message above FIT_MAX_MSG, or a reply above max_reply
 *   -EPROTO     the peer sent (or we sent it) a malformed message
 *   -EINVAL     bad arguments (node id, opcode, NULL buffer with a length)
 * All calls may sleep (process context).
 *
 * A call (or one-way send) to this node's own id runs in-process while no
 * loopback connection exists (fit_connect_self() not called: no NIC, or
 * local mode): the handler runs in the caller's thread, the request is
 * the caller's buffer and the reply is copied into the caller's, with
 * the same checks and errors as on the wire.  Handlers therefore run in
 * any process-context thread, may sleep, and may themselves call this
 * node (nested in-process calls).  Over the loopback QP, a handler that
 * calls its own node needs fit.workers > 1.
 */
#ifndef _FIT_FIT_H
#define _FIT_FIT_H

#include <fit/fit_wire.h>
#include <tessera/node.h>
#include <tessera/types.h>

struct fit_inproc;

/* A request handed to a handler; valid until fit_reply()/return. */
struct fit_request {
	u16 src_node;
	/*
	 * The sender's boot (its epoch from the connection handshake, read
	 * when the message arrived); 0 for an in-process call.  A service
	 * that keeps state per node tells a node's new boot from its last
	 * one by it (Documentation/memory-node.md, "A processor's new boot").
	 */
	u64 src_epoch;
	u16 opcode;
	bool oneway;		/* no reply expected (fit_send) */
	const void *data;
	u32 len;
	/* private */
	u16 slot;
	u32 gen;
	bool replied;
	bool zc;		/* the caller offered its buffer (FIT_F_ZC) */
	u32 zc_rkey, zc_len;
	u64 zc_addr;
	struct fit_inproc *inproc;	/* in-process call: the caller's side */
};

typedef void (*fit_handler_t)(struct fit_request *rq, void *ctx);

/* Bring FIT up on rxe0 (kernel/main.c, after rxe_net_init()). */
void fit_init(void);
/*
 * Join the cluster: start membership (and the fittest= driver).  Called
 * after this node's services registered their handlers (storage_init(),
 * memory_manager_init()), so no peer can connect and send a request
 * that finds no handler yet (it would get -EOPNOTSUPP).
 */
void fit_start(void);

/*
 * Connect this node to itself over rxe0's loopback, so one node can run
 * the whole stack (its own services) without peers: in-kernel tests and
 * single-node setups.  0 or -errno.
 */
int fit_connect_self(void);

/* One handler per opcode: 0, -EINVAL (bad opcode) or -EBUSY (taken). */
int fit_register_handler(u16 opcode, fit_handler_t fn, void *ctx);
int fit_unregister_handler(u16 opcode);

/*
 * Send @len bytes to @node as @opcode and wait up to @timeout_ms for the
 * reply, which lands in @reply (at most @max_reply bytes).  Returns the
 * reply's length or -errno.
 */
int fit_call(u16 node, u16 opcode, const void *req, u32 len, void *reply,
	     u32 max_reply, unsigned int timeout_ms);

/* One-way message; returns once it is sent (blocks on credits). */
int fit_send(u16 node, u16 opcode, const void *msg, u32 len,
	     unsigned int timeout_ms);

/*
 * Answer @rq (at most once; a handler that returns without replying
 * sends an empty reply).  0 or -errno.  fit_reply_error() makes the
 * caller's fit_call() return -@err.
 */
int fit_reply(struct fit_request *rq, const void *data, u32 len);
int fit_reply_error(struct fit_request *rq, int err);
/*
 * For an in-process request, the caller's reply buffer if it holds @len
 * bytes: a handler may build its reply there and fit_reply() it without
 * a copy (the buffer is the caller's, distinct from rq->data unless the
 * caller passed one buffer for both).  NULL for a request that came
 * over the wire or a shorter buffer: build the reply elsewhere.
 */
void *fit_reply_buffer(struct fit_request *rq, u32 len);

/* One destination of fit_call_scatter(). */
struct fit_scatter {
	u16 node;
	const void *req;
	u32 len;
	void *reply;
	u32 max_reply;
	int result;		/* out: reply length or -errno */
};

/*
 * Send every request in @v[0..n) (same opcode), then gather every
 * reply, all within @timeout_ms.  Returns 0 if every result is >= 0,
 * else the first negative result; each v[i].result says which failed.
 */
int fit_call_scatter(u16 opcode, struct fit_scatter *v, unsigned int n,
		     unsigned int timeout_ms);

/*
 * Export [@addr, @addr + @len) of our memory for peers' fit_read/
 * fit_write (one region per node, before peers connect).  0 or -errno.
 */
int fit_export_region(void *addr, u64 len);
/* One-sided access to @node's exported region at @offset. */
int fit_read(u16 node, u64 offset, void *buf, u32 len,
	     unsigned int timeout_ms);
int fit_write(u16 node, u64 offset, const void *buf, u32 len,
	      unsigned int timeout_ms);

/* True once fit_init() succeeded (the shutdown dump checks it). */
bool fit_is_up(void);
/* True if @node is connected and alive. */
bool fit_peer_up(u16 node);
/*
 * The lowest-numbered node alive now with @role: this node if it has the
 * role, or a peer whose connection is up.  -ENOENT if none (or FIT is
 * not up), -EINVAL for ROLE_NONE.  Does not sleep.
 */
int fit_node_with_role(enum node_role role);
/*
 * Like fit_node_with_role(), but sleeps until such a node is connected
 * or @timeout_ms passed: the node id, -ETIMEDOUT or -EINVAL.  Process
 * context (the membership thread wakes it when a peer comes or goes).
 */
int fit_wait_node_with_role(enum node_role role, unsigned int timeout_ms);

/*
 * From panic(), other CPUs stopped: broadcast that this node leaves, so
 * peers drop it at once instead of after fit.dead_ms (never sleeps).
 */
void fit_member_leave(void);
/*
 * Sleep until @node is connected and alive (fit_peer_up()) or
 * @timeout_ms passed; returns whether it is up.  For a node that may
 * boot after us.  Process context.
 */
bool fit_wait_peer_up(u16 node, unsigned int timeout_ms);
/*
 * fit_call() for a message the caller knows to be idempotent
 * (Documentation/fit.md, "repeat safely"): not sent into a connection
 * being rebuilt (it waits for it, FIT_RECONNECT_MS at the most), and
 * repeated on the rebuilt connection, up to FIT_CALL_RETRIES times, if
 * it failed with -EHOSTDOWN.  *@retried (may be NULL) counts repeats.
 * Any other call can use the waiting alone: @retries 0.
 */
#define FIT_RECONNECT_MS	5000
#define FIT_CALL_RETRIES	3
int fit_call_again(u16 node, u16 opcode, const void *req, u32 len,
		   void *reply, u32 max_reply, unsigned int timeout_ms,
		   unsigned int retries, unsigned int *retried);
/* Print per-peer counters and the latency histogram. */
void fit_dump_stats(void);

#endif /* _FIT_FIT_H */
