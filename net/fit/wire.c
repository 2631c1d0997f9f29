/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FIT wire codecs: the header (pack with its CRC, unpack with field-by-
 * field validation), the membership payloads and the RDMA-CM private
 * data of a connection.  Pure code with no
 * locks, no allocation and no clock, linked as-is by the host tests
 * (tests/host/test_fit_wire.c).  The formats themselves are declared in
 * include/fit/fit_wire.h; the rules are in Documentation/fit.md.
 */
#include <fit/fit_wire.h>
#include <tessera/compiler.h>
#include <tessera/crc32.h>
#include <tessera/errno.h>
#include <tessera/string.h>

/* Inclusive ranges of the opcodes that exist; everything else is -EPROTO. */
static const struct {
	u16 first, last;
} fit_op_ranges[] = {
	{ FIT_OP_ECHO, FIT_OP_SINK },
	{ FIT_OP_TEST, FIT_OP_TEST },
	{ FIT_OP_ANNOUNCE, FIT_OP_LEAVE },
	{ P2M_PCACHE_MISS, P2M_MAPS },
	{ P2M_TMPFS_READ, P2M_TMPFS_FREE },
	{ P2S_OPEN, P2S_SETATTR },
	{ M2S_READ_PAGE, M2S_WRITE_PAGE },
};

bool fit_opcode_valid(u16 op)
{
	for (size_t i = 0; i < ARRAY_SIZE(fit_op_ranges); i++)
		if (op >= fit_op_ranges[i].first && op <= fit_op_ranges[i].last)
			return true;
	return false;
}

static u32 fit_hdr_crc(const void *wire)
{
	return ~crc32_le(~0u, wire, __builtin_offsetof(struct fit_wire_hdr, hcrc));
}

void fit_hdr_pack(const struct fit_hdr *h, struct fit_wire_hdr *w)
{
	u8 *b = (u8 *)w;

	fit_put_le32(b + 0, FIT_MAGIC);
	b[4] = h->version;
	b[5] = h->flags;
	fit_put_le16(b + 6, h->opcode);
	fit_put_le16(b + 8, h->src_node);
	fit_put_le16(b + 10, h->dst_node);
	fit_put_le16(b + 12, h->slot);
	fit_put_le16(b + 14, h->status);
	fit_put_le32(b + 16, h->gen);
	fit_put_le32(b + 20, h->total_len);
	fit_put_le32(b + 24, h->seg_off);
	fit_put_le32(b + 28, h->seg_len);
	fit_put_le16(b + 32, h->acked_req);
	fit_put_le16(b + 34, h->acked_rep);
	fit_put_le32(b + 36, fit_hdr_crc(b));
}

static int fit_bad(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -EPROTO;
}

int fit_hdr_unpack(const void *buf, size_t len, struct fit_hdr *h,
		   const char **why)
{
	const u8 *b = buf;

	if (len < FIT_HDR_BYTES)
		return fit_bad(why, "short");
	if (fit_get_le32(b) != FIT_MAGIC)
		return fit_bad(why, "magic");
	if (fit_get_le32(b + 36) != fit_hdr_crc(b))
		return fit_bad(why, "header crc");
	h->version = b[4];
	h->flags = b[5];
	h->opcode = fit_get_le16(b + 6);
	h->src_node = fit_get_le16(b + 8);
	h->dst_node = fit_get_le16(b + 10);
	h->slot = fit_get_le16(b + 12);
	h->status = fit_get_le16(b + 14);
	h->gen = fit_get_le32(b + 16);
	h->total_len = fit_get_le32(b + 20);
	h->seg_off = fit_get_le32(b + 24);
	h->seg_len = fit_get_le32(b + 28);
	h->acked_req = fit_get_le16(b + 32);
	h->acked_rep = fit_get_le16(b + 34);

	if (h->version != FIT_VERSION)
		return fit_bad(why, "version");
	if (h->flags & ~FIT_F_ALL)
		return fit_bad(why, "flags");
	if ((h->flags & FIT_F_REPLY) && (h->flags & FIT_F_ONEWAY))
		return fit_bad(why, "reply and one-way");
	if ((h->flags & FIT_F_ERROR) && !(h->flags & FIT_F_REPLY))
		return fit_bad(why, "error without reply");
	if (!(h->flags & FIT_F_ERROR) && h->status)
		return fit_bad(why, "status without error");
	if ((h->flags & FIT_F_ERROR) && (!h->status || h->status > 4095))
		return fit_bad(why, "status");
	if (!fit_opcode_valid(h->opcode))
		return fit_bad(why, "opcode");
	if (h->src_node >= FIT_MAX_NODES || h->dst_node >= FIT_MAX_NODES)
		return fit_bad(why, "node id");
	if (h->total_len > FIT_MAX_MSG)
		return fit_bad(why, "total length");
	if (h->seg_len > FIT_SEG_MAX)
		return fit_bad(why, "segment length");
	if (h->seg_off > h->total_len || h->seg_len > h->total_len - h->seg_off)
		return fit_bad(why, "segment outside message");
	if (h->flags & FIT_F_ZC) {
		if (h->flags & (FIT_F_ONEWAY | FIT_F_ERROR))
			return fit_bad(why, "zero-copy flag");
		if ((h->flags & FIT_F_REPLY) && (h->seg_off || h->seg_len))
			return fit_bad(why, "zero-copy reply with payload");
		if (!(h->flags & FIT_F_REPLY) &&
		    h->total_len < FIT_ZC_DESC_BYTES)
			return fit_bad(why, "zero-copy request too short");
	}
	if (h->seg_len == 0 && h->total_len != 0 &&
	    !((h->flags & FIT_F_ZC) && (h->flags & FIT_F_REPLY)))
		return fit_bad(why, "empty segment");
	if (h->seg_len != len - FIT_HDR_BYTES)
		return fit_bad(why, "length mismatch");
	return 0;
}

