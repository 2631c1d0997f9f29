/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The run profiler (kernel/profile.c): where a program's time goes on the
 * processor node, turned on with `processor.profile=1`.
 *
 * Three kinds of numbers, reset when a program run starts and printed as
 * "profile: ..." lines when it ends (Documentation/debugging.md):
 *  - samples from the timer tick, per CPU: user / kernel / idle, the
 *    kernel functions and the user pages the ticks interrupted;
 *  - accounted waits: time and count of memory-miss round trips, storage
 *    (P2S) calls, futex waits and other sleeps of user threads;
 *  - per-syscall counts and total time.
 * Intervals come from the TSC (ktime_get()).
 *
 * When off, every hook is one test of profile_on, predicted not taken.
 *
 * The histogram below is pure logic (no clock, no locks): a fixed table
 * of (key, count, sum) slots with open addressing, and a top-N selection;
 * tests/host/test_profile.c runs it on the host.
 */
#ifndef _TESSERA_PROFILE_H
#define _TESSERA_PROFILE_H

#include <tessera/compiler.h>
#include <tessera/time.h>
#include <tessera/types.h>

struct pt_regs;

/* ------------------------------------------------------------ histogram */

struct prof_slot {
	u64 key;
	u64 count;	/* 0: the slot is empty */
	u64 sum;	/* a second total per key (e.g. nanoseconds) */
};

struct prof_hist {
	struct prof_slot *slots;
	unsigned int nr_slots;		/* a power of two */
	u64 nr_dropped;			/* counts that found the table full */
};

enum prof_order {
	PROF_BY_COUNT,
	PROF_BY_SUM,
};

/* @nr_slots must be a power of two; the slots are cleared. */
void prof_hist_init(struct prof_hist *h, struct prof_slot *slots,
		    unsigned int nr_slots);
void prof_hist_clear(struct prof_hist *h);
/*
 * Add @count and @sum to @key's slot (any key, 0 included).  Returns
 * false, and adds @count to nr_dropped, if the table is full and @key is
 * not in it.  A @count of 0 is ignored (returns true).
 */
bool prof_hist_add(struct prof_hist *h, u64 key, u64 count, u64 sum);
/* Sum of every slot's count (not the dropped ones). */
u64 prof_hist_total(const struct prof_hist *h);
/*
 * Copy the (at most @n) largest slots of @slots[0..@nr) by @order into
 * @out, largest first; ties go to the smaller key.  Empty slots (count 0)
 * are never chosen.  Returns how many were copied.
 */
unsigned int prof_top(const struct prof_slot *slots, unsigned int nr,
		      enum prof_order order, struct prof_slot *out,
		      unsigned int n);

/* ------------------------------------------------------------ hooks */

enum profile_wait {
	PROFILE_WAIT_MISS,	/* a pcache miss round trip to memory */
	PROFILE_WAIT_P2S,	/* a file call to the storage node */
	PROFILE_WAIT_FUTEX,	/* futex_wait() */
	PROFILE_WAIT_SLEEP,	/* any other block of a user thread */
	PROFILE_NR_WAITS,
};

extern bool profile_on;

u64 __profile_wait_begin(void);
void __profile_wait_end(enum profile_wait kind, u64 start);
void __profile_tick(struct pt_regs *regs);
void __profile_syscall(unsigned long nr, u64 start);
void __profile_sleep_begin(void);
void __profile_sleep_end(void);

/*
 * Around a wait of a known kind: the start time (never 0) while
 * profiling, else 0; profile_wait_end() accounts it.  A user thread's
 * blocking in between counts only as this kind, not as a sleep.
 */
static __always_inline u64 profile_wait_begin(void)
{
	return unlikely(profile_on) ? __profile_wait_begin() : 0;
}

static __always_inline void profile_wait_end(enum profile_wait kind,
					     u64 start)
{
	if (unlikely(start))
		__profile_wait_end(kind, start);
}

/* From the timer interrupt, with the interrupted registers. */
static __always_inline void profile_tick(struct pt_regs *regs)
{
	if (unlikely(profile_on))
		__profile_tick(regs);
}

/* Syscall entry: the start time (0 when off); profile_syscall_end after. */
static __always_inline u64 profile_syscall_begin(void)
{
	return unlikely(profile_on) ? ktime_get() | 1 : 0;
}

static __always_inline void profile_syscall_end(unsigned long nr, u64 start)
{
	if (unlikely(start))
		__profile_syscall(nr, start);
}

/* The scheduler, around a voluntary block of the current task. */
static __always_inline void profile_sleep_begin(void)
{
	if (unlikely(profile_on))
		__profile_sleep_begin();
}

static __always_inline void profile_sleep_end(void)
{
	if (unlikely(profile_on))
		__profile_sleep_end();
}

/*
 * A program run starts / has ended (managers/processor/initrd.c): reset
 * every counter / print the "profile:" lines for run @run, with
 * @syscall_name naming syscall numbers (NULL for unknown ones).
 */
void profile_run_begin(void);
void profile_run_end(unsigned int run,
		     const char *(*syscall_name)(unsigned long nr));

/*
 * profile_run_end() first freezes the tick tables (no sample counts
 * until the next profile_run_begin()), so what it prints is one
 * snapshot.  profile_samples(): the current run's tick samples so far.
 */
void profile_freeze(void);
u64 profile_samples(void);

#endif /* _TESSERA_PROFILE_H */
