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
 * With a cluster key, the MAC is checked first: nothing else in a
 * datagram is read before it proves it comes from a key holder.
 */
#include <tessera/ctype.h>
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

size_t fit_member_build(const struct fit_member_info *info,
			const struct hmac_sha256_key *key, void *buf)
{
	struct fit_wire_hdr *w = buf;
	struct fit_member_msg *msg = (void *)((u8 *)buf + FIT_HDR_BYTES);
	struct fit_member_auth *auth = (void *)(msg + 1);
	u32 body = sizeof(*msg) + (key ? sizeof(*auth) : 0);
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
	h.total_len = body;
	h.seg_len = body;
	fit_hdr_pack(&h, w);
	if (!key)
		return FIT_MEMBER_DGRAM_BYTES;
	fit_put_le64(&auth->seq, info->seq);
	hmac_sha256(key, buf, FIT_MEMBER_AUTH_BYTES - sizeof(auth->mac),
		    auth->mac);
	return FIT_MEMBER_AUTH_BYTES;
}

int fit_member_key_parse(const char *hex, struct hmac_sha256_key *key,
			 unsigned int *bits)
{
	u8 raw[FIT_KEY_MAX_BYTES];
	size_t n = strlen(hex), i;

	if (n % 2 || n < 2 * FIT_KEY_MIN_BYTES || n > 2 * FIT_KEY_MAX_BYTES)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		int c = tolower(hex[i]);

		if (!isxdigit(c))
			return -EINVAL;
		c = c <= '9' ? c - '0' : c - 'a' + 10;
		if (i % 2)
			raw[i / 2] |= c;
		else
			raw[i / 2] = c << 4;
	}
	hmac_sha256_setkey(key, raw, n / 2);
	*bits = n * 4;
	memset(raw, 0, sizeof(raw));
	return 0;
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

/* With @key: the datagram's MAC is right.  0, -EBADMSG or -EPROTO. */
static int fit_member_auth_check(const u8 *buf, const struct fit_hdr *h,
				 const struct hmac_sha256_key *key,
				 const char **why)
{
	const struct fit_member_auth *auth;
	u8 mac[SHA256_DIGEST_SIZE];

	if (h->total_len == sizeof(struct fit_member_msg)) {
		if (!key)
			return 0;
		if (why)
			*why = "no MAC";
		return -EBADMSG;
	}
	if (h->total_len != sizeof(struct fit_member_msg) + sizeof(*auth))
		return fit_member_bad(why, "length");
	if (!key) {
		if (why)
			*why = "a MAC, and we have no key";
		return -EBADMSG;
	}
	auth = (const void *)(buf + FIT_MEMBER_DGRAM_BYTES);
	hmac_sha256(key, buf, FIT_MEMBER_AUTH_BYTES - sizeof(auth->mac), mac);
	if (crypto_memneq(mac, auth->mac, sizeof(mac))) {
		if (why)
			*why = "wrong MAC";
		return -EBADMSG;
	}
	return 0;
}

int fit_member_parse(const void *buf, size_t len, u32 src_ip, u16 self,
		     const struct hmac_sha256_key *key,
		     struct fit_member_info *info, const char **why)
{
	const struct fit_member_msg *msg;
	struct fit_hdr h;
	u8 gid[16];
	int ret;

	if (fit_hdr_unpack(buf, len, &h, why))
		return -EPROTO;
	if (h.opcode != FIT_OP_ANNOUNCE && h.opcode != FIT_OP_HEARTBEAT &&
	    h.opcode != FIT_OP_LEAVE)
		return fit_member_bad(why, "opcode");
	if (h.flags || h.slot || h.status || h.gen || h.acked_req ||
	    h.acked_rep)
		return fit_member_bad(why, "header fields");
	/* fit_hdr_unpack() made seg_len the bytes that arrived. */
	if (h.seg_off || h.seg_len != h.total_len)
		return fit_member_bad(why, "length");
	ret = fit_member_auth_check(buf, &h, key, why);
	if (ret)
		return ret;
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
	info->seq = key ? fit_get_le64(&((const struct fit_member_auth *)
					 (msg + 1))->seq) : 0;
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
			*why = "the announced address";
		return -EACCES;
	}
	return 0;
}

