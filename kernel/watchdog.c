/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Soft- and hard-lockup detection.
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
 * Interrupts-off lockups stop the tick itself, so the CPUs watch each
 * other ("buddy" hard-lockup detection): every tick stamps its CPU, and
 * a CPU that finds another online CPU's stamp older than watchdog_thresh
 * (at least 5 s) prints "watchdog: hard LOCKUP" (Linux's words; no
 * "BUG:", since a virtual CPU the host did not run for that long looks
 * the same from here) and sends that CPU an NMI,
 * whose handler prints the registers and call trace of the code that
 * kept interrupts off.  Once per episode; the CPU's next tick ends it.
 * (One CPU alone has no buddy.)
 */
#include <tessera/ipi.h>
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
/*
 * A hard lockup needs at least this long without ticks: a virtual CPU
 * QEMU did not run for a second is not stuck (the soft-lockup ktest
 * sets watchdog_thresh to 1).
 */
#define HARD_MIN_NS	(5 * NSEC_PER_SEC)

static u64 tick_ns[NR_CPUS];		/* each CPU's last tick */
static int hard_reported[NR_CPUS];	/* claimed by the reporting CPU */
static u64 nr_hard_reports;

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

u64 watchdog_nr_hard_reports(void)
{
	return __atomic_load_n(&nr_hard_reports, __ATOMIC_RELAXED);
}

/* From @cpu's tick: is some other online CPU without ticks for too long? */
static void watchdog_check_buddies(unsigned int cpu, u64 now, u64 thresh_ns)
{
	unsigned int other;

	for_each_online_cpu(other) {
		u64 last = __atomic_load_n(&tick_ns[other], __ATOMIC_RELAXED);
		int expected = 0;

		if (other == cpu || !last || now <= last ||
		    now - last < thresh_ns ||
		    __atomic_load_n(&hard_reported[other], __ATOMIC_RELAXED))
			continue;
		/* With more than two CPUs, one report per stuck CPU. */
		if (!__atomic_compare_exchange_n(&hard_reported[other],
						 &expected, 1, false,
						 __ATOMIC_ACQ_REL,
						 __ATOMIC_RELAXED))
			continue;
		add_taint(TAINT_WARN);
		pr_emerg("watchdog: hard LOCKUP on CPU#%u: no timer tick for %llus (interrupts off, or its virtual CPU not run by the host); CPU#%u asks it for a backtrace\n",
			 other, (unsigned long long)((now - last) / NSEC_PER_SEC),
			 cpu);
		trigger_cpu_backtrace_mask(1ULL << other);
		/* Counted once the stuck CPU printed (the ktest waits on it). */
		__atomic_fetch_add(&nr_hard_reports, 1, __ATOMIC_RELAXED);
	}
}

void watchdog_tick(struct pt_regs *regs)
{
	unsigned int cpu = smp_processor_id();
	u64 now = ktime_get(), thresh_ns;
	struct task *t = current;
	/* The tick itself holds HARDIRQ_OFFSET; look at what it interrupted. */
	bool preemptible = (preempt_count() & ~HARDIRQ_MASK) == 0 &&
			   (regs->rflags & X86_EFLAGS_IF);

	__atomic_store_n(&tick_ns[cpu], now, __ATOMIC_RELAXED);
	if (__atomic_load_n(&hard_reported[cpu], __ATOMIC_RELAXED))
		__atomic_store_n(&hard_reported[cpu], 0, __ATOMIC_RELAXED);
	thresh_ns = (u64)READ_ONCE(watchdog_thresh) * NSEC_PER_SEC;
	if (thresh_ns)
		watchdog_check_buddies(cpu, now,
				       max_t(u64, thresh_ns, HARD_MIN_NS));

	if (preemptible || !touch_ns[cpu]) {
		touch_ns[cpu] = now;
		reported[cpu] = false;
		return;
	}
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
