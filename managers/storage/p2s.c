/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The file service's core, without a transport: validation of P2S_*
 * requests (the p2s_*_check() functions of <fit/storage.h>) and the
 * stateless operations on ext4 behind them, reads (ext4.c) and changes
 * (ext4_write.c) (see <fit/storage.h> for
 * the protocol).  Pure code over ext4.c: the host tests run it against
 * real images; file_service.c connects it to FIT.
 *
 * Every field of a request is checked before use; a request that fails
 * validation is counted as malformed and answered with an error.
 */
#include <fit/fit_wire.h>
#include <fit/storage.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/string.h>
#ifndef CONFIG_HOST_TEST
#include <tessera/mutex.h>
#endif

#include "ext4_orphan.h"
#include "ext4_write.h"
#include "internal.h"

/* Linux's DT_* values match ext4's file_type codes for what ext4 stores. */
static const u8 p2s_dtype[EXT4_FT_MAX] = {
	[EXT4_FT_UNKNOWN] = 0,	/* DT_UNKNOWN */
	[EXT4_FT_REG_FILE] = 8,	/* DT_REG */
	[EXT4_FT_DIR] = 4,	/* DT_DIR */
	[EXT4_FT_CHRDEV] = 2,	/* DT_CHR */
	[EXT4_FT_BLKDEV] = 6,	/* DT_BLK */
	[EXT4_FT_FIFO] = 1,	/* DT_FIFO */
	[EXT4_FT_SOCK] = 12,	/* DT_SOCK */
	[EXT4_FT_SYMLINK] = 10,	/* DT_LNK */
};

static int p2s_hdr_check(const struct p2s_req_hdr *h, u8 allowed_flags)
{
	if (h->version != P2S_VERSION || h->reserved ||
	    (h->xflags & ~P2S_HDR_CRED) || (h->flags & ~allowed_flags))
		return -EPROTO;
	return 0;
}

int p2s_open_req_check(const void *buf, size_t len,
		       struct p2s_open_args *out)
{
	const struct p2s_open_req *r = buf;
	u32 plen;

	if (len < sizeof(*r) + 2 ||
	    p2s_hdr_check(&r->hdr, P2S_OPEN_FLAGS) || le16_get(&r->reserved))
		return -EPROTO;
	plen = le16_get(&r->path_len);
	if (plen >= P2S_PATH_MAX)
		return -ENAMETOOLONG;
	if (!plen || len != sizeof(*r) + plen + 1 || r->path[plen] ||
	    memchr(r->path, '\0', plen))
		return -EINVAL;
	out->path = r->path;
	out->path_len = plen;
	out->flags = r->hdr.flags;
	return 0;
}

static void p2s_get_fh_args(const struct p2s_handle *fh, u32 *ino, u32 *gen)
{
	*ino = le32_get(&fh->ino);
	*gen = le32_get(&fh->generation);
}

static void p2s_get_fh(const struct p2s_handle *fh, struct p2s_io_args *out)
{
	p2s_get_fh_args(fh, &out->ino, &out->generation);
}

int p2s_fh_req_check(u16 op, const void *buf, size_t len,
		     struct p2s_io_args *out)
{
	const struct p2s_fh_req *r = buf;
	u8 flags = op == P2S_STAT ? P2S_STAT_REF : 0;

	if (len != sizeof(*r) || p2s_hdr_check(&r->hdr, flags) ||
	    le32_get(&r->reserved))
		return -EPROTO;
	memset(out, 0, sizeof(*out));
	p2s_get_fh(&r->fh, out);
	out->flags = r->hdr.flags;
	return out->ino ? 0 : -EINVAL;
}

int p2s_read_req_check(const void *buf, size_t len, struct p2s_io_args *out)
{
	const struct p2s_read_req *r = buf;

	if (len != sizeof(*r) || p2s_hdr_check(&r->hdr, 0) ||
	    le32_get(&r->reserved) || le32_get(&r->reserved2))
		return -EPROTO;
	p2s_get_fh(&r->fh, out);
	out->offset = le64_get(&r->offset);
	out->len = le32_get(&r->len);
	if (!out->ino || !out->len || out->len > P2S_READ_MAX ||
	    out->offset >= (1ULL << 62))
		return -EINVAL;
	return 0;
}

int p2s_getdents_req_check(const void *buf, size_t len,
			   struct p2s_io_args *out)
{
	const struct p2s_getdents_req *r = buf;

