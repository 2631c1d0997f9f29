/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests for kernel/params.c.  Most cases parse a local table and
 * collect the reported problems; the last ones define PARAM_*() entries
 * in this program's own "__param" section (the host linker provides
 * __start___param/__stop___param just as the kernel's script does) and
 * drive params_parse_cmdline(), param_was_set() and params_dump(), with
 * printk() captured by a stub below.  Messages are compared with strings
 * written out by hand from the formats the brief specifies.
 */
/* HTEST-SOURCES: kernel/params.c lib/vsprintf.c lib/string.c lib/kstrtox.c lib/bitmap.c */
#include "htest.h"
#include <stdarg.h>
#include <tessera/params.h>
#include <tessera/kernel.h>
#include <tessera/string.h>

int sprint_symbol(char *buf, size_t size, unsigned long addr)
{
	return snprintf(buf, size, "0x%lx", addr);
}

/* printk stand-in: append each message (level prefix stripped) to log. */
static char printk_log[8192];
static size_t printk_len;

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	if (fmt[0] == '\001' && fmt[1])
		fmt += 2;
	va_start(ap, fmt);
	n = vscnprintf(printk_log + printk_len, sizeof(printk_log) - printk_len,
		       fmt, ap);
	va_end(ap);
	printk_len += n;
	return n;
}

/* Collected reports of one parse. */
struct reports {
	int nr;
	char msg[8][256];
};

static void collect(void *ctx, const char *msg)
{
	struct reports *r = ctx;

	if (r->nr < 8)
		strscpy(r->msg[r->nr], msg, sizeof(r->msg[0]));
	r->nr++;
}

static const char *const roles[] = { "none", "processor", "memory", "storage", NULL };

static bool t_debug;
static bool t_quiet = true;
static unsigned int t_node;
static unsigned int t_ways = 8;
static unsigned long long t_pcache = 256ULL << 20;
static unsigned long long t_buf;
static int t_role;
static char t_name[16] = "dflt";

static const struct kernel_param table[] = {
	{ .name = "debug", .type = PARAM_BOOL, .var = &t_debug },
	{ .name = "quiet", .type = PARAM_BOOL, .var = &t_quiet },
	{ .name = "node", .type = PARAM_UINT, .var = &t_node, .max = 255 },
	{ .name = "pcache.ways", .type = PARAM_UINT, .var = &t_ways,
	  .min = 1, .max = 64 },
	{ .name = "pcache", .type = PARAM_SIZE, .var = &t_pcache,
	  .min = 1 << 20, .max = 64ULL << 30 },
	{ .name = "buf", .type = PARAM_SIZE, .var = &t_buf, .min = 4096 },
	{ .name = "role", .type = PARAM_ENUM, .var = &t_role, .choices = roles },
	{ .name = "name", .type = PARAM_STRING, .var = t_name,
	  .maxlen = sizeof(t_name) },
};

static void reset(void)
{
	t_debug = false;
	t_quiet = true;
	t_node = 0;
	t_ways = 8;
	t_pcache = 256ULL << 20;
	t_buf = 0;
	t_role = 0;
	strscpy(t_name, "dflt", sizeof(t_name));
}

static int parse(const char *line, struct reports *r)
{
	reset();
	memset(r, 0, sizeof(*r));
	return params_parse(line, table, ARRAY_SIZE(table), 0, collect, r);
}

