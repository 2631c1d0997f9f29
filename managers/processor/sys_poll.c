/* SPDX-License-Identifier: GPL-2.0 */
/*
 * poll, ppoll, select and pselect6: wait until one of a set of
 * descriptors is ready, as Linux's fs/select.c does it.
 *
 * A scan asks each file's poll op for its bits; on the first scan the
 * poll_table hangs a wake-function entry (struct poll_entry, holding a
 * reference on the file) on every wait queue the op names, and once
 * something is ready later files are asked for their bits only.  A wake
 * on any of those queues marks the waiter triggered and wakes it, and it
 * scans again, until something is ready, the time runs out or the thread
 * a signal is pending (-EINTR after a handler).  Files without a poll op (storage, consoles,
 * tmpfs, /proc) are always readable and writable, as Linux's regular
 * files are.
 *
 * Timeouts become an absolute ktime_get() deadline (KTIME_MAX: none; 0:
 * a zero timeout, do not wait).  select, pselect6 and ppoll write the
 * time left back to the caller's timeout as Linux does (ignoring a
 * failed write, as Linux does); poll does not.  The signal masks of
 * ppoll, pselect6 and epoll_pwait are checked (size, readable) but not
 * applied: no signal is delivered yet, so there is nothing to unblock.
 */
#include <tessera/bitmap.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/sched.h>
#include <tessera/slab.h>
#include <tessera/time.h>
#include <tessera/wait.h>
#include <uapi/fcntl.h>
#include <uapi/poll.h>
#include <uapi/time.h>

#include "internal.h"
#include "fs.h"

/* What a file without a poll op is: always readable and writable. */
#define DEFAULT_POLLMASK	(POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)
#define POLLIN_SET	(POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR)
#define POLLOUT_SET	(POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR)
#define POLLEX_SET	(POLLPRI)
#define SIGSET_SIZE	8		/* the kernel's sigset_t: 64 signals */

/* ------------------------------------------------------------ timeouts */

static ktime_t deadline_after(u64 ns)
{
	return ns ? ktime_add_sat(ktime_get(), ns) : 0;
}

u64 poll_deadline_ms(long ms)
{
	int timeout = ms;	/* the ABI's type: int */

	return timeout < 0 ? KTIME_MAX :
			     deadline_after((u64)timeout * NSEC_PER_MSEC);
}

int poll_deadline_ts(const struct uapi_timespec __user *uts, u64 *deadline)
{
	u64 ns;
	int ret;

	*deadline = KTIME_MAX;
	if (!uts)
		return 0;
	ret = get_user_timespec_ns(uts, &ns);
	if (!ret)
		*deadline = deadline_after(ns);
	return ret;
}

/* A select timeval: tv_usec past a second carries over, as in Linux. */
static int select_deadline(const struct uapi_timeval __user *utv,
			   u64 *deadline)
{
	struct uapi_timeval tv;
	s64 sec;
	u64 ns;
	int ret;

	*deadline = KTIME_MAX;
	if (!utv)
		return 0;
	if (copy_from_user(&tv, utv, sizeof(tv)))
		return -EFAULT;
	if (__builtin_add_overflow(tv.tv_sec, tv.tv_usec / 1000000, &sec))
		return -EINVAL;
	ret = timespec_to_ns(sec, tv.tv_usec % 1000000 * 1000, &ns);
	if (!ret)
		*deadline = deadline_after(ns);
	return ret;
}

/* The time left until @deadline, in ns; 0 once it has passed. */
static u64 time_left(u64 deadline)
{
	u64 now = ktime_get();

	return deadline > now ? deadline - now : 0;
}

/* Write the time left back for select (@timeval) or pselect6/ppoll. */
static void write_time_left(void __user *uto, u64 deadline, bool timeval)
{
	u64 left;

	if (!uto || !deadline || deadline == KTIME_MAX)
		return;
	left = time_left(deadline);
	if (timeval) {
		struct uapi_timeval tv = {
			.tv_sec = left / NSEC_PER_SEC,
			.tv_usec = left % NSEC_PER_SEC / 1000,
		};

		if (copy_to_user(uto, &tv, sizeof(tv)))
			return;		/* Linux ignores it too */
	} else {
		struct uapi_timespec ts = {
			.tv_sec = left / NSEC_PER_SEC,
			.tv_nsec = left % NSEC_PER_SEC,
		};

		if (copy_to_user(uto, &ts, sizeof(ts)))
			return;
	}
}

