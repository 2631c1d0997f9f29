// SPDX-License-Identifier: GPL-2.0
/*
 * Counting semaphores.  up() with sleepers hands its unit straight to the
 * oldest one (the count stays 0), so a woken sleeper never competes with
 * a newcomer and sleepers are served in FIFO order.
 *
 * Locking: sem->lock with interrupts off (up() may run in an interrupt
 * handler) protects count and wait_list.  Lock order: sem->lock before
 * the scheduler's run-queue locks.
 */
#include <tessera/errno.h>
#include <tessera/lockdep.h>
#include <tessera/sched.h>
#include <tessera/semaphore.h>

struct semaphore_waiter {
	struct list_head list;		/* on semaphore.wait_list */
	struct task *task;
	bool granted;			/* a unit was handed over; under lock */
};

void __sema_init(struct semaphore *sem, unsigned int count, const char *name,
		 const struct lock_class_key *key)
{
	__spin_lock_init(&sem->lock, name, key);
	sem->count = count;
	INIT_LIST_HEAD(&sem->wait_list);
}

/* Called with sem->lock held and no unit free.  0 or -ETIME. */
static int down_wait(struct semaphore *sem, long timeout,
		     unsigned long *flags)
{
	struct semaphore_waiter waiter = {
		.task = current,
		.granted = false,
	};

	list_add_tail(&waiter.list, &sem->wait_list);
	for (;;) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		spin_unlock_irqrestore(&sem->lock, *flags);
		timeout = schedule_timeout(timeout);
		spin_lock_irqsave(&sem->lock, *flags);
		if (waiter.granted)
			break;
		if (!timeout) {
			list_del(&waiter.list);
			__set_current_state(TASK_RUNNING);
			return -ETIME;
		}
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

int down_timeout(struct semaphore *sem, long timeout)
{
	unsigned long flags;
	int ret = 0;

	might_sleep();
	spin_lock_irqsave(&sem->lock, flags);
	if (sem->count)
		sem->count--;
	else
		ret = down_wait(sem, timeout, &flags);
	spin_unlock_irqrestore(&sem->lock, flags);
	return ret;
}

void down(struct semaphore *sem)
{
	down_timeout(sem, MAX_SCHEDULE_TIMEOUT);
}

int down_trylock(struct semaphore *sem)
{
	unsigned long flags;
	int busy = 1;

	spin_lock_irqsave(&sem->lock, flags);
	if (sem->count) {
		sem->count--;
		busy = 0;
	}
	spin_unlock_irqrestore(&sem->lock, flags);
	return busy;
}

void up(struct semaphore *sem)
{
	struct semaphore_waiter *w;
	unsigned long flags;

	spin_lock_irqsave(&sem->lock, flags);
	w = list_first_entry_or_null(&sem->wait_list, struct semaphore_waiter,
				     list);
	if (!w) {
		sem->count++;
	} else {
		list_del(&w->list);
		w->granted = true;
		wake_up_process(w->task);
	}
	spin_unlock_irqrestore(&sem->lock, flags);
}
