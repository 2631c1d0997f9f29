/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Preemption control.  preempt_count lives in this CPU's cpu_info: while
 * it is non-zero (a spinlock is held, preemption is explicitly off, or we
 * are in an interrupt handler) the scheduler does not switch away from the
 * current task.  preempt_enable() reschedules if a switch became due.
 */
#ifndef _TESSERA_PREEMPT_H
#define _TESSERA_PREEMPT_H

#include <tessera/compiler.h>
#include <asm/percpu.h>

static __always_inline int preempt_count(void)
{
	return __gs_read(CPU_INFO_PREEMPT, int);
}

static __always_inline void preempt_count_add(int n)
{
	__asm__ __volatile__("addl %0, %%gs:%c1" : : "ri"(n),
			     "i"(CPU_INFO_PREEMPT) : "memory", "cc");
}

static __always_inline void preempt_count_sub(int n)
{
	__asm__ __volatile__("subl %0, %%gs:%c1" : : "ri"(n),
			     "i"(CPU_INFO_PREEMPT) : "memory", "cc");
}

/* Called by preempt_enable() when the count drops to 0 (kernel/sched). */
void preempt_schedule(void);
bool need_resched(void);

#define preempt_disable()	do { preempt_count_add(1); barrier(); } while (0)
#define preempt_enable_no_resched() \
	do { barrier(); preempt_count_sub(1); } while (0)
#define preempt_enable() do {						\
	barrier();							\
	preempt_count_sub(1);						\
	if (unlikely(preempt_count() == 0 && need_resched()))		\
		preempt_schedule();					\
} while (0)

/* Hard-interrupt nesting is counted in the upper half of preempt_count. */
#define HARDIRQ_OFFSET		(1 << 16)
#define HARDIRQ_MASK		(0x7fff << 16)

#define irq_enter()	preempt_count_add(HARDIRQ_OFFSET)
#define irq_exit()	preempt_count_sub(HARDIRQ_OFFSET)

static __always_inline bool in_interrupt(void)
{
	return (preempt_count() & HARDIRQ_MASK) != 0;
}

/* True in interrupt context or with preemption disabled. */
static __always_inline bool in_atomic(void)
{
	return preempt_count() != 0;
}

#endif /* _TESSERA_PREEMPT_H */
