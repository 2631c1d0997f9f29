/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Internet checksum (RFC 1071): partial sums over memory in native
 * word order, combining blocks at odd offsets, and the TCP/UDP pseudo
 * header.  Pure code: also built into the host unit tests.  Folding and
 * the header checksum are inline in <tessera/inet.h>.
 */
#include <tessera/inet.h>
#include <tessera/string.h>

/* End-around-carry fold of a 64-bit accumulator into 32 bits. */
static u32 csum_fold64(u64 s)
{
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffffffu) + (s >> 32);
	return (u32)s;
}

u32 csum_partial(const void *buf, size_t len, u32 sum)
{
	const u8 *p = buf;
	u64 acc = sum;

	/* 32-bit words: their sum is congruent to the 16-bit one mod 0xffff. */
	while (len >= 4) {
		u32 w;

		memcpy(&w, p, 4);
		acc += w;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		u16 w;

		memcpy(&w, p, 2);
		acc += w;
		p += 2;
		len -= 2;
	}
	/* The odd byte is the first of a word whose second byte is zero. */
	if (len)
		acc += *p;
	return csum_fold64(acc);
}

u32 csum_block_add(u32 sum, u32 part, size_t offset)
{
	if (offset & 1) {
		u32 f = (part & 0xffff) + (part >> 16);

		f = (f & 0xffff) + (f >> 16);
		part = ((f & 0xff) << 8) | (f >> 8);
	}
	return csum_add(sum, part);
}

u32 csum_tcpudp_nofold(__be32 saddr, __be32 daddr, u16 len, u8 proto,
		       u32 sum)
{
	u64 acc = sum;

	acc += saddr;
	acc += daddr;
	/* The words (0, proto) and (len) as they would lie in memory. */
	acc += htons((u16)proto);
	acc += htons(len);
	return csum_fold64(acc);
}
