/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The InfiniBand Communication Manager (IBA vol. 1 ch. 12) on QP1 of one
 * device: CM MADs out and in through the GSI QP, the table of connection
 * ids, the connection state machine, retransmission of REQ/REP/DREQ, and
 * answers for messages about connections we do not know.  The RDMA CM
 * (cma.c) is its only consumer; wire formats are cm_mad.c's.
 *
 * States of an id (Linux names):
 *   active:  IDLE -REQ-> REQ_SENT -REP-> REP_RCVD -RTU-> ESTABLISHED
 *   passive: REQ_RCVD -REP-> REP_SENT -RTU-> ESTABLISHED
 *   both:    ESTABLISHED -DREQ-> DREQ_SENT -DREP-> TIMEWAIT
 *            ESTABLISHED <-DREQ- (DREP sent) -> TIMEWAIT
 *   REJ in any connecting state -> IDLE.
 *
 * Messages for unknown connections, per spec and as Linux answers them:
 * a REQ for a service nobody listens on gets REJ "invalid service ID"; a
 * REP for an unknown comm ID gets REJ "invalid comm ID"; a DREQ gets a
 * DREP (the peer may have missed ours); RTU, DREP, REJ and MRA are
 * dropped.  Each is counted.  Duplicates: a REQ we already answered gets
 * the REP again, a REP we already answered gets the RTU again, a DREQ in
 * TIMEWAIT gets the DREP again.
 *
 * Threads and locks: one kthread "ib_cm" receives (QP1's CQ handler
 * wakes it), runs the retransmission timers and calls the consumers'
 * handlers, never with cm.lock held.  cm.lock (a mutex) protects the id
 * list and every id's state and reference count; API calls take it from
 * any thread.  Lock order: cm.lock, then the completion and wait-queue
 * locks (complete(), wake_up()) and rxe's; nothing else nests inside.
 *
 * Lifetime of an id: its consumer holds one reference from create to
 * destroy; the CM thread takes one more, under cm.lock, for each event it
 * is about to deliver (on a REQ also one on the listener whose handler
 * and context the new id inherits) and drops it when the handler has
 * returned.  ib_destroy_cm_id() marks the id dead and unlinks it (no
 * lookup or timer finds it again, no event is delivered to it any more),
 * drops the consumer's reference and waits for the last one; the CM
 * thread cannot wait for itself, so there the last reference frees.
 * The delivery checks under cm.lock that the id is alive before the
 * handler runs: an event picked before the destroy is dropped.
 *
 * Authentication: an id may carry auth ops (cm.h, struct ib_cm_auth_ops)
 * whose seal fills the private data of every RTU, DREQ and DREP sent for
 * it, and whose verify sees every RTU, DREQ and DREP received for it
 * once it is matched to the id (comm ids, source address) and before
 * anything else: a refused one changes no state, arms or stops no timer,
 * gets no DREP and makes no event; it is counted (unauthenticated).  A
 * forged DREQ thus cannot tear down a connection whose consumer
 * authenticates.  Both run under cm.lock (they nest inside it).
 *
 * A REQ flood: an id made for a REQ stays in REQ_RCVD until its consumer
 * answers and in REP_SENT until the RTU or the last REP resend (about
 * 8 s).  At most ib_cm.max_connecting_per_ip such ids per remote address
 * and ib_cm.max_connecting in all exist at once; a REQ over either limit
 * gets REJ "no resources" without an id being made, counted (over_limit)
 * and logged once.
 */
#include "internal.h"

#include <tessera/arp.h>
#include <tessera/bug.h>
#include <tessera/completion.h>
#include <tessera/errno.h>
#include <tessera/inet.h>
#include <tessera/kthread.h>
#include <tessera/list.h>
#include <tessera/lockdep.h>
#include <tessera/mutex.h>
#include <tessera/net.h>
#include <tessera/params.h>
#include <tessera/printk.h>
#include <tessera/rdma/cm.h>
#include <tessera/rdma/rxe_hdr.h>
#include <tessera/sched.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <tessera/timer.h>
#include <tessera/wait.h>

#define CM_RECV_BUFS		64
#define CM_SEND_BUFS		64
#define CM_GRH_BYTES		40
#define CM_RECV_BYTES		(CM_GRH_BYTES + IB_MAD_BYTES)
#define CM_ARP_TIMEOUT_NS	(500 * NSEC_PER_MSEC)
/* Our REP/DREQ wait: 2^19 * 4.096 us ~ 2.1 s, then 3 retries. */
#define CM_RESPONSE_TIMEOUT	19
#define CM_MAX_RETRIES		3
/* Retransmissions logged one line each, then only counted. */
#define CM_LOG_RETRIES		32

/*
 * Ids made for REQs and not yet established (REQ_RCVD, REP_SENT), per
 * remote address and in all.  A node has one FIT connection per peer and
 * a few test connections: the defaults leave room for bursts of
 * reconnections while bounding what a REQ flood can allocate.
 */
unsigned int cm_max_connecting_per_ip = 64;
PARAM_UINT("ib_cm.max_connecting_per_ip", cm_max_connecting_per_ip, 1, 4096,
	   "IB CM: ids being set up for incoming REQs (REQ_RCVD, REP_SENT) allowed per remote address; a REQ over it gets REJ \"no resources\"");
unsigned int cm_max_connecting = 1024;
PARAM_UINT("ib_cm.max_connecting", cm_max_connecting, 1, 65536,
	   "IB CM: ids being set up for incoming REQs (REQ_RCVD, REP_SENT) allowed in all; a REQ over it gets REJ \"no resources\"");

enum cm_state {
	IB_CM_IDLE,
	IB_CM_LISTEN,
	IB_CM_REQ_SENT,
	IB_CM_REQ_RCVD,
	IB_CM_REP_SENT,
	IB_CM_REP_RCVD,
	IB_CM_ESTABLISHED,
	IB_CM_DREQ_SENT,
	IB_CM_TIMEWAIT,
};

