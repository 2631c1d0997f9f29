/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Time: a monotonic nanosecond clock from the calibrated TSC, the LAPIC
 * periodic tick (jiffies, HZ per second) and busy-wait delays.
 * arch/x86/kernel/tsc.c and arch/x86/kernel/apic.c.
 */
#ifndef _TESSERA_TIME_H
#define _TESSERA_TIME_H

#include <tessera/types.h>

#define HZ		250
#define NSEC_PER_USEC	1000ULL
#define NSEC_PER_MSEC	1000000ULL
#define NSEC_PER_SEC	1000000000ULL

typedef u64 ktime_t;	/* nanoseconds since TSC calibration at boot */

extern volatile u64 jiffies;
extern u64 tsc_khz;

/* Calibrate the TSC against the PIT; call once, early. 0 or -errno. */
int tsc_init(void);
/* Nanoseconds since boot; 0 until tsc_init() has run. */
ktime_t ktime_get(void);
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
