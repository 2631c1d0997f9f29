/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tmpfs at /tmp and /dev/shm (see tmpfs.h and Documentation/files.md).
 *
 * The namespace is this node's: two trees of tmpfs_tree.c, one per
 * mount, sharing one inode-number counter.  The bytes of each regular
 * file are an object on the memory node named by its inode number and
 * moved with P2M_TMPFS_READ/WRITE in chunks of P2M_TMPFS_IO_MAX; a
 * shrinking truncate is P2M_TMPFS_TRUNCATE, and when a file has lost
 * its last name and its last open file, P2M_TMPFS_FREE gives its pages
 * back.  The memory node bounds the pages of this node (tmpfs.size
 * there): a write that reaches it is short, or -ENOSPC.  Sizes are
 * kept here, so a read past the end costs no round trip, and bytes
 * past the size are always zero on the memory node (a shrink zeroes
 * the tail), so growing needs no call.
 *
 * Locking: tmpfs_lock (a mutex) covers both trees, every inode and the
 * two message buffers; it is held across the FIT calls and the copies
 * to and from user memory (a fault there takes the pmm lock, which
 * never takes tmpfs_lock), so it nests inside ufile->pos_lock and
 * outside the pmm lock.  tmpfs I/O of all processes is serialised: the
 * files are scratch, the memory node is one round trip away.
 *
 * Permissions are Linux's (<tessera/fsperm.h>) with the calling
 * thread's fsuid, fsgid and groups (cred.h): search on every directory
 * walked, write and search on a directory whose names change, the
 * sticky bit of the mounts' roots (mode 1777, as Linux's /tmp), the
 * access of an open, the owner's and root's rules for chmod, chown and
 * utimensat.  Names are looked up before permissions are checked, as
 * Linux does.
 */
#define pr_fmt(fmt) "tmpfs: " fmt

#include <fit/fit.h>
#include <fit/memory.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/mutex.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <uapi/fcntl.h>
#include <uapi/stat.h>

#include "internal.h"
#include "cred.h"
#include "fs.h"
#include "tmpfs_tree.h"

#define TMPFS_TIMEOUT_MS	10000
#define TMPFS_DEV_BASE		0x002a	/* st_dev of /tmp; /dev/shm + 1 */

static const char *const tmpfs_mount_path[] = { "/tmp", "/dev/shm" };
#define NR_TMPFS_MOUNTS		ARRAY_SIZE(tmpfs_mount_path)

static DEFINE_MUTEX(tmpfs_lock);
static struct tmpfs_tree tmpfs_mounts[NR_TMPFS_MOUNTS];
static u64 tmpfs_next_ino = 2;
static int tmpfs_node = -1;		/* the memory node; set once */
static struct p2m_tmpfs_req *tmpfs_req;		/* + P2M_TMPFS_IO_MAX */
static struct p2m_tmpfs_reply *tmpfs_reply;	/* + P2M_TMPFS_IO_MAX */

void tmpfs_set_memory_node(int node)
{
	u64 now = realtime_ns();

	if (node < 0 || tmpfs_node >= 0)
		return;
	tmpfs_req = kmalloc(sizeof(*tmpfs_req) + P2M_TMPFS_IO_MAX, GFP_KERNEL);
	tmpfs_reply = kmalloc(sizeof(*tmpfs_reply) + P2M_TMPFS_IO_MAX,
			      GFP_KERNEL);
	if (!tmpfs_req || !tmpfs_reply)
		goto nomem;
	for (unsigned int i = 0; i < NR_TMPFS_MOUNTS; i++) {
		if (tmpfs_tree_init(&tmpfs_mounts[i], &tmpfs_next_ino,
				    S_ISVTX | 0777, now))
			goto nomem;
		tmpfs_mounts[i].root->dev = TMPFS_DEV_BASE + i;
	}
	WRITE_ONCE(tmpfs_node, node);
	pr_info("/tmp and /dev/shm: data on memory node %d\n", node);
	return;
nomem:
	pr_err("no memory for the mounts: /tmp and /dev/shm are absent\n");
}

/* The mount holding @path and the path inside it, or NULL. */
static struct tmpfs_tree *tmpfs_mount_of(const char *path, const char **rel)
{
	if (READ_ONCE(tmpfs_node) < 0)
		return NULL;
	for (unsigned int i = 0; i < NR_TMPFS_MOUNTS; i++) {
		size_t n = strlen(tmpfs_mount_path[i]);

		if (!strncmp(path, tmpfs_mount_path[i], n) &&
		    (path[n] == '/' || !path[n])) {
			*rel = path + n;
			return &tmpfs_mounts[i];
		}
	}
	return NULL;
}

