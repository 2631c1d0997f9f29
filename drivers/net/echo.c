/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw-frame echo over EtherType 0x88B5 (IEEE local experimental): the
 * fabric's floor latency, below any protocol.
 *
 * Frame: Ethernet header, then struct echo_hdr (magic, op, sequence
 * number, frame length), then a payload whose byte i is a function of
 * the sequence number and i, so the requester checks an echoed frame
 * without keeping a copy.
 *
 *  - Responder (always on): a REQUEST comes back as a REPLY with the
 *    same sequence number and payload, from our MAC to the sender.
 *  - Requester: net_echo_ping() sends one REQUEST and sleeps until the
 *    matching REPLY is checked by the receive handler, or 1 s passes.
 *    One ping at a time (echo_mutex); stale or foreign replies are
 *    counted and ignored.
 *  - Boot test: netecho.test=N pings a peer (netecho.peer=MAC, or the
 *    first node to answer a broadcast) N times with varying sizes,
 *    prints "netecho: K/N replies verified", sends FIN frames and ends
 *    the machine with status 0 if K == N.  A node booted with
 *    netecho.exit_on_fin ends with status 0 when a FIN arrives.
 *  - kbench "netecho": RTT at 64 and 1514 bytes, 500 samples each, in
 *    interrupt and in polled receive mode.
 *
 * Locking: echo_mutex serialises requesters; ping_lock protects the
 * outstanding ping's state shared with the receive handler.
 */
#define pr_fmt(fmt) "netecho: " fmt

#include <tessera/ctype.h>
#include <tessera/errno.h>
#include <tessera/kbench.h>
#include <tessera/kernel.h>
#include <tessera/kthread.h>
#include <tessera/mutex.h>
#include <tessera/netdev.h>
#include <tessera/panic.h>
#include <tessera/params.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <tessera/wait.h>

#include "internal.h"

#define ECHO_MAGIC		0x54534543	/* "TSEC" */
#define ECHO_OP_REQUEST		1
#define ECHO_OP_REPLY		2
#define ECHO_OP_FIN		3
#define ECHO_TIMEOUT		HZ		/* 1 s */
#define ECHO_DISCOVER_TRIES	60
#define ECHO_LINK_WAIT_MS	10000
#define ECHO_FIN_COPIES		3
#define ECHO_BENCH_SAMPLES	500

struct echo_frame {
	u8 dst[ETH_ALEN];
	u8 src[ETH_ALEN];
	__be16 type;
	__le32 magic;
	u8 op;
	u8 pad[3];
	__le32 seq;
	__le32 len;		/* whole frame, bytes */
} __packed;
_Static_assert(sizeof(struct echo_frame) == 30, "echo header");

#define ECHO_MIN_LEN		((size_t)sizeof(struct echo_frame))

static const u8 eth_broadcast[ETH_ALEN] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff
};

static unsigned int echo_test_count;
PARAM_UINT("netecho.test", echo_test_count, 0, 100000,
	   "at boot, ping a peer N times over raw Ethernet, verify every reply and halt (0: off)");
static char echo_peer_str[24];
PARAM_STRING("netecho.peer", echo_peer_str,
	     "MAC of the netecho test/bench peer (default: whoever answers a broadcast)");
static bool echo_exit_on_fin;
PARAM_BOOL("netecho.exit_on_fin", echo_exit_on_fin,
	   "halt with status 0 when a netecho FIN frame arrives");

static DEFINE_MUTEX(echo_mutex);
static DEFINE_SPINLOCK(ping_lock);
static DECLARE_WAIT_QUEUE_HEAD(ping_wq);

/* The outstanding ping; protected by ping_lock. */
static struct {
	bool waiting;
	bool done;
	u32 seq;
	u32 len;
	int result;		/* 0 or -EBADMSG */
	u8 from[ETH_ALEN];
	ktime_t t_reply;
} ping;
static u32 echo_next_seq = 1;	/* under echo_mutex */

/* Counters, for the log; updated by receive threads. */
static u64 echo_requests_served, echo_replies_stale, echo_bad_frames;
static bool echo_registered;

static u8 echo_pattern(u32 seq, size_t i)
{
	return (u8)(seq * 31 + i * 7 + (i >> 8));
}

static bool echo_payload_ok(const u8 *frame, size_t len, u32 seq)
{
	size_t i;

	for (i = ECHO_MIN_LEN; i < len; i++)
		if (frame[i] != echo_pattern(seq, i))
			return false;
	return true;
}

static void echo_reply(struct netdev *dev, const u8 *frame, size_t len)
{
	struct echo_frame h;
	struct kvec iov[2];

	memcpy(&h, frame, sizeof(h));
	memcpy(h.dst, h.src, ETH_ALEN);
	memcpy(h.src, dev->mac, ETH_ALEN);
	h.op = ECHO_OP_REPLY;
	iov[0].base = &h;
	iov[0].len = sizeof(h);
	iov[1].base = frame + sizeof(h);
	iov[1].len = len - sizeof(h);
	if (!netdev_xmit(dev, iov, 2))
		echo_requests_served++;
}

