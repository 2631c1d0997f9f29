/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests for lib/crc32.c.  Oracles: the published check values of
 * both CRCs (the CRC of "123456789"), other well-known values, and a
 * bit-at-a-time implementation written here straight from the
 * definition (shift the register right, xor the reflected polynomial
 * when a 1 falls out), compared on random buffers of every length.
 */
/* HTEST-SOURCES: lib/crc32.c lib/string.c */
#include "htest.h"
#include <tessera/crc32.h>

static u32 crc_bitwise(u32 poly, u32 crc, const u8 *p, size_t len)
{
	while (len--) {
		crc ^= *p++;
		for (int i = 0; i < 8; i++)
			crc = (crc >> 1) ^ ((crc & 1) ? poly : 0);
	}
	return crc;
}

static void test_check_values(struct htest *t)
{
	HT_EXPECT_EQ(t, ~crc32_le(~0U, "123456789", 9), 0xCBF43926U);
	HT_EXPECT_EQ(t, ~crc32c(~0U, "123456789", 9), 0xE3069283U);
	/* Empty input: the register is untouched. */
	HT_EXPECT_EQ(t, crc32_le(0x12345678, "", 0), 0x12345678);
	HT_EXPECT_EQ(t, ~crc32_le(~0U, "", 0), 0);
	/* zlib: crc32(0, "a", 1) == 0xe8b7be43. */
	HT_EXPECT_EQ(t, ~crc32_le(~0U, "a", 1), 0xe8b7be43U);
	/* zlib: "The quick brown fox jumps over the lazy dog" */
	HT_EXPECT_EQ(t, ~crc32_le(~0U, "The quick brown fox jumps over the lazy dog", 43),
		     0x414fa339U);
	/* RFC 3720 (iSCSI) B.4: 32 bytes of zeros / of 0xff. */
	{
		u8 buf[32];

		for (int i = 0; i < 32; i++)
			buf[i] = 0;
		HT_EXPECT_EQ(t, ~crc32c(~0U, buf, 32), 0x8a9136aaU);
		for (int i = 0; i < 32; i++)
			buf[i] = 0xff;
		HT_EXPECT_EQ(t, ~crc32c(~0U, buf, 32), 0x62a8ab43U);
		for (int i = 0; i < 32; i++)
			buf[i] = i;
		HT_EXPECT_EQ(t, ~crc32c(~0U, buf, 32), 0x46dd794eU);
	}
}

static void test_vs_bitwise(struct htest *t)
{
	static u8 buf[1031];
	unsigned long long s = 88172645463325252ULL;

	for (size_t i = 0; i < sizeof(buf); i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		buf[i] = s;
	}
	for (size_t len = 0; len <= sizeof(buf); len += (len < 64 ? 1 : 37)) {
		for (size_t off = 0; off < 8 && off <= len; off++) {
			u32 seed = (u32)(len * 2654435761U);

			if (crc32_le(seed, buf + off, len - off) !=
			    crc_bitwise(0xEDB88320, seed, buf + off, len - off))
				HT_FAIL(t, "crc32_le len %zu off %zu", len, off);
			if (crc32_le_bytewise(seed, buf + off, len - off) !=
			    crc_bitwise(0xEDB88320, seed, buf + off, len - off))
				HT_FAIL(t, "crc32_le_bytewise len %zu off %zu",
					len, off);
			if (crc32c(seed, buf + off, len - off) !=
			    crc_bitwise(0x82F63B78, seed, buf + off, len - off))
				HT_FAIL(t, "crc32c len %zu off %zu", len, off);
		}
	}
}

static void test_chaining(struct htest *t)
{
	const char *msg = "tessera splitkernel crc chaining";
	size_t len = 32;
	u32 whole = crc32_le(~0U, msg, len), whole_c = crc32c(~0U, msg, len);

	for (size_t cut = 0; cut <= len; cut++) {
		u32 part = crc32_le(crc32_le(~0U, msg, cut), msg + cut, len - cut);
		u32 part_c = crc32c(crc32c(~0U, msg, cut), msg + cut, len - cut);

		HT_EXPECT_EQ(t, part, whole);
		HT_EXPECT_EQ(t, part_c, whole_c);
	}
	HT_EXPECT(t, whole != whole_c);
}

static const struct htest_case cases[] = {
	HT_CASE(test_check_values),
	HT_CASE(test_vs_bitwise),
	HT_CASE(test_chaining),
	{}
};

HTEST_MAIN(cases)
