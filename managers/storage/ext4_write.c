/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ext4 writer's operations (see ext4_write.h): file data (sparse:
 * only written blocks are allocated), truncate, and the namespace
 * operations over ext4_dir.c, ext4_extent.c and ext4_alloc.c.
 *
 * Each operation checks that writes are allowed (ext4_w_begin()),
 * validates its names and inodes, makes its changes in the block cache
 * (data goes to the device directly), and writes the superblock's
 * counters at the end (ext4_w_end(), which may commit the journal's
 * running transaction: ext4_journal_op_end()).
 *
 * Callers serialise (see ext4.h).
 */
#define pr_fmt(fmt) "ext4: " fmt

#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/slab.h>
#include <tessera/string.h>

#include "ext4_alloc.h"
#include "ext4_dir.h"
#include "ext4_hash.h"
#include "ext4_journal.h"
#include "ext4_orphan.h"
#include "ext4_write.h"

#define EXT4_S_ISGID		02000
#define EXT4_FAST_SYMLINK_MAX	(EXT4_N_BLOCKS * 4)	/* 60 bytes */

/* Features the writer keeps consistent; others make the fs read-only. */
#define EXT4_W_INCOMPAT							\
	(EXT4_FEATURE_INCOMPAT_FILETYPE | EXT4_FEATURE_INCOMPAT_EXTENTS | \
	 EXT4_FEATURE_INCOMPAT_64BIT | EXT4_FEATURE_INCOMPAT_FLEX_BG |	\
	 EXT4_FEATURE_INCOMPAT_CSUM_SEED)
#define EXT4_W_RO_COMPAT						\
	(EXT4_FEATURE_RO_COMPAT_SPARSE_SUPER |				\
	 EXT4_FEATURE_RO_COMPAT_LARGE_FILE |				\
	 EXT4_FEATURE_RO_COMPAT_HUGE_FILE |				\
	 EXT4_FEATURE_RO_COMPAT_DIR_NLINK |				\
	 EXT4_FEATURE_RO_COMPAT_EXTRA_ISIZE |				\
	 EXT4_FEATURE_RO_COMPAT_METADATA_CSUM)
/* COMPAT features that need upkeep we do not do. */
#define EXT4_W_COMPAT_BAD	EXT4_FEATURE_COMPAT_SPARSE_SUPER2

static void ext4_write_orphans(struct ext4_fs *fs);

void ext4_write_init(struct ext4_fs *fs, const struct ext4_super_block *sb)
{
	const char *why = NULL;
	u32 bad;
	int i;

	fs->writable = false;
	fs->first_ino = EXT4_GOOD_OLD_FIRST_INO;
	if (le32_get(&sb->s_rev_level) >= EXT4_DYNAMIC_REV)
		fs->first_ino = le32_get(&sb->s_first_ino);
	fs->extra_isize = 0;
	if (fs->inode_size > EXT4_GOOD_OLD_INODE_SIZE) {
		fs->extra_isize = le16_get(&sb->s_want_extra_isize);
		if (fs->extra_isize < 32)
			fs->extra_isize = 32;	/* through i_crtime_extra */
		if (fs->extra_isize > fs->inode_size - EXT4_GOOD_OLD_INODE_SIZE)
			fs->extra_isize = fs->inode_size -
					  EXT4_GOOD_OLD_INODE_SIZE;
	}
	fs->reserved_gdt = le16_get(&sb->s_reserved_gdt_blocks);
	for (i = 0; i < 4; i++)
		fs->hash_seed[i] = le32_get(&sb->s_hash_seed[i]);
	fs->hash_unsigned = le32_get(&sb->s_flags) &
			    EXT4_SB_FLAGS_UNSIGNED_HASH;
	fs->def_hash_version = sb->s_def_hash_version;
	if (fs->def_hash_version > EXT4_HASH_TEA)
		fs->def_hash_version = EXT4_HASH_HALF_MD4;
	fs->flex_size = 1;
	if ((fs->feature_incompat & EXT4_FEATURE_INCOMPAT_FLEX_BG) &&
	    sb->s_log_groups_per_flex < 31)
		fs->flex_size = 1u << sb->s_log_groups_per_flex;
	fs->next_generation = le32_get(&sb->s_mkfs_time) * 2654435761u;
	/*
	 * Until a request brings the caller's clock (the storage node has
	 * none), times such as a freed orphan's dtime are the last write's.
	 */
	if (!fs->now.sec) {
		u32 wtime = le32_get(&sb->s_wtime);
		u32 mkfs = le32_get(&sb->s_mkfs_time);

		fs->now.sec = wtime > mkfs ? wtime : mkfs;
	}

	bad = fs->feature_incompat & ~EXT4_W_INCOMPAT;
	if (!fs->io->write)
		why = "read-only device";
	else if (bad)
		why = "an INCOMPAT feature the writer does not handle";
	else if (fs->feature_ro_compat & ~EXT4_W_RO_COMPAT)
		why = "an RO_COMPAT feature the writer does not handle";
	else if (fs->feature_compat & EXT4_W_COMPAT_BAD)
		why = "sparse_super2";
	else if (!(fs->feature_incompat & EXT4_FEATURE_INCOMPAT_EXTENTS) ||
		 !(fs->feature_incompat & EXT4_FEATURE_INCOMPAT_FILETYPE))
		why = "no extents or filetype feature";
	else if (fs->first_ino < EXT4_GOOD_OLD_FIRST_INO ||
		 fs->first_ino > fs->inodes_count)
		why = "bad s_first_ino";
	else if (fs->journal_bad)
		why = "a journal that cannot be trusted";
	else if (le32_get(&sb->s_log_cluster_size) !=
		 le32_get(&sb->s_log_block_size) ||
		 le32_get(&sb->s_clusters_per_group) != fs->blocks_per_group)
		why = "clusters differ from blocks";
	else if (fs->blocks_per_group % 8 || fs->inodes_per_group % 8)
		why = "group sizes not whole bytes of bitmap";
	else if (ext4_count_free(fs))
		why = "bad free counts";
	else
		why = ext4_orphan_check(fs, sb);
	if (why) {
		pr_info("writes refused: %s\n", why);
		return;
	}
	fs->writable = true;
	ext4_journal_start(fs);
	if (fs->last_orphan)
		ext4_write_orphans(fs);
}

