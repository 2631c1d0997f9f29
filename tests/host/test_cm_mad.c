/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests of the CM MAD codecs (drivers/infiniband/core/cm_mad.c).
 * Oracle: MADs assembled here byte by byte from the IBA vol. 1 tables
 * (common MAD header 13.4.2; REQ Table 106, REP 110, REJ 108, DREQ 112;
 * MAD offset = 24 + the table's byte offset, sub-byte fields counted from
 * the most significant bit), the way a Linux rdma_cm REQ for rping looks
 * on the wire.  Nothing here is produced by the code under test.
 */
/* HTEST-SOURCES: drivers/infiniband/core/cm_mad.c lib/string.c */
#include "htest.h"

#include <tessera/errno.h>
#include <tessera/rdma/cm.h>
#include <tessera/string.h>

static void put(u8 *m, unsigned int off, const u8 *bytes, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		m[off + i] = bytes[i];
}

static void hand_hdr(u8 *m, u16 attr)
{
	static const u8 hdr[] = { 0x01, 0x07, 0x02, 0x03, 0, 0, 0, 0,
				  0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0x2a };

	memset(m, 0, IB_MAD_BYTES);
	put(m, 0, hdr, sizeof(hdr));
	m[16] = attr >> 8;
	m[17] = attr & 0xff;
}

/* A REQ as Linux's rdma_cm sends it for rping on RoCE (port 7174). */
static void hand_req(u8 *m)
{
	static const u8 ids[] = {
		0x11, 0x22, 0x33, 0x44, 0, 0, 0, 0,		/* 24 */
		0, 0, 0, 0, 0x01, 0x06, 0x1c, 0x06,		/* 32 sid */
		1, 2, 3, 4, 5, 6, 7, 8,				/* 40 guid */
		0, 0, 0, 0, 0, 0, 0, 0,				/* 48 qkey */
		0x00, 0x04, 0x02, 0x01,				/* 56 qpn,rr */
		0, 0, 0, 0x01,					/* 60 id */
		0, 0, 0, 0xa0,		/* 64: remote timeout 20, RC */
		0xab, 0xcd, 0xef, 0xa7,	/* 68: PSN, local timeout 20, retry 7 */
		0xff, 0xff, 0x37, 0xf0,	/* 72: pkey, mtu 3 rnr 7, max retries 15 */
		0xff, 0xff, 0xff, 0xff,	/* 76: permissive LIDs */
	};
	static const u8 gids[] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 77, 0, 1,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 77, 0, 2,
		0, 0, 0, 0,		/* 112: flow label 0, rate 0 */
		0, 0x40, 0, 0x70,	/* 116: tc, hop 64, sl 0, ack 14 */
	};
	static const u8 cma[] = {
		0x00, 0x40, 0xc3, 0x50,		/* version, IPv4, port 50000 */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 77, 0, 1,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 77, 0, 2,
	};

	hand_hdr(m, 0x0010);
	put(m, 24, ids, sizeof(ids));
	put(m, 80, gids, sizeof(gids));
	put(m, 164, cma, sizeof(cma));
}

static void test_req_decode(struct htest *t)
{
	u8 m[IB_MAD_BYTES];
	struct cm_msg msg;
	const struct cm_req *r = &msg.req;

	hand_req(m);
	HT_EXPECT_EQ(t, cm_msg_decode(m, sizeof(m), &msg), 0);
	HT_EXPECT_EQ(t, msg.hdr.attr_id, CM_REQ_ATTR_ID);
	HT_EXPECT_EQ(t, msg.hdr.tid, 0xdeadbeef0000002aull);
	HT_EXPECT_EQ(t, r->local_comm_id, 0x11223344u);
	HT_EXPECT_EQ(t, r->service_id, 0x0000000001061c06ull);
	HT_EXPECT_EQ(t, r->local_ca_guid, 0x0102030405060708ull);
	HT_EXPECT_EQ(t, r->local_qpn, 0x402u);
	HT_EXPECT_EQ(t, r->responder_resources, 1);
	HT_EXPECT_EQ(t, r->initiator_depth, 1);
	HT_EXPECT_EQ(t, r->remote_cm_response_timeout, 20);
	HT_EXPECT_EQ(t, r->transport_type, 0);
	HT_EXPECT_EQ(t, r->starting_psn, 0xabcdefu);
	HT_EXPECT_EQ(t, r->local_cm_response_timeout, 20);
	HT_EXPECT_EQ(t, r->retry_count, 7);
	HT_EXPECT_EQ(t, r->pkey, 0xffff);
	HT_EXPECT_EQ(t, r->path_mtu, IB_MTU_1024);
	HT_EXPECT_EQ(t, r->rnr_retry_count, 7);
	HT_EXPECT_EQ(t, r->max_cm_retries, 15);
	HT_EXPECT_EQ(t, r->primary.local_lid, 0xffff);
	HT_EXPECT_EQ(t, r->primary.remote_lid, 0xffff);
	HT_EXPECT_EQ(t, r->primary.local_gid.raw[15], 1);
	HT_EXPECT_EQ(t, r->primary.remote_gid.raw[10], 0xff);
	HT_EXPECT_EQ(t, r->primary.remote_gid.raw[15], 2);
	HT_EXPECT_EQ(t, r->primary.hop_limit, 64);
	HT_EXPECT_EQ(t, r->primary.local_ack_timeout, 14);
	HT_EXPECT_EQ(t, r->primary.subnet_local, 0);
	HT_EXPECT(t, !r->has_alternate);
	HT_EXPECT_EQ(t, r->private_data[1], 0x40);
	HT_EXPECT_EQ(t, r->private_data[2], 0xc3);
	HT_EXPECT_EQ(t, r->private_data[35], 2);
}

