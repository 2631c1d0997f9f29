/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host tests of lib/sha256.c against published vectors: SHA-256 from
 * FIPS 180-2's examples ("abc", the 448- and 896-bit messages, a
 * million 'a') and the empty message; HMAC-SHA256 from RFC 4231 (test
 * cases 1, 2, 3, 4, 6 and 7: short, long and longer-than-a-block keys).
 * Also: feeding a message in pieces of every size 1..130 gives the
 * one-shot digest, and crypto_memneq() tells equal from unequal.
 */
/* HTEST-SOURCES: lib/sha256.c lib/string.c */
#include "htest.h"

#include <tessera/kernel.h>
#include <tessera/sha256.h>
#include <tessera/string.h>

static void hex(const char *s, u8 *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned int v;

		sscanf(s + 2 * i, "%2x", &v);
		out[i] = v;
	}
}

static bool digest_is(const u8 *d, const char *want)
{
	u8 w[SHA256_DIGEST_SIZE];

	hex(want, w, sizeof(w));
	return !memcmp(d, w, sizeof(w));
}

static const struct {
	const char *msg;
	const char *digest;
} sha_vectors[] = {
	{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
	  "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
	  "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1" },
};

static void test_sha256_vectors(struct htest *t)
{
	u8 d[SHA256_DIGEST_SIZE];

	for (size_t i = 0; i < ARRAY_SIZE(sha_vectors); i++) {
		sha256(sha_vectors[i].msg, strlen(sha_vectors[i].msg), d);
		if (!digest_is(d, sha_vectors[i].digest))
			HT_FAIL(t, "SHA-256 of \"%s\"", sha_vectors[i].msg);
	}
}

static void test_sha256_million_a(struct htest *t)
{
	struct sha256_ctx c;
	u8 chunk[1000], d[SHA256_DIGEST_SIZE];

	memset(chunk, 'a', sizeof(chunk));
	sha256_init(&c);
	for (int i = 0; i < 1000; i++)
		sha256_update(&c, chunk, sizeof(chunk));
	sha256_final(&c, d);
	HT_EXPECT(t, digest_is(d, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
}

/* Pieces of every size give the same digest as one call. */
static void test_sha256_pieces(struct htest *t)
{
	u8 msg[300], whole[SHA256_DIGEST_SIZE], d[SHA256_DIGEST_SIZE];

	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (u8)(i * 31 + 7);
	for (size_t len = 0; len <= sizeof(msg); len += 1) {
		sha256(msg, len, whole);
		for (size_t piece = 1; piece <= 130; piece += 3) {
			struct sha256_ctx c;
			size_t off = 0;

			sha256_init(&c);
			while (off < len) {
				size_t n = len - off < piece ? len - off : piece;

				sha256_update(&c, msg + off, n);
				off += n;
			}
			sha256_final(&c, d);
			if (memcmp(d, whole, sizeof(d))) {
				HT_FAIL(t, "length %zu in pieces of %zu", len,
					piece);
				return;
			}
		}
	}
}

struct hmac_vector {
	const char *key_hex;
	size_t key_len;
	const char *data;	/* NULL: data_hex */
	const char *data_hex;
	size_t data_len;
	const char *mac;
};

static const struct hmac_vector hmac_vectors[] = {
	/* RFC 4231 4.2: test case 1 */
	{ "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", 20, "Hi There", NULL, 8,
	  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
	/* 4.3: test case 2, a short key */
	{ "4a656665", 4, "what do ya want for nothing?", NULL, 28,
	  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
	/* 4.4: test case 3, 50 bytes of 0xdd */
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 20, NULL,
	  "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
	  50, "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
	/* 4.5: test case 4 */
	{ "0102030405060708090a0b0c0d0e0f10111213141516171819", 25, NULL,
	  "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
	  50, "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
	/* 4.7: test case 6, a 131-byte key (hashed first) */
	{ NULL, 131, "Test Using Larger Than Block-Size Key - Hash Key First",
	  NULL, 54,
	  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
	/* 4.8: test case 7 */
	{ NULL, 131, "This is a test using a larger than block-size key and a "
	  "larger than block-size data. The key needs to be hashed before "
	  "being used by the HMAC algorithm.", NULL, 152,
	  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2" },
};

static void test_hmac_rfc4231(struct htest *t)
{
	for (size_t i = 0; i < ARRAY_SIZE(hmac_vectors); i++) {
		const struct hmac_vector *v = &hmac_vectors[i];
		u8 key[131], data[200], d[SHA256_DIGEST_SIZE];
		struct hmac_sha256_key k;

		if (v->key_hex)
			hex(v->key_hex, key, v->key_len);
		else
			memset(key, 0xaa, v->key_len);
		if (v->data)
			memcpy(data, v->data, v->data_len);
		else
			hex(v->data_hex, data, v->data_len);
		hmac_sha256_setkey(&k, key, v->key_len);
		hmac_sha256(&k, data, v->data_len, d);
		if (!digest_is(d, v->mac))
			HT_FAIL(t, "RFC 4231 vector %zu", i);
		/* The key's state is reusable. */
		hmac_sha256(&k, data, v->data_len, d);
		if (!digest_is(d, v->mac))
			HT_FAIL(t, "RFC 4231 vector %zu, second use", i);
	}
}

static void test_memneq(struct htest *t)
{
	u8 a[32], b[32];

	memset(a, 0x5a, sizeof(a));
	memcpy(b, a, sizeof(b));
	HT_EXPECT_EQ(t, crypto_memneq(a, b, sizeof(a)), 0);
	for (size_t i = 0; i < sizeof(a); i++) {
		b[i] ^= 0x01;
		HT_EXPECT_EQ(t, crypto_memneq(a, b, sizeof(a)), 1);
		b[i] ^= 0x01;
	}
	HT_EXPECT_EQ(t, crypto_memneq(a, b, 0), 0);
}

static const struct htest_case cases[] = {
	HT_CASE(test_sha256_vectors),
	HT_CASE(test_sha256_million_a),
	HT_CASE(test_sha256_pieces),
	HT_CASE(test_hmac_rfc4231),
	HT_CASE(test_memneq),
	{}
};

HTEST_MAIN(cases)
