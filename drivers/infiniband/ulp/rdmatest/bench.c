/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench=rdma: the fabric's RDMA latency and bandwidth next to its floor,
 * the raw-frame echo, measured in the same boot against the same peer.
 * The peer boots with `rdmatest=echo` (rdmabench_server_start(): accept
 * one RDMA CM connection, echo every SEND back, expose a buffer for READ
 * and WRITE); the measuring node boots with
 * `bench=rdma rdmabench.peer=ADDR`.
 *
 * Metrics (kbench_report, ns unless said otherwise):
 *   raw_echo_64, raw_echo_1514  net_echo_ping() round trips; 1514 B is
 *                               the largest frame and stands in for the
 *                               "4 KiB" raw baseline (one frame each way)
 *   send_rtt_64     SEND 64 B, the peer SENDs 64 B back: post to the
 *                   receive completion
 *   write_64, write_4096, read_64, read_4096
 *                   post to the send completion (the ACK, or the last
 *                   READ response)
 *   write_bw_64k    64 KiB WRITEs, 4 outstanding, 16 per sample, MB/s
 *
 * Both sides wait by polling their CQ and yield()ing in between, so a
 * completion costs no extra thread wakeup beyond the NIC's receive
 * thread, like the echo, whose requester sleeps until that thread
 * checks the reply.  With rdmabench.wait=event both sides sleep instead:
 * they arm the CQ (ib_req_notify_cq) and the completion handler wakes
 * them, the way FIT's idle pollers wait.  Busy-polling vCPUs starve
 * their peers when VMs outnumber host cores, so the event mode is the
 * fair baseline for FIT on a shared host.
 *
 * The echo server and the SEND ping-pong are also offered to other
 * benchmarks (<tessera/rdma/rdmabench.h>): fittest=bench puts the SEND
 * round trip next to FIT's call round trip in one boot pair.
 */
#include <tessera/errno.h>
#include <tessera/inet.h>
#include <tessera/kbench.h>
#include <tessera/kthread.h>
#include <tessera/mm.h>
#include <tessera/netdev.h>
#include <tessera/panic.h>
#include <tessera/params.h>
#include <tessera/printk.h>
#include <tessera/rdma/cm.h>
#include <tessera/rdma/rdma_cm.h>
#include <tessera/rdma/rdmabench.h>
#include <tessera/rdma/rxe.h>
#include <tessera/rdma/verbs.h>
#include <tessera/sched.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <tessera/wait.h>

#include "internal.h"

#define RB_ORDER	8			/* 1 MiB buffer */
#define RB_SLOT		RDMABENCH_MAX_SEND	/* receive slots */
#define RB_RECVS	16
#define RB_SAMPLES	300
#define RB_BW_MSG	65536
#define RB_BW_DEPTH	4
#define RB_BW_BATCH	16
#define RB_BW_SAMPLES	8
#define RB_WAIT_NS	(5ull * NSEC_PER_SEC)
#define RB_MAGIC	0x52424e43u		/* "RBNC" */
/*
 * ACK timeout 4.096 us * 2^18 = 1.07 s, FIT's: a VM the loaded host
 * does not run for a while must not exhaust the retries and fail the
 * QP (seen with the CM's default under load), and the SEND baseline's
 * QP is then configured like the FIT QPs it is compared with.
 */
#define RB_ACK_TIMEOUT	18

static char rb_wait_mode[8] = "poll";
PARAM_STRING("rdmabench.wait", rb_wait_mode,
	     "how the SEND ping-pong and its echo server wait for completions: poll (spin with yield) or event (sleep until the CQ's completion handler)");

static DECLARE_WAIT_QUEUE_HEAD(rb_cq_wq);
static unsigned long rb_cq_events;

static char rb_peer[20];
PARAM_STRING("rdmabench.peer", rb_peer,
	     "bench=rdma: IPv4 address of the node booted with rdmatest=echo");

/* The server's buffer, told in the accept. */
struct rb_pdata {
	__be32 magic;
	__be32 rkey;
	__be64 addr;
};

struct rb_conn {
	struct rxe_dev *rxe;
	struct rdma_cm_id *id, *pending;
	struct ib_pd *pd;
	struct ib_cq *scq, *rcq;
	struct ib_mr *mr;
	u8 *buf;
	u32 rkey;
	u64 raddr;
	int event;			/* last CM event, -1 none */
	int rej_reason;
	bool connected;			/* client: connected, receives up */
	bool halt;			/* server: halt when the client goes */
};

