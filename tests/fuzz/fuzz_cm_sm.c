// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of the IB CM state machine (drivers/infiniband/core/
 * cm.c, with cm_mad.c's codec): one CM on a simulated device, a consumer
 * that acts as the RDMA CM does, and a peer whose MADs come from the
 * input.  cm.c is compiled into this file as it is (its statics are
 * reached from here; no hook in it): the kernel services it uses
 * (mutex, completion, wait queue, kthread, ARP, the interface, the
 * clock) and the verbs of QP1 are small stand-ins below, so that the
 * receive path (cm_recv(): GRH check, decode, cm_handle(), delivery) and
 * the timers (cm_timers()) run on the calling thread, which is the CM
 * thread.
 *
 * The input is a sequence of operations:
 *   connect   a new id sends a REQ (to the peer, or another address);
 *   listen    a new id listens on one of four service ids;
 *   consumer  on one of the consumer's ids: REP, RTU, REJ, DREQ, or
 *             destroy;
 *   mad       a MAD from the peer (or from another address): REQ, MRA,
 *             REJ, REP, RTU, DREQ or DREP with comm ids that are right
 *             (an id's own and its peer's), swapped, or from the input,
 *             fields from the input, encoded by cm_mad.c; sometimes bytes
 *             of the encoded MAD or the GRH changed;
 *   echo      the last MAD the CM sent, fed back to it;
 *   time      time passes (up to 40 s), then the timers run.
 * The consumer's answers to events come from the input too: a REQ is
 * accepted (REP at once or later) or refused (a non-zero return); a REP
 * gets an RTU or a REJ.
 *
 * Properties, after every operation:
 *  - no crash, no sanitizer report, no BUG() (cm_id_check);
 *  - every event goes to an id the consumer holds and has not destroyed,
 *    of a kind that fits the id's last state (a REP to an id that sent a
 *    REQ, an RTU to one that sent a REP, ...);
 *  - the CM's ids are exactly the consumer's (no orphan, none lost), each
 *    alive with one reference (no event is in delivery between
 *    operations), in a state of the enum, with its timer on only while
 *    it waits for an answer (REQ_SENT, REP_SENT, DREQ_SENT);
 *  - at the end, after every timer ran out and the consumer destroyed
 *    all its ids, no id is left and every allocation was freed
 *    (LeakSanitizer; the ids are also counted here).
 */
/* FUZZ-SOURCES: drivers/infiniband/core/cm_mad.c drivers/infiniband/core/cm_timer.c lib/string.c tests/host/host_printk.c tests/host/host_kmalloc.c tests/host/host_random.c */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/list.h>
#include <tessera/rdma/cm.h>
#include <tessera/rdma/verbs.h>
#include <tessera/string.h>
#include <tessera/unaligned.h>

#include "fuzz.h"

/* --- stand-ins for the kernel services cm.c includes ------------------ */

#define _TESSERA_MUTEX_H
#define _TESSERA_COMPLETION_H
#define _TESSERA_KTHREAD_H
#define _TESSERA_WAIT_H
#define _TESSERA_SCHED_H
#define _TESSERA_ARP_H
#define _TESSERA_NET_H
#define _TESSERA_TIMER_H
#define _TESSERA_TIME_H
#define _TESSERA_LOCKDEP_H
#define _TESSERA_BUG_H

/* cm_id_check()'s BUG() and the WARNs: a failed property here. */
#define BUG()			FUZZ_ASSERT(!"BUG")
#define BUG_ON(c)		FUZZ_ASSERT(!(c))
#define WARN_ON(c)		({ FUZZ_ASSERT(!(c)); false; })
#define WARN_ON_ONCE(c)		WARN_ON(c)

struct mutex {
	bool held;
};

static void mutex_init(struct mutex *m)
{
	m->held = false;
}

static void mutex_lock(struct mutex *m)
{
	FUZZ_ASSERT(!m->held);		/* one thread: never nested */
	m->held = true;
}

static void mutex_unlock(struct mutex *m)
{
	FUZZ_ASSERT(m->held);
	m->held = false;
}

#define lockdep_assert_held(m)	FUZZ_ASSERT((m)->held)

struct completion {
	bool done;
};

static void init_completion(struct completion *c)
{
	c->done = false;
}

static void complete(struct completion *c)
{
	c->done = true;
}

