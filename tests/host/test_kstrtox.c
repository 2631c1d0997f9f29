/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests for lib/kstrtox.c: the strict number parsers.  Expected
 * values are written out by hand (2^64 - 1 = 18446744073709551615 and so
 * on); every rejection also checks that the result was not written.
 */
/* HTEST-SOURCES: lib/kstrtox.c lib/string.c */
#include "htest.h"
#include <tessera/kernel.h>
#include <tessera/errno.h>

#define POISON_U64	0x5a5a5a5a5a5a5a5aULL

struct ull_case {
	const char *s;
	unsigned int base;
	int err;
	unsigned long long val;
};

static void test_kstrtoull(struct htest *t)
{
	static const struct ull_case cases[] = {
		{ "0", 10, 0, 0 },
		{ "42", 10, 0, 42 },
		{ "+42", 10, 0, 42 },
		{ "42\n", 10, 0, 42 },
		{ "18446744073709551615", 10, 0, 18446744073709551615ULL },
		{ "18446744073709551616", 10, -ERANGE, 0 },
		{ "99999999999999999999999", 10, -ERANGE, 0 },
		{ "ffffffffffffffff", 16, 0, 18446744073709551615ULL },
		{ "0x10000000000000000", 16, -ERANGE, 0 },
		{ "0xff", 16, 0, 255 },
		{ "FF", 16, 0, 255 },
		{ "0xff", 0, 0, 255 },
		{ "0XfF", 0, 0, 255 },
		{ "017", 0, 0, 15 },
		{ "017", 10, 0, 17 },
		{ "0", 0, 0, 0 },
		{ "1777777777777777777777", 8, 0, 18446744073709551615ULL },
		{ "2000000000000000000000", 8, -ERANGE, 0 },
		{ "101", 2, 0, 5 },
		{ "", 10, -EINVAL, 0 },
		{ "\n", 10, -EINVAL, 0 },
		{ "+", 10, -EINVAL, 0 },
		{ "-1", 10, -EINVAL, 0 },
		{ "-0", 10, -EINVAL, 0 },
		{ " 1", 10, -EINVAL, 0 },
		{ "1 ", 10, -EINVAL, 0 },
		{ "1\n\n", 10, -EINVAL, 0 },
		{ "12a", 10, -EINVAL, 0 },
		{ "0x", 0, -EINVAL, 0 },
		{ "0x", 16, -EINVAL, 0 },
		{ "0xg", 16, -EINVAL, 0 },
		{ "08", 0, -EINVAL, 0 },
		{ "2", 2, -EINVAL, 0 },
		{ "++1", 10, -EINVAL, 0 },
		{ "1", 1, -EINVAL, 0 },
		{ "1", 17, -EINVAL, 0 },
		/* Overflow with junk after it is malformed, not a range error. */
		{ "99999999999999999999x", 10, -EINVAL, 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct ull_case *c = &cases[i];
		unsigned long long v = POISON_U64;
		int err = kstrtoull(c->s, c->base, &v);

		if (err != c->err || v != (c->err ? POISON_U64 : c->val))
			HT_FAIL(t, "kstrtoull(\"%s\", %u): %d %llu", c->s,
				c->base, err, v);
	}
}

static void test_kstrtoll(struct htest *t)
{
	long long v;

	HT_EXPECT_EQ(t, kstrtoll("-42", 10, &v), 0);
	HT_EXPECT_EQ(t, v, -42);
	HT_EXPECT_EQ(t, kstrtoll("+42", 10, &v), 0);
	HT_EXPECT_EQ(t, v, 42);
	HT_EXPECT_EQ(t, kstrtoll("9223372036854775807", 10, &v), 0);
	HT_EXPECT(t, v == 9223372036854775807LL);
	HT_EXPECT_EQ(t, kstrtoll("-9223372036854775808", 10, &v), 0);
	HT_EXPECT(t, v == -9223372036854775807LL - 1);
	v = 7;
	HT_EXPECT_EQ(t, kstrtoll("9223372036854775808", 10, &v), -ERANGE);
	HT_EXPECT_EQ(t, kstrtoll("-9223372036854775809", 10, &v), -ERANGE);
	HT_EXPECT_EQ(t, kstrtoll("-", 10, &v), -EINVAL);
	HT_EXPECT_EQ(t, kstrtoll("--1", 10, &v), -EINVAL);
	HT_EXPECT_EQ(t, kstrtoll("-+1", 10, &v), -EINVAL);
	HT_EXPECT_EQ(t, kstrtoll("+-1", 10, &v), -EINVAL);
	HT_EXPECT_EQ(t, v, 7);
	HT_EXPECT_EQ(t, kstrtoll("-0x10", 0, &v), 0);
	HT_EXPECT_EQ(t, v, -16);
	HT_EXPECT_EQ(t, kstrtoll("-0", 10, &v), 0);
	HT_EXPECT_EQ(t, v, 0);
}

static void test_kstrtoint_uint(struct htest *t)
{
	unsigned int u = 99;
	int i = 99;

	HT_EXPECT_EQ(t, kstrtouint("4294967295", 10, &u), 0);
	HT_EXPECT_EQ(t, u, 4294967295U);
	HT_EXPECT_EQ(t, kstrtouint("4294967296", 10, &u), -ERANGE);
	HT_EXPECT_EQ(t, u, 4294967295U);
	HT_EXPECT_EQ(t, kstrtouint("-1", 10, &u), -EINVAL);
	HT_EXPECT_EQ(t, kstrtouint("0x100", 0, &u), 0);
	HT_EXPECT_EQ(t, u, 256);
	HT_EXPECT_EQ(t, kstrtoint("2147483647", 10, &i), 0);
	HT_EXPECT_EQ(t, i, 2147483647);
	HT_EXPECT_EQ(t, kstrtoint("-2147483648", 10, &i), 0);
	HT_EXPECT_EQ(t, i, -2147483647 - 1);
	HT_EXPECT_EQ(t, kstrtoint("2147483648", 10, &i), -ERANGE);
	HT_EXPECT_EQ(t, kstrtoint("-2147483649", 10, &i), -ERANGE);
	HT_EXPECT_EQ(t, i, -2147483647 - 1);
	HT_EXPECT_EQ(t, kstrtoint("12\n", 10, &i), 0);
	HT_EXPECT_EQ(t, i, 12);
	HT_EXPECT_EQ(t, kstrtoint("1 2", 10, &i), -EINVAL);
}

static void test_kstrtobool(struct htest *t)
{
	static const char *const yes[] = {
		"1", "y", "Y", "yes", "YES", "Yes", "on", "ON", "true", "True",
		"y\n",
	};
	static const char *const no[] = {
		"0", "n", "N", "no", "NO", "off", "Off", "false", "FALSE", "0\n",
	};
	static const char *const bad[] = {
		"", "2", "yess", "of", "offf", "tru", "truee", "-1", " y", "y ",
		"10", "nope", "\n", "o",
	};
	bool b;

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		b = false;
		HT_EXPECT_EQ(t, kstrtobool(yes[i], &b), 0);
		HT_EXPECT(t, b);
	}
	for (size_t i = 0; i < ARRAY_SIZE(no); i++) {
		b = true;
		HT_EXPECT_EQ(t, kstrtobool(no[i], &b), 0);
		HT_EXPECT(t, !b);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		b = true;
		if (kstrtobool(bad[i], &b) != -EINVAL || !b)
			HT_FAIL(t, "kstrtobool accepted \"%s\"", bad[i]);
	}
}

