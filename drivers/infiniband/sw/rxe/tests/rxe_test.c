/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KTAP suite "rxe": the soft RoCE device inside the kernel, on a private
 * loopback-only device (no network needed): two RC QPs on it exchange
 * SEND, SEND_WITH_IMM, RDMA WRITE (with immediate) and RDMA READ from
 * 1 B to 1 MiB with every byte checked, a bad rkey is refused with
 * IB_WC_REM_ACCESS_ERR without touching memory, and garbage packets are
 * counted.  The device thread is replaced by calling rxe_dev_process()
 * here; the bounds are iteration counts, not time.  The wire path over
 * eth0 is tests/cluster/test_rdma.py.
 */
#include <tessera/errno.h>
#include <tessera/ktest.h>
#include <tessera/pattern.h>
#include <tessera/rdma/rxe.h>
#include <tessera/rdma/verbs.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/time.h>

#include "../rxe.h"

#define KT_IP		0x7f000042
#define KT_MEM		(3u << 20)

static int kt_xmit(struct rxe_dev *rxe, const u8 *dmac, u32 daddr,
		   const u8 *pkt, size_t len)
{
	return -ENETUNREACH;
}

static u64 kt_now(struct rxe_dev *rxe)
{
	return ktime_get();
}

static void kt_kick(struct rxe_dev *rxe)
{
}

static const struct rxe_net_ops kt_ops = {
	.xmit = kt_xmit, .now_ns = kt_now, .kick = kt_kick,
};

struct kt_side {
	struct ib_pd *pd;
	struct ib_cq *cq;
	struct ib_qp *qp;
	struct ib_mr *mr;
	u8 *mem;
};

static struct rxe_dev *kt_dev;
static struct kt_side kt_a, kt_b;

static int kt_side_init(struct kt_side *s)
{
	struct ib_qp_init_attr init = {
		.cap = { .max_send_wr = 64, .max_recv_wr = 64,
			 .max_send_sge = 2, .max_recv_sge = 2 },
		.sq_sig_type = IB_SIGNAL_ALL_WR, .qp_type = IB_QPT_RC,
	};

	s->pd = ib_alloc_pd(&kt_dev->ib);
	s->cq = ib_create_cq(&kt_dev->ib, 256, NULL, NULL);
	s->mem = kmalloc(KT_MEM, GFP_KERNEL);
	if (IS_ERR(s->pd) || IS_ERR(s->cq) || !s->mem)
		return -ENOMEM;
	init.send_cq = init.recv_cq = s->cq;
	s->qp = ib_create_qp(s->pd, &init);
	if (IS_ERR(s->qp))
		return PTR_ERR(s->qp);
	s->mr = ib_reg_mr(s->pd, s->mem, KT_MEM, IB_ACCESS_LOCAL_WRITE |
			  IB_ACCESS_REMOTE_WRITE | IB_ACCESS_REMOTE_READ);
	return IS_ERR(s->mr) ? PTR_ERR(s->mr) : 0;
}

static int kt_connect(struct kt_side *s, struct kt_side *peer)
{
	struct ib_qp_attr a = { .qp_state = IB_QPS_INIT,
		.qp_access_flags = IB_ACCESS_REMOTE_WRITE |
				   IB_ACCESS_REMOTE_READ };
	int ret = ib_modify_qp(s->qp, &a, IB_QP_STATE | IB_QP_ACCESS_FLAGS);

	if (ret)
		return ret;
	memset(&a, 0, sizeof(a));
	a.qp_state = IB_QPS_RTR;
	a.path_mtu = IB_MTU_1024;
	a.dest_qp_num = peer->qp->qp_num;
	a.rq_psn = 0x100;
	ib_gid_from_ipv4(&a.ah_attr.dgid, KT_IP);
	ret = ib_modify_qp(s->qp, &a, IB_QP_STATE | IB_QP_AV | IB_QP_PATH_MTU |
			   IB_QP_DEST_QPN | IB_QP_RQ_PSN);
	if (ret)
		return ret;
	memset(&a, 0, sizeof(a));
	a.qp_state = IB_QPS_RTS;
	a.sq_psn = 0x100;
	return ib_modify_qp(s->qp, &a, IB_QP_STATE | IB_QP_SQ_PSN);
}

