/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KTAP suite "ib_cm": the IB CM (cm.c) on rxe0 connected to itself (rxe
 * loops QP1's MADs back), with the real CM thread delivering the events.
 * It connects, disconnects, and checks the rejects for a refused REQ and
 * for a service nobody listens on.  Without rxe0 (no network
 * interface) every case is skipped.  Two-node CM scenarios are in
 * tests/cluster/test_rdma.py.
 */
#include <tessera/errno.h>
#include <tessera/ktest.h>
#include <tessera/rdma/cm.h>
#include <tessera/rdma/rxe.h>
#include <tessera/string.h>
#include <tessera/timer.h>
#include <tessera/wait.h>

/* Outside RDMA_PS_TCP: nothing else on the node listens there. */
#define KT_SERVICE		0x1000000000007a00ull
#define KT_EVENT_MS		5000
#define KT_NR_EVENTS		(IB_CM_DREQ_ERROR + 1)

enum kt_req_mode {
	KT_REQ_ACCEPT,		/* REP from the handler */
	KT_REQ_HOLD,		/* keep the id, answer nothing */
	KT_REQ_REFUSE,		/* return non-zero: the CM rejects */
};

/* What one id (or, for REQs, its listener) saw; the handler's context. */
struct kt_side {
	enum kt_req_mode mode;
	int nr[KT_NR_EVENTS];
	u16 rej_reason;
	bool destroyed;		/* its ib_destroy_cm_id() has returned */
	int late_calls;		/* handler calls after that: the bug */
};

static struct {
	struct kt_side l, a, p;	/* listener, active, passive */
	struct ib_cm_id *listen, *active, *passive;
	u32 ip;
} kt;

static DECLARE_WAIT_QUEUE_HEAD(kt_wq);

static int kt_handler(struct ib_cm_id *id, const struct ib_cm_event *ev)
{
	struct kt_side *s = id->context;
	struct cm_rep rep = {
		.local_qpn = 0x124, .starting_psn = 0x4321,
		.responder_resources = 1, .initiator_depth = 1,
		.rnr_retry_count = 7,
	};
	int ret = 0;

	if (READ_ONCE(s->destroyed))
		s->late_calls++;
	switch (ev->event) {
	case IB_CM_REQ_RECEIVED:
		if (s->mode == KT_REQ_REFUSE) {
			ret = -ECONNREFUSED;
			break;
		}
		kt.passive = id;
		id->context = &kt.p;
		if (s->mode == KT_REQ_ACCEPT && ib_send_cm_rep(id, &rep))
			s->late_calls += 1000;	/* shows as a failure */
		break;
	case IB_CM_REP_RECEIVED:
		ib_send_cm_rtu(id);
		break;
	case IB_CM_REJ_RECEIVED:
		s->rej_reason = ev->msg->rej.reason;
		break;
	default:
		break;
	}
	s->nr[ev->event]++;
	wake_up_all(&kt_wq);
	return ret;
}

/* A listener with @mode and an active id; 0, or -ENODEV without rxe0. */
static int kt_setup(struct ktest *t, enum kt_req_mode mode)
{
	struct rxe_dev *rxe = rxe_net_dev();

	memset(&kt, 0, sizeof(kt));
	if (!rxe)
		return -ENODEV;
	kt.ip = rxe->ip;
	kt.l.mode = mode;
	kt.listen = ib_create_cm_id(&rxe->ib, kt_handler, &kt.l);
	if (IS_ERR(kt.listen))
		return PTR_ERR(kt.listen);
	kt.active = ib_create_cm_id(&rxe->ib, kt_handler, &kt.a);
	if (IS_ERR(kt.active)) {
		ib_destroy_cm_id(kt.listen);
		return PTR_ERR(kt.active);
	}
	KT_EXPECT_EQ(t, ib_cm_listen(kt.listen, KT_SERVICE), 0);
	return 0;
}

#define KT_SETUP(t, mode) do {						\
	int __r = kt_setup(t, mode);					\
	if (__r == -ENODEV)						\
		KT_SKIP(t, "no rxe0: boot with a network interface");	\
	KT_ASSERT_EQ(t, __r, 0);					\
} while (0)

/* Destroy what is left; @id set to NULL, its side marked destroyed. */
static void kt_destroy(struct ib_cm_id **id, struct kt_side *s)
{
	if (!*id)
		return;
	ib_destroy_cm_id(*id);
	WRITE_ONCE(s->destroyed, true);
	*id = NULL;
}

static void kt_teardown(void)
{
	kt_destroy(&kt.passive, &kt.p);
	kt_destroy(&kt.active, &kt.a);
	kt_destroy(&kt.listen, &kt.l);
}

