/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KTAP suite "cmdline": the command-line parser (kernel/params.c) on a
 * table of its own, so running it does not disturb the boot parameters
 * or param_was_set().  Messages are compared with hand-written strings.
 */
#include <tessera/ktest.h>
#include <tessera/params.h>
#include <tessera/string.h>

struct cmdline_reports {
	int nr;
	char first[200];
};

static void cmdline_collect(void *ctx, const char *msg)
{
	struct cmdline_reports *r = ctx;

	if (!r->nr++)
		strscpy(r->first, msg, sizeof(r->first));
}

static const char *const ct_roles[] = { "processor", "memory", "storage", NULL };

static bool ct_debug;
static unsigned int ct_node;
static unsigned long long ct_size;
static int ct_role;
static char ct_name[8];

static const struct kernel_param ct_table[] = {
	{ .name = "debug", .type = PARAM_BOOL, .var = &ct_debug },
	{ .name = "node", .type = PARAM_UINT, .var = &ct_node, .max = 255 },
	{ .name = "pcache", .type = PARAM_SIZE, .var = &ct_size, .min = 1 << 20 },
	{ .name = "role", .type = PARAM_ENUM, .var = &ct_role,
	  .choices = ct_roles },
	{ .name = "x.name", .type = PARAM_STRING, .var = ct_name,
	  .maxlen = sizeof(ct_name) },
};

static int ct_parse(const char *line, struct cmdline_reports *r)
{
	ct_debug = false;
	ct_node = 7;
	ct_size = 0;
	ct_role = -1;
	strscpy(ct_name, "dflt", sizeof(ct_name));
	r->nr = 0;
	r->first[0] = '\0';
	return params_parse(line, ct_table, ARRAY_SIZE(ct_table), 0,
			    cmdline_collect, r);
}

static void cmdline_valid(struct ktest *t)
{
	struct cmdline_reports r;

	KT_EXPECT_EQ(t, ct_parse("role=storage node=12 pcache=256M debug "
				 "x.name=\"a b\"", &r), 0);
	KT_EXPECT_EQ(t, ct_role, 2);
	KT_EXPECT_EQ(t, ct_node, 12);
	KT_EXPECT_EQ(t, ct_size, 256ULL << 20);
	KT_EXPECT_TRUE(t, ct_debug);
	KT_EXPECT_STREQ(t, ct_name, "a b");
	KT_EXPECT_EQ(t, ct_parse("node=1 node=2 debug=off", &r), 0);
	KT_EXPECT_EQ(t, ct_node, 2);
	KT_EXPECT_FALSE(t, ct_debug);
}

static void cmdline_errors(struct ktest *t)
{
	struct cmdline_reports r;

	KT_EXPECT_EQ(t, ct_parse("role=foo", &r), 1);
	KT_EXPECT_STREQ(t, r.first, "role=foo: invalid value 'foo' (accepted: "
			"processor, memory, storage); using default");
	KT_EXPECT_EQ(t, ct_role, -1);
	KT_EXPECT_EQ(t, ct_parse("pcache=12Q", &r), 1);
	KT_EXPECT_STREQ(t, r.first, "pcache=12Q: malformed size '12Q' (expected "
			"a number with optional K/M/G/T suffix); using default");
	KT_EXPECT_EQ(t, ct_parse("node=70000", &r), 1);
	KT_EXPECT_STREQ(t, r.first, "node=70000: value out of range (0..255); "
			"using default");
	KT_EXPECT_EQ(t, ct_node, 7);
	KT_EXPECT_EQ(t, ct_parse("bogus", &r), 1);
	KT_EXPECT_STREQ(t, r.first, "unknown parameter 'bogus' ignored");
	KT_EXPECT_EQ(t, ct_parse("x.name=12345678", &r), 1);
	KT_EXPECT_STREQ(t, ct_name, "dflt");
	KT_EXPECT_EQ(t, ct_parse("=v x.name=\"open node=3", &r), 2);
	KT_EXPECT_EQ(t, ct_node, 7);
	KT_EXPECT_EQ(t, params_parse("bogus node=3", ct_table,
				     ARRAY_SIZE(ct_table),
				     PARAMS_IGNORE_UNKNOWN, NULL, NULL), 0);
	KT_EXPECT_EQ(t, ct_node, 3);
}

static void cmdline_junk(struct ktest *t)
{
	static char line[4097];
	unsigned long long s = 0x1234567;
	struct cmdline_reports r;

	for (int round = 0; round < 8; round++) {
		for (int i = 0; i < 4096; i++) {
			s ^= s << 13;
			s ^= s >> 7;
			s ^= s << 17;
			line[i] = (char)(s % 255 + 1);
		}
		line[4096] = '\0';
		KT_EXPECT_EQ(t, ct_parse(line, &r), r.nr);
	}
	KT_EXPECT_EQ(t, ct_parse("", &r), 0);
	KT_EXPECT_EQ(t, ct_parse(NULL, &r), 0);
}

static struct ktest_case cmdline_cases[] = {
	KTEST_CASE(cmdline_valid),
	KTEST_CASE(cmdline_errors),
	KTEST_CASE(cmdline_junk),
	{}
};

KTEST_SUITE(cmdline, cmdline_cases);
