/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ext4 reader: superblock and feature checks, group descriptors
 * (32- and 64-byte, meta_bg placement), inodes, block mapping (extent
 * trees of any depth, and the old direct/indirect map), directories
 * (linear and hashed, both read by a linear walk), symlinks and path
 * resolution, with the metadata_csum checksums verified on every
 * object that carries one.
 *
 * The disk is not trusted.  Each value is range-checked before it is
 * used as a block number, an offset or a count, and each walk is
 * bounded by something we computed (tree depth <= 5, entries <= eh_max
 * <= what fits the node, rec_len >= 12 and inside the block, symlinks
 * <= EXT4_SYMLINK_MAX).  A bad object makes its operation fail with
 * -EIO and is counted in fs->stats; the first EXT4_ERRORS_LOGGED
 * problems are logged, naming the inode or block.
 *
 * Hashed directories are read linearly: an htree's index blocks look
 * like one unused entry to a linear walk (the root's index hides inside
 * "..'s" record), and every name lives in some leaf, so a walk of all
 * blocks finds every entry.  Lookups cost O(blocks) instead of O(log),
 * which is fine for the directory sizes we serve; the index blocks'
 * checksums are still verified.
 *
 * File data does not go through the block cache: ext4_read() reads
 * runs of contiguous blocks straight into the caller's buffer.
 *
 * Callers serialise (see ext4.h); there is no lock here.
 */
#define pr_fmt(fmt) "ext4: " fmt

#include <tessera/crc32.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
#include <tessera/string.h>

#include "ext4.h"
#include "ext4_dx.h"
#include "ext4_journal.h"
#include "ext4_orphan.h"
#include "ext4_priv.h"


/* INCOMPAT features this reader understands; anything else refuses. */
#define EXT4_INCOMPAT_SUPPORTED						\
	(EXT4_FEATURE_INCOMPAT_FILETYPE | EXT4_FEATURE_INCOMPAT_META_BG |	\
	 EXT4_FEATURE_INCOMPAT_EXTENTS | EXT4_FEATURE_INCOMPAT_64BIT |	\
	 EXT4_FEATURE_INCOMPAT_MMP | EXT4_FEATURE_INCOMPAT_FLEX_BG |	\
	 EXT4_FEATURE_INCOMPAT_EA_INODE | EXT4_FEATURE_INCOMPAT_CSUM_SEED | \
	 EXT4_FEATURE_INCOMPAT_LARGEDIR | EXT4_FEATURE_INCOMPAT_INLINE_DATA | \
	 EXT4_FEATURE_INCOMPAT_RECOVER)

static const struct {
	u32 bit;
	const char *name;
} ext4_incompat_names[] = {
	{ EXT4_FEATURE_INCOMPAT_COMPRESSION, "compression" },
	{ EXT4_FEATURE_INCOMPAT_JOURNAL_DEV, "journal_dev" },
	{ EXT4_FEATURE_INCOMPAT_DIRDATA, "dirdata" },
	{ EXT4_FEATURE_INCOMPAT_ENCRYPT, "encrypt" },
	{ EXT4_FEATURE_INCOMPAT_CASEFOLD, "casefold" },
};

static bool ext4_has_incompat(const struct ext4_fs *fs, u32 bit)
{
	return fs->feature_incompat & bit;
}

static bool ext4_has_ro_compat(const struct ext4_fs *fs, u32 bit)
{
	return fs->feature_ro_compat & bit;
}

/* Get a metadata block; device errors are counted here. */
int ext4_bread(struct ext4_fs *fs, u64 blk, struct bcache_buf **b)
{
	int ret;

	if (blk >= fs->blocks_count) {
		ext4_bad(fs, corrupt, "block %llu beyond the file system\n",
			 (unsigned long long)blk);
		return -EIO;
	}
	ret = bcache_get(&fs->bc, blk, b);
	if (ret == -EIO)
		ext4_bad(fs, io_errors, "read error on block %llu\n",
			 (unsigned long long)blk);
	return ret;
}

/* --- superblock and group descriptors ---------------------------------- */

u32 ext4_sb_csum(const struct ext4_super_block *sb)
{
	return crc32c(~0u, sb, __builtin_offsetof(struct ext4_super_block,
						   s_checksum));
}

static int ext4_check_features(struct ext4_fs *fs)
{
	u32 unknown = fs->feature_incompat & ~EXT4_INCOMPAT_SUPPORTED;
	size_t i;

	if (!unknown)
		return 0;
	for (i = 0; i < ARRAY_SIZE(ext4_incompat_names); i++)
		if (unknown & ext4_incompat_names[i].bit)
			pr_err("unsupported INCOMPAT feature %s; not mounting\n",
			       ext4_incompat_names[i].name);
	for (i = 0; i < ARRAY_SIZE(ext4_incompat_names); i++)
		unknown &= ~ext4_incompat_names[i].bit;
	if (unknown)
		pr_err("unknown INCOMPAT features %#x; not mounting\n",
		       unknown);
	return -EOPNOTSUPP;
}

