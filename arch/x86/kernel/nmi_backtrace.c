/* SPDX-License-Identifier: GPL-2.0 */
/*
 * NMI backtrace: make every other CPU print where it is.
 *
 * trigger_all_cpu_backtrace() marks the other online CPUs in
 * backtrace_pending and sends each an NMI; the NMI handler (traps.c's
 * do_nmi calls nmi_backtrace_handler first) of a marked CPU prints
 * "NMI backtrace for cpu N" and show_regs() of the interrupted context,
 * then clears its mark.  An NMI gets through even to a CPU spinning with
 * interrupts off, which is exactly the CPU an oops wants to see.
 *
 * The reports are printed one CPU at a time (print_owner).  printk in NMI
 * context cannot take the log lock safely if the interrupted code held
 * it; on the panic path printk is already lockless (oops mode), which is
 * where this is meant to run.  Every wait here is bounded, so a CPU that
 * never takes the NMI costs a few seconds and a line, not a hang.
 */
#define pr_fmt(fmt) "smp: " fmt

#include <tessera/errno.h>
#include <tessera/ipi.h>
#include <tessera/kthread.h>
#include <tessera/params.h>
#include <tessera/preempt.h>
#include <tessera/sched.h>
#include <tessera/panic.h>
#include <tessera/percpu.h>
#include <tessera/printk.h>
#include <tessera/smp.h>
#include <tessera/time.h>
#include <asm/apic.h>
#include <asm/irqflags.h>
#include <asm/processor.h>
#include <asm/ptrace.h>

#define BACKTRACE_TIMEOUT_NS	(5 * NSEC_PER_SEC)
#define PRINT_WAIT_NS		(2 * NSEC_PER_SEC)
#define NO_OWNER		(~0U)

static u64 backtrace_pending;		/* CPUs still to report */
static int backtrace_busy;		/* a trigger is in progress */
static unsigned int print_owner = NO_OWNER;

bool nmi_backtrace_handler(struct pt_regs *regs)
{
	unsigned int cpu = oops_cpu();
	u64 bit = 1ULL << cpu;
	unsigned int expected = NO_OWNER;
	u64 give_up;
	bool owner;

	if (cpu >= NR_CPUS ||
	    !(__atomic_load_n(&backtrace_pending, __ATOMIC_ACQUIRE) & bit))
		return false;

	give_up = ktime_get() + PRINT_WAIT_NS;
	while (!(owner = __atomic_compare_exchange_n(&print_owner, &expected,
						     cpu, false,
						     __ATOMIC_ACQUIRE,
						     __ATOMIC_RELAXED))) {
		/* Print interleaved rather than not at all. */
		if (ktime_get() > give_up)
			break;
		expected = NO_OWNER;
		cpu_relax();
	}
	printk(KERN_EMERG "NMI backtrace for cpu %u\n", cpu);
	show_regs(regs);
	if (owner)
		__atomic_store_n(&print_owner, NO_OWNER, __ATOMIC_RELEASE);
	__atomic_fetch_and(&backtrace_pending, ~bit, __ATOMIC_RELEASE);
	return true;
}

int trigger_all_cpu_backtrace(void)
{
	return trigger_cpu_backtrace_mask(READ_ONCE(cpu_online_mask));
}

int trigger_cpu_backtrace_mask(u64 mask)
{
	unsigned int cpu, this = oops_cpu();
	unsigned long flags;
	u64 others, left, deadline;
	int ret = 0;

	others = mask & READ_ONCE(cpu_online_mask) & ~(1ULL << this);
	if (!others)
		return 0;
	if (__atomic_exchange_n(&backtrace_busy, 1, __ATOMIC_ACQUIRE))
		return -EBUSY;

	local_irq_save(flags);
	__atomic_store_n(&backtrace_pending, others, __ATOMIC_RELEASE);
	printk(KERN_EMERG "Sending NMI to other CPUs (mask %#llx)\n",
	       (unsigned long long)others);
	for_each_online_cpu(cpu) {
		if (others & (1ULL << cpu))
			apic_send_ipi(cpu_info[cpu].apic_id, 0, APIC_DM_NMI);
	}
	deadline = ktime_get() + BACKTRACE_TIMEOUT_NS;
	while ((left = __atomic_load_n(&backtrace_pending, __ATOMIC_ACQUIRE))) {
		if (ktime_get() > deadline) {
			printk(KERN_EMERG "NMI backtrace: CPUs %#llx did not respond\n",
			       (unsigned long long)left);
			__atomic_store_n(&backtrace_pending, 0,
					 __ATOMIC_RELEASE);
			ret = -ETIMEDOUT;
			break;
		}
		cpu_relax();
	}
	local_irq_restore(flags);
	__atomic_store_n(&backtrace_busy, 0, __ATOMIC_RELEASE);
	return ret;
}

