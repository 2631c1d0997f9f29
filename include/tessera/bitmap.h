/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bitmaps: arrays of unsigned long, bit n in word n / BITS_PER_LONG at
 * position n % BITS_PER_LONG.  Single-bit operations come in two kinds:
 *   __set_bit() __clear_bit() __change_bit() __test_and_set_bit()
 *   __test_and_clear_bit()   non-atomic; the caller serialises;
 *   set_bit() clear_bit() change_bit() test_and_set_bit()
 *   test_and_clear_bit()     atomic (locked RMW), safe against other CPUs
 *                            touching other bits of the same word.
 * Range and search functions (lib/bitmap.c) are non-atomic.  Search
 * functions return the size argument when nothing is found.  Functions
 * that take nbits never touch bits at or past nbits in the last word,
 * except bitmap_zero()/bitmap_fill(), which define the tail as zero.
 */
#ifndef _TESSERA_BITMAP_H
#define _TESSERA_BITMAP_H

#include <tessera/compiler.h>

#define BITS_PER_LONG		64

/*
 * The set bits of @w, without __builtin_popcountl: without -mpopcnt gcc
 * turns that into a libgcc call, and the kernel does not link libgcc.
 */
static inline unsigned int hweight_long(unsigned long w)
{
	w = w - ((w >> 1) & 0x5555555555555555UL);
	w = (w & 0x3333333333333333UL) + ((w >> 2) & 0x3333333333333333UL);
	w = (w + (w >> 4)) & 0x0f0f0f0f0f0f0f0fUL;
	return (w * 0x0101010101010101UL) >> 56;
}
#define BIT(nr)			(1UL << (nr))
#define BIT_WORD(nr)		((nr) / BITS_PER_LONG)
#define BIT_MASK(nr)		(1UL << ((nr) % BITS_PER_LONG))
#define BITS_TO_LONGS(nr)	DIV_ROUND_UP(nr, BITS_PER_LONG)

#define DECLARE_BITMAP(name, bits)	unsigned long name[BITS_TO_LONGS(bits)]

/* Mask of the valid bits in the last word of an nbits-long bitmap. */
#define BITMAP_LAST_WORD_MASK(nbits) \
	(~0UL >> (-(nbits) & (BITS_PER_LONG - 1)))

static inline void __set_bit(unsigned long nr, unsigned long *addr)
{
	addr[BIT_WORD(nr)] |= BIT_MASK(nr);
}

static inline void __clear_bit(unsigned long nr, unsigned long *addr)
{
	addr[BIT_WORD(nr)] &= ~BIT_MASK(nr);
}

static inline void __change_bit(unsigned long nr, unsigned long *addr)
{
	addr[BIT_WORD(nr)] ^= BIT_MASK(nr);
}

static inline bool test_bit(unsigned long nr, const unsigned long *addr)
{
	return (READ_ONCE(addr[BIT_WORD(nr)]) & BIT_MASK(nr)) != 0;
}

static inline bool __test_and_set_bit(unsigned long nr, unsigned long *addr)
{
	bool old = test_bit(nr, addr);

	__set_bit(nr, addr);
	return old;
}

static inline bool __test_and_clear_bit(unsigned long nr, unsigned long *addr)
{
	bool old = test_bit(nr, addr);

	__clear_bit(nr, addr);
	return old;
}

static inline void set_bit(unsigned long nr, unsigned long *addr)
{
	__atomic_fetch_or(&addr[BIT_WORD(nr)], BIT_MASK(nr), __ATOMIC_SEQ_CST);
}

static inline void clear_bit(unsigned long nr, unsigned long *addr)
{
	__atomic_fetch_and(&addr[BIT_WORD(nr)], ~BIT_MASK(nr), __ATOMIC_SEQ_CST);
}

static inline void change_bit(unsigned long nr, unsigned long *addr)
{
	__atomic_fetch_xor(&addr[BIT_WORD(nr)], BIT_MASK(nr), __ATOMIC_SEQ_CST);
}

static inline bool test_and_set_bit(unsigned long nr, unsigned long *addr)
{
	return __atomic_fetch_or(&addr[BIT_WORD(nr)], BIT_MASK(nr),
				 __ATOMIC_SEQ_CST) & BIT_MASK(nr);
}

static inline bool test_and_clear_bit(unsigned long nr, unsigned long *addr)
{
	return __atomic_fetch_and(&addr[BIT_WORD(nr)], ~BIT_MASK(nr),
				  __ATOMIC_SEQ_CST) & BIT_MASK(nr);
}

/* Clear / set bits [0, nbits); bits past nbits in the last word become 0. */
void bitmap_zero(unsigned long *map, unsigned long nbits);
void bitmap_fill(unsigned long *map, unsigned long nbits);
void bitmap_copy(unsigned long *dst, const unsigned long *src,
		 unsigned long nbits);

/* Set / clear the nr bits [start, start + nr). */
void bitmap_set(unsigned long *map, unsigned long start, unsigned long nr);
void bitmap_clear(unsigned long *map, unsigned long start, unsigned long nr);

/* Number of set bits in [0, nbits). */
unsigned long bitmap_weight(const unsigned long *map, unsigned long nbits);
bool bitmap_empty(const unsigned long *map, unsigned long nbits);
bool bitmap_full(const unsigned long *map, unsigned long nbits);
bool bitmap_equal(const unsigned long *a, const unsigned long *b,
		  unsigned long nbits);

/* First set (zero) bit at or after offset, below size; size if none. */
unsigned long find_next_bit(const unsigned long *map, unsigned long size,
			    unsigned long offset);
unsigned long find_next_zero_bit(const unsigned long *map, unsigned long size,
				 unsigned long offset);

static inline unsigned long find_first_bit(const unsigned long *map,
					   unsigned long size)
{
	return find_next_bit(map, size, 0);
}

static inline unsigned long find_first_zero_bit(const unsigned long *map,
						unsigned long size)
{
	return find_next_zero_bit(map, size, 0);
}

/*
 * Lowest index >= start such that bits [index, index + nr) are all clear,
 * index & align_mask == 0 (align_mask is alignment - 1, a power of two
 * minus one) and index + nr <= size.  Returns size if there is none.
 * Does not modify the map; follow with bitmap_set() to claim the area.
 */
unsigned long bitmap_find_next_zero_area(const unsigned long *map,
					 unsigned long size,
					 unsigned long start,
					 unsigned int nr,
					 unsigned long align_mask);

#define for_each_set_bit(bit, map, size)				\
	for ((bit) = find_first_bit(map, size); (bit) < (size);		\
	     (bit) = find_next_bit(map, size, (bit) + 1))

#define for_each_clear_bit(bit, map, size)				\
	for ((bit) = find_first_zero_bit(map, size); (bit) < (size);	\
	     (bit) = find_next_zero_bit(map, size, (bit) + 1))

#endif /* _TESSERA_BITMAP_H */
