/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KTAP suite "netdev": the core's transmit length checks and receive
 * filter, on the first registered device (the cases skip without one;
 * the launcher adds a NIC with --net).  Frames are injected with
 * netdev_rx() as a driver would, so the counters move only by what the
 * case did: the test fabric is private to the boot, and the one case
 * that transmits (whose frame a multicast fabric echoes back) runs last.
 */
#include <tessera/errno.h>
#include <tessera/ktest.h>
#include <tessera/netdev.h>
#include <tessera/string.h>

#define ETH_P_TEST	0x88b6	/* next to the echo's 0x88b5, unused */

static unsigned int test_handler_calls;
static size_t test_handler_len;

static void test_handler(struct netdev *dev, const u8 *frame, size_t len)
{
	test_handler_calls++;
	test_handler_len = len;
}

static void make_frame(u8 *f, size_t len, const u8 *src, u16 type)
{
	memset(f, 0xab, len);
	memset(f, 0xff, ETH_ALEN);
	memcpy(f + ETH_ALEN, src, ETH_ALEN);
	f[12] = type >> 8;
	f[13] = type & 0xff;
}

static const u8 other_mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0xee, 0xee, 0xee };

static void netdev_xmit_rejects_bad_lengths(struct ktest *t)
{
	struct netdev *dev = netdev_get(0);
	static u8 buf[ETH_MAX_FRAME + 8];
	struct kvec iov[2];

	if (!dev)
		KT_SKIP(t, "no network device (boot with --net)");
	iov[0].base = buf;
	iov[0].len = ETH_HLEN - 1;
	KT_EXPECT_EQ(t, netdev_xmit(dev, iov, 1), -EMSGSIZE);
	iov[0].len = ETH_MAX_FRAME + 1;
	KT_EXPECT_EQ(t, netdev_xmit(dev, iov, 1), -EMSGSIZE);
	/* Oversized only as a whole. */
	iov[0].len = 1000;
	iov[1].base = buf;
	iov[1].len = ETH_MAX_FRAME + 1 - 1000;
	KT_EXPECT_EQ(t, netdev_xmit(dev, iov, 2), -EMSGSIZE);
	KT_EXPECT_EQ(t, netdev_xmit(dev, iov, 0), -EMSGSIZE);
}

static void netdev_xmit_accepts_minimum_frame(struct ktest *t)
{
	struct netdev *dev = netdev_get(0);
	u8 frame[ETH_HLEN];
	struct kvec iov = { .base = frame, .len = sizeof(frame) };
	u64 before;

	if (!dev)
		KT_SKIP(t, "no network device (boot with --net)");
	make_frame(frame, sizeof(frame), dev->mac, ETH_P_TEST);
	before = dev->stats.tx_packets;
	KT_EXPECT_EQ(t, netdev_xmit(dev, &iov, 1), 0);
	/* At least ours: FIT announces and ARP may transmit meanwhile. */
	KT_EXPECT_GE(t, dev->stats.tx_packets, before + 1);
}

static void netdev_rx_drops_own_source(struct ktest *t)
{
	struct netdev *dev = netdev_get(0);
	u8 frame[64];
	u64 own;
	unsigned int calls;

	if (!dev)
		KT_SKIP(t, "no network device (boot with --net)");
	KT_ASSERT_EQ(t, netdev_register_ethertype(ETH_P_TEST, test_handler),
		     0);
	calls = test_handler_calls;
	own = dev->stats.rx_dropped_own;
	make_frame(frame, sizeof(frame), dev->mac, ETH_P_TEST);
	netdev_rx(dev, frame, sizeof(frame));
	/* At least ours: our own broadcasts come back off the wire too. */
	KT_EXPECT_GE(t, dev->stats.rx_dropped_own, own + 1);
	KT_EXPECT_EQ(t, test_handler_calls, calls);
	KT_EXPECT_EQ(t, netdev_unregister_ethertype(ETH_P_TEST), 0);
}