static void test_kstrtosize(struct htest *t)
{
	static const struct ull_case cases[] = {
		{ "4096", 0, 0, 4096 },
		{ "0", 0, 0, 0 },
		{ "1K", 0, 0, 1024 },
		{ "1k", 0, 0, 1024 },
		{ "256M", 0, 0, 268435456 },
		{ "256m", 0, 0, 268435456 },
		{ "8G", 0, 0, 8589934592ULL },
		{ "3g", 0, 0, 3221225472ULL },
		{ "2T", 0, 0, 2199023255552ULL },
		{ "0x1000", 0, 0, 4096 },
		{ "0x10M", 0, 0, 16777216 },
		{ "010", 0, 0, 10 },
		{ "512M\n", 0, 0, 536870912 },
		{ "16777215T", 0, 0, 18446742974197923840ULL },
		{ "16777216T", 0, -ERANGE, 0 },
		{ "17179869184G", 0, -ERANGE, 0 },
		{ "18446744073709551615", 0, 0, 18446744073709551615ULL },
		{ "18446744073709551616", 0, -ERANGE, 0 },
		{ "12X", 0, -EINVAL, 0 },
		{ "", 0, -EINVAL, 0 },
		{ "M", 0, -EINVAL, 0 },
		{ "-1", 0, -EINVAL, 0 },
		{ "+1", 0, -EINVAL, 0 },
		{ "1MB", 0, -EINVAL, 0 },
		{ "1KK", 0, -EINVAL, 0 },
		{ "1 M", 0, -EINVAL, 0 },
		{ "1.5G", 0, -EINVAL, 0 },
		{ "12Q", 0, -EINVAL, 0 },
		{ "0x", 0, -EINVAL, 0 },
		{ "K1", 0, -EINVAL, 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct ull_case *c = &cases[i];
		unsigned long long v = POISON_U64;
		int err = kstrtosize(c->s, &v);

		if (err != c->err || v != (c->err ? POISON_U64 : c->val))
			HT_FAIL(t, "kstrtosize(\"%s\"): %d %llu", c->s, err, v);
	}
}

static const struct htest_case cases[] = {
	HT_CASE(test_kstrtoull),
	HT_CASE(test_kstrtoll),
	HT_CASE(test_kstrtoint_uint),
	HT_CASE(test_kstrtobool),
	HT_CASE(test_kstrtosize),
	{}
};

HTEST_MAIN(cases)
