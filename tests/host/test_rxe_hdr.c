/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests of the RoCEv2 codecs (drivers/infiniband/sw/rxe/rxe_hdr.c,
 * rxe_icrc.c).  Oracles, none taken from the code under test:
 *  - a CNP packet captured on a ConnectX-4 Lx NIC (published with
 *    scapy's RoCE tests) whose ICRC was computed by the hardware;
 *  - a UC SEND packet from the same tests, ICRC computed by scapy;
 *  - the ICRC seed documented for Linux rxe (CRC register after eight
 *    0xff bytes);
 *  - a second ICRC written here from the spec's wording (mask by
 *    field name on a copy, bit-at-a-time CRC) compared on random
 *    packets of every opcode;
 *  - headers assembled by hand, byte by byte, from the IBA layouts.
 */
/* HTEST-SOURCES: drivers/infiniband/sw/rxe/rxe_hdr.c drivers/infiniband/sw/rxe/rxe_icrc.c lib/crc32.c lib/string.c */
#include "htest.h"

#include <tessera/crc32.h>
#include <tessera/errno.h>
#include <tessera/rdma/rxe_hdr.h>
#include <tessera/string.h>

static u64 rng_state = 0x9e3779b97f4a7c15ull;

static u32 rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (u32)(rng_state >> 11);
}

/* Captured on a ConnectX-4 Lx: IPv4 onwards (Ethernet header removed). */
static const u8 cx4_cnp[] = {
	0x45, 0xc2, 0x00, 0x3c, 0x71, 0x8c, 0x40, 0x00, 0x40, 0x11,
	0x91, 0x61, 0x0a, 0x00, 0x11, 0x01, 0x0a, 0x00, 0x12, 0x01,
	0x00, 0x00, 0x12, 0xb7, 0x00, 0x28, 0x00, 0x00,
	0x81, 0x00, 0xff, 0xff, 0x40, 0x00, 0x01, 0x18,
	0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x82, 0xfd, 0x00, 0x2a,
};

/*
 * scapy's UC SEND_ONLY example: tos 1, id 1144, DF, ttl 64,
 * 192.168.0.7 -> 192.168.0.7, sport 49152, migreq, padcount 2,
 * dqpn 211, psn 13571856, 20 payload bytes; scapy's IP checksum 0xb4d5
 * and ICRC field 0x78f353f3.
 */
static const u8 scapy_uc[] = {
	0x45, 0x01, 0x00, 0x40, 0x04, 0x78, 0x40, 0x00, 0x40, 0x11,
	0xb4, 0xd5, 0xc0, 0xa8, 0x00, 0x07, 0xc0, 0xa8, 0x00, 0x07,
	0xc0, 0x00, 0x12, 0xb7, 0x00, 0x2c, 0xac, 0xa2,
	0x24, 0x60, 0xff, 0xff, 0x00, 0x00, 0x00, 0xd3,
	0x00, 0xcf, 0x17, 0x10,
	'F', '0', 0x81, 0x8b, 0xe2, 0x89, '5', 0xd9, 0x0e, 0x9a,
	0x95, 'P', 'T', 0x01, 0xbe, 0x88, '^', 'P', 0x00, 0x00,
	0x78, 0xf3, 0x53, 0xf3,
};

static u32 crc_bitwise(u32 crc, const u8 *p, size_t len)
{
	while (len--) {
		crc ^= *p++;
		for (int i = 0; i < 8; i++)
			crc = (crc >> 1) ^ ((crc & 1) ? 0xedb88320u : 0);
	}
	return crc;
}

/* Second ICRC: LRH of ones prepended to a masked copy, bit-wise CRC. */
static u32 icrc_reference(const u8 *pkt, size_t len)
{
	u8 *copy = malloc(len + 8);
	u32 crc;
	size_t i;

	for (i = 0; i < 8; i++)
		copy[i] = 0xff;
	for (i = 0; i < len; i++)
		copy[8 + i] = pkt[i];
	u8 *ip = copy + 8, *udp = ip + 20, *bth = udp + 8;
	ip[1] = 0xff;			/* Type of Service */
	ip[8] = 0xff;			/* Time to Live */
	ip[10] = ip[11] = 0xff;		/* Header Checksum */
	udp[6] = udp[7] = 0xff;		/* UDP Checksum */
	bth[4] = 0xff;			/* F/B/Resv6a */
	crc = ~crc_bitwise(0xffffffffu, copy, len + 8);
	free(copy);
	return crc;
}