static void netdev_rx_counts_unknown_ethertype(struct ktest *t)
{
	struct netdev *dev = netdev_get(0);
	u8 frame[64];
	u64 noproto;

	if (!dev)
		KT_SKIP(t, "no network device (boot with --net)");
	noproto = dev->stats.rx_dropped_noproto;
	make_frame(frame, sizeof(frame), other_mac, ETH_P_TEST);
	netdev_rx(dev, frame, sizeof(frame));
	KT_EXPECT_EQ(t, dev->stats.rx_dropped_noproto, noproto + 1);
}

static void netdev_rx_drops_foreign_destination(struct ktest *t)
{
	/* Another node's MAC, and a multicast group we never joined. */
	static const u8 dsts[][ETH_ALEN] = {
		{ 0x52, 0x54, 0x00, 0xdd, 0xdd, 0xdd },
		{ 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 },
	};
	struct netdev *dev = netdev_get(0);
	u8 frame[64];
	unsigned int calls, i;
	u64 foreign;

	if (!dev)
		KT_SKIP(t, "no network device (boot with --net)");
	KT_ASSERT_EQ(t, netdev_register_ethertype(ETH_P_TEST, test_handler),
		     0);
	calls = test_handler_calls;
	foreign = dev->stats.rx_dropped_foreign;
	make_frame(frame, sizeof(frame), other_mac, ETH_P_TEST);
	for (i = 0; i < ARRAY_SIZE(dsts); i++) {
		memcpy(frame, dsts[i], ETH_ALEN);
		netdev_rx(dev, frame, sizeof(frame));
	}
	KT_EXPECT_EQ(t, dev->stats.rx_dropped_foreign, foreign + 2);
	KT_EXPECT_EQ(t, test_handler_calls, calls);
	/* To our MAC and to broadcast: handed up, not counted. */
	memcpy(frame, dev->mac, ETH_ALEN);
	netdev_rx(dev, frame, sizeof(frame));
	memset(frame, 0xff, ETH_ALEN);
	netdev_rx(dev, frame, sizeof(frame));
	KT_EXPECT_EQ(t, test_handler_calls, calls + 2);
	KT_EXPECT_EQ(t, dev->stats.rx_dropped_foreign, foreign + 2);
	KT_EXPECT_EQ(t, netdev_unregister_ethertype(ETH_P_TEST), 0);
}

static void netdev_rx_counts_runts(struct ktest *t)
{
	struct netdev *dev = netdev_get(0);
	u8 frame[64];
	u64 errors, packets;

	if (!dev)
		KT_SKIP(t, "no network device (boot with --net)");
	errors = dev->stats.rx_errors;
	packets = dev->stats.rx_packets;
	make_frame(frame, sizeof(frame), other_mac, ETH_P_TEST);
	netdev_rx(dev, frame, ETH_HLEN - 1);
	netdev_rx(dev, frame, 0);
	KT_EXPECT_EQ(t, dev->stats.rx_errors, errors + 2);
	KT_EXPECT_EQ(t, dev->stats.rx_packets, packets);
}

static void netdev_ethertype_register_unregister(struct ktest *t)
{
	struct netdev *dev = netdev_get(0);
	u8 frame[100];
	unsigned int calls;
	u64 noproto;

	KT_EXPECT_EQ(t, netdev_register_ethertype(0x05ff, test_handler),
		     -EINVAL);
	KT_EXPECT_EQ(t, netdev_register_ethertype(ETH_P_TEST, NULL), -EINVAL);
	KT_ASSERT_EQ(t, netdev_register_ethertype(ETH_P_TEST, test_handler),
		     0);
	KT_EXPECT_EQ(t, netdev_register_ethertype(ETH_P_TEST, test_handler),
		     -EEXIST);
	if (dev) {
		calls = test_handler_calls;
		make_frame(frame, sizeof(frame), other_mac, ETH_P_TEST);
		netdev_rx(dev, frame, sizeof(frame));
		KT_EXPECT_EQ(t, test_handler_calls, calls + 1);
		KT_EXPECT_EQ(t, test_handler_len, sizeof(frame));
	}
	KT_EXPECT_EQ(t, netdev_unregister_ethertype(ETH_P_TEST), 0);
	KT_EXPECT_EQ(t, netdev_unregister_ethertype(ETH_P_TEST), -ENOENT);
	if (dev) {
		calls = test_handler_calls;
		noproto = dev->stats.rx_dropped_noproto;
		netdev_rx(dev, frame, sizeof(frame));
		KT_EXPECT_EQ(t, test_handler_calls, calls);
		KT_EXPECT_EQ(t, dev->stats.rx_dropped_noproto, noproto + 1);
	}
}

