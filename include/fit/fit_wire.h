/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FIT wire formats: every byte that one Tessera node sends another over
 * FIT.  Processor, memory and storage nodes must agree on these byte for
 * byte, so they are defined once, here, as fixed-width little-endian
 * structs with their sizes and offsets checked at compile time.  The
 * codecs (pack, unpack, validate) are in net/fit/wire.c and are pure:
 * host tests link them as they are.
 *
 * A FIT message on an RC QP is one SEND: a 40-byte header (struct
 * fit_wire_hdr) followed by at most FIT_SEG_MAX payload bytes.  A
 * payload longer than that travels as consecutive segments of one
 * message (seg_off/seg_len within total_len).  The header carries a
 * CRC-32 of its own first 36 bytes; the payload is covered by the RoCE
 * ICRC, so it is not summed twice.
 *
 * Membership (announce, heartbeat) travels in UDP datagrams on
 * FIT_UDP_PORT, each a struct fit_wire_hdr with a FIT-internal opcode
 * followed by its payload (struct fit_member_msg).  Connections are made
 * by the RDMA-CM on FIT_CM_PORT; the REQ and REP private data is a
 * struct fit_cm_private.
 *
 * What each message means, and the rules around credits, reply slots and
 * segments, are in Documentation/fit.md.
 */
#ifndef _FIT_FIT_WIRE_H
#define _FIT_FIT_WIRE_H

#include <tessera/compiler.h>
#include <tessera/types.h>
#include <tessera/unaligned.h>

#define FIT_MAGIC		0x31544946u	/* "FIT1" in memory order */
#define FIT_VERSION		1

#define FIT_MAX_NODES		64	/* node ids 0..63 */
#define FIT_MAX_MSG		(1u << 20)	/* payload bytes per message */
#define FIT_SLOT_BYTES		8192	/* one receive-ring entry */
#define FIT_HDR_BYTES		40
#define FIT_SEG_MAX		(FIT_SLOT_BYTES - FIT_HDR_BYTES)
#define FIT_UDP_PORT		4790	/* membership datagrams */
#define FIT_CM_PORT		4792	/* RDMA-CM port every node listens on */
#define FIT_CM_VERSION		2	/* struct fit_cm_private.version */

/* fit_wire_hdr.flags */
enum fit_flags {
	FIT_F_REPLY	= 1 << 0,	/* answers the call in slot/gen */
	FIT_F_ONEWAY	= 1 << 1,	/* a request that wants no reply */
	FIT_F_ERROR	= 1 << 2,	/* reply: status is a positive errno */
	FIT_F_ZC	= 1 << 3,	/* zero-copy reply, see below */
};
#define FIT_F_ALL	(FIT_F_REPLY | FIT_F_ONEWAY | FIT_F_ERROR | FIT_F_ZC)

/*
 * Zero-copy replies.  A request with FIT_F_ZC ends with this descriptor
 * (the last FIT_ZC_DESC_BYTES of its payload, not part of what the
 * handler sees): the caller's reply buffer, registered for remote write
 * for this call only.  The callee may then RDMA WRITE a reply of at most
 * @len bytes straight into it and send a reply header with FIT_F_ZC,
 * total_len = the reply's length and no payload (seg_off = seg_len = 0);
 * RC ordering places the data before that header arrives.  A callee may
 * always answer the ordinary way instead.  A FIT_F_ZC reply to a call
 * that offered no buffer, or longer than the buffer, is -EPROTO.
 */
struct fit_zc_desc {
	__le64 addr;
	__le32 rkey;
	__le32 len;
} __packed;
#define FIT_ZC_DESC_BYTES	16
_Static_assert(sizeof(struct fit_zc_desc) == FIT_ZC_DESC_BYTES, "zc desc");

/*
 * Opcodes, in ranges by direction.  A range's unused numbers are invalid
 * (a peer sending one gets -EPROTO), so every new message adds an entry.
 */
enum fit_opcode {
	/* FIT's own traffic, any node to any node. */
	FIT_OP_ECHO		= 0x0001,	/* reply = request bytes */
	FIT_OP_SINK		= 0x0002,	/* test sink (one-way) */
	FIT_OP_ANNOUNCE		= 0x0010,	/* UDP: struct fit_announce */
	FIT_OP_HEARTBEAT	= 0x0011,	/* UDP: struct fit_announce */
	FIT_OP_CONNECT		= 0x0012,	/* UDP: struct fit_connect */
	FIT_OP_CONNECT_ACK	= 0x0013,	/* UDP: struct fit_connect */
	FIT_OP_LEAVE		= 0x0014,	/* UDP: struct fit_announce, panic */
	FIT_OP_TEST		= 0x0020,	/* fittest= driver's control calls */
	FIT_OP_INTERNAL_LAST	= 0x00ff,

