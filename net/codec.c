/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Wire codecs of the IPv4 stack: ARP, IPv4 and UDP header build and
 * parse, the UDP checksum over a gather list, the `ip=` address parser
 * and the drop-reason names.  Pure functions of their arguments: no
 * device, no lock, no time, so the host unit tests (tests/host/
 * test_netcodec.c) link this file as it is.  The protocols that use them
 * are net/arp.c, net/ipv4.c and net/udp.c.
 */
#include <tessera/arp.h>
#include <tessera/errno.h>
#include <tessera/inet.h>
#include <tessera/ip.h>
#include <tessera/net.h>
#include <tessera/string.h>
#include <tessera/udp.h>

#define __NET_DROP_NAME(name, str)	[NET_DROP_##name] = str,
static const char *const net_drop_names[] = {
	NET_DROP_REASONS(__NET_DROP_NAME)
};
#undef __NET_DROP_NAME

const char *net_drop_reason_name(enum net_drop_reason r)
{
	if ((unsigned int)r >= ARRAY_SIZE(net_drop_names))
		return "?";
	return net_drop_names[r];
}

/* ---- ip=ADDR/PREFIX ---------------------------------------------------- */

/* One decimal number 0..@max without leading zeros; advances *@s. */
static int parse_dec(const char **s, unsigned int max, unsigned int *out)
{
	const char *p = *s;
	unsigned int v = 0;
	int digits = 0;

	while (*p >= '0' && *p <= '9') {
		if (digits && v == 0)
			return -EINVAL;		/* leading zero */
		v = v * 10 + (unsigned int)(*p - '0');
		if (v > max || ++digits > 3)
			return -EINVAL;
		p++;
	}
	if (!digits)
		return -EINVAL;
	*s = p;
	*out = v;
	return 0;
}

int inet_parse_cidr(const char *s, __be32 *addr, unsigned int *prefix)
{
	unsigned int octet, plen;
	u32 a = 0, host_mask;
	int i;

	if (!s)
		return -EINVAL;
	for (i = 0; i < 4; i++) {
		if (parse_dec(&s, 255, &octet))
			return -EINVAL;
		a = (a << 8) | octet;
		if (*s++ != (i < 3 ? '.' : '/'))
			return -EINVAL;
	}
	if (parse_dec(&s, 32, &plen) || *s || plen == 0)
		return -EINVAL;

	if ((a >> 24) == 0 || (a >> 24) == 127 || (a >> 28) >= 0xe)
		return -EINVAL;
	if (plen <= 30) {
		host_mask = ~0u >> plen;
		if ((a & host_mask) == 0 || (a & host_mask) == host_mask)
			return -EINVAL;
	}
	*addr = cpu_to_be32(a);
	*prefix = plen;
	return 0;
}

/* ---- ARP ---------------------------------------------------------------- */

void arp_build(struct arp_eth_ipv4 *p, u16 op, const u8 *sha, __be32 spa,
	       const u8 *tha, __be32 tpa)
{
	p->htype = htons(ARP_HTYPE_ETHER);
	p->ptype = htons(ETH_P_IP);
	p->hlen = ETH_ALEN;
	p->plen = 4;
	p->oper = htons(op);
	memcpy(p->sha, sha, ETH_ALEN);
	p->spa = spa;
	if (tha)
		memcpy(p->tha, tha, ETH_ALEN);
	else
		memset(p->tha, 0, ETH_ALEN);
	p->tpa = tpa;
}

enum net_drop_reason arp_parse(const void *buf, size_t len,
			       struct arp_info *info)
{
	struct arp_eth_ipv4 p;
	u16 op;

	if (len < sizeof(p))
		return NET_DROP_ARP_TRUNCATED;
	memcpy(&p, buf, sizeof(p));
	op = ntohs(p.oper);
	if (ntohs(p.htype) != ARP_HTYPE_ETHER || ntohs(p.ptype) != ETH_P_IP ||
	    p.hlen != ETH_ALEN || p.plen != 4 ||
	    (op != ARP_OP_REQUEST && op != ARP_OP_REPLY))
		return NET_DROP_ARP_MALFORMED;
	if (eth_is_multicast(p.sha) || ipv4_is_multicast(p.spa) ||
	    p.spa == IPV4_BROADCAST)
		return NET_DROP_ARP_BAD_SENDER;
	info->op = op;
	memcpy(info->sha, p.sha, ETH_ALEN);
	info->spa = p.spa;
	memcpy(info->tha, p.tha, ETH_ALEN);
	info->tpa = p.tpa;
	return NET_DROP_NONE;
}