static void netdev_fault_injection_drops_every_nth(struct ktest *t)
{
	struct netdev *dev = netdev_get(0);
	unsigned int old = netdev_rx_drop_every(), calls, i;
	u8 frame[64];
	u64 fault;

	if (!dev)
		KT_SKIP(t, "no network device (boot with --net)");
	KT_ASSERT_EQ(t, netdev_register_ethertype(ETH_P_TEST, test_handler),
		     0);
	netdev_set_rx_drop_every(3);
	calls = test_handler_calls;
	fault = dev->stats.rx_dropped_fault;
	make_frame(frame, sizeof(frame), other_mac, ETH_P_TEST);
	for (i = 0; i < 9; i++)
		netdev_rx(dev, frame, sizeof(frame));
	netdev_set_rx_drop_every(old);
	KT_EXPECT_EQ(t, dev->stats.rx_dropped_fault, fault + 3);
	KT_EXPECT_EQ(t, test_handler_calls, calls + 6);
	KT_EXPECT_EQ(t, netdev_unregister_ethertype(ETH_P_TEST), 0);
}

/* What the fault cases' handler saw: each frame's tag byte, in order. */
static u8 seen_tags[64];
static unsigned int nr_seen;
static u8 seen_frames[4][64];

static void tag_handler(struct netdev *dev, const u8 *frame, size_t len)
{
	if (nr_seen < ARRAY_SIZE(seen_frames) && len == 64)
		memcpy(seen_frames[nr_seen], frame, len);
	if (nr_seen < ARRAY_SIZE(seen_tags))
		seen_tags[nr_seen] = frame[ETH_HLEN];
	nr_seen++;
}

/* Send @n 64-byte test frames tagged 0..n-1 through netdev_rx(). */
static void rx_tagged(struct netdev *dev, unsigned int n)
{
	u8 frame[64];
	unsigned int i;

	nr_seen = 0;
	memset(seen_tags, 0xff, sizeof(seen_tags));
	for (i = 0; i < n; i++) {
		make_frame(frame, sizeof(frame), other_mac, ETH_P_TEST);
		frame[ETH_HLEN] = (u8)i;
		netdev_rx(dev, frame, sizeof(frame));
		/* The handler got a copy or this buffer; either way ours. */
		make_frame(frame, sizeof(frame), other_mac, ETH_P_TEST);
	}
}

