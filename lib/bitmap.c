/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bitmap range, count and search operations (<tessera/bitmap.h>).  The
 * single-bit operations are inline in the header.  Everything here is
 * non-atomic: callers hold whatever lock protects the map.  Search walks
 * a word at a time, so scanning a mostly-full map of N bits costs N/64
 * word reads.
 */
#include <tessera/bitmap.h>

/* Mask of bits [start % 64, 64) of start's word. */
#define BITMAP_FIRST_WORD_MASK(start)	(~0UL << ((start) & (BITS_PER_LONG - 1)))

void bitmap_zero(unsigned long *map, unsigned long nbits)
{
	for (unsigned long i = 0; i < BITS_TO_LONGS(nbits); i++)
		map[i] = 0;
}

void bitmap_fill(unsigned long *map, unsigned long nbits)
{
	unsigned long n = BITS_TO_LONGS(nbits);

	for (unsigned long i = 0; i < n; i++)
		map[i] = ~0UL;
	if (n)
		map[n - 1] &= BITMAP_LAST_WORD_MASK(nbits);
}

void bitmap_copy(unsigned long *dst, const unsigned long *src,
		 unsigned long nbits)
{
	for (unsigned long i = 0; i < BITS_TO_LONGS(nbits); i++)
		dst[i] = src[i];
}

/* Mask of span bits starting at bit (bit + span <= BITS_PER_LONG). */
static unsigned long range_mask(unsigned long bit, unsigned long span)
{
	unsigned long low = span == BITS_PER_LONG ? ~0UL : BIT(span) - 1;

	return low << bit;
}

void bitmap_set(unsigned long *map, unsigned long start, unsigned long nr)
{
	unsigned long end = start + nr;

	while (start < end) {
		unsigned long bit = start % BITS_PER_LONG;
		unsigned long span = min(BITS_PER_LONG - bit, end - start);

		map[BIT_WORD(start)] |= range_mask(bit, span);
		start += span;
	}
}

void bitmap_clear(unsigned long *map, unsigned long start, unsigned long nr)
{
	unsigned long end = start + nr;

	while (start < end) {
		unsigned long bit = start % BITS_PER_LONG;
		unsigned long span = min(BITS_PER_LONG - bit, end - start);

		map[BIT_WORD(start)] &= ~range_mask(bit, span);
		start += span;
	}
}

unsigned long bitmap_weight(const unsigned long *map, unsigned long nbits)
{
	unsigned long full = nbits / BITS_PER_LONG, w = 0;

	for (unsigned long i = 0; i < full; i++)
		w += hweight_long(map[i]);
	if (nbits % BITS_PER_LONG)
		w += hweight_long(map[full] & BITMAP_LAST_WORD_MASK(nbits));
	return w;
}

bool bitmap_empty(const unsigned long *map, unsigned long nbits)
{
	return find_first_bit(map, nbits) >= nbits;
}

bool bitmap_full(const unsigned long *map, unsigned long nbits)
{
	return find_first_zero_bit(map, nbits) >= nbits;
}

bool bitmap_equal(const unsigned long *a, const unsigned long *b,
		  unsigned long nbits)
{
	unsigned long full = nbits / BITS_PER_LONG;

	for (unsigned long i = 0; i < full; i++) {
		if (a[i] != b[i])
			return false;
	}
	if (nbits % BITS_PER_LONG)
		return !((a[full] ^ b[full]) & BITMAP_LAST_WORD_MASK(nbits));
	return true;
}

/*
 * Shared search loop: invert is 0 to look for a set bit, ~0UL to look for
 * a clear one (each word is XORed with it before testing).
 */
static unsigned long find_next(const unsigned long *map, unsigned long size,
			       unsigned long offset, unsigned long invert)
{
	unsigned long word, idx;

	if (offset >= size)
		return size;
	idx = BIT_WORD(offset);
	word = (map[idx] ^ invert) & BITMAP_FIRST_WORD_MASK(offset);
	while (!word) {
		idx++;
		if (idx * BITS_PER_LONG >= size)
			return size;
		word = map[idx] ^ invert;
	}
	return min(idx * BITS_PER_LONG + __builtin_ctzl(word), size);
}

unsigned long find_next_bit(const unsigned long *map, unsigned long size,
			    unsigned long offset)
{
	return find_next(map, size, offset, 0);
}

unsigned long find_next_zero_bit(const unsigned long *map, unsigned long size,
				 unsigned long offset)
{
	return find_next(map, size, offset, ~0UL);
}

unsigned long bitmap_find_next_zero_area(const unsigned long *map,
					 unsigned long size,
					 unsigned long start,
					 unsigned int nr,
					 unsigned long align_mask)
{
	unsigned long index, busy;

	for (;;) {
		/* An empty area fits anywhere; otherwise skip set bits. */
		index = nr ? find_next_zero_bit(map, size, start) : start;
		index = (index + align_mask) & ~align_mask;
		if (index >= size || nr > size - index)
			return size;
		busy = find_next_bit(map, index + nr, index);
		if (busy >= index + nr)
			return index;
		/* [index, busy) is too short: resume after the set bit. */
		start = busy + 1;
	}
}
