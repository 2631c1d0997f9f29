/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rping: the rdmacm-utils ping-pong over the RDMA CM, wire-compatible
 * with Linux's `rping -s` / `rping -c -a ADDR -C N -S SIZE -v -V`.
 *
 *   rping=server                          serve one client, then halt
 *   rping=client:ADDR,count=N,size=S      N pings of S bytes, then halt
 *   rping.port=P                          port (default 7174, as rping)
 *
 * One ping (struct rping_info is rping's {be64 addr, be32 rkey,
 * be32 size}, sent as a 16-byte SEND):
 *   client: fill start_buf with "rdma-ping-<n>: " and then the letters
 *           'A'..'z' rotating from a start letter that advances by one
 *           per ping (wrapping from 'z' back to 'A'), last byte 0;
 *           SEND info(start_buf)
 *   server: RDMA READ info.size bytes of it, SEND a go-ahead
 *   client: SEND info(rdma_buf), its sink
 *   server: RDMA WRITE strlen(data) + 1 bytes into it, SEND a go-ahead
 *   client: compare rdma_buf with start_buf (rping -V)
 * The client disconnects after N pings; the server stops at the
 * DISCONNECTED event.  Both print "rping: N/N pings verified" (the server
 * checks the format of every ping it read) and halt with status 0 if
 * every ping verified, else 1.  Every wait times out (30 s).
 */
#include <tessera/errno.h>
#include <tessera/inet.h>
#include <tessera/kernel.h>
#include <tessera/kthread.h>
#include <tessera/panic.h>
#include <tessera/params.h>
#include <tessera/printk.h>
#include <tessera/rdma/cm.h>
#include <tessera/rdma/rdma_cm.h>
#include <tessera/rdma/verbs.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <tessera/timer.h>
#include <tessera/wait.h>

#include <tessera/rdma/ulp.h>

#define RPING_BUFSIZE		(64 * 1024)	/* rping's maximum */
#define RPING_MIN_SIZE		26		/* its RPING_MIN_BUFSIZE */
#define RPING_SQ_DEPTH		16
#define RPING_WAIT_MS		30000

static char rping_param[64];
PARAM_STRING("rping", rping_param,
	     "rping over the RDMA CM: server or client:ADDR,count=N,size=S");
static unsigned int rping_port = 7174;
PARAM_UINT("rping.port", rping_port, 1, 65535, "rping's port");

struct rping_info {
	__be64 buf;
	__be32 rkey;
	__be32 size;
};
_Static_assert(sizeof(struct rping_info) == 16, "rping_info is 16 bytes");

static struct {
	bool server;
	u32 peer_ip;
	unsigned int count, size;
	struct rdma_cm_id *listen_id, *id;
	struct ib_pd *pd;
	struct ib_cq *scq, *rcq;
	struct ib_qp *qp;
	struct rping_info *recv_info, *send_info;	/* in msg_buf */
	u8 *msg_buf, *rdma_buf, *start_buf;
	struct ib_mr *msg_mr, *rdma_mr, *start_mr;
	struct wait_queue_head wq;
	unsigned long events;
	int cm_event;
	int rej_reason;
	struct rdma_cm_id *pending;
} rp;

static int rping_cm_handler(struct rdma_cm_id *id,
			    const struct rdma_cm_event *ev)
{
	if (ev->event == RDMA_CM_EVENT_CONNECT_REQUEST) {
		if (rp.pending)
			return -EBUSY;	/* one client at a time */
		WRITE_ONCE(rp.pending, id);
	}
	if (ev->event == RDMA_CM_EVENT_REJECTED) {
		pr_err("rping: connection rejected (reason %d)\n",
		       ev->status);
		rp.rej_reason = ev->status;
	}
	WRITE_ONCE(rp.cm_event, ev->event);
	WRITE_ONCE(rp.events, rp.events + 1);
	wake_up_all(&rp.wq);
	return 0;
}

static void rping_cq_event(struct ib_cq *cq, void *ctx)
{
	WRITE_ONCE(rp.events, rp.events + 1);
	wake_up_all(&rp.wq);
}

