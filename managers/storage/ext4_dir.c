/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ext4 writer's directories: find, add and remove entries, with the
 * checksum tail of every leaf block kept (metadata_csum).  Linear
 * directories take a new name in the first gap or a new last block.
 * Hashed (dir_index) directories are ext4_dx.c's: a name is found and
 * added through the index there, and this file falls back to the linear
 * walk when the index cannot serve (index blocks look like unused
 * entries to it).  Removing never changes an index.
 *
 * Callers serialise (see ext4.h).
 */
#define pr_fmt(fmt) "ext4: " fmt

#include <tessera/crc32.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/string.h>

#include "ext4_alloc.h"
#include "ext4_dir.h"
#include "ext4_dx.h"

void ext4_dir_csum_set(struct ext4_fs *fs, const struct ext4_inode_info *dir,
		       u8 *blk)
{
	struct ext4_dir_entry_tail *t;

	if (!fs->has_csum)
		return;
	t = (void *)(blk + fs->block_size - EXT4_DE_TAIL);
	memset(t, 0, sizeof(*t));
	put_le16(&t->det_rec_len, EXT4_DE_TAIL);
	t->det_reserved_ft = EXT4_FT_DIR_CSUM;
	put_le32(&t->det_checksum, crc32c(dir->csum_seed, blk,
					  fs->block_size - EXT4_DE_TAIL));
}

static void de_set(struct ext4_dir_entry_2 *de, u32 ino, u32 rec_len,
		   const char *name, u32 len, u8 type)
{
	put_le32(&de->inode, ino);
	put_le16(&de->rec_len, rec_len);
	de->name_len = len;
	de->file_type = type;
	memcpy(de->name, name, len);
}

void ext4_dir_block_init(struct ext4_fs *fs, const struct ext4_inode_info *dir,
			 u8 *blk, u32 self, u32 parent)
{
	struct ext4_dir_entry_2 *de = (void *)blk;
	u32 end = ext4_dir_leaf_end(fs);

	memset(blk, 0, fs->block_size);
	if (self) {
		de_set(de, self, 12, ".", 1, EXT4_FT_DIR);
		de = (void *)(blk + 12);
		de_set(de, parent, end - 12, "..", 2, EXT4_FT_DIR);
	} else {
		put_le16(&de->rec_len, end);
	}
	ext4_dir_csum_set(fs, dir, blk);
}

/*
 * Call @fn for each entry (used or not) of each block of @dir.  @fn
 * returns 0 to go on, > 0 to stop (returned), < 0 for an error; it sets
 * *dirty when it changed the block.
 */
typedef int (*dir_fn)(struct ext4_fs *fs, void *ctx, struct ext4_dpos *pos,
		      u8 *blk, bool *dirty);

static int dir_iter(struct ext4_fs *fs, const struct ext4_inode_info *dir,
		    const struct ext4_xlist *xl, dir_fn fn, void *ctx)
{
	u32 bs = fs->block_size, lblk, nr = dir->size / bs;
	int ret = 0;

	if (dir->size % bs || dir->size / bs >= EXT4_MAX_LBLK) {
		ext4_bad(fs, corrupt, "inode %u: directory size %llu\n",
			 dir->ino, (unsigned long long)dir->size);
		return -EIO;
	}
	for (lblk = 0; lblk < nr && !ret; lblk++) {
		struct ext4_dpos pos = { .lblk = lblk, .prev = -1 };
		struct bcache_buf *b;
		struct ext4_xt m;
		bool dirty = false;
		u32 end;

		ext4_xl_lookup(xl, lblk, &m);
		if (!m.pblk || m.uninit)
			continue;	/* holds no entries */
		pos.pblk = m.pblk;
		ret = ext4_bread(fs, m.pblk, &b);
		if (ret)
			return ret;
		ext4_stat_inc(fs, dir_blocks_read);
		ret = ext4_dir_block_check(fs, dir, lblk, m.pblk, b->data,
					   &end);
		while (!ret && pos.off < end) {
			int rec = ext4_dirent_check(fs, dir, lblk, b->data,
						    pos.off, end);

			if (rec < 0) {
				ret = rec;
				break;
			}
			pos.end = end;
			ret = fn(fs, ctx, &pos, b->data, &dirty);
			if (ret)
				break;
			pos.prev = pos.off;
			pos.off += rec;
		}
		if (dirty) {
			ext4_dir_csum_set(fs, dir, b->data);
			bcache_mark_dirty(b);
		}
		bcache_put(&fs->bc, b);
	}
	return ret;
}