/* Only a destroyer on another thread waits: there is none here. */
static void wait_for_completion(struct completion *c)
{
	FUZZ_ASSERT(c->done);
}

struct wait_queue_head {
	int unused;
};

static void init_waitqueue_head(struct wait_queue_head *wq)
{
}

static void wake_up_all(struct wait_queue_head *wq)
{
}

/* cm_thread() is never run here. */
static long wait_stub(bool cond, unsigned long timeout)
{
	return 0;
}

#define wait_event_timeout(wq, cond, t)	wait_stub(cond, t)

struct task {
	int unused;
};

static struct task cm_task;
#define current			(&cm_task)
#define kthread_should_stop()	true
#define kthread_run(fn, arg, name)	((void)(fn), &cm_task)
#define msecs_to_jiffies(ms)	(ms)

#define NSEC_PER_MSEC		1000000ull
static u64 now_ns;

static u64 ktime_get(void)
{
	return now_ns;
}

struct net_iface {
	void *dev;
};

static struct net_iface iface = { .dev = &iface };

static struct net_iface *net_default_iface(void)
{
	return &iface;
}

static int arp_fails;

static int arp_resolve(void *dev, u32 ip_be, u8 *mac, u64 timeout_ns)
{
	memset(mac, 0x02, 6);
	return arp_fails ? -EHOSTUNREACH : 0;
}

/* --- QP1's verbs: what the CM sends is kept, nothing more ------------- */

#define OUR_IP		0x0a000001u
#define PEER_IP		0x0a000002u
#define OTHER_IP	0x0a000009u

static u8 last_sent[IB_MAD_BYTES];
static bool have_sent;
static unsigned long mads_sent;

void ib_gid_from_ipv4(union ib_gid *gid, u32 ip)
{
	memset(gid, 0, sizeof(*gid));
	gid->raw[10] = gid->raw[11] = 0xff;
	put_be32(gid->raw + 12, ip);
}

bool ib_gid_to_ipv4(const union ib_gid *gid, u32 *ip)
{
	static const u8 prefix[12] = { [10] = 0xff, [11] = 0xff };

	if (memcmp(gid->raw, prefix, sizeof(prefix)))
		return false;
	*ip = get_be32(gid->raw + 12);
	return true;
}

static struct ib_ah fake_ah;

struct ib_ah *ib_create_ah(struct ib_pd *pd, const struct rdma_ah_attr *attr)
{
	return &fake_ah;
}

int ib_destroy_ah(struct ib_ah *ah)
{
	return 0;
}

int ib_post_send(struct ib_qp *qp, const struct ib_send_wr *wr,
		 const struct ib_send_wr **bad)
{
	FUZZ_ASSERT(wr->num_sge == 1 && wr->sg_list->length == IB_MAD_BYTES);
	memcpy(last_sent, (void *)(uintptr_t)wr->sg_list->addr, IB_MAD_BYTES);
	have_sent = true;
	mads_sent++;
	return 0;
}

int ib_post_recv(struct ib_qp *qp, const struct ib_recv_wr *wr,
		 const struct ib_recv_wr **bad)
{
	return 0;
}

int ib_poll_cq(struct ib_cq *cq, int nr, struct ib_wc *wc)
{
	return 0;
}

int ib_req_notify_cq(struct ib_cq *cq, enum ib_cq_notify_flags flags)
{
	return 0;
}

/* ib_cm_init() is not called: the harness sets the CM up itself. */
struct ib_pd *ib_alloc_pd(struct ib_device *dev) { return NULL; }
struct ib_cq *ib_create_cq(struct ib_device *dev, int cqe,
			   void (*h)(struct ib_cq *, void *), void *ctx)
{
	return NULL;
}
struct ib_mr *ib_reg_mr(struct ib_pd *pd, void *addr, u64 len, int access)
{
	return NULL;
}
struct ib_qp *ib_create_qp(struct ib_pd *pd, struct ib_qp_init_attr *init)
{
	return NULL;
}
int ib_modify_qp(struct ib_qp *qp, struct ib_qp_attr *attr, int mask)
{
	return -EINVAL;
}

#include "../../drivers/infiniband/core/cm.c"

/* --- the consumer ------------------------------------------------------ */

#define MAX_IDS		32
#define SERVICE(n)	(0x0106000000004791ull + (n))

