/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ext4 writer (ext4_write.c): create, write, truncate, link,
 * unlink, mkdir, rmdir, rename, symlink and attribute changes on a file
 * system mounted by ext4_mount(), keeping every checksum
 * (metadata_csum), bitmap and counter the way e2fsck expects.
 *
 * Metadata goes through the block cache, file data straight to the
 * device.  With a journal (ext4_journal.h) metadata changes are grouped
 * into transactions; ext4_sync() commits the running one and flushes.
 * Without one, ext4_sync() writes every dirty block and flushes the
 * device, and a crash between two syncs can leave e2fsck work.
 *
 * Writes are refused with -EROFS when the device is read-only, the
 * file system has a feature the writer does not handle (see
 * ext4_write_init() and Documentation/storage.md), or any corruption
 * was seen (a checksum mismatch or malformed metadata counted in
 * fs->stats): one log line says why.
 *
 * Names are @len bytes (no NUL needed), one component: no '/' or NUL
 * (-EINVAL), 1..255 bytes (-ENOENT, -ENAMETOOLONG).  Times come from
 * fs->now, which the caller sets.  Callers serialise, as for the reader.
 */
#ifndef _STORAGE_EXT4_WRITE_H
#define _STORAGE_EXT4_WRITE_H

#include "ext4.h"

#define EXT4_LINK_MAX		65000	/* i_links_count, as Linux */

/*
 * Create a regular file (@mode: permission bits; S_IFREG implied) named
 * @name in directory @dir.  0 with *ino, -EEXIST, -ENOTDIR, -ENOSPC,
 * -EROFS, -EIO.
 */
int ext4_create(struct ext4_fs *fs, u32 dir, const char *name, size_t len,
		u16 mode, u32 uid, u32 gid, u32 *ino);
/* A directory; as ext4_create(), and -EMLINK without dir_nlink. */
int ext4_mkdir(struct ext4_fs *fs, u32 dir, const char *name, size_t len,
	       u16 mode, u32 uid, u32 gid, u32 *ino);
/*
 * A symlink to @target (@tlen bytes, 1..EXT4_PATH_MAX-1): in the inode
 * below 60 bytes, else in a data block (extent mapped).
 */
int ext4_symlink(struct ext4_fs *fs, u32 dir, const char *name, size_t len,
		 const char *target, size_t tlen, u32 uid, u32 gid, u32 *ino);
/* A new name for inode @ino (not a directory: -EPERM).  -EMLINK. */
int ext4_link(struct ext4_fs *fs, u32 ino, u32 dir, const char *name,
	      size_t len);
/* Remove a non-directory's name (-EISDIR); frees it at 0 links. */
int ext4_unlink(struct ext4_fs *fs, u32 dir, const char *name, size_t len);
/* Remove an empty directory: -ENOTDIR, -ENOTEMPTY, -EINVAL for ".". */
int ext4_rmdir(struct ext4_fs *fs, u32 dir, const char *name, size_t len);

/* ext4_rename() flags (Linux's values) */
#define EXT4_RENAME_NOREPLACE	0x1

/*
 * rename(2): over an existing target as Linux (-EISDIR, -ENOTDIR,
 * -ENOTEMPTY), -EINVAL when a directory would move below itself,
 * -EEXIST with EXT4_RENAME_NOREPLACE, -EBUSY for "." or "..".
 */
int ext4_rename(struct ext4_fs *fs, u32 sdir, const char *sname,
		size_t slen, u32 ddir, const char *dname, size_t dlen,
		unsigned int flags);

/*
 * Write @len bytes at @off of regular file @ino; blocks are allocated
 * only for what is written (holes stay holes).  Bytes written (short
 * when the disk fills up), or -ENOSPC (nothing written), -EISDIR,
 * -EINVAL, -EFBIG, -EROFS, -EIO.
 */
ssize_t ext4_write(struct ext4_fs *fs, u32 ino, u64 off, const void *buf,
		   size_t len);
/* Set a regular file's size, freeing blocks past it.  -EISDIR, -EFBIG. */
int ext4_truncate(struct ext4_fs *fs, u32 ino, u64 size);

/* ext4_setattr() valid bits */
#define EXT4_ATTR_MODE		0x01	/* permission bits of mode */
#define EXT4_ATTR_UID		0x02
#define EXT4_ATTR_GID		0x04
#define EXT4_ATTR_ATIME		0x08
#define EXT4_ATTR_MTIME		0x10

struct ext4_setattr {
	unsigned int valid;
	u16 mode;
	u32 uid, gid;
	struct ext4_timespec atime, mtime;
};

/* chmod, chown, utimensat; ctime becomes fs->now. */
int ext4_setattr(struct ext4_fs *fs, u32 ino, const struct ext4_setattr *a);

/* Commit (or write) every change and flush the device (fsync, sync). */
int ext4_sync(struct ext4_fs *fs);

#endif /* _STORAGE_EXT4_WRITE_H */
