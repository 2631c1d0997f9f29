/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Open files of the processor's processes: the descriptor table, path
 * lookup and the client side of the storage node's file service
 * (<fit/storage.h>).  DESIGN.md: file system calls go to the storage
 * node; the processor keeps no file data, only what an open file needs
 * to name it there.
 *
 * A process has one struct fd_table, shared by all its threads (glibc
 * creates threads with CLONE_FILES|CLONE_FS; there is no fork yet): up
 * to FD_MAX slots, each pointing to a struct ufile, several slots to
 * the same one after dup (they then share the offset), plus a close-on-
 * exec bit per slot and the working directory.  Descriptors 0, 1 and 2
 * start open on stdin (always at end of file) and the two console
 * ports (console.c).
 *
 * The service is stateless (P2S_OPEN returns a handle, later requests
 * name it), so an open storage file is its handle, its attributes as
 * last seen (fstat, lseek SEEK_END and O_APPEND ask again: another
 * descriptor or processor may have changed the file) and its path as
 * resolved here (fs_path.c), which relative lookups from a directory
 * descriptor and fchdir need.  An open regular file also holds a
 * reference on the storage node (P2S_OPEN_REF, P2S_CREATE_REF), dropped
 * by P2S_CLOSE when the last descriptor of the open file goes, so that
 * a file unlinked while open lives on until then, as on Linux.  The
 * changes (write, create, rename...)
 * are fs_write.c's.  The processor is told its storage node by
 * processor.storage_node=; without one every path lookup is -ENOENT
 * (logged once).  FIT failures (timeout, dead peer, malformed reply)
 * reach the program as -EIO; the service's own errors pass through.  The
 * read-only calls are repeated when the connection to the storage node
 * was lost under them (fit_call_again()).  The calls on names and
 * attributes carry the calling thread's credentials (cred.h), which the
 * storage node checks permissions with.
 *
 * Replies land in one 128 KiB buffer per process, allocated at the
 * first read and taken with a trylock; a thread that finds it busy
 * allocates a buffer of its request's size for that call.
 */
#include <fit/fit.h>
#include <fit/storage.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/printk.h>
#include <tessera/profile.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <uapi/fcntl.h>
#include <uapi/stat.h>

#include "internal.h"
#include "cred.h"
#include "fs.h"

#define FS_P2S_TIMEOUT_MS	10000
/* How long the first file call waits for the storage node's connection. */
/* A reply buffer of exactly 128 KiB (32 pages), header included. */
#define FS_BOUNCE_SIZE		P2S_READ_MAX
#define FS_READ_CHUNK		(P2S_READ_MAX - sizeof(struct p2s_read_reply))
#define FS_STORAGE_DEV		0x0801	/* st_dev of every storage file */
#define FS_DIR_END_UNKNOWN	(~0ULL)

_Static_assert(sizeof(struct p2s_getdents_reply) + P2S_GETDENTS_MAX <=
	       FS_BOUNCE_SIZE, "getdents reply fits the bounce buffer");
_Static_assert(sizeof(struct p2s_read_reply) + FS_PATH_MAX <=
	       FS_BOUNCE_SIZE, "readlink reply fits the bounce buffer");

/* ------------------------------------------------------------ open files */

struct ufile *ufile_alloc_ops(const struct ufile_ops *ops, void *priv,
			      u32 flags)
{
	struct ufile *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return NULL;
	atomic_set(&f->refs, 1);
	f->ops = ops;
	f->priv = priv;
	f->flags = flags;
	mutex_init(&f->pos_lock);
	f->dir_end = FS_DIR_END_UNKNOWN;
	INIT_LIST_HEAD(&f->epitems);
	return f;
}

void ufile_hold(struct ufile *f)
{
	atomic_inc(&f->refs);
}

void ufile_put(struct ufile *f)
{
	if (!atomic_dec_and_test(&f->refs))
		return;
	/* Unlocked: no new item can watch a file nobody holds. */
	if (!list_empty(&f->epitems))
		epoll_file_release(f);
	if (f->ops->release)
		f->ops->release(f);
	kfree(f->path);
	kfree(f);
}

/* ------------------------------------------------------ descriptor table */

