/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KTAP suite "rdma_cm": the RDMA CM (cma.c) on rxe0 connected to itself,
 * with RC QPs and the real CM thread: connect, accept, disconnect; then
 * rdma_destroy_id() racing the delivery of an event, using the IB CM's
 * dispatch hook (as the "ib_cm" suite does) to hold the CM thread between
 * picking the id and calling its handler: the passive id destroyed while
 * the peer's DREQ is on its way (FIT tearing a connection down while its
 * peer does), and the listener destroyed while a REQ for it is.  Destroy
 * must wait for the CM thread, and no handler may run for an id once its
 * destroy has returned.  Skipped without rxe0.
 */
#include "../internal.h"

#include <tessera/completion.h>
#include <tessera/errno.h>
#include <tessera/ktest.h>
#include <tessera/rdma/rdma_cm.h>
#include <tessera/rdma/rxe.h>
#include <tessera/string.h>
#include <tessera/timer.h>
#include <tessera/wait.h>

#define KC_PORT			40123
#define KC_SERVICE		((u64)RDMA_PS_TCP << 16 | KC_PORT)
#define KC_EVENT_MS		5000
#define KC_WINDOW_MS		300
#define KC_NR_EVENTS		(RDMA_CM_EVENT_TIMEOUT + 1)

struct kc_side {
	int nr[KC_NR_EVENTS];
	int status;		/* of REJECTED */
	bool destroyed;		/* its rdma_destroy_id() has returned */
	int late_calls;		/* handler calls after that: the bug */
	int errors;		/* what the handler could not do */
};

static struct {
	struct kc_side l, a, p;
	struct rdma_cm_id *listen, *active, *passive;
	struct ib_pd *pd;
	struct ib_cq *cq;
	u32 ip;
} kc;

static DECLARE_WAIT_QUEUE_HEAD(kc_wq);

static struct {
	bool armed;
	enum ib_cm_event_type event;
	struct completion in_window, go, done;
	bool released_early;
} kc_hook;

static void kc_dispatch_hook(struct ib_cm_id *id,
			     const struct ib_cm_event *ev)
{
	if (!READ_ONCE(kc_hook.armed) || ev->event != kc_hook.event ||
	    id->service_id != KC_SERVICE)
		return;
	WRITE_ONCE(kc_hook.armed, false);
	complete(&kc_hook.in_window);
	kc_hook.released_early = wait_for_completion_timeout(&kc_hook.go,
				msecs_to_jiffies(KC_WINDOW_MS)) != 0;
	complete(&kc_hook.done);
}

static void kc_hook_arm(enum ib_cm_event_type event)
{
	init_completion(&kc_hook.in_window);
	init_completion(&kc_hook.go);
	init_completion(&kc_hook.done);
	kc_hook.event = event;
	kc_hook.released_early = false;
	WRITE_ONCE(kc_hook.armed, true);
}

static void kc_conn_param(struct rdma_conn_param *param)
{
	memset(param, 0, sizeof(*param));
	param->responder_resources = 1;
	param->initiator_depth = 1;
	param->retry_count = 7;
	param->rnr_retry_count = 7;
}

static int kc_create_qp(struct rdma_cm_id *id)
{
	struct ib_qp_init_attr init = {
		.cap = { .max_send_wr = 8, .max_recv_wr = 8,
			 .max_send_sge = 1, .max_recv_sge = 1 },
		.sq_sig_type = IB_SIGNAL_ALL_WR, .qp_type = IB_QPT_RC,
		.send_cq = kc.cq, .recv_cq = kc.cq,
	};

	return rdma_create_qp(id, kc.pd, &init);
}

static int kc_handler(struct rdma_cm_id *id, const struct rdma_cm_event *ev)
{
	struct kc_side *s = id->context;
	struct rdma_conn_param param;

	if (READ_ONCE(s->destroyed))
		s->late_calls++;
	switch (ev->event) {
	case RDMA_CM_EVENT_CONNECT_REQUEST:
		kc.passive = id;
		id->context = &kc.p;
		kc_conn_param(&param);
		if (kc_create_qp(id) || rdma_accept(id, &param))
			s->errors++;
		break;
	case RDMA_CM_EVENT_REJECTED:
		s->status = ev->status;
		break;
	default:
		break;
	}
	s->nr[ev->event]++;
	wake_up_all(&kc_wq);
	return 0;
}

static bool kc_saw(struct kc_side *s, enum rdma_cm_event_type ev)
{
	return wait_event_timeout(kc_wq, READ_ONCE(s->nr[ev]) > 0,
				  msecs_to_jiffies(KC_EVENT_MS)) != 0;
}

static void kc_destroy(struct rdma_cm_id **id, struct kc_side *s)
{
	if (!*id)
		return;
	rdma_destroy_id(*id);
	WRITE_ONCE(s->destroyed, true);
	*id = NULL;
}

static void kc_teardown(void)
{
	kc_hook.armed = false;
	kc_destroy(&kc.passive, &kc.p);
	kc_destroy(&kc.active, &kc.a);
	kc_destroy(&kc.listen, &kc.l);
	if (!IS_ERR_OR_NULL(kc.cq))
		ib_destroy_cq(kc.cq);
	if (!IS_ERR_OR_NULL(kc.pd))
		ib_dealloc_pd(kc.pd);
}

