/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reader/writer sleeping locks (kernel/locking/rwsem.c): any number of
 * readers at once, or one writer.
 *
 *	static DECLARE_RWSEM(table_sem);	// or init_rwsem(&obj->sem)
 *	down_read(&table_sem);  ...  up_read(&table_sem);
 *	down_write(&table_sem); ...  up_write(&table_sem);
 *
 * Fair (FIFO) and so writer-preferring: a task that asks while someone
 * is already queued queues behind it, readers included, so a steady
 * stream of readers cannot starve a writer.  When the lock is released
 * it is handed directly to the queue's head: a writer, or every reader
 * from the head up to the first queued writer.  A reader must not take
 * the lock again while holding it (a writer queued between the two
 * would deadlock them), as with Linux's rwsem.
 *
 * Process context only; may sleep.  With CONFIG_DEBUG_SPINLOCK both
 * kinds of holder take part in lockdep's lock-order check, like mutexes
 * (<tessera/lockdep.h>).  A writer releasing a lock it does not hold,
 * or an up_read() of a lock no reader holds, is counted (bad_unlock),
 * printed once and not performed.
 */
#ifndef _TESSERA_RWSEM_H
#define _TESSERA_RWSEM_H

#include <tessera/compiler.h>
#include <tessera/list.h>
#include <tessera/lockdep.h>
#include <tessera/spinlock.h>

struct task;

struct rw_semaphore {
	spinlock_t wait_lock;
	/* >0: that many readers; -1: a writer (owner); 0: free. */
	int count;
	struct task *owner;		/* the writer; under wait_lock */
	struct list_head wait_list;	/* struct rwsem_waiter, FIFO */
	u8 reported;			/* misuse already printed */
#ifdef CONFIG_DEBUG_SPINLOCK
	struct lockdep_map dep_map;
#endif
};

#ifdef CONFIG_DEBUG_SPINLOCK
#define __RWSEM_DEP_MAP_INIT(lockname)					\
	, .dep_map = LOCKDEP_MAP_INIT(#lockname)
#else
#define __RWSEM_DEP_MAP_INIT(lockname)
#endif

#define __RWSEM_INITIALIZER(lockname) {					\
	.wait_lock = __SPIN_LOCK_UNLOCKED(lockname.wait_lock),		\
	.count = 0,							\
	.owner = NULL,							\
	.wait_list = LIST_HEAD_INIT(lockname.wait_list)			\
	__RWSEM_DEP_MAP_INIT(lockname)					\
}
#define DECLARE_RWSEM(name)						\
	struct rw_semaphore name = __RWSEM_INITIALIZER(name)

void __init_rwsem(struct rw_semaphore *sem, const char *name,
		  const struct lock_class_key *key);
/* Every rwsem initialised at one call site shares a lock class. */
#define init_rwsem(sem) do {						\
	static struct lock_class_key __key;				\
	__init_rwsem((sem), #sem, &__key);				\
} while (0)

/* Take @sem shared, sleeping while a writer holds or waits for it. */
void down_read(struct rw_semaphore *sem);
/* Take @sem exclusive, sleeping until no one else holds it. */
void down_write(struct rw_semaphore *sem);
/* Without sleeping: true if taken (never ahead of a queued task). */
bool down_read_trylock(struct rw_semaphore *sem);
bool down_write_trylock(struct rw_semaphore *sem);
void up_read(struct rw_semaphore *sem);
void up_write(struct rw_semaphore *sem);

/* Snapshots, for assertions and debugging. */
static inline int rwsem_readers(struct rw_semaphore *sem)
{
	int c = READ_ONCE(sem->count);

	return c > 0 ? c : 0;
}

static inline bool rwsem_is_write_locked(struct rw_semaphore *sem)
{
	return READ_ONCE(sem->count) < 0;
}

/* Tasks queued (a snapshot). */
unsigned int rwsem_nr_waiters(struct rw_semaphore *sem);

#endif /* _TESSERA_RWSEM_H */
