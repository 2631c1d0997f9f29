/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ARP (RFC 826) on the configured interface: answering requests for our
 * address, learning from requests and replies, gratuitous announcements,
 * and arp_resolve(), which asks and sleeps until the answer arrives.
 * The cache itself is net/arp_cache.c, the packet codec net/codec.c.
 *
 * Locking: arp_lock protects the cache; it is taken with interrupts off
 * and never held across a transmit.  Sleepers in arp_resolve() wait on
 * arp_wq for arp_updates (bumped under arp_lock) to change, so the wait
 * condition reads one word and takes no lock.
 */
#include <tessera/arp.h>
#include <tessera/errno.h>
#include <tessera/ip.h>
#include <tessera/net.h>
#include <tessera/netdev.h>
#include <tessera/printk.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <tessera/timer.h>
#include <tessera/wait.h>

#include "internal.h"

static DEFINE_SPINLOCK(arp_lock);
static struct arp_cache arp_table;		/* protected by arp_lock */
static unsigned long arp_updates;		/* written under arp_lock */
static DECLARE_WAIT_QUEUE_HEAD(arp_wq);

static const u8 eth_broadcast[ETH_ALEN] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

void arp_init(void)
{
	unsigned long flags;

	spin_lock_irqsave(&arp_lock, flags);
	arp_cache_init(&arp_table, ARP_CACHE_TTL_NS);
	spin_unlock_irqrestore(&arp_lock, flags);
}

void arp_flush(void)
{
	arp_init();
}

unsigned int arp_nr_cached(void)
{
	unsigned long flags;
	unsigned int n;

	spin_lock_irqsave(&arp_lock, flags);
	n = arp_cache_count(&arp_table);
	spin_unlock_irqrestore(&arp_lock, flags);
	return n;
}

static bool arp_lookup(__be32 ip, u8 *mac)
{
	unsigned long flags;
	bool found;

	spin_lock_irqsave(&arp_lock, flags);
	found = arp_cache_lookup(&arp_table, ip, mac, ktime_get());
	spin_unlock_irqrestore(&arp_lock, flags);
	return found;
}

/* Learn @ip -> @mac; @always: insert even if not cached yet. */
static void arp_learn(__be32 ip, const u8 *mac, bool always)
{
	unsigned long flags;
	bool learned = false;

	spin_lock_irqsave(&arp_lock, flags);
	if (always || arp_cache_contains(&arp_table, ip)) {
		arp_cache_update(&arp_table, ip, mac, ktime_get());
		WRITE_ONCE(arp_updates, arp_updates + 1);
		learned = true;
	}
	spin_unlock_irqrestore(&arp_lock, flags);
	if (learned)
		wake_up_all(&arp_wq);
}

static int arp_xmit(struct netdev *dev, u16 op, const u8 *eth_dst,
		    const u8 *tha, __be32 spa, __be32 tpa)
{
	struct {
		struct ethhdr eth;
		struct arp_eth_ipv4 arp;
	} __packed frame;
	struct kvec iov = { &frame, sizeof(frame) };
	int ret;

	eth_build_header(&frame.eth, dev, eth_dst, ETH_P_ARP);
	arp_build(&frame.arp, op, dev->mac, spa, tha, tpa);
	ret = netdev_xmit(dev, &iov, 1);
	if (ret) {
		net_stats_inc(tx_errors);
		return ret;
	}
	if (op == ARP_OP_REQUEST)
		net_stats_inc(arp_tx_requests);
	else
		net_stats_inc(arp_tx_replies);
	return 0;
}

int arp_send_request(struct netdev *dev, __be32 ip)
{
	struct net_iface *ifc = net_iface_of(dev);

	if (!ifc)
		return -ENETDOWN;
	return arp_xmit(dev, ARP_OP_REQUEST, eth_broadcast, NULL, ifc->addr,
			ip);
}

int arp_announce(struct netdev *dev)
{
	struct net_iface *ifc = net_iface_of(dev);

	if (!ifc)
		return -ENETDOWN;
	/* A request for our own address: peers refresh what they had. */
	return arp_xmit(dev, ARP_OP_REQUEST, eth_broadcast, NULL, ifc->addr,
			ifc->addr);
}

void arp_rx(struct netdev *dev, const u8 *frame, size_t len)
{
	struct net_iface *ifc = net_iface_of(dev);
	enum net_drop_reason r;
	struct arp_info a;
	bool for_us, on_link;

	if (len < ETH_HLEN) {
		net_drop(NET_DROP_ETH_TRUNCATED);
		return;
	}
	r = arp_parse(frame + ETH_HLEN, len - ETH_HLEN, &a);
	if (r != NET_DROP_NONE) {
		net_drop(r);
		return;
	}
	if (!ifc) {
		net_drop(NET_DROP_NO_IFACE);
		return;
	}
	if (a.op == ARP_OP_REQUEST)
		net_stats_inc(arp_rx_requests);
	else
		net_stats_inc(arp_rx_replies);

	if (a.spa == ifc->addr) {
		if (memcmp(a.sha, dev->mac, ETH_ALEN)) {
			net_drop(NET_DROP_ARP_CONFLICT);
			pr_warn_once("arp: " MAC_FMT " also claims our address " IPV4_FMT "\n",
				     MAC_ARGS(a.sha), IPV4_ARGS(ifc->addr));
		}
		return;
	}

	for_us = a.tpa == ifc->addr;
	on_link = a.spa && ((a.spa ^ ifc->addr) & ifc->netmask) == 0;
	/* RFC 826: refresh a known sender; learn one that talks to us. */
	if (on_link)
		arp_learn(a.spa, a.sha, for_us);

	if (a.op == ARP_OP_REQUEST && for_us)
		arp_xmit(dev, ARP_OP_REPLY, a.sha, a.sha, ifc->addr, a.spa);
}

static long ns_to_jiffies_min1(u64 ns)
{
	u64 j = ns * HZ / NSEC_PER_SEC;

	return j ? (long)j : 1;
}

int arp_resolve(struct netdev *dev, __be32 ip, u8 mac[ETH_ALEN],
		u64 timeout_ns)
{
	struct net_iface *ifc = net_iface_of(dev);
	u64 deadline, now, next_request;

	if (!ifc)
		return -ENETDOWN;
	if (ipv4_is_broadcast(ifc, ip)) {
		memcpy(mac, eth_broadcast, ETH_ALEN);
		return 0;
	}
	if (((ip ^ ifc->addr) & ifc->netmask) != 0)
		return -ENETUNREACH;
	if (ip == ifc->addr)
		return -EHOSTUNREACH;	/* no loopback device */
	if (arp_lookup(ip, mac))
		return 0;
	if (!timeout_ns || net_in_rx_context(dev)) {
		arp_send_request(dev, ip);
		return -EAGAIN;
	}

	now = ktime_get();
	deadline = now + timeout_ns;
	next_request = now;
	for (;;) {
		unsigned long seen = READ_ONCE(arp_updates);

		if (arp_lookup(ip, mac))
			return 0;
		now = ktime_get();
		if (now >= deadline)
			break;
		if (now >= next_request) {
			arp_send_request(dev, ip);
			next_request = now + ARP_RETRY_NS;
		}
		wait_event_timeout(arp_wq, READ_ONCE(arp_updates) != seen,
				   ns_to_jiffies_min1(min(next_request,
							  deadline) - now));
	}
	net_stats_inc(arp_resolve_timeouts);
	return -EHOSTUNREACH;
}
