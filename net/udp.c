/* SPDX-License-Identifier: GPL-2.0 */
/*
 * UDP: port bindings, receive dispatch and the zero-copy send path.
 * udp_sendv() puts the Ethernet, IPv4 and UDP headers in one small stack
 * buffer and passes it to the device with the caller's payload pieces
 * behind it, so the only copy is the driver's into its ring buffer.
 * Codecs and the checksum are in net/codec.c; the echo service on
 * port 7 is net/udpecho.c.
 *
 * Locking: udp_lock protects the binding table.  A dispatch marks its
 * binding busy under the lock and runs the handler without it;
 * udp_unbind() clears the binding under the lock and then waits for the
 * busy count to drop, so after it returns the handler is not running.
 */
#include <tessera/arp.h>
#include <tessera/errno.h>
#include <tessera/ip.h>
#include <tessera/net.h>
#include <tessera/netdev.h>
#include <tessera/sched.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <tessera/udp.h>

#include "internal.h"

struct udp_binding {
	u16 port;			/* 0: free; protected by udp_lock */
	void (*handler)(const struct udp_rx *pkt);
	void *ctx;
	unsigned int busy;		/* dispatches running; udp_lock */
};

static DEFINE_SPINLOCK(udp_lock);
static struct udp_binding udp_bindings[UDP_MAX_BINDINGS];

static struct udp_binding *udp_find(u16 port)
{
	unsigned int i;

	for (i = 0; i < UDP_MAX_BINDINGS; i++)
		if (udp_bindings[i].port == port)
			return &udp_bindings[i];
	return NULL;
}

int udp_bind(u16 port, void (*handler)(const struct udp_rx *pkt), void *ctx)
{
	struct udp_binding *b;
	unsigned long flags;
	int ret = 0;

	if (!port || !handler)
		return -EINVAL;
	spin_lock_irqsave(&udp_lock, flags);
	if (udp_find(port)) {
		ret = -EADDRINUSE;
		goto out;
	}
	/* A slot still draining an unbind (busy) is not reused yet. */
	b = NULL;
	for (unsigned int i = 0; i < UDP_MAX_BINDINGS; i++) {
		if (!udp_bindings[i].port && !udp_bindings[i].busy) {
			b = &udp_bindings[i];
			break;
		}
	}
	if (!b) {
		ret = -ENOSPC;
		goto out;
	}
	b->handler = handler;
	b->ctx = ctx;
	b->port = port;
out:
	spin_unlock_irqrestore(&udp_lock, flags);
	return ret;
}

int udp_unbind(u16 port)
{
	struct udp_binding *b;
	unsigned long flags;

	if (!port)
		return -ENOENT;
	spin_lock_irqsave(&udp_lock, flags);
	b = udp_find(port);
	if (b)
		b->port = 0;
	spin_unlock_irqrestore(&udp_lock, flags);
	if (!b)
		return -ENOENT;
	while (READ_ONCE(b->busy))
		yield();
	return 0;
}

void udp_init(void)
{
	ipv4_register_protocol(IPPROTO_UDP, udp_rx);
}

void udp_rx(struct netdev *dev, const struct ipv4_info *ip)
{
	struct udp_binding *b;
	struct udp_info u;
	struct udp_rx pkt;
	enum net_drop_reason r;
	unsigned long flags;

	r = udp_parse(ip->payload, ip->payload_len, ip->saddr, ip->daddr, &u);
	if (r != NET_DROP_NONE) {
		net_drop(r);
		return;
	}
	spin_lock_irqsave(&udp_lock, flags);
	b = u.dport ? udp_find(u.dport) : NULL;
	if (b) {
		b->busy++;
		pkt.ctx = b->ctx;
		pkt.dev = dev;
		pkt.saddr = ip->saddr;
		pkt.daddr = ip->daddr;
		pkt.sport = u.sport;
		pkt.dport = u.dport;
		pkt.data = u.payload;
		pkt.len = u.payload_len;
		pkt.iph = ip->payload - ip->hdr_len;
		pkt.ip_hdr_len = ip->hdr_len;
	}
	spin_unlock_irqrestore(&udp_lock, flags);
	if (!b) {
		net_drop(NET_DROP_UDP_NO_PORT);
		return;
	}
	net_stats_inc(udp_rx);
	b->handler(&pkt);
	spin_lock_irqsave(&udp_lock, flags);
	b->busy--;
	spin_unlock_irqrestore(&udp_lock, flags);
}

int udp_sendv(struct netdev *dev, __be32 dst_ip, u16 src_port, u16 dst_port,
	      const struct kvec *payload, unsigned int n)
{
	struct {
		struct ethhdr eth;
		struct iphdr ip;
		struct udphdr udp;
	} __packed hdr;
	struct kvec iov[1 + UDP_MAX_IOV];
	struct net_iface *ifc = net_iface_of(dev);
	u8 mac[ETH_ALEN];
	size_t len = 0;
	unsigned int i;
	int ret;

	if (n > UDP_MAX_IOV || !dst_port)
		return -EINVAL;
	if (!ifc)
		return -ENETDOWN;
	for (i = 0; i < n; i++) {
		len += payload[i].len;
		iov[1 + i] = payload[i];
	}
	if (len > UDP_MAX_PAYLOAD ||
	    len + IPV4_HLEN + UDP_HLEN > dev->mtu)
		return -EMSGSIZE;

	ret = arp_resolve(dev, dst_ip, mac, ARP_DEFAULT_TIMEOUT_NS);
	if (ret)
		return ret;

	eth_build_header(&hdr.eth, dev, mac, ETH_P_IP);
	udp_build_header(&hdr.udp, src_port, dst_port, (u16)len);
	hdr.udp.check = udp_checksum(ifc->addr, dst_ip, &hdr.udp, payload, n);
	ipv4_build_header(&hdr.ip, ifc->addr, dst_ip, IPPROTO_UDP,
			  (u16)(UDP_HLEN + len), ipv4_next_id(),
			  IP_DEFAULT_TTL);
	iov[0].base = &hdr;
	iov[0].len = sizeof(hdr);

	ret = netdev_xmit(dev, iov, n + 1);
	if (ret) {
		net_stats_inc(tx_errors);
		return ret;
	}
	net_stats_inc(ip_tx);
	net_stats_inc(udp_tx);
	return 0;
}