bool tmpfs_owns(const char *path)
{
	const char *rel;

	return tmpfs_mount_of(path, &rel);
}

static bool is_dir(const struct tmpfs_inode *n)
{
	return (n->mode & S_IFMT) == S_IFDIR;
}

/* ------------------------------------------------------ the memory node */

/*
 * One P2M_TMPFS_* call for @node with @len data bytes already in
 * tmpfs_req's tail; the reply in tmpfs_reply.  0 or -errno: the memory
 * node's answer (-ENOSPC, -ENOMEM, -EFBIG) or -EIO for a FIT failure.
 */
static int tmpfs_call(u16 opcode, struct tmpfs_inode *node, u64 off, u32 len,
		      u32 reply_data)
{
	struct process *p = current_process();
	int ret;

	p2m_hdr_init(&tmpfs_req->hdr, p ? p->pid : 1);
	fit_put_le64(&tmpfs_req->object, node->ino);
	fit_put_le64(&tmpfs_req->off, off);
	fit_put_le32(&tmpfs_req->len, opcode == P2M_TMPFS_READ ||
				      opcode == P2M_TMPFS_WRITE ? len : 0);
	fit_put_le32(&tmpfs_req->reserved, 0);
	ret = fit_call(tmpfs_node, opcode, tmpfs_req,
		       sizeof(*tmpfs_req) +
		       (opcode == P2M_TMPFS_WRITE ? len : 0),
		       tmpfs_reply, sizeof(*tmpfs_reply) + reply_data,
		       TMPFS_TIMEOUT_MS);
	if (ret == -ENOSPC || ret == -ENOMEM || ret == -EFBIG)
		return ret;
	if (ret < (int)(sizeof(*tmpfs_reply) + reply_data)) {
		pr_warn_once("memory node %d: call %#x failed (%d); tmpfs calls get -EIO\n",
			     tmpfs_node, opcode, ret);
		return -EIO;
	}
	node->pages = fit_get_le64(&tmpfs_reply->pages);
	return 0;
}

/* Give @node back if nothing holds it any more. */
static void tmpfs_maybe_free(struct tmpfs_inode *node)
{
	if (!tmpfs_inode_unused(node))
		return;
	if (!is_dir(node) && node->pages)
		tmpfs_call(P2M_TMPFS_FREE, node, 0, 0, 0);
	tmpfs_tree_put(node);
}

/*
 * The calling thread changes @node's data: drop the set-id bits Linux's
 * file_remove_privs() would (fsperm_kill_priv()); tmpfs_lock held.
 */
static void tmpfs_kill_priv(struct tmpfs_inode *node)
{
	struct fsperm_cred cred;
	struct fsperm_inode i;
	u32 kill;

	cred_fsperm(current_cred(), false, &cred);
	tmpfs_inode_perm(node, &i);
	kill = fsperm_kill_priv(&cred, &i);
	if (kill) {
		node->mode &= ~kill;
		node->ctime = realtime_ns();
	}
}

/* truncate, ftruncate, O_TRUNC by the calling thread. */
static int tmpfs_set_size(struct tmpfs_inode *node, s64 size)
{
	int ret = 0;

	if (size < 0)
		return -EINVAL;
	if ((u64)size > P2M_TMPFS_MAX_SIZE)
		return -EFBIG;
	tmpfs_kill_priv(node);
	if ((u64)size < node->size && node->pages)
		ret = tmpfs_call(P2M_TMPFS_TRUNCATE, node, size, 0, 0);
	if (!ret) {
		node->size = size;
		node->mtime = node->ctime = realtime_ns();
	}
	return ret;
}

/* ------------------------------------------------------------ names */

struct tmpfs_where {
	struct tmpfs_tree *tree;
	struct tmpfs_inode *parent, *node;
	const char *last;
	int last_len;
	struct fsperm_cred cred;	/* the caller's, for the checks */
};

/*
 * Walk @path (which tmpfs owns) with search permission on each
 * directory; caller holds tmpfs_lock.  With @exist a missing last
 * component is -ENOENT too, else w->node is NULL.
 */
