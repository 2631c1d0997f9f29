/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The file service's wire formats: what a processor (or memory) node
 * sends the storage node with the P2S_* opcodes of <fit/fit_wire.h>,
 * and what comes back.  Fixed-width, little-endian, sizes checked at
 * compile time.  The service (managers/storage/) validates every
 * request with the p2s_*_check() functions below before acting on it.
 *
 * The service is nearly stateless, like LegoOS's and NFS's: P2S_OPEN
 * resolves a path to a file handle (inode number + generation) and
 * returns its attributes; every later request names the handle, and a
 * storage node restart leaves handles valid.  A handle whose inode was
 * freed or reused (generation differs) gets -ENOENT or -ESTALE.  The
 * one piece of state: an open file's reference.  P2S_OPEN with
 * P2S_OPEN_REF (P2S_CREATE with P2S_CREATE_REF, P2S_STAT with
 * P2S_STAT_REF by handle) of a regular file also
 * takes a reference of the calling node on it, which P2S_CLOSE drops
 * (-EBADF if the node holds none).  A regular file whose last name goes
 * while referenced stays (an orphan, st_nlink 0) until the last
 * reference goes; the references of a node that left the cluster are
 * dropped (Documentation/storage.md, "Unlinked open files").
 *
 *   P2S_OPEN	  struct p2s_open_req + path bytes + NUL
 *		  -> struct p2s_open_reply
 *   P2S_STAT	  struct p2s_fh_req -> struct p2s_stat.  With flag
 *		  P2S_STAT_REF it also takes a reference of the calling
 *		  node, as P2S_OPEN_REF, on a regular file (-EINVAL for
 *		  anything else): a reference by handle, without a path.
 *		  The memory node takes one this way for each storage file
 *		  any of its vmas maps, and drops it with P2S_CLOSE after
 *		  the last such vma goes (managers/memory/mapref.c), so a
 *		  mapping keeps an unlinked file as on Linux.  Not
 *		  idempotent: sent once, like P2S_CLOSE
 *   P2S_CLOSE	  struct p2s_fh_req -> empty: drops one reference
 *   P2S_READ	  struct p2s_read_req -> struct p2s_read_reply + data.
 *		  On a symlink's handle (P2S_OPEN_NOFOLLOW) it returns the
 *		  link target: this is readlink.
 *   P2S_GETDENTS struct p2s_getdents_req -> struct p2s_getdents_reply +
 *		  records laid out as Linux's struct linux_dirent64
 *		  (struct p2s_dirent64 + name + NUL, padded to 8 bytes);
 *		  each record's d_off is the cookie of the entry after it.
 *
 * Changes (issue 14; the writer is managers/storage/ext4_write.c).  Each
 * carries the caller's clock (struct p2s_time now): the times a change
 * sets come from it, the storage node has no wall clock of its own.
 * Names are one component, name_len bytes then a NUL, no NUL or '/'
 * inside, 1..255 bytes.  A file system the storage node cannot trust
 * (a checksum mismatch, corrupt metadata, a feature it does not keep
 * up) answers every change with -EROFS.
 *
 *   P2S_WRITE	  struct p2s_write_req + len data bytes
 *		  -> struct p2s_write_reply (short when the disk is full)
 *   P2S_TRUNCATE struct p2s_truncate_req -> empty
 *   P2S_FSYNC	  struct p2s_fh_req -> empty, after every change so far
 *		  reached the disk (no journal yet: a flush of everything)
 *   P2S_CREATE	  struct p2s_create_req + name + NUL -> struct
 *		  p2s_open_reply.  Flags P2S_CREATE_EXCL (-EEXIST if the
 *		  name exists), P2S_CREATE_TRUNC (an existing regular file
 *		  is truncated); without EXCL an existing name's inode is
 *		  returned, whatever it is (the processor resolves symlinks)
 *   P2S_MKDIR	  struct p2s_create_req + name + NUL -> p2s_open_reply
 *   P2S_UNLINK, P2S_RMDIR struct p2s_name_req + name + NUL -> empty
 *   P2S_LINK	  struct p2s_link_req + name + NUL -> empty
 *   P2S_SYMLINK  struct p2s_symlink_req + name + NUL + target + NUL
 *		  -> p2s_open_reply
 *   P2S_RENAME	  struct p2s_rename_req + old name + NUL + new name + NUL
 *		  -> empty.  Flag P2S_RENAME_NOREPLACE
 *   P2S_SETATTR  struct p2s_setattr_req -> struct p2s_stat
 *
 * Errors travel as FIT error replies (fit_call() returns -errno): Linux
 * errno values, -EINVAL/-EPROTO for a malformed request, -EIO for a
 * corrupt file (other files keep working).
 *
 * Credentials (managers/storage/perm.c).  A request whose header has
 * P2S_HDR_CRED in xflags ends with the caller's file-system credentials:
 * its supplementary groups (nr_groups __le32, ascending), then struct
 * p2s_cred, the last bytes of the request.  The storage node then
 * checks as Linux does: search permission on every directory of an
 * OPEN's path and the access P2S_OPEN_READ/WRITE/EXEC ask for on the
 * file found; write and search on the directory of a change of names,
 * the sticky bit for UNLINK, RMDIR and RENAME; the owner's and root's
 * rules for SETATTR; new inodes get the caller's fsuid and fsgid (or
 * the directory's group if it is set-gid) whatever the request's
 * uid/gid say.  A malformed block (a count above P2S_CRED_GROUPS_MAX,
 * groups out of order, reserved bits) is -EPROTO.  Requests by handle
 * (READ, GETDENTS, WRITE, TRUNCATE, STAT, FSYNC, CLOSE) are not
 * checked: the sender checked the access when it opened the file, as
 * Linux checks at open(), not at read().  But a WRITE (of at least one
 * byte), a TRUNCATE or a CREATE with P2S_CREATE_TRUNC of an existing
 * regular file with the block clears the set-id bits Linux's
 * file_remove_privs() does: set-uid, and set-gid when the file is
 * group-executable or the caller not in its group, unless fsuid is 0.
 * A request without the block comes from a kernel, not a program, and
 * is not checked either: the memory node's P2S_OPEN of a program the
 * processor already opened with P2S_OPEN_EXEC.  Processors always send
 * it for OPEN, CREATE, MKDIR, UNLINK, RMDIR, LINK, SYMLINK, RENAME,
 * SETATTR, WRITE and TRUNCATE.
 */
