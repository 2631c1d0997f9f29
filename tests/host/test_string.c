/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests for lib/string.c, <tessera/ctype.h> and lib/errname.c.
 * Expected values are worked out by hand from the C standard's contract
 * of each function; overlapping memmove is checked against a copy made
 * through a separate scratch buffer.
 */
/* HTEST-SOURCES: lib/string.c lib/errname.c */
#include "htest.h"
#include <tessera/string.h>
#include <tessera/ctype.h>
#include <tessera/errno.h>

static void test_memcpy_memset(struct htest *t)
{
	unsigned char a[64], b[64];

	for (int i = 0; i < 64; i++)
		a[i] = i * 7 + 1;
	HT_EXPECT(t, memset(b, 0xa5, sizeof(b)) == b);
	for (int i = 0; i < 64; i++)
		HT_EXPECT_EQ(t, b[i], 0xa5);
	/* Every length and offset in a small window, guard bytes intact. */
	for (int off = 0; off < 8; off++) {
		for (int len = 0; len < 40; len++) {
			memset(b, 0xee, sizeof(b));
			HT_EXPECT(t, memcpy(b + off, a, len) == b + off);
			for (int i = 0; i < 64; i++) {
				unsigned char want = (i >= off && i < off + len) ?
						     a[i - off] : 0xee;
				if (b[i] != want) {
					HT_FAIL(t, "off %d len %d byte %d", off, len, i);
					return;
				}
			}
		}
	}
	memset(b, 0x1ff, 4);	/* only the low byte counts */
	HT_EXPECT_EQ(t, b[0], 0xff);
	HT_EXPECT_EQ(t, b[3], 0xff);
	HT_EXPECT_EQ(t, b[4], 0xee);
	memcpy(b, a, 0);
	HT_EXPECT_EQ(t, b[0], 0xff);
}

static void test_memmove(struct htest *t)
{
	char buf[32], ref[32], tmp[32];

	for (int src = 0; src < 16; src++) {
		for (int dst = 0; dst < 16; dst++) {
			for (int len = 0; len <= 16; len++) {
				for (int i = 0; i < 32; i++)
					buf[i] = ref[i] = 'A' + i;
				/* Reference: via a disjoint scratch buffer. */
				for (int i = 0; i < len; i++)
					tmp[i] = ref[src + i];
				for (int i = 0; i < len; i++)
					ref[dst + i] = tmp[i];
				HT_EXPECT(t, memmove(buf + dst, buf + src, len) == buf + dst);
				if (memcmp(buf, ref, 32)) {
					HT_FAIL(t, "src %d dst %d len %d", src, dst, len);
					return;
				}
			}
		}
	}
}

static void test_memcmp_memchr(struct htest *t)
{
	unsigned char x[] = { 1, 2, 3, 0x80, 5 };
	unsigned char y[] = { 1, 2, 3, 0x7f, 5 };

	HT_EXPECT_EQ(t, memcmp(x, y, 3), 0);
	HT_EXPECT(t, memcmp(x, y, 4) > 0);	/* bytes compare unsigned */
	HT_EXPECT(t, memcmp(y, x, 5) < 0);
	HT_EXPECT_EQ(t, memcmp(x, y, 0), 0);
	HT_EXPECT(t, memchr(x, 3, 5) == x + 2);
	HT_EXPECT(t, memchr(x, 0x80, 5) == x + 3);
	HT_EXPECT(t, memchr(x, 0x180, 5) == x + 3);
	HT_EXPECT(t, memchr(x, 5, 4) == NULL);
	HT_EXPECT(t, memchr(x, 1, 0) == NULL);
	HT_EXPECT_EQ(t, memchr_inv_off(x, 1, 5), 1);
	HT_EXPECT_EQ(t, memchr_inv_off("\0\0\0", 0, 3), 3);
	HT_EXPECT_EQ(t, memchr_inv_off("\0\0\1", 0, 3), 2);
	HT_EXPECT_EQ(t, memchr_inv_off(x, 9, 0), 0);
}