static struct rb_conn rb;

static int rb_cm_handler(struct rdma_cm_id *id, const struct rdma_cm_event *ev)
{
	const struct rb_pdata *pd = ev->private_data;

	if (ev->event == RDMA_CM_EVENT_CONNECT_REQUEST) {
		if (rb.pending)
			return -EINVAL;
		WRITE_ONCE(rb.pending, id);
	} else if (ev->event == RDMA_CM_EVENT_ESTABLISHED && pd &&
		   ev->private_data_len >= sizeof(*pd) &&
		   be32_to_cpu(pd->magic) == RB_MAGIC) {
		rb.rkey = be32_to_cpu(pd->rkey);
		rb.raddr = be64_to_cpu(pd->addr);
	} else if (ev->event == RDMA_CM_EVENT_REJECTED) {
		rb.rej_reason = ev->status;
	}
	WRITE_ONCE(rb.event, ev->event);
	return 0;
}

static bool rb_event_mode(void)
{
	return !strcmp(rb_wait_mode, "event");
}

/* Both CQs' completion handler (event mode): wake the waiter. */
static void rb_cq_event(struct ib_cq *cq, void *ctx)
{
	WRITE_ONCE(rb_cq_events, rb_cq_events + 1);
	wake_up_all(&rb_cq_wq);
}

/*
 * Nothing on @cq now: yield (poll mode), or arm @cq and sleep until its
 * handler runs or a tick passes (event mode).
 */
static void rb_idle(struct ib_cq *cq)
{
	unsigned long seen = READ_ONCE(rb_cq_events);

	if (!rb_event_mode()) {
		yield();
		return;
	}
	if (ib_req_notify_cq(cq, IB_CQ_NEXT_COMP |
			     IB_CQ_REPORT_MISSED_EVENTS) > 0)
		return;
	wait_event_timeout(rb_cq_wq, READ_ONCE(rb_cq_events) != seen, 1);
}

/* Wait on @cq for one completion; 0 or -ETIMEDOUT. */
static int rb_poll(struct ib_cq *cq, struct ib_wc *wc)
{
	u64 deadline = ktime_get() + RB_WAIT_NS;

	while (ib_poll_cq(cq, 1, wc) != 1) {
		if (ktime_get() > deadline)
			return -ETIMEDOUT;
		rb_idle(cq);
	}
	return wc->status == IB_WC_SUCCESS ? 0 : -EIO;
}

/* Wait for CM event @event (or any other, which fails). */
static int rb_wait_event(int event)
{
	u64 deadline = ktime_get() + 30ull * NSEC_PER_SEC;

	while (READ_ONCE(rb.event) < 0) {
		if (ktime_get() > deadline)
			return -ETIMEDOUT;
		msleep(1);
	}
	if (rb.event != event)
		return -ECONNREFUSED;
	rb.event = -1;
	return 0;
}

static int rb_post_recv(u32 slot)
{
	struct ib_sge sge = {
		.addr = (u64)(uintptr_t)(rb.buf + slot * RB_SLOT),
		.length = RB_SLOT, .lkey = rb.mr->lkey,
	};
	struct ib_recv_wr wr = { .wr_id = slot, .sg_list = &sge,
				 .num_sge = 1 };

	return ib_post_recv(rb.id->qp, &wr, NULL);
}

static int rb_post(enum ib_wr_opcode opc, u64 wr_id, void *local, u32 len,
		   u64 raddr)
{
	struct ib_sge sge = {
		.addr = (u64)(uintptr_t)local, .length = len,
		.lkey = rb.mr->lkey,
	};
	struct ib_send_wr wr = {
		.wr_id = wr_id, .sg_list = &sge, .num_sge = 1, .opcode = opc,
		.send_flags = IB_SEND_SIGNALED,
		.rdma = { .remote_addr = raddr, .rkey = rb.rkey },
	};

	return ib_post_send(rb.id->qp, &wr, NULL);
}

