/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Changes to the storage node's files: the client side of the P2S
 * change requests (<fit/storage.h>: WRITE, TRUNCATE, FSYNC, CREATE,
 * MKDIR, UNLINK, RMDIR, LINK, SYMLINK, RENAME, SETATTR), as the write
 * ops of an open storage file and as the name calls of sys_file.c,
 * sys_fsattr.c and tmpfs_sys.c.  Reads, lookups and the descriptor
 * table are fs.c's.
 *
 * The service names a file by handle and a name by (directory handle,
 * one component), so a resolved path (fs_path.c) is cut at its last
 * '/': its directory is looked up with P2S_OPEN (symlinks followed, as
 * Linux follows them in every component but the last), the change
 * names the last component.  Two calls, not atomic: a directory
 * removed between them gives the handle's -ENOENT, which is what Linux
 * would have said a moment later.
 *
 * Every change carries this processor's clock (realtime_ns()): the
 * storage node has none.  Permissions are the storage node's to check
 * (managers/storage/perm.c), with the credentials fs.c adds to every
 * call on names; new files belong to the caller's fsuid and fsgid (or
 * the directory's group, when it is set-gid: the storage node decides).  A
 * read-only image (tessera run --image without --writable) or one the
 * storage node does not trust answers every change with -EROFS, which
 * reaches the program as is.  No request here is repeated after a lost
 * connection (fs.c: fit_call_again() only for reads and FSYNC): a
 * change must not happen twice.
 */
#include <fit/fit.h>
#include <fit/storage.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <uapi/fcntl.h>
#include <uapi/stat.h>

#include "internal.h"
#include "cred.h"
#include "fs.h"
#include "pseudofs.h"

static void p2s_hdr_init(struct p2s_req_hdr *h, u8 flags)
{
	memset(h, 0, sizeof(*h));
	h->version = P2S_VERSION;
	h->flags = flags;
}

/* This processor's wall clock, for the times a change sets. */
static void p2s_now(struct p2s_time *t)
{
	u64 ns = realtime_ns();

	memset(t, 0, sizeof(*t));
	fit_put_le64(&t->sec, ns / NSEC_PER_SEC);
	fit_put_le32(&t->nsec, ns % NSEC_PER_SEC);
}

/*
 * Send @fixed bytes of @req followed by @name (@len bytes, then a NUL)
 * and, if @name2, @name2 likewise: the P2S calls with names.  The
 * reply's length or -errno.
 */
static int p2s_call_names(u16 op, const void *req, size_t fixed,
			  const char *name, size_t len, const char *name2,
			  size_t len2, void *reply, u32 max_reply)
{
	size_t total = fixed + len + 1 + (name2 ? len2 + 1 : 0);
	char *buf;
	int ret;

	if (total > FS_PATH_MAX * 2)
		return -ENAMETOOLONG;
	buf = kmalloc(total, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, req, fixed);
	memcpy(buf + fixed, name, len);
	buf[fixed + len] = '\0';
	if (name2) {
		memcpy(buf + fixed + len + 1, name2, len2);
		buf[total - 1] = '\0';
	}
	ret = fs_p2s_call(op, buf, total, reply, max_reply);
	kfree(buf);
	return ret;
}

/* A name of a resolved path: its directory's handle, its last component. */
struct storage_name {
	struct p2s_handle dir;
	const char *name;
	size_t len;
	bool dir_only;		/* the path ended in '/' (must be a directory) */
};

/*
 * Cut @path (resolved, absolute) into *@sn.  0, -EBUSY for "/" itself
 * (each caller turns it into its own error), or the directory lookup's
 * -ENOENT / -ENOTDIR / -EIO.
 */
static int storage_name_get(char *path, struct storage_name *sn)
{
	struct p2s_open_reply reply;
	size_t len = strlen(path);
	char *slash, keep;
	int ret;

	sn->dir_only = len > 1 && path[len - 1] == '/';
	fs_path_strip_slash(path);
	slash = strrchr(path, '/');
	if (!slash || !slash[1])
		return -EBUSY;
	sn->name = slash + 1;
	sn->len = strlen(sn->name);
	/* The directory: "/" for a name at the root. */
	keep = slash[slash == path ? 1 : 0];
	slash[slash == path ? 1 : 0] = '\0';
	ret = fs_storage_open(path, P2S_OPEN_DIRECTORY, &reply);
	slash[slash == path ? 1 : 0] = keep;
	if (ret)
		return ret;
	sn->dir = reply.fh;
	return 0;
}

