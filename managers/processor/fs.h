/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Open files of the processor's processes (fs.c): the descriptor table,
 * the open-file objects it points to, path lookup and the P2S client
 * that reaches the storage node.  The system calls on top are in
 * sys_io.c (read, write, lseek, getdents64, ioctl) and sys_file.c
 * (names, descriptors, cwd); path strings in fs_path.c; the changes to
 * storage files (P2S_WRITE ... P2S_SETATTR) in fs_write.c, with the
 * system calls in tmpfs_sys.c and sys_fsattr.c.
 *
 * Locking: fd_table->lock (a spinlock) covers the slots, the close-on-
 * exec bits and the cwd; nothing sleeps or touches user memory under
 * it.  ufile->pos_lock (a mutex) serialises a file's offset across the
 * FIT call that moves it, and fd_table->bounce_lock the table's reply
 * buffer; both are held across copies to user memory, so they nest
 * outside the pmm lock a user fault takes.  An open file lives while a
 * slot or a caller (ufile_get) holds a reference.
 */
#ifndef _MANAGERS_PROCESSOR_FS_H
#define _MANAGERS_PROCESSOR_FS_H

#include <fit/storage.h>
#include <tessera/atomic.h>
#include <tessera/bitmap.h>
#include <tessera/mutex.h>
#include <tessera/spinlock.h>
#include <tessera/types.h>
#include <tessera/uaccess.h>
#include <uapi/stat.h>

#include "fs_path.h"
#include "tmpfs.h"

#define FD_MAX		1024		/* descriptors per process (-EMFILE) */
#define FS_PATH_MAX	P2S_PATH_MAX	/* bytes of a path, NUL included */

struct pseudo_file;
struct tmpfs_inode;
struct ufile;
struct ufile_map_source;
struct wait_queue_head;

/* What fchown and futimens change (the setattr op); host order. */
struct ufile_attr {
	u32 valid;		/* P2S_ATTR_* */
	u32 mode, uid, gid;
	s64 atime_sec, mtime_sec;
	u32 atime_nsec, mtime_nsec;
	bool times_now;		/* utimensat NULL or both UTIME_NOW: */
				/* a writer may, not only the owner */
};

/* ------------------------------------------------------ file operations */

/*
 * What a poll op is handed: poll_wait() registers the file's wait queues
 * with the poller (poll/select, or an epoll instance watching the file),
 * which then hears of every change through wake_up_poll() on them.  A
 * NULL table (or queue) asks for the readiness bits only.
 */
struct poll_table {
	void (*queue)(struct ufile *f, struct wait_queue_head *wq,
		      struct poll_table *pt);
};

static inline void poll_wait(struct ufile *f, struct wait_queue_head *wq,
			     struct poll_table *pt)
{
	if (pt && pt->queue && wq)
		pt->queue(f, wq, pt);
}

/* ufile_ops.fmode bits */
#define UFILE_FMODE_POS		0x1	/* has an offset: lseek, pread, pwrite; */
					/* read/write run under f->pos_lock */
#define UFILE_FMODE_FSYNC	0x2	/* fsync, fdatasync: 0 (else -EINVAL) */

/*
 * The operations of a kind of open file.  Every system call on a
 * descriptor dispatches through them; a missing op gives the errno
 * Linux gives for a file without it (noted per op).  The kinds: the
 * standard streams (console.c), storage files and directories (fs.c),
 * pseudo files (pseudofs.c), tmpfs files and directories (tmpfs.c),
 * pipes, eventfd and epoll.  The system calls check O_PATH and the
 * access mode before read/write (-EBADF) and the user buffer's range
 * (-EFAULT); a directory's read op is ufile_read_isdir().  Ops that wait
 * (a pipe's read, epoll_wait) honour O_NONBLOCK in f->flags with
 * -EAGAIN, sleep TASK_INTERRUPTIBLE and end for a signal or a kill
 * (signal_pending(), internal.h) with one of the -ERESTART* codes or
 * -EINTR, as Linux's call does.
 */
/* One user buffer of a writev, read from the caller's iovec array. */
/* One user buffer of a readv/writev (read_iov writes through base). */
struct ufile_iov {
	const char __user *base;
	size_t len;
};

