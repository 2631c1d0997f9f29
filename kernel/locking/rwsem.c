// SPDX-License-Identifier: GPL-2.0
/*
 * Reader/writer sleeping locks with direct handoff, like mutex.c: the
 * releasing task grants the lock to the queue's head before waking it
 * (a writer, or the run of readers up to the first queued writer), so a
 * woken waiter never competes again and the queue is served in order.
 * A new task queues whenever the queue is not empty, even a reader that
 * could share the lock with its current readers: that is what keeps a
 * stream of readers from starving a waiting writer.
 *
 * Locking: sem->wait_lock (a spinlock, interrupts untouched -- process
 * context only) protects count, owner and wait_list.  Lock order: the
 * rwsem itself, then its wait_lock, then the run-queue locks
 * (wake_up_process() under wait_lock).
 */
#include <tessera/kernel.h>
#include <tessera/lockdep.h>
#include <tessera/panic.h>
#include <tessera/printk.h>
#include <tessera/rwsem.h>
#include <tessera/sched.h>
#include <tessera/smp.h>

#include "internal.h"

#define RWSEM_REPORTED_RECURSION	0x01
#define RWSEM_REPORTED_BAD_UNLOCK	0x02

#define _RET_IP_	((unsigned long)__builtin_return_address(0))

struct rwsem_waiter {
	struct list_head list;		/* on rw_semaphore.wait_list */
	struct task *task;
	bool writer;
	bool granted;			/* set by the granter, under wait_lock */
};

static struct lockdep_map *rwsem_dep_map(struct rw_semaphore *sem)
{
#ifdef CONFIG_DEBUG_SPINLOCK
	return &sem->dep_map;
#else
	return NULL;
#endif
}

void __init_rwsem(struct rw_semaphore *sem, const char *name,
		  const struct lock_class_key *key)
{
	struct lockdep_map *map = rwsem_dep_map(sem);

	spin_lock_init(&sem->wait_lock);
	sem->count = 0;
	sem->owner = NULL;
	INIT_LIST_HEAD(&sem->wait_list);
	sem->reported = 0;
	if (map)
		lockdep_init_map(map, name, key);
}

static void rwsem_bug(struct rw_semaphore *sem, const char *what, u8 once_bit)
{
	struct lockdep_map *map = rwsem_dep_map(sem);
	struct task *t = current;

	if (sem->reported & once_bit)
		return;
	sem->reported |= once_bit;
	pr_err("BUG: rwsem %s on CPU#%u, %s/%d\n", what, smp_processor_id(),
	       t->comm, t->pid);
	pr_err(" lock: %s, count %d\n", map && map->name ? map->name : "rwsem",
	       READ_ONCE(sem->count));
	lockdep_print_held_locks();
	dump_stack();
}

/*
 * Hand the free (count 0) or reader-held (count > 0) lock to the
 * queue's head: one writer if the lock is free, else every reader up to
 * the first writer.  Under wait_lock.
 */
static void rwsem_grant(struct rw_semaphore *sem)
{
	struct rwsem_waiter *w, *n;

	list_for_each_entry_safe(w, n, &sem->wait_list, list) {
		if (w->writer) {
			if (sem->count)
				return;
			sem->count = -1;
			WRITE_ONCE(sem->owner, w->task);
		} else {
			sem->count++;
		}
		list_del(&w->list);
		w->granted = true;
		/* The waiter re-checks granted under wait_lock: still valid. */
		wake_up_process(w->task);
		if (w->writer)
			return;
	}
}

static void rwsem_wait(struct rw_semaphore *sem, bool writer)
{
	struct rwsem_waiter waiter;

	waiter.task = current;
	waiter.writer = writer;
	waiter.granted = false;
	list_add_tail(&waiter.list, &sem->wait_list);
	for (;;) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		spin_unlock(&sem->wait_lock);
		schedule();
		spin_lock(&sem->wait_lock);
		if (waiter.granted)
			break;
	}
	__set_current_state(TASK_RUNNING);
}