struct cons {
	struct ib_cm_id *id;
	bool listener;
	int last_event;		/* -1: none yet */
};

static struct cons ids[MAX_IDS];
static unsigned int nr_ids;
static struct fuzz_in *cur_in;
static struct ib_device dev;
static u8 recv_area[CM_RECV_BUFS * CM_RECV_BYTES + CM_SEND_BUFS * IB_MAD_BYTES];
static struct ib_mr fake_mr;
static struct ib_qp fake_qp;
static long live_privs;

static struct cons *find_cons(struct ib_cm_id *id)
{
	for (unsigned int i = 0; i < nr_ids; i++)
		if (ids[i].id == id)
			return &ids[i];
	return NULL;
}

static void forget(struct cons *c)
{
	*c = ids[--nr_ids];
}

static int handler(struct ib_cm_id *id, const struct ib_cm_event *ev)
{
	struct cons *c = find_cons(id);
	u32 choice = fuzz_take(cur_in, 1);

	FUZZ_ASSERT(ev->event <= IB_CM_DREQ_ERROR);
	if (ev->event == IB_CM_REQ_RECEIVED) {
		/* A new id: not the consumer's yet, and never a listener. */
		FUZZ_ASSERT(!c);
		FUZZ_ASSERT(to_priv(id)->state == IB_CM_REQ_RCVD);
		FUZZ_ASSERT(ev->msg && ev->msg->hdr.attr_id == CM_REQ_ATTR_ID);
		/* Refused (the CM rejects and destroys it), also when the
		 * consumer's table is full. */
		if (choice % 4 == 0 || nr_ids == MAX_IDS)
			return -ECONNREFUSED;
		c = &ids[nr_ids++];
		c->id = id;
		c->listener = false;
		c->last_event = ev->event;
		if (choice % 4 == 1) {
			struct cm_rep rep = { .local_qpn = 0x22,
					      .starting_psn = 7 };

			FUZZ_ASSERT(ib_send_cm_rep(id, &rep) == 0);
		}
		return 0;
	}
	/* Everything else goes to an id the consumer holds. */
	FUZZ_ASSERT(c && !c->listener);
	switch (ev->event) {
	case IB_CM_REP_RECEIVED:
		FUZZ_ASSERT(to_priv(id)->state == IB_CM_REP_RCVD);
		if (choice & 1)
			FUZZ_ASSERT(ib_send_cm_rtu(id) == 0);
		else if (choice & 2)
			FUZZ_ASSERT(ib_send_cm_rej(id, IB_CM_REJ_CONSUMER_DEFINED,
						   NULL, 0) == 0);
		break;
	case IB_CM_RTU_RECEIVED:
		FUZZ_ASSERT(to_priv(id)->state == IB_CM_ESTABLISHED);
		break;
	case IB_CM_REJ_RECEIVED:
	case IB_CM_REQ_ERROR:
	case IB_CM_REP_ERROR:
		FUZZ_ASSERT(to_priv(id)->state == IB_CM_IDLE);
		break;
	case IB_CM_DREQ_RECEIVED:
	case IB_CM_DREP_RECEIVED:
	case IB_CM_DREQ_ERROR:
		FUZZ_ASSERT(to_priv(id)->state == IB_CM_TIMEWAIT);
		break;
	default:
		break;
	}
	/* Events without a message are the timers'. */
	FUZZ_ASSERT((ev->msg == NULL) == (ev->event >= IB_CM_REQ_ERROR));
	c->last_event = ev->event;
	/* Now and then the consumer destroys the id in its handler. */
	if (choice >= 0xf0) {
		ib_destroy_cm_id(id);
		forget(c);
	}
	return 0;
}

/* The CM's ids are the consumer's, each in a state it may be in. */
static void check_ids(void)
{
	struct cm_id_priv *p;
	unsigned int n = 0;

	FUZZ_ASSERT(!cm.lock.held);
	list_for_each_entry(p, &cm.ids, node) {
		struct cons *c = find_cons(&p->id);

		n++;
		FUZZ_ASSERT(c);
		FUZZ_ASSERT(p->magic == CM_ID_MAGIC && !p->dead);
		FUZZ_ASSERT(p->refcount == 1);
		FUZZ_ASSERT(p->state <= IB_CM_TIMEWAIT);
		FUZZ_ASSERT((p->state == IB_CM_LISTEN) == c->listener);
		if (p->timer_on)
			FUZZ_ASSERT(p->state == IB_CM_REQ_SENT ||
				    p->state == IB_CM_REP_SENT ||
				    p->state == IB_CM_DREQ_SENT);
	}
	FUZZ_ASSERT(n == nr_ids);
	FUZZ_ASSERT(live_privs == (long)nr_ids);
}

