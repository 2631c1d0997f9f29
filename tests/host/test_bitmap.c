/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests for <tessera/bitmap.h> and lib/bitmap.c.  Besides fixed
 * cases, a randomised test drives the bitmap and a plain bool array
 * through the same operations and compares every query; the bool array
 * is the reference, simple enough to be right by inspection.
 */
/* HTEST-SOURCES: lib/bitmap.c lib/string.c */
#include "htest.h"
#include <tessera/bitmap.h>

static void test_single_bits(struct htest *t)
{
	DECLARE_BITMAP(map, 130);

	HT_EXPECT_EQ(t, sizeof(map), 3 * sizeof(long));
	HT_EXPECT_EQ(t, BITS_TO_LONGS(0), 0);
	HT_EXPECT_EQ(t, BITS_TO_LONGS(64), 1);
	HT_EXPECT_EQ(t, BITS_TO_LONGS(65), 2);
	bitmap_zero(map, 130);
	__set_bit(0, map);
	__set_bit(63, map);
	__set_bit(64, map);
	__set_bit(129, map);
	HT_EXPECT(t, map[0] == (1UL | 1UL << 63));
	HT_EXPECT_EQ(t, map[1], 1);
	HT_EXPECT_EQ(t, map[2], 2);
	HT_EXPECT(t, test_bit(63, map) && !test_bit(62, map));
	__clear_bit(63, map);
	HT_EXPECT(t, !test_bit(63, map));
	__change_bit(5, map);
	HT_EXPECT(t, test_bit(5, map));
	__change_bit(5, map);
	HT_EXPECT(t, !test_bit(5, map));
	HT_EXPECT(t, !__test_and_set_bit(100, map));
	HT_EXPECT(t, __test_and_set_bit(100, map));
	HT_EXPECT(t, __test_and_clear_bit(100, map));
	HT_EXPECT(t, !__test_and_clear_bit(100, map));

	set_bit(70, map);
	HT_EXPECT(t, test_bit(70, map));
	clear_bit(70, map);
	HT_EXPECT(t, !test_bit(70, map));
	change_bit(71, map);
	HT_EXPECT(t, test_bit(71, map));
	HT_EXPECT(t, test_and_set_bit(71, map));
	HT_EXPECT(t, test_and_clear_bit(71, map));
	HT_EXPECT(t, !test_and_clear_bit(71, map));
	HT_EXPECT(t, !test_and_set_bit(127, map));
	HT_EXPECT_EQ(t, map[1], 1 | 1UL << 63);
}

static void test_fill_zero_weight(struct htest *t)
{
	unsigned long map[4];

	for (unsigned long n = 0; n <= 256; n++) {
		map[0] = map[1] = map[2] = map[3] = 0x3c3c3c3c3c3c3c3cUL;
		bitmap_fill(map, n);
		if (bitmap_weight(map, n) != n || (n && !bitmap_full(map, n))) {
			HT_FAIL(t, "fill %lu", n);
			return;
		}
		/* The tail of the last word is defined as zero. */
		if (n % 64 && (map[n / 64] >> (n % 64))) {
			HT_FAIL(t, "fill %lu left tail bits", n);
			return;
		}
		bitmap_zero(map, n);
		if (bitmap_weight(map, n) || !bitmap_empty(map, n)) {
			HT_FAIL(t, "zero %lu", n);
			return;
		}
	}
	map[0] = ~0UL;
	map[1] = 0x8000000000000001UL;
	HT_EXPECT_EQ(t, bitmap_weight(map, 64), 64);
	HT_EXPECT_EQ(t, bitmap_weight(map, 65), 65);
	HT_EXPECT_EQ(t, bitmap_weight(map, 127), 65);
	HT_EXPECT_EQ(t, bitmap_weight(map, 128), 66);
	HT_EXPECT_EQ(t, bitmap_weight(map, 10), 10);
	HT_EXPECT(t, bitmap_full(map, 65) && !bitmap_full(map, 66));
}

