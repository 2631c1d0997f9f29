// SPDX-License-Identifier: GPL-2.0
/*
 * Completions: a counter of complete() calls not yet consumed by a wait,
 * on top of a wait queue whose lock protects it.  Waiters are exclusive
 * and FIFO, so complete() wakes exactly the oldest one.
 *
 * Locking: x->wait.lock, interrupts off.  A waiter sets its state while
 * holding it and complete() changes x->done while holding it, so the
 * wakeup cannot fall between the waiter's test and its sleep.
 */
#include <tessera/completion.h>
#include <tessera/lockdep.h>
#include <tessera/sched.h>

#define COMPLETE_ALL	(~0u)

long wait_for_completion_timeout(struct completion *x, long timeout)
{
	struct wait_queue_entry w;
	unsigned long flags;

	might_sleep();
	spin_lock_irqsave(&x->wait.lock, flags);
	if (!x->done) {
		init_wait_entry(&w, WQ_FLAG_EXCLUSIVE);
		list_add_tail(&w.entry, &x->wait.head);
		do {
			__set_current_state(TASK_UNINTERRUPTIBLE);
			spin_unlock_irqrestore(&x->wait.lock, flags);
			timeout = schedule_timeout(timeout);
			spin_lock_irqsave(&x->wait.lock, flags);
		} while (!x->done && timeout);
		list_del(&w.entry);
		__set_current_state(TASK_RUNNING);
		if (!x->done)
			goto out;
	}
	if (x->done != COMPLETE_ALL)
		x->done--;
	if (!timeout)
		timeout = 1;
out:
	spin_unlock_irqrestore(&x->wait.lock, flags);
	return timeout;
}

void wait_for_completion(struct completion *x)
{
	wait_for_completion_timeout(x, MAX_SCHEDULE_TIMEOUT);
}

bool try_wait_for_completion(struct completion *x)
{
	unsigned long flags;
	bool ret = false;

	spin_lock_irqsave(&x->wait.lock, flags);
	if (x->done) {
		if (x->done != COMPLETE_ALL)
			x->done--;
		ret = true;
	}
	spin_unlock_irqrestore(&x->wait.lock, flags);
	return ret;
}

bool completion_done(struct completion *x)
{
	return READ_ONCE(x->done) != 0;
}

void complete(struct completion *x)
{
	unsigned long flags;

	spin_lock_irqsave(&x->wait.lock, flags);
	if (x->done != COMPLETE_ALL)
		x->done++;
	__wake_up_locked(&x->wait, 1);
	spin_unlock_irqrestore(&x->wait.lock, flags);
}

void complete_all(struct completion *x)
{
	unsigned long flags;

	spin_lock_irqsave(&x->wait.lock, flags);
	x->done = COMPLETE_ALL;
	__wake_up_locked(&x->wait, 0);
	spin_unlock_irqrestore(&x->wait.lock, flags);
}