/* The reply of a call that makes a name: exactly a p2s_open_reply. */
static int open_reply_check(int ret, const struct p2s_open_reply *reply)
{
	if (ret < 0)
		return ret;
	return ret == sizeof(*reply) ? 0 : -EIO;
}

/* ------------------------------------------------------ open files */

static int storage_setattr_fh(const struct p2s_handle *fh,
			      const struct ufile_attr *a, struct p2s_stat *st)
{
	struct p2s_setattr_req req;
	int ret;

	memset(&req, 0, sizeof(req));
	p2s_hdr_init(&req.hdr, a->times_now ? P2S_SETATTR_TIMES_NOW : 0);
	req.fh = *fh;
	fit_put_le32(&req.valid, a->valid);
	fit_put_le32(&req.mode, a->mode & 07777);
	fit_put_le32(&req.uid, a->uid);
	fit_put_le32(&req.gid, a->gid);
	fit_put_le64(&req.atime.sec, a->atime_sec);
	fit_put_le32(&req.atime.nsec, a->atime_nsec);
	fit_put_le64(&req.mtime.sec, a->mtime_sec);
	fit_put_le32(&req.mtime.nsec, a->mtime_nsec);
	p2s_now(&req.now);
	ret = fs_p2s_call(P2S_SETATTR, &req, sizeof(req), st, sizeof(*st));
	if (ret < 0)
		return ret;
	return ret == sizeof(*st) ? 0 : -EIO;
}

int fs_storage_truncate_fh(const struct p2s_handle *fh, u64 size)
{
	struct p2s_truncate_req req;
	int ret;

	memset(&req, 0, sizeof(req));
	p2s_hdr_init(&req.hdr, 0);
	req.fh = *fh;
	fit_put_le64(&req.size, size);
	p2s_now(&req.now);
	ret = fs_p2s_call(P2S_TRUNCATE, &req, sizeof(req), NULL, 0);
	return ret < 0 ? ret : 0;
}

static int storage_fsync_fh(const struct p2s_handle *fh)
{
	struct p2s_fh_req req;
	int ret;

	memset(&req, 0, sizeof(req));
	p2s_hdr_init(&req.hdr, 0);
	req.fh = *fh;
	ret = fs_p2s_call(P2S_FSYNC, &req, sizeof(req), NULL, 0);
	return ret < 0 ? ret : 0;
}

/*
 * One P2S_WRITE of @chunk bytes of @ubuf at @off: bytes written (short
 * when the disk filled up) or -errno; f->size follows the reply.
 */
static long storage_write_chunk(struct ufile *f, struct p2s_write_req *req,
				const char __user *ubuf, u32 chunk, u64 off)
{
	struct p2s_write_reply reply;
	u32 written;
	int ret;

	memset(req, 0, sizeof(*req));		/* the header; data follows */
	if (copy_from_user(req->data, ubuf, chunk))
		return -EFAULT;
	p2s_hdr_init(&req->hdr, 0);
	req->fh = f->fh;
	fit_put_le32(&req->len, chunk);
	fit_put_le64(&req->offset, off);
	p2s_now(&req->now);
	ret = fs_p2s_call(P2S_WRITE, req, sizeof(*req) + chunk, &reply,
			  sizeof(reply));
	if (ret < 0)
		return ret;
	written = fit_get_le32(&reply.written);
	if (ret != sizeof(reply) || written > chunk)
		return -EIO;
	f->size = fit_get_le64(&reply.size);
	fit_put_le64(&f->st.size, f->size);
	return written;
}

