/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Soft-lockup watchdog (kernel/watchdog.c): a CPU whose current task has
 * not given up the CPU for watchdog_thresh seconds -- while other tasks
 * or the idle loop wait -- gets an oops-style report naming the CPU, the
 * task and where it is stuck.  Checked from the timer tick; each tick
 * also checks that the other CPUs still take theirs (hard lockups).
 */
#ifndef _TESSERA_WATCHDOG_H
#define _TESSERA_WATCHDOG_H

#include <tessera/types.h>

struct pt_regs;

void watchdog_tick(struct pt_regs *regs);
/* Number of soft-lockup reports printed since boot (for tests). */
u64 watchdog_nr_reports(void);
/* Number of hard-lockup reports (a CPU without ticks, seen by another). */
u64 watchdog_nr_hard_reports(void);
/* Current threshold in seconds (param watchdog_thresh=); 0 is off. */
unsigned int watchdog_threshold(void);
void watchdog_set_threshold(unsigned int seconds);

#endif /* _TESSERA_WATCHDOG_H */