/* ------------------------------------------------------------ stop */

static u64 stop_pending;		/* CPUs asked to stop */
static u64 stopped;			/* CPUs that did */

/* Runs in the NMI of a stopped CPU: never returns. */
static bool nmi_stop_handler(void)
{
	unsigned int cpu = oops_cpu();
	u64 bit = 1ULL << cpu;

	if (cpu >= NR_CPUS ||
	    !(__atomic_load_n(&stop_pending, __ATOMIC_ACQUIRE) & bit))
		return false;
	printk(KERN_EMERG "smp: CPU %u stopped\n", cpu);
	__atomic_fetch_or(&stopped, bit, __ATOMIC_RELEASE);
	cpu_halt_forever();
}

void smp_stop_other_cpus(void)
{
	unsigned int cpu, this = oops_cpu();
	u64 others, deadline;

	others = READ_ONCE(cpu_online_mask) & ~(1ULL << this);
	if (!others)
		return;
	printk(KERN_EMERG "smp: stopping CPUs %#llx\n",
	       (unsigned long long)others);
	__atomic_store_n(&stop_pending, others, __ATOMIC_RELEASE);
	for_each_online_cpu(cpu) {
		if (others & (1ULL << cpu))
			apic_send_ipi(cpu_info[cpu].apic_id, 0, APIC_DM_NMI);
	}
	deadline = ktime_get() + BACKTRACE_TIMEOUT_NS;
	while ((__atomic_load_n(&stopped, __ATOMIC_ACQUIRE) & others) !=
	       others) {
		if (ktime_get() > deadline) {
			printk(KERN_EMERG "smp: CPUs %#llx did not stop\n",
			       (unsigned long long)(others & ~stopped));
			return;
		}
		cpu_relax();
	}
}

/* ------------------------------------------------------------ storm */

/*
 * debug.nmi_storm_ms=N: a kernel thread NMIs every other online CPU each
 * N ms.  An NMI that lands in ring 3 also asks for a reschedule, as a
 * timer tick would: the way back to ring 3 from the NMI's IST stack must
 * not act on it (a task switched away on the IST stack is overwritten by
 * the next NMI; schedule() panics on a foreign stack).  Counted, and
 * printed every NMI_STORM_REPORT NMIs.
 */
#define NMI_STORM_REPORT	10

static unsigned int nmi_storm_ms;
PARAM_UINT("debug.nmi_storm_ms", nmi_storm_ms, 0, 1000,
	   "debug: NMI the other CPUs every N ms; ring-3 NMIs ask for a reschedule");
static u64 storm_pending;
static u64 storm_sent, storm_user;

static bool nmi_storm_handler(struct pt_regs *regs)
{
	unsigned int cpu = oops_cpu();
	u64 bit = 1ULL << cpu;

	if (cpu >= NR_CPUS ||
	    !(__atomic_load_n(&storm_pending, __ATOMIC_ACQUIRE) & bit))
		return false;
	__atomic_fetch_and(&storm_pending, ~bit, __ATOMIC_RELEASE);
	if (user_mode(regs)) {
		__atomic_fetch_add(&storm_user, 1, __ATOMIC_RELAXED);
		WRITE_ONCE(current->need_resched, true);
	}
	return true;
}

static int nmi_storm_thread(void *arg)
{
	unsigned int cpu, this;
	u64 others;

	while (!kthread_should_stop()) {
		msleep(nmi_storm_ms);
		preempt_disable();
		this = smp_processor_id();
		others = READ_ONCE(cpu_online_mask) & ~(1ULL << this);
		__atomic_fetch_or(&storm_pending, others, __ATOMIC_RELEASE);
		for_each_online_cpu(cpu) {
			if (!(others & (1ULL << cpu)))
				continue;
			apic_send_ipi(cpu_info[cpu].apic_id, 0, APIC_DM_NMI);
			if (++storm_sent % NMI_STORM_REPORT == 0)
				pr_info("nmi storm: %llu sent, %llu landed in ring 3\n",
					(unsigned long long)storm_sent,
					(unsigned long long)READ_ONCE(storm_user));
		}
		preempt_enable();
	}
	return 0;
}

void nmi_storm_init(void)
{
	struct task *t;

	if (!nmi_storm_ms)
		return;
	t = kthread_run(nmi_storm_thread, NULL, "nmi_storm");
	if (IS_ERR(t))
		pr_err("nmi storm: cannot start its thread\n");
	else
		pr_info("nmi storm: every %u ms\n", nmi_storm_ms);
}

bool nmi_service_handler(struct pt_regs *regs)
{
	bool handled = false;

	nmi_stop_handler();
	/* NMIs do not queue: one may stand for both requests. */
	handled |= nmi_storm_handler(regs);
	handled |= nmi_backtrace_handler(regs);
	return handled;
}