	/* Processor to memory. */
	P2M_PCACHE_MISS		= 0x0100,
	P2M_PCACHE_FLUSH	= 0x0101,
	P2M_MMAP		= 0x0102,
	P2M_MUNMAP		= 0x0103,
	P2M_BRK			= 0x0104,
	P2M_MPROTECT		= 0x0105,
	P2M_MREMAP		= 0x0106,
	P2M_MADVISE		= 0x0107,
	P2M_FORK		= 0x0108,
	P2M_EXECVE		= 0x0109,
	P2M_EXIT		= 0x010a,
	P2M_MAPS		= 0x010b,
	/* tmpfs file data (managers/memory/tmpfs.c) */
	P2M_TMPFS_READ		= 0x0110,
	P2M_TMPFS_WRITE		= 0x0111,
	P2M_TMPFS_TRUNCATE	= 0x0112,
	P2M_TMPFS_FREE		= 0x0113,
	P2M_LAST		= 0x01ff,

	/* Processor to storage. */
	P2S_OPEN		= 0x0200,
	P2S_CLOSE		= 0x0201,
	P2S_READ		= 0x0202,
	P2S_WRITE		= 0x0203,
	P2S_STAT		= 0x0204,
	P2S_GETDENTS		= 0x0205,
	P2S_MKDIR		= 0x0206,
	P2S_RMDIR		= 0x0207,
	P2S_UNLINK		= 0x0208,
	P2S_FSYNC		= 0x0209,
	P2S_CREATE		= 0x020a,
	P2S_TRUNCATE		= 0x020b,
	P2S_RENAME		= 0x020c,
	P2S_LINK		= 0x020d,
	P2S_SYMLINK		= 0x020e,
	P2S_SETATTR		= 0x020f,
	P2S_LAST		= 0x02ff,

	/* Memory to storage. */
	M2S_READ_PAGE		= 0x0300,
	M2S_WRITE_PAGE		= 0x0301,
	M2S_LAST		= 0x03ff,

	FIT_OP_TABLE_SIZE	= 0x0400,	/* handler table covers 0..this-1 */
};

/*
 * The header, little-endian on the wire.  acked_req/acked_rep are the
 * sender's cumulative counts (mod 2^16) of request and reply ring entries
 * it has freed for the receiver: piggybacked credits.
 */
struct fit_wire_hdr {
	__le32 magic;		/* FIT_MAGIC */
	u8 version;		/* FIT_VERSION */
	u8 flags;		/* enum fit_flags */
	__le16 opcode;		/* enum fit_opcode */
	__le16 src_node;
	__le16 dst_node;
	__le16 slot;		/* caller's reply slot (requests and replies) */
	__le16 status;		/* reply with FIT_F_ERROR: positive errno */
	__le32 gen;		/* generation of that slot */
	__le32 total_len;	/* payload bytes of the whole message */
	__le32 seg_off;		/* this segment's offset in the payload */
	__le32 seg_len;		/* this segment's payload bytes */
	__le16 acked_req;	/* credits: request entries freed, cumulative */
	__le16 acked_rep;	/* credits: reply entries freed, cumulative */
	__le32 hcrc;		/* ~crc32_le(~0, bytes 0..35) */
} __packed;

_Static_assert(sizeof(struct fit_wire_hdr) == FIT_HDR_BYTES, "fit hdr size");
_Static_assert(__builtin_offsetof(struct fit_wire_hdr, gen) == 16, "gen");
_Static_assert(__builtin_offsetof(struct fit_wire_hdr, acked_req) == 32,
	       "acked_req");
_Static_assert(__builtin_offsetof(struct fit_wire_hdr, hcrc) == 36, "hcrc");

/* The header in host order, as the code uses it. */
struct fit_hdr {
	u8 version;
	u8 flags;
	u16 opcode;
	u16 src_node;
	u16 dst_node;
	u16 slot;
	u16 status;
	u32 gen;
	u32 total_len;
	u32 seg_off;
	u32 seg_len;
	u16 acked_req;
	u16 acked_rep;
};

enum fit_role_wire {
	FIT_ROLE_PROCESSOR	= 1,
	FIT_ROLE_MEMORY		= 2,
	FIT_ROLE_STORAGE	= 3,
};

