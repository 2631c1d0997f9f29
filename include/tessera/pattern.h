/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test data patterns: the byte at offset @off of stream @seed.
 *
 * Every test that moves bytes and checks them (rdmatest, fittest, the
 * storage node's ktests, the host models, the cluster scenarios in
 * Python: tests/cluster/pattern.py) uses this one function, so a segment
 * landing at the wrong offset, in the wrong buffer or from the wrong
 * stream is caught: the bytes are a 64-bit hash of (seed, off / 8), so
 * they never repeat with any period a transfer could hide behind (an
 * affine `a * i + (i >> k)` repeats every 64 KiB to 1 MiB), and two seeds
 * give unrelated streams.  Eight bytes per hash keep it cheap enough for
 * megabytes under TCG.
 *
 * Header-only and free of kernel dependencies but for the fixed-width
 * types, so host programs include it as is.  tests/cluster/pattern.py
 * computes the same bytes in Python; tests/host/test_pattern.c compares
 * the two.
 */
#ifndef _TESSERA_PATTERN_H
#define _TESSERA_PATTERN_H

#include <tessera/types.h>

/* A 64-bit finaliser: every input bit changes about half the output. */
static inline u64 pattern_mix(u64 x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

/* The eight bytes at offsets 8 * @word .. 8 * @word + 7, little-endian. */
static inline u64 pattern_word(u64 seed, u64 word)
{
	return pattern_mix(pattern_mix(seed + 0x9e3779b97f4a7c15ull) ^ word);
}

static inline u8 pattern_byte(u64 seed, u64 off)
{
	return (u8)(pattern_word(seed, off >> 3) >> ((off & 7) * 8));
}

/* Fill @buf with the bytes of stream @seed at offsets @off.. */
static inline void pattern_fill(void *buf, size_t len, u64 seed, u64 off)
{
	u8 *p = buf;
	size_t i = 0;

	while (i < len) {
		u64 w = pattern_word(seed, (off + i) >> 3);

		for (unsigned int b = (off + i) & 7; b < 8 && i < len; b++)
			p[i++] = (u8)(w >> (b * 8));
	}
}

/*
 * Index of the first byte of @buf that is not stream @seed at offsets
 * @off.., or @len if all @len bytes are.
 */
static inline size_t pattern_check(const void *buf, size_t len, u64 seed,
				   u64 off)
{
	const u8 *p = buf;
	size_t i = 0;

	while (i < len) {
		u64 w = pattern_word(seed, (off + i) >> 3);

		for (unsigned int b = (off + i) & 7; b < 8 && i < len; b++, i++)
			if (p[i] != (u8)(w >> (b * 8)))
				return i;
	}
	return len;
}

#endif /* _TESSERA_PATTERN_H */
