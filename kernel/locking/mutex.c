// SPDX-License-Identifier: GPL-2.0
/*
 * Sleeping mutexes with direct handoff: mutex_unlock() makes the oldest
 * waiter the owner before waking it, so a woken waiter never has to
 * compete again and waiters are served in FIFO order.
 *
 * Locking: lock->wait_lock (a spinlock, interrupts untouched -- mutexes
 * are process-context only) protects owner and wait_list.  Lock order:
 * the mutex itself, then its wait_lock, then the scheduler's run-queue
 * locks (wake_up_process() under wait_lock).
 *
 * Misuse (recursion, unlock by a non-owner) is checked always, since the
 * owner is known anyway; it is counted in the lockdep counters, printed
 * once per mutex, and the operation is not performed.
 */
#include <tessera/kernel.h>
#include <tessera/lockdep.h>
#include <tessera/mutex.h>
#include <tessera/panic.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/smp.h>

#include "internal.h"

#define MUTEX_REPORTED_RECURSION	0x01
#define MUTEX_REPORTED_BAD_UNLOCK	0x02

#define _RET_IP_	((unsigned long)__builtin_return_address(0))

struct mutex_waiter {
	struct list_head list;		/* on mutex.wait_list */
	struct task *task;
	bool granted;			/* set by mutex_unlock(), under wait_lock */
};

void __mutex_init(struct mutex *lock, const char *name,
		  const struct lock_class_key *key)
{
	struct lockdep_map *map = mutex_dep_map(lock);

	spin_lock_init(&lock->wait_lock);
	lock->owner = NULL;
	INIT_LIST_HEAD(&lock->wait_list);
	lock->reported = 0;
	if (map)
		lockdep_init_map(map, name, key);
}

static const char *mutex_name(struct mutex *lock)
{
	struct lockdep_map *map = mutex_dep_map(lock);

	return map && map->name ? map->name : "mutex";
}

static void mutex_bug(struct mutex *lock, const char *what, u8 once_bit)
{
	struct task *t = current, *owner = READ_ONCE(lock->owner);

	if (lock->reported & once_bit)
		return;
	lock->reported |= once_bit;
	pr_err("BUG: mutex %s on CPU#%u, %s/%d\n", what, smp_processor_id(),
	       t->comm, t->pid);
	pr_err(" lock: %s, .owner: %s/%d\n", mutex_name(lock),
	       owner ? owner->comm : "<none>", owner ? owner->pid : -1);
	lockdep_print_held_locks();
	dump_stack();
}

void mutex_lock(struct mutex *lock)
{
	struct lockdep_map *map = mutex_dep_map(lock);
	struct mutex_waiter waiter;

	might_sleep();
	/* Only this task can have made itself the owner: no lock needed. */
	if (READ_ONCE(lock->owner) == current) {
		lockdep_count(recursion);
		mutex_bug(lock, "recursion", MUTEX_REPORTED_RECURSION);
		return;
	}
	/* Before waiting, so that an ABBA deadlock is reported, not hung. */
	if (map)
		lock_acquire(map, LOCK_KIND_MUTEX, false, _RET_IP_);

	spin_lock(&lock->wait_lock);
	if (!lock->owner) {
		WRITE_ONCE(lock->owner, current);
		goto out;
	}
	waiter.task = current;
	waiter.granted = false;
	list_add_tail(&waiter.list, &lock->wait_list);
	for (;;) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		spin_unlock(&lock->wait_lock);
		schedule();
		spin_lock(&lock->wait_lock);
		if (waiter.granted)
			break;
	}
	__set_current_state(TASK_RUNNING);
out:
	spin_unlock(&lock->wait_lock);
}

bool mutex_trylock(struct mutex *lock)
{
	struct lockdep_map *map = mutex_dep_map(lock);
	bool taken = false;

	spin_lock(&lock->wait_lock);
	if (!lock->owner) {
		WRITE_ONCE(lock->owner, current);
		taken = true;
	}
	spin_unlock(&lock->wait_lock);
	if (taken && map)
		lock_acquire(map, LOCK_KIND_MUTEX, true, _RET_IP_);
	return taken;
}

void mutex_unlock(struct mutex *lock)
{
	struct lockdep_map *map = mutex_dep_map(lock);
	struct mutex_waiter *next;

	spin_lock(&lock->wait_lock);
	if (lock->owner != current) {
		spin_unlock(&lock->wait_lock);
		lockdep_count(bad_unlock);
		mutex_bug(lock, lock->owner ? "unlock by non-owner" :
			  "already unlocked", MUTEX_REPORTED_BAD_UNLOCK);
		return;
	}
	if (map)
		lock_release(map);
	next = list_first_entry_or_null(&lock->wait_list, struct mutex_waiter,
					list);
	if (!next) {
		WRITE_ONCE(lock->owner, NULL);
	} else {
		list_del(&next->list);
		WRITE_ONCE(lock->owner, next->task);
		next->granted = true;
		/* The waiter re-checks granted under wait_lock: still valid. */
		wake_up_process(next->task);
	}
	spin_unlock(&lock->wait_lock);
}

bool mutex_held_by_current(struct mutex *lock)
{
	return READ_ONCE(lock->owner) == current;
}