struct find_ctx {
	const char *name;
	u32 len;
	struct ext4_dpos *out;
};

static int find_one(struct ext4_fs *fs, void *ctx, struct ext4_dpos *pos,
		    u8 *blk, bool *dirty)
{
	struct find_ctx *fc = ctx;
	struct ext4_dir_entry_2 *de = (void *)(blk + pos->off);

	if (!le32_get(&de->inode) || de->name_len != fc->len ||
	    memcmp(de->name, fc->name, fc->len))
		return 0;
	*fc->out = *pos;
	fc->out->ino = le32_get(&de->inode);
	fc->out->type = de->file_type;
	return 1;
}

int ext4_dir_find(struct ext4_fs *fs, const struct ext4_inode_info *dir,
		  const struct ext4_xlist *xl, const char *name, u32 len,
		  struct ext4_dpos *out)
{
	struct find_ctx fc = { .name = name, .len = len, .out = out };
	int ret = ext4_dx_find(fs, dir, xl, name, len, out);

	if (ret == -ENOENT)
		return ret;
	if (ret == -EAGAIN) {
		/* Not indexed, or the index failed a check: walk it all. */
		ret = dir_iter(fs, dir, xl, find_one, &fc);
		if (ret < 0)
			return ret;
		if (!ret)
			return -ENOENT;
	}
	if (!out->ino || out->ino > fs->inodes_count) {
		ext4_bad(fs, corrupt, "inode %u: entry to inode %u\n",
			 dir->ino, out->ino);
		return -EIO;
	}
	return 0;
}

static int empty_one(struct ext4_fs *fs, void *ctx, struct ext4_dpos *pos,
		     u8 *blk, bool *dirty)
{
	struct ext4_dir_entry_2 *de = (void *)(blk + pos->off);

	if (!le32_get(&de->inode))
		return 0;
	if ((de->name_len == 1 && de->name[0] == '.') ||
	    (de->name_len == 2 && de->name[0] == '.' && de->name[1] == '.'))
		return 0;
	return 1;
}

int ext4_dir_is_empty(struct ext4_fs *fs, const struct ext4_inode_info *dir,
		      const struct ext4_xlist *xl)
{
	int ret = dir_iter(fs, dir, xl, empty_one, NULL);

	return ret < 0 ? ret : !ret;
}

static int add_one(struct ext4_fs *fs, void *ctx, struct ext4_dpos *pos,
		   u8 *blk, bool *dirty)
{
	struct ext4_dir_new *ac = ctx;
	struct ext4_dir_entry_2 *de = (void *)(blk + pos->off);
	u32 rec = le16_get(&de->rec_len), need = ext4_de_need(ac->len);
	u32 used = 0;

	if (le32_get(&de->inode))
		used = ext4_de_need(de->name_len);
	if (rec - used < need)
		return 0;
	if (used) {
		put_le16(&de->rec_len, used);
		de = (void *)((u8 *)de + used);
	}
	de_set(de, ac->ino, rec - used, ac->name, ac->len, ac->type);
	*dirty = true;
	return 1;
}

/* See ext4_dir.h. */
int ext4_dir_append_block(struct ext4_fs *fs, struct ext4_inode_info *dir,
			  struct ext4_xlist *xl, struct bcache_buf **b,
			  u32 *lblk)
{
	struct ext4_xt x = { .lblk = dir->size / fs->block_size, .len = 1 };
	u32 got, reserve;
	int ret;

	/* One block, its extent and maybe a tree block. */
	if (x.lblk >= EXT4_MAX_LBLK - 1)
		return -ENOSPC;
	reserve = ext4_xl_tree_blocks(fs, xl->n + 1);
	if (fs->free_blocks < 1 + reserve)
		return -ENOSPC;
	ret = ext4_alloc_blocks(fs, ext4_xl_goal(xl, x.lblk), 1, &x.pblk,
				&got);
	if (ret)
		return ret;
	ret = ext4_xl_insert(xl, &x);
	if (!ret)
		ret = ext4_xl_store(fs, dir, xl);
	if (ret) {
		ext4_free_blocks(fs, x.pblk, 1);
		return ret;
	}
	dir->blocks += fs->block_size >> 9;
	dir->size += fs->block_size;
	ret = ext4_bread(fs, x.pblk, b);
	if (ret)
		return ret;
	ext4_dir_block_init(fs, dir, (*b)->data, 0, 0);
	*lblk = x.lblk;
	return 0;
}

