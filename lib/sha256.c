/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SHA-256 as FIPS 180-4 section 6.2 describes it (message schedule of
 * 64 words, eight working variables, the constants K being the first 32
 * bits of the fractional parts of the cube roots of the first 64
 * primes), and HMAC over it (RFC 2104).  Written for membership MACs:
 * a few short messages a second, so a plain one-block-at-a-time
 * implementation.  Tested against the FIPS and RFC 4231 vectors by
 * tests/host/test_sha256.c.
 */
#include <tessera/sha256.h>
#include <tessera/string.h>
#include <tessera/unaligned.h>

static const u32 sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5,
	0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
	0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
	0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static u32 ror32(u32 x, unsigned int n)
{
	return (x >> n) | (x << (32 - n));
}

static void sha256_block(u32 state[8], const u8 *block)
{
	u32 w[64], v[8], t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = get_be32(block + 4 * i);
	for (i = 16; i < 64; i++) {
		u32 s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^
			 (w[i - 15] >> 3);
		u32 s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^
			 (w[i - 2] >> 10);

		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	memcpy(v, state, sizeof(v));
	for (i = 0; i < 64; i++) {
		/* v[0..7] are a..h. */
		t1 = v[7] +
		     (ror32(v[4], 6) ^ ror32(v[4], 11) ^ ror32(v[4], 25)) +
		     ((v[4] & v[5]) ^ (~v[4] & v[6])) + sha256_k[i] + w[i];
		t2 = (ror32(v[0], 2) ^ ror32(v[0], 13) ^ ror32(v[0], 22)) +
		     ((v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]));
		v[7] = v[6];
		v[6] = v[5];
		v[5] = v[4];
		v[4] = v[3] + t1;
		v[3] = v[2];
		v[2] = v[1];
		v[1] = v[0];
		v[0] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		state[i] += v[i];
}

void sha256_init(struct sha256_ctx *c)
{
	/* First 32 bits of the fractional parts of sqrt(2..19). */
	static const u32 h0[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(c->state, h0, sizeof(h0));
	c->bytes = 0;
}

void sha256_update(struct sha256_ctx *c, const void *data, size_t len)
{
	const u8 *p = data;
	size_t have = c->bytes % SHA256_BLOCK_SIZE;

	c->bytes += len;
	if (have) {
		size_t take = SHA256_BLOCK_SIZE - have;

		if (take > len)
			take = len;
		memcpy(c->buf + have, p, take);
		p += take;
		len -= take;
		if (have + take < SHA256_BLOCK_SIZE)
			return;
		sha256_block(c->state, c->buf);
	}
	while (len >= SHA256_BLOCK_SIZE) {
		sha256_block(c->state, p);
		p += SHA256_BLOCK_SIZE;
		len -= SHA256_BLOCK_SIZE;
	}
	if (len)
		memcpy(c->buf, p, len);
}

void sha256_final(struct sha256_ctx *c, u8 out[SHA256_DIGEST_SIZE])
{
	size_t have = c->bytes % SHA256_BLOCK_SIZE;
	u64 bits = c->bytes * 8;
	int i;

	/* A 1 bit, zeros, then the length in bits, big-endian. */
	c->buf[have++] = 0x80;
	if (have > SHA256_BLOCK_SIZE - 8) {
		memset(c->buf + have, 0, SHA256_BLOCK_SIZE - have);
		sha256_block(c->state, c->buf);
		have = 0;
	}
	memset(c->buf + have, 0, SHA256_BLOCK_SIZE - 8 - have);
	put_be32(c->buf + 56, (u32)(bits >> 32));
	put_be32(c->buf + 60, (u32)bits);
	sha256_block(c->state, c->buf);
	for (i = 0; i < 8; i++)
		put_be32(out + 4 * i, c->state[i]);
	memset(c, 0, sizeof(*c));
}

void sha256(const void *data, size_t len, u8 out[SHA256_DIGEST_SIZE])
{
	struct sha256_ctx c;

	sha256_init(&c);
	sha256_update(&c, data, len);
	sha256_final(&c, out);
}

void hmac_sha256_setkey(struct hmac_sha256_key *k, const void *key,
			size_t len)
{
	u8 block[SHA256_BLOCK_SIZE] = { 0 };
	u8 pad[SHA256_BLOCK_SIZE];
	int i;

	if (len > SHA256_BLOCK_SIZE)
		sha256(key, len, block);
	else
		memcpy(block, key, len);
	for (i = 0; i < SHA256_BLOCK_SIZE; i++)
		pad[i] = block[i] ^ 0x36;
	sha256_init(&k->inner);
	sha256_update(&k->inner, pad, sizeof(pad));
	for (i = 0; i < SHA256_BLOCK_SIZE; i++)
		pad[i] = block[i] ^ 0x5c;
	sha256_init(&k->outer);
	sha256_update(&k->outer, pad, sizeof(pad));
	memset(block, 0, sizeof(block));
	memset(pad, 0, sizeof(pad));
}

void hmac_sha256(const struct hmac_sha256_key *k, const void *data,
		 size_t len, u8 out[SHA256_DIGEST_SIZE])
{
	struct sha256_ctx c = k->inner;
	u8 inner[SHA256_DIGEST_SIZE];

	sha256_update(&c, data, len);
	sha256_final(&c, inner);
	c = k->outer;
	sha256_update(&c, inner, sizeof(inner));
	sha256_final(&c, out);
}

int crypto_memneq(const void *a, const void *b, size_t len)
{
	const volatile u8 *x = a, *y = b;
	u8 diff = 0;

	while (len--)
		diff |= *x++ ^ *y++;
	return diff != 0;
}