static void test_valid(struct htest *t)
{
	struct reports r;

	HT_EXPECT_EQ(t, parse("role=memory node=3 pcache=1G pcache.ways=16 "
			      "debug quiet=off name=\"two words\" buf=0x2000", &r), 0);
	HT_EXPECT_EQ(t, r.nr, 0);
	HT_EXPECT_EQ(t, t_role, 2);
	HT_EXPECT_EQ(t, t_node, 3);
	HT_EXPECT_EQ(t, t_pcache, 1ULL << 30);
	HT_EXPECT_EQ(t, t_ways, 16);
	HT_EXPECT(t, t_debug);
	HT_EXPECT(t, !t_quiet);
	HT_EXPECT_STREQ(t, t_name, "two words");
	HT_EXPECT_EQ(t, t_buf, 8192);

	/* Whitespace of all kinds, enum case, bool spellings. */
	HT_EXPECT_EQ(t, parse("\t role=STORAGE\n\ndebug=yes  quiet=0 node=0x10 ", &r), 0);
	HT_EXPECT_EQ(t, t_role, 3);
	HT_EXPECT(t, t_debug && !t_quiet);
	HT_EXPECT_EQ(t, t_node, 16);

	/* Boundaries are inclusive. */
	HT_EXPECT_EQ(t, parse("node=255 pcache.ways=1 pcache=64G", &r), 0);
	HT_EXPECT_EQ(t, t_node, 255);
	HT_EXPECT_EQ(t, t_ways, 1);
	HT_EXPECT_EQ(t, t_pcache, 64ULL << 30);

	/* Last one wins; empty string value is valid for STRING. */
	HT_EXPECT_EQ(t, parse("node=1 node=2 name=a name=\"\" node=7", &r), 0);
	HT_EXPECT_EQ(t, t_node, 7);
	HT_EXPECT_STREQ(t, t_name, "");

	/* Nothing to parse. */
	HT_EXPECT_EQ(t, parse("", &r), 0);
	HT_EXPECT_EQ(t, parse("   \t\n", &r), 0);
	HT_EXPECT_EQ(t, parse(NULL, &r), 0);
	HT_EXPECT_EQ(t, t_node, 0);
	HT_EXPECT_STREQ(t, t_name, "dflt");
}

static void test_messages(struct htest *t)
{
	struct reports r;

	HT_EXPECT_EQ(t, parse("role=foo", &r), 1);
	HT_EXPECT_STREQ(t, r.msg[0], "role=foo: invalid value 'foo' (accepted: "
			"none, processor, memory, storage); using default");
	HT_EXPECT_EQ(t, t_role, 0);

	HT_EXPECT_EQ(t, parse("pcache=12Q", &r), 1);
	HT_EXPECT_STREQ(t, r.msg[0], "pcache=12Q: malformed size '12Q' (expected "
			"a number with optional K/M/G/T suffix); using default");
	HT_EXPECT_EQ(t, t_pcache, 256ULL << 20);

	HT_EXPECT_EQ(t, parse("node=70000", &r), 1);
	HT_EXPECT_STREQ(t, r.msg[0], "node=70000: value out of range (0..255); using default");
	HT_EXPECT_EQ(t, parse("node=99999999999999999999999", &r), 1);
	HT_EXPECT_STREQ(t, r.msg[0], "node=99999999999999999999999: value out of "
			"range (0..255); using default");
	HT_EXPECT_EQ(t, parse("node=-1", &r), 1);
	HT_EXPECT_STREQ(t, r.msg[0], "node=-1: malformed number '-1' (expected "
			"decimal or 0x-prefixed hex); using default");

	HT_EXPECT_EQ(t, parse("pcache=512K pcache.ways=0", &r), 2);
	HT_EXPECT_STREQ(t, r.msg[0], "pcache=512K: value out of range (1M..64G); using default");
	HT_EXPECT_STREQ(t, r.msg[1], "pcache.ways=0: value out of range (1..64); using default");
	HT_EXPECT_EQ(t, parse("buf=1K", &r), 1);
	HT_EXPECT_STREQ(t, r.msg[0], "buf=1K: value out of range (>= 4K); using default");

	HT_EXPECT_EQ(t, parse("bogus bogus2=1", &r), 2);
	HT_EXPECT_STREQ(t, r.msg[0], "unknown parameter 'bogus' ignored");
	HT_EXPECT_STREQ(t, r.msg[1], "unknown parameter 'bogus2' ignored");

	HT_EXPECT_EQ(t, parse("debug=maybe", &r), 1);
	HT_EXPECT_STREQ(t, r.msg[0], "debug=maybe: invalid value 'maybe' (accepted: "
			"1, 0, y, n, yes, no, on, off, true, false); using default");
	HT_EXPECT(t, !t_debug);

	HT_EXPECT_EQ(t, parse("role node", &r), 2);
	HT_EXPECT_STREQ(t, r.msg[0], "role: missing value (accepted: none, "
			"processor, memory, storage); using default");
	HT_EXPECT_STREQ(t, r.msg[1], "node: missing value; using default");

	HT_EXPECT_EQ(t, parse("name=0123456789abcdef", &r), 1);
	HT_EXPECT_STREQ(t, r.msg[0], "name: value too long (16 characters, at "
			"most 15); using default");
	HT_EXPECT_STREQ(t, t_name, "dflt");
	HT_EXPECT_EQ(t, parse("name=0123456789abcde", &r), 0);
	HT_EXPECT_STREQ(t, t_name, "0123456789abcde");

	HT_EXPECT_EQ(t, parse("=value", &r), 1);
	HT_EXPECT_STREQ(t, r.msg[0], "missing parameter name in '=value'; ignored");

	/* A bad repeat keeps the earlier good value, and says so. */
	HT_EXPECT_EQ(t, parse("node=5 node=500", &r), 1);
	HT_EXPECT_EQ(t, t_node, 5);
	HT_EXPECT_STREQ(t, r.msg[0], "node=500: value out of range (0..255); "
			"keeping previous value");
}

