/* SPDX-License-Identifier: GPL-2.0 */
/*
 * epoll(7): epoll_create, epoll_create1, epoll_ctl, epoll_wait,
 * epoll_pwait and epoll_pwait2, built the way Linux's fs/eventpoll.c is.
 *
 * An epoll instance (struct eventpoll, the private state of its file)
 * holds one struct epitem per watched (file, descriptor number) pair.
 * Adding an item calls the file's poll op with a poll_table whose queue
 * function hangs a wake-function entry (struct ep_pwq) on each wait queue
 * the file names; every wake_up_poll() on those queues then runs
 * ep_poll_callback(), which puts the item on the instance's ready list
 * (if the bits announced interest it) and wakes epoll_wait sleepers.
 * epoll_wait takes the ready list, asks each item's file for its bits
 * again and reports those still true: a level-triggered item goes back
 * on the list (the next wait looks again), an EPOLLET one leaves it until
 * its file announces a new change, an EPOLLONESHOT one is disabled until
 * EPOLL_CTL_MOD.  EPOLLRDHUP is passed to and from the file's poll op;
 * EPOLLEXCLUSIVE is accepted (with Linux's checks) and behaves as a
 * plain watch: every sleeper of an instance is woken.
 *
 * Items hold no reference on their file: an item goes when its file's
 * last reference goes (epoll_file_release(), from ufile_put()) or when
 * its instance goes, as in Linux -- closing one descriptor of a file that
 * has a dup'ed twin removes nothing.  Files without a poll op (storage,
 * consoles, tmpfs, /proc) are "always ready" and refused with -EPERM,
 * as Linux refuses regular files.  An epoll file cannot be watched by
 * an epoll instance (-EINVAL, where Linux would nest instances and check
 * for loops): nesting is refused, so no loop can form.
 *
 * Lock order (outermost first):
 *   epoll_mutex -> eventpoll->mtx -> a watched file's wait-queue lock ->
 *   eventpoll->lock -> eventpoll->wq.lock / ->poll_wq.lock
 * epoll_mutex (global) covers every file's epitems list and the creation
 * and removal of items; ->mtx an instance's item list and the scans of
 * its ready list (held across the file poll ops and the copies to user
 * memory, never across a sleep for events); ->lock (a spinlock, irqsave:
 * the callback runs under a wait queue's lock with interrupts off) the
 * ready list, each item's rdllink and its events.
 */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/list.h>
#include <tessera/mutex.h>
#include <tessera/sched.h>
#include <tessera/slab.h>
#include <tessera/time.h>
#include <tessera/wait.h>
#include <uapi/eventpoll.h>

#include "internal.h"
#include "fs.h"

/* What EPOLL_CTL_ADD with EPOLLEXCLUSIVE may also ask for (Linux's). */
#define EP_EXCLUSIVE_OK_BITS	(EPOLLIN | EPOLLOUT | EPOLLRDNORM | \
				 EPOLLWRNORM | EPOLLERR | EPOLLHUP | \
				 EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE)
/* Bits that are modes, not events: an item with only these is off. */
#define EP_PRIVATE_BITS		(EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | \
				 EPOLLEXCLUSIVE)
#define EP_MAX_EVENTS		(__INT_MAX__ / sizeof(struct uapi_epoll_event))

struct eventpoll {
	struct mutex mtx;
	spinlock_t lock;
	struct list_head rdllist;	/* ready items, under lock */
	struct list_head items;		/* every epitem, under mtx */
	struct wait_queue_head wq;	/* epoll_wait sleepers */
	struct wait_queue_head poll_wq;	/* poll/select of the epoll file */
};

struct epitem {
	struct list_head eplink;	/* eventpoll->items, under ep->mtx */
	struct list_head fllink;	/* ufile->epitems, under epoll_mutex */
	struct list_head rdllink;	/* ready list or a scan's, ep->lock */
	struct list_head pwqs;		/* struct ep_pwq, under ep->mtx */
	struct eventpoll *ep;
	struct ufile *file;
	int fd;
	u32 events;			/* EPOLL* asked for, under ep->lock */
	u64 data;			/* under ep->mtx */
	int queue_error;		/* a failed ep_pwq allocation */
};

