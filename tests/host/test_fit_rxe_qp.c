/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host test of the per-QP retransmission counters FIT's per-peer stats
 * are built from (rxe's ib_query_qp() counters): two rxe devices joined
 * by an in-order simulated link that can lose every Nth packet arriving
 * at device B (what net.drop= does in the kernel), simulated time for
 * the retransmission timer.  Two RC QP pairs between the devices; 64
 * KiB SENDs over the first while B loses packets, then over the second
 * on a clean link.  Every message must arrive intact; the first pair's
 * requester must count retransmissions, the second's none, and the
 * per-QP counts must add up to the device's.
 */
/* HTEST-SOURCES: drivers/infiniband/core/verbs.c drivers/infiniband/sw/rxe/rxe_hdr.c drivers/infiniband/sw/rxe/rxe_icrc.c drivers/infiniband/sw/rxe/rxe_verbs.c drivers/infiniband/sw/rxe/rxe_req.c drivers/infiniband/sw/rxe/rxe_resp.c drivers/infiniband/sw/rxe/rxe_comp.c drivers/infiniband/sw/rxe/rxe_recv.c lib/crc32.c lib/string.c tests/host/host_printk.c tests/host/host_random.c tests/host/host_kmalloc.c */
#include "htest.h"

#include <tessera/errno.h>
#include <tessera/rdma/rxe.h>
#include <tessera/rdma/verbs.h>
#include <tessera/slab.h>
#include <tessera/string.h>

/* ------------------------------------------------------------ the link */

#define IP_A		0x0a000001u
#define IP_B		0x0a000002u
#define MSG_LEN		65536
#define NR_MSGS		8
#define NR_PKTS_MAX	4096

struct pkt {
	struct rxe_dev *to;
	size_t len;
	u8 data[];
};

static struct rxe_dev *dev_a, *dev_b;
static struct pkt *queue[NR_PKTS_MAX];
static unsigned int q_head, q_count;
static u64 now_ns;
static unsigned int drop_every_b;	/* 0: no loss */
static unsigned long arrived_b, dropped_b;

static int link_xmit(struct rxe_dev *rxe, const u8 *dmac, u32 daddr,
		     const u8 *data, size_t len)
{
	struct rxe_dev *to = daddr == IP_A ? dev_a :
			     daddr == IP_B ? dev_b : NULL;
	struct pkt *p;

	if (!to)
		return -EHOSTUNREACH;
	if (q_count == NR_PKTS_MAX)
		return -EBUSY;
	p = malloc(sizeof(*p) + len);
	if (!p)
		return -ENOMEM;
	p->to = to;
	p->len = len;
	memcpy(p->data, data, len);
	queue[(q_head + q_count++) % NR_PKTS_MAX] = p;
	return 0;
}

static u64 link_now(struct rxe_dev *rxe)
{
	return now_ns;
}

static void link_kick(struct rxe_dev *rxe)
{
}

static const struct rxe_net_ops link_ops = {
	.xmit = link_xmit, .now_ns = link_now, .kick = link_kick,
};

/* Deliver everything queued (B loses every drop_every_b-th arrival). */
static void link_run(void)
{
	while (q_count) {
		struct pkt *p = queue[q_head];

		q_head = (q_head + 1) % NR_PKTS_MAX;
		q_count--;
		if (p->to == dev_b && drop_every_b &&
		    ++arrived_b % drop_every_b == 0)
			dropped_b++;
		else
			rxe_rcv(p->to, p->data, p->len);
		free(p);
		rxe_dev_process(dev_a);
		rxe_dev_process(dev_b);
	}
}

/* One step: deliver, then let 1 ms pass (timers) if the link is idle. */
static void step(void)
{
	rxe_dev_process(dev_a);
	rxe_dev_process(dev_b);
	link_run();
	now_ns += 1000000;
	rxe_dev_process(dev_a);
	rxe_dev_process(dev_b);
}

/* ------------------------------------------------------------ the QPs */

struct side {
	struct ib_pd *pd;
	struct ib_cq *cq;
	struct ib_mr *mr;
	u8 *buf;
};

static struct side sa, sb;

static int side_init(struct side *s, struct rxe_dev *d)
{
	s->buf = calloc(1, 2 * MSG_LEN);
	s->pd = ib_alloc_pd(&d->ib);
	s->cq = ib_create_cq(&d->ib, 256, NULL, NULL);
	if (!s->buf || IS_ERR_OR_NULL(s->pd) || IS_ERR_OR_NULL(s->cq))
		return -ENOMEM;
	s->mr = ib_reg_mr(s->pd, s->buf, 2 * MSG_LEN, IB_ACCESS_LOCAL_WRITE);
	return IS_ERR_OR_NULL(s->mr) ? -ENOMEM : 0;
}

static struct ib_qp *qp_create(struct side *s)
{
	struct ib_qp_init_attr init = {
		.send_cq = s->cq, .recv_cq = s->cq,
		.cap = { .max_send_wr = 16, .max_recv_wr = 16,
			 .max_send_sge = 1, .max_recv_sge = 1 },
		.sq_sig_type = IB_SIGNAL_ALL_WR, .qp_type = IB_QPT_RC,
	};
	struct ib_qp_attr a = { .qp_state = IB_QPS_INIT };
	struct ib_qp *qp = ib_create_qp(s->pd, &init);

	if (IS_ERR_OR_NULL(qp))
		return NULL;
	if (ib_modify_qp(qp, &a, IB_QP_STATE | IB_QP_ACCESS_FLAGS))
		return NULL;
	return qp;
}

/* INIT -> RTR -> RTS towards @peer_qpn at @peer_ip. */
static int qp_connect(struct ib_qp *qp, u32 peer_qpn, u32 peer_ip)
{
	struct ib_qp_attr a = { .qp_state = IB_QPS_RTR,
				.path_mtu = IB_MTU_1024,
				.dest_qp_num = peer_qpn, .rq_psn = 100,
				.max_dest_rd_atomic = 1, .min_rnr_timer = 1 };
	int ret;

	ib_gid_from_ipv4(&a.ah_attr.dgid, peer_ip);
	ret = ib_modify_qp(qp, &a, IB_QP_STATE | IB_QP_AV | IB_QP_PATH_MTU |
			   IB_QP_DEST_QPN | IB_QP_RQ_PSN |
			   IB_QP_MAX_DEST_RD_ATOMIC | IB_QP_MIN_RNR_TIMER);
	if (ret)
		return ret;
	memset(&a, 0, sizeof(a));
	a.qp_state = IB_QPS_RTS;
	a.sq_psn = 100;
	a.timeout = 10;		/* 4 ms */
	a.retry_cnt = 7;
	a.rnr_retry = 7;
	a.max_rd_atomic = 1;
	return ib_modify_qp(qp, &a, IB_QP_STATE | IB_QP_SQ_PSN |
			    IB_QP_TIMEOUT | IB_QP_RETRY_CNT |
			    IB_QP_RNR_RETRY | IB_QP_MAX_QP_RD_ATOMIC);
}

static u8 pattern(u32 msg, u32 i)
{
	return (u8)(msg * 29 + i * 3 + (i >> 9));
}

/* NR_MSGS SENDs from @qa to @qb, one at a time: how many arrived intact. */
static unsigned int send_msgs(struct ib_qp *qa, struct ib_qp *qb, u32 seed)
{
	unsigned int good = 0;

	for (u32 m = 0; m < NR_MSGS; m++) {
		struct ib_sge ss = { (u64)(uintptr_t)sa.buf, MSG_LEN,
				     sa.mr->lkey };
		struct ib_sge rs = { (u64)(uintptr_t)sb.buf, MSG_LEN,
				     sb.mr->lkey };
		struct ib_send_wr swr = { .wr_id = m, .sg_list = &ss,
					  .num_sge = 1, .opcode = IB_WR_SEND,
					  .send_flags = IB_SEND_SIGNALED };
		struct ib_recv_wr rwr = { .wr_id = m, .sg_list = &rs,
					  .num_sge = 1 };
		bool sent = false, rcvd = false, ok = true;
		struct ib_wc wc;

		for (u32 i = 0; i < MSG_LEN; i++)
			sa.buf[i] = pattern(seed + m, i);
		memset(sb.buf, 0, MSG_LEN);
		if (ib_post_recv(qb, &rwr, NULL) ||
		    ib_post_send(qa, &swr, NULL))
			return good;
		/* 20 simulated seconds at most per message. */
		for (int t = 0; t < 20000 && !(sent && rcvd); t++) {
			step();
			while (ib_poll_cq(sa.cq, 1, &wc) == 1) {
				sent = true;
				ok &= wc.status == IB_WC_SUCCESS;
			}
			while (ib_poll_cq(sb.cq, 1, &wc) == 1) {
				rcvd = true;
				ok &= wc.status == IB_WC_SUCCESS &&
				      wc.byte_len == MSG_LEN;
			}
		}
		for (u32 i = 0; ok && i < MSG_LEN; i++)
			ok = sb.buf[i] == pattern(seed + m, i);
		if (sent && rcvd && ok)
			good++;
	}
	return good;
}

static u64 qp_retransmits(struct ib_qp *qp, u64 *pkts)
{
	struct ib_qp_attr a;

	memset(&a, 0xff, sizeof(a));
	if (ib_query_qp(qp, &a))
		return ~0ull;
	if (pkts)
		*pkts = a.retransmitted_pkts;
	return a.retransmits;
}

static void test_per_qp_retransmits(struct htest *t)
{
	static const u8 mac_a[6] = { 2, 0, 0, 0, 0, 1 };
	static const u8 mac_b[6] = { 2, 0, 0, 0, 0, 2 };
	struct ib_qp *a1, *b1, *a2, *b2;
	u64 dev_before, r1, pkts1, pkts2;
	unsigned int good;

	dev_a = rxe_dev_create("rxa", IP_A, mac_a, 1500, &link_ops, NULL);
	dev_b = rxe_dev_create("rxb", IP_B, mac_b, 1500, &link_ops, NULL);
	HT_ASSERT(t, !IS_ERR_OR_NULL(dev_a) && !IS_ERR_OR_NULL(dev_b));
	HT_ASSERT_EQ(t, side_init(&sa, dev_a), 0);
	HT_ASSERT_EQ(t, side_init(&sb, dev_b), 0);
	a1 = qp_create(&sa);
	b1 = qp_create(&sb);
	a2 = qp_create(&sa);
	b2 = qp_create(&sb);
	HT_ASSERT(t, a1 && b1 && a2 && b2);
	HT_ASSERT_EQ(t, qp_connect(a1, b1->qp_num, IP_B), 0);
	HT_ASSERT_EQ(t, qp_connect(b1, a1->qp_num, IP_A), 0);
	HT_ASSERT_EQ(t, qp_connect(a2, b2->qp_num, IP_B), 0);
	HT_ASSERT_EQ(t, qp_connect(b2, a2->qp_num, IP_A), 0);
	HT_EXPECT_EQ(t, qp_retransmits(a1, NULL), 0);
	HT_EXPECT_EQ(t, qp_retransmits(a2, NULL), 0);
	dev_before = dev_a->stats.retransmits;

	/* Pair 1 while B loses every 13th packet. */
	drop_every_b = 13;
	good = send_msgs(a1, b1, 1);
	HT_EXPECT_EQ(t, good, NR_MSGS);
	HT_EXPECT(t, dropped_b > 0);
	/* Pair 2 on a clean link. */
	drop_every_b = 0;
	good = send_msgs(a2, b2, 100);
	HT_EXPECT_EQ(t, good, NR_MSGS);

	r1 = qp_retransmits(a1, &pkts1);
	printf("# lossy pair: %llu retransmits, %llu packets again "
	       "(%lu of B's arrivals lost)\n",
	       (unsigned long long)r1, (unsigned long long)pkts1, dropped_b);
	HT_EXPECT(t, r1 > 0 && r1 != ~0ull);
	HT_EXPECT(t, pkts1 > 0);
	HT_EXPECT_EQ(t, qp_retransmits(a2, &pkts2), 0);
	HT_EXPECT_EQ(t, pkts2, 0);
	/* The per-QP counts are the device's, split: nothing lost or added. */
	HT_EXPECT_EQ(t, qp_retransmits(a1, NULL) + qp_retransmits(a2, NULL),
		     dev_a->stats.retransmits - dev_before);
	HT_EXPECT_EQ(t, pkts1 + pkts2, dev_a->stats.retransmitted_pkts);
	/* B sent only ACKs (never retransmitted): its QPs count nothing. */
	HT_EXPECT_EQ(t, qp_retransmits(b1, NULL), 0);
	HT_EXPECT_EQ(t, qp_retransmits(b2, NULL), 0);
}

static const struct htest_case cases[] = {
	HT_CASE(test_per_qp_retransmits),
	{}
};

HTEST_MAIN(cases)
