/* SPDX-License-Identifier: GPL-2.0 */
/*
 * System calls that change names, sizes and modes: mkdir(at),
 * unlink(at), rmdir, rename(at/at2), truncate, ftruncate, chmod,
 * fchmod(at), fsync and fdatasync.  Only tmpfs (/tmp, /dev/shm; tmpfs.c)
 * takes changes; the storage tree and the pseudo files are read-only:
 * once the name resolves as far as Linux looks before it asks the mount
 * for write access, the answer is -EROFS (mkdir of an existing name is
 * -EEXIST first, a missing parent -ENOENT; truncate and chmod look the
 * name itself up first).  rename between tmpfs and anything else, or
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

enum ro_op {
	RO_CREATE,	/* mkdir: -EEXIST before -EROFS */
	RO_PARENT,	/* unlink, rmdir, rename: the parent must exist */
	RO_NAME,	/* truncate, chmod: the name itself must exist */
};

/* The error of changing @path outside tmpfs (see the file comment). */
static int ro_error(char *path, enum ro_op op)
{
	struct p2s_open_reply reply;
	struct uapi_stat st;
	char *slash;
	int ret;

	if (pseudofs_owns(path)) {
		struct fs_lookup *lk = kmalloc(sizeof(*lk), GFP_KERNEL);

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
	if (op != RO_PARENT) {
		ret = fs_storage_open(path, 0, &reply);
		if (op == RO_CREATE && !ret)
			return -EEXIST;
		if (op == RO_NAME)
			return ret ? ret : -EROFS;
	}
	fs_path_strip_slash(path);
	slash = strrchr(path, '/');
	if (!slash)
		return -ENOENT;
	slash[slash == path ? 1 : 0] = '\0';
	ret = fs_storage_open(path, P2S_OPEN_DIRECTORY, &reply);
	return ret == -ENOENT || ret == -ENOTDIR ? ret : -EROFS;
}

/* Resolve @upath against @dirfd into a new lookup: NULL and *@err. */
static struct fs_lookup *lookup_path(int dirfd, const char __user *upath,
				     int *err)
{
	struct fs_lookup *lk = kmalloc(sizeof(*lk), GFP_KERNEL);

	*err = -ENOMEM;
	if (!lk)
		return NULL;
	*err = fs_lookup_user(lk, dirfd, upath);
	if (!*err && !lk->len)
		*err = -ENOENT;
	if (*err) {
		kfree(lk);
		return NULL;
	}
	return lk;
}

static long do_mkdirat(int dirfd, const char __user *upath, u32 mode)
{
	struct fs_lookup *lk;
	int ret;

	lk = lookup_path(dirfd, upath, &ret);
	if (!lk)
		return ret;
	if (tmpfs_owns(lk->path))
		ret = tmpfs_mkdir(lk->path, mode);
	else
		ret = ro_error(lk->path, RO_CREATE);
	kfree(lk);
	return ret;
}

SYSCALL_DECLARE(mkdir)
{
	return do_mkdirat(AT_FDCWD, (const char __user *)regs->rdi, regs->rsi);
}

SYSCALL_DECLARE(mkdirat)
{
	return do_mkdirat(regs->rdi, (const char __user *)regs->rsi, regs->rdx);
}

static long do_unlinkat(int dirfd, const char __user *upath, bool dir)
{
	struct fs_lookup *lk;
	int ret;

	lk = lookup_path(dirfd, upath, &ret);
	if (!lk)
		return ret;
	if (tmpfs_owns(lk->path))
		ret = tmpfs_unlink(lk->path, dir);
	else
		ret = ro_error(lk->path, RO_PARENT);
	kfree(lk);
	return ret;
}

SYSCALL_DECLARE(unlink)
{
	return do_unlinkat(AT_FDCWD, (const char __user *)regs->rdi, false);
}

SYSCALL_DECLARE(rmdir)
{
	return do_unlinkat(AT_FDCWD, (const char __user *)regs->rdi, true);
}

SYSCALL_DECLARE(unlinkat)
{
	int flags = regs->rdx;

	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	return do_unlinkat(regs->rdi, (const char __user *)regs->rsi,
			   flags & AT_REMOVEDIR);
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
	from = lookup_path(olddirfd, oldpath, &ret);
	if (!from)
		return ret;
	to = lookup_path(newdirfd, newpath, &ret);
	if (!to)
		goto out;
	tmp_from = tmpfs_owns(from->path);
	tmp_to = tmpfs_owns(to->path);
	if (tmp_from != tmp_to)
		ret = -EXDEV;
	else if (!tmp_from)
		ret = ro_error(from->path, RO_PARENT);
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

SYSCALL_DECLARE(truncate)
{
	struct fs_lookup *lk;
	int ret;

	lk = lookup_path(AT_FDCWD, (const char __user *)regs->rdi, &ret);
	if (!lk)
		return ret;
	if (tmpfs_owns(lk->path))
		ret = tmpfs_truncate(lk->path, regs->rsi);
	else if ((s64)regs->rsi < 0)
		ret = -EINVAL;
	else
		ret = ro_error(lk->path, RO_NAME);
	kfree(lk);
	return ret;
}

SYSCALL_DECLARE(ftruncate)
{
	struct ufile *f = fd_get(current_files(), regs->rdi);
	long ret;

	if (IS_ERR(f))
		return PTR_ERR(f);
	if (f->flags & O_PATH)
		ret = -EBADF;
	else if (f->kind == UFILE_TMPFS)
		ret = tmpfs_ftruncate(f, regs->rsi);
	else
		ret = -EINVAL;	/* no other regular file is writable */
	ufile_put(f);
	return ret;
}

static long do_fchmodat(int dirfd, const char __user *upath, u32 mode)
{
	struct fs_lookup *lk;
	int ret;

	lk = lookup_path(dirfd, upath, &ret);
	if (!lk)
		return ret;
	if (tmpfs_owns(lk->path))
		ret = tmpfs_chmod(lk->path, mode);
	else
		ret = ro_error(lk->path, RO_NAME);
	kfree(lk);
	return ret;
}

SYSCALL_DECLARE(chmod)
{
	return do_fchmodat(AT_FDCWD, (const char __user *)regs->rdi, regs->rsi);
}

SYSCALL_DECLARE(fchmodat)
{
	return do_fchmodat(regs->rdi, (const char __user *)regs->rsi,
			   regs->rdx);
}

SYSCALL_DECLARE(fchmod)
{
	struct ufile *f = fd_get(current_files(), regs->rdi);
	long ret;

	if (IS_ERR(f))
		return PTR_ERR(f);
	if (f->kind == UFILE_TMPFS)
		ret = tmpfs_fchmod(f, regs->rsi);
	else if (f->flags & O_PATH)
		ret = -EBADF;
	else
		ret = -EROFS;
	ufile_put(f);
	return ret;
}

/*
 * fsync, fdatasync: tmpfs data is as durable as it gets once written,
 * the storage tree is read-only; nothing to wait for.  O_PATH: -EBADF.
 */
static long do_fsync(int fd)
{
	struct ufile *f = fd_get(current_files(), fd);
	long ret;

	if (IS_ERR(f))
		return PTR_ERR(f);
	ret = f->flags & O_PATH ? -EBADF : 0;
	if (!ret && f->kind != UFILE_TMPFS && f->kind != UFILE_STORAGE &&
	    f->kind != UFILE_PSEUDO)
		ret = -EINVAL;	/* the standard streams: pipes to Linux */
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
