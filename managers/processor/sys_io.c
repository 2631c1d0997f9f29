/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Data system calls on descriptors: read, readv, pread64, write,
 * writev, pwrite64, lseek, getdents64, ioctl.  The descriptors themselves (open,
 * close, dup, fcntl, stat) are sys_file.c's; open files and the storage
 * client fs.c's.
 *
 * Every call goes through the open file's ops (struct ufile_ops, fs.h),
 * after the checks Linux makes before it reaches a file's own code, in
 * its order: a descriptor that is O_PATH or not open for the access
 * (-EBADF), a file without the op (-EINVAL for read/write, -ESPIPE for
 * a stream's lseek/pread/pwrite, -ENOTDIR for getdents), the user
 * buffer's range (-EFAULT).  A file with an offset (UFILE_FMODE_POS)
 * reads and writes at it under f->pos_lock, a readv or writev holding
 * it for all its vectors; a stream's ops are handed an offset of 0.
 * The kinds (console.c: the standard streams, fs.c: storage files,
 * pseudofs.c, tmpfs.c, pipes, eventfd, epoll) are the ops' business.
 */
#include <tessera/errno.h>
#include <tessera/slab.h>
#include <tessera/kernel.h>
#include <tessera/string.h>
#include <uapi/fcntl.h>
#include <uapi/stat.h>

#include "internal.h"
#include "fs.h"

#define IOV_MAX		1024
#define RW_MAX		0x7ffff000UL	/* Linux's MAX_RW_COUNT */

struct uapi_iovec {
	u64 base;
	u64 len;
};

/* Whether @f may be read (@write: written): 0, -EBADF or -EINVAL. */
static int rw_check(struct ufile *f, bool write)
{
	u32 acc = f->flags & O_ACCMODE;

	if ((f->flags & O_PATH) || acc == (write ? O_RDONLY : O_WRONLY))
		return -EBADF;
	if (!(write ? (void *)f->ops->write : (void *)f->ops->read))
		return -EINVAL;
	return 0;
}

/*
 * The read or write op of a checked @f at *@pos; the caller holds
 * f->pos_lock when @pos is f->pos.
 */
static long rw_op(struct ufile *f, bool write, void __user *ubuf,
		  size_t len, u64 *pos)
{
	if (!access_ok(ubuf, len))
		return -EFAULT;
	len = min_t(size_t, len, RW_MAX);
	return write ? f->ops->write(f, ubuf, len, pos) :
		       f->ops->read(f, ubuf, len, pos);
}

/* Lock @f's offset for a read or write at it, if it has one. */
static u64 *rw_pos_lock(struct ufile *f, u64 *stream_pos)
{
	if (!(f->ops->fmode & UFILE_FMODE_POS)) {
		*stream_pos = 0;
		return stream_pos;
	}
	mutex_lock(&f->pos_lock);
	return &f->pos;
}

static void rw_pos_unlock(struct ufile *f)
{
	if (f->ops->fmode & UFILE_FMODE_POS)
		mutex_unlock(&f->pos_lock);
}

/* read or write at @f's own offset. */
static long rw_at_pos(struct ufile *f, bool write, void __user *ubuf,
		      size_t len)
{
	u64 stream_pos, *pos;
	long ret;

	pos = rw_pos_lock(f, &stream_pos);
	ret = rw_op(f, write, ubuf, len, pos);
	rw_pos_unlock(f);
	return ret;
}

/*
 * readv or writev to a file with a read_iov or write_iov op (a pipe):
 * the caller's @iovcnt vectors checked (-EFAULT, -EINVAL), cut to RW_MAX
 * bytes in all as Linux does, and moved as one.
 */
static long rw_iov(struct ufile *f, bool write,
		   const struct uapi_iovec __user *uiov, long iovcnt, u64 *pos)
{
	struct ufile_iov fast[8], *iov = fast;
	size_t total = 0;
	long ret = 0;

	if (!iovcnt)
		return 0;
	/* Most writevs have a few vectors: no allocation for those. */
	if (iovcnt > (long)ARRAY_SIZE(fast)) {
		iov = kmalloc_array(iovcnt, sizeof(*iov), GFP_KERNEL);
		if (!iov)
			return -ENOMEM;
	}
	for (long i = 0; i < iovcnt; i++) {
		struct uapi_iovec v;

		if (copy_from_user(&v, &uiov[i], sizeof(v))) {
			ret = -EFAULT;
			break;
		}
		if ((long)v.len < 0) {
			ret = -EINVAL;
			break;
		}
		v.len = min_t(u64, v.len, RW_MAX - total);
		if (!access_ok((void __user *)v.base, v.len)) {
			ret = -EFAULT;
			break;
		}
		iov[i].base = (const char __user *)v.base;
		iov[i].len = v.len;
		total += v.len;
	}
	if (!ret)
		ret = write ? f->ops->write_iov(f, iov, iovcnt, pos) :
			      f->ops->read_iov(f, iov, iovcnt, pos);
	if (iov != fast)
		kfree(iov);
	return ret;
}

/*
 * readv and writev: the vectors in turn at the file's offset, until one
 * is short or fails (or at once, for a file with a read_iov/write_iov
 * op).  A stream without read_iov stops after the first vector that got
 * bytes: reading the next could block with those bytes taken.  Bytes
 * moved, or the first vector's error.
 */
static long rw_vec(int fd, bool write, const struct uapi_iovec __user *uiov,
		   long iovcnt)
{
	struct ufile *f = fd_get(current_files(), fd);
	u64 stream_pos, *pos;
	long total = 0, ret;

	if (IS_ERR(f))
		return PTR_ERR(f);
	ret = rw_check(f, write);
	if (!ret && (iovcnt < 0 || iovcnt > IOV_MAX))
		ret = -EINVAL;
	if (ret)
		goto out;
	pos = rw_pos_lock(f, &stream_pos);
	if (write ? !!f->ops->write_iov : !!f->ops->read_iov) {
		ret = rw_iov(f, write, uiov, iovcnt, pos);
		rw_pos_unlock(f);
		goto out;
	}
	for (long i = 0; i < iovcnt; i++) {
		struct uapi_iovec iov;

		ret = -EFAULT;
		if (copy_from_user(&iov, &uiov[i], sizeof(iov)))
			break;
		ret = -EINVAL;
		if ((long)iov.len < 0)
			break;
		ret = rw_op(f, write, (void __user *)iov.base, iov.len, pos);
		if (ret < 0)
			break;
		total += ret;
		if ((u64)ret < iov.len)
			break;
		if (!write && ret && !(f->ops->fmode & UFILE_FMODE_POS))
			break;
	}
	rw_pos_unlock(f);
	if (total || ret > 0)
		ret = total;
out:
	ufile_put(f);
	return ret;
}

SYSCALL_DECLARE(write)
{
	struct ufile *f = fd_get(current_files(), regs->rdi);
	long ret;

	if (IS_ERR(f))
		return PTR_ERR(f);
	ret = rw_check(f, true);
	if (!ret)
		ret = (long)regs->rdx < 0 ? -EINVAL :
		      rw_at_pos(f, true, (void __user *)regs->rsi, regs->rdx);
	ufile_put(f);
	return ret;
}

SYSCALL_DECLARE(writev)
{
	return rw_vec(regs->rdi, true, (const void __user *)regs->rsi,
		      regs->rdx);
}

SYSCALL_DECLARE(read)
{
	struct ufile *f = fd_get(current_files(), regs->rdi);
	long ret;

	if (IS_ERR(f))
		return PTR_ERR(f);
	ret = rw_check(f, false);
	if (!ret)
		ret = rw_at_pos(f, false, (void __user *)regs->rsi, regs->rdx);
	ufile_put(f);
	return ret;
}

SYSCALL_DECLARE(readv)
{
	return rw_vec(regs->rdi, false, (const void __user *)regs->rsi,
		      regs->rdx);
}

/*
 * pread64 and pwrite64: at the given offset, which stays the caller's.
 * Linux's order: no positional I/O on streams, whatever their mode; as
 * on Linux, O_APPEND appends whatever the offset says.
 */
static long rw_positional(int fd, bool write, void __user *ubuf,
			  size_t len, s64 off)
{
	struct ufile *f = fd_get(current_files(), fd);
	u64 pos = off;
	long ret;

	if (IS_ERR(f))
		return PTR_ERR(f);
	if (!(f->ops->fmode & UFILE_FMODE_POS))
		ret = -ESPIPE;
	else if (off < 0 || (write && (long)len < 0))
		ret = -EINVAL;
	else
		ret = rw_check(f, write);
	if (!ret)
		ret = rw_op(f, write, ubuf, len, &pos);
	ufile_put(f);
	return ret;
}

SYSCALL_DECLARE(pread64)
{
	return rw_positional(regs->rdi, false, (void __user *)regs->rsi,
			     regs->rdx, regs->r10);
}

SYSCALL_DECLARE(pwrite64)
{
	return rw_positional(regs->rdi, true, (void __user *)regs->rsi,
			     regs->rdx, regs->r10);
}

long ufile_read_isdir(struct ufile *f, char __user *ubuf, size_t len,
		      u64 *pos)
{
	return -EISDIR;
}

long ufile_seek_dir(struct ufile *f, s64 off, int whence)
{
	if (whence == SEEK_SET && off >= 0)
		f->pos = off;
	else if (whence != SEEK_CUR || off)
		return -EINVAL;
	return f->pos;
}

long ufile_seek_file(struct ufile *f, s64 size, s64 off, int whence)
{
	s64 pos;

	switch (whence) {
	case SEEK_SET:
		pos = off;
		break;
	case SEEK_CUR:
		pos = (s64)f->pos + off;
		break;
	case SEEK_END:
		pos = size + off;
		break;
	case SEEK_DATA:	/* all data, no holes here */
		if (off < 0)
			return -EINVAL;
		if (off >= size)
			return -ENXIO;
		pos = off;
		break;
	case SEEK_HOLE:	/* the one at the end */
		if (off < 0)
			return -EINVAL;
		if (off >= size)
			return -ENXIO;
		pos = size;
		break;
	default:
		return -EINVAL;
	}
	if (pos < 0)
		return -EINVAL;
	f->pos = pos;
	return pos;
}

SYSCALL_DECLARE(lseek)
{
	struct ufile *f = fd_get(current_files(), regs->rdi);
	long ret;

	if (IS_ERR(f))
		return PTR_ERR(f);
	if (!f->ops->llseek) {
		ret = -ESPIPE;
	} else if (f->flags & O_PATH) {
		ret = -EBADF;
	} else {
		mutex_lock(&f->pos_lock);
		ret = f->ops->llseek(f, regs->rsi, regs->rdx);
		mutex_unlock(&f->pos_lock);
	}
	ufile_put(f);
	return ret;
}

SYSCALL_DECLARE(getdents64)
{
	struct ufile *f = fd_get(current_files(), regs->rdi);
	void __user *ubuf = (void __user *)regs->rsi;
	long ret;

	if (IS_ERR(f))
		return PTR_ERR(f);
	if (f->flags & O_PATH) {
		ret = -EBADF;
	} else if (!f->ops->getdents) {
		ret = -ENOTDIR;
	} else if (!access_ok(ubuf, regs->rdx)) {
		ret = -EFAULT;
	} else {
		mutex_lock(&f->pos_lock);
		ret = f->ops->getdents(f, ubuf, min_t(size_t, regs->rdx,
						      RW_MAX));
		mutex_unlock(&f->pos_lock);
	}
	ufile_put(f);
	return ret;
}

SYSCALL_DECLARE(ioctl)
{
	struct fd_table *t = current_files();
	struct ufile *f = fd_get(t, regs->rdi);
	const int __user *uarg = (const int __user *)regs->rdx;
	bool path_only;
	long ret = -ENOTTY;
	int on;

	if (IS_ERR(f))
		return PTR_ERR(f);
	path_only = f->flags & O_PATH;
	if (!path_only && f->ops->ioctl &&
	    regs->rsi != FIOCLEX && regs->rsi != FIONCLEX &&
	    regs->rsi != FIONBIO)
		ret = f->ops->ioctl(f, regs->rsi, regs->rdx);
	ufile_put(f);
	/* Linux: an O_PATH descriptor takes no ioctl at all. */
	if (path_only)
		return -EBADF;
	switch (regs->rsi) {
	case FIOCLEX:
		return fd_set_cloexec(t, regs->rdi, true);
	case FIONCLEX:
		return fd_set_cloexec(t, regs->rdi, false);
	case FIONBIO:
		/* Any kind of file: the same flag as F_SETFL's O_NONBLOCK. */
		if (copy_from_user(&on, uarg, sizeof(on)))
			return -EFAULT;
		return fd_set_status(t, regs->rdi, O_NONBLOCK,
				     on ? O_NONBLOCK : 0);
	default:
		/* No descriptor here is a terminal (console.c). */
		return ret;
	}
}
