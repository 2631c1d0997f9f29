/* SPDX-License-Identifier: GPL-2.0 */
/*
 * System calls that change names, sizes and modes: mkdir(at),
 * unlink(at), rmdir, rename(at/at2), truncate, ftruncate, chmod,
 * fchmod(at), fsync and fdatasync.  tmpfs (/tmp, /dev/shm; tmpfs.c)
 * and the storage node (fs_write.c; -EROFS there for a read-only image)
 * take changes; the pseudo files are read-only: once the name resolves
 * as far as Linux looks before it asks the mount for write access, the
 * answer is -EROFS (mkdir of an existing name is -EEXIST first, a
 * missing name -ENOENT).  rename between tmpfs and anything else, or
 * between /tmp and /dev/shm, is -EXDEV.
 */
#include <fit/storage.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <uapi/fcntl.h>
#include <uapi/stat.h>

#include "internal.h"
#include "fs.h"

/* The name calls of one path (rename has two). */
enum path_op { OP_MKDIR, OP_UNLINK, OP_RMDIR, OP_TRUNCATE, OP_CHMOD };

enum ro_op {
	RO_CREATE,	/* mkdir: -EEXIST before -EROFS */
	RO_PARENT,	/* unlink, rmdir, rename: the parent must exist */
	RO_NAME,	/* truncate, chmod: the name itself must exist */
};

/* The error of changing pseudo file @path (see the file comment). */
static int ro_error(const char *path, enum ro_op op)
{
	struct fs_lookup *lk = kmalloc(sizeof(*lk), GFP_KERNEL);
	struct uapi_stat st;
	int ret;

	if (!lk)
		return -ENOMEM;
	strscpy(lk->path, path, sizeof(lk->path));
	lk->len = strlen(lk->path);
	ret = pseudofs_stat(lk, true, &st);
	kfree(lk);
	if (op == RO_CREATE && !ret)
		return -EEXIST;
	return ret == -ENOENT && op == RO_NAME ? -ENOENT : -EROFS;
}

/* @op with @arg on the storage node's @path (fs_write.c). */
static int storage_change(char *path, enum path_op op, u64 arg)
{
	struct ufile_attr a = { .valid = P2S_ATTR_MODE, .mode = arg };

	switch (op) {
	case OP_MKDIR:
		return fs_storage_mkdir(path, arg);
	case OP_UNLINK:
	case OP_RMDIR:
		return fs_storage_unlink(path, op == OP_RMDIR);
	case OP_TRUNCATE:
		return fs_storage_truncate(path, arg);
	case OP_CHMOD:
		return fs_storage_setattr(path, true, &a);
	}
	return -EINVAL;
}

/* @op with @arg (a mode or a size) on @dirfd + @upath: 0 or -errno. */
static long path_change(int dirfd, const char __user *upath,
			enum path_op op, u64 arg)
{
	static const enum ro_op ro[] = {
		[OP_MKDIR] = RO_CREATE, [OP_UNLINK] = RO_PARENT,
		[OP_RMDIR] = RO_PARENT, [OP_TRUNCATE] = RO_NAME,
		[OP_CHMOD] = RO_NAME,
	};
	struct fs_lookup *lk;
	int ret;

	lk = fs_lookup_new(dirfd, upath, &ret);
	if (!lk)
		return ret;
	if (op == OP_TRUNCATE && (s64)arg < 0)
		ret = -EINVAL;
	else if (!tmpfs_owns(lk->path) && pseudofs_owns(lk->path))
		ret = ro_error(lk->path, ro[op]);
	else if (!tmpfs_owns(lk->path))
		ret = storage_change(lk->path, op, arg);
	else if (op == OP_MKDIR)
		ret = tmpfs_mkdir(lk->path, arg);
	else if (op == OP_UNLINK || op == OP_RMDIR)
		ret = tmpfs_unlink(lk->path, op == OP_RMDIR);
	else if (op == OP_TRUNCATE)
		ret = tmpfs_truncate(lk->path, arg);
	else
		ret = tmpfs_chmod(lk->path, arg);
	kfree(lk);
	return ret;
}

SYSCALL_DECLARE(mkdir)
{
	return path_change(AT_FDCWD, (const char __user *)regs->rdi, OP_MKDIR,
			   regs->rsi);
}

SYSCALL_DECLARE(mkdirat)
{
	return path_change(regs->rdi, (const char __user *)regs->rsi, OP_MKDIR,
			   regs->rdx);
}

SYSCALL_DECLARE(unlink)
{
	return path_change(AT_FDCWD, (const char __user *)regs->rdi, OP_UNLINK,
			   0);
}

SYSCALL_DECLARE(rmdir)
{
	return path_change(AT_FDCWD, (const char __user *)regs->rdi, OP_RMDIR,
			   0);
}