#define CM_ID_MAGIC		0x636d6964	/* "cmid": alive */

struct cm_id_priv {
	struct ib_cm_id id;
	u32 magic;			/* CM_ID_MAGIC until freed */
	struct list_head node;		/* cm.ids; protected by cm.lock */
	/* The rest is protected by cm.lock. */
	int refcount;			/* consumer + events in delivery */
	bool destroy_waits;		/* a destroyer waits on @released */
	struct completion released;	/* refcount reached 0 */
	enum cm_state state;
	u64 remote_ca_guid;
	u64 tid;			/* of the exchange in progress */
	u8 mad[IB_MAD_BYTES];		/* last message sent, to resend */
	bool timer_on;
	u64 deadline, period_ns;
	int retries_left;
	bool dead;			/* destroyed: no more events */
};

/* One event on its way to a handler; holds a reference on @priv (and on
 * @listener, for a REQ). */
struct cm_event_work {
	struct cm_id_priv *priv;
	struct cm_id_priv *listener;
	struct ib_cm_event ev;
	struct cm_msg msg;
};

static struct {
	struct ib_device *dev;
	struct ib_pd *pd;
	struct ib_cq *cq;
	struct ib_qp *qp;
	struct ib_mr *mr;
	u8 *recv_bufs, *send_bufs;
	u32 send_head, sends_out;
	u64 ca_guid;
	u32 next_id;
	struct mutex lock;		/* ids and their state */
	struct list_head ids;
	struct task *task;
	struct wait_queue_head wq;
	unsigned long kicks;
	u32 timer_seed;			/* cm_retry_wait_ns(); under lock */
	struct ib_cm_counters stats;
} cm;

void (*ib_cm_test_dispatch_hook)(struct ib_cm_id *id,
				 const struct ib_cm_event *ev);

static const char *const cm_msg_names[] = {
	"REQ", "MRA", "REJ", "REP", "RTU", "DREQ", "DREP",
};

static unsigned int attr_index(u16 attr_id)
{
	return (attr_id - CM_REQ_ATTR_ID) & 7;
}

static struct cm_id_priv *to_priv(struct ib_cm_id *id)
{
	return container_of(id, struct cm_id_priv, id);
}

/* ---------------------------------------------------------- transport */

static int cm_post_recv(u32 i)
{
	struct ib_sge sge = {
		.addr = (u64)(uintptr_t)(cm.recv_bufs + i * CM_RECV_BYTES),
		.length = CM_RECV_BYTES,
		.lkey = cm.mr->lkey,
	};
	struct ib_recv_wr wr = { .wr_id = i, .sg_list = &sge, .num_sge = 1 };

	return ib_post_recv(cm.qp, &wr, NULL);
}

/* Our IPv4 address (host order), from rxe0's GID; 0 if it has none. */
static u32 cm_local_ip(void)
{
	u32 ip;

	return ib_gid_to_ipv4(&cm.dev->gid, &ip) ? ip : 0;
}

/*
 * Send the 256 bytes at @mad to QP1 of @ip.  cm.lock held or the CM
 * thread.  Resolves the peer's MAC (sleeps up to 500 ms on a miss):
 * a MAD sent to an unresolved peer would be lost.  @ip may be our own
 * address (a connection to ourselves, as the ktests make).
 */
static int cm_send_mad(u32 ip, const u8 *mad)
{
	struct rdma_ah_attr attr = { .hop_limit = 64 };
	struct ib_send_wr wr = {
		.opcode = IB_WR_SEND,
		.send_flags = IB_SEND_SIGNALED,
		.num_sge = 1,
		.ud = { .remote_qpn = 1, .remote_qkey = IB_QP1_QKEY },
	};
	struct net_iface *ifc = net_default_iface();
	struct ib_sge sge;
	struct ib_ah *ah;
	u8 *buf;
	int ret;

	if (!ifc || !ifc->dev)
		return -ENODEV;
	/* rxe loops a MAD to our own address back: no MAC needed. */
	if (ip != cm_local_ip()) {
		ret = arp_resolve(ifc->dev, htonl(ip), attr.dmac,
				  CM_ARP_TIMEOUT_NS);
		if (ret)
			return ret;
	}
	if (cm.sends_out >= CM_SEND_BUFS)
		return -EBUSY;
	buf = cm.send_bufs + (cm.send_head++ % CM_SEND_BUFS) * IB_MAD_BYTES;
	memcpy(buf, mad, IB_MAD_BYTES);
	ib_gid_from_ipv4(&attr.dgid, ip);
	ah = ib_create_ah(cm.pd, &attr);
	if (IS_ERR(ah))
		return PTR_ERR(ah);
	sge = (struct ib_sge) { .addr = (u64)(uintptr_t)buf,
				.length = IB_MAD_BYTES, .lkey = cm.mr->lkey };
	wr.sg_list = &sge;
	wr.ud.ah = ah;
	ret = ib_post_send(cm.qp, &wr, NULL);
	ib_destroy_ah(ah);	/* the WQE holds a copy of the address */
	if (!ret) {
		cm.sends_out++;
		cm.stats.sent[attr_index(get_be16(mad + 16))]++;
	}
	return ret;
}

/* Encode and send @msg; the MAD stays in @priv (if any) for resending. */
static int cm_send(struct cm_id_priv *priv, u32 ip, struct cm_msg *msg)
{
	u8 mad[IB_MAD_BYTES];
	int ret = cm_msg_encode(mad, msg);

	if (ret) {
		pr_err("ib_cm: cannot encode %s (%d)\n",
		       cm_msg_names[attr_index(msg->hdr.attr_id)], ret);
		return ret;
	}
	if (priv)
		memcpy(priv->mad, mad, IB_MAD_BYTES);
	ret = cm_send_mad(ip, mad);
	if (ret)
		pr_warn("ib_cm: %s to " IPV4_FMT " not sent (%d)\n",
			cm_msg_names[attr_index(msg->hdr.attr_id)],
			IPV4_ARGS(htonl(ip)), ret);
	return ret;
}

