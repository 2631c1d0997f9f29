/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sleeping mutexes (kernel/locking/mutex.c): one owner at a time, waiters
 * sleep in FIFO order and the lock is handed directly to the oldest
 * waiter on unlock (no barging, no starvation).
 *
 *	static DEFINE_MUTEX(table_mutex);	// or mutex_init(&obj->mutex)
 *	mutex_lock(&table_mutex);  ...  mutex_unlock(&table_mutex);
 *
 * Process context only; may sleep, so never under a spinlock.  The owner
 * is always tracked: taking a mutex you hold, or releasing one you do not
 * hold, is reported (struct lockdep_stats) and not performed.  With
 * CONFIG_DEBUG_SPINLOCK mutexes also take part in lockdep's lock-order
 * check, in classes like spinlocks (<tessera/lockdep.h>).
 */
#ifndef _TESSERA_MUTEX_H
#define _TESSERA_MUTEX_H

#include <tessera/compiler.h>
#include <tessera/list.h>
#include <tessera/lockdep.h>
#include <tessera/spinlock.h>

struct task;

struct mutex {
	spinlock_t wait_lock;
	struct task *owner;		/* NULL when free; under wait_lock */
	struct list_head wait_list;	/* struct mutex_waiter; under wait_lock */
	u8 reported;			/* misuse already printed */
#ifdef CONFIG_DEBUG_SPINLOCK
	struct lockdep_map dep_map;
#endif
};

#ifdef CONFIG_DEBUG_SPINLOCK
#define __MUTEX_DEP_MAP_INIT(lockname)					\
	, .dep_map = LOCKDEP_MAP_INIT(#lockname)

static inline struct lockdep_map *mutex_dep_map(struct mutex *lock)
{
	return &lock->dep_map;
}
#else
#define __MUTEX_DEP_MAP_INIT(lockname)

static inline struct lockdep_map *mutex_dep_map(struct mutex *lock)
{
	return NULL;
}
#endif

#define __MUTEX_INITIALIZER(lockname) {					\
	.wait_lock = __SPIN_LOCK_UNLOCKED(lockname.wait_lock),		\
	.owner = NULL,							\
	.wait_list = LIST_HEAD_INIT(lockname.wait_list)			\
	__MUTEX_DEP_MAP_INIT(lockname)					\
}
#define DEFINE_MUTEX(name)	struct mutex name = __MUTEX_INITIALIZER(name)

void __mutex_init(struct mutex *lock, const char *name,
		  const struct lock_class_key *key);
/* Every mutex initialised at one call site shares a lock class. */
#define mutex_init(lock) do {						\
	static struct lock_class_key __key;				\
	__mutex_init((lock), #lock, &__key);				\
} while (0)

/* Take @lock, sleeping until it is free.  Calls might_sleep(). */
void mutex_lock(struct mutex *lock);
/* Take @lock if it is free; true if taken.  Never sleeps. */
bool mutex_trylock(struct mutex *lock);
/* Release @lock; the caller must be its owner.  Does not sleep. */
void mutex_unlock(struct mutex *lock);

static inline bool mutex_is_locked(struct mutex *lock)
{
	return READ_ONCE(lock->owner) != NULL;
}

/* The owner, or NULL; a snapshot for debugging. */
static inline struct task *mutex_owner(struct mutex *lock)
{
	return READ_ONCE(lock->owner);
}

#endif /* _TESSERA_MUTEX_H */