static int tmpfs_lookup(const char *path, struct tmpfs_where *w, bool exist)
{
	const char *rel;
	int ret;

	cred_fsperm(current_cred(), false, &w->cred);
	w->tree = tmpfs_mount_of(path, &rel);
	if (!w->tree)
		return -ENOENT;
	ret = tmpfs_tree_walk(w->tree, rel, &w->cred, &w->parent, &w->node,
			      &w->last, &w->last_len);
	return !ret && exist && !w->node ? -ENOENT : ret;
}

/* May the caller of @w access @n with @mask (FSPERM_*)?  0, -EACCES. */
static int tmpfs_may(const struct tmpfs_where *w, const struct tmpfs_inode *n,
		     u32 mask)
{
	struct fsperm_inode i;

	tmpfs_inode_perm(n, &i);
	return fsperm_check(&w->cred, &i, mask);
}

/* Removing w->node's name: write and search on its directory, sticky. */
static int tmpfs_may_delete(const struct tmpfs_where *w)
{
	struct fsperm_inode d, v;
	int ret = tmpfs_may(w, w->parent, FSPERM_WRITE | FSPERM_EXEC);

	if (ret)
		return ret;
	tmpfs_inode_perm(w->parent, &d);
	tmpfs_inode_perm(w->node, &v);
	return fsperm_sticky(&w->cred, &d, &v);
}

/* A new inode named by @w (checked to be free), of @mode; umask here. */
static int tmpfs_make(struct tmpfs_where *w, u32 mode)
{
	struct fsperm_inode d, n;
	int ret;

	ret = tmpfs_may(w, w->parent, FSPERM_WRITE | FSPERM_EXEC);
	if (ret)
		return ret;
	tmpfs_inode_perm(w->parent, &d);
	fsperm_new_inode(&w->cred, &d, (mode & S_IFMT) == S_IFDIR, &n,
			 mode & ~current_umask() & 07777);
	w->node = tmpfs_tree_create(w->tree, w->parent, w->last, w->last_len,
				    (mode & S_IFMT) | n.mode, realtime_ns());
	if (!w->node)
		return -ENOMEM;
	w->node->uid = n.uid;
	w->node->gid = n.gid;
	return 0;
}

static bool trailing_slash(const char *path)
{
	size_t n = strlen(path);

	return n > 1 && path[n - 1] == '/';
}

static void tmpfs_fill_stat(const struct tmpfs_inode *n, struct uapi_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_dev = n->dev;
	st->st_ino = n->ino;
	st->st_nlink = n->nlink;
	st->st_mode = n->mode;
	st->st_uid = n->uid;
	st->st_gid = n->gid;
	st->st_size = n->size;
	st->st_blksize = PAGE_SIZE;
	st->st_blocks = n->pages * (PAGE_SIZE / 512);
	st->st_atime = n->atime / NSEC_PER_SEC;
	st->st_atime_nsec = n->atime % NSEC_PER_SEC;
	st->st_mtime = n->mtime / NSEC_PER_SEC;
	st->st_mtime_nsec = n->mtime % NSEC_PER_SEC;
	st->st_ctime = n->ctime / NSEC_PER_SEC;
	st->st_ctime_nsec = n->ctime % NSEC_PER_SEC;
}

/* The existing inode @path names ("x/": a directory); tmpfs_lock held. */
static int tmpfs_lookup_existing(const char *path, struct tmpfs_where *w)
{
	int ret = tmpfs_lookup(path, w, true);

	if (!ret && trailing_slash(path) && !is_dir(w->node))
		ret = -ENOTDIR;
	return ret;
}

int tmpfs_stat(const char *path, struct uapi_stat *st)
{
	struct tmpfs_where w;
	int ret;

	mutex_lock(&tmpfs_lock);
	ret = tmpfs_lookup_existing(path, &w);
	if (!ret)
		tmpfs_fill_stat(w.node, st);
	mutex_unlock(&tmpfs_lock);
	return ret;
}

int tmpfs_read_head(const char *path, void *buf, u32 len,
		    struct fsperm_inode *attr, u64 *object, u64 *size)
{
	struct tmpfs_where w;
	int ret;

