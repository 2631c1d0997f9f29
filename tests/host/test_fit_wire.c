/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests of the FIT wire codecs (net/fit/wire.c).  Headers are
 * assembled byte by byte here from the layout in Documentation/fit.md
 * (not with the code under test), their CRC computed with the
 * conventional CRC-32 check value as the oracle for lib/crc32.c, and
 * every malformed field must come back as -EPROTO.
 */
/* HTEST-SOURCES: net/fit/wire.c lib/crc32.c lib/string.c */
#include "htest.h"

#include <fit/fit_wire.h>
#include <tessera/crc32.h>
#include <tessera/errno.h>
#include <tessera/string.h>

/*
 * The header of a 3-byte ECHO request from node 2 to node 5, slot 7,
 * generation 0x01020304, credits 0x1234/0xabcd, written out by hand.
 */
static void hand_header(u8 *b, u8 version, u8 flags, u16 op, u32 total,
			u32 off, u32 seg)
{
	u32 crc;

	memset(b, 0, FIT_HDR_BYTES);
	b[0] = 'F'; b[1] = 'I'; b[2] = 'T'; b[3] = '1';
	b[4] = version;
	b[5] = flags;
	b[6] = op & 0xff; b[7] = op >> 8;
	b[8] = 2; b[9] = 0;		/* src */
	b[10] = 5; b[11] = 0;		/* dst */
	b[12] = 7; b[13] = 0;		/* slot */
	b[14] = 0; b[15] = 0;		/* status */
	b[16] = 0x04; b[17] = 0x03; b[18] = 0x02; b[19] = 0x01;
	b[20] = total; b[21] = total >> 8; b[22] = total >> 16; b[23] = total >> 24;
	b[24] = off; b[25] = off >> 8; b[26] = off >> 16; b[27] = off >> 24;
	b[28] = seg; b[29] = seg >> 8; b[30] = seg >> 16; b[31] = seg >> 24;
	b[32] = 0x34; b[33] = 0x12;
	b[34] = 0xcd; b[35] = 0xab;
	crc = htest_ref_crc32(b, 36);
	b[36] = crc; b[37] = crc >> 8; b[38] = crc >> 16; b[39] = crc >> 24;
}

static void recrc(u8 *b)
{
	u32 crc = htest_ref_crc32(b, 36);

	b[36] = crc; b[37] = crc >> 8; b[38] = crc >> 16; b[39] = crc >> 24;
}

static void test_reference_crc(struct htest *t)
{
	HT_EXPECT_EQ(t, htest_ref_crc32((const u8 *)"123456789", 9), 0xcbf43926u);
}

static void test_unpack_hand_assembled(struct htest *t)
{
	u8 b[FIT_HDR_BYTES + 3];
	struct fit_hdr h;

	hand_header(b, 1, 0, 0x0001, 3, 0, 3);
	b[40] = 'a'; b[41] = 'b'; b[42] = 'c';
	HT_ASSERT_EQ(t, fit_hdr_unpack(b, sizeof(b), &h, NULL), 0);
	HT_EXPECT_EQ(t, h.version, 1);
	HT_EXPECT_EQ(t, h.flags, 0);
	HT_EXPECT_EQ(t, h.opcode, FIT_OP_ECHO);
	HT_EXPECT_EQ(t, h.src_node, 2);
	HT_EXPECT_EQ(t, h.dst_node, 5);
	HT_EXPECT_EQ(t, h.slot, 7);
	HT_EXPECT_EQ(t, h.gen, 0x01020304);
	HT_EXPECT_EQ(t, h.total_len, 3);
	HT_EXPECT_EQ(t, h.seg_off, 0);
	HT_EXPECT_EQ(t, h.seg_len, 3);
	HT_EXPECT_EQ(t, h.acked_req, 0x1234);
	HT_EXPECT_EQ(t, h.acked_rep, 0xabcd);
}

