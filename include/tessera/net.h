/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The IPv4 stack (net/): Ethernet framing, the one configured interface,
 * and the drop counters every layer shares.  ARP, IPv4 and UDP have their
 * own headers (arp.h, ip.h, udp.h); byte order and checksums are in
 * inet.h; the device side is netdev.h.
 *
 * One interface: the first netdev (eth0) gets the address from the
 * command line, `ip=ADDR/PREFIX`, or 10.77.0.(node_id + 1)/24.  Every
 * destination must be on that subnet (there is no gateway); the stack
 * never fragments and drops fragments it receives.
 *
 * Anything a peer sends us that we cannot use is dropped and counted by
 * reason (enum net_drop_reason); net_dump_stats() prints the counters.
 */
#ifndef _TESSERA_NET_H
#define _TESSERA_NET_H

#include <tessera/compiler.h>
#include <tessera/inet.h>
#include <tessera/netdev.h>
#include <tessera/types.h>

#define ETH_P_IP		0x0800
#define ETH_P_ARP		0x0806

struct ethhdr {
	u8 h_dest[ETH_ALEN];
	u8 h_source[ETH_ALEN];
	__be16 h_proto;
} __packed;
_Static_assert(sizeof(struct ethhdr) == ETH_HLEN, "ethhdr is 14 bytes");

static inline bool eth_is_broadcast(const u8 *mac)
{
	return (mac[0] & mac[1] & mac[2] & mac[3] & mac[4] & mac[5]) == 0xff;
}

static inline bool eth_is_multicast(const u8 *mac)
{
	return mac[0] & 1;
}

/*
 * Why a received frame was dropped.  The first column names the counter
 * in net_dump_stats(); NET_DROP_NONE means "accepted".
 */
#define NET_DROP_REASONS(X)						\
	X(NONE,			"none")					\
	X(ETH_TRUNCATED,	"eth_truncated")			\
	X(ARP_TRUNCATED,	"arp_truncated")			\
	X(ARP_MALFORMED,	"arp_malformed")	/* types, sizes, op */	\
	X(ARP_BAD_SENDER,	"arp_bad_sender")	/* bcast/mcast sha/spa */ \
	X(ARP_CONFLICT,		"arp_conflict")		/* our IP, other MAC */	\
	X(IP_TRUNCATED,		"ip_truncated")		/* < 20 or < IHL*4 */	\
	X(IP_VERSION,		"ip_version")				\
	X(IP_IHL,		"ip_ihl")		/* IHL < 5 */		\
	X(IP_TOTLEN,		"ip_totlen")		/* vs IHL or frame */	\
	X(IP_CSUM,		"ip_csum")				\
	X(IP_FRAGMENT,		"ip_fragment")		/* MF or offset */	\
	X(IP_TTL,		"ip_ttl")		/* TTL 0 */		\
	X(IP_BAD_SADDR,		"ip_bad_saddr")		/* bcast/mcast/0 */	\
	X(IP_NOT_FOR_US,	"ip_not_for_us")			\
	X(IP_NO_PROTO,		"ip_no_proto")				\
	X(UDP_TRUNCATED,	"udp_truncated")			\
	X(UDP_LEN,		"udp_len")		/* < 8 or > IP payload */ \
	X(UDP_CSUM,		"udp_csum")				\
	X(UDP_NO_PORT,		"udp_no_port")				\
	X(NO_IFACE,		"no_iface")		/* interface not up */

#define __NET_DROP_ENUM(name, str)	NET_DROP_##name,
enum net_drop_reason {
	NET_DROP_REASONS(__NET_DROP_ENUM)
	NR_NET_DROP_REASONS
};
#undef __NET_DROP_ENUM

/* "ip_csum" for NET_DROP_IP_CSUM; "?" for an out-of-range value. */
const char *net_drop_reason_name(enum net_drop_reason r);

/* Counters of the stack (not of a device: see netdev_stats). */
struct net_stats {
	u64 drops[NR_NET_DROP_REASONS];
	u64 arp_rx_requests, arp_rx_replies, arp_tx_requests, arp_tx_replies;
	u64 arp_resolve_timeouts;
	u64 ip_rx, ip_tx;
	u64 udp_rx, udp_tx;
	u64 tx_errors;		/* netdev_xmit() failed (ring full, ...) */
};

extern struct net_stats net_stats;

/* Bump a counter of net_stats from any context. */
#define net_stats_inc(field)						\
	__atomic_fetch_add(&net_stats.field, 1, __ATOMIC_RELAXED)

/* The one configured interface. */
struct net_iface {
	struct netdev *dev;	/* NULL until net_init() found one */
	__be32 addr;
	__be32 netmask;
	unsigned int prefix;
	bool up;
};

/*
 * Bring up eth0 (if a netdev exists) with the address from ip= or the
 * node-id default, register the ARP and IPv4 handlers, start the UDP
 * echo service, announce the address (gratuitous ARP).  Once, after the
 * drivers probed (after pci_init()); may sleep.
 */
void net_init(void);

/* The interface of @dev, or NULL if @dev is not configured and up. */
struct net_iface *net_iface_of(struct netdev *dev);
/* The first interface that is up, or NULL. */
struct net_iface *net_default_iface(void);

/* pr_info() the stack counters (non-zero drop reasons only). */
void net_dump_stats(void);

#endif /* _TESSERA_NET_H */