	if (len != sizeof(*r) || p2s_hdr_check(&r->hdr, 0) ||
	    le32_get(&r->reserved) || le32_get(&r->reserved2))
		return -EPROTO;
	p2s_get_fh(&r->fh, out);
	out->offset = le64_get(&r->cookie);
	out->len = le32_get(&r->max_bytes);
	if (!out->ino || out->len < 32 || out->len > P2S_GETDENTS_MAX)
		return -EINVAL;
	return 0;
}

_Static_assert(P2S_ATTR_MODE == EXT4_ATTR_MODE &&
	       P2S_ATTR_UID == EXT4_ATTR_UID && P2S_ATTR_GID == EXT4_ATTR_GID &&
	       P2S_ATTR_ATIME == EXT4_ATTR_ATIME &&
	       P2S_ATTR_MTIME == EXT4_ATTR_MTIME, "P2S_ATTR_* as EXT4_ATTR_*");

/* A time from the wire: seconds in ext4's range, nanoseconds < 10^9. */
static int p2s_get_time(const struct p2s_time *w, s64 *sec, u32 *nsec)
{
	u64 s = le64_get(&w->sec);

	if (le32_get(&w->reserved))
		return -EPROTO;
	*nsec = le32_get(&w->nsec);
	if (s >= (1ULL << 34) || *nsec >= 1000000000u)
		return -EINVAL;
	*sec = (s64)s;
	return 0;
}

/*
 * A name of @nlen bytes at @p with @avail bytes left in the request:
 * then a NUL, nothing NUL or '/' inside.  Bytes used (name + NUL).
 */
static int p2s_get_name(const char *p, size_t avail, u32 nlen, u32 max,
			const char **out)
{
	if (nlen > max)
		return -ENAMETOOLONG;
	if (!nlen || nlen + 1 > avail || p[nlen] || memchr(p, '\0', nlen))
		return -EINVAL;
	if (max == P2S_NAME_MAX && memchr(p, '/', nlen))
		return -EINVAL;
	*out = p;
	return nlen + 1;
}

/* Take a name of @nlen bytes (+ NUL) off the rest of the request. */
static int p2s_take_name(const char **rest, size_t *avail, u32 nlen, u32 max,
			 const char **name, u32 *len)
{
	int n = p2s_get_name(*rest, *avail, nlen, max, name);

	if (n < 0)
		return n;
	*len = n - 1;
	*rest += n;
	*avail -= n;
	return 0;
}

/* Fixed part of each change request: its size and allowed header flags. */
static int p2s_change_fixed(u16 op, size_t *fixed, u8 *flags)
{
	*flags = 0;
	switch (op) {
	case P2S_WRITE:
		*fixed = sizeof(struct p2s_write_req);
		break;
	case P2S_TRUNCATE:
		*fixed = sizeof(struct p2s_truncate_req);
		break;
	case P2S_CREATE:
		*flags = P2S_CREATE_EXCL | P2S_CREATE_TRUNC | P2S_CREATE_REF;
		*fixed = sizeof(struct p2s_create_req);
		break;
	case P2S_MKDIR:
		*fixed = sizeof(struct p2s_create_req);
		break;
	case P2S_UNLINK:
	case P2S_RMDIR:
		*fixed = sizeof(struct p2s_name_req);
		break;
	case P2S_LINK:
		*fixed = sizeof(struct p2s_link_req);
		break;
	case P2S_SYMLINK:
		*fixed = sizeof(struct p2s_symlink_req);
		break;
	case P2S_RENAME:
		*flags = P2S_RENAME_NOREPLACE;
		*fixed = sizeof(struct p2s_rename_req);
		break;
	case P2S_SETATTR:
		*flags = P2S_SETATTR_TIMES_NOW;
		*fixed = sizeof(struct p2s_setattr_req);
		break;
	default:
		return -EOPNOTSUPP;
	}
	return 0;
}

int p2s_change_req_check(u16 op, const void *buf, size_t len,
			 struct p2s_change_args *out)
{
	const struct p2s_req_hdr *h = buf;
	const struct p2s_time *now;
	const char *rest;
	size_t fixed, avail;
	u8 flags;
	int ret;