static int ext4_w_begin(struct ext4_fs *fs)
{
	const char *why = NULL;

	if (!fs->writable)
		why = "file system mounted read-only";
	else if (fs->stats.csum_errors || fs->stats.corrupt ||
		 fs->stats.io_errors)
		why = "corruption or I/O errors seen; not writing on top";
	if (!why)
		return 0;
	if (!fs->ro_logged) {
		fs->ro_logged = true;
		pr_err("refusing writes: %s\n", why);
	}
	return -EROFS;
}

static int ext4_w_end(struct ext4_fs *fs, int ret)
{
	int err = ext4_write_super(fs);

	if (!err)
		err = ext4_journal_op_end(fs);
	return ret ? ret : err;
}

/*
 * A crash left orphans (files unlinked while open): free them now, in
 * one transaction, committed before the first request.
 */
static void ext4_write_orphans(struct ext4_fs *fs)
{
	int n;

	n = ext4_orphan_process(fs);
	n = n < 0 ? n : ext4_w_end(fs, 0) ? : n;
	if (n < 0) {
		pr_err("orphan list not processed (%d); writes refused\n", n);
		fs->writable = false;
		return;
	}
	pr_info("freed %d orphan inodes a crash left\n", n);
	ext4_journal_commit(fs, true);
}

static int check_name(const char *name, size_t len)
{
	if (!len)
		return -ENOENT;
	if (len > EXT4_NAME_LEN)
		return -ENAMETOOLONG;
	if (memchr(name, '/', len) || memchr(name, '\0', len))
		return -EINVAL;
	return 0;
}

static bool is_dot(const char *name, size_t len)
{
	return (len == 1 && name[0] == '.') ||
	       (len == 2 && name[0] == '.' && name[1] == '.');
}

static u8 mode_to_ft(u16 mode)
{
	switch (mode & EXT4_S_IFMT) {
	case EXT4_S_IFREG: return EXT4_FT_REG_FILE;
	case EXT4_S_IFDIR: return EXT4_FT_DIR;
	case EXT4_S_IFCHR: return EXT4_FT_CHRDEV;
	case EXT4_S_IFBLK: return EXT4_FT_BLKDEV;
	case EXT4_S_IFIFO: return EXT4_FT_FIFO;
	case EXT4_S_IFSOCK: return EXT4_FT_SOCK;
	case EXT4_S_IFLNK: return EXT4_FT_SYMLINK;
	}
	return EXT4_FT_UNKNOWN;
}

/* A directory to change: its inode and extents. */
static int get_dir(struct ext4_fs *fs, u32 ino, struct ext4_inode_info *dir,
		   struct ext4_xlist *xl)
{
	int ret = ext4_iget(fs, ino, dir);

	if (ret)
		return ret;
	if (!ext4_is_dir(dir))
		return -ENOTDIR;
	return ext4_xl_load(fs, dir, xl);
}

/* 0 when @name can be added to @dir: -EEXIST, -ENOENT (removed dir). */
static int name_free(struct ext4_fs *fs, const struct ext4_inode_info *dir,
		     const struct ext4_xlist *xl, const char *name, size_t len)
{
	struct ext4_dpos pos;
	int ret;

	if (is_dot(name, len))
		return -EEXIST;
	if (!dir->links)
		return -ENOENT;
	ret = ext4_dir_find(fs, dir, xl, name, len, &pos);
	if (ret == -ENOENT)
		return 0;
	return ret ? ret : -EEXIST;
}