int user_sigmask_check(const void __user *umask, size_t size)
{
	u64 set;

	if (!umask)
		return 0;
	if (size != SIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(&set, umask, sizeof(set)))
		return -EFAULT;
	return 0;
}

/* --------------------------------------------------------- the waiting */

struct poll_entry {
	struct wait_queue_entry wait;
	struct wait_queue_head *whead;
	struct ufile *file;		/* a reference while queued */
	struct list_head link;		/* poll_wqueues->entries */
};

struct poll_wqueues {
	struct poll_table pt;
	struct task *task;
	bool triggered;			/* a queue was woken since the scan */
	int error;			/* an entry could not be allocated */
	struct list_head entries;
};

static bool pollwake(struct wait_queue_entry *w, void *key)
{
	struct poll_wqueues *pwq = w->private;

	WRITE_ONCE(pwq->triggered, true);
	return wake_up_process(pwq->task);
}

static void poll_queue_proc(struct ufile *f, struct wait_queue_head *whead,
			    struct poll_table *pt)
{
	struct poll_wqueues *pwq = container_of(pt, struct poll_wqueues, pt);
	/* Atomic: a poll op may name its queues under its own spinlock. */
	struct poll_entry *e = kmalloc(sizeof(*e), GFP_ATOMIC);

	if (!e) {
		pwq->error = -ENOMEM;
		return;
	}
	ufile_hold(f);
	e->file = f;
	e->whead = whead;
	init_waitqueue_func_entry(&e->wait, pollwake, pwq);
	list_add_tail(&e->link, &pwq->entries);
	add_wait_queue(whead, &e->wait);
}

static void poll_initwait(struct poll_wqueues *pwq)
{
	pwq->pt.queue = poll_queue_proc;
	pwq->task = current;
	pwq->triggered = false;
	pwq->error = 0;
	INIT_LIST_HEAD(&pwq->entries);
}

static void poll_freewait(struct poll_wqueues *pwq)
{
	struct poll_entry *e, *next;

	list_for_each_entry_safe(e, next, &pwq->entries, link) {
		remove_wait_queue(e->whead, &e->wait);
		ufile_put(e->file);
		kfree(e);
	}
}

/*
 * Sleep until a queue is woken or @deadline: 0 to scan again,
 * -ETIMEDOUT, or -ERESTARTNOHAND for a signal (-EINTR after a handler,
 * else the call starts again; select and the p-variants wrote the time
 * left back first, poll starts its whole timeout again).
 */
static int poll_schedule(struct poll_wqueues *pwq, u64 deadline)
{
	u64 now = ktime_get();

	if (deadline != KTIME_MAX && now >= deadline)
		return -ETIMEDOUT;
	set_current_state(TASK_INTERRUPTIBLE);
	if (!READ_ONCE(pwq->triggered) && !signal_pending())
		schedule_timeout(ktime_sleep_ticks(deadline, now));
	__set_current_state(TASK_RUNNING);
	WRITE_ONCE(pwq->triggered, false);
	return signal_pending() ? -ERESTARTNOHAND : 0;
}

struct ufile *fd_get_io(struct fd_table *t, int fd)
{
	struct ufile *f = fd_get(t, fd);

	if (!IS_ERR(f) && (f->flags & O_PATH)) {
		ufile_put(f);
		return ERR_PTR(-EBADF);
	}
	return f;
}

static u32 ufile_poll(struct ufile *f, struct poll_table *pt)
{
	return f->ops && f->ops->poll ? f->ops->poll(f, pt) : DEFAULT_POLLMASK;
}

/*
 * Scan with @scan (which stops naming queues by setting *@pt NULL) until
 * something is ready, the time runs out or the thread is being killed:
 * the count of ready things, 0, or -errno (-ERESTARTNOHAND, -ENOMEM).
 */