static void cm_arm(struct cm_id_priv *priv, u64 period_ns, int retries)
{
	priv->timer_on = true;
	priv->period_ns = period_ns;
	priv->retries_left = retries;
	priv->deadline = ktime_get() + cm_retry_wait_ns(period_ns,
							&cm.timer_seed);
}

static void init_hdr(struct cm_msg *msg, u16 attr_id, u64 tid)
{
	memset(msg, 0, sizeof(*msg));
	msg->hdr.attr_id = attr_id;
	msg->hdr.tid = tid;
}

/* REJ for a message about a connection we do not have (or refuse). */
static void cm_send_rej(u32 ip, u64 tid, u32 local_id, u32 remote_id,
			u8 msg_rejected, u16 reason, const void *pdata, u8 len)
{
	struct cm_msg rej;

	init_hdr(&rej, CM_REJ_ATTR_ID, tid);
	rej.rej.local_comm_id = local_id;
	rej.rej.remote_comm_id = remote_id;
	rej.rej.msg_rejected = msg_rejected;
	rej.rej.reason = reason;
	if (pdata)
		memcpy(rej.rej.private_data, pdata,
		       min_t(u8, len, CM_REJ_PRIVATE_DATA_SIZE));
	cm_send(NULL, ip, &rej);
}

/* The consumer's private data in an RTU, DREQ or DREP of @priv. */
static void cm_seal(struct cm_id_priv *priv, struct cm_msg *msg)
{
	if (priv->id.auth && priv->id.auth->seal)
		priv->id.auth->seal(&priv->id, msg);
}

/* ---------------------------------------------------------------- ids */

static struct cm_id_priv *find_local(u32 local_id)
{
	struct cm_id_priv *p;

	list_for_each_entry(p, &cm.ids, node)
		if (!p->dead && p->id.local_id == local_id &&
		    p->state != IB_CM_LISTEN)
			return p;
	return NULL;
}

static struct cm_id_priv *find_remote(u32 ip, u32 remote_id, u64 guid)
{
	struct cm_id_priv *p;

	list_for_each_entry(p, &cm.ids, node)
		if (!p->dead && p->state != IB_CM_LISTEN &&
		    p->state != IB_CM_IDLE && p->id.remote_ip == ip &&
		    p->id.remote_id == remote_id &&
		    p->remote_ca_guid == guid)
			return p;
	return NULL;
}

static struct cm_id_priv *find_listener(u64 service_id)
{
	struct cm_id_priv *p;

	list_for_each_entry(p, &cm.ids, node)
		if (!p->dead && p->state == IB_CM_LISTEN &&
		    p->id.service_id == service_id)
			return p;
	return NULL;
}

static u32 cm_new_local_id(void)
{
	/* Never 0 (a REJ's "no local id"), never reused soon. */
	do {
		cm.next_id = cm.next_id * 1103515245u + 12345u;
	} while (!cm.next_id || find_local(cm.next_id));
	return cm.next_id;
}

static struct cm_id_priv *cm_alloc_id(struct ib_device *dev, ib_cm_handler h,
				      void *context)
{
	struct cm_id_priv *priv = kzalloc(sizeof(*priv), GFP_KERNEL);

	if (!priv)
		return NULL;
	priv->magic = CM_ID_MAGIC;
	priv->refcount = 1;		/* the consumer's */
	init_completion(&priv->released);
	priv->id.handler = h;
	priv->id.context = context;
	priv->id.device = dev;
	priv->state = IB_CM_IDLE;
	return priv;
}

struct ib_cm_id *ib_create_cm_id(struct ib_device *dev, ib_cm_handler h,
				 void *context)
{
	struct cm_id_priv *priv;

	if (!cm.qp || dev != cm.dev)
		return ERR_PTR(-ENODEV);
	priv = cm_alloc_id(dev, h, context);
	if (!priv)
		return ERR_PTR(-ENOMEM);
	mutex_lock(&cm.lock);
	priv->id.local_id = cm_new_local_id();
	list_add_tail(&priv->node, &cm.ids);
	mutex_unlock(&cm.lock);
	return &priv->id;
}

static void cm_free_id(struct cm_id_priv *priv)
{
	priv->magic = 0;
	kfree(priv);
}

/* Our reference counting is broken: dump the id and stop. */
static void cm_id_check(const struct cm_id_priv *priv)
{
	if (likely(priv->magic == CM_ID_MAGIC && priv->refcount > 0))
		return;
	pr_emerg("ib_cm: bad id %p: magic %#x refcount %d state %d dead %d local_id %#x remote %#x\n",
		 priv, priv->magic, priv->refcount, priv->state, priv->dead,
		 priv->id.local_id, priv->id.remote_id);
	BUG();
}

/* cm.lock held; @priv must be alive (listed, or referenced by us). */
static void cm_get(struct cm_id_priv *priv)
{
	lockdep_assert_held(&cm.lock);
	cm_id_check(priv);
	priv->refcount++;
}

/*
 * Drop a reference; cm.lock held.  The last one wakes the destroyer
 * waiting for it, or frees the id if nobody waits (destroyed by the CM
 * thread, or the destroyer has not begun to wait: it sees refcount 0).
 */
static void cm_put(struct cm_id_priv *priv)
{
	lockdep_assert_held(&cm.lock);
	cm_id_check(priv);
	if (--priv->refcount)
		return;
	if (priv->destroy_waits)
		complete(&priv->released);
	else
		cm_free_id(priv);
}

/*
 * Destroy @id: no event is delivered to it once this returns, and it is
 * freed.  From any thread but the CM thread it waits for the delivery in
 * progress (if any) to end, so it may sleep.  On the CM thread (in a
 * handler, of this id or another) it does not wait: the id is freed when
 * the delivery holding it ends.
 */
