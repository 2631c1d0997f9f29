/* SPDX-License-Identifier: GPL-2.0 */
/*
 * statx(2): the attributes newfstatat returns (fs_stat_at(), sys_file.c)
 * in struct statx.  stx_mask says what is real: the basic stats, all of
 * them known for every file we serve, never the birth time or a mount
 * id (the storage node does not send them); no attributes
 * (stx_attributes_mask 0).  The sync flags make no difference: the
 * storage node is the only copy.
 */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/string.h>
#include <uapi/fcntl.h>
#include <uapi/stat.h>

#include "internal.h"
#include "fs.h"

#define STATX_FLAGS	(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | \
			 AT_EMPTY_PATH | AT_STATX_SYNC_TYPE)

/* Major and minor of a dev_t as glibc encodes it (gnu_dev_major/minor). */
static u32 dev_major(u64 dev)
{
	return ((dev >> 32) & 0xfffff000) | ((dev >> 8) & 0xfff);
}

static u32 dev_minor(u64 dev)
{
	return ((dev >> 12) & 0xffffff00) | (dev & 0xff);
}

static void statx_time(struct uapi_statx_timestamp *ts, u64 sec, u64 nsec)
{
	ts->tv_sec = sec;
	ts->tv_nsec = nsec;
}

static void statx_from_stat(const struct uapi_stat *st, struct uapi_statx *stx)
{
	memset(stx, 0, sizeof(*stx));
	stx->stx_mask = STATX_BASIC_STATS;
	stx->stx_blksize = st->st_blksize;
	stx->stx_nlink = st->st_nlink;
	stx->stx_uid = st->st_uid;
	stx->stx_gid = st->st_gid;
	stx->stx_mode = st->st_mode;
	stx->stx_ino = st->st_ino;
	stx->stx_size = st->st_size;
	stx->stx_blocks = st->st_blocks;
	statx_time(&stx->stx_atime, st->st_atime, st->st_atime_nsec);
	statx_time(&stx->stx_mtime, st->st_mtime, st->st_mtime_nsec);
	statx_time(&stx->stx_ctime, st->st_ctime, st->st_ctime_nsec);
	stx->stx_rdev_major = dev_major(st->st_rdev);
	stx->stx_rdev_minor = dev_minor(st->st_rdev);
	stx->stx_dev_major = dev_major(st->st_dev);
	stx->stx_dev_minor = dev_minor(st->st_dev);
}

SYSCALL_DECLARE(statx)
{
	int dirfd = regs->rdi;
	const char __user *upath = (const char __user *)regs->rsi;
	unsigned int flags = regs->rdx;
	unsigned int mask = regs->r10;
	struct uapi_statx stx;
	struct uapi_stat st;
	int ret;

	if (mask & STATX__RESERVED)
		return -EINVAL;
	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
		return -EINVAL;
	if (flags & ~STATX_FLAGS)
		return -EINVAL;
	ret = fs_stat_at(dirfd, upath, flags, &st);
	if (ret)
		return ret;
	statx_from_stat(&st, &stx);
	return copy_to_user((void __user *)regs->r8, &stx, sizeof(stx)) ?
	       -EFAULT : 0;
}
