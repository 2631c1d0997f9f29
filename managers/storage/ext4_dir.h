/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ext4 writer's directory entries (ext4_dir.c), private to
 * managers/storage/.  @xl is the directory's extent list, loaded by the
 * caller; functions that add blocks update it, dir->size and
 * dir->blocks (the caller writes the inode).
 */
#ifndef _STORAGE_EXT4_DIR_H
#define _STORAGE_EXT4_DIR_H

#include "ext4_extent.h"

#define EXT4_DE_TAIL	sizeof(struct ext4_dir_entry_tail)

/* The record length a live entry with a @name_len-byte name needs. */
static inline u32 ext4_de_need(u32 name_len)
{
	return ALIGN(EXT4_DIR_ENTRY_HDR + name_len, EXT4_DIR_ROUND);
}

/* Where a leaf block's entries end (before the checksum tail). */
static inline u32 ext4_dir_leaf_end(const struct ext4_fs *fs)
{
	return fs->block_size - (fs->has_csum ? EXT4_DE_TAIL : 0);
}

/* Where an entry is. */
struct ext4_dpos {
	u32 lblk;
	u64 pblk;
	u32 off;			/* of the entry in the block */
	int prev;			/* offset of the entry before, or -1 */
	u32 end;			/* where the block's entries end */
	u32 ino;			/* found entry's inode and type */
	u8 type;
};

/*
 * Find @name in @dir: through its hash index (ext4_dx_find()) when it has
 * one that passes the checks, else by walking every block.  0 with *out,
 * -ENOENT, -EIO.
 */
int ext4_dir_find(struct ext4_fs *fs, const struct ext4_inode_info *dir,
		  const struct ext4_xlist *xl, const char *name, u32 len,
		  struct ext4_dpos *out);
/* 1 when only "." and ".." are left, 0 if not, -EIO. */
int ext4_dir_is_empty(struct ext4_fs *fs, const struct ext4_inode_info *dir,
		      const struct ext4_xlist *xl);
/*
 * Add an entry (the name must not exist): through the index of a hashed
 * directory (splitting a full leaf), else into the first gap or a new
 * last block.  May change the inode (flags, size, blocks, extents): the
 * caller writes it.  -ENOSPC, -ENOMEM, -EIO.
 */
int ext4_dir_add(struct ext4_fs *fs, struct ext4_inode_info *dir,
		 struct ext4_xlist *xl, const char *name, u32 len, u32 ino,
		 u8 type);
int ext4_dir_remove(struct ext4_fs *fs, const struct ext4_inode_info *dir,
		    const struct ext4_dpos *pos);
/* Point the entry at @pos to @ino of @type. */
int ext4_dir_set(struct ext4_fs *fs, const struct ext4_inode_info *dir,
		 const struct ext4_dpos *pos, u32 ino, u8 type);
/* An entry to add. */
struct ext4_dir_new {
	const char *name;
	u32 len, ino;
	u8 type;
};

/* Add @ac's entry to leaf @blk if it fits: 1, 0 if not, -EIO. */
int ext4_dir_leaf_add(struct ext4_fs *fs, const struct ext4_inode_info *dir,
		      u32 lblk, u8 *blk, u32 end, struct ext4_dir_new *ac);
/*
 * One more block at the end of @dir, mapped in @xl, counted in dir->size
 * and dir->blocks, returned empty (one unused entry, its tail) in *b,
 * its logical number in *lblk.  -ENOSPC, -EIO.
 */
int ext4_dir_append_block(struct ext4_fs *fs, struct ext4_inode_info *dir,
			  struct ext4_xlist *xl, struct bcache_buf **b,
			  u32 *lblk);
/* A fresh leaf block: "." (@self) and ".." (@parent), or empty (0). */
void ext4_dir_block_init(struct ext4_fs *fs, const struct ext4_inode_info *dir,
			 u8 *blk, u32 self, u32 parent);
void ext4_dir_csum_set(struct ext4_fs *fs, const struct ext4_inode_info *dir,
		       u8 *blk);

#endif /* _STORAGE_EXT4_DIR_H */
