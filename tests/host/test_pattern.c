/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests of the shared test-data pattern (include/tessera/pattern.h):
 * fill and check agree with the byte function at every alignment, check
 * finds the first wrong byte, the stream has none of the periods an
 * affine pattern has (a segment shifted by 64 KiB..1 MiB is caught),
 * seeds give unrelated streams, and the Python copy the cluster
 * scenarios use (tests/cluster/pattern.py --dump) yields the same bytes.
 */
/* HTEST-SOURCES: lib/string.c */
#include "htest.h"

#include <tessera/pattern.h>
#include <tessera/string.h>

static void test_fill_matches_byte(struct htest *t)
{
	u8 buf[64];

	for (u64 off = 0; off < 24; off++) {
		for (size_t len = 0; len <= 40; len += 3) {
			size_t bad = 0;

			memset(buf, 0, sizeof(buf));
			pattern_fill(buf, len, 42, off);
			for (size_t i = 0; i < len; i++)
				bad += buf[i] != pattern_byte(42, off + i);
			HT_EXPECT_EQ(t, bad, 0);
			HT_EXPECT_EQ(t, buf[len], 0);
			HT_EXPECT_EQ(t, pattern_check(buf, len, 42, off), len);
		}
	}
}

static void test_check_finds_first_wrong_byte(struct htest *t)
{
	u8 buf[100];

	for (size_t at = 0; at < sizeof(buf); at += 7) {
		pattern_fill(buf, sizeof(buf), 9, 1000 + at % 8);
		buf[at] ^= 0x01;
		HT_EXPECT_EQ(t, pattern_check(buf, sizeof(buf), 9,
					      1000 + at % 8), at);
	}
}

/* A 4 KiB segment from one period later must not pass for the original. */
static void test_no_short_period(struct htest *t)
{
	static u8 seg[4096];

	for (u64 period = 1 << 16; period <= 1 << 20; period <<= 1) {
		for (u64 off = 0; off < 3 << 20; off += 1 << 20) {
			pattern_fill(seg, sizeof(seg), 5, off + period);
			HT_EXPECT(t, pattern_check(seg, sizeof(seg), 5, off) <
				     sizeof(seg));
		}
	}
	/* Nor a segment of the same offsets from a neighbouring seed. */
	pattern_fill(seg, sizeof(seg), 6, 4096);
	HT_EXPECT(t, pattern_check(seg, sizeof(seg), 5, 4096) < 8);
}

/* Every byte value occurs, none more than twice its fair share. */
static void test_bytes_spread(struct htest *t)
{
	static u8 buf[1 << 16];
	unsigned int count[256] = { 0 }, max = 0, min = ~0u;

	pattern_fill(buf, sizeof(buf), 77, 12345);
	for (size_t i = 0; i < sizeof(buf); i++)
		count[buf[i]]++;
	for (int v = 0; v < 256; v++) {
		max = count[v] > max ? count[v] : max;
		min = count[v] < min ? count[v] : min;
	}
	HT_EXPECT(t, min > 0);
	HT_EXPECT(t, max < 2 * sizeof(buf) / 256);
}

static int hexval(char c)
{
	return c <= '9' ? c - '0' : c - 'a' + 10;
}

static void test_python_copy_agrees(struct htest *t)
{
	char line[512];
	int cases = 0;
	FILE *f = popen("python3 tests/cluster/pattern.py --dump", "r");

	HT_ASSERT(t, f != NULL);
	while (fgets(line, sizeof(line), f)) {
		unsigned long long seed, off;
		unsigned int len;
		char hex[400];
		u8 want[200];

		if (sscanf(line, "%llu %llu %u %399s", &seed, &off, &len,
			   hex) != 4 || len > sizeof(want) ||
		    strlen(hex) != 2 * len) {
			HT_FAIL(t, "bad line from pattern.py: %s", line);
			continue;
		}
		pattern_fill(want, len, seed, off);
		for (unsigned int i = 0; i < len; i++)
			if ((hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1])) !=
			    want[i])
				HT_FAIL(t, "seed %llu off %llu: byte %u differs",
					seed, off, i);
		cases++;
	}
	HT_EXPECT_EQ(t, pclose(f), 0);
	HT_EXPECT(t, cases >= 5);
}

static const struct htest_case cases[] = {
	HT_CASE(test_fill_matches_byte),
	HT_CASE(test_check_finds_first_wrong_byte),
	HT_CASE(test_no_short_period),
	HT_CASE(test_bytes_spread),
	HT_CASE(test_python_copy_agrees),
	{}
};

HTEST_MAIN(cases)