/* --- file data --------------------------------------------------------- */

/*
 * Write @len bytes at byte @in_blk of the blocks from @pblk on.  Parts
 * of the first and last blocks not written are kept (@fresh: zeroed).
 */
static int write_span(struct ext4_fs *fs, u64 pblk, u32 in_blk,
		      const u8 *src, size_t len, bool fresh)
{
	const struct storage_io *io = fs->io;
	u32 bs = fs->block_size;
	int ret;

	while (len) {
		u64 at = pblk << fs->log_block_size;

		if (in_blk || len < bs) {
			size_t n = min_t(size_t, len, bs - in_blk);

			if (fresh)
				memset(fs->bounce, 0, bs);
			else if ((ret = io->read(io->ctx, at, fs->bounce, bs)))
				return -EIO;
			memcpy(fs->bounce + in_blk, src, n);
			ret = io->write(io->ctx, at, fs->bounce, bs);
			if (ret)
				return -EIO;
			src += n;
			len -= n;
			pblk++;
			in_blk = 0;
			continue;
		}
		ret = io->write(io->ctx, at, src, ALIGN_DOWN(len, (size_t)bs));
		if (ret)
			return -EIO;
		pblk += len >> fs->log_block_size;
		src += ALIGN_DOWN(len, (size_t)bs);
		len -= ALIGN_DOWN(len, (size_t)bs);
	}
	return 0;
}

static u64 max_file_bytes(const struct ext4_fs *fs)
{
	return (EXT4_MAX_LBLK - 1) << fs->log_block_size;
}

/*
 * Write into @in's data through its extent list @xl, allocating blocks
 * for holes and converting unwritten extents.  Bytes written, or the
 * error if none were.  The caller stores @xl and writes @in.
 */
static ssize_t do_write(struct ext4_fs *fs, struct ext4_inode_info *in,
			struct ext4_xlist *xl, u64 off, const u8 *buf,
			size_t len)
{
	u32 bs = fs->block_size;
	size_t done = 0;
	int ret = 0;

	while (done < len) {
		u64 pos = off + done, span;
		u32 lblk = pos >> fs->log_block_size;
		u32 in_blk = pos & (bs - 1), nblk, got, reserve;
		struct ext4_xt m, x;
		size_t n;

		ext4_xl_lookup(xl, lblk, &m);
		span = ((u64)m.len << fs->log_block_size) - in_blk;
		n = (size_t)min_t(u64, len - done, span);
		if (m.pblk && !m.uninit) {
			ret = write_span(fs, m.pblk, in_blk, buf + done, n,
					 false);
			if (ret)
				break;
			done += n;
			continue;
		}
		nblk = DIV_ROUND_UP(in_blk + n, bs);
		x.lblk = lblk;
		x.uninit = false;
		if (m.uninit) {
			u64 freed = 0;

			/* Take the blocks out of the unwritten extent. */
			x.pblk = m.pblk;
			got = nblk;
			ret = ext4_xl_punch(fs, xl, lblk, (u64)lblk + got,
					    &freed);
			if (ret)
				break;
			/* punch freed them: take them back. */
			ret = ext4_alloc_blocks(fs, x.pblk, got, &x.pblk,
						&got);
			if (ret)
				break;
			in->blocks -= (freed - got) * (bs >> 9);
		} else {
			reserve = ext4_xl_tree_blocks(fs, xl->n + 2) + 1;
			if (fs->free_blocks <= reserve) {
				ret = -ENOSPC;
				break;
			}
			nblk = (u32)min_t(u64, nblk, fs->free_blocks - reserve);
			ret = ext4_alloc_blocks(fs, ext4_xl_goal(xl, lblk),
						nblk, &x.pblk, &got);
			if (ret)
				break;
			in->blocks += (u64)got * (bs >> 9);
		}
		x.len = got;
		n = (size_t)min_t(u64, n, ((u64)got << fs->log_block_size) -
					  in_blk);
		ret = ext4_xl_insert(xl, &x);
		if (ret) {
			/* No room in the list (-ENOMEM): give the blocks back. */
			if (!ext4_free_blocks(fs, x.pblk, got))
				in->blocks -= (u64)got * (bs >> 9);
			break;
		}
		ret = write_span(fs, x.pblk, in_blk, buf + done, n, true);
		if (ret)
			break;
		/* Whole fresh blocks past the data (none: n ends inside). */
		done += n;
	}
	return done ? (ssize_t)done : ret;
}

/* A regular file to change: -EISDIR, -EINVAL for other kinds. */
static int get_reg(struct ext4_fs *fs, u32 ino, struct ext4_inode_info *in)
{
	int ret = ext4_w_begin(fs);

	if (!ret)
		ret = ext4_iget(fs, ino, in);
	if (ret)
		return ret;
	if (ext4_is_dir(in))
		return -EISDIR;
	return ext4_is_reg(in) ? 0 : -EINVAL;
}