static u32 wire_icrc(const u8 *pkt, size_t len)
{
	const u8 *c = pkt + len - 4;

	return c[0] | c[1] << 8 | c[2] << 16 | (u32)c[3] << 24;
}

static void test_icrc_seed(struct htest *t)
{
	static const u8 ones[8] = { 0xff, 0xff, 0xff, 0xff,
				    0xff, 0xff, 0xff, 0xff };

	HT_EXPECT_EQ(t, crc32_le(~0u, ones, 8), 0xdebb20e3u);
	HT_EXPECT_EQ(t, crc_bitwise(~0u, ones, 8), 0xdebb20e3u);
}

static void test_icrc_connectx4_capture(struct htest *t)
{
	struct rxe_pkt pkt;

	HT_EXPECT_EQ(t, rxe_icrc(cx4_cnp, sizeof(cx4_cnp) - 4),
		     wire_icrc(cx4_cnp, sizeof(cx4_cnp)));
	HT_EXPECT_EQ(t, icrc_reference(cx4_cnp, sizeof(cx4_cnp) - 4),
		     wire_icrc(cx4_cnp, sizeof(cx4_cnp)));
	/* ICRC and IP checksum good; CNP (0x81) is not an opcode we speak. */
	HT_EXPECT_EQ(t, rxe_pkt_decode(cx4_cnp, sizeof(cx4_cnp), &pkt),
		     -EOPNOTSUPP);
	HT_EXPECT_EQ(t, pkt.dqpn, 0x118);
	HT_EXPECT_EQ(t, pkt.bth_resv8a, 0x40);
}

static void test_icrc_scapy_uc(struct htest *t)
{
	HT_EXPECT_EQ(t, rxe_ip_csum(scapy_uc, 20), 0);
	HT_EXPECT_EQ(t, rxe_icrc(scapy_uc, sizeof(scapy_uc) - 4),
		     wire_icrc(scapy_uc, sizeof(scapy_uc)));
}

static void fill_random_pkt(struct rxe_pkt *pkt, u8 opcode)
{
	const struct rxe_opcode_info *info = rxe_opcode_info(opcode);

	memset(pkt, 0, sizeof(*pkt));
	pkt->opcode = opcode;
	pkt->saddr = rnd();
	pkt->daddr = rnd();
	pkt->ip_id = rnd();
	pkt->tos = rnd();
	pkt->ttl = rnd();
	pkt->sport = rnd();
	pkt->se = rnd() & 1;
	pkt->mig = rnd() & 1;
	pkt->ackreq = rnd() & 1;
	pkt->pkey = rnd();
	pkt->dqpn = rnd() & RXE_QPN_MASK;
	pkt->psn = rnd() & RXE_PSN_MASK;
	if (info->flags & RXE_HAS_DETH) {
		pkt->qkey = rnd();
		pkt->src_qpn = rnd() & RXE_QPN_MASK;
	}
	if (info->flags & RXE_HAS_RETH) {
		pkt->va = (u64)rnd() << 32 | rnd();
		pkt->rkey = rnd();
		pkt->dma_len = rnd();
	}
	if (info->flags & RXE_HAS_AETH) {
		pkt->syndrome = rnd();
		pkt->msn = rnd() & RXE_PSN_MASK;
	}
	if (info->flags & RXE_HAS_IMMDT)
		pkt->imm = rnd();
	if (info->flags & RXE_HAS_PAYLOAD)
		pkt->paylen = rnd() % 1100;
}