struct fd_table *fd_table_create(void)
{
	static const u32 std_flags[] = { O_RDONLY, O_WRONLY, O_WRONLY };
	struct fd_table *t = kzalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return NULL;
	spin_lock_init(&t->lock);
	mutex_init(&t->bounce_lock);
	strscpy(t->cwd, "/", sizeof(t->cwd));
	t->nofile = FD_MAX;
	for (int fd = 0; fd < 3; fd++) {
		t->fd[fd] = console_std_open(fd, std_flags[fd]);
		if (!t->fd[fd]) {
			fd_table_destroy(t);
			return NULL;
		}
	}
	return t;
}

struct fd_table *fd_table_dup(struct fd_table *parent)
{
	struct fd_table *t = kzalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return NULL;
	spin_lock_init(&t->lock);
	mutex_init(&t->bounce_lock);
	spin_lock(&parent->lock);
	memcpy(t->cwd, parent->cwd, sizeof(t->cwd));
	t->nofile = parent->nofile;
	memcpy(t->cloexec, parent->cloexec, sizeof(t->cloexec));
	for (int fd = 0; fd < FD_MAX; fd++) {
		t->fd[fd] = parent->fd[fd];
		if (t->fd[fd])
			ufile_hold(t->fd[fd]);
	}
	spin_unlock(&parent->lock);
	return t;
}

void fd_table_destroy(struct fd_table *t)
{
	for (int fd = 0; fd < FD_MAX; fd++)
		if (t->fd[fd])
			ufile_put(t->fd[fd]);
	kfree(t->bounce);
	kfree(t);
}

static bool fd_in_range(int fd)
{
	return fd >= 0 && fd < FD_MAX;
}

struct ufile *fd_get(struct fd_table *t, int fd)
{
	struct ufile *f;

	if (!fd_in_range(fd))
		return ERR_PTR(-EBADF);
	spin_lock(&t->lock);
	f = t->fd[fd];
	if (f)
		ufile_hold(f);
	spin_unlock(&t->lock);
	return f ? f : ERR_PTR(-EBADF);
}

int fd_install(struct fd_table *t, struct ufile *f, int min, bool cloexec)
{
	int fd;

	if (!fd_in_range(min))
		return -EINVAL;
	spin_lock(&t->lock);
	for (fd = min; fd < (int)t->nofile; fd++)
		if (!t->fd[fd])
			break;
	if (fd < (int)t->nofile) {
		t->fd[fd] = f;
		if (cloexec)
			__set_bit(fd, t->cloexec);
		else
			__clear_bit(fd, t->cloexec);
	} else {
		fd = -EMFILE;
	}
	spin_unlock(&t->lock);
	return fd;
}

int fd_close(struct fd_table *t, int fd)
{
	struct ufile *f;

	if (!fd_in_range(fd))
		return -EBADF;
	spin_lock(&t->lock);
	f = t->fd[fd];
	t->fd[fd] = NULL;
	__clear_bit(fd, t->cloexec);
	spin_unlock(&t->lock);
	if (!f)
		return -EBADF;
	ufile_put(f);
	return 0;
}

int fd_dup(struct fd_table *t, int oldfd, int min, bool cloexec)
{
	struct ufile *f = fd_get(t, oldfd);
	int fd;

	if (IS_ERR(f))
		return PTR_ERR(f);
	fd = fd_install(t, f, min, cloexec);
	if (fd < 0)
		ufile_put(f);
	return fd;
}

void fd_table_set_limit(struct fd_table *t, u64 nofile)
{
	spin_lock(&t->lock);
	t->nofile = min_t(u64, nofile, FD_MAX);
	spin_unlock(&t->lock);
}

unsigned int fd_table_limit(struct fd_table *t)
{
	return READ_ONCE(t->nofile);
}

int fd_dup_to(struct fd_table *t, int oldfd, int newfd, bool cloexec)
{
	struct ufile *f, *old = NULL;

	if (!fd_in_range(oldfd) || !fd_in_range(newfd))
		return -EBADF;
	spin_lock(&t->lock);
	f = t->fd[oldfd];
	if (f && oldfd != newfd && newfd >= (int)t->nofile) {
		spin_unlock(&t->lock);
		return -EBADF;		/* as Linux: past RLIMIT_NOFILE */
	}
	if (f && oldfd != newfd) {
		ufile_hold(f);
		old = t->fd[newfd];
		t->fd[newfd] = f;
		if (cloexec)
			__set_bit(newfd, t->cloexec);
		else
			__clear_bit(newfd, t->cloexec);
	}
	spin_unlock(&t->lock);
	if (!f)
		return -EBADF;
	if (old)
		ufile_put(old);
	return newfd;
}