/*
 * The bytes of @in changed: new mtime and ctime, and a new i_version, which
 * the storage node hands out with every stat so that the memory node's file
 * page cache can tell the new contents from the pages it holds.
 */
static void data_changed(struct ext4_fs *fs, struct ext4_inode_info *in)
{
	in->mtime = in->ctime = fs->now;
	in->version++;
}

ssize_t ext4_write(struct ext4_fs *fs, u32 ino, u64 off, const void *buf,
		   size_t len)
{
	struct ext4_inode_info in;
	struct ext4_xlist xl;
	ssize_t n;
	int ret;

	ret = get_reg(fs, ino, &in);
	if (ret)
		return ret;
	if (off >= max_file_bytes(fs) || len > max_file_bytes(fs) - off)
		return -EFBIG;
	if (!len)
		return 0;
	ret = ext4_xl_load(fs, &in, &xl);
	if (ret)
		return ret;
	n = do_write(fs, &in, &xl, off, buf, len);
	if (n > 0 && off + n > in.size)
		in.size = off + n;
	ret = ext4_xl_store(fs, &in, &xl);
	data_changed(fs, &in);
	if (!ret)
		ret = ext4_write_inode(fs, &in, false);
	ext4_xl_free(&xl);
	ret = ext4_w_end(fs, ret);
	return ret ? ret : n;
}

/* Free every block from byte @size on; zero the rest of the last one. */
static int shrink(struct ext4_fs *fs, struct ext4_inode_info *in,
		  struct ext4_xlist *xl, u64 size)
{
	u32 bs = fs->block_size;
	u64 freed = 0;
	int ret;

	ret = ext4_xl_punch(fs, xl, DIV_ROUND_UP(size, bs), EXT4_MAX_LBLK,
			    &freed);
	in->blocks -= freed * (bs >> 9);
	if (ret)
		return ret;
	if (size & (bs - 1)) {
		struct ext4_xt m;
		u32 from = size & (bs - 1);

		ext4_xl_lookup(xl, size >> fs->log_block_size, &m);
		if (m.pblk && !m.uninit) {
			u8 *zero = kzalloc(bs, GFP_KERNEL);

			if (!zero)
				return -ENOMEM;
			ret = write_span(fs, m.pblk, from, zero, bs - from,
					 false);
			kfree(zero);
		}
	}
	return ret;
}

int ext4_truncate(struct ext4_fs *fs, u32 ino, u64 size)
{
	struct ext4_inode_info in;
	struct ext4_xlist xl;
	int ret;

	ret = get_reg(fs, ino, &in);
	if (ret)
		return ret;
	if (size > max_file_bytes(fs))
		return -EFBIG;
	ret = ext4_xl_load(fs, &in, &xl);
	if (ret)
		return ret;
	if (size < in.size)
		ret = shrink(fs, &in, &xl, size);
	if (!ret)
		ret = ext4_xl_store(fs, &in, &xl);
	if (!ret) {
		in.size = size;
		data_changed(fs, &in);
		ret = ext4_write_inode(fs, &in, false);
	}
	ext4_xl_free(&xl);
	return ext4_w_end(fs, ret);
}

/* --- inodes ------------------------------------------------------------ */

static int new_inode(struct ext4_fs *fs, const struct ext4_inode_info *dir,
		     u16 mode, u32 uid, u32 gid, struct ext4_inode_info *in)
{
	struct ext4_extent_header *eh = (void *)in->i_block;
	u32 ino;
	int ret;

	ret = ext4_alloc_inode(fs, dir->ino,
			       (mode & EXT4_S_IFMT) == EXT4_S_IFDIR, &ino);
	if (ret)
		return ret;
	memset(in, 0, sizeof(*in));
	in->ino = ino;
	in->generation = fs->next_generation++;
	in->mode = mode;
	in->uid = uid;
	in->gid = gid;
	if (dir->mode & EXT4_S_ISGID) {
		in->gid = dir->gid;
		if ((mode & EXT4_S_IFMT) == EXT4_S_IFDIR)
			in->mode |= EXT4_S_ISGID;
	}
	in->links = 1;
	in->atime = in->mtime = in->ctime = in->crtime = fs->now;
	if ((mode & EXT4_S_IFMT) != EXT4_S_IFLNK) {
		in->flags = EXT4_EXTENTS_FL;
		put_le16(&eh->eh_magic, EXT4_EXT_MAGIC);
		put_le16(&eh->eh_max, 4);
	}
	return ext4_write_inode(fs, in, true);
}

/*
 * Can the writer free @in's blocks?  Extent-mapped files and fast
 * symlinks; a block-mapped file (ext2/ext3 era) cannot lose its last
 * name here: -EROFS before anything changed.
 */
static int can_drop(const struct ext4_inode_info *in)
{
	if (in->links > 1 && !ext4_is_dir(in))
		return 0;
	if (in->flags & EXT4_EXTENTS_FL)
		return 0;
	if (ext4_is_symlink(in) && !in->blocks &&
	    !(in->flags & EXT4_INLINE_DATA_FL))
		return 0;
	return -EROFS;
}

