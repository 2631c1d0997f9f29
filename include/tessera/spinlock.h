/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Spinlocks: a ticket lock (FIFO, so fair under contention) that also
 * disables preemption while held, with interrupt-disabling variants.
 *
 *	static DEFINE_SPINLOCK(table_lock);	// static: its own lock class
 *	spin_lock_init(&obj->lock);		// one class per call site
 *
 *	spin_lock(&l);				// preemption off
 *	spin_lock_irqsave(&l, flags);		// + interrupts off, restored
 *	spin_lock_irq(&l);			// + interrupts off, then on
 *
 * A spinlock must not be held across anything that sleeps.  A lock also
 * taken from an interrupt handler must be taken with interrupts off
 * everywhere else.
 *
 * With CONFIG_DEBUG_SPINLOCK each lock records its owner task, CPU and
 * acquire address and reports (via <tessera/lockdep.h>) recursion,
 * unlocks by a non-owner, sleeping while held and lock-order inversions.
 * A lock operation that was reported is not performed: a recursive
 * spin_lock() returns without the lock (it would spin forever), a bad
 * spin_unlock() leaves the lock as it was.  The lock's state is then
 * whatever the buggy caller made of it.  Without the option a lock is
 * four bytes and every operation is inline.
 *
 * The debug paths are kernel/locking/spinlock_debug.c.
 */
#ifndef _TESSERA_SPINLOCK_H
#define _TESSERA_SPINLOCK_H

#include <tessera/compiler.h>
#include <tessera/lockdep.h>
#include <asm/irqflags.h>

#ifdef CONFIG_HOST_TEST
/* Host unit tests are one thread with no scheduler: nothing to disable. */
#define preempt_disable()		barrier()
#define preempt_enable()		barrier()
#define preempt_enable_no_resched()	barrier()
#else
#include <tessera/preempt.h>
#endif

struct task;

/*
 * The ticket lock proper: take a ticket from @tail, wait until @head
 * (now serving) reaches it.  Free when head == tail.
 */
typedef struct {
	union {
		u32 val;
		struct {
			u16 head;
			u16 tail;
		};
	};
} arch_spinlock_t;

#define __ARCH_SPIN_LOCK_UNLOCKED	{ { .val = 0 } }
#define ARCH_TICKET_ONE			(1u << 16)	/* +1 on @tail */

static __always_inline void arch_spin_lock(arch_spinlock_t *l)
{
	u16 ticket = __atomic_fetch_add(&l->tail, 1, __ATOMIC_RELAXED);

	while (__atomic_load_n(&l->head, __ATOMIC_ACQUIRE) != ticket)
		cpu_relax();
}