/*
 * ANNOUNCE and HEARTBEAT payload: who the sender is.  @epoch changes at
 * every boot (a rebooted node is a new incarnation: its peers drop the
 * old connection and connect again).
 */
struct fit_announce {
	u8 role;		/* enum fit_role_wire */
	u8 reserved[3];		/* zero */
	__le32 ipv4;		/* host-order value, little-endian */
	u8 gid[16];		/* RoCEv2 GID (IPv4-mapped) */
	__le64 epoch;
	__le32 nr_expected;	/* nodes the sender waits for (0: any) */
	__le32 ready;		/* 1 once the sender's cluster is complete */
} __packed;
_Static_assert(sizeof(struct fit_announce) == 40, "fit_announce size");

/*
 * ANNOUNCE and HEARTBEAT datagrams: the announce, then the set of peers
 * the sender holds an established connection with (bit n: node n), so a
 * peer that lost its half of a connection without noticing learns it
 * from the other side's heartbeat and reconnects.
 */
struct fit_member_msg {
	struct fit_announce who;
	__le64 up_mask;
} __packed;
_Static_assert(sizeof(struct fit_member_msg) == 48, "fit_member_msg size");

/*
 * With a cluster key (fit.key=), after the struct fit_member_msg
 * (total_len counts both): a sequence number that grows with every
 * datagram of a sender, across its boots (replays are refused), and
 * HMAC-SHA256 under the key of every byte before the MAC: FIT header,
 * message and seq.
 */
struct fit_member_auth {
	__le64 seq;
	u8 mac[32];
} __packed;
_Static_assert(sizeof(struct fit_member_auth) == 40, "fit_member_auth size");

/*
 * RDMA-CM private data of a FIT connection, the same layout in the REQ
 * (active side: the lower node id) and the REP (passive side).  It fits
 * the 56 bytes a REQ leaves after the CMA header, a MAC included, so
 * the fields are as narrow as their values: node ids and ring sizes
 * below 256, addresses as the low 48 bits of a canonical x86-64 address
 * (sign-extended from bit 47), the region length below 2^48.  Ring
 * geometry and the mailbox/region keys are what the peer needs to send
 * to us and to return credits; @epoch identifies this boot of the
 * sender, so a peer can tell a rebooted node from a late retransmission.
 *
 * @mac: with a cluster key (fit.key=), HMAC-SHA256 truncated to 128 bits
 * over what binds the message to its connection (fit_cm_mac(),
 * net/fit/member_msg.h); all zero without a key.
 */
#define FIT_CM_MAC_BYTES	16

struct fit_cm_private {
	u8 version;		/* FIT_CM_VERSION */
	u8 role;		/* enum fit_role_wire */
	u8 node;		/* sender's node id */
	u8 dst_node;		/* the node it means to reach */
	u8 ring_entries;	/* receive entries posted for the peer */
	u8 req_credits;		/* of which for requests */
	__le64 epoch;
	__le32 mbox_rkey;
	__le32 region_rkey;	/* 0: no exported region */
	u8 mbox_addr[6];	/* credit mailbox (RDMA WRITE target) */
	u8 region_addr[6];
	u8 region_len[6];
	u8 mac[FIT_CM_MAC_BYTES];
} __packed;
_Static_assert(sizeof(struct fit_cm_private) == 56, "fit_cm_private size");
_Static_assert(__builtin_offsetof(struct fit_cm_private, epoch) == 6,
	       "fit_cm_private epoch");
_Static_assert(__builtin_offsetof(struct fit_cm_private, mac) == 40,
	       "fit_cm_private mac");

/*
 * Private data of the RTU, DREQ and DREP of a FIT connection under a
 * cluster key (none without one): what they are, between which nodes,
 * and a MAC (fit_cm_seal(), net/fit/member_msg.h) over that, both comm
 * ids, both boot epochs and the REQ's MAC, so that it belongs to one
 * connection instance: without the key no one can end a connection (a
 * DREQ) or complete one (an RTU), nor replay one from an earlier
 * connection between the same nodes.
 */
#define FIT_CM_SEAL_VERSION	1

enum fit_cm_seal_kind {
	FIT_CM_SEAL_RTU		= 1,
	FIT_CM_SEAL_DREQ	= 2,
	FIT_CM_SEAL_DREP	= 3,
};

struct fit_cm_seal {
	u8 version;		/* FIT_CM_SEAL_VERSION */
	u8 kind;		/* enum fit_cm_seal_kind */
	u8 node;		/* sender's node id */
	u8 dst_node;		/* receiver's */
	u8 mac[FIT_CM_MAC_BYTES];
} __packed;
_Static_assert(sizeof(struct fit_cm_seal) == 20, "fit_cm_seal size");

