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
#include <tessera/panic.h>
#include <tessera/percpu.h>
#include <tessera/printk.h>
#include <tessera/smp.h>
#include <tessera/time.h>
#include <asm/apic.h>
#include <asm/irqflags.h>

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
	unsigned int cpu, this = oops_cpu();
	unsigned long flags;
	u64 others, left, deadline;
	int ret = 0;

	others = READ_ONCE(cpu_online_mask) & ~(1ULL << this);
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