static void test_roundtrip_all_opcodes(struct htest *t)
{
	static u8 buf[2048];
	int nr_ops = 0;

	for (int op = 0; op < 256; op++) {
		if (!rxe_opcode_info(op))
			continue;
		nr_ops++;
		for (int iter = 0; iter < 50; iter++) {
			struct rxe_pkt in, out;
			int off;
			size_t len;

			fill_random_pkt(&in, op);
			off = rxe_pkt_encode(buf, sizeof(buf), &in);
			HT_ASSERT(t, off > 0);
			len = rxe_pkt_total_len(&in);
			for (u32 i = 0; i < in.paylen; i++)
				buf[off + i] = rnd();
			rxe_pkt_seal(buf, len);
			HT_ASSERT_EQ(t, rxe_pkt_decode(buf, len, &out), 0);
			HT_EXPECT_EQ(t, wire_icrc(buf, len),
				     icrc_reference(buf, len - 4));
			HT_EXPECT_EQ(t, out.opcode, in.opcode);
			HT_EXPECT_EQ(t, out.saddr, in.saddr);
			HT_EXPECT_EQ(t, out.daddr, in.daddr);
			HT_EXPECT_EQ(t, out.sport, in.sport);
			HT_EXPECT_EQ(t, out.se, in.se);
			HT_EXPECT_EQ(t, out.mig, in.mig);
			HT_EXPECT_EQ(t, out.ackreq, in.ackreq);
			HT_EXPECT_EQ(t, out.pkey, in.pkey);
			HT_EXPECT_EQ(t, out.dqpn, in.dqpn);
			HT_EXPECT_EQ(t, out.psn, in.psn);
			HT_EXPECT_EQ(t, out.qkey, in.qkey);
			HT_EXPECT_EQ(t, out.src_qpn, in.src_qpn);
			HT_EXPECT_EQ(t, out.va, in.va);
			HT_EXPECT_EQ(t, out.rkey, in.rkey);
			HT_EXPECT_EQ(t, out.dma_len, in.dma_len);
			HT_EXPECT_EQ(t, out.syndrome, in.syndrome);
			HT_EXPECT_EQ(t, out.msn, in.msn);
			HT_EXPECT_EQ(t, out.imm, in.imm);
			HT_EXPECT_EQ(t, out.paylen, in.paylen);
			HT_EXPECT_EQ(t, out.pad, (4 - in.paylen % 4) % 4);
			HT_EXPECT_EQ(t, out.payload, buf + off);
			if (t->failed)
				return;
		}
	}
	/* 6 SEND + 6 WRITE + READ req + 4 READ resp + ACK + 2 UD */
	HT_EXPECT_EQ(t, nr_ops, 20);
}

/* RC SEND_ONLY_WITH_IMMEDIATE, 5 payload bytes, every byte by hand. */
static void test_send_imm_bytes(struct htest *t)
{
	static const u8 expect[] = {
		/* IPv4: 20+8+12+4+5+3+4 = 56 = 0x38, DF, ttl 64, UDP */
		0x45, 0x00, 0x00, 0x38, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11,
		0x00, 0x00, /* checksum: filled below */
		10, 0, 0, 1, 10, 0, 0, 2,
		/* UDP: sport 0xc001, 4791, len 36, csum 0 */
		0xc0, 0x01, 0x12, 0xb7, 0x00, 0x24, 0x00, 0x00,
		/* BTH: op 5, SE, pad 3, pkey ffff, qpn 0x123456,
		 * AckReq, psn 0xabcdef */
		0x05, 0xb0, 0xff, 0xff, 0x00, 0x12, 0x34, 0x56,
		0x80, 0xab, 0xcd, 0xef,
		/* ImmDt */
		0xde, 0xad, 0xbe, 0xef,
		'h', 'e', 'l', 'l', 'o', 0, 0, 0,
	};
	struct rxe_pkt pkt = {
		.opcode = IB_OPCODE_RC_SEND_ONLY_WITH_IMMEDIATE,
		.saddr = 0x0a000001, .daddr = 0x0a000002, .ip_id = 0x1234,
		.ttl = 64, .sport = 0xc001, .se = true, .ackreq = true,
		.pkey = 0xffff, .dqpn = 0x123456, .psn = 0xabcdef,
		.imm = 0xdeadbeef, .paylen = 5,
	};
	u8 want[sizeof(expect)], buf[128];
	u32 csum = 0;
	int off;

	memcpy(want, expect, sizeof(want));
	/* One's-complement sum of the header words, by hand. */
	for (int i = 0; i < 20; i += 2)
		csum += want[i] << 8 | want[i + 1];
	csum = (csum & 0xffff) + (csum >> 16);
	csum = (csum & 0xffff) + (csum >> 16);
	want[10] = ~csum >> 8;
	want[11] = ~csum;

	memset(buf, 0xaa, sizeof(buf));
	off = rxe_pkt_encode(buf, sizeof(buf), &pkt);
	HT_ASSERT_EQ(t, off, 20 + 8 + 12 + 4);
	HT_ASSERT_EQ(t, rxe_pkt_total_len(&pkt), 56);
	memcpy(buf + off, "hello", 5);
	rxe_pkt_seal(buf, 56);
	for (size_t i = 0; i < sizeof(want); i++)
		if (buf[i] != want[i])
			HT_FAIL(t, "byte %zu: %02x != %02x", i, buf[i], want[i]);
	HT_EXPECT_EQ(t, wire_icrc(buf, 56), icrc_reference(buf, 52));
}