static int ext4_parse_super(struct ext4_fs *fs,
			    const struct ext4_super_block *sb)
{
	u32 log, groups;
	u64 blocks;

	if (le16_get(&sb->s_magic) != EXT4_SUPER_MAGIC) {
		pr_err("bad superblock magic %#x (not ext2/3/4)\n",
		       le16_get(&sb->s_magic));
		return -EINVAL;
	}
	fs->feature_compat = le32_get(&sb->s_feature_compat);
	fs->feature_incompat = le32_get(&sb->s_feature_incompat);
	fs->feature_ro_compat = le32_get(&sb->s_feature_ro_compat);
	if (le32_get(&sb->s_rev_level) < EXT4_DYNAMIC_REV) {
		fs->feature_compat = fs->feature_incompat = 0;
		fs->feature_ro_compat = 0;
	}
	fs->has_csum = ext4_has_ro_compat(fs,
					  EXT4_FEATURE_RO_COMPAT_METADATA_CSUM);
	if (fs->has_csum) {
		if (sb->s_checksum_type != EXT4_CRC32C_CHKSUM) {
			pr_err("unknown checksum type %u\n",
			       sb->s_checksum_type);
			return -EINVAL;
		}
		if (ext4_sb_csum(sb) != le32_get(&sb->s_checksum)) {
			fs->stats.csum_errors++;
			pr_err("superblock checksum mismatch\n");
			return -EIO;
		}
	}
	if (ext4_check_features(fs))
		return -EOPNOTSUPP;

	log = le32_get(&sb->s_log_block_size);
	if (log > EXT4_MAX_BLOCK_LOG - EXT4_MIN_BLOCK_LOG) {
		pr_err("block size 2^%u out of range\n", log + 10);
		return -EINVAL;
	}
	fs->log_block_size = log + EXT4_MIN_BLOCK_LOG;
	fs->block_size = 1u << fs->log_block_size;

	blocks = le32_get(&sb->s_blocks_count_lo);
	if (ext4_has_incompat(fs, EXT4_FEATURE_INCOMPAT_64BIT))
		blocks |= (u64)le32_get(&sb->s_blocks_count_hi) << 32;
	fs->blocks_count = blocks;
	fs->first_data_block = le32_get(&sb->s_first_data_block);
	fs->blocks_per_group = le32_get(&sb->s_blocks_per_group);
	fs->inodes_per_group = le32_get(&sb->s_inodes_per_group);
	fs->inodes_count = le32_get(&sb->s_inodes_count);
	fs->first_meta_bg = le32_get(&sb->s_first_meta_bg);

	if (!blocks || blocks > fs->io->size >> fs->log_block_size) {
		pr_err("%llu blocks do not fit the %llu-byte device\n",
		       (unsigned long long)blocks,
		       (unsigned long long)fs->io->size);
		return -EINVAL;
	}
	if (fs->first_data_block >= blocks ||
	    fs->first_data_block != (fs->block_size == 1024 ? 1u : 0u)) {
		pr_err("bad first data block %u\n", fs->first_data_block);
		return -EINVAL;
	}
	if (!fs->blocks_per_group ||
	    fs->blocks_per_group > 8 * fs->block_size ||
	    !fs->inodes_per_group ||
	    fs->inodes_per_group > 8 * fs->block_size) {
		pr_err("bad group geometry (%u blocks, %u inodes)\n",
		       fs->blocks_per_group, fs->inodes_per_group);
		return -EINVAL;
	}
	groups = DIV_ROUND_UP(blocks - fs->first_data_block,
			      fs->blocks_per_group);
	fs->groups_count = groups;
	if ((u64)groups * fs->inodes_per_group != fs->inodes_count) {
		pr_err("inode count %u != %u groups * %u\n", fs->inodes_count,
		       groups, fs->inodes_per_group);
		return -EINVAL;
	}

	fs->inode_size = EXT4_GOOD_OLD_INODE_SIZE;
	if (le32_get(&sb->s_rev_level) >= EXT4_DYNAMIC_REV)
		fs->inode_size = le16_get(&sb->s_inode_size);
	if (fs->inode_size < EXT4_GOOD_OLD_INODE_SIZE ||
	    !is_power_of_2(fs->inode_size) ||
	    fs->inode_size > fs->block_size) {
		pr_err("bad inode size %u\n", fs->inode_size);
		return -EINVAL;
	}

	fs->desc_size = EXT4_MIN_DESC_SIZE;
	if (ext4_has_incompat(fs, EXT4_FEATURE_INCOMPAT_64BIT)) {
		fs->desc_size = le16_get(&sb->s_desc_size);
		if (fs->desc_size < EXT4_MIN_DESC_SIZE_64 ||
		    fs->desc_size > EXT4_MAX_DESC_SIZE ||
		    !is_power_of_2(fs->desc_size) ||
		    fs->desc_size > fs->block_size) {
			pr_err("bad group descriptor size %u\n",
			       fs->desc_size);
			return -EINVAL;
		}
	}

	memcpy(fs->uuid, sb->s_uuid, sizeof(fs->uuid));
	memcpy(fs->volume_name, sb->s_volume_name, 16);
	fs->volume_name[16] = '\0';
	if (ext4_has_incompat(fs, EXT4_FEATURE_INCOMPAT_CSUM_SEED))
		fs->csum_seed = le32_get(&sb->s_checksum_seed);
	else
		fs->csum_seed = crc32c(~0u, sb->s_uuid, sizeof(sb->s_uuid));
	return 0;
}

/* Does group @g carry a superblock (and descriptor) backup? */
bool ext4_group_has_super(const struct ext4_fs *fs, u32 g)
{
	u32 p;

	if (g <= 1 ||
	    !ext4_has_ro_compat(fs, EXT4_FEATURE_RO_COMPAT_SPARSE_SUPER))
		return true;
	if (!(g & 1))
		return false;
	for (p = 3; p <= 7; p += 2) {
		u64 n = p;

		while (n < g)
			n *= p;
		if (n == g)
			return true;
	}
	return false;
}

/* The block holding group @g's descriptor, and its byte offset in it. */
u64 ext4_desc_block(const struct ext4_fs *fs, u32 g, u32 *off)
{
	u32 per_block = fs->block_size / fs->desc_size;
	u32 desc_blk = g / per_block;
	u64 first;

	*off = (g % per_block) * fs->desc_size;
	if (!ext4_has_incompat(fs, EXT4_FEATURE_INCOMPAT_META_BG) ||
	    desc_blk < fs->first_meta_bg)
		return (u64)fs->first_data_block + 1 + desc_blk;
	/* meta_bg: in the first group of its meta group. */
	first = (u64)desc_blk * per_block;
	return fs->first_data_block + first * fs->blocks_per_group +
	       (ext4_group_has_super(fs, first) ? 1 : 0);
}

u16 ext4_gd_csum(const struct ext4_fs *fs, u32 g, const u8 *gd)
{
	u32 off = __builtin_offsetof(struct ext4_group_desc, bg_checksum);
	__le32 le_group = g;
	u16 zero = 0;
	u32 crc;

	crc = crc32c(fs->csum_seed, &le_group, sizeof(le_group));
	crc = crc32c(crc, gd, off);
	crc = crc32c(crc, &zero, sizeof(zero));
	off += sizeof(zero);
	if (off < fs->desc_size)
		crc = crc32c(crc, gd + off, fs->desc_size - off);
	return crc & 0xffff;
}

/* Group @g's inode table, checked against the file system's size. */
int ext4_inode_table(struct ext4_fs *fs, u32 g, u64 *itable)
{
	const struct ext4_group_desc *gd;
	struct bcache_buf *b;
	u64 blk, table, table_blocks;
	u32 off;
	int ret;

	blk = ext4_desc_block(fs, g, &off);
	ret = ext4_bread(fs, blk, &b);
	if (ret)
		return ret;
	gd = (const struct ext4_group_desc *)((u8 *)b->data + off);
	if (fs->has_csum &&
	    ext4_gd_csum(fs, g, (const u8 *)gd) != le16_get(&gd->bg_checksum)) {
		ext4_bad(fs, csum_errors,
			 "group %u: descriptor checksum mismatch\n", g);
		ret = -EIO;
		goto put;
	}
	table = le32_get(&gd->bg_inode_table_lo);
	if (fs->desc_size >= EXT4_MIN_DESC_SIZE_64)
		table |= (u64)le32_get(&gd->bg_inode_table_hi) << 32;
	table_blocks = DIV_ROUND_UP((u64)fs->inodes_per_group *
				    fs->inode_size, fs->block_size);
	if (table <= fs->first_data_block || table >= fs->blocks_count ||
	    table_blocks > fs->blocks_count - table) {
		ext4_bad(fs, corrupt, "group %u: inode table at %llu\n", g,
			 (unsigned long long)table);
		ret = -EIO;
		goto put;
	}
	*itable = table;
put:
	bcache_put(&fs->bc, b);
	return ret;
}

