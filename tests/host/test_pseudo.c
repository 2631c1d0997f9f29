/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests of managers/processor/pseudo_fmt.c, the text layouts of
 * /proc and /sys.  Expected strings are written out by hand from
 * proc(5) and from lines a Linux 6.x host printed (quoted in the
 * comments), never produced by the code under test.
 */
/* HTEST-SOURCES: managers/processor/pseudo_fmt.c lib/vsprintf.c lib/string.c */
#include "htest.h"
#include <string.h>

#include "../../managers/processor/pseudo_fmt.h"

/* lib/vsprintf.c's %pS needs it; nothing here prints symbols. */
int sprint_symbol(char *buf, size_t size, unsigned long addr)
{
	return snprintf(buf, size, "%#lx", addr);
}

static void test_cpulist(struct htest *t)
{
	char buf[64];

	HT_EXPECT_EQ(t, pseudo_fmt_cpulist(0x1, buf, sizeof(buf)), 1);
	HT_EXPECT_STREQ(t, buf, "0");
	pseudo_fmt_cpulist(0x3, buf, sizeof(buf));
	HT_EXPECT_STREQ(t, buf, "0-1");
	pseudo_fmt_cpulist(0x2f, buf, sizeof(buf));	/* 0,1,2,3,5 */
	HT_EXPECT_STREQ(t, buf, "0-3,5");
	pseudo_fmt_cpulist(0x5, buf, sizeof(buf));
	HT_EXPECT_STREQ(t, buf, "0,2");
	pseudo_fmt_cpulist(0xf0, buf, sizeof(buf));
	HT_EXPECT_STREQ(t, buf, "4-7");
	pseudo_fmt_cpulist(0x8000000000000001ULL, buf, sizeof(buf));
	HT_EXPECT_STREQ(t, buf, "0,63");
	pseudo_fmt_cpulist(~0ULL, buf, sizeof(buf));
	HT_EXPECT_STREQ(t, buf, "0-63");
	HT_EXPECT_EQ(t, pseudo_fmt_cpulist(0, buf, sizeof(buf)), 0);
	HT_EXPECT_STREQ(t, buf, "");
	/* Truncation keeps a NUL and reports the full length. */
	HT_EXPECT_EQ(t, pseudo_fmt_cpulist(0x2f, buf, 4), 5);
	HT_EXPECT_STREQ(t, buf, "0-3");
}

static void test_stat_cpu(struct htest *t)
{
	const u64 ticks[PSEUDO_STAT_COLS] = {
		1135422, 11212, 273750, 692489, 1327, 0, 22616, 0, 0, 0,
	};
	const u64 zero[PSEUDO_STAT_COLS] = { 0 };
	char buf[256];

	/* "cpu  1135422 11212 273750 692489 1327 0 22616 0 0 0" (Linux) */
	pseudo_fmt_stat_cpu(-1, ticks, buf, sizeof(buf));
	HT_EXPECT_STREQ(t, buf,
			"cpu  1135422 11212 273750 692489 1327 0 22616 0 0 0\n");
	pseudo_fmt_stat_cpu(1, zero, buf, sizeof(buf));
	HT_EXPECT_STREQ(t, buf, "cpu1 0 0 0 0 0 0 0 0 0 0\n");
	pseudo_fmt_stat_cpu(12, zero, buf, sizeof(buf));
	HT_EXPECT_STREQ(t, buf, "cpu12 0 0 0 0 0 0 0 0 0 0\n");
}

static void test_meminfo(struct htest *t)
{
	char buf[128];

	/* "MemTotal:       24683748 kB" and "SwapTotal:             0 kB" */
	pseudo_fmt_meminfo("MemTotal", 24683748, buf, sizeof(buf));
	HT_EXPECT_STREQ(t, buf, "MemTotal:       24683748 kB\n");
	pseudo_fmt_meminfo("SwapTotal", 0, buf, sizeof(buf));
	HT_EXPECT_STREQ(t, buf, "SwapTotal:             0 kB\n");
	pseudo_fmt_meminfo("MemAvailable", 1024, buf, sizeof(buf));
	HT_EXPECT_STREQ(t, buf, "MemAvailable:       1024 kB\n");
	/* Wider than 8 digits pushes the column right, as Linux. */
	pseudo_fmt_meminfo("VmallocTotal", 34359738367ULL, buf, sizeof(buf));
	HT_EXPECT_STREQ(t, buf, "VmallocTotal:   34359738367 kB\n");
}

static void test_status_kb(struct htest *t)
{
	char buf[64];

	/* "VmPeak:\t    3708 kB" and "VmLck:\t       0 kB" */
	pseudo_fmt_status_kb("VmPeak", 3708, buf, sizeof(buf));
	HT_EXPECT_STREQ(t, buf, "VmPeak:\t    3708 kB\n");
	pseudo_fmt_status_kb("VmLck", 0, buf, sizeof(buf));
	HT_EXPECT_STREQ(t, buf, "VmLck:\t       0 kB\n");
}

