/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Data system calls on descriptors: read, readv, pread64, write,
 * writev, pwrite64, lseek, getdents64, ioctl.  The descriptors themselves (open,
 * close, dup, fcntl, stat) are sys_file.c's; open files and the storage
 * client fs.c's.
 *
 * Until a program opens files its only descriptors are the standard
 * three (fs.c creates them):
 *
 *   0  stdin: always at end of file
 *   1  stdout, 2 stderr: the program output ports (console.c)
 *
 * Their fstat says FIFO, and ioctl(TCGETS) says -ENOTTY: to the program,
 * its output is a pipe (it is relayed by the launcher), so glibc fully
 * buffers stdout exactly as it does when the same program runs natively
 * with its output piped, and the two runs write the same bytes.  Storage
 * files are read-only: reads go to the storage node in P2S_READ chunks,
 * writes get -EBADF (no file is open for writing; open says -EROFS).
 * tmpfs files (/tmp, /dev/shm) are tmpfs.c's, read and written there.
 * Pseudo files (/dev, /proc, /sys) are pseudofs.c's; /dev/null, zero,
 * full and (u)random are the files that may be open for writing.
 */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/string.h>
#include <uapi/fcntl.h>
#include <uapi/stat.h>

#include "internal.h"
#include "fs.h"

#define WRITE_CHUNK	256
#define IOV_MAX		1024
#define RW_MAX		0x7ffff000UL	/* Linux's MAX_RW_COUNT */

struct uapi_iovec {
	u64 base;
	u64 len;
};

/*
 * read or write of a file with ops (ufile_alloc_ops()) at *@pos, or at
 * its own offset when @pos is NULL: the access mode, the op and the
 * buffer checked in Linux's order.
 */
static long ops_rw(struct ufile *f, bool write, void __user *ubuf,
		   size_t len, u64 *pos)
{
	u32 acc = f->flags & O_ACCMODE;
	u64 stream_pos = 0;
	long ret;

	if ((f->flags & O_PATH) || acc == (write ? O_RDONLY : O_WRONLY))
		return -EBADF;
	if (!(write ? (void *)f->ops->write : (void *)f->ops->read))
		return -EINVAL;
	if (!access_ok(ubuf, len))
		return -EFAULT;
	len = min_t(size_t, len, RW_MAX);
	if (pos)
		return write ? f->ops->write(f, ubuf, len, pos) :
			       f->ops->read(f, ubuf, len, pos);
	if (!(f->ops->fmode & UFILE_FMODE_POS))
		return write ? f->ops->write(f, ubuf, len, &stream_pos) :
			       f->ops->read(f, ubuf, len, &stream_pos);
	mutex_lock(&f->pos_lock);
	ret = write ? f->ops->write(f, ubuf, len, &f->pos) :
		      f->ops->read(f, ubuf, len, &f->pos);
	mutex_unlock(&f->pos_lock);
	return ret;
}

/* Write @len bytes at user @ubuf to fd 1/2; bytes written or -EFAULT. */
static long write_user(int port, const char __user *ubuf, size_t len)
{
	char chunk[WRITE_CHUNK];
	size_t done = 0;

	while (done < len) {
		size_t n = min_t(size_t, len - done, sizeof(chunk));
		size_t left = copy_from_user(chunk, ubuf + done, n);

		if (n - left)
			console_user_write(port, chunk, n - left);
		done += n - left;
		if (left)
			return done ? (long)done : -EFAULT;
	}
	return done;
}

/* The console port behind @f, or -EBADF if it is not open for writing. */
static int ufile_port(const struct ufile *f)
{
	switch (f->kind) {
	case UFILE_STDOUT:
		return 1;
	case UFILE_STDERR:
		return 2;
	default:
		return -EBADF;
	}
}

/*
 * Write to @f: a console port (@port > 0), a pseudo device or a tmpfs
 * file at its offset.
 */