void ib_destroy_cm_id(struct ib_cm_id *id)
{
	struct cm_id_priv *priv = to_priv(id);
	bool wait;

	mutex_lock(&cm.lock);
	if (WARN_ON_ONCE(priv->magic != CM_ID_MAGIC || priv->dead)) {
		/* Destroyed twice: a consumer bug; leave it be. */
		mutex_unlock(&cm.lock);
		return;
	}
	priv->dead = true;
	/* A connection still up is torn down politely, without waiting. */
	if (priv->state == IB_CM_ESTABLISHED) {
		struct cm_msg dreq;

		init_hdr(&dreq, CM_DREQ_ATTR_ID, ((u64)id->local_id << 32) | 1);
		dreq.dreq.local_comm_id = id->local_id;
		dreq.dreq.remote_comm_id = id->remote_id;
		dreq.dreq.remote_qpn = id->remote_qpn;
		cm_seal(priv, &dreq);
		cm_send(NULL, id->remote_ip, &dreq);
	}
	list_del(&priv->node);
	priv->timer_on = false;
	wait = priv->refcount > 1 && current != READ_ONCE(cm.task);
	priv->destroy_waits = wait;
	cm_put(priv);
	mutex_unlock(&cm.lock);
	if (wait) {
		wait_for_completion(&priv->released);
		cm_free_id(priv);
	}
}

int ib_cm_listen(struct ib_cm_id *id, u64 service_id)
{
	struct cm_id_priv *priv = to_priv(id);
	int ret = 0;

	mutex_lock(&cm.lock);
	if (priv->state != IB_CM_IDLE)
		ret = -EINVAL;
	else if (find_listener(service_id))
		ret = -EBUSY;
	if (!ret) {
		id->service_id = service_id;
		priv->state = IB_CM_LISTEN;
	}
	mutex_unlock(&cm.lock);
	return ret;
}

/* ------------------------------------------------------ active side */

int ib_send_cm_req(struct ib_cm_id *id, u32 remote_ip, struct cm_req *req)
{
	struct cm_id_priv *priv = to_priv(id);
	struct cm_msg msg;
	int ret;

	mutex_lock(&cm.lock);
	if (priv->state != IB_CM_IDLE) {
		ret = -EINVAL;
		goto out;
	}
	priv->tid = (u64)id->local_id << 32 | (u32)ktime_get();
	req->local_comm_id = id->local_id;
	req->local_ca_guid = cm.ca_guid;
	init_hdr(&msg, CM_REQ_ATTR_ID, priv->tid);
	msg.req = *req;
	id->remote_ip = remote_ip;
	id->service_id = req->service_id;
	ret = cm_send(priv, remote_ip, &msg);
	if (ret == -EHOSTUNREACH)
		goto out;
	/* Lost or not: the retransmission timer covers it. */
	ret = 0;
	priv->state = IB_CM_REQ_SENT;
	cm_arm(priv, cm_timeout_ns(req->remote_cm_response_timeout) +
		     cm_timeout_ns(req->primary.local_ack_timeout),
	       req->max_cm_retries);
out:
	mutex_unlock(&cm.lock);
	return ret;
}

int ib_send_cm_rtu(struct ib_cm_id *id)
{
	struct cm_id_priv *priv = to_priv(id);
	struct cm_msg msg;
	int ret = -EINVAL;

	mutex_lock(&cm.lock);
	if (priv->state == IB_CM_REP_RCVD) {
		init_hdr(&msg, CM_RTU_ATTR_ID, priv->tid);
		msg.rtu.local_comm_id = id->local_id;
		msg.rtu.remote_comm_id = id->remote_id;
		cm_seal(priv, &msg);
		cm_send(priv, id->remote_ip, &msg);
		priv->state = IB_CM_ESTABLISHED;
		ret = 0;
	}
	mutex_unlock(&cm.lock);
	return ret;
}

/* ----------------------------------------------------- passive side */

int ib_send_cm_rep(struct ib_cm_id *id, struct cm_rep *rep)
{
	struct cm_id_priv *priv = to_priv(id);
	struct cm_msg msg;
	int ret = -EINVAL;

	mutex_lock(&cm.lock);
	if (priv->state == IB_CM_REQ_RCVD) {
		rep->local_comm_id = id->local_id;
		rep->remote_comm_id = id->remote_id;
		rep->local_ca_guid = cm.ca_guid;
		init_hdr(&msg, CM_REP_ATTR_ID, priv->tid);
		msg.rep = *rep;
		cm_send(priv, id->remote_ip, &msg);
		priv->state = IB_CM_REP_SENT;
		cm_arm(priv, cm_timeout_ns(CM_RESPONSE_TIMEOUT), CM_MAX_RETRIES);
		ret = 0;
	}
	mutex_unlock(&cm.lock);
	return ret;
}

int ib_send_cm_rej(struct ib_cm_id *id, u16 reason, const void *pdata,
		   u8 len)
{
	struct cm_id_priv *priv = to_priv(id);
	int ret = -EINVAL;

	mutex_lock(&cm.lock);
	if (priv->state == IB_CM_REQ_RCVD || priv->state == IB_CM_REP_RCVD ||
	    priv->state == IB_CM_REP_SENT || priv->state == IB_CM_REQ_SENT) {
		u8 which = priv->state == IB_CM_REP_RCVD ?
			   CM_MSG_RESPONSE_REP : CM_MSG_RESPONSE_REQ;

		cm_send_rej(id->remote_ip, priv->tid, id->local_id,
			    id->remote_id, which, reason, pdata, len);
		priv->state = IB_CM_IDLE;
		priv->timer_on = false;
		ret = 0;
	}
	mutex_unlock(&cm.lock);
	return ret;
}