/* RDMA WRITE_ONLY_WITH_IMMEDIATE: RETH then ImmDt. */
static void test_reth_bytes(struct htest *t)
{
	static const u8 expect[] = {
		0x0b, 0x00, 0x80, 0x01, 0x00, 0x00, 0x00, 0x11,
		0x00, 0x00, 0x00, 0x07,
		/* RETH: va, rkey, dma length */
		0xff, 0xff, 0x80, 0x00, 0x01, 0x23, 0x40, 0x00,
		0x00, 0x00, 0x05, 0x02,
		0x00, 0x01, 0x00, 0x00,
		/* ImmDt */
		0x01, 0x02, 0x03, 0x04,
	};
	struct rxe_pkt pkt = {
		.opcode = IB_OPCODE_RC_RDMA_WRITE_ONLY_WITH_IMMEDIATE,
		.pkey = 0x8001, .dqpn = 0x11, .psn = 7,
		.va = 0xffff800001234000ull, .rkey = 0x502,
		.dma_len = 0x10000, .imm = 0x01020304, .paylen = 0,
	};
	u8 buf[128];

	HT_ASSERT_EQ(t, rxe_pkt_encode(buf, sizeof(buf), &pkt),
		     28 + sizeof(expect));
	for (size_t i = 0; i < sizeof(expect); i++)
		if (buf[28 + i] != expect[i])
			HT_FAIL(t, "byte %zu: %02x != %02x", i, buf[28 + i],
				expect[i]);
}

/* ACK with a PSN sequence error NAK, and a UD send with DETH. */
static void test_aeth_deth_bytes(struct htest *t)
{
	static const u8 ack[] = {
		0x11, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0x12,
		0x00, 0x00, 0x10, 0x00,
		0x60, 0x00, 0x00, 0x2a,		/* NAK code 0, MSN 42 */
	};
	static const u8 ud[] = {
		0x64, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01,
		0x00, 0x00, 0x00, 0x00,
		0x80, 0x01, 0x00, 0x00,		/* Q_Key (GSI) */
		0x00, 0x00, 0x00, 0x01,		/* source QP 1 */
	};
	struct rxe_pkt a = {
		.opcode = IB_OPCODE_RC_ACKNOWLEDGE, .pkey = 0xffff,
		.dqpn = 0x12, .psn = 0x1000,
		.syndrome = AETH_NAK | AETH_NAK_PSN_SEQ_ERROR, .msn = 42,
	};
	struct rxe_pkt u = {
		.opcode = IB_OPCODE_UD_SEND_ONLY, .pkey = 0xffff,
		.dqpn = 1, .psn = 0, .qkey = 0x80010000, .src_qpn = 1,
	};
	u8 buf[128];

	HT_ASSERT_EQ(t, rxe_pkt_encode(buf, sizeof(buf), &a), 28 + 16);
	for (size_t i = 0; i < sizeof(ack); i++)
		if (buf[28 + i] != ack[i])
			HT_FAIL(t, "ack byte %zu: %02x", i, buf[28 + i]);
	HT_ASSERT_EQ(t, rxe_pkt_encode(buf, sizeof(buf), &u), 28 + 20);
	for (size_t i = 0; i < sizeof(ud); i++)
		if (buf[28 + i] != ud[i])
			HT_FAIL(t, "ud byte %zu: %02x", i, buf[28 + i]);
}