struct ufile_ops {
	const char *name;	/* for logs */
	/* Bytes read at *@pos (advanced), 0 at EOF; absent: -EINVAL. */
	long (*read)(struct ufile *f, char __user *ubuf, size_t len,
		     u64 *pos);
	/* Bytes written at *@pos (advanced); absent: -EINVAL. */
	long (*write)(struct ufile *f, const char __user *ubuf, size_t len,
		      u64 *pos);
	/*
	 * writev's @nr buffers as one write (a pipe keeps a small one
	 * whole, PIPE_BUF).  Optional: without it writev calls write on
	 * each buffer in turn.
	 */
	long (*write_iov)(struct ufile *f, const struct ufile_iov *iov,
			  unsigned int nr, u64 *pos);
	/*
	 * readv's @nr buffers as one read: it waits only while nothing at
	 * all is there, then fills the buffers in order with what is.
	 * Optional: without it readv reads the buffers in turn, and on a
	 * stream stops after the first that got bytes (a short read), so
	 * that it never blocks with data already taken.
	 */
	long (*read_iov)(struct ufile *f, const struct ufile_iov *iov,
			 unsigned int nr, u64 *pos);
	/*
	 * The POLL* bits true now (<uapi/poll.h>), after poll_wait() on every
	 * queue whose wake_up_poll() announces a change.  Absent: the file
	 * is always readable and writable (POLLIN|POLLOUT|POLLRDNORM|
	 * POLLWRNORM), as Linux says of regular files.
	 */
	u32 (*poll)(struct ufile *f, struct poll_table *pt);
	/* A file-specific ioctl; absent or unknown @cmd: -ENOTTY. */
	long (*ioctl)(struct ufile *f, unsigned int cmd, unsigned long arg);
	/* lseek (under pos_lock); absent: -ESPIPE. */
	long (*llseek)(struct ufile *f, s64 off, int whence);
	/* getdents64 (under pos_lock); absent: -ENOTDIR. */
	long (*getdents)(struct ufile *f, void __user *ubuf, size_t len);
	/* fstat; required. */
	void (*fstat)(struct ufile *f, struct uapi_stat *st);
	/* See ufile_map_source(); absent: -ENODEV. */
	int (*map_source)(struct ufile *f, struct ufile_map_source *src);
	/* The last reference went; free the kind's state (not @f). */
	void (*release)(struct ufile *f);
	/*
	 * What readlink of /proc/<pid>/fd/N says of a file without a path,
	 * NUL-terminated in @buf; absent: "anon_inode:[<name>]".
	 */
	void (*dname)(struct ufile *f, char *buf, size_t size);
	/*
	 * open(2) of /proc/<pid>/fd/N (or /dev/stdout...) naming this
	 * file, which has no path: a new open file with @flags, or
	 * ERR_PTR(-errno); absent: -ENXIO (Linux's anonymous inodes).
	 */
	struct ufile *(*reopen)(struct ufile *f, u32 flags);
	/* readlinkat(fd, "") of an O_PATH symlink; absent: -ENOENT. */
	long (*readlink)(struct ufile *f, char __user *ubuf, size_t len);
	/* ftruncate (O_PATH refused before); absent: -EINVAL. */
	int (*truncate)(struct ufile *f, s64 size);
	/* fchmod (O_PATH refused before); absent: -EROFS. */
	int (*chmod)(struct ufile *f, u32 mode);
	/*
	 * faccessat(fd, "", AT_EMPTY_PATH) with W_OK: 0 or -errno; absent:
	 * writable.  (X_OK is judged from fstat's mode by the caller.)
	 */
	int (*may_write)(struct ufile *f);
	/*
	 * fsync, fdatasync, syncfs of a file with UFILE_FMODE_FSYNC: 0 once
	 * its changes are on disk; absent: nothing to wait for (0).
	 */
	int (*fsync)(struct ufile *f);
	/* fchown, futimens (O_PATH refused before); absent: -ENOSYS. */
	int (*setattr)(struct ufile *f, const struct ufile_attr *a);
	u32 fmode;		/* UFILE_FMODE_* */
};