/* @in has no links and no references: free its blocks and the inode. */
static int free_node(struct ext4_fs *fs, struct ext4_inode_info *in)
{
	bool is_dir = ext4_is_dir(in);
	int ret = 0;

	if (in->flags & EXT4_EXTENTS_FL) {
		struct ext4_xlist xl;
		u64 freed = 0;

		ret = ext4_xl_load(fs, in, &xl);
		if (ret)
			return ret;
		ret = ext4_xl_punch(fs, &xl, 0, EXT4_MAX_LBLK, &freed);
		if (!ret)
			ret = ext4_xl_store(fs, in, &xl);
		in->blocks -= freed * (fs->block_size >> 9);
		ext4_xl_free(&xl);
		if (ret)
			return ret;
	} else if (can_drop(in)) {
		return -EROFS;		/* callers checked: not reached */
	}
	in->size = 0;
	ret = ext4_write_inode(fs, in, false);
	if (!ret)
		ret = ext4_free_inode(fs, in->ino, is_dir);
	return ret;
}

/*
 * Drop one link of @in; at none, free its blocks and the inode, or, if
 * a regular file still open somewhere, put it on the orphan list.
 */
static int drop_link(struct ext4_fs *fs, struct ext4_inode_info *in)
{
	in->ctime = fs->now;
	if (ext4_is_dir(in) || in->links <= 1)
		in->links = 0;
	else
		in->links--;
	if (in->links)
		return ext4_write_inode(fs, in, false);
	if (ext4_is_reg(in) && ext4_ref_held(fs, in->ino))
		return ext4_orphan_add(fs, in);
	return free_node(fs, in);
}

int ext4_drop_orphan(struct ext4_fs *fs, struct ext4_inode_info *in)
{
	struct ext4_xlist xl;
	int ret;

	if (!in->links)
		return free_node(fs, in);
	ret = ext4_xl_load(fs, in, &xl);
	if (ret)
		return ret;
	ret = shrink(fs, in, &xl, in->size);
	if (!ret)
		ret = ext4_xl_store(fs, in, &xl);
	if (!ret)
		ret = ext4_write_inode(fs, in, false);
	ext4_xl_free(&xl);
	return ret;
}

int ext4_release_orphan(struct ext4_fs *fs, u32 ino)
{
	struct ext4_inode_info in;
	int ret;

	fs->orphan_scan = true;
	ret = ext4_iget(fs, ino, &in);
	fs->orphan_scan = false;
	if (ret || !in.orphan || in.links)
		return ret;	/* still linked: nothing to free */
	ret = ext4_w_begin(fs);
	if (ret)
		return ret;	/* read-only now: left for the next mount */
	ret = ext4_orphan_del(fs, &in);
	if (!ret)
		ret = free_node(fs, &in);
	if (ret)
		pr_err("inode %u: orphan not freed (%d)\n", ino, ret);
	return ext4_w_end(fs, ret);
}

/* A parent gains a subdirectory: dir_nlink's 1 past EXT4_LINK_MAX. */
static int parent_inc(struct ext4_fs *fs, struct ext4_inode_info *dir)
{
	if (dir->links == 1)
		return 0;
	if (dir->links >= EXT4_LINK_MAX - 1) {
		if (!(fs->feature_ro_compat &
		      EXT4_FEATURE_RO_COMPAT_DIR_NLINK))
			return -EMLINK;
		dir->links = 1;
		return 0;
	}
	dir->links++;
	return 0;
}

static void parent_dec(struct ext4_inode_info *dir)
{
	if (dir->links > 2)
		dir->links--;
}

static void touch_dir(struct ext4_fs *fs, struct ext4_inode_info *dir)
{
	dir->mtime = dir->ctime = fs->now;
}

/*
 * Common part of create, mkdir and symlink: a new inode of @mode named
 * @name in @dir_ino, set up by @init (may be NULL) before its entry is
 * added.
 */
typedef int (*init_fn)(struct ext4_fs *fs, struct ext4_inode_info *dir,
		       struct ext4_inode_info *in, const void *arg,
		       size_t arg_len);

