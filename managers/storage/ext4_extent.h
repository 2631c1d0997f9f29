/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ext4 writer's extent lists (ext4_extent.c), private to
 * managers/storage/: a file's mapping as a sorted array, and its tree.
 */
#ifndef _STORAGE_EXT4_EXTENT_H
#define _STORAGE_EXT4_EXTENT_H

#include "ext4_priv.h"

struct ext4_xt {
	u32 lblk;
	u32 len;
	u64 pblk;			/* 0 in a lookup result: a hole */
	bool uninit;			/* unwritten: reads as zeros */
};

struct ext4_xlist {
	struct ext4_xt *v;		/* sorted, not overlapping */
	u32 n, cap;
	u64 *tree;			/* the tree blocks it was loaded from */
	u32 ntree, tree_cap;
};

/* Load @in's extents (-EROFS for a block-mapped file, -EIO, -ENOMEM). */
int ext4_xl_load(struct ext4_fs *fs, const struct ext4_inode_info *in,
		 struct ext4_xlist *xl);
void ext4_xl_free(struct ext4_xlist *xl);
/* What maps @lblk: a run of mapped blocks or of a hole (pblk 0). */
void ext4_xl_lookup(const struct ext4_xlist *xl, u32 lblk,
		    struct ext4_xt *out);
/* A good physical block for @lblk: after the extent before it. */
u64 ext4_xl_goal(const struct ext4_xlist *xl, u32 lblk);
/* Remove [@from, @to) from the map, freeing its blocks (*freed += n). */
int ext4_xl_punch(struct ext4_fs *fs, struct ext4_xlist *xl, u32 from,
		  u64 to, u64 *freed);
/* Add @x over a hole, merging with its neighbours. */
int ext4_xl_insert(struct ext4_xlist *xl, const struct ext4_xt *x);
/* Tree blocks a map of @nr_extents needs. */
u32 ext4_xl_tree_blocks(const struct ext4_fs *fs, u32 nr_extents);
/*
 * Write the map back as a new tree (in->i_block, in->blocks updated; the
 * caller writes the inode).  -ENOSPC before anything changed, -EIO.
 */
int ext4_xl_store(struct ext4_fs *fs, struct ext4_inode_info *in,
		  struct ext4_xlist *xl);

#endif /* _STORAGE_EXT4_EXTENT_H */