/*
 * A journal that needs recovery: replay it (0: mount again), or
 * leave the file system read-only (logged).
 */
static int ext4_mount_journal(struct ext4_fs *fs,
			      const struct ext4_super_block *sb, bool replayed)
{
	int ret = ext4_journal_load(fs, sb);

	if (ret == -ENOMEM)
		return ret;
	if (!ext4_journal_dirty(fs, sb))
		return 1;
	if (replayed || !fs->io->write) {
		pr_err("journal needs recovery %s; read-only, may be stale\n",
		       replayed ? "again" : "on a read-only device");
		ext4_journal_destroy(fs);
		fs->journal_bad = true;
		return 1;
	}
	ret = ext4_journal_recover(fs);
	if (ret) {
		ext4_journal_destroy(fs);
		fs->journal_bad = true;
		return 1;
	}
	return 0;
}

static struct ext4_fs *ext4_mount_once(const struct storage_io *io,
				       unsigned int cache_blocks,
				       bool replayed)
{
	struct ext4_super_block *sb;
	struct ext4_inode_info root;
	struct ext4_fs *fs;
	u64 itable;
	u32 g;
	int ret;

	if (io->size < EXT4_SUPER_OFFSET + sizeof(*sb)) {
		pr_err("device of %llu bytes is too small\n",
		       (unsigned long long)io->size);
		return ERR_PTR(-EINVAL);
	}
	fs = kzalloc(sizeof(*fs), GFP_KERNEL);
	sb = kmalloc(sizeof(*sb), GFP_KERNEL);
	if (!fs || !sb) {
		ret = -ENOMEM;
		goto free;
	}
	fs->io = io;
	if (io->read(io->ctx, EXT4_SUPER_OFFSET, sb, sizeof(*sb))) {
		pr_err("cannot read the superblock\n");
		ret = -EIO;
		goto free;
	}
	ret = ext4_parse_super(fs, sb);
	if (ret)
		goto free;
	ret = bcache_init(&fs->bc, io, fs->block_size,
			  cache_blocks ? cache_blocks : EXT4_CACHE_BLOCKS);
	if (ret)
		goto free;
	fs->bounce = kmalloc(fs->block_size, GFP_KERNEL);
	if (!fs->bounce) {
		ret = -ENOMEM;
		goto destroy_cache;
	}
	/* Every group descriptor must be readable and sane. */
	for (g = 0; g < fs->groups_count; g++) {
		ret = ext4_inode_table(fs, g, &itable);
		if (ret) {
			pr_err("group %u: bad descriptor; not mounting\n", g);
			goto free_bounce;
		}
	}
	ret = ext4_mount_journal(fs, sb, replayed);
	if (ret < 0)
		goto free_bounce;
	if (!ret) {
		/* Replayed: read everything again. */
		ext4_unmount(fs);
		kfree(sb);
		return ext4_mount_once(io, cache_blocks, true);
	}
	ret = ext4_iget(fs, EXT4_ROOT_INO, &root);
	if (!ret && !ext4_is_dir(&root))
		ret = -EIO;
	if (ret) {
		pr_err("cannot read the root directory (%d); not mounting\n",
		       ret);
		goto free_bounce;
	}
	ext4_write_init(fs, sb);
	pr_info("mounted \"%s\": %u-byte blocks, %llu blocks, %u inodes, %u groups%s%s%s\n",
		fs->volume_name, fs->block_size,
		(unsigned long long)fs->blocks_count, fs->inodes_count,
		fs->groups_count, fs->has_csum ? ", metadata_csum" : "",
		ext4_has_incompat(fs, EXT4_FEATURE_INCOMPAT_64BIT) ?
		", 64bit" : "", fs->writable ? ", writable" : "");
	kfree(sb);
	return fs;

free_bounce:
	ext4_journal_destroy(fs);
	kfree(fs->bounce);
destroy_cache:
	bcache_destroy(&fs->bc);
free:
	kfree(sb);
	kfree(fs);
	return ERR_PTR(ret);
}

struct ext4_fs *ext4_mount(const struct storage_io *io,
			   unsigned int cache_blocks)
{
	return ext4_mount_once(io, cache_blocks, false);
}

void ext4_unmount(struct ext4_fs *fs)
{
	if (!fs)
		return;
	ext4_journal_destroy(fs);
	ext4_ref_destroy(fs);
	bcache_destroy(&fs->bc);
	kfree(fs->bounce);
	kfree(fs);
}

/* --- inodes ------------------------------------------------------------ */

u32 ext4_inode_csum(const struct ext4_fs *fs, const u8 *raw,
			   u32 seed, bool has_hi)
{
	u32 lo = __builtin_offsetof(struct ext4_inode, i_checksum_lo);
	u32 hi = __builtin_offsetof(struct ext4_inode, i_checksum_hi);
	u16 zero = 0;
	u32 crc;

	crc = crc32c(seed, raw, lo);
	crc = crc32c(crc, &zero, sizeof(zero));
	crc = crc32c(crc, raw + lo + 2, EXT4_GOOD_OLD_INODE_SIZE - lo - 2);
	if (fs->inode_size > EXT4_GOOD_OLD_INODE_SIZE) {
		crc = crc32c(crc, raw + EXT4_GOOD_OLD_INODE_SIZE,
			     hi - EXT4_GOOD_OLD_INODE_SIZE);
		if (has_hi) {
			crc = crc32c(crc, &zero, sizeof(zero));
			hi += 2;
		}
		crc = crc32c(crc, raw + hi, fs->inode_size - hi);
	}
	return crc;
}

/* Does the extra part (i_extra_isize) cover the field ending at @end? */
static bool ext4_extra_has(u32 extra_isize, u32 end)
{
	return EXT4_GOOD_OLD_INODE_SIZE + extra_isize >= end;
}

static void ext4_decode_time(struct ext4_timespec *ts, const void *sec,
			     const void *extra, bool has_extra)
{
	u32 x = has_extra ? le32_get(extra) : 0;

	ts->sec = (s64)(s32)le32_get(sec) +
		  ((s64)(x & EXT4_EPOCH_MASK) << 32);
	ts->nsec = x >> EXT4_EPOCH_BITS;
	if (ts->nsec >= 1000000000u)
		ts->nsec = 0;
}

int ext4_inode_slot(struct ext4_fs *fs, u32 ino, struct bcache_buf **b,
		    struct ext4_inode **raw)
{
	u32 group = (ino - 1) / fs->inodes_per_group;
	u32 index = (ino - 1) % fs->inodes_per_group;
	u64 itable, off;
	int ret;