/*
 * CONNECT and CONNECT_ACK payload: one side's half of an RC connection
 * (the internal connect hook used until an RDMA-CM is available; the
 * fields are what a CM REQ/REP would carry).
 */
struct fit_connect {
	__le64 epoch;		/* sender's boot epoch */
	__le64 peer_epoch;	/* the epoch of the receiver it targets */
	__le32 qpn;
	__le32 psn;		/* starting send PSN */
	__le32 ring_entries;	/* receive entries posted (req + rep) */
	__le32 req_credits;	/* of which for requests */
	__le64 mbox_addr;	/* credit mailbox (RDMA WRITE target) */
	__le32 mbox_rkey;
	__le32 region_rkey;	/* exported region for fit_read/fit_write */
	__le64 region_addr;
	__le64 region_len;
} __packed;
_Static_assert(sizeof(struct fit_connect) == 64, "fit_connect size");

/*
 * The credit mailbox: 8 bytes each node exposes per peer and that the
 * peer RDMA-WRITEs with its cumulative freed counts, so that credits
 * return without a SEND (which would itself need a credit).
 */
struct fit_credit_mbox {
	__le16 acked_req;
	__le16 acked_rep;
	__le32 seq;		/* increases with every write */
} __packed;
_Static_assert(sizeof(struct fit_credit_mbox) == 8, "fit_credit_mbox size");

/* Explicit little-endian access, whatever the CPU's byte order. */
#define fit_get_le16(p)		get_le16(p)
#define fit_get_le32(p)		get_le32(p)
#define fit_get_le64(p)		get_le64(p)
#define fit_put_le16(p, v)	put_le16(p, v)
#define fit_put_le32(p, v)	put_le32(p, v)
#define fit_put_le64(p, v)	put_le64(p, v)

/* Is @op an opcode some range defines (not necessarily handled here)? */
bool fit_opcode_valid(u16 op);

/* Host order -> wire, including the header CRC. */
void fit_hdr_pack(const struct fit_hdr *h, struct fit_wire_hdr *w);

/*
 * Parse and validate the @len bytes at @buf (header and payload) into @h.
 * Returns 0, or -EPROTO for anything malformed: short buffer, magic,
 * header CRC, wrong version, unknown flag or opcode, node ids out of
 * range, segment outside total_len or larger than FIT_SEG_MAX, total_len
 * above FIT_MAX_MSG, seg_len not equal to the bytes after the header, a
 * status without FIT_F_ERROR or FIT_F_ERROR without FIT_F_REPLY, REPLY
 * with ONEWAY, FIT_F_ZC on a one-way message or an error reply, a
 * FIT_F_ZC reply with payload, a FIT_F_ZC request shorter than its
 * descriptor.  @why (may be NULL) gets a short reason for the log.
 */
int fit_hdr_unpack(const void *buf, size_t len, struct fit_hdr *h,
		   const char **why);

void fit_announce_pack(struct fit_announce *w, u8 role, u32 ipv4,
		       const u8 gid[16], u64 epoch, u32 nr_expected,
		       bool ready);
/* 0 or -EPROTO (unknown role, reserved bytes set, ready not 0/1). */
int fit_announce_check(const struct fit_announce *w);

/* Host-order view of struct fit_cm_private. */
struct fit_cm_info {
	u8 role;
	u16 node, dst_node;
	u16 ring_entries, req_credits;
	u64 epoch;
	u64 mbox_addr;
	u32 mbox_rkey;
	u32 region_rkey;
	u64 region_addr, region_len;
};

/*
 * Write @i as private data, the MAC zero.  0, or -EINVAL for a value the
 * layout cannot carry (a node id, ring size or length too large, an
 * address that is not canonical).
 */
int fit_cm_private_pack(struct fit_cm_private *w,
			const struct fit_cm_info *i);
/*
 * Parse @len bytes of private data into @i (the MAC is not looked at:
 * fit_cm_mac_check()).  0, or -EPROTO: short, wrong version, unknown
 * role, node ids out of range or equal, no request credits, credits not
 * below the entries, more entries than FIT_MAX_RING_ENTRIES, no mailbox
 * key, a region key without a length.
 */
int fit_cm_private_unpack(const void *buf, size_t len, struct fit_cm_info *i);

#define FIT_MAX_RING_ENTRIES	64

#endif /* _FIT_FIT_WIRE_H */
