/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The processor's tmpfs (tmpfs.c): /tmp and /dev/shm, with the names on
 * this node (tmpfs_tree.c) and the file bytes on the memory node
 * (P2M_TMPFS_*).  The file-system calls ask tmpfs_owns() first, before
 * pseudofs_owns() and the storage node, and hand the name or the open
 * file (its ufile_ops in tmpfs.c) here.  Every call may sleep.
 */
#ifndef _MANAGERS_PROCESSOR_TMPFS_H
#define _MANAGERS_PROCESSOR_TMPFS_H

#include <tessera/fsperm.h>
#include <tessera/types.h>
#include <tessera/uaccess.h>
#include <uapi/stat.h>

struct fs_lookup;
struct ufile;
struct ufile_attr;

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
/*
 * The first bytes of @path (at most @len, and P2M_TMPFS_IO_MAX) into
 * @buf, its mode, owner and group into *@attr, and (@object non-NULL)
 * the id of its object on the memory node and its size, for execve: how
 * many bytes, or -errno.
 */
int tmpfs_read_head(const char *path, void *buf, u32 len,
		    struct fsperm_inode *attr,
		    u64 *object, u64 *size);

/* Name calls on tmpfs paths (both resolved, absolute): 0 or -errno. */
int tmpfs_truncate(const char *path, s64 size);
int tmpfs_chmod(const char *path, u32 mode);
/* chown, utimensat (struct ufile_attr, fs.h) of @path: 0 or -errno. */
int tmpfs_setattr(const char *path, const struct ufile_attr *a);
int tmpfs_mkdir(const char *path, u32 mode);
int tmpfs_unlink(const char *path, bool dir);
/* Both in tmpfs (the caller answers -EXDEV otherwise). */
int tmpfs_rename(const char *from, const char *to, unsigned int flags);

#endif /* _MANAGERS_PROCESSOR_TMPFS_H */