long storage_file_write(struct ufile *f, const char __user *ubuf,
			size_t len, u64 *pos)
{
	struct p2s_write_req *req;
	struct p2s_stat st;
	size_t done = 0;
	long ret = 0;
	u64 off;

	if ((f->mode & S_IFMT) != S_IFREG)
		return -EINVAL;
	if (!len)
		return 0;
	/* O_APPEND: at the end as the service sees it now, every time. */
	if (f->flags & O_APPEND) {
		ret = fs_storage_stat(&f->fh, &st);
		if (ret)
			return ret;
		f->st = st;
		f->size = fit_get_le64(&st.size);
		*pos = f->size;
	}
	off = *pos;
	if (off >= (1ULL << 62) || len > (1ULL << 62) - off)
		return -EFBIG;
	req = kmalloc(sizeof(*req) + min_t(size_t, len, P2S_WRITE_MAX),
		      GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	while (done < len) {
		u32 chunk = min_t(size_t, len - done, P2S_WRITE_MAX);

		ret = storage_write_chunk(f, req, ubuf + done, chunk,
					  off + done);
		if (ret < 0)
			break;
		done += ret;
		if ((u32)ret < chunk) {
			ret = -ENOSPC;
			break;
		}
	}
	kfree(req);
	*pos = off + done;
	return done ? (long)done : ret;
}

int storage_file_truncate(struct ufile *f, s64 size)
{
	int ret;

	/* Linux's order: the length, the kind, then the access mode. */
	if (size < 0 || (f->mode & S_IFMT) != S_IFREG ||
	    (f->flags & O_ACCMODE) == O_RDONLY)
		return -EINVAL;
	ret = fs_storage_truncate_fh(&f->fh, size);
	if (!ret) {
		f->size = size;
		fit_put_le64(&f->st.size, size);
	}
	return ret;
}

int storage_file_setattr(struct ufile *f, const struct ufile_attr *a)
{
	struct p2s_stat st;
	int ret = storage_setattr_fh(&f->fh, a, &st);

	if (!ret) {
		f->st = st;
		f->size = fit_get_le64(&st.size);
	}
	return ret;
}

int storage_file_chmod(struct ufile *f, u32 mode)
{
	struct ufile_attr a = { .valid = P2S_ATTR_MODE, .mode = mode };

	return storage_file_setattr(f, &a);
}

int storage_file_fsync(struct ufile *f)
{
	return storage_fsync_fh(&f->fh);
}

/* ------------------------------------------------------ names */

/*
 * A call that makes the name @path failed with @ret: on a read-only
 * image Linux still says -EEXIST for a name that exists (its lookup
 * comes before the write-access check), so ask.
 */
static int make_name_error(char *path, int ret)
{
	struct p2s_open_reply reply;

	if (ret == -EROFS && !fs_storage_open(path, P2S_OPEN_NOFOLLOW, &reply))
		return -EEXIST;
	return ret;
}

/* P2S_CREATE or P2S_MKDIR (@op) of @sn, mode @mode & ~umask. */
static int storage_make(u16 op, const struct storage_name *sn, u8 flags,
			u32 mode, struct p2s_open_reply *reply)
{
	struct p2s_create_req req;
	int ret;

	memset(&req, 0, sizeof(req));
	p2s_hdr_init(&req.hdr, flags);
	req.dir = sn->dir;
	fit_put_le32(&req.mode, mode & ~current_umask() & 07777);
	fit_put_le32(&req.uid, current_cred()->fsuid);
	fit_put_le32(&req.gid, current_cred()->fsgid);
	fit_put_le16(&req.name_len, sn->len);
	p2s_now(&req.now);
	ret = p2s_call_names(op, &req, sizeof(req), sn->name, sn->len, NULL, 0,
			     reply, sizeof(*reply));
	return open_reply_check(ret, reply);
}

/* Symlinks one open(O_CREAT) follows at most: Linux's MAXSYMLINKS. */
#define FS_CREATE_MAX_LINKS	40

static int storage_create_once(char *path, u8 p2s_flags, u32 mode,
			       struct p2s_open_reply *reply)
{
	struct storage_name sn;
	int ret;

	ret = storage_name_get(path, &sn);
	if (ret)
		return ret == -EBUSY ? -EISDIR : ret;
	if (sn.dir_only)
		return -EISDIR;		/* open("new/", O_CREAT), as Linux */
	return storage_make(P2S_CREATE, &sn, p2s_flags, mode, reply);
}

/*
 * @path names the symlink @link: put in @path (FS_PATH_MAX bytes) what
 * it points to, resolved from the link's directory.  0 or -errno.
 */
static int storage_follow(char *path, const struct p2s_handle *link)
{
	char *target = kmalloc(2 * FS_PATH_MAX, GFP_KERNEL);
	char *base = target + FS_PATH_MAX, *slash;
	int ret;

	if (!target)
		return -ENOMEM;
	ret = fs_storage_read_kernel(link, target, FS_PATH_MAX - 1);
	if (ret <= 0) {
		ret = ret ? ret : -ENOENT;
		goto out;
	}
	target[ret] = '\0';
	if (strlen(target) != (size_t)ret) {
		ret = -EIO;		/* a NUL inside: not a path */
		goto out;
	}
	memcpy(base, path, strlen(path) + 1);
	slash = strrchr(base, '/');
	slash[slash == base ? 1 : 0] = '\0';
	ret = fs_path_resolve(base, target, path, FS_PATH_MAX);
	if (ret > 0)
		ret = 0;
out:
	kfree(target);
	return ret;
}

/*
 * Without O_EXCL, a name that exists is opened, not made: P2S_CREATE
 * returns its inode.  When that is a symlink, the open that came first
 * found nothing at its end (a dangling symlink): Linux creates the file
 * it points to, following up to FS_CREATE_MAX_LINKS links; with
 * O_NOFOLLOW the link itself is returned (the caller says -ELOOP).
 * @path ends up naming the file created.  A regular file comes with a
 * reference (P2S_CREATE_REF) that the caller drops (fs_storage_close()).
 */
int fs_storage_create(char *path, u32 flags, u32 mode,
		      struct p2s_open_reply *reply)
{
	u8 p2s_flags = 0;
	int ret, links;

	if (flags & O_EXCL)
		p2s_flags |= P2S_CREATE_EXCL;
	if (flags & O_TRUNC)
		p2s_flags |= P2S_CREATE_TRUNC;
	/* The caller's open file holds a regular file's reference. */
	p2s_flags |= P2S_CREATE_REF;
	for (links = 0;; links++) {
		ret = storage_create_once(path, p2s_flags, mode, reply);
		if (ret || (flags & (O_EXCL | O_NOFOLLOW)) ||
		    (fit_get_le32(&reply->st.mode) & S_IFMT) != S_IFLNK)
			return ret;
		if (links == FS_CREATE_MAX_LINKS)
			return -ELOOP;
		ret = storage_follow(path, &reply->fh);
		if (ret)
			return ret;
		if (tmpfs_owns(path) || pseudofs_owns(path)) {
			pr_warn_once("files: O_CREAT through a storage symlink into tmpfs or /proc, /dev, /sys (%s) not supported: -EOPNOTSUPP\n",
				     path);
			return -EOPNOTSUPP;
		}
		/* Made meanwhile (or a directory on the way): open that. */
		ret = fs_storage_open(path, P2S_OPEN_REF, reply);
		if (ret != -ENOENT)
			return ret;
	}
}

int fs_storage_mkdir(char *path, u32 mode)
{
	struct p2s_open_reply reply;
	struct storage_name sn;
	int ret;

	ret = storage_name_get(path, &sn);
	if (ret)
		return ret == -EBUSY ? -EEXIST : ret;
	ret = storage_make(P2S_MKDIR, &sn, 0, mode, &reply);
	return make_name_error(path, ret);
}

int fs_storage_unlink(char *path, bool rmdir)
{
	struct p2s_open_reply reply;
	struct p2s_name_req req;
	struct storage_name sn;
	int ret;

	ret = storage_name_get(path, &sn);
	if (ret == -EBUSY)
		return rmdir ? -EBUSY : -EISDIR;
	if (ret)
		return ret;
	/* unlink("x/"): -ENOTDIR for a file, -EISDIR for a directory. */
	if (!rmdir && sn.dir_only) {
		ret = fs_storage_open(path, P2S_OPEN_DIRECTORY, &reply);
		return ret ? ret : -EISDIR;
	}
	memset(&req, 0, sizeof(req));
	p2s_hdr_init(&req.hdr, 0);
	req.dir = sn.dir;
	fit_put_le16(&req.name_len, sn.len);
	p2s_now(&req.now);
	ret = p2s_call_names(rmdir ? P2S_RMDIR : P2S_UNLINK, &req, sizeof(req),
			     sn.name, sn.len, NULL, 0, NULL, 0);
	return ret < 0 ? ret : 0;
}

int fs_storage_rename(char *from, char *to, u32 flags)
{
	struct storage_name sfrom, sto;
	struct p2s_rename_req req;
	int ret;

	if (flags & (RENAME_EXCHANGE | RENAME_WHITEOUT)) {
		printk_once(KERN_INFO "files: renameat2 RENAME_EXCHANGE/WHITEOUT not supported by the storage node: -EINVAL\n");
		return -EINVAL;
	}
	ret = storage_name_get(from, &sfrom);
	if (!ret)
		ret = storage_name_get(to, &sto);
	if (ret)
		return ret;
	memset(&req, 0, sizeof(req));
	p2s_hdr_init(&req.hdr, flags & RENAME_NOREPLACE ?
			       P2S_RENAME_NOREPLACE : 0);
	req.sdir = sfrom.dir;
	req.ddir = sto.dir;
	fit_put_le16(&req.sname_len, sfrom.len);
	fit_put_le16(&req.dname_len, sto.len);
	p2s_now(&req.now);
	ret = p2s_call_names(P2S_RENAME, &req, sizeof(req), sfrom.name,
			     sfrom.len, sto.name, sto.len, NULL, 0);
	return ret < 0 ? ret : 0;
}

int fs_storage_link(char *from, char *to, bool follow)
{
	struct p2s_open_reply reply;
	struct p2s_link_req req;
	struct storage_name sn;
	int ret;

	ret = fs_storage_open(from, follow ? 0 : P2S_OPEN_NOFOLLOW, &reply);
	if (ret)
		return ret;
	if ((fit_get_le32(&reply.st.mode) & S_IFMT) == S_IFDIR)
		return -EPERM;		/* no hard links to directories */
	ret = storage_name_get(to, &sn);
	if (ret)
		return ret == -EBUSY ? -EEXIST : ret;
	memset(&req, 0, sizeof(req));
	p2s_hdr_init(&req.hdr, 0);
	req.fh = reply.fh;
	req.dir = sn.dir;
	fit_put_le16(&req.name_len, sn.len);
	p2s_now(&req.now);
	ret = p2s_call_names(P2S_LINK, &req, sizeof(req), sn.name, sn.len,
			     NULL, 0, NULL, 0);
	return make_name_error(to, ret < 0 ? ret : 0);
}

int fs_storage_symlink(const char *target, char *path)
{
	struct p2s_open_reply reply;
	struct p2s_symlink_req req;
	struct storage_name sn;
	size_t tlen = strlen(target);
	int ret;

	if (!tlen)
		return -ENOENT;
	ret = storage_name_get(path, &sn);
	if (ret)
		return ret == -EBUSY ? -EEXIST : ret;
	memset(&req, 0, sizeof(req));
	p2s_hdr_init(&req.hdr, 0);
	req.dir = sn.dir;
	fit_put_le32(&req.uid, current_cred()->fsuid);
	fit_put_le32(&req.gid, current_cred()->fsgid);
	fit_put_le16(&req.name_len, sn.len);
	fit_put_le16(&req.target_len, tlen);
	p2s_now(&req.now);
	ret = p2s_call_names(P2S_SYMLINK, &req, sizeof(req), sn.name, sn.len,
			     target, tlen, &reply, sizeof(reply));
	return make_name_error(path, open_reply_check(ret, &reply));
}

int fs_storage_truncate(char *path, s64 size)
{
	struct p2s_open_reply reply;
	int ret;

	if (size < 0)
		return -EINVAL;
	ret = fs_storage_open(path, P2S_OPEN_WRITE, &reply);
	if (ret)
		return ret;
	switch (fit_get_le32(&reply.st.mode) & S_IFMT) {
	case S_IFREG:
		return fs_storage_truncate_fh(&reply.fh, size);
	case S_IFDIR:
		return -EISDIR;
	default:
		return -EINVAL;
	}
}

int fs_storage_setattr(char *path, bool follow, const struct ufile_attr *a)
{
	struct p2s_open_reply reply;
	int ret;

	ret = fs_storage_open(path, follow ? 0 : P2S_OPEN_NOFOLLOW, &reply);
	if (ret)
		return ret;
	return storage_setattr_fh(&reply.fh, a, &reply.st);
}

int fs_storage_may_write(const struct p2s_handle *fh)
{
	struct p2s_name_req req;
	int ret;

	/*
	 * P2S has no statfs: ask for a change the service refuses before
	 * touching anything, unlink of "." (in @fh, whatever it is: "." is
	 * refused before the directory is read).  A file system that takes
	 * writes says -EISDIR, a read-only one -EROFS.
	 */
	memset(&req, 0, sizeof(req));
	p2s_hdr_init(&req.hdr, 0);
	req.dir = *fh;
	fit_put_le16(&req.name_len, 1);
	p2s_now(&req.now);
	ret = p2s_call_names(P2S_UNLINK, &req, sizeof(req), ".", 1, NULL, 0,
			     NULL, 0);
	return ret == -EROFS ? -EROFS : 0;
}

int fs_storage_sync(void)
{
	struct p2s_open_reply reply;
	int ret;

	/* FSYNC syncs the whole file system; any handle names it. */
	ret = fs_storage_open("/", P2S_OPEN_DIRECTORY, &reply);
	if (!ret)
		ret = storage_fsync_fh(&reply.fh);
	return ret;
}