/* Field @n (1-based, proc(5) numbering) of a stat line, into @out. */
static int stat_field(const char *line, int n, char *out, size_t size)
{
	const char *p = strrchr(line, ')');	/* comm may hold spaces */
	int field = 2;
	size_t len;

	if (n == 1) {
		len = strcspn(line, " ");
	} else if (n == 2) {
		p = strchr(line, '(');
		len = strrchr(line, ')') - p + 1;
		line = p;
	} else {
		while (field < n && p) {
			p = strchr(p + 1, ' ');
			field++;
		}
		if (!p)
			return -1;
		line = p + 1;
		len = strcspn(line, " \n");
	}
	if (len + 1 > size)
		return -1;
	memcpy(out, line, len);
	out[len] = '\0';
	return 0;
}

static void test_pid_stat(struct htest *t)
{
	const struct pseudo_pid_stat s = {
		.pid = 15839, .comm = "a b) c", .state = 'R',
		.ppid = 7, .pgrp = 8, .session = 9,
		.num_threads = 3, .starttime = 1065796, .vsize = 3133440,
		.rss = 390, .startstack = 140723871450448ULL,
		.start_brk = 93887749775360ULL,
		.arg_start = 140723871451591ULL,
		.arg_end = 140723871451611ULL,
		.env_start = 140723871451611ULL,
		.env_end = 140723871453163ULL,
	};
	/* proc(5) numbering -> the value expected there. */
	static const struct { int n; const char *want; } fields[] = {
		{ 1, "15839" }, { 2, "(a b) c)" }, { 3, "R" }, { 4, "7" },
		{ 5, "8" }, { 6, "9" }, { 7, "0" }, { 8, "-1" }, { 9, "0" },
		{ 14, "0" }, { 18, "20" }, { 19, "0" }, { 20, "3" },
		{ 21, "0" }, { 22, "1065796" }, { 23, "3133440" },
		{ 24, "390" }, { 25, "18446744073709551615" },
		{ 28, "140723871450448" }, { 38, "17" }, { 39, "0" },
		{ 46, "0" }, { 47, "93887749775360" },
		{ 48, "140723871451591" }, { 49, "140723871451611" },
		{ 50, "140723871451611" }, { 51, "140723871453163" },
		{ 52, "0" },
	};
	char buf[1024], field[64];
	int len, spaces = 0;

	len = pseudo_fmt_pid_stat(&s, buf, sizeof(buf));
	HT_ASSERT(t, len > 0 && len < (int)sizeof(buf));
	HT_EXPECT_EQ(t, buf[len - 1], '\n');
	/* 52 fields: 51 separating spaces, plus the 2 inside comm. */
	for (int i = 0; i < len; i++)
		spaces += buf[i] == ' ';
	HT_EXPECT_EQ(t, spaces, 51 + 2);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		HT_ASSERT_EQ(t, stat_field(buf, fields[i].n, field,
					   sizeof(field)), 0);
		HT_EXPECT_STREQ(t, field, fields[i].want);
	}
	HT_EXPECT_EQ(t, stat_field(buf, 53, field, sizeof(field)), -1);
}

static void test_cpu_flags(struct htest *t)
{
	u32 words[PSEUDO_CPUID_WORDS] = { 0 };
	char buf[512];

	HT_EXPECT_EQ(t, pseudo_fmt_cpu_flags(words, buf, sizeof(buf)), 0);
	HT_EXPECT_STREQ(t, buf, "");
	/*
	 * CPUID.1:EDX bit 0 FPU, 4 TSC, 25 SSE, 26 SSE2; bit 10 is
	 * reserved.  CPUID.80000001h:EDX bit 29 LM, bit 11 SYSCALL.
	 * CPUID.1:ECX bit 0 SSE3 ("pni" in Linux), bit 27 OSXSAVE (not
	 * shown), bit 28 AVX.  CPUID.7.0:EBX bit 5 AVX2.  CPUID.Dh.1:EAX
	 * bit 0 XSAVEOPT.
	 */
	words[PSEUDO_CPUID_1_EDX] = 1u << 0 | 1u << 4 | 1u << 10 | 1u << 25 |
				    1u << 26;
	words[PSEUDO_CPUID_81_EDX] = 1u << 11 | 1u << 29;
	words[PSEUDO_CPUID_1_ECX] = 1u << 0 | 1u << 27 | 1u << 28;
	words[PSEUDO_CPUID_7_EBX] = 1u << 5;
	words[PSEUDO_CPUID_D1_EAX] = 1u << 0;
	pseudo_fmt_cpu_flags(words, buf, sizeof(buf));
	HT_EXPECT_STREQ(t, buf,
			"fpu tsc sse sse2 syscall lm pni avx avx2 xsaveopt");
	/* A host's word: "sse4_1 sse4_2 x2apic movbe popcnt". */
	memset(words, 0, sizeof(words));
	words[PSEUDO_CPUID_1_ECX] = 1u << 19 | 1u << 20 | 1u << 21 |
				    1u << 22 | 1u << 23;
	pseudo_fmt_cpu_flags(words, buf, sizeof(buf));
	HT_EXPECT_STREQ(t, buf, "sse4_1 sse4_2 x2apic movbe popcnt");
}

static const struct htest_case cases[] = {
	HT_CASE(test_cpulist),
	HT_CASE(test_stat_cpu),
	HT_CASE(test_meminfo),
	HT_CASE(test_status_kb),
	HT_CASE(test_pid_stat),
	HT_CASE(test_cpu_flags),
	{}
};

HTEST_MAIN(cases)
