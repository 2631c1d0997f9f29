/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Counting semaphores (kernel/locking/semaphore.c): @count units of a
 * resource; down() takes one, sleeping while there are none, up() gives
 * one back (to the oldest sleeper directly, if any).  Unlike a mutex a
 * semaphore has no owner: any task (or an interrupt handler, for up())
 * may release.  Not tracked by lockdep.
 */
#ifndef _TESSERA_SEMAPHORE_H
#define _TESSERA_SEMAPHORE_H

#include <tessera/compiler.h>
#include <tessera/list.h>
#include <tessera/spinlock.h>

struct semaphore {
	spinlock_t lock;
	unsigned int count;		/* free units; under lock */
	struct list_head wait_list;	/* sleepers, FIFO; under lock */
};

#define __SEMAPHORE_INITIALIZER(name, n) {				\
	.lock = __SPIN_LOCK_UNLOCKED(name.lock),			\
	.count = (n),							\
	.wait_list = LIST_HEAD_INIT(name.wait_list),			\
}
#define DEFINE_SEMAPHORE(name, n)					\
	struct semaphore name = __SEMAPHORE_INITIALIZER(name, n)

void __sema_init(struct semaphore *sem, unsigned int count, const char *name,
		 const struct lock_class_key *key);
#define sema_init(sem, n) do {						\
	static struct lock_class_key __key;				\
	__sema_init((sem), (n), #sem, &__key);				\
} while (0)

/* Take a unit, sleeping as long as needed.  May sleep. */
void down(struct semaphore *sem);
/* Take a unit within @timeout jiffies: 0, or -ETIME.  May sleep. */
int down_timeout(struct semaphore *sem, long timeout);
/* Take a unit if one is free: 0 if taken, 1 if not (Linux convention). */
int down_trylock(struct semaphore *sem);
/* Give a unit back.  Any context. */
void up(struct semaphore *sem);

#endif /* _TESSERA_SEMAPHORE_H */
