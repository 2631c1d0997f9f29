/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The processor's tmpfs (tmpfs.c): /tmp and /dev/shm, with the names on
 * this node (tmpfs_tree.c) and the file bytes on the memory node
 * (P2M_TMPFS_*).  The file-system calls ask tmpfs_owns() first, before
 * pseudofs_owns() and the storage node, and hand the name or the open
 * file (UFILE_TMPFS) here.  Every call may sleep.
 */
#ifndef _MANAGERS_PROCESSOR_TMPFS_H
#define _MANAGERS_PROCESSOR_TMPFS_H

#include <tessera/types.h>
#include <tessera/uaccess.h>
#include <uapi/stat.h>

struct fs_lookup;
struct ufile;
struct ufile_map_source;

/* The memory node that keeps the file data (initrd.c, once). */
void tmpfs_set_memory_node(int node);

/* Whether the resolved absolute @path is /tmp, /dev/shm or below. */
bool tmpfs_owns(const char *path);

/*
 * open(2) of @path with @flags and creation @mode (umask applied here):
 * 0 and the new file in *@fp, or -errno (-ENOENT, -EEXIST, -EISDIR,
 * -ENOTDIR, -ENAMETOOLONG, -ENOMEM).
 */
int tmpfs_open(const char *path, u32 flags, u32 mode, struct ufile **fp);
/* stat(2) of @path: 0 or -errno. */
int tmpfs_stat(const char *path, struct uapi_stat *st);

/* Calls on an open UFILE_TMPFS file. */
void tmpfs_fstat(const struct ufile *f, struct uapi_stat *st);
/* 0, or -EBADF (O_PATH, write-only), -EISDIR. */
int tmpfs_readable(const struct ufile *f);
/* Bytes read at *@pos (advanced), 0 at the end, or -errno. */
long tmpfs_read(struct ufile *f, char __user *ubuf, size_t len, u64 *pos);
/*
 * Bytes written at *@pos (advanced; at the end for O_APPEND), fewer
 * when tmpfs is full; -ENOSPC when nothing fitted, -EBADF (not open for
 * writing), -EISDIR, -EFAULT, -EFBIG, -EIO (memory node unreachable).
 */
long tmpfs_write(struct ufile *f, const char __user *ubuf, size_t len,
		 u64 *pos);
/* The file's size now (lseek, sys_io.c: SEEK_DATA/HOLE see no holes). */
s64 tmpfs_size(const struct ufile *f);
/* getdents64(2); caller holds f->pos_lock. */
long tmpfs_getdents(struct ufile *f, void __user *ubuf, size_t len);
/* ftruncate(2): 0, -EINVAL (not a regular file open for writing), -EFBIG. */
int tmpfs_ftruncate(struct ufile *f, s64 size);
/* fchmod(2). */
int tmpfs_fchmod(struct ufile *f, u32 mode);
/*
 * What mmap(2) of @f needs (ufile_map_source()): the memory node's object
 * (@src->node P2M_TMPFS_NODE) and the size now.  0.
 */
int tmpfs_map_source(struct ufile *f, struct ufile_map_source *src);
/* Drop the open file's hold on its inode (ufile_put()). */
void tmpfs_release(struct ufile *f);

/* Name calls on tmpfs paths (both resolved, absolute): 0 or -errno. */
int tmpfs_truncate(const char *path, s64 size);
int tmpfs_chmod(const char *path, u32 mode);
int tmpfs_mkdir(const char *path, u32 mode);
int tmpfs_unlink(const char *path, bool dir);
/* Both in tmpfs (the caller answers -EXDEV otherwise). */
int tmpfs_rename(const char *from, const char *to, unsigned int flags);

#endif /* _MANAGERS_PROCESSOR_TMPFS_H */
