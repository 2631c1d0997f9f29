/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The RoCEv2 invariant CRC (IBA 7.8.1 and annex A17.3.3): CRC-32 of the
 * IEEE polynomial over the IPv4 header, UDP header, transport headers and
 * payload of a packet, with the fields a router may change replaced by
 * ones: IPv4 TOS, TTL and header checksum, the UDP checksum, and BTH
 * byte 4 (FECN/BECN and reserved bits).  The CRC register starts as if it
 * had already consumed the 8-byte LRH of a native IB packet, masked to
 * all ones; the complement of the result goes on the wire least
 * significant byte first, like the Ethernet FCS.
 *
 * Pure code: lib/crc32.c does the arithmetic.  Packet codecs are in
 * rxe_hdr.c.
 */
#include <tessera/crc32.h>
#include <tessera/rdma/rxe_hdr.h>
#include <tessera/string.h>

#define ICRC_MASKED_HDR	(RXE_BTH_OFFSET + RXE_BTH_BYTES)

u32 rxe_icrc(const u8 *buf, size_t len)
{
	static const u8 masked_lrh[8] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	};
	u8 hdr[ICRC_MASKED_HDR];
	u32 crc;

	if (len < ICRC_MASKED_HDR)
		return 0;
	memcpy(hdr, buf, sizeof(hdr));
	hdr[1] = 0xff;				/* IPv4 TOS */
	hdr[8] = 0xff;				/* IPv4 TTL */
	hdr[10] = 0xff;				/* IPv4 header checksum */
	hdr[11] = 0xff;
	hdr[RXE_IPV4_HDR_BYTES + 6] = 0xff;	/* UDP checksum */
	hdr[RXE_IPV4_HDR_BYTES + 7] = 0xff;
	hdr[RXE_BTH_OFFSET + 4] = 0xff;		/* BTH resv8a (FECN/BECN) */

	crc = crc32_le(~0u, masked_lrh, sizeof(masked_lrh));
	crc = crc32_le(crc, hdr, sizeof(hdr));
	crc = crc32_le(crc, buf + sizeof(hdr), len - sizeof(hdr));
	return ~crc;
}
