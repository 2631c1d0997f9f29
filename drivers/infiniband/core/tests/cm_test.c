/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KTAP suite "ib_cm": the IB CM (cm.c) on rxe0 connected to itself (rxe
 * loops QP1's MADs back), with the real CM thread delivering the events.
 * Besides a plain connect/disconnect and the rejects, it checks the
 * lifetime of an id against that thread: a test hook
 * (ib_cm_test_dispatch_hook) stops the CM thread after it has picked an
 * id for an event and before it delivers it, and the test destroys that
 * id (or the listener of a REQ) in the window.  ib_destroy_cm_id() must
 * not return while the CM thread still holds the id, and no handler may
 * run for an id once its destroy has returned.  Without rxe0 (no network
 * interface) every case is skipped.  Two-node CM scenarios are in
 * tests/cluster/test_rdma.py.
 *
 * Authentication (struct ib_cm_auth_ops): the test's seal writes one
 * byte per side into the private data and its verify wants KT_SEAL_OK;
 * an RTU or DREQ with another byte must change nothing on the receiver
 * (no event, no DREP, its state kept) and be counted.  The limit on ids
 * set up for REQs is lowered to 2 and a third REQ must get REJ "no
 * resources" while the first two are held.
 */
#include "../internal.h"

#include <tessera/completion.h>
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
/* How long the CM thread is held in the window (destroy must not end). */
#define KT_WINDOW_MS		300
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
	u8 seal;		/* auth: the byte its RTU/DREQ/DREP carry */
	int verified, refused;	/* auth: messages its verify saw */
};

#define KT_SEAL_OK		0xa5

static struct {
	struct kt_side l, a, p;	/* listener, active, passive */
	struct ib_cm_id *listen, *active, *passive;
	u32 ip;
} kt;

static DECLARE_WAIT_QUEUE_HEAD(kt_wq);

/* The window: the CM thread waits in the hook for "go" or a timeout. */
static struct {
	bool armed;
	struct ib_cm_id *id;	/* NULL: any id */
	enum ib_cm_event_type event;
	struct completion in_window, go, done;
	bool released_early;	/* "go" came before the timeout */
} kt_hook;

static void kt_dispatch_hook(struct ib_cm_id *id,
			     const struct ib_cm_event *ev)
{
	if (!READ_ONCE(kt_hook.armed) || ev->event != kt_hook.event ||
	    (kt_hook.id && id != kt_hook.id))
		return;
	WRITE_ONCE(kt_hook.armed, false);
	complete(&kt_hook.in_window);
	kt_hook.released_early = wait_for_completion_timeout(&kt_hook.go,
				msecs_to_jiffies(KT_WINDOW_MS)) != 0;
	complete(&kt_hook.done);
}

static void kt_hook_arm(struct ib_cm_id *id, enum ib_cm_event_type event)
{
	init_completion(&kt_hook.in_window);
	init_completion(&kt_hook.go);
	init_completion(&kt_hook.done);
	kt_hook.id = id;
	kt_hook.event = event;
	kt_hook.released_early = false;
	WRITE_ONCE(kt_hook.armed, true);
}

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
	kt_hook.armed = false;
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

/* Wait for the handler of @s to have seen @ev; false after 5 s. */
static bool kt_saw(struct kt_side *s, enum ib_cm_event_type ev)
{
	return wait_event_timeout(kt_wq, READ_ONCE(s->nr[ev]) > 0,
				  msecs_to_jiffies(KT_EVENT_MS)) != 0;
}