/* PD, CQs, the buffer and its MR, once. */
static int rb_setup(void)
{
	if (rb.mr)
		return 0;
	rb.rxe = rxe_net_dev();
	if (!rb.rxe)
		return -ENODEV;
	rb.buf = (u8 *)__get_free_pages(GFP_KERNEL | __GFP_ZERO, RB_ORDER);
	if (!rb.buf)
		return -ENOMEM;
	rb.pd = ib_alloc_pd(&rb.rxe->ib);
	rb.scq = ib_create_cq(&rb.rxe->ib, 256, rb_cq_event, NULL);
	rb.rcq = ib_create_cq(&rb.rxe->ib, 256, rb_cq_event, NULL);
	if (IS_ERR_OR_NULL(rb.pd) || IS_ERR_OR_NULL(rb.scq) ||
	    IS_ERR_OR_NULL(rb.rcq))
		return -ENOMEM;
	rb.mr = ib_reg_mr(rb.pd, rb.buf, PAGE_SIZE << RB_ORDER,
			  IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE_WRITE |
			  IB_ACCESS_REMOTE_READ);
	if (IS_ERR(rb.mr)) {
		int ret = PTR_ERR(rb.mr);

		rb.mr = NULL;
		return ret;
	}
	return 0;
}

/* The resources, and an RC QP on @id. */
static int rb_create_qp(struct rdma_cm_id *id)
{
	struct ib_qp_init_attr init = {
		.cap = { .max_send_wr = 64, .max_recv_wr = RB_RECVS + 2,
			 .max_send_sge = 1, .max_recv_sge = 1 },
		.sq_sig_type = IB_SIGNAL_ALL_WR,
		.qp_type = IB_QPT_RC,
	};
	int ret = rb_setup();

	if (ret)
		return ret;
	init.send_cq = rb.scq;
	init.recv_cq = rb.rcq;
	rb.id = id;
	return rdma_create_qp(id, rb.pd, &init);
}

/* ------------------------------------------------------------ server */

static int rb_server_thread(void *arg)
{
	struct rdma_conn_param param = {
		.responder_resources = 16, .initiator_depth = 16,
		.retry_count = 7, .rnr_retry_count = 7,
	};
	struct rb_pdata pd = { .magic = cpu_to_be32(RB_MAGIC) };
	struct rdma_cm_id *listen_id;
	unsigned long echoed = 0;
	struct ib_wc wc;
	int ret;

	rb.event = -1;
	listen_id = rdma_create_id(rb_cm_handler, NULL);
	if (IS_ERR(listen_id)) {
		ret = PTR_ERR(listen_id);
		goto out;
	}
	ret = rdma_listen(listen_id, RDMABENCH_PORT);
	if (!ret)
		ret = rb_wait_event(RDMA_CM_EVENT_CONNECT_REQUEST);
	if (!ret)
		ret = rb_create_qp(rb.pending);
	for (u32 k = 0; k < RB_RECVS && !ret; k++)
		ret = rb_post_recv(k);
	if (ret)
		goto out;
	pd.rkey = cpu_to_be32(rb.mr->rkey);
	pd.addr = cpu_to_be64((u64)(uintptr_t)rb.buf + RB_RECVS * RB_SLOT);
	param.private_data = &pd;
	param.private_data_len = sizeof(pd);
	rdma_set_ack_timeout(rb.id, RB_ACK_TIMEOUT);
	ret = rdma_accept(rb.id, &param);
	if (!ret)
		ret = rb_wait_event(RDMA_CM_EVENT_ESTABLISHED);
	if (ret)
		goto out;
	pr_info("rdmabench: echo server connected\n");
	/* Echo until the client disconnects. */
	while (READ_ONCE(rb.event) != RDMA_CM_EVENT_DISCONNECTED) {
		if (ib_poll_cq(rb.scq, 1, &wc) == 1)
			continue;
		if (ib_poll_cq(rb.rcq, 1, &wc) != 1) {
			rb_idle(rb.rcq);
			continue;
		}
		if (wc.status != IB_WC_SUCCESS)
			break;
		ret = rb_post(IB_WR_SEND, 0, rb.buf + wc.wr_id * RB_SLOT,
			      wc.byte_len, 0);
		if (!ret)
			ret = rb_post_recv(wc.wr_id);
		if (ret)
			break;
		echoed++;
	}
	ret = 0;
out:
	pr_info("rdmabench: echo server done, %lu SENDs echoed (%d)\n",
		echoed, ret);
	msleep(100);	/* the DREP leaves before QEMU ends */
	if (rb.halt)
		machine_halt_with_status(ret ? 1 : 0);
	return 0;
}

int rdmabench_echo_start(bool halt)
{
	struct task *t;

	rb.halt = halt;
	t = kthread_run(rb_server_thread, NULL, "rdmabench");
	if (IS_ERR(t)) {
		pr_err("rdmabench: no thread (%ld)\n", PTR_ERR(t));
		return PTR_ERR(t);
	}
	kthread_detach(t);
	return 0;
}