int ib_send_cm_dreq(struct ib_cm_id *id)
{
	struct cm_id_priv *priv = to_priv(id);
	struct cm_msg msg;
	int ret = -EINVAL;

	mutex_lock(&cm.lock);
	if (priv->state == IB_CM_ESTABLISHED) {
		priv->tid = (u64)id->local_id << 32 | (u32)ktime_get();
		init_hdr(&msg, CM_DREQ_ATTR_ID, priv->tid);
		msg.dreq.local_comm_id = id->local_id;
		msg.dreq.remote_comm_id = id->remote_id;
		msg.dreq.remote_qpn = id->remote_qpn;
		cm_seal(priv, &msg);
		cm_send(priv, id->remote_ip, &msg);
		priv->state = IB_CM_DREQ_SENT;
		cm_arm(priv, cm_timeout_ns(CM_RESPONSE_TIMEOUT), CM_MAX_RETRIES);
		ret = 0;
	}
	mutex_unlock(&cm.lock);
	return ret;
}

/* ---------------------------------------------------------- receiving */

/* Prepare the delivery of @type to @priv; cm.lock held.  Takes a
 * reference, dropped by cm_deliver(). */
static void queue_event(struct cm_event_work *w, struct cm_id_priv *priv,
			enum ib_cm_event_type type, const struct cm_msg *msg)
{
	cm_get(priv);
	w->priv = priv;
	w->listener = NULL;
	w->ev.event = type;
	w->ev.remote_ip = priv->id.remote_ip;
	if (msg) {
		w->msg = *msg;
		w->ev.msg = &w->msg;
	} else {
		w->ev.msg = NULL;
	}
}

/* A DREP; sealed for @priv if it is ours (NULL: a DREQ we do not know). */
static void send_drep(struct cm_id_priv *priv, u32 ip, u64 tid, u32 local_id,
		      u32 remote_id)
{
	struct cm_msg drep;

	init_hdr(&drep, CM_DREP_ATTR_ID, tid);
	drep.drep.local_comm_id = local_id;
	drep.drep.remote_comm_id = remote_id;
	if (priv)
		cm_seal(priv, &drep);
	cm_send(NULL, ip, &drep);
}

/*
 * An RTU, DREQ or DREP matched to @p: may the CM act on it?  cm.lock
 * held.  Refused ones are counted here and logged by the consumer.
 */
static bool cm_verified(struct cm_id_priv *p, const struct cm_msg *m)
{
	if (!p->id.auth || !p->id.auth->verify ||
	    !p->id.auth->verify(&p->id, m))
		return true;
	cm.stats.unauthenticated++;
	return false;
}

/*
 * May another id be made for a REQ from @ip?  Counts the ids made for
 * REQs not established yet; cm.lock held.
 */
static bool cm_room_for_req(u32 ip)
{
	unsigned int from_ip = 0, all = 0;
	struct cm_id_priv *p;

	list_for_each_entry(p, &cm.ids, node) {
		if (p->dead || (p->state != IB_CM_REQ_RCVD &&
				p->state != IB_CM_REP_SENT))
			continue;
		all++;
		if (p->id.remote_ip == ip)
			from_ip++;
	}
	if (from_ip < READ_ONCE(cm_max_connecting_per_ip) &&
	    all < READ_ONCE(cm_max_connecting))
		return true;
	if (!cm.stats.over_limit++)
		pr_warn("ib_cm: REQ from " IPV4_FMT " refused (REJ no resources): %u ids being set up from it, %u in all (ib_cm.max_connecting_per_ip=%u, ib_cm.max_connecting=%u); further ones only counted\n",
			IPV4_ARGS(htonl(ip)), from_ip, all,
			cm_max_connecting_per_ip, cm_max_connecting);
	return false;
}

/*
 * One received message from @ip; cm.lock held.  Returns the id whose
 * handler must run (the event in @w), or NULL.
 */
static struct cm_id_priv *cm_handle(u32 ip, const struct cm_msg *m,
				    struct cm_event_work *w)
{
	struct cm_id_priv *p, *l;

