/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RoCEv2 packet codecs: the opcode table (which extension headers each
 * opcode carries and what it means to the transport), the encoder that
 * lays out IPv4 + UDP + BTH + extension headers, and the decoder that
 * validates a received packet from the IPv4 header to the ICRC before
 * the transport looks at it.  Formats: include/tessera/rdma/rxe_hdr.h.
 *
 * Pure code, host-tested by tests/host/test_rxe_hdr.c.  The ICRC itself
 * is rxe_icrc.c.
 */
#include <tessera/errno.h>
#include <tessera/rdma/rxe_hdr.h>
#include <tessera/string.h>

#define IPPROTO_UDP		17
#define IP_DF			0x4000
#define IP_MF			0x2000
#define IP_OFFSET		0x1fff

#define SEND_REQ	(RXE_REQUEST | RXE_SEND | RXE_HAS_PAYLOAD)
#define WRITE_REQ	(RXE_REQUEST | RXE_WRITE | RXE_HAS_PAYLOAD)
#define READ_RESP	(RXE_READ_RESP | RXE_HAS_PAYLOAD)

#define BTH	RXE_BTH_BYTES
#define OP(code, flags, len) [code] = { #code, flags, len }

static const struct rxe_opcode_info opcode_table[256] = {
	OP(IB_OPCODE_RC_SEND_FIRST, SEND_REQ | RXE_START, BTH),
	OP(IB_OPCODE_RC_SEND_MIDDLE, SEND_REQ, BTH),
	OP(IB_OPCODE_RC_SEND_LAST, SEND_REQ | RXE_END, BTH),
	OP(IB_OPCODE_RC_SEND_LAST_WITH_IMMEDIATE,
	   SEND_REQ | RXE_END | RXE_HAS_IMMDT, BTH + RXE_IMMDT_BYTES),
	OP(IB_OPCODE_RC_SEND_ONLY, SEND_REQ | RXE_START | RXE_END, BTH),
	OP(IB_OPCODE_RC_SEND_ONLY_WITH_IMMEDIATE,
	   SEND_REQ | RXE_START | RXE_END | RXE_HAS_IMMDT,
	   BTH + RXE_IMMDT_BYTES),
	OP(IB_OPCODE_RC_RDMA_WRITE_FIRST,
	   WRITE_REQ | RXE_START | RXE_HAS_RETH, BTH + RXE_RETH_BYTES),
	OP(IB_OPCODE_RC_RDMA_WRITE_MIDDLE, WRITE_REQ, BTH),
	OP(IB_OPCODE_RC_RDMA_WRITE_LAST, WRITE_REQ | RXE_END, BTH),
	OP(IB_OPCODE_RC_RDMA_WRITE_LAST_WITH_IMMEDIATE,
	   WRITE_REQ | RXE_END | RXE_HAS_IMMDT, BTH + RXE_IMMDT_BYTES),
	OP(IB_OPCODE_RC_RDMA_WRITE_ONLY,
	   WRITE_REQ | RXE_START | RXE_END | RXE_HAS_RETH,
	   BTH + RXE_RETH_BYTES),
	OP(IB_OPCODE_RC_RDMA_WRITE_ONLY_WITH_IMMEDIATE,
	   WRITE_REQ | RXE_START | RXE_END | RXE_HAS_RETH | RXE_HAS_IMMDT,
	   BTH + RXE_RETH_BYTES + RXE_IMMDT_BYTES),
	OP(IB_OPCODE_RC_RDMA_READ_REQUEST,
	   RXE_REQUEST | RXE_READ_REQ | RXE_START | RXE_END | RXE_HAS_RETH,
	   BTH + RXE_RETH_BYTES),
	OP(IB_OPCODE_RC_RDMA_READ_RESPONSE_FIRST,
	   READ_RESP | RXE_START | RXE_HAS_AETH, BTH + RXE_AETH_BYTES),
	OP(IB_OPCODE_RC_RDMA_READ_RESPONSE_MIDDLE, READ_RESP, BTH),
	OP(IB_OPCODE_RC_RDMA_READ_RESPONSE_LAST,
	   READ_RESP | RXE_END | RXE_HAS_AETH, BTH + RXE_AETH_BYTES),
	OP(IB_OPCODE_RC_RDMA_READ_RESPONSE_ONLY,
	   READ_RESP | RXE_START | RXE_END | RXE_HAS_AETH,
	   BTH + RXE_AETH_BYTES),
	OP(IB_OPCODE_RC_ACKNOWLEDGE,
	   RXE_ACK | RXE_START | RXE_END | RXE_HAS_AETH,
	   BTH + RXE_AETH_BYTES),
	OP(IB_OPCODE_UD_SEND_ONLY,
	   SEND_REQ | RXE_START | RXE_END | RXE_HAS_DETH,
	   BTH + RXE_DETH_BYTES),
	OP(IB_OPCODE_UD_SEND_ONLY_WITH_IMMEDIATE,
	   SEND_REQ | RXE_START | RXE_END | RXE_HAS_DETH | RXE_HAS_IMMDT,
	   BTH + RXE_DETH_BYTES + RXE_IMMDT_BYTES),
};

