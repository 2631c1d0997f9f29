/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ext4 reader (managers/storage/ext4.c): mount an ext4 file system
 * over a struct storage_io, read inodes, file data, symlinks and
 * directories, and resolve paths.  Pure logic over the I/O callbacks
 * and kmalloc: the same code serves the storage node's virtio-blk disk
 * and, in tests/host/test_ext4.c, image files made by mke2fs.
 *
 * What is accepted (features, inode kinds) and what is refused, and how
 * corruption is reported, is in Documentation/storage.md.  In short:
 * every on-disk value is checked before use; a corrupt object (bad
 * checksum, bad extent tree, bad directory block) makes the operation
 * on it return -EIO and is counted in fs->stats, other files keep
 * working; nothing the disk contains can make the reader loop or read
 * outside a buffer.
 *
 * Locking is the caller's: any number of readers at once (this file's
 * functions, which change nothing but the block cache, whose get/put
 * lock themselves, and fs->stats, counted atomically), or one caller of
 * anything else (the writer, the journal, references); the file service
 * holds its rwsem shared or exclusive accordingly.  Functions may sleep
 * (device I/O).
 */
#ifndef _STORAGE_EXT4_H
#define _STORAGE_EXT4_H

#include <tessera/types.h>

#include "bcache.h"
#include "ext4_fs.h"

#define EXT4_PATH_MAX		4096	/* bytes including the NUL */
#define EXT4_SYMLINK_MAX	40	/* links followed per resolution */
#define EXT4_CACHE_BLOCKS	128	/* default bcache size */

struct ext4_timespec {
	s64 sec;
	u32 nsec;
};

/* An inode as the reader uses it, in host order. */
struct ext4_inode_info {
	u32 ino;
	u32 generation;
	u16 mode;			/* EXT4_S_IF* | permission bits */
	u16 links;
	u32 uid, gid;
	u32 flags;			/* EXT4_*_FL */
	u64 size;
	u64 blocks;			/* 512-byte units, like st_blocks */
	struct ext4_timespec atime, mtime, ctime, crtime;
	u64 version;			/* i_version: bumped by every data change */
	u32 csum_seed;			/* metadata_csum: per-inode seed */
	u32 dtime;			/* raw i_dtime: an orphan's next */
	bool orphan;			/* on the orphan list (ext4_orphan.c) */
	__le32 i_block[EXT4_N_BLOCKS];	/* raw: extent root, map or link */
};

struct ext4_stats {
	u64 csum_errors;		/* checksum mismatches */
	u64 corrupt;			/* other malformed metadata */
	u64 io_errors;			/* device read failures */
	u64 dx_lookups;			/* lookups answered by a hash index */
	u64 dir_blocks_read;		/* by lookups, readdir, dir changes */
};

struct ext4_journal;
struct ext4_ref;

#define EXT4_REF_BUCKETS	64	/* hash of referenced inodes */

struct ext4_fs {
	struct bcache bc;
	const struct storage_io *io;
	u32 block_size;
	u32 log_block_size;
	u64 blocks_count;
	u32 inodes_count;
	u32 inodes_per_group;
	u32 blocks_per_group;
	u32 groups_count;
	u32 first_data_block;
	u32 inode_size;
	u32 desc_size;
	u32 first_meta_bg;
	u32 feature_compat, feature_incompat, feature_ro_compat;
	bool has_csum;			/* metadata_csum */
	u32 csum_seed;
	u8 uuid[16];
	char volume_name[17];
	u8 *bounce;			/* one block, for partial data blocks */
	struct ext4_stats stats;
	unsigned int nr_logged;		/* error lines printed (capped) */

	/* The writer (ext4_write.c); see ext4_write.h. */
	bool writable;			/* writes allowed (ext4_write_init) */
	bool ro_logged;			/* "refusing writes" said once */
	u32 first_ino;			/* first non-reserved inode */
	u32 hash_seed[4];		/* s_hash_seed: hashed directories */
	bool hash_unsigned;		/* s_flags: unsigned-char hashes */
	u8 def_hash_version;		/* for directories indexed here */
	u16 extra_isize;		/* i_extra_isize of new inodes */
	u16 reserved_gdt;		/* s_reserved_gdt_blocks */
	u32 flex_size;			/* groups per flex group (1: none) */
	u64 free_blocks;		/* sum of the descriptors' counts */
	u32 free_inodes;
	u32 next_generation;		/* i_generation of the next inode */
	bool sb_dirty;			/* free counts to write back */
	struct ext4_journal *journal;	/* ext4_journal.c; NULL: none */
	bool journal_bad;		/* has_journal, but not trusted */
	struct ext4_timespec now;	/* the caller's clock, for times */

	/* Open references and the orphan list (ext4_orphan.h). */
	struct ext4_ref *refs[EXT4_REF_BUCKETS];
	u32 nr_refs;			/* entries in refs[] */
	u32 last_orphan;		/* s_last_orphan: the list's head */
	u32 nr_orphans;			/* inodes on the list */
	bool orphan_scan;		/* iget may return any orphan */

	/* The commit interval (ext4_journal_tick()). */
	bool dirty_noted;		/* dirty_since_ms is set */
	u64 dirty_since_ms;		/* first change not committed */
};

