// SPDX-License-Identifier: GPL-2.0
/*
 * Pipes: pipe(2) and pipe2(2), two open files (ufile_alloc_ops()) around
 * one struct pipe.
 *
 * The buffer is a ring of PIPE_SIZE bytes (64 KiB, Linux's default) in
 * pages taken from the page allocator the first time a write reaches
 * them and given back when the pipe goes; a pipe that drains starts
 * again at its first page, so small messages keep touching one page.
 *
 * Semantics (Linux's, pipe(7)): a read takes what is there (at most
 * @len bytes), sleeps while the pipe is empty and a writer is left, and
 * returns 0 (EOF) once the last write end is closed.  A write of at most
 * PIPE_BUF bytes goes in as one piece, waiting for room for all of it;
 * a larger one writes what fits, may sleep and continue, and can
 * interleave with other writers.  O_NONBLOCK (f->flags, so F_SETFL and
 * FIONBIO take effect at once) turns every sleep into -EAGAIN, or into
 * the bytes already written.  A write with no read end left gets -EPIPE
 * and SIGPIPE for the writing thread (signal.c: its default action kills
 * the process, status 141, at the return to user mode).  A sleep is
 * interruptible: a pending signal (signal_pending(), a kill included)
 * ends it with -ERESTARTSYS (restarted under SA_RESTART, else -EINTR),
 * or the bytes already moved.
 *
 * A bad user buffer: the bytes copied before the fault are moved and
 * counted, the rest not; -EFAULT if none were.  Nothing is copied twice.
 *
 * Every change of readiness is announced with wake_up_poll() on the one
 * wait queue of the pipe, where sleeping readers and writers and the
 * entries of poll and epoll (poll_wait()) all wait; the key is the bits
 * the change made true, POLLIN|POLLRDNORM for new data, POLLOUT|
 * POLLWRNORM for room, POLLHUP and POLLERR for a closed end.
 *
 * Locking: pipe->lock (a mutex) covers the ring, the counts and the
 * pages, and is held across copies to and from user memory (which may
 * fault and sleep: it nests outside the pmm lock, like ufile->pos_lock).
 * The poll op reads the counts without it: a snapshot, which is what a
 * poller can use anyway.
 */
#include <tessera/atomic.h>
#include <tessera/errno.h>
#include <tessera/gfp.h>
#include <tessera/kernel.h>
#include <tessera/mm.h>
#include <tessera/mutex.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/uaccess.h>
#include <tessera/wait.h>
#include <uapi/fcntl.h>
#include <uapi/poll.h>
#include <uapi/signal.h>
#include <uapi/stat.h>

#include "fs.h"
#include "internal.h"

#define PIPE_SIZE	(64 * 1024)	/* bytes of the ring */
#define PIPE_PAGES	(PIPE_SIZE / PAGE_SIZE)
#define PIPE_BUF	4096		/* atomic write size, as Linux */
#define PIPEFS_DEV	0x000c		/* st_dev of every pipe */

#define PIPE2_FLAGS	(O_NONBLOCK | O_CLOEXEC)

struct pipe {
	struct mutex lock;
	struct wait_queue_head wq;	/* readers, writers, pollers */
	void *pages[PIPE_PAGES];	/* lazily allocated */
	u32 start;			/* ring offset of the first byte */
	u32 len;			/* bytes buffered */
	unsigned int readers;		/* open read ends */
	unsigned int writers;		/* open write ends */
	u64 ino;			/* st_ino, "pipe:[ino]" */
};

/* Inode numbers of pipes; above the standard streams' 1-3. */
static atomic64_t pipe_ino = ATOMIC64_INIT(16);

static bool pipe_is_reader(const struct ufile *f)
{
	return (f->flags & O_ACCMODE) == O_RDONLY;
}

static bool pipe_nonblock(const struct ufile *f)
{
	return READ_ONCE(f->flags) & O_NONBLOCK;
}