/* An open file: what a descriptor (and its dups) points to. */
struct ufile {
	atomic_t refs;
	const struct ufile_ops *ops;
	u32 flags;		/* O_* status flags (F_GETFL); O_NONBLOCK */
				/* changes under fd_table->lock */
	char *path;		/* absolute, lexical: dirfd lookups, fchdir, */
				/* /proc/<pid>/fd; NULL for pipes, streams */
	u32 mode;		/* S_IF* type (and permissions) of a named */
				/* file; 0 for the others */
	struct mutex pos_lock;	/* pos and dir_end */
	u64 pos;		/* byte offset, or a getdents cookie */
	/* Storage files (fs.c): */
	struct p2s_handle fh;
	struct p2s_stat st;	/* attributes as last seen (fs.c) */
	u64 size;		/* st.size: a cache, refreshed by calls */
	u64 dir_end;		/* a directory's last cookie, once seen */
	/* Pseudo files (pseudofs.c): */
	struct pseudo_file *pseudo;
	/* tmpfs files (tmpfs.c): */
	struct tmpfs_inode *tmpfs;
	void *priv;		/* the kind's state (pipes, eventfd, epoll) */
	struct list_head epitems;	/* epoll items watching it (epoll.c) */
};

/* The descriptors and working directory of a process (all threads). */
struct fd_table {
	spinlock_t lock;
	struct ufile *fd[FD_MAX];
	DECLARE_BITMAP(cloexec, FD_MAX);
	unsigned int nofile;	/* RLIMIT_NOFILE: new fds below it */
	char cwd[FS_PATH_MAX];	/* absolute, lexical, no trailing '/' */
	struct mutex bounce_lock;
	void *bounce;		/* P2S reply buffer, lazily allocated */
};

/* ----------------------------------------------------- descriptor table */

/* A table with 0, 1 and 2 open on stdin/stdout/stderr; NULL on -ENOMEM. */
struct fd_table *fd_table_create(void);
/*
 * A copy of @parent for a new process (fork): the same open files
 * (shared, with their offsets), close-on-exec flags, cwd and limit.
 * NULL on -ENOMEM.
 */
struct fd_table *fd_table_dup(struct fd_table *parent);
/* Close every descriptor and free @t. */
void fd_table_destroy(struct fd_table *t);

/*
 * RLIMIT_NOFILE's soft value (sys_resource.c): descriptors from then on are
 * allocated below @nofile (at most FD_MAX), dup2 to a higher one is
 * -EBADF.  Open descriptors above it stay open.
 */
void fd_table_set_limit(struct fd_table *t, u64 nofile);
unsigned int fd_table_limit(struct fd_table *t);

/*
 * A new open file with @ops and state @priv, one reference; NULL on
 * -ENOMEM (@priv is then the caller's to free).  @flags are O_* status
 * flags (O_RDONLY/O_WRONLY/O_RDWR, O_NONBLOCK).
 */
struct ufile *ufile_alloc_ops(const struct ufile_ops *ops, void *priv,
			      u32 flags);
/* Take / drop a reference; the last put frees the file. */
void ufile_hold(struct ufile *f);
void ufile_put(struct ufile *f);
/* A named directory (a dirfd of lookups, fchdir's). */
static inline bool ufile_is_dir(const struct ufile *f)
{
	return f->path && (f->mode & S_IFMT) == S_IFDIR;
}

/* The file open on @fd, with a reference; ERR_PTR(-EBADF). */
struct ufile *fd_get(struct fd_table *t, int fd);
/*
 * Put @f (whose reference this consumes on success) in the lowest free
 * slot >= @min.  Returns the descriptor, -EMFILE (table full) or -EINVAL
 * (@min out of range).
 */
int fd_install(struct fd_table *t, struct ufile *f, int min, bool cloexec);
/* Empty slot @fd.  0 or -EBADF. */
int fd_close(struct fd_table *t, int fd);
/* dup / F_DUPFD: @oldfd's file at the lowest free slot >= @min. */
int fd_dup(struct fd_table *t, int oldfd, int min, bool cloexec);
/*
 * dup2 / dup3: @oldfd's file at @newfd, closing what was there first.
 * Returns @newfd, or -EBADF (@oldfd not open, @newfd out of range).
 * @oldfd == @newfd just validates @oldfd.
 */
