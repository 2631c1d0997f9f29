/* SPDX-License-Identifier: GPL-2.0 */
/*
 * In-kernel tests of the IPv4 stack (suite "net"): the ARP cache with
 * explicit time, malformed frames fed to the receive entry points and
 * counted under the right reason, and UDP port binding and dispatch
 * without any device (datagrams are handed to udp_rx() directly).  The
 * byte-level codecs are covered on the host (tests/host/test_netcodec.c).
 */
#include <tessera/arp.h>
#include <tessera/errno.h>
#include <tessera/ip.h>
#include <tessera/ktest.h>
#include <tessera/net.h>
#include <tessera/string.h>
#include <tessera/udp.h>

#include "../internal.h"

#define NS	NSEC_PER_SEC

static struct arp_cache test_cache;

static void arp_cache_insert_lookup_expire(struct ktest *t)
{
	struct arp_cache *c = &test_cache;
	u8 mac[ETH_ALEN], a[ETH_ALEN] = { 2, 1, 1, 1, 1, 1 };
	__be32 ip = IPV4_ADDR(10, 9, 8, 7);

	arp_cache_init(c, 60 * NS);
	KT_EXPECT_FALSE(t, arp_cache_lookup(c, ip, mac, 0));
	arp_cache_update(c, ip, a, 100 * NS);
	KT_ASSERT_TRUE(t, arp_cache_lookup(c, ip, mac, 159 * NS));
	KT_EXPECT_MEMEQ(t, mac, a, ETH_ALEN);
	/* Exactly one TTL after the last confirmation it is stale. */
	KT_EXPECT_FALSE(t, arp_cache_lookup(c, ip, mac, 160 * NS));
	KT_EXPECT_EQ(t, arp_cache_expire(c, 159 * NS), 0u);
	KT_EXPECT_EQ(t, arp_cache_expire(c, 160 * NS), 1u);
	KT_EXPECT_FALSE(t, arp_cache_contains(c, ip));
}

static void arp_cache_full_evicts_oldest(struct ktest *t)
{
	struct arp_cache *c = &test_cache;
	u8 a[ETH_ALEN] = { 2, 0, 0, 0, 0, 1 };
	unsigned int i;

	arp_cache_init(c, 60 * NS);
	for (i = 0; i < ARP_CACHE_SIZE; i++)
		arp_cache_update(c, cpu_to_be32(0x0a010000u + i + 1), a,
				 10 * NS + (i == 3 ? 0 : 1 + i) * NSEC_PER_MSEC);
	KT_EXPECT_EQ(t, arp_cache_count(c), (unsigned int)ARP_CACHE_SIZE);
	arp_cache_update(c, IPV4_ADDR(10, 2, 0, 1), a, 20 * NS);
	KT_EXPECT_EQ(t, arp_cache_count(c), (unsigned int)ARP_CACHE_SIZE);
	/* Entry 3 had the oldest confirmation. */
	KT_EXPECT_FALSE(t, arp_cache_contains(c, cpu_to_be32(0x0a010004u)));
	KT_EXPECT_TRUE(t, arp_cache_contains(c, cpu_to_be32(0x0a010005u)));
	KT_EXPECT_TRUE(t, arp_cache_lookup(c, IPV4_ADDR(10, 2, 0, 1), NULL,
					   20 * NS));
}

/* An Ethernet + IPv4 + 8-byte payload frame with a good checksum. */
static size_t make_ip_frame(u8 *f, __be32 daddr)
{
	struct iphdr ip;

	memset(f, 0, ETH_HLEN);
	f[12] = 0x08;
	ipv4_build_header(&ip, IPV4_ADDR(10, 200, 0, 1), daddr, IPPROTO_UDP, 8,
			  1, 64);
	memcpy(f + ETH_HLEN, &ip, sizeof(ip));
	memset(f + ETH_HLEN + sizeof(ip), 0xab, 8);
	return ETH_HLEN + sizeof(ip) + 8;
}

static void refresh_ip_csum(u8 *f)
{
	struct iphdr ip;

	memcpy(&ip, f + ETH_HLEN, sizeof(ip));
	ip.check = 0;
	ip.check = ip_fast_csum(&ip, 5);
	memcpy(f + ETH_HLEN, &ip, sizeof(ip));
}

static void expect_counted(struct ktest *t, u8 *f, size_t len,
			   enum net_drop_reason r)
{
	/* Not a registered device: nothing is delivered or answered. */
	static struct netdev fake = { .name = "fake0" };
	u64 before = net_drop_count(r);