static void test_pack_matches_hand_bytes(struct htest *t)
{
	u8 want[FIT_HDR_BYTES];
	struct fit_wire_hdr w;
	struct fit_hdr h = {
		.version = 1, .opcode = FIT_OP_ECHO, .src_node = 2,
		.dst_node = 5, .slot = 7, .gen = 0x01020304, .total_len = 3,
		.seg_len = 3, .acked_req = 0x1234, .acked_rep = 0xabcd,
	};

	hand_header(want, 1, 0, 0x0001, 3, 0, 3);
	fit_hdr_pack(&h, &w);
	HT_EXPECT(t, !memcmp(&w, want, FIT_HDR_BYTES));
}

static void test_roundtrip_random(struct htest *t)
{
	u64 x = 88172645463325252ull;

	for (int i = 0; i < 2000; i++) {
		struct fit_hdr h = { .version = FIT_VERSION }, g;
		u8 buf[FIT_HDR_BYTES + 64];

		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		h.flags = (x & 1) ? FIT_F_REPLY : ((x & 2) ? FIT_F_ONEWAY : 0);
		if ((h.flags & FIT_F_REPLY) && (x & 4)) {
			h.flags |= FIT_F_ERROR;
			h.status = 1 + (x >> 8) % 4095;
		}
		h.opcode = (x & 8) ? P2M_PCACHE_MISS : M2S_WRITE_PAGE;
		h.src_node = (x >> 16) % FIT_MAX_NODES;
		h.dst_node = (x >> 24) % FIT_MAX_NODES;
		h.slot = x >> 32;
		h.gen = (u32)(x >> 20);
		h.seg_len = (x >> 40) % 65;
		h.seg_off = (x >> 48) % 5000;
		h.total_len = h.seg_off + h.seg_len + (x >> 56) % 3;
		if (!h.seg_len)
			h.total_len = h.seg_off = 0;
		h.acked_req = x >> 3;
		h.acked_rep = x >> 11;
		fit_hdr_pack(&h, (struct fit_wire_hdr *)buf);
		HT_ASSERT_EQ(t, fit_hdr_unpack(buf, FIT_HDR_BYTES + h.seg_len,
					       &g, NULL), 0);
		HT_ASSERT(t, !memcmp(&g, &h, sizeof(h)));
	}
}

/* One mutation of a valid header; expect -EPROTO and @reason. */
struct mutation {
	const char *name;
	void (*apply)(u8 *b, size_t *len);
	bool recrc;
};

static void m_short(u8 *b, size_t *len) { *len = 39; }
static void m_magic(u8 *b, size_t *len) { b[3] = '2'; }
static void m_crc(u8 *b, size_t *len) { b[20] ^= 1; }
static void m_version(u8 *b, size_t *len) { b[4] = 2; }
static void m_version0(u8 *b, size_t *len) { b[4] = 0; }
static void m_flag(u8 *b, size_t *len) { b[5] = 0x10; }
static void m_zc_short(u8 *b, size_t *len) { b[5] = FIT_F_ZC; }
static void m_zc_oneway(u8 *b, size_t *len) { b[5] = FIT_F_ZC | FIT_F_ONEWAY; b[20] = 16; b[28] = 16; *len = 56; }
static void m_zc_payload(u8 *b, size_t *len) { b[5] = FIT_F_ZC | FIT_F_REPLY; }
static void m_zc_error(u8 *b, size_t *len) { b[5] = FIT_F_ZC | FIT_F_REPLY | FIT_F_ERROR; b[14] = 5; b[20] = 0; b[28] = 0; *len = 40; }
static void m_reply_oneway(u8 *b, size_t *len) { b[5] = FIT_F_REPLY | FIT_F_ONEWAY; }
static void m_err_noreply(u8 *b, size_t *len) { b[5] = FIT_F_ERROR; b[14] = 5; }
static void m_status_noerr(u8 *b, size_t *len) { b[5] = FIT_F_REPLY; b[14] = 5; }
static void m_err_zero(u8 *b, size_t *len) { b[5] = FIT_F_REPLY | FIT_F_ERROR; }
static void m_opcode(u8 *b, size_t *len) { b[6] = 0x03; }
static void m_opcode_gap(u8 *b, size_t *len) { b[6] = 0xff; b[7] = 0x01; }
static void m_opcode_high(u8 *b, size_t *len) { b[7] = 0x04; }
static void m_src(u8 *b, size_t *len) { b[8] = 64; }
static void m_dst(u8 *b, size_t *len) { b[11] = 1; }
static void m_total(u8 *b, size_t *len) { b[22] = 0x10; b[20] = 1; }
static void m_seg_over(u8 *b, size_t *len) { b[24] = 1; }
static void m_seg_len(u8 *b, size_t *len) { b[28] = 4; }
static void m_empty_seg(u8 *b, size_t *len) { b[28] = 0; *len = 40; }
static void m_seg_huge(u8 *b, size_t *len)
{
	/* seg_len 8153 = FIT_SEG_MAX + 1 inside a 20000-byte message */
	b[20] = 0x20; b[21] = 0x4e; b[22] = 0;
	b[28] = 0xd9; b[29] = 0x1f;
	*len = 40 + 8153;
}