	ret = p2s_change_fixed(op, &fixed, &flags);
	if (ret)
		return ret;
	if (len < fixed || p2s_hdr_check(h, flags))
		return -EPROTO;
	memset(out, 0, sizeof(*out));
	out->flags = h->flags;
	rest = (const char *)buf + fixed;
	avail = len - fixed;
	switch (op) {
	case P2S_WRITE: {
		const struct p2s_write_req *r = buf;

		p2s_get_fh_args(&r->fh, &out->ino, &out->generation);
		out->len = le32_get(&r->len);
		out->offset = le64_get(&r->offset);
		out->data = r->data;
		now = &r->now;
		if (!out->len || out->len > P2S_WRITE_MAX ||
		    out->len != avail || out->offset >= (1ULL << 62) ||
		    out->len > (1ULL << 62) - out->offset)
			return out->len == avail ? -EINVAL : -EPROTO;
		avail = 0;
		break;
	}
	case P2S_TRUNCATE: {
		const struct p2s_truncate_req *r = buf;

		if (le32_get(&r->reserved))
			return -EPROTO;
		p2s_get_fh_args(&r->fh, &out->ino, &out->generation);
		out->offset = le64_get(&r->size);
		now = &r->now;
		if (out->offset >= (1ULL << 62))
			return -EINVAL;
		break;
	}
	case P2S_CREATE:
	case P2S_MKDIR: {
		const struct p2s_create_req *r = buf;

		if (le16_get(&r->reserved))
			return -EPROTO;
		p2s_get_fh_args(&r->dir, &out->ino, &out->generation);
		out->mode = le32_get(&r->mode);
		out->uid = le32_get(&r->uid);
		out->gid = le32_get(&r->gid);
		now = &r->now;
		if (out->mode & ~07777u)
			return -EINVAL;
		ret = p2s_take_name(&rest, &avail, le16_get(&r->name_len),
				    P2S_NAME_MAX, &out->name,
				    &out->name_len);
		if (ret)
			return ret;
		break;
	}
	case P2S_UNLINK:
	case P2S_RMDIR: {
		const struct p2s_name_req *r = buf;

		if (le16_get(&r->reserved))
			return -EPROTO;
		p2s_get_fh_args(&r->dir, &out->ino, &out->generation);
		now = &r->now;
		ret = p2s_take_name(&rest, &avail, le16_get(&r->name_len),
				    P2S_NAME_MAX, &out->name,
				    &out->name_len);
		if (ret)
			return ret;
		break;
	}
	case P2S_LINK: {
		const struct p2s_link_req *r = buf;

		if (le16_get(&r->reserved))
			return -EPROTO;
		p2s_get_fh_args(&r->fh, &out->ino, &out->generation);
		p2s_get_fh_args(&r->dir, &out->ino2, &out->generation2);
		now = &r->now;
		if (!out->ino2)
			return -EINVAL;
		ret = p2s_take_name(&rest, &avail, le16_get(&r->name_len),
				    P2S_NAME_MAX, &out->name,
				    &out->name_len);
		if (ret)
			return ret;
		break;
	}
	case P2S_SYMLINK: {
		const struct p2s_symlink_req *r = buf;

		p2s_get_fh_args(&r->dir, &out->ino, &out->generation);
		out->uid = le32_get(&r->uid);
		out->gid = le32_get(&r->gid);
		now = &r->now;
		ret = p2s_take_name(&rest, &avail, le16_get(&r->name_len),
				    P2S_NAME_MAX, &out->name,
				    &out->name_len);
		if (ret)
			return ret;
		ret = p2s_take_name(&rest, &avail, le16_get(&r->target_len),
				    P2S_PATH_MAX - 1, &out->name2,
				    &out->name2_len);
		if (ret)
			return ret;
		break;
	}
	case P2S_RENAME: {
		const struct p2s_rename_req *r = buf;

		p2s_get_fh_args(&r->sdir, &out->ino, &out->generation);
		p2s_get_fh_args(&r->ddir, &out->ino2, &out->generation2);
		now = &r->now;
		if (!out->ino2)
			return -EINVAL;
		ret = p2s_take_name(&rest, &avail, le16_get(&r->sname_len),
				    P2S_NAME_MAX, &out->name,
				    &out->name_len);
		if (ret)
			return ret;
		ret = p2s_take_name(&rest, &avail, le16_get(&r->dname_len),
				    P2S_NAME_MAX, &out->name2,
				    &out->name2_len);
		if (ret)
			return ret;
		break;
	}
	case P2S_SETATTR: {
		const struct p2s_setattr_req *r = buf;

		p2s_get_fh_args(&r->fh, &out->ino, &out->generation);
		out->valid = le32_get(&r->valid);
		out->mode = le32_get(&r->mode);
		out->uid = le32_get(&r->uid);
		out->gid = le32_get(&r->gid);
		now = &r->now;
		if ((out->valid & ~P2S_ATTR_ALL) || (out->mode & ~07777u))
			return -EINVAL;
		ret = p2s_get_time(&r->atime, &out->atime_sec,
				   &out->atime_nsec);
		if (!ret)
			ret = p2s_get_time(&r->mtime, &out->mtime_sec,
					   &out->mtime_nsec);
		if (ret)
			return ret;
		break;
	}
	default:
		return -EOPNOTSUPP;
	}
	if (avail)
		return -EPROTO;		/* bytes after the last field */
	if (!out->ino)
		return -EINVAL;
	return p2s_get_time(now, &out->now_sec, &out->now_nsec);
}

