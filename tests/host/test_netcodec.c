/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests for the IPv4 stack's pure code: net/checksum.c, net/codec.c
 * (ARP, IPv4, UDP, ip= parsing) and net/arp_cache.c.
 *
 * Oracles: checksums worked out by hand from RFC 791/1071 (the sums are
 * written out in the comments), a byte-at-a-time big-endian reference
 * sum written here from RFC 1071's definition, packets laid out byte by
 * byte from the RFC diagrams, and one defect per malformed packet with
 * the reason it must be dropped for.
 */
/* HTEST-SOURCES: net/checksum.c net/codec.c net/arp_cache.c lib/string.c */
#include "htest.h"
#include <tessera/arp.h>
#include <tessera/errno.h>
#include <tessera/inet.h>
#include <tessera/ip.h>
#include <tessera/net.h>
#include <tessera/string.h>
#include <tessera/udp.h>

/* RFC 1071 straight: 16-bit big-endian words, end-around carry. */
static u16 ref_sum(const u8 *p, size_t len, u32 sum)
{
	for (size_t i = 0; i < len; i += 2) {
		u16 w = (u16)(p[i] << 8);

		if (i + 1 < len)
			w |= p[i + 1];
		sum += w;
		sum = (sum & 0xffff) + (sum >> 16);
	}
	return (u16)sum;
}

