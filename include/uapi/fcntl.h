/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Open flags, fcntl commands, lseek whences, access modes and the
 * directory-entry types of x86-64 Linux, as programs pass them to
 * openat, fcntl, lseek, faccessat and read them from getdents64.
 * stat's bits and AT_* flags are in <uapi/stat.h>.
 */
#ifndef _UAPI_FCNTL_H
#define _UAPI_FCNTL_H

#define O_ACCMODE	00000003
#define O_RDONLY	00000000
#define O_WRONLY	00000001
#define O_RDWR		00000002
#define O_CREAT		00000100
#define O_EXCL		00000200
#define O_NOCTTY	00000400
#define O_TRUNC		00001000
#define O_APPEND	00002000
#define O_NONBLOCK	00004000
#define O_DSYNC		00010000
#define O_ASYNC		00020000
#define O_DIRECT	00040000
#define O_LARGEFILE	00100000
#define O_DIRECTORY	00200000
#define O_NOFOLLOW	00400000
#define O_NOATIME	01000000
#define O_CLOEXEC	02000000
#define __O_SYNC	04000000
#define O_PATH		010000000
#define __O_TMPFILE	020000000

#define F_DUPFD		0
#define F_GETFD		1
#define F_SETFD		2
#define F_GETFL		3
#define F_SETFL		4
#define F_DUPFD_CLOEXEC	1030

#define FD_CLOEXEC	1

#define FIONCLEX	0x5450
#define FIONBIO		0x5421
#define FIONREAD	0x541B
#define FIOCLEX		0x5451

#define SEEK_SET	0
#define SEEK_CUR	1
#define SEEK_END	2
#define SEEK_DATA	3
#define SEEK_HOLE	4

/* renameat2(2) flags */
#define RENAME_NOREPLACE	(1 << 0)
#define RENAME_EXCHANGE		(1 << 1)
#define RENAME_WHITEOUT		(1 << 2)

#define F_OK		0
#define X_OK		1
#define W_OK		2
#define R_OK		4

/* faccessat2 flags (with AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH) */
#define AT_EACCESS		0x200
#define AT_NO_AUTOMOUNT		0x800	/* newfstatat: accepted, no effect */

#define DT_UNKNOWN	0
#define DT_FIFO		1
#define DT_CHR		2
#define DT_DIR		4
#define DT_BLK		6
#define DT_REG		8
#define DT_LNK		10
#define DT_SOCK		12

#endif /* _UAPI_FCNTL_H */