	switch (m->hdr.attr_id) {
	case CM_REQ_ATTR_ID:
		p = find_remote(ip, m->req.local_comm_id,
				m->req.local_ca_guid);
		if (p) {
			cm.stats.duplicates++;
			if (p->state == IB_CM_REP_SENT)
				cm_send_mad(ip, p->mad);
			return NULL;
		}
		l = find_listener(m->req.service_id);
		if (!l) {
			cm_send_rej(ip, m->hdr.tid, 0, m->req.local_comm_id,
				    CM_MSG_RESPONSE_REQ,
				    IB_CM_REJ_INVALID_SERVICE_ID, NULL, 0);
			if (cm.stats.unknown_service++ < 4)
				pr_info("ib_cm: REQ from " IPV4_FMT " for service %#llx: nobody listens, REJ\n",
					IPV4_ARGS(htonl(ip)),
					(unsigned long long)m->req.service_id);
			return NULL;
		}
		if (m->req.transport_type != 0 || m->req.has_alternate) {
			cm.stats.unsupported++;
			cm_send_rej(ip, m->hdr.tid, 0, m->req.local_comm_id,
				    CM_MSG_RESPONSE_REQ,
				    m->req.transport_type ?
				    IB_CM_REJ_INVALID_TRANSPORT_TYPE :
				    IB_CM_REJ_UNSUPPORTED, NULL, 0);
			return NULL;
		}
		if (!cm_room_for_req(ip)) {
			cm_send_rej(ip, m->hdr.tid, 0, m->req.local_comm_id,
				    CM_MSG_RESPONSE_REQ,
				    IB_CM_REJ_NO_RESOURCES, NULL, 0);
			return NULL;
		}
		p = cm_alloc_id(cm.dev, l->id.handler, l->id.context);
		if (!p) {
			cm_send_rej(ip, m->hdr.tid, 0, m->req.local_comm_id,
				    CM_MSG_RESPONSE_REQ,
				    IB_CM_REJ_NO_RESOURCES, NULL, 0);
			return NULL;
		}
		p->id.local_id = cm_new_local_id();
		p->id.remote_id = m->req.local_comm_id;
		p->id.remote_ip = ip;
		p->id.remote_qpn = m->req.local_qpn;
		p->id.service_id = m->req.service_id;
		p->id.auth = l->id.auth;
		p->remote_ca_guid = m->req.local_ca_guid;
		p->tid = m->hdr.tid;
		p->state = IB_CM_REQ_RCVD;
		list_add_tail(&p->node, &cm.ids);
		queue_event(w, p, IB_CM_REQ_RECEIVED, m);
		/* Its handler and context are the listener's: keep it. */
		cm_get(l);
		w->listener = l;
		return p;

	case CM_REP_ATTR_ID:
		p = find_local(m->rep.remote_comm_id);
		if (!p || p->id.remote_ip != ip) {
			cm.stats.unknown_comm_id++;
			cm_send_rej(ip, m->hdr.tid, 0, m->rep.local_comm_id,
				    CM_MSG_RESPONSE_REP,
				    IB_CM_REJ_INVALID_COMM_ID, NULL, 0);
			return NULL;
		}
		if (p->state == IB_CM_ESTABLISHED &&
		    p->id.remote_id == m->rep.local_comm_id) {
			cm.stats.duplicates++;	/* our RTU was lost */
			cm_send_mad(ip, p->mad);
			return NULL;
		}
		if (p->state != IB_CM_REQ_SENT) {
			cm.stats.stale++;
			return NULL;
		}
		p->timer_on = false;
		p->id.remote_id = m->rep.local_comm_id;
		p->id.remote_qpn = m->rep.local_qpn;
		p->remote_ca_guid = m->rep.local_ca_guid;
		p->state = IB_CM_REP_RCVD;
		queue_event(w, p, IB_CM_REP_RECEIVED, m);
		return p;

	case CM_RTU_ATTR_ID:
		p = find_local(m->rtu.remote_comm_id);
		if (!p || p->id.remote_ip != ip ||
		    p->id.remote_id != m->rtu.local_comm_id) {
			cm.stats.unknown_comm_id++;
			return NULL;
		}
		if (!cm_verified(p, m))
			return NULL;
		if (p->state != IB_CM_REP_SENT) {
			cm.stats.stale++;
			return NULL;
		}
		p->timer_on = false;
		p->state = IB_CM_ESTABLISHED;
		queue_event(w, p, IB_CM_RTU_RECEIVED, m);
		return p;

	case CM_REJ_ATTR_ID:
		p = find_local(m->rej.remote_comm_id);
		if (!p || p->id.remote_ip != ip) {
			cm.stats.unknown_comm_id++;
			return NULL;
		}
		if (p->state != IB_CM_REQ_SENT && p->state != IB_CM_REP_SENT &&
		    p->state != IB_CM_REP_RCVD) {
			cm.stats.stale++;
			return NULL;
		}
		p->timer_on = false;
		p->state = IB_CM_IDLE;
		queue_event(w, p, IB_CM_REJ_RECEIVED, m);
		return p;

	case CM_MRA_ATTR_ID:
		p = find_local(m->mra.remote_comm_id);
		if (!p || p->id.remote_ip != ip) {
			cm.stats.unknown_comm_id++;
			return NULL;
		}
		if ((p->state == IB_CM_REQ_SENT &&
		     m->mra.msg_mraed == CM_MSG_RESPONSE_REQ) ||
		    (p->state == IB_CM_REP_SENT &&
		     m->mra.msg_mraed == CM_MSG_RESPONSE_REP)) {
			/* The peer needs longer: wait its service timeout. */
			p->deadline = ktime_get() + p->period_ns +
				      cm_timeout_ns(m->mra.service_timeout);
		} else {
			cm.stats.stale++;
		}
		return NULL;

	case CM_DREQ_ATTR_ID:
		p = find_local(m->dreq.remote_comm_id);
		if (!p || p->id.remote_ip != ip ||
		    p->id.remote_id != m->dreq.local_comm_id) {
			cm.stats.unknown_comm_id++;
			send_drep(NULL, ip, m->hdr.tid, m->dreq.remote_comm_id,
				  m->dreq.local_comm_id);
			return NULL;
		}
		/* Before the DREP and the QP's end: a forged one is nothing. */
		if (!cm_verified(p, m))
			return NULL;
		send_drep(p, ip, m->hdr.tid, p->id.local_id, p->id.remote_id);
		if (p->state == IB_CM_TIMEWAIT) {
			cm.stats.duplicates++;
			return NULL;
		}
		if (p->state != IB_CM_ESTABLISHED &&
		    p->state != IB_CM_DREQ_SENT &&
		    p->state != IB_CM_REP_SENT) {
			cm.stats.stale++;
			return NULL;
		}
		p->timer_on = false;
		p->state = IB_CM_TIMEWAIT;
		queue_event(w, p, IB_CM_DREQ_RECEIVED, m);
		return p;

	case CM_DREP_ATTR_ID:
		p = find_local(m->drep.remote_comm_id);
		if (!p || p->id.remote_ip != ip ||
		    p->id.remote_id != m->drep.local_comm_id) {
			cm.stats.unknown_comm_id++;
			return NULL;
		}
		if (!cm_verified(p, m))
			return NULL;
		if (p->state != IB_CM_DREQ_SENT) {
			cm.stats.stale++;
			return NULL;
		}
		p->timer_on = false;
		p->state = IB_CM_TIMEWAIT;
		queue_event(w, p, IB_CM_DREP_RECEIVED, m);
		return p;
	}
	return NULL;
}

/*
 * Deliver the event in @w (CM thread, no lock held) and drop its
 * references.  An id destroyed since the event was picked gets nothing;
 * a REQ whose listener is gone is rejected as if nobody listened.  A REQ
 * handler's non-zero return rejects the request and destroys the new id.
 */
