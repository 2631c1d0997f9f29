/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPv4 (RFC 791) without options on send and without fragmentation:
 * the header codec (net/codec.c) and the receive dispatch by protocol
 * number (net/ipv4.c).  Transport protocols build their own headers in
 * one buffer with Ethernet and IPv4 (see udp_sendv()).
 */
#ifndef _TESSERA_IP_H
#define _TESSERA_IP_H

#include <tessera/net.h>

#define IPPROTO_ICMP		1
#define IPPROTO_UDP		17

#define IP_DF			0x4000	/* frag_off: don't fragment */
#define IP_MF			0x2000	/* frag_off: more fragments */
#define IP_OFFSET_MASK		0x1fff
#define IP_DEFAULT_TTL		64
#define IPV4_HLEN		20	/* without options */

struct iphdr {
	u8 ver_ihl;		/* version << 4 | IHL (32-bit words) */
	u8 tos;
	__be16 tot_len;		/* header + payload */
	__be16 id;
	__be16 frag_off;	/* flags << 13 | offset (8-byte units) */
	u8 ttl;
	u8 protocol;
	__sum16 check;
	__be32 saddr;
	__be32 daddr;
} __packed;
_Static_assert(sizeof(struct iphdr) == IPV4_HLEN, "iphdr is 20 bytes");

/* A validated IPv4 packet. */
struct ipv4_info {
	__be32 saddr, daddr;
	u8 protocol;
	u8 ttl;
	u8 tos;
	unsigned int hdr_len;		/* IHL * 4 */
	const u8 *payload;		/* inside the parsed buffer */
	size_t payload_len;		/* tot_len - hdr_len (padding cut) */
};

/*
 * Fill a 20-byte header (DF set, no options) with its checksum for
 * @payload_len bytes after it.
 */
void ipv4_build_header(struct iphdr *h, __be32 saddr, __be32 daddr,
		       u8 protocol, u16 payload_len, u16 id, u8 ttl);
/*
 * Validate the IPv4 packet in @len bytes at @buf (Ethernet payload,
 * possibly padded): version, IHL, total length against IHL and @len,
 * header checksum, no fragment, TTL, source address.  Returns
 * NET_DROP_NONE with @info filled, or the first defect found.
 */
enum net_drop_reason ipv4_parse(const void *buf, size_t len,
				struct ipv4_info *info);

/* A transport protocol's receive function (runs in the rx thread). */
typedef void (*ipv4_proto_handler_t)(struct netdev *dev,
				     const struct ipv4_info *ip);
/* 0, -EBUSY (protocol taken) or -EINVAL. */
int ipv4_register_protocol(u8 protocol, ipv4_proto_handler_t handler);

/* Next IPv4 identification value (never 0 for a fresh boot's first). */
u16 ipv4_next_id(void);

/* True if @addr is ours, the limited broadcast or our subnet's broadcast. */
bool ipv4_is_local(const struct net_iface *ifc, __be32 addr);
/* True if @addr is 255.255.255.255 or @ifc's subnet broadcast. */
bool ipv4_is_broadcast(const struct net_iface *ifc, __be32 addr);

#endif /* _TESSERA_IP_H */