/* --- operations ------------------------------------------------------- */

static struct ib_cm_id *new_id(bool listener)
{
	struct ib_cm_id *id;

	if (nr_ids == MAX_IDS)
		return NULL;
	id = ib_create_cm_id(&dev, handler, NULL);
	FUZZ_ASSERT(!IS_ERR_OR_NULL(id));
	ids[nr_ids++] = (struct cons){ .id = id, .listener = listener,
				       .last_event = -1 };
	return id;
}

static void op_connect(struct fuzz_in *in)
{
	u32 v = fuzz_take(in, 2);
	struct cm_req req = {
		.service_id = SERVICE(v & 3), .local_qpn = 0x11,
		.starting_psn = 0x100, .pkey = 0xffff, .path_mtu = IB_MTU_1024,
		.remote_cm_response_timeout = (v >> 2) & 31,
		.max_cm_retries = (v >> 7) & 15,
		.primary = { .local_ack_timeout = (v >> 11) & 31 },
	};
	struct ib_cm_id *id = new_id(false);

	if (!id)
		return;
	arp_fails = (v >> 2) == 0x3fff;
	ib_send_cm_req(id, v & 4 ? OTHER_IP : PEER_IP, &req);
	arp_fails = 0;
}

static void op_listen(struct fuzz_in *in)
{
	u32 v = fuzz_take(in, 1);
	struct ib_cm_id *id = new_id(true);

	if (!id)
		return;
	if (ib_cm_listen(id, SERVICE(v & 3))) {
		/* Taken: not a listener after all. */
		find_cons(id)->listener = false;
	}
}

static void op_consumer(struct fuzz_in *in)
{
	u32 v = fuzz_take(in, 1);
	struct cons *c;
	struct cm_rep rep = { .local_qpn = 0x33, .starting_psn = 9 };

	if (!nr_ids)
		return;
	c = &ids[(v >> 3) % nr_ids];
	switch (v & 7) {
	case 0:
		ib_send_cm_rep(c->id, &rep);
		break;
	case 1:
		ib_send_cm_rtu(c->id);
		break;
	case 2:
		ib_send_cm_rej(c->id, IB_CM_REJ_CONSUMER_DEFINED, "no", 2);
		break;
	case 3:
		ib_send_cm_dreq(c->id);
		break;
	case 4:
		if (!c->listener)
			ib_cm_listen(c->id, SERVICE(v >> 6));
		if (to_priv(c->id)->state == IB_CM_LISTEN)
			c->listener = true;
		break;
	default:
		ib_destroy_cm_id(c->id);
		forget(c);
		break;
	}
}

/* Feed the 256 bytes at @mad to the CM as if QP1 received them. */
static void receive(const u8 *mad, u32 src_ip, u32 damage)
{
	struct ib_wc wc = { .wr_id = damage % CM_RECV_BUFS,
			    .status = IB_WC_SUCCESS,
			    .opcode = IB_WC_RECV,
			    .byte_len = CM_GRH_BYTES + IB_MAD_BYTES,
			    .wc_flags = IB_WC_GRH, .src_qp = 1 };
	u8 *buf = cm.recv_bufs + wc.wr_id * CM_RECV_BYTES;

	memset(buf, 0, CM_GRH_BYTES);
	buf[20] = 0x45;
	put_be32(buf + 32, src_ip);
	put_be32(buf + 36, OUR_IP);
	memcpy(buf + CM_GRH_BYTES, mad, IB_MAD_BYTES);
	switch ((damage >> 8) & 15) {
	case 0:
		buf[CM_GRH_BYTES + ((damage >> 12) & 0xff)] ^= damage >> 20 | 1;
		break;
	case 1:
		wc.byte_len -= 1 + (damage >> 12) % 64;
		break;
	case 2:
		wc.src_qp = 2;
		break;
	case 3:
		put_be32(buf + 36, OTHER_IP);	/* not for us */
		break;
	case 4:
		buf[20] = 0x65;			/* not IPv4 */
		break;
	}
	cm_recv(&wc);
}