static void cm_deliver(struct cm_event_work *w)
{
	struct cm_id_priv *p = w->priv, *l = w->listener;
	u16 reason = IB_CM_REJ_CONSUMER_DEFINED;
	bool alive, orphan_req;
	int ret = 0;

	if (IS_ENABLED(CONFIG_KTEST) && ib_cm_test_dispatch_hook)
		ib_cm_test_dispatch_hook(&p->id, &w->ev);
	mutex_lock(&cm.lock);
	if (WARN_ON_ONCE(p->magic != CM_ID_MAGIC ||
			 (l && l->magic != CM_ID_MAGIC))) {
		/* Our references are broken: leak rather than touch it. */
		cm.stats.bad_dispatch++;
		mutex_unlock(&cm.lock);
		return;
	}
	alive = !p->dead && !(l && l->dead);
	/* A new id nobody has seen yet, its listener gone: ours to end. */
	orphan_req = !alive && !p->dead && w->ev.event == IB_CM_REQ_RECEIVED;
	if (!alive)
		cm.stats.dropped_events++;
	mutex_unlock(&cm.lock);

	if (alive) {
		ret = p->id.handler(&p->id, &w->ev);
	} else if (orphan_req) {
		reason = IB_CM_REJ_INVALID_SERVICE_ID;
		ret = -ENOENT;
	}
	if (w->ev.event == IB_CM_REQ_RECEIVED && ret) {
		ib_send_cm_rej(&p->id, reason, NULL, 0);
		/* On the CM thread: freed by our cm_put() below. */
		ib_destroy_cm_id(&p->id);
	}

	mutex_lock(&cm.lock);
	cm_put(p);
	if (l)
		cm_put(l);
	mutex_unlock(&cm.lock);
}

/* RoCEv2 over IPv4: the IPv4 header sits in GRH bytes 20..39. */
static bool valid_grh_ip(const u8 *grh, u32 *src)
{
	u32 ours;

	if ((grh[20] >> 4) != 4 || !ib_gid_to_ipv4(&cm.dev->gid, &ours))
		return false;
	*src = get_be32(grh + 32);
	return get_be32(grh + 36) == ours;
}

static void cm_recv(const struct ib_wc *wc)
{
	u8 *buf = cm.recv_bufs + wc->wr_id * CM_RECV_BYTES;
	struct cm_event_work *w;
	struct cm_id_priv *p;
	struct cm_msg *m;
	u32 ip;
	int ret;

	if (wc->status != IB_WC_SUCCESS)
		return;
	if (wc->byte_len < CM_GRH_BYTES + IB_MAD_BYTES ||
	    !(wc->wc_flags & IB_WC_GRH) || wc->src_qp != 1 ||
	    !valid_grh_ip(buf, &ip)) {
		cm.stats.malformed++;
		return;
	}
	w = kmalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return;
	m = &w->msg;
	ret = cm_msg_decode(buf + CM_GRH_BYTES, IB_MAD_BYTES, m);
	if (ret) {
		if (ret == -EPROTONOSUPPORT)
			cm.stats.bad_version++;
		else if (ret == -EOPNOTSUPP)
			cm.stats.unsupported++;
		else
			cm.stats.malformed++;
		if (ret == -EPROTONOSUPPORT && m->hdr.mgmt_class ==
		    IB_MGMT_CLASS_CM && m->hdr.attr_id == CM_REQ_ATTR_ID)
			cm_send_rej(ip, m->hdr.tid, 0,
				    get_be32(buf + CM_GRH_BYTES + 24),
				    CM_MSG_RESPONSE_REQ,
				    IB_CM_REJ_INVALID_CLASS_VERSION, NULL, 0);
		kfree(w);
		return;
	}
	cm.stats.rcvd[attr_index(m->hdr.attr_id)]++;
	{
		struct cm_msg copy = *m;

		mutex_lock(&cm.lock);
		p = cm_handle(ip, &copy, w);
		mutex_unlock(&cm.lock);
	}
	if (p)
		cm_deliver(w);
	kfree(w);
}

/* Retransmit what is due; time out what has no retries left. */
static void cm_timers(void)
{
	struct cm_event_work *w = NULL;
	struct cm_id_priv *p, *fire = NULL;
	u64 now = ktime_get();

	mutex_lock(&cm.lock);
	list_for_each_entry(p, &cm.ids, node) {
		if (p->dead || !p->timer_on || (s64)(now - p->deadline) < 0)
			continue;
		if (p->retries_left > 0) {
			p->retries_left--;
			p->deadline = now + cm_retry_wait_ns(p->period_ns,
							     &cm.timer_seed);
			if (cm.stats.retransmits++ < CM_LOG_RETRIES)
				pr_info("ib_cm: %s to " IPV4_FMT " resent (%d more)\n",
					cm_msg_names[attr_index(get_be16(p->mad + 16))],
					IPV4_ARGS(htonl(p->id.remote_ip)),
					p->retries_left);
			cm_send_mad(p->id.remote_ip, p->mad);
			continue;
		}
		p->timer_on = false;
		cm.stats.timeouts++;
		pr_warn("ib_cm: %s to " IPV4_FMT " unanswered after its last resend: timeout\n",
			cm_msg_names[attr_index(get_be16(p->mad + 16))],
			IPV4_ARGS(htonl(p->id.remote_ip)));
		fire = p;
		break;
	}
	if (fire) {
		enum ib_cm_event_type type =
			fire->state == IB_CM_REQ_SENT ? IB_CM_REQ_ERROR :
			fire->state == IB_CM_REP_SENT ? IB_CM_REP_ERROR :
							IB_CM_DREQ_ERROR;

		if (type != IB_CM_DREQ_ERROR)
			cm_send_rej(fire->id.remote_ip, fire->tid,
				    fire->id.local_id, fire->id.remote_id,
				    type == IB_CM_REQ_ERROR ?
				    CM_MSG_RESPONSE_REQ : CM_MSG_RESPONSE_REP,
				    IB_CM_REJ_TIMEOUT, NULL, 0);
		fire->state = type == IB_CM_DREQ_ERROR ? IB_CM_TIMEWAIT :
							 IB_CM_IDLE;
		w = kzalloc(sizeof(*w), GFP_KERNEL);
		if (w)
			queue_event(w, fire, type, NULL);
	}
	mutex_unlock(&cm.lock);
	if (w) {
		cm_deliver(w);
		kfree(w);
	}
}

