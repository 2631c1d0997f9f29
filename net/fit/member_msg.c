/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Membership datagrams as bytes: fit_member_build() and the receiver's
 * fit_member_parse() (contracts in member_msg.h).  Pure: no state, no
 * clock, no network; member.c sends and receives, and decides.
 *
 * A datagram is trusted for nothing it does not prove by its shape: the
 * length the header claims must be the bytes that arrived, every field
 * must be one fit_member_build() can write, and the address a node
 * announces must be the source address of the packet carrying it.
 */
#include <tessera/errno.h>
#include <tessera/string.h>

#include "member_msg.h"

static void fit_member_gid(u32 ipv4, u8 gid[16])
{
	memset(gid, 0, 16);
	gid[10] = gid[11] = 0xff;
	gid[12] = (u8)(ipv4 >> 24);
	gid[13] = (u8)(ipv4 >> 16);
	gid[14] = (u8)(ipv4 >> 8);
	gid[15] = (u8)ipv4;
}

size_t fit_member_build(const struct fit_member_info *info, void *buf)
{
	struct fit_wire_hdr *w = buf;
	struct fit_member_msg *msg = (void *)((u8 *)buf + FIT_HDR_BYTES);
	struct fit_hdr h = { 0 };
	u8 gid[16];

	fit_member_gid(info->ipv4, gid);
	fit_announce_pack(&msg->who, info->role, info->ipv4, gid, info->epoch,
			  info->nr_expected, info->ready);
	fit_put_le64(&msg->up_mask, info->up_mask);
	h.version = FIT_VERSION;
	h.opcode = info->opcode;
	h.src_node = info->src_node;
	h.dst_node = info->dst_node;
	h.total_len = sizeof(*msg);
	h.seg_len = sizeof(*msg);
	fit_hdr_pack(&h, w);
	return FIT_MEMBER_DGRAM_BYTES;
}

static int fit_member_bad(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -EPROTO;
}

/* Not an address a node can have: 0.0.0.0, multicast, broadcast. */
static bool fit_member_ip_bad(u32 ip)
{
	return !ip || (ip >> 28) == 0xe || ip == 0xffffffffu;
}

int fit_member_parse(const void *buf, size_t len, u32 src_ip, u16 self,
		     struct fit_member_info *info, const char **why)
{
	const struct fit_member_msg *msg;
	struct fit_hdr h;
	u8 gid[16];

	if (fit_hdr_unpack(buf, len, &h, why))
		return -EPROTO;
	if (h.opcode != FIT_OP_ANNOUNCE && h.opcode != FIT_OP_HEARTBEAT)
		return fit_member_bad(why, "opcode");
	if (h.flags || h.slot || h.status || h.gen || h.acked_req ||
	    h.acked_rep)
		return fit_member_bad(why, "header fields");
	/* fit_hdr_unpack() made seg_len the bytes that arrived. */
	if (h.seg_off || h.total_len != sizeof(*msg) ||
	    h.seg_len != h.total_len)
		return fit_member_bad(why, "length");
	if (h.dst_node != self && h.dst_node != h.src_node)
		return fit_member_bad(why, "destination");

	msg = (const void *)((const u8 *)buf + FIT_HDR_BYTES);
	if (fit_announce_check(&msg->who))
		return fit_member_bad(why, "announce");
	info->opcode = h.opcode;
	info->src_node = h.src_node;
	info->dst_node = h.dst_node;
	info->role = msg->who.role;
	info->ipv4 = fit_get_le32(&msg->who.ipv4);
	info->epoch = fit_get_le64(&msg->who.epoch);
	info->nr_expected = fit_get_le32(&msg->who.nr_expected);
	info->ready = fit_get_le32(&msg->who.ready);
	info->up_mask = fit_get_le64(&msg->up_mask);
	if (!info->epoch)
		return fit_member_bad(why, "epoch");
	if (info->up_mask & (1ull << info->src_node))
		return fit_member_bad(why, "mask");
	if (fit_member_ip_bad(info->ipv4))
		return fit_member_bad(why, "address");
	fit_member_gid(info->ipv4, gid);
	if (memcmp(gid, msg->who.gid, sizeof(gid)))
		return fit_member_bad(why, "gid");
	if (info->ipv4 != src_ip) {
		if (why)
			*why = "address is not the source";
		return -EACCES;
	}
	return 0;
}