	ipv4_rx(&fake, f, len);
	KT_EXPECT_EQ(t, net_drop_count(r), before + 1);
}

static void ip_malformed_frames_counted(struct ktest *t)
{
	u8 f[64];
	size_t len;

	len = make_ip_frame(f, IPV4_ADDR(10, 200, 0, 2));
	expect_counted(t, f, ETH_HLEN + 10, NET_DROP_IP_TRUNCATED);
	expect_counted(t, f, 10, NET_DROP_ETH_TRUNCATED);

	len = make_ip_frame(f, IPV4_ADDR(10, 200, 0, 2));
	f[ETH_HLEN] = 0x43;
	refresh_ip_csum(f);
	expect_counted(t, f, len, NET_DROP_IP_IHL);

	make_ip_frame(f, IPV4_ADDR(10, 200, 0, 2));
	f[ETH_HLEN + 3] = 200;		/* tot_len beyond the frame */
	refresh_ip_csum(f);
	expect_counted(t, f, len, NET_DROP_IP_TOTLEN);

	make_ip_frame(f, IPV4_ADDR(10, 200, 0, 2));
	f[ETH_HLEN + 6] |= 0x20;	/* more fragments */
	refresh_ip_csum(f);
	expect_counted(t, f, len, NET_DROP_IP_FRAGMENT);

	make_ip_frame(f, IPV4_ADDR(10, 200, 0, 2));
	f[ETH_HLEN + 16] ^= 1;		/* daddr, checksum now wrong */
	expect_counted(t, f, len, NET_DROP_IP_CSUM);

	make_ip_frame(f, IPV4_ADDR(10, 200, 0, 2));
	f[ETH_HLEN] = 0x65;
	refresh_ip_csum(f);
	expect_counted(t, f, len, NET_DROP_IP_VERSION);

	/* A good packet on a device without an interface. */
	make_ip_frame(f, IPV4_ADDR(10, 200, 0, 2));
	expect_counted(t, f, len, NET_DROP_NO_IFACE);
}

static void arp_malformed_counted(struct ktest *t)
{
	static struct netdev fake = { .name = "fake0" };
	struct arp_eth_ipv4 p;
	const u8 mac[ETH_ALEN] = { 2, 0, 0, 0, 0, 5 };
	u8 f[ETH_HLEN + sizeof(p)];
	u64 before;

	memset(f, 0xff, ETH_HLEN);
	arp_build(&p, ARP_OP_REQUEST, mac, IPV4_ADDR(10, 200, 0, 5), NULL,
		  IPV4_ADDR(10, 200, 0, 6));
	memcpy(f + ETH_HLEN, &p, sizeof(p));

	before = net_drop_count(NET_DROP_ARP_TRUNCATED);
	arp_rx(&fake, f, sizeof(f) - 1);
	KT_EXPECT_EQ(t, net_drop_count(NET_DROP_ARP_TRUNCATED), before + 1);

	f[ETH_HLEN + 7] = 9;		/* unknown operation */
	before = net_drop_count(NET_DROP_ARP_MALFORMED);
	arp_rx(&fake, f, sizeof(f));
	KT_EXPECT_EQ(t, net_drop_count(NET_DROP_ARP_MALFORMED), before + 1);
}

struct udp_probe {
	unsigned int calls;
	u16 sport;
	size_t len;
	u8 first;
};

static void udp_probe_rx(const struct udp_rx *pkt)
{
	struct udp_probe *p = pkt->ctx;

	p->calls++;
	p->sport = pkt->sport;
	p->len = pkt->len;
	p->first = pkt->len ? ((const u8 *)pkt->data)[0] : 0;
}

/* Hand a datagram to udp_rx() as if IPv4 had accepted it. */
static void deliver(u16 sport, u16 dport, const char *payload, size_t len)
{
	static struct netdev fake = { .name = "fake0" };
	u8 seg[UDP_HLEN + 32];
	struct ipv4_info ip = {
		.saddr = IPV4_ADDR(10, 200, 0, 1),
		.daddr = IPV4_ADDR(10, 200, 0, 2),
		.protocol = IPPROTO_UDP,
		.payload = seg,
		.payload_len = UDP_HLEN + len,
	};
	struct udphdr uh;

	udp_build_header(&uh, sport, dport, (u16)len);
	memcpy(seg, &uh, sizeof(uh));
	memcpy(seg + UDP_HLEN, payload, len);
	udp_rx(&fake, &ip);
}