/* One wait queue of a watched file with an item's entry on it. */
struct ep_pwq {
	struct wait_queue_entry wait;
	struct wait_queue_head *whead;
	struct epitem *epi;
	struct list_head link;		/* epitem->pwqs */
};

struct ep_queue {
	struct poll_table pt;
	struct epitem *epi;
};

static DEFINE_MUTEX(epoll_mutex);
static const struct ufile_ops eventpoll_ops;

static bool ufile_is_epoll(const struct ufile *f)
{
	return f->ops == &eventpoll_ops;
}

static void ep_wake(struct eventpoll *ep)
{
	wake_up(&ep->wq);
	wake_up_poll(&ep->poll_wq, EPOLLIN | EPOLLRDNORM);
}

/* Queue @epi on the ready list unless it is on one; true if it was not. */
static bool ep_set_ready(struct eventpoll *ep, struct epitem *epi)
{
	unsigned long flags;
	bool queued = false;

	spin_lock_irqsave(&ep->lock, flags);
	if (list_empty(&epi->rdllink)) {
		list_add_tail(&epi->rdllink, &ep->rdllist);
		queued = true;
	}
	spin_unlock_irqrestore(&ep->lock, flags);
	return queued;
}

/* A watched file's wait queue was woken with @key, its bits now true. */
static bool ep_poll_callback(struct wait_queue_entry *w, void *key)
{
	struct ep_pwq *pwq = w->private;
	struct epitem *epi = pwq->epi;
	struct eventpoll *ep = epi->ep;
	u32 mask = (u32)(unsigned long)key;
	bool wake = false;

	spin_lock(&ep->lock);
	/* Off (a fired EPOLLONESHOT), or a change nobody asked about. */
	if ((epi->events & ~EP_PRIVATE_BITS) &&
	    (!mask || (mask & epi->events))) {
		if (list_empty(&epi->rdllink))
			list_add_tail(&epi->rdllink, &ep->rdllist);
		wake = true;
	}
	spin_unlock(&ep->lock);
	if (wake)
		ep_wake(ep);
	return wake;
}

static void ep_queue_proc(struct ufile *f, struct wait_queue_head *whead,
			  struct poll_table *pt)
{
	struct epitem *epi = container_of(pt, struct ep_queue, pt)->epi;
	struct ep_pwq *pwq;

	/* Atomic: a poll op may name its queues under its own spinlock. */
	pwq = kmalloc(sizeof(*pwq), GFP_ATOMIC);
	if (!pwq) {
		epi->queue_error = -ENOMEM;
		return;
	}
	init_waitqueue_func_entry(&pwq->wait, ep_poll_callback, pwq);
	pwq->whead = whead;
	pwq->epi = epi;
	list_add_tail(&pwq->link, &epi->pwqs);
	add_wait_queue(whead, &pwq->wait);
}

/* The bits of @epi's file true now that the item asks for. */
static u32 ep_item_poll(struct epitem *epi, struct poll_table *pt)
{
	return epi->file->ops->poll(epi->file, pt) & READ_ONCE(epi->events);
}

/* Caller holds epoll_mutex and ep->mtx. */
static void ep_remove(struct eventpoll *ep, struct epitem *epi)
{
	struct ep_pwq *pwq, *next;
	unsigned long flags;

	/* Once off the queues no callback can be running on @epi. */
	list_for_each_entry_safe(pwq, next, &epi->pwqs, link) {
		remove_wait_queue(pwq->whead, &pwq->wait);
		kfree(pwq);
	}
	list_del(&epi->fllink);
	list_del(&epi->eplink);
	spin_lock_irqsave(&ep->lock, flags);
	list_del_init(&epi->rdllink);
	spin_unlock_irqrestore(&ep->lock, flags);
	kfree(epi);
}

static struct epitem *ep_find(struct eventpoll *ep, struct ufile *f, int fd)
{
	struct epitem *epi;

	list_for_each_entry(epi, &ep->items, eplink)
		if (epi->file == f && epi->fd == fd)
			return epi;
	return NULL;
}