int fd_dup_to(struct fd_table *t, int oldfd, int newfd, bool cloexec);
/* 1 or 0 for @fd's close-on-exec flag, or -EBADF. */
int fd_get_cloexec(struct fd_table *t, int fd);
int fd_set_cloexec(struct fd_table *t, int fd, bool cloexec);
/*
 * F_SETFL and ioctl(FIONBIO): set @fd's status flags in @mask to @set's
 * (shared by every descriptor dup'ed from it).  0, or -EBADF (not open,
 * or an O_PATH descriptor).
 */
int fd_set_status(struct fd_table *t, int fd, u32 mask, u32 set);

/*
 * execve's point of no return: close every descriptor marked close-on-
 * exec (Linux's do_close_on_exec()).  May sleep.
 */
void fd_table_exec(struct fd_table *t);

/* The calling process's table (never NULL in a system call). */
struct fd_table *current_files(void);

/* What a file mapping needs to know of an open file (ufile_map_source). */
struct ufile_map_source {
	u64 file_id;		/* P2S handle: ino | generation << 32 */
	u64 size;		/* bytes (a storage file: the memory node stats it) */
	u16 node;		/* the storage node serving it */
};

/*
 * Can @f be mapped (mmap(2) of a descriptor), and from where: 0 and
 * *@src, -EBADF (an O_PATH descriptor), -EACCES (not open for reading),
 * -ENODEV (a directory, the console, or no storage node).  Whether a
 * shared writable mapping is allowed is the caller's (f->flags).
 */
int ufile_map_source(struct ufile *f, struct ufile_map_source *src);

/* ------------------------------------------------------------ lookup */

/* Scratch space of a path system call (kmalloc'd: 8 KiB). */
struct fs_lookup {
	char user[FS_PATH_MAX];		/* the program's string */
	char path[FS_PATH_MAX];		/* fs_path_resolve() of it */
	int len;			/* of @path; 0: empty string given */
};

/*
 * Copy the program's @upath and resolve it against @dirfd (AT_FDCWD:
 * the cwd) into @lk->path.  An empty string leaves @lk->len 0 (the
 * caller decides: AT_EMPTY_PATH or -ENOENT).  0 or -EFAULT,
 * -ENAMETOOLONG, -EBADF (@dirfd), -ENOTDIR (@dirfd not a directory).
 */
int fs_lookup_user(struct fs_lookup *lk, int dirfd,
		   const char __user *upath);
/*
 * fs_lookup_user() into a new kmalloc'd lookup (the caller kfrees it),
 * an empty string being -ENOENT: NULL and *@err on error.  (sys_file.c)
 */
struct fs_lookup *fs_lookup_new(int dirfd, const char __user *upath,
				int *err);

/*
 * P2S_OPEN the resolved @path (P2S_OPEN_* @flags): handle and attributes
 * in *@reply.  0 or -errno (-ENOENT also when there is no storage node,
 * -EIO for a FIT failure).  May sleep.
 */
int fs_storage_open(const char *path, u8 flags, struct p2s_open_reply *reply);
/*
 * P2S_CLOSE: drop the reference that a P2S_OPEN_REF or P2S_CREATE_REF
 * of a regular file took (an unlinked file is freed at the last one).
 */
int fs_storage_close(const struct p2s_handle *fh);
/*
 * A new open storage file for @path (resolved, @len bytes) with the
 * attributes of the service's @reply; NULL on -ENOMEM.
 */
struct ufile *fs_storage_ufile(const char *path, size_t len,
			       const struct p2s_open_reply *reply, u32 flags);
/*
 * The target of symlink @fh, at most @len bytes, into @ubuf.  Bytes
 * stored or -errno.  May sleep.
 */
long fs_storage_readlink(const struct p2s_handle *fh, char __user *ubuf,
			 size_t len);

/*
 * newfstatat's lookup with the attributes into *@st (also for statx):
 * AT_SYMLINK_NOFOLLOW and AT_EMPTY_PATH of @flags apply, other flags are
 * the caller's to check.  0 or -errno.  May sleep.
 */
int fs_stat_at(int dirfd, const char __user *upath, int flags,
	       struct uapi_stat *st);

