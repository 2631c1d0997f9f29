/* SPDX-License-Identifier: GPL-2.0 */
/* struct stat of x86-64 (newfstatat, fstat), struct statx, file-type bits. */
#ifndef _UAPI_STAT_H
#define _UAPI_STAT_H

#include <tessera/types.h>

#define S_IFMT		0170000
#define S_IFSOCK	0140000
#define S_IFLNK		0120000
#define S_IFREG		0100000
#define S_IFBLK		0060000
#define S_IFDIR		0040000
#define S_IFCHR		0020000
#define S_IFIFO		0010000
#define S_ISUID		0004000
#define S_ISGID		0002000
#define S_ISVTX		0001000

#define AT_FDCWD		-100
#define AT_SYMLINK_NOFOLLOW	0x100
#define AT_REMOVEDIR		0x200
#define AT_SYMLINK_FOLLOW	0x400
#define AT_EMPTY_PATH		0x1000
#define AT_STATX_SYNC_TYPE	0x6000	/* FORCE_SYNC | DONT_SYNC */

struct uapi_stat {
	u64 st_dev;
	u64 st_ino;
	u64 st_nlink;
	u32 st_mode;
	u32 st_uid;
	u32 st_gid;
	u32 __pad0;
	u64 st_rdev;
	s64 st_size;
	s64 st_blksize;
	s64 st_blocks;
	u64 st_atime;
	u64 st_atime_nsec;
	u64 st_mtime;
	u64 st_mtime_nsec;
	u64 st_ctime;
	u64 st_ctime_nsec;
	s64 __reserved[3];
};

_Static_assert(sizeof(struct uapi_stat) == 144, "x86-64 struct stat");

/* statx(2) mask bits: asked for, and in stx_mask, returned. */
#define STATX_TYPE		0x0001
#define STATX_MODE		0x0002
#define STATX_NLINK		0x0004
#define STATX_UID		0x0008
#define STATX_GID		0x0010
#define STATX_ATIME		0x0020
#define STATX_MTIME		0x0040
#define STATX_CTIME		0x0080
#define STATX_INO		0x0100
#define STATX_SIZE		0x0200
#define STATX_BLOCKS		0x0400
#define STATX_BASIC_STATS	0x07ff
#define STATX_BTIME		0x0800
#define STATX__RESERVED		0x80000000U

struct uapi_statx_timestamp {
	s64 tv_sec;
	u32 tv_nsec;
	s32 __reserved;
};

struct uapi_statx {
	u32 stx_mask;
	u32 stx_blksize;
	u64 stx_attributes;
	u32 stx_nlink;
	u32 stx_uid;
	u32 stx_gid;
	u16 stx_mode;
	u16 __spare0;
	u64 stx_ino;
	u64 stx_size;
	u64 stx_blocks;
	u64 stx_attributes_mask;
	struct uapi_statx_timestamp stx_atime;
	struct uapi_statx_timestamp stx_btime;
	struct uapi_statx_timestamp stx_ctime;
	struct uapi_statx_timestamp stx_mtime;
	u32 stx_rdev_major;
	u32 stx_rdev_minor;
	u32 stx_dev_major;
	u32 stx_dev_minor;
	u64 stx_mnt_id;
	u32 stx_dio_mem_align;
	u32 stx_dio_offset_align;
	u64 __spare3[12];
};

_Static_assert(sizeof(struct uapi_statx) == 256, "struct statx");
_Static_assert(__builtin_offsetof(struct uapi_statx, stx_atime) == 0x40 &&
	       __builtin_offsetof(struct uapi_statx, stx_rdev_major) == 0x80 &&
	       __builtin_offsetof(struct uapi_statx, stx_mnt_id) == 0x90,
	       "struct statx");

#endif /* _UAPI_STAT_H */