static void echo_got_reply(const struct echo_frame *h, const u8 *frame,
			   size_t len)
{
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&ping_lock, flags);
	if (!ping.waiting || ping.done || h->seq != ping.seq) {
		spin_unlock_irqrestore(&ping_lock, flags);
		echo_replies_stale++;
		return;
	}
	ok = h->len == ping.len && len == ping.len &&
	     echo_payload_ok(frame, len, ping.seq);
	ping.t_reply = ktime_get();
	ping.result = ok ? 0 : -EBADMSG;
	memcpy(ping.from, h->src, ETH_ALEN);
	ping.done = true;
	spin_unlock_irqrestore(&ping_lock, flags);
	wake_up(&ping_wq);
}

static void echo_rx(struct netdev *dev, const u8 *frame, size_t len)
{
	struct echo_frame h;

	if (len < ECHO_MIN_LEN) {
		echo_bad_frames++;
		return;
	}
	memcpy(&h, frame, sizeof(h));
	if (h.magic != ECHO_MAGIC) {
		echo_bad_frames++;
		return;
	}
	switch (h.op) {
	case ECHO_OP_REQUEST:
		echo_reply(dev, frame, len);
		break;
	case ECHO_OP_REPLY:
		echo_got_reply(&h, frame, len);
		break;
	case ECHO_OP_FIN:
		if (READ_ONCE(echo_exit_on_fin)) {
			pr_info("FIN from %02x:%02x:%02x:%02x:%02x:%02x after %lu requests served\n",
				h.src[0], h.src[1], h.src[2], h.src[3],
				h.src[4], h.src[5], echo_requests_served);
			netdev_dump_stats(dev);
			machine_halt_with_status(0);
		}
		break;
	default:
		echo_bad_frames++;
	}
}

/* Requester: one frame of @len bytes with @op; frame buffer is static. */
static u8 echo_tx_buf[ETH_FRAME_LEN];	/* under echo_mutex */

static int echo_send(struct netdev *dev, const u8 *dst, size_t len, u8 op,
		     u32 seq)
{
	struct echo_frame h = {
		.type = __builtin_bswap16(ETH_P_TESSERA_ECHO),
		.magic = ECHO_MAGIC,
		.op = op,
		.seq = seq,
		.len = len,
	};
	struct kvec iov = { .base = echo_tx_buf, .len = len };
	size_t i;

	memcpy(h.dst, dst, ETH_ALEN);
	memcpy(h.src, dev->mac, ETH_ALEN);
	memcpy(echo_tx_buf, &h, sizeof(h));
	for (i = sizeof(h); i < len; i++)
		echo_tx_buf[i] = echo_pattern(seq, i);
	return netdev_xmit(dev, &iov, 1);
}

int net_echo_ping_from(struct netdev *dev, const u8 *dst, size_t len,
		       u64 *rtt_ns, u8 *from)
{
	unsigned long flags;
	ktime_t t0;
	u32 seq;
	int ret;

	if (!dev || len < ECHO_MIN_LEN || len > ETH_FRAME_LEN)
		return -EINVAL;
	if (!dst)
		dst = eth_broadcast;
	mutex_lock(&echo_mutex);
	seq = echo_next_seq++;
	spin_lock_irqsave(&ping_lock, flags);
	ping.waiting = true;
	ping.done = false;
	ping.seq = seq;
	ping.len = len;
	spin_unlock_irqrestore(&ping_lock, flags);

	t0 = ktime_get();
	ret = echo_send(dev, dst, len, ECHO_OP_REQUEST, seq);
	if (!ret && !wait_event_timeout(ping_wq, READ_ONCE(ping.done),
					ECHO_TIMEOUT))
		ret = -ETIMEDOUT;

	spin_lock_irqsave(&ping_lock, flags);
	if (!ret) {
		ret = ping.result;
		if (rtt_ns)
			*rtt_ns = ping.t_reply - t0;
		if (from)
			memcpy(from, ping.from, ETH_ALEN);
	}
	ping.waiting = false;
	spin_unlock_irqrestore(&ping_lock, flags);
	mutex_unlock(&echo_mutex);
	return ret;
}

int net_echo_ping(struct netdev *dev, const u8 *dst, size_t len,
		  u64 *rtt_ns)
{
	return net_echo_ping_from(dev, dst, len, rtt_ns, NULL);
}

/* ------------------------------------------------------------------ */
/* Peer discovery, boot test and benchmark */

