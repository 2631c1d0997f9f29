/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ext4 writer's allocator: block and inode bitmaps, group
 * descriptors and the superblock's free counts, and writing inodes
 * back.  Every descriptor and bitmap is verified (metadata_csum) before
 * it is changed and re-checksummed after; a group whose bitmap was
 * never initialised (BLOCK_UNINIT, INODE_UNINIT) gets one computed from
 * the descriptors, checked against the group's free count first.
 *
 * Placement: a file's blocks go after the goal the caller gives (the
 * block before, for a file; the parent's group for a new file's first
 * block), then in the following groups, wrapping; a file's inode goes
 * in its parent's group or the next with a free inode; a directory's
 * inode in the flex group with the most free inodes (spreading
 * directories like Linux's Orlov allocator does, more simply).
 *
 * Callers serialise (see ext4.h).
 */
#define pr_fmt(fmt) "ext4: " fmt

#include <tessera/crc32.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/string.h>

#include "ext4_alloc.h"
#include "ext4_journal.h"

/* bg_flags */
#define EXT4_BG_INODE_UNINIT	0x0001
#define EXT4_BG_BLOCK_UNINIT	0x0002
#define EXT4_BG_INODE_ZEROED	0x0004

static bool bit_test(const u8 *map, u32 i)
{
	return map[i >> 3] & (1u << (i & 7));
}

static void bit_set(u8 *map, u32 i)
{
	map[i >> 3] |= 1u << (i & 7);
}

static void bit_clear(u8 *map, u32 i)
{
	map[i >> 3] &= ~(1u << (i & 7));
}

static u64 gd_blk(const struct ext4_fs *fs, const void *lo, const void *hi)
{
	u64 v = le32_get(lo);

	if (fs->desc_size >= EXT4_MIN_DESC_SIZE_64)
		v |= (u64)le32_get(hi) << 32;
	return v;
}

static u32 gd_cnt(const struct ext4_fs *fs, const void *lo, const void *hi)
{
	u32 v = le16_get(lo);

	if (fs->desc_size >= EXT4_MIN_DESC_SIZE_64)
		v |= (u32)le16_get(hi) << 16;
	return v;
}

static void gd_set_cnt(const struct ext4_fs *fs, void *lo, void *hi, u32 v)
{
	put_le16(lo, v & 0xffff);
	if (fs->desc_size >= EXT4_MIN_DESC_SIZE_64)
		put_le16(hi, v >> 16);
}

#define GD_FREE_BLOCKS(fs, gd)					\
	gd_cnt(fs, &(gd)->bg_free_blocks_count_lo,			\
	       &(gd)->bg_free_blocks_count_hi)
#define GD_FREE_INODES(fs, gd)					\
	gd_cnt(fs, &(gd)->bg_free_inodes_count_lo,			\
	       &(gd)->bg_free_inodes_count_hi)
#define GD_USED_DIRS(fs, gd) \
	gd_cnt(fs, &(gd)->bg_used_dirs_count_lo, &(gd)->bg_used_dirs_count_hi)
#define GD_ITABLE_UNUSED(fs, gd) \
	gd_cnt(fs, &(gd)->bg_itable_unused_lo, &(gd)->bg_itable_unused_hi)

int ext4_gd_get(struct ext4_fs *fs, u32 g, struct ext4_gd_ref *ref)
{
	u32 off;
	int ret;

	if (g >= fs->groups_count)
		return -EIO;
	ret = ext4_bread(fs, ext4_desc_block(fs, g, &off), &ref->b);
	if (ret)
		return ret;
	ref->gd = (struct ext4_group_desc *)((u8 *)ref->b->data + off);
	ref->g = g;
	if (fs->has_csum && ext4_gd_csum(fs, g, (const u8 *)ref->gd) !=
			    le16_get(&ref->gd->bg_checksum)) {
		ext4_bad(fs, csum_errors,
			 "group %u: descriptor checksum mismatch\n", g);
		bcache_put(&fs->bc, ref->b);
		return -EIO;
	}
	return 0;
}

void ext4_gd_put(struct ext4_fs *fs, struct ext4_gd_ref *ref, bool dirty)
{
	if (dirty) {
		if (fs->has_csum)
			put_le16(&ref->gd->bg_checksum,
				 ext4_gd_csum(fs, ref->g, (const u8 *)ref->gd));
		bcache_mark_dirty(ref->b);
	}
	bcache_put(&fs->bc, ref->b);
}

static u64 group_first(const struct ext4_fs *fs, u32 g)
{
	return fs->first_data_block + (u64)g * fs->blocks_per_group;
}

static u32 group_nr_blocks(const struct ext4_fs *fs, u32 g)
{
	return (u32)min_t(u64, fs->blocks_per_group,
			  fs->blocks_count - group_first(fs, g));
}

static u32 bitmap_csum(const struct ext4_fs *fs, const u8 *map, u32 bits)
{
	return crc32c(fs->csum_seed, map, bits / 8);
}

static bool bb_csum_ok(const struct ext4_fs *fs,
		       const struct ext4_group_desc *gd, const u8 *map)
{
	u32 c = bitmap_csum(fs, map, fs->blocks_per_group);

	if ((c & 0xffff) != le16_get(&gd->bg_block_bitmap_csum_lo))
		return false;
	return fs->desc_size < EXT4_MIN_DESC_SIZE_64 ||
	       (c >> 16) == le16_get(&gd->bg_block_bitmap_csum_hi);
}

static bool ib_csum_ok(const struct ext4_fs *fs,
		       const struct ext4_group_desc *gd, const u8 *map)
{
	u32 c = bitmap_csum(fs, map, fs->inodes_per_group);

	if ((c & 0xffff) != le16_get(&gd->bg_inode_bitmap_csum_lo))
		return false;
	return fs->desc_size < EXT4_MIN_DESC_SIZE_64 ||
	       (c >> 16) == le16_get(&gd->bg_inode_bitmap_csum_hi);
}

static void bb_csum_set(const struct ext4_fs *fs, struct ext4_group_desc *gd,
			const u8 *map)
{
	u32 c;

	if (!fs->has_csum)
		return;
	c = bitmap_csum(fs, map, fs->blocks_per_group);
	put_le16(&gd->bg_block_bitmap_csum_lo, c & 0xffff);
	if (fs->desc_size >= EXT4_MIN_DESC_SIZE_64)
		put_le16(&gd->bg_block_bitmap_csum_hi, c >> 16);
}

static void ib_csum_set(const struct ext4_fs *fs, struct ext4_group_desc *gd,
			const u8 *map)
{
	u32 c;

	if (!fs->has_csum)
		return;
	c = bitmap_csum(fs, map, fs->inodes_per_group);
	put_le16(&gd->bg_inode_bitmap_csum_lo, c & 0xffff);
	if (fs->desc_size >= EXT4_MIN_DESC_SIZE_64)
		put_le16(&gd->bg_inode_bitmap_csum_hi, c >> 16);
}

/* Mark in @map (group @g's block bitmap) the blocks of [@blk, +@n). */
static void mark_range(const struct ext4_fs *fs, u32 g, u8 *map, u64 blk,
		       u64 n)
{
	u64 first = group_first(fs, g), end = first + group_nr_blocks(fs, g);
	u64 i;

	for (i = blk; i < blk + n; i++)
		if (i >= first && i < end)
			bit_set(map, i - first);
}

/*
 * The block bitmap of a BLOCK_UNINIT group, as mke2fs would have
 * written it: superblock backup and descriptor blocks, and every
 * group's bitmaps and inode table that live here (flex_bg puts them in
 * other groups).  Must agree with the descriptor's free count.
 */
static int init_block_bitmap(struct ext4_fs *fs, u32 g, u8 *map,
			     u32 free)
{
	u32 nr = group_nr_blocks(fs, g), h, i, used = 0;
	u64 tblocks = DIV_ROUND_UP((u64)fs->inodes_per_group *
				   fs->inode_size, fs->block_size);

	memset(map, 0, fs->block_size);
	if (fs->feature_incompat & EXT4_FEATURE_INCOMPAT_META_BG)
		return -EIO;	/* not computed here: refuse the group */
	if (ext4_group_has_super(fs, g)) {
		u32 per = fs->block_size / fs->desc_size;

		mark_range(fs, g, map, group_first(fs, g),
			   1 + DIV_ROUND_UP(fs->groups_count, per) +
			   fs->reserved_gdt);
	}
	for (h = 0; h < fs->groups_count; h++) {
		struct ext4_gd_ref r;
		int ret = ext4_gd_get(fs, h, &r);

		if (ret)
			return ret;
		mark_range(fs, g, map, gd_blk(fs, &r.gd->bg_block_bitmap_lo,
					      &r.gd->bg_block_bitmap_hi), 1);
		mark_range(fs, g, map, gd_blk(fs, &r.gd->bg_inode_bitmap_lo,
					      &r.gd->bg_inode_bitmap_hi), 1);
		mark_range(fs, g, map, gd_blk(fs, &r.gd->bg_inode_table_lo,
					      &r.gd->bg_inode_table_hi),
			   tblocks);
		ext4_gd_put(fs, &r, false);
	}
	for (i = 0; i < nr; i++)
		used += bit_test(map, i);
	for (i = nr; i < fs->block_size * 8; i++)
		bit_set(map, i);
	if (used + free != nr) {
		ext4_bad(fs, corrupt,
			 "group %u: uninitialised bitmap disagrees with its free count\n",
			 g);
		return -EIO;
	}
	return 0;
}

/* Group @g's block bitmap, pinned in *b, initialised if need be. */
static int get_block_bitmap(struct ext4_fs *fs, struct ext4_gd_ref *r,
			    struct bcache_buf **b)
{
	struct ext4_group_desc *gd = r->gd;
	u64 blk = gd_blk(fs, &gd->bg_block_bitmap_lo, &gd->bg_block_bitmap_hi);
	int ret;

	if (!ext4_range_ok(fs, blk, 1)) {
		ext4_bad(fs, corrupt, "group %u: block bitmap at %llu\n", r->g,
			 (unsigned long long)blk);
		return -EIO;
	}
	ret = ext4_bread(fs, blk, b);
	if (ret)
		return ret;
	if (le16_get(&gd->bg_flags) & EXT4_BG_BLOCK_UNINIT) {
		ret = init_block_bitmap(fs, r->g, (*b)->data,
					GD_FREE_BLOCKS(fs, gd));
		if (ret)
			goto bad;
		put_le16(&gd->bg_flags,
			 le16_get(&gd->bg_flags) & ~EXT4_BG_BLOCK_UNINIT);
		bb_csum_set(fs, gd, (*b)->data);
		bcache_mark_dirty(*b);
		return 0;
	}
	if (fs->has_csum && !bb_csum_ok(fs, gd, (*b)->data)) {
		ext4_bad(fs, csum_errors,
			 "group %u: block bitmap checksum mismatch\n", r->g);
		ret = -EIO;
		goto bad;
	}
	return 0;
bad:
	/* The buffer holds our guess, not the disk: drop it. */
	bcache_put(&fs->bc, *b);
	bcache_forget(&fs->bc, blk);
	return ret;
}

static int get_inode_bitmap(struct ext4_fs *fs, struct ext4_gd_ref *r,
			    struct bcache_buf **b)
{
	struct ext4_group_desc *gd = r->gd;
	u64 blk = gd_blk(fs, &gd->bg_inode_bitmap_lo, &gd->bg_inode_bitmap_hi);
	u32 i;
	int ret;

	if (!ext4_range_ok(fs, blk, 1)) {
		ext4_bad(fs, corrupt, "group %u: inode bitmap at %llu\n", r->g,
			 (unsigned long long)blk);
		return -EIO;
	}
	ret = ext4_bread(fs, blk, b);
	if (ret)
		return ret;
	if (le16_get(&gd->bg_flags) & EXT4_BG_INODE_UNINIT) {
		memset((*b)->data, 0, fs->block_size);
		for (i = fs->inodes_per_group; i < fs->block_size * 8; i++)
			bit_set((*b)->data, i);
		put_le16(&gd->bg_flags,
			 le16_get(&gd->bg_flags) & ~EXT4_BG_INODE_UNINIT);
		ib_csum_set(fs, gd, (*b)->data);
		bcache_mark_dirty(*b);
		return 0;
	}
	if (fs->has_csum && !ib_csum_ok(fs, gd, (*b)->data)) {
		ext4_bad(fs, csum_errors,
			 "group %u: inode bitmap checksum mismatch\n", r->g);
		bcache_put(&fs->bc, *b);
		bcache_forget(&fs->bc, blk);
		return -EIO;
	}
	return 0;
}

/*
 * Group @g's descriptor and its inode (@inodes) or block bitmap, both
 * pinned.  With @need_free, 1 (nothing pinned) when the group has none
 * free.  0, 1 or -errno.
 */
static int group_bitmap(struct ext4_fs *fs, u32 g, bool inodes,
			bool need_free, struct ext4_gd_ref *r,
			struct bcache_buf **b)
{
	int ret = ext4_gd_get(fs, g, r);

	if (ret)
		return ret;
	if (need_free && !(inodes ? GD_FREE_INODES(fs, r->gd) :
				    GD_FREE_BLOCKS(fs, r->gd))) {
		ext4_gd_put(fs, r, false);
		return 1;
	}
	ret = inodes ? get_inode_bitmap(fs, r, b) : get_block_bitmap(fs, r, b);
	if (ret)
		ext4_gd_put(fs, r, false);
	return ret;
}

static u32 blk_group(const struct ext4_fs *fs, u64 blk)
{
	return (blk - fs->first_data_block) / fs->blocks_per_group;
}

int ext4_alloc_blocks(struct ext4_fs *fs, u64 goal, u32 want, u64 *first,
		      u32 *got)
{
	u32 g0, k;
	int ret;

	if (!want)
		return -EINVAL;
	if (goal <= fs->first_data_block || goal >= fs->blocks_count)
		goal = fs->first_data_block;
	g0 = blk_group(fs, goal);
	for (k = 0; k <= fs->groups_count; k++) {
		u32 g = (g0 + k) % fs->groups_count, nr, i, start, n;
		struct ext4_gd_ref r;
		struct bcache_buf *b;
		u8 *map;

		ret = group_bitmap(fs, g, false, true, &r, &b);
		if (ret < 0)
			return ret;
		if (ret)
			continue;
		map = b->data;
		nr = group_nr_blocks(fs, g);
		start = (k == 0 && goal > group_first(fs, g)) ?
			(u32)(goal - group_first(fs, g)) : 0;
		/* The goal's group is visited twice: from the goal, at k = 0,
		 * and from its start after the others. */
		if (k == fs->groups_count)
			start = 0;
		for (i = start; i < nr && bit_test(map, i); i++)
			;
		if (i >= nr && start) {
			bcache_put(&fs->bc, b);
			ext4_gd_put(fs, &r, true);
			continue;
		}
		if (i >= nr) {
			/* The count said free blocks; the bitmap none. */
			bcache_put(&fs->bc, b);
			ext4_gd_put(fs, &r, true);
			ext4_bad(fs, corrupt,
				 "group %u: free count without free blocks\n",
				 g);
			return -EIO;
		}
		for (n = 0; n < want && i + n < nr && !bit_test(map, i + n);
		     n++)
			bit_set(map, i + n);
		if (n > GD_FREE_BLOCKS(fs, r.gd)) {
			for (k = 0; k < n; k++)
				bit_clear(map, i + k);
			bcache_put(&fs->bc, b);
			ext4_gd_put(fs, &r, true);
			ext4_bad(fs, corrupt,
				 "group %u: more free bits than its count\n",
				 g);
			return -EIO;
		}
		bb_csum_set(fs, r.gd, map);
		bcache_mark_dirty(b);
		bcache_put(&fs->bc, b);
		gd_set_cnt(fs, &r.gd->bg_free_blocks_count_lo,
			   &r.gd->bg_free_blocks_count_hi,
			   GD_FREE_BLOCKS(fs, r.gd) - n);
		ext4_gd_put(fs, &r, true);
		fs->free_blocks -= n;
		fs->sb_dirty = true;
		*first = group_first(fs, g) + i;
		*got = n;
		for (k = 0; k < n; k++)
			bcache_forget(&fs->bc, *first + k);
		return 0;
	}
	return -ENOSPC;
}

int ext4_free_blocks(struct ext4_fs *fs, u64 blk, u64 count)
{
	while (count) {
		u32 g = blk_group(fs, blk), off, n, i;
		struct ext4_gd_ref r;
		struct bcache_buf *b;
		int ret;

		if (!ext4_range_ok(fs, blk, count))
			return -EIO;
		off = blk - group_first(fs, g);
		n = (u32)min_t(u64, count, group_nr_blocks(fs, g) - off);
		ret = group_bitmap(fs, g, false, false, &r, &b);
		if (ret)
			return ret;
		for (i = 0; i < n; i++) {
			if (!bit_test(b->data, off + i))
				ext4_bad(fs, corrupt,
					 "block %llu freed twice\n",
					 (unsigned long long)blk + i);
			bit_clear(b->data, off + i);
			bcache_forget(&fs->bc, blk + i);
		}
		bb_csum_set(fs, r.gd, b->data);
		bcache_mark_dirty(b);
		bcache_put(&fs->bc, b);
		gd_set_cnt(fs, &r.gd->bg_free_blocks_count_lo,
			   &r.gd->bg_free_blocks_count_hi,
			   GD_FREE_BLOCKS(fs, r.gd) + n);
		ext4_gd_put(fs, &r, true);
		fs->free_blocks += n;
		fs->sb_dirty = true;
		ext4_journal_freed(fs, blk, n);
		blk += n;
		count -= n;
	}
	return 0;
}

/* The group a new inode should go in first. */
static u32 ialloc_start(struct ext4_fs *fs, u32 parent, bool is_dir)
{
	u32 pg = (parent - 1) / fs->inodes_per_group, g, best = pg;
	u32 best_free = 0, flex;

	if (!is_dir)
		return pg;
	/* The first group of the flex group with the most free inodes. */
	for (flex = 0; flex < fs->groups_count; flex += fs->flex_size) {
		u32 sum = 0;

		for (g = flex; g < fs->groups_count && g < flex + fs->flex_size;
		     g++) {
			struct ext4_gd_ref r;

			if (ext4_gd_get(fs, g, &r))
				continue;
			sum += GD_FREE_INODES(fs, r.gd);
			ext4_gd_put(fs, &r, false);
		}
		if (sum > best_free) {
			best_free = sum;
			best = flex;
		}
	}
	return best;
}

int ext4_alloc_inode(struct ext4_fs *fs, u32 parent, bool is_dir, u32 *ino)
{
	u32 g0 = ialloc_start(fs, parent, is_dir), k;
	int ret;

	for (k = 0; k < fs->groups_count; k++) {
		u32 g = (g0 + k) % fs->groups_count, i, unused;
		struct ext4_gd_ref r;
		struct bcache_buf *b;
		u8 *map;

		ret = group_bitmap(fs, g, true, true, &r, &b);
		if (ret < 0)
			return ret;
		if (ret)
			continue;
		map = b->data;
		for (i = 0; i < fs->inodes_per_group; i++)
			if (!bit_test(map, i) &&
			    g * fs->inodes_per_group + i + 1 >= fs->first_ino)
				break;
		if (i == fs->inodes_per_group) {
			bcache_put(&fs->bc, b);
			ext4_gd_put(fs, &r, true);
			continue;
		}
		bit_set(map, i);
		ib_csum_set(fs, r.gd, map);
		bcache_mark_dirty(b);
		bcache_put(&fs->bc, b);
		gd_set_cnt(fs, &r.gd->bg_free_inodes_count_lo,
			   &r.gd->bg_free_inodes_count_hi,
			   GD_FREE_INODES(fs, r.gd) - 1);
		if (is_dir)
			gd_set_cnt(fs, &r.gd->bg_used_dirs_count_lo,
				   &r.gd->bg_used_dirs_count_hi,
				   GD_USED_DIRS(fs, r.gd) + 1);
		unused = GD_ITABLE_UNUSED(fs, r.gd);
		if (unused > fs->inodes_per_group - i - 1)
			gd_set_cnt(fs, &r.gd->bg_itable_unused_lo,
				   &r.gd->bg_itable_unused_hi,
				   fs->inodes_per_group - i - 1);
		ext4_gd_put(fs, &r, true);
		fs->free_inodes--;
		fs->sb_dirty = true;
		*ino = g * fs->inodes_per_group + i + 1;
		return 0;
	}
	return -ENOSPC;
}

int ext4_free_inode(struct ext4_fs *fs, u32 ino, bool is_dir)
{
	u32 g = (ino - 1) / fs->inodes_per_group;
	u32 i = (ino - 1) % fs->inodes_per_group;
	struct ext4_gd_ref r;
	struct bcache_buf *b;
	int ret;

	ret = group_bitmap(fs, g, true, false, &r, &b);
	if (ret)
		return ret;
	if (!bit_test(b->data, i))
		ext4_bad(fs, corrupt, "inode %u freed twice\n", ino);
	bit_clear(b->data, i);
	ib_csum_set(fs, r.gd, b->data);
	bcache_mark_dirty(b);
	bcache_put(&fs->bc, b);
	gd_set_cnt(fs, &r.gd->bg_free_inodes_count_lo,
		   &r.gd->bg_free_inodes_count_hi,
		   GD_FREE_INODES(fs, r.gd) + 1);
	if (is_dir && GD_USED_DIRS(fs, r.gd))
		gd_set_cnt(fs, &r.gd->bg_used_dirs_count_lo,
			   &r.gd->bg_used_dirs_count_hi,
			   GD_USED_DIRS(fs, r.gd) - 1);
	ext4_gd_put(fs, &r, true);
	fs->free_inodes++;
	fs->sb_dirty = true;
	return 0;
}

static void encode_time(void *sec, void *extra, bool has_extra,
			const struct ext4_timespec *t)
{
	put_le32(sec, (u32)t->sec);
	if (has_extra)
		put_le32(extra, (u32)(((t->sec - (s64)(s32)t->sec) >> 32) &
				      EXT4_EPOCH_MASK) |
			 (t->nsec << EXT4_EPOCH_BITS));
}

int ext4_write_inode(struct ext4_fs *fs, struct ext4_inode_info *in,
		     bool fresh)
{
	struct ext4_inode *raw;
	struct bcache_buf *b;
	u32 extra = 0;
	__le32 le;
	int ret;

	ret = ext4_inode_slot(fs, in->ino, &b, &raw);
	if (ret)
		return ret;
	if (fresh) {
		memset(raw, 0, fs->inode_size);
		if (fs->inode_size > EXT4_GOOD_OLD_INODE_SIZE)
			put_le16(&raw->i_extra_isize, fs->extra_isize);
		if (fs->has_csum) {
			le = in->ino;
			in->csum_seed = crc32c(fs->csum_seed, &le, sizeof(le));
			le = in->generation;
			in->csum_seed = crc32c(in->csum_seed, &le, sizeof(le));
		}
	}
	if (fs->inode_size > EXT4_GOOD_OLD_INODE_SIZE)
		extra = le16_get(&raw->i_extra_isize);
	put_le16(&raw->i_mode, in->mode);
	put_le16(&raw->i_uid, in->uid & 0xffff);
	put_le16(&raw->i_uid_high, in->uid >> 16);
	put_le16(&raw->i_gid, in->gid & 0xffff);
	put_le16(&raw->i_gid_high, in->gid >> 16);
	put_le16(&raw->i_links_count, in->links);
	put_le32(&raw->i_size_lo, (u32)in->size);
	put_le32(&raw->i_size_high, (u32)(in->size >> 32));
	/* i_blocks in 512-byte units; huge_file's block units not used. */
	in->flags &= ~EXT4_HUGE_FILE_FL;
	put_le32(&raw->i_blocks_lo, (u32)in->blocks);
	put_le16(&raw->i_blocks_high, (u16)(in->blocks >> 32));
	put_le32(&raw->i_flags, in->flags);
	put_le32(&raw->i_generation, in->generation);
	put_le32(&raw->i_version_lo, (u32)in->version);
	if (EXT4_GOOD_OLD_INODE_SIZE + extra >= 0x9c)
		put_le32(&raw->i_version_hi, (u32)(in->version >> 32));
	memcpy(raw->i_block, in->i_block, sizeof(raw->i_block));
	/* An orphan's dtime links the orphan list (ext4_orphan.c). */
	put_le32(&raw->i_dtime, in->links ? 0 : in->orphan ? in->dtime :
		 (u32)fs->now.sec);
	encode_time(&raw->i_atime, &raw->i_atime_extra,
		    EXT4_GOOD_OLD_INODE_SIZE + extra >= 0x90, &in->atime);
	encode_time(&raw->i_mtime, &raw->i_mtime_extra,
		    EXT4_GOOD_OLD_INODE_SIZE + extra >= 0x8c, &in->mtime);
	encode_time(&raw->i_ctime, &raw->i_ctime_extra,
		    EXT4_GOOD_OLD_INODE_SIZE + extra >= 0x88, &in->ctime);
	if (EXT4_GOOD_OLD_INODE_SIZE + extra >= 0x98)
		encode_time(&raw->i_crtime, &raw->i_crtime_extra, true,
			    &in->crtime);
	if (fs->has_csum) {
		bool has_hi = EXT4_GOOD_OLD_INODE_SIZE + extra >= 0x84;
		u32 c = ext4_inode_csum(fs, (const u8 *)raw, in->csum_seed,
					has_hi);

		put_le16(&raw->i_checksum_lo, c & 0xffff);
		if (has_hi)
			put_le16(&raw->i_checksum_hi, c >> 16);
	}
	bcache_mark_dirty(b);
	bcache_put(&fs->bc, b);
	return 0;
}

int ext4_write_super(struct ext4_fs *fs)
{
	u64 blk = EXT4_SUPER_OFFSET >> fs->log_block_size;
	struct ext4_super_block *sb;
	struct bcache_buf *b;
	int ret;

	if (!fs->sb_dirty)
		return 0;
	ret = ext4_bread(fs, blk, &b);
	if (ret)
		return ret;
	sb = (void *)((u8 *)b->data +
		      (EXT4_SUPER_OFFSET & (fs->block_size - 1)));
	put_le32(&sb->s_free_blocks_count_lo, (u32)fs->free_blocks);
	if (fs->feature_incompat & EXT4_FEATURE_INCOMPAT_64BIT)
		put_le32(&sb->s_free_blocks_count_hi,
			 (u32)(fs->free_blocks >> 32));
	put_le32(&sb->s_free_inodes_count, fs->free_inodes);
	put_le32(&sb->s_last_orphan, fs->last_orphan);
	put_le32(&sb->s_wtime, (u32)fs->now.sec);
	if (fs->has_csum)
		put_le32(&sb->s_checksum, ext4_sb_csum(sb));
	bcache_mark_dirty(b);
	bcache_put(&fs->bc, b);
	fs->sb_dirty = false;
	return 0;
}

/* Sum the descriptors' free counts (the superblock's may be stale). */
int ext4_count_free(struct ext4_fs *fs)
{
	u64 blocks = 0;
	u32 inodes = 0, g;

	for (g = 0; g < fs->groups_count; g++) {
		struct ext4_gd_ref r;
		int ret = ext4_gd_get(fs, g, &r);

		if (ret)
			return ret;
		blocks += GD_FREE_BLOCKS(fs, r.gd);
		inodes += GD_FREE_INODES(fs, r.gd);
		ext4_gd_put(fs, &r, false);
	}
	if (blocks > fs->blocks_count || inodes > fs->inodes_count) {
		ext4_bad(fs, corrupt, "free counts above the totals\n");
		return -EIO;
	}
	fs->free_blocks = blocks;
	fs->free_inodes = inodes;
	return 0;
}