static void test_quotes(struct htest *t)
{
	struct reports r;

	HT_EXPECT_EQ(t, parse("role=\"memory\" name=\"a=b c\" node=1", &r), 0);
	HT_EXPECT_EQ(t, t_role, 2);
	HT_EXPECT_STREQ(t, t_name, "a=b c");
	HT_EXPECT_EQ(t, t_node, 1);

	HT_EXPECT_EQ(t, parse("node=4 name=\"unterminated value", &r), 1);
	HT_EXPECT_STREQ(t, r.msg[0], "name: unterminated quote in "
			"'name=\"unterminated value'; using default");
	HT_EXPECT_EQ(t, t_node, 4);
	HT_EXPECT_STREQ(t, t_name, "dflt");

	HT_EXPECT_EQ(t, parse("name=\"ab\"cd node=2", &r), 1);
	HT_EXPECT_STREQ(t, r.msg[0], "name: characters after the closing quote "
			"in 'name=\"ab\"cd'; using default");
	HT_EXPECT_EQ(t, t_node, 2);

	/* An open quote runs to the end of the line, and we say so. */
	HT_EXPECT_EQ(t, parse("x=\"open node=3 role=memory", &r), 1);
	HT_EXPECT_STREQ(t, r.msg[0], "unknown parameter 'x' ignored; its "
			"unterminated quote swallowed the rest of the line");
	HT_EXPECT_EQ(t, t_node, 0);
	memset(&r, 0, sizeof(r));
	HT_EXPECT_EQ(t, params_parse("x=\"open node=3", table, ARRAY_SIZE(table),
				     PARAMS_IGNORE_UNKNOWN, collect, &r), 1);
	HT_EXPECT_STREQ(t, r.msg[0], "unterminated quote in 'x=\"open node=3'; "
			"rest of the line ignored");

	/* An unknown parameter's quoted value is skipped as one token. */
	HT_EXPECT_EQ(t, parse("x=\"node=9 role=memory\" node=3", &r), 1);
	HT_EXPECT_STREQ(t, r.msg[0], "unknown parameter 'x' ignored");
	HT_EXPECT_EQ(t, t_node, 3);
	HT_EXPECT_EQ(t, t_role, 0);
}

static void test_flags_and_separator(struct htest *t)
{
	struct reports r = { 0 };

	reset();
	HT_EXPECT_EQ(t, params_parse("console=ttyS0 node=9 bogus", table,
				     ARRAY_SIZE(table), PARAMS_IGNORE_UNKNOWN,
				     collect, &r), 0);
	HT_EXPECT_EQ(t, r.nr, 0);
	HT_EXPECT_EQ(t, t_node, 9);
	/* Problems other than unknown names are still reported. */
	HT_EXPECT_EQ(t, params_parse("bogus node=x", table, ARRAY_SIZE(table),
				     PARAMS_IGNORE_UNKNOWN, collect, &r), 1);

	/* "--" hands the rest of the line to init. */
	HT_EXPECT_EQ(t, parse("node=1 -- node=2 junk", &r), 0);
	HT_EXPECT_EQ(t, t_node, 1);
	HT_EXPECT_EQ(t, parse("node=1 --x", &r), 1);

	/* report may be NULL: problems are still counted. */
	reset();
	HT_EXPECT_EQ(t, params_parse("a b c node=1", table, ARRAY_SIZE(table),
				     0, NULL, NULL), 3);
	HT_EXPECT_EQ(t, t_node, 1);
}

