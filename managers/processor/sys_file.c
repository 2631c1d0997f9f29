/* SPDX-License-Identifier: GPL-2.0 */
/*
 * System calls on names and descriptors: openat/open/creat, close, fstat,
 * newfstatat/stat/lstat, readlink(at), access/faccessat(2), getcwd,
 * chdir, fchdir, dup/dup2/dup3 and fcntl.  Data moves in sys_io.c;
 * the descriptor table, path lookup and the storage client are fs.c's.
 *
 * Every name is resolved here to an absolute path (fs_path.c, lexical
 * "." and "..") and looked up by the storage node with P2S_OPEN, which
 * returns the attributes too, so stat and access cost one round trip
 * and nothing stays open.  O_CREAT of a missing name is P2S_CREATE
 * (fs_write.c), O_TRUNC of an existing regular file P2S_TRUNCATE; a
 * read-only image answers both -EROFS.  O_TMPFILE is -EOPNOTSUPP on
 * the storage node (its service has no unnamed files) and an unnamed
 * file in tmpfs (tmpfs.c).  Permission checks are root's, as
 * processes run as uid 0: reading and writing are always allowed
 * (access(W_OK) asks the storage node whether it takes writes at all:
 * -EROFS for a read-only image), X_OK needs an execute bit (or a
 * directory).  Names under /tmp and /dev/shm are tmpfs.c's (asked
 * first: writable, see tmpfs_sys.c for the calls that change names),
 * under /dev, /proc and /sys pseudofs.c's (no round trip), unless a
 * symlink there leads back to a storage path.
 */
#include <fit/fit_wire.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <uapi/fcntl.h>
#include <uapi/stat.h>

#include "internal.h"
#include "cred.h"
#include "fs.h"

/* Open flags that F_GETFL never reports. */
#define OPEN_ONLY_FLAGS		(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | \
				 O_CLOEXEC)
#define OPEN_PATH_FLAGS		(O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
#define FSTATAT_FLAGS		(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | \
				 AT_NO_AUTOMOUNT)
#define FACCESSAT_FLAGS		(AT_EACCESS | AT_SYMLINK_NOFOLLOW | \
				 AT_EMPTY_PATH)

static bool mode_is(u32 mode, u32 type)
{
	return (mode & S_IFMT) == type;
}

static struct fs_lookup *lookup_alloc(void)
{
	return kmalloc(sizeof(struct fs_lookup), GFP_KERNEL);
}

