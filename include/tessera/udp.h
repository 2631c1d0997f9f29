/* SPDX-License-Identifier: GPL-2.0 */
/*
 * UDP (RFC 768): the header codec and checksum (net/codec.c), port
 * bindings and zero-copy send (net/udp.c), and the echo service on
 * port 7 with its boot test udpecho.test= (net/udpecho.c).
 *
 * Checksums: we always send one (RFC 768; RoCEv2 receivers, Linux's
 * rdma_rxe included, accept a correct checksum as well as none), accept
 * 0 ("no checksum") on receive and verify every non-zero one.
 */
#ifndef _TESSERA_UDP_H
#define _TESSERA_UDP_H

#include <tessera/ip.h>
#include <tessera/net.h>

#define UDP_HLEN		8
#define UDP_MAX_PAYLOAD		(ETH_DATA_LEN - IPV4_HLEN - UDP_HLEN)
#define UDP_MAX_IOV		15	/* payload entries per udp_sendv() */
#define UDP_MAX_BINDINGS	32
#define UDP_PORT_ECHO		7

struct udphdr {
	__be16 source;
	__be16 dest;
	__be16 len;		/* header + payload */
	__sum16 check;		/* 0: none */
} __packed;
_Static_assert(sizeof(struct udphdr) == UDP_HLEN, "udphdr is 8 bytes");

/* A validated datagram (from udp_parse()). */
struct udp_info {
	u16 sport, dport;	/* host order */
	const u8 *payload;
	size_t payload_len;
};

/*
 * Validate the datagram in @len bytes at @buf (the IPv4 payload) from
 * @saddr to @daddr: length field against @len, checksum if non-zero.
 * NET_DROP_NONE with @info filled, or UDP_TRUNCATED / UDP_LEN / UDP_CSUM.
 */
enum net_drop_reason udp_parse(const void *buf, size_t len, __be32 saddr,
			       __be32 daddr, struct udp_info *info);
/* Fill @uh for @payload_len bytes, checksum 0 (no checksum). */
void udp_build_header(struct udphdr *uh, u16 sport, u16 dport,
		      u16 payload_len);
/*
 * The checksum to store in @uh->check for @uh (check 0 when called)
 * followed by the @n payload pieces; never 0 (0 is sent as 0xffff).
 */
__sum16 udp_checksum(__be32 saddr, __be32 daddr, const struct udphdr *uh,
		     const struct kvec *payload, unsigned int n);

/* A received datagram, as handed to a bound port's handler. */
struct udp_rx {
	struct netdev *dev;
	__be32 saddr, daddr;
	u16 sport, dport;	/* host order */
	const void *data;	/* valid only during the handler */
	size_t len;
	void *ctx;		/* from udp_bind() */
	/* The IPv4 header in front of the datagram (RoCEv2's ICRC covers it). */
	const void *iph;
	unsigned int ip_hdr_len;
};

/*
 * Deliver datagrams for @port (host order) to @handler, which runs in the
 * receive thread and must not sleep waiting for the network (it may send:
 * udp_sendv() from there never waits for ARP).  0, -EINVAL (port 0 or no
 * handler), -EADDRINUSE or -ENOSPC (UDP_MAX_BINDINGS).
 */
int udp_bind(u16 port, void (*handler)(const struct udp_rx *pkt), void *ctx);
/*
 * Stop delivering @port; on return the handler is not running and will
 * not run again.  May sleep; not from the port's own handler.  0 or
 * -ENOENT.
 */
int udp_unbind(u16 port);

/*
 * Send one datagram from our address to @dst_ip: Ethernet, IPv4 and UDP
 * headers are built in a small buffer and handed to the device with the
 * @n payload pieces behind it (no copy before the driver's).  Ports are in
 * host order.  Resolves the peer's MAC (arp_resolve(), up to
 * ARP_DEFAULT_TIMEOUT_NS; no wait from the receive thread).  0 or
 * -EINVAL (n > UDP_MAX_IOV), -EMSGSIZE (payload > UDP_MAX_PAYLOAD or the
 * MTU), -ENETDOWN, -ENETUNREACH, -EHOSTUNREACH, -EAGAIN, or the device's
 * -EBUSY.  May sleep unless called from @dev's receive thread.
 */
int udp_sendv(struct netdev *dev, __be32 dst_ip, u16 src_port, u16 dst_port,
	      const struct kvec *payload, unsigned int n);

#endif /* _TESSERA_UDP_H */