static long ufile_write(struct ufile *f, int port, const char __user *ubuf,
			size_t len)
{
	long ret;

	if (f->ops)
		return ops_rw(f, true, (void __user *)ubuf, len, NULL);
	if (f->kind == UFILE_TMPFS) {
		if (!access_ok(ubuf, len))
			return -EFAULT;
		mutex_lock(&f->pos_lock);
		ret = tmpfs_write(f, ubuf, len, &f->pos);
		mutex_unlock(&f->pos_lock);
		return ret;
	}
	if (f->kind == UFILE_PSEUDO)
		return access_ok(ubuf, len) ? pseudofs_write(f, ubuf, len) :
					      -EFAULT;
	return write_user(port, ubuf, len);
}

SYSCALL_DECLARE(write)
{
	struct ufile *f = fd_get(current_files(), regs->rdi);
	long ret;

	if (IS_ERR(f))
		return PTR_ERR(f);
	ret = f->kind == UFILE_PSEUDO || f->kind == UFILE_TMPFS ||
	      f->ops ? 0 : ufile_port(f);
	if (ret >= 0)
		ret = (long)regs->rdx < 0 ? -EINVAL :
		      ufile_write(f, ret, (const char __user *)regs->rsi,
				  min_t(size_t, regs->rdx, RW_MAX));
	ufile_put(f);
	return ret;
}

SYSCALL_DECLARE(writev)
{
	const struct uapi_iovec __user *uiov = (const void __user *)regs->rsi;
	long iovcnt = regs->rdx, total = 0;
	struct ufile *f = fd_get(current_files(), regs->rdi);
	int port;

	if (IS_ERR(f))
		return PTR_ERR(f);
	port = f->kind == UFILE_PSEUDO || f->kind == UFILE_TMPFS ||
	       f->ops ? 0 : ufile_port(f);
	if (port >= 0 && (iovcnt < 0 || iovcnt > IOV_MAX))
		port = -EINVAL;
	for (long i = 0; port >= 0 && i < iovcnt; i++) {
		struct uapi_iovec iov;
		long n;

		if (copy_from_user(&iov, &uiov[i], sizeof(iov)))
			n = -EFAULT;
		else if ((long)iov.len < 0)
			n = -EINVAL;
		else
			n = ufile_write(f, port, (const char __user *)iov.base,
					iov.len);
		if (n < 0) {
			if (!total)
				total = n;
			break;
		}
		total += n;
		if ((u64)n < iov.len)
			break;
	}
	ufile_put(f);
	return port < 0 ? port : total;
}

/* Whether @f may be read: 0, -EBADF, -EISDIR or -EINVAL. */
static int ufile_readable(const struct ufile *f)
{
	switch (f->kind) {
	case UFILE_STDIN:
	case UFILE_OPS:		/* ops_rw() checks */
		return 0;
	case UFILE_PSEUDO:
		return pseudofs_readable(f);
	case UFILE_TMPFS:
		return tmpfs_readable(f);
	case UFILE_STORAGE:
		if (f->flags & O_PATH)
			return -EBADF;
		if (ufile_is_dir(f))
			return -EISDIR;
		return (f->mode & S_IFMT) == S_IFREG ? 0 : -EINVAL;
	default:
		return -EBADF;
	}
}

/* Read from a readable @f at *@pos (the caller serialises it). */
static long ufile_read(struct ufile *f, char __user *ubuf, size_t len,
		       u64 *pos)
{
	if (f->kind == UFILE_STDIN)
		return 0;		/* stdin is at end of file */
	if (f->ops)
		return ops_rw(f, false, ubuf, len, pos);
	if (!access_ok(ubuf, len))
		return -EFAULT;
	if (f->kind == UFILE_PSEUDO)
		return pseudofs_read(f, ubuf, min_t(size_t, len, RW_MAX), pos);
	if (f->kind == UFILE_TMPFS)
		return tmpfs_read(f, ubuf, min_t(size_t, len, RW_MAX), pos);
	return fs_storage_read(f, pos, ubuf, min_t(size_t, len, RW_MAX));
}