/* ------------------------------------------------------------ client */

static void rb_flush_cqs(void)
{
	struct ib_wc wc;

	while (ib_poll_cq(rb.scq, 1, &wc) == 1 ||
	       ib_poll_cq(rb.rcq, 1, &wc) == 1)
		;
}

int rdmabench_connect(u32 ip)
{
	struct rdma_conn_param param = {
		.responder_resources = 16, .initiator_depth = 16,
		.retry_count = 7, .rnr_retry_count = 7,
	};
	struct rdma_cm_id *id;
	int ret;

	/* The peer may still be booting: REJ "invalid service" for ~10 s. */
	for (int attempt = 0; attempt < 50; attempt++) {
		rb.event = -1;
		id = rdma_create_id(rb_cm_handler, NULL);
		if (IS_ERR(id))
			return PTR_ERR(id);
		ret = rb_create_qp(id);
		rdma_set_ack_timeout(id, RB_ACK_TIMEOUT);
		if (!ret)
			ret = rdma_connect(id, ip, RDMABENCH_PORT, &param, 0);
		if (!ret)
			ret = rb_wait_event(RDMA_CM_EVENT_ESTABLISHED);
		if (!ret && !rb.rkey)
			return -EPROTO;
		for (u32 k = 0; k < RB_RECVS && !ret; k++)
			ret = rb_post_recv(k);
		if (!ret) {
			rb.connected = true;
			return 0;
		}
		if (ret != -ECONNREFUSED ||
		    rb.rej_reason != IB_CM_REJ_INVALID_SERVICE_ID)
			return ret;
		rdma_destroy_id(id);
		rb.id = NULL;
		rb_flush_cqs();
		msleep(200);
	}
	return -ETIMEDOUT;
}

/* One operation's latency, @n times: post, wait for its completion. */
static void rb_lat(const char *metric, enum ib_wr_opcode opc, u32 len,
		   u64 *samples)
{
	u8 *local = rb.buf + RB_RECVS * RB_SLOT;
	unsigned int n = 0, errors = 0;
	struct ib_wc wc;

	for (unsigned int i = 0; i < RB_SAMPLES; i++) {
		u64 t0 = ktime_get();
		int ret = rb_post(opc, i, local, len, rb.raddr);

		if (!ret)
			ret = rb_poll(rb.scq, &wc);
		if (ret) {
			errors++;
			if (errors > 3)
				break;
			continue;
		}
		samples[n++] = ktime_get() - t0;
	}
	if (errors)
		pr_warn("rdmabench: %s: %u errors\n", metric, errors);
	kbench_report("rdma", metric, samples, n, "ns");
}

int rdmabench_send_rtt(u32 len, u64 *samples, unsigned int nr)
{
	u8 *local = rb.buf + RB_RECVS * RB_SLOT;
	unsigned int n = 0, errors = 0;
	struct ib_wc rwc, swc;

	if (!rb.connected)
		return -ENOTCONN;
	if (!len || len > RB_SLOT)
		return -EINVAL;
	for (unsigned int i = 0; i < nr; i++) {
		bool got;
		u64 t0;
		int ret, r2;

		for (u32 b = 0; b < len; b++)
			local[b] = (u8)(i * 13 + b * 7);
		t0 = ktime_get();
		ret = rb_post(IB_WR_SEND, i, local, len, 0);
		if (ret) {
			errors++;
			break;
		}
		ret = rb_poll(rb.rcq, &rwc);
		got = !ret;
		if (got)
			samples[n] = ktime_get() - t0;
		if (got && (rwc.byte_len != len ||
			    memcmp(rb.buf + (rwc.wr_id % RB_RECVS) * RB_SLOT,
				   local, len)))
			ret = -EBADMSG;
		/* Our SEND's own completion (its ACK), then the slot back. */
		r2 = rb_poll(rb.scq, &swc);
		if (!r2 && got)
			r2 = rb_post_recv(rwc.wr_id % RB_RECVS);
		if (!ret)
			ret = r2;
		if (ret) {
			errors++;
			if (errors > 3)
				break;
			continue;
		}
		n++;
	}
	if (errors)
		pr_warn("rdmabench: send_rtt %u B: %u errors\n", len, errors);
	return n;
}

