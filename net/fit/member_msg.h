/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Membership datagrams as bytes (net/fit/member_msg.c): building one and
 * checking one received, with no state, clock or network, so that
 * tests/host/test_fit_member.c runs the same code.  member.c owns what
 * the datagrams mean (liveness, connections); the layout is struct
 * fit_wire_hdr + struct fit_member_msg in <fit/fit_wire.h>.
 */
#ifndef _NET_FIT_MEMBER_MSG_H
#define _NET_FIT_MEMBER_MSG_H

#include <fit/fit_wire.h>
#include <tessera/sha256.h>
#include <tessera/types.h>

/* A datagram's contents, in host order. */
struct fit_member_info {
	u16 opcode;		/* FIT_OP_ANNOUNCE, _HEARTBEAT or _LEAVE */
	u16 src_node;
	u16 dst_node;		/* the receiver, or src_node (broadcast) */
	u8 role;		/* enum fit_role_wire */
	u32 ipv4;		/* host order */
	u64 epoch;		/* non-zero */
	u32 nr_expected;
	bool ready;
	u64 up_mask;		/* never the sender's own bit */
	u64 seq;		/* with a key: struct fit_member_auth.seq */
};

/* Cluster key sizes (fit.key=): 128 to 256 bits. */
#define FIT_KEY_MIN_BYTES	16
#define FIT_KEY_MAX_BYTES	32

/* Bytes of a membership datagram (UDP payload), without and with a key. */
#define FIT_MEMBER_DGRAM_BYTES	(FIT_HDR_BYTES + \
				 sizeof(struct fit_member_msg))
#define FIT_MEMBER_AUTH_BYTES	(FIT_MEMBER_DGRAM_BYTES + \
				 sizeof(struct fit_member_auth))

/*
 * Write the datagram for @info into @buf (FIT_MEMBER_AUTH_BYTES of
 * room); with @key (may be NULL) it carries @info->seq and the MAC.
 * Returns its length.
 */
size_t fit_member_build(const struct fit_member_info *info,
			const struct hmac_sha256_key *key, void *buf);

/*
 * Parse a cluster key written as 32 to 64 hex digits (an even number)
 * into @key.  0 or -EINVAL.
 */
int fit_member_key_parse(const char *hex, struct hmac_sha256_key *key,
			 unsigned int *bits);

/*
 * Check the @len bytes received at @buf, from IPv4 source @src_ip (host
 * order), by node @self, and fill @info.  Every byte is checked against
 * what fit_member_build() writes: the FIT header (fit_hdr_unpack(), then
 * opcode, flags, slot, status, gen and credit fields zero, one segment
 * exactly as long as the message), the destination, the announce (role,
 * reserved bytes, ready, nr_expected, epoch, the GID the IPv4-mapped
 * form of the address), the mask.  With @key (may be NULL) the
 * datagram must carry a struct fit_member_auth whose MAC is right,
 * checked before any field of the message is looked at; without one it
 * must not.  Returns 0, -EPROTO (malformed), -EBADMSG (no MAC, a wrong
 * one, or a MAC we have no key for), or -EACCES (well formed, but the
 * address it claims is not the packet's source).  Replays are the
 * caller's to refuse, by @info->seq.  @why (may be NULL) gets a short
 * reason for the log.
 */
int fit_member_parse(const void *buf, size_t len, u32 src_ip, u16 self,
		     const struct hmac_sha256_key *key,
		     struct fit_member_info *info, const char **why);

/*
 * What a CM REQ or REP's MAC binds it to, besides its own private data:
 * the connection it opens.  Addresses and QPN/PSN as the CM carries
 * them (the IPv4 header and the REQ/REP's local QPN and starting PSN).
 */
struct fit_cm_bind {
	bool rep;		/* a REP (else a REQ) */
	u32 src_ip, dst_ip;	/* the sender's and the receiver's, host order */
	u32 qpn, psn;		/* the sender's QPN and starting PSN */
	u8 req_mac[FIT_CM_MAC_BYTES];	/* REP: the MAC of the REQ it answers */
};

/*
 * The MAC of CM private data @w under @key: HMAC-SHA256 truncated to
 * FIT_CM_MAC_BYTES of "FITCMREQ" or "FITCMREP", the 40 bytes of @w
 * before its MAC, then big-endian src_ip, dst_ip, qpn, psn, and for a
 * REP the REQ's MAC (so a REP answers one REQ only).
 */
void fit_cm_mac(const struct hmac_sha256_key *key,
		const struct fit_cm_private *w, const struct fit_cm_bind *b,
		u8 mac[FIT_CM_MAC_BYTES]);

/*
 * Check the MAC of the private data at @buf (at least
 * sizeof(struct fit_cm_private) bytes, else -EBADMSG): with @key it must
 * be fit_cm_mac()'s, without one all zero (a MAC we cannot check).
 * Constant time.  0 or -EBADMSG.
 */
int fit_cm_mac_check(const struct hmac_sha256_key *key, const void *buf,
		     size_t len, const struct fit_cm_bind *b);

/*
 * What an RTU, DREQ or DREP's seal binds it to: the connection instance
 * (comm ids as the message carries them, node ids, boot epochs, the MAC
 * of the REQ that opened it).  "src" is the sender, "dst" the receiver.
 */
struct fit_cm_seal_bind {
	u8 kind;			/* enum fit_cm_seal_kind */
	u16 src_node, dst_node;
	u32 src_comm_id, dst_comm_id;
	u64 src_epoch, dst_epoch;
	u8 req_mac[FIT_CM_MAC_BYTES];
};

/*
 * Write the seal for @b under @key into @w: version, kind and node ids,
 * then the MAC, HMAC-SHA256 truncated to FIT_CM_MAC_BYTES of "FITCMSEL",
 * the 4 bytes of @w before its MAC, then big-endian src_comm_id,
 * dst_comm_id, src_epoch, dst_epoch, and the REQ's MAC.  -EINVAL for a
 * kind or a node id the layout cannot carry, else 0.
 */
int fit_cm_seal(const struct hmac_sha256_key *key,
		const struct fit_cm_seal_bind *b, struct fit_cm_seal *w);

/*
 * Check the @len bytes of private data at @buf (at least a struct
 * fit_cm_seal) against what @b says they must be: version, kind and
 * node ids, and the MAC (constant time).  0 or -EBADMSG.
 */
int fit_cm_seal_check(const struct hmac_sha256_key *key, const void *buf,
		      size_t len, const struct fit_cm_seal_bind *b);

#endif /* _NET_FIT_MEMBER_MSG_H */