static void op_mad(struct fuzz_in *in)
{
	static const u16 attrs[] = {
		CM_REQ_ATTR_ID, CM_MRA_ATTR_ID, CM_REJ_ATTR_ID, CM_REP_ATTR_ID,
		CM_RTU_ATTR_ID, CM_DREQ_ATTR_ID, CM_DREP_ATTR_ID,
	};
	u32 kind = fuzz_take(in, 1), ids_sel = fuzz_take(in, 1);
	u32 f = fuzz_take(in, 4), damage = fuzz_take(in, 4);
	u32 local = fuzz_take(in, 4), remote = fuzz_take(in, 4);
	struct cm_msg m;
	u8 mad[IB_MAD_BYTES];

	memset(&m, 0, sizeof(m));
	m.hdr.attr_id = attrs[kind % ARRAY_SIZE(attrs)];
	m.hdr.tid = f;
	/* Right comm ids: the peer's id is its local, ours its remote. */
	if (nr_ids && (ids_sel & 3)) {
		struct ib_cm_id *id = ids[(ids_sel >> 2) % nr_ids].id;

		remote = id->local_id;
		if ((ids_sel & 3) != 3 || !id->remote_id)
			local = id->remote_id ? id->remote_id : local;
		if ((ids_sel & 3) == 2) {
			u32 t = local;

			local = remote;
			remote = t;
		}
	}
	switch (m.hdr.attr_id) {
	case CM_REQ_ATTR_ID:
		m.req.local_comm_id = local;
		m.req.service_id = SERVICE(f & 7);
		m.req.local_ca_guid = 0x0200000000000002ull ^ ((f >> 3) & 1);
		m.req.local_qpn = 0x44;
		m.req.transport_type = (f >> 4) % 8 == 0 ? 1 : 0;
		m.req.starting_psn = f & 0xffffff;
		m.req.pkey = 0xffff;
		m.req.path_mtu = IB_MTU_1024;
		m.req.max_cm_retries = (f >> 8) & 15;
		break;
	case CM_MRA_ATTR_ID:
		m.mra.local_comm_id = local;
		m.mra.remote_comm_id = remote;
		m.mra.msg_mraed = (f >> 4) % 3;
		m.mra.service_timeout = f & 31;
		break;
	case CM_REJ_ATTR_ID:
		m.rej.local_comm_id = local;
		m.rej.remote_comm_id = remote;
		m.rej.msg_rejected = (f >> 4) % 3;
		m.rej.reason = f >> 8 & 31;
		break;
	case CM_REP_ATTR_ID:
		m.rep.local_comm_id = local;
		m.rep.remote_comm_id = remote;
		m.rep.local_qpn = 0x55;
		m.rep.starting_psn = f & 0xffffff;
		m.rep.local_ca_guid = 0x0200000000000002ull;
		break;
	case CM_RTU_ATTR_ID:
		m.rtu.local_comm_id = local;
		m.rtu.remote_comm_id = remote;
		break;
	case CM_DREQ_ATTR_ID:
		m.dreq.local_comm_id = local;
		m.dreq.remote_comm_id = remote;
		m.dreq.remote_qpn = f & 0xffffff;
		break;
	case CM_DREP_ATTR_ID:
		m.drep.local_comm_id = local;
		m.drep.remote_comm_id = remote;
		break;
	}
	if (cm_msg_encode(mad, &m))
		return;
	receive(mad, kind & 0x80 ? OTHER_IP : PEER_IP,
		(damage & 0xf00) < 0x500 ? damage : (damage & ~0xf00u) | 0xf00);
}

static void op_echo(struct fuzz_in *in)
{
	u32 damage = fuzz_take(in, 4);

	if (have_sent)
		receive(last_sent, PEER_IP, damage | 0xf00);
}

static void op_time(struct fuzz_in *in)
{
	/* Up to 40 s. */
	now_ns += (u64)(fuzz_take(in, 2) + 1) * 610351;
	for (int i = 0; i < MAX_IDS; i++) {
		cm_timers();
		cm.sends_out = 0;
	}
}

static bool timers_on(void)
{
	struct cm_id_priv *p;

	list_for_each_entry(p, &cm.ids, node)
		if (p->timer_on)
			return true;
	return false;
}

