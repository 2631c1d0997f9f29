/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests of the membership datagram codec (net/fit/member_msg.c).
 * A heartbeat is assembled byte by byte from the layout in
 * Documentation/fit.md (not with the code under test); every field a
 * sender cannot write must be refused with -EPROTO, an address other
 * than the packet's source with -EACCES.  Each parse reads from a heap
 * copy of exactly the bytes "received", so the sanitizer catches any
 * read past them; a fuzz loop checks that whatever is accepted is
 * exactly what fit_member_build() writes for the fields it returned.
 * With a cluster key: a datagram whose MAC was computed outside this
 * code (Python's hmac module over the hand-assembled bytes) is
 * accepted, and any flipped bit, a missing MAC, another key, or a MAC
 * sent to a node without a key is refused with -EBADMSG.
 */
/* HTEST-SOURCES: net/fit/member_msg.c net/fit/wire.c lib/sha256.c lib/crc32.c lib/string.c */
#include "htest.h"

#include <fit/fit_wire.h>
#include <tessera/crc32.h>
#include <tessera/errno.h>
#include <tessera/string.h>

#include "../../net/fit/member_msg.h"

#define SRC_IP		0x0a000203u	/* 10.0.2.3 */
#define SELF		1
#define DGRAM		88		/* 40-byte header + 48-byte message */

static void put32(u8 *b, u32 v)
{
	b[0] = v; b[1] = v >> 8; b[2] = v >> 16; b[3] = v >> 24;
}

static void put64(u8 *b, u64 v)
{
	put32(b, (u32)v);
	put32(b + 4, (u32)(v >> 32));
}

static void recrc(u8 *b)
{
	put32(b + 36, htest_ref_crc32(b, 36));
}

/*
 * A HEARTBEAT broadcast by storage node 3 at 10.0.2.3, epoch
 * 0x1122334455667788, waiting for 3 nodes, ready, connected to 0 and 1.
 */
static void hand_heartbeat(u8 *b)
{
	memset(b, 0, DGRAM);
	b[0] = 'F'; b[1] = 'I'; b[2] = 'T'; b[3] = '1';
	b[4] = 1;				/* version */
	b[6] = 0x11;				/* opcode HEARTBEAT */
	b[8] = 3;				/* src_node */
	b[10] = 3;				/* dst_node: broadcast */
	put32(b + 20, 48);			/* total_len */
	put32(b + 28, 48);			/* seg_len */
	b[40] = 3;				/* role: storage */
	put32(b + 44, SRC_IP);			/* ipv4 */
	b[48 + 10] = 0xff; b[48 + 11] = 0xff;	/* gid ::ffff:10.0.2.3 */
	b[48 + 12] = 10; b[48 + 13] = 0; b[48 + 14] = 2; b[48 + 15] = 3;
	put64(b + 64, 0x1122334455667788ull);	/* epoch */
	put32(b + 72, 3);			/* nr_expected */
	put32(b + 76, 1);			/* ready */
	put64(b + 80, 0x3);			/* up_mask */
	recrc(b);
}

/* Parse @len bytes of @b from a heap copy of exactly that size. */
static int parse(const u8 *b, size_t len, u32 src_ip,
		 struct fit_member_info *info)
{
	u8 *copy = malloc(len ? len : 1);
	int ret;

	memcpy(copy, b, len);
	ret = fit_member_parse(copy, len, src_ip, SELF, NULL, info, NULL);
	free(copy);
	return ret;
}

static void test_hand_assembled(struct htest *t)
{
	struct fit_member_info in;
	u8 b[DGRAM], built[FIT_MEMBER_DGRAM_BYTES];

	HT_EXPECT_EQ(t, FIT_MEMBER_DGRAM_BYTES, DGRAM);
	hand_heartbeat(b);
	HT_ASSERT_EQ(t, parse(b, DGRAM, SRC_IP, &in), 0);
	HT_EXPECT_EQ(t, in.opcode, FIT_OP_HEARTBEAT);
	HT_EXPECT_EQ(t, in.src_node, 3);
	HT_EXPECT_EQ(t, in.dst_node, 3);
	HT_EXPECT_EQ(t, in.role, FIT_ROLE_STORAGE);
	HT_EXPECT_EQ(t, in.ipv4, SRC_IP);
	HT_EXPECT_EQ(t, in.epoch, 0x1122334455667788ull);
	HT_EXPECT_EQ(t, in.nr_expected, 3);
	HT_EXPECT_EQ(t, in.ready, 1);
	HT_EXPECT_EQ(t, in.up_mask, 3);
	/* The sender's codec writes the same bytes. */
	HT_EXPECT_EQ(t, fit_member_build(&in, NULL, built), DGRAM);
	HT_EXPECT(t, !memcmp(built, b, DGRAM));
	/* Addressed to us rather than broadcast: fine too. */
	b[10] = SELF;
	recrc(b);
	HT_EXPECT_EQ(t, parse(b, DGRAM, SRC_IP, &in), 0);
	HT_EXPECT_EQ(t, in.dst_node, SELF);
}

static void test_source_address(struct htest *t)
{
	struct fit_member_info in;
	u8 b[DGRAM];

	hand_heartbeat(b);
	HT_EXPECT_EQ(t, parse(b, DGRAM, SRC_IP + 1, &in), -EACCES);
	HT_EXPECT_EQ(t, parse(b, DGRAM, 0x7f000001u, &in), -EACCES);
	/* Claim the address of the packet, but keep another GID: malformed. */
	hand_heartbeat(b);
	put32(b + 44, SRC_IP + 1);
	recrc(b);
	HT_EXPECT_EQ(t, parse(b, DGRAM, SRC_IP + 1, &in), -EPROTO);
}

/* Every length short of the datagram, and one byte too many. */
static void test_lengths(struct htest *t)
{
	struct fit_member_info in;
	u8 b[DGRAM + 1];
	size_t len;

	hand_heartbeat(b);
	b[DGRAM] = 0;
	for (len = 0; len < DGRAM; len++)
		HT_EXPECT_EQ(t, parse(b, len, SRC_IP, &in), -EPROTO);
	HT_EXPECT_EQ(t, parse(b, DGRAM + 1, SRC_IP, &in), -EPROTO);

	/*
	 * The header claims 48 bytes but only 8 follow (total_len kept,
	 * seg_len told the truth): the old handler read 40 bytes past them.
	 */
	hand_heartbeat(b);
	put32(b + 28, 8);
	recrc(b);
	HT_EXPECT_EQ(t, parse(b, FIT_HDR_BYTES + 8, SRC_IP, &in), -EPROTO);
	/* total_len larger than the message, seg_len matching the bytes. */
	hand_heartbeat(b);
	put32(b + 20, 4096);
	recrc(b);
	HT_EXPECT_EQ(t, parse(b, DGRAM, SRC_IP, &in), -EPROTO);
	/* A segment at an offset. */
	hand_heartbeat(b);
	put32(b + 20, 96);
	put32(b + 24, 48);
	recrc(b);
	HT_EXPECT_EQ(t, parse(b, DGRAM, SRC_IP, &in), -EPROTO);
}

struct mutation {
	const char *what;
	unsigned int off;	/* byte to set */
	u8 value;
	bool keep_crc;		/* do not fix the header CRC afterwards */
};

static const struct mutation mutations[] = {
	{ "magic", 0, 'G', false },
	{ "version", 4, 2, false },
	{ "flag ONEWAY", 5, FIT_F_ONEWAY, false },
	{ "opcode ECHO", 6, 0x01, false },
	{ "opcode CONNECT", 6, 0x12, false },
	{ "src_node 64", 8, 64, false },
	{ "dst_node another node", 10, 2, false },
	{ "slot", 12, 1, false },
	{ "gen", 16, 1, false },
	{ "acked_req", 32, 1, false },
	{ "acked_rep", 34, 1, false },
	{ "header crc", 36, 0, true },
	{ "role 0", 40, 0, false },
	{ "role 4", 40, 4, false },
	{ "reserved", 41, 1, false },
	{ "gid prefix", 48, 1, false },
	{ "gid address", 63, 4, false },
	{ "nr_expected 65", 72, 65, false },
	{ "ready 2", 76, 2, false },
	{ "own bit in the mask", 80, 0x0b, false },
};

static void test_mutations(struct htest *t)
{
	struct fit_member_info in;
	u8 b[DGRAM];

	for (size_t i = 0; i < ARRAY_SIZE(mutations); i++) {
		const struct mutation *m = &mutations[i];
		int ret;

		hand_heartbeat(b);
		b[m->off] = m->value;
		if (!m->keep_crc)
			recrc(b);
		ret = parse(b, DGRAM, SRC_IP, &in);
		if (ret != -EPROTO)
			HT_FAIL(t, "%s: %d, want -EPROTO", m->what, ret);
	}
}

static void test_bad_fields(struct htest *t)
{
	struct fit_member_info in;
	u8 b[DGRAM];

	/* epoch 0 means "never heard" to member.c. */
	hand_heartbeat(b);
	put64(b + 64, 0);
	recrc(b);
	HT_EXPECT_EQ(t, parse(b, DGRAM, SRC_IP, &in), -EPROTO);
	/* Addresses no node has, even when they are the "source". */
	static const u32 bad_ips[] = { 0, 0xffffffffu, 0xe0000001u };
	for (size_t i = 0; i < ARRAY_SIZE(bad_ips); i++) {
		hand_heartbeat(b);
		put32(b + 44, bad_ips[i]);
		b[60] = bad_ips[i] >> 24;
		b[61] = bad_ips[i] >> 16;
		b[62] = bad_ips[i] >> 8;
		b[63] = bad_ips[i];
		recrc(b);
		HT_EXPECT_EQ(t, parse(b, DGRAM, bad_ips[i], &in), -EPROTO);
	}
	/* A status without the error flag; the error flag on a datagram. */
	hand_heartbeat(b);
	b[14] = 5;
	recrc(b);
	HT_EXPECT_EQ(t, parse(b, DGRAM, SRC_IP, &in), -EPROTO);
	hand_heartbeat(b);
	b[5] = FIT_F_REPLY | FIT_F_ERROR;
	b[14] = 5;
	recrc(b);
	HT_EXPECT_EQ(t, parse(b, DGRAM, SRC_IP, &in), -EPROTO);
}

static u64 rng = 0x9e3779b97f4a7c15ull;

static u32 rand32(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (u32)rng;
}

/*
 * Random damage (1-4 bytes, header CRC fixed half the time) at random
 * lengths: never a crash or a read past the bytes, and anything
 * accepted is byte for byte what the builder writes for its fields.
 */
static void test_fuzz(struct htest *t)
{
	unsigned int accepted = 0, refused = 0, i;
	struct fit_member_info in;
	u8 b[DGRAM + 8], built[FIT_MEMBER_DGRAM_BYTES];

	for (i = 0; i < 200000; i++) {
		size_t len = DGRAM;
		int n = 1 + rand32() % 4, ret;

		hand_heartbeat(b);
		while (n--)
			b[rand32() % DGRAM] = rand32();
		if (rand32() & 1)
			recrc(b);
		if (!(rand32() % 8))
			len = rand32() % sizeof(b);
		ret = parse(b, len, SRC_IP, &in);
		if (ret) {
			refused++;
			continue;
		}
		accepted++;
		if (len != DGRAM || fit_member_build(&in, NULL, built) != DGRAM ||
		    memcmp(built, b, DGRAM)) {
			HT_FAIL(t, "iteration %u: accepted a datagram the builder does not write",
				i);
			break;
		}
	}
	HT_EXPECT(t, accepted > 0);
	HT_EXPECT(t, refused > 0);
}

#define KEY_HEX		"000102030405060708090a0b0c0d0e0f"
#define AUTH_DGRAM	128	/* + 8-byte seq + 32-byte MAC */
#define TEST_SEQ	0x0102030405060708ull
/* HMAC-SHA256(KEY, bytes 0..95 of keyed_heartbeat()), from Python. */
#define TEST_MAC	"1ef8c6be8ba8f4d7be881f1d6f425033923c31e251c0ccf679ba2ba6a3dacb69"

static void keyed_heartbeat(u8 *b)
{
	hand_heartbeat(b);
	memset(b + DGRAM, 0, AUTH_DGRAM - DGRAM);
	put32(b + 20, 88);			/* total_len */
	put32(b + 28, 88);			/* seg_len */
	recrc(b);
	put64(b + 88, TEST_SEQ);
	for (int i = 0; i < 32; i++) {
		unsigned int v;

		sscanf(TEST_MAC + 2 * i, "%2x", &v);
		b[96 + i] = v;
	}
}

static int parse_keyed(const u8 *b, size_t len,
		       const struct hmac_sha256_key *key,
		       struct fit_member_info *info)
{
	u8 *copy = malloc(len ? len : 1);
	int ret;

	memcpy(copy, b, len);
	ret = fit_member_parse(copy, len, SRC_IP, SELF, key, info, NULL);
	free(copy);
	return ret;
}

static void test_key_parse(struct htest *t)
{
	struct hmac_sha256_key k;
	unsigned int bits = 0;

	HT_EXPECT_EQ(t, fit_member_key_parse(KEY_HEX, &k, &bits), 0);
	HT_EXPECT_EQ(t, bits, 128);
	HT_EXPECT_EQ(t, fit_member_key_parse(KEY_HEX KEY_HEX, &k, &bits), 0);
	HT_EXPECT_EQ(t, bits, 256);
	HT_EXPECT_EQ(t, fit_member_key_parse("00010203040506070809A0B0C0D0E0F0ff",
					     &k, &bits), 0);
	HT_EXPECT_EQ(t, bits, 136);
	/* Too short, too long, odd, not hex, empty. */
	HT_EXPECT_EQ(t, fit_member_key_parse("000102030405060708090a0b0c0d0e",
					     &k, &bits), -EINVAL);
	HT_EXPECT_EQ(t, fit_member_key_parse(KEY_HEX KEY_HEX "00", &k, &bits),
		     -EINVAL);
	HT_EXPECT_EQ(t, fit_member_key_parse(KEY_HEX "0", &k, &bits), -EINVAL);
	HT_EXPECT_EQ(t, fit_member_key_parse("000102030405060708090a0b0c0d0e0g",
					     &k, &bits), -EINVAL);
	HT_EXPECT_EQ(t, fit_member_key_parse("", &k, &bits), -EINVAL);
}

static void test_keyed_accepted(struct htest *t)
{
	struct hmac_sha256_key k;
	struct fit_member_info in;
	u8 b[AUTH_DGRAM], built[FIT_MEMBER_AUTH_BYTES];
	unsigned int bits;

	HT_EXPECT_EQ(t, FIT_MEMBER_AUTH_BYTES, AUTH_DGRAM);
	HT_ASSERT_EQ(t, fit_member_key_parse(KEY_HEX, &k, &bits), 0);
	keyed_heartbeat(b);
	HT_ASSERT_EQ(t, parse_keyed(b, AUTH_DGRAM, &k, &in), 0);
	HT_EXPECT_EQ(t, in.seq, TEST_SEQ);
	HT_EXPECT_EQ(t, in.src_node, 3);
	HT_EXPECT_EQ(t, in.epoch, 0x1122334455667788ull);
	HT_EXPECT_EQ(t, fit_member_build(&in, &k, built), AUTH_DGRAM);
	HT_EXPECT(t, !memcmp(built, b, AUTH_DGRAM));
	/* Still the source address rule. */
	HT_EXPECT_EQ(t, fit_member_parse(b, AUTH_DGRAM, SRC_IP + 1, SELF, &k,
					 &in, NULL), -EACCES);
}

/*
 * A panicking node's LEAVE: the same datagram with opcode 0x0014, under
 * the key like a heartbeat; changing the opcode byte breaks the MAC.
 */
static void test_keyed_leave(struct htest *t)
{
	struct hmac_sha256_key k;
	struct fit_member_info in;
	u8 b[AUTH_DGRAM], built[FIT_MEMBER_AUTH_BYTES];
	unsigned int bits;

	HT_ASSERT_EQ(t, fit_member_key_parse(KEY_HEX, &k, &bits), 0);
	keyed_heartbeat(b);
	HT_ASSERT_EQ(t, parse_keyed(b, AUTH_DGRAM, &k, &in), 0);
	in.opcode = FIT_OP_LEAVE;
	in.up_mask = 0;
	HT_ASSERT_EQ(t, fit_member_build(&in, &k, built), AUTH_DGRAM);
	HT_EXPECT_EQ(t, built[6], 0x14);
	HT_ASSERT_EQ(t, parse_keyed(built, AUTH_DGRAM, &k, &in), 0);
	HT_EXPECT_EQ(t, in.opcode, FIT_OP_LEAVE);
	HT_EXPECT_EQ(t, in.up_mask, 0);
	/* A heartbeat turned into a LEAVE without the key: refused. */
	b[6] = 0x14;
	recrc(b);
	HT_EXPECT_EQ(t, parse_keyed(b, AUTH_DGRAM, &k, &in), -EBADMSG);
}

static void test_keyed_refused(struct htest *t)
{
	struct hmac_sha256_key k, other;
	struct fit_member_info in;
	u8 b[AUTH_DGRAM];
	unsigned int bits, bit, eproto = 0;

	HT_ASSERT_EQ(t, fit_member_key_parse(KEY_HEX, &k, &bits), 0);
	HT_ASSERT_EQ(t, fit_member_key_parse("0f0e0d0c0b0a09080706050403020100",
					     &other, &bits), 0);
	keyed_heartbeat(b);
	HT_EXPECT_EQ(t, parse_keyed(b, AUTH_DGRAM, &other, &in), -EBADMSG);
	/* A MAC, and no key here. */
	HT_EXPECT_EQ(t, parse_keyed(b, AUTH_DGRAM, NULL, &in), -EBADMSG);
	/* No MAC, and a key here. */
	hand_heartbeat(b);
	HT_EXPECT_EQ(t, parse_keyed(b, DGRAM, &k, &in), -EBADMSG);
	/* Every single flipped bit, the header CRC fixed where it applies. */
	for (bit = 0; bit < AUTH_DGRAM * 8; bit++) {
		int ret;

		keyed_heartbeat(b);
		b[bit / 8] ^= 1u << (bit % 8);
		if (bit / 8 < 36)
			recrc(b);
		ret = parse_keyed(b, AUTH_DGRAM, &k, &in);
		if (ret != -EBADMSG && ret != -EPROTO) {
			HT_FAIL(t, "bit %u flipped: %d", bit, ret);
			break;
		}
		eproto += ret == -EPROTO;
	}
	/* Only header fields the header check knows are -EPROTO. */
	HT_EXPECT(t, eproto < 40 * 8);
	/* Short of the MAC. */
	keyed_heartbeat(b);
	for (size_t len = DGRAM; len < AUTH_DGRAM; len++)
		HT_EXPECT(t, parse_keyed(b, len, &k, &in) < 0);
}


/*
 * CM private data (node 1, memory, to node 3) and its MACs as Python's
 * hmac computed them: HMAC-SHA256 under KEY_HEX of "FITCMREQ", the 40
 * bytes before the MAC, then big-endian 10.77.0.1, 10.77.0.3, QPN 0x12,
 * PSN 0xabcdef, truncated to 16 bytes; the REP's from 10.77.0.3 with
 * QPN 0x21, PSN 0x123456, the REQ's MAC appended.
 */
#define CM_SRC		0x0a4d0001u
#define CM_DST		0x0a4d0003u
#define CM_REQ_MAC	"cf408298fff0d285361f5589393cdfe5"
#define CM_REP_MAC	"188df697fc7d5e9d61412f73a8b74e31"

static void hex16(const char *hex, u8 *out)
{
	for (int i = 0; i < 16; i++) {
		unsigned int v;

		sscanf(hex + 2 * i, "%2x", &v);
		out[i] = v;
	}
}

static void hand_cm_private(u8 *b, const char *mac_hex)
{
	static const u8 mbox[6] = { 0x00, 0x20, 0x30, 0x80, 0x88, 0xff };
	static const u8 region[6] = { 0x00, 0x00, 0x40, 0x00, 0x89, 0xff };

	memset(b, 0, 56);
	b[0] = 2; b[1] = 2; b[2] = 1; b[3] = 3; b[4] = 32; b[5] = 24;
	for (int i = 0; i < 8; i++)
		b[6 + i] = 0xa0 + i;
	put32(b + 14, 0x12345678);		/* mailbox key */
	put32(b + 18, 0x04030201);		/* region key */
	memcpy(b + 22, mbox, 6);
	memcpy(b + 28, region, 6);
	b[36] = 0x10;				/* region length 1 MiB */
	if (mac_hex)
		hex16(mac_hex, b + 40);
}

static struct fit_cm_bind cm_req_bind(void)
{
	return (struct fit_cm_bind){
		.src_ip = CM_SRC, .dst_ip = CM_DST, .qpn = 0x12, .psn = 0xabcdef,
	};
}

static struct fit_cm_bind cm_rep_bind(void)
{
	struct fit_cm_bind b = {
		.rep = true, .src_ip = CM_DST, .dst_ip = CM_SRC,
		.qpn = 0x21, .psn = 0x123456,
	};

	hex16(CM_REQ_MAC, b.req_mac);
	return b;
}

static void test_cm_mac_vector(struct htest *t)
{
	struct fit_cm_bind req = cm_req_bind(), rep = cm_rep_bind();
	struct hmac_sha256_key k;
	struct fit_cm_info info;
	u8 b[56], want[16], mac[16];
	unsigned int bits;

	HT_ASSERT_EQ(t, fit_member_key_parse(KEY_HEX, &k, &bits), 0);
	hand_cm_private(b, CM_REQ_MAC);
	HT_ASSERT_EQ(t, fit_cm_private_unpack(b, 56, &info), 0);
	HT_EXPECT(t, info.mbox_addr == 0xffffff8880302000ull);
	HT_EXPECT(t, info.region_addr == 0xffffff8900400000ull);
	HT_EXPECT(t, info.region_len == 1ull << 20);
	fit_cm_mac(&k, (const struct fit_cm_private *)b, &req, mac);
	hex16(CM_REQ_MAC, want);
	HT_EXPECT(t, !memcmp(mac, want, 16));
	HT_EXPECT_EQ(t, fit_cm_mac_check(&k, b, 56, &req), 0);
	hand_cm_private(b, CM_REP_MAC);
	HT_EXPECT_EQ(t, fit_cm_mac_check(&k, b, 56, &rep), 0);
	/* The REQ's MAC on a REP, the REP's as a REQ's. */
	HT_EXPECT_EQ(t, fit_cm_mac_check(&k, b, 56, &req), -EBADMSG);
	hand_cm_private(b, CM_REQ_MAC);
	HT_EXPECT_EQ(t, fit_cm_mac_check(&k, b, 56, &rep), -EBADMSG);
}

static void test_cm_mac_refused(struct htest *t)
{
	struct fit_cm_bind req = cm_req_bind(), rep = cm_rep_bind(), x;
	struct hmac_sha256_key k, other;
	u8 b[56];
	unsigned int bits;

	HT_ASSERT_EQ(t, fit_member_key_parse(KEY_HEX, &k, &bits), 0);
	HT_ASSERT_EQ(t, fit_member_key_parse("0f0e0d0c0b0a09080706050403020100",
					     &other, &bits), 0);
	/* Every flipped bit of the private data, MAC included. */
	for (unsigned int bit = 0; bit < 56 * 8; bit++) {
		hand_cm_private(b, CM_REQ_MAC);
		b[bit / 8] ^= 1u << (bit % 8);
		if (fit_cm_mac_check(&k, b, 56, &req) != -EBADMSG) {
			HT_FAIL(t, "REQ bit %u flipped: accepted", bit);
			break;
		}
		hand_cm_private(b, CM_REP_MAC);
		b[bit / 8] ^= 1u << (bit % 8);
		if (fit_cm_mac_check(&k, b, 56, &rep) != -EBADMSG) {
			HT_FAIL(t, "REP bit %u flipped: accepted", bit);
			break;
		}
	}
	/* Every flipped bit of what binds it: addresses, QPN, PSN, REQ. */
	hand_cm_private(b, CM_REQ_MAC);
	for (unsigned int bit = 0; bit < 32; bit++) {
		u32 m = 1u << bit;

		x = req; x.src_ip ^= m;
		HT_EXPECT_EQ(t, fit_cm_mac_check(&k, b, 56, &x), -EBADMSG);
		x = req; x.dst_ip ^= m;
		HT_EXPECT_EQ(t, fit_cm_mac_check(&k, b, 56, &x), -EBADMSG);
		x = req; x.qpn ^= m;
		HT_EXPECT_EQ(t, fit_cm_mac_check(&k, b, 56, &x), -EBADMSG);
		x = req; x.psn ^= m;
		HT_EXPECT_EQ(t, fit_cm_mac_check(&k, b, 56, &x), -EBADMSG);
	}
	hand_cm_private(b, CM_REP_MAC);
	for (unsigned int bit = 0; bit < 128; bit++) {
		x = rep;
		x.req_mac[bit / 8] ^= 1u << (bit % 8);
		HT_EXPECT_EQ(t, fit_cm_mac_check(&k, b, 56, &x), -EBADMSG);
	}
	/* Another key; no key here; no MAC; short. */
	hand_cm_private(b, CM_REQ_MAC);
	HT_EXPECT_EQ(t, fit_cm_mac_check(&other, b, 56, &req), -EBADMSG);
	HT_EXPECT_EQ(t, fit_cm_mac_check(NULL, b, 56, &req), -EBADMSG);
	HT_EXPECT_EQ(t, fit_cm_mac_check(&k, b, 55, &req), -EBADMSG);
	HT_EXPECT_EQ(t, fit_cm_mac_check(&k, NULL, 56, &req), -EBADMSG);
	hand_cm_private(b, NULL);
	HT_EXPECT_EQ(t, fit_cm_mac_check(&k, b, 56, &req), -EBADMSG);
	HT_EXPECT_EQ(t, fit_cm_mac_check(NULL, b, 56, &req), 0);
}

/*
 * Seals of a connection's RTU and DREQ as Python's hmac computed them:
 * HMAC-SHA256 under KEY_HEX of "FITCMSEL", the 4 header bytes (version
 * 1, kind, sender, receiver), big-endian sender's and receiver's comm
 * ids, sender's and receiver's epochs, the REQ's MAC (CM_REQ_MAC),
 * truncated to 16 bytes.  Node 1 (epoch 0x0102030405060708, comm id
 * 0x55667788) connected to node 3 (epoch 0xa0a1..a7, comm id
 * 0x11223344); node 1 sends the RTU, node 3 a DREQ.
 */
#define SEAL_DREQ_HDR	"01020301"
#define SEAL_DREQ_MAC	"9304c93565e4099e47042c60c91ac4f9"
#define SEAL_RTU_HDR	"01010103"
#define SEAL_RTU_MAC	"2b6d7905ec8e6ce313a5aaa45f0d0cb1"

static struct fit_cm_seal_bind seal_bind(u8 kind)
{
	struct fit_cm_seal_bind b = { .kind = kind };
	bool from1 = kind == FIT_CM_SEAL_RTU;

	b.src_node = from1 ? 1 : 3;
	b.dst_node = from1 ? 3 : 1;
	b.src_comm_id = from1 ? 0x55667788 : 0x11223344;
	b.dst_comm_id = from1 ? 0x11223344 : 0x55667788;
	b.src_epoch = from1 ? 0x0102030405060708ull : 0xa0a1a2a3a4a5a6a7ull;
	b.dst_epoch = from1 ? 0xa0a1a2a3a4a5a6a7ull : 0x0102030405060708ull;
	hex16(CM_REQ_MAC, b.req_mac);
	return b;
}

/* The 20 bytes of a seal, as hex: header then MAC. */
static void hand_seal(u8 *b, const char *hdr, const char *mac)
{
	for (int i = 0; i < 4; i++) {
		unsigned int v;

		sscanf(hdr + 2 * i, "%2x", &v);
		b[i] = v;
	}
	hex16(mac, b + 4);
}

static void test_cm_seal_vector(struct htest *t)
{
	struct fit_cm_seal_bind dreq = seal_bind(FIT_CM_SEAL_DREQ);
	struct fit_cm_seal_bind rtu = seal_bind(FIT_CM_SEAL_RTU);
	struct hmac_sha256_key k;
	struct fit_cm_seal w;
	unsigned int bits;
	u8 want[224] = { 0 };

	HT_ASSERT_EQ(t, fit_member_key_parse(KEY_HEX, &k, &bits), 0);
	HT_ASSERT_EQ(t, fit_cm_seal(&k, &dreq, &w), 0);
	hand_seal(want, SEAL_DREQ_HDR, SEAL_DREQ_MAC);
	HT_EXPECT(t, !memcmp(&w, want, sizeof(w)));
	/* As the CM delivers it: the seal at the front of 220 bytes. */
	HT_EXPECT_EQ(t, fit_cm_seal_check(&k, want, 220, &dreq), 0);
	HT_ASSERT_EQ(t, fit_cm_seal(&k, &rtu, &w), 0);
	hand_seal(want, SEAL_RTU_HDR, SEAL_RTU_MAC);
	HT_EXPECT(t, !memcmp(&w, want, sizeof(w)));
	HT_EXPECT_EQ(t, fit_cm_seal_check(&k, want, 224, &rtu), 0);
	/* Values the layout cannot carry. */
	dreq.src_node = 256;
	HT_EXPECT_EQ(t, fit_cm_seal(&k, &dreq, &w), -EINVAL);
	dreq = seal_bind(FIT_CM_SEAL_DREQ);
	dreq.kind = 4;
	HT_EXPECT_EQ(t, fit_cm_seal(&k, &dreq, &w), -EINVAL);
}

static void test_cm_seal_refused(struct htest *t)
{
	struct fit_cm_seal_bind good = seal_bind(FIT_CM_SEAL_DREQ), x;
	struct hmac_sha256_key k, other;
	unsigned int bits;
	u8 b[220] = { 0 };

	HT_ASSERT_EQ(t, fit_member_key_parse(KEY_HEX, &k, &bits), 0);
	HT_ASSERT_EQ(t, fit_member_key_parse("0f0e0d0c0b0a09080706050403020100",
					     &other, &bits), 0);
	hand_seal(b, SEAL_DREQ_HDR, SEAL_DREQ_MAC);
	HT_ASSERT_EQ(t, fit_cm_seal_check(&k, b, 220, &good), 0);
	/* Another key, no key, short, missing, no seal at all. */
	HT_EXPECT_EQ(t, fit_cm_seal_check(&other, b, 220, &good), -EBADMSG);
	HT_EXPECT_EQ(t, fit_cm_seal_check(NULL, b, 220, &good), -EBADMSG);
	HT_EXPECT_EQ(t, fit_cm_seal_check(&k, b, 19, &good), -EBADMSG);
	HT_EXPECT_EQ(t, fit_cm_seal_check(&k, NULL, 220, &good), -EBADMSG);
	{
		u8 zero[220] = { 0 };

		HT_EXPECT_EQ(t, fit_cm_seal_check(&k, zero, 220, &good),
			     -EBADMSG);
	}
	/* Every flipped bit of the seal. */
	for (unsigned int bit = 0; bit < 20 * 8; bit++) {
		hand_seal(b, SEAL_DREQ_HDR, SEAL_DREQ_MAC);
		b[bit / 8] ^= 1u << (bit % 8);
		if (fit_cm_seal_check(&k, b, 220, &good) != -EBADMSG) {
			HT_FAIL(t, "seal bit %u flipped: accepted", bit);
			break;
		}
	}
	/* Every flipped bit of what binds it: a forger's comm ids, ... */
	hand_seal(b, SEAL_DREQ_HDR, SEAL_DREQ_MAC);
	for (unsigned int bit = 0; bit < 64; bit++) {
		u64 m = 1ull << bit;

		if (bit < 32) {
			x = good; x.src_comm_id ^= (u32)m;
			HT_EXPECT_EQ(t, fit_cm_seal_check(&k, b, 220, &x),
				     -EBADMSG);
			x = good; x.dst_comm_id ^= (u32)m;
			HT_EXPECT_EQ(t, fit_cm_seal_check(&k, b, 220, &x),
				     -EBADMSG);
		}
		x = good; x.src_epoch ^= m;
		HT_EXPECT_EQ(t, fit_cm_seal_check(&k, b, 220, &x), -EBADMSG);
		x = good; x.dst_epoch ^= m;
		HT_EXPECT_EQ(t, fit_cm_seal_check(&k, b, 220, &x), -EBADMSG);
	}
	for (unsigned int bit = 0; bit < 128; bit++) {
		x = good;
		x.req_mac[bit / 8] ^= 1u << (bit % 8);
		HT_EXPECT_EQ(t, fit_cm_seal_check(&k, b, 220, &x), -EBADMSG);
	}
	/* Nodes swapped (the peer's own DREQ reflected), another kind. */
	x = good; x.src_node = 1; x.dst_node = 3;
	HT_EXPECT_EQ(t, fit_cm_seal_check(&k, b, 220, &x), -EBADMSG);
	x = good; x.kind = FIT_CM_SEAL_DREP;
	HT_EXPECT_EQ(t, fit_cm_seal_check(&k, b, 220, &x), -EBADMSG);
	x = good; x.kind = FIT_CM_SEAL_RTU;
	HT_EXPECT_EQ(t, fit_cm_seal_check(&k, b, 220, &x), -EBADMSG);

	/*
	 * A replay: the DREQ of an earlier connection between the same
	 * nodes, even with the same comm ids (the CM's ids can repeat),
	 * is refused for the connection now up, whose REQ (and, after a
	 * reboot, an epoch) differs; and the other way round.
	 */
	{
		struct fit_cm_seal_bind old = good, now = good;
		struct fit_cm_seal w;

		old.req_mac[0] ^= 0x5a;		/* another REQ */
		HT_ASSERT_EQ(t, fit_cm_seal(&k, &old, &w), 0);
		HT_EXPECT_EQ(t, fit_cm_seal_check(&k, &w, sizeof(w), &old), 0);
		HT_EXPECT_EQ(t, fit_cm_seal_check(&k, &w, sizeof(w), &now),
			     -EBADMSG);
		old = good;
		old.src_epoch++;		/* the peer rebooted since */
		HT_ASSERT_EQ(t, fit_cm_seal(&k, &old, &w), 0);
		HT_EXPECT_EQ(t, fit_cm_seal_check(&k, &w, sizeof(w), &now),
			     -EBADMSG);
		HT_ASSERT_EQ(t, fit_cm_seal(&k, &now, &w), 0);
		old = good;
		old.dst_epoch ^= 1ull << 40;
		HT_EXPECT_EQ(t, fit_cm_seal_check(&k, &w, sizeof(w), &old),
			     -EBADMSG);
	}
}

static const struct htest_case cases[] = {
	HT_CASE(test_key_parse),
	HT_CASE(test_cm_mac_vector),
	HT_CASE(test_cm_mac_refused),
	HT_CASE(test_cm_seal_vector),
	HT_CASE(test_cm_seal_refused),
	HT_CASE(test_keyed_accepted),
	HT_CASE(test_keyed_leave),
	HT_CASE(test_keyed_refused),
	HT_CASE(test_hand_assembled),
	HT_CASE(test_source_address),
	HT_CASE(test_lengths),
	HT_CASE(test_mutations),
	HT_CASE(test_bad_fields),
	HT_CASE(test_fuzz),
	{}
};

HTEST_MAIN(cases)
