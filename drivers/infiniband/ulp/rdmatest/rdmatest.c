/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rdmatest: a two-node RC traffic test over rxe0, run from the command
 * line.  One node boots with `rdmatest=server`, the other with
 * `rdmatest=client:ADDR`; both walk the same table of tests (SEND,
 * SEND_IMM, RDMA WRITE, WRITE_IMM and RDMA READ, each at 1 B .. 1 MiB)
 * in lock step, check every byte, print "rdmatest: N/N verified" and
 * halt with status 0 (all verified) or 1.
 *
 * Connection setup: by default through the RDMA CM (rdma_cm.h, service
 * port 18515).  `rdmatest.cm=0` uses the bootstrap instead, which needs
 * nothing but UDP: the client sends its QPN, starting PSN, rkey and the
 * addresses of its buffers to the server's UDP port 18515 every 200 ms
 * until the server answers with its own (struct rdmatest_hello); both
 * then move their QP to RTR and RTS themselves.  It exists to debug rxe
 * on the wire without the CM in the way.
 *
 * One test, both sides:
 *   SEND / SEND_IMM  client sends pattern(i) of `size` bytes; the server's
 *                    receive completes with that length (and imm == i)
 *   WRITE            client writes pattern(i) into the server's sink, then
 *                    sends a CHECK message
 *   WRITE_IMM        client writes with imm == i; the server's receive
 *                    completes with IB_WC_RECV_RDMA_WITH_IMM
 *   READ             client reads `size` bytes of the server's source
 *                    (a fixed pattern) and checks them itself, then sends
 *                    CHECK
 * The server checks the bytes (and that the byte after them is still
 * zero), clears its buffers for the next test and answers RESULT.
 * Every wait has a timeout: a dead peer fails the test, never hangs it.
 *
 * `rdmatest=echo` starts the peer of the bench=rdma benchmark instead
 * (bench.c).
 */
#include <tessera/errno.h>
#include <tessera/inet.h>
#include <tessera/kthread.h>
#include <tessera/mm.h>
#include <tessera/net.h>
#include <tessera/panic.h>
#include <tessera/pattern.h>
#include <tessera/params.h>
#include <tessera/printk.h>
#include <tessera/rdma/cm.h>
#include <tessera/rdma/rdma_cm.h>
#include <tessera/rdma/rxe.h>
#include <tessera/rdma/rxe_hdr.h>
#include <tessera/rdma/verbs.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <tessera/timer.h>
#include <tessera/udp.h>
#include <tessera/wait.h>

#include <tessera/rdma/ulp.h>

#include "internal.h"

#define RDMATEST_PORT		18515
#define RDMATEST_MAX		(1u << 20)
#define RDMATEST_BUF		(RDMATEST_MAX + 4096)	/* + guard */
#define RDMATEST_ORDER		10			/* 4 MiB chunks */
#define RDMATEST_RECVS		8
#define RDMATEST_WAIT_MS	30000
/*
 * Fresh connection attempts after a CM TIMEOUT or a rejected accept.
 * The CM's own retransmissions should make them unnecessary: each is
 * counted and printed ("rdmatest: reconnects N"), and the lossy
 * scenarios fail on any (issue 18).
 */
#define RDMATEST_CM_TIMEOUT_RETRIES	3
#define RDMATEST_MAGIC		0x52444d54u		/* "RDMT" */

enum rdmatest_op { OP_SEND, OP_SEND_IMM, OP_WRITE, OP_WRITE_IMM, OP_READ };
static const char *const op_name[] = {
	"SEND", "SEND_IMM", "WRITE", "WRITE_IMM", "READ",
};
static const u32 test_sizes[] = {
	1, 64, 1023, 1024, 1025, 4096, 65536, RDMATEST_MAX,
};
#define NR_TESTS (ARRAY_SIZE(op_name) * ARRAY_SIZE(test_sizes))

static char rdmatest_param[40];
PARAM_STRING("rdmatest", rdmatest_param,
	     "two-node RDMA test: server, client:ADDR, or echo (bench=rdma peer)");
static bool rdmatest_use_cm = true;
PARAM_BOOL("rdmatest.cm", rdmatest_use_cm,
	   "rdmatest connects through the RDMA CM (0: UDP bootstrap)");