/* The inode a handle names, if it is still the same file. */
static int p2s_iget(struct ext4_fs *fs, const struct p2s_io_args *a,
		    struct ext4_inode_info *inode)
{
	int ret = ext4_iget(fs, a->ino, inode);

	if (ret)
		return ret;
	if (inode->generation != a->generation)
		return -ESTALE;	/* freed and reused: a stale handle */
	return 0;
}

static void p2s_fill_stat(struct ext4_fs *fs,
			  const struct ext4_inode_info *i, struct p2s_stat *st)
{
	memset(st, 0, sizeof(*st));
	fit_put_le64(&st->ino, i->ino);
	fit_put_le64(&st->nlink, i->links);
	fit_put_le32(&st->mode, i->mode);
	fit_put_le32(&st->uid, i->uid);
	fit_put_le32(&st->gid, i->gid);
	fit_put_le32(&st->generation, i->generation);
	fit_put_le64(&st->size, i->size);
	fit_put_le64(&st->blksize, fs->block_size);
	fit_put_le64(&st->blocks, i->blocks);
	fit_put_le64(&st->atime_sec, i->atime.sec);
	fit_put_le64(&st->atime_nsec, i->atime.nsec);
	fit_put_le64(&st->mtime_sec, i->mtime.sec);
	fit_put_le64(&st->mtime_nsec, i->mtime.nsec);
	fit_put_le64(&st->ctime_sec, i->ctime.sec);
	fit_put_le64(&st->ctime_nsec, i->ctime.nsec);
	fit_put_le64(&st->version, i->version);
}

/*
 * Take a reference for @owner on @ino.  P2S_OPEN_REF and P2S_STAT_REF
 * are readers (p2s_is_read()), so several may add to the table of
 * references at once: p2s_ref_mutex serialises them.  Everything else
 * that reads or changes the table (CLOSE, unlink's "still held?",
 * dropping an owner) runs with the readers excluded.  A host test is
 * one thread.
 */
#ifdef CONFIG_HOST_TEST
static int p2s_ref_get(struct ext4_fs *fs, u32 ino, u32 owner)
{
	return ext4_ref_get(fs, ino, owner);
}
#else
static DEFINE_MUTEX(p2s_ref_mutex);

static int p2s_ref_get(struct ext4_fs *fs, u32 ino, u32 owner)
{
	int ret;

	mutex_lock(&p2s_ref_mutex);
	ret = ext4_ref_get(fs, ino, owner);
	mutex_unlock(&p2s_ref_mutex);
	return ret;
}
#endif

/* P2S_OPEN_REF, P2S_CREATE_REF: a regular file's reference for @owner. */
static int p2s_take_ref(struct ext4_fs *fs, const struct ext4_inode_info *in,
			bool want, u32 owner)
{
	if (!want || !ext4_is_reg(in))
		return 0;
	return p2s_ref_get(fs, in->ino, owner);
}