#ifndef _FIT_STORAGE_H
#define _FIT_STORAGE_H

#include <tessera/compiler.h>
#include <tessera/fsperm.h>
#include <tessera/types.h>

#define P2S_VERSION		1
#define P2S_PATH_MAX		4096	/* bytes including the NUL */
#define P2S_READ_MAX		(128u << 10)	/* data bytes per P2S_READ */
#define P2S_GETDENTS_MAX	(32u << 10)	/* record bytes per reply */
#define P2S_WRITE_MAX		(128u << 10)	/* data bytes per P2S_WRITE */
#define P2S_NAME_MAX		255		/* bytes of one component */

/* p2s_create_req flags (P2S_CREATE) */
#define P2S_CREATE_EXCL		0x01
#define P2S_CREATE_TRUNC	0x02
#define P2S_CREATE_REF		0x04	/* as P2S_OPEN_REF */
/* p2s_rename_req flags */
#define P2S_RENAME_NOREPLACE	0x01
/* p2s_setattr_req.valid */
#define P2S_ATTR_MODE		0x01
#define P2S_ATTR_UID		0x02
#define P2S_ATTR_GID		0x04
#define P2S_ATTR_ATIME		0x08
#define P2S_ATTR_MTIME		0x10
#define P2S_ATTR_ALL		0x1f
/* Both nodes hand these to <tessera/fsperm.h>'s rules unchanged. */
_Static_assert(P2S_ATTR_MODE == FSPERM_ATTR_MODE &&
	       P2S_ATTR_UID == FSPERM_ATTR_UID &&
	       P2S_ATTR_GID == FSPERM_ATTR_GID &&
	       P2S_ATTR_ATIME == FSPERM_ATTR_ATIME &&
	       P2S_ATTR_MTIME == FSPERM_ATTR_MTIME,
	       "P2S_ATTR_* as FSPERM_ATTR_*");