static __always_inline bool arch_spin_trylock(arch_spinlock_t *l)
{
	u32 old = __atomic_load_n(&l->val, __ATOMIC_RELAXED);

	if ((u16)old != (u16)(old >> 16))
		return false;
	return __atomic_compare_exchange_n(&l->val, &old, old + ARCH_TICKET_ONE,
					   false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

static __always_inline void arch_spin_unlock(arch_spinlock_t *l)
{
	/* Only the holder writes @head. */
	__atomic_store_n(&l->head, (u16)(READ_ONCE(l->head) + 1),
			 __ATOMIC_RELEASE);
}

static __always_inline bool arch_spin_is_locked(arch_spinlock_t *l)
{
	u32 v = __atomic_load_n(&l->val, __ATOMIC_RELAXED);

	return (u16)v != (u16)(v >> 16);
}

/* Debug state of a lock; only present with CONFIG_DEBUG_SPINLOCK. */
struct spinlock_debug {
	struct task *owner;		/* NULL: free, or taken before lockdep_init */
	int owner_cpu;
	u8 reported;			/* SPIN_REPORTED_* already printed */
	unsigned long acquire_ip;
	struct lockdep_map dep_map;
};

typedef struct spinlock {
	arch_spinlock_t raw;
#ifdef CONFIG_DEBUG_SPINLOCK
	struct spinlock_debug dbg;
#endif
} spinlock_t;

#ifdef CONFIG_DEBUG_SPINLOCK
#define __SPIN_LOCK_DEBUG_INIT(lockname)				\
	, .dbg = { .owner_cpu = -1, .dep_map = LOCKDEP_MAP_INIT(#lockname) }

static inline struct spinlock_debug *spin_debug(spinlock_t *lock)
{
	return &lock->dbg;
}
#else
#define __SPIN_LOCK_DEBUG_INIT(lockname)

static inline struct spinlock_debug *spin_debug(spinlock_t *lock)
{
	return NULL;
}
#endif

/* Static initializer; @lockname names the lock class in reports. */
#define __SPIN_LOCK_UNLOCKED(lockname)					\
	{ .raw = __ARCH_SPIN_LOCK_UNLOCKED __SPIN_LOCK_DEBUG_INIT(lockname) }
#define DEFINE_SPINLOCK(x)	spinlock_t x = __SPIN_LOCK_UNLOCKED(x)

static inline void __spin_lock_init(spinlock_t *lock, const char *name,
				    const struct lock_class_key *key)
{
	struct spinlock_debug *dbg = spin_debug(lock);

	lock->raw.val = 0;
	if (dbg) {
		dbg->owner = NULL;
		dbg->owner_cpu = -1;
		dbg->reported = 0;
		dbg->acquire_ip = 0;
		lockdep_init_map(&dbg->dep_map, name, key);
	}
}

/* Runtime init; every lock initialised at this call site shares a class. */
#define spin_lock_init(lock) do {					\
	static struct lock_class_key __key;				\
	__spin_lock_init((lock), #lock, &__key);			\
} while (0)

/* Out-of-line debug paths; false means "reported, not performed". */
bool __spin_lock_debug(spinlock_t *lock);
bool __spin_trylock_debug(spinlock_t *lock);
bool __spin_unlock_debug(spinlock_t *lock);

/* Acquire/release without touching preemption or interrupts. */
static __always_inline bool __spin_acquire(spinlock_t *lock)
{
	if (IS_ENABLED(CONFIG_DEBUG_SPINLOCK))
		return __spin_lock_debug(lock);
	arch_spin_lock(&lock->raw);
	return true;
}

static __always_inline bool __spin_release(spinlock_t *lock)
{
	if (IS_ENABLED(CONFIG_DEBUG_SPINLOCK))
		return __spin_unlock_debug(lock);
	arch_spin_unlock(&lock->raw);
	return true;
}

static __always_inline void spin_lock(spinlock_t *lock)
{
	preempt_disable();
	if (!__spin_acquire(lock))
		preempt_enable();
}

/* Take @lock if it is free; true if taken.  Never spins. */
static __always_inline bool spin_trylock(spinlock_t *lock)
{
	bool taken;

	preempt_disable();
	if (IS_ENABLED(CONFIG_DEBUG_SPINLOCK))
		taken = __spin_trylock_debug(lock);
	else
		taken = arch_spin_trylock(&lock->raw);
	if (!taken)
		preempt_enable();
	return taken;
}

static __always_inline void spin_unlock(spinlock_t *lock)
{
	if (__spin_release(lock))
		preempt_enable();
}

/* Held by anyone (a snapshot: only meaningful to the holder). */
static __always_inline bool spin_is_locked(spinlock_t *lock)
{
	return arch_spin_is_locked(&lock->raw);
}

#define spin_lock_irqsave(lock, flags) do {				\
	local_irq_save(flags);						\
	spin_lock(lock);						\
} while (0)

static __always_inline void spin_unlock_irqrestore(spinlock_t *lock,
						   unsigned long flags)
{
	bool released = __spin_release(lock);

	/* Interrupts back on before a possible preemption. */
	local_irq_restore(flags);
	if (released)
		preempt_enable();
}

/* For code that knows interrupts are on: off while held, on after. */
static __always_inline void spin_lock_irq(spinlock_t *lock)
{
	local_irq_disable();
	spin_lock(lock);
}

static __always_inline void spin_unlock_irq(spinlock_t *lock)
{
	bool released = __spin_release(lock);

	local_irq_enable();
	if (released)
		preempt_enable();
}

/*
 * Context switch with @lock held (the run-queue lock): the task switched
 * to calls this before releasing @lock that @prev took, so that lock
 * debugging sees current as the owner.  Call before @prev can run on
 * another CPU.  No-op without CONFIG_DEBUG_SPINLOCK.
 */
void spin_lock_handoff(spinlock_t *lock, struct task *prev);

/* Warn once per site if @lock is free (any holder will do). */
#define assert_spin_locked(lock)	WARN_ON_ONCE(!spin_is_locked(lock))

#endif /* _TESSERA_SPINLOCK_H */