static void test_hostile_input(struct htest *t)
{
	static char line[4200];
	struct reports r;
	unsigned long long s = 0x1234567;
	int n;

	/* A token far longer than any buffer, quoted in messages. */
	memset(line, 'A', 4000);
	memcpy(line, "node=", 5);
	line[4000] = '\0';
	HT_EXPECT_EQ(t, parse(line, &r), 1);
	HT_EXPECT(t, strlen(r.msg[0]) < 200);
	HT_EXPECT(t, strstr(r.msg[0], "malformed number") != NULL);
	HT_EXPECT(t, strstr(r.msg[0], "...") != NULL);
	memcpy(line, "name=", 5);
	HT_EXPECT_EQ(t, parse(line, &r), 1);
	HT_EXPECT(t, strstr(r.msg[0], "value too long (3995 characters") != NULL);
	memcpy(line, "role=", 5);
	HT_EXPECT_EQ(t, parse(line, &r), 1);
	memcpy(line, "AAAAA", 5);
	HT_EXPECT_EQ(t, parse(line, &r), 1);
	HT_EXPECT(t, strstr(r.msg[0], "unknown parameter 'AAAA") != NULL);

	/* Control characters in messages come out as '?'. */
	HT_EXPECT_EQ(t, parse("role=\x01\x7f", &r), 1);
	HT_EXPECT_STREQ(t, r.msg[0], "role=?" "?: invalid value '?" "?' (accepted: "
			"none, processor, memory, storage); using default");

	/* Odd shapes: none may crash; all must be counted. */
	HT_EXPECT_EQ(t, parse("=", &r), 1);
	HT_EXPECT_EQ(t, parse("==", &r), 1);
	HT_EXPECT_EQ(t, parse("\"", &r), 1);
	HT_EXPECT_EQ(t, parse("name=\"", &r), 1);
	HT_EXPECT_EQ(t, parse("name=\"\"\"", &r), 1);
	HT_EXPECT_EQ(t, parse("node=", &r), 1);
	HT_EXPECT_EQ(t, parse("debug=", &r), 1);
	HT_EXPECT_EQ(t, parse("role=", &r), 1);
	HT_EXPECT_EQ(t, parse("pcache=", &r), 1);
	HT_EXPECT_EQ(t, parse("node==5", &r), 1);
	HT_EXPECT_EQ(t, t_node, 0);

	/* 4 KiB of random bytes (no NUL), several times. */
	for (int round = 0; round < 50; round++) {
		for (int i = 0; i < 4096; i++) {
			s ^= s << 13;
			s ^= s >> 7;
			s ^= s << 17;
			line[i] = (char)(s % 255 + 1);
		}
		line[4096] = '\0';
		n = parse(line, &r);
		HT_EXPECT(t, n >= 0 && n == r.nr);
	}
	/* Random text from the parser's own alphabet. */
	for (int round = 0; round < 200; round++) {
		static const char alpha[] = "node=role\"pcache.ways 1M=\"\t";

		for (int i = 0; i < 4096; i++) {
			s ^= s << 13;
			s ^= s >> 7;
			s ^= s << 17;
			line[i] = alpha[s % (sizeof(alpha) - 1)];
		}
		line[4096] = '\0';
		n = parse(line, &r);
		HT_EXPECT(t, n == r.nr);
	}
}

static void test_format_value(struct htest *t)
{
	char buf[64];

	reset();
	HT_EXPECT_EQ(t, param_format_value(&table[0], buf, sizeof(buf)), 1);
	HT_EXPECT_STREQ(t, buf, "n");
	param_format_value(&table[1], buf, sizeof(buf));
	HT_EXPECT_STREQ(t, buf, "y");
	t_node = 42;
	param_format_value(&table[2], buf, sizeof(buf));
	HT_EXPECT_STREQ(t, buf, "42");
	param_format_value(&table[4], buf, sizeof(buf));
	HT_EXPECT_STREQ(t, buf, "256M");
	t_pcache = 3ULL << 40;
	param_format_value(&table[4], buf, sizeof(buf));
	HT_EXPECT_STREQ(t, buf, "3T");
	t_pcache = 1536;
	param_format_value(&table[4], buf, sizeof(buf));
	HT_EXPECT_STREQ(t, buf, "1536");
	t_pcache = 0;
	param_format_value(&table[4], buf, sizeof(buf));
	HT_EXPECT_STREQ(t, buf, "0");
	t_role = 1;
	param_format_value(&table[6], buf, sizeof(buf));
	HT_EXPECT_STREQ(t, buf, "processor");
	t_role = 9;
	param_format_value(&table[6], buf, sizeof(buf));
	HT_EXPECT_STREQ(t, buf, "<invalid 9>");
	t_role = -1;
	param_format_value(&table[6], buf, sizeof(buf));
	HT_EXPECT_STREQ(t, buf, "(unset)");
	param_format_value(&table[7], buf, sizeof(buf));
	HT_EXPECT_STREQ(t, buf, "dflt");
	strscpy(t_name, "a b", sizeof(t_name));
	param_format_value(&table[7], buf, sizeof(buf));
	HT_EXPECT_STREQ(t, buf, "\"a b\"");
	t_name[0] = '\0';
	param_format_value(&table[7], buf, sizeof(buf));
	HT_EXPECT_STREQ(t, buf, "\"\"");
	HT_EXPECT_EQ(t, param_format_value(&table[6], buf, 4), 3);
}