	ret = ext4_inode_table(fs, group, &itable);
	if (ret)
		return ret;
	off = (u64)index * fs->inode_size;
	ret = ext4_bread(fs, itable + (off >> fs->log_block_size), b);
	if (ret)
		return ret;
	*raw = (struct ext4_inode *)((u8 *)(*b)->data +
				     (off & (fs->block_size - 1)));
	return 0;
}

int ext4_iget(struct ext4_fs *fs, u32 ino, struct ext4_inode_info *inode)
{
	const struct ext4_inode *raw;
	struct ext4_inode *slot;
	struct bcache_buf *b;
	u32 extra = 0;
	__le32 le;
	int ret;

	if (ino < 1 || ino > fs->inodes_count)
		return -ENOENT;
	ret = ext4_inode_slot(fs, ino, &b, &slot);
	if (ret)
		return ret;
	raw = slot;

	if (fs->inode_size > EXT4_GOOD_OLD_INODE_SIZE) {
		extra = le16_get(&raw->i_extra_isize);
		if (extra > fs->inode_size - EXT4_GOOD_OLD_INODE_SIZE ||
		    (extra & 3)) {
			ext4_bad(fs, corrupt, "inode %u: bad i_extra_isize %u\n",
				 ino, extra);
			ret = -EIO;
			goto put;
		}
	}
	memset(inode, 0, sizeof(*inode));
	inode->ino = ino;
	inode->generation = le32_get(&raw->i_generation);
	if (fs->has_csum) {
		bool has_hi = ext4_extra_has(extra, 0x84);
		u32 want, got = le16_get(&raw->i_checksum_lo);

		le = ino;
		inode->csum_seed = crc32c(fs->csum_seed, &le, sizeof(le));
		le = inode->generation;
		inode->csum_seed = crc32c(inode->csum_seed, &le, sizeof(le));
		want = ext4_inode_csum(fs, (const u8 *)raw, inode->csum_seed,
				       has_hi);
		if (has_hi)
			got |= (u32)le16_get(&raw->i_checksum_hi) << 16;
		else
			want &= 0xffff;
		if (want != got) {
			ext4_bad(fs, csum_errors,
				 "inode %u: checksum mismatch\n", ino);
			ret = -EIO;
			goto put;
		}
	}
	inode->mode = le16_get(&raw->i_mode);
	inode->links = le16_get(&raw->i_links_count);
	inode->dtime = le32_get(&raw->i_dtime);
	/*
	 * No links and a dtime: deleted, unless it is an orphan still
	 * open somewhere (its dtime is the next orphan's number).
	 */
	if (!inode->links && inode->mode && ext4_orphan_visible(fs, ino))
		inode->orphan = true;
	else if (!inode->mode || (!inode->links && inode->dtime)) {
		ret = -ENOENT;		/* free or deleted */
		goto put;
	}
	inode->uid = le16_get(&raw->i_uid) |
		     (u32)le16_get(&raw->i_uid_high) << 16;
	inode->gid = le16_get(&raw->i_gid) |
		     (u32)le16_get(&raw->i_gid_high) << 16;
	inode->flags = le32_get(&raw->i_flags);
	inode->size = le32_get(&raw->i_size_lo) |
		      (u64)le32_get(&raw->i_size_high) << 32;
	inode->blocks = le32_get(&raw->i_blocks_lo);
	if (ext4_has_ro_compat(fs, EXT4_FEATURE_RO_COMPAT_HUGE_FILE)) {
		inode->blocks |= (u64)le16_get(&raw->i_blocks_high) << 32;
		if (inode->flags & EXT4_HUGE_FILE_FL)
			inode->blocks <<= fs->log_block_size - 9;
	}
	ext4_decode_time(&inode->atime, &raw->i_atime, &raw->i_atime_extra,
			 ext4_extra_has(extra, 0x90));
	ext4_decode_time(&inode->mtime, &raw->i_mtime, &raw->i_mtime_extra,
			 ext4_extra_has(extra, 0x8c));
	ext4_decode_time(&inode->ctime, &raw->i_ctime, &raw->i_ctime_extra,
			 ext4_extra_has(extra, 0x88));
	if (ext4_extra_has(extra, 0x94))
		ext4_decode_time(&inode->crtime, &raw->i_crtime,
				 &raw->i_crtime_extra,
				 ext4_extra_has(extra, 0x98));
	inode->version = le32_get(&raw->i_version_lo);
	if (ext4_extra_has(extra, 0x9c))
		inode->version |= (u64)le32_get(&raw->i_version_hi) << 32;
	memcpy(inode->i_block, raw->i_block, sizeof(inode->i_block));
	if ((s64)inode->size < 0) {
		ext4_bad(fs, corrupt, "inode %u: size %llu\n", ino,
			 (unsigned long long)inode->size);
		ret = -EIO;
	}
put:
	bcache_put(&fs->bc, b);
	return ret;
}

/* --- block mapping ----------------------------------------------------- */

bool ext4_range_ok(const struct ext4_fs *fs, u64 pblk, u64 count)
{
	return pblk > fs->first_data_block && pblk < fs->blocks_count &&
	       count <= fs->blocks_count - pblk;
}

int ext4_ext_check_header(struct ext4_fs *fs,
				 const struct ext4_inode_info *inode,
				 const struct ext4_extent_header *eh,
				 u32 node_bytes, int want_depth)
{
	u16 entries = le16_get(&eh->eh_entries);
	u16 max = le16_get(&eh->eh_max);
	u16 depth = le16_get(&eh->eh_depth);
	const char *why = NULL;

	if (le16_get(&eh->eh_magic) != EXT4_EXT_MAGIC)
		why = "magic";
	else if (max == 0 || max > (node_bytes - sizeof(*eh)) /
				   sizeof(struct ext4_extent))
		why = "eh_max";
	else if (entries > max)
		why = "eh_entries above eh_max";
	else if (depth > EXT4_EXT_MAX_DEPTH ||
		 (want_depth >= 0 && depth != want_depth))
		why = "depth";
	if (why) {
		ext4_bad(fs, corrupt, "inode %u: bad extent header (%s)\n",
			 inode->ino, why);
		return -EIO;
	}
	return 0;
}

int ext4_ext_check_csum(struct ext4_fs *fs,
			       const struct ext4_inode_info *inode,
			       const u8 *block, u64 pblk)
{
	const struct ext4_extent_header *eh = (const void *)block;
	u32 tail_off = sizeof(*eh) +
		       le16_get(&eh->eh_max) * sizeof(struct ext4_extent);

	if (!fs->has_csum)
		return 0;
	if (tail_off + sizeof(struct ext4_extent_tail) > fs->block_size ||
	    crc32c(inode->csum_seed, block, tail_off) !=
	    le32_get((const __le32 *)(block + tail_off))) {
		ext4_bad(fs, csum_errors,
			 "inode %u: extent block %llu checksum mismatch\n",
			 inode->ino, (unsigned long long)pblk);
		return -EIO;
	}
	return 0;
}