static size_t make_valid(u8 *buf, size_t cap, u8 opcode, u32 paylen)
{
	struct rxe_pkt pkt;
	int off;

	fill_random_pkt(&pkt, opcode);
	pkt.paylen = paylen;
	off = rxe_pkt_encode(buf, cap, &pkt);
	for (u32 i = 0; i < paylen; i++)
		buf[off + i] = rnd();
	rxe_pkt_seal(buf, rxe_pkt_total_len(&pkt));
	return rxe_pkt_total_len(&pkt);
}

static void test_reject_corrupt(struct htest *t)
{
	u8 buf[256], bad[256];
	struct rxe_pkt pkt;
	size_t len = make_valid(buf, sizeof(buf),
				IB_OPCODE_RC_RDMA_WRITE_FIRST, 64);

	HT_ASSERT_EQ(t, rxe_pkt_decode(buf, len, &pkt), 0);
	/* Every single-bit flip is caught by one check or another. */
	for (size_t i = 0; i < len; i++) {
		for (int b = 0; b < 8; b++) {
			memcpy(bad, buf, len);
			bad[i] ^= 1 << b;
			int err = rxe_pkt_decode(bad, len, &pkt);
			bool masked = i == 1 || i == 8 || i == 26 || i == 27 ||
				      i == 32;

			if (masked) {
				/* Invariant CRC ignores these; the IPv4
				 * checksum still catches TOS/TTL. */
				if (i == 26 || i == 27 || i == 32)
					HT_EXPECT_EQ(t, err, 0);
				else
					HT_EXPECT_EQ(t, err, -EINVAL);
			} else if (err == 0) {
				HT_FAIL(t, "flip byte %zu bit %d accepted", i,
					b);
				return;
			}
		}
	}
	/* Every truncation is refused. */
	for (size_t l = 0; l < len; l++)
		HT_EXPECT(t, rxe_pkt_decode(buf, l, &pkt) < 0);
	/* Trailing Ethernet padding is ignored. */
	memcpy(bad, buf, len);
	HT_EXPECT_EQ(t, rxe_pkt_decode(bad, len + 6, &pkt), 0);
}

/* Fields a router rewrites do not invalidate the ICRC. */
static void test_router_rewrites(struct htest *t)
{
	u8 buf[256];
	struct rxe_pkt pkt;
	size_t len = make_valid(buf, sizeof(buf), IB_OPCODE_RC_SEND_LAST, 9);
	u16 csum;

	buf[1] = 0x2e;		/* new DSCP + ECN */
	buf[8] -= 3;		/* hops */
	buf[32] = 0x40;		/* BECN */
	buf[26] = 0x12;		/* a UDP checksum appears */
	buf[10] = buf[11] = 0;
	csum = rxe_ip_csum(buf, 20);
	put_be16(buf + 10, csum);
	HT_EXPECT_EQ(t, rxe_pkt_decode(buf, len, &pkt), 0);
}

