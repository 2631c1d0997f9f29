/* SPDX-License-Identifier: GPL-2.0 */
/*
 * System calls that add names or change owners, times and durability:
 * link(at), symlink(at), chown, fchown, lchown, fchownat, utimensat
 * (futimens), utimes, utime, sync, syncfs and fallocate.  The storage
 * node's files take them (fs_write.c: P2S_LINK, SYMLINK, SETATTR,
 * FSYNC); mkdir, unlink, rename, truncate and chmod are tmpfs_sys.c's,
 * open(O_CREAT) sys_file.c's.
 *
 * tmpfs (tmpfs.c) takes owner and time changes (tmpfs_setattr()) but
 * has no hard links or symlinks: those calls on a tmpfs name log once
 * and return -ENOSYS; the pseudo
 * files are read-only (-EROFS once the name resolves); a link between
 * two of the trees is -EXDEV.  fallocate is -EOPNOTSUPP for every file
 * (the storage node has no op for it; glibc's posix_fallocate then
 * writes zeroes itself), logged once.
 */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <uapi/fcntl.h>
#include <uapi/stat.h>
#include <uapi/time.h>

#include "internal.h"
#include "fs.h"

#define ATTR_AT_FLAGS	(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)
#define LINKAT_FLAGS	AT_SYMLINK_FOLLOW

/* Which tree serves a resolved path. */
enum fs_tree { TREE_STORAGE, TREE_TMPFS, TREE_PSEUDO };

static enum fs_tree path_tree(const char *path)
{
	if (tmpfs_owns(path))
		return TREE_TMPFS;
	return pseudofs_owns(path) ? TREE_PSEUDO : TREE_STORAGE;
}

/* The error of a change a pseudo file cannot take: -ENOENT or -EROFS. */
static int pseudo_change_error(struct fs_lookup *lk, bool follow)
{
	struct uapi_stat st;
	int ret = pseudofs_stat(lk, !follow, &st);

	return ret == -ENOENT || ret == -ENOTDIR ? ret : -EROFS;
}

/* The working directory into @lk (AT_FDCWD with AT_EMPTY_PATH). */
static void lookup_cwd(struct fs_lookup *lk)
{
	struct fd_table *t = current_files();

	spin_lock(&t->lock);
	strscpy(lk->path, t->cwd, sizeof(lk->path));
	spin_unlock(&t->lock);
	lk->len = strlen(lk->path);
}

/* ------------------------------------------------------ owners and times */

/* fchown, futimens, the AT_EMPTY_PATH cases: the open file's setattr op. */
static long attr_fd(int fd, const struct ufile_attr *a, bool allow_path)
{
	struct ufile *f = fd_get(current_files(), fd);
	long ret;

	if (IS_ERR(f))
		return PTR_ERR(f);
	if ((f->flags & O_PATH) && !allow_path) {
		ret = -EBADF;
	} else if (f->ops->setattr) {
		ret = f->ops->setattr(f, a);
	} else {
		printk_once(KERN_INFO "files: owner/time changes of %s files not supported: -ENOSYS\n",
			    f->ops->name);
		ret = -ENOSYS;
	}
	ufile_put(f);
	return ret;
}

/* The change @a of @dirfd + @upath (AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH). */
static long attr_at(int dirfd, const char __user *upath, int flags,
		    const struct ufile_attr *a)
{
	struct fs_lookup *lk = kmalloc(sizeof(*lk), GFP_KERNEL);
	bool follow = !(flags & AT_SYMLINK_NOFOLLOW);
	long ret;

	if (!lk)
		return -ENOMEM;
	ret = fs_lookup_user(lk, dirfd, upath);
	if (!ret && !lk->len) {
		if (!(flags & AT_EMPTY_PATH))
			ret = -ENOENT;
		else if (dirfd != AT_FDCWD)
			ret = attr_fd(dirfd, a, true);
		else
			lookup_cwd(lk);
		if (ret || dirfd != AT_FDCWD)
			goto out;
	}
	if (ret)
		goto out;
	switch (path_tree(lk->path)) {
	case TREE_TMPFS:
		ret = tmpfs_setattr(lk->path, a);
		break;
	case TREE_PSEUDO:
		ret = pseudo_change_error(lk, follow);
		break;
	case TREE_STORAGE:
		ret = fs_storage_setattr(lk->path, follow, a);
		break;
	}
out:
	kfree(lk);
	return ret;
}

/* The P2S_ATTR_UID/GID change of chown(@uid, @gid); -1 keeps one. */
static void chown_attr(struct ufile_attr *a, u32 uid, u32 gid)
{
	memset(a, 0, sizeof(*a));
	if (uid != (u32)-1) {
		a->valid |= P2S_ATTR_UID;
		a->uid = uid;
	}
	if (gid != (u32)-1) {
		a->valid |= P2S_ATTR_GID;
		a->gid = gid;
	}
}