int fd_get_cloexec(struct fd_table *t, int fd)
{
	int ret = -EBADF;

	if (!fd_in_range(fd))
		return -EBADF;
	spin_lock(&t->lock);
	if (t->fd[fd])
		ret = test_bit(fd, t->cloexec);
	spin_unlock(&t->lock);
	return ret;
}

int fd_set_cloexec(struct fd_table *t, int fd, bool cloexec)
{
	int ret = -EBADF;

	if (!fd_in_range(fd))
		return -EBADF;
	spin_lock(&t->lock);
	if (t->fd[fd]) {
		if (cloexec)
			__set_bit(fd, t->cloexec);
		else
			__clear_bit(fd, t->cloexec);
		ret = 0;
	}
	spin_unlock(&t->lock);
	return ret;
}

void fd_table_exec(struct fd_table *t)
{
	struct ufile *closing[16];
	unsigned int n;
	int fd = 0;

	/* A few at a time: ufile_put() may sleep, the lock must not. */
	do {
		n = 0;
		spin_lock(&t->lock);
		for (; fd < FD_MAX && n < ARRAY_SIZE(closing); fd++) {
			if (!test_bit(fd, t->cloexec))
				continue;
			__clear_bit(fd, t->cloexec);
			if (t->fd[fd])
				closing[n++] = t->fd[fd];
			t->fd[fd] = NULL;
		}
		spin_unlock(&t->lock);
		while (n)
			ufile_put(closing[--n]);
	} while (fd < FD_MAX);
}

struct fd_table *current_files(void)
{
	return current_process()->files;
}

/* ------------------------------------------------------------ lookup */

int fs_lookup_user(struct fs_lookup *lk, int dirfd, const char __user *upath)
{
	struct fd_table *t = current_files();
	struct ufile *dir;
	long n;
	int ret;

	lk->len = 0;
	n = strncpy_from_user(lk->user, upath, sizeof(lk->user));
	if (n < 0)
		return n;
	if (n == sizeof(lk->user))
		return -ENAMETOOLONG;
	if (!n)
		return 0;
	if (lk->user[0] == '/') {
		ret = fs_path_resolve("/", lk->user, lk->path,
				      sizeof(lk->path));
	} else if (dirfd == AT_FDCWD) {
		/* Pure string work: fine under the spinlock. */
		spin_lock(&t->lock);
		ret = fs_path_resolve(t->cwd, lk->user, lk->path,
				      sizeof(lk->path));
		spin_unlock(&t->lock);
	} else {
		dir = fd_get(t, dirfd);
		if (IS_ERR(dir))
			return PTR_ERR(dir);
		if (ufile_is_dir(dir))
			ret = fs_path_resolve(dir->path, lk->user, lk->path,
					      sizeof(lk->path));
		else
			ret = -ENOTDIR;
		ufile_put(dir);
	}
	if (ret < 0)
		return ret;
	lk->len = ret;
	return 0;
}

/* ------------------------------------------------------------ P2S client */

/*
 * The storage node's id, or -ENOENT.  processor_storage_select() waited
 * for its connection before the first program.
 */
static int fs_storage_node(void)
{
	int node = processor_storage_node();

	if (node < 0)
		printk_once(KERN_INFO "files: no storage node (processor.storage_node unset): path lookups fail with -ENOENT\n");
	return node;
}

int ufile_map_source(struct ufile *f, struct ufile_map_source *src)
{
	if (f->flags & O_PATH)
		return -EBADF;
	/* Linux's order: readable first, then whether the file maps. */
	if ((f->flags & O_ACCMODE) == O_WRONLY)
		return -EACCES;
	return f->ops->map_source ? f->ops->map_source(f, src) : -ENODEV;
}

