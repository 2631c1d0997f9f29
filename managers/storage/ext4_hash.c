/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ext4's directory name hashes, as the on-disk format defines them: a
 * hashed directory's index is sorted by these values, so they must be
 * bit for bit what Linux and e2fsprogs compute.
 *
 * - legacy: a multiplicative running hash over the bytes, no seed, no
 *   minor hash;
 * - half_md4: the name is packed into eight 32-bit words per 32-byte
 *   chunk and mixed into a four-word state by the three rounds of MD4
 *   (two steps each per word pair, "half" of the real thing);
 * - tea: 16-byte chunks, four words each, through 16 cycles of the TEA
 *   block cipher with the state as the data;
 * - each in a signed and an unsigned flavour: whether name bytes above
 *   0x7f were sign-extended on the machine that made the file system
 *   (s_flags tells; the root of each directory records the flavour).
 *
 * The major hash is even (bit 0 marks a collision chain in the index)
 * and never the 32-bit end-of-directory cookie.  Pure functions: no
 * locks, no allocation.
 */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/string.h>

#include "ext4_hash.h"

#define HASH_EOF_32		0x7fffffffU	/* readdir's end marker >> 1 */

static const u32 default_seed[4] = {
	0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476	/* MD4's IV */
};

static inline u32 rotl32(u32 x, unsigned int n)
{
	return (x << n) | (x >> (32 - n));
}

/* One name byte as the creator's `char` saw it. */
static inline u32 name_byte(const char *name, u32 i, bool is_unsigned)
{
	if (is_unsigned)
		return (u8)name[i];
	return (u32)(int)(signed char)name[i];
}

static u32 hash_legacy(const char *name, u32 len, bool is_unsigned)
{
	u32 h0 = 0x12a3fe2d, h1 = 0x37abe8f9, h, i;

	for (i = 0; i < len; i++) {
		h = h1 + (h0 ^ (name_byte(name, i, is_unsigned) * 7152373));
		if (h & 0x80000000)
			h -= 0x7fffffff;
		h1 = h0;
		h0 = h;
	}
	return h0 << 1;
}

/*
 * Pack up to @nr_words * 4 bytes of @name (@len bytes left in all) into
 * @words, big-endian within a word, each word starting from a pad made
 * of the remaining length; words past the name are the pad itself.
 */
static void name_to_words(const char *name, u32 len, u32 *words,
			  int nr_words, bool is_unsigned)
{
	u32 pad = len | (len << 8), val, i, take;

	pad |= pad << 16;
	take = min_t(u32, len, (u32)nr_words * 4);
	val = pad;
	for (i = 0; i < take; i++) {
		val = name_byte(name, i, is_unsigned) + (val << 8);
		if (i % 4 == 3) {
			*words++ = val;
			nr_words--;
			val = pad;
		}
	}
	if (nr_words-- > 0)
		*words++ = val;
	while (nr_words-- > 0)
		*words++ = pad;
}

#define MD4_F(x, y, z)	((z) ^ ((x) & ((y) ^ (z))))
#define MD4_G(x, y, z)	(((x) & (y)) + (((x) ^ (y)) & (z)))
#define MD4_H(x, y, z)	((x) ^ (y) ^ (z))
#define MD4_K2		0x5a827999U
#define MD4_K3		0x6ed9eba1U
#define MD4_STEP(f, a, b, c, d, x, s)	((a) = rotl32((a) + f(b, c, d) + (x), s))

static void half_md4_mix(u32 st[4], const u32 *in)
{
	u32 a = st[0], b = st[1], c = st[2], d = st[3];
	int i;

	for (i = 0; i < 8; i += 4) {
		MD4_STEP(MD4_F, a, b, c, d, in[i + 0], 3);
		MD4_STEP(MD4_F, d, a, b, c, in[i + 1], 7);
		MD4_STEP(MD4_F, c, d, a, b, in[i + 2], 11);
		MD4_STEP(MD4_F, b, c, d, a, in[i + 3], 19);
	}
	for (i = 0; i < 2; i++) {
		MD4_STEP(MD4_G, a, b, c, d, in[1 - i] + MD4_K2, 3);
		MD4_STEP(MD4_G, d, a, b, c, in[3 - i] + MD4_K2, 5);
		MD4_STEP(MD4_G, c, d, a, b, in[5 - i] + MD4_K2, 9);
		MD4_STEP(MD4_G, b, c, d, a, in[7 - i] + MD4_K2, 13);
	}
	for (i = 0; i < 2; i++) {
		MD4_STEP(MD4_H, a, b, c, d, in[3 - 2 * i] + MD4_K3, 3);
		MD4_STEP(MD4_H, d, a, b, c, in[7 - 2 * i] + MD4_K3, 9);
		MD4_STEP(MD4_H, c, d, a, b, in[2 - 2 * i] + MD4_K3, 11);
		MD4_STEP(MD4_H, b, c, d, a, in[6 - 2 * i] + MD4_K3, 15);
	}
	st[0] += a;
	st[1] += b;
	st[2] += c;
	st[3] += d;
}

static void tea_mix(u32 st[4], const u32 *in)
{
	u32 sum = 0, b0 = st[0], b1 = st[1];
	int n;

	for (n = 0; n < 16; n++) {
		sum += 0x9e3779b9;
		b0 += ((b1 << 4) + in[0]) ^ (b1 + sum) ^ ((b1 >> 5) + in[1]);
		b1 += ((b0 << 4) + in[2]) ^ (b0 + sum) ^ ((b0 >> 5) + in[3]);
	}
	st[0] += b0;
	st[1] += b1;
}

/* Feed @name to @mix in chunks of @nr_words words. */
static void hash_chunks(const char *name, u32 len, int nr_words,
			void (*mix)(u32 st[4], const u32 *in), u32 st[4],
			bool is_unsigned)
{
	int left = len, chunk = nr_words * 4;
	u32 in[8];

	for (; left > 0; name += chunk, left -= chunk) {
		name_to_words(name, left, in, nr_words, is_unsigned);
		mix(st, in);
	}
}

int ext4_dirhash(const char *name, u32 len, u8 version, const u32 seed[4],
		 struct ext4_dirhash *out)
{
	bool is_unsigned = version >= EXT4_HASH_UNSIGNED_DELTA;
	u32 st[4], i;

	memcpy(st, default_seed, sizeof(st));
	for (i = 0; seed && i < 4; i++) {
		if (seed[i]) {
			memcpy(st, seed, sizeof(st));
			break;
		}
	}
	out->minor = 0;
	switch (version) {
	case EXT4_HASH_LEGACY:
	case EXT4_HASH_LEGACY_UNSIGNED:
		out->hash = hash_legacy(name, len, is_unsigned);
		break;
	case EXT4_HASH_HALF_MD4:
	case EXT4_HASH_HALF_MD4_UNSIGNED:
		hash_chunks(name, len, 8, half_md4_mix, st, is_unsigned);
		out->hash = st[1];
		out->minor = st[2];
		break;
	case EXT4_HASH_TEA:
	case EXT4_HASH_TEA_UNSIGNED:
		hash_chunks(name, len, 4, tea_mix, st, is_unsigned);
		out->hash = st[0];
		out->minor = st[1];
		break;
	default:
		return -EINVAL;
	}
	out->hash &= ~1U;
	if (out->hash == HASH_EOF_32 << 1)
		out->hash = (HASH_EOF_32 - 1) << 1;
	return 0;
}
