/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface and the stack's boot: which netdev carries IPv4 and with
 * which address (`ip=ADDR/PREFIX`, else 10.77.0.(node_id + 1)/24),
 * Ethernet header construction, the EtherType registrations, and the
 * drop counters with their dump.  Protocols: net/arp.c, net/ipv4.c,
 * net/udp.c; codecs: net/codec.c.
 *
 * The interface is configured once by net_init() and never changes
 * after, so readers need no lock.
 */
#include <tessera/arp.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/net.h>
#include <tessera/netdev.h>
#include <tessera/node.h>
#include <tessera/params.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/string.h>

#include "internal.h"

#define NET_DEFAULT_PREFIX	24

struct net_stats net_stats;

static struct net_iface eth0_iface;

static char ip_param[32];
PARAM_STRING("ip", ip_param,
	     "this node's IPv4 address, ADDR/PREFIX (default 10.77.0.<node+1>/24)");

struct net_iface *net_iface_of(struct netdev *dev)
{
	struct net_iface *ifc = &eth0_iface;

	if (!dev || ifc->dev != dev || !READ_ONCE(ifc->up))
		return NULL;
	return ifc;
}

struct net_iface *net_default_iface(void)
{
	return READ_ONCE(eth0_iface.up) ? &eth0_iface : NULL;
}

bool net_in_rx_context(struct netdev *dev)
{
	return dev && dev->rx_thread && current == dev->rx_thread;
}

void eth_build_header(struct ethhdr *eth, struct netdev *dev, const u8 *dst,
		      u16 proto)
{
	memcpy(eth->h_dest, dst, ETH_ALEN);
	memcpy(eth->h_source, dev->mac, ETH_ALEN);
	eth->h_proto = htons(proto);
}

/* The address from ip=, or the node-id default; false if neither works. */
static bool net_pick_address(__be32 *addr, unsigned int *prefix)
{
	if (ip_param[0]) {
		if (!inet_parse_cidr(ip_param, addr, prefix))
			return true;
		pr_err("net: ip=%s is not ADDR/PREFIX with a unicast host address (e.g. ip=10.77.0.2/24); using the default\n",
		       ip_param);
	}
	if (node_id + 1 > 254) {
		pr_err("net: node=%u has no default address (10.77.0.1-254); give ip=ADDR/PREFIX\n",
		       node_id);
		return false;
	}
	*addr = IPV4_ADDR(10, 77, 0, node_id + 1);
	*prefix = NET_DEFAULT_PREFIX;
	return true;
}

void net_init(void)
{
	struct net_iface *ifc = &eth0_iface;
	struct netdev *dev = netdev_get(0);
	__be32 addr;
	unsigned int prefix;
	int ret;

	if (!dev) {
		pr_info("net: no network device\n");
		return;
	}
	if (!net_pick_address(&addr, &prefix))
		return;

	arp_init();
	ipv4_init();
	udp_init();
	ret = netdev_register_ethertype(ETH_P_ARP, arp_rx);
	if (!ret)
		ret = netdev_register_ethertype(ETH_P_IP, ipv4_rx);
	if (ret) {
		pr_err("net: cannot register the IPv4/ARP handlers (%d)\n", ret);
		return;
	}

	ifc->dev = dev;
	ifc->addr = addr;
	ifc->prefix = prefix;
	ifc->netmask = inet_prefix_mask(prefix);
	WRITE_ONCE(ifc->up, true);
	pr_info("net: %s " IPV4_FMT "/%u " MAC_FMT " link %s\n", dev->name,
		IPV4_ARGS(addr), prefix, MAC_ARGS(dev->mac),
		dev->ops->link_up(dev) ? "up" : "down");

	arp_announce(dev);
	udpecho_init(ifc);
}

void net_dump_stats(void)
{
	const struct net_stats *s = &net_stats;
	int r;

	pr_info("net: ip rx %llu tx %llu, udp rx %llu tx %llu, tx errors %llu\n",
		(unsigned long long)s->ip_rx, (unsigned long long)s->ip_tx,
		(unsigned long long)s->udp_rx, (unsigned long long)s->udp_tx,
		(unsigned long long)s->tx_errors);
	pr_info("net: arp rx req %llu rep %llu, tx req %llu rep %llu, timeouts %llu, cached %u\n",
		(unsigned long long)s->arp_rx_requests,
		(unsigned long long)s->arp_rx_replies,
		(unsigned long long)s->arp_tx_requests,
		(unsigned long long)s->arp_tx_replies,
		(unsigned long long)s->arp_resolve_timeouts, arp_nr_cached());
	for (r = 1; r < NR_NET_DROP_REASONS; r++)
		if (s->drops[r])
			pr_info("net: drop %s %llu\n", net_drop_reason_name(r),
				(unsigned long long)s->drops[r]);
}