static void udp_bind_unbind(struct ktest *t)
{
	struct udp_probe probe = { 0 };
	const u16 port = 40123;
	u64 before;

	KT_EXPECT_EQ(t, udp_bind(0, udp_probe_rx, &probe), -EINVAL);
	KT_EXPECT_EQ(t, udp_bind(port, NULL, &probe), -EINVAL);
	KT_ASSERT_EQ(t, udp_bind(port, udp_probe_rx, &probe), 0);
	KT_EXPECT_EQ(t, udp_bind(port, udp_probe_rx, &probe), -EADDRINUSE);

	deliver(5555, port, "xyz", 3);
	KT_EXPECT_EQ(t, probe.calls, 1u);
	KT_EXPECT_EQ(t, probe.sport, 5555);
	KT_EXPECT_EQ(t, probe.len, (size_t)3);
	KT_EXPECT_EQ(t, probe.first, 'x');

	KT_EXPECT_EQ(t, udp_unbind(port), 0);
	KT_EXPECT_EQ(t, udp_unbind(port), -ENOENT);
	before = net_drop_count(NET_DROP_UDP_NO_PORT);
	deliver(5555, port, "abc", 3);
	KT_EXPECT_EQ(t, probe.calls, 1u);
	KT_EXPECT_EQ(t, net_drop_count(NET_DROP_UDP_NO_PORT), before + 1);

	/* The port can be bound again, by anyone. */
	KT_EXPECT_EQ(t, udp_bind(port, udp_probe_rx, &probe), 0);
	deliver(1, port, "q", 1);
	KT_EXPECT_EQ(t, probe.calls, 2u);
	KT_EXPECT_EQ(t, udp_unbind(port), 0);
}

static void udp_bind_table_full(struct ktest *t)
{
	struct udp_probe probe = { 0 };
	unsigned int n = 0, i;
	int ret = 0;

	while (n <= UDP_MAX_BINDINGS) {
		ret = udp_bind(41000 + n, udp_probe_rx, &probe);
		if (ret)
			break;
		n++;
	}
	KT_EXPECT_EQ(t, ret, -ENOSPC);
	KT_EXPECT_LE(t, n, (unsigned int)UDP_MAX_BINDINGS);
	KT_EXPECT_GT(t, n, 0u);
	for (i = 0; i < n; i++)
		KT_EXPECT_EQ(t, udp_unbind(41000 + i), 0);
	/* Room again. */
	KT_EXPECT_EQ(t, udp_bind(41000, udp_probe_rx, &probe), 0);
	KT_EXPECT_EQ(t, udp_unbind(41000), 0);
}

static void udp_sendv_rejects_bad_args(struct ktest *t)
{
	static struct netdev fake = { .name = "fake0", .mtu = ETH_DATA_LEN };
	struct kvec v[UDP_MAX_IOV + 1] = { { "x", 1 } };
	struct net_iface *ifc = net_default_iface();
	static u8 big[UDP_MAX_PAYLOAD + 1];

	KT_EXPECT_EQ(t, udp_sendv(&fake, IPV4_ADDR(10, 0, 0, 1), 1, 2, v,
				  UDP_MAX_IOV + 1), -EINVAL);
	KT_EXPECT_EQ(t, udp_sendv(&fake, IPV4_ADDR(10, 0, 0, 1), 1, 0, v, 1),
		     -EINVAL);
	KT_EXPECT_EQ(t, udp_sendv(&fake, IPV4_ADDR(10, 0, 0, 1), 1, 2, v, 1),
		     -ENETDOWN);
	if (!ifc)
		return;
	v[0].base = big;
	v[0].len = sizeof(big);
	KT_EXPECT_EQ(t, udp_sendv(ifc->dev, ifc->addr ^ cpu_to_be32(1), 1, 2,
				  v, 1), -EMSGSIZE);
	/* Off-subnet destinations have no route. */
	v[0].len = 1;
	KT_EXPECT_EQ(t, udp_sendv(ifc->dev, ifc->addr ^ cpu_to_be32(1u << 31),
				  1, 2, v, 1), -ENETUNREACH);
}

static struct ktest_case net_cases[] = {
	KTEST_CASE(arp_cache_insert_lookup_expire),
	KTEST_CASE(arp_cache_full_evicts_oldest),
	KTEST_CASE(ip_malformed_frames_counted),
	KTEST_CASE(arp_malformed_counted),
	KTEST_CASE(udp_bind_unbind),
	KTEST_CASE(udp_bind_table_full),
	KTEST_CASE(udp_sendv_rejects_bad_args),
	{},
};
KTEST_SUITE(net, net_cases);