	mutex_lock(&tmpfs_lock);
	ret = tmpfs_lookup_existing(path, &w);
	if (!ret && (w.node->mode & S_IFMT) == S_IFREG)
		ret = tmpfs_may(&w, w.node, FSPERM_EXEC);
	if (!ret) {
		attr->mode = w.node->mode;
		attr->uid = w.node->uid;
		attr->gid = w.node->gid;
		if (object) {
			*object = w.node->ino;
			*size = w.node->size;
		}
		len = is_dir(w.node) ? 0 :
		      min_t(u64, min_t(u64, len, w.node->size),
			    P2M_TMPFS_IO_MAX);
		if (len)
			ret = tmpfs_call(P2M_TMPFS_READ, w.node, 0, len, len);
		if (!ret)
			memcpy(buf, tmpfs_reply + 1, len);
	}
	mutex_unlock(&tmpfs_lock);
	return ret ? ret : (int)len;
}

/* Open @w's existing inode with @flags; caller holds tmpfs_lock. */
static int tmpfs_open_existing(struct tmpfs_where *w, const char *path,
			       u32 flags)
{
	struct tmpfs_inode *n = w->node;
	bool writes = (flags & O_ACCMODE) != O_RDONLY;
	u32 mask = 0;
	int ret;

	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;
	if (flags & O_PATH)
		return 0;
	if ((flags & O_ACCMODE) != O_WRONLY)
		mask |= FSPERM_READ;
	if (writes || (flags & O_TRUNC))
		mask |= FSPERM_WRITE;
	if (is_dir(n))
		return writes || (flags & O_CREAT) ? -EISDIR :
		       tmpfs_may(w, n, mask);
	if ((flags & O_DIRECTORY) || trailing_slash(path))
		return -ENOTDIR;
	ret = tmpfs_may(w, n, mask);
	if (!ret && (flags & O_TRUNC))
		ret = tmpfs_set_size(n, 0);
	return ret;
}

/*
 * O_TMPFILE in the directory w->node: a regular file of @mode that no
 * name reaches (nlink 0), alive while open, as Linux's vfs_tmpfile().
 * It is made under a name no path can spell ("/") and unlinked at once,
 * tmpfs_lock held throughout; the directory's times stay.
 */
static int tmpfs_make_unnamed(struct tmpfs_where *w, u32 mode)
{
	struct tmpfs_inode *dir = w->node;
	u64 mtime, ctime;
	int ret;

	if (!is_dir(dir))
		return -ENOTDIR;
	mtime = dir->mtime;
	ctime = dir->ctime;
	w->parent = dir;
	w->last = "/";
	w->last_len = 1;
	ret = tmpfs_make(w, S_IFREG | mode);
	if (ret)
		return ret;
	ret = tmpfs_tree_remove(w->node, realtime_ns());
	BUG_ON(ret);		/* a regular file: always removable */
	dir->mtime = mtime;
	dir->ctime = ctime;
	return 0;
}

static const struct ufile_ops tmpfs_file_ops, tmpfs_dir_ops;

int tmpfs_open(const char *path, u32 flags, u32 mode, struct ufile **fp)
{
	struct tmpfs_where w;
	struct ufile *f;
	int ret;

	f = ufile_alloc_ops(&tmpfs_file_ops, NULL, flags);
	if (!f)
		return -ENOMEM;
	f->path = kmalloc(strlen(path) + 1, GFP_KERNEL);
	if (!f->path) {
		ufile_put(f);
		return -ENOMEM;
	}
	memcpy(f->path, path, strlen(path) + 1);
	fs_path_strip_slash(f->path);
	mutex_lock(&tmpfs_lock);
	ret = tmpfs_lookup(path, &w, (flags & __O_TMPFILE) != 0);
	if (ret)
		goto out;
	if (flags & __O_TMPFILE) {
		/* do_openat() checked the flags (a writable access). */
		ret = tmpfs_make_unnamed(&w, mode & 07777);
	} else if (w.node) {
		ret = tmpfs_open_existing(&w, path, flags);
	} else if (!(flags & O_CREAT)) {
		ret = -ENOENT;
	} else if (trailing_slash(path)) {
		ret = -EISDIR;
	} else {
		ret = tmpfs_make(&w, S_IFREG | (mode & 07777));
	}
	if (ret)
		goto out;
	w.node->opens++;
	f->tmpfs = w.node;
	f->mode = w.node->mode & S_IFMT;
	if (is_dir(w.node))
		f->ops = &tmpfs_dir_ops;
	*fp = f;
out:
	mutex_unlock(&tmpfs_lock);
	if (ret)
		ufile_put(f);
	return ret;
}

