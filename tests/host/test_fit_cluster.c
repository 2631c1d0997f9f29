/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests of FIT's cluster description (net/fit/cluster.c: fit.expect=,
 * fit.peers=, completeness, the "cluster ready" names) and of the RDMA-CM
 * private data codec (net/fit/wire.c).  Private data is assembled byte by
 * byte from the layout in Documentation/fit.md, not with the packer.
 */
/* HTEST-SOURCES: net/fit/cluster.c net/fit/wire.c lib/crc32.c lib/string.c lib/vsprintf.c */
#include "htest.h"

#include "../../net/fit/internal.h"
#include <fit/fit_wire.h>
#include <tessera/errno.h>
#include <tessera/string.h>

/* lib/vsprintf.c's %pS needs it; nothing here prints symbols. */
int sprint_symbol(char *buf, size_t size, unsigned long addr)
{
	return snprintf(buf, size, "%lx", addr);
}

static void test_expect_forms(struct htest *t)
{
	struct fit_expect e;

	HT_EXPECT_EQ(t, fit_expect_parse("", &e), 0);
	HT_EXPECT(t, fit_expect_any(&e));
	HT_EXPECT_EQ(t, fit_expect_parse("3", &e), 0);
	HT_EXPECT(t, !e.by_role);
	HT_EXPECT_EQ(t, e.nr_nodes, 3);
	HT_EXPECT_EQ(t, fit_expect_parse("1P1M1S", &e), 0);
	HT_EXPECT(t, e.by_role);
	HT_EXPECT_EQ(t, e.nr_nodes, 3);
	HT_EXPECT_EQ(t, e.nr_role[FIT_ROLE_PROCESSOR], 1);
	HT_EXPECT_EQ(t, e.nr_role[FIT_ROLE_MEMORY], 1);
	HT_EXPECT_EQ(t, e.nr_role[FIT_ROLE_STORAGE], 1);
	HT_EXPECT_EQ(t, fit_expect_parse("1p2m", &e), 0);
	HT_EXPECT_EQ(t, e.nr_role[FIT_ROLE_MEMORY], 2);
	HT_EXPECT_EQ(t, e.nr_role[FIT_ROLE_STORAGE], 0);
	HT_EXPECT_EQ(t, fit_expect_parse("2M", &e), 0);
	HT_EXPECT_EQ(t, e.nr_nodes, 2);
	HT_EXPECT_EQ(t, e.nr_role[FIT_ROLE_PROCESSOR], 0);
}

static void test_expect_bad(struct htest *t)
{
	static const char *const bad[] = {
		"0", "P", "1S1P", "1P1P", "1X", "1P1M1S2", "65", "0P0M",
		"-1", "1P 1M", "99P",
	};
	struct fit_expect e;

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		HT_EXPECT_EQ(t, fit_expect_parse(bad[i], &e), -EINVAL);
		HT_EXPECT(t, fit_expect_any(&e));
	}
}

static void test_expect_met(struct htest *t)
{
	u8 roles[FIT_MAX_NODES] = { 0 };
	struct fit_expect e;

	fit_expect_parse("1P1M1S", &e);
	roles[0] = FIT_ROLE_PROCESSOR;
	roles[1] = FIT_ROLE_MEMORY;
	HT_EXPECT(t, !fit_expect_met(&e, roles));
	roles[7] = FIT_ROLE_MEMORY;	/* a second memory node is no storage */
	HT_EXPECT(t, !fit_expect_met(&e, roles));
	roles[2] = FIT_ROLE_STORAGE;
	HT_EXPECT(t, fit_expect_met(&e, roles));

	fit_expect_parse("4", &e);
	HT_EXPECT(t, fit_expect_met(&e, roles));
	roles[7] = 0;
	HT_EXPECT(t, !fit_expect_met(&e, roles));
	roles[9] = 99;			/* not a role: does not count */
	HT_EXPECT(t, !fit_expect_met(&e, roles));

	fit_expect_parse("", &e);
	HT_EXPECT(t, !fit_expect_met(&e, roles));
}

static void test_cluster_names(struct htest *t)
{
	u8 roles[FIT_MAX_NODES] = { 0 };
	char buf[64];

	roles[2] = FIT_ROLE_STORAGE;
	roles[0] = FIT_ROLE_PROCESSOR;
	roles[1] = FIT_ROLE_MEMORY;
	HT_EXPECT_EQ(t, fit_cluster_format(buf, sizeof(buf), roles), 27);
	HT_EXPECT_STREQ(t, buf, "processor0 memory1 storage2");
	roles[12] = FIT_ROLE_MEMORY;
	fit_cluster_format(buf, sizeof(buf), roles);
	HT_EXPECT_STREQ(t, buf, "processor0 memory1 storage2 memory12");
	HT_EXPECT_EQ(t, fit_cluster_format(buf, 10, roles), -ENOSPC);
}