static int wait_cm(int event)
{
	if (!wait_event_timeout(rp.wq, READ_ONCE(rp.cm_event) >= 0,
				msecs_to_jiffies(RPING_WAIT_MS)))
		return -ETIMEDOUT;
	if (rp.cm_event != event) {
		pr_err("rping: CM event %s, expected %s\n",
		       rdma_event_msg(rp.cm_event), rdma_event_msg(event));
		return -ECONNABORTED;
	}
	rp.cm_event = -1;
	return 0;
}

/*
 * The next completion of @cq, which must be @opcode and successful.
 * A DISCONNECTED event while waiting returns -ECONNRESET.
 */
static int wait_wc(struct ib_cq *cq, enum ib_wc_opcode opcode,
		   struct ib_wc *wc)
{
	u64 deadline = ktime_get() + RPING_WAIT_MS * NSEC_PER_MSEC;

	for (;;) {
		unsigned long seen = READ_ONCE(rp.events);

		if (ib_poll_cq(cq, 1, wc) == 1)
			break;
		if (ib_req_notify_cq(cq, IB_CQ_NEXT_COMP |
				     IB_CQ_REPORT_MISSED_EVENTS) > 0)
			continue;
		if (READ_ONCE(rp.cm_event) == RDMA_CM_EVENT_DISCONNECTED)
			return -ECONNRESET;
		if (ktime_get() > deadline) {
			pr_err("rping: completion timeout\n");
			return -ETIMEDOUT;
		}
		wait_event_timeout(rp.wq, READ_ONCE(rp.events) != seen,
				   msecs_to_jiffies(100));
	}
	if (wc->status != IB_WC_SUCCESS) {
		/* A DREQ flushes the QP just before the event arrives. */
		if (wc->status == IB_WC_WR_FLUSH_ERR &&
		    wait_event_timeout(rp.wq, READ_ONCE(rp.cm_event) ==
				       RDMA_CM_EVENT_DISCONNECTED,
				       msecs_to_jiffies(1000)))
			return -ECONNRESET;
		pr_err("rping: completion error %d (%s)\n", wc->status,
		       ib_wc_status_msg(wc->status));
		return -EIO;
	}
	if (wc->opcode != opcode) {
		pr_err("rping: unexpected completion opcode %d\n", wc->opcode);
		return -EPROTO;
	}
	return 0;
}

static int post_recv_info(void)
{
	struct ib_sge sge = {
		.addr = (u64)(uintptr_t)rp.recv_info,
		.length = sizeof(*rp.recv_info), .lkey = rp.msg_mr->lkey,
	};
	struct ib_recv_wr wr = { .sg_list = &sge, .num_sge = 1 };

	return ib_post_recv(rp.qp, &wr, NULL);
}

static int post(enum ib_wr_opcode op, void *buf, u32 len, u32 lkey,
		u64 raddr, u32 rkey)
{
	struct ib_sge sge = { .addr = (u64)(uintptr_t)buf, .length = len,
			      .lkey = lkey };
	struct ib_send_wr wr = {
		.sg_list = &sge, .num_sge = 1, .opcode = op,
		.send_flags = IB_SEND_SIGNALED,
		.rdma = { .remote_addr = raddr, .rkey = rkey },
	};

	return ib_post_send(rp.qp, &wr, NULL);
}

/* SEND our 16-byte info and wait for its completion. */
static int send_info(const void *buf, u32 rkey, u32 size)
{
	struct ib_wc wc;
	int ret;

	rp.send_info->buf = cpu_to_be64((u64)(uintptr_t)buf);
	rp.send_info->rkey = cpu_to_be32(rkey);
	rp.send_info->size = cpu_to_be32(size);
	ret = post(IB_WR_SEND, rp.send_info, sizeof(*rp.send_info),
		   rp.msg_mr->lkey, 0, 0);
	return ret ?: wait_wc(rp.scq, IB_WC_SEND, &wc);
}

/* A received message: must be 16 bytes; reposts the receive. */
static int recv_info(void)
{
	struct ib_wc wc;
	int ret = wait_wc(rp.rcq, IB_WC_RECV, &wc);

	if (ret)
		return ret;
	if (wc.byte_len != sizeof(struct rping_info)) {
		pr_err("rping: received bogus data, size %u\n", wc.byte_len);
		return -EPROTO;
	}
	return post_recv_info();
}