void down_read(struct rw_semaphore *sem)
{
	struct lockdep_map *map = rwsem_dep_map(sem);

	might_sleep();
	if (READ_ONCE(sem->owner) == current) {
		lockdep_count(recursion);
		rwsem_bug(sem, "read while write-held", RWSEM_REPORTED_RECURSION);
		return;
	}
	if (map)
		lock_acquire(map, LOCK_KIND_MUTEX, false, _RET_IP_);
	spin_lock(&sem->wait_lock);
	if (sem->count >= 0 && list_empty(&sem->wait_list))
		sem->count++;
	else
		rwsem_wait(sem, false);
	spin_unlock(&sem->wait_lock);
}

void down_write(struct rw_semaphore *sem)
{
	struct lockdep_map *map = rwsem_dep_map(sem);

	might_sleep();
	if (READ_ONCE(sem->owner) == current) {
		lockdep_count(recursion);
		rwsem_bug(sem, "recursion", RWSEM_REPORTED_RECURSION);
		return;
	}
	if (map)
		lock_acquire(map, LOCK_KIND_MUTEX, false, _RET_IP_);
	spin_lock(&sem->wait_lock);
	if (!sem->count && list_empty(&sem->wait_list)) {
		sem->count = -1;
		WRITE_ONCE(sem->owner, current);
	} else {
		rwsem_wait(sem, true);
	}
	spin_unlock(&sem->wait_lock);
}

bool down_read_trylock(struct rw_semaphore *sem)
{
	struct lockdep_map *map = rwsem_dep_map(sem);
	bool taken = false;

	spin_lock(&sem->wait_lock);
	if (sem->count >= 0 && list_empty(&sem->wait_list)) {
		sem->count++;
		taken = true;
	}
	spin_unlock(&sem->wait_lock);
	if (taken && map)
		lock_acquire(map, LOCK_KIND_MUTEX, true, _RET_IP_);
	return taken;
}

bool down_write_trylock(struct rw_semaphore *sem)
{
	struct lockdep_map *map = rwsem_dep_map(sem);
	bool taken = false;

	spin_lock(&sem->wait_lock);
	if (!sem->count && list_empty(&sem->wait_list)) {
		sem->count = -1;
		WRITE_ONCE(sem->owner, current);
		taken = true;
	}
	spin_unlock(&sem->wait_lock);
	if (taken && map)
		lock_acquire(map, LOCK_KIND_MUTEX, true, _RET_IP_);
	return taken;
}

void up_read(struct rw_semaphore *sem)
{
	struct lockdep_map *map = rwsem_dep_map(sem);

	spin_lock(&sem->wait_lock);
	if (sem->count <= 0) {
		spin_unlock(&sem->wait_lock);
		lockdep_count(bad_unlock);
		rwsem_bug(sem, sem->count ? "up_read of a write-held lock" :
			  "up_read of a free lock", RWSEM_REPORTED_BAD_UNLOCK);
		return;
	}
	if (map)
		lock_release(map);
	if (!--sem->count)
		rwsem_grant(sem);
	spin_unlock(&sem->wait_lock);
}

void up_write(struct rw_semaphore *sem)
{
	struct lockdep_map *map = rwsem_dep_map(sem);

	spin_lock(&sem->wait_lock);
	if (sem->count >= 0 || sem->owner != current) {
		spin_unlock(&sem->wait_lock);
		lockdep_count(bad_unlock);
		rwsem_bug(sem, sem->count < 0 ? "up_write by non-owner" :
			  "up_write of a lock not write-held",
			  RWSEM_REPORTED_BAD_UNLOCK);
		return;
	}
	if (map)
		lock_release(map);
	sem->count = 0;
	WRITE_ONCE(sem->owner, NULL);
	rwsem_grant(sem);
	spin_unlock(&sem->wait_lock);
}

unsigned int rwsem_nr_waiters(struct rw_semaphore *sem)
{
	struct rwsem_waiter *w;
	unsigned int n = 0;

	spin_lock(&sem->wait_lock);
	list_for_each_entry(w, &sem->wait_list, list)
		n++;
	spin_unlock(&sem->wait_lock);
	return n;
}
