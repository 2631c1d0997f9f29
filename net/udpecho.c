/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The UDP echo service (port 7, RFC 862) that every node runs, and its
 * boot test: with `udpecho.test=N` this node resolves the peer
 * (`udpecho.peer=ADDR`, default the other node of a two-node setup:
 * host 2 if we are host 1, else host 1 of our subnet), sends N datagrams
 * of 1..1472 bytes of pseudo-random content one at a time, checks every
 * byte of every echo, prints "udpecho: N/N verified" and halts with
 * status 0 (all verified) or 1.  A datagram or its echo that is lost is
 * sent again (up to UDPECHO_TRIES times); an echo with wrong bytes fails
 * it at once.
 *
 * How long to wait for an echo is measured, as TCP does (RFC 6298):
 * srtt and rttvar from echoes of datagrams sent once (Karn's rule: an
 * echo after a resend may answer either copy), RTO = srtt + 4 rttvar
 * within [UDPECHO_RTO_MIN_MS, UDPECHO_RTO_MAX_MS], doubled per timeout
 * and kept doubled until the next clean sample.  A fixed wait (it was
 * 500 ms) made the test's run time that of its losses on a link whose
 * round trip is 0.1-30 ms, and, with net.drop=N counting the periodic
 * FIT heartbeats too, could keep the echo of every try of a datagram on
 * the dropped frame position.  A late echo of the datagram in flight
 * completes it; echoes of earlier ones are counted as stale.
 *
 * When done, the tester also sends its verdict ("50/50 verified") to
 * the peer's report port, UDPECHO_REPORT_PORT, a few times.  A node
 * booted with `udpecho.report` listens there and prints "udpecho: peer
 * ADDR reports: TEXT", so a host script knows when the echoing node may
 * be stopped (counting echoes would not do: lost echoes are resent).
 */
#include <tessera/arp.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/kthread.h>
#include <tessera/net.h>
#include <tessera/netdev.h>
#include <tessera/panic.h>
#include <tessera/params.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <tessera/timer.h>
#include <tessera/udp.h>
#include <tessera/wait.h>

#include "internal.h"

#define UDPECHO_CLIENT_PORT	7007
#define UDPECHO_REPORT_PORT	7008
#define UDPECHO_REPORTS		3	/* copies of the verdict sent */
#define UDPECHO_RTO_INIT_MS	250	/* before the first sample */
#define UDPECHO_RTO_MIN_MS	20
#define UDPECHO_RTO_MAX_MS	1000
#define UDPECHO_TRIES		8
#define UDPECHO_LINK_WAIT_MS	5000
#define UDPECHO_PEER_WAIT_S	30	/* the peer may still be booting */

static unsigned int udpecho_count;
PARAM_UINT("udpecho.test", udpecho_count, 0, 1000000,
	   "boot test: echo N UDP datagrams off udpecho.peer, verify, halt");
static char udpecho_peer_param[20];
PARAM_STRING("udpecho.peer", udpecho_peer_param,
	     "peer address for udpecho.test (default: host 1, or 2 if we are 1)");
static bool udpecho_report;
PARAM_BOOL("udpecho.report", udpecho_report,
	   "print the verdicts udpecho.test peers send to this node");

static unsigned long udpecho_served;	/* only the rx thread writes */
static unsigned long udpecho_errors;

static void udpecho_service(const struct udp_rx *pkt)
{
	struct kvec v = { pkt->data, pkt->len };

	/* Never answer another echo service: two of them would loop. */
	if (pkt->sport == UDP_PORT_ECHO)
		return;
	if (udp_sendv(pkt->dev, pkt->saddr, UDP_PORT_ECHO, pkt->sport, &v, 1))
		udpecho_errors++;
	else
		udpecho_served++;
}