/* rping's ping @n of @size bytes, with letters starting at @start. */
static void rping_fill(u8 *buf, unsigned int size, unsigned int n, u8 start)
{
	int cc = snprintf((char *)buf, size, "rdma-ping-%u: ", n);
	u8 c = start;

	for (unsigned int i = cc; i < size; i++) {
		buf[i] = c;
		if (++c > 122)
			c = 65;
	}
	buf[size - 1] = 0;
}

static u8 next_start(u8 start)
{
	return start >= 122 ? 65 : start + 1;
}

/* Drop the flushed completions of a QP that is gone. */
static void drain_cqs(void)
{
	struct ib_wc wc;

	while (ib_poll_cq(rp.scq, 1, &wc) == 1 ||
	       ib_poll_cq(rp.rcq, 1, &wc) == 1)
		;
}

/* --------------------------------------------------------------- setup */

static int rping_setup(void)
{
	int acc = IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE_READ |
		  IB_ACCESS_REMOTE_WRITE;
	struct ib_device *dev = rp.id->device;

	rp.pd = ib_alloc_pd(dev);
	rp.scq = ib_create_cq(dev, RPING_SQ_DEPTH * 2, rping_cq_event, NULL);
	rp.rcq = ib_create_cq(dev, RPING_SQ_DEPTH * 2, rping_cq_event, NULL);
	rp.msg_buf = kzalloc(64, GFP_KERNEL);
	rp.rdma_buf = kzalloc(RPING_BUFSIZE, GFP_KERNEL);
	rp.start_buf = kzalloc(RPING_BUFSIZE, GFP_KERNEL);
	if (IS_ERR_OR_NULL(rp.pd) || IS_ERR_OR_NULL(rp.scq) ||
	    IS_ERR_OR_NULL(rp.rcq) || !rp.msg_buf || !rp.rdma_buf ||
	    !rp.start_buf)
		return -ENOMEM;
	rp.recv_info = (void *)rp.msg_buf;
	rp.send_info = rp.recv_info + 1;
	rp.msg_mr = ib_reg_mr(rp.pd, rp.msg_buf, 64, IB_ACCESS_LOCAL_WRITE);
	rp.rdma_mr = ib_reg_mr(rp.pd, rp.rdma_buf, RPING_BUFSIZE, acc);
	rp.start_mr = ib_reg_mr(rp.pd, rp.start_buf, RPING_BUFSIZE, acc);
	if (IS_ERR(rp.msg_mr) || IS_ERR(rp.rdma_mr) || IS_ERR(rp.start_mr))
		return -ENOMEM;
	return 0;
}

static int rping_setup_qp(void)
{
	struct ib_qp_init_attr init = {
		.send_cq = rp.scq, .recv_cq = rp.rcq,
		.cap = { .max_send_wr = RPING_SQ_DEPTH, .max_recv_wr = 2,
			 .max_send_sge = 1, .max_recv_sge = 1 },
		.sq_sig_type = IB_SIGNAL_ALL_WR,
		.qp_type = IB_QPT_RC,
	};
	int ret = rdma_create_qp(rp.id, rp.pd, &init);

	if (ret)
		return ret;
	rp.qp = rp.id->qp;
	return post_recv_info();
}

/* -------------------------------------------------------------- server */

