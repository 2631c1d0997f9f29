/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internet basics shared by net/ and its users: byte order helpers,
 * IPv4 address formatting and parsing, and the Internet checksum
 * (RFC 1071) over buffers and gather lists.  net/checksum.c and
 * net/codec.c implement the functions; both build on the host too.
 *
 * Byte order: every on-the-wire field is kept in network order in a
 * __be16/__be32 and converted with these helpers at the point of use.
 * IPv4 addresses are __be32 everywhere (as they sit in the header).
 *
 * Checksums are computed over memory as it lies, in the CPU's native
 * 16-bit word order; one's-complement addition does not care, so the
 * folded result can be stored into the header as it is (no swap).
 */
#ifndef _TESSERA_INET_H
#define _TESSERA_INET_H

#include <tessera/compiler.h>
#include <tessera/types.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "inet.h: only little-endian CPUs are supported"
#endif

typedef u16 __sum16;	/* a checksum field as stored in a header */

/* Constant-foldable, so they work in initializers and case labels. */
#define cpu_to_be16(x)	((__be16)__builtin_bswap16((u16)(x)))
#define cpu_to_be32(x)	((__be32)__builtin_bswap32((u32)(x)))
#define cpu_to_be64(x)	((__be64)__builtin_bswap64((u64)(x)))
#define be16_to_cpu(x)	((u16)__builtin_bswap16((__be16)(x)))
#define be32_to_cpu(x)	((u32)__builtin_bswap32((__be32)(x)))
#define be64_to_cpu(x)	((u64)__builtin_bswap64((__be64)(x)))
#define htons(x)	cpu_to_be16(x)
#define ntohs(x)	be16_to_cpu(x)
#define htonl(x)	cpu_to_be32(x)
#define ntohl(x)	be32_to_cpu(x)

/* 10.77.0.2 as a __be32: IPV4_ADDR(10, 77, 0, 2). */
#define IPV4_ADDR(a, b, c, d)						\
	cpu_to_be32(((u32)(a) << 24) | ((u32)(b) << 16) |		\
		    ((u32)(c) << 8) | (u32)(d))
#define IPV4_BROADCAST	IPV4_ADDR(255, 255, 255, 255)

/* pr_info("ip " IPV4_FMT "\n", IPV4_ARGS(addr)); */
#define IPV4_FMT	"%u.%u.%u.%u"
#define IPV4_ARGS(ip)							\
	(unsigned int)(be32_to_cpu(ip) >> 24),				\
	(unsigned int)((be32_to_cpu(ip) >> 16) & 0xff),			\
	(unsigned int)((be32_to_cpu(ip) >> 8) & 0xff),			\
	(unsigned int)(be32_to_cpu(ip) & 0xff)

#define MAC_FMT		"%02x:%02x:%02x:%02x:%02x:%02x"
#define MAC_ARGS(m)	(m)[0], (m)[1], (m)[2], (m)[3], (m)[4], (m)[5]

/* Netmask of a prefix length 0..32, network order. */
static inline __be32 inet_prefix_mask(unsigned int prefix)
{
	if (prefix == 0)
		return 0;
	if (prefix >= 32)
		return 0xffffffffu;
	return cpu_to_be32(~0u << (32 - prefix));
}

static inline bool ipv4_is_multicast(__be32 a)
{
	return (be32_to_cpu(a) >> 28) == 0xe;
}

static inline bool ipv4_is_loopback(__be32 a)
{
	return (be32_to_cpu(a) >> 24) == 127;
}

/*
 * Parse "A.B.C.D/P" (decimal octets 0..255 without leading zeros,
 * prefix 1..32) into @addr and @prefix.  The address must be a unicast
 * host address: not 0.x.x.x, loopback, multicast, reserved (240/4), nor
 * the network or broadcast address of its subnet (for prefixes up to
 * 30).  0 or -EINVAL; outputs are untouched on error.
 */
int inet_parse_cidr(const char *s, __be32 *addr, unsigned int *prefix);

/* ---- Internet checksum ------------------------------------------------ */

/*
 * Add @len bytes at @buf to the running 32-bit sum @sum (not folded, not
 * complemented).  An odd trailing byte counts as if followed by a zero.
 */
u32 csum_partial(const void *buf, size_t len, u32 sum);

/* One's-complement addition of two partial sums. */
static inline u32 csum_add(u32 a, u32 b)
{
	u32 s = a + b;

	return s + (s < a);
}

/* Fold a partial sum to 16 bits and complement it: the header value. */
static inline __sum16 csum_fold(u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__sum16)~sum;
}

/*
 * Add @part, the partial sum of a block that starts @offset bytes into
 * the checksummed data, to @sum.  A block at an odd offset has its bytes
 * in the other halves of the 16-bit words.
 */
u32 csum_block_add(u32 sum, u32 part, size_t offset);

/* The IPv4 header checksum of @ihl 32-bit words (0 means valid). */
static inline __sum16 ip_fast_csum(const void *iph, unsigned int ihl)
{
	return csum_fold(csum_partial(iph, ihl * 4, 0));
}

/*
 * Partial sum of the TCP/UDP pseudo header: source, destination, zero,
 * protocol, and @len (the transport header plus payload length).
 */
u32 csum_tcpudp_nofold(__be32 saddr, __be32 daddr, u16 len, u8 proto,
		       u32 sum);

#endif /* _TESSERA_INET_H */
