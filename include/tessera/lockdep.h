/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Lock debugging ("lockdep"), built with CONFIG_DEBUG_SPINLOCK
 * (kernel/locking/lockdep.c).  It finds, and reports without stopping
 * the kernel:
 *
 *   - recursion: taking a spinlock or mutex the current task holds;
 *   - bad unlock: releasing a lock that is not held, or held by another
 *     task or CPU (the release is refused);
 *   - sleeping while atomic: schedule() or might_sleep() with preemption
 *     off or a spinlock held;
 *   - lock-order inversion: a task takes B while holding A although some
 *     earlier task took A (directly or through other locks) while holding
 *     B -- a possible ABBA deadlock, found even if it never happened.
 *
 * Locks are grouped in classes: a lock defined statically is its own
 * class, named after its variable; all locks initialised by the same
 * spin_lock_init()/mutex_init() call site share a class, named after the
 * argument text ("&obj->lock").  Each report is printed once per lock
 * (or per class pair, or per task for sleeping) with a call trace; the
 * counters in struct lockdep_stats count every detection, except
 * inversions, which count distinct reported class pairs.
 *
 * Held locks are tracked per task in current->held_locks[]; an interrupt
 * handler's locks go on the interrupted task's list (handlers nest).
 * Nothing is checked before lockdep_init() (right after sched_init()).
 * See Documentation/locking.md for how to read a report.
 */
#ifndef _TESSERA_LOCKDEP_H
#define _TESSERA_LOCKDEP_H

#include <tessera/bug.h>
#include <tessera/compiler.h>

struct task;
struct mutex;
struct spinlock;

/*
 * The identity of a lock class: only its address matters.  One static
 * key per spin_lock_init()/mutex_init() call site.
 */
struct lock_class_key {
	char unused;
};

/* Per-lock lockdep state, embedded in debug spinlocks and mutexes. */
struct lockdep_map {
	/* NULL: the class is this map's own address (a static lock). */
	const struct lock_class_key *key;
	const char *name;
	/* 1 + index in the class table once looked up, 0 before. */
	unsigned short class_idx;
};

#define LOCKDEP_MAP_INIT(lockname)	{ .key = NULL, .name = (lockname) }

enum lock_kind {
	LOCK_KIND_SPIN,
	LOCK_KIND_MUTEX,
};

struct lockdep_stats {
	u64 recursion;		/* lock taken again by its holder */
	u64 bad_unlock;		/* unlock of a free lock or another's lock */
	u64 sleep_in_atomic;	/* schedule()/might_sleep() while atomic */
	u64 inversions;		/* distinct circular dependencies reported */
};

/* True once lockdep_init() ran (and CONFIG_DEBUG_SPINLOCK is set). */
extern bool lockdep_enabled;

/*
 * Start checking.  Call once, right after sched_init(), when current and
 * smp_processor_id() are valid.  A no-op without CONFIG_DEBUG_SPINLOCK.
 */
void lockdep_init(void);

/*
 * Snapshot of the counters.  Without CONFIG_DEBUG_SPINLOCK only mutex
 * misuse (recursion, bad unlock) is counted; mutex owners are always known.
 */
void lockdep_get_stats(struct lockdep_stats *stats);

void lockdep_init_map(struct lockdep_map *map, const char *name,
		      const struct lock_class_key *key);

/*
 * Acquire/release hooks for lock implementations: @ip is the caller of
 * the lock function.  A trylock adds no ordering edge (it cannot wait).
 */
void lock_acquire(struct lockdep_map *map, enum lock_kind kind, bool trylock,
		  unsigned long ip);
void lock_release(struct lockdep_map *map);

/*
 * A lock taken by @prev is released by current (held across a context
 * switch): move the held-lock entry from @prev's list to current's.
 */
void lock_handoff(struct lockdep_map *map, struct task *prev);

/* Print current's held locks ("n locks held by comm/pid:" and one per line). */
void lockdep_print_held_locks(void);
/*
 * The same for @t, which may be running elsewhere: a snapshot, for a
 * diagnostic (the caller keeps @t alive).
 */
void lockdep_print_held_locks_of(struct task *t);

/*
 * Called by schedule() for a voluntary switch: reports "BUG: scheduling
 * while atomic" if preemption is off or a spinlock is held.  Returns
 * normally either way; the scheduler goes on.
 */
void lockdep_check_sleep(void);

/*
 * Annotation for functions that may sleep (mutex_lock, down, wait_event
 * ...): reports "BUG: sleeping function called from invalid context"
 * when called with preemption off or a spinlock held.  Checked whether or
 * not the function actually sleeps this time.
 */
void __might_sleep(const char *file, int line);
#define might_sleep()	__might_sleep(__FILE__, __LINE__)

/*
 * Run-time lock assertions (STYLE.md item 11).  With lock debugging the
 * current task must be the holder; without it any holder will do.
 * Warns once per call site; never stops the kernel.
 */
bool spin_held_by_current(struct spinlock *lock);
bool mutex_held_by_current(struct mutex *lock);
#define lock_held_by_current(l) _Generic((l),				\
	struct spinlock *: spin_held_by_current,			\
	struct mutex *: mutex_held_by_current)(l)
#define lockdep_assert_held(l)	WARN_ON_ONCE(!lock_held_by_current(l))

#endif /* _TESSERA_LOCKDEP_H */