static const struct mutation mutations[] = {
	{ "short", m_short, false },
	{ "magic", m_magic, false },
	{ "crc", m_crc, false },
	{ "version 2", m_version, true },
	{ "version 0", m_version0, true },
	{ "unknown flag", m_flag, true },
	{ "zero-copy request shorter than its descriptor", m_zc_short, true },
	{ "zero-copy one-way", m_zc_oneway, true },
	{ "zero-copy reply with payload", m_zc_payload, true },
	{ "zero-copy error reply", m_zc_error, true },
	{ "reply+oneway", m_reply_oneway, true },
	{ "error without reply", m_err_noreply, true },
	{ "status without error", m_status_noerr, true },
	{ "error status 0", m_err_zero, true },
	{ "opcode 3", m_opcode, true },
	{ "opcode 0x1ff", m_opcode_gap, true },
	{ "opcode 0x401", m_opcode_high, true },
	{ "src 64", m_src, true },
	{ "dst 261", m_dst, true },
	{ "total > 1 MiB", m_total, true },
	{ "segment past end", m_seg_over, true },
	{ "seg_len != bytes", m_seg_len, true },
	{ "empty segment", m_empty_seg, true },
	{ "segment > FIT_SEG_MAX", m_seg_huge, true },
};

static void test_malformed_rejected(struct htest *t)
{
	static u8 b[FIT_HDR_BYTES + 9000];

	for (size_t i = 0; i < sizeof(mutations) / sizeof(mutations[0]); i++) {
		size_t len = FIT_HDR_BYTES + 3;
		const char *why = NULL;
		struct fit_hdr h;
		int ret;

		hand_header(b, 1, 0, 0x0001, 3, 0, 3);
		mutations[i].apply(b, &len);
		if (mutations[i].recrc)
			recrc(b);
		ret = fit_hdr_unpack(b, len, &h, &why);
		if (ret != -EPROTO || !why)
			HT_FAIL(t, "mutation '%s': ret %d", mutations[i].name, ret);
	}
}

/* What a zero-copy reply and request look like on the wire: accepted. */
static void test_zero_copy_headers(struct htest *t)
{
	static u8 b[FIT_HDR_BYTES + 32];
	struct fit_hdr h;

	/* Reply: no payload, total_len = the bytes RDMA-written. */
	hand_header(b, 1, FIT_F_REPLY | FIT_F_ZC, 0x0001, 4096, 0, 0);
	HT_ASSERT_EQ(t, fit_hdr_unpack(b, FIT_HDR_BYTES, &h, NULL), 0);
	HT_EXPECT_EQ(t, h.total_len, 4096);
	HT_EXPECT_EQ(t, h.seg_len, 0);
	/* Request: 3 bytes plus the 16-byte descriptor. */
	hand_header(b, 1, FIT_F_ZC, 0x0001, 19, 0, 19);
	HT_EXPECT_EQ(t, fit_hdr_unpack(b, FIT_HDR_BYTES + 19, &h, NULL), 0);
	/* Without the flag the same reply is an empty segment. */
	hand_header(b, 1, FIT_F_REPLY, 0x0001, 4096, 0, 0);
	HT_EXPECT_EQ(t, fit_hdr_unpack(b, FIT_HDR_BYTES, &h, NULL), -EPROTO);
}