static long poll_loop(long (*scan)(void *arg, struct poll_table **pt),
		      void *arg, u64 deadline)
{
	struct poll_wqueues pwq;
	struct poll_table *pt = &pwq.pt;
	long ret;

	poll_initwait(&pwq);
	for (;;) {
		ret = scan(arg, &pt);
		pt = NULL;
		if (ret || pwq.error)
			break;
		ret = poll_schedule(&pwq, deadline);
		if (ret)
			break;
	}
	poll_freewait(&pwq);
	if (ret == -ETIMEDOUT)
		ret = 0;
	return !ret && pwq.error ? pwq.error : ret;
}

/* ---------------------------------------------------------------- poll */

/* One pollfd's revents; @pt NULL: ask for the bits only. */
static u16 poll_one(struct fd_table *t, struct uapi_pollfd *pfd,
		    struct poll_table *pt)
{
	struct ufile *f;
	u16 mask;

	if (pfd->fd < 0)
		return 0;
	f = fd_get_io(t, pfd->fd);
	if (IS_ERR(f))
		return POLLNVAL;
	mask = ufile_poll(f, pt) & ((u16)pfd->events | POLLERR | POLLHUP);
	ufile_put(f);
	return mask;
}

struct poll_args {
	struct fd_table *t;
	struct uapi_pollfd *fds;
	unsigned int nfds;
};

static long poll_scan(void *arg, struct poll_table **pt)
{
	struct poll_args *pa = arg;
	long count = 0;

	for (unsigned int i = 0; i < pa->nfds; i++) {
		pa->fds[i].revents = poll_one(pa->t, &pa->fds[i], *pt);
		if (pa->fds[i].revents) {
			count++;
			*pt = NULL;
		}
	}
	return count;
}

static long do_poll(struct uapi_pollfd __user *ufds, unsigned int nfds,
		    u64 deadline)
{
	struct fd_table *t = current_files();
	struct poll_args pa;
	struct uapi_pollfd *fds;
	long count;

	if (nfds > fd_table_limit(t))
		return -EINVAL;
	fds = kmalloc_array(nfds, sizeof(*fds), GFP_KERNEL);
	if (!fds)
		return -ENOMEM;
	if (copy_from_user(fds, ufds, (size_t)nfds * sizeof(*fds))) {
		count = -EFAULT;
		goto out;
	}
	pa.t = t;
	pa.fds = fds;
	pa.nfds = nfds;
	count = poll_loop(poll_scan, &pa, deadline);
	for (unsigned int i = 0; count >= 0 && i < nfds; i++)
		if (copy_to_user(&ufds[i].revents, &fds[i].revents,
				 sizeof(fds[i].revents)))
			count = -EFAULT;
out:
	kfree(fds);
	return count;
}

SYSCALL_DECLARE(poll)
{
	return do_poll((void __user *)regs->rdi, regs->rsi,
		       poll_deadline_ms(regs->rdx));
}

SYSCALL_DECLARE(ppoll)
{
	void __user *uts = (void __user *)regs->rdx;
	u64 deadline;
	long ret;

	ret = poll_deadline_ts(uts, &deadline);
	if (!ret)
		ret = user_sigmask_check((const void __user *)regs->r10,
					 regs->r8);
	if (ret)
		return ret;
	ret = do_poll((void __user *)regs->rdi, regs->rsi, deadline);
	write_time_left(uts, deadline, false);
	return ret;
}

/* -------------------------------------------------------------- select */

/* The sets of a select: in, out, ex asked; the same answered. */
struct select_sets {
	unsigned long *in, *out, *ex;
	unsigned long *res_in, *res_out, *res_ex;
	struct fd_table *t;
	int n;
};

static int get_fd_set(unsigned long *set, const void __user *uset,
		      size_t bytes)
{
	if (!uset)
		return 0;	/* kzalloc'd: empty */
	return copy_from_user(set, uset, bytes) ? -EFAULT : 0;
}

static int set_fd_set(void __user *uset, const unsigned long *set,
		      size_t bytes)
{
	if (!uset)
		return 0;
	return copy_to_user(uset, set, bytes) ? -EFAULT : 0;
}

/* -EBADF if a descriptor in a set is not open (Linux's max_select_fd). */
static int select_check_fds(struct fd_table *t, struct select_sets *s,
			    int n)
{
	struct ufile *f;

	for (int fd = 0; fd < n; fd++) {
		if (!test_bit(fd, s->in) && !test_bit(fd, s->out) &&
		    !test_bit(fd, s->ex))
			continue;
		f = fd_get(t, fd);
		if (IS_ERR(f))
			return -EBADF;
		ufile_put(f);
	}
	return 0;
}