/*
 * Wait, with pipe->lock held, for @p to change for a reader (@reader) or
 * for a writer wanting @room bytes: -EAGAIN for an O_NONBLOCK @f,
 * -ERESTARTSYS for a signal pending, else 0 once it slept (dropping the lock
 * meanwhile), maybe spuriously: the caller checks again.
 */
static int pipe_wait(struct ufile *f, struct pipe *p, bool reader, u32 room)
{
	struct wait_queue_entry w;
	bool ready;

	if (pipe_nonblock(f))
		return -EAGAIN;
	if (signal_pending())
		return -ERESTARTSYS;
	init_wait_entry(&w, 0);
	prepare_to_wait(&p->wq, &w, TASK_INTERRUPTIBLE);
	mutex_unlock(&p->lock);
	if (reader)
		ready = READ_ONCE(p->len) || !READ_ONCE(p->writers);
	else
		ready = PIPE_SIZE - READ_ONCE(p->len) >= room ||
			!READ_ONCE(p->readers);
	if (!ready && !signal_pending())
		schedule();
	finish_wait(&p->wq, &w);
	mutex_lock(&p->lock);
	return 0;
}

/*
 * Move up to @len buffered bytes to @ubuf.  Returns the bytes moved
 * (consumed from the ring), or -EFAULT if the first one faulted.
 */
static long pipe_copy_out(struct pipe *p, char __user *ubuf, size_t len)
{
	size_t done = 0;

	len = min_t(size_t, len, p->len);
	while (done < len) {
		u32 off = p->start % PAGE_SIZE;
		size_t n = min_t(size_t, len - done, PAGE_SIZE - off);
		char *page = p->pages[p->start / PAGE_SIZE];
		size_t left = __copy_user((void *)(ubuf + done), page + off,
					  n);

		n -= left;
		done += n;
		p->start = (p->start + n) % PIPE_SIZE;
		p->len -= n;
		if (left)
			break;
	}
	if (!p->len)
		p->start = 0;
	return done ? (long)done : -EFAULT;
}

/*
 * Append up to @len bytes from @ubuf (the caller checked the room).
 * Returns the bytes appended, -EFAULT if the first one faulted or
 * -ENOMEM if no page was to be had for it; *@fault is set when the
 * copy stopped short.
 */
static long pipe_copy_in(struct pipe *p, const char __user *ubuf,
			 size_t len, bool *fault)
{
	size_t done = 0;
	long err = -EFAULT;

	*fault = false;
	while (done < len) {
		u32 end = (p->start + p->len) % PIPE_SIZE;
		u32 off = end % PAGE_SIZE;
		size_t n = min_t(size_t, len - done, PAGE_SIZE - off);
		void **page = &p->pages[end / PAGE_SIZE];
		size_t left;

		if (!*page) {
			*page = (void *)__get_free_page(GFP_KERNEL);
			if (!*page) {
				err = -ENOMEM;
				*fault = true;
				break;
			}
		}
		left = __copy_user((char *)*page + off,
				   (const void *)(ubuf + done), n);
		n -= left;
		done += n;
		p->len += n;
		if (left) {
			*fault = true;
			break;
		}
	}
	return done ? (long)done : err;
}

/*
 * Read into the @nr buffers of @iov in order: wait while the pipe is
 * empty and has writers, then take what is buffered, up to their total.
 */
static long pipe_read_iov(struct ufile *f, const struct ufile_iov *iov,
			  unsigned int nr, u64 *pos)
{
	struct pipe *p = f->priv;
	size_t len = 0, done = 0;
	long ret;

	for (unsigned int i = 0; i < nr; i++)
		len += iov[i].len;
	if (!len)
		return 0;
	mutex_lock(&p->lock);
	for (;;) {
		ret = 0;
		if (p->len || !p->writers)
			break;
		ret = pipe_wait(f, p, true, 0);
		if (ret)
			break;
	}
	for (unsigned int i = 0; !ret && i < nr && p->len; i++) {
		long n;

		if (!iov[i].len)
			continue;
		n = pipe_copy_out(p, (char __user *)iov[i].base, iov[i].len);
		if (n < 0) {
			ret = n;
			break;
		}
		done += n;
		if ((size_t)n < iov[i].len)
			break;
	}
	if (done)
		wake_up_poll(&p->wq, POLLOUT | POLLWRNORM);
	mutex_unlock(&p->lock);
	return done ? (long)done : ret;
}

