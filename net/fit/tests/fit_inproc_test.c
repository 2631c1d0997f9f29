/* SPDX-License-Identifier: GPL-2.0 */
/*
 * In-kernel suite "fit_inproc": FIT calls served in the caller's thread
 * (a call to our own id with no loopback QP; local mode's path to the
 * memory and storage services).  The cases use fit_call_inproc(), which
 * takes that path even when another suite connected the loopback QP,
 * and check it gives what the wire gives: the handler's bytes, -EMSGSIZE
 * for a reply longer than the caller's buffer (which stays untouched),
 * -EOPNOTSUPP without a handler, the handler's error, an empty reply
 * when the handler sends none; that a handler can call this node again
 * (nested); that the counters count each call once; and that the memory
 * service answers a malformed P2M request with -EPROTO and an unknown
 * pid with -ESRCH, as it does over the wire.  No NIC needed.
 */
#include "../internal.h"

#include <fit/fit.h>
#include <fit/memory.h>
#include <tessera/errno.h>
#include <tessera/ktest.h>
#include <tessera/mm.h>
#include <tessera/node.h>
#include <tessera/string.h>

static u8 *ip_req, *ip_rep;

static void ip_fill(u8 *p, u32 len, u32 seed)
{
	for (u32 i = 0; i < len; i++)
		p[i] = (u8)(seed * 31 + i * 7 + (i >> 9));
}

static int fit_inproc_init(void)
{
	ip_req = (u8 *)__get_free_pages(GFP_KERNEL, get_order(FIT_MAX_MSG));
	ip_rep = (u8 *)__get_free_pages(GFP_KERNEL, get_order(FIT_MAX_MSG));
	return ip_req && ip_rep ? 0 : -ENOMEM;
}

static void fit_inproc_echo(struct ktest *t)
{
	static const u32 sizes[] = { 0, 1, 4096, 65537, FIT_MAX_MSG };

	for (u32 i = 0; i < ARRAY_SIZE(sizes); i++) {
		u32 len = sizes[i];
		int ret;

		ip_fill(ip_req, len, i + 3);
		memset(ip_rep, 0, len);
		ret = fit_call_inproc(FIT_OP_ECHO, ip_req, len, ip_rep,
				      FIT_MAX_MSG);
		KT_EXPECT_EQ(t, ret, (int)len);
		if (ret == (int)len)
			KT_EXPECT_MEMEQ(t, ip_rep, ip_req, len);
	}
	KT_EXPECT_EQ(t, fit_call_inproc(FIT_OP_ECHO, ip_req, FIT_MAX_MSG + 1,
					ip_rep, FIT_MAX_MSG), -EMSGSIZE);
}

static void fit_inproc_reply_too_long(struct ktest *t)
{
	bool clean = true;

	ip_fill(ip_req, 100, 9);
	memset(ip_rep, 0xee, 128);
	KT_EXPECT_EQ(t, fit_call_inproc(FIT_OP_ECHO, ip_req, 100, ip_rep, 99),
		     -EMSGSIZE);
	for (u32 i = 0; i < 128; i++)
		clean &= ip_rep[i] == 0xee;
	KT_EXPECT_TRUE(t, clean);
}

static int ip_mode;	/* what ip_handler does */

enum { IP_ERROR, IP_SILENT, IP_NESTED };

static void ip_handler(struct fit_request *rq, void *ctx)
{
	u8 buf[64];
	int ret;

	switch (ip_mode) {
	case IP_ERROR:
		fit_reply_error(rq, -ENOSPC);
		break;
	case IP_SILENT:
		break;
	case IP_NESTED:
		/* This node again, from inside a handler: the echo, reversed. */
		ret = fit_call(node_id, FIT_OP_ECHO, rq->data,
			       min_t(u32, rq->len, sizeof(buf)), buf,
			       sizeof(buf), 1000);
		if (ret < 0) {
			fit_reply_error(rq, ret);
			break;
		}
		for (int i = 0; i < ret / 2; i++) {
			u8 x = buf[i];

			buf[i] = buf[ret - 1 - i];
			buf[ret - 1 - i] = x;
		}
		fit_reply(rq, buf, ret);
		break;
	}
}