void fit_cm_mac(const struct hmac_sha256_key *key,
		const struct fit_cm_private *w, const struct fit_cm_bind *b,
		u8 mac[FIT_CM_MAC_BYTES])
{
	u8 msg[8 + offsetof(struct fit_cm_private, mac) + 16 +
	       FIT_CM_MAC_BYTES];
	u8 full[SHA256_DIGEST_SIZE];
	size_t n = 8;

	memcpy(msg, b->rep ? "FITCMREP" : "FITCMREQ", 8);
	memcpy(msg + n, w, offsetof(struct fit_cm_private, mac));
	n += offsetof(struct fit_cm_private, mac);
	put_be32(msg + n, b->src_ip);
	put_be32(msg + n + 4, b->dst_ip);
	put_be32(msg + n + 8, b->qpn);
	put_be32(msg + n + 12, b->psn);
	n += 16;
	if (b->rep) {
		memcpy(msg + n, b->req_mac, FIT_CM_MAC_BYTES);
		n += FIT_CM_MAC_BYTES;
	}
	hmac_sha256(key, msg, n, full);
	memcpy(mac, full, FIT_CM_MAC_BYTES);
}

int fit_cm_mac_check(const struct hmac_sha256_key *key, const void *buf,
		     size_t len, const struct fit_cm_bind *b)
{
	const struct fit_cm_private *w = buf;
	u8 want[FIT_CM_MAC_BYTES];

	if (!buf || len < sizeof(*w))
		return -EBADMSG;
	if (key)
		fit_cm_mac(key, w, b, want);
	else
		memset(want, 0, sizeof(want));
	return crypto_memneq(w->mac, want, FIT_CM_MAC_BYTES) ? -EBADMSG : 0;
}

/* The MAC of seal @w, its first 4 bytes written (fit_cm_seal()). */
static void fit_cm_seal_mac(const struct hmac_sha256_key *key,
			    const struct fit_cm_seal *w,
			    const struct fit_cm_seal_bind *b,
			    u8 mac[FIT_CM_MAC_BYTES])
{
	u8 msg[8 + 4 + 8 + 16 + FIT_CM_MAC_BYTES];
	u8 full[SHA256_DIGEST_SIZE];

	memcpy(msg, "FITCMSEL", 8);
	memcpy(msg + 8, w, offsetof(struct fit_cm_seal, mac));
	put_be32(msg + 12, b->src_comm_id);
	put_be32(msg + 16, b->dst_comm_id);
	put_be64(msg + 20, b->src_epoch);
	put_be64(msg + 28, b->dst_epoch);
	memcpy(msg + 36, b->req_mac, FIT_CM_MAC_BYTES);
	hmac_sha256(key, msg, sizeof(msg), full);
	memcpy(mac, full, FIT_CM_MAC_BYTES);
}

static bool fit_cm_seal_kind_ok(u8 kind)
{
	return kind == FIT_CM_SEAL_RTU || kind == FIT_CM_SEAL_DREQ ||
	       kind == FIT_CM_SEAL_DREP;
}

int fit_cm_seal(const struct hmac_sha256_key *key,
		const struct fit_cm_seal_bind *b, struct fit_cm_seal *w)
{
	if (!fit_cm_seal_kind_ok(b->kind) || b->src_node > 0xff ||
	    b->dst_node > 0xff)
		return -EINVAL;
	w->version = FIT_CM_SEAL_VERSION;
	w->kind = b->kind;
	w->node = (u8)b->src_node;
	w->dst_node = (u8)b->dst_node;
	fit_cm_seal_mac(key, w, b, w->mac);
	return 0;
}

int fit_cm_seal_check(const struct hmac_sha256_key *key, const void *buf,
		      size_t len, const struct fit_cm_seal_bind *b)
{
	const struct fit_cm_seal *w = buf;
	struct fit_cm_seal want;

	if (!key || !buf || len < sizeof(*w) || fit_cm_seal(key, b, &want))
		return -EBADMSG;
	/* The header is no secret; the MAC covers it anyway. */
	if (memcmp(w, &want, offsetof(struct fit_cm_seal, mac)))
		return -EBADMSG;
	return crypto_memneq(w->mac, want.mac, FIT_CM_MAC_BYTES) ? -EBADMSG :
								    0;
}