/* Caller holds epoll_mutex and ep->mtx. */
static int ep_insert(struct eventpoll *ep, struct ufile *f, int fd,
		     const struct uapi_epoll_event *ev)
{
	struct ep_queue q = { .pt.queue = ep_queue_proc };
	struct epitem *epi = kzalloc(sizeof(*epi), GFP_KERNEL);

	if (!epi)
		return -ENOMEM;
	INIT_LIST_HEAD(&epi->rdllink);
	INIT_LIST_HEAD(&epi->pwqs);
	epi->ep = ep;
	epi->file = f;
	epi->fd = fd;
	epi->events = ev->events | EPOLLERR | EPOLLHUP;
	epi->data = ev->data;
	list_add_tail(&epi->eplink, &ep->items);
	list_add_tail(&epi->fllink, &f->epitems);
	q.epi = epi;
	if (ep_item_poll(epi, &q.pt) && ep_set_ready(ep, epi))
		ep_wake(ep);
	if (epi->queue_error) {
		ep_remove(ep, epi);
		return -ENOMEM;
	}
	return 0;
}

/* Caller holds ep->mtx. */
static void ep_modify(struct eventpoll *ep, struct epitem *epi,
		      const struct uapi_epoll_event *ev)
{
	unsigned long flags;

	spin_lock_irqsave(&ep->lock, flags);
	epi->events = ev->events | EPOLLERR | EPOLLHUP;
	spin_unlock_irqrestore(&ep->lock, flags);
	epi->data = ev->data;
	if (ep_item_poll(epi, NULL) && ep_set_ready(ep, epi))
		ep_wake(ep);
}

/*
 * Report up to @maxevents ready items into @uevents.  Caller holds
 * ep->mtx.  The count, or -EFAULT if the first copy failed (the item
 * then stays ready, as in Linux).
 */
static int ep_send_events(struct eventpoll *ep,
			  struct uapi_epoll_event __user *uevents,
			  int maxevents)
{
	struct uapi_epoll_event ev;
	struct epitem *epi;
	LIST_HEAD(txlist);
	int res = 0;

	spin_lock_irq(&ep->lock);
	list_splice_init(&ep->rdllist, &txlist);
	spin_unlock_irq(&ep->lock);

	while (res < maxevents) {
		spin_lock_irq(&ep->lock);
		epi = list_first_entry_or_null(&txlist, struct epitem,
					       rdllink);
		if (epi)
			list_del_init(&epi->rdllink);
		spin_unlock_irq(&ep->lock);
		if (!epi)
			break;
		ev.events = ep_item_poll(epi, NULL);
		if (!ev.events)
			continue;
		ev.data = epi->data;
		if (copy_to_user(&uevents[res], &ev, sizeof(ev))) {
			spin_lock_irq(&ep->lock);
			if (list_empty(&epi->rdllink))
				list_add(&epi->rdllink, &txlist);
			spin_unlock_irq(&ep->lock);
			if (!res)
				res = -EFAULT;
			break;
		}
		res++;
		spin_lock_irq(&ep->lock);
		if (epi->events & EPOLLONESHOT)
			epi->events &= EP_PRIVATE_BITS;
		else if (!(epi->events & EPOLLET) &&
			 list_empty(&epi->rdllink))
			list_add_tail(&epi->rdllink, &ep->rdllist);
		spin_unlock_irq(&ep->lock);
	}

	spin_lock_irq(&ep->lock);
	list_splice(&txlist, &ep->rdllist);
	spin_unlock_irq(&ep->lock);
	/* Level-triggered items stay ready: let another sleeper look too. */
	if (!list_empty(&ep->rdllist))
		wake_up(&ep->wq);
	return res;
}

static bool ep_events_available(struct eventpoll *ep)
{
	return !list_empty(&ep->rdllist);
}

/*
 * Wait for events of @ep until @deadline (ktime_get(); KTIME_MAX: no
 * limit, now or earlier: do not sleep).  The number of events stored,
 * 0 when the time ran out, -EINTR if the thread is being killed, or
 * -EFAULT.
 */
