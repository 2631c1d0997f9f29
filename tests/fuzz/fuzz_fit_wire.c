// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness of the FIT wire decoders (net/fit/wire.c): the FIT
 * header, the membership announce and the RDMA-CM private data.
 *
 * The input is tried as it is and with its header CRC made right (so
 * the fuzzer gets past the CRC to the field checks).  Properties: an
 * accepted header names a segment inside its message and the bytes
 * after the header, and packs back to the very bytes it came from; an
 * accepted announce and CM private data pack back to their bytes too.
 */
/* FUZZ-HTEST: test_fit_wire */
#include <fit/fit_wire.h>
#include <fit/memory.h>
#include <tessera/crc32.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/string.h>

#include "fuzz.h"

static u8 buf[FIT_HDR_BYTES + FIT_SEG_MAX + 64];

static void try_hdr(const u8 *b, size_t len)
{
	struct fit_wire_hdr w;
	struct fit_hdr h;
	const char *why = NULL;

	if (fit_hdr_unpack(b, len, &h, &why)) {
		FUZZ_ASSERT(why);
		return;
	}
	FUZZ_ASSERT(h.version == FIT_VERSION);
	FUZZ_ASSERT(h.seg_len == len - FIT_HDR_BYTES);
	FUZZ_ASSERT(h.total_len <= FIT_MAX_MSG && h.seg_len <= FIT_SEG_MAX);
	FUZZ_ASSERT(h.seg_off <= h.total_len &&
		    h.seg_len <= h.total_len - h.seg_off);
	FUZZ_ASSERT(fit_opcode_valid(h.opcode));
	fit_hdr_pack(&h, &w);
	FUZZ_ASSERT(!memcmp(&w, b, FIT_HDR_BYTES));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fit_announce a;
	struct fit_cm_private p;
	struct fit_cm_info ci;

	try_hdr(data, size);
	if (size >= FIT_HDR_BYTES && size <= sizeof(buf)) {
		memcpy(buf, data, size);
		put_le32(buf + 36, ~crc32_le(~0u, buf, 36));
		try_hdr(buf, size);
	}
	if (size >= sizeof(a)) {
		memcpy(&a, data, sizeof(a));
		if (!fit_announce_check(&a)) {
			struct fit_announce b;

			fit_announce_pack(&b, a.role, get_le32(&a.ipv4),
					  a.gid, get_le64(&a.epoch),
					  get_le32(&a.nr_expected),
					  get_le32(&a.ready));
			FUZZ_ASSERT(!memcmp(&a, &b, sizeof(a)));
		}
	}
	if (!fit_cm_private_unpack(size ? data : NULL, size, &ci)) {
		FUZZ_ASSERT(!fit_cm_private_pack(&p, &ci));
		FUZZ_ASSERT(!memcmp(&p, data,
				    __builtin_offsetof(struct fit_cm_private,
						       mac)));
	}
	return 0;
}

/* --- seeds ------------------------------------------------------------ */

static void emit_msg(fuzz_emit_fn emit, const char *name,
		     const struct fit_hdr *h)
{
	fit_hdr_pack(h, (struct fit_wire_hdr *)buf);
	for (u32 i = 0; i < h->seg_len; i++)
		buf[FIT_HDR_BYTES + i] = (u8)(i * 7 + 1);
	emit(name, buf, FIT_HDR_BYTES + h->seg_len);
}

void fuzz_seeds(fuzz_emit_fn emit)
{
	struct fit_hdr h = {
		.version = FIT_VERSION, .opcode = FIT_OP_ECHO,
		.src_node = 0, .dst_node = 1, .slot = 3, .gen = 9,
		.total_len = 16, .seg_len = 16, .acked_req = 2,
	};
	static const u8 gid[16] = { [10] = 0xff, [11] = 0xff,
				    [12] = 10, [15] = 1 };
	struct fit_cm_info ci = {
		.role = FIT_ROLE_MEMORY, .node = 1, .dst_node = 0,
		.ring_entries = 32, .req_credits = 16, .epoch = 77,
		.mbox_addr = 0xffff888000100000ull, .mbox_rkey = 0x1234,
		.region_rkey = 0x5678, .region_addr = 0xffff888001000000ull,
		.region_len = 1 << 20,
	};
	struct fit_announce a;
	struct fit_cm_private p;

	emit_msg(emit, "echo", &h);
	h.flags = FIT_F_REPLY;
	h.opcode = P2M_PCACHE_MISS;
	h.total_len = 4096 + 100;
	h.seg_off = 4096;
	h.seg_len = 100;
	emit_msg(emit, "reply-segment", &h);
	h.flags = FIT_F_REPLY | FIT_F_ERROR;
	h.status = EINVAL;
	h.total_len = h.seg_off = h.seg_len = 0;
	emit_msg(emit, "error-reply", &h);
	fit_announce_pack(&a, FIT_ROLE_PROCESSOR, 0x0a000001, gid, 5, 3,
			  true);
	emit("announce", &a, sizeof(a));
	fit_cm_private_pack(&p, &ci);
	emit("cm-private", &p, sizeof(p));
}
