/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The processor's pseudo files (pseudofs.c): /dev, /proc and /sys,
 * answered on this node before a path reaches the storage node.  The
 * file-system calls (sys_file.c, sys_io.c) ask pseudofs_owns() first and
 * hand the name or the open file here; a name that leaves the pseudo
 * tree through a symlink (/proc/self/exe, /proc/self/fd/N) comes back
 * rewritten for the storage node (or tmpfs: /proc/self/fd/N of a file
 * under /tmp or /dev/shm).
 */
#ifndef _MANAGERS_PROCESSOR_PSEUDOFS_H
#define _MANAGERS_PROCESSOR_PSEUDOFS_H

#include <tessera/types.h>
#include <tessera/uaccess.h>
#include <uapi/stat.h>

struct fs_lookup;
struct process;
struct ufile;

#define PSEUDO_AUXV_MAX		64	/* (type, value) pairs kept */

/* What uname(2) says, which /proc/sys/kernel repeats. */
#define UTS_NODENAME		"tessera"
#define UTS_RELEASE		"6.1.0-tessera"
#define UTS_VERSION		"#1 SMP Tessera"

/* What /proc/<pid> shows of a process's start (pseudofs_process_start). */
struct pseudo_start {
	unsigned long stack;		/* the initial stack pointer (argc) */
	unsigned long arg_start, arg_end;	/* argv strings */
	unsigned long env_start, env_end;	/* envp strings */
	u64 auxv[2 * PSEUDO_AUXV_MAX];	/* up to and with AT_NULL */
	u32 auxv_bytes;
	u64 start_ns;			/* ktime_get() at spawn */
	char *args;			/* argv bytes at start (kmalloc'd), for */
	u32 args_len;			/* other processes' /proc/<pid>/cmdline */
};

/* pseudofs_open() / pseudofs_stat(): go on with the storage node. */
#define PSEUDO_ESCAPED		1

/* Whether the resolved absolute @path lies under /dev, /proc or /sys. */
bool pseudofs_owns(const char *path);

/*
 * Open the pseudo file @lk->path with open(2) @flags: 0 with the new
 * file in *@fp, PSEUDO_ESCAPED with @lk->path rewritten to a storage
 * path, or -errno (-ENOENT, -ENXIO for /dev/tty, -EISDIR, -ENOTDIR,
 * -ELOOP, -ENOMEM; -EIO for a maps snapshot the memory node failed).
 * /proc files open for writing as Linux lets root, but writes are -EIO.  Content is generated here, once.
 * May sleep.
 */
int pseudofs_open(struct fs_lookup *lk, u32 flags, struct ufile **fp);
/* stat(2) of @lk->path: 0, PSEUDO_ESCAPED (as above) or -errno. */
int pseudofs_stat(struct fs_lookup *lk, bool nofollow, struct uapi_stat *st);
/* readlink(2) of @path into @ubuf: bytes, -EINVAL (no symlink), -errno. */
long pseudofs_readlink(const char *path, char __user *ubuf, size_t len);

/*
 * Keep what /proc/<pid> needs of @p's initial stack at @sp (argv and
 * envp bounds, a copy of the auxv).  Called by the first thread before
 * it enters user mode, in the process's own context.
 */
void pseudofs_process_start(struct process *p, unsigned long sp);

#endif /* _MANAGERS_PROCESSOR_PSEUDOFS_H */