const struct rxe_opcode_info *rxe_opcode_info(u8 opcode)
{
	const struct rxe_opcode_info *info = &opcode_table[opcode];

	return info->name ? info : NULL;
}

u16 rxe_ip_csum(const u8 *hdr, size_t len)
{
	u32 sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += get_be16(hdr + i);
	if (len & 1)
		sum += hdr[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (u16)~sum;
}

static u8 pkt_pad(const struct rxe_pkt *pkt)
{
	return (u8)(-pkt->paylen & 3);
}

size_t rxe_pkt_total_len(const struct rxe_pkt *pkt)
{
	const struct rxe_opcode_info *info = rxe_opcode_info(pkt->opcode);

	if (!info)
		return 0;
	return RXE_BTH_OFFSET + info->hdr_len + pkt->paylen + pkt_pad(pkt) +
	       RXE_ICRC_BYTES;
}

int rxe_pkt_encode(u8 *buf, size_t cap, struct rxe_pkt *pkt)
{
	const struct rxe_opcode_info *info = rxe_opcode_info(pkt->opcode);
	size_t total;
	u8 *p;

	if (!info || pkt->dqpn > RXE_QPN_MASK || pkt->psn > RXE_PSN_MASK ||
	    pkt->tver > BTH_TVER_MASK || pkt->msn > RXE_PSN_MASK ||
	    pkt->src_qpn > RXE_QPN_MASK)
		return -EINVAL;
	if (!(info->flags & RXE_HAS_PAYLOAD) && pkt->paylen)
		return -EINVAL;
	total = rxe_pkt_total_len(pkt);
	if (total > 0xffff)
		return -EINVAL;
	if (total > cap)
		return -EMSGSIZE;
	pkt->pad = pkt_pad(pkt);

	/* IPv4 */
	p = buf;
	p[0] = 0x45;
	p[1] = pkt->tos;
	put_be16(p + 2, (u16)total);
	put_be16(p + 4, pkt->ip_id);
	put_be16(p + 6, IP_DF);
	p[8] = pkt->ttl;
	p[9] = IPPROTO_UDP;
	put_be16(p + 10, 0);
	put_be32(p + 12, pkt->saddr);
	put_be32(p + 16, pkt->daddr);
	put_be16(p + 10, rxe_ip_csum(p, RXE_IPV4_HDR_BYTES));

	/* UDP: checksum 0, the ICRC protects the payload */
	p += RXE_IPV4_HDR_BYTES;
	put_be16(p, pkt->sport);
	put_be16(p + 2, ROCE_V2_UDP_DPORT);
	put_be16(p + 4, (u16)(total - RXE_IPV4_HDR_BYTES));
	put_be16(p + 6, 0);

	/* BTH */
	p += RXE_UDP_HDR_BYTES;
	p[0] = pkt->opcode;
	p[1] = (pkt->se ? BTH_SE : 0) | (pkt->mig ? BTH_MIG : 0) |
	       pkt->pad << BTH_PAD_SHIFT | pkt->tver;
	put_be16(p + 2, pkt->pkey);
	put_be32(p + 4, pkt->dqpn);
	p[4] = pkt->bth_resv8a;
	put_be32(p + 8, pkt->psn);
	if (pkt->ackreq)
		p[8] |= BTH_ACKREQ;
	p += RXE_BTH_BYTES;

	if (info->flags & RXE_HAS_DETH) {
		put_be32(p, pkt->qkey);
		put_be32(p + 4, pkt->src_qpn);
		p += RXE_DETH_BYTES;
	}
	if (info->flags & RXE_HAS_RETH) {
		put_be64(p, pkt->va);
		put_be32(p + 8, pkt->rkey);
		put_be32(p + 12, pkt->dma_len);
		p += RXE_RETH_BYTES;
	}
	if (info->flags & RXE_HAS_AETH) {
		put_be32(p, pkt->msn);
		p[0] = pkt->syndrome;
		p += RXE_AETH_BYTES;
	}
	if (info->flags & RXE_HAS_IMMDT) {
		put_be32(p, pkt->imm);
		p += RXE_IMMDT_BYTES;
	}
	return (int)(p - buf);
}

void rxe_pkt_seal(u8 *buf, size_t len)
{
	u8 pad = (buf[RXE_BTH_OFFSET + 1] & BTH_PAD_MASK) >> BTH_PAD_SHIFT;
	size_t crc_off = len - RXE_ICRC_BYTES;
	u32 icrc;

	memset(buf + crc_off - pad, 0, pad);
	icrc = rxe_icrc(buf, crc_off);
	buf[crc_off] = icrc;
	buf[crc_off + 1] = icrc >> 8;
	buf[crc_off + 2] = icrc >> 16;
	buf[crc_off + 3] = icrc >> 24;
}

int rxe_pkt_decode(const u8 *buf, size_t len, struct rxe_pkt *pkt)
{
	const struct rxe_opcode_info *info;
	size_t total, udp_len, rest;
	u32 icrc;
	const u8 *p;

	memset(pkt, 0, sizeof(*pkt));
	/* IPv4: no options, no fragments, valid header checksum */
	if (len < RXE_BTH_OFFSET + RXE_BTH_BYTES + RXE_ICRC_BYTES)
		return -EINVAL;
	if (buf[0] != 0x45 || buf[9] != IPPROTO_UDP)
		return -EINVAL;
	total = get_be16(buf + 2);
	if (total > len || total < RXE_BTH_OFFSET + RXE_BTH_BYTES +
				   RXE_ICRC_BYTES)
		return -EINVAL;
	if (get_be16(buf + 6) & (IP_MF | IP_OFFSET))
		return -EINVAL;
	if (rxe_ip_csum(buf, RXE_IPV4_HDR_BYTES) != 0)
		return -EINVAL;
	/* UDP */
	p = buf + RXE_IPV4_HDR_BYTES;
	udp_len = get_be16(p + 4);
	if (get_be16(p + 2) != ROCE_V2_UDP_DPORT ||
	    udp_len != total - RXE_IPV4_HDR_BYTES)
		return -EINVAL;

	/* ICRC before trusting any transport field */
	icrc = (u32)buf[total - 4] | (u32)buf[total - 3] << 8 |
	       (u32)buf[total - 2] << 16 | (u32)buf[total - 1] << 24;
	if (rxe_icrc(buf, total - RXE_ICRC_BYTES) != icrc)
		return -EBADMSG;

	pkt->tos = buf[1];
	pkt->ip_id = get_be16(buf + 4);
	pkt->ttl = buf[8];
	pkt->saddr = get_be32(buf + 12);
	pkt->daddr = get_be32(buf + 16);
	pkt->sport = get_be16(p);

	/* BTH */
	p += RXE_UDP_HDR_BYTES;
	pkt->opcode = p[0];
	pkt->se = p[1] & BTH_SE;
	pkt->mig = p[1] & BTH_MIG;
	pkt->pad = (p[1] & BTH_PAD_MASK) >> BTH_PAD_SHIFT;
	pkt->tver = p[1] & BTH_TVER_MASK;
	pkt->pkey = get_be16(p + 2);
	pkt->bth_resv8a = p[4];
	pkt->dqpn = get_be32(p + 4) & RXE_QPN_MASK;
	pkt->ackreq = p[8] & BTH_ACKREQ;
	pkt->psn = get_be32(p + 8) & RXE_PSN_MASK;
	if (pkt->tver != 0)
		return -EINVAL;
	info = rxe_opcode_info(pkt->opcode);
	if (!info)
		return -EOPNOTSUPP;

	rest = total - RXE_BTH_OFFSET - RXE_ICRC_BYTES;
	if (rest < info->hdr_len + pkt->pad)
		return -EINVAL;
	pkt->paylen = rest - info->hdr_len - pkt->pad;
	if (!(info->flags & RXE_HAS_PAYLOAD) && (pkt->paylen || pkt->pad))
		return -EINVAL;

	p += RXE_BTH_BYTES;
	if (info->flags & RXE_HAS_DETH) {
		pkt->qkey = get_be32(p);
		pkt->src_qpn = get_be32(p + 4) & RXE_QPN_MASK;
		p += RXE_DETH_BYTES;
	}
	if (info->flags & RXE_HAS_RETH) {
		pkt->va = get_be64(p);
		pkt->rkey = get_be32(p + 8);
		pkt->dma_len = get_be32(p + 12);
		p += RXE_RETH_BYTES;
	}
	if (info->flags & RXE_HAS_AETH) {
		pkt->syndrome = p[0];
		pkt->msn = get_be32(p) & RXE_PSN_MASK;
		p += RXE_AETH_BYTES;
	}
	if (info->flags & RXE_HAS_IMMDT) {
		pkt->imm = get_be32(p);
		p += RXE_IMMDT_BYTES;
	}
	pkt->payload = p;
	return 0;
}