/* One scan: the bits now set in the result sets. */
static long select_scan(void *arg, struct poll_table **pt)
{
	struct select_sets *s = arg;
	struct fd_table *t = s->t;
	int n = s->n;
	long count = 0;
	struct ufile *f;
	u32 mask;

	for (int fd = 0; fd < n; fd++) {
		bool in = test_bit(fd, s->in), out = test_bit(fd, s->out);
		bool ex = test_bit(fd, s->ex);

		if (!in && !out && !ex)
			continue;
		/* O_PATH too: Linux 6.18's select finds it always ready. */
		f = fd_get(t, fd);
		if (IS_ERR(f))
			continue;	/* closed meanwhile: Linux's NVAL */
		mask = ufile_poll(f, *pt);
		ufile_put(f);
		if (in && (mask & POLLIN_SET)) {
			__set_bit(fd, s->res_in);
			count++;
		}
		if (out && (mask & POLLOUT_SET)) {
			__set_bit(fd, s->res_out);
			count++;
		}
		if (ex && (mask & POLLEX_SET)) {
			__set_bit(fd, s->res_ex);
			count++;
		}
		if (count)
			*pt = NULL;
	}
	return count;
}

static long do_select(int n, void __user *inp, void __user *outp,
		      void __user *exp, u64 deadline)
{
	struct fd_table *t = current_files();
	struct select_sets s;
	unsigned long *bits;
	size_t bytes;
	long ret;

	if (n < 0)
		return -EINVAL;
	if (n > FD_MAX)
		n = FD_MAX;	/* Linux: the size of the descriptor table */
	bytes = BITS_TO_LONGS(n) * sizeof(long);
	bits = kzalloc(6 * bytes + 1, GFP_KERNEL);
	if (!bits)
		return -ENOMEM;
	s.in = bits;
	s.out = s.in + bytes / sizeof(long);
	s.ex = s.out + bytes / sizeof(long);
	s.res_in = s.ex + bytes / sizeof(long);
	s.res_out = s.res_in + bytes / sizeof(long);
	s.res_ex = s.res_out + bytes / sizeof(long);
	ret = get_fd_set(s.in, inp, bytes);
	if (!ret)
		ret = get_fd_set(s.out, outp, bytes);
	if (!ret)
		ret = get_fd_set(s.ex, exp, bytes);
	if (!ret)
		ret = select_check_fds(t, &s, n);
	if (ret)
		goto out;
	s.t = t;
	s.n = n;
	ret = poll_loop(select_scan, &s, deadline);
	if (ret >= 0 && (set_fd_set(inp, s.res_in, bytes) ||
			 set_fd_set(outp, s.res_out, bytes) ||
			 set_fd_set(exp, s.res_ex, bytes)))
		ret = -EFAULT;
out:
	kfree(bits);
	return ret;
}

SYSCALL_DECLARE(select)
{
	void __user *utv = (void __user *)regs->r8;
	u64 deadline;
	long ret;

	ret = select_deadline(utv, &deadline);
	if (ret)
		return ret;
	ret = do_select(regs->rdi, (void __user *)regs->rsi,
			(void __user *)regs->rdx, (void __user *)regs->r10,
			deadline);
	write_time_left(utv, deadline, true);
	return ret;
}

/* pselect6's sixth argument: the mask and its size, by address. */
struct sigset_argpack {
	u64 mask;		/* const sigset_t __user * */
	u64 size;
};

SYSCALL_DECLARE(pselect6)
{
	void __user *uts = (void __user *)regs->r8;
	const void __user *upack = (const void __user *)regs->r9;
	struct sigset_argpack pack = { 0, 0 };
	u64 deadline;
	long ret;

	if (upack && copy_from_user(&pack, upack, sizeof(pack)))
		return -EFAULT;
	ret = poll_deadline_ts(uts, &deadline);
	if (!ret)
		ret = user_sigmask_check((const void __user *)pack.mask,
					 pack.size);
	if (ret)
		return ret;
	ret = do_select(regs->rdi, (void __user *)regs->rsi,
			(void __user *)regs->rdx, (void __user *)regs->r10,
			deadline);
	write_time_left(uts, deadline, false);
	return ret;
}