/* The file service's reads: repeated after a lost connection. */
static bool p2s_idempotent(u16 opcode)
{
	switch (opcode) {
	case P2S_OPEN:
	case P2S_READ:
	case P2S_STAT:
	case P2S_GETDENTS:
	case P2S_FSYNC:
		return true;
	default:
		return false;
	}
}

/*
 * The calls the storage node checks permissions for, and WRITE and
 * TRUNCATE, whose caller decides which set-id bits they clear: with
 * credentials.
 */
static bool p2s_with_cred(u16 opcode)
{
	switch (opcode) {
	case P2S_WRITE:
	case P2S_TRUNCATE:
	case P2S_OPEN:
	case P2S_CREATE:
	case P2S_MKDIR:
	case P2S_UNLINK:
	case P2S_RMDIR:
	case P2S_LINK:
	case P2S_SYMLINK:
	case P2S_RENAME:
	case P2S_SETATTR:
		return true;
	default:
		return false;
	}
}

/*
 * @req (@len bytes) followed by the calling thread's credentials
 * (<fit/storage.h>: groups, then struct p2s_cred), in a new buffer of
 * *@total bytes; NULL on -ENOMEM.
 */
static void *p2s_add_cred(const void *req, u32 len, u32 *total)
{
	const struct cred *c = current_cred();
	struct p2s_req_hdr *h;
	struct p2s_cred *pc;
	__le32 *groups;
	u8 *buf;
	u32 i;

	*total = len + c->nr_groups * sizeof(__le32) + sizeof(*pc);
	buf = kmalloc(*total, GFP_KERNEL);
	if (!buf)
		return NULL;
	memcpy(buf, req, len);
	h = (struct p2s_req_hdr *)buf;
	h->xflags |= P2S_HDR_CRED;
	groups = (__le32 *)(buf + len);
	for (i = 0; i < c->nr_groups; i++)
		fit_put_le32(&groups[i], c->groups[i]);
	pc = (struct p2s_cred *)(groups + c->nr_groups);
	fit_put_le32(&pc->fsuid, c->fsuid);
	fit_put_le32(&pc->fsgid, c->fsgid);
	fit_put_le32(&pc->nr_groups, c->nr_groups);
	pc->reserved = 0;
	return buf;
}

int fs_p2s_call(u16 opcode, const void *req, u32 len, void *reply,
		       u32 max_reply)
{
	int node = fs_storage_node();
	void *with_cred = NULL;
	u64 start;
	int ret;

	if (node < 0)
		return node;
	if (p2s_with_cred(opcode) && len >= sizeof(struct p2s_req_hdr)) {
		with_cred = p2s_add_cred(req, len, &len);
		if (!with_cred)
			return -ENOMEM;
		req = with_cred;
	}
	start = profile_wait_begin();
	ret = fit_call_again(node, opcode, req, len, reply, max_reply,
			     FS_P2S_TIMEOUT_MS,
			     p2s_idempotent(opcode) ? FIT_CALL_RETRIES : 0,
			     NULL);
	profile_wait_end(PROFILE_WAIT_P2S, start);
	kfree(with_cred);
	switch (ret) {
	case -ETIMEDOUT:
	case -EHOSTDOWN:
	case -EMSGSIZE:
	case -EPROTO:
		pr_warn_once("files: storage node %d: FIT call %u failed (%d); file calls get -EIO\n",
			     node, opcode, ret);
		return -EIO;
	default:
		return ret;
	}
}

/* The process's reply buffer if free, else one of @need bytes; or NULL. */
static void *fs_bounce_get(struct fd_table *t, size_t need)
{
	if (mutex_trylock(&t->bounce_lock)) {
		if (!t->bounce)
			t->bounce = kmalloc(FS_BOUNCE_SIZE, GFP_KERNEL);
		if (t->bounce)
			return t->bounce;
		mutex_unlock(&t->bounce_lock);
	}
	return kmalloc(need, GFP_KERNEL);
}

static void fs_bounce_put(struct fd_table *t, void *buf)
{
	if (buf == t->bounce)
		mutex_unlock(&t->bounce_lock);
	else
		kfree(buf);
}