static int make_node(struct ext4_fs *fs, u32 dir_ino, const char *name,
		     size_t len, u16 mode, u32 uid, u32 gid, init_fn init,
		     const void *arg, size_t arg_len, u32 *ino)
{
	struct ext4_inode_info dir, in;
	struct ext4_xlist xl;
	bool is_dir = (mode & EXT4_S_IFMT) == EXT4_S_IFDIR;
	int ret;

	ret = ext4_w_begin(fs);
	if (!ret)
		ret = check_name(name, len);
	if (ret)
		return ret;
	ret = get_dir(fs, dir_ino, &dir, &xl);
	if (ret)
		return ext4_w_end(fs, ret);
	ret = name_free(fs, &dir, &xl, name, len);
	if (ret)
		goto out;
	if (is_dir && dir.links >= EXT4_LINK_MAX - 1 &&
	    !(fs->feature_ro_compat & EXT4_FEATURE_RO_COMPAT_DIR_NLINK)) {
		ret = -EMLINK;
		goto out;
	}
	ret = new_inode(fs, &dir, mode, uid, gid, &in);
	if (ret)
		goto out;
	if (init)
		ret = init(fs, &dir, &in, arg, arg_len);
	if (!ret)
		ret = ext4_dir_add(fs, &dir, &xl, name, len, in.ino,
				   mode_to_ft(mode));
	if (ret) {
		in.links = 1;
		drop_link(fs, &in);	/* undo; its error is not ours */
		goto out;
	}
	if (is_dir)
		parent_inc(fs, &dir);
	touch_dir(fs, &dir);
	ret = ext4_write_inode(fs, &dir, false);
	*ino = in.ino;
out:
	ext4_xl_free(&xl);
	return ext4_w_end(fs, ret);
}

int ext4_create(struct ext4_fs *fs, u32 dir, const char *name, size_t len,
		u16 mode, u32 uid, u32 gid, u32 *ino)
{
	return make_node(fs, dir, name, len, EXT4_S_IFREG | (mode & 07777),
			 uid, gid, NULL, NULL, 0, ino);
}

/* Write @len bytes at 0 of the new inode @in and store its extents. */
static int init_data(struct ext4_fs *fs, struct ext4_inode_info *in,
		     const void *data, size_t len)
{
	struct ext4_xlist xl = { 0 };
	ssize_t n;
	int ret;

	n = do_write(fs, in, &xl, 0, data, len);
	ret = n < 0 ? (int)n : (size_t)n != len ? -ENOSPC : 0;
	if (!ret)
		ret = ext4_xl_store(fs, in, &xl);
	if (ret) {
		u64 freed = 0;

		ext4_xl_punch(fs, &xl, 0, EXT4_MAX_LBLK, &freed);
		in->blocks = 0;
	} else {
		in->size = len;
		ret = ext4_write_inode(fs, in, false);
	}
	ext4_xl_free(&xl);
	return ret;
}

static int init_dir(struct ext4_fs *fs, struct ext4_inode_info *dir,
		    struct ext4_inode_info *in, const void *arg, size_t len)
{
	u8 *blk = kmalloc(fs->block_size, GFP_KERNEL);
	int ret;

	if (!blk)
		return -ENOMEM;
	in->links = 2;
	ext4_dir_block_init(fs, in, blk, in->ino, dir->ino);
	ret = init_data(fs, in, blk, fs->block_size);
	kfree(blk);
	return ret;
}

int ext4_mkdir(struct ext4_fs *fs, u32 dir, const char *name, size_t len,
	       u16 mode, u32 uid, u32 gid, u32 *ino)
{
	return make_node(fs, dir, name, len, EXT4_S_IFDIR | (mode & 07777),
			 uid, gid, init_dir, NULL, 0, ino);
}

static int init_symlink(struct ext4_fs *fs, struct ext4_inode_info *dir,
			struct ext4_inode_info *in, const void *target,
			size_t len)
{
	struct ext4_extent_header *eh = (void *)in->i_block;

	if (len < EXT4_FAST_SYMLINK_MAX) {
		memcpy(in->i_block, target, len);
		in->size = len;
		return ext4_write_inode(fs, in, false);
	}
	in->flags = EXT4_EXTENTS_FL;
	put_le16(&eh->eh_magic, EXT4_EXT_MAGIC);
	put_le16(&eh->eh_max, 4);
	return init_data(fs, in, target, len);
}

int ext4_symlink(struct ext4_fs *fs, u32 dir, const char *name, size_t len,
		 const char *target, size_t tlen, u32 uid, u32 gid, u32 *ino)
{
	if (!tlen)
		return -ENOENT;
	if (tlen >= EXT4_PATH_MAX)
		return -ENAMETOOLONG;
	if (memchr(target, '\0', tlen))
		return -EINVAL;
	return make_node(fs, dir, name, len, EXT4_S_IFLNK | 0777, uid, gid,
			 init_symlink, target, tlen, ino);
}