static long ep_poll(struct eventpoll *ep,
		    struct uapi_epoll_event __user *uevents, int maxevents,
		    ktime_t deadline)
{
	struct wait_queue_entry w;
	ktime_t now;
	long res;

	for (;;) {
		if (ep_events_available(ep)) {
			mutex_lock(&ep->mtx);
			res = ep_send_events(ep, uevents, maxevents);
			mutex_unlock(&ep->mtx);
			if (res)
				return res;
		}
		now = ktime_get();
		if (deadline != KTIME_MAX && now >= deadline)
			return 0;
		init_wait_entry(&w, 0);
		prepare_to_wait_exclusive(&ep->wq, &w, TASK_INTERRUPTIBLE);
		if (!ep_events_available(ep) && !signal_pending())
			schedule_timeout(ktime_sleep_ticks(deadline, now));
		finish_wait(&ep->wq, &w);
		/* Never restarted, whatever SA_RESTART says (as Linux). */
		if (signal_pending()) {
			/* A wakeup this leaving sleeper took: pass it on. */
			if (ep_events_available(ep))
				wake_up(&ep->wq);
			return -EINTR;
		}
	}
}

void epoll_file_release(struct ufile *f)
{
	struct epitem *epi;
	struct eventpoll *ep;

	mutex_lock(&epoll_mutex);
	while ((epi = list_first_entry_or_null(&f->epitems, struct epitem,
					       fllink))) {
		ep = epi->ep;
		mutex_lock(&ep->mtx);
		ep_remove(ep, epi);
		mutex_unlock(&ep->mtx);
	}
	mutex_unlock(&epoll_mutex);
}

/* poll/select of an epoll file: readable when an item is really ready. */
static u32 eventpoll_poll(struct ufile *f, struct poll_table *pt)
{
	struct eventpoll *ep = f->priv;
	struct epitem *epi;
	u32 mask = 0;

	poll_wait(f, &ep->poll_wq, pt);
	mutex_lock(&ep->mtx);
	list_for_each_entry(epi, &ep->items, eplink) {
		if (list_empty(&epi->rdllink))
			continue;
		if (ep_item_poll(epi, NULL)) {
			mask = EPOLLIN | EPOLLRDNORM;
			break;
		}
	}
	mutex_unlock(&ep->mtx);
	return mask;
}

static void eventpoll_fstat(struct ufile *f, struct uapi_stat *st)
{
	anon_inode_fstat(st);
}

static void eventpoll_release(struct ufile *f)
{
	struct eventpoll *ep = f->priv;
	struct epitem *epi;

	mutex_lock(&epoll_mutex);
	mutex_lock(&ep->mtx);
	while ((epi = list_first_entry_or_null(&ep->items, struct epitem,
					       eplink)))
		ep_remove(ep, epi);
	mutex_unlock(&ep->mtx);
	mutex_unlock(&epoll_mutex);
	kfree(ep);
}

static const struct ufile_ops eventpoll_ops = {
	.name = "eventpoll",
	.poll = eventpoll_poll,
	.llseek = anon_inode_llseek,
	.fstat = eventpoll_fstat,
	.release = eventpoll_release,
};

static long do_epoll_create(int flags)
{
	struct eventpoll *ep;
	int fd;

	if (flags & ~EPOLL_CLOEXEC)
		return -EINVAL;
	ep = kzalloc(sizeof(*ep), GFP_KERNEL);
	if (!ep)
		return -ENOMEM;
	mutex_init(&ep->mtx);
	spin_lock_init(&ep->lock);
	INIT_LIST_HEAD(&ep->rdllist);
	INIT_LIST_HEAD(&ep->items);
	init_waitqueue_head(&ep->wq);
	init_waitqueue_head(&ep->poll_wq);
	fd = anon_file_install(&eventpoll_ops, ep, O_RDWR,
			       flags & EPOLL_CLOEXEC);
	if (fd == -ENOMEM)
		kfree(ep);
	return fd;
}

SYSCALL_DECLARE(epoll_create)
{
	if ((int)regs->rdi <= 0)
		return -EINVAL;
	return do_epoll_create(0);
}

SYSCALL_DECLARE(epoll_create1)
{
	return do_epoll_create(regs->rdi);
}

/* Linux's checks of an EPOLLEXCLUSIVE request; 0 or -EINVAL. */
static int ep_check_exclusive(int op, const struct uapi_epoll_event *ev)
{
	if (!(ev->events & EPOLLEXCLUSIVE))
		return 0;
	if (op == EPOLL_CTL_MOD)
		return -EINVAL;
	if (op == EPOLL_CTL_ADD && (ev->events & ~EP_EXCLUSIVE_OK_BITS))
		return -EINVAL;
	return 0;
}