static int rxe_suite_init(void)
{
	static const u8 mac[6] = { 0x02, 0, 0, 0, 0, 0x42 };

	kt_dev = rxe_dev_create("rxe_kt", KT_IP, mac, 1500, &kt_ops, NULL);
	if (IS_ERR(kt_dev))
		return PTR_ERR(kt_dev);
	if (kt_side_init(&kt_a) || kt_side_init(&kt_b))
		return -ENOMEM;
	if (kt_connect(&kt_a, &kt_b) || kt_connect(&kt_b, &kt_a))
		return -EINVAL;
	return 0;
}

/* Run the device until @cq has a completion; false after many rounds. */
static bool kt_wait(struct ib_cq *cq, struct ib_wc *wc)
{
	for (long i = 0; i < 2000000; i++) {
		if (ib_poll_cq(cq, 1, wc) == 1)
			return true;
		rxe_dev_process(kt_dev);
	}
	return false;
}

static void fill(u8 *p, u32 len, u32 seed)
{
	pattern_fill(p, len, seed, 0);
}

static const u32 kt_sizes[] = { 1, 1023, 1024, 1025, 4096, 65537, 1u << 20 };

static void rxe_loopback_send(struct ktest *t)
{
	for (u32 i = 0; i < ARRAY_SIZE(kt_sizes); i++) {
		u32 len = kt_sizes[i];
		struct ib_sge rs = { (uintptr_t)kt_b.mem, len, kt_b.mr->lkey };
		struct ib_recv_wr rwr = { .wr_id = 1, .sg_list = &rs,
					  .num_sge = 1 };
		struct ib_sge ss = { (uintptr_t)kt_a.mem, len, kt_a.mr->lkey };
		struct ib_send_wr swr = {
			.wr_id = 2, .sg_list = &ss, .num_sge = 1,
			.opcode = i & 1 ? IB_WR_SEND_WITH_IMM : IB_WR_SEND,
			.imm_data = 0x1234 + i, .send_flags = IB_SEND_SIGNALED,
		};
		struct ib_wc wc;

		fill(kt_a.mem, len, i);
		memset(kt_b.mem, 0, len);
		KT_ASSERT_EQ(t, ib_post_recv(kt_b.qp, &rwr, NULL), 0);
		KT_ASSERT_EQ(t, ib_post_send(kt_a.qp, &swr, NULL), 0);
		/* One CQ per side: A sees its send, B its receive. */
		KT_ASSERT_TRUE(t, kt_wait(kt_a.cq, &wc));
		KT_EXPECT_EQ(t, wc.status, IB_WC_SUCCESS);
		KT_EXPECT_EQ(t, wc.opcode, IB_WC_SEND);
		KT_ASSERT_TRUE(t, kt_wait(kt_b.cq, &wc));
		KT_EXPECT_EQ(t, wc.status, IB_WC_SUCCESS);
		KT_EXPECT_EQ(t, wc.byte_len, len);
		KT_EXPECT_EQ(t, !!(wc.wc_flags & IB_WC_WITH_IMM), i & 1);
		if (i & 1)
			KT_EXPECT_EQ(t, wc.imm_data, 0x1234 + i);
		KT_EXPECT_MEMEQ(t, kt_b.mem, kt_a.mem, len);
	}
}