/* A tester's verdict: print it, printable ASCII only. */
static void udpecho_report_rx(const struct udp_rx *pkt)
{
	char text[64];
	size_t i, n = min(pkt->len, sizeof(text) - 1);

	for (i = 0; i < n; i++) {
		char ch = ((const char *)pkt->data)[i];

		text[i] = ch >= 0x20 && ch < 0x7f ? ch : '?';
	}
	text[n] = 0;
	pr_info("udpecho: peer " IPV4_FMT " reports: %s (served %lu, errors %lu)\n",
		IPV4_ARGS(pkt->saddr), text, udpecho_served, udpecho_errors);
}

/* The client: one datagram in flight, protected by lock. */
struct udpecho_client {
	spinlock_t lock;
	struct wait_queue_head wq;
	__be32 peer;
	const u8 *expect;	/* NULL: not waiting */
	size_t expect_len;
	bool done;		/* an echo of the current datagram came */
	bool corrupt;		/* ... and its bytes differed */
	unsigned long stale;	/* echoes of earlier datagrams, strangers */
};

static struct udpecho_client udpecho_client;

static void udpecho_client_rx(const struct udp_rx *pkt)
{
	struct udpecho_client *c = pkt->ctx;
	unsigned long flags;
	bool wake = false;

	spin_lock_irqsave(&c->lock, flags);
	if (pkt->saddr != c->peer || pkt->sport != UDP_PORT_ECHO ||
	    !c->expect || c->done || pkt->len != c->expect_len ||
	    (pkt->len >= 4 && memcmp(pkt->data, c->expect, 4))) {
		c->stale++;
	} else {
		c->corrupt = memcmp(pkt->data, c->expect, pkt->len) != 0;
		c->done = true;
		wake = true;
	}
	spin_unlock_irqrestore(&c->lock, flags);
	if (wake)
		wake_up(&c->wq);
}

static u32 udpecho_rand(u64 *state)
{
	*state = *state * 6364136223846793005ull + 1442695040888963407ull;
	return (u32)(*state >> 33);
}

/* Wait for the link and the peer's MAC; 0 or -errno. */
static int udpecho_reach_peer(struct netdev *dev, __be32 peer)
{
	u8 mac[ETH_ALEN];
	unsigned int waited;
	int ret = -EHOSTUNREACH;

	for (waited = 0; !dev->ops->link_up(dev); waited += 10) {
		if (waited >= UDPECHO_LINK_WAIT_MS)
			return -ENETDOWN;
		msleep(10);
	}
	for (waited = 0; waited < UDPECHO_PEER_WAIT_S; waited++) {
		ret = arp_resolve(dev, peer, mac, NSEC_PER_SEC);
		if (ret != -EHOSTUNREACH)
			break;
	}
	if (!ret)
		pr_info("udpecho: peer " IPV4_FMT " is at " MAC_FMT "\n",
			IPV4_ARGS(peer), MAC_ARGS(mac));
	return ret;
}

/* The tester's retransmission timer (RFC 6298); its thread only. */
struct udpecho_rto {
	u64 srtt, rttvar;	/* ns; srtt 0: no sample yet */
	unsigned int backoff;	/* timeouts since the last sample */
};

static u64 udpecho_rto_ns(const struct udpecho_rto *r)
{
	u64 rto = UDPECHO_RTO_INIT_MS * NSEC_PER_MSEC;

	if (r->srtt)
		rto = clamp(r->srtt + 4 * r->rttvar,
			    (u64)UDPECHO_RTO_MIN_MS * NSEC_PER_MSEC,
			    (u64)UDPECHO_RTO_MAX_MS * NSEC_PER_MSEC);
	return min(rto << min(r->backoff, 6u),
		   (u64)UDPECHO_RTO_MAX_MS * NSEC_PER_MSEC);
}

/* An echo of a datagram sent once came after @rtt ns. */
static void udpecho_rto_sample(struct udpecho_rto *r, u64 rtt)
{
	u64 err;

	r->backoff = 0;
	if (!r->srtt) {
		r->srtt = rtt ?: 1;
		r->rttvar = rtt / 2;
		return;
	}
	err = rtt > r->srtt ? rtt - r->srtt : r->srtt - rtt;
	r->rttvar = r->rttvar - r->rttvar / 4 + err / 4;
	r->srtt = r->srtt - r->srtt / 8 + rtt / 8;
	if (!r->srtt)
		r->srtt = 1;
}

