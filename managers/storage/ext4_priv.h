/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the ext4 reader (ext4.c) shares with the writer (ext4_write.c,
 * ext4_alloc.c, ext4_dir.c): checked access to metadata blocks, the
 * checksum functions, and the checks of extent and directory blocks.
 * Private to managers/storage/.
 */
#ifndef _STORAGE_EXT4_PRIV_H
#define _STORAGE_EXT4_PRIV_H

#include <tessera/printk.h>

#include "ext4.h"

#define EXT4_ERRORS_LOGGED	20
#define EXT4_MAX_LBLK		(1ULL << 32)	/* logical blocks are 32-bit */

/*
 * One more of fs->stats.@counter.  Atomic: the file service's readers
 * run the reader concurrently.
 */
#define ext4_stat_inc(fs, counter)					\
	__atomic_fetch_add(&(fs)->stats.counter, 1, __ATOMIC_RELAXED)

/* Count a corrupt object and log the first few. */
#define ext4_bad(fs, counter, fmt, ...) do {				\
	ext4_stat_inc(fs, counter);					\
	if (READ_ONCE((fs)->nr_logged) < EXT4_ERRORS_LOGGED &&		\
	    __atomic_fetch_add(&(fs)->nr_logged, 1, __ATOMIC_RELAXED) <	\
	    EXT4_ERRORS_LOGGED)						\
		pr_err(fmt, ##__VA_ARGS__);				\
} while (0)

/*
 * A mapping result: @count blocks from logical @lblk are at physical
 * @pblk onwards, or are a hole (pblk == 0) that reads as zeros.
 */
struct ext4_map {
	u64 pblk;
	u32 count;
};

int ext4_bread(struct ext4_fs *fs, u64 blk, struct bcache_buf **b);
u32 ext4_sb_csum(const struct ext4_super_block *sb);
bool ext4_group_has_super(const struct ext4_fs *fs, u32 g);
u64 ext4_desc_block(const struct ext4_fs *fs, u32 g, u32 *off);
u16 ext4_gd_csum(const struct ext4_fs *fs, u32 g, const u8 *gd);
int ext4_inode_table(struct ext4_fs *fs, u32 g, u64 *itable);
/* Inode @ino's slot in its (pinned) inode table block. */
int ext4_inode_slot(struct ext4_fs *fs, u32 ino, struct bcache_buf **b,
		    struct ext4_inode **raw);
u32 ext4_inode_csum(const struct ext4_fs *fs, const u8 *raw, u32 seed,
		    bool has_hi);
bool ext4_range_ok(const struct ext4_fs *fs, u64 pblk, u64 count);
int ext4_ext_check_header(struct ext4_fs *fs,
			  const struct ext4_inode_info *inode,
			  const struct ext4_extent_header *eh, u32 node_bytes,
			  int want_depth);
int ext4_ext_check_csum(struct ext4_fs *fs,
			const struct ext4_inode_info *inode, const u8 *block,
			u64 pblk);
int ext4_map_block(struct ext4_fs *fs, const struct ext4_inode_info *inode,
		   u32 lblk, struct ext4_map *map);
int ext4_dir_block_check(struct ext4_fs *fs,
			 const struct ext4_inode_info *dir, u32 lblk,
			 u64 pblk, const u8 *blk, u32 *end);
/*
 * The metadata_csum checksum of a hashed directory's index block whose
 * dx_countlimit is at @count_off: 0 with *csum and where it goes
 * (*csum_off), or -EIO when count and limit do not fit the block.
 */
int ext4_dx_csum(const struct ext4_fs *fs, const struct ext4_inode_info *dir,
		 const u8 *blk, u32 count_off, u32 *csum_off, u32 *csum);
int ext4_dirent_check(struct ext4_fs *fs, const struct ext4_inode_info *dir,
		      u32 lblk, const u8 *blk, u32 off, u32 end);

/* ext4_write.c: decide at mount whether writes are allowed. */
void ext4_write_init(struct ext4_fs *fs, const struct ext4_super_block *sb);

#endif /* _STORAGE_EXT4_PRIV_H */