/* Add @ac's entry to leaf @blk if it fits: 1, 0 if not, -EIO. */
int ext4_dir_leaf_add(struct ext4_fs *fs, const struct ext4_inode_info *dir,
		      u32 lblk, u8 *blk, u32 end, struct ext4_dir_new *ac)
{
	struct ext4_dpos pos = { .lblk = lblk, .prev = -1, .end = end };
	bool dirty = false;
	int ret = 0, rec;

	while (!ret && pos.off < end) {
		rec = ext4_dirent_check(fs, dir, lblk, blk, pos.off, end);
		if (rec < 0)
			return rec;
		ret = add_one(fs, ac, &pos, blk, &dirty);
		pos.off += rec;
	}
	return ret;
}

int ext4_dir_add(struct ext4_fs *fs, struct ext4_inode_info *dir,
		 struct ext4_xlist *xl, const char *name, u32 len, u32 ino,
		 u8 type)
{
	struct ext4_dir_new ac = { name, len, ino, type };
	struct ext4_dir_entry_2 *de;
	struct bcache_buf *b;
	u32 lblk;
	int ret;

	if (dir->flags & EXT4_INDEX_FL) {
		u64 size = dir->size;

		ret = ext4_dx_add(fs, dir, xl, name, len, ino, type);
		if (ret < 0 && ret != -EAGAIN && dir->size != size) {
			/* The index already points at the blocks added. */
			int err = ext4_write_inode(fs, dir, false);

			return err ? err : ret;
		}
		if (ret != -EAGAIN)
			return ret;
		/* The index cannot take it: go linear, as before. */
		ret = ext4_dx_unindex(fs, dir, xl);
		if (ret)
			return ret;
	}
	ret = dir_iter(fs, dir, xl, add_one, &ac);
	if (ret)
		return ret < 0 ? ret : 0;
	if (dir->size == fs->block_size && !(dir->flags & EXT4_INDEX_FL) &&
	    (fs->feature_compat & EXT4_FEATURE_COMPAT_DIR_INDEX)) {
		ret = ext4_dx_make_indexed(fs, dir, xl);
		if (!ret)
			return ext4_dir_add(fs, dir, xl, name, len, ino, type);
		if (ret != -EAGAIN)
			return ret;
	}
	ret = ext4_dir_append_block(fs, dir, xl, &b, &lblk);
	if (ret)
		return ret;
	de = b->data;
	de_set(de, ino, le16_get(&de->rec_len), name, len, type);
	ext4_dir_csum_set(fs, dir, b->data);
	bcache_mark_dirty(b);
	bcache_put(&fs->bc, b);
	return 0;
}

static int dir_block_edit(struct ext4_fs *fs, const struct ext4_inode_info *dir,
			  const struct ext4_dpos *pos, u32 ino, u8 type,
			  bool remove)
{
	struct ext4_dir_entry_2 *de, *prev;
	struct bcache_buf *b;
	int ret;

	ret = ext4_bread(fs, pos->pblk, &b);
	if (ret)
		return ret;
	de = (void *)((u8 *)b->data + pos->off);
	if (!remove) {
		put_le32(&de->inode, ino);
		de->file_type = type;
	} else if (pos->prev >= 0) {
		prev = (void *)((u8 *)b->data + pos->prev);
		put_le16(&prev->rec_len, le16_get(&prev->rec_len) +
					 le16_get(&de->rec_len));
	} else {
		put_le32(&de->inode, 0);
	}
	if ((dir->flags & EXT4_INDEX_FL) && pos->lblk == 0)
		ext4_dx_csum_set(fs, dir, b->data,
				 ext4_dx_root_count_off(b->data));
	else
		ext4_dir_csum_set(fs, dir, b->data);
	bcache_mark_dirty(b);
	bcache_put(&fs->bc, b);
	return 0;
}

int ext4_dir_remove(struct ext4_fs *fs, const struct ext4_inode_info *dir,
		    const struct ext4_dpos *pos)
{
	return dir_block_edit(fs, dir, pos, 0, 0, true);
}

int ext4_dir_set(struct ext4_fs *fs, const struct ext4_inode_info *dir,
		 const struct ext4_dpos *pos, u32 ino, u8 type)
{
	return dir_block_edit(fs, dir, pos, ino, type, false);
}