/*
 * lseek of a directory (getdents cookies: SEEK_SET, or SEEK_CUR 0) and
 * of a regular file of @size bytes without holes (sys_io.c), for the
 * llseek ops; caller holds f->pos_lock.  The new offset or -EINVAL,
 * -ENXIO.
 */
long ufile_seek_dir(struct ufile *f, s64 off, int whence);
/* The read op of a directory: -EISDIR. */
long ufile_read_isdir(struct ufile *f, char __user *ubuf, size_t len,
		      u64 *pos);
long ufile_seek_file(struct ufile *f, s64 size, s64 off, int whence);

/* ------------------------------------------------- the standard streams */

/*
 * A new open file on standard stream @fd (console.c): 0 stdin (at end
 * of file, or the relayed COM2 input), 1 stdout, 2 stderr (the program
 * output ports), with
 * @flags; NULL on -ENOMEM.
 */
struct ufile *console_std_open(int fd, u32 flags);
/* Which standard stream @f is (0, 1, 2), or -1 for any other file. */
int console_std_stream(const struct ufile *f);

/*
 * The first @len bytes (at most a P2S_READ reply's worth) of the
 * storage file @fh into the kernel buffer @buf: bytes read (fewer at
 * the end of the file) or -errno (-EIO for a FIT failure).  May sleep.
 */
int fs_storage_read_kernel(const struct p2s_handle *fh, void *buf,
			   u32 len);

/* Linux's struct stat from P2S attributes. */
void fs_stat_from_p2s(const struct p2s_stat *ps, struct uapi_stat *st);

/* ------------------------------------------- changes to storage (fs_write.c) */

/*
 * A P2S request to the storage node (fs.c): the reply's length, a
 * service -errno, or -EIO for a FIT failure.  May sleep.
 */
int fs_p2s_call(u16 opcode, const void *req, u32 len, void *reply,
		u32 max_reply);

/* The current attributes of @fh into *@st.  0 or -errno.  May sleep. */
int fs_storage_stat(const struct p2s_handle *fh, struct p2s_stat *st);

/*
 * The write, truncate, chmod, fsync and setattr ops of an open storage
 * file (fs.c puts them in its ops tables).  Writes at *@pos, or at the
 * end for O_APPEND; they refresh f->size and f->st.
 */
long storage_file_write(struct ufile *f, const char __user *ubuf,
			size_t len, u64 *pos);
int storage_file_truncate(struct ufile *f, s64 size);
int storage_file_chmod(struct ufile *f, u32 mode);
int storage_file_fsync(struct ufile *f);
int storage_file_setattr(struct ufile *f, const struct ufile_attr *a);

/*
 * The name calls on resolved storage paths @path (fs_lookup's, changed
 * in place: a final '/' is dropped).  Each returns 0 or -errno as
 * Linux's call does (-ENOENT, -ENOTDIR, -EEXIST, -EISDIR, -ENOTEMPTY,
 * -EROFS for a read-only image, ...).  May sleep.
 */
/* open(O_CREAT) of a missing @path: the new file's handle in *@reply. */
int fs_storage_create(char *path, u32 flags, u32 mode,
		      struct p2s_open_reply *reply);
int fs_storage_mkdir(char *path, u32 mode);
int fs_storage_unlink(char *path, bool rmdir);
int fs_storage_rename(char *from, char *to, u32 flags);
/* link: @from (followed if @follow) gets the new name @to. */
int fs_storage_link(char *from, char *to, bool follow);
int fs_storage_symlink(const char *target, char *path);
int fs_storage_truncate(char *path, s64 size);
/* P2S_TRUNCATE of handle @fh to @size (open's O_TRUNC). */
int fs_storage_truncate_fh(const struct p2s_handle *fh, u64 size);
/* chmod, chown, utimens of @path (its final symlink followed if @follow). */
int fs_storage_setattr(char *path, bool follow, const struct ufile_attr *a);
/*
 * Write access to storage file @fh (open for writing, access(W_OK)):
 * -EROFS when the storage node takes no writes (a read-only image, or
 * one it does not trust), else 0.  May sleep.
 */
int fs_storage_may_write(const struct p2s_handle *fh);
/* sync(2): everything the storage node holds, to its disk. */
int fs_storage_sync(void);

#endif /* _MANAGERS_PROCESSOR_FS_H */
