/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Time: a monotonic nanosecond clock from the calibrated TSC, the LAPIC
 * periodic tick (jiffies, HZ per second) and busy-wait delays.
 * arch/x86/kernel/tsc.c and arch/x86/kernel/apic.c.
 */
#ifndef _TESSERA_TIME_H
#define _TESSERA_TIME_H

#include <tessera/errno.h>
#include <tessera/types.h>

#define HZ		250
#define NSEC_PER_USEC	1000ULL
#define NSEC_PER_MSEC	1000000ULL
#define NSEC_PER_SEC	1000000000ULL

typedef u64 ktime_t;	/* nanoseconds since TSC calibration at boot */

/* A deadline that never comes: conversions saturate to it. */
#define KTIME_MAX	((ktime_t)~0ULL)
#define TICK_NSEC	(NSEC_PER_SEC / HZ)
/* The longest single timed sleep, in ticks; callers loop for more. */
#define SLEEP_CHUNK_MAX	((long)HZ * 86400)

_Static_assert(NSEC_PER_SEC % HZ == 0, "a tick is a whole number of ns");

/*
 * A user timespec in nanoseconds, as Linux's timespec64_valid() sees it:
 * -EINVAL for tv_sec < 0 or tv_nsec outside [0, 10^9); a value past
 * KTIME_MAX saturates to KTIME_MAX (forever) instead of wrapping.
 */
static inline int timespec_to_ns(s64 tv_sec, s64 tv_nsec, u64 *ns)
{
	if (tv_sec < 0 || tv_nsec < 0 || (u64)tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	if ((u64)tv_sec > (KTIME_MAX - (u64)tv_nsec) / NSEC_PER_SEC)
		*ns = KTIME_MAX;
	else
		*ns = (u64)tv_sec * NSEC_PER_SEC + (u64)tv_nsec;
	return 0;
}

/* @t + @ns, saturating at KTIME_MAX. */
static inline ktime_t ktime_add_sat(ktime_t t, u64 ns)
{
	return ns > KTIME_MAX - t ? KTIME_MAX : t + ns;
}

/*
 * Ticks to sleep from @now towards @deadline (rounded up, so the sleep
 * never ends early): 0 if it has passed, at most SLEEP_CHUNK_MAX (the
 * caller looks at the clock again and sleeps on), and
 * MAX_SCHEDULE_TIMEOUT (<tessera/sched.h>: no timer at all) for
 * KTIME_MAX.
 */
static inline long ktime_sleep_ticks(ktime_t deadline, ktime_t now)
{
	u64 left, ticks;

	if (deadline == KTIME_MAX)
		return (long)(~0UL >> 1);
	if (deadline <= now)
		return 0;
	left = deadline - now;
	ticks = left / TICK_NSEC + (left % TICK_NSEC != 0);
	return ticks > (u64)SLEEP_CHUNK_MAX ? SLEEP_CHUNK_MAX : (long)ticks;
}

extern volatile u64 jiffies;
/*
 * jiffies raised to the tick periods elapsed by ktime_get() (the tick
 * does it too), and returned.  A deadline counted from it is at least its
 * length away in real time; one counted from a jiffies that ticks lost on
 * every CPU left behind could come too soon.
 */
u64 jiffies_catch_up(void);
/*
 * Tick periods in which no CPU of this node raised jiffies (QEMU did not
 * run it, or interrupts were off everywhere), since boot.  A wait that
 * ends at a deadline can subtract them: what arrived meanwhile may still
 * sit unread.
 */
u64 jiffies_blind_ticks(void);
extern u64 tsc_khz;

/* Calibrate the TSC against the PIT; call once, early. 0 or -errno. */
int tsc_init(void);
/* Nanoseconds since boot; 0 until tsc_init() has run. */
ktime_t ktime_get(void);
/* ktime_get()'s TSC base and 32.32 ns-per-cycle factor; false before calibration. */
bool tsc_clock_params(u64 *base, u64 *mult);
static inline u64 ktime_to_us(ktime_t t) { return t / NSEC_PER_USEC; }
static inline u64 ktime_to_ms(ktime_t t) { return t / NSEC_PER_MSEC; }

void ndelay(u64 ns);
void udelay(u64 us);
void mdelay(u64 ms);

/* Start the LAPIC timer at HZ; needs the IDT.  0 or -errno. */
int apic_timer_init(void);
/* Sleep (halt) until at least @ms milliseconds have passed; irqs must be on. */
void msleep(unsigned int ms);

#endif /* _TESSERA_TIME_H */