SYSCALL_DECLARE(chown)
{
	struct ufile_attr a;

	chown_attr(&a, regs->rsi, regs->rdx);
	return attr_at(AT_FDCWD, (const char __user *)regs->rdi, 0, &a);
}

SYSCALL_DECLARE(lchown)
{
	struct ufile_attr a;

	chown_attr(&a, regs->rsi, regs->rdx);
	return attr_at(AT_FDCWD, (const char __user *)regs->rdi,
		       AT_SYMLINK_NOFOLLOW, &a);
}

SYSCALL_DECLARE(fchown)
{
	struct ufile_attr a;

	chown_attr(&a, regs->rsi, regs->rdx);
	return attr_fd(regs->rdi, &a, false);
}

SYSCALL_DECLARE(fchownat)
{
	struct ufile_attr a;

	if (regs->r8 & ~ATTR_AT_FLAGS)
		return -EINVAL;
	chown_attr(&a, regs->r10, regs->rdx);
	return attr_at(regs->rdi, (const char __user *)regs->rsi, regs->r8,
		       &a);
}

/*
 * The time @which (P2S_ATTR_ATIME or MTIME) of @ts into @a: UTIME_NOW
 * is this processor's clock, UTIME_OMIT leaves it.  0 or -EINVAL.
 */
static int utime_one(struct ufile_attr *a, const struct uapi_timespec *ts,
		     u32 which, u64 now)
{
	s64 sec = ts->tv_sec, nsec = ts->tv_nsec;

	if (nsec == UTIME_OMIT)
		return 0;
	if (nsec == UTIME_NOW) {
		sec = now / NSEC_PER_SEC;
		nsec = now % NSEC_PER_SEC;
	} else if (nsec < 0 || nsec >= (s64)NSEC_PER_SEC) {
		return -EINVAL;
	}
	/* The wire carries 0 .. 2^34-1 (P2S): clamp as Linux clamps to ext4. */
	sec = clamp(sec, (s64)0, (s64)(1LL << 34) - 1);
	a->valid |= which;
	if (which == P2S_ATTR_ATIME) {
		a->atime_sec = sec;
		a->atime_nsec = nsec;
	} else {
		a->mtime_sec = sec;
		a->mtime_nsec = nsec;
	}
	return 0;
}

/* utimensat with @ts (NULL: both now) already in kernel memory. */
static long do_utimens(int dirfd, const char __user *upath,
		       const struct uapi_timespec *ts, int flags)
{
	static const struct uapi_timespec now2[2] = {
		{ .tv_nsec = UTIME_NOW }, { .tv_nsec = UTIME_NOW },
	};
	struct ufile_attr a;
	u64 now = realtime_ns();
	int ret;

	if (flags & ~ATTR_AT_FLAGS)
		return -EINVAL;
	memset(&a, 0, sizeof(a));
	if (!ts)
		ts = now2;
	a.times_now = ts[0].tv_nsec == UTIME_NOW && ts[1].tv_nsec == UTIME_NOW;
	ret = utime_one(&a, &ts[0], P2S_ATTR_ATIME, now);
	if (!ret)
		ret = utime_one(&a, &ts[1], P2S_ATTR_MTIME, now);
	if (ret)
		return ret;
	/* utimensat(fd, NULL, ...): futimens, the descriptor itself. */
	if (!upath)
		return flags & AT_SYMLINK_NOFOLLOW ? -EINVAL :
		       attr_fd(dirfd, &a, false);
	return attr_at(dirfd, upath, flags, &a);
}

SYSCALL_DECLARE(utimensat)
{
	const void __user *uts = (const void __user *)regs->rdx;
	struct uapi_timespec ts[2];

	if (uts && copy_from_user(ts, uts, sizeof(ts)))
		return -EFAULT;
	return do_utimens(regs->rdi, (const char __user *)regs->rsi,
			  uts ? ts : NULL, regs->r10);
}

SYSCALL_DECLARE(utimes)
{
	const void __user *utv = (const void __user *)regs->rsi;
	struct uapi_timeval tv[2];
	struct uapi_timespec ts[2];

	if (utv) {
		if (copy_from_user(tv, utv, sizeof(tv)))
			return -EFAULT;
		for (int i = 0; i < 2; i++) {
			if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
				return -EINVAL;
			ts[i].tv_sec = tv[i].tv_sec;
			ts[i].tv_nsec = tv[i].tv_usec * 1000;
		}
	}
	return do_utimens(AT_FDCWD, (const char __user *)regs->rdi,
			  utv ? ts : NULL, 0);
}

SYSCALL_DECLARE(utime)
{
	const void __user *ubuf = (const void __user *)regs->rsi;
	struct uapi_timespec ts[2];
	s64 times[2];		/* struct utimbuf: actime, modtime */

	if (ubuf) {
		if (copy_from_user(times, ubuf, sizeof(times)))
			return -EFAULT;
		for (int i = 0; i < 2; i++) {
			ts[i].tv_sec = times[i];
			ts[i].tv_nsec = 0;
		}
	}
	return do_utimens(AT_FDCWD, (const char __user *)regs->rdi,
			  ubuf ? ts : NULL, 0);
}

