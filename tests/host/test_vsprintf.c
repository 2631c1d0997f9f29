/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests for lib/vsprintf.c.  Three oracles:
 *  - hand-derived vectors in lib/tests/vsprintf_vectors.h (shared with
 *    the in-kernel suite);
 *  - the C library: every standard vector's expectation is also checked
 *    against glibc's vsnprintf, and a generated grid of flag / width /
 *    precision / length / conversion combinations must match glibc byte
 *    for byte;
 *  - a stub sprint_symbol() for %pS.
 */
/* HTEST-SOURCES: lib/vsprintf.c lib/string.c */
#include "htest.h"
#include <stdarg.h>
#include <tessera/kernel.h>
#include <tessera/string.h>
#include "../../lib/tests/vsprintf_vectors.h"

/* The C library's own formatter, under a name host_config.h leaves alone. */
int libc_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__asm__("vsnprintf");
int snprintf_libc(char *buf, size_t size, const char *fmt, ...)
	__asm__("snprintf");

/* kallsyms stand-in: every address is 0x10 into a 0x20-byte "sym". */
static int sprint_symbol_calls;
int sprint_symbol(char *buf, size_t size, unsigned long addr)
{
	sprint_symbol_calls++;
	if (addr == 0xdead)
		return snprintf(buf, size, "0x%lx", addr);
	return snprintf(buf, size, "sym+0x10/0x20");
}

static void vcheck(struct htest *t, bool vs_libc, const char *want,
		   const char *fmt, va_list ap)
{
	char buf[256], ref[256];
	va_list ap2;
	int n, rn;

	va_copy(ap2, ap);
	memset(buf, 0x5a, sizeof(buf));
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (strcmp(buf, want) || n != (int)strlen(want))
		HT_FAIL(t, "fmt \"%s\": got \"%s\" (%d), want \"%s\" (%d)",
			fmt, buf, n, want, (int)strlen(want));
	if (vs_libc) {
		rn = libc_vsnprintf(ref, sizeof(ref), fmt, ap2);
		if (strcmp(ref, want) || rn != n)
			HT_FAIL(t, "fmt \"%s\": libc says \"%s\" (%d), vector \"%s\"",
				fmt, ref, rn, want);
	}
	va_end(ap2);
}

static __printf(3, 4) void check_std(struct htest *t, const char *want,
				     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcheck(t, true, want, fmt, ap);
	va_end(ap);
}

static __printf(3, 4) void check_ours(struct htest *t, const char *want,
				      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcheck(t, false, want, fmt, ap);
	va_end(ap);
}

/* No format attribute on purpose: gcc would reject these formats. */
static void check_nocheck(struct htest *t, const char *want, const char *fmt,
			  ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcheck(t, true, want, fmt, ap);
	va_end(ap);
}

static void check_odd(struct htest *t, const char *want, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcheck(t, false, want, fmt, ap);
	va_end(ap);
}

#define STD(want, fmt, ...)	check_std(t, want, fmt, ##__VA_ARGS__);
#define OURS(want, fmt, ...)	check_ours(t, want, fmt, ##__VA_ARGS__);
#define NOCHECK(want, fmt, ...)	check_nocheck(t, want, fmt, ##__VA_ARGS__);
#define ODD(want, fmt, ...)	check_odd(t, want, fmt, ##__VA_ARGS__);

static void test_integers(struct htest *t)
{
	VSPRINTF_VECTORS_INT_STD(STD)
	VSPRINTF_VECTORS_NOCHECK_STD(NOCHECK)
}

static void test_hex_octal(struct htest *t)
{
	VSPRINTF_VECTORS_HEX_OCT_STD(STD)
}

static void test_length_modifiers(struct htest *t)
{
	VSPRINTF_VECTORS_LENGTH_STD(STD)
}

static void test_chars_strings_star(struct htest *t)
{
	VSPRINTF_VECTORS_CHAR_STR_STD(STD)
}

static void test_pointers(struct htest *t)
{
	VSPRINTF_VECTORS_PTR(OURS)
}

static void test_odd_formats(struct htest *t)
{
	VSPRINTF_VECTORS_ODD(ODD)
}

static __printf(5, 6) void check_trunc(struct htest *t, size_t size,
				       const char *want, int want_ret,
				       const char *fmt, ...)
{
	char buf[64];
	va_list ap;
	int n;

	memset(buf, 0x5a, sizeof(buf));
	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n != want_ret || strcmp(buf, want))
		HT_FAIL(t, "size %zu fmt \"%s\": got \"%s\" (%d)", size, fmt,
			buf, n);
	/* Nothing written past buf[size - 1]. */
	for (size_t i = size; i < sizeof(buf); i++) {
		if (buf[i] != 0x5a) {
			HT_FAIL(t, "size %zu fmt \"%s\": wrote byte %zu", size,
				fmt, i);
			break;
		}
	}
}

