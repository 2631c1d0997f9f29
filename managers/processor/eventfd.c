/* SPDX-License-Identifier: GPL-2.0 */
/*
 * eventfd(2) and eventfd2(2): a file holding a 64-bit counter.  A write
 * of 8 bytes adds to it (waiting, or -EAGAIN, while the sum would reach
 * 0xffffffffffffffff); a read of 8 bytes takes it all, or 1 with
 * EFD_SEMAPHORE (waiting, or -EAGAIN, while it is 0).  Readable while the
 * counter is not 0, writable while it is below 0xfffffffffffffffe -- the
 * semantics and errnos of Linux's fs/eventfd.c.  libuv wakes its loop
 * and its worker threads through one (FACTS.md rung g).
 *
 * Locking: eventfd_ctx->lock (a spinlock, irqsave) covers the counter;
 * the wait queue is woken after it is dropped, with the bits now true
 * (wake_up_poll()), so epoll and poll watchers hear of every change.
 * Readers and writers that must wait sleep on the same queue.
 */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/sched.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/wait.h>
#include <uapi/eventpoll.h>

#include "internal.h"
#include "fs.h"

#define EVENTFD_MAX	(~0ULL)		/* a write of it is -EINVAL */
#define EVENTFD_FLAGS	(EFD_SEMAPHORE | EFD_CLOEXEC | EFD_NONBLOCK)
#define ANON_INODE_INO	1		/* Linux's anon inodes share one */

struct eventfd_ctx {
	spinlock_t lock;
	u64 count;			/* protected by lock */
	bool semaphore;
	struct wait_queue_head wq;	/* readers, writers, pollers */
};

void anon_inode_fstat(struct uapi_stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = 0600;
	st->st_nlink = 1;
	st->st_ino = ANON_INODE_INO;
	st->st_blksize = PAGE_SIZE;
}

int anon_file_install(const struct ufile_ops *ops, void *priv, u32 flags,
		      bool cloexec)
{
	struct ufile *f = ufile_alloc_ops(ops, priv, flags);
	int fd;

	if (!f)
		return -ENOMEM;
	fd = fd_install(current_files(), f, 0, cloexec);
	if (fd < 0)
		ufile_put(f);	/* the release op frees @priv */
	return fd;
}

long anon_inode_llseek(struct ufile *f, s64 off, int whence)
{
	return f->pos;		/* Linux's noop_llseek: the offset stays 0 */
}

/*
 * Sleep on @wq until @cond(@arg) holds: 0, or -ERESTARTSYS for a signal
 * (a kill included).
 */
static int eventfd_wait(struct wait_queue_head *wq, bool (*cond)(void *arg),
			void *arg)
{
	struct wait_queue_entry w;
	int ret = 0;

	init_wait_entry(&w, 0);
	for (;;) {
		prepare_to_wait(wq, &w, TASK_INTERRUPTIBLE);
		if (cond(arg))
			break;
		if (signal_pending()) {
			ret = -ERESTARTSYS;
			break;
		}
		schedule();
	}
	finish_wait(wq, &w);
	return ret;
}

static u32 eventfd_mask(u64 count)
{
	u32 mask = 0;

	if (count > 0)
		mask |= EPOLLIN;
	if (count == EVENTFD_MAX)
		mask |= EPOLLERR;
	if (count < EVENTFD_MAX - 1)
		mask |= EPOLLOUT;
	return mask;
}

static bool eventfd_readable(void *arg)
{
	struct eventfd_ctx *ctx = arg;

	return READ_ONCE(ctx->count) > 0;
}