/* cm_alloc_id()/cm_free_id() allocate with kzalloc()/kfree(): count the
 * ids through the list and the consumer instead of wrapping them. */
static void count_privs(void)
{
	struct cm_id_priv *p;

	live_privs = 0;
	list_for_each_entry(p, &cm.ids, node)
		live_privs++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };

	cur_in = &in;
	if (!cm.dev) {
		static const u8 mac[6] = { 2, 0, 0, 0, 0, 1 };

		memcpy(dev.mac, mac, sizeof(mac));
		memcpy(dev.name, "rxa", 4);
		ib_gid_from_ipv4(&dev.gid, OUR_IP);
		cm.dev = &dev;
		cm.qp = &fake_qp;
		cm.mr = &fake_mr;
		cm.recv_bufs = recv_area;
		cm.send_bufs = recv_area + CM_RECV_BUFS * CM_RECV_BYTES;
		cm.ca_guid = 0x0000000000000001ull;
		cm.task = &cm_task;
		mutex_init(&cm.lock);
		INIT_LIST_HEAD(&cm.ids);
	}
	cm.next_id = fuzz_take(&in, 4);
	have_sent = false;

	for (unsigned int n = 0; in.left && n < 200; n++) {
		switch (fuzz_take(&in, 1) % 8) {
		case 0:
			op_connect(&in);
			break;
		case 1:
			op_listen(&in);
			break;
		case 2:
			op_consumer(&in);
			break;
		case 3: case 4:
			op_mad(&in);
			break;
		case 5:
			op_echo(&in);
			break;
		default:
			op_time(&in);
			break;
		}
		/* QP1's send completions (the CM thread's part). */
		cm.sends_out = 0;
		count_privs();
		check_ids();
	}

	/* Every timer runs out (each retry period is at most ~2^31 * 4 us
	 * plus an MRA's wait: a few hours of simulated time per step). */
	for (int i = 0; i < 64 && timers_on(); i++) {
		now_ns += 1ull << 44;
		for (int k = 0; k < MAX_IDS; k++) {
			cm_timers();
			cm.sends_out = 0;
		}
	}
	FUZZ_ASSERT(!timers_on());
	count_privs();
	check_ids();
	while (nr_ids) {
		ib_destroy_cm_id(ids[0].id);
		forget(&ids[0]);
	}
	FUZZ_ASSERT(list_empty(&cm.ids));
	return 0;
}

/* --- seeds ------------------------------------------------------------ */

void fuzz_seeds(fuzz_emit_fn emit)
{
	/* Passive: listen on service 0, a REQ for it (accepted with a REP
	 * at once), its RTU, then a DREQ; time runs out. */
	static const u8 passive[] = {
		0x01, 0, 0, 0,		/* next_id */
		0x01, 0x00,		/* listen service 0 */
		0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  0x00, 0x0f, 0x00, 0x00,
		0x10, 0, 0, 0, 0x20, 0, 0, 0,
		0x01,			/* handler: REP at once */
		0x03, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0f, 0x00, 0x00,
		0, 0, 0, 0, 0, 0, 0, 0,	/* RTU, right ids */
		0x00,
		0x03, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0f, 0x00, 0x00,
		0, 0, 0, 0, 0, 0, 0, 0,	/* DREQ, right ids */
		0x00,
		0x06, 0xff, 0xff, 0xff,
	};
	/* Active: connect, the peer's REP (RTU), then the peer's DREQ. */
	static const u8 active[] = {
		0x02, 0, 0, 0,
		0x00, 0x50, 0x01,	/* connect, service 0, retries 2 */
		0x03, 0x03, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0f, 0x00, 0x00,
		0x77, 0, 0, 0, 0, 0, 0, 0,	/* REP, right ids */
		0x01,			/* handler: RTU */
		0x03, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0f, 0x00, 0x00,
		0, 0, 0, 0, 0, 0, 0, 0,
		0x00,
		0x06, 0xff, 0xff, 0xff,
	};
	/* Active, nobody answers: the REQ times out. */
	static const u8 timeout[] = {
		0x03, 0, 0, 0,
		0x00, 0x50, 0x01,
		0x06, 0xff, 0xff, 0xff, 0x06, 0xff, 0xff, 0xff,
	};

	emit("passive", passive, sizeof(passive));
	emit("active", active, sizeof(active));
	emit("timeout", timeout, sizeof(timeout));
}