/* Listener on KC_PORT and an active id with its QP; -ENODEV: no rxe0. */
static int kc_setup(void)
{
	struct rxe_dev *rxe = rxe_net_dev();
	int ret;

	memset(&kc, 0, sizeof(kc));
	if (!rxe)
		return -ENODEV;
	kc.ip = rxe->ip;
	kc.pd = ib_alloc_pd(&rxe->ib);
	if (IS_ERR(kc.pd))
		return PTR_ERR(kc.pd);
	kc.cq = ib_create_cq(&rxe->ib, 32, NULL, NULL);
	if (IS_ERR(kc.cq))
		return PTR_ERR(kc.cq);
	kc.listen = rdma_create_id(kc_handler, &kc.l);
	if (IS_ERR(kc.listen)) {
		ret = PTR_ERR(kc.listen);
		kc.listen = NULL;
		return ret;
	}
	ret = rdma_listen(kc.listen, KC_PORT);
	if (ret)
		return ret;
	kc.active = rdma_create_id(kc_handler, &kc.a);
	if (IS_ERR(kc.active)) {
		ret = PTR_ERR(kc.active);
		kc.active = NULL;
		return ret;
	}
	return kc_create_qp(kc.active);
}

#define KC_SETUP(t) do {						\
	int __r = kc_setup();						\
	if (__r == -ENODEV) {						\
		kc_teardown();						\
		KT_SKIP(t, "no rxe0: boot with a network interface");	\
	}								\
	if (__r) {							\
		KT_FAIL(t, "setup: %d", __r);				\
		kc_teardown();						\
		return;							\
	}								\
} while (0)

static int kc_connect(void)
{
	struct rdma_conn_param param;

	kc_conn_param(&param);
	return rdma_connect(kc.active, kc.ip, KC_PORT, &param, 2000);
}

static void rdma_cm_loopback_connect(struct ktest *t)
{
	KC_SETUP(t);
	KT_EXPECT_EQ(t, kc_connect(), 0);
	KT_EXPECT_TRUE(t, kc_saw(&kc.a, RDMA_CM_EVENT_ESTABLISHED));
	KT_EXPECT_TRUE(t, kc_saw(&kc.p, RDMA_CM_EVENT_ESTABLISHED));
	KT_EXPECT_EQ(t, kc.l.nr[RDMA_CM_EVENT_CONNECT_REQUEST], 1);
	KT_EXPECT_EQ(t, kc.l.errors, 0);
	KT_EXPECT_EQ(t, rdma_disconnect(kc.active), 0);
	KT_EXPECT_TRUE(t, kc_saw(&kc.p, RDMA_CM_EVENT_DISCONNECTED));
	KT_EXPECT_TRUE(t, kc_saw(&kc.a, RDMA_CM_EVENT_DISCONNECTED));
	kc_teardown();
	KT_EXPECT_EQ(t, kc.a.late_calls + kc.p.late_calls + kc.l.late_calls,
		     0);
}

/* As kt_destroy_in_window() in cm_test.c, with rdma_destroy_id(). */
static void kc_destroy_in_window(struct ktest *t, struct rdma_cm_id **id,
				 struct kc_side *s, enum rdma_cm_event_type ev)
{
	if (!wait_for_completion_timeout(&kc_hook.in_window,
					 msecs_to_jiffies(KC_EVENT_MS))) {
		KT_FAIL(t, "the CM thread never picked the event");
		return;
	}
	kc_destroy(id, s);
	complete(&kc_hook.go);
	KT_EXPECT_TRUE(t, wait_for_completion_timeout(&kc_hook.done,
				msecs_to_jiffies(KC_EVENT_MS)) != 0);
	KT_EXPECT_FALSE(t, kc_hook.released_early);
	KT_EXPECT_EQ(t, s->nr[ev], 0);
	KT_EXPECT_EQ(t, s->late_calls, 0);
}

static void rdma_cm_destroy_vs_disconnect(struct ktest *t)
{
	KC_SETUP(t);
	KT_EXPECT_EQ(t, kc_connect(), 0);
	if (!kc_saw(&kc.p, RDMA_CM_EVENT_ESTABLISHED)) {
		KT_FAIL(t, "not connected");
		goto out;
	}
	kc_hook_arm(IB_CM_DREQ_RECEIVED);
	KT_EXPECT_EQ(t, rdma_disconnect(kc.active), 0);
	kc_destroy_in_window(t, &kc.passive, &kc.p,
			     RDMA_CM_EVENT_DISCONNECTED);
	KT_EXPECT_TRUE(t, kc_saw(&kc.a, RDMA_CM_EVENT_DISCONNECTED));
out:
	kc_teardown();
}

static void rdma_cm_destroy_listener_vs_req(struct ktest *t)
{
	KC_SETUP(t);
	kc_hook_arm(IB_CM_REQ_RECEIVED);
	KT_EXPECT_EQ(t, kc_connect(), 0);
	kc_destroy_in_window(t, &kc.listen, &kc.l,
			     RDMA_CM_EVENT_CONNECT_REQUEST);
	KT_EXPECT_NULL(t, kc.passive);
	KT_EXPECT_TRUE(t, kc_saw(&kc.a, RDMA_CM_EVENT_REJECTED));
	KT_EXPECT_EQ(t, kc.a.status, IB_CM_REJ_INVALID_SERVICE_ID);
	kc_teardown();
}

static struct ktest_case rdma_cm_cases[] = {
	KTEST_CASE(rdma_cm_loopback_connect),
	KTEST_CASE(rdma_cm_destroy_vs_disconnect),
	KTEST_CASE(rdma_cm_destroy_listener_vs_req),
	{}
};

static int rdma_cm_suite_init(void)
{
	ib_cm_test_dispatch_hook = kc_dispatch_hook;
	return 0;
}

KTEST_SUITE_INIT(rdma_cm, rdma_cm_cases, rdma_cm_suite_init);