/* Control messages (SEND, 32 bytes, big-endian fields). */
enum { MSG_CHECK = 1, MSG_RESULT = 2 };
struct rdmatest_msg {
	__be32 magic;
	__be32 type;
	__be32 index;
	__be32 status;		/* RESULT: 0 verified, else the failing check */
	u8 pad[16];
};

/* Bootstrap datagram (rdmatest.cm=0). */
struct rdmatest_hello {
	__be32 magic;
	__be32 qpn;
	__be32 psn;
	__be32 rkey;
	__be64 sink;		/* WRITE target */
	__be64 source;		/* READ source */
};

struct rdmatest {
	bool server;
	u32 peer_ip;			/* host order */
	struct rxe_dev *rxe;
	struct ib_pd *pd;
	struct ib_cq *scq, *rcq;
	struct ib_qp *qp;
	struct ib_mr *mr, *mr_remote;	/* tx|rx|msgs, source|sink */
	struct rdma_cm_id *cm_id, *listen_id;
	u8 *area, *remote_area;		/* tx|rx|msgs, source|sink */
	u8 *tx, *rx, *source, *sink;
	struct rdmatest_msg *msg_tx, *msg_rx;
	u64 remote_sink, remote_source;
	u32 rkey;
	struct wait_queue_head wq;
	unsigned long cq_events;
	/* bootstrap */
	spinlock_t lock;
	bool hello_seen;
	struct rdmatest_hello peer_hello, my_hello;
	/* CM */
	int cm_event;			/* last event, -1 none */
	int rej_reason;
	struct rdma_cm_id *pending;	/* connect request */
	unsigned int reconnects;	/* after a CM TIMEOUT or failed accept */
};

static struct rdmatest rt;

/* Test @test's bytes: the shared pattern, one stream per test. */
static void fill(u8 *p, u32 test, u32 len)
{
	pattern_fill(p, len, test, 0);
}

/* 0 if p[0..len) is test @test's pattern and p[len] is 0, else 1 + bad index. */
static u32 check(const u8 *p, u32 test, u32 len)
{
	size_t bad = pattern_check(p, len, test, 0);

	if (bad < len)
		return bad + 1;
	return p[len] ? len + 1 : 0;
}

#define SOURCE_TEST	0xffffu		/* pattern of the READ source */

/* ------------------------------------------------------------ waiting */

static void rdmatest_cq_event(struct ib_cq *cq, void *ctx)
{
	WRITE_ONCE(rt.cq_events, rt.cq_events + 1);
	wake_up_all(&rt.wq);
}

/* The next completion of @cq into @wc; 0, or -ETIMEDOUT. */
static int wait_wc(struct ib_cq *cq, struct ib_wc *wc)
{
	u64 deadline = ktime_get() + RDMATEST_WAIT_MS * NSEC_PER_MSEC;

	for (;;) {
		unsigned long seen = READ_ONCE(rt.cq_events);

		if (ib_poll_cq(cq, 1, wc) == 1)
			return 0;
		if (ib_req_notify_cq(cq, IB_CQ_NEXT_COMP |
				     IB_CQ_REPORT_MISSED_EVENTS) > 0)
			continue;
		if (ktime_get() > deadline)
			return -ETIMEDOUT;
		wait_event_timeout(rt.wq, READ_ONCE(rt.cq_events) != seen,
				   msecs_to_jiffies(100));
	}
}

static int wait_ok(struct ib_cq *cq, struct ib_wc *wc, const char *what)
{
	int ret = wait_wc(cq, wc);

	if (ret) {
		pr_err("rdmatest: no completion for %s (timeout)\n", what);
		return ret;
	}
	if (wc->status == IB_WC_WR_FLUSH_ERR && rdmatest_use_cm &&
	    wait_event_timeout(rt.wq, READ_ONCE(rt.cm_event) ==
			       RDMA_CM_EVENT_DISCONNECTED,
			       msecs_to_jiffies(1000)))
		return -ECONNRESET;	/* the peer's DREQ flushed the QP */
	if (wc->status != IB_WC_SUCCESS) {
		pr_err("rdmatest: %s completed with status %d (%s)\n", what,
		       wc->status, ib_wc_status_msg(wc->status));
		return -EIO;
	}
	return 0;
}

/* ------------------------------------------------------------ posting */