/* Up to ESTABLISHED on both ids. */
static bool kt_connect(struct ktest *t)
{
	KT_EXPECT_EQ(t, kt_send_req(18, 3), 0);
	if (!kt_saw(&kt.p, IB_CM_RTU_RECEIVED)) {
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
	KT_EXPECT_TRUE(t, kt_saw(&kt.a, IB_CM_DREP_RECEIVED));
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
	KT_EXPECT_TRUE(t, kt_saw(&kt.a, IB_CM_REJ_RECEIVED));
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
	KT_EXPECT_TRUE(t, kt_saw(&kt.a, IB_CM_REJ_RECEIVED));
	KT_EXPECT_EQ(t, kt.a.rej_reason, IB_CM_REJ_INVALID_SERVICE_ID);
	kt_teardown();
}

/*
 * Hold the CM thread in the window of the armed event, destroy *@id from
 * here meanwhile, then let the thread go.  Destroy must wait for the CM
 * thread (the hook's wait times out first) and the event must not be
 * delivered; before the fix it returned at once and the CM thread then
 * called the handler through the freed id.
 */
static void kt_destroy_in_window(struct ktest *t, struct ib_cm_id **id,
				 struct kt_side *s, enum ib_cm_event_type ev)
{
	const struct ib_cm_counters *c = ib_cm_counters();
	unsigned long long dropped = c->dropped_events;

	if (!wait_for_completion_timeout(&kt_hook.in_window,
					 msecs_to_jiffies(KT_EVENT_MS))) {
		KT_FAIL(t, "the CM thread never picked event %d", ev);
		return;
	}
	kt_destroy(id, s);
	complete(&kt_hook.go);
	KT_EXPECT_TRUE(t, wait_for_completion_timeout(&kt_hook.done,
				msecs_to_jiffies(KT_EVENT_MS)) != 0);
	KT_EXPECT_FALSE(t, kt_hook.released_early);
	KT_EXPECT_EQ(t, s->nr[ev], 0);
	KT_EXPECT_EQ(t, s->late_calls, 0);
	KT_EXPECT_EQ(t, c->dropped_events, dropped + 1);
	KT_EXPECT_EQ(t, c->bad_dispatch, 0);
}

/* The crash seen in fit_echo: a DREQ for an id its consumer destroys. */
static void ib_cm_destroy_vs_dreq(struct ktest *t)
{
	KT_SETUP(t, KT_REQ_ACCEPT);
	if (!kt_connect(t))
		goto out;
	kt_hook_arm(kt.passive, IB_CM_DREQ_RECEIVED);
	KT_EXPECT_EQ(t, ib_send_cm_dreq(kt.active), 0);
	kt_destroy_in_window(t, &kt.passive, &kt.p, IB_CM_DREQ_RECEIVED);
	/* The CM answered the DREQ before it looked for a handler. */
	KT_EXPECT_TRUE(t, kt_saw(&kt.a, IB_CM_DREP_RECEIVED));
out:
	kt_teardown();
}

/* A retransmission timeout (REQ retries exhausted) against destroy. */
static void ib_cm_destroy_vs_timeout(struct ktest *t)
{
	KT_SETUP(t, KT_REQ_HOLD);
	kt_hook_arm(kt.active, IB_CM_REQ_ERROR);
	/* 2 * 33 ms per try, one retry: the timer fires within ~150 ms. */
	KT_EXPECT_EQ(t, kt_send_req(13, 1), 0);
	kt_destroy_in_window(t, &kt.active, &kt.a, IB_CM_REQ_ERROR);
	KT_EXPECT_EQ(t, kt.l.nr[IB_CM_REQ_RECEIVED], 1);
	kt_teardown();
}

/*
 * The listener destroyed while a REQ for it is on its way to the
 * handler (which gets the listener's context): destroy waits, the REQ
 * is not delivered and the peer gets REJ "invalid service ID".
 */
static void ib_cm_destroy_listener_vs_req(struct ktest *t)
{
	KT_SETUP(t, KT_REQ_ACCEPT);
	kt_hook_arm(NULL, IB_CM_REQ_RECEIVED);
	KT_EXPECT_EQ(t, kt_send_req(18, 3), 0);
	kt_destroy_in_window(t, &kt.listen, &kt.l, IB_CM_REQ_RECEIVED);
	KT_EXPECT_NULL(t, kt.passive);
	KT_EXPECT_TRUE(t, kt_saw(&kt.a, IB_CM_REJ_RECEIVED));
	KT_EXPECT_EQ(t, kt.a.rej_reason, IB_CM_REJ_INVALID_SERVICE_ID);
	kt_teardown();
}

/* Destroying an id from its own handler frees it after the handler. */
static int kt_self_destroy_handler(struct ib_cm_id *id,
				   const struct ib_cm_event *ev)
{
	struct kt_side *s = id->context;

	if (ev->event == IB_CM_REJ_RECEIVED) {
		s->rej_reason = ev->msg->rej.reason;
		ib_destroy_cm_id(id);
		/* Still ours until we return. */
		s->late_calls += id->context != s;
		WRITE_ONCE(s->destroyed, true);
	}
	s->nr[ev->event]++;
	wake_up_all(&kt_wq);
	return 0;
}

static void ib_cm_destroy_from_handler(struct ktest *t)
{
	KT_SETUP(t, KT_REQ_REFUSE);
	ib_destroy_cm_id(kt.active);
	kt.active = ib_create_cm_id(&rxe_net_dev()->ib,
				    kt_self_destroy_handler, &kt.a);
	if (IS_ERR(kt.active)) {
		KT_FAIL(t, "ib_create_cm_id: %ld", PTR_ERR(kt.active));
		kt.active = NULL;
		goto out;
	}
	KT_EXPECT_EQ(t, kt_send_req(18, 3), 0);
	KT_EXPECT_TRUE(t, kt_saw(&kt.a, IB_CM_REJ_RECEIVED));
	KT_EXPECT_TRUE(t, kt.a.destroyed);
	KT_EXPECT_EQ(t, kt.a.rej_reason, IB_CM_REJ_CONSUMER_DEFINED);
	KT_EXPECT_EQ(t, kt.a.late_calls, 0);
	kt.active = NULL;	/* gone with its handler */
out:
	kt_teardown();
}

/* ---------------------------------------------------- authentication */

static u8 *kt_pdata(struct cm_msg *m)
{
	switch (m->hdr.attr_id) {
	case CM_RTU_ATTR_ID:
		return m->rtu.private_data;
	case CM_DREQ_ATTR_ID:
		return m->dreq.private_data;
	case CM_DREP_ATTR_ID:
		return m->drep.private_data;
	}
	return NULL;
}

static void kt_seal(struct ib_cm_id *id, struct cm_msg *m)
{
	struct kt_side *s = id->context;
	u8 *p = kt_pdata(m);

	if (p)
		p[0] = s->seal;
}

static int kt_verify(struct ib_cm_id *id, const struct cm_msg *m)
{
	struct kt_side *s = id->context;
	const u8 *p = kt_pdata((struct cm_msg *)m);
	int ret = p && p[0] == KT_SEAL_OK ? 0 : -EBADMSG;

	if (ret)
		s->refused++;
	else
		s->verified++;
	wake_up_all(&kt_wq);
	return ret;
}

static const struct ib_cm_auth_ops kt_auth = {
	.seal = kt_seal,
	.verify = kt_verify,
};

/* Listener and active id with kt_auth, before any message. */
static void kt_setup_auth(void)
{
	kt.listen->auth = &kt_auth;
	kt.active->auth = &kt_auth;
	kt.l.seal = kt.a.seal = kt.p.seal = KT_SEAL_OK;
}

/*
 * Wait for @s's verify to have refused a message.  The CM counts it
 * after verify returns, under cm.lock: a CM call of the test (which
 * takes cm.lock) afterwards sees the count.
 */
static bool kt_refused(struct kt_side *s)
{
	return wait_event_timeout(kt_wq, READ_ONCE(s->refused) > 0,
				  msecs_to_jiffies(KT_EVENT_MS)) != 0;
}

/* Sealed RTU and DREQ/DREP: a connection comes up and goes down. */
static void ib_cm_auth_sealed(struct ktest *t)
{
	const struct ib_cm_counters *c = ib_cm_counters();
	unsigned long long refused = c->unauthenticated;

	KT_SETUP(t, KT_REQ_ACCEPT);
	kt_setup_auth();
	if (!kt_connect(t))
		goto out;
	KT_EXPECT_EQ(t, ib_send_cm_dreq(kt.active), 0);
	KT_EXPECT_TRUE(t, kt_saw(&kt.a, IB_CM_DREP_RECEIVED));
	KT_EXPECT_EQ(t, kt.p.nr[IB_CM_DREQ_RECEIVED], 1);
	/* The passive id verified the RTU and the DREQ, the active the DREP. */
	KT_EXPECT_EQ(t, kt.p.verified, 2);
	KT_EXPECT_EQ(t, kt.a.verified, 1);
	KT_EXPECT_EQ(t, c->unauthenticated, refused);
out:
	kt_teardown();
}

/* An RTU without the seal: the passive id stays in REP_SENT. */
static void ib_cm_auth_rtu_refused(struct ktest *t)
{
	const struct ib_cm_counters *c = ib_cm_counters();
	unsigned long long refused = c->unauthenticated;

	KT_SETUP(t, KT_REQ_ACCEPT);
	kt_setup_auth();
	kt.a.seal = 0;
	KT_EXPECT_EQ(t, kt_send_req(18, 3), 0);
	KT_EXPECT_TRUE(t, kt_refused(&kt.p));
	/* Still waiting for the RTU: it may reject, as in REP_SENT only. */
	KT_EXPECT_EQ(t, ib_send_cm_rej(kt.passive, IB_CM_REJ_TIMEOUT, NULL,
				       0), 0);
	KT_EXPECT_EQ(t, kt.p.nr[IB_CM_RTU_RECEIVED], 0);
	/* At least: the REP may have been resent, and the RTU with it. */
	KT_EXPECT_TRUE(t, c->unauthenticated >= refused + 1);
	kt_teardown();
}

/*
 * A forged DREQ (wrong seal) for an established connection: the passive
 * id gets no event, sends no DREP and stays ESTABLISHED (it can still
 * send its own DREQ, which the active id takes).
 */
static void ib_cm_auth_dreq_refused(struct ktest *t)
{
	const struct ib_cm_counters *c = ib_cm_counters();
	unsigned long long refused = c->unauthenticated;

	KT_SETUP(t, KT_REQ_ACCEPT);
	kt_setup_auth();
	if (!kt_connect(t))
		goto out;
	kt.a.seal = 0x5a;
	KT_EXPECT_EQ(t, ib_send_cm_dreq(kt.active), 0);
	KT_EXPECT_TRUE(t, kt_refused(&kt.p));
	/* Still ESTABLISHED: its own DREQ goes, and is answered. */
	kt.a.seal = KT_SEAL_OK;
	KT_EXPECT_EQ(t, ib_send_cm_dreq(kt.passive), 0);
	KT_EXPECT_EQ(t, kt.p.nr[IB_CM_DREQ_RECEIVED], 0);
	KT_EXPECT_TRUE(t, c->unauthenticated >= refused + 1);
	KT_EXPECT_TRUE(t, kt_saw(&kt.a, IB_CM_DREQ_RECEIVED));
	KT_EXPECT_TRUE(t, kt_saw(&kt.p, IB_CM_DREP_RECEIVED));
	/*
	 * No DREP answered the forged DREQ: one would have reached the
	 * active id (in DREQ_SENT) before the passive id's DREQ.
	 */
	KT_EXPECT_EQ(t, kt.a.nr[IB_CM_DREP_RECEIVED], 0);
out:
	kt_teardown();
}

/* ------------------------------------------------------- the id limit */

static struct ib_cm_id *kt_held[4];
static int kt_nr_held;

/* Keeps every REQ's id (REQ_RCVD), answering nothing. */
static int kt_hold_handler(struct ib_cm_id *id, const struct ib_cm_event *ev)
{
	if (ev->event == IB_CM_REQ_RECEIVED &&
	    kt_nr_held < (int)ARRAY_SIZE(kt_held)) {
		kt_held[kt_nr_held] = id;
		WRITE_ONCE(kt_nr_held, kt_nr_held + 1);
		id->context = NULL;
		wake_up_all(&kt_wq);
	}
	return 0;
}

/* Three REQs from three ids, two held: the third gets REJ no resources. */
static void kt_limit_case(struct ktest *t, unsigned int per_ip,
			  unsigned int all)
{
	const struct ib_cm_counters *c = ib_cm_counters();
	unsigned long long over = c->over_limit;
	unsigned int old_ip = cm_max_connecting_per_ip;
	unsigned int old_all = cm_max_connecting;
	struct ib_cm_id *act[3] = { 0 };
	struct kt_side sides[3] = { 0 };
	struct ib_cm_id *saved;

	KT_SETUP(t, KT_REQ_HOLD);
	ib_destroy_cm_id(kt.listen);
	kt.listen = ib_create_cm_id(&rxe_net_dev()->ib, kt_hold_handler,
				    NULL);
	KT_ASSERT_FALSE(t, IS_ERR(kt.listen));
	KT_EXPECT_EQ(t, ib_cm_listen(kt.listen, KT_SERVICE), 0);
	kt_nr_held = 0;
	WRITE_ONCE(cm_max_connecting_per_ip, per_ip);
	WRITE_ONCE(cm_max_connecting, all);
	saved = kt.active;
	for (int i = 0; i < 3; i++) {
		act[i] = ib_create_cm_id(&rxe_net_dev()->ib, kt_handler,
					 &sides[i]);
		if (IS_ERR(act[i])) {
			act[i] = NULL;
			KT_FAIL(t, "ib_create_cm_id");
			goto out;
		}
		kt.active = act[i];
		KT_EXPECT_EQ(t, kt_send_req(18, 3), 0);
		/* One at a time: the held ones are in REQ_RCVD first. */
		if (i < 2)
			KT_EXPECT_TRUE(t, wait_event_timeout(kt_wq,
				READ_ONCE(kt_nr_held) == i + 1,
				msecs_to_jiffies(KT_EVENT_MS)) != 0);
	}
	KT_EXPECT_TRUE(t, kt_saw(&sides[2], IB_CM_REJ_RECEIVED));
	KT_EXPECT_EQ(t, sides[2].rej_reason, IB_CM_REJ_NO_RESOURCES);
	KT_EXPECT_EQ(t, kt_nr_held, 2);
	KT_EXPECT_EQ(t, c->over_limit, over + 1);
	KT_EXPECT_EQ(t, sides[0].nr[IB_CM_REJ_RECEIVED], 0);
	KT_EXPECT_EQ(t, sides[1].nr[IB_CM_REJ_RECEIVED], 0);
out:
	WRITE_ONCE(cm_max_connecting_per_ip, old_ip);
	WRITE_ONCE(cm_max_connecting, old_all);
	kt.active = saved;
	for (int i = 0; i < 3; i++)
		if (act[i])
			ib_destroy_cm_id(act[i]);
	for (int i = 0; i < kt_nr_held; i++)
		ib_destroy_cm_id(kt_held[i]);
	kt_nr_held = 0;
	kt_teardown();
}

static void ib_cm_req_limit_per_ip(struct ktest *t)
{
	kt_limit_case(t, 2, 1024);
}

static void ib_cm_req_limit_total(struct ktest *t)
{
	kt_limit_case(t, 64, 2);
}

static struct ktest_case ib_cm_cases[] = {
	KTEST_CASE(ib_cm_loopback_connect),
	KTEST_CASE(ib_cm_handler_refuses),
	KTEST_CASE(ib_cm_no_listener),
	KTEST_CASE(ib_cm_destroy_vs_dreq),
	KTEST_CASE(ib_cm_destroy_vs_timeout),
	KTEST_CASE(ib_cm_destroy_listener_vs_req),
	KTEST_CASE(ib_cm_destroy_from_handler),
	KTEST_CASE(ib_cm_auth_sealed),
	KTEST_CASE(ib_cm_auth_rtu_refused),
	KTEST_CASE(ib_cm_auth_dreq_refused),
	KTEST_CASE(ib_cm_req_limit_per_ip),
	KTEST_CASE(ib_cm_req_limit_total),
	{}
};

static int ib_cm_suite_init(void)
{
	ib_cm_test_dispatch_hook = kt_dispatch_hook;
	return 0;
}

KTEST_SUITE_INIT(ib_cm, ib_cm_cases, ib_cm_suite_init);
