/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), lib/sha256.c.
 *
 *	struct sha256_ctx c;
 *	sha256_init(&c);
 *	sha256_update(&c, buf, len);	(any number of times)
 *	sha256_final(&c, digest);
 *
 * HMAC with a key fixed for many messages: hmac_sha256_setkey() once
 * (the inner and outer pads hashed ahead), then hmac_sha256() per
 * message.  No allocation, no sleeping; the caller serialises use of
 * one context.  Digests are compared with crypto_memneq(), whose time
 * does not depend on where the bytes differ.
 */
#ifndef _TESSERA_SHA256_H
#define _TESSERA_SHA256_H

#include <tessera/types.h>

#define SHA256_DIGEST_SIZE	32
#define SHA256_BLOCK_SIZE	64

struct sha256_ctx {
	u32 state[8];
	u64 bytes;			/* message length so far */
	u8 buf[SHA256_BLOCK_SIZE];	/* bytes % 64 of them pending */
};

void sha256_init(struct sha256_ctx *c);
void sha256_update(struct sha256_ctx *c, const void *data, size_t len);
void sha256_final(struct sha256_ctx *c, u8 out[SHA256_DIGEST_SIZE]);
void sha256(const void *data, size_t len, u8 out[SHA256_DIGEST_SIZE]);

/* A key's precomputed inner and outer states. */
struct hmac_sha256_key {
	struct sha256_ctx inner, outer;
};

/* Any key length (longer than a block: hashed first, as RFC 2104 says). */
void hmac_sha256_setkey(struct hmac_sha256_key *k, const void *key,
			size_t len);
void hmac_sha256(const struct hmac_sha256_key *k, const void *data,
		 size_t len, u8 out[SHA256_DIGEST_SIZE]);

/* 0 if the @len bytes at @a and @b are equal, in time independent of them. */
int crypto_memneq(const void *a, const void *b, size_t len);

#endif /* _TESSERA_SHA256_H */
