/* SPDX-License-Identifier: GPL-2.0 */
/*
 * File-descriptor system calls of local mode.  There is no file system
 * here yet (files are the storage node's, issue 6's P2S_* services), so
 * the only descriptors are the standard three:
 *
 *   0  stdin: always at end of file
 *   1  stdout, 2 stderr: the program output ports (console.c)
 *
 * Their fstat says FIFO, and ioctl(TCGETS) says -ENOTTY: to the program,
 * its output is a pipe (it is relayed by the launcher), so glibc fully
 * buffers stdout exactly as it does when the same program runs natively
 * with its output piped, and the two runs write the same bytes.
 * Any other descriptor is -EBADF.
 */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/string.h>
#include <uapi/resource.h>
#include <uapi/stat.h>

#include "internal.h"

#define WRITE_CHUNK	256
#define IOV_MAX		1024
#define PROC_SELF_EXE	"/proc/self/exe"

struct uapi_iovec {
	u64 base;
	u64 len;
};

static bool fd_is_std(long fd)
{
	return fd >= 0 && fd <= 2;
}

/* Write @len bytes at user @ubuf to fd 1/2; bytes written or -EFAULT. */
static long write_user(int fd, const char __user *ubuf, size_t len)
{
	char chunk[WRITE_CHUNK];
	size_t done = 0;

	while (done < len) {
		size_t n = min_t(size_t, len - done, sizeof(chunk));
		size_t left = copy_from_user(chunk, ubuf + done, n);

		if (n - left)
			console_user_write(fd, chunk, n - left);
		done += n - left;
		if (left)
			return done ? (long)done : -EFAULT;
	}
	return done;
}

SYSCALL_DECLARE(write)
{
	long fd = regs->rdi;

	if (fd != 1 && fd != 2)
		return -EBADF;
	if ((long)regs->rdx < 0)
		return -EINVAL;
	return write_user(fd, (const char __user *)regs->rsi, regs->rdx);
}

SYSCALL_DECLARE(writev)
{
	const struct uapi_iovec __user *uiov = (const void __user *)regs->rsi;
	long fd = regs->rdi, iovcnt = regs->rdx, total = 0;

	if (fd != 1 && fd != 2)
		return -EBADF;
	if (iovcnt < 0 || iovcnt > IOV_MAX)
		return -EINVAL;
	for (long i = 0; i < iovcnt; i++) {
		struct uapi_iovec iov;
		long n;

		if (copy_from_user(&iov, &uiov[i], sizeof(iov)))
			return total ? total : -EFAULT;
		if ((long)iov.len < 0)
			return total ? total : -EINVAL;
		n = write_user(fd, (const char __user *)iov.base, iov.len);
		if (n < 0)
			return total ? total : n;
		total += n;
		if ((u64)n < iov.len)
			break;
	}
	return total;
}

SYSCALL_DECLARE(read)
{
	long fd = regs->rdi;

	if (fd == 0)
		return 0;		/* stdin is at end of file */
	return -EBADF;			/* 1 and 2 are write-only */
}

SYSCALL_DECLARE(close)
{
	/* Closing a standard stream is allowed; nothing to release. */
	return fd_is_std(regs->rdi) ? 0 : -EBADF;
}

SYSCALL_DECLARE(ioctl)
{
	if (!fd_is_std(regs->rdi))
		return -EBADF;
	/* No descriptor here is a terminal (see the file comment). */
	return -ENOTTY;
}

static int stat_std(long fd, struct uapi_stat __user *ubuf)
{
	struct uapi_stat st;

	if (!fd_is_std(fd))
		return -EBADF;
	memset(&st, 0, sizeof(st));
	st.st_mode = (fd == 0 ? S_IFCHR : S_IFIFO) | 0600;
	st.st_nlink = 1;
	st.st_ino = fd + 1;
	st.st_blksize = PAGE_SIZE;
	if (fd == 0)
		st.st_rdev = (1 << 8) | 3;	/* like /dev/null */
	return copy_to_user(ubuf, &st, sizeof(st)) ? -EFAULT : 0;
}

SYSCALL_DECLARE(fstat)
{
	return stat_std(regs->rdi, (struct uapi_stat __user *)regs->rsi);
}

SYSCALL_DECLARE(newfstatat)
{
	long dirfd = (int)regs->rdi;
	const char __user *upath = (const char __user *)regs->rsi;
	int flags = regs->r10;
	char path[2];
	long len;

	len = strncpy_from_user(path, upath, sizeof(path));
	if (len < 0)
		return len;
	if (len == 0 && (flags & AT_EMPTY_PATH))
		return stat_std(dirfd, (struct uapi_stat __user *)regs->rdx);
	if (len == 0)
		return -ENOENT;
	/* No file system in local mode. */
	return -ENOENT;
}

static long do_readlink(const char __user *upath, char __user *ubuf,
			long bufsiz)
{
	struct process *p = current_process();
	char path[sizeof(PROC_SELF_EXE) + 1];
	long len, n;

	if (bufsiz <= 0)
		return -EINVAL;
	len = strncpy_from_user(path, upath, sizeof(path));
	if (len < 0)
		return len;
	if (len == (long)sizeof(path) || strcmp(path, PROC_SELF_EXE))
		return -ENOENT;
	n = min_t(long, strlen(p->exe), bufsiz);
	return copy_to_user(ubuf, p->exe, n) ? -EFAULT : n;
}

SYSCALL_DECLARE(readlink)
{
	return do_readlink((const char __user *)regs->rdi,
			   (char __user *)regs->rsi, regs->rdx);
}

SYSCALL_DECLARE(readlinkat)
{
	return do_readlink((const char __user *)regs->rsi,
			   (char __user *)regs->rdx, regs->r10);
}