static void tmpfs_release(struct ufile *f)
{
	if (!f->tmpfs)
		return;
	mutex_lock(&tmpfs_lock);
	f->tmpfs->opens--;
	tmpfs_maybe_free(f->tmpfs);
	mutex_unlock(&tmpfs_lock);
	f->tmpfs = NULL;
}

int tmpfs_mkdir(const char *path, u32 mode)
{
	struct tmpfs_where w;
	int ret;

	mutex_lock(&tmpfs_lock);
	ret = tmpfs_lookup(path, &w, false);
	if (!ret && w.node)
		ret = -EEXIST;
	if (!ret)
		ret = tmpfs_make(&w, S_IFDIR | (mode & 07777));
	mutex_unlock(&tmpfs_lock);
	return ret;
}

int tmpfs_unlink(const char *path, bool dir)
{
	struct tmpfs_where w;
	int ret;

	mutex_lock(&tmpfs_lock);
	ret = tmpfs_lookup(path, &w, true);
	if (ret)
		goto out;
	if (!w.parent) {		/* the mount point */
		ret = dir ? -EBUSY : -EISDIR;
		goto out;
	}
	if (!dir && trailing_slash(path) && !is_dir(w.node))
		ret = -ENOTDIR;
	else
		ret = tmpfs_may_delete(&w);
	if (ret)
		goto out;
	if (dir && !is_dir(w.node))
		ret = -ENOTDIR;
	else if (!dir && is_dir(w.node))
		ret = -EISDIR;
	else if (!dir && trailing_slash(path))
		ret = -ENOTDIR;
	else
		ret = tmpfs_tree_remove(w.node, realtime_ns());
	if (!ret)
		tmpfs_maybe_free(w.node);
out:
	mutex_unlock(&tmpfs_lock);
	return ret;
}

/* Linux's may_delete / may_create of rename(@a -> @b). */
static int tmpfs_may_rename(const struct tmpfs_where *a,
			    const struct tmpfs_where *b)
{
	int ret;

	if (a->node == b->node)
		return 0;		/* the same file: nothing happens */
	ret = tmpfs_may_delete(a);
	if (!ret)
		ret = b->node ? tmpfs_may_delete(b) :
		      tmpfs_may(b, b->parent, FSPERM_WRITE | FSPERM_EXEC);
	/* A directory moving to a new parent rewrites its "..". */
	if (!ret && is_dir(a->node) && a->parent != b->parent)
		ret = tmpfs_may(a, a->node, FSPERM_WRITE);
	return ret;
}

int tmpfs_rename(const char *from, const char *to, unsigned int flags)
{
	struct tmpfs_inode *replaced;
	struct tmpfs_where a, b;
	int ret;

	mutex_lock(&tmpfs_lock);
	/* Linux's order: both directories, then the name to move. */
	ret = tmpfs_lookup(from, &a, false);
	if (!ret)
		ret = tmpfs_lookup(to, &b, false);
	if (!ret && !a.node)
		ret = -ENOENT;
	if (ret)
		goto out;
	ret = -EBUSY;
	if (!a.parent || !b.parent)
		goto out;
	ret = -EXDEV;
	if (a.tree != b.tree)
		goto out;
	ret = -EEXIST;
	if ((flags & RENAME_NOREPLACE) && b.node)
		goto out;
	ret = -ENOTDIR;
	if (!is_dir(a.node) && (trailing_slash(from) || trailing_slash(to)))
		goto out;
	ret = tmpfs_may_rename(&a, &b);
	if (ret)
		goto out;
	ret = tmpfs_tree_rename(a.node, b.parent, b.last, b.last_len, b.node,
				realtime_ns(), &replaced);
	if (!ret && replaced)
		tmpfs_maybe_free(replaced);
out:
	mutex_unlock(&tmpfs_lock);
	return ret;
}

int tmpfs_truncate(const char *path, s64 size)
{
	struct tmpfs_where w;
	int ret;

	mutex_lock(&tmpfs_lock);
	ret = tmpfs_lookup(path, &w, true);
	if (!ret && is_dir(w.node))
		ret = -EISDIR;
	if (!ret)
		ret = tmpfs_may(&w, w.node, FSPERM_WRITE);
	if (!ret)
		ret = tmpfs_set_size(w.node, size);
	mutex_unlock(&tmpfs_lock);
	return ret;
}