/* Look @lblk up in one leaf; @limit bounds holes after the last extent. */
static int ext4_ext_leaf(struct ext4_fs *fs,
			 const struct ext4_inode_info *inode,
			 const struct ext4_extent_header *eh, u32 lblk,
			 u64 limit, struct ext4_map *map)
{
	const struct ext4_extent *ex = (const void *)(eh + 1);
	u16 n = le16_get(&eh->eh_entries), i;
	u64 prev_end = 0;

	for (i = 0; i < n; i++) {
		u32 start = le32_get(&ex[i].ee_block);
		u32 len = le16_get(&ex[i].ee_len);
		bool unwritten = len > EXT4_EXT_INIT_MAX_LEN;
		u64 pblk;

		if (unwritten)
			len -= EXT4_EXT_INIT_MAX_LEN;
		pblk = le32_get(&ex[i].ee_start_lo) |
		       (u64)le16_get(&ex[i].ee_start_hi) << 32;
		if (!len || start < prev_end ||
		    (u64)start + len > EXT4_MAX_LBLK ||
		    !ext4_range_ok(fs, pblk, len)) {
			ext4_bad(fs, corrupt,
				 "inode %u: bad extent %u (block %u len %u at %llu)\n",
				 inode->ino, i, start, len,
				 (unsigned long long)pblk);
			return -EIO;
		}
		prev_end = (u64)start + len;
		if (lblk < start) {
			map->pblk = 0;
			map->count = start - lblk;
			return 0;
		}
		if (lblk < prev_end) {
			map->pblk = unwritten ? 0 : pblk + (lblk - start);
			map->count = prev_end - lblk;
			return 0;
		}
	}
	map->pblk = 0;
	map->count = (u32)min_t(u64, limit - lblk, EXT4_MAX_LBLK - 1);
	return 0;
}

static int ext4_ext_map(struct ext4_fs *fs,
			const struct ext4_inode_info *inode, u32 lblk,
			struct ext4_map *map)
{
	const struct ext4_extent_header *eh = (const void *)inode->i_block;
	struct bcache_buf *b = NULL;
	u64 limit = EXT4_MAX_LBLK;
	int depth, ret;

	ret = ext4_ext_check_header(fs, inode, eh, sizeof(inode->i_block), -1);
	if (ret)
		return ret;
	depth = le16_get(&eh->eh_depth);
	for (;;) {
		const struct ext4_extent_idx *ix = (const void *)(eh + 1);
		u16 n = le16_get(&eh->eh_entries), i, found;
		u64 child;

		if (!depth) {
			ret = ext4_ext_leaf(fs, inode, eh, lblk, limit, map);
			break;
		}
		if (!n) {
			ext4_bad(fs, corrupt, "inode %u: empty extent index\n",
				 inode->ino);
			ret = -EIO;
			break;
		}
		for (i = 1; i < n; i++) {
			if (le32_get(&ix[i].ei_block) <=
			    le32_get(&ix[i - 1].ei_block)) {
				ext4_bad(fs, corrupt,
					 "inode %u: extent index out of order\n",
					 inode->ino);
				ret = -EIO;
				goto out;
			}
		}
		if (lblk < le32_get(&ix[0].ei_block)) {
			map->pblk = 0;
			map->count = le32_get(&ix[0].ei_block) - lblk;
			ret = 0;
			break;
		}
		for (found = 0; found + 1 < n &&
		     le32_get(&ix[found + 1].ei_block) <= lblk; found++)
			;
		if (found + 1 < n)
			limit = min_t(u64, limit,
				      le32_get(&ix[found + 1].ei_block));
		child = le32_get(&ix[found].ei_leaf_lo) |
			(u64)le16_get(&ix[found].ei_leaf_hi) << 32;
		if (!ext4_range_ok(fs, child, 1)) {
			ext4_bad(fs, corrupt,
				 "inode %u: extent index points at block %llu\n",
				 inode->ino, (unsigned long long)child);
			ret = -EIO;
			break;
		}
		if (b)
			bcache_put(&fs->bc, b);
		b = NULL;
		ret = ext4_bread(fs, child, &b);
		if (ret)
			break;
		eh = b->data;
		depth--;
		ret = ext4_ext_check_header(fs, inode, eh, fs->block_size,
					    depth);
		if (!ret)
			ret = ext4_ext_check_csum(fs, inode, b->data, child);
		if (ret)
			break;
	}
out:
	if (b)
		bcache_put(&fs->bc, b);
	return ret;
}

/* Follow one level of an indirect block: entry @index of block @blk. */
static int ext4_ind_step(struct ext4_fs *fs,
			 const struct ext4_inode_info *inode, u64 blk,
			 u32 index, u64 *next)
{
	struct bcache_buf *b;
	int ret;

	ret = ext4_bread(fs, blk, &b);
	if (ret)
		return ret;
	*next = le32_get((const __le32 *)b->data + index);
	bcache_put(&fs->bc, b);
	if (*next && !ext4_range_ok(fs, *next, 1)) {
		ext4_bad(fs, corrupt, "inode %u: indirect pointer to %llu\n",
			 inode->ino, (unsigned long long)*next);
		return -EIO;
	}
	return 0;
}

/*
 * The pre-extent map: 12 direct, then single, double, triple indirect.
 * A zero pointer at any level is a hole as long as the rest of what it
 * would map, so walks skip it in one step; blocks past the triple
 * indirect range are a hole to the end of the 32-bit block space.
 */
static int ext4_ind_map(struct ext4_fs *fs,
			const struct ext4_inode_info *inode, u32 lblk,
			struct ext4_map *map)
{
	u32 shift = fs->log_block_size - 2;	/* log2(pointers per block) */
	u64 per = 1ULL << shift, l = lblk, blk, span;
	u32 level, slot;
	int ret;

	if (l < EXT4_NDIR_BLOCKS) {
		slot = l;
		level = 0;
		l = 0;		/* the offset inside what the slot maps */
	} else if ((l -= EXT4_NDIR_BLOCKS) < per) {
		slot = EXT4_IND_BLOCK;
		level = 1;
	} else if ((l -= per) < per * per) {
		slot = EXT4_DIND_BLOCK;
		level = 2;
	} else if ((l -= per * per) < per * per * per) {
		slot = EXT4_TIND_BLOCK;
		level = 3;
	} else {
		map->pblk = 0;
		map->count = (u32)min_t(u64, EXT4_MAX_LBLK - lblk,
					EXT4_MAX_LBLK - 1);
		return 0;
	}
	blk = le32_get(&inode->i_block[slot]);
	if (blk && !ext4_range_ok(fs, blk, 1)) {
		ext4_bad(fs, corrupt, "inode %u: block pointer %llu\n",
			 inode->ino, (unsigned long long)blk);
		return -EIO;
	}
	/* Blocks from l to the end of what the current pointer covers. */
	span = (1ULL << (shift * level)) - l;
	while (level-- && blk) {
		ret = ext4_ind_step(fs, inode, blk,
				    (l >> (shift * level)) & (per - 1), &blk);
		if (ret)
			return ret;
		span = (1ULL << (shift * level)) -
		       (l & ((1ULL << (shift * level)) - 1));
	}
	map->pblk = blk;
	map->count = blk ? 1 : (u32)min_t(u64, span, EXT4_MAX_LBLK - 1);
	return 0;
}