static void test_req_encode(struct htest *t)
{
	u8 want[IB_MAD_BYTES], got[IB_MAD_BYTES];
	struct cm_msg msg;

	hand_req(want);
	HT_EXPECT_EQ(t, cm_msg_decode(want, sizeof(want), &msg), 0);
	/* Re-encode from scratch-set fields: same bytes. */
	HT_EXPECT_EQ(t, cm_msg_encode(got, &msg), 0);
	HT_EXPECT(t, memcmp(want, got, IB_MAD_BYTES) == 0);
	for (int i = 0; i < IB_MAD_BYTES; i++)
		if (want[i] != got[i])
			HT_FAIL(t, "byte %d: want %#x got %#x", i, want[i],
				got[i]);
}

static void test_rep_bytes(struct htest *t)
{
	static const u8 body[] = {
		0xaa, 0xbb, 0xcc, 0xdd, 0x11, 0x22, 0x33, 0x44,	/* 24 ids */
		0, 0, 0, 0,				/* 32 qkey */
		0x00, 0x12, 0x34, 0,			/* 36 qpn */
		0, 0, 0, 0,				/* 40 eecn */
		0x65, 0x43, 0x21, 0,			/* 44 psn */
		4, 2, (3 << 3) | 1,			/* 48 rr, id, ack 3 e2e */
		(7 << 5) | (1 << 4),			/* 51 rnr 7, srq */
		8, 7, 6, 5, 4, 3, 2, 1,			/* 52 guid */
	};
	u8 m[IB_MAD_BYTES], out[IB_MAD_BYTES];
	struct cm_msg msg;

	hand_hdr(m, 0x0013);
	put(m, 24, body, sizeof(body));
	m[60] = 0x5a;
	HT_EXPECT_EQ(t, cm_msg_decode(m, sizeof(m), &msg), 0);
	HT_EXPECT_EQ(t, msg.rep.local_comm_id, 0xaabbccddu);
	HT_EXPECT_EQ(t, msg.rep.remote_comm_id, 0x11223344u);
	HT_EXPECT_EQ(t, msg.rep.local_qpn, 0x1234u);
	HT_EXPECT_EQ(t, msg.rep.starting_psn, 0x654321u);
	HT_EXPECT_EQ(t, msg.rep.responder_resources, 4);
	HT_EXPECT_EQ(t, msg.rep.initiator_depth, 2);
	HT_EXPECT_EQ(t, msg.rep.target_ack_delay, 3);
	HT_EXPECT(t, msg.rep.end_to_end_flow_control);
	HT_EXPECT_EQ(t, msg.rep.rnr_retry_count, 7);
	HT_EXPECT(t, msg.rep.srq);
	HT_EXPECT_EQ(t, msg.rep.local_ca_guid, 0x0807060504030201ull);
	HT_EXPECT_EQ(t, msg.rep.private_data[0], 0x5a);
	HT_EXPECT_EQ(t, cm_msg_encode(out, &msg), 0);
	HT_EXPECT(t, memcmp(m, out, IB_MAD_BYTES) == 0);
}