/* REQ from the active id to ourselves; @timeout: IBA code of each wait. */
static int kt_send_req(u8 timeout, u8 retries)
{
	struct cm_req req = {
		.service_id = KT_SERVICE,
		.local_qpn = 0x123, .starting_psn = 0x1234,
		.responder_resources = 1, .initiator_depth = 1,
		.remote_cm_response_timeout = timeout,
		.local_cm_response_timeout = timeout,
		.retry_count = 7, .rnr_retry_count = 7,
		.pkey = IB_DEFAULT_PKEY, .path_mtu = IB_MTU_1024,
		.max_cm_retries = retries,
		.primary = { .local_lid = 0xffff, .remote_lid = 0xffff,
			     .hop_limit = 64, .local_ack_timeout = timeout },
	};

	ib_gid_from_ipv4(&req.primary.local_gid, kt.ip);
	ib_gid_from_ipv4(&req.primary.remote_gid, kt.ip);
	return ib_send_cm_req(kt.active, kt.ip, &req);
}

#define KT_WAIT(cond)							\
	(wait_event_timeout(kt_wq, (cond), msecs_to_jiffies(KT_EVENT_MS)) != 0)

/* Up to ESTABLISHED on both ids. */
static bool kt_connect(struct ktest *t)
{
	KT_EXPECT_EQ(t, kt_send_req(18, 3), 0);
	if (!KT_WAIT(READ_ONCE(kt.p.nr[IB_CM_RTU_RECEIVED]) > 0)) {
		KT_FAIL(t, "no RTU on the passive id (REQ %d REP %d)",
			kt.l.nr[IB_CM_REQ_RECEIVED],
			kt.a.nr[IB_CM_REP_RECEIVED]);
		return false;
	}
	return true;
}

static void ib_cm_loopback_connect(struct ktest *t)
{
	KT_SETUP(t, KT_REQ_ACCEPT);
	if (!kt_connect(t))
		goto out;
	KT_EXPECT_EQ(t, kt.l.nr[IB_CM_REQ_RECEIVED], 1);
	KT_EXPECT_EQ(t, kt.a.nr[IB_CM_REP_RECEIVED], 1);
	KT_EXPECT_EQ(t, kt.p.nr[IB_CM_RTU_RECEIVED], 1);
	KT_EXPECT_EQ(t, ib_send_cm_dreq(kt.active), 0);
	KT_EXPECT_TRUE(t, KT_WAIT(READ_ONCE(kt.a.nr[IB_CM_DREP_RECEIVED])));
	KT_EXPECT_EQ(t, kt.p.nr[IB_CM_DREQ_RECEIVED], 1);
	/* Not connected any more: a second DREQ is refused. */
	KT_EXPECT_EQ(t, ib_send_cm_dreq(kt.active), -EINVAL);
out:
	kt_teardown();
	KT_EXPECT_EQ(t, kt.a.late_calls + kt.p.late_calls + kt.l.late_calls,
		     0);
}

/* A REQ handler's non-zero return: REJ "consumer defined", id gone. */
static void ib_cm_handler_refuses(struct ktest *t)
{
	KT_SETUP(t, KT_REQ_REFUSE);
	KT_EXPECT_EQ(t, kt_send_req(18, 3), 0);
	KT_EXPECT_TRUE(t, KT_WAIT(READ_ONCE(kt.a.nr[IB_CM_REJ_RECEIVED])));
	KT_EXPECT_EQ(t, kt.a.rej_reason, IB_CM_REJ_CONSUMER_DEFINED);
	KT_EXPECT_EQ(t, kt.l.nr[IB_CM_REQ_RECEIVED], 1);
	KT_EXPECT_NULL(t, kt.passive);
	kt_teardown();
}

/* A REQ for a service nobody listens on: REJ "invalid service ID". */
static void ib_cm_no_listener(struct ktest *t)
{
	KT_SETUP(t, KT_REQ_ACCEPT);
	kt_destroy(&kt.listen, &kt.l);
	KT_EXPECT_EQ(t, kt_send_req(18, 3), 0);
	KT_EXPECT_TRUE(t, KT_WAIT(READ_ONCE(kt.a.nr[IB_CM_REJ_RECEIVED])));
	KT_EXPECT_EQ(t, kt.a.rej_reason, IB_CM_REJ_INVALID_SERVICE_ID);
	kt_teardown();
}

static struct ktest_case ib_cm_cases[] = {
	KTEST_CASE(ib_cm_loopback_connect),
	KTEST_CASE(ib_cm_handler_refuses),
	KTEST_CASE(ib_cm_no_listener),
	{}
};

KTEST_SUITE(ib_cm, ib_cm_cases);