int ext4_map_block(struct ext4_fs *fs,
			  const struct ext4_inode_info *inode, u32 lblk,
			  struct ext4_map *map)
{
	if (inode->flags & EXT4_INLINE_DATA_FL)
		return -EOPNOTSUPP;
	if (inode->flags & EXT4_EXTENTS_FL)
		return ext4_ext_map(fs, inode, lblk, map);
	return ext4_ind_map(fs, inode, lblk, map);
}

/* --- file data --------------------------------------------------------- */

static ssize_t ext4_read_data(struct ext4_fs *fs,
			      const struct ext4_inode_info *inode, u64 off,
			      u8 *buf, size_t len)
{
	u32 bs = fs->block_size;
	u8 *bounce = NULL;	/* not fs->bounce: readers run concurrently */
	size_t done = 0;
	int ret;

	while (done < len) {
		u64 pos = off + done;
		u64 lblk = pos >> fs->log_block_size;
		u32 in_blk = pos & (bs - 1);
		size_t want = len - done;
		struct ext4_map map;
		u64 run;

		if (lblk >= EXT4_MAX_LBLK) {
			memset(buf + done, 0, want);	/* beyond any extent */
			break;
		}
		ret = ext4_map_block(fs, inode, (u32)lblk, &map);
		if (ret)
			goto out;
		run = (u64)map.count * bs - in_blk;
		if (want > run)
			want = run;
		if (!map.pblk) {
			memset(buf + done, 0, want);
		} else if (!in_blk && want >= bs) {
			want = ALIGN_DOWN(want, (size_t)bs);
			ret = fs->io->read(fs->io->ctx, map.pblk << fs->log_block_size,
					   buf + done, want);
			if (ret)
				goto io_error;
		} else {
			want = min_t(size_t, want, bs - in_blk);
			if (!bounce)
				bounce = kmalloc(bs, GFP_KERNEL);
			if (!bounce) {
				ret = -ENOMEM;
				goto out;
			}
			ret = fs->io->read(fs->io->ctx, map.pblk << fs->log_block_size,
					   bounce, bs);
			if (ret)
				goto io_error;
			memcpy(buf + done, bounce + in_blk, want);
		}
		done += want;
	}
	kfree(bounce);
	return done;

io_error:
	ext4_bad(fs, io_errors, "inode %u: read error at offset %llu\n",
		 inode->ino, (unsigned long long)(off + done));
	ret = -EIO;
out:
	kfree(bounce);
	return ret;
}

ssize_t ext4_read(struct ext4_fs *fs, const struct ext4_inode_info *inode,
		  u64 off, void *buf, size_t len)
{
	if (ext4_is_dir(inode))
		return -EISDIR;
	if (off >= (1ULL << 62) || len > (1ULL << 62) - off)
		return -EINVAL;
	if (off >= inode->size)
		return 0;
	if (len > inode->size - off)
		len = inode->size - off;
	return ext4_read_data(fs, inode, off, buf, len);
}

static bool ext4_is_fast_symlink(const struct ext4_inode_info *inode)
{
	return ext4_is_symlink(inode) &&
	       !(inode->flags & (EXT4_EXTENTS_FL | EXT4_INLINE_DATA_FL)) &&
	       inode->size < sizeof(inode->i_block);
}

int ext4_readlink(struct ext4_fs *fs, const struct ext4_inode_info *inode,
		  char *buf, size_t size)
{
	ssize_t n;

	if (!ext4_is_symlink(inode))
		return -EINVAL;
	if (!size || inode->size > size - 1)
		return -ENAMETOOLONG;
	if (inode->size >= EXT4_PATH_MAX) {
		ext4_bad(fs, corrupt, "inode %u: symlink of %llu bytes\n",
			 inode->ino, (unsigned long long)inode->size);
		return -EIO;
	}
	if (ext4_is_fast_symlink(inode)) {
		memcpy(buf, inode->i_block, inode->size);
		n = inode->size;
	} else {
		n = ext4_read_data(fs, inode, 0, (u8 *)buf, inode->size);
		if (n < 0)
			return n;
	}
	buf[n] = '\0';
	return n;
}

/* --- directories ------------------------------------------------------- */

int ext4_dx_csum(const struct ext4_fs *fs, const struct ext4_inode_info *dir,
		 const u8 *blk, u32 count_off, u32 *csum_off, u32 *csum)
{
	const struct ext4_dx_countlimit *cl;
	u32 limit, count, tail_off, crc, zero = 0;

	if (count_off + sizeof(*cl) > fs->block_size)
		return -EIO;
	cl = (const void *)(blk + count_off);
	limit = le16_get(&cl->limit);
	count = le16_get(&cl->count);
	tail_off = count_off + limit * sizeof(struct ext4_dx_entry);
	if (count > limit ||
	    tail_off + sizeof(struct ext4_dx_tail) > fs->block_size)
		return -EIO;
	crc = crc32c(dir->csum_seed, blk,
		     count_off + count * sizeof(struct ext4_dx_entry));
	crc = crc32c(crc, blk + tail_off, 4);	/* dt_reserved */
	*csum = crc32c(crc, &zero, sizeof(zero));	/* dt_checksum as 0 */
	*csum_off = tail_off + 4;
	return 0;
}

static bool ext4_dx_csum_ok(struct ext4_fs *fs,
			    const struct ext4_inode_info *dir, const u8 *blk,
			    u32 count_off)
{
	u32 off, crc;

	return !ext4_dx_csum(fs, dir, blk, count_off, &off, &crc) &&
	       crc == le32_get((const __le32 *)(blk + off));
}

/*
 * Check a directory block's checksum (metadata_csum) and return in
 * *end where its entries stop (before a leaf's checksum tail).
 */
