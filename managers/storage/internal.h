/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared inside managers/storage/: the transport-free core
 * of the file service (p2s.c), which the FIT glue (file_service.c) and
 * the host tests both call.
 */
#ifndef _STORAGE_INTERNAL_H
#define _STORAGE_INTERNAL_H

#include <fit/storage.h>
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
 * @stats.  Callers serialise (one call per @fs at a time).
 */
#define P2S_REPLY_MAX	(sizeof(struct p2s_read_reply) + P2S_READ_MAX)

int p2s_serve(struct ext4_fs *fs, u16 op, const void *req, size_t len,
	      void *reply, struct p2s_stats *stats);
/*
 * The same for a request from node @owner, who holds the references
 * that P2S_OPEN_REF and P2S_CREATE_REF take (p2s_serve(): node 0).
 */
int p2s_serve_from(struct ext4_fs *fs, u32 owner, u16 op, const void *req,
		   size_t len, void *reply, struct p2s_stats *stats);

#endif /* _STORAGE_INTERNAL_H */
