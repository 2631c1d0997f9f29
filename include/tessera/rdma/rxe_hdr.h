/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RoCEv2 wire formats: the IPv4/UDP encapsulation, the InfiniBand
 * transport headers the soft RDMA device (drivers/infiniband/sw/rxe)
 * speaks (BTH, RETH, AETH, ImmDt, DETH), the opcode table, the invariant
 * CRC, and 24-bit PSN arithmetic.  Everything here is byte-exact with the
 * InfiniBand Architecture spec (vol. 1, ch. 9) and its RoCEv2 annex
 * (A17): all multi-byte header fields are big-endian on the wire, the
 * ICRC is the IEEE CRC-32 stored least significant byte first.
 *
 * A RoCEv2 packet as the codecs see it starts at the IPv4 header (the
 * Ethernet header is the transmit path's business):
 *
 *	IPv4 (20) | UDP (8, dport 4791) | BTH (12) | [DETH 8] [RETH 16]
 *	[AETH 4] [ImmDt 4] | payload | pad (0-3) | ICRC (4)
 *
 * The codecs are pure functions (drivers/infiniband/sw/rxe/rxe_hdr.c and
 * rxe_icrc.c) and build on the host for tests/host/test_rxe_hdr.c.
 */
#ifndef _TESSERA_RDMA_RXE_HDR_H
#define _TESSERA_RDMA_RXE_HDR_H

#include <tessera/compiler.h>
#include <tessera/types.h>
#include <tessera/unaligned.h>	/* get_be32() & co. */

#define ROCE_V2_UDP_DPORT	4791

#define RXE_IPV4_HDR_BYTES	20
#define RXE_UDP_HDR_BYTES	8
#define RXE_BTH_BYTES		12
#define RXE_DETH_BYTES		8
#define RXE_RETH_BYTES		16
#define RXE_AETH_BYTES		4
#define RXE_IMMDT_BYTES		4
#define RXE_ICRC_BYTES		4
/* IPv4 + UDP: where the BTH starts in an encoded packet. */
#define RXE_BTH_OFFSET		(RXE_IPV4_HDR_BYTES + RXE_UDP_HDR_BYTES)
/* Longest header run: BTH + DETH + RETH + AETH + ImmDt is never legal,
 * the longest legal one is BTH + RETH + ImmDt (32); keep room for all. */
#define RXE_MAX_TRANSPORT_HDR	(RXE_BTH_BYTES + RXE_DETH_BYTES + \
				 RXE_RETH_BYTES + RXE_AETH_BYTES + \
				 RXE_IMMDT_BYTES)
/* Bytes of an encoded packet beyond its payload, at most. */
#define RXE_MAX_PKT_OVERHEAD	(RXE_BTH_OFFSET + RXE_MAX_TRANSPORT_HDR + \
				 3 + RXE_ICRC_BYTES)

/* BTH byte 1 */
#define BTH_SE			0x80
#define BTH_MIG			0x40
#define BTH_PAD_SHIFT		4
#define BTH_PAD_MASK		0x30
#define BTH_TVER_MASK		0x0f
/* BTH byte 8 */
#define BTH_ACKREQ		0x80

#define BTH_DEFAULT_PKEY	0xffff
#define RXE_PSN_MASK		0x00ffffffu
#define RXE_QPN_MASK		0x00ffffffu

/*
 * Opcodes: bits 7-5 transport (000 RC, 001 UC, 011 UD), bits 4-0 the
 * operation.
 */
enum rxe_opcode {
	IB_OPCODE_RC_SEND_FIRST			= 0x00,
	IB_OPCODE_RC_SEND_MIDDLE		= 0x01,
	IB_OPCODE_RC_SEND_LAST			= 0x02,
	IB_OPCODE_RC_SEND_LAST_WITH_IMMEDIATE	= 0x03,
	IB_OPCODE_RC_SEND_ONLY			= 0x04,
	IB_OPCODE_RC_SEND_ONLY_WITH_IMMEDIATE	= 0x05,
	IB_OPCODE_RC_RDMA_WRITE_FIRST		= 0x06,
	IB_OPCODE_RC_RDMA_WRITE_MIDDLE		= 0x07,
	IB_OPCODE_RC_RDMA_WRITE_LAST		= 0x08,
	IB_OPCODE_RC_RDMA_WRITE_LAST_WITH_IMMEDIATE = 0x09,
	IB_OPCODE_RC_RDMA_WRITE_ONLY		= 0x0a,
	IB_OPCODE_RC_RDMA_WRITE_ONLY_WITH_IMMEDIATE = 0x0b,
	IB_OPCODE_RC_RDMA_READ_REQUEST		= 0x0c,
	IB_OPCODE_RC_RDMA_READ_RESPONSE_FIRST	= 0x0d,
	IB_OPCODE_RC_RDMA_READ_RESPONSE_MIDDLE	= 0x0e,
	IB_OPCODE_RC_RDMA_READ_RESPONSE_LAST	= 0x0f,
	IB_OPCODE_RC_RDMA_READ_RESPONSE_ONLY	= 0x10,
	IB_OPCODE_RC_ACKNOWLEDGE		= 0x11,
	IB_OPCODE_UD_SEND_ONLY			= 0x64,
	IB_OPCODE_UD_SEND_ONLY_WITH_IMMEDIATE	= 0x65,
};