static void test_role_lowest(struct htest *t)
{
	u8 roles[FIT_MAX_NODES] = { 0 };

	HT_EXPECT_EQ(t, fit_role_lowest(roles, FIT_ROLE_MEMORY), -ENOENT);
	roles[9] = FIT_ROLE_MEMORY;
	roles[4] = FIT_ROLE_MEMORY;
	roles[0] = FIT_ROLE_PROCESSOR;
	roles[FIT_MAX_NODES - 1] = FIT_ROLE_STORAGE;
	HT_EXPECT_EQ(t, fit_role_lowest(roles, FIT_ROLE_MEMORY), 4);
	HT_EXPECT_EQ(t, fit_role_lowest(roles, FIT_ROLE_PROCESSOR), 0);
	HT_EXPECT_EQ(t, fit_role_lowest(roles, FIT_ROLE_STORAGE),
		     FIT_MAX_NODES - 1);
	roles[4] = 0;		/* node 4 died */
	HT_EXPECT_EQ(t, fit_role_lowest(roles, FIT_ROLE_MEMORY), 9);
	/* 0 marks an absent node: it is never a role to look for. */
	HT_EXPECT_EQ(t, fit_role_lowest(roles, 0), -ENOENT);
	HT_EXPECT_EQ(t, fit_role_lowest(roles, FIT_ROLE_STORAGE + 1), -ENOENT);
}

static void test_peers(struct htest *t)
{
	struct fit_static_peer v[4];

	HT_EXPECT_EQ(t, fit_peers_parse("", v, 4), 0);
	HT_ASSERT_EQ(t, fit_peers_parse("1@10.77.0.2,2@10.77.0.3", v, 4), 2);
	HT_EXPECT_EQ(t, v[0].node, 1);
	HT_EXPECT_EQ(t, v[0].ip, 0x0a4d0002);
	HT_EXPECT_EQ(t, v[1].node, 2);
	HT_EXPECT_EQ(t, v[1].ip, 0x0a4d0003);
	HT_EXPECT_EQ(t, fit_peers_parse("63@255.255.255.255", v, 4), 1);
	HT_EXPECT_EQ(t, v[0].ip, 0xffffffffu);
	HT_EXPECT_EQ(t, fit_peers_parse("64@1.2.3.4", v, 4), -EINVAL);
	HT_EXPECT_EQ(t, fit_peers_parse("1@1.2.3", v, 4), -EINVAL);
	HT_EXPECT_EQ(t, fit_peers_parse("1@1.2.3.256", v, 4), -EINVAL);
	HT_EXPECT_EQ(t, fit_peers_parse("1@1.2.3.4,", v, 4), -EINVAL);
	HT_EXPECT_EQ(t, fit_peers_parse("1@1.2.3.4,1@1.2.3.5", v, 4), -EINVAL);
	HT_EXPECT_EQ(t, fit_peers_parse("1-1.2.3.4", v, 4), -EINVAL);
	HT_EXPECT_EQ(t, fit_peers_parse("1@1.1.1.1,2@2.2.2.2,3@3.3.3.3",
					v, 2), -EINVAL);
}

/* The private data of node 0 (processor) connecting to node 2. */
static void hand_private(u8 *b)
{
	memset(b, 0, 56);
	b[0] = 2;			/* version */
	b[1] = 1;			/* processor */
	b[2] = 0;			/* node 0 */
	b[3] = 2;			/* to node 2 */
	b[4] = 24;			/* ring entries */
	b[5] = 16;			/* request credits */
	for (int i = 0; i < 8; i++)
		b[6 + i] = (u8)(0x11 * (i + 1));	/* epoch */
	b[14] = 0x44; b[15] = 0x33; b[16] = 0x22; b[17] = 0x11;	/* rkey */
	/* mailbox 0xffffffff80201000: its low 48 bits */
	b[22] = 0x00; b[23] = 0x10; b[24] = 0x20; b[25] = 0x80;
	b[26] = 0xff; b[27] = 0xff;
}

static void test_cm_private_layout(struct htest *t)
{
	struct fit_cm_private w;
	struct fit_cm_info i;
	u8 b[56];

	HT_EXPECT_EQ(t, sizeof(struct fit_cm_private), 56);
	HT_EXPECT_EQ(t, sizeof(struct fit_member_msg), 48);
	hand_private(b);
	HT_ASSERT_EQ(t, fit_cm_private_unpack(b, sizeof(b), &i), 0);
	HT_EXPECT_EQ(t, i.role, FIT_ROLE_PROCESSOR);
	HT_EXPECT_EQ(t, i.node, 0);
	HT_EXPECT_EQ(t, i.dst_node, 2);
	HT_EXPECT_EQ(t, i.ring_entries, 24);
	HT_EXPECT_EQ(t, i.req_credits, 16);
	HT_EXPECT(t, i.epoch == 0x8877665544332211ull);
	HT_EXPECT(t, i.mbox_addr == 0xffffffff80201000ull);
	HT_EXPECT_EQ(t, i.mbox_rkey, 0x11223344);
	HT_EXPECT_EQ(t, i.region_rkey, 0);
	HT_ASSERT_EQ(t, fit_cm_private_pack(&w, &i), 0);
	HT_EXPECT(t, memcmp(&w, b, sizeof(b)) == 0);
}