static void test_ranges(struct htest *t)
{
	unsigned long map[3] = { 0, 0, 0 };

	bitmap_set(map, 60, 10);	/* 60..69 */
	HT_EXPECT(t, map[0] == 0xf000000000000000UL);
	HT_EXPECT_EQ(t, map[1], 0x3f);
	bitmap_set(map, 128, 64);
	HT_EXPECT(t, map[2] == ~0UL);
	bitmap_clear(map, 62, 130);
	HT_EXPECT(t, map[0] == 0x3000000000000000UL);
	HT_EXPECT_EQ(t, map[1], 0);
	HT_EXPECT_EQ(t, map[2], 0);
	bitmap_set(map, 5, 0);
	bitmap_clear(map, 60, 0);
	HT_EXPECT(t, map[0] == 0x3000000000000000UL);
	bitmap_set(map, 0, 192);
	HT_EXPECT_EQ(t, bitmap_weight(map, 192), 192);
	bitmap_clear(map, 1, 190);
	HT_EXPECT_EQ(t, map[0], 1);
	HT_EXPECT(t, map[2] == 1UL << 63);
}

static void test_find(struct htest *t)
{
	unsigned long map[3] = { 0, 0, 0 };
	unsigned long bit, n = 0;

	HT_EXPECT_EQ(t, find_first_bit(map, 192), 192);
	HT_EXPECT_EQ(t, find_first_zero_bit(map, 192), 0);
	__set_bit(3, map);
	__set_bit(64, map);
	__set_bit(191, map);
	HT_EXPECT_EQ(t, find_first_bit(map, 192), 3);
	HT_EXPECT_EQ(t, find_next_bit(map, 192, 3), 3);
	HT_EXPECT_EQ(t, find_next_bit(map, 192, 4), 64);
	HT_EXPECT_EQ(t, find_next_bit(map, 192, 65), 191);
	HT_EXPECT_EQ(t, find_next_bit(map, 191, 65), 191);	/* size */
	HT_EXPECT_EQ(t, find_next_bit(map, 100, 65), 100);
	HT_EXPECT_EQ(t, find_next_bit(map, 192, 500), 192);
	for_each_set_bit(bit, map, 192)
		n += bit;
	HT_EXPECT_EQ(t, n, 3 + 64 + 191);

	map[0] = map[1] = ~0UL;
	map[2] = ~0UL & ~(1UL << 10);
	HT_EXPECT_EQ(t, find_first_zero_bit(map, 192), 138);
	HT_EXPECT_EQ(t, find_first_zero_bit(map, 138), 138);
	HT_EXPECT_EQ(t, find_first_zero_bit(map, 130), 130);
	HT_EXPECT_EQ(t, find_next_zero_bit(map, 192, 139), 192);
	/* Bits past size must not be reported even if clear in memory. */
	map[1] = ~0UL >> 1;
	HT_EXPECT_EQ(t, find_first_zero_bit(map, 127), 127);
	HT_EXPECT_EQ(t, find_first_zero_bit(map, 128), 127);
}

static void test_find_zero_area(struct htest *t)
{
	unsigned long map[2] = { 0, 0 };

	HT_EXPECT_EQ(t, bitmap_find_next_zero_area(map, 128, 0, 10, 0), 0);
	bitmap_set(map, 0, 5);
	bitmap_set(map, 12, 1);
	/* [5, 12) is 7 long: 8 bits need to go after 12. */
	HT_EXPECT_EQ(t, bitmap_find_next_zero_area(map, 128, 0, 7, 0), 5);
	HT_EXPECT_EQ(t, bitmap_find_next_zero_area(map, 128, 0, 8, 0), 13);
	HT_EXPECT_EQ(t, bitmap_find_next_zero_area(map, 128, 6, 3, 0), 6);
	/* Alignment 8: 8 is free up to 12 only; next aligned is 16. */
	HT_EXPECT_EQ(t, bitmap_find_next_zero_area(map, 128, 0, 4, 7), 8);
	HT_EXPECT_EQ(t, bitmap_find_next_zero_area(map, 128, 0, 5, 7), 16);
	HT_EXPECT_EQ(t, bitmap_find_next_zero_area(map, 128, 0, 115, 0), 13);
	HT_EXPECT_EQ(t, bitmap_find_next_zero_area(map, 128, 0, 116, 0), 128);
	HT_EXPECT_EQ(t, bitmap_find_next_zero_area(map, 128, 0, 200, 0), 128);
	HT_EXPECT_EQ(t, bitmap_find_next_zero_area(map, 128, 120, 8, 0), 120);
	HT_EXPECT_EQ(t, bitmap_find_next_zero_area(map, 128, 121, 8, 0), 128);
	HT_EXPECT_EQ(t, bitmap_find_next_zero_area(map, 128, 0, 64, 63), 64);
	bitmap_fill(map, 128);
	HT_EXPECT_EQ(t, bitmap_find_next_zero_area(map, 128, 0, 1, 0), 128);
}