static int p2s_open(struct ext4_fs *fs, const struct p2s_open_args *a,
		    u32 owner, const struct p2s_perm *pm, void *reply)
{
	struct p2s_open_reply *r = reply;
	struct ext4_inode_info inode;
	u32 ino;
	int ret;

	ret = p2s_perm_resolve(fs, pm, a->path, a->flags & P2S_OPEN_NOFOLLOW ?
			       EXT4_RESOLVE_NOFOLLOW : 0, &ino);
	if (!ret)
		ret = ext4_iget(fs, ino, &inode);
	if (ret)
		return ret;
	if ((a->flags & P2S_OPEN_DIRECTORY) && !ext4_is_dir(&inode))
		return -ENOTDIR;
	ret = p2s_perm_open(pm, &inode, a->flags);
	if (!ret)
		ret = p2s_take_ref(fs, &inode, a->flags & P2S_OPEN_REF, owner);
	if (ret)
		return ret;
	fit_put_le32(&r->fh.ino, inode.ino);
	fit_put_le32(&r->fh.generation, inode.generation);
	p2s_fill_stat(fs, &inode, &r->st);
	return sizeof(*r);
}

static int p2s_read(struct ext4_fs *fs, const struct p2s_io_args *a,
		    void *reply)
{
	struct p2s_read_reply *r = reply;
	u8 *data = (u8 *)(r + 1);
	struct ext4_inode_info inode;
	ssize_t n;
	int ret;

	ret = p2s_iget(fs, a, &inode);
	if (ret)
		return ret;
	if (ext4_is_symlink(&inode)) {
		/* readlink: the whole target, whatever the offset. */
		if (a->offset)
			return -EINVAL;
		n = ext4_readlink(fs, &inode, (char *)data, P2S_READ_MAX);
		if (n >= 0 && n > a->len)
			n = a->len;
	} else if (ext4_is_reg(&inode)) {
		n = ext4_read(fs, &inode, a->offset, data, a->len);
	} else {
		return ext4_is_dir(&inode) ? -EISDIR : -EINVAL;
	}
	if (n < 0)
		return n;
	fit_put_le32(&r->len, n);
	r->reserved = 0;
	return sizeof(*r) + n;
}

struct p2s_dents {
	u8 *buf;
	u32 used, room;
};

static int p2s_fill_dent(void *ctx, const char *name, size_t len, u32 ino,
			 u8 type, u64 next)
{
	struct p2s_dents *d = ctx;
	struct p2s_dirent64 *de = (struct p2s_dirent64 *)(d->buf + d->used);
	u32 reclen = ALIGN(sizeof(*de) + len + 1, 8);

	if (d->used + reclen > d->room)
		return 1;
	memset(de, 0, reclen);
	fit_put_le64(&de->d_ino, ino);
	fit_put_le64(&de->d_off, next);
	fit_put_le16(&de->d_reclen, reclen);
	de->d_type = p2s_dtype[type < EXT4_FT_MAX ? type : 0];
	memcpy(de->d_name, name, len);
	d->used += reclen;
	return 0;
}

static int p2s_getdents(struct ext4_fs *fs, const struct p2s_io_args *a,
			void *reply)
{
	struct p2s_getdents_reply *r = reply;
	struct p2s_dents d = { .buf = (u8 *)(r + 1), .room = a->len };
	struct ext4_inode_info dir;
	u64 cookie = a->offset;
	int ret;

	ret = p2s_iget(fs, a, &dir);
	if (ret)
		return ret;
	ret = ext4_readdir(fs, &dir, &cookie, p2s_fill_dent, &d);
	if (ret < 0)
		return ret;
	/* Not even one record fit: the caller's buffer is too small. */
	if (!d.used && !ret)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	fit_put_le64(&r->next_cookie, cookie);
	fit_put_le32(&r->nbytes, d.used);
	r->eof = ret;
	return sizeof(*r) + d.used;
}

static int p2s_fh_iget(struct ext4_fs *fs, u32 ino, u32 gen,
		       struct ext4_inode_info *inode)
{
	struct p2s_io_args a = { .ino = ino, .generation = gen };

	return p2s_iget(fs, &a, inode);
}

/* The reply of a change that names an inode: handle and attributes. */
static int p2s_open_reply_of(struct ext4_fs *fs, u32 ino, void *reply)
{
	struct p2s_open_reply *r = reply;
	struct ext4_inode_info inode;
	int ret = ext4_iget(fs, ino, &inode);

	if (ret)
		return ret;
	fit_put_le32(&r->fh.ino, inode.ino);
	fit_put_le32(&r->fh.generation, inode.generation);
	p2s_fill_stat(fs, &inode, &r->st);
	return sizeof(*r);
}