/* Addresses travel as 48 bits: canonical ones come back whole. */
static void test_cm_private_addresses(struct htest *t)
{
	static const u64 good[] = {
		0, 0x00007fffffffffffull, 0xffff800000000000ull,
		0xffff888000123456ull, 0x0000555512345678ull,
	};
	static const u64 bad[] = {
		0x0000800000000000ull, 0xfffe800000000000ull,
		0x8000000000000000ull, 0x7fff800000000000ull,
	};
	struct fit_cm_private w;
	struct fit_cm_info i, o;
	u8 b[56];

	hand_private(b);
	HT_ASSERT_EQ(t, fit_cm_private_unpack(b, sizeof(b), &i), 0);
	for (size_t k = 0; k < ARRAY_SIZE(good); k++) {
		i.mbox_addr = good[k];
		i.region_addr = ~good[k] & 0x00007fffffffffffull;
		i.region_len = 0xffffffffffffull;
		i.region_rkey = 7;
		HT_ASSERT_EQ(t, fit_cm_private_pack(&w, &i), 0);
		HT_ASSERT_EQ(t, fit_cm_private_unpack(&w, sizeof(w), &o), 0);
		HT_EXPECT(t, o.mbox_addr == i.mbox_addr);
		HT_EXPECT(t, o.region_addr == i.region_addr);
		HT_EXPECT(t, o.region_len == i.region_len);
	}
	for (size_t k = 0; k < ARRAY_SIZE(bad); k++) {
		i.mbox_addr = bad[k];
		HT_EXPECT_EQ(t, fit_cm_private_pack(&w, &i), -EINVAL);
		i.mbox_addr = 0;
		i.region_addr = bad[k];
		HT_EXPECT_EQ(t, fit_cm_private_pack(&w, &i), -EINVAL);
		i.region_addr = 0;
	}
	i.region_len = 1ull << 48;
	HT_EXPECT_EQ(t, fit_cm_private_pack(&w, &i), -EINVAL);
	i.region_len = 1;
	i.node = 256;
	HT_EXPECT_EQ(t, fit_cm_private_pack(&w, &i), -EINVAL);
}

static void test_cm_private_bad(struct htest *t)
{
	struct fit_cm_info i;
	u8 b[56];

	hand_private(b);
	HT_EXPECT_EQ(t, fit_cm_private_unpack(b, 55, &i), -EPROTO);
	HT_EXPECT_EQ(t, fit_cm_private_unpack(NULL, 56, &i), -EPROTO);
#define BAD(off, val) do {						\
		hand_private(b);					\
		b[off] = (val);						\
		HT_EXPECT_EQ(t, fit_cm_private_unpack(b, 56, &i), -EPROTO); \
	} while (0)
	BAD(0, 1);		/* version */
	BAD(1, 0);		/* role */
	BAD(1, 4);
	BAD(2, 64);		/* node id */
	BAD(3, 64);
	BAD(3, 0);		/* to itself */
	BAD(4, 16);		/* credits not below entries */
	BAD(4, 65);		/* too many entries */
	BAD(5, 0);		/* no request credits */
	hand_private(b);
	b[14] = b[15] = b[16] = b[17] = 0;	/* no mailbox key */
	HT_EXPECT_EQ(t, fit_cm_private_unpack(b, 56, &i), -EPROTO);
	hand_private(b);
	b[18] = 5;		/* a region key without a length */
	HT_EXPECT_EQ(t, fit_cm_private_unpack(b, 56, &i), -EPROTO);
	b[34] = 1;
	HT_EXPECT_EQ(t, fit_cm_private_unpack(b, 56, &i), 0);
	HT_EXPECT(t, i.region_len == 1);
#undef BAD
}

static const struct htest_case cases[] = {
	HT_CASE(test_expect_forms),
	HT_CASE(test_expect_bad),
	HT_CASE(test_expect_met),
	HT_CASE(test_cluster_names),
	HT_CASE(test_role_lowest),
	HT_CASE(test_peers),
	HT_CASE(test_cm_private_layout),
	HT_CASE(test_cm_private_addresses),
	HT_CASE(test_cm_private_bad),
	{}
};

HTEST_MAIN(cases)