int ext4_dir_block_check(struct ext4_fs *fs,
				const struct ext4_inode_info *dir, u32 lblk,
				u64 pblk, const u8 *blk, u32 *end)
{
	const struct ext4_dir_entry_2 *de = (const void *)blk;
	const struct ext4_dir_entry_tail *t;
	u32 bs = fs->block_size;
	bool indexed = dir->flags & EXT4_INDEX_FL;

	*end = bs;
	if (!fs->has_csum)
		return 0;
	if (indexed && lblk == 0) {
		const struct ext4_dx_root_info *info;
		u32 dotdot = 12;

		/* ".", "..", then dx_root_info inside ".."'s record. */
		info = (const void *)(blk + dotdot + 12);
		if (ext4_dx_csum_ok(fs, dir, blk, dotdot + 12 +
				    info->info_length))
			return 0;
		goto bad;
	}
	if (indexed && !le32_get(&de->inode) && le16_get(&de->rec_len) == bs) {
		if (ext4_dx_csum_ok(fs, dir, blk, EXT4_DX_NODE_COUNT_OFF))
			return 0;
		goto bad;
	}
	t = (const void *)(blk + bs - sizeof(*t));
	if (le32_get(&t->det_reserved_zero1) ||
	    le16_get(&t->det_rec_len) != sizeof(*t) ||
	    t->det_reserved_zero2 || t->det_reserved_ft != EXT4_FT_DIR_CSUM ||
	    crc32c(dir->csum_seed, blk, bs - sizeof(*t)) !=
	    le32_get(&t->det_checksum))
		goto bad;
	*end = bs - sizeof(*t);
	return 0;
bad:
	ext4_bad(fs, csum_errors,
		 "inode %u: directory block %u (at %llu) checksum mismatch\n",
		 dir->ino, lblk, (unsigned long long)pblk);
	return -EIO;
}

/* One step of the walk: the entry at @off of a block of @end bytes. */
int ext4_dirent_check(struct ext4_fs *fs,
			     const struct ext4_inode_info *dir, u32 lblk,
			     const u8 *blk, u32 off, u32 end)
{
	const struct ext4_dir_entry_2 *de = (const void *)(blk + off);
	u32 rec_len, name_len;

	if (off + EXT4_DIR_ENTRY_HDR > end)
		goto bad;
	rec_len = le16_get(&de->rec_len);
	name_len = de->name_len;
	if (rec_len < 12 || rec_len % EXT4_DIR_ROUND || rec_len > end - off ||
	    EXT4_DIR_ENTRY_HDR + name_len > rec_len ||
	    le32_get(&de->inode) > fs->inodes_count)
		goto bad;
	return rec_len;
bad:
	ext4_bad(fs, corrupt, "inode %u: bad directory entry in block %u at %u\n",
		 dir->ino, lblk, off);
	return -EIO;
}

/*
 * Read and walk directory block @lblk (at @pblk) from its byte @off,
 * calling @fn as ext4_dir_walk() describes.  0 when the block is done,
 * @fn's non-zero return, or -EIO for a bad block.
 */
typedef int (*ext4_dirent_fn)(void *ctx, const struct ext4_dir_entry_2 *de,
			      u64 next);

static int ext4_dir_block_walk(struct ext4_fs *fs,
			       const struct ext4_inode_info *dir, u64 lblk,
			       u64 pblk, u64 start, ext4_dirent_fn fn,
			       void *ctx, u64 *stop_at)
{
	u32 bs = fs->block_size, off = 0, end;
	struct bcache_buf *b;
	int ret;

	ret = ext4_bread(fs, pblk, &b);
	if (ret)
		return ret;
	ext4_stat_inc(fs, dir_blocks_read);
	ret = ext4_dir_block_check(fs, dir, (u32)lblk, pblk, b->data, &end);
	/* At most one entry per 12 bytes: rec_len >= 12 bounds this loop. */
	while (!ret && off < end) {
		const struct ext4_dir_entry_2 *de =
			(const void *)((u8 *)b->data + off);
		u64 here = lblk * bs + off;
		int rec_len;

		rec_len = ext4_dirent_check(fs, dir, (u32)lblk, b->data, off,
					    end);
		if (rec_len < 0) {
			ret = rec_len;
			break;
		}
		off += rec_len;
		if (here < start || !le32_get(&de->inode))
			continue;
		/* The next entry's cookie skips a checksum tail. */
		ret = fn(ctx, de, off == end ? (lblk + 1) * bs :
			 lblk * bs + off);
		if (ret)
			*stop_at = here;
	}
	bcache_put(&fs->bc, b);
	return ret;
}

/*
 * How many blocks a walk of @dir may read: no more than i_blocks
 * accounts for (data and tree blocks, in 512-byte units), and never
 * more than the file system holds.  An i_size far beyond the blocks
 * that exist is then harmless: holes are skipped by their length.
 */
static u64 ext4_dir_max_blocks(const struct ext4_fs *fs,
			       const struct ext4_inode_info *dir)
{
	u64 blocks = dir->blocks >> (fs->log_block_size - 9);

	return min_t(u64, blocks, fs->blocks_count);
}

/*
 * Walk the entries of @dir from byte @start, calling @fn for each used
 * one (with the cookie of the entry after it); stop when @fn returns
 * non-zero, which is returned, with *@stop_at set to the entry's offset.
 * A bad block ends the walk with -EIO, unless @skip_bad: then the walk
 * goes on with the next block and -EIO is returned only if @fn never
 * stopped it (a lookup still finds names in the good blocks).
 *
 * The walk visits only blocks that exist: each mapping covers a run of
 * blocks or a hole, which is skipped whole, so the cost is the mapped
 * blocks, not i_size.  Mapped blocks beyond ext4_dir_max_blocks() (a
 * map that points many logical blocks at the same disk blocks) make the
 * directory corrupt: -EIO.
 */
static int ext4_dir_walk(struct ext4_fs *fs,
			 const struct ext4_inode_info *dir, u64 start,
			 ext4_dirent_fn fn, void *ctx, u64 *stop_at,
			 bool skip_bad)
{
	u32 bs = fs->block_size;
	u64 lblk, nr_blocks = DIV_ROUND_UP(dir->size, bs);
	u64 budget = ext4_dir_max_blocks(fs, dir);
	int ret = 0, first_err = 0;

	if (!ext4_is_dir(dir))
		return -ENOTDIR;
	nr_blocks = min_t(u64, nr_blocks, EXT4_MAX_LBLK);
	lblk = start / bs;
	while (lblk < nr_blocks) {
		struct ext4_map map;
		u64 i, run;

		ret = ext4_map_block(fs, dir, (u32)lblk, &map);
		if (ret)
			return ret;	/* the mapping is shared by all blocks */
		run = min_t(u64, max_t(u32, map.count, 1), nr_blocks - lblk);
		if (!map.pblk) {
			lblk += run;	/* a hole holds no entries */
			continue;
		}
		for (i = 0; i < run; i++, lblk++) {
			if (!budget--) {
				ext4_bad(fs, corrupt,
					 "inode %u: directory maps more blocks than its %llu\n",
					 dir->ino, (unsigned long long)
					 ext4_dir_max_blocks(fs, dir));
				return first_err ? first_err : -EIO;
			}
			ret = ext4_dir_block_walk(fs, dir, lblk, map.pblk + i,
						  start, fn, ctx, stop_at);
			if (ret > 0)
				return ret;
			if (ret < 0) {
				if (!skip_bad)
					return ret;
				if (!first_err)
					first_err = ret;
			}
		}
	}
	return first_err;
}

