/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ext4 writer's allocator (ext4_alloc.c), private to
 * managers/storage/: group descriptors, block and inode allocation,
 * writing inodes and the superblock's counters.
 */
#ifndef _STORAGE_EXT4_ALLOC_H
#define _STORAGE_EXT4_ALLOC_H

#include "ext4_priv.h"

/* A pinned, verified group descriptor. */
struct ext4_gd_ref {
	struct bcache_buf *b;
	struct ext4_group_desc *gd;
	u32 g;
};

int ext4_gd_get(struct ext4_fs *fs, u32 g, struct ext4_gd_ref *ref);
/* Unpin; @dirty: re-checksum and mark for write-back. */
void ext4_gd_put(struct ext4_fs *fs, struct ext4_gd_ref *ref, bool dirty);

/*
 * Allocate up to @want contiguous blocks at or after @goal (then
 * anywhere): 0 with *first and *got (>= 1), -ENOSPC, -EIO.
 */
int ext4_alloc_blocks(struct ext4_fs *fs, u64 goal, u32 want, u64 *first,
		      u32 *got);
int ext4_free_blocks(struct ext4_fs *fs, u64 blk, u64 count);
/* An inode number for a new inode near @parent.  -ENOSPC, -EIO. */
int ext4_alloc_inode(struct ext4_fs *fs, u32 parent, bool is_dir, u32 *ino);
int ext4_free_inode(struct ext4_fs *fs, u32 ino, bool is_dir);
/*
 * Write @in back into its inode table slot, with its checksum.
 * @fresh: a new inode (the slot is cleared, in->csum_seed computed).
 * i_dtime is set when in->links is 0 (to in->dtime, the next orphan,
 * for an orphan: in->orphan).
 */
int ext4_write_inode(struct ext4_fs *fs, struct ext4_inode_info *in,
		     bool fresh);
/* The superblock's free counts and orphan list head (and checksum), */
/* if they changed (fs->sb_dirty). */
int ext4_write_super(struct ext4_fs *fs);
/* Set fs->free_blocks and free_inodes from the descriptors. */
int ext4_count_free(struct ext4_fs *fs);

#endif /* _STORAGE_EXT4_ALLOC_H */