static int rping_server(unsigned int *pings, unsigned int *verified)
{
	struct rdma_conn_param param = {
		.responder_resources = 1, .initiator_depth = 1,
		.retry_count = 7, .rnr_retry_count = 7,
	};
	u8 start = 65;
	struct ib_wc wc;
	int ret;

	rp.listen_id = rdma_create_id(rping_cm_handler, NULL);
	if (IS_ERR(rp.listen_id))
		return PTR_ERR(rp.listen_id);
	ret = rdma_listen(rp.listen_id, rping_port);
	if (ret)
		return ret;
	pr_info("rping: server listening on port %u\n", rping_port);
	ret = wait_cm(RDMA_CM_EVENT_CONNECT_REQUEST);
	if (ret)
		return ret;
	rp.id = rp.pending;
	ret = rping_setup();
	if (!ret)
		ret = rping_setup_qp();
	if (!ret)
		ret = rdma_accept(rp.id, &param);
	if (!ret)
		ret = wait_cm(RDMA_CM_EVENT_ESTABLISHED);
	if (ret)
		return ret;
	pr_info("rping: server connected to " IPV4_FMT "\n",
		IPV4_ARGS(htonl(rp.id->remote_ip)));
	for (;;) {
		u32 len, rkey;
		u64 addr;

		/* The client's start buffer: READ it. */
		ret = recv_info();
		if (ret)
			break;
		addr = be64_to_cpu(rp.recv_info->buf);
		rkey = be32_to_cpu(rp.recv_info->rkey);
		len = be32_to_cpu(rp.recv_info->size);
		if (len < RPING_MIN_SIZE || len > RPING_BUFSIZE) {
			pr_err("rping: bad ping size %u\n", len);
			ret = -EPROTO;
			break;
		}
		memset(rp.rdma_buf, 0xa5, len);
		ret = post(IB_WR_RDMA_READ, rp.rdma_buf, len, rp.rdma_mr->lkey,
			   addr, rkey);
		if (!ret)
			ret = wait_wc(rp.scq, IB_WC_RDMA_READ, &wc);
		if (ret)
			break;
		rping_fill(rp.start_buf, len, *pings, start);
		start = next_start(start);
		if (!memcmp(rp.start_buf, rp.rdma_buf, len))
			(*verified)++;
		else
			pr_err("rping: ping %u: data read is not rping's\n",
			       *pings);
		(*pings)++;
		/* Go ahead (the content is not looked at, as in rping). */
		ret = send_info(rp.rdma_buf, 0, 0);
		if (ret)
			break;
		/* The client's sink: WRITE the ping back into it. */
		ret = recv_info();
		if (ret)
			break;
		addr = be64_to_cpu(rp.recv_info->buf);
		rkey = be32_to_cpu(rp.recv_info->rkey);
		ret = post(IB_WR_RDMA_WRITE, rp.rdma_buf,
			   strnlen((char *)rp.rdma_buf, len - 1) + 1,
			   rp.rdma_mr->lkey, addr, rkey);
		if (!ret)
			ret = wait_wc(rp.scq, IB_WC_RDMA_WRITE, &wc);
		if (!ret)
			ret = send_info(rp.rdma_buf, 0, 0);
		if (ret)
			break;
	}
	if (ret == -ECONNRESET) {
		pr_info("rping: server: client disconnected\n");
		return 0;
	}
	return ret;
}

/* -------------------------------------------------------------- client */

static int rping_client(unsigned int *pings, unsigned int *verified)
{
	struct rdma_conn_param param = {
		.responder_resources = 1, .initiator_depth = 1,
		.retry_count = 7, .rnr_retry_count = 7,
	};
	u8 start = 65;
	int ret;

	rp.id = rdma_create_id(rping_cm_handler, NULL);
	if (IS_ERR(rp.id))
		return PTR_ERR(rp.id);
	ret = rping_setup();
	/* Until the server listens (both boot at once): up to 10 s. */
	for (int attempt = 0; !ret; attempt++) {
		rp.cm_event = -1;
		rp.rej_reason = 0;
		ret = rping_setup_qp();
		if (!ret)
			ret = rdma_connect(rp.id, rp.peer_ip, rping_port,
					   &param, RPING_WAIT_MS);
		if (!ret)
			ret = wait_cm(RDMA_CM_EVENT_ESTABLISHED);
		if (ret != -ECONNABORTED ||
		    rp.rej_reason != IB_CM_REJ_INVALID_SERVICE_ID ||
		    attempt >= 50)
			break;
		rdma_destroy_id(rp.id);
		drain_cqs();
		msleep(200);
		rp.id = rdma_create_id(rping_cm_handler, NULL);
		if (IS_ERR(rp.id))
			return PTR_ERR(rp.id);
		ret = 0;
	}
	if (ret)
		return ret;
	pr_info("rping: client connected to " IPV4_FMT ":%u\n",
		IPV4_ARGS(htonl(rp.peer_ip)), rping_port);
	for (unsigned int n = 0; n < rp.count; n++) {
		rping_fill(rp.start_buf, rp.size, n, start);
		start = next_start(start);
		memset(rp.rdma_buf, 0, rp.size);
		ret = send_info(rp.start_buf, rp.start_mr->rkey, rp.size);
		if (!ret)
			ret = recv_info();	/* READ done */
		if (!ret)
			ret = send_info(rp.rdma_buf, rp.rdma_mr->rkey, rp.size);
		if (!ret)
			ret = recv_info();	/* WRITE done */
		if (ret)
			return ret;
		(*pings)++;
		if (!memcmp(rp.start_buf, rp.rdma_buf, rp.size)) {
			(*verified)++;
			pr_info("rping: ping data: %.40s\n", rp.rdma_buf);
		} else {
			pr_err("rping: ping %u: data mismatch\n", n);
		}
	}
	ret = rdma_disconnect(rp.id);
	return ret ?: wait_cm(RDMA_CM_EVENT_DISCONNECTED);
}

