/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Wait queues (kernel/locking/wait.c): a list of sleeping tasks waiting
 * for a condition, and the sleep loops around it.
 *
 *	static DECLARE_WAIT_QUEUE_HEAD(ready_wq);
 *
 *	wait_event(ready_wq, READ_ONCE(ready));		// sleeper
 *
 *	WRITE_ONCE(ready, true);			// waker: condition
 *	wake_up(&ready_wq);				// first, then wake
 *
 * No wakeup is lost: the sleeper queues itself and sets its state before
 * it tests the condition, and the waker changes the condition before it
 * wakes, so either the test sees the new value or the wakeup finds the
 * sleeper queued and makes it runnable again (<tessera/sched.h>).
 *
 * A waiter is exclusive (prepare_to_wait_exclusive()) or not.  wake_up()
 * wakes every non-exclusive waiter and the first exclusive one that was
 * asleep; wake_up_all() wakes everyone.  Both may be called from
 * interrupt context; the queue's lock is taken with interrupts off.
 * There are no signals yet, so no interruptible variants.
 *
 * An entry may instead carry a wake function (init_waitqueue_func_entry()):
 * a waker then calls it, under the queue's lock with interrupts off,
 * with the key it was given (wake_up_poll(): the readiness bits that
 * changed), and it decides what "waking" means -- poll and epoll queue
 * such entries on the files they watch (add_wait_queue()) for as long as
 * they watch them.
 */
#ifndef _TESSERA_WAIT_H
#define _TESSERA_WAIT_H

#include <tessera/compiler.h>
#include <tessera/list.h>
#include <tessera/lockdep.h>
#include <tessera/sched.h>
#include <tessera/spinlock.h>

#define WQ_FLAG_EXCLUSIVE	0x01

struct wait_queue_entry;
/*
 * A wake function: returns true if it counts as a woken exclusive waiter.
 * Runs under the queue's lock, interrupts off: it must not sleep.
 */
typedef bool (*wait_queue_func_t)(struct wait_queue_entry *w, void *key);

struct wait_queue_entry {
	unsigned int flags;		/* WQ_FLAG_* */
	struct task *task;
	wait_queue_func_t func;		/* NULL: wake task */
	void *private;			/* the wake function's */
	struct list_head entry;		/* on wait_queue_head.head */
};

struct wait_queue_head {
	spinlock_t lock;
	struct list_head head;		/* protected by lock */
};

#define __WAIT_QUEUE_HEAD_INITIALIZER(name) {				\
	.lock = __SPIN_LOCK_UNLOCKED(name.lock),			\
	.head = LIST_HEAD_INIT(name.head),				\
}
#define DECLARE_WAIT_QUEUE_HEAD(name)					\
	struct wait_queue_head name = __WAIT_QUEUE_HEAD_INITIALIZER(name)

void __init_waitqueue_head(struct wait_queue_head *wq, const char *name,
			   const struct lock_class_key *key);
/* Every queue initialised at one call site shares a lock class. */
#define init_waitqueue_head(wq) do {					\
	static struct lock_class_key __key;				\
	__init_waitqueue_head((wq), #wq, &__key);			\
} while (0)

/* A waiter for current; @flags is 0 or WQ_FLAG_EXCLUSIVE. */
void init_wait_entry(struct wait_queue_entry *w, unsigned int flags);
/* An entry whose wakeups call @func (task NULL, non-exclusive). */
void init_waitqueue_func_entry(struct wait_queue_entry *w,
			       wait_queue_func_t func, void *private);
/*
 * Queue / dequeue @w without touching current's state: for entries that
 * stay queued across sleeps (poll, epoll).  remove_wait_queue() on an
 * entry not queued is a no-op.
 */
void add_wait_queue(struct wait_queue_head *wq, struct wait_queue_entry *w);
void remove_wait_queue(struct wait_queue_head *wq, struct wait_queue_entry *w);

/*
 * Queue @w (if it is not queued yet) and set current's state to @state.
 * The caller then tests its condition and calls schedule() if false.
 * finish_wait() ends the wait: state back to running, @w dequeued.
 */
void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *w,
		     long state);
void prepare_to_wait_exclusive(struct wait_queue_head *wq,
			       struct wait_queue_entry *w, long state);
void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *w);

/*
 * Wake waiters: every non-exclusive one and up to @nr_exclusive
 * exclusive ones (0: all).  Any context.  The _locked form is for callers
 * already holding wq->lock (completions).
 */
void __wake_up(struct wait_queue_head *wq, int nr_exclusive);
void __wake_up_locked(struct wait_queue_head *wq, int nr_exclusive);
/* The same, passing @key to the entries' wake functions. */
void __wake_up_key(struct wait_queue_head *wq, int nr_exclusive, void *key);
#define wake_up(wq)		__wake_up(wq, 1)
#define wake_up_all(wq)		__wake_up(wq, 0)
/* Readiness of a file changed: @mask is the EPOLL* bits now true. */
#define wake_up_poll(wq, mask)						\
	__wake_up_key(wq, 0, (void *)(unsigned long)(mask))

/* True if some task is queued on @wq (a snapshot, for fast paths). */
static inline bool waitqueue_active(struct wait_queue_head *wq)
{
	return !list_empty(&wq->head);
}

#define __wait_event(wq, condition) do {				\
	struct wait_queue_entry __wqe;					\
									\
	init_wait_entry(&__wqe, 0);					\
	for (;;) {							\
		prepare_to_wait(&(wq), &__wqe, TASK_UNINTERRUPTIBLE);	\
		if (condition)						\
			break;						\
		schedule();						\
	}								\
	finish_wait(&(wq), &__wqe);					\
} while (0)

/* Sleep until @condition is true.  May sleep; process context only. */
#define wait_event(wq, condition) do {					\
	might_sleep();							\
	if (condition)							\
		break;							\
	__wait_event(wq, condition);					\
} while (0)

/*
 * The condition of the timed wait: true when done waiting, either because
 * @condition holds (then @tleft is made at least 1) or time ran out.
 */
#define ___wait_cond_timeout(condition, tleft) ({			\
	bool __cond = (condition);					\
	if (__cond && !(tleft))						\
		(tleft) = 1;						\
	__cond || !(tleft);						\
})

#define __wait_event_timeout(wq, condition, timeout) ({		\
	struct wait_queue_entry __wqe;					\
	long __tleft = (timeout);					\
									\
	init_wait_entry(&__wqe, 0);					\
	for (;;) {							\
		prepare_to_wait(&(wq), &__wqe, TASK_UNINTERRUPTIBLE);	\
		if (___wait_cond_timeout(condition, __tleft))		\
			break;						\
		__tleft = schedule_timeout(__tleft);			\
	}								\
	finish_wait(&(wq), &__wqe);					\
	__tleft;							\
})

/*
 * Sleep until @condition is true or @timeout jiffies have passed.
 * Returns 0 if the time ran out with @condition still false, else the
 * jiffies that were left (at least 1) -- Linux semantics.
 */
#define wait_event_timeout(wq, condition, timeout) ({			\
	long __ret = (timeout);						\
									\
	might_sleep();							\
	if (!___wait_cond_timeout(condition, __ret))			\
		__ret = __wait_event_timeout(wq, condition, __ret);	\
	__ret;								\
})

#endif /* _TESSERA_WAIT_H */