struct fs_lookup *fs_lookup_new(int dirfd, const char __user *upath,
				int *err)
{
	struct fs_lookup *lk = lookup_alloc();

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

/*
 * The storage half of open: what Linux checks of an existing name
 * @mode (just made by O_CREAT if @created), then O_TRUNC.
 */
static long open_storage_checks(u32 flags, u32 mode, bool created,
				struct p2s_open_reply *reply)
{
	bool writing = (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC);
	long ret;

	if (flags & O_PATH)
		return 0;
	if (!created && (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;
	if (mode_is(mode, S_IFLNK))
		return -ELOOP;
	if (mode_is(mode, S_IFDIR) && (writing || (flags & O_CREAT)))
		return -EISDIR;
	/* Linux refuses write access to a read-only mount at open. */
	if (writing && !created && mode_is(mode, S_IFREG)) {
		ret = fs_storage_may_write(&reply->fh);
		if (ret)
			return ret;
	}
	/* Even an empty file: its set-id bits go (the storage node's). */
	if ((flags & O_TRUNC) && !created && mode_is(mode, S_IFREG) &&
	    (fit_get_le64(&reply->st.size) || (mode & (S_ISUID | S_ISGID)))) {
		ret = fs_storage_truncate_fh(&reply->fh, 0);
		if (ret)
			return ret;
		fit_put_le64(&reply->st.size, 0);
	}
	return 0;
}

/* The access an open with @flags needs: P2S_OPEN_READ, _WRITE. */
static u8 open_access(u32 flags)
{
	u8 p2s_flags = 0;

	if ((flags & O_ACCMODE) != O_WRONLY)
		p2s_flags |= P2S_OPEN_READ;
	if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC))
		p2s_flags |= P2S_OPEN_WRITE;
	return p2s_flags;
}

static long do_openat(int dirfd, const char __user *upath, u32 flags,
		      u32 mode)
{
	struct fd_table *t = current_files();
	struct p2s_open_reply reply;
	struct fs_lookup *lk;
	bool created = false;
	struct ufile *f;
	u8 p2s_flags = 0;
	long ret;

	if (flags & O_PATH)
		flags &= OPEN_PATH_FLAGS;
	/* Linux's build_open_flags(): O_TMPFILE with O_DIRECTORY, to write. */
	if ((flags & __O_TMPFILE) &&
	    ((flags & (__O_TMPFILE | O_DIRECTORY | O_CREAT)) !=
	     (__O_TMPFILE | O_DIRECTORY) || (flags & O_ACCMODE) == O_RDONLY))
		return -EINVAL;
	lk = lookup_alloc();
	if (!lk)
		return -ENOMEM;
	ret = fs_lookup_user(lk, dirfd, upath);
	if (!ret && !lk->len)
		ret = -ENOENT;
	if (ret)
		goto out;
	if (flags & O_NOFOLLOW)
		p2s_flags |= P2S_OPEN_NOFOLLOW;
	if (flags & O_DIRECTORY)
		p2s_flags |= P2S_OPEN_DIRECTORY;
	/* A regular file is referenced until its last close (fs.c). */
	p2s_flags |= P2S_OPEN_REF;
	/* O_EXCL: an existing name is -EEXIST, whatever its permissions. */
	if (!(flags & O_PATH) &&
	    (flags & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL))
		p2s_flags |= open_access(flags);
	if (!tmpfs_owns(lk->path) && pseudofs_owns(lk->path)) {
		ret = pseudofs_open(lk, flags, &f);
		if (!ret) {
			f->flags = (flags & ~OPEN_ONLY_FLAGS) | O_LARGEFILE;
			goto install;
		}
		if (ret != PSEUDO_ESCAPED)
			goto out;
	}
	/* Named, or reached through /proc/self/fd/N. */
	if (tmpfs_owns(lk->path)) {
		ret = tmpfs_open(lk->path, flags, mode, &f);
		if (ret)
			goto out;
		f->flags = (flags & ~OPEN_ONLY_FLAGS) | O_LARGEFILE;
		goto install;
	}
	if ((flags & __O_TMPFILE) && !(flags & O_PATH)) {
		printk_once(KERN_INFO "files: O_TMPFILE on the storage node not supported: -EOPNOTSUPP\n");
		ret = -EOPNOTSUPP;
		goto out;
	}
	ret = fs_storage_open(lk->path, p2s_flags, &reply);
	if (ret == -ENOENT && (flags & O_CREAT) && !(flags & O_PATH)) {
		ret = fs_storage_create(lk->path, flags, mode, &reply);
		created = true;
	}
	if (ret)
		goto out;
	ret = open_storage_checks(flags, fit_get_le32(&reply.st.mode),
				  created, &reply);
	f = NULL;
	if (!ret)
		f = fs_storage_ufile(lk->path, lk->len, &reply,
				     (flags & ~OPEN_ONLY_FLAGS) | O_LARGEFILE);
	if (!f) {
		if (mode_is(fit_get_le32(&reply.st.mode), S_IFREG))
			fs_storage_close(&reply.fh);
		ret = ret ? ret : -ENOMEM;
		goto out;
	}
install:
	ret = fd_install(t, f, 0, flags & O_CLOEXEC);
	if (ret < 0)
		ufile_put(f);
out:
	kfree(lk);
	return ret;
}

SYSCALL_DECLARE(openat)
{
	return do_openat(regs->rdi, (const char __user *)regs->rsi, regs->rdx,
			 regs->r10);
}

SYSCALL_DECLARE(open)
{
	return do_openat(AT_FDCWD, (const char __user *)regs->rdi, regs->rsi,
			 regs->rdx);
}

SYSCALL_DECLARE(creat)
{
	return do_openat(AT_FDCWD, (const char __user *)regs->rdi,
			 O_CREAT | O_WRONLY | O_TRUNC, regs->rsi);
}

SYSCALL_DECLARE(close)
{
	return fd_close(current_files(), regs->rdi);
}

/* ------------------------------------------------------------ stat */

static int stat_fd(int fd, struct uapi_stat *st)
{
	struct ufile *f = fd_get(current_files(), fd);

	if (IS_ERR(f))
		return PTR_ERR(f);
	f->ops->fstat(f, st);
	ufile_put(f);
	return 0;
}

/*
 * The attributes of @dirfd + @upath (the AT_EMPTY_PATH case excluded):
 * P2S_OPEN does the lookup and returns them; a pseudo or tmpfs file's
 * are in *@pseudo_st instead, with *@pseudo set (and *@tmp for tmpfs).
 */
static int lookup_attrs(int dirfd, const char __user *upath, bool nofollow,
			struct p2s_open_reply *reply, bool *empty,
			struct uapi_stat *pseudo_st, bool *pseudo, bool *tmp)
{
	struct fs_lookup *lk = lookup_alloc();
	int ret;

	*pseudo = *tmp = false;
	if (!lk)
		return -ENOMEM;
	ret = fs_lookup_user(lk, dirfd, upath);
	*empty = !ret && !lk->len;
	if (!ret && !*empty && !tmpfs_owns(lk->path) &&
	    pseudofs_owns(lk->path)) {
		ret = pseudofs_stat(lk, nofollow, pseudo_st);
		*pseudo = !ret;
		if (ret == PSEUDO_ESCAPED)
			ret = 0;
		else
			goto out;
	}
	if (!ret && !*empty && tmpfs_owns(lk->path)) {
		ret = tmpfs_stat(lk->path, pseudo_st);
		*pseudo = *tmp = !ret;
		goto out;
	}
	if (!ret && !*empty)
		ret = fs_storage_open(lk->path, nofollow ? P2S_OPEN_NOFOLLOW : 0,
				      reply);
out:
	kfree(lk);
	return ret;
}

/*
 * The attributes of the cwd (AT_FDCWD with AT_EMPTY_PATH): in *@reply,
 * or for a tmpfs cwd in *@st with *@tmp set.
 */
static int cwd_attrs(struct p2s_open_reply *reply, struct uapi_stat *st,
		     bool *tmp)
{
	struct fd_table *t = current_files();
	char *cwd = kmalloc(FS_PATH_MAX, GFP_KERNEL);
	int ret;

	if (!cwd)
		return -ENOMEM;
	spin_lock(&t->lock);
	memcpy(cwd, t->cwd, FS_PATH_MAX);
	spin_unlock(&t->lock);
	*tmp = tmpfs_owns(cwd);
	if (*tmp)
		ret = tmpfs_stat(cwd, st);
	else
		ret = fs_storage_open(cwd, 0, reply);
	kfree(cwd);
	return ret;
}

int fs_stat_at(int dirfd, const char __user *upath, int flags,
	       struct uapi_stat *st)
{
	struct p2s_open_reply reply;
	bool empty, pseudo, tmp;
	int ret;

	ret = lookup_attrs(dirfd, upath, flags & AT_SYMLINK_NOFOLLOW, &reply,
			   &empty, st, &pseudo, &tmp);
	if (!ret && empty) {
		if (!(flags & AT_EMPTY_PATH))
			return -ENOENT;
		if (dirfd != AT_FDCWD)
			return stat_fd(dirfd, st);
		ret = cwd_attrs(&reply, st, &pseudo);
	}
	if (ret)
		return ret;
	if (!pseudo)
		fs_stat_from_p2s(&reply.st, st);
	return 0;
}

/* @ret, or (if 0) the result of copying @st to @ubuf. */
static long stat_copy_out(int ret, const struct uapi_stat *st,
			  struct uapi_stat __user *ubuf)
{
	if (ret)
		return ret;
	return copy_to_user(ubuf, st, sizeof(*st)) ? -EFAULT : 0;
}

static long do_fstatat(int dirfd, const char __user *upath,
		       struct uapi_stat __user *ubuf, int flags)
{
	struct uapi_stat st;

	if (flags & ~FSTATAT_FLAGS)
		return -EINVAL;
	return stat_copy_out(fs_stat_at(dirfd, upath, flags, &st), &st, ubuf);
}

SYSCALL_DECLARE(fstat)
{
	struct uapi_stat st;

	return stat_copy_out(stat_fd(regs->rdi, &st), &st,
			     (struct uapi_stat __user *)regs->rsi);
}

SYSCALL_DECLARE(newfstatat)
{
	return do_fstatat(regs->rdi, (const char __user *)regs->rsi,
			  (struct uapi_stat __user *)regs->rdx, regs->r10);
}

SYSCALL_DECLARE(stat)
{
	return do_fstatat(AT_FDCWD, (const char __user *)regs->rdi,
			  (struct uapi_stat __user *)regs->rsi, 0);
}

SYSCALL_DECLARE(lstat)
{
	return do_fstatat(AT_FDCWD, (const char __user *)regs->rdi,
			  (struct uapi_stat __user *)regs->rsi,
			  AT_SYMLINK_NOFOLLOW);
}

/* ------------------------------------------------------------ readlink */

/* readlinkat(fd, ""): @fd is a symlink opened with O_PATH|O_NOFOLLOW. */
static long readlink_fd(int fd, char __user *ubuf, long bufsiz)
{
	struct ufile *f = fd_get(current_files(), fd);
	long ret = -ENOENT;

	if (IS_ERR(f))
		return fd == AT_FDCWD ? -ENOENT : PTR_ERR(f);
	if (f->ops->readlink)
		ret = f->ops->readlink(f, ubuf, bufsiz);
	ufile_put(f);
	return ret;
}

static long do_readlinkat(int dirfd, const char __user *upath,
			  char __user *ubuf, long bufsiz)
{
	struct p2s_open_reply reply;
	struct fs_lookup *lk;
	struct uapi_stat st;
	long ret;

	if (bufsiz <= 0)
		return -EINVAL;
	lk = lookup_alloc();
	if (!lk)
		return -ENOMEM;
	ret = fs_lookup_user(lk, dirfd, upath);
	if (ret)
		goto out;
	if (!lk->len) {
		ret = readlink_fd(dirfd, ubuf, bufsiz);
		goto out;
	}
	if (tmpfs_owns(lk->path)) {
		ret = tmpfs_stat(lk->path, &st);
		ret = ret ? ret : -EINVAL;	/* tmpfs has no symlinks */
		goto out;
	}
	if (pseudofs_owns(lk->path)) {
		ret = pseudofs_readlink(lk->path, ubuf, bufsiz);
		goto out;
	}
	ret = fs_storage_open(lk->path, P2S_OPEN_NOFOLLOW, &reply);
	if (ret)
		goto out;
	if (mode_is(fit_get_le32(&reply.st.mode), S_IFLNK))
		ret = fs_storage_readlink(&reply.fh, ubuf, bufsiz);
	else
		ret = -EINVAL;
out:
	kfree(lk);
	return ret;
}

SYSCALL_DECLARE(readlink)
{
	return do_readlinkat(AT_FDCWD, (const char __user *)regs->rdi,
			     (char __user *)regs->rsi, regs->rdx);
}

SYSCALL_DECLARE(readlinkat)
{
	return do_readlinkat(regs->rdi, (const char __user *)regs->rsi,
			     (char __user *)regs->rdx, regs->r10);
}

/* ------------------------------------------------------------ access */

/* @amode (R_OK, W_OK, X_OK are FSPERM_*) by the thread's fs ids. */
static int access_check(u32 mode, u32 uid, u32 gid, int amode)
{
	struct fsperm_inode i = { .mode = mode, .uid = uid, .gid = gid };
	struct fsperm_cred c;

	cred_fsperm(current_cred(), false, &c);
	return fsperm_check(&c, &i, amode);
}

/* faccessat(fd, "", AT_EMPTY_PATH): the open file's own answer. */
static int fd_access(struct ufile *f, int amode)
{
	struct uapi_stat st;
	int ret;

	if ((amode & W_OK) && f->ops->may_write) {
		ret = f->ops->may_write(f);
		if (ret)
			return ret;
	}
	f->ops->fstat(f, &st);
	return access_check(st.st_mode, st.st_uid, st.st_gid, amode);
}

static long faccessat_ids(int dirfd, const char __user *upath, int amode,
			  int flags)
{
	struct p2s_open_reply reply;
	struct uapi_stat st;
	struct ufile *f;
	bool empty, pseudo, tmp;
	u32 mode;
	int ret;

	if (amode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~FACCESSAT_FLAGS)
		return -EINVAL;
	ret = lookup_attrs(dirfd, upath, flags & AT_SYMLINK_NOFOLLOW, &reply,
			   &empty, &st, &pseudo, &tmp);
	if (!ret && empty) {
		if (!(flags & AT_EMPTY_PATH))
			return -ENOENT;
		if (dirfd == AT_FDCWD) {
			ret = cwd_attrs(&reply, &st, &tmp);
			pseudo = tmp;
		} else {
			f = fd_get(current_files(), dirfd);
			if (IS_ERR(f))
				return PTR_ERR(f);
			ret = fd_access(f, amode);
			ufile_put(f);
			return ret;
		}
	}
	if (ret)
		return ret;
	mode = pseudo ? st.st_mode : fit_get_le32(&reply.st.mode);
	/* Of the pseudo files only the devices take writes. */
	if ((amode & W_OK) && pseudo && !tmp)
		return mode_is(mode, S_IFCHR) ? 0 : -EACCES;
	/* Linux: -EROFS for files, directories and symlinks of the mount. */
	if ((amode & W_OK) && !pseudo && (mode_is(mode, S_IFREG) ||
					  mode_is(mode, S_IFDIR) ||
					  mode_is(mode, S_IFLNK))) {
		ret = fs_storage_may_write(&reply.fh);
		if (ret)
			return ret;
	}
	if (pseudo)
		return access_check(mode, st.st_uid, st.st_gid,
				    tmp ? amode : amode & ~W_OK);
	return access_check(mode, fit_get_le32(&reply.st.uid),
			    fit_get_le32(&reply.st.gid), amode);
}

/*
 * access() and faccessat() check with the real uid and gid, unless
 * AT_EACCESS: the lookups too, as Linux's override of the fs ids.
 */
static long do_faccessat(int dirfd, const char __user *upath, int amode,
			 int flags)
{
	const struct cred *saved = NULL;
	long ret;

	if (!(flags & AT_EACCESS)) {
		saved = cred_override_real();
		if (IS_ERR(saved))
			return PTR_ERR(saved);
	}
	ret = faccessat_ids(dirfd, upath, amode, flags);
	cred_revert(saved);
	return ret;
}

SYSCALL_DECLARE(access)
{
	return do_faccessat(AT_FDCWD, (const char __user *)regs->rdi,
			    regs->rsi, 0);
}

SYSCALL_DECLARE(faccessat)
{
	return do_faccessat(regs->rdi, (const char __user *)regs->rsi,
			    regs->rdx, 0);
}

SYSCALL_DECLARE(faccessat2)
{
	return do_faccessat(regs->rdi, (const char __user *)regs->rsi,
			    regs->rdx, regs->r10);
}

/* ------------------------------------------------------------ cwd */

SYSCALL_DECLARE(getcwd)
{
	struct fd_table *t = current_files();
	char __user *ubuf = (char __user *)regs->rdi;
	size_t size = regs->rsi, len;
	char *cwd = kmalloc(FS_PATH_MAX, GFP_KERNEL);
	long ret;

	if (!cwd)
		return -ENOMEM;
	spin_lock(&t->lock);
	memcpy(cwd, t->cwd, FS_PATH_MAX);
	spin_unlock(&t->lock);
	len = strlen(cwd) + 1;
	if (size < len)
		ret = -ERANGE;
	else
		ret = copy_to_user(ubuf, cwd, len) ? -EFAULT : (long)len;
	kfree(cwd);
	return ret;
}

static void set_cwd(const char *path)
{
	struct fd_table *t = current_files();

	spin_lock(&t->lock);
	strscpy(t->cwd, path, sizeof(t->cwd));
	fs_path_strip_slash(t->cwd);
	spin_unlock(&t->lock);
}

SYSCALL_DECLARE(chdir)
{
	struct p2s_open_reply reply;
	struct fs_lookup *lk = lookup_alloc();
	struct uapi_stat st;
	int ret;

	if (!lk)
		return -ENOMEM;
	ret = fs_lookup_user(lk, AT_FDCWD, (const char __user *)regs->rdi);
	if (!ret && !lk->len)
		ret = -ENOENT;
	if (!ret && tmpfs_owns(lk->path)) {
		ret = tmpfs_stat(lk->path, &st);
		if (!ret && !mode_is(st.st_mode, S_IFDIR))
			ret = -ENOTDIR;
		if (!ret)
			ret = access_check(st.st_mode, st.st_uid, st.st_gid,
					   FSPERM_EXEC);
		goto done;
	}
	if (!ret && pseudofs_owns(lk->path)) {
		ret = pseudofs_stat(lk, false, &st);
		if (!ret) {
			if (!mode_is(st.st_mode, S_IFDIR))
				ret = -ENOTDIR;
			goto done;
		}
		if (ret != PSEUDO_ESCAPED)
			goto done;
		ret = 0;
	}
	if (!ret)
		ret = fs_storage_open(lk->path, P2S_OPEN_DIRECTORY |
				      P2S_OPEN_EXEC, &reply);
done:
	if (!ret)
		set_cwd(lk->path);
	kfree(lk);
	return ret;
}

SYSCALL_DECLARE(fchdir)
{
	struct ufile *f = fd_get(current_files(), regs->rdi);
	int ret = -ENOTDIR;

	if (IS_ERR(f))
		return PTR_ERR(f);
	if (ufile_is_dir(f)) {
		struct uapi_stat st;

		f->ops->fstat(f, &st);
		ret = access_check(st.st_mode, st.st_uid, st.st_gid,
				   FSPERM_EXEC);
		if (!ret)
			set_cwd(f->path);
	}
	ufile_put(f);
	return ret;
}

/* ------------------------------------------------------------ descriptors */

SYSCALL_DECLARE(dup)
{
	return fd_dup(current_files(), regs->rdi, 0, false);
}

SYSCALL_DECLARE(dup2)
{
	return fd_dup_to(current_files(), regs->rdi, regs->rsi, false);
}

SYSCALL_DECLARE(dup3)
{
	int oldfd = regs->rdi, newfd = regs->rsi, flags = regs->rdx;

	if ((flags & ~O_CLOEXEC) || oldfd == newfd)
		return -EINVAL;
	return fd_dup_to(current_files(), oldfd, newfd, flags & O_CLOEXEC);
}

int fd_set_status(struct fd_table *t, int fd, u32 mask, u32 set)
{
	struct ufile *f = fd_get(t, fd);
	int ret = 0;

	if (IS_ERR(f))
		return PTR_ERR(f);
	if (f->flags & O_PATH) {
		ret = -EBADF;
	} else {
		spin_lock(&t->lock);
		f->flags = (f->flags & ~mask) | (set & mask);
		spin_unlock(&t->lock);
	}
	ufile_put(f);
	return ret;
}

SYSCALL_DECLARE(fcntl)
{
	struct fd_table *t = current_files();
	int fd = regs->rdi, cmd = regs->rsi;
	unsigned long arg = regs->rdx;
	struct ufile *f;
	long ret;

	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		f = fd_get(t, fd);
		if (IS_ERR(f))
			return PTR_ERR(f);
		ufile_put(f);
		if ((long)(int)arg < 0 || (int)arg >= (int)fd_table_limit(t))
			return -EINVAL;
		return fd_dup(t, fd, arg, cmd == F_DUPFD_CLOEXEC);
	case F_GETFD:
		ret = fd_get_cloexec(t, fd);
		return ret > 0 ? FD_CLOEXEC : ret;
	case F_SETFD:
		return fd_set_cloexec(t, fd, arg & FD_CLOEXEC);
	case F_GETFL:
		f = fd_get(t, fd);
		if (IS_ERR(f))
			return PTR_ERR(f);
		ret = READ_ONCE(f->flags);
		ufile_put(f);
		return ret;
	case F_SETFL:
		return fd_set_status(t, fd, O_NONBLOCK | O_APPEND, arg);
	default:
		return fd_get_cloexec(t, fd) < 0 ? -EBADF : -EINVAL;
	}
}
