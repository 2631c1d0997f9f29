/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Spinlocks: test-and-test-and-set on one byte, with interrupt-saving
 * variants.  The lock-debugging layer (recursion, wrong owner, lock order)
 * belongs to the SMP work and will wrap these same entry points.
 */
#ifndef _TESSERA_SPINLOCK_H
#define _TESSERA_SPINLOCK_H

#include <tessera/compiler.h>
#include <asm/irqflags.h>

typedef struct {
	volatile u8 locked;
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED	{ .locked = 0 }
#define DEFINE_SPINLOCK(x)	spinlock_t x = __SPIN_LOCK_UNLOCKED

static inline void spin_lock_init(spinlock_t *lock)
{
	lock->locked = 0;
}

static inline bool spin_trylock(spinlock_t *lock)
{
	return __atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE) == 0;
}

static inline void spin_lock(spinlock_t *lock)
{
	while (!spin_trylock(lock)) {
		while (READ_ONCE(lock->locked))
			cpu_relax();
	}
}

static inline void spin_unlock(spinlock_t *lock)
{
	__atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(spinlock_t *lock)
{
	return READ_ONCE(lock->locked) != 0;
}

#define spin_lock_irqsave(lock, flags)			\
	do {						\
		local_irq_save(flags);			\
		spin_lock(lock);			\
	} while (0)

static inline void spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags)
{
	spin_unlock(lock);
	local_irq_restore(flags);
}

#endif /* _TESSERA_SPINLOCK_H */