/* ------------------------------------------------------ new names */

static long do_linkat(int olddirfd, const char __user *oldpath,
		      int newdirfd, const char __user *newpath, int flags)
{
	struct fs_lookup *from, *to;
	enum fs_tree tf, tt;
	int ret;

	if (flags & ~LINKAT_FLAGS)
		return -EINVAL;
	from = fs_lookup_new(olddirfd, oldpath, &ret);
	if (!from)
		return ret;
	to = fs_lookup_new(newdirfd, newpath, &ret);
	if (!to)
		goto out;
	tf = path_tree(from->path);
	tt = path_tree(to->path);
	if (tf != tt) {
		ret = -EXDEV;
	} else if (tf == TREE_TMPFS) {
		printk_once(KERN_INFO "files: hard links in tmpfs not supported: -ENOSYS\n");
		ret = -ENOSYS;
	} else if (tf == TREE_PSEUDO) {
		ret = pseudo_change_error(from, false);
	} else {
		ret = fs_storage_link(from->path, to->path,
				      flags & AT_SYMLINK_FOLLOW);
	}
	kfree(to);
out:
	kfree(from);
	return ret;
}

SYSCALL_DECLARE(link)
{
	return do_linkat(AT_FDCWD, (const char __user *)regs->rdi, AT_FDCWD,
			 (const char __user *)regs->rsi, 0);
}

SYSCALL_DECLARE(linkat)
{
	return do_linkat(regs->rdi, (const char __user *)regs->rsi, regs->rdx,
			 (const char __user *)regs->r10, regs->r8);
}

static long do_symlinkat(const char __user *utarget, int newdirfd,
			 const char __user *linkpath)
{
	struct fs_lookup *lk;
	char *target;
	long n;
	int ret;

	target = kmalloc(FS_PATH_MAX, GFP_KERNEL);
	if (!target)
		return -ENOMEM;
	n = strncpy_from_user(target, utarget, FS_PATH_MAX);
	ret = n < 0 ? n : n == FS_PATH_MAX ? -ENAMETOOLONG : !n ? -ENOENT : 0;
	if (ret)
		goto out;
	lk = fs_lookup_new(newdirfd, linkpath, &ret);
	if (!lk)
		goto out;
	switch (path_tree(lk->path)) {
	case TREE_TMPFS:
		printk_once(KERN_INFO "files: symlinks in tmpfs not supported: -ENOSYS\n");
		ret = -ENOSYS;
		break;
	case TREE_PSEUDO:
		ret = pseudo_change_error(lk, false);
		ret = ret ? ret : -EEXIST;
		break;
	case TREE_STORAGE:
		ret = fs_storage_symlink(target, lk->path);
		break;
	}
	kfree(lk);
out:
	kfree(target);
	return ret;
}

SYSCALL_DECLARE(symlink)
{
	return do_symlinkat((const char __user *)regs->rdi, AT_FDCWD,
			    (const char __user *)regs->rsi);
}

SYSCALL_DECLARE(symlinkat)
{
	return do_symlinkat((const char __user *)regs->rdi, regs->rsi,
			    (const char __user *)regs->rdx);
}

/* ------------------------------------------------------ durability */

SYSCALL_DECLARE(sync)
{
	/* sync(2) cannot fail; a storage node that is gone has nothing. */
	fs_storage_sync();
	return 0;
}

SYSCALL_DECLARE(syncfs)
{
	struct ufile *f = fd_get(current_files(), regs->rdi);
	long ret = 0;

	if (IS_ERR(f))
		return PTR_ERR(f);
	/* A storage file's fsync flushes its whole file system. */
	if (f->ops->fsync && !(f->flags & O_PATH))
		ret = f->ops->fsync(f);
	else if (f->flags & O_PATH)
		ret = -EBADF;
	ufile_put(f);
	return ret;
}

SYSCALL_DECLARE(fallocate)
{
	struct ufile *f = fd_get(current_files(), regs->rdi);
	s64 off = regs->rdx, len = regs->r10;
	long ret;

	if (IS_ERR(f))
		return PTR_ERR(f);
	/* Linux's order: the range, the access mode, the kind of file. */
	if (off < 0 || len <= 0) {
		ret = -EINVAL;
	} else if ((f->flags & O_PATH) ||
		   (f->flags & O_ACCMODE) == O_RDONLY) {
		ret = -EBADF;
	} else if ((f->mode & S_IFMT) == S_IFDIR) {
		ret = -EISDIR;
	} else if (!(f->ops->fmode & UFILE_FMODE_POS)) {
		ret = -ESPIPE;
	} else {
		printk_once(KERN_INFO "files: fallocate not supported (no storage op): -EOPNOTSUPP\n");
		ret = -EOPNOTSUPP;
	}
	ufile_put(f);
	return ret;
}
