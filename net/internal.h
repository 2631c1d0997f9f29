/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared by the files of net/ and its tests, nothing else:
 * the receive entry points the EtherType table calls, the interface
 * table, counters, and the boot hooks of the UDP services.
 */
#ifndef _NET_INTERNAL_H
#define _NET_INTERNAL_H

#include <tessera/ip.h>
#include <tessera/net.h>

/* Count a received frame dropped for @r (r != NET_DROP_NONE). */
static inline void net_drop(enum net_drop_reason r)
{
	__atomic_fetch_add(&net_stats.drops[r], 1, __ATOMIC_RELAXED);
}

static inline u64 net_drop_count(enum net_drop_reason r)
{
	return __atomic_load_n(&net_stats.drops[r], __ATOMIC_RELAXED);
}

/* EtherType handlers (frame includes the Ethernet header). */
void arp_rx(struct netdev *dev, const u8 *frame, size_t len);
void ipv4_rx(struct netdev *dev, const u8 *frame, size_t len);
/* The UDP protocol handler, registered with ipv4_register_protocol(). */
void udp_rx(struct netdev *dev, const struct ipv4_info *ip);

/* Fill @eth for a frame from @dev to @dst with @proto (host order). */
void eth_build_header(struct ethhdr *eth, struct netdev *dev, const u8 *dst,
		      u16 proto);

/* True if the caller is @dev's receive thread (it must not wait for rx). */
bool net_in_rx_context(struct netdev *dev);

/* Set up the protocols once (net_init()). */
void arp_init(void);
void ipv4_init(void);
void udp_init(void);
/* Bind the echo service; start the udpecho.test= client if asked. */
void udpecho_init(struct net_iface *ifc);

#endif /* _NET_INTERNAL_H */
