/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel timers (kernel/time/timer.c): a callback run in interrupt
 * context on the CPU that armed it, at the first tick at or after
 * @expires (jiffies).  Resolution: one tick (1/HZ s).
 */
#ifndef _TESSERA_TIMER_H
#define _TESSERA_TIMER_H

#include <tessera/list.h>
#include <tessera/time.h>

struct timer_list {
	struct list_head entry;		/* on a CPU's timer list */
	u64 expires;			/* jiffies */
	void (*function)(struct timer_list *t);
	int cpu;			/* -1 when not pending */
};

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *));
/* (Re)arm @t for @expires; returns true if it was already pending. */
bool mod_timer(struct timer_list *t, u64 expires);
/* Disarm; returns true if it was pending.  Does not wait for a running fn. */
bool del_timer(struct timer_list *t);
/* Disarm and wait until its function is not running anywhere. */
bool del_timer_sync(struct timer_list *t);
bool timer_pending(const struct timer_list *t);

/* Run expired timers of this CPU; called from the tick. */
void run_local_timers(void);
void timers_init_cpu(unsigned int cpu);
/*
 * Per CPU: ticks so far, pending timers and when the first is due; then
 * jiffies against ktime (a CPU whose tick stopped shows here).
 */
void timers_show(void);

static inline u64 msecs_to_jiffies(u64 ms)
{
	return (ms * HZ + 999) / 1000;
}

static inline u64 jiffies_to_msecs(u64 j)
{
	return j * 1000 / HZ;
}

#endif /* _TESSERA_TIMER_H */