static long pipe_read(struct ufile *f, char __user *ubuf, size_t len,
		      u64 *pos)
{
	struct ufile_iov iov = { .base = ubuf, .len = len };

	return pipe_read_iov(f, &iov, 1, pos);
}

/*
 * Write the @nr buffers of @iov in order as one write: all of them at
 * once when they total at most PIPE_BUF (no other writer's bytes come
 * between), else as room comes.
 */
static long pipe_write_iov(struct ufile *f, const struct ufile_iov *iov,
			   unsigned int nr, u64 *pos)
{
	struct pipe *p = f->priv;
	bool sigpipe = false, fault = false;
	size_t len = 0, done = 0, seg_done = 0;
	unsigned int seg = 0;
	long ret = 0;
	u32 want;

	for (unsigned int i = 0; i < nr; i++)
		len += iov[i].len;
	if (!len)
		return 0;
	/* All of a small write at once, any room for a large one. */
	want = len <= PIPE_BUF ? len : 1;
	mutex_lock(&p->lock);
	while (done < len) {
		u32 room = PIPE_SIZE - p->len;

		if (!p->readers) {
			sigpipe = true;
			ret = -EPIPE;
			break;
		}
		if (room >= want) {
			/* As much of the buffers as fits, in order. */
			while (room && seg < nr && !fault) {
				size_t n = min_t(size_t, room,
						 iov[seg].len - seg_done);

				ret = n ? pipe_copy_in(p, iov[seg].base +
							  seg_done, n,
						       &fault) : 0;
				if (ret < 0)
					break;
				done += ret;
				seg_done += ret;
				room -= ret;
				if (seg_done == iov[seg].len) {
					seg++;
					seg_done = 0;
				}
			}
			if (done)
				wake_up_poll(&p->wq, POLLIN | POLLRDNORM);
			if (fault || ret < 0)
				break;
			continue;
		}
		ret = pipe_wait(f, p, false, want);
		if (ret)
			break;
	}
	mutex_unlock(&p->lock);
	if (sigpipe)
		signal_send_self(SIGPIPE, SI_USER);
	return done ? (long)done : ret;
}

static long pipe_write(struct ufile *f, const char __user *ubuf, size_t len,
		       u64 *pos)
{
	struct ufile_iov iov = { .base = ubuf, .len = len };

	return pipe_write_iov(f, &iov, 1, pos);
}

static u32 pipe_poll(struct ufile *f, struct poll_table *pt)
{
	struct pipe *p = f->priv;
	u32 len, mask = 0;

	poll_wait(f, &p->wq, pt);
	len = READ_ONCE(p->len);
	if (pipe_is_reader(f)) {
		if (len)
			mask |= POLLIN | POLLRDNORM;
		if (!READ_ONCE(p->writers))
			mask |= POLLHUP;
	} else {
		if (PIPE_SIZE - len >= PIPE_BUF)
			mask |= POLLOUT | POLLWRNORM;
		if (!READ_ONCE(p->readers))
			mask |= POLLERR;
	}
	return mask;
}

static long pipe_ioctl(struct ufile *f, unsigned int cmd, unsigned long arg)
{
	struct pipe *p = f->priv;

	if (cmd != FIONREAD)
		return -ENOTTY;
	return put_user_u32(READ_ONCE(p->len), (u32 __user *)arg);
}

static void pipe_fstat(struct ufile *f, struct uapi_stat *st)
{
	struct pipe *p = f->priv;

	memset(st, 0, sizeof(*st));
	st->st_dev = PIPEFS_DEV;
	st->st_ino = p->ino;
	st->st_mode = S_IFIFO | 0600;
	st->st_nlink = 1;
	st->st_blksize = PAGE_SIZE;
}

static void pipe_dname(struct ufile *f, char *buf, size_t size)
{
	struct pipe *p = f->priv;

	snprintf(buf, size, "pipe:[%llu]", (unsigned long long)p->ino);
}