int fs_storage_open(const char *path, u8 flags, struct p2s_open_reply *reply)
{
	size_t len = strlen(path);
	struct p2s_open_req *req;
	int ret;

	if (!len || len >= P2S_PATH_MAX)
		return -ENAMETOOLONG;
	req = kmalloc(sizeof(*req) + len + 1, GFP_KERNEL);
	if (!req)
		return -ENOMEM;
	memset(req, 0, sizeof(*req));
	req->hdr.version = P2S_VERSION;
	req->hdr.flags = flags;
	fit_put_le16(&req->path_len, len);
	memcpy(req->path, path, len + 1);
	ret = fs_p2s_call(P2S_OPEN, req, sizeof(*req) + len + 1, reply,
			  sizeof(*reply));
	kfree(req);
	if (ret < 0)
		return ret;
	return ret == sizeof(*reply) ? 0 : -EIO;
}

int fs_storage_close(const struct p2s_handle *fh)
{
	struct p2s_fh_req req;
	int ret;

	memset(&req, 0, sizeof(req));
	req.hdr.version = P2S_VERSION;
	req.fh = *fh;
	/* Not repeated: a second drop could take another file's reference. */
	ret = fs_p2s_call(P2S_CLOSE, &req, sizeof(req), NULL, 0);
	return ret < 0 ? ret : 0;
}

static void fs_read_req(struct p2s_read_req *req,
			const struct p2s_handle *fh, u64 off, u32 len)
{
	memset(req, 0, sizeof(*req));
	req->hdr.version = P2S_VERSION;
	req->fh = *fh;
	fit_put_le64(&req->offset, off);
	fit_put_le32(&req->len, len);
}

/* The data length of a P2S_READ reply of @ret bytes, or -EIO. */
static long fs_read_reply_len(const struct p2s_read_reply *reply, int ret,
			      u32 asked)
{
	u32 got;

	if (ret < (int)sizeof(*reply))
		return -EIO;
	got = fit_get_le32(&reply->len);
	if (got > asked || got != ret - sizeof(*reply))
		return -EIO;
	return got;
}

static long storage_read(struct ufile *f, char __user *ubuf, size_t len,
			 u64 *pos)
{
	struct fd_table *t = current_files();
	struct p2s_read_reply *reply;
	struct p2s_read_req req;
	u64 off = *pos;
	size_t done = 0;
	long ret = 0;

	/* The size may have changed since open: the service says where EOF is. */
	if (!len)
		return 0;
	reply = fs_bounce_get(t, sizeof(*reply) + min_t(size_t, len,
							 FS_READ_CHUNK));
	if (!reply)
		return -ENOMEM;
	while (done < len) {
		u32 chunk = min_t(size_t, len - done, FS_READ_CHUNK);
		unsigned long left;

		fs_read_req(&req, &f->fh, off + done, chunk);
		ret = fs_p2s_call(P2S_READ, &req, sizeof(req), reply,
				  sizeof(*reply) + chunk);
		if (ret < 0)
			break;
		ret = fs_read_reply_len(reply, ret, chunk);
		if (ret <= 0)
			break;
		left = copy_to_user(ubuf + done, reply + 1, ret);
		done += ret - left;
		if (left) {
			ret = -EFAULT;
			break;
		}
		if ((u32)ret < chunk)
			break;		/* end of file */
	}
	fs_bounce_put(t, reply);
	*pos = off + done;
	return done ? (long)done : ret;
}

static long storage_getdents(struct ufile *f, void __user *ubuf,
			     size_t len)
{
	struct fd_table *t = current_files();
	struct p2s_getdents_reply *reply;
	struct p2s_getdents_req req;
	u32 room, nbytes;
	int ret;

	if (f->pos == f->dir_end)
		return 0;
	if (len < 32)
		return -EINVAL;
	if (!access_ok(ubuf, len))
		return -EFAULT;
	room = min_t(size_t, len, P2S_GETDENTS_MAX);
	reply = fs_bounce_get(t, sizeof(*reply) + room);
	if (!reply)
		return -ENOMEM;
	memset(&req, 0, sizeof(req));
	req.hdr.version = P2S_VERSION;
	req.fh = f->fh;
	fit_put_le64(&req.cookie, f->pos);
	fit_put_le32(&req.max_bytes, room);
	ret = fs_p2s_call(P2S_GETDENTS, &req, sizeof(req), reply,
			  sizeof(*reply) + room);
	if (ret < 0)
		goto out;
	nbytes = fit_get_le32(&reply->nbytes);
	if (ret < (int)sizeof(*reply) || nbytes > room ||
	    nbytes != ret - sizeof(*reply) || (!nbytes && !reply->eof)) {
		ret = -EIO;
		goto out;
	}
	if (copy_to_user(ubuf, reply + 1, nbytes)) {
		ret = -EFAULT;
		goto out;
	}
	f->pos = fit_get_le64(&reply->next_cookie);
	if (reply->eof)
		f->dir_end = f->pos;
	ret = nbytes;
out:
	fs_bounce_put(t, reply);
	return ret;
}

