// SPDX-License-Identifier: GPL-2.0
/*
 * The CONFIG_DEBUG_SPINLOCK paths of <tessera/spinlock.h>: owner
 * tracking, the recursion and bad-unlock checks, and the calls into
 * lockdep (lockdep.c) for the held-lock list and the ordering check.
 * Without the option nothing here is called (the inline fast paths of
 * the header are used) and spin_debug() is NULL, so the functions reduce
 * to the plain lock operations.
 *
 * Order of a debug spin_lock(): recursion check, ordering check (before
 * spinning, so an ABBA deadlock is reported before it hangs), spin,
 * record the owner.  spin_unlock(): free/owner checks, forget the owner,
 * release.  Each of the two reports is printed once per lock.
 */
#include <tessera/kernel.h>
#include <tessera/lockdep.h>
#include <tessera/panic.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/smp.h>
#include <tessera/spinlock.h>

#include "internal.h"

#define SPIN_REPORTED_RECURSION		0x01
#define SPIN_REPORTED_BAD_UNLOCK	0x02

#define _RET_IP_	((unsigned long)__builtin_return_address(0))

/* Print "BUG: spinlock <what>" and the lock's state, once per kind. */
static void spin_bug(spinlock_t *lock, struct spinlock_debug *dbg,
		     const char *what, u8 once_bit)
{
	struct task *t = current, *owner = READ_ONCE(dbg->owner);

	if (dbg->reported & once_bit)
		return;
	dbg->reported |= once_bit;
	pr_err("BUG: spinlock %s on CPU#%u, %s/%d\n", what,
	       smp_processor_id(), t->comm, t->pid);
	pr_err(" lock: %s, .locked: %d, .owner: %s/%d, .owner_cpu: %d, acquired at: %pS\n",
	       dbg->dep_map.name ? dbg->dep_map.name : "?",
	       spin_is_locked(lock), owner ? owner->comm : "<none>",
	       owner ? owner->pid : -1, dbg->owner_cpu,
	       (void *)dbg->acquire_ip);
	lockdep_print_held_locks_current();
	dump_stack();
}

static void spin_set_owner(struct spinlock_debug *dbg, unsigned long ip)
{
	dbg->owner_cpu = smp_processor_id();
	dbg->acquire_ip = ip;
	WRITE_ONCE(dbg->owner, current);
}

bool __spin_lock_debug(spinlock_t *lock)
{
	struct spinlock_debug *dbg = spin_debug(lock);
	unsigned long flags, ip = _RET_IP_;

	if (!dbg || !lockdep_enter(&flags)) {
		arch_spin_lock(&lock->raw);
		return true;
	}
	if (READ_ONCE(dbg->owner) == current) {
		lockdep_count(recursion);
		spin_bug(lock, dbg, "recursion", SPIN_REPORTED_RECURSION);
		lockdep_exit(flags);
		return false;
	}
	__lock_acquire(&dbg->dep_map, LOCK_KIND_SPIN, false, ip);
	lockdep_exit(flags);

	arch_spin_lock(&lock->raw);
	spin_set_owner(dbg, ip);
	return true;
}

bool __spin_trylock_debug(spinlock_t *lock)
{
	struct spinlock_debug *dbg = spin_debug(lock);
	unsigned long flags, ip = _RET_IP_;

	if (!arch_spin_trylock(&lock->raw))
		return false;
	if (dbg && lockdep_enter(&flags)) {
		__lock_acquire(&dbg->dep_map, LOCK_KIND_SPIN, true, ip);
		lockdep_exit(flags);
		spin_set_owner(dbg, ip);
	}
	return true;
}

bool __spin_unlock_debug(spinlock_t *lock)
{
	struct spinlock_debug *dbg = spin_debug(lock);
	struct task *owner;
	unsigned long flags;

	if (!dbg)
		goto release;
	if (!lockdep_enter(&flags)) {
		/* Unchecked (lockdep off or busy): just keep owner honest. */
		if (READ_ONCE(dbg->owner) && dbg->owner == current)
			WRITE_ONCE(dbg->owner, NULL);
		goto release;
	}
	if (!arch_spin_is_locked(&lock->raw)) {
		lockdep_count(bad_unlock);
		spin_bug(lock, dbg, "already unlocked",
			 SPIN_REPORTED_BAD_UNLOCK);
		lockdep_exit(flags);
		return false;
	}
	owner = READ_ONCE(dbg->owner);
	/* NULL: taken before lockdep_init() or while it was busy. */
	if (owner && (owner != current ||
		      dbg->owner_cpu != (int)smp_processor_id())) {
		lockdep_count(bad_unlock);
		spin_bug(lock, dbg, "wrong owner", SPIN_REPORTED_BAD_UNLOCK);
		lockdep_exit(flags);
		return false;
	}
	WRITE_ONCE(dbg->owner, NULL);
	dbg->owner_cpu = -1;
	__lock_release(&dbg->dep_map);
	lockdep_exit(flags);
release:
	arch_spin_unlock(&lock->raw);
	return true;
}

bool spin_held_by_current(spinlock_t *lock)
{
	struct spinlock_debug *dbg = spin_debug(lock);
	struct task *owner = dbg ? READ_ONCE(dbg->owner) : NULL;

	if (owner && READ_ONCE(lockdep_enabled))
		return owner == current;
	return spin_is_locked(lock);
}

void spin_lock_handoff(spinlock_t *lock, struct task *prev)
{
	struct spinlock_debug *dbg = spin_debug(lock);

	if (!dbg || !READ_ONCE(lockdep_enabled))
		return;
	if (READ_ONCE(dbg->owner) == prev) {
		dbg->owner_cpu = smp_processor_id();
		WRITE_ONCE(dbg->owner, current);
	}
	lock_handoff(&dbg->dep_map, prev);
}