static void netdev_fault_injection_dup_reorder_corrupt(struct ktest *t)
{
	struct netdev_rx_faults_params old, p = { .seed = 7 };
	struct netdev *dev = netdev_get(0);
	u8 frame[64], first[64];
	unsigned int i, k, flipped, diff_seed = 0;
	u64 before;

	if (!dev)
		KT_SKIP(t, "no network device (boot with --net)");
	netdev_get_rx_faults(&old);
	KT_ASSERT_EQ(t, netdev_register_ethertype(ETH_P_TEST, tag_handler),
		     0);

	/* Every frame twice, in order. */
	p.dup = 1;
	netdev_set_rx_faults(&p);
	before = dev->stats.rx_fault_dup;
	rx_tagged(dev, 4);
	KT_EXPECT_EQ(t, nr_seen, 8);
	for (i = 0; i < 8 && i < nr_seen; i++)
		KT_EXPECT_EQ(t, seen_tags[i], i / 2);
	KT_EXPECT_EQ(t, dev->stats.rx_fault_dup, before + 4);

	/* Every frame that can be held is: 1 0 3 2. */
	p.dup = 0;
	p.reorder = 1;
	netdev_set_rx_faults(&p);
	before = dev->stats.rx_fault_reorder;
	rx_tagged(dev, 4);
	KT_EXPECT_EQ(t, nr_seen, 4);
	KT_EXPECT_EQ(t, seen_tags[0], 1);
	KT_EXPECT_EQ(t, seen_tags[1], 0);
	KT_EXPECT_EQ(t, seen_tags[2], 3);
	KT_EXPECT_EQ(t, seen_tags[3], 2);
	KT_EXPECT_EQ(t, dev->stats.rx_fault_reorder, before + 2);

	/* Every frame with exactly one bit flipped past the header. */
	p.reorder = 0;
	p.corrupt = 1;
	netdev_set_rx_faults(&p);
	before = dev->stats.rx_fault_corrupt;
	rx_tagged(dev, 4);
	KT_EXPECT_EQ(t, nr_seen, 4);
	KT_EXPECT_EQ(t, dev->stats.rx_fault_corrupt, before + 4);
	for (i = 0; i < 4 && i < nr_seen; i++) {
		make_frame(frame, sizeof(frame), other_mac, ETH_P_TEST);
		frame[ETH_HLEN] = (u8)i;
		flipped = 0;
		for (k = 0; k < sizeof(frame); k++) {
			u8 d = frame[k] ^ seen_frames[i][k];

			KT_EXPECT_TRUE(t, !d || k >= ETH_HLEN);
			for (; d; d &= d - 1)
				flipped++;
		}
		KT_EXPECT_EQ(t, flipped, 1);
	}

	/*
	 * Seeded: one frame in two, the same choices again for the same
	 * seed, other ones for another seed (the same 32 choices by chance:
	 * one in 2^32; seen_tags holds up to 64 deliveries, all of them).
	 */
	p.corrupt = 0;
	p.dup = 2;
	netdev_set_rx_faults(&p);
	rx_tagged(dev, 32);
	memcpy(first, seen_tags, sizeof(first));
	k = nr_seen;
	netdev_set_rx_faults(&p);
	rx_tagged(dev, 32);
	KT_EXPECT_EQ(t, nr_seen, k);
	KT_EXPECT_EQ(t, memcmp(first, seen_tags, sizeof(first)), 0);
	p.seed = 8;
	netdev_set_rx_faults(&p);
	rx_tagged(dev, 32);
	diff_seed = nr_seen != k || memcmp(first, seen_tags, sizeof(first));
	KT_EXPECT_TRUE(t, diff_seed);

	netdev_set_rx_faults(&old);
	KT_EXPECT_EQ(t, netdev_unregister_ethertype(ETH_P_TEST), 0);
}

static void netdev_names_and_lookup(struct ktest *t)
{
	struct netdev *dev = netdev_get(0);

	KT_EXPECT_NULL(t, netdev_get(-1));
	KT_EXPECT_NULL(t, netdev_get(netdev_count()));
	if (!dev)
		KT_SKIP(t, "no network device (boot with --net)");
	KT_EXPECT_STREQ(t, dev->name, "eth0");
	KT_EXPECT_EQ(t, dev->index, 0);
	KT_EXPECT_NOT_NULL(t, dev->rx_thread);
	KT_EXPECT_EQ(t, dev->mtu, ETH_DATA_LEN);
}

static struct ktest_case netdev_cases[] = {
	KTEST_CASE(netdev_xmit_rejects_bad_lengths),
	KTEST_CASE(netdev_rx_drops_own_source),
	KTEST_CASE(netdev_rx_counts_unknown_ethertype),
	KTEST_CASE(netdev_rx_drops_foreign_destination),
	KTEST_CASE(netdev_rx_counts_runts),
	KTEST_CASE(netdev_ethertype_register_unregister),
	KTEST_CASE(netdev_fault_injection_drops_every_nth),
	KTEST_CASE(netdev_fault_injection_dup_reorder_corrupt),
	KTEST_CASE(netdev_names_and_lookup),
	/* Last: the fabric may echo the frame back into the counters. */
	KTEST_CASE(netdev_xmit_accepts_minimum_frame),
	{}
};
KTEST_SUITE(netdev, netdev_cases);