static int p2s_create(struct ext4_fs *fs, const struct p2s_change_args *a,
		      const struct p2s_perm *pm, u32 owner, void *reply)
{
	struct ext4_inode_info dir, inode;
	u32 ino;
	int ret;

	ret = ext4_create(fs, a->ino, a->name, a->name_len, a->mode, a->uid,
			  a->gid, &ino);
	if (ret == -EEXIST && !(a->flags & P2S_CREATE_EXCL)) {
		ret = ext4_iget(fs, a->ino, &dir);
		if (!ret)
			ret = ext4_lookup(fs, &dir, a->name, a->name_len, &ino);
		if (!ret)
			ret = ext4_iget(fs, ino, &inode);
		if (!ret && ext4_is_dir(&inode))
			ret = -EISDIR;
		/* O_TRUNC drops set-id bits even of an empty file. */
		if (!ret && ext4_is_reg(&inode) &&
		    (a->flags & P2S_CREATE_TRUNC))
			ret = p2s_perm_kill_priv(fs, pm, ino, &inode);
		if (!ret && ext4_is_reg(&inode) &&
		    (a->flags & P2S_CREATE_TRUNC) && inode.size)
			ret = ext4_truncate(fs, ino, 0);
	}
	if (!ret)
		ret = ext4_iget(fs, ino, &inode);
	if (!ret)
		ret = p2s_take_ref(fs, &inode, a->flags & P2S_CREATE_REF,
				   owner);
	return ret ? ret : p2s_open_reply_of(fs, ino, reply);
}

static int p2s_change(struct ext4_fs *fs, u16 op, u32 owner,
		      struct p2s_change_args *a, const struct p2s_perm *pm,
		      void *reply)
{
	struct ext4_inode_info inode, other;
	struct ext4_setattr sa;
	ssize_t n;
	u32 ino;
	int ret;

	ret = p2s_fh_iget(fs, a->ino, a->generation, &inode);
	if (!ret && a->ino2)
		ret = p2s_fh_iget(fs, a->ino2, a->generation2, &other);
	if (!ret)
		ret = p2s_perm_change(fs, pm, op, a, &inode,
				      a->ino2 ? &other : NULL);
	if (ret)
		return ret;
	fs->now.sec = a->now_sec;
	fs->now.nsec = a->now_nsec;
	switch (op) {
	case P2S_WRITE: {
		struct p2s_write_reply *r = reply;

		ret = a->len ? p2s_perm_kill_priv(fs, pm, a->ino, &inode) : 0;
		if (ret)
			return ret;
		n = ext4_write(fs, a->ino, a->offset, a->data, a->len);
		if (n < 0)
			return n;
		ret = ext4_iget(fs, a->ino, &inode);
		if (ret)
			return ret;
		memset(r, 0, sizeof(*r));
		fit_put_le32(&r->written, n);
		fit_put_le64(&r->size, inode.size);
		return sizeof(*r);
	}
	case P2S_TRUNCATE:
		ret = p2s_perm_kill_priv(fs, pm, a->ino, &inode);
		return ret ? ret : ext4_truncate(fs, a->ino, a->offset);
	case P2S_CREATE:
		return p2s_create(fs, a, pm, owner, reply);
	case P2S_MKDIR:
		ret = ext4_mkdir(fs, a->ino, a->name, a->name_len, a->mode,
				 a->uid, a->gid, &ino);
		return ret ? ret : p2s_open_reply_of(fs, ino, reply);
	case P2S_UNLINK:
		return ext4_unlink(fs, a->ino, a->name, a->name_len);
	case P2S_RMDIR:
		return ext4_rmdir(fs, a->ino, a->name, a->name_len);
	case P2S_LINK:
		return ext4_link(fs, a->ino, a->ino2, a->name, a->name_len);
	case P2S_SYMLINK:
		ret = ext4_symlink(fs, a->ino, a->name, a->name_len, a->name2,
				   a->name2_len, a->uid, a->gid, &ino);
		return ret ? ret : p2s_open_reply_of(fs, ino, reply);
	case P2S_RENAME:
		return ext4_rename(fs, a->ino, a->name, a->name_len, a->ino2,
				   a->name2, a->name2_len,
				   a->flags & P2S_RENAME_NOREPLACE ?
				   EXT4_RENAME_NOREPLACE : 0);
	case P2S_SETATTR:
		memset(&sa, 0, sizeof(sa));
		sa.valid = a->valid;	/* P2S_ATTR_* == EXT4_ATTR_* */
		sa.mode = a->mode;
		sa.uid = a->uid;
		sa.gid = a->gid;
		sa.atime.sec = a->atime_sec;
		sa.atime.nsec = a->atime_nsec;
		sa.mtime.sec = a->mtime_sec;
		sa.mtime.nsec = a->mtime_nsec;
		ret = ext4_setattr(fs, a->ino, &sa);
		if (!ret)
			ret = ext4_iget(fs, a->ino, &inode);
		if (ret)
			return ret;
		p2s_fill_stat(fs, &inode, reply);
		return sizeof(struct p2s_stat);
	}
	return -EOPNOTSUPP;
}