static void test_strlen_strcmp(struct htest *t)
{
	HT_EXPECT_EQ(t, strlen(""), 0);
	HT_EXPECT_EQ(t, strlen("tessera"), 7);
	HT_EXPECT_EQ(t, strnlen("tessera", 3), 3);
	HT_EXPECT_EQ(t, strnlen("tessera", 100), 7);
	HT_EXPECT_EQ(t, strnlen("abc", 0), 0);
	HT_EXPECT_EQ(t, strcmp("abc", "abc"), 0);
	HT_EXPECT(t, strcmp("abc", "abd") < 0);
	HT_EXPECT(t, strcmp("abd", "abc") > 0);
	HT_EXPECT(t, strcmp("ab", "abc") < 0);
	HT_EXPECT(t, strcmp("abc", "ab") > 0);
	HT_EXPECT(t, strcmp("\x80", "\x7f") > 0);
	HT_EXPECT_EQ(t, strcmp("", ""), 0);
	HT_EXPECT_EQ(t, strncmp("abcX", "abcY", 3), 0);
	HT_EXPECT(t, strncmp("abcX", "abcY", 4) < 0);
	HT_EXPECT_EQ(t, strncmp("a", "b", 0), 0);
	HT_EXPECT_EQ(t, strncmp("ab", "ab", 10), 0);
}

static void test_strchr_strstr(struct htest *t)
{
	const char *s = "role=processor";

	HT_EXPECT(t, strchr(s, '=') == s + 4);
	HT_EXPECT(t, strchr(s, 'o') == s + 1);
	HT_EXPECT(t, strrchr(s, 'o') == s + 12);
	HT_EXPECT(t, strchr(s, 'z') == NULL);
	HT_EXPECT(t, strrchr(s, 'z') == NULL);
	HT_EXPECT(t, strchr(s, '\0') == s + 14);
	HT_EXPECT(t, strrchr(s, '\0') == s + 14);
	HT_EXPECT(t, strstr(s, "proc") == s + 5);
	HT_EXPECT(t, strstr(s, "sor") == s + 11);
	HT_EXPECT(t, strstr(s, "sorx") == NULL);
	HT_EXPECT(t, strstr(s, "") == s);
	HT_EXPECT(t, strstr("", "") != NULL);
	HT_EXPECT(t, strstr("", "a") == NULL);
	HT_EXPECT(t, strstr("aaab", "aab") != NULL);
}

static void test_strscpy(struct htest *t)
{
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	HT_EXPECT_EQ(t, strscpy(buf, "abc", sizeof(buf)), 3);
	HT_EXPECT_STREQ(t, buf, "abc");
	HT_EXPECT_EQ(t, strscpy(buf, "1234567", sizeof(buf)), 7);
	HT_EXPECT_STREQ(t, buf, "1234567");
	HT_EXPECT_EQ(t, strscpy(buf, "12345678", sizeof(buf)), -E2BIG);
	HT_EXPECT_STREQ(t, buf, "1234567");
	HT_EXPECT_EQ(t, strscpy(buf, "", sizeof(buf)), 0);
	HT_EXPECT_STREQ(t, buf, "");
	buf[0] = 'q';
	HT_EXPECT_EQ(t, strscpy(buf, "abc", 0), -E2BIG);
	HT_EXPECT_EQ(t, buf[0], 'q');
	HT_EXPECT_EQ(t, strscpy(buf, "abc", 1), -E2BIG);
	HT_EXPECT_STREQ(t, buf, "");
}