/*
 * Read and check the superblock and the group descriptors, set up a
 * block cache of @cache_blocks (0: EXT4_CACHE_BLOCKS).  The file system
 * or an ERR_PTR: -EINVAL (not ext4, or values out of range; logged with
 * the reason), -EOPNOTSUPP (an INCOMPAT feature we cannot read; logged
 * by name), -EIO (device error or a checksum mismatch), -ENOMEM.
 */
struct ext4_fs *ext4_mount(const struct storage_io *io,
			   unsigned int cache_blocks);
void ext4_unmount(struct ext4_fs *fs);

/*
 * Read inode @ino into @inode.  0, -ENOENT (out of range, or not in
 * use), -EIO (checksum, device, or malformed).
 */
int ext4_iget(struct ext4_fs *fs, u32 ino, struct ext4_inode_info *inode);

/*
 * Read up to @len bytes at @off of a regular file (or a slow symlink's
 * block).  Holes and unwritten extents read as zeros.  Bytes read (0 at
 * or past the end) or -errno: -EISDIR, -EIO (corrupt mapping or device),
 * -EOPNOTSUPP (inline data), -EINVAL (offset overflow).
 */
ssize_t ext4_read(struct ext4_fs *fs, const struct ext4_inode_info *inode,
		  u64 off, void *buf, size_t len);

/*
 * The target of symlink @inode into @buf (NUL-terminated when it fits).
 * The target's length, or -EINVAL (not a symlink), -ENAMETOOLONG (longer
 * than @size - 1 bytes), -EIO.
 */
int ext4_readlink(struct ext4_fs *fs, const struct ext4_inode_info *inode,
		  char *buf, size_t size);

/*
 * Find @name (@len bytes, no NUL needed) in directory @dir.  0 with
 * *ino, -ENOENT, -ENOTDIR, -ENAMETOOLONG, -EIO.
 */
int ext4_lookup(struct ext4_fs *fs, const struct ext4_inode_info *dir,
		const char *name, size_t len, u32 *ino);

/* ext4_resolve() flags */
#define EXT4_RESOLVE_NOFOLLOW	0x1	/* do not follow a final symlink */

/*
 * Resolve NUL-terminated @path from the root ("/a/b" and "a/b" are the
 * same: there is no working directory here), following symlinks (at
 * most EXT4_SYMLINK_MAX) and "." / "..".  0 with *ino, or -ENOENT,
 * -ENOTDIR, -ENAMETOOLONG (component > 255 or path >= 4096 bytes),
 * -ELOOP, -EIO.
 */
int ext4_resolve(struct ext4_fs *fs, const char *path, unsigned int flags,
		 u32 *ino);

/*
 * ext4_resolve(), asking @may_search(@ctx, dir) before looking a name
 * up in each directory of the walk (symlink targets' too): a non-zero
 * return (-EACCES) ends the walk with it.
 */
typedef int (*ext4_may_search_t)(void *ctx,
				 const struct ext4_inode_info *dir);
int ext4_resolve_may(struct ext4_fs *fs, const char *path,
		     unsigned int flags, ext4_may_search_t may_search,
		     void *ctx, u32 *ino);

/*
 * One directory entry for ext4_readdir()'s callback: return 0 to go
 * on, non-zero to stop before this entry (it will be the first one of
 * the next call).  @next is the cookie of the entry after this one.
 */
typedef int (*ext4_filldir_t)(void *ctx, const char *name, size_t len,
			      u32 ino, u8 file_type, u64 next);

/*
 * Deliver the entries of @dir from *@cookie on (0: the start) to @fill,
 * "." and ".." included, and leave in *cookie where to go on.  Returns 1
 * when the directory is done (*cookie is then the end), 0 when @fill
 * stopped it, -ENOTDIR, -EIO, -ENOMEM.
 *
 * A linear directory's cookies are byte offsets; any value is safe (one
 * inside an entry resumes at the next one) and the end is i_size.  A
 * hashed directory whose index nodes are sound is read in hash order, as
 * Linux does: "." is 0, ".." 1, then each entry's cookie is its hash
 * (ext4_dx_readdir() in ext4_dx.c) and the end is EXT4_READDIR_EOF.  A
 * leaf split moves entries between blocks but never changes their
 * hashes, so a readdir in progress neither misses nor repeats an entry
 * that stays.
 */
#define EXT4_READDIR_EOF	0x7fffffffffffffffull	/* as Linux's 64-bit */
int ext4_readdir(struct ext4_fs *fs, const struct ext4_inode_info *dir,
		 u64 *cookie, ext4_filldir_t fill, void *ctx);

static inline bool ext4_is_dir(const struct ext4_inode_info *i)
{
	return (i->mode & EXT4_S_IFMT) == EXT4_S_IFDIR;
}

static inline bool ext4_is_reg(const struct ext4_inode_info *i)
{
	return (i->mode & EXT4_S_IFMT) == EXT4_S_IFREG;
}

static inline bool ext4_is_symlink(const struct ext4_inode_info *i)
{
	return (i->mode & EXT4_S_IFMT) == EXT4_S_IFLNK;
}

#endif /* _STORAGE_EXT4_H */