static void pipe_free(struct pipe *p)
{
	for (int i = 0; i < PIPE_PAGES; i++)
		if (p->pages[i])
			free_page((unsigned long)p->pages[i]);
	kfree(p);
}

/* The last reference to one end went. */
static void pipe_release(struct ufile *f)
{
	struct pipe *p = f->priv;
	bool gone;

	mutex_lock(&p->lock);
	if (pipe_is_reader(f)) {
		p->readers--;
		if (!p->readers)
			wake_up_poll(&p->wq, POLLERR | POLLOUT | POLLWRNORM);
	} else {
		p->writers--;
		if (!p->writers)
			wake_up_poll(&p->wq, POLLHUP | POLLIN | POLLRDNORM);
	}
	gone = !p->readers && !p->writers;
	mutex_unlock(&p->lock);
	/*
	 * Pollers hold a reference to what they watch, so nobody is queued
	 * now; if someone is, keep the pipe (a leak) rather than free it
	 * under their entries.
	 */
	if (gone && !WARN_ON(waitqueue_active(&p->wq)))
		pipe_free(p);
}

static const struct ufile_ops pipe_ops = {
	.name = "pipe",
	.read = pipe_read,
	.write = pipe_write,
	.write_iov = pipe_write_iov,
	.read_iov = pipe_read_iov,
	.poll = pipe_poll,
	.ioctl = pipe_ioctl,
	.fstat = pipe_fstat,
	.dname = pipe_dname,
	.release = pipe_release,
};

int pipe_create(u32 flags, struct ufile *ends[2])
{
	struct pipe *p = kzalloc(sizeof(*p), GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	mutex_init(&p->lock);
	init_waitqueue_head(&p->wq);
	p->ino = atomic64_inc_return(&pipe_ino);
	ends[0] = ufile_alloc_ops(&pipe_ops, p, O_RDONLY | flags);
	if (!ends[0]) {
		kfree(p);
		return -ENOMEM;
	}
	p->readers = 1;
	ends[1] = ufile_alloc_ops(&pipe_ops, p, O_WRONLY | flags);
	if (!ends[1]) {
		ufile_put(ends[0]);	/* frees @p: no writer either */
		return -ENOMEM;
	}
	p->writers = 1;
	return 0;
}

static long do_pipe2(int __user *ufds, unsigned long flags)
{
	struct fd_table *t = current_files();
	struct ufile *ends[2];
	int fds[2];
	int ret;

	if (flags & ~(unsigned long)PIPE2_FLAGS) {
		if (flags == (flags & (PIPE2_FLAGS | O_DIRECT)))
			pr_warn_once("pipe: pipe2 O_DIRECT (packet mode) is not supported: -EINVAL\n");
		return -EINVAL;
	}
	/* Linux creates no descriptor for a bad pointer: probe it first. */
	fds[0] = fds[1] = -1;
	if (copy_to_user(ufds, fds, sizeof(fds)))
		return -EFAULT;
	ret = pipe_create(flags & O_NONBLOCK, ends);
	if (ret)
		return ret;
	fds[0] = fd_install(t, ends[0], 0, flags & O_CLOEXEC);
	if (fds[0] < 0) {
		ufile_put(ends[0]);
		ufile_put(ends[1]);
		return fds[0];
	}
	fds[1] = fd_install(t, ends[1], 0, flags & O_CLOEXEC);
	if (fds[1] < 0) {
		fd_close(t, fds[0]);
		ufile_put(ends[1]);
		return fds[1];
	}
	if (copy_to_user(ufds, fds, sizeof(fds))) {
		/* Another thread unmapped it since the probe. */
		fd_close(t, fds[0]);
		fd_close(t, fds[1]);
		return -EFAULT;
	}
	return 0;
}

SYSCALL_DECLARE(pipe)
{
	return do_pipe2((int __user *)regs->rdi, 0);
}

SYSCALL_DECLARE(pipe2)
{
	return do_pipe2((int __user *)regs->rdi, regs->rsi);
}