static void test_ctype(struct htest *t)
{
	int digits = 0, xdigits = 0, spaces = 0, alphas = 0, alnums = 0;
	int prints = 0;

	for (int c = -128; c < 256; c++) {
		digits += isdigit(c);
		xdigits += isxdigit(c);
		spaces += isspace(c);
		alphas += isalpha(c);
		alnums += isalnum(c);
		prints += isprint(c);
	}
	HT_EXPECT_EQ(t, digits, 10);
	HT_EXPECT_EQ(t, xdigits, 22);
	HT_EXPECT_EQ(t, spaces, 6);
	HT_EXPECT_EQ(t, alphas, 52);
	HT_EXPECT_EQ(t, alnums, 62);
	HT_EXPECT_EQ(t, prints, 95);
	HT_EXPECT(t, isspace('\t') && isspace('\r') && isspace('\v'));
	HT_EXPECT(t, !isspace('\0') && !isspace('\b'));
	HT_EXPECT(t, isprint(' ') && isprint('~') && !isprint(0x7f));
	HT_EXPECT(t, isxdigit('F') && !isxdigit('g') && !isxdigit('G'));
	HT_EXPECT_EQ(t, tolower('Q'), 'q');
	HT_EXPECT_EQ(t, tolower('q'), 'q');
	HT_EXPECT_EQ(t, tolower('@'), '@');
	HT_EXPECT_EQ(t, toupper('z'), 'Z');
	HT_EXPECT_EQ(t, toupper('['), '[');
	HT_EXPECT_EQ(t, toupper(-3), -3);
}

static void test_errname(struct htest *t)
{
	int named = 0;

	HT_EXPECT_STREQ(t, errname(-12), "ENOMEM");
	HT_EXPECT_STREQ(t, errname(12), "ENOMEM");
	HT_EXPECT_STREQ(t, errname(-22), "EINVAL");
	HT_EXPECT_STREQ(t, errname(1), "EPERM");
	HT_EXPECT_STREQ(t, errname(-110), "ETIMEDOUT");
	HT_EXPECT_STREQ(t, errname(-125), "ECANCELED");
	HT_EXPECT_STREQ(t, errname(-7), "E2BIG");
	HT_EXPECT(t, errname(0) == NULL);
	HT_EXPECT(t, errname(15) == NULL);	/* ENOTBLK: not ours */
	HT_EXPECT(t, errname(-4096) == NULL);
	HT_EXPECT(t, errname(-2147483647 - 1) == NULL);
	HT_EXPECT(t, errname(2147483647) == NULL);
	/* Every errno.h number has a distinct name starting with 'E'. */
	for (int e = 1; e <= 4095; e++) {
		const char *n = errname(-e);

		if (!n)
			continue;
		named++;
		HT_EXPECT_EQ(t, n[0], 'E');
		HT_EXPECT(t, errname(e) == n);
		for (int f = 1; f < e; f++)
			HT_EXPECT(t, !errname(f) || strcmp(errname(f), n));
	}
	HT_EXPECT_EQ(t, named, 60);	/* the #defines in include/tessera/errno.h */
}

static void test_str_list_has(struct htest *t)
{
	HT_EXPECT(t, str_list_has("buddy,slab,sched", "slab", ','));
	HT_EXPECT(t, str_list_has("buddy,slab,sched", "buddy", ','));
	HT_EXPECT(t, str_list_has("buddy,slab,sched", "sched", ','));
	HT_EXPECT(t, str_list_has("solo", "solo", ','));
	/* Prefixes, suffixes and empty items are not matches. */
	HT_EXPECT(t, !str_list_has("buddy,slab", "slabs", ','));
	HT_EXPECT(t, !str_list_has("buddy,slab", "sla", ','));
	HT_EXPECT(t, !str_list_has("buddy,slab", "bud", ','));
	HT_EXPECT(t, !str_list_has("", "x", ','));
	HT_EXPECT(t, str_list_has("a,,b", "", ','));
	HT_EXPECT(t, !str_list_has("a,b", "", ','));
	HT_EXPECT(t, str_list_has("a b", "b", ' '));
}

static const struct htest_case cases[] = {
	HT_CASE(test_memcpy_memset),
	HT_CASE(test_memmove),
	HT_CASE(test_memcmp_memchr),
	HT_CASE(test_strlen_strcmp),
	HT_CASE(test_strchr_strstr),
	HT_CASE(test_strscpy),
	HT_CASE(test_ctype),
	HT_CASE(test_errname),
	HT_CASE(test_str_list_has),
	{}
};

HTEST_MAIN(cases)
