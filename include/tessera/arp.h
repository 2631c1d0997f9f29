/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ARP for IPv4 over Ethernet (RFC 826): the packet codec (net/codec.c),
 * the neighbour cache (net/arp_cache.c, pure logic with the time passed
 * in, so it is testable), and the protocol (net/arp.c): requests,
 * replies, gratuitous announcements and arp_resolve().
 */
#ifndef _TESSERA_ARP_H
#define _TESSERA_ARP_H

#include <tessera/net.h>
#include <tessera/time.h>

#define ARP_HTYPE_ETHER		1
#define ARP_OP_REQUEST		1
#define ARP_OP_REPLY		2

/* The ARP packet for Ethernet/IPv4 as on the wire (after ethhdr). */
struct arp_eth_ipv4 {
	__be16 htype;		/* ARP_HTYPE_ETHER */
	__be16 ptype;		/* ETH_P_IP */
	u8 hlen;		/* 6 */
	u8 plen;		/* 4 */
	__be16 oper;		/* ARP_OP_* */
	u8 sha[ETH_ALEN];
	__be32 spa;
	u8 tha[ETH_ALEN];
	__be32 tpa;
} __packed;
_Static_assert(sizeof(struct arp_eth_ipv4) == 28, "ARP packet is 28 bytes");

/* A decoded ARP packet, host order where it matters. */
struct arp_info {
	u16 op;
	u8 sha[ETH_ALEN];
	__be32 spa;
	u8 tha[ETH_ALEN];
	__be32 tpa;
};

/* Fill @p; @tha may be NULL (zeros, as in a request). */
void arp_build(struct arp_eth_ipv4 *p, u16 op, const u8 *sha, __be32 spa,
	       const u8 *tha, __be32 tpa);
/*
 * Decode and validate @len bytes at @buf (the Ethernet payload; padding
 * after the 28 bytes is ignored).  NET_DROP_NONE with @info filled, or
 * NET_DROP_ARP_TRUNCATED / _ARP_MALFORMED / _ARP_BAD_SENDER.
 */
enum net_drop_reason arp_parse(const void *buf, size_t len,
			       struct arp_info *info);

/* ---- Neighbour cache -------------------------------------------------- */

#define ARP_CACHE_SIZE		64
#define ARP_CACHE_TTL_NS	(60 * NSEC_PER_SEC)

struct arp_entry {
	__be32 ip;		/* 0: free */
	u8 mac[ETH_ALEN];
	u64 updated_ns;		/* when last confirmed */
};

/* No locking inside: net/arp.c serialises the global cache. */
struct arp_cache {
	struct arp_entry entries[ARP_CACHE_SIZE];
	u64 ttl_ns;
};

void arp_cache_init(struct arp_cache *c, u64 ttl_ns);
/*
 * Insert or refresh @ip -> @mac at time @now.  A full cache reuses an
 * expired entry or else the least recently confirmed one.
 */
void arp_cache_update(struct arp_cache *c, __be32 ip, const u8 *mac,
		      u64 now);
/* True (and @mac filled, if not NULL) if @ip has an entry younger than the TTL. */
bool arp_cache_lookup(struct arp_cache *c, __be32 ip, u8 *mac, u64 now);
/* True if @ip has an entry, expired or not (RFC 826 "merge" rule). */
bool arp_cache_contains(const struct arp_cache *c, __be32 ip);
/* Free the entries older than the TTL; returns how many. */
unsigned int arp_cache_expire(struct arp_cache *c, u64 now);
/* Drop @ip's entry; true if there was one. */
bool arp_cache_remove(struct arp_cache *c, __be32 ip);
/* Number of entries in use (expired ones included). */
unsigned int arp_cache_count(const struct arp_cache *c);

/* ---- Protocol ---------------------------------------------------------- */

#define ARP_RETRY_NS		(200 * NSEC_PER_MSEC)
#define ARP_DEFAULT_TIMEOUT_NS	(1 * NSEC_PER_SEC)

/*
 * The MAC address of @ip (on @dev's subnet, or a broadcast address).
 * Answers from the cache; otherwise broadcasts a request every
 * ARP_RETRY_NS and sleeps until a reply or @timeout_ns.  Returns 0,
 * -EHOSTUNREACH (timed out), -ENETDOWN (@dev not up), -ENETUNREACH (@ip
 * not on the subnet) or -EAGAIN: not cached and the caller cannot sleep
 * here (@timeout_ns 0, or the caller is @dev's receive thread, which is
 * the thread that would deliver the reply); a request was sent.
 */
int arp_resolve(struct netdev *dev, __be32 ip, u8 mac[ETH_ALEN],
		u64 timeout_ns);
/* Broadcast a request for @ip.  0 or -errno from the device. */
int arp_send_request(struct netdev *dev, __be32 ip);
/* Gratuitous ARP: announce our own address.  0 or -errno. */
int arp_announce(struct netdev *dev);
/* Forget every cached neighbour (tests). */
void arp_flush(void);
/* The global cache, for tests and the stats dump (protected inside arp.c). */
unsigned int arp_nr_cached(void);

#endif /* _TESSERA_ARP_H */