SYSCALL_DECLARE(read)
{
	struct ufile *f = fd_get(current_files(), regs->rdi);
	long ret;

	if (IS_ERR(f))
		return PTR_ERR(f);
	ret = ufile_readable(f);
	if (!ret && f->ops) {
		ret = ops_rw(f, false, (char __user *)regs->rsi, regs->rdx,
			     NULL);
	} else if (!ret) {
		mutex_lock(&f->pos_lock);
		ret = ufile_read(f, (char __user *)regs->rsi, regs->rdx,
				 &f->pos);
		mutex_unlock(&f->pos_lock);
	}
	ufile_put(f);
	return ret;
}

SYSCALL_DECLARE(pread64)
{
	struct ufile *f = fd_get(current_files(), regs->rdi);
	u64 pos = regs->r10;
	long ret;

	if (IS_ERR(f))
		return PTR_ERR(f);
	/* Linux's order: no pread on streams, whatever their mode. */
	ret = f->kind == UFILE_STORAGE || f->kind == UFILE_PSEUDO ||
	      f->kind == UFILE_TMPFS ||
	      (f->ops && (f->ops->fmode & UFILE_FMODE_POS)) ?
	      ufile_readable(f) : -ESPIPE;
	if (!ret && (long)pos < 0)
		ret = -EINVAL;
	if (!ret)
		ret = ufile_read(f, (char __user *)regs->rsi, regs->rdx, &pos);
	ufile_put(f);
	return ret;
}

/*
 * pwrite64: only tmpfs files and the pseudo devices take writes; as on
 * Linux, O_APPEND appends whatever the offset says.
 */
SYSCALL_DECLARE(pwrite64)
{
	struct ufile *f = fd_get(current_files(), regs->rdi);
	const char __user *ubuf = (const char __user *)regs->rsi;
	size_t len = min_t(size_t, regs->rdx, RW_MAX);
	u64 pos = regs->r10;
	long ret;

	if (IS_ERR(f))
		return PTR_ERR(f);
	if (f->kind != UFILE_STORAGE && f->kind != UFILE_PSEUDO &&
	    f->kind != UFILE_TMPFS &&
	    !(f->ops && (f->ops->fmode & UFILE_FMODE_POS)))
		ret = -ESPIPE;
	else if ((long)pos < 0 || (long)regs->rdx < 0)
		ret = -EINVAL;
	else if (f->ops)
		ret = ops_rw(f, true, (void __user *)ubuf, regs->rdx, &pos);
	else if (!access_ok(ubuf, len))
		ret = -EFAULT;
	else if (f->kind == UFILE_TMPFS)
		ret = tmpfs_write(f, ubuf, len, &pos);
	else if (f->kind == UFILE_PSEUDO)
		ret = pseudofs_write(f, ubuf, len);
	else
		ret = -EBADF;
	ufile_put(f);
	return ret;
}

SYSCALL_DECLARE(readv)
{
	const struct uapi_iovec __user *uiov = (const void __user *)regs->rsi;
	struct ufile *f = fd_get(current_files(), regs->rdi);
	long iovcnt = regs->rdx, total = 0, ret;

	if (IS_ERR(f))
		return PTR_ERR(f);
	ret = ufile_readable(f);
	if (!ret && (iovcnt < 0 || iovcnt > IOV_MAX))
		ret = -EINVAL;
	if (ret)
		goto out;
	if (!f->ops)
		mutex_lock(&f->pos_lock);
	for (long i = 0; i < iovcnt; i++) {
		struct uapi_iovec iov;

		ret = -EFAULT;
		if (copy_from_user(&iov, &uiov[i], sizeof(iov)))
			break;
		ret = -EINVAL;
		if ((long)iov.len < 0)
			break;
		ret = f->ops ? ops_rw(f, false, (char __user *)iov.base,
				      iov.len, NULL) :
			       ufile_read(f, (char __user *)iov.base, iov.len,
					  &f->pos);
		if (ret < 0)
			break;
		total += ret;
		if ((u64)ret < iov.len)
			break;
	}
	if (!f->ops)
		mutex_unlock(&f->pos_lock);
	if (total || ret > 0)
		ret = total;
out:
	ufile_put(f);
	return ret;
}