int ext4_link(struct ext4_fs *fs, u32 ino, u32 dir_ino, const char *name,
	      size_t len)
{
	struct ext4_inode_info dir, in;
	struct ext4_xlist xl;
	int ret;

	ret = ext4_w_begin(fs);
	if (!ret)
		ret = check_name(name, len);
	if (!ret)
		ret = ext4_iget(fs, ino, &in);
	if (ret)
		return ret;
	if (ext4_is_dir(&in))
		return -EPERM;
	if (!in.links)
		return -ENOENT;		/* an open unlinked file, as Linux */
	if (in.links >= EXT4_LINK_MAX)
		return -EMLINK;
	ret = get_dir(fs, dir_ino, &dir, &xl);
	if (ret)
		return ext4_w_end(fs, ret);
	ret = name_free(fs, &dir, &xl, name, len);
	if (ret)
		goto out;
	ret = ext4_dir_add(fs, &dir, &xl, name, len, in.ino,
			   mode_to_ft(in.mode));
	if (ret)
		goto out;
	in.links++;
	in.ctime = fs->now;
	touch_dir(fs, &dir);
	ret = ext4_write_inode(fs, &in, false);
	if (!ret)
		ret = ext4_write_inode(fs, &dir, false);
out:
	ext4_xl_free(&xl);
	return ext4_w_end(fs, ret);
}

/* 0 if directory @in holds only "." and "..", else -ENOTEMPTY. */
static int check_empty(struct ext4_fs *fs, struct ext4_inode_info *in)
{
	struct ext4_xlist xl;
	int ret = ext4_xl_load(fs, in, &xl);

	if (ret)
		return ret;
	ret = ext4_dir_is_empty(fs, in, &xl);
	ext4_xl_free(&xl);
	if (ret < 0)
		return ret;
	return ret ? 0 : -ENOTEMPTY;
}

static int remove_common(struct ext4_fs *fs, u32 dir_ino, const char *name,
			 size_t len, bool rmdir)
{
	struct ext4_inode_info dir, in;
	struct ext4_xlist xl;
	struct ext4_dpos pos;
	int ret;

	ret = ext4_w_begin(fs);
	if (!ret)
		ret = check_name(name, len);
	if (ret)
		return ret;
	if (is_dot(name, len))
		return !rmdir ? -EISDIR : len == 1 ? -EINVAL : -ENOTEMPTY;
	ret = get_dir(fs, dir_ino, &dir, &xl);
	if (ret)
		return ext4_w_end(fs, ret);
	ret = ext4_dir_find(fs, &dir, &xl, name, len, &pos);
	if (!ret)
		ret = ext4_iget(fs, pos.ino, &in);
	if (ret)
		goto out;
	if (rmdir && !ext4_is_dir(&in)) {
		ret = -ENOTDIR;
		goto out;
	}
	if (!rmdir && ext4_is_dir(&in)) {
		ret = -EISDIR;
		goto out;
	}
	ret = can_drop(&in);
	if (ret)
		goto out;
	if (rmdir) {
		ret = check_empty(fs, &in);
		if (ret)
			goto out;
	}
	ret = ext4_dir_remove(fs, &dir, &pos);
	if (ret)
		goto out;
	ret = drop_link(fs, &in);
	if (rmdir)
		parent_dec(&dir);
	touch_dir(fs, &dir);
	if (!ret)
		ret = ext4_write_inode(fs, &dir, false);
out:
	ext4_xl_free(&xl);
	return ext4_w_end(fs, ret);
}

int ext4_unlink(struct ext4_fs *fs, u32 dir, const char *name, size_t len)
{
	return remove_common(fs, dir, name, len, false);
}

int ext4_rmdir(struct ext4_fs *fs, u32 dir, const char *name, size_t len)
{
	return remove_common(fs, dir, name, len, true);
}

/* Is @dir @ino or below it?  Walks ".." up to the root. */
static int is_below(struct ext4_fs *fs, u32 dir, u32 ino)
{
	struct ext4_inode_info cur;
	u32 steps;
	int ret;

	for (steps = 0; steps < fs->inodes_count; steps++) {
		if (dir == ino)
			return 1;
		if (dir == EXT4_ROOT_INO)
			return 0;
		ret = ext4_iget(fs, dir, &cur);
		if (!ret)
			ret = ext4_lookup(fs, &cur, "..", 2, &dir);
		if (ret)
			return ret;
	}
	ext4_bad(fs, corrupt, "directory loop above inode %u\n", ino);
	return -EIO;
}