/* p2s_open_req.flags */
#define P2S_OPEN_NOFOLLOW	0x01	/* a final symlink is not followed */
#define P2S_OPEN_DIRECTORY	0x02	/* -ENOTDIR unless a directory */
/* With credentials: -EACCES unless the caller may (read, write, exec) */
#define P2S_OPEN_READ		0x04
#define P2S_OPEN_WRITE		0x08
#define P2S_OPEN_EXEC		0x10
#define P2S_OPEN_REF		0x20	/* a regular file: take a reference */
#define P2S_OPEN_FLAGS		(P2S_OPEN_NOFOLLOW | \
				 P2S_OPEN_DIRECTORY | P2S_OPEN_READ | \
				 P2S_OPEN_WRITE | P2S_OPEN_EXEC | P2S_OPEN_REF)
/* p2s_fh_req flags (P2S_STAT; CLOSE and FSYNC take none) */
#define P2S_STAT_REF		0x01	/* a regular file: take a reference */
/* p2s_setattr_req flags: the times are the caller's "now" (utimensat */
/* with NULL or UTIME_NOW), which a writer may set, not only the owner */
#define P2S_SETATTR_TIMES_NOW	0x01

/* p2s_req_hdr.xflags */
#define P2S_HDR_CRED		0x01	/* a credential block ends it */
#define P2S_CRED_GROUPS_MAX	65536	/* Linux's NGROUPS_MAX */

/* Every request starts with this. */
struct p2s_req_hdr {
	u8 version;		/* P2S_VERSION */
	u8 flags;		/* per opcode; 0 where none are defined */
	u8 xflags;		/* P2S_HDR_*, for every opcode */
	u8 reserved;		/* 0 */
} __packed;

/* The last bytes of a request with P2S_HDR_CRED, after its groups. */
struct p2s_cred {
	__le32 fsuid;
	__le32 fsgid;
	__le32 nr_groups;	/* __le32 each, just before this */
	__le32 reserved;	/* 0 */
} __packed;

struct p2s_handle {
	__le32 ino;
	__le32 generation;
} __packed;

struct p2s_open_req {
	struct p2s_req_hdr hdr;
	__le16 path_len;	/* bytes before the NUL, 1..P2S_PATH_MAX-1 */
	__le16 reserved;	/* 0 */
	char path[];		/* path_len bytes, then NUL; no NUL inside */
} __packed;

/* P2S_STAT, P2S_CLOSE and P2S_FSYNC */
struct p2s_fh_req {
	struct p2s_req_hdr hdr;
	struct p2s_handle fh;
	__le32 reserved;	/* 0 */
} __packed;

struct p2s_read_req {
	struct p2s_req_hdr hdr;
	struct p2s_handle fh;
	__le32 reserved;	/* 0 */
	__le64 offset;		/* < 2^62 */
	__le32 len;		/* 1..P2S_READ_MAX */
	__le32 reserved2;	/* 0 */
} __packed;

struct p2s_getdents_req {
	struct p2s_req_hdr hdr;
	struct p2s_handle fh;
	__le32 reserved;	/* 0 */
	__le64 cookie;		/* 0: from the start; else a d_off */
	__le32 max_bytes;	/* room for records, 32..P2S_GETDENTS_MAX */
	__le32 reserved2;	/* 0 */
} __packed;

/* A time: the caller's clock, or an atime/mtime to set. */
struct p2s_time {
	__le64 sec;		/* < 2^34: what ext4 stores */
	__le32 nsec;		/* < 10^9 */
	__le32 reserved;	/* 0 */
} __packed;

struct p2s_write_req {
	struct p2s_req_hdr hdr;
	struct p2s_handle fh;
	__le32 len;		/* data bytes that follow, 1..P2S_WRITE_MAX */
	__le64 offset;		/* offset + len <= 2^62 */
	struct p2s_time now;
	u8 data[];
} __packed;

struct p2s_write_reply {
	__le32 written;
	__le32 reserved;
	__le64 size;		/* the file's size afterwards */
} __packed;

struct p2s_truncate_req {
	struct p2s_req_hdr hdr;
	struct p2s_handle fh;
	__le32 reserved;	/* 0 */
	__le64 size;		/* < 2^62 */
	struct p2s_time now;
} __packed;