/*
 * One P2S_READ of the first @len bytes of @fh into @reply (room for
 * @len bytes of data): their number, or -errno.
 */
static long fs_storage_read_first(const struct p2s_handle *fh,
				  struct p2s_read_reply *reply, u32 len)
{
	struct p2s_read_req req;
	long ret;

	fs_read_req(&req, fh, 0, len);
	ret = fs_p2s_call(P2S_READ, &req, sizeof(req), reply,
			  sizeof(*reply) + len);
	return ret < 0 ? ret : fs_read_reply_len(reply, ret, len);
}

long fs_storage_readlink(const struct p2s_handle *fh, char __user *ubuf,
			 size_t len)
{
	struct fd_table *t = current_files();
	struct p2s_read_reply *reply;
	long ret;

	len = min_t(size_t, len, FS_PATH_MAX);
	reply = fs_bounce_get(t, sizeof(*reply) + len);
	if (!reply)
		return -ENOMEM;
	ret = fs_storage_read_first(fh, reply, len);
	if (ret > 0 && copy_to_user(ubuf, reply + 1, ret))
		ret = -EFAULT;
	fs_bounce_put(t, reply);
	return ret;
}

int fs_storage_read_kernel(const struct p2s_handle *fh, void *buf,
			   u32 len)
{
	struct p2s_read_reply *reply;
	long ret;

	if (len > FS_READ_CHUNK)
		return -EINVAL;
	reply = kmalloc(sizeof(*reply) + len, GFP_KERNEL);
	if (!reply)
		return -ENOMEM;
	ret = fs_storage_read_first(fh, reply, len);
	if (ret > 0)
		memcpy(buf, reply + 1, ret);
	kfree(reply);
	return ret;
}

void fs_stat_from_p2s(const struct p2s_stat *ps, struct uapi_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = FS_STORAGE_DEV;
	st->st_ino = fit_get_le64(&ps->ino);
	st->st_nlink = fit_get_le64(&ps->nlink);
	st->st_mode = fit_get_le32(&ps->mode);
	st->st_uid = fit_get_le32(&ps->uid);
	st->st_gid = fit_get_le32(&ps->gid);
	st->st_rdev = fit_get_le64(&ps->rdev);
	st->st_size = fit_get_le64(&ps->size);
	st->st_blksize = fit_get_le64(&ps->blksize);
	st->st_blocks = fit_get_le64(&ps->blocks);
	st->st_atime = fit_get_le64(&ps->atime_sec);
	st->st_atime_nsec = fit_get_le64(&ps->atime_nsec);
	st->st_mtime = fit_get_le64(&ps->mtime_sec);
	st->st_mtime_nsec = fit_get_le64(&ps->mtime_nsec);
	st->st_ctime = fit_get_le64(&ps->ctime_sec);
	st->st_ctime_nsec = fit_get_le64(&ps->ctime_nsec);
}

/* ------------------------------------------------------ storage files */

/*
 * An open storage file is its handle, its attributes as last seen and
 * its resolved path.  Writes, truncate, chmod, fsync are fs_write.c's.
 */
static long storage_file_read(struct ufile *f, char __user *ubuf,
			      size_t len, u64 *pos)
{
	/* A FIFO, device or socket node of the tree has no data here. */
	if ((f->mode & S_IFMT) != S_IFREG)
		return -EINVAL;
	return storage_read(f, ubuf, len, pos);
}

int fs_storage_stat(const struct p2s_handle *fh, struct p2s_stat *st)
{
	struct p2s_fh_req req;
	int ret;

	memset(&req, 0, sizeof(req));
	req.hdr.version = P2S_VERSION;
	req.fh = *fh;
	ret = fs_p2s_call(P2S_STAT, &req, sizeof(req), st, sizeof(*st));
	if (ret < 0)
		return ret;
	return ret == sizeof(*st) ? 0 : -EIO;
}

