/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared inside managers/storage/: the transport-free core
 * of the file service (p2s.c), which the FIT glue (file_service.c) and
 * the host tests both call.
 */
#ifndef _STORAGE_INTERNAL_H
#define _STORAGE_INTERNAL_H

#include <fit/storage.h>
#include <tessera/fsperm.h>
#include <tessera/types.h>

#include "bcache.h"
#include "ext4.h"

struct blkdev;

/* A block device seen as a struct storage_io (file_service.c). */
struct storage_blk_io {
	struct storage_io io;
	struct blkdev *dev;
};

/* Largest request in sectors that blk_read() takes in one call. */
#define U32_MAX_SECTORS	0xffffffffu

void storage_blk_io_init(struct storage_blk_io *bio, struct blkdev *dev);

struct p2s_stats {
	u64 requests;
	u64 malformed;		/* failed validation */
	u64 errors;		/* valid requests answered with an error */
	u64 io_errors;		/* of which -EIO */
};

/*
 * Serve one request @req of @len bytes with opcode @op against @fs,
 * writing the reply into @reply (at least P2S_REPLY_MAX bytes).  The
 * reply's length, or -errno to send back as an error.  Counts into
 * @stats (atomically).  Callers exclude each other as p2s_is_read()
 * says: reads may run together, anything else runs alone.
 */
#define P2S_REPLY_MAX	(sizeof(struct p2s_read_reply) + P2S_READ_MAX)

/*
 * Does request @op (@req, @len bytes, not yet validated) leave the image
 * and the journal alone?  READ, GETDENTS, OPEN and STAT, also with a
 * reference (P2S_OPEN_REF, P2S_STAT_REF: adding one to the table of
 * open references is serialised inside p2s.c).  Anything else, and a
 * request too short to tell, is a change.
 */
bool p2s_is_read(u16 op, const void *req, size_t len);

int p2s_serve(struct ext4_fs *fs, u16 op, const void *req, size_t len,
	      void *reply, struct p2s_stats *stats);
/*
 * The same for a request from node @owner, who holds the references
 * that P2S_OPEN_REF and P2S_CREATE_REF take (p2s_serve(): node 0).
 */
int p2s_serve_from(struct ext4_fs *fs, u32 owner, u16 op, const void *req,
		   size_t len, void *reply, struct p2s_stats *stats);

/*
 * Tests only (ktest "storage_svc"): the file service's path for one
 * request, as FIT's handler runs it: its lock, then p2s_serve_from()
 * into @reply (P2S_REPLY_MAX bytes).  -ENODEV when not serving.
 */
int storage_svc_serve(u32 src, u16 op, const void *req, size_t len,
		      void *reply);
/*
 * Tests only: called with the service's lock held (shared or
 * exclusive) after a request was served, before the lock is dropped;
 * NULL normally.  A test holds one request "inside" with it.
 */
extern void (*storage_svc_inside_hook)(u16 op, bool shared);
/* The most requests ever inside the service at once. */
u32 storage_svc_concurrent_max(void);
/* Tasks waiting for the service's lock now (a snapshot). */
unsigned int storage_svc_waiters(void);

/* ------------------------------------------------------------ perm.c */

/*
 * The credentials of one request, host order, for the checks below;
 * with !checked (a request without a block) every check passes.
 */
struct p2s_perm {
	bool checked;
	struct fsperm_cred cred;
	u32 groups_small[16];
	u32 *groups_alloc;	/* more groups than groups_small holds */
};

/* Fill @pm from a validated block: 0 or -ENOMEM.  p2s_perm_end() frees. */
int p2s_perm_begin(struct p2s_perm *pm, const struct p2s_cred_args *a);
void p2s_perm_end(struct p2s_perm *pm);

/* ext4_resolve() with search permission on each directory walked. */
int p2s_perm_resolve(struct ext4_fs *fs, const struct p2s_perm *pm,
		     const char *path, unsigned int flags, u32 *ino);

/* The access P2S_OPEN_READ/WRITE/EXEC of @open_flags ask: 0, -EACCES. */
int p2s_perm_open(const struct p2s_perm *pm, const struct ext4_inode_info *e,
		  u8 open_flags);

/*
 * May change @op (@a; @inode and @other the inodes its handles name)
 * happen?  0, -EACCES, -EPERM, -EIO.  May adjust @a as Linux would:
 * the owner, group and mode of a new inode, the mode a chmod or chown
 * leaves.
 */
int p2s_perm_change(struct ext4_fs *fs, const struct p2s_perm *pm, u16 op,
		    struct p2s_change_args *a,
		    const struct ext4_inode_info *inode,
		    const struct ext4_inode_info *other);

/*
 * A WRITE or TRUNCATE (or O_TRUNC) of regular file @e (inode @ino) by
 * the request's caller: clear the set-id bits Linux's
 * file_remove_privs() would (fsperm_kill_priv()).  0 or -errno.
 */
int p2s_perm_kill_priv(struct ext4_fs *fs, const struct p2s_perm *pm,
		       u32 ino, const struct ext4_inode_info *e);

#endif /* _STORAGE_INTERNAL_H */