static void rxe_loopback_write_read(struct ktest *t)
{
	for (u32 i = 0; i < ARRAY_SIZE(kt_sizes); i++) {
		u32 len = kt_sizes[i];
		struct ib_sge ss = { (uintptr_t)kt_a.mem, len, kt_a.mr->lkey };
		struct ib_send_wr wr = {
			.wr_id = 3, .sg_list = &ss, .num_sge = 1,
			.opcode = IB_WR_RDMA_WRITE,
			.send_flags = IB_SEND_SIGNALED,
			.rdma = { (uintptr_t)kt_b.mem + (1u << 20),
				  kt_b.mr->rkey },
		};
		struct ib_wc wc;

		fill(kt_a.mem, len, 100 + i);
		KT_ASSERT_EQ(t, ib_post_send(kt_a.qp, &wr, NULL), 0);
		KT_ASSERT_TRUE(t, kt_wait(kt_a.cq, &wc));
		KT_EXPECT_EQ(t, wc.status, IB_WC_SUCCESS);
		KT_EXPECT_MEMEQ(t, kt_b.mem + (1u << 20), kt_a.mem, len);

		/* Read it back into a cleared buffer. */
		memset(kt_a.mem + (2u << 20), 0, len);
		ss.addr = (uintptr_t)kt_a.mem + (2u << 20);
		wr.opcode = IB_WR_RDMA_READ;
		KT_ASSERT_EQ(t, ib_post_send(kt_a.qp, &wr, NULL), 0);
		KT_ASSERT_TRUE(t, kt_wait(kt_a.cq, &wc));
		KT_EXPECT_EQ(t, wc.status, IB_WC_SUCCESS);
		KT_EXPECT_EQ(t, wc.opcode, IB_WC_RDMA_READ);
		KT_EXPECT_MEMEQ(t, kt_a.mem + (2u << 20), kt_a.mem, len);
	}
}

static void rxe_write_imm(struct ktest *t)
{
	struct ib_sge rs = { (uintptr_t)kt_b.mem, 0, kt_b.mr->lkey };
	struct ib_recv_wr rwr = { .wr_id = 9, .sg_list = &rs, .num_sge = 1 };
	struct ib_sge ss = { (uintptr_t)kt_a.mem, 3000, kt_a.mr->lkey };
	struct ib_send_wr wr = {
		.wr_id = 4, .sg_list = &ss, .num_sge = 1,
		.opcode = IB_WR_RDMA_WRITE_WITH_IMM, .imm_data = 0xfeedf00d,
		.send_flags = IB_SEND_SIGNALED,
		.rdma = { (uintptr_t)kt_b.mem + 5000, kt_b.mr->rkey },
	};
	struct ib_wc wc;

	fill(kt_a.mem, 3000, 77);
	KT_ASSERT_EQ(t, ib_post_recv(kt_b.qp, &rwr, NULL), 0);
	KT_ASSERT_EQ(t, ib_post_send(kt_a.qp, &wr, NULL), 0);
	KT_ASSERT_TRUE(t, kt_wait(kt_a.cq, &wc));
	KT_EXPECT_EQ(t, wc.status, IB_WC_SUCCESS);
	KT_ASSERT_TRUE(t, kt_wait(kt_b.cq, &wc));
	KT_EXPECT_EQ(t, wc.opcode, IB_WC_RECV_RDMA_WITH_IMM);
	KT_EXPECT_EQ(t, wc.imm_data, 0xfeedf00d);
	KT_EXPECT_EQ(t, wc.byte_len, 3000);
	KT_EXPECT_MEMEQ(t, kt_b.mem + 5000, kt_a.mem, 3000);
}

/*
 * Protection domains: a key is good only on a QP of its MR's domain
 * (the responder's lookup, rxe_mr_get()): B's QP, in B's domain, finds
 * nothing with A's key, for any access, while A's domain does.
 */
static void rxe_mr_other_pd(struct ktest *t)
{
	struct rxe_mr *mr;

	KT_ASSERT_TRUE(t, kt_a.pd != kt_b.pd);
	mr = rxe_mr_get(kt_dev, kt_b.pd, kt_a.mr->rkey,
			IB_ACCESS_REMOTE_WRITE, (uintptr_t)kt_a.mem, 100);
	KT_EXPECT_TRUE(t, mr == NULL);
	mr = rxe_mr_get(kt_dev, kt_b.pd, kt_a.mr->rkey,
			IB_ACCESS_REMOTE_READ, (uintptr_t)kt_a.mem, 100);
	KT_EXPECT_TRUE(t, mr == NULL);
	mr = rxe_mr_get(kt_dev, kt_a.pd, kt_a.mr->rkey,
			IB_ACCESS_REMOTE_WRITE, (uintptr_t)kt_a.mem, 100);
	KT_EXPECT_TRUE(t, mr != NULL);
	if (mr)
		rxe_mr_put(kt_dev, mr);
}