/* The value of a stored checksum field, read big-endian. */
static u16 be16_at(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

static u32 rand_state = 12345;
static u32 rnd(void)
{
	rand_state = rand_state * 1103515245u + 12345u;
	return rand_state >> 8;
}

/*
 * 45 00 00 73 00 00 40 00 40 11 [b8 61] c0 a8 00 01 c0 a8 00 c7:
 * 4500+0073+0000+4000+4011+c0a8+0001+c0a8+00c7 = 0x2479c, folded 0x479e,
 * complemented 0xb861.
 */
static const u8 ip_hdr_known[20] = {
	0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
	0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
};

static void test_ip_header_checksum(struct htest *t)
{
	u8 h[20];
	__sum16 c;

	memcpy(h, ip_hdr_known, 20);
	h[10] = h[11] = 0;
	c = ip_fast_csum(h, 5);
	memcpy(&h[10], &c, 2);
	HT_EXPECT_EQ(t, h[10], 0xb8);
	HT_EXPECT_EQ(t, h[11], 0x61);
	/* A correct header sums to 0xffff, i.e. checks to 0. */
	HT_EXPECT_EQ(t, ip_fast_csum(ip_hdr_known, 5), 0);
	HT_EXPECT_EQ(t, ref_sum(ip_hdr_known, 20, 0), 0xffff);
}

static void test_ip_build_matches_known(struct htest *t)
{
	struct iphdr h;
	u8 b[20];

	/* The known header is id 0, DF, TTL 64, UDP, 0x73 - 20 payload. */
	ipv4_build_header(&h, IPV4_ADDR(192, 168, 0, 1),
			  IPV4_ADDR(192, 168, 0, 199), IPPROTO_UDP,
			  0x73 - 20, 0, 64);
	memcpy(b, &h, 20);
	for (int i = 0; i < 20; i++)
		HT_EXPECT_EQ(t, b[i], ip_hdr_known[i]);
}

static void test_csum_partial_random(struct htest *t)
{
	u8 buf[1501];

	for (int round = 0; round < 200; round++) {
		size_t len = rnd() % sizeof(buf);
		u32 s;

		for (size_t i = 0; i < len; i++)
			buf[i] = (u8)rnd();
		s = csum_partial(buf, len, 0);
		/* Native-order sum, stored, reads back as the BE sum. */
		{
			u16 folded = (u16)~csum_fold(s);
			u8 st[2];

			memcpy(st, &folded, 2);
			if (ref_sum(buf, len, 0) != be16_at(st) &&
			    !(ref_sum(buf, len, 0) == 0xffff && be16_at(st) == 0) &&
			    !(ref_sum(buf, len, 0) == 0 && be16_at(st) == 0xffff)) {
				HT_FAIL(t, "len %zu: ref %#x got %#x", len,
					ref_sum(buf, len, 0), be16_at(st));
				return;
			}
		}
		/* Two blocks split at any offset sum to the whole. */
		{
			size_t cut = len ? rnd() % len : 0;
			u32 a = csum_partial(buf, cut, 0);
			u32 b = csum_partial(buf + cut, len - cut, 0);

			HT_EXPECT_EQ(t, csum_fold(csum_block_add(a, b, cut)),
				     csum_fold(s));
		}
	}
}

/*
 * 10.77.0.1:7 -> 10.77.0.2:40000, payload "Hi!".  Sum by hand:
 * pseudo 0a4d+0001+0a4d+0002+0011+000b = 0x14b9; UDP 0007+9c40+000b+0000
 * +4869+2100 (odd byte padded) -> total 0x11a74, folded 0x1a75,
 * checksum ~0x1a75 = 0xe58a.
 */
static const u8 udp_known[11] = {
	0x00, 0x07, 0x9c, 0x40, 0x00, 0x0b, 0xe5, 0x8a, 'H', 'i', '!',
};

static void test_udp_checksum_known(struct htest *t)
{
	struct udphdr uh;
	struct kvec v = { "Hi!", 3 };
	__be32 s = IPV4_ADDR(10, 77, 0, 1), d = IPV4_ADDR(10, 77, 0, 2);
	__sum16 c;
	u8 b[2];
	struct udp_info info;
	u8 pkt[11];

	udp_build_header(&uh, 7, 40000, 3);
	c = udp_checksum(s, d, &uh, &v, 1);
	memcpy(b, &c, 2);
	HT_EXPECT_EQ(t, be16_at(b), 0xe58a);

	/* Independent check: pseudo header + packet sums to 0xffff. */
	{
		u8 pseudo[12] = { 10, 77, 0, 1, 10, 77, 0, 2, 0, 17, 0, 11 };

		HT_EXPECT_EQ(t, ref_sum(udp_known, 11, ref_sum(pseudo, 12, 0)),
			     0xffff);
	}

	HT_ASSERT_EQ(t, udp_parse(udp_known, 11, s, d, &info), NET_DROP_NONE);
	HT_EXPECT_EQ(t, info.sport, 7);
	HT_EXPECT_EQ(t, info.dport, 40000);
	HT_EXPECT_EQ(t, info.payload_len, 3);
	HT_EXPECT(t, info.payload == udp_known + 8);

	/* One flipped payload bit, or the wrong pseudo header, is caught. */
	memcpy(pkt, udp_known, 11);
	pkt[9] ^= 0x04;
	HT_EXPECT_EQ(t, udp_parse(pkt, 11, s, d, &info), NET_DROP_UDP_CSUM);
	HT_EXPECT_EQ(t, udp_parse(udp_known, 11, s, IPV4_ADDR(10, 77, 0, 3),
				  &info), NET_DROP_UDP_CSUM);
	/* Checksum 0 means "none": accepted even with other bits wrong. */
	pkt[6] = pkt[7] = 0;
	HT_EXPECT_EQ(t, udp_parse(pkt, 11, s, d, &info), NET_DROP_NONE);
}

static void test_udp_checksum_gather(struct htest *t)
{
	u8 data[1472];
	__be32 s = IPV4_ADDR(10, 77, 0, 9), d = IPV4_ADDR(10, 77, 0, 200);

	for (int round = 0; round < 100; round++) {
		size_t len = 1 + rnd() % sizeof(data);
		size_t c1 = rnd() % (len + 1), c2;
		struct udphdr uh;
		struct kvec one = { data, len }, three[3];
		__sum16 a, b;
		u8 pkt[8 + sizeof(data)], pseudo[12];

		c2 = c1 + rnd() % (len - c1 + 1);
		for (size_t i = 0; i < len; i++)
			data[i] = (u8)rnd();
		three[0] = (struct kvec){ data, c1 };
		three[1] = (struct kvec){ data + c1, c2 - c1 };
		three[2] = (struct kvec){ data + c2, len - c2 };
		udp_build_header(&uh, 4791, 1000 + round, (u16)len);
		a = udp_checksum(s, d, &uh, &one, 1);
		b = udp_checksum(s, d, &uh, three, 3);
		HT_EXPECT_EQ(t, a, b);

		/* The reference says the finished datagram sums to 0xffff. */
		uh.check = a;
		memcpy(pkt, &uh, 8);
		memcpy(pkt + 8, data, len);
		memcpy(pseudo, &s, 4);
		memcpy(pseudo + 4, &d, 4);
		pseudo[8] = 0;
		pseudo[9] = 17;
		pseudo[10] = (u8)((len + 8) >> 8);
		pseudo[11] = (u8)(len + 8);
		HT_EXPECT_EQ(t, ref_sum(pkt, len + 8, ref_sum(pseudo, 12, 0)),
			     0xffff);
		if (t->failed)
			return;
	}
}

static const u8 arp_request_known[28] = {
	0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
	0x52, 0x54, 0x00, 0x12, 0x34, 0x01, 10, 77, 0, 1,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 10, 77, 0, 2,
};

static void test_arp_encode_decode(struct htest *t)
{
	const u8 mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x01 };
	struct arp_eth_ipv4 p;
	struct arp_info info;
	u8 b[28];

	arp_build(&p, ARP_OP_REQUEST, mac, IPV4_ADDR(10, 77, 0, 1), NULL,
		  IPV4_ADDR(10, 77, 0, 2));
	memcpy(b, &p, 28);
	for (int i = 0; i < 28; i++)
		HT_EXPECT_EQ(t, b[i], arp_request_known[i]);

	HT_ASSERT_EQ(t, arp_parse(arp_request_known, 28, &info), NET_DROP_NONE);
	HT_EXPECT_EQ(t, info.op, ARP_OP_REQUEST);
	HT_EXPECT(t, info.spa == IPV4_ADDR(10, 77, 0, 1));
	HT_EXPECT(t, info.tpa == IPV4_ADDR(10, 77, 0, 2));
	for (int i = 0; i < 6; i++)
		HT_EXPECT_EQ(t, info.sha[i], mac[i]);

	/* A reply decodes with both hardware addresses. */
	{
		const u8 tha[6] = { 2, 0, 0, 0, 0, 9 };
		u8 big[60] = { 0 };	/* padded to the Ethernet minimum */

		arp_build(&p, ARP_OP_REPLY, mac, IPV4_ADDR(10, 0, 0, 1), tha,
			  IPV4_ADDR(10, 0, 0, 2));
		memcpy(big, &p, 28);
		HT_ASSERT_EQ(t, arp_parse(big, sizeof(big), &info),
			     NET_DROP_NONE);
		HT_EXPECT_EQ(t, info.op, ARP_OP_REPLY);
		HT_EXPECT_EQ(t, info.tha[5], 9);
		HT_EXPECT_EQ(t, big[7], 2);	/* oper low byte on the wire */
	}
}