bool p2s_is_read(u16 op, const void *req, size_t len)
{
	/* Too short to say: the exclusive path answers it (malformed). */
	if (len < sizeof(struct p2s_req_hdr))
		return false;
	switch (op) {
	case P2S_READ:
	case P2S_GETDENTS:
	case P2S_OPEN:
	case P2S_STAT:
		/* With _REF too: p2s_ref_get() locks the table. */
		return true;
	default:
		return false;
	}
}

/* Several readers may count at once (p2s_is_read()). */
#define p2s_count(stats, field) \
	__atomic_fetch_add(&(stats)->field, 1, __ATOMIC_RELAXED)

int p2s_serve(struct ext4_fs *fs, u16 op, const void *req, size_t len,
	      void *reply, struct p2s_stats *stats)
{
	return p2s_serve_from(fs, 0, op, req, len, reply, stats);
}

int p2s_serve_from(struct ext4_fs *fs, u32 owner, u16 op, const void *req,
		   size_t len, void *reply, struct p2s_stats *stats)
{
	struct ext4_inode_info inode;
	struct p2s_cred_args cred;
	struct p2s_open_args oa;
	struct p2s_perm pm = { .groups_alloc = NULL };
	struct p2s_io_args a;
	int ret;

	p2s_count(stats, requests);
	ret = p2s_cred_req_check(req, &len, &cred);
	if (ret)
		goto malformed;
	ret = p2s_perm_begin(&pm, &cred);
	if (ret)
		goto out;
	switch (op) {
	case P2S_OPEN:
		ret = p2s_open_req_check(req, len, &oa);
		if (ret)
			goto malformed;
		ret = p2s_open(fs, &oa, owner, &pm, reply);
		break;
	case P2S_STAT:
	case P2S_CLOSE:
		ret = p2s_fh_req_check(op, req, len, &a);
		if (ret)
			goto malformed;
		ret = p2s_iget(fs, &a, &inode);
		if (!ret && (a.flags & P2S_STAT_REF))
			ret = ext4_is_reg(&inode) ?
			      p2s_ref_get(fs, inode.ino, owner) : -EINVAL;
		if (!ret && op == P2S_STAT) {
			p2s_fill_stat(fs, &inode, reply);
			ret = sizeof(struct p2s_stat);
		} else if (!ret) {
			/* The last reference of an orphan frees it. */
			ret = ext4_ref_put(fs, a.ino, owner);
			if (ret == -ENOENT)
				ret = -EBADF;	/* it holds none */
		}
		break;
	case P2S_READ:
		ret = p2s_read_req_check(req, len, &a);
		if (ret)
			goto malformed;
		ret = p2s_read(fs, &a, reply);
		break;
	case P2S_GETDENTS:
		ret = p2s_getdents_req_check(req, len, &a);
		if (ret)
			goto malformed;
		ret = p2s_getdents(fs, &a, reply);
		break;
	case P2S_FSYNC:
		ret = p2s_fh_req_check(op, req, len, &a);
		if (ret)
			goto malformed;
		ret = p2s_iget(fs, &a, &inode);
		if (!ret)
			ret = ext4_sync(fs);
		break;
	default: {
		struct p2s_change_args ca;

		ret = p2s_change_req_check(op, req, len, &ca);
		if (ret == -EOPNOTSUPP)
			break;
		if (ret)
			goto malformed;
		ret = p2s_change(fs, op, owner, &ca, &pm, reply);
		break;
	}
	}
out:
	p2s_perm_end(&pm);
	if (ret < 0) {
		p2s_count(stats, errors);
		if (ret == -EIO)
			p2s_count(stats, io_errors);
	}
	return ret;

malformed:
	p2s_perm_end(&pm);
	p2s_count(stats, malformed);
	p2s_count(stats, errors);
	return ret;
}
