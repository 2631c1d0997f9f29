/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hashed (dir_index, "htree") directories (ext4_dx.c), private to
 * managers/storage/: finding a name through the index, adding one
 * (splitting leaves and index nodes), indexing a one-block directory and
 * making an index linear again.  @xl is the directory's extent list as
 * in ext4_dir.h.
 */
#ifndef _STORAGE_EXT4_DX_H
#define _STORAGE_EXT4_DX_H

#include "ext4_dir.h"

/* @dir has an index we may use: EXT4_INDEX_FL on a dir_index fs. */
bool ext4_dx_usable(const struct ext4_fs *fs,
		    const struct ext4_inode_info *dir);
/*
 * Find @name (@len bytes) in hashed directory @dir through its index
 * (Linux's ext4_dx_find_entry()): the root, the interior nodes and the
 * leaf that covers the name's hash, and the next leaves while the hash
 * continues into them.  @xl maps the blocks, or NULL: ext4_map_block()
 * does (the reader).  0 with *out, -ENOENT (counted in
 * stats.dx_lookups), or -EAGAIN: no index to use, "." or "..", or
 * something on the way failed a check (counted and logged there): the
 * caller walks the directory linearly instead.
 */
int ext4_dx_find(struct ext4_fs *fs, const struct ext4_inode_info *dir,
		 const struct ext4_xlist *xl, const char *name, u32 len,
		 struct ext4_dpos *out);
/*
 * ext4_readdir() of hashed directory @dir in hash order (ext4.h has the
 * cookies): 1 at the end, 0 when @fill stopped, -EAGAIN when the root
 * cannot be used (the caller reads the directory linearly, with byte
 * cookies, on every call), -EIO (a bad node or leaf: counted), -ENOMEM.
 */
int ext4_dx_readdir(struct ext4_fs *fs, const struct ext4_inode_info *dir,
		    u64 *cookie, ext4_filldir_t fill, void *ctx);
/*
 * Add an entry to hashed directory @dir through its index.  -EAGAIN
 * when the index cannot take it (the caller goes linear), else as
 * ext4_dir_add().
 */
int ext4_dx_add(struct ext4_fs *fs, struct ext4_inode_info *dir,
		struct ext4_xlist *xl, const char *name, u32 len, u32 ino,
		u8 type);
/*
 * Make hashed directory @dir linear (index blocks become empty leaves,
 * EXT4_INDEX_FL cleared, the inode written).  0 or -EIO.
 */
int ext4_dx_unindex(struct ext4_fs *fs, struct ext4_inode_info *dir,
		    const struct ext4_xlist *xl);
/*
 * Index full one-block linear directory @dir (Linux's make_indexed_dir).
 * 0, -EAGAIN (a block 0 we do not rebuild), -ENOSPC, -EIO.
 */
int ext4_dx_make_indexed(struct ext4_fs *fs, struct ext4_inode_info *dir,
			 struct ext4_xlist *xl);
/* Where the root's dx_countlimit is: after ".", ".." and the info. */
u32 ext4_dx_root_count_off(const u8 *blk);
/* Set the dx_tail checksum (metadata_csum) of index block @blk. */
void ext4_dx_csum_set(struct ext4_fs *fs, const struct ext4_inode_info *dir,
		      u8 *blk, u32 count_off);

#endif /* _STORAGE_EXT4_DX_H */