static void test_arp_malformed(struct htest *t)
{
	struct arp_info info;
	u8 b[28];

	HT_EXPECT_EQ(t, arp_parse(arp_request_known, 27, &info),
		     NET_DROP_ARP_TRUNCATED);
	HT_EXPECT_EQ(t, arp_parse(arp_request_known, 0, &info),
		     NET_DROP_ARP_TRUNCATED);

	memcpy(b, arp_request_known, 28);
	b[1] = 6;				/* htype IEEE 802 */
	HT_EXPECT_EQ(t, arp_parse(b, 28, &info), NET_DROP_ARP_MALFORMED);
	memcpy(b, arp_request_known, 28);
	b[2] = 0x86; b[3] = 0xdd;		/* ptype IPv6 */
	HT_EXPECT_EQ(t, arp_parse(b, 28, &info), NET_DROP_ARP_MALFORMED);
	memcpy(b, arp_request_known, 28);
	b[5] = 16;				/* plen */
	HT_EXPECT_EQ(t, arp_parse(b, 28, &info), NET_DROP_ARP_MALFORMED);
	memcpy(b, arp_request_known, 28);
	b[7] = 3;				/* RARP request */
	HT_EXPECT_EQ(t, arp_parse(b, 28, &info), NET_DROP_ARP_MALFORMED);
	memcpy(b, arp_request_known, 28);
	b[8] = 0xff;				/* multicast sender MAC */
	HT_EXPECT_EQ(t, arp_parse(b, 28, &info), NET_DROP_ARP_BAD_SENDER);
	memcpy(b, arp_request_known, 28);
	b[14] = b[15] = b[16] = b[17] = 0xff;	/* broadcast sender IP */
	HT_EXPECT_EQ(t, arp_parse(b, 28, &info), NET_DROP_ARP_BAD_SENDER);
}