/* P2S_CREATE, P2S_MKDIR */
struct p2s_create_req {
	struct p2s_req_hdr hdr;
	struct p2s_handle dir;
	__le32 mode;		/* permission bits, <= 07777 */
	__le32 uid;
	__le32 gid;
	__le16 name_len;
	__le16 reserved;	/* 0 */
	struct p2s_time now;
	char name[];
} __packed;

/* P2S_UNLINK, P2S_RMDIR */
struct p2s_name_req {
	struct p2s_req_hdr hdr;
	struct p2s_handle dir;
	__le16 name_len;
	__le16 reserved;	/* 0 */
	struct p2s_time now;
	char name[];
} __packed;

struct p2s_link_req {
	struct p2s_req_hdr hdr;
	struct p2s_handle fh;	/* the file that gets a new name */
	struct p2s_handle dir;
	__le16 name_len;
	__le16 reserved;	/* 0 */
	struct p2s_time now;
	char name[];
} __packed;

struct p2s_symlink_req {
	struct p2s_req_hdr hdr;
	struct p2s_handle dir;
	__le32 uid;
	__le32 gid;
	__le16 name_len;
	__le16 target_len;	/* 1..P2S_PATH_MAX-1 */
	struct p2s_time now;
	char names[];		/* name, NUL, target, NUL */
} __packed;

struct p2s_rename_req {
	struct p2s_req_hdr hdr;
	struct p2s_handle sdir;
	struct p2s_handle ddir;
	__le16 sname_len;
	__le16 dname_len;
	struct p2s_time now;
	char names[];		/* old name, NUL, new name, NUL */
} __packed;

struct p2s_setattr_req {
	struct p2s_req_hdr hdr;
	struct p2s_handle fh;
	__le32 valid;		/* P2S_ATTR_* */
	__le32 mode;		/* permission bits, <= 07777 */
	__le32 uid;
	__le32 gid;
	struct p2s_time atime, mtime, now;
} __packed;

/* struct stat's fields (x86-64 Linux), whatever the node's layout. */
struct p2s_stat {
	__le64 ino;
	__le64 nlink;
	__le32 mode;		/* S_IF* | permissions */
	__le32 uid;
	__le32 gid;
	__le32 generation;
	__le64 rdev;
	__le64 size;
	__le64 blksize;
	__le64 blocks;		/* 512-byte units */
	__le64 atime_sec;
	__le64 atime_nsec;
	__le64 mtime_sec;
	__le64 mtime_nsec;
	__le64 ctime_sec;
	__le64 ctime_nsec;
	__le64 version;		/* changes with every write or truncate */
} __packed;

struct p2s_open_reply {
	struct p2s_handle fh;
	struct p2s_stat st;
} __packed;

struct p2s_read_reply {
	__le32 len;		/* data bytes that follow; 0 at end of file */
	__le32 reserved;
} __packed;

struct p2s_getdents_reply {
	__le64 next_cookie;	/* where the next call starts */
	__le32 nbytes;		/* record bytes that follow */
	u8 eof;			/* 1: nothing after these records */
	u8 reserved[3];
} __packed;

/* Linux's struct linux_dirent64 header; the name follows. */
struct p2s_dirent64 {
	__le64 d_ino;
	__le64 d_off;
	__le16 d_reclen;
	u8 d_type;		/* DT_* */
	char d_name[];
} __packed;