static u32 lkey_of(const void *buf)
{
	const u8 *p = buf;
	bool remote = p >= rt.remote_area &&
		      p < rt.remote_area + (PAGE_SIZE << RDMATEST_ORDER);

	return remote ? rt.mr_remote->lkey : rt.mr->lkey;
}

static int post_recv(u8 *buf, u32 len, u64 wr_id)
{
	struct ib_sge sge = {
		.addr = (u64)(uintptr_t)buf, .length = len,
		.lkey = lkey_of(buf),
	};
	struct ib_recv_wr wr = { .wr_id = wr_id, .sg_list = &sge,
				 .num_sge = 1 };

	return ib_post_recv(rt.qp, &wr, NULL);
}

static int post_send(enum ib_wr_opcode opcode, void *buf, u32 len, u32 imm,
		     u64 raddr)
{
	struct ib_sge sge = {
		.addr = (u64)(uintptr_t)buf, .length = len,
		.lkey = lkey_of(buf),
	};
	struct ib_send_wr wr = {
		.sg_list = &sge, .num_sge = 1, .opcode = opcode,
		.send_flags = IB_SEND_SIGNALED, .imm_data = imm,
		.rdma = { .remote_addr = raddr, .rkey = rt.rkey },
	};

	return ib_post_send(rt.qp, &wr, NULL);
}

static int send_msg(u32 type, u32 index, u32 status)
{
	struct ib_wc wc;
	int ret;

	*rt.msg_tx = (struct rdmatest_msg) {
		.magic = cpu_to_be32(RDMATEST_MAGIC),
		.type = cpu_to_be32(type),
		.index = cpu_to_be32(index),
		.status = cpu_to_be32(status),
	};
	ret = post_send(IB_WR_SEND, rt.msg_tx, sizeof(*rt.msg_tx), 0, 0);
	if (ret)
		return ret;
	return wait_ok(rt.scq, &wc, "control SEND");
}

/* ------------------------------------------------------------- server */

/* Check test @i after its last message arrived in @wc. 0 = verified. */
static u32 server_check(u32 i, enum rdmatest_op op, u32 size,
			const struct ib_wc *wc)
{
	const struct rdmatest_msg *m = (const void *)rt.rx;

	switch (op) {
	case OP_SEND:
	case OP_SEND_IMM:
		if (wc->opcode != IB_WC_RECV || wc->byte_len != size)
			return 0x10000001;
		if (op == OP_SEND_IMM) {
			if (!(wc->wc_flags & IB_WC_WITH_IMM) ||
			    wc->imm_data != i)
				return 0x10000002;
		} else if (wc->wc_flags & IB_WC_WITH_IMM) {
			return 0x10000002;
		}
		return check(rt.rx, i, size);
	case OP_WRITE_IMM:
		if (wc->opcode != IB_WC_RECV_RDMA_WITH_IMM ||
		    !(wc->wc_flags & IB_WC_WITH_IMM) || wc->imm_data != i ||
		    wc->byte_len != size)
			return 0x10000003;
		return check(rt.sink, i, size);
	case OP_WRITE:
	case OP_READ:
		if (wc->opcode != IB_WC_RECV || wc->byte_len != sizeof(*m) ||
		    be32_to_cpu(m->magic) != RDMATEST_MAGIC ||
		    be32_to_cpu(m->type) != MSG_CHECK ||
		    be32_to_cpu(m->index) != i)
			return 0x10000004;
		return op == OP_WRITE ? check(rt.sink, i, size) : 0;
	}
	return 0x10000005;
}