/* Re-checksum a test header after mutating it, with the reference. */
static void fix_ip_csum(u8 *h)
{
	unsigned int hlen = (h[0] & 0xf) * 4;
	u16 c;

	h[10] = h[11] = 0;
	c = (u16)~ref_sum(h, hlen, 0);
	h[10] = (u8)(c >> 8);
	h[11] = (u8)c;
}

static void make_ip(u8 *b, size_t payload)
{
	memcpy(b, ip_hdr_known, 20);
	b[2] = (u8)((20 + payload) >> 8);
	b[3] = (u8)(20 + payload);
	fix_ip_csum(b);
}

static void test_ip_parse_ok(struct htest *t)
{
	u8 b[60] = { 0 };
	struct ipv4_info info;

	make_ip(b, 11);
	/* 60 bytes (Ethernet padding), 31 of them IP. */
	HT_ASSERT_EQ(t, ipv4_parse(b, sizeof(b), &info), NET_DROP_NONE);
	HT_EXPECT_EQ(t, info.payload_len, 11);
	HT_EXPECT_EQ(t, info.protocol, 17);
	HT_EXPECT_EQ(t, info.hdr_len, 20);
	HT_EXPECT(t, info.payload == b + 20);
	HT_EXPECT(t, info.saddr == IPV4_ADDR(192, 168, 0, 1));

	/* Options (IHL 6) are skipped over. */
	memmove(b + 24, b + 20, 11);
	b[0] = 0x46;
	b[20] = 1; b[21] = 1; b[22] = 1; b[23] = 0;	/* NOP NOP NOP EOL */
	b[2] = 0; b[3] = 24 + 11;
	fix_ip_csum(b);
	HT_ASSERT_EQ(t, ipv4_parse(b, 35, &info), NET_DROP_NONE);
	HT_EXPECT_EQ(t, info.hdr_len, 24);
	HT_EXPECT(t, info.payload == b + 24);
	HT_EXPECT_EQ(t, info.payload_len, 11);
}

static void test_ip_parse_malformed(struct htest *t)
{
	u8 b[64];
	struct ipv4_info info;

	make_ip(b, 20);
	HT_EXPECT_EQ(t, ipv4_parse(b, 19, &info), NET_DROP_IP_TRUNCATED);
	HT_EXPECT_EQ(t, ipv4_parse(b, 0, &info), NET_DROP_IP_TRUNCATED);

	make_ip(b, 20);
	b[0] = 0x65;				/* version 6 */
	fix_ip_csum(b);
	HT_EXPECT_EQ(t, ipv4_parse(b, 40, &info), NET_DROP_IP_VERSION);

	make_ip(b, 20);
	b[0] = 0x44;				/* IHL 4 */
	HT_EXPECT_EQ(t, ipv4_parse(b, 40, &info), NET_DROP_IP_IHL);

	make_ip(b, 4);
	b[0] = 0x4f;				/* IHL 15: 60 > 24 bytes */
	HT_EXPECT_EQ(t, ipv4_parse(b, 24, &info), NET_DROP_IP_TRUNCATED);

	make_ip(b, 20);				/* says 40, frame has 39 */
	HT_EXPECT_EQ(t, ipv4_parse(b, 39, &info), NET_DROP_IP_TOTLEN);
	make_ip(b, 0);
	b[3] = 19;				/* shorter than its header */
	fix_ip_csum(b);
	HT_EXPECT_EQ(t, ipv4_parse(b, 40, &info), NET_DROP_IP_TOTLEN);

	make_ip(b, 20);
	b[11] ^= 1;				/* checksum */
	HT_EXPECT_EQ(t, ipv4_parse(b, 40, &info), NET_DROP_IP_CSUM);
	make_ip(b, 20);
	b[15] ^= 0x80;				/* data under the checksum */
	HT_EXPECT_EQ(t, ipv4_parse(b, 40, &info), NET_DROP_IP_CSUM);

	make_ip(b, 20);
	b[6] = 0x20;				/* MF, offset 0 */
	fix_ip_csum(b);
	HT_EXPECT_EQ(t, ipv4_parse(b, 40, &info), NET_DROP_IP_FRAGMENT);
	make_ip(b, 20);
	b[6] = 0x00; b[7] = 0xb9;		/* last fragment, offset 185 */
	fix_ip_csum(b);
	HT_EXPECT_EQ(t, ipv4_parse(b, 40, &info), NET_DROP_IP_FRAGMENT);
	make_ip(b, 20);
	b[6] = 0x40; b[7] = 0x01;		/* DF but an offset */
	fix_ip_csum(b);
	HT_EXPECT_EQ(t, ipv4_parse(b, 40, &info), NET_DROP_IP_FRAGMENT);

	make_ip(b, 20);
	b[8] = 0;				/* TTL 0 */
	fix_ip_csum(b);
	HT_EXPECT_EQ(t, ipv4_parse(b, 40, &info), NET_DROP_IP_TTL);

	make_ip(b, 20);
	b[12] = 224;				/* multicast source */
	fix_ip_csum(b);
	HT_EXPECT_EQ(t, ipv4_parse(b, 40, &info), NET_DROP_IP_BAD_SADDR);
}