static int rping_thread(void *arg)
{
	unsigned int pings = 0, verified = 0;
	int ret;

	rp.cm_event = -1;
	ret = rp.server ? rping_server(&pings, &verified) :
			  rping_client(&pings, &verified);
	pr_info("rping: %u/%u pings verified\n", verified,
		rp.server ? pings : rp.count);
	if (ret)
		pr_err("rping: failed (%d)\n", ret);
	rdma_cm_dump_counters();
	msleep(100);	/* let the last ACK and DREP leave before QEMU ends */
	machine_halt_with_status(!ret && pings && verified == pings &&
				 (rp.server || pings == rp.count) ? 0 : 1);
	return 0;
}

/* Length of the prefix of @s without character @c. */
static size_t span_to(const char *s, char c)
{
	size_t n = 0;

	while (s[n] && s[n] != c)
		n++;
	return n;
}

/* "client:ADDR,count=N,size=S" (count and size optional: 10, 64). */
static int rping_parse(const char *s)
{
	char addr[20];
	const char *p;
	size_t n;

	rp.count = 10;
	rp.size = 64;
	if (!strcmp(s, "server")) {
		rp.server = true;
		return 0;
	}
	if (strncmp(s, "client:", 7))
		return -EINVAL;
	s += 7;
	n = span_to(s, ',');
	if (n >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, s, n);
	addr[n] = 0;
	if (rdma_parse_ipv4(addr, &rp.peer_ip))
		return -EINVAL;
	for (p = s + n; *p == ','; p += n) {
		char val[12];
		unsigned int v;
		size_t k;

		p++;
		n = span_to(p, ',');
		k = span_to(p, '=');
		if (k >= n || n - k - 1 >= sizeof(val))
			return -EINVAL;
		memcpy(val, p + k + 1, n - k - 1);
		val[n - k - 1] = 0;
		if (kstrtouint(val, 10, &v))
			return -EINVAL;
		if (k == 5 && !strncmp(p, "count", 5) && v > 0)
			rp.count = v;
		else if (k == 4 && !strncmp(p, "size", 4) &&
			 v >= RPING_MIN_SIZE && v < RPING_BUFSIZE)
			rp.size = v;
		else
			return -EINVAL;
	}
	return 0;
}

void rping_init(void)
{
	struct task *t;

	if (!rping_param[0])
		return;
	init_waitqueue_head(&rp.wq);
	if (rping_parse(rping_param)) {
		pr_err("rping: rping=%s is not server or client:ADDR[,count=N][,size=%u..%u]\n",
		       rping_param, RPING_MIN_SIZE, RPING_BUFSIZE - 1);
		machine_halt_with_status(1);
	}
	t = kthread_run(rping_thread, NULL, "rping");
	if (IS_ERR(t)) {
		pr_err("rping: no thread (%ld)\n", PTR_ERR(t));
		machine_halt_with_status(1);
	}
	kthread_detach(t);
}