static void test_rej_dreq_bytes(struct htest *t)
{
	static const u8 rej[] = {
		0, 0, 0, 0, 0x11, 0x22, 0x33, 0x44,	/* 24 ids */
		0x00, 0x00, 0x00, 0x08,	/* 32: REQ rejected, no ARI, reason 8 */
	};
	static const u8 dreq[] = {
		1, 2, 3, 4, 5, 6, 7, 8, 0x00, 0x04, 0x02, 0,
	};
	u8 m[IB_MAD_BYTES], out[IB_MAD_BYTES];
	struct cm_msg msg;

	hand_hdr(m, 0x0012);
	put(m, 24, rej, sizeof(rej));
	HT_EXPECT_EQ(t, cm_msg_decode(m, sizeof(m), &msg), 0);
	HT_EXPECT_EQ(t, msg.rej.remote_comm_id, 0x11223344u);
	HT_EXPECT_EQ(t, msg.rej.msg_rejected, CM_MSG_RESPONSE_REQ);
	HT_EXPECT_EQ(t, msg.rej.reason, IB_CM_REJ_INVALID_SERVICE_ID);
	HT_EXPECT_EQ(t, cm_msg_encode(out, &msg), 0);
	HT_EXPECT(t, memcmp(m, out, IB_MAD_BYTES) == 0);
	/* "REP rejected" sits in the top two bits of byte 32. */
	m[32] = 0x40;
	HT_EXPECT_EQ(t, cm_msg_decode(m, sizeof(m), &msg), 0);
	HT_EXPECT_EQ(t, msg.rej.msg_rejected, CM_MSG_RESPONSE_REP);

	hand_hdr(m, 0x0015);
	put(m, 24, dreq, sizeof(dreq));
	HT_EXPECT_EQ(t, cm_msg_decode(m, sizeof(m), &msg), 0);
	HT_EXPECT_EQ(t, msg.dreq.local_comm_id, 0x01020304u);
	HT_EXPECT_EQ(t, msg.dreq.remote_comm_id, 0x05060708u);
	HT_EXPECT_EQ(t, msg.dreq.remote_qpn, 0x402u);
	HT_EXPECT_EQ(t, cm_msg_encode(out, &msg), 0);
	HT_EXPECT(t, memcmp(m, out, IB_MAD_BYTES) == 0);
}

static void test_bad_mads(struct htest *t)
{
	u8 m[IB_MAD_BYTES];
	struct cm_msg msg;

	hand_req(m);
	HT_EXPECT_EQ(t, cm_msg_decode(m, IB_MAD_BYTES - 1, &msg), -EMSGSIZE);
	m[0] = 2;					/* base version */
	HT_EXPECT_EQ(t, cm_msg_decode(m, sizeof(m), &msg), -EPROTONOSUPPORT);
	hand_req(m);
	m[2] = 1;					/* class version */
	HT_EXPECT_EQ(t, cm_msg_decode(m, sizeof(m), &msg), -EPROTONOSUPPORT);
	hand_req(m);
	m[1] = 0x03;					/* SA class */
	HT_EXPECT_EQ(t, cm_msg_decode(m, sizeof(m), &msg), -EPROTONOSUPPORT);
	hand_req(m);
	m[3] = 0x81;					/* GetResp */
	HT_EXPECT_EQ(t, cm_msg_decode(m, sizeof(m), &msg), -EOPNOTSUPP);
	hand_req(m);
	m[17] = 0x19;					/* LAP */
	HT_EXPECT_EQ(t, cm_msg_decode(m, sizeof(m), &msg), -EOPNOTSUPP);
	hand_req(m);
	m[74] = 0x07;					/* MTU 0 */
	HT_EXPECT_EQ(t, cm_msg_decode(m, sizeof(m), &msg), -EINVAL);
	hand_req(m);
	m[124] = 0x12;					/* alternate LID */
	HT_EXPECT_EQ(t, cm_msg_decode(m, sizeof(m), &msg), 0);
	HT_EXPECT(t, msg.req.has_alternate);
	hand_hdr(m, 0x0012);
	m[33] = 73 << 1;				/* ARI length 73 */
	HT_EXPECT_EQ(t, cm_msg_decode(m, sizeof(m), &msg), -EINVAL);
}

static void test_encode_range(struct htest *t)
{
	u8 m[IB_MAD_BYTES];
	struct cm_msg msg;

	hand_req(m);
	HT_EXPECT_EQ(t, cm_msg_decode(m, sizeof(m), &msg), 0);
	msg.req.starting_psn = 0x1000000;
	HT_EXPECT_EQ(t, cm_msg_encode(m, &msg), -EINVAL);
	msg.req.starting_psn = 1;
	msg.req.retry_count = 8;
	HT_EXPECT_EQ(t, cm_msg_encode(m, &msg), -EINVAL);
	msg.req.retry_count = 7;
	msg.req.primary.local_ack_timeout = 32;
	HT_EXPECT_EQ(t, cm_msg_encode(m, &msg), -EINVAL);
	memset(&msg, 0, sizeof(msg));
	msg.hdr.attr_id = 0x0019;
	HT_EXPECT_EQ(t, cm_msg_encode(m, &msg), -EINVAL);
}

static const struct htest_case cases[] = {
	HT_CASE(test_req_decode),
	HT_CASE(test_req_encode),
	HT_CASE(test_rep_bytes),
	HT_CASE(test_rej_dreq_bytes),
	HT_CASE(test_bad_mads),
	HT_CASE(test_encode_range),
	{},
};

HTEST_MAIN(cases)