/*
 * chmod, chown, utimensat of @n as @a says (P2S_ATTR_*, as the storage
 * node takes them), if @cred may; tmpfs_lock held.  0, -EPERM, -EACCES.
 */
static int tmpfs_set_attr(const struct fsperm_cred *cred,
			  struct tmpfs_inode *n, const struct ufile_attr *a)
{
	struct fsperm_attr fa = {
		.valid = a->valid, .mode = a->mode & 07777,
		.uid = a->uid, .gid = a->gid, .times_now = a->times_now,
	};
	struct fsperm_inode i;
	int ret;

	tmpfs_inode_perm(n, &i);
	ret = fsperm_setattr(cred, &i, &fa);
	if (ret)
		return ret;
	if (fa.valid & FSPERM_ATTR_MODE)
		n->mode = (n->mode & S_IFMT) | (fa.mode & 07777);
	if (fa.valid & FSPERM_ATTR_UID)
		n->uid = fa.uid;
	if (fa.valid & FSPERM_ATTR_GID)
		n->gid = fa.gid;
	if (fa.valid & FSPERM_ATTR_ATIME)
		n->atime = a->atime_sec * NSEC_PER_SEC + a->atime_nsec;
	if (fa.valid & FSPERM_ATTR_MTIME)
		n->mtime = a->mtime_sec * NSEC_PER_SEC + a->mtime_nsec;
	n->ctime = realtime_ns();
	return 0;
}

int tmpfs_setattr(const char *path, const struct ufile_attr *a)
{
	struct tmpfs_where w;
	int ret;

	mutex_lock(&tmpfs_lock);
	ret = tmpfs_lookup(path, &w, true);
	if (!ret)
		ret = tmpfs_set_attr(&w.cred, w.node, a);
	mutex_unlock(&tmpfs_lock);
	return ret;
}

int tmpfs_chmod(const char *path, u32 mode)
{
	struct ufile_attr a = { .valid = P2S_ATTR_MODE, .mode = mode };

	return tmpfs_setattr(path, &a);
}

/* ------------------------------------------------------------ open files */

static void tmpfs_fstat(struct ufile *f, struct uapi_stat *st)
{
	mutex_lock(&tmpfs_lock);
	tmpfs_fill_stat(f->tmpfs, st);
	mutex_unlock(&tmpfs_lock);
}

static int tmpfs_fsetattr(struct ufile *f, const struct ufile_attr *a)
{
	struct fsperm_cred cred;
	int ret;

	cred_fsperm(current_cred(), false, &cred);
	mutex_lock(&tmpfs_lock);
	ret = tmpfs_set_attr(&cred, f->tmpfs, a);
	mutex_unlock(&tmpfs_lock);
	return ret;
}

static int tmpfs_fchmod(struct ufile *f, u32 mode)
{
	struct ufile_attr a = { .valid = P2S_ATTR_MODE, .mode = mode };

	return tmpfs_fsetattr(f, &a);
}

static long tmpfs_read(struct ufile *f, char __user *ubuf, size_t len,
		       u64 *pos)
{
	struct tmpfs_inode *n = f->tmpfs;
	long done = 0;
	int ret = 0;

	mutex_lock(&tmpfs_lock);
	while (done < (long)len && *pos < n->size) {
		u32 chunk = min_t(u64, min_t(u64, len - done, n->size - *pos),
				  P2M_TMPFS_IO_MAX);

		ret = tmpfs_call(P2M_TMPFS_READ, n, *pos, chunk, chunk);
		if (ret)
			break;
		if (copy_to_user(ubuf + done, tmpfs_reply + 1, chunk)) {
			ret = -EFAULT;
			break;
		}
		done += chunk;
		*pos += chunk;
	}
	mutex_unlock(&tmpfs_lock);
	return done ? done : ret;
}