/*
 * Send @buf and wait up to @wait_ns for its echo (which may answer an
 * earlier copy); 1 verified, 0 lost, -1 corrupt.
 */
static int udpecho_one(struct netdev *dev, struct udpecho_client *c,
		       const u8 *buf, size_t len, u64 wait_ns, u64 *rtt_ns)
{
	struct kvec v = { buf, len };
	unsigned long flags;
	u64 t0;
	int ret;

	spin_lock_irqsave(&c->lock, flags);
	if (c->expect != buf) {
		c->expect = buf;
		c->expect_len = len;
		c->done = false;
		c->corrupt = false;
	}
	spin_unlock_irqrestore(&c->lock, flags);

	t0 = ktime_get();
	ret = udp_sendv(dev, c->peer, UDPECHO_CLIENT_PORT, UDP_PORT_ECHO,
			&v, 1);
	if (ret == 0)
		wait_event_timeout(c->wq, READ_ONCE(c->done),
				   (long)msecs_to_jiffies(DIV_ROUND_UP(wait_ns,
							NSEC_PER_MSEC)));
	*rtt_ns = ktime_get() - t0;

	spin_lock_irqsave(&c->lock, flags);
	ret = !c->done ? 0 : c->corrupt ? -1 : 1;
	spin_unlock_irqrestore(&c->lock, flags);
	return ret;
}

/* The datagram at @buf is given up on or done: later echoes are stale. */
static void udpecho_forget(struct udpecho_client *c)
{
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	c->expect = NULL;
	spin_unlock_irqrestore(&c->lock, flags);
}

static void udpecho_send_report(struct netdev *dev, __be32 peer,
				unsigned int verified)
{
	char text[48];
	struct kvec v = { text, 0 };
	unsigned int i;

	v.len = scnprintf(text, sizeof(text), "%u/%u verified", verified,
			  udpecho_count);
	for (i = 0; i < UDPECHO_REPORTS; i++) {
		udp_sendv(dev, peer, UDPECHO_CLIENT_PORT, UDPECHO_REPORT_PORT,
			  &v, 1);
		msleep(20);
	}
}

static int udpecho_test_thread(void *arg)
{
	struct net_iface *ifc = arg;
	struct netdev *dev = ifc->dev;
	struct udpecho_client *c = &udpecho_client;
	unsigned int i, verified = 0, corrupt = 0, lost = 0, retries = 0;
	u64 rng = 0x7e55e7a ^ be32_to_cpu(ifc->addr);
	u64 rtt, rtt_min = ~0ull, rtt_max = 0, rtt_sum = 0, start;
	struct udpecho_rto rto = { 0 };
	u8 *buf;
	int ret;

	buf = kmalloc(UDP_MAX_PAYLOAD, GFP_KERNEL);
	if (!buf) {
		pr_err("udpecho: out of memory\n");
		goto out;
	}
	ret = udpecho_reach_peer(dev, c->peer);
	if (ret) {
		pr_err("udpecho: peer " IPV4_FMT " unreachable (%d)\n",
		       IPV4_ARGS(c->peer), ret);
		goto out;
	}
	start = ktime_get();

	for (i = 0; i < udpecho_count; i++) {
		size_t len = i == 0 ? 1 : i == 1 ? UDP_MAX_PAYLOAD :
			     1 + udpecho_rand(&rng) % UDP_MAX_PAYLOAD;
		unsigned int try;
		size_t k;

		for (k = 0; k < len; k++)
			buf[k] = (u8)udpecho_rand(&rng);
		if (len >= 4) {
			__be32 seq = cpu_to_be32(i);

			memcpy(buf, &seq, 4);	/* tells late echoes apart */
		}
		for (try = 0; try < UDPECHO_TRIES; try++) {
			ret = udpecho_one(dev, c, buf, len,
					  udpecho_rto_ns(&rto), &rtt);
			if (ret)
				break;
			retries++;
			rto.backoff++;
		}
		udpecho_forget(c);
		if (ret > 0 && try == 0)
			udpecho_rto_sample(&rto, rtt);
		if (ret > 0) {
			verified++;
			rtt_sum += rtt;
			rtt_min = min(rtt_min, rtt);
			rtt_max = max(rtt_max, rtt);
		} else if (ret < 0) {
			corrupt++;
			pr_err("udpecho: datagram %u (%zu bytes) came back corrupted\n",
			       i, len);
		} else {
			lost++;
			pr_err("udpecho: datagram %u (%zu bytes): no echo after %u tries\n",
			       i, len, UDPECHO_TRIES);
		}
	}
	kfree(buf);
	buf = NULL;
	pr_info("udpecho: %u/%u verified\n", verified, udpecho_count);
	udpecho_send_report(dev, c->peer, verified);
	pr_info("udpecho: corrupt %u lost %u retries %u stale %lu in %llu ms, rto %llu ms\n",
		corrupt, lost, retries, c->stale,
		(unsigned long long)((ktime_get() - start) / NSEC_PER_MSEC),
		(unsigned long long)(udpecho_rto_ns(&rto) / NSEC_PER_MSEC));
	if (verified)
		pr_info("udpecho: rtt min %llu us avg %llu us max %llu us\n",
			(unsigned long long)(rtt_min / NSEC_PER_USEC),
			(unsigned long long)(rtt_sum / verified / NSEC_PER_USEC),
			(unsigned long long)(rtt_max / NSEC_PER_USEC));
out:
	kfree(buf);
	net_dump_stats();
	netdev_dump_stats(dev);
	machine_halt_with_status(verified == udpecho_count ? 0 : 1);
	return 0;
}

