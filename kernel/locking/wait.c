// SPDX-License-Identifier: GPL-2.0
/*
 * Wait queues: queueing and waking sleepers.  The sleep loops themselves
 * are macros in <tessera/wait.h>, since they evaluate the caller's
 * condition; the task state machine and wake_up_state() are the
 * scheduler's (kernel/sched/).
 *
 * Locking: wq->lock (interrupts off: wakeups come from timers and other
 * interrupt handlers) protects the list.  Lock order: wq->lock is taken
 * before the scheduler's run-queue locks (wake_up_state() under it).
 */
#include <tessera/sched.h>
#include <tessera/wait.h>

void __init_waitqueue_head(struct wait_queue_head *wq, const char *name,
			   const struct lock_class_key *key)
{
	__spin_lock_init(&wq->lock, name, key);
	INIT_LIST_HEAD(&wq->head);
}

void init_wait_entry(struct wait_queue_entry *w, unsigned int flags)
{
	w->flags = flags;
	w->task = current;
	w->func = NULL;
	w->private = NULL;
	INIT_LIST_HEAD(&w->entry);
}

void init_waitqueue_func_entry(struct wait_queue_entry *w,
			       wait_queue_func_t func, void *private)
{
	w->flags = 0;
	w->task = NULL;
	w->func = func;
	w->private = private;
	INIT_LIST_HEAD(&w->entry);
}

void add_wait_queue(struct wait_queue_head *wq, struct wait_queue_entry *w)
{
	unsigned long flags;

	spin_lock_irqsave(&wq->lock, flags);
	if (list_empty(&w->entry))
		list_add_tail(&w->entry, &wq->head);
	spin_unlock_irqrestore(&wq->lock, flags);
}

void remove_wait_queue(struct wait_queue_head *wq, struct wait_queue_entry *w)
{
	unsigned long flags;

	spin_lock_irqsave(&wq->lock, flags);
	list_del_init(&w->entry);
	spin_unlock_irqrestore(&wq->lock, flags);
}

static void queue_waiter(struct wait_queue_head *wq,
			 struct wait_queue_entry *w, long state)
{
	unsigned long flags;

	spin_lock_irqsave(&wq->lock, flags);
	/* Re-queued on every loop iteration: only the first time counts. */
	if (list_empty(&w->entry)) {
		/* Exclusive waiters queue behind everyone, FIFO. */
		if (w->flags & WQ_FLAG_EXCLUSIVE)
			list_add_tail(&w->entry, &wq->head);
		else
			list_add(&w->entry, &wq->head);
	}
	set_current_state(state);
	spin_unlock_irqrestore(&wq->lock, flags);
}

void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *w,
		     long state)
{
	queue_waiter(wq, w, state);
}

void prepare_to_wait_exclusive(struct wait_queue_head *wq,
			       struct wait_queue_entry *w, long state)
{
	w->flags |= WQ_FLAG_EXCLUSIVE;
	queue_waiter(wq, w, state);
}

void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *w)
{
	unsigned long flags;

	__set_current_state(TASK_RUNNING);
	spin_lock_irqsave(&wq->lock, flags);
	list_del_init(&w->entry);
	spin_unlock_irqrestore(&wq->lock, flags);
}

static void wake_up_common(struct wait_queue_head *wq, int nr_exclusive,
			   void *key)
{
	struct wait_queue_entry *w, *next;

	assert_spin_locked(&wq->lock);
	list_for_each_entry_safe(w, next, &wq->head, entry) {
		bool woken = w->func ? w->func(w, key) :
				       wake_up_state(w->task, TASK_NORMAL);

		/*
		 * An exclusive waiter that was already awake is still on its
		 * way to the condition; it does not use up the wakeup.
		 */
		if (woken && (w->flags & WQ_FLAG_EXCLUSIVE) && !--nr_exclusive)
			break;
	}
}

void __wake_up_locked(struct wait_queue_head *wq, int nr_exclusive)
{
	wake_up_common(wq, nr_exclusive, NULL);
}

void __wake_up_key(struct wait_queue_head *wq, int nr_exclusive, void *key)
{
	unsigned long flags;

	spin_lock_irqsave(&wq->lock, flags);
	wake_up_common(wq, nr_exclusive, key);
	spin_unlock_irqrestore(&wq->lock, flags);
}

void __wake_up(struct wait_queue_head *wq, int nr_exclusive)
{
	__wake_up_key(wq, nr_exclusive, NULL);
}