void fit_announce_pack(struct fit_announce *w, u8 role, u32 ipv4,
		       const u8 gid[16], u64 epoch, u32 nr_expected,
		       bool ready)
{
	u8 *b = (u8 *)w;

	memset(w, 0, sizeof(*w));
	b[0] = role;
	fit_put_le32(b + 4, ipv4);
	memcpy(b + 8, gid, 16);
	fit_put_le64(b + 24, epoch);
	fit_put_le32(b + 32, nr_expected);
	fit_put_le32(b + 36, ready ? 1 : 0);
}

int fit_announce_check(const struct fit_announce *w)
{
	const u8 *b = (const u8 *)w;

	if (b[0] < FIT_ROLE_PROCESSOR || b[0] > FIT_ROLE_STORAGE)
		return -EPROTO;
	if (b[1] || b[2] || b[3])
		return -EPROTO;
	if (fit_get_le32(b + 36) > 1)
		return -EPROTO;
	if (fit_get_le32(b + 32) > FIT_MAX_NODES)
		return -EPROTO;
	return 0;
}

/* x86-64 canonical addresses: bits 63..47 all equal. */
static bool fit_put_addr48(u8 *b, u64 v)
{
	u64 top = v >> 47;

	if (top != 0 && top != 0x1ffff)
		return false;
	for (int k = 0; k < 6; k++)
		b[k] = (u8)(v >> (8 * k));
	return true;
}

static u64 fit_get_u48(const u8 *b)
{
	u64 v = 0;

	for (int k = 0; k < 6; k++)
		v |= (u64)b[k] << (8 * k);
	return v;
}

static u64 fit_get_addr48(const u8 *b)
{
	u64 v = fit_get_u48(b);

	return v & (1ull << 47) ? v | 0xffff000000000000ull : v;
}

int fit_cm_private_pack(struct fit_cm_private *w,
			const struct fit_cm_info *i)
{
	memset(w, 0, sizeof(*w));
	if (i->node > 0xff || i->dst_node > 0xff || i->ring_entries > 0xff ||
	    i->req_credits > 0xff || i->region_len >> 48)
		return -EINVAL;
	w->version = FIT_CM_VERSION;
	w->role = i->role;
	w->node = (u8)i->node;
	w->dst_node = (u8)i->dst_node;
	w->ring_entries = (u8)i->ring_entries;
	w->req_credits = (u8)i->req_credits;
	fit_put_le64(&w->epoch, i->epoch);
	fit_put_le32(&w->mbox_rkey, i->mbox_rkey);
	fit_put_le32(&w->region_rkey, i->region_rkey);
	if (!fit_put_addr48(w->mbox_addr, i->mbox_addr) ||
	    !fit_put_addr48(w->region_addr, i->region_addr))
		return -EINVAL;
	for (int k = 0; k < 6; k++)
		w->region_len[k] = (u8)(i->region_len >> (8 * k));
	return 0;
}

int fit_cm_private_unpack(const void *buf, size_t len, struct fit_cm_info *i)
{
	const struct fit_cm_private *w = buf;

	if (!buf || len < sizeof(struct fit_cm_private))
		return -EPROTO;
	if (w->version != FIT_CM_VERSION)
		return -EPROTO;
	if (w->role < FIT_ROLE_PROCESSOR || w->role > FIT_ROLE_STORAGE)
		return -EPROTO;
	memset(i, 0, sizeof(*i));
	i->role = w->role;
	i->node = w->node;
	i->dst_node = w->dst_node;
	i->ring_entries = w->ring_entries;
	i->req_credits = w->req_credits;
	i->epoch = fit_get_le64(&w->epoch);
	i->mbox_rkey = fit_get_le32(&w->mbox_rkey);
	i->region_rkey = fit_get_le32(&w->region_rkey);
	i->mbox_addr = fit_get_addr48(w->mbox_addr);
	i->region_addr = fit_get_addr48(w->region_addr);
	i->region_len = fit_get_u48(w->region_len);
	if (i->node >= FIT_MAX_NODES || i->dst_node >= FIT_MAX_NODES ||
	    i->node == i->dst_node)
		return -EPROTO;
	if (!i->req_credits || i->req_credits >= i->ring_entries ||
	    i->ring_entries > FIT_MAX_RING_ENTRIES)
		return -EPROTO;
	if (!i->mbox_rkey || (i->region_rkey && !i->region_len))
		return -EPROTO;
	return 0;
}