static void fit_inproc_handler_answers(struct ktest *t)
{
	static const u8 msg[] = "in-process";
	u8 want[sizeof(msg)];

	KT_EXPECT_EQ(t, fit_call_inproc(FIT_OP_TEST, msg, sizeof(msg), ip_rep,
					64), -EOPNOTSUPP);
	KT_ASSERT_EQ(t, fit_register_handler(FIT_OP_TEST, ip_handler, NULL),
		     0);
	ip_mode = IP_ERROR;
	KT_EXPECT_EQ(t, fit_call_inproc(FIT_OP_TEST, msg, sizeof(msg), ip_rep,
					64), -ENOSPC);
	ip_mode = IP_SILENT;
	KT_EXPECT_EQ(t, fit_call_inproc(FIT_OP_TEST, msg, sizeof(msg), ip_rep,
					64), 0);
	ip_mode = IP_NESTED;
	for (u32 i = 0; i < sizeof(msg); i++)
		want[i] = msg[sizeof(msg) - 1 - i];
	memset(ip_rep, 0, 64);
	KT_EXPECT_EQ(t, fit_call_inproc(FIT_OP_TEST, msg, sizeof(msg), ip_rep,
					64), (int)sizeof(msg));
	KT_EXPECT_MEMEQ(t, ip_rep, want, sizeof(msg));
	fit_unregister_handler(FIT_OP_TEST);
}

static void fit_inproc_counted(struct ktest *t)
{
	struct fit_peer_stats s0, s1;

	fit_inproc_stats_get(&s0);
	ip_fill(ip_req, 300, 1);
	for (int i = 0; i < 5; i++)
		KT_EXPECT_EQ(t, fit_call_inproc(FIT_OP_ECHO, ip_req, 300,
						ip_rep, 300), 300);
	fit_inproc_stats_get(&s1);
	KT_EXPECT_EQ(t, s1.calls - s0.calls, 5);
	KT_EXPECT_EQ(t, s1.requests_rcvd - s0.requests_rcvd, 5);
	KT_EXPECT_EQ(t, s1.tx_bytes - s0.tx_bytes, 5 * 300);
	KT_EXPECT_EQ(t, s1.rx_bytes - s0.rx_bytes, 5 * 300);
}

/* The memory service's checks hold for local mode's requests too. */
static void fit_inproc_p2m_checked(struct ktest *t)
{
	struct p2m_miss_req r;
	struct p2m_miss_reply *rep = (void *)ip_rep;

	KT_ASSERT_EQ(t, memory_service_start(), 0);
	memset(&r, 0, sizeof(r));
	p2m_hdr_init(&r.hdr, 0x7ffffff1);
	fit_put_le64(&r.va, 0x400000);
	fit_put_le32(&r.access, P2M_ACCESS_READ);
	/* One byte short: -EPROTO, as for a remote processor. */
	KT_EXPECT_EQ(t, fit_call_inproc(P2M_PCACHE_MISS, &r, sizeof(r) - 1,
					rep, sizeof(*rep)), -EPROTO);
	/* An access the protocol does not have. */
	fit_put_le32(&r.access, 0x80);
	KT_EXPECT_EQ(t, fit_call_inproc(P2M_PCACHE_MISS, &r, sizeof(r), rep,
					sizeof(*rep)), -EPROTO);
	/* Well formed, but no such process: -ESRCH. */
	fit_put_le32(&r.access, P2M_ACCESS_READ);
	KT_EXPECT_EQ(t, fit_call_inproc(P2M_PCACHE_MISS, &r, sizeof(r), rep,
					sizeof(*rep)), -ESRCH);
}

static struct ktest_case fit_inproc_cases[] = {
	KTEST_CASE(fit_inproc_echo),
	KTEST_CASE(fit_inproc_reply_too_long),
	KTEST_CASE(fit_inproc_handler_answers),
	KTEST_CASE(fit_inproc_counted),
	KTEST_CASE(fit_inproc_p2m_checked),
	{}
};

KTEST_SUITE_INIT(fit_inproc, fit_inproc_cases, fit_inproc_init);