_Static_assert(sizeof(struct p2s_req_hdr) == 4, "p2s_req_hdr");
_Static_assert(sizeof(struct p2s_handle) == 8, "p2s_handle");
_Static_assert(sizeof(struct p2s_cred) == 16, "p2s_cred");
_Static_assert(sizeof(struct p2s_open_req) == 8, "p2s_open_req");
_Static_assert(sizeof(struct p2s_fh_req) == 16, "p2s_fh_req");
_Static_assert(sizeof(struct p2s_read_req) == 32, "p2s_read_req");
_Static_assert(sizeof(struct p2s_getdents_req) == 32, "p2s_getdents_req");
_Static_assert(sizeof(struct p2s_stat) == 120, "p2s_stat");
_Static_assert(sizeof(struct p2s_open_reply) == 128, "p2s_open_reply");
_Static_assert(sizeof(struct p2s_read_reply) == 8, "p2s_read_reply");
_Static_assert(sizeof(struct p2s_getdents_reply) == 16, "p2s_getdents_reply");
_Static_assert(sizeof(struct p2s_dirent64) == 19, "p2s_dirent64");
_Static_assert(sizeof(struct p2s_time) == 16, "p2s_time");
_Static_assert(sizeof(struct p2s_write_req) == 40, "p2s_write_req");
_Static_assert(sizeof(struct p2s_write_reply) == 16, "p2s_write_reply");
_Static_assert(sizeof(struct p2s_truncate_req) == 40, "p2s_truncate_req");
_Static_assert(sizeof(struct p2s_create_req) == 44, "p2s_create_req");
_Static_assert(sizeof(struct p2s_name_req) == 32, "p2s_name_req");
_Static_assert(sizeof(struct p2s_link_req) == 40, "p2s_link_req");
_Static_assert(sizeof(struct p2s_symlink_req) == 40, "p2s_symlink_req");
_Static_assert(sizeof(struct p2s_rename_req) == 40, "p2s_rename_req");
_Static_assert(sizeof(struct p2s_setattr_req) == 76, "p2s_setattr_req");
_Static_assert(__builtin_offsetof(struct p2s_read_req, offset) == 16,
	       "p2s_read_req.offset");
_Static_assert(__builtin_offsetof(struct p2s_stat, mtime_sec) == 80,
	       "p2s_stat.mtime_sec");

/*
 * Validation of received requests (managers/storage/p2s.c, pure).
 * Each returns 0 and fills its host-order result, or -EPROTO (wrong
 * size, version, reserved bytes) / -EINVAL (a field out of range) /
 * -ENAMETOOLONG (path).
 */
struct p2s_open_args {
	const char *path;	/* NUL-terminated, inside the request */
	u32 path_len;
	u8 flags;
};

struct p2s_io_args {
	u32 ino, generation;
	u64 offset;		/* READ offset, GETDENTS cookie */
	u32 len;		/* READ len, GETDENTS max_bytes */
	u8 flags;		/* STAT: P2S_STAT_REF */
};

/* Every change request (P2S_WRITE ... P2S_SETATTR), host order. */
struct p2s_change_args {
	u32 ino, generation;	/* the file, or the (source) directory */
	u32 ino2, generation2;	/* LINK: the directory; RENAME: target dir */
	u64 offset;		/* WRITE offset, TRUNCATE size */
	u32 len;		/* WRITE data bytes */
	const void *data;	/* WRITE data, inside the request */
	const char *name;	/* NUL-terminated, inside the request */
	const char *name2;	/* RENAME new name, SYMLINK target */
	u32 name_len, name2_len;
	u32 mode, uid, gid, valid;
	u8 flags;
	s64 atime_sec, mtime_sec, now_sec;
	u32 atime_nsec, mtime_nsec, now_nsec;
};

/*
 * Check a change request with opcode @op.  0, -EPROTO, -EINVAL,
 * -ENAMETOOLONG, or -EOPNOTSUPP for an opcode that is not a change.
 */
int p2s_change_req_check(u16 op, const void *buf, size_t len,
			 struct p2s_change_args *out);
int p2s_open_req_check(const void *buf, size_t len,
		       struct p2s_open_args *out);

/*
 * The credential block of a request, if its header says it has one.
 * Host order; @groups points into the request (little-endian).
 */
struct p2s_cred_args {
	bool present;
	u32 fsuid, fsgid;
	u32 nr_groups;
	const __le32 *groups;
};

/*
 * Take the credential block off the end of request @buf (*@len bytes,
 * at least a struct p2s_req_hdr): *@len becomes the request's length
 * without it.  0 (also when there is none), or -EPROTO.
 */
int p2s_cred_req_check(const void *buf, size_t *len,
		       struct p2s_cred_args *out);
/* A struct p2s_fh_req of opcode @op (STAT, CLOSE, FSYNC): its flags too. */
int p2s_fh_req_check(u16 op, const void *buf, size_t len,
		     struct p2s_io_args *out);
int p2s_read_req_check(const void *buf, size_t len, struct p2s_io_args *out);
int p2s_getdents_req_check(const void *buf, size_t len,
			   struct p2s_io_args *out);

#endif /* _FIT_STORAGE_H */