/* xorshift64: deterministic pseudo-random numbers for the model test. */
static unsigned long long rng_state = 0x9e3779b97f4a7c15ULL;

static unsigned long rnd(unsigned long bound)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state % bound;
}

#define MODEL_BITS	300

static void test_random_vs_model(struct htest *t)
{
	DECLARE_BITMAP(map, MODEL_BITS);
	bool model[MODEL_BITS] = { false };
	unsigned long size, off, nr, want, got;

	bitmap_zero(map, MODEL_BITS);
	for (int iter = 0; iter < 20000; iter++) {
		off = rnd(MODEL_BITS);
		nr = rnd(MODEL_BITS - off + 1);
		switch (rnd(4)) {
		case 0:
			bitmap_set(map, off, nr);
			for (unsigned long i = off; i < off + nr; i++)
				model[i] = true;
			break;
		case 1:
			bitmap_clear(map, off, nr);
			for (unsigned long i = off; i < off + nr; i++)
				model[i] = false;
			break;
		default:
			__change_bit(off, map);
			model[off] = !model[off];
			break;
		}

		size = rnd(MODEL_BITS + 1);
		off = rnd(MODEL_BITS + 10);
		for (want = off; want < size && !model[want]; want++)
			;
		got = find_next_bit(map, size, off);
		if (got != (want < size ? want : size)) {
			HT_FAIL(t, "iter %d find_next_bit(%lu, %lu) %lu != %lu",
				iter, size, off, got, want);
			return;
		}
		for (want = off; want < size && model[want]; want++)
			;
		got = find_next_zero_bit(map, size, off);
		if (got != (want < size ? want : size)) {
			HT_FAIL(t, "iter %d find_next_zero_bit", iter);
			return;
		}
		want = 0;
		for (unsigned long i = 0; i < size; i++)
			want += model[i];
		if (bitmap_weight(map, size) != want) {
			HT_FAIL(t, "iter %d weight(%lu)", iter, size);
			return;
		}
		/* Zero area, aligned to 1, 2 or 4: brute force reference. */
		nr = rnd(12);
		{
			unsigned long mask = (1UL << rnd(3)) - 1;
			unsigned long start = rnd(MODEL_BITS);

			want = size;
			for (unsigned long i = (start + mask) & ~mask;
			     i + nr <= size; i += mask + 1) {
				unsigned long j;

				for (j = 0; j < nr && !model[i + j]; j++)
					;
				if (j == nr) {
					want = i;
					break;
				}
			}
			got = bitmap_find_next_zero_area(map, size, start, nr, mask);
			if (got != want) {
				HT_FAIL(t, "iter %d zero_area(size %lu start %lu nr %lu mask %lu) %lu != %lu",
					iter, size, start, nr, mask, got, want);
				return;
			}
		}
		for (unsigned long i = 0; i < MODEL_BITS; i++) {
			if (test_bit(i, map) != model[i]) {
				HT_FAIL(t, "iter %d bit %lu", iter, i);
				return;
			}
		}
	}
}

static void test_equal_copy(struct htest *t)
{
	unsigned long a[2] = { 0x1234, 0xff }, b[2] = { 0, 0 };

	bitmap_copy(b, a, 128);
	HT_EXPECT(t, bitmap_equal(a, b, 128));
	b[1] = 0xff | 1UL << 40;
	HT_EXPECT(t, bitmap_equal(a, b, 104));
	HT_EXPECT(t, !bitmap_equal(a, b, 105));
	b[0] ^= 1;
	HT_EXPECT(t, !bitmap_equal(a, b, 1));
}

static const struct htest_case cases[] = {
	HT_CASE(test_single_bits),
	HT_CASE(test_fill_zero_weight),
	HT_CASE(test_ranges),
	HT_CASE(test_find),
	HT_CASE(test_find_zero_area),
	HT_CASE(test_random_vs_model),
	HT_CASE(test_equal_copy),
	{}
};

HTEST_MAIN(cases)