static int ep_ctl(struct eventpoll *ep, int op, struct ufile *tf, int fd,
		  const struct uapi_epoll_event *ev)
{
	struct epitem *epi;
	int ret;

	mutex_lock(&epoll_mutex);
	mutex_lock(&ep->mtx);
	epi = ep_find(ep, tf, fd);
	switch (op) {
	case EPOLL_CTL_ADD:
		ret = epi ? -EEXIST : ep_insert(ep, tf, fd, ev);
		break;
	case EPOLL_CTL_DEL:
		ret = -ENOENT;
		if (epi) {
			ep_remove(ep, epi);
			ret = 0;
		}
		break;
	case EPOLL_CTL_MOD:
		ret = -ENOENT;
		if (epi && (epi->events & EPOLLEXCLUSIVE)) {
			ret = -EINVAL;
		} else if (epi) {
			ep_modify(ep, epi, ev);
			ret = 0;
		}
		break;
	default:
		ret = -EINVAL;
		break;
	}
	mutex_unlock(&ep->mtx);
	mutex_unlock(&epoll_mutex);
	return ret;
}

SYSCALL_DECLARE(epoll_ctl)
{
	struct fd_table *t = current_files();
	int op = regs->rsi, fd = regs->rdx;
	const void __user *uev = (const void __user *)regs->r10;
	struct uapi_epoll_event ev = { 0 };
	struct ufile *epf, *tf;
	long ret;

	if (op != EPOLL_CTL_DEL && copy_from_user(&ev, uev, sizeof(ev)))
		return -EFAULT;
	epf = fd_get_io(t, regs->rdi);
	if (IS_ERR(epf))
		return PTR_ERR(epf);
	tf = fd_get_io(t, fd);
	if (IS_ERR(tf)) {
		ret = PTR_ERR(tf);
		goto put_ep;
	}
	if (!tf->ops || !tf->ops->poll)
		ret = -EPERM;
	else if (epf == tf || !ufile_is_epoll(epf))
		ret = -EINVAL;
	else if (op != EPOLL_CTL_DEL && ep_check_exclusive(op, &ev))
		ret = -EINVAL;
	else if (ufile_is_epoll(tf))
		ret = -EINVAL;		/* no nesting: see the file comment */
	else
		ret = ep_ctl(epf->priv, op, tf, fd, &ev);
	ufile_put(tf);
put_ep:
	ufile_put(epf);
	return ret;
}

static long do_epoll_wait(int epfd, struct uapi_epoll_event __user *uevents,
			  int maxevents, ktime_t deadline)
{
	struct ufile *f;
	long ret;

	if (maxevents <= 0 || (unsigned long)maxevents > EP_MAX_EVENTS)
		return -EINVAL;
	if (!access_ok(uevents, (unsigned long)maxevents * sizeof(*uevents)))
		return -EFAULT;
	f = fd_get_io(current_files(), epfd);
	if (IS_ERR(f))
		return PTR_ERR(f);
	ret = ufile_is_epoll(f) ? ep_poll(f->priv, uevents, maxevents,
					  deadline) : -EINVAL;
	ufile_put(f);
	return ret;
}

SYSCALL_DECLARE(epoll_wait)
{
	return do_epoll_wait(regs->rdi, (void __user *)regs->rsi, regs->rdx,
			     poll_deadline_ms(regs->r10));
}

/* The signal mask is checked, not applied: no signals are delivered. */
SYSCALL_DECLARE(epoll_pwait)
{
	int ret = user_sigmask_check((const void __user *)regs->r8,
				     regs->r9);

	if (ret)
		return ret;
	return do_epoll_wait(regs->rdi, (void __user *)regs->rsi, regs->rdx,
			     poll_deadline_ms(regs->r10));
}

SYSCALL_DECLARE(epoll_pwait2)
{
	ktime_t deadline;
	int ret;

	ret = poll_deadline_ts((const void __user *)regs->r10, &deadline);
	if (!ret)
		ret = user_sigmask_check((const void __user *)regs->r8,
					 regs->r9);
	if (ret)
		return ret;
	return do_epoll_wait(regs->rdi, (void __user *)regs->rsi, regs->rdx,
			     deadline);
}