static void test_opcode_ranges(struct htest *t)
{
	HT_EXPECT(t, !fit_opcode_valid(0));
	HT_EXPECT(t, fit_opcode_valid(0x0001));
	HT_EXPECT(t, fit_opcode_valid(0x0013));
	HT_EXPECT(t, fit_opcode_valid(0x0014));		/* FIT_OP_LEAVE */
	HT_EXPECT(t, !fit_opcode_valid(0x0015));
	HT_EXPECT(t, fit_opcode_valid(0x0100));
	HT_EXPECT(t, fit_opcode_valid(0x010a));
	HT_EXPECT(t, !fit_opcode_valid(0x010c));
	HT_EXPECT(t, !fit_opcode_valid(0x010f));
	HT_EXPECT(t, fit_opcode_valid(0x0110));	/* P2M_TMPFS_READ */
	HT_EXPECT(t, fit_opcode_valid(0x0113));	/* P2M_TMPFS_FREE */
	HT_EXPECT(t, !fit_opcode_valid(0x0114));
	HT_EXPECT(t, fit_opcode_valid(0x0209));
	HT_EXPECT(t, fit_opcode_valid(0x020f));	/* P2S_SETATTR */
	HT_EXPECT(t, !fit_opcode_valid(0x0210));
	HT_EXPECT(t, fit_opcode_valid(0x0301));
	HT_EXPECT(t, !fit_opcode_valid(0x0302));
	HT_EXPECT(t, !fit_opcode_valid(0xffff));
}

static void test_announce_bytes(struct htest *t)
{
	struct fit_announce a;
	u8 gid[16] = { [10] = 0xff, [11] = 0xff, 10, 77, 0, 3 };
	const u8 *b = (const u8 *)&a;

	fit_announce_pack(&a, FIT_ROLE_STORAGE, 0x0a4d0003, gid,
			  0x1122334455667788ull, 3, true);
	HT_EXPECT_EQ(t, b[0], 3);
	HT_EXPECT_EQ(t, b[4], 0x03);
	HT_EXPECT_EQ(t, b[7], 0x0a);
	HT_EXPECT_EQ(t, b[8 + 12], 10);
	HT_EXPECT_EQ(t, b[24], 0x88);
	HT_EXPECT_EQ(t, b[31], 0x11);
	HT_EXPECT_EQ(t, b[32], 3);
	HT_EXPECT_EQ(t, b[36], 1);
	HT_EXPECT_EQ(t, fit_announce_check(&a), 0);
	((u8 *)&a)[0] = 4;
	HT_EXPECT_EQ(t, fit_announce_check(&a), -EPROTO);
	((u8 *)&a)[0] = 1;
	((u8 *)&a)[2] = 1;
	HT_EXPECT_EQ(t, fit_announce_check(&a), -EPROTO);
	((u8 *)&a)[2] = 0;
	((u8 *)&a)[36] = 2;
	HT_EXPECT_EQ(t, fit_announce_check(&a), -EPROTO);
}

static void test_sizes(struct htest *t)
{
	HT_EXPECT_EQ(t, sizeof(struct fit_wire_hdr), 40);
	HT_EXPECT_EQ(t, sizeof(struct fit_announce), 40);
	HT_EXPECT_EQ(t, sizeof(struct fit_connect), 64);
	HT_EXPECT_EQ(t, sizeof(struct fit_credit_mbox), 8);
	HT_EXPECT_EQ(t, FIT_SEG_MAX, 8152);
}

static const struct htest_case cases[] = {
	HT_CASE(test_reference_crc),
	HT_CASE(test_unpack_hand_assembled),
	HT_CASE(test_pack_matches_hand_bytes),
	HT_CASE(test_roundtrip_random),
	HT_CASE(test_malformed_rejected),
	HT_CASE(test_zero_copy_headers),
	HT_CASE(test_opcode_ranges),
	HT_CASE(test_announce_bytes),
	HT_CASE(test_sizes),
	{}
};

HTEST_MAIN(cases)
