/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KTAP suite "bitmap": lib/bitmap.c and the <tessera/bitmap.h> bit
 * operations as built into the kernel, including the locked (atomic)
 * variants, checked against hand-worked values and a bool-array model.
 */
#include <tessera/ktest.h>
#include <tessera/bitmap.h>

static void bitmap_single_bits(struct ktest *t)
{
	DECLARE_BITMAP(map, 130);

	KT_EXPECT_EQ(t, sizeof(map), 3 * sizeof(long));
	bitmap_zero(map, 130);
	__set_bit(0, map);
	__set_bit(63, map);
	set_bit(64, map);
	set_bit(129, map);
	KT_EXPECT_EQ(t, map[0], 1UL | 1UL << 63);
	KT_EXPECT_EQ(t, map[1], 1);
	KT_EXPECT_EQ(t, map[2], 2);
	KT_EXPECT_TRUE(t, test_and_clear_bit(64, map));
	KT_EXPECT_FALSE(t, test_and_clear_bit(64, map));
	KT_EXPECT_FALSE(t, test_and_set_bit(100, map));
	KT_EXPECT_TRUE(t, test_and_set_bit(100, map));
	clear_bit(100, map);
	change_bit(101, map);
	KT_EXPECT_EQ(t, map[1], 1UL << 37);
	KT_EXPECT_TRUE(t, __test_and_clear_bit(63, map));
	KT_EXPECT_EQ(t, map[0], 1);
}

static void bitmap_ranges_weight(struct ktest *t)
{
	unsigned long map[3] = { 0, 0, 0 };

	bitmap_set(map, 60, 10);
	KT_EXPECT_EQ(t, map[0], 0xf000000000000000UL);
	KT_EXPECT_EQ(t, map[1], 0x3f);
	KT_EXPECT_EQ(t, bitmap_weight(map, 192), 10);
	KT_EXPECT_EQ(t, bitmap_weight(map, 65), 5);
	bitmap_clear(map, 62, 6);
	KT_EXPECT_EQ(t, map[0], 0x3000000000000000UL);
	KT_EXPECT_EQ(t, map[1], 0x30);
	bitmap_fill(map, 130);
	KT_EXPECT_EQ(t, bitmap_weight(map, 192), 130);
	KT_EXPECT_EQ(t, map[2], 3);
	KT_EXPECT_TRUE(t, bitmap_full(map, 130));
	bitmap_zero(map, 192);
	KT_EXPECT_TRUE(t, bitmap_empty(map, 192));
}

static void bitmap_find(struct ktest *t)
{
	unsigned long map[3] = { 0, 0, 0 };

	KT_EXPECT_EQ(t, find_first_bit(map, 192), 192);
	__set_bit(3, map);
	__set_bit(64, map);
	__set_bit(191, map);
	KT_EXPECT_EQ(t, find_first_bit(map, 192), 3);
	KT_EXPECT_EQ(t, find_next_bit(map, 192, 4), 64);
	KT_EXPECT_EQ(t, find_next_bit(map, 192, 65), 191);
	KT_EXPECT_EQ(t, find_next_bit(map, 150, 65), 150);
	KT_EXPECT_EQ(t, find_first_zero_bit(map, 192), 0);
	map[0] = map[1] = ~0UL;
	KT_EXPECT_EQ(t, find_first_zero_bit(map, 192), 128);
	KT_EXPECT_EQ(t, find_next_zero_bit(map, 120, 5), 120);
}

static void bitmap_zero_area(struct ktest *t)
{
	unsigned long map[2] = { 0, 0 };

	bitmap_set(map, 0, 5);
	bitmap_set(map, 12, 1);
	KT_EXPECT_EQ(t, bitmap_find_next_zero_area(map, 128, 0, 7, 0), 5);
	KT_EXPECT_EQ(t, bitmap_find_next_zero_area(map, 128, 0, 8, 0), 13);
	KT_EXPECT_EQ(t, bitmap_find_next_zero_area(map, 128, 0, 4, 7), 8);
	KT_EXPECT_EQ(t, bitmap_find_next_zero_area(map, 128, 0, 5, 7), 16);
	KT_EXPECT_EQ(t, bitmap_find_next_zero_area(map, 128, 0, 116, 0), 128);
}

#define MODEL_BITS	200

static void bitmap_random_model(struct ktest *t)
{
	static unsigned long map[BITS_TO_LONGS(MODEL_BITS)];
	static bool model[MODEL_BITS];
	unsigned long long s = 0x9e3779b97f4a7c15ULL;
	unsigned long off, nr, size, want;

	bitmap_zero(map, MODEL_BITS);
	for (int i = 0; i < MODEL_BITS; i++)
		model[i] = false;
	for (int iter = 0; iter < 2000; iter++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		off = s % MODEL_BITS;
		nr = (s >> 16) % (MODEL_BITS - off + 1);
		if ((s >> 40) & 1) {
			bitmap_set(map, off, nr);
			for (unsigned long i = off; i < off + nr; i++)
				model[i] = true;
		} else {
			bitmap_clear(map, off, nr);
			for (unsigned long i = off; i < off + nr; i++)
				model[i] = false;
		}
		size = (s >> 24) % (MODEL_BITS + 1);
		off = (s >> 48) % MODEL_BITS;
		for (want = off; want < size && !model[want]; want++)
			;
		if (find_next_bit(map, size, off) != (want < size ? want : size)) {
			KT_FAIL(t, "iter %d: find_next_bit(%lu, %lu)", iter,
				size, off);
			return;
		}
		want = 0;
		for (unsigned long i = 0; i < size; i++)
			want += model[i];
		if (bitmap_weight(map, size) != want) {
			KT_FAIL(t, "iter %d: weight(%lu)", iter, size);
			return;
		}
	}
}

static struct ktest_case bitmap_cases[] = {
	KTEST_CASE(bitmap_single_bits),
	KTEST_CASE(bitmap_ranges_weight),
	KTEST_CASE(bitmap_find),
	KTEST_CASE(bitmap_zero_area),
	KTEST_CASE(bitmap_random_model),
	{}
};

KTEST_SUITE(bitmap, bitmap_cases);