static void test_udp_malformed(struct htest *t)
{
	struct udp_info info;
	__be32 s = IPV4_ADDR(10, 77, 0, 1), d = IPV4_ADDR(10, 77, 0, 2);
	u8 b[11];

	HT_EXPECT_EQ(t, udp_parse(udp_known, 7, s, d, &info),
		     NET_DROP_UDP_TRUNCATED);
	/* Length field larger than the IP payload. */
	HT_EXPECT_EQ(t, udp_parse(udp_known, 10, s, d, &info),
		     NET_DROP_UDP_LEN);
	memcpy(b, udp_known, 11);
	b[5] = 7;				/* below the header size */
	HT_EXPECT_EQ(t, udp_parse(b, 11, s, d, &info), NET_DROP_UDP_LEN);
}

static void test_parse_cidr(struct htest *t)
{
	__be32 a = 0;
	unsigned int p = 0;

	HT_ASSERT_EQ(t, inet_parse_cidr("10.77.0.2/24", &a, &p), 0);
	HT_EXPECT(t, a == IPV4_ADDR(10, 77, 0, 2));
	HT_EXPECT_EQ(t, p, 24);
	HT_ASSERT_EQ(t, inet_parse_cidr("192.168.100.254/31", &a, &p), 0);
	HT_EXPECT_EQ(t, p, 31);
	HT_EXPECT(t, inet_parse_cidr("172.16.0.1/32", &a, &p) == 0);

	static const char *const bad[] = {
		"", "10.77.0.2", "10.77.0.2/", "10.77.0/24", "10.77.0.2.1/24",
		"10.77.0.256/24", "10.77.0.2/33", "10.77.0.2/0", "010.77.0.2/24",
		"10.77.0.2/24x", " 10.77.0.2/24", "10.77.0.-2/24", "a.b.c.d/8",
		"10.77.0.0/24", "10.77.0.255/24", "0.1.2.3/8", "127.0.0.1/8",
		"224.0.0.1/4", "255.255.255.255/32", "10.77.0.2/024",
		"1000.1.1.1/8",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		a = IPV4_ADDR(1, 2, 3, 4);
		p = 7;
		if (inet_parse_cidr(bad[i], &a, &p) != -EINVAL)
			HT_FAIL(t, "\"%s\" accepted", bad[i]);
		HT_EXPECT(t, a == IPV4_ADDR(1, 2, 3, 4) && p == 7);
	}
	HT_EXPECT(t, inet_prefix_mask(24) == IPV4_ADDR(255, 255, 255, 0));
	HT_EXPECT(t, inet_prefix_mask(32) == IPV4_BROADCAST);
	HT_EXPECT(t, inet_prefix_mask(1) == IPV4_ADDR(128, 0, 0, 0));
}