int ext4_rename(struct ext4_fs *fs, u32 sdir, const char *sname,
		size_t slen, u32 ddir, const char *dname, size_t dlen,
		unsigned int flags)
{
	struct ext4_inode_info sd, dd, src, dst;
	struct ext4_xlist sxl, dxl = { 0 }, *dx = &dxl;
	struct ext4_inode_info *d = &dd;
	struct ext4_dpos spos, dpos;
	bool have_dst, cross = sdir != ddir, src_dir;
	int ret;

	ret = ext4_w_begin(fs);
	if (!ret)
		ret = check_name(sname, slen);
	if (!ret)
		ret = check_name(dname, dlen);
	if (ret)
		return ret;
	if (flags & ~EXT4_RENAME_NOREPLACE)
		return -EINVAL;
	if (is_dot(sname, slen) || is_dot(dname, dlen))
		return -EBUSY;
	ret = get_dir(fs, sdir, &sd, &sxl);
	if (ret)
		return ext4_w_end(fs, ret);
	if (cross) {
		ret = get_dir(fs, ddir, &dd, &dxl);
		if (ret)
			goto out;
	} else {
		d = &sd;
		dx = &sxl;
	}
	ret = ext4_dir_find(fs, &sd, &sxl, sname, slen, &spos);
	if (!ret)
		ret = ext4_iget(fs, spos.ino, &src);
	if (ret)
		goto out;
	src_dir = ext4_is_dir(&src);
	ret = ext4_dir_find(fs, d, dx, dname, dlen, &dpos);
	have_dst = !ret;
	if (ret && ret != -ENOENT)
		goto out;
	ret = 0;
	if (have_dst && (flags & EXT4_RENAME_NOREPLACE)) {
		ret = -EEXIST;
		goto out;
	}
	if (have_dst && dpos.ino == src.ino)
		goto out;		/* the same file: nothing to do */
	if (!d->links) {
		ret = -ENOENT;
		goto out;
	}
	if (have_dst) {
		ret = ext4_iget(fs, dpos.ino, &dst);
		if (ret)
			goto out;
		if (src_dir && !ext4_is_dir(&dst))
			ret = -ENOTDIR;
		else if (!src_dir && ext4_is_dir(&dst))
			ret = -EISDIR;
		else
			ret = can_drop(&dst);
		if (ret)
			goto out;
		if (ext4_is_dir(&dst)) {
			ret = check_empty(fs, &dst);
			if (ret)
				goto out;
		}
	}
	if (src_dir && cross) {
		ret = is_below(fs, ddir, src.ino);
		if (ret) {
			ret = ret > 0 ? -EINVAL : ret;
			goto out;
		}
		if (!have_dst && d->links >= EXT4_LINK_MAX - 1 &&
		    !(fs->feature_ro_compat &
		      EXT4_FEATURE_RO_COMPAT_DIR_NLINK)) {
			ret = -EMLINK;
			goto out;
		}
	}

	/* Point the new name at the source. */
	if (have_dst)
		ret = ext4_dir_set(fs, d, &dpos, src.ino, mode_to_ft(src.mode));
	else
		ret = ext4_dir_add(fs, d, dx, dname, dlen, src.ino,
				   mode_to_ft(src.mode));
	if (ret)
		goto out;
	/* The old name (found again: adding may have moved entries). */
	ret = ext4_dir_find(fs, &sd, &sxl, sname, slen, &spos);
	if (!ret)
		ret = ext4_dir_remove(fs, &sd, &spos);
	if (ret)
		goto out;
	if (have_dst) {
		ret = drop_link(fs, &dst);
		if (ret)
			goto out;
		if (ext4_is_dir(&dst))
			parent_dec(d);
	}
	if (src_dir && cross) {
		struct ext4_xlist vxl;
		struct ext4_dpos up;

		ret = ext4_xl_load(fs, &src, &vxl);
		if (!ret) {
			ret = ext4_dir_find(fs, &src, &vxl, "..", 2, &up);
			if (!ret)
				ret = ext4_dir_set(fs, &src, &up, ddir,
						   EXT4_FT_DIR);
			ext4_xl_free(&vxl);
		}
		if (ret)
			goto out;
		parent_dec(&sd);
		ret = parent_inc(fs, d);
		if (ret)
			goto out;
	}
	src.ctime = fs->now;
	ret = ext4_write_inode(fs, &src, false);
	touch_dir(fs, &sd);
	if (!ret)
		ret = ext4_write_inode(fs, &sd, false);
	if (!ret && cross) {
		touch_dir(fs, &dd);
		ret = ext4_write_inode(fs, &dd, false);
	}
out:
	ext4_xl_free(&sxl);
	ext4_xl_free(&dxl);
	return ext4_w_end(fs, ret);
}

int ext4_setattr(struct ext4_fs *fs, u32 ino, const struct ext4_setattr *a)
{
	struct ext4_inode_info in;
	int ret;

	ret = ext4_w_begin(fs);
	if (!ret)
		ret = ext4_iget(fs, ino, &in);
	if (ret)
		return ret;
	if (a->valid & EXT4_ATTR_MODE)
		in.mode = (in.mode & EXT4_S_IFMT) | (a->mode & 07777);
	if (a->valid & EXT4_ATTR_UID)
		in.uid = a->uid;
	if (a->valid & EXT4_ATTR_GID)
		in.gid = a->gid;
	if (a->valid & EXT4_ATTR_ATIME)
		in.atime = a->atime;
	if (a->valid & EXT4_ATTR_MTIME)
		in.mtime = a->mtime;
	in.ctime = fs->now;
	ret = ext4_write_inode(fs, &in, false);
	return ext4_w_end(fs, ret);
}

int ext4_sync(struct ext4_fs *fs)
{
	int ret = 0;

	if (fs->writable)
		ret = ext4_write_super(fs);
	if (!ret)
		ret = ext4_journal_commit(fs, true);
	return ret;
}