/* What an opcode carries and means (rxe_opcode_info()). */
#define RXE_HAS_RETH		(1u << 0)
#define RXE_HAS_AETH		(1u << 1)
#define RXE_HAS_IMMDT		(1u << 2)
#define RXE_HAS_DETH		(1u << 3)
#define RXE_HAS_PAYLOAD		(1u << 4)
#define RXE_START		(1u << 5)	/* first or only packet */
#define RXE_END			(1u << 6)	/* last or only packet */
#define RXE_REQUEST		(1u << 7)	/* requester -> responder */
#define RXE_SEND		(1u << 8)
#define RXE_WRITE		(1u << 9)
#define RXE_READ_REQ		(1u << 10)
#define RXE_READ_RESP		(1u << 11)
#define RXE_ACK			(1u << 12)

struct rxe_opcode_info {
	const char *name;
	u32 flags;		/* RXE_HAS_* | RXE_START ... */
	u8 hdr_len;		/* BTH + extension headers */
};

/* NULL for opcodes this device does not implement. */
const struct rxe_opcode_info *rxe_opcode_info(u8 opcode);

/* AETH syndrome: bits 7-5 the kind, bits 4-0 credit / timer / NAK code. */
#define AETH_TYPE_MASK		0xe0
#define AETH_ACK		0x00
#define AETH_RNR_NAK		0x20
#define AETH_NAK		0x60
#define AETH_ACK_UNLIMITED	0x1f	/* ACK with "no credit limit" */
enum rxe_nak_code {
	AETH_NAK_PSN_SEQ_ERROR	= 0,
	AETH_NAK_INVALID_REQ	= 1,
	AETH_NAK_REM_ACC_ERR	= 2,
	AETH_NAK_REM_OP_ERR	= 3,
	AETH_NAK_INV_RD_REQ	= 4,
};

/*
 * One packet, decoded or to be encoded.  Host byte order throughout;
 * fields of headers the opcode does not carry are ignored by the encoder
 * and zeroed by the decoder.
 */
struct rxe_pkt {
	/* IPv4 + UDP */
	u32 saddr, daddr;	/* IPv4 addresses, host order */
	u16 ip_id;
	u8 tos, ttl;
	u16 sport;		/* UDP source port (dport is 4791) */
	/* BTH */
	u8 opcode;
	bool se, mig, ackreq;
	u8 pad;			/* pad bytes after the payload, 0..3 */
	u8 tver;
	u16 pkey;
	u32 dqpn;		/* 24 bits */
	u32 psn;		/* 24 bits */
	u8 bth_resv8a;		/* byte 4: FECN/BECN/reserved (not in ICRC) */
	/* DETH */
	u32 qkey, src_qpn;
	/* RETH */
	u64 va;
	u32 rkey, dma_len;
	/* AETH */
	u8 syndrome;
	u32 msn;		/* 24 bits */
	/* ImmDt: the 32-bit value as read big-endian from the wire */
	u32 imm;
	/* Payload (decode: points into the packet) */
	const u8 *payload;
	u32 paylen;		/* without pad */
};

/*
 * Encode the IPv4, UDP and transport headers of @pkt (with @pkt->paylen
 * bytes of payload to follow) into @buf, IPv4 header checksum included.
 * @pkt->pad is computed here.  Returns the payload offset in @buf (the
 * caller copies the payload there, then calls rxe_pkt_seal()), or
 * -EINVAL (unknown opcode, field out of range) or -EMSGSIZE (@cap too
 * small).  The total packet length is rxe_pkt_total_len(@pkt).
 */
int rxe_pkt_encode(u8 *buf, size_t cap, struct rxe_pkt *pkt);
/* Length of the encoded packet from the IPv4 header to the ICRC. */
size_t rxe_pkt_total_len(const struct rxe_pkt *pkt);
/* Zero the pad bytes and write the ICRC of the complete packet @buf. */
void rxe_pkt_seal(u8 *buf, size_t len);

/*
 * Decode and validate the IPv4 packet @buf of @len bytes (trailing bytes
 * past the IPv4 total length, e.g. Ethernet padding, are ignored).
 * Returns 0, -EINVAL (malformed: not IPv4/UDP/4791, bad lengths, bad IP
 * header checksum, fragments, TVer != 0), -EBADMSG (bad ICRC) or
 * -EOPNOTSUPP (unknown opcode).  @pkt->payload points into @buf.
 */
int rxe_pkt_decode(const u8 *buf, size_t len, struct rxe_pkt *pkt);

/*
 * The invariant CRC of the RoCEv2 packet @buf (IPv4 header first), over
 * its first @len bytes (everything before the ICRC field): the masked
 * fields are TOS, TTL and header checksum of IPv4, the UDP checksum, and
 * BTH byte 4, each replaced by all-ones, and the CRC starts as if it had
 * consumed eight bytes of ones (the LRH of a native IB packet).  The
 * result is the value to store little-endian in the ICRC field.
 */
u32 rxe_icrc(const u8 *buf, size_t len);

/* The Internet checksum of an IPv4 header (0 when stored and valid). */
u16 rxe_ip_csum(const u8 *hdr, size_t len);

/* 24-bit PSN arithmetic. */
static inline u32 psn_add(u32 psn, u32 n)
{
	return (psn + n) & RXE_PSN_MASK;
}

/* <0, 0, >0 as @a is before, equal to, or after @b (half-window rule). */
static inline int psn_cmp(u32 a, u32 b)
{
	return (s32)((a - b) << 8);
}

#endif /* _TESSERA_RDMA_RXE_HDR_H */