static long tmpfs_write(struct ufile *f, const char __user *ubuf, size_t len,
		 u64 *pos)
{
	struct tmpfs_inode *n = f->tmpfs;
	long done = 0;
	u64 at;
	int ret = 0;

	mutex_lock(&tmpfs_lock);
	at = f->flags & O_APPEND ? n->size : *pos;
	if (at >= P2M_TMPFS_MAX_SIZE && len) {
		ret = -EFBIG;
		goto out;
	}
	len = min_t(u64, len, P2M_TMPFS_MAX_SIZE - at);
	if (len)
		tmpfs_kill_priv(n);
	while (done < (long)len) {
		u32 chunk = min_t(u64, len - done, P2M_TMPFS_IO_MAX);
		u32 stored;

		chunk -= copy_from_user(tmpfs_req + 1, ubuf + done, chunk);
		if (!chunk) {
			ret = -EFAULT;
			break;
		}
		ret = tmpfs_call(P2M_TMPFS_WRITE, n, at, chunk, 0);
		if (ret)
			break;
		stored = fit_get_le32(&tmpfs_reply->done);
		if (stored > chunk) {
			ret = -EIO;
			break;
		}
		done += stored;
		at += stored;
		if (at > n->size)
			n->size = at;
		if (stored < chunk) {
			ret = -ENOSPC;
			break;
		}
	}
	if (done) {
		n->mtime = n->ctime = realtime_ns();
		*pos = at;
	}
out:
	mutex_unlock(&tmpfs_lock);
	return done ? done : ret;
}

/* SEEK_DATA and SEEK_HOLE see no holes. */
static long tmpfs_llseek(struct ufile *f, s64 off, int whence)
{
	s64 size;

	mutex_lock(&tmpfs_lock);
	size = f->tmpfs->size;
	mutex_unlock(&tmpfs_lock);
	return ufile_seek_file(f, size, off, whence);
}

struct tmpfs_dirent_hdr {
	u64 d_ino;
	s64 d_off;
	u16 d_reclen;
	u8 d_type;
} __packed;

static long tmpfs_getdents(struct ufile *f, void __user *ubuf, size_t len)
{
	static const char zeros[8];
	const struct tmpfs_inode *n;
	const char *name;
	size_t done = 0;
	long ret = 0;
	u64 next;

	mutex_lock(&tmpfs_lock);
	while (tmpfs_tree_readdir(f->tmpfs, f->pos, &n, &name, &next)) {
		size_t name_len = strlen(name) + 1;
		size_t reclen = ALIGN(sizeof(struct tmpfs_dirent_hdr) +
				      name_len, 8);
		struct tmpfs_dirent_hdr h = {
			.d_ino = n->ino,
			.d_off = next,
			.d_reclen = reclen,
			.d_type = is_dir(n) ? DT_DIR : DT_REG,
		};
		char __user *at = (char __user *)ubuf + done;

		if (done + reclen > len) {
			if (!done)
				ret = -EINVAL;
			break;
		}
		if (copy_to_user(at, &h, sizeof(h)) ||
		    copy_to_user(at + sizeof(h), name, name_len) ||
		    copy_to_user(at + sizeof(h) + name_len, zeros,
				 reclen - sizeof(h) - name_len)) {
			ret = -EFAULT;
			break;
		}
		done += reclen;
		f->pos = next;
	}
	mutex_unlock(&tmpfs_lock);
	return done ? (long)done : ret;
}

static int tmpfs_map_source(struct ufile *f, struct ufile_map_source *src)
{
	mutex_lock(&tmpfs_lock);
	src->file_id = f->tmpfs->ino;
	src->size = f->tmpfs->size;
	mutex_unlock(&tmpfs_lock);
	src->node = P2M_TMPFS_NODE;
	return 0;
}

static int tmpfs_ftruncate(struct ufile *f, s64 size)
{
	int ret;

	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EINVAL;
	mutex_lock(&tmpfs_lock);
	ret = tmpfs_set_size(f->tmpfs, size);
	mutex_unlock(&tmpfs_lock);
	return ret;
}

static const struct ufile_ops tmpfs_file_ops = {
	.name = "tmpfs",
	.read = tmpfs_read,
	.write = tmpfs_write,
	.llseek = tmpfs_llseek,
	.fstat = tmpfs_fstat,
	.map_source = tmpfs_map_source,
	.release = tmpfs_release,
	.truncate = tmpfs_ftruncate,
	.chmod = tmpfs_fchmod,
	.setattr = tmpfs_fsetattr,
	.fmode = UFILE_FMODE_POS | UFILE_FMODE_FSYNC,
};

static const struct ufile_ops tmpfs_dir_ops = {
	.name = "tmpfs",
	.read = ufile_read_isdir,
	.llseek = ufile_seek_dir,
	.getdents = tmpfs_getdents,
	.fstat = tmpfs_fstat,
	.release = tmpfs_release,
	.chmod = tmpfs_fchmod,
	.setattr = tmpfs_fsetattr,
	.fmode = UFILE_FMODE_POS | UFILE_FMODE_FSYNC,
};