static int run_server(u32 *verified)
{
	struct ib_wc wc;
	u32 i = 0;
	int ret;

	for (u32 o = 0; o < ARRAY_SIZE(op_name); o++) {
		for (u32 s = 0; s < ARRAY_SIZE(test_sizes); s++, i++) {
			u32 size = test_sizes[s], bad;

			ret = wait_ok(rt.rcq, &wc, "receive");
			if (ret)
				return ret;
			bad = server_check(i, o, size, &wc);
			if (bad)
				pr_err("rdmatest: test %u %s %u B: check %#x failed\n",
				       i, op_name[o], size, bad);
			else
				(*verified)++;
			memset(rt.rx, 0, size + 64);
			memset(rt.sink, 0, size + 64);
			ret = post_recv(rt.rx, RDMATEST_BUF, i);
			if (!ret)
				ret = send_msg(MSG_RESULT, i, bad);
			/* The client may disconnect before our last ACK. */
			if (ret == -ECONNRESET && i + 1 == NR_TESTS)
				return 0;
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* ------------------------------------------------------------- client */

static int client_one(u32 i, enum rdmatest_op op, u32 size)
{
	enum ib_wr_opcode opc[] = {
		[OP_SEND] = IB_WR_SEND, [OP_SEND_IMM] = IB_WR_SEND_WITH_IMM,
		[OP_WRITE] = IB_WR_RDMA_WRITE,
		[OP_WRITE_IMM] = IB_WR_RDMA_WRITE_WITH_IMM,
		[OP_READ] = IB_WR_RDMA_READ,
	};
	u8 *buf = op == OP_READ ? rt.rx : rt.tx;
	u64 raddr = op == OP_READ ? rt.remote_source : rt.remote_sink;
	struct ib_wc wc;
	u32 bad = 0;
	int ret;

	if (op == OP_READ)
		memset(rt.rx, 0, size + 64);
	else
		fill(rt.tx, i, size);
	ret = post_send(opc[op], buf, size, i, raddr);
	if (!ret)
		ret = wait_ok(rt.scq, &wc, op_name[op]);
	if (ret)
		return ret;
	if (op == OP_READ) {
		bad = check(rt.rx, SOURCE_TEST, size);
		if (bad)
			pr_err("rdmatest: test %u READ %u B: byte %u differs\n",
			       i, size, bad - 1);
	}
	if (op == OP_WRITE || op == OP_READ) {
		ret = send_msg(MSG_CHECK, i, 0);
		if (ret)
			return ret;
	}
	ret = wait_ok(rt.rcq, &wc, "RESULT");
	if (ret)
		return ret;
	if (wc.byte_len != sizeof(*rt.msg_rx) ||
	    be32_to_cpu(rt.msg_rx->magic) != RDMATEST_MAGIC ||
	    be32_to_cpu(rt.msg_rx->type) != MSG_RESULT ||
	    be32_to_cpu(rt.msg_rx->index) != i) {
		pr_err("rdmatest: test %u: malformed RESULT\n", i);
		return -EPROTO;
	}
	if (rt.msg_rx->status) {
		pr_err("rdmatest: test %u %s %u B: server check %#x failed\n",
		       i, op_name[op], size, be32_to_cpu(rt.msg_rx->status));
		bad = 1;
	}
	ret = post_recv((u8 *)rt.msg_rx, sizeof(*rt.msg_rx), i);
	if (ret)
		return ret;
	return bad ? 1 : 0;
}

static int run_client(u32 *verified)
{
	u32 i = 0;
	int ret;

	for (u32 o = 0; o < ARRAY_SIZE(op_name); o++) {
		for (u32 s = 0; s < ARRAY_SIZE(test_sizes); s++, i++) {
			ret = client_one(i, o, test_sizes[s]);
			if (ret < 0)
				return ret;
			if (!ret)
				(*verified)++;
		}
	}
	return 0;
}

/* ---------------------------------------------------------- resources */

static void qp_init_attr(struct ib_qp_init_attr *init)
{
	*init = (struct ib_qp_init_attr) {
		.send_cq = rt.scq, .recv_cq = rt.rcq,
		.cap = { .max_send_wr = 64, .max_recv_wr = RDMATEST_RECVS + 2,
			 .max_send_sge = 1, .max_recv_sge = 1 },
		.sq_sig_type = IB_SIGNAL_ALL_WR,
		.qp_type = IB_QPT_RC,
	};
}

static int setup_resources(void)
{
	struct ib_qp_init_attr init;
	unsigned long chunk = PAGE_SIZE << RDMATEST_ORDER;

	rt.rxe = rxe_net_dev();
	if (!rt.rxe)
		return -ENODEV;
	/* Two chunks: tx | rx | messages, then source | sink. */
	rt.area = (u8 *)__get_free_pages(GFP_KERNEL | __GFP_ZERO,
					 RDMATEST_ORDER);
	rt.remote_area = (u8 *)__get_free_pages(GFP_KERNEL | __GFP_ZERO,
						RDMATEST_ORDER);
	if (!rt.area || !rt.remote_area)
		return -ENOMEM;
	rt.tx = rt.area;
	rt.rx = rt.area + RDMATEST_BUF;
	rt.msg_tx = (void *)(rt.rx + RDMATEST_BUF);
	rt.msg_rx = rt.msg_tx + 1;
	rt.source = rt.remote_area;
	rt.sink = rt.source + RDMATEST_BUF;
	fill(rt.source, SOURCE_TEST, RDMATEST_MAX);

	rt.pd = ib_alloc_pd(&rt.rxe->ib);
	rt.scq = ib_create_cq(&rt.rxe->ib, 128, rdmatest_cq_event, NULL);
	rt.rcq = ib_create_cq(&rt.rxe->ib, 128, rdmatest_cq_event, NULL);
	if (IS_ERR_OR_NULL(rt.pd) || IS_ERR_OR_NULL(rt.scq) ||
	    IS_ERR_OR_NULL(rt.rcq))
		return -ENOMEM;
	rt.mr = ib_reg_mr(rt.pd, rt.area, chunk, IB_ACCESS_LOCAL_WRITE);
	if (IS_ERR(rt.mr))
		return PTR_ERR(rt.mr);
	rt.mr_remote = ib_reg_mr(rt.pd, rt.remote_area, chunk,
				 IB_ACCESS_LOCAL_WRITE |
				 IB_ACCESS_REMOTE_WRITE |
				 IB_ACCESS_REMOTE_READ);
	if (IS_ERR(rt.mr_remote))
		return PTR_ERR(rt.mr_remote);
	qp_init_attr(&init);
	if (rdmatest_use_cm) {
		if (rt.server)
			return 0;	/* the QP comes with the request */
		return rdma_create_qp(rt.cm_id, rt.pd, &init);
	}
	rt.qp = ib_create_qp(rt.pd, &init);
	return IS_ERR(rt.qp) ? PTR_ERR(rt.qp) : 0;
}

static int post_initial_recvs(void)
{
	int ret = 0;

	for (u32 k = 0; k < RDMATEST_RECVS && !ret; k++)
		ret = rt.server ? post_recv(rt.rx, RDMATEST_BUF, k) :
				  post_recv((u8 *)rt.msg_rx,
					    sizeof(*rt.msg_rx), k);
	return ret;
}

/* ---------------------------------------------------- UDP bootstrap */

static void hello_rx(const struct udp_rx *pkt)
{
	const struct rdmatest_hello *h = pkt->data;
	unsigned long flags;

	if (pkt->len != sizeof(*h) || be32_to_cpu(h->magic) != RDMATEST_MAGIC)
		return;
	spin_lock_irqsave(&rt.lock, flags);
	if (!rt.hello_seen) {
		rt.peer_hello = *h;
		rt.peer_ip = ntohl(pkt->saddr);
		WRITE_ONCE(rt.hello_seen, true);
	}
	spin_unlock_irqrestore(&rt.lock, flags);
	wake_up_all(&rt.wq);
	/* The server answers every hello: the first answer may be lost. */
	if (rt.server) {
		struct kvec iov = { &rt.my_hello, sizeof(rt.my_hello) };

		udp_sendv(pkt->dev, pkt->saddr, RDMATEST_PORT, pkt->sport,
			  &iov, 1);
	}
}

static int qp_connect(u32 rqpn, u32 rpsn, u32 spsn)
{
	struct ib_qp_attr a = {
		.qp_state = IB_QPS_INIT,
		.qp_access_flags = IB_ACCESS_LOCAL_WRITE |
				   IB_ACCESS_REMOTE_WRITE |
				   IB_ACCESS_REMOTE_READ,
		.port_num = 1,
	};
	int ret;

	ret = ib_modify_qp(rt.qp, &a, IB_QP_STATE | IB_QP_ACCESS_FLAGS |
			   IB_QP_PKEY_INDEX | IB_QP_PORT);
	if (ret)
		return ret;
	ret = post_initial_recvs();
	if (ret)
		return ret;
	memset(&a, 0, sizeof(a));
	a.qp_state = IB_QPS_RTR;
	ib_gid_from_ipv4(&a.ah_attr.dgid, rt.peer_ip);
	a.path_mtu = IB_MTU_1024;
	a.dest_qp_num = rqpn;
	a.rq_psn = rpsn;
	a.max_dest_rd_atomic = 16;
	a.min_rnr_timer = 12;
	ret = ib_modify_qp(rt.qp, &a, IB_QP_STATE | IB_QP_AV |
			   IB_QP_PATH_MTU | IB_QP_DEST_QPN | IB_QP_RQ_PSN |
			   IB_QP_MAX_DEST_RD_ATOMIC | IB_QP_MIN_RNR_TIMER);
	if (ret)
		return ret;
	memset(&a, 0, sizeof(a));
	a.qp_state = IB_QPS_RTS;
	a.sq_psn = spsn;
	a.timeout = 14;
	a.retry_cnt = 7;
	a.rnr_retry = 7;
	a.max_rd_atomic = 16;
	return ib_modify_qp(rt.qp, &a, IB_QP_STATE | IB_QP_SQ_PSN |
			    IB_QP_TIMEOUT | IB_QP_RETRY_CNT |
			    IB_QP_RNR_RETRY | IB_QP_MAX_QP_RD_ATOMIC);
}

static int connect_udp(void)
{
	struct net_iface *ifc = net_default_iface();
	u32 psn = (u32)(ktime_get() * 2654435761u) & RXE_PSN_MASK;
	int ret, tries;

	rt.my_hello = (struct rdmatest_hello) {
		.magic = cpu_to_be32(RDMATEST_MAGIC),
		.qpn = cpu_to_be32(rt.qp->qp_num),
		.psn = cpu_to_be32(psn),
		.rkey = cpu_to_be32(rt.mr_remote->rkey),
		.sink = cpu_to_be64((u64)(uintptr_t)rt.sink),
		.source = cpu_to_be64((u64)(uintptr_t)rt.source),
	};
	ret = udp_bind(RDMATEST_PORT, hello_rx, NULL);
	if (ret)
		return ret;
	for (tries = 0; !READ_ONCE(rt.hello_seen); tries++) {
		if (tries >= 150)
			return -ETIMEDOUT;
		if (!rt.server) {
			struct kvec iov = { &rt.my_hello, sizeof(rt.my_hello) };

			udp_sendv(ifc->dev, htonl(rt.peer_ip), RDMATEST_PORT,
				  RDMATEST_PORT, &iov, 1);
		}
		wait_event_timeout(rt.wq, READ_ONCE(rt.hello_seen),
				   msecs_to_jiffies(200));
	}
	rt.rkey = be32_to_cpu(rt.peer_hello.rkey);
	rt.remote_sink = be64_to_cpu(rt.peer_hello.sink);
	rt.remote_source = be64_to_cpu(rt.peer_hello.source);
	pr_info("rdmatest: bootstrap: peer " IPV4_FMT " QPN %#x PSN %#x\n",
		IPV4_ARGS(htonl(rt.peer_ip)), be32_to_cpu(rt.peer_hello.qpn),
		be32_to_cpu(rt.peer_hello.psn));
	return qp_connect(be32_to_cpu(rt.peer_hello.qpn),
			  be32_to_cpu(rt.peer_hello.psn), psn);
}

/* ------------------------------------------------------------ RDMA CM */

/* What the client tells the server in its connect request. */
struct rdmatest_pdata {
	__be32 magic;
	__be32 rkey;
	__be64 sink;
	__be64 source;
};

static int rdmatest_cm_handler(struct rdma_cm_id *id,
			       const struct rdma_cm_event *ev)
{
	const struct rdmatest_pdata *pd = ev->private_data;

	if (ev->event == RDMA_CM_EVENT_CONNECT_REQUEST) {
		if (rt.pending || ev->private_data_len < sizeof(*pd) ||
		    be32_to_cpu(pd->magic) != RDMATEST_MAGIC)
			return -EINVAL;	/* rejected by the CM */
		rt.rkey = be32_to_cpu(pd->rkey);
		rt.remote_sink = be64_to_cpu(pd->sink);
		rt.remote_source = be64_to_cpu(pd->source);
		rt.peer_ip = id->remote_ip;
		WRITE_ONCE(rt.pending, id);
	} else if (ev->event == RDMA_CM_EVENT_ESTABLISHED && !rt.server &&
		   ev->private_data_len >= sizeof(*pd)) {
		rt.rkey = be32_to_cpu(pd->rkey);
		rt.remote_sink = be64_to_cpu(pd->sink);
		rt.remote_source = be64_to_cpu(pd->source);
	}
	if (ev->event == RDMA_CM_EVENT_REJECTED) {
		pr_err("rdmatest: connection rejected (reason %d)\n",
		       ev->status);
		rt.rej_reason = ev->status;
	}
	WRITE_ONCE(rt.cm_event, ev->event);
	wake_up_all(&rt.wq);
	return 0;
}

static int wait_cm_event(int event)
{
	if (!wait_event_timeout(rt.wq, READ_ONCE(rt.cm_event) >= 0,
				msecs_to_jiffies(RDMATEST_WAIT_MS)))
		return -ETIMEDOUT;
	if (rt.cm_event != event) {
		pr_err("rdmatest: CM event %s, expected %s\n",
		       rdma_event_msg(rt.cm_event), rdma_event_msg(event));
		return -ECONNREFUSED;
	}
	rt.cm_event = -1;
	return 0;
}

/*
 * Connect, and connect again while the server is not listening yet (the
 * nodes boot at the same time): REJ "invalid service ID" for up to 10 s.
 * Also after a CM TIMEOUT (every REQ or the REP lost, as happens with
 * net.drop= on a loaded host), a few times: the server waits for the
 * next REQ then (connect_cm()).
 */
static int connect_cm_client(const struct rdma_conn_param *param)
{
	struct ib_qp_init_attr init;
	unsigned int timeouts = 0;
	struct ib_wc wc;
	int ret;

	for (int attempt = 0;; attempt++) {
		rt.qp = rt.cm_id->qp;
		rt.cm_event = -1;
		rt.rej_reason = 0;
		ret = post_initial_recvs();
		if (!ret)
			ret = rdma_connect(rt.cm_id, rt.peer_ip, RDMATEST_PORT,
					   param, RDMATEST_WAIT_MS);
		if (ret && rt.cm_event >= 0)
			pr_err("rdmatest: CM event %s\n",
			       rdma_event_msg(rt.cm_event));
		if (!ret)
			ret = wait_cm_event(RDMA_CM_EVENT_ESTABLISHED);
		if (ret != -ECONNREFUSED || attempt >= 50 ||
		    (rt.rej_reason != IB_CM_REJ_INVALID_SERVICE_ID &&
		     !(rt.cm_event == RDMA_CM_EVENT_TIMEOUT &&
		       ++timeouts <= RDMATEST_CM_TIMEOUT_RETRIES)))
			return ret;
		if (rt.cm_event == RDMA_CM_EVENT_TIMEOUT) {
			rt.reconnects++;
			pr_warn("rdmatest: CM timeout, connecting again\n");
		} else {
			pr_info("rdmatest: connecting again\n");
		}
		rdma_destroy_id(rt.cm_id);
		while (ib_poll_cq(rt.scq, 1, &wc) == 1 ||
		       ib_poll_cq(rt.rcq, 1, &wc) == 1)
			;	/* the flushed WRs of the QP that is gone */
		msleep(200);
		rt.cm_id = rdma_create_id(rdmatest_cm_handler, &rt);
		if (IS_ERR(rt.cm_id))
			return PTR_ERR(rt.cm_id);
		qp_init_attr(&init);
		ret = rdma_create_qp(rt.cm_id, rt.pd, &init);
		if (ret)
			return ret;
	}
}

static int connect_cm(void)
{
	struct rdmatest_pdata pd = {
		.magic = cpu_to_be32(RDMATEST_MAGIC),
		.rkey = cpu_to_be32(rt.mr_remote->rkey),
		.sink = cpu_to_be64((u64)(uintptr_t)rt.sink),
		.source = cpu_to_be64((u64)(uintptr_t)rt.source),
	};
	struct rdma_conn_param param = {
		.private_data = &pd, .private_data_len = sizeof(pd),
		.responder_resources = 16, .initiator_depth = 16,
		.retry_count = 7, .rnr_retry_count = 7,
	};
	struct ib_qp_init_attr init;
	int ret;

	if (!rt.server)
		return connect_cm_client(&param);
	for (unsigned int attempt = 0;; attempt++) {
		struct ib_wc wc;

		ret = wait_cm_event(RDMA_CM_EVENT_CONNECT_REQUEST);
		if (ret)
			return ret;
		rt.cm_id = rt.pending;
		qp_init_attr(&init);
		ret = rdma_create_qp(rt.cm_id, rt.pd, &init);
		if (ret)
			return ret;
		rt.qp = rt.cm_id->qp;
		ret = post_initial_recvs();
		if (!ret)
			ret = rdma_accept(rt.cm_id, &param);
		if (!ret)
			ret = wait_cm_event(RDMA_CM_EVENT_ESTABLISHED);
		/* The client gave up on this one (REJ): await its next REQ. */
		if (ret != -ECONNREFUSED ||
		    attempt >= RDMATEST_CM_TIMEOUT_RETRIES)
			return ret;
		rt.reconnects++;
		pr_warn("rdmatest: connection attempt failed; waiting for the next\n");
		rdma_destroy_id(rt.cm_id);
		rt.cm_id = NULL;
		while (ib_poll_cq(rt.scq, 1, &wc) == 1 ||
		       ib_poll_cq(rt.rcq, 1, &wc) == 1)
			;	/* the flushed WRs of the QP that is gone */
		rt.cm_event = -1;
		WRITE_ONCE(rt.pending, NULL);
	}
}

/* -------------------------------------------------------------- main */

static int rdmatest_thread(void *arg)
{
	u32 verified = 0;
	int ret;

	if (rdmatest_use_cm) {
		rt.cm_event = -1;
		rt.cm_id = rdma_create_id(rdmatest_cm_handler, &rt);
		if (IS_ERR(rt.cm_id)) {
			ret = PTR_ERR(rt.cm_id);
			goto out;
		}
		if (rt.server) {
			rt.listen_id = rt.cm_id;
			rt.cm_id = NULL;
			ret = rdma_listen(rt.listen_id, RDMATEST_PORT);
			if (ret)
				goto out;
		}
	}
	ret = setup_resources();
	if (ret)
		goto out;
	ret = rdmatest_use_cm ? connect_cm() : connect_udp();
	if (ret) {
		pr_err("rdmatest: connection setup failed (%d)\n", ret);
		goto out;
	}
	pr_info("rdmatest: connected to " IPV4_FMT ", QPN %#x\n",
		IPV4_ARGS(htonl(rt.peer_ip)), rt.qp->qp_num);
	ret = rt.server ? run_server(&verified) : run_client(&verified);
	if (rdmatest_use_cm && !ret) {
		if (rt.server)
			wait_cm_event(RDMA_CM_EVENT_DISCONNECTED);
		else if (!rdma_disconnect(rt.cm_id))
			wait_cm_event(RDMA_CM_EVENT_DISCONNECTED);
	}
out:
	pr_info("rdmatest: %u/%u verified\n", verified, (u32)NR_TESTS);
	if (rdmatest_use_cm)
		pr_info("rdmatest: reconnects %u\n", rt.reconnects);
	if (ret)
		pr_err("rdmatest: stopped early (%d)\n", ret);
	rxe_dump_counters(rt.rxe ?: rxe_net_dev());
	if (rdmatest_use_cm)
		rdma_cm_dump_counters();
	msleep(100);	/* let the last ACK and DREP leave before QEMU ends */
	machine_halt_with_status(!ret && verified == NR_TESTS ? 0 : 1);
	return 0;
}

void rdmatest_init(void)
{
	struct task *t;

	if (!rdmatest_param[0])
		return;
	if (!strcmp(rdmatest_param, "echo")) {
		if (rdmabench_echo_start(true))
			machine_halt_with_status(1);
		return;
	}
	init_waitqueue_head(&rt.wq);
	spin_lock_init(&rt.lock);
	if (!strcmp(rdmatest_param, "server")) {
		rt.server = true;
	} else if (!strncmp(rdmatest_param, "client:", 7) &&
		   rdma_parse_ipv4(rdmatest_param + 7, &rt.peer_ip) == 0) {
		rt.server = false;
	} else {
		pr_err("rdmatest: rdmatest=%s is not server or client:ADDR\n",
		       rdmatest_param);
		machine_halt_with_status(1);
	}
	pr_info("rdmatest: %s, %u tests, %s\n",
		rt.server ? "server" : "client", (u32)NR_TESTS,
		rdmatest_use_cm ? "RDMA CM" : "UDP bootstrap");
	t = kthread_run(rdmatest_thread, NULL, "rdmatest");
	if (IS_ERR(t)) {
		pr_err("rdmatest: no thread (%ld)\n", PTR_ERR(t));
		machine_halt_with_status(1);
	}
	kthread_detach(t);
}