static void test_arp_cache(struct htest *t)
{
	static struct arp_cache c;
	const u64 s = 1000000000ull;
	u8 mac[6], m1[6] = { 2, 0, 0, 0, 0, 1 }, m2[6] = { 2, 0, 0, 0, 0, 2 };

	arp_cache_init(&c, 60 * s);
	HT_EXPECT(t, !arp_cache_lookup(&c, IPV4_ADDR(10, 0, 0, 1), mac, 0));
	arp_cache_update(&c, IPV4_ADDR(10, 0, 0, 1), m1, 5 * s);
	HT_ASSERT(t, arp_cache_lookup(&c, IPV4_ADDR(10, 0, 0, 1), mac, 6 * s));
	HT_EXPECT_EQ(t, mac[5], 1);
	/* Refresh replaces the MAC and restarts the clock. */
	arp_cache_update(&c, IPV4_ADDR(10, 0, 0, 1), m2, 50 * s);
	HT_EXPECT(t, arp_cache_lookup(&c, IPV4_ADDR(10, 0, 0, 1), mac, 100 * s));
	HT_EXPECT_EQ(t, mac[5], 2);
	HT_EXPECT_EQ(t, arp_cache_count(&c), 1);
	/* 60 s after the last confirmation it is gone for lookups... */
	HT_EXPECT(t, !arp_cache_lookup(&c, IPV4_ADDR(10, 0, 0, 1), mac, 110 * s));
	HT_EXPECT(t, arp_cache_contains(&c, IPV4_ADDR(10, 0, 0, 1)));
	/* ...and expire() frees it. */
	HT_EXPECT_EQ(t, arp_cache_expire(&c, 110 * s), 1);
	HT_EXPECT_EQ(t, arp_cache_count(&c), 0);

	/* Full cache: the least recently confirmed entry makes room. */
	for (u32 i = 0; i < ARP_CACHE_SIZE; i++)
		arp_cache_update(&c, cpu_to_be32(0x0a000100u + i), m1,
				 200 * s + (i == 7 ? 0 : 10 * s));
	HT_EXPECT_EQ(t, arp_cache_count(&c), ARP_CACHE_SIZE);
	arp_cache_update(&c, IPV4_ADDR(10, 0, 9, 9), m2, 215 * s);
	HT_EXPECT_EQ(t, arp_cache_count(&c), ARP_CACHE_SIZE);
	HT_EXPECT(t, !arp_cache_contains(&c, cpu_to_be32(0x0a000107u)));
	HT_EXPECT(t, arp_cache_lookup(&c, IPV4_ADDR(10, 0, 9, 9), NULL, 215 * s));
	HT_EXPECT(t, arp_cache_remove(&c, IPV4_ADDR(10, 0, 9, 9)));
	HT_EXPECT(t, !arp_cache_remove(&c, IPV4_ADDR(10, 0, 9, 9)));
	/* Address 0 is never cached. */
	arp_cache_update(&c, 0, m1, 215 * s);
	HT_EXPECT(t, !arp_cache_lookup(&c, 0, mac, 215 * s));
}

static void test_drop_names(struct htest *t)
{
	HT_EXPECT_STREQ(t, net_drop_reason_name(NET_DROP_IP_CSUM), "ip_csum");
	HT_EXPECT_STREQ(t, net_drop_reason_name(NET_DROP_UDP_NO_PORT),
			"udp_no_port");
	HT_EXPECT_STREQ(t, net_drop_reason_name(NR_NET_DROP_REASONS), "?");
	for (int r = 0; r < NR_NET_DROP_REASONS; r++)
		HT_EXPECT(t, net_drop_reason_name(r)[0] != '?');
}

static const struct htest_case cases[] = {
	HT_CASE(test_ip_header_checksum),
	HT_CASE(test_ip_build_matches_known),
	HT_CASE(test_csum_partial_random),
	HT_CASE(test_udp_checksum_known),
	HT_CASE(test_udp_checksum_gather),
	HT_CASE(test_arp_encode_decode),
	HT_CASE(test_arp_malformed),
	HT_CASE(test_ip_parse_ok),
	HT_CASE(test_ip_parse_malformed),
	HT_CASE(test_udp_malformed),
	HT_CASE(test_parse_cidr),
	HT_CASE(test_arp_cache),
	HT_CASE(test_drop_names),
	{},
};
HTEST_MAIN(cases)
