/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Soft-lockup detection.
 *
 * A CPU is healthy when, at a timer tick, the code it interrupted was
 * preemptible (preempt_count 0, interrupts on): whatever runs there can be
 * switched away the moment something else needs the CPU.  Each such tick
 * (and each context switch, via scheduler bookkeeping) renews the CPU's
 * timestamp.  If the timestamp gets older than watchdog_thresh seconds,
 * the CPU has spent that long with preemption off -- spinning on a lock,
 * looping in a preempt-disabled section -- and we print a report in oops
 * style, once per episode, and carry on.
 *
 * Interrupts-off lockups stop the tick itself and need an NMI watchdog,
 * which this file does not provide.
 */
#include <tessera/panic.h>
#include <tessera/params.h>
#include <tessera/preempt.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/smp.h>
#include <tessera/time.h>
#include <tessera/watchdog.h>
#include <asm/irqflags.h>
#include <asm/ptrace.h>

static unsigned int watchdog_thresh = 10;
PARAM_UINT("watchdog_thresh", watchdog_thresh, 0, 600,
	   "seconds with preemption off before a soft-lockup report (0: off)");

static u64 touch_ns[NR_CPUS];
static bool reported[NR_CPUS];
static u64 nr_reports;

unsigned int watchdog_threshold(void)
{
	return READ_ONCE(watchdog_thresh);
}

void watchdog_set_threshold(unsigned int seconds)
{
	WRITE_ONCE(watchdog_thresh, seconds);
}

u64 watchdog_nr_reports(void)
{
	return __atomic_load_n(&nr_reports, __ATOMIC_RELAXED);
}

void watchdog_tick(struct pt_regs *regs)
{
	unsigned int cpu = smp_processor_id();
	u64 now = ktime_get(), thresh_ns;
	struct task *t = current;
	/* The tick itself holds HARDIRQ_OFFSET; look at what it interrupted. */
	bool preemptible = (preempt_count() & ~HARDIRQ_MASK) == 0 &&
			   (regs->rflags & X86_EFLAGS_IF);

	if (preemptible || !touch_ns[cpu]) {
		touch_ns[cpu] = now;
		reported[cpu] = false;
		return;
	}
	thresh_ns = (u64)READ_ONCE(watchdog_thresh) * NSEC_PER_SEC;
	if (!thresh_ns || reported[cpu] || now - touch_ns[cpu] < thresh_ns)
		return;

	reported[cpu] = true;
	__atomic_fetch_add(&nr_reports, 1, __ATOMIC_RELAXED);
	add_taint(TAINT_WARN);
	pr_emerg("BUG: soft lockup - CPU#%u stuck for %llus! [%s:%d]\n", cpu,
		 (unsigned long long)((now - touch_ns[cpu]) / NSEC_PER_SEC),
		 t->comm, t->pid);
	show_regs(regs);
}
