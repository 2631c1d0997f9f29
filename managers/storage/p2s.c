/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The file service's core, without a transport: validation of P2S_*
 * requests (the p2s_*_check() functions of <fit/storage.h>) and the
 * stateless operations on ext4 behind them (see <fit/storage.h> for
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
	if (h->version != P2S_VERSION || le16_get(&h->reserved) ||
	    (h->flags & ~allowed_flags))
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

static void p2s_get_fh(const struct p2s_handle *fh, struct p2s_io_args *out)
{
	out->ino = le32_get(&fh->ino);
	out->generation = le32_get(&fh->generation);
}

int p2s_fh_req_check(const void *buf, size_t len, struct p2s_io_args *out)
{
	const struct p2s_fh_req *r = buf;

	if (len != sizeof(*r) || p2s_hdr_check(&r->hdr, 0) ||
	    le32_get(&r->reserved))
		return -EPROTO;
	memset(out, 0, sizeof(*out));
	p2s_get_fh(&r->fh, out);
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
}

static int p2s_open(struct ext4_fs *fs, const struct p2s_open_args *a,
		    void *reply)
{
	struct p2s_open_reply *r = reply;
	struct ext4_inode_info inode;
	u32 ino;
	int ret;

	ret = ext4_resolve(fs, a->path, a->flags & P2S_OPEN_NOFOLLOW ?
			   EXT4_RESOLVE_NOFOLLOW : 0, &ino);
	if (!ret)
		ret = ext4_iget(fs, ino, &inode);
	if (ret)
		return ret;
	if ((a->flags & P2S_OPEN_DIRECTORY) && !ext4_is_dir(&inode))
		return -ENOTDIR;
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
	if (ret)
		return ret;
	/* Not even one record fit: the caller's buffer is too small. */
	if (!d.used && cookie < dir.size)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	fit_put_le64(&r->next_cookie, cookie);
	fit_put_le32(&r->nbytes, d.used);
	r->eof = cookie >= dir.size;
	return sizeof(*r) + d.used;
}

int p2s_serve(struct ext4_fs *fs, u16 op, const void *req, size_t len,
	      void *reply, struct p2s_stats *stats)
{
	struct ext4_inode_info inode;
	struct p2s_open_args oa;
	struct p2s_io_args a;
	int ret;

	stats->requests++;
	switch (op) {
	case P2S_OPEN:
		ret = p2s_open_req_check(req, len, &oa);
		if (ret)
			goto malformed;
		ret = p2s_open(fs, &oa, reply);
		break;
	case P2S_STAT:
	case P2S_CLOSE:
		ret = p2s_fh_req_check(req, len, &a);
		if (ret)
			goto malformed;
		ret = p2s_iget(fs, &a, &inode);
		if (!ret && op == P2S_STAT) {
			p2s_fill_stat(fs, &inode, reply);
			ret = sizeof(struct p2s_stat);
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
	default:
		ret = -EOPNOTSUPP;	/* read-only service for now */
		break;
	}
	if (ret < 0) {
		stats->errors++;
		if (ret == -EIO)
			stats->io_errors++;
	}
	return ret;

malformed:
	stats->malformed++;
	stats->errors++;
	return ret;
}
