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
	b[0] = 1;			/* version */
	b[1] = 1;			/* processor */
	b[2] = 0; b[3] = 0;		/* node 0 */
	b[4] = 2; b[5] = 0;		/* to node 2 */
	b[6] = 24; b[7] = 0;		/* ring entries */
	b[8] = 16; b[9] = 0;		/* request credits */
	for (int i = 0; i < 8; i++)
		b[12 + i] = (u8)(0x11 * (i + 1));	/* epoch */
	b[20] = 0x00; b[21] = 0x10; b[22] = 0x20; b[23] = 0x80;
	b[24] = 0xff; b[25] = 0xff; b[26] = 0xff; b[27] = 0xff;	/* mbox */
	b[28] = 0x44; b[29] = 0x33; b[30] = 0x22; b[31] = 0x11;	/* rkey */
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
	fit_cm_private_pack(&w, &i);
	HT_EXPECT(t, memcmp(&w, b, sizeof(b)) == 0);
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
	BAD(0, 2);		/* version */
	BAD(1, 0);		/* role */
	BAD(1, 4);
	BAD(2, 64);		/* node id */
	BAD(4, 0);		/* to itself */
	BAD(6, 16);		/* credits not below entries */
	BAD(6, 65);		/* too many entries */
	BAD(8, 0);		/* no request credits */
	BAD(10, 1);		/* reserved */
	BAD(55, 1);		/* reserved2 */
	hand_private(b);
	b[28] = b[29] = b[30] = b[31] = 0;	/* no mailbox key */
	HT_EXPECT_EQ(t, fit_cm_private_unpack(b, 56, &i), -EPROTO);
	hand_private(b);
	b[32] = 5;		/* a region key without a length */
	HT_EXPECT_EQ(t, fit_cm_private_unpack(b, 56, &i), -EPROTO);
	b[44] = 1;
	HT_EXPECT_EQ(t, fit_cm_private_unpack(b, 56, &i), 0);
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
	HT_CASE(test_cm_private_bad),
	{}
};

HTEST_MAIN(cases)
