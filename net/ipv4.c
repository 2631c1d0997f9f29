/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPv4 receive: validate every header field (net/codec.c's
 * ipv4_parse()), accept what is addressed to us or broadcast, count the
 * rest by reason, and hand the payload to the protocol registered for
 * it.  Sending is done by the transport (udp_sendv() builds Ethernet,
 * IPv4 and UDP headers together); this file gives it the identification
 * counter and the address predicates.
 *
 * The protocol table is written at boot (ipv4_register_protocol()) and
 * read by the receive threads; entries are set once, never cleared.
 */
#include <tessera/errno.h>
#include <tessera/ip.h>
#include <tessera/net.h>
#include <tessera/netdev.h>
#include <tessera/time.h>

#include "internal.h"

static ipv4_proto_handler_t ipv4_protocols[256];
static u16 ipv4_id;

/* Start identifications somewhere boot-dependent, as peers expect. */
void ipv4_init(void)
{
	ipv4_id = (u16)ktime_get();
}

int ipv4_register_protocol(u8 protocol, ipv4_proto_handler_t handler)
{
	ipv4_proto_handler_t expected = NULL;

	if (!handler)
		return -EINVAL;
	if (!__atomic_compare_exchange_n(&ipv4_protocols[protocol], &expected,
					 handler, false, __ATOMIC_RELEASE,
					 __ATOMIC_RELAXED))
		return -EBUSY;
	return 0;
}

u16 ipv4_next_id(void)
{
	return __atomic_add_fetch(&ipv4_id, 1, __ATOMIC_RELAXED);
}

bool ipv4_is_broadcast(const struct net_iface *ifc, __be32 addr)
{
	return addr == IPV4_BROADCAST ||
	       (ifc->prefix <= 30 && addr == (ifc->addr | ~ifc->netmask));
}

bool ipv4_is_local(const struct net_iface *ifc, __be32 addr)
{
	return addr == ifc->addr || ipv4_is_broadcast(ifc, addr);
}

void ipv4_rx(struct netdev *dev, const u8 *frame, size_t len)
{
	struct net_iface *ifc;
	struct ipv4_info ip;
	enum net_drop_reason r;
	ipv4_proto_handler_t h;

	if (len < ETH_HLEN) {
		net_drop(NET_DROP_ETH_TRUNCATED);
		return;
	}
	r = ipv4_parse(frame + ETH_HLEN, len - ETH_HLEN, &ip);
	if (r != NET_DROP_NONE) {
		net_drop(r);
		return;
	}
	ifc = net_iface_of(dev);
	if (!ifc) {
		net_drop(NET_DROP_NO_IFACE);
		return;
	}
	if (!ipv4_is_local(ifc, ip.daddr)) {
		net_drop(NET_DROP_IP_NOT_FOR_US);
		return;
	}
	net_stats_inc(ip_rx);
	h = __atomic_load_n(&ipv4_protocols[ip.protocol], __ATOMIC_ACQUIRE);
	if (!h) {
		net_drop(NET_DROP_IP_NO_PROTO);
		return;
	}
	h(dev, &ip);
}