/* Ask the service for @f's attributes now (the cache stays on error). */
static int storage_refresh(struct ufile *f)
{
	struct p2s_stat st;
	int ret = fs_storage_stat(&f->fh, &st);

	if (ret)
		return ret;
	f->st = st;
	f->size = fit_get_le64(&st.size);
	return 0;
}

static long storage_file_llseek(struct ufile *f, s64 off, int whence)
{
	int ret;

	if (whence != SEEK_SET && whence != SEEK_CUR) {
		ret = storage_refresh(f);
		if (ret)
			return ret;
	}
	return ufile_seek_file(f, f->size, off, whence);
}

static void storage_fstat(struct ufile *f, struct uapi_stat *st)
{
	/* A failed call (node gone) leaves the attributes last seen. */
	storage_refresh(f);
	fs_stat_from_p2s(&f->st, st);
}

static int storage_may_write(struct ufile *f)
{
	return fs_storage_may_write(&f->fh);
}

static int storage_map_source(struct ufile *f, struct ufile_map_source *src)
{
	int node = processor_storage_node();

	if (node < 0)
		return -ENODEV;
	/*
	 * No P2S_STAT here: the memory node asks the storage node for the
	 * file's size and version itself (memory-node.md, file versions).
	 */
	src->file_id = fit_get_le32(&f->fh.ino) |
		       (u64)fit_get_le32(&f->fh.generation) << 32;
	src->size = f->size;
	src->node = (u16)node;
	return 0;
}

static long storage_file_readlink(struct ufile *f, char __user *ubuf,
				  size_t len)
{
	if ((f->mode & S_IFMT) != S_IFLNK)
		return -ENOENT;
	return fs_storage_readlink(&f->fh, ubuf, len);
}

/* The last descriptor went: a regular file's reference goes too. */
static void storage_file_release(struct ufile *f)
{
	if ((f->mode & S_IFMT) == S_IFREG)
		fs_storage_close(&f->fh);
}

static const struct ufile_ops storage_file_ops = {
	.name = "storage",
	.release = storage_file_release,
	.read = storage_file_read,
	.write = storage_file_write,
	.llseek = storage_file_llseek,
	.fstat = storage_fstat,
	.map_source = storage_map_source,
	.readlink = storage_file_readlink,
	.may_write = storage_may_write,
	.truncate = storage_file_truncate,
	.chmod = storage_file_chmod,
	.fsync = storage_file_fsync,
	.setattr = storage_file_setattr,
	.fmode = UFILE_FMODE_POS | UFILE_FMODE_FSYNC,
};

static const struct ufile_ops storage_dir_ops = {
	.name = "storage",
	.read = ufile_read_isdir,
	.llseek = ufile_seek_dir,
	.getdents = storage_getdents,
	.fstat = storage_fstat,
	.may_write = storage_may_write,
	.chmod = storage_file_chmod,
	.fsync = storage_file_fsync,
	.setattr = storage_file_setattr,
	.fmode = UFILE_FMODE_POS | UFILE_FMODE_FSYNC,
};

struct ufile *fs_storage_ufile(const char *path, size_t len,
			       const struct p2s_open_reply *reply, u32 flags)
{
	u32 mode = fit_get_le32(&reply->st.mode);
	struct ufile *f;

	f = ufile_alloc_ops((mode & S_IFMT) == S_IFDIR ? &storage_dir_ops :
							  &storage_file_ops,
			    NULL, flags);
	if (!f)
		return NULL;
	/* fs_storage_create() may have rewritten it (a followed symlink). */
	len = strnlen(path, FS_PATH_MAX - 1);
	f->path = kmalloc(len + 1, GFP_KERNEL);
	if (!f->path) {
		ufile_put(f);
		return NULL;
	}
	memcpy(f->path, path, len);
	f->path[len] = '\0';
	fs_path_strip_slash(f->path);
	f->fh = reply->fh;
	f->st = reply->st;
	f->mode = mode;
	f->size = fit_get_le64(&reply->st.size);
	return f;
}