SYSCALL_DECLARE(unlinkat)
{
	int flags = regs->rdx;

	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	return path_change(regs->rdi, (const char __user *)regs->rsi,
			   flags & AT_REMOVEDIR ? OP_RMDIR : OP_UNLINK, 0);
}

SYSCALL_DECLARE(truncate)
{
	return path_change(AT_FDCWD, (const char __user *)regs->rdi,
			   OP_TRUNCATE, regs->rsi);
}

SYSCALL_DECLARE(chmod)
{
	return path_change(AT_FDCWD, (const char __user *)regs->rdi, OP_CHMOD,
			   regs->rsi);
}

SYSCALL_DECLARE(fchmodat)
{
	return path_change(regs->rdi, (const char __user *)regs->rsi, OP_CHMOD,
			   regs->rdx);
}

static long do_renameat2(int olddirfd, const char __user *oldpath,
			 int newdirfd, const char __user *newpath,
			 unsigned int flags)
{
	struct fs_lookup *from, *to;
	bool tmp_from, tmp_to;
	int ret;

	if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT))
		return -EINVAL;
	if ((flags & RENAME_EXCHANGE) &&
	    (flags & (RENAME_NOREPLACE | RENAME_WHITEOUT)))
		return -EINVAL;
	from = fs_lookup_new(olddirfd, oldpath, &ret);
	if (!from)
		return ret;
	to = fs_lookup_new(newdirfd, newpath, &ret);
	if (!to)
		goto out;
	tmp_from = tmpfs_owns(from->path);
	tmp_to = tmpfs_owns(to->path);
	if (tmp_from != tmp_to)
		ret = -EXDEV;
	else if (!tmp_from && pseudofs_owns(from->path))
		ret = ro_error(from->path, RO_PARENT);
	else if (!tmp_from && pseudofs_owns(to->path))
		ret = ro_error(to->path, RO_PARENT);
	else if (!tmp_from)
		ret = fs_storage_rename(from->path, to->path, flags);
	else if (flags & (RENAME_EXCHANGE | RENAME_WHITEOUT))
		ret = -EINVAL;	/* tmpfs here takes NOREPLACE only */
	else
		ret = tmpfs_rename(from->path, to->path, flags);
	kfree(to);
out:
	kfree(from);
	return ret;
}

SYSCALL_DECLARE(rename)
{
	return do_renameat2(AT_FDCWD, (const char __user *)regs->rdi,
			    AT_FDCWD, (const char __user *)regs->rsi, 0);
}

SYSCALL_DECLARE(renameat)
{
	return do_renameat2(regs->rdi, (const char __user *)regs->rsi,
			    regs->rdx, (const char __user *)regs->r10, 0);
}

SYSCALL_DECLARE(renameat2)
{
	return do_renameat2(regs->rdi, (const char __user *)regs->rsi,
			    regs->rdx, (const char __user *)regs->r10,
			    regs->r8);
}

SYSCALL_DECLARE(ftruncate)
{
	struct ufile *f = fd_get(current_files(), regs->rdi);
	long ret;

	if (IS_ERR(f))
		return PTR_ERR(f);
	if (f->flags & O_PATH)
		ret = -EBADF;
	else if (f->ops->truncate)
		ret = f->ops->truncate(f, regs->rsi);
	else
		ret = -EINVAL;	/* no other regular file is writable */
	ufile_put(f);
	return ret;
}

SYSCALL_DECLARE(fchmod)
{
	struct ufile *f = fd_get(current_files(), regs->rdi);
	long ret;

	if (IS_ERR(f))
		return PTR_ERR(f);
	if (f->flags & O_PATH)
		ret = -EBADF;
	else if (f->ops->chmod)
		ret = f->ops->chmod(f, regs->rsi);
	else
		ret = -EROFS;
	ufile_put(f);
	return ret;
}

/*
 * fsync, fdatasync: tmpfs data is as durable as it gets once written;
 * a storage file waits for the storage node's P2S_FSYNC (the fsync op).
 * O_PATH: -EBADF.
 */
static long do_fsync(int fd)
{
	struct ufile *f = fd_get(current_files(), fd);
	long ret;

	if (IS_ERR(f))
		return PTR_ERR(f);
	ret = f->flags & O_PATH ? -EBADF : 0;
	if (!ret && !(f->ops->fmode & UFILE_FMODE_FSYNC))
		ret = -EINVAL;	/* streams, pipes: as on Linux */
	if (!ret && f->ops->fsync)
		ret = f->ops->fsync(f);
	ufile_put(f);
	return ret;
}

SYSCALL_DECLARE(fsync)
{
	return do_fsync(regs->rdi);
}

SYSCALL_DECLARE(fdatasync)
{
	return do_fsync(regs->rdi);
}