/* Last: the access error puts both QPs in the error state. */
static void rxe_bad_rkey(struct ktest *t)
{
	struct ib_sge ss = { (uintptr_t)kt_a.mem, 100, kt_a.mr->lkey };
	struct ib_send_wr wr = {
		.wr_id = 5, .sg_list = &ss, .num_sge = 1,
		.opcode = IB_WR_RDMA_WRITE, .send_flags = IB_SEND_SIGNALED,
		.rdma = { (uintptr_t)kt_b.mem, kt_b.mr->rkey + 0x100 },
	};
	struct ib_wc wc;

	memset(kt_b.mem, 0x33, 4096);
	fill(kt_a.mem, 100, 5);
	KT_ASSERT_EQ(t, ib_post_send(kt_a.qp, &wr, NULL), 0);
	KT_ASSERT_TRUE(t, kt_wait(kt_a.cq, &wc));
	KT_EXPECT_EQ(t, wc.status, IB_WC_REM_ACCESS_ERR);
	for (int i = 0; i < 4096; i++)
		if (kt_b.mem[i] != 0x33) {
			KT_FAIL(t, "byte %d of the target changed", i);
			break;
		}
}

#define KT_KEYS		32

/*
 * Memory keys carry 20 random bits below the table index: keys registered
 * one after another share nothing a peer could extrapolate, and the right
 * index with other random bits is refused.
 */
static void rxe_keys_unpredictable(struct ktest *t)
{
	static struct ib_mr *mrs[KT_KEYS];
	unsigned int i, j, same = 0, steps = 0;
	u32 lo[KT_KEYS];

	for (i = 0; i < KT_KEYS; i++) {
		mrs[i] = ib_reg_mr(kt_a.pd, kt_a.mem + i * 64, 64,
				   IB_ACCESS_LOCAL_WRITE |
				   IB_ACCESS_REMOTE_WRITE);
		if (IS_ERR(mrs[i])) {
			KT_FAIL(t, "ib_reg_mr %u: %ld", i, PTR_ERR(mrs[i]));
			mrs[i] = NULL;
			goto out;
		}
		KT_EXPECT_EQ(t, mrs[i]->lkey, mrs[i]->rkey);
		lo[i] = mrs[i]->rkey & 0xfffff;
	}
	for (i = 0; i < KT_KEYS; i++)
		for (j = i + 1; j < KT_KEYS; j++)
			same += lo[i] == lo[j];
	for (i = 2; i < KT_KEYS; i++)
		steps += lo[i] - lo[i - 1] == lo[i - 1] - lo[i - 2];
	/* 32 random 20-bit values: a repeat has odds of about 1 in 2000. */
	KT_EXPECT_LE(t, same, 1);
	KT_EXPECT_LE(t, steps, 2);
	for (i = 0; i < KT_KEYS; i++) {
		struct rxe_mr *mr = rxe_mr_get(kt_dev, NULL, mrs[i]->rkey ^ 1,
					       0, (uintptr_t)kt_a.mem + i * 64,
					       64);

		KT_EXPECT_NULL(t, mr);
		if (mr)
			rxe_mr_put(kt_dev, mr);
	}
out:
	for (i = 0; i < KT_KEYS; i++)
		if (mrs[i])
			ib_dereg_mr(mrs[i]);
}

static void rxe_garbage(struct ktest *t)
{
	unsigned long long before = kt_dev->stats.malformed +
				    kt_dev->stats.icrc_errors;
	u8 junk[64];

	for (int i = 0; i < 64; i++)
		junk[i] = (u8)(i * 37);
	junk[0] = 0x45;
	rxe_rcv(kt_dev, junk, sizeof(junk));
	rxe_rcv(kt_dev, junk, 3);
	KT_EXPECT_EQ(t, kt_dev->stats.malformed + kt_dev->stats.icrc_errors,
		     before + 2);
}

static struct ktest_case rxe_cases[] = {
	KTEST_CASE(rxe_loopback_send),
	KTEST_CASE(rxe_loopback_write_read),
	KTEST_CASE(rxe_write_imm),
	KTEST_CASE(rxe_garbage),
	KTEST_CASE(rxe_mr_other_pd),
	KTEST_CASE(rxe_bad_rkey),
	KTEST_CASE(rxe_keys_unpredictable),
	{}
};

KTEST_SUITE_INIT(rxe, rxe_cases, rxe_suite_init);