static __be32 udpecho_default_peer(const struct net_iface *ifc)
{
	u32 net = be32_to_cpu(ifc->addr & ifc->netmask);
	u32 host = be32_to_cpu(ifc->addr & ~ifc->netmask);

	return cpu_to_be32(net | (host == 1 ? 2 : 1));
}

void udpecho_init(struct net_iface *ifc)
{
	struct udpecho_client *c = &udpecho_client;
	unsigned int prefix;
	struct task *t;
	int ret;

	ret = udp_bind(UDP_PORT_ECHO, udpecho_service, NULL);
	if (ret)
		pr_err("udpecho: cannot bind port %u (%d)\n", UDP_PORT_ECHO,
		       ret);
	if (udpecho_report) {
		ret = udp_bind(UDPECHO_REPORT_PORT, udpecho_report_rx, NULL);
		if (ret)
			pr_err("udpecho: cannot bind port %u (%d)\n",
			       UDPECHO_REPORT_PORT, ret);
	}
	if (!udpecho_count)
		return;

	spin_lock_init(&c->lock);
	init_waitqueue_head(&c->wq);
	c->peer = udpecho_default_peer(ifc);
	if (udpecho_peer_param[0]) {
		char cidr[sizeof(udpecho_peer_param) + 4];

		/* Reuse the strict parser: a host address needs a prefix. */
		snprintf(cidr, sizeof(cidr), "%s/32", udpecho_peer_param);
		if (inet_parse_cidr(cidr, &c->peer, &prefix)) {
			pr_err("udpecho: udpecho.peer=%s is not an IPv4 address (e.g. 10.77.0.1); using " IPV4_FMT "\n",
			       udpecho_peer_param,
			       IPV4_ARGS(udpecho_default_peer(ifc)));
			c->peer = udpecho_default_peer(ifc);
		}
	}
	pr_info("udpecho: testing %u datagrams with " IPV4_FMT "\n",
		udpecho_count, IPV4_ARGS(c->peer));
	ret = udp_bind(UDPECHO_CLIENT_PORT, udpecho_client_rx, c);
	if (!ret) {
		t = kthread_run(udpecho_test_thread, ifc, "udpecho");
		ret = IS_ERR(t) ? PTR_ERR(t) : 0;
	}
	if (ret) {
		pr_err("udpecho: cannot start the test (%d)\n", ret);
		machine_halt_with_status(1);
	}
}