static int hex_val(char c)
{
	if (isdigit(c))
		return c - '0';
	c = tolower(c);
	return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

/* "52:54:00:12:34:02" -> mac.  0 or -EINVAL. */
static int parse_mac(const char *s, u8 *mac)
{
	int i;

	for (i = 0; i < ETH_ALEN; i++) {
		int hi = hex_val(s[0]), lo = hi < 0 ? -1 : hex_val(s[1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		mac[i] = hi << 4 | lo;
		s += 2;
		if (i < ETH_ALEN - 1 && *s++ != ':')
			return -EINVAL;
	}
	return *s ? -EINVAL : 0;
}

static void wait_for_link(struct netdev *dev)
{
	unsigned int ms;

	for (ms = 0; ms < ECHO_LINK_WAIT_MS && !dev->ops->link_up(dev);
	     ms += 10)
		msleep(10);
}

/* The peer's MAC: netecho.peer=, or the first to answer a broadcast. */
static int echo_find_peer(struct netdev *dev, u8 *peer)
{
	int i, ret;

	if (echo_peer_str[0]) {
		if (parse_mac(echo_peer_str, peer)) {
			pr_err("bad netecho.peer=%s (want aa:bb:cc:dd:ee:ff)\n",
			       echo_peer_str);
			return -EINVAL;
		}
		return 0;
	}
	for (i = 0; i < ECHO_DISCOVER_TRIES; i++) {
		ret = net_echo_ping_from(dev, NULL, 64, NULL, peer);
		if (!ret)
			return 0;
		if (ret != -ETIMEDOUT)
			return ret;
	}
	return -ETIMEDOUT;
}

static void print_peer(const char *what, const u8 *m)
{
	pr_info("%s %02x:%02x:%02x:%02x:%02x:%02x\n", what, m[0], m[1], m[2],
		m[3], m[4], m[5]);
}

static int echo_test_thread(void *arg)
{
	struct netdev *dev = arg;
	unsigned int i, verified = 0, n = echo_test_count;
	u8 peer[ETH_ALEN];
	int ret;

	wait_for_link(dev);
	ret = echo_find_peer(dev, peer);
	if (ret) {
		pr_err("no peer answered (%d)\n", ret);
		pr_info("0/%u replies verified\n", n);
		machine_halt_with_status(1);
	}
	print_peer("peer", peer);
	for (i = 0; i < n; i++) {
		/* Sizes sweep 64..1514 so short and full frames both occur. */
		size_t len = 64 + (i * 97) % (ETH_FRAME_LEN - 64 + 1);

		if (i % 2)
			len = i % 4 == 1 ? ETH_FRAME_LEN : 64;
		ret = net_echo_ping(dev, peer, len, NULL);
		if (!ret)
			verified++;
		else
			pr_err("ping %u (%u bytes): %d\n", i, (unsigned int)len, ret);
	}
	pr_info("%u/%u replies verified\n", verified, n);
	netdev_dump_stats(dev);
	mutex_lock(&echo_mutex);
	for (i = 0; i < ECHO_FIN_COPIES; i++)
		echo_send(dev, peer, 64, ECHO_OP_FIN, 0);
	mutex_unlock(&echo_mutex);
	/* Let the FIN frames leave before QEMU goes away. */
	msleep(100);
	machine_halt_with_status(verified == n ? 0 : 1);
}

void net_echo_device_added(struct netdev *dev)
{
	struct task *t;

	if (!echo_registered) {
		echo_registered = true;
		if (netdev_register_ethertype(ETH_P_TESSERA_ECHO, echo_rx))
			pr_err("cannot register EtherType %#x\n",
			       ETH_P_TESSERA_ECHO);
	}
	if (!echo_test_count || dev->index != 0)
		return;
	t = kthread_run(echo_test_thread, dev, "netecho-test");
	if (IS_ERR(t))
		pr_err("cannot start the test thread (%ld)\n", PTR_ERR(t));
	else
		kthread_detach(t);
}

static void echo_bench_size(struct netdev *dev, const u8 *peer, size_t len,
			    const char *metric, u64 *samples)
{
	unsigned int i, n = 0, lost = 0;

	for (i = 0; i < ECHO_BENCH_SAMPLES; i++) {
		u64 rtt;

		if (net_echo_ping(dev, peer, len, &rtt))
			lost++;
		else
			samples[n++] = rtt;
	}
	if (lost)
		pr_warn("%s: %u of %u pings failed\n", metric, lost,
			ECHO_BENCH_SAMPLES);
	if (n)
		kbench_report("netecho", metric, samples, n, "ns");
}

static void echo_bench(void)
{
	struct netdev *dev = netdev_get(0);
	u8 peer[ETH_ALEN];
	u64 *samples;
	bool was_polled;

	if (!dev) {
		pr_err("bench: no network device\n");
		return;
	}
	wait_for_link(dev);
	if (echo_find_peer(dev, peer)) {
		pr_err("bench: no peer answered\n");
		return;
	}
	print_peer("bench peer", peer);
	samples = kmalloc_array(ECHO_BENCH_SAMPLES, sizeof(*samples),
				GFP_KERNEL);
	if (!samples)
		return;
	was_polled = dev->polled;
	if (!dev->no_irq) {
		netdev_set_polled(dev, false);
		echo_bench_size(dev, peer, 64, "rtt_64", samples);
		echo_bench_size(dev, peer, ETH_FRAME_LEN, "rtt_1514",
				samples);
	}
	netdev_set_polled(dev, true);
	echo_bench_size(dev, peer, 64, "rtt_64_polled", samples);
	echo_bench_size(dev, peer, ETH_FRAME_LEN, "rtt_1514_polled", samples);
	netdev_set_polled(dev, was_polled);
	kfree(samples);
}
KBENCH(netecho, echo_bench);