struct ext4_lookup_ctx {
	const char *name;
	size_t len;
	u32 ino;
};

static int ext4_lookup_one(void *ctx, const struct ext4_dir_entry_2 *de,
			   u64 next)
{
	struct ext4_lookup_ctx *lc = ctx;

	if (de->name_len != lc->len || memcmp(de->name, lc->name, lc->len))
		return 0;
	lc->ino = le32_get(&de->inode);
	return 1;
}

int ext4_lookup(struct ext4_fs *fs, const struct ext4_inode_info *dir,
		const char *name, size_t len, u32 *ino)
{
	struct ext4_lookup_ctx lc = { .name = name, .len = len };
	u64 at;
	int ret;

	if (!ext4_is_dir(dir))
		return -ENOTDIR;
	if (len > EXT4_NAME_LEN)
		return -ENAMETOOLONG;
	if (!len)
		return -ENOENT;
	if (ext4_dx_usable(fs, dir)) {
		struct ext4_dpos pos;

		/* Through the index; -EAGAIN: it cannot serve, walk it all. */
		ret = ext4_dx_find(fs, dir, NULL, name, len, &pos);
		if (!ret)
			*ino = pos.ino;
		if (ret != -EAGAIN)
			return ret;
	}
	ret = ext4_dir_walk(fs, dir, 0, ext4_lookup_one, &lc, &at, true);
	if (ret < 0)
		return ret;
	if (!ret)
		return -ENOENT;
	*ino = lc.ino;
	return 0;
}

struct ext4_readdir_ctx {
	ext4_filldir_t fill;
	void *ctx;
};

static int ext4_readdir_one(void *ctx, const struct ext4_dir_entry_2 *de,
			    u64 next)
{
	struct ext4_readdir_ctx *rc = ctx;
	u8 type = de->file_type < EXT4_FT_MAX ? de->file_type :
						EXT4_FT_UNKNOWN;

	if (rc->fill(rc->ctx, de->name, de->name_len, le32_get(&de->inode),
		     type, next))
		return 1;
	return 0;
}

int ext4_readdir(struct ext4_fs *fs, const struct ext4_inode_info *dir,
		 u64 *cookie, ext4_filldir_t fill, void *ctx)
{
	struct ext4_readdir_ctx rc = { .fill = fill, .ctx = ctx };
	u64 at;
	int ret;

	if (!ext4_is_dir(dir))
		return -ENOTDIR;
	if (ext4_dx_usable(fs, dir)) {
		/* -EAGAIN: the index cannot be used; every call walks then. */
		ret = ext4_dx_readdir(fs, dir, cookie, fill, ctx);
		if (ret != -EAGAIN)
			return ret;
	}
	if (*cookie >= dir->size)
		return 1;
	ret = ext4_dir_walk(fs, dir, *cookie, ext4_readdir_one, &rc, &at,
			    false);
	if (ret < 0)
		return ret;
	*cookie = ret ? at : dir->size;
	return ret ? 0 : 1;
}

/* --- path resolution --------------------------------------------------- */

int ext4_resolve(struct ext4_fs *fs, const char *path, unsigned int flags,
		 u32 *out)
{
	return ext4_resolve_may(fs, path, flags, NULL, NULL, out);
}

int ext4_resolve_may(struct ext4_fs *fs, const char *path,
		     unsigned int flags, ext4_may_search_t may_search,
		     void *ctx, u32 *out)
{
	struct ext4_inode_info dir, cur;
	char *base, *work, *other, *link, *tmp;
	unsigned int nr_links = 0;
	size_t len = strnlen(path, EXT4_PATH_MAX), pos = 0;
	int ret;

	if (len >= EXT4_PATH_MAX)
		return -ENAMETOOLONG;
	if (!len)
		return -ENOENT;
	base = kmalloc(3 * EXT4_PATH_MAX, GFP_KERNEL);
	if (!base)
		return -ENOMEM;
	work = base;
	other = work + EXT4_PATH_MAX;
	link = other + EXT4_PATH_MAX;
	memcpy(work, path, len + 1);

	ret = ext4_iget(fs, EXT4_ROOT_INO, &dir);
	if (ret)
		goto out;
	for (;;) {
		size_t start, clen, rest;
		bool last, slash_after;
		u32 ino;

		while (work[pos] == '/')
			pos++;
		if (!work[pos]) {
			*out = dir.ino;	/* "/" or a trailing slash */
			break;
		}
		start = pos;
		while (work[pos] && work[pos] != '/')
			pos++;
		clen = pos - start;
		slash_after = work[pos] == '/';
		rest = pos;
		while (work[rest] == '/')
			rest++;
		last = !work[rest];

		if (!ext4_is_dir(&dir)) {
			ret = -ENOTDIR;
			break;
		}
		if (may_search) {
			ret = may_search(ctx, &dir);
			if (ret)
				break;
		}
		if (clen > EXT4_NAME_LEN) {
			ret = -ENAMETOOLONG;
			break;
		}
		ret = ext4_lookup(fs, &dir, work + start, clen, &ino);
		if (!ret)
			ret = ext4_iget(fs, ino, &cur);
		if (ret)
			break;
		if (ext4_is_symlink(&cur) &&
		    (!last || slash_after || !(flags & EXT4_RESOLVE_NOFOLLOW))) {
			size_t tlen, rlen = strlen(work + pos);
			int n;

			if (++nr_links > EXT4_SYMLINK_MAX) {
				ret = -ELOOP;
				break;
			}
			n = ext4_readlink(fs, &cur, link, EXT4_PATH_MAX);
			if (n < 0) {
				ret = n;
				break;
			}
			tlen = n;
			if (!tlen) {
				ret = -ENOENT;
				break;
			}
			if (tlen + rlen >= EXT4_PATH_MAX) {
				ret = -ENAMETOOLONG;
				break;
			}
			/* The target, then what was left of the path. */
			memcpy(other, link, tlen);
			memcpy(other + tlen, work + pos, rlen + 1);
			tmp = work;
			work = other;
			other = tmp;
			pos = 0;
			if (link[0] == '/') {
				ret = ext4_iget(fs, EXT4_ROOT_INO, &dir);
				if (ret)
					break;
			}
			continue;
		}
		if (last) {
			if (slash_after && !ext4_is_dir(&cur)) {
				ret = -ENOTDIR;
				break;
			}
			*out = cur.ino;
			break;
		}
		dir = cur;
	}
out:
	kfree(base);
	return ret;
}