static long eventfd_read(struct ufile *f, char __user *ubuf, size_t len,
			 u64 *pos)
{
	struct eventfd_ctx *ctx = f->priv;
	unsigned long flags;
	u64 val;
	int ret;

	if (len < sizeof(u64))
		return -EINVAL;
	for (;;) {
		spin_lock_irqsave(&ctx->lock, flags);
		if (ctx->count) {
			val = ctx->semaphore ? 1 : ctx->count;
			ctx->count -= val;
			spin_unlock_irqrestore(&ctx->lock, flags);
			break;
		}
		spin_unlock_irqrestore(&ctx->lock, flags);
		if (READ_ONCE(f->flags) & O_NONBLOCK)
			return -EAGAIN;
		ret = eventfd_wait(&ctx->wq, eventfd_readable, ctx);
		if (ret)
			return ret;
	}
	wake_up_poll(&ctx->wq, eventfd_mask(READ_ONCE(ctx->count)));
	/* As in Linux, the value is taken even if the copy then faults. */
	if (copy_to_user(ubuf, &val, sizeof(val)))
		return -EFAULT;
	return sizeof(val);
}

struct eventfd_add {
	struct eventfd_ctx *ctx;
	u64 val;
};

static bool eventfd_fits(void *arg)
{
	struct eventfd_add *a = arg;

	return EVENTFD_MAX - READ_ONCE(a->ctx->count) > a->val;
}

static long eventfd_write(struct ufile *f, const char __user *ubuf,
			  size_t len, u64 *pos)
{
	struct eventfd_add add = { .ctx = f->priv };
	struct eventfd_ctx *ctx = f->priv;
	unsigned long flags;
	int ret;

	if (len < sizeof(u64))
		return -EINVAL;
	if (copy_from_user(&add.val, ubuf, sizeof(add.val)))
		return -EFAULT;
	if (add.val == EVENTFD_MAX)
		return -EINVAL;
	for (;;) {
		spin_lock_irqsave(&ctx->lock, flags);
		if (EVENTFD_MAX - ctx->count > add.val) {
			ctx->count += add.val;
			spin_unlock_irqrestore(&ctx->lock, flags);
			break;
		}
		spin_unlock_irqrestore(&ctx->lock, flags);
		if (READ_ONCE(f->flags) & O_NONBLOCK)
			return -EAGAIN;
		ret = eventfd_wait(&ctx->wq, eventfd_fits, &add);
		if (ret)
			return ret;
	}
	wake_up_poll(&ctx->wq, eventfd_mask(READ_ONCE(ctx->count)));
	return sizeof(add.val);
}

static u32 eventfd_poll(struct ufile *f, struct poll_table *pt)
{
	struct eventfd_ctx *ctx = f->priv;

	poll_wait(f, &ctx->wq, pt);
	return eventfd_mask(READ_ONCE(ctx->count));
}

static void eventfd_fstat(struct ufile *f, struct uapi_stat *st)
{
	anon_inode_fstat(st);
}

static void eventfd_release(struct ufile *f)
{
	kfree(f->priv);
}

static const struct ufile_ops eventfd_ops = {
	.name = "eventfd",
	.read = eventfd_read,
	.write = eventfd_write,
	.poll = eventfd_poll,
	.llseek = anon_inode_llseek,
	.fstat = eventfd_fstat,
	.release = eventfd_release,
};

static long do_eventfd(unsigned int count, int flags)
{
	struct eventfd_ctx *ctx;
	int fd;

	if (flags & ~EVENTFD_FLAGS)
		return -EINVAL;
	ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx)
		return -ENOMEM;
	spin_lock_init(&ctx->lock);
	init_waitqueue_head(&ctx->wq);
	ctx->count = count;
	ctx->semaphore = flags & EFD_SEMAPHORE;
	fd = anon_file_install(&eventfd_ops, ctx, O_RDWR | (flags & O_NONBLOCK),
			       flags & EFD_CLOEXEC);
	if (fd == -ENOMEM)
		kfree(ctx);
	return fd;
}

SYSCALL_DECLARE(eventfd2)
{
	return do_eventfd(regs->rdi, regs->rsi);
}

SYSCALL_DECLARE(eventfd)
{
	return do_eventfd(regs->rdi, 0);
}