void rdmabench_disconnect(void)
{
	if (!rb.connected)
		return;
	rb.connected = false;
	rb.event = -1;
	if (!rdma_disconnect(rb.id))
		rb_wait_event(RDMA_CM_EVENT_DISCONNECTED);
	rb_flush_cqs();
}

/* SEND @len, the peer SENDs it back: post to our receive completion. */
static void rb_send_rtt(const char *metric, u32 len, u64 *samples)
{
	int n = rdmabench_send_rtt(len, samples, RB_SAMPLES);

	kbench_report("rdma", metric, samples, n > 0 ? n : 0, "ns");
}

/* WRITE bandwidth: RB_BW_BATCH messages of RB_BW_MSG per sample. */
static void rb_write_bw(u64 *samples)
{
	u8 *local = rb.buf + RB_RECVS * RB_SLOT;
	unsigned int n = 0;
	struct ib_wc wc;

	for (unsigned int s = 0; s < RB_BW_SAMPLES; s++) {
		u32 posted = 0, done = 0;
		u64 t0 = ktime_get(), dt;
		int ret = 0;

		while (done < RB_BW_BATCH && !ret) {
			while (posted < RB_BW_BATCH &&
			       posted - done < RB_BW_DEPTH && !ret)
				ret = rb_post(IB_WR_RDMA_WRITE, posted++,
					      local, RB_BW_MSG, rb.raddr);
			if (!ret)
				ret = rb_poll(rb.scq, &wc);
			done++;
		}
		if (ret) {
			pr_warn("rdmabench: write_bw_64k: error %d\n", ret);
			break;
		}
		dt = ktime_get() - t0;
		/* bytes per microsecond = MB/s */
		samples[n++] = (u64)RB_BW_BATCH * RB_BW_MSG * 1000 / (dt ?: 1);
	}
	kbench_report("rdma", "write_bw_64k", samples, n, "MB/s");
}

static void rb_raw_echo(struct netdev *dev, const u8 *peer, size_t len,
			const char *metric, u64 *samples)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < RB_SAMPLES; i++) {
		u64 rtt;

		if (!net_echo_ping(dev, peer, len, &rtt))
			samples[n++] = rtt;
	}
	kbench_report("rdma", metric, samples, n, "ns");
}

static void rdma_bench(void)
{
	struct netdev *dev = netdev_get(0);
	u8 peer[ETH_ALEN];
	u64 *samples;
	u32 ip;
	int ret = -ETIMEDOUT;

	if (!dev || rdma_parse_ipv4(rb_peer, &ip)) {
		pr_err("rdmabench: needs a NIC and rdmabench.peer=ADDR\n");
		return;
	}
	samples = kmalloc_array(RB_SAMPLES, sizeof(*samples), GFP_KERNEL);
	if (!samples)
		return;
	/* Two nodes on the fabric: the first answer is the peer. */
	for (int i = 0; i < 60 && ret; i++)
		ret = net_echo_ping_from(dev, NULL, 64, NULL, peer);
	if (ret) {
		pr_err("rdmabench: no raw echo answer (%d)\n", ret);
		goto out;
	}
	ret = rdmabench_connect(ip);
	if (ret) {
		pr_err("rdmabench: cannot connect to the echo server (%d)\n",
		       ret);
		goto out;
	}
	/* Warm up both paths (ARP, caches), then measure. */
	for (int i = 0; i < 20 && !ret; i++) {
		struct ib_wc wc;

		ret = rb_post(IB_WR_RDMA_WRITE, 0, rb.buf, 64, rb.raddr) ?:
		      rb_poll(rb.scq, &wc);
		net_echo_ping(dev, peer, 64, NULL);
	}
	if (ret) {
		pr_err("rdmabench: warm-up failed (%d)\n", ret);
		goto out;
	}
	rb_raw_echo(dev, peer, 64, "raw_echo_64", samples);
	rb_raw_echo(dev, peer, ETH_FRAME_LEN, "raw_echo_1514", samples);
	rb_send_rtt("send_rtt_64", 64, samples);
	rb_lat("write_64", IB_WR_RDMA_WRITE, 64, samples);
	rb_lat("write_4096", IB_WR_RDMA_WRITE, 4096, samples);
	rb_lat("read_64", IB_WR_RDMA_READ, 64, samples);
	rb_lat("read_4096", IB_WR_RDMA_READ, 4096, samples);
	rb_write_bw(samples);
	rxe_dump_counters(rb.rxe);
	rdmabench_disconnect();
out:
	kfree(samples);
}
KBENCH(rdma, rdma_bench);
