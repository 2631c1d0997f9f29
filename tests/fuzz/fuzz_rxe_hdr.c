// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of the RoCEv2 packet decoder (drivers/infiniband/
 * sw/rxe/rxe_hdr.c): the input is an IPv4 packet.  It is tried as it
 * is and with its lengths, IPv4 checksum and ICRC made right (so the
 * fuzzer reaches the transport headers).  An accepted packet's payload
 * lies inside it, ends where pad and ICRC begin, and encoding the
 * decoded headers gives the same payload offset (and total length, when
 * the pad count is the one that aligns the payload).
 */
/* FUZZ-HTEST: test_rxe_hdr */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/rdma/rxe_hdr.h>
#include <tessera/string.h>
#include <tessera/unaligned.h>

#include "fuzz.h"

#define PKT_MAX		4200
#define IP_PROTO_UDP	17

static u8 buf[PKT_MAX], enc[PKT_MAX];

static void try_pkt(const u8 *b, size_t len)
{
	struct rxe_pkt pkt;
	size_t total;
	bool pad_ok;
	int off;

	if (rxe_pkt_decode(b, len, &pkt))
		return;
	total = get_be16(b + 2);
	FUZZ_ASSERT(total <= len);
	FUZZ_ASSERT(pkt.payload >= b + RXE_BTH_OFFSET);
	FUZZ_ASSERT(pkt.payload + pkt.paylen + pkt.pad + RXE_ICRC_BYTES ==
		    b + total);
	if (pkt.paylen)
		(void)*(volatile const u8 *)(pkt.payload + pkt.paylen - 1);
	/*
	 * The decoder takes the sender's pad count as it is (like Linux's
	 * rxe); the encoder computes it from the payload length, so only
	 * an aligning pad gives back the same total length.
	 */
	pad_ok = pkt.pad == ((4 - (pkt.paylen & 3)) & 3);
	off = rxe_pkt_encode(enc, sizeof(enc), &pkt);
	FUZZ_ASSERT(off == pkt.payload - b);
	if (pad_ok)
		FUZZ_ASSERT(rxe_pkt_total_len(&pkt) == total);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	try_pkt(data, size);
	if (size < RXE_BTH_OFFSET + RXE_BTH_BYTES + RXE_ICRC_BYTES ||
	    size > sizeof(buf))
		return 0;
	memcpy(buf, data, size);
	buf[0] = 0x45;
	buf[9] = IP_PROTO_UDP;
	put_be16(buf + 2, size);
	put_be16(buf + 6, 0);
	put_be16(buf + 10, 0);
	put_be16(buf + 10, rxe_ip_csum(buf, RXE_IPV4_HDR_BYTES));
	put_be16(buf + RXE_IPV4_HDR_BYTES + 2, ROCE_V2_UDP_DPORT);
	put_be16(buf + RXE_IPV4_HDR_BYTES + 4, size - RXE_IPV4_HDR_BYTES);
	rxe_pkt_seal(buf, size);
	try_pkt(buf, size);
	return 0;
}

/* --- seeds ------------------------------------------------------------ */

static void emit_pkt(fuzz_emit_fn emit, const char *name, u8 opcode,
		     u32 paylen)
{
	struct rxe_pkt pkt = {
		.saddr = 0x0a000001, .daddr = 0x0a000002, .ip_id = 1,
		.ttl = 64, .sport = 49152, .opcode = opcode, .pkey = 0xffff,
		.dqpn = 0x11, .psn = 0x100, .qkey = 0x80010000,
		.src_qpn = 1, .va = 0x7f0000001000ull, .rkey = 0x55,
		.dma_len = paylen, .syndrome = 0, .msn = 3, .imm = 0xabcd,
		.paylen = paylen,
	};
	int off = rxe_pkt_encode(buf, sizeof(buf), &pkt);
	size_t total = rxe_pkt_total_len(&pkt);

	if (off < 0)
		return;
	for (u32 i = 0; i < paylen; i++)
		buf[off + i] = (u8)(i ^ 0x5a);
	rxe_pkt_seal(buf, total);
	emit(name, buf, total);
}

void fuzz_seeds(fuzz_emit_fn emit)
{
	emit_pkt(emit, "rc-send-only", IB_OPCODE_RC_SEND_ONLY, 64);
	emit_pkt(emit, "rc-write-only", IB_OPCODE_RC_RDMA_WRITE_ONLY, 33);
	emit_pkt(emit, "rc-read-request", IB_OPCODE_RC_RDMA_READ_REQUEST, 0);
	emit_pkt(emit, "rc-ack", IB_OPCODE_RC_ACKNOWLEDGE, 0);
	emit_pkt(emit, "ud-send-only", IB_OPCODE_UD_SEND_ONLY, 100);
}