/* ---- IPv4 --------------------------------------------------------------- */

void ipv4_build_header(struct iphdr *h, __be32 saddr, __be32 daddr,
		       u8 protocol, u16 payload_len, u16 id, u8 ttl)
{
	h->ver_ihl = (4 << 4) | (IPV4_HLEN / 4);
	h->tos = 0;
	h->tot_len = htons((u16)(IPV4_HLEN + payload_len));
	h->id = htons(id);
	h->frag_off = htons(IP_DF);
	h->ttl = ttl;
	h->protocol = protocol;
	h->check = 0;
	h->saddr = saddr;
	h->daddr = daddr;
	h->check = ip_fast_csum(h, IPV4_HLEN / 4);
}

enum net_drop_reason ipv4_parse(const void *buf, size_t len,
				struct ipv4_info *info)
{
	const u8 *p = buf;
	struct iphdr h;
	unsigned int hlen, tot_len, frag;

	if (len < IPV4_HLEN)
		return NET_DROP_IP_TRUNCATED;
	memcpy(&h, p, sizeof(h));
	if ((h.ver_ihl >> 4) != 4)
		return NET_DROP_IP_VERSION;
	hlen = (h.ver_ihl & 0xf) * 4;
	if (hlen < IPV4_HLEN)
		return NET_DROP_IP_IHL;
	if (hlen > len)
		return NET_DROP_IP_TRUNCATED;
	tot_len = ntohs(h.tot_len);
	if (tot_len < hlen || tot_len > len)
		return NET_DROP_IP_TOTLEN;
	if (ip_fast_csum(p, hlen / 4) != 0)
		return NET_DROP_IP_CSUM;
	frag = ntohs(h.frag_off);
	if ((frag & IP_MF) || (frag & IP_OFFSET_MASK))
		return NET_DROP_IP_FRAGMENT;
	if (h.ttl == 0)
		return NET_DROP_IP_TTL;
	if (h.saddr == 0 || h.saddr == IPV4_BROADCAST ||
	    ipv4_is_multicast(h.saddr))
		return NET_DROP_IP_BAD_SADDR;

	info->saddr = h.saddr;
	info->daddr = h.daddr;
	info->protocol = h.protocol;
	info->ttl = h.ttl;
	info->tos = h.tos;
	info->hdr_len = hlen;
	info->payload = p + hlen;
	info->payload_len = tot_len - hlen;
	return NET_DROP_NONE;
}

/* ---- UDP ---------------------------------------------------------------- */

void udp_build_header(struct udphdr *uh, u16 sport, u16 dport,
		      u16 payload_len)
{
	uh->source = htons(sport);
	uh->dest = htons(dport);
	uh->len = htons((u16)(UDP_HLEN + payload_len));
	uh->check = 0;
}

__sum16 udp_checksum(__be32 saddr, __be32 daddr, const struct udphdr *uh,
		     const struct kvec *payload, unsigned int n)
{
	size_t off = UDP_HLEN;
	u32 sum;
	__sum16 c;
	unsigned int i;

	sum = csum_partial(uh, UDP_HLEN, 0);
	for (i = 0; i < n; i++) {
		sum = csum_block_add(sum, csum_partial(payload[i].base,
						       payload[i].len, 0), off);
		off += payload[i].len;
	}
	sum = csum_tcpudp_nofold(saddr, daddr, ntohs(uh->len), IPPROTO_UDP,
				 sum);
	c = csum_fold(sum);
	return c ? c : 0xffff;
}

enum net_drop_reason udp_parse(const void *buf, size_t len, __be32 saddr,
			       __be32 daddr, struct udp_info *info)
{
	const u8 *p = buf;
	struct udphdr uh;
	unsigned int ulen;
	u32 sum;

	if (len < UDP_HLEN)
		return NET_DROP_UDP_TRUNCATED;
	memcpy(&uh, p, sizeof(uh));
	ulen = ntohs(uh.len);
	if (ulen < UDP_HLEN || ulen > len)
		return NET_DROP_UDP_LEN;
	if (uh.check) {
		sum = csum_partial(p, ulen, 0);
		sum = csum_tcpudp_nofold(saddr, daddr, (u16)ulen, IPPROTO_UDP,
					 sum);
		if (csum_fold(sum) != 0)
			return NET_DROP_UDP_CSUM;
	}
	info->sport = ntohs(uh.source);
	info->dport = ntohs(uh.dest);
	info->payload = p + UDP_HLEN;
	info->payload_len = ulen - UDP_HLEN;
	return NET_DROP_NONE;
}