/* The registration macros, as the kernel's subsystems use them. */
static bool sec_verbose;
static unsigned int sec_pollers = 2;
static unsigned long long sec_pcache = 128ULL << 20;
static int sec_role = 1;
static char sec_peers[32] = "";

PARAM_BOOL("verbose", sec_verbose, "chatty boot");
PARAM_UINT("fit.pollers", sec_pollers, 1, 8, "FIT polling threads");
PARAM_SIZE("pcache", sec_pcache, 1 << 20, 0, "processor cache size");
PARAM_ENUM("role", sec_role, roles, "node role");
PARAM_STRING("fit.peers", sec_peers, "explicit peer list");

extern const struct kernel_param __start___param[], __stop___param[];

static void test_section_cmdline(struct htest *t)
{
	printk_len = 0;
	printk_log[0] = '\0';
	HT_ASSERT_EQ(t, __stop___param - __start___param, 5);
	HT_EXPECT_EQ(t, params_parse_cmdline("role=storage fit.pollers=9 "
					     "fit.peers=1,2,3 verbose bogus"), 2);
	HT_EXPECT_EQ(t, sec_role, 3);
	HT_EXPECT_EQ(t, sec_pollers, 2);
	HT_EXPECT(t, sec_verbose);
	HT_EXPECT_STREQ(t, sec_peers, "1,2,3");
	HT_EXPECT_STREQ(t, printk_log,
			"cmdline: fit.pollers=9: value out of range (1..8); using default\n"
			"cmdline: unknown parameter 'bogus' ignored\n");

	HT_EXPECT(t, param_was_set("role"));
	HT_EXPECT(t, param_was_set("verbose"));
	HT_EXPECT(t, param_was_set("fit.peers"));
	HT_EXPECT(t, !param_was_set("fit.pollers"));
	HT_EXPECT(t, !param_was_set("pcache"));
	HT_EXPECT(t, !param_was_set("bogus"));
	HT_EXPECT(t, !param_was_set("fit"));

	/* A params_parse() of another table leaves the record alone. */
	{
		struct reports r;

		parse("node=1 debug", &r);
		HT_EXPECT(t, param_was_set("role"));
		HT_EXPECT(t, !param_was_set("debug"));
	}

	printk_len = 0;
	params_dump();
	HT_EXPECT(t, strstr(printk_log, "param role=storage\n") != NULL);
	HT_EXPECT(t, strstr(printk_log, "param verbose=y\n") != NULL);
	HT_EXPECT(t, strstr(printk_log, "param fit.pollers=2 (default) [1..8]\n") != NULL);
	HT_EXPECT(t, strstr(printk_log, "param pcache=128M (default)\n") != NULL);
	HT_EXPECT(t, strstr(printk_log, "param fit.peers=1,2,3\n") != NULL);

	/* A second boot-time parse replaces the record. */
	printk_len = 0;
	HT_EXPECT_EQ(t, params_parse_cmdline("pcache=512M"), 0);
	HT_EXPECT_EQ(t, sec_pcache, 512ULL << 20);
	HT_EXPECT(t, param_was_set("pcache"));
	HT_EXPECT(t, !param_was_set("role"));
	HT_EXPECT_EQ(t, params_parse_cmdline(NULL), 0);
	HT_EXPECT_EQ(t, printk_len, 0);
}

static const struct htest_case cases[] = {
	HT_CASE(test_valid),
	HT_CASE(test_messages),
	HT_CASE(test_quotes),
	HT_CASE(test_flags_and_separator),
	HT_CASE(test_hostile_input),
	HT_CASE(test_format_value),
	HT_CASE(test_section_cmdline),
	{}
};

HTEST_MAIN(cases)