#define TRUNC(size, want, ret, fmt, ...) \
	check_trunc(t, size, want, ret, fmt, ##__VA_ARGS__);

static void test_truncation(struct htest *t)
{
	char buf[8] = "xxxxxxx";

	VSPRINTF_VECTORS_TRUNC(TRUNC)
	/* size 0: nothing written, not even the NUL; NULL buf allowed. */
	HT_EXPECT_EQ(t, snprintf(buf, 0, "%s", "hello"), 5);
	HT_EXPECT_EQ(t, buf[0], 'x');
	HT_EXPECT_EQ(t, snprintf(NULL, 0, "%d-%d", 100, -5), 6);
}

static void test_scnprintf(struct htest *t)
{
	char buf[8];

	HT_EXPECT_EQ(t, scnprintf(buf, sizeof(buf), "%s", "abc"), 3);
	HT_EXPECT_STREQ(t, buf, "abc");
	HT_EXPECT_EQ(t, scnprintf(buf, sizeof(buf), "%s", "abcdefgh"), 7);
	HT_EXPECT_STREQ(t, buf, "abcdefg");
	HT_EXPECT_EQ(t, scnprintf(buf, sizeof(buf), "%s", "abcdefg"), 7);
	HT_EXPECT_EQ(t, scnprintf(buf, 1, "%d", 12345), 0);
	HT_EXPECT_STREQ(t, buf, "");
	HT_EXPECT_EQ(t, scnprintf(buf, 0, "%d", 12345), 0);
	/* The usual appending idiom never runs past the end. */
	{
		size_t len = 0;

		for (int i = 0; i < 10; i++)
			len += scnprintf(buf + len, sizeof(buf) - len, "%d,", i);
		HT_EXPECT_EQ(t, len, 7);
		HT_EXPECT_STREQ(t, buf, "0,1,2,3");
	}
}

static void test_symbols(struct htest *t)
{
	char buf[64];
	int n;

	sprint_symbol_calls = 0;
	n = snprintf(buf, sizeof(buf), "at %pS!", (void *)0x1234);
	HT_EXPECT_STREQ(t, buf, "at sym+0x10/0x20!");
	HT_EXPECT_EQ(t, n, 17);
	HT_EXPECT_EQ(t, sprint_symbol_calls, 1);
	n = snprintf(buf, sizeof(buf), "[%20pS]", (void *)0x1234);
	HT_EXPECT_STREQ(t, buf, "[       sym+0x10/0x20]");
	n = snprintf(buf, sizeof(buf), "[%-15pS]", (void *)0x1234);
	HT_EXPECT_STREQ(t, buf, "[sym+0x10/0x20  ]");
	n = snprintf(buf, sizeof(buf), "%pS", (void *)0xdead);
	HT_EXPECT_STREQ(t, buf, "0xdead");
	n = snprintf(buf, 6, "%pS", (void *)0x1234);
	HT_EXPECT_STREQ(t, buf, "sym+0");
	HT_EXPECT_EQ(t, n, 13);
	HT_EXPECT_EQ(t, sprint_symbol_calls, 5);
}

/* snprintf without compile-time format checking. */
static int raw_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static void test_hostile_fields(struct htest *t)
{
	char buf[16];
	int n;

	/* Widths are capped (4096) so a hostile width costs bounded time. */
	n = raw_snprintf(buf, sizeof(buf), "%999999999d", 1);
	HT_EXPECT_EQ(t, n, 4096);
	HT_EXPECT_STREQ(t, buf, "               ");
	n = raw_snprintf(buf, sizeof(buf), "%*d", -2147483647 - 1, 7);
	HT_EXPECT_EQ(t, n, 4096);
	HT_EXPECT_EQ(t, buf[0], '7');
	n = raw_snprintf(buf, sizeof(buf), "%.99999999d", 3);
	HT_EXPECT_EQ(t, n, 4096);
	HT_EXPECT_EQ(t, buf[14], '0');
	n = raw_snprintf(buf, sizeof(buf), "%.*s", 2147483647, "ok");
	HT_EXPECT_EQ(t, n, 2);
}

/*
 * Build "%<flags><width><precision><length><conv>" for every combination
 * below and compare with glibc, for a set of edge values per length.
 */
static void test_grid_vs_libc(struct htest *t)
{
	static const char *const flags[] = {
		"", "-", "0", "+", " ", "#", "-+", "0+", "0 ", "#0", "-#", "+ ",
	};
	static const char *const widths[] = { "", "1", "5", "12", "25" };
	static const char *const precs[] = { "", ".", ".0", ".1", ".3", ".12", ".25" };
	static const char *const lens[] = { "hh", "h", "", "l", "ll", "z", "j", "t" };
	static const char convs[] = "diuxXo";
	static const long long values[] = {
		0, 1, -1, 7, 8, 42, -42, 127, 128, -128, 255, 256, 32767, -32768,
		65535, 2147483647, -2147483647LL - 1, 4294967295LL,
		0x123456789abcdefLL, -9223372036854775807LL - 1,
		9223372036854775807LL,
	};
	char fmt[32], ours[128], ref[128];
	unsigned long compared = 0, mismatches = 0;

	for (size_t f = 0; f < ARRAY_SIZE(flags); f++)
	for (size_t w = 0; w < ARRAY_SIZE(widths); w++)
	for (size_t p = 0; p < ARRAY_SIZE(precs); p++)
	for (size_t l = 0; l < ARRAY_SIZE(lens); l++)
	for (size_t c = 0; c < sizeof(convs) - 1; c++) {
		bool is_signed = convs[c] == 'd' || convs[c] == 'i';

		/* '#' is undefined for d/i/u in C. */
		if (strchr(flags[f], '#') && (is_signed || convs[c] == 'u'))
			continue;
		snprintf(fmt, sizeof(fmt), "[%%%s%s%s%s%c]", flags[f],
			 widths[w], precs[p], lens[l], convs[c]);
		for (size_t v = 0; v < ARRAY_SIZE(values); v++) {
			int n, rn;

			if (lens[l][0] == '\0' || lens[l][0] == 'h') {
				n = snprintf(ours, sizeof(ours), fmt, (int)values[v]);
				rn = snprintf_libc(ref, sizeof(ref), fmt, (int)values[v]);
			} else {
				n = snprintf(ours, sizeof(ours), fmt, values[v]);
				rn = snprintf_libc(ref, sizeof(ref), fmt, values[v]);
			}
			compared++;
			if (n != rn || strcmp(ours, ref)) {
				if (mismatches++ < 10)
					HT_FAIL(t, "fmt %s value %lld: ours \"%s\" (%d), libc \"%s\" (%d)",
						fmt, values[v], ours, n, ref, rn);
			}
		}
	}
	printf("# grid: %lu formatted values compared with libc, %lu mismatches\n",
	       compared, mismatches);
	HT_EXPECT(t, compared > 100000);
	HT_EXPECT_EQ(t, mismatches, 0);
}

static void test_grid_strings_vs_libc(struct htest *t)
{
	static const char *const flags[] = { "", "-" };
	static const char *const widths[] = { "", "0", "1", "4", "9" };
	static const char *const precs[] = { "", ".", ".0", ".2", ".5", ".20" };
	static const char *const strs[] = { "", "a", "tessera", "two words" };
	char fmt[32], ours[64], ref[64];
	int mismatches = 0;

	for (size_t f = 0; f < ARRAY_SIZE(flags); f++)
	for (size_t w = 0; w < ARRAY_SIZE(widths); w++) {
		for (size_t p = 0; p < ARRAY_SIZE(precs); p++) {
			snprintf(fmt, sizeof(fmt), "<%%%s%s%ss>", flags[f],
				 widths[w], precs[p]);
			for (size_t s = 0; s < ARRAY_SIZE(strs); s++) {
				int n = snprintf(ours, sizeof(ours), fmt, strs[s]);
				int rn = snprintf_libc(ref, sizeof(ref), fmt, strs[s]);

				if (n != rn || strcmp(ours, ref))
					mismatches++;
			}
		}
		snprintf(fmt, sizeof(fmt), "<%%%s%sc>", flags[f], widths[w]);
		for (int ch = ' '; ch < 127; ch++) {
			int n = snprintf(ours, sizeof(ours), fmt, ch);
			int rn = snprintf_libc(ref, sizeof(ref), fmt, ch);

			if (n != rn || strcmp(ours, ref))
				mismatches++;
		}
	}
	HT_EXPECT_EQ(t, mismatches, 0);
}

static const struct htest_case cases[] = {
	HT_CASE(test_integers),
	HT_CASE(test_hex_octal),
	HT_CASE(test_length_modifiers),
	HT_CASE(test_chars_strings_star),
	HT_CASE(test_pointers),
	HT_CASE(test_odd_formats),
	HT_CASE(test_truncation),
	HT_CASE(test_scnprintf),
	HT_CASE(test_symbols),
	HT_CASE(test_hostile_fields),
	HT_CASE(test_grid_vs_libc),
	HT_CASE(test_grid_strings_vs_libc),
	{}
};

HTEST_MAIN(cases)