static void cm_cq_event(struct ib_cq *cq, void *ctx)
{
	WRITE_ONCE(cm.kicks, cm.kicks + 1);
	wake_up_all(&cm.wq);
}

static int cm_thread(void *arg)
{
	/* ib_destroy_cm_id() must know us before any handler runs. */
	WRITE_ONCE(cm.task, current);
	while (!kthread_should_stop()) {
		unsigned long kicks = READ_ONCE(cm.kicks);
		struct ib_wc wc;

		while (ib_poll_cq(cm.cq, 1, &wc) == 1) {
			if (wc.opcode & IB_WC_RECV) {
				cm_recv(&wc);
				cm_post_recv((u32)wc.wr_id);
			} else {
				mutex_lock(&cm.lock);
				cm.sends_out--;
				mutex_unlock(&cm.lock);
			}
		}
		cm_timers();
		if (ib_req_notify_cq(cm.cq, IB_CQ_NEXT_COMP |
				     IB_CQ_REPORT_MISSED_EVENTS) > 0)
			continue;
		wait_event_timeout(cm.wq, READ_ONCE(cm.kicks) != kicks,
				   msecs_to_jiffies(20));
	}
	return 0;
}

/* ------------------------------------------------------------- setup */

int ib_cm_init(struct ib_device *dev)
{
	struct ib_qp_init_attr init = {
		.cap = { .max_send_wr = CM_SEND_BUFS,
			 .max_recv_wr = CM_RECV_BUFS,
			 .max_send_sge = 1, .max_recv_sge = 1 },
		.sq_sig_type = IB_SIGNAL_ALL_WR,
		.qp_type = IB_QPT_GSI,
	};
	struct ib_qp_attr attr = { .qp_state = IB_QPS_INIT, .port_num = 1,
				   .qkey = IB_QP1_QKEY };
	size_t bytes = CM_RECV_BUFS * CM_RECV_BYTES +
		       CM_SEND_BUFS * IB_MAD_BYTES;
	int ret;

	mutex_init(&cm.lock);
	INIT_LIST_HEAD(&cm.ids);
	init_waitqueue_head(&cm.wq);
	cm.dev = dev;
	/* EUI-64 from the MAC, as an Ethernet port GUID. */
	cm.ca_guid = (u64)(dev->mac[0] ^ 2) << 56 | (u64)dev->mac[1] << 48 |
		     (u64)dev->mac[2] << 40 | 0xfffe000000ull |
		     (u64)dev->mac[3] << 16 | (u64)dev->mac[4] << 8 |
		     dev->mac[5];
	cm.next_id = (u32)ktime_get() ^ (u32)cm.ca_guid;
	cm.timer_seed = cm.next_id * 2654435761u;
	cm.pd = ib_alloc_pd(dev);
	cm.cq = ib_create_cq(dev, CM_RECV_BUFS + CM_SEND_BUFS, cm_cq_event,
			     NULL);
	cm.recv_bufs = kzalloc(bytes, GFP_KERNEL);
	if (IS_ERR_OR_NULL(cm.pd) || IS_ERR_OR_NULL(cm.cq) || !cm.recv_bufs)
		return -ENOMEM;
	cm.send_bufs = cm.recv_bufs + CM_RECV_BUFS * CM_RECV_BYTES;
	cm.mr = ib_reg_mr(cm.pd, cm.recv_bufs, bytes, IB_ACCESS_LOCAL_WRITE);
	if (IS_ERR(cm.mr))
		return PTR_ERR(cm.mr);
	init.send_cq = init.recv_cq = cm.cq;
	cm.qp = ib_create_qp(cm.pd, &init);
	if (IS_ERR(cm.qp)) {
		ret = PTR_ERR(cm.qp);
		cm.qp = NULL;
		return ret;
	}
	ret = ib_modify_qp(cm.qp, &attr, IB_QP_STATE | IB_QP_PORT |
			   IB_QP_PKEY_INDEX | IB_QP_QKEY);
	for (u32 i = 0; i < CM_RECV_BUFS && !ret; i++)
		ret = cm_post_recv(i);
	attr.qp_state = IB_QPS_RTR;
	if (!ret)
		ret = ib_modify_qp(cm.qp, &attr, IB_QP_STATE);
	attr.qp_state = IB_QPS_RTS;
	attr.sq_psn = 0;
	if (!ret)
		ret = ib_modify_qp(cm.qp, &attr, IB_QP_STATE | IB_QP_SQ_PSN);
	if (ret)
		return ret;
	cm.task = kthread_run(cm_thread, NULL, "ib_cm");
	if (IS_ERR(cm.task)) {
		ret = PTR_ERR(cm.task);
		cm.task = NULL;
		return ret;
	}
	pr_info("ib_cm: %s QP1 ready, CA GUID %016llx\n", dev->name,
		(unsigned long long)cm.ca_guid);
	return 0;
}

const struct ib_cm_counters *ib_cm_counters(void)
{
	return &cm.stats;
}

void ib_cm_dump_counters(void)
{
	const struct ib_cm_counters *s = &cm.stats;

	for (int i = 0; i < 7; i++)
		if (s->sent[i] || s->rcvd[i])
			pr_info("ib_cm: %s sent %llu rcvd %llu\n",
				cm_msg_names[i], s->sent[i], s->rcvd[i]);
	pr_info("ib_cm: retransmits %llu timeouts %llu duplicates %llu malformed %llu bad_version %llu unsupported %llu unknown_comm_id %llu unknown_service %llu stale %llu\n",
		s->retransmits, s->timeouts, s->duplicates, s->malformed,
		s->bad_version, s->unsupported, s->unknown_comm_id,
		s->unknown_service, s->stale);
	pr_info("ib_cm: dropped_events %llu bad_dispatch %llu unauthenticated %llu over_limit %llu\n",
		s->dropped_events, s->bad_dispatch, s->unauthenticated,
		s->over_limit);
}