static void test_reject_semantic(struct htest *t)
{
	u8 buf[256];
	struct rxe_pkt pkt;
	size_t len;

	/* Unknown opcode with a good ICRC. */
	len = make_valid(buf, sizeof(buf), IB_OPCODE_RC_SEND_ONLY, 8);
	buf[28] = 0x1f;
	rxe_pkt_seal(buf, len);
	HT_EXPECT_EQ(t, rxe_pkt_decode(buf, len, &pkt), -EOPNOTSUPP);
	/* Transport version 1. */
	len = make_valid(buf, sizeof(buf), IB_OPCODE_RC_SEND_ONLY, 8);
	buf[29] |= 1;
	rxe_pkt_seal(buf, len);
	HT_EXPECT_EQ(t, rxe_pkt_decode(buf, len, &pkt), -EINVAL);
	/* ACK claiming a payload. */
	len = make_valid(buf, sizeof(buf), IB_OPCODE_RC_SEND_ONLY, 8);
	buf[28] = IB_OPCODE_RC_ACKNOWLEDGE;
	rxe_pkt_seal(buf, len);
	HT_EXPECT_EQ(t, rxe_pkt_decode(buf, len, &pkt), -EINVAL);
	/* Header longer than the packet: WRITE_FIRST needs a RETH. */
	len = make_valid(buf, sizeof(buf), IB_OPCODE_RC_SEND_ONLY, 0);
	buf[28] = IB_OPCODE_RC_RDMA_WRITE_FIRST;
	rxe_pkt_seal(buf, len);
	HT_EXPECT_EQ(t, rxe_pkt_decode(buf, len, &pkt), -EINVAL);
	/* Wrong UDP port. */
	len = make_valid(buf, sizeof(buf), IB_OPCODE_RC_SEND_ONLY, 8);
	buf[23] = 0xb8;
	rxe_pkt_seal(buf, len);
	HT_EXPECT_EQ(t, rxe_pkt_decode(buf, len, &pkt), -EINVAL);
	/* A fragment. */
	len = make_valid(buf, sizeof(buf), IB_OPCODE_RC_SEND_ONLY, 8);
	buf[6] = 0x20;
	buf[10] = buf[11] = 0;
	put_be16(buf + 10, rxe_ip_csum(buf, 20));
	rxe_pkt_seal(buf, len);
	HT_EXPECT_EQ(t, rxe_pkt_decode(buf, len, &pkt), -EINVAL);
	/* Encoder refusals. */
	memset(&pkt, 0, sizeof(pkt));
	pkt.opcode = IB_OPCODE_RC_ACKNOWLEDGE;
	pkt.paylen = 4;
	HT_EXPECT_EQ(t, rxe_pkt_encode(buf, sizeof(buf), &pkt), -EINVAL);
	pkt.opcode = 0x1f;
	pkt.paylen = 0;
	HT_EXPECT_EQ(t, rxe_pkt_encode(buf, sizeof(buf), &pkt), -EINVAL);
	pkt.opcode = IB_OPCODE_RC_SEND_ONLY;
	pkt.psn = 1u << 24;
	HT_EXPECT_EQ(t, rxe_pkt_encode(buf, sizeof(buf), &pkt), -EINVAL);
	pkt.psn = 0;
	pkt.paylen = 200;
	HT_EXPECT_EQ(t, rxe_pkt_encode(buf, 100, &pkt), -EMSGSIZE);
}

static void test_psn_arith(struct htest *t)
{
	HT_EXPECT_EQ(t, psn_add(0xffffff, 1), 0);
	HT_EXPECT_EQ(t, psn_add(0xfffffe, 5), 3);
	HT_EXPECT(t, psn_cmp(0, 0xffffff) > 0);
	HT_EXPECT(t, psn_cmp(0xffffff, 0) < 0);
	HT_EXPECT(t, psn_cmp(5, 5) == 0);
	HT_EXPECT(t, psn_cmp(0x7fffff, 0) > 0);
	HT_EXPECT(t, psn_cmp(0x800001, 0) < 0);
	HT_EXPECT(t, psn_cmp(100, 99) > 0);
}

static const struct htest_case cases[] = {
	HT_CASE(test_icrc_seed),
	HT_CASE(test_icrc_connectx4_capture),
	HT_CASE(test_icrc_scapy_uc),
	HT_CASE(test_roundtrip_all_opcodes),
	HT_CASE(test_send_imm_bytes),
	HT_CASE(test_reth_bytes),
	HT_CASE(test_aeth_deth_bytes),
	HT_CASE(test_reject_corrupt),
	HT_CASE(test_router_rewrites),
	HT_CASE(test_reject_semantic),
	HT_CASE(test_psn_arith),
	{}
};

HTEST_MAIN(cases)