/* The new offset of a directory (getdents cookies) or -EINVAL. */
static long dir_seek(struct ufile *f, s64 off, int whence)
{
	if (whence == SEEK_SET && off >= 0)
		f->pos = off;
	else if (whence != SEEK_CUR || off)
		return -EINVAL;
	return f->pos;
}

/* The new offset of a regular file of @size bytes (no holes) or -errno. */
static long file_seek(struct ufile *f, s64 size, s64 off, int whence)
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
	s64 off = regs->rsi;
	int whence = regs->rdx;
	long ret;

	if (IS_ERR(f))
		return PTR_ERR(f);
	if (f->ops) {
		ret = -ESPIPE;
		if (f->ops->llseek) {
			mutex_lock(&f->pos_lock);
			ret = f->ops->llseek(f, off, whence);
			mutex_unlock(&f->pos_lock);
		}
	} else if (f->kind != UFILE_STORAGE && f->kind != UFILE_PSEUDO &&
	    f->kind != UFILE_TMPFS) {
		ret = -ESPIPE;
	} else if (f->flags & O_PATH) {
		ret = -EBADF;
	} else if (f->kind == UFILE_PSEUDO) {
		mutex_lock(&f->pos_lock);
		ret = pseudofs_lseek(f, off, whence);
		mutex_unlock(&f->pos_lock);
	} else {
		mutex_lock(&f->pos_lock);
		ret = ufile_is_dir(f) ? dir_seek(f, off, whence) :
		      file_seek(f, f->kind == UFILE_TMPFS ? tmpfs_size(f) :
							     (s64)f->size,
				off, whence);
		mutex_unlock(&f->pos_lock);
	}
	ufile_put(f);
	return ret;
}

SYSCALL_DECLARE(getdents64)
{
	struct ufile *f = fd_get(current_files(), regs->rdi);
	long ret;

	if (IS_ERR(f))
		return PTR_ERR(f);
	if (f->flags & O_PATH) {
		ret = -EBADF;
	} else if (f->ops) {
		ret = -ENOTDIR;
		if (f->ops->getdents) {
			mutex_lock(&f->pos_lock);
			ret = access_ok((void __user *)regs->rsi, regs->rdx) ?
			      f->ops->getdents(f, (void __user *)regs->rsi,
					       min_t(size_t, regs->rdx,
						     RW_MAX)) : -EFAULT;
			mutex_unlock(&f->pos_lock);
		}
	} else if (!ufile_is_dir(f)) {
		ret = -ENOTDIR;
	} else if (f->kind == UFILE_TMPFS) {
		mutex_lock(&f->pos_lock);
		ret = access_ok((void __user *)regs->rsi, regs->rdx) ?
		      tmpfs_getdents(f, (void __user *)regs->rsi,
				     min_t(size_t, regs->rdx, RW_MAX)) :
		      -EFAULT;
		mutex_unlock(&f->pos_lock);
	} else if (f->kind == UFILE_PSEUDO) {
		mutex_lock(&f->pos_lock);
		ret = access_ok((void __user *)regs->rsi, regs->rdx) ?
		      pseudofs_getdents(f, (void __user *)regs->rsi,
					min_t(size_t, regs->rdx, RW_MAX)) :
		      -EFAULT;
		mutex_unlock(&f->pos_lock);
	} else {
		mutex_lock(&f->pos_lock);
		ret = fs_storage_getdents(f, (void __user *)regs->rsi,
					  min_t(size_t, regs->rdx, RW_MAX));
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
	if (!path_only && f->ops && f->ops->ioctl &&
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
		/* No descriptor here is a terminal (see the file comment). */
		return ret;
	}
}
