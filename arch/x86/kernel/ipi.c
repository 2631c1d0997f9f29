/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inter-processor interrupts: function calls on other CPUs and TLB
 * shootdown.  (The reschedule IPI is apic.c's; the NMI backtrace is
 * nmi_backtrace.c.)
 *
 * Function calls: each CPU has a queue of call_single_data.  A caller
 * appends to the target's queue and sends CALL_FUNCTION_VECTOR; the
 * target's handler takes the whole queue and runs every entry.  A waiting
 * caller keeps the entry on its own stack (or in a kmalloc'd array for
 * smp_call_function_many) and spins until the target marks it done; an
 * asynchronous entry is kmalloc'd and freed by the target.  A caller waits
 * with interrupts on, so two CPUs calling each other both get served.
 *
 * TLB shootdown: one request at a time (tlb_lock), described by
 * shootdown.{start,end} with a mask of CPUs still to flush.  A CPU
 * spinning for tlb_lock with interrupts off serves the pending request
 * itself, so a shootdown never waits on a CPU that waits on it.  Kernel
 * ranges go to every online CPU; a user range goes only to the CPUs the
 * caller names (flush_tlb_mask_range(): those that have the address
 * space's page table loaded, arch/x86/mm/user.c), and each CPU counts
 * the user requests it served (tlb_user_shootdowns(), for tests).
 *
 * Locking: call_queue.lock (irqsave) protects its list and nests
 * inside nothing; tlb_lock serialises shootdowns, is never taken in
 * interrupt handlers, and no other lock is taken while holding it.
 */
#define pr_fmt(fmt) "smp: " fmt

#include <tessera/bug.h>
#include <tessera/errno.h>
#include <tessera/ipi.h>
#include <tessera/list.h>
#include <tessera/percpu.h>
#include <tessera/preempt.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
#include <tessera/smp.h>
#include <tessera/spinlock.h>
#include <tessera/time.h>
#include <asm/apic.h>
#include <asm/irqflags.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/tlbflush.h>
#include <asm/traps.h>

#define CSD_WARN_NS		(5 * NSEC_PER_SEC)
#define SHOOTDOWN_TIMEOUT_NS	NSEC_PER_SEC
/* Above this many pages a range flush becomes a full flush. */
#define FLUSH_ALL_PAGES		64

struct call_single_data {
	struct list_head node;		/* in the target's call_queue */
	smp_call_func_t fn;
	void *info;
	bool async;			/* the target kfree()s it */
	int done;			/* sync: set by the target after fn */
};

struct call_queue {
	spinlock_t lock;
	struct list_head list;		/* protected by lock */
} __aligned(64);

static struct call_queue call_queues[NR_CPUS];
static bool ipi_ready;

static DEFINE_SPINLOCK(tlb_lock);
static struct {
	unsigned long start;
	unsigned long end;
	u64 pending;			/* CPUs that still have to flush */
	bool user;			/* a user range: counted */
} shootdown;				/* written under tlb_lock */

/* User-range shootdowns each CPU has served (its own or an IPI's). */
static u64 user_shootdowns[NR_CPUS];

/* ------------------------------------------------------------------ */
/* Function calls */

static void call_queue_run(unsigned int cpu)
{
	struct call_queue *q = &call_queues[cpu];
	struct call_single_data *csd, *next;
	unsigned long flags;
	LIST_HEAD(batch);

	spin_lock_irqsave(&q->lock, flags);
	list_splice_init(&q->list, &batch);
	spin_unlock_irqrestore(&q->lock, flags);

	list_for_each_entry_safe(csd, next, &batch, node) {
		csd->fn(csd->info);
		/* A sync entry may vanish the moment done is set. */
		if (csd->async)
			kfree(csd);
		else
			__atomic_store_n(&csd->done, 1, __ATOMIC_RELEASE);
	}
}

static void call_function_interrupt(struct pt_regs *regs, unsigned int vector)
{
	apic_eoi();
	call_queue_run(smp_processor_id());
}

static void csd_queue(unsigned int cpu, struct call_single_data *csd)
{
	struct call_queue *q = &call_queues[cpu];
	unsigned long flags;

	spin_lock_irqsave(&q->lock, flags);
	list_add_tail(&csd->node, &q->list);
	spin_unlock_irqrestore(&q->lock, flags);
	apic_send_ipi(cpu_info[cpu].apic_id, CALL_FUNCTION_VECTOR,
		      APIC_DM_FIXED);
}

/* Spin until @csd ran on @cpu; complain (once per wait) if it takes long. */
static void csd_wait(struct call_single_data *csd, unsigned int cpu)
{
	u64 warn_at = ktime_get() + CSD_WARN_NS;

	while (!__atomic_load_n(&csd->done, __ATOMIC_ACQUIRE)) {
		if (warn_at && ktime_get() > warn_at) {
			pr_err("CPU %u has not run a function call from CPU %u after %llu s; still waiting\n",
			       cpu, smp_processor_id(),
			       CSD_WARN_NS / NSEC_PER_SEC);
			warn_at = 0;
		}
		cpu_relax();
	}
}

static bool wait_would_deadlock(void)
{
	if (!irqs_disabled())
		return false;
	WARN_ON_ONCE(1);
	pr_err("cross-CPU call with wait and interrupts off refused (deadlock risk)\n");
	return true;
}

int smp_call_function_single(unsigned int cpu, smp_call_func_t fn,
			     void *info, bool wait)
{
	struct call_single_data on_stack, *csd = &on_stack;
	unsigned long flags;
	int ret = 0;

	preempt_disable();
	if (cpu == smp_processor_id()) {
		local_irq_save(flags);
		fn(info);
		local_irq_restore(flags);
		goto out;
	}
	if (!cpu_online(cpu) || !ipi_ready) {
		pr_warn_once("function call to offline CPU %u refused\n", cpu);
		ret = -ENXIO;
		goto out;
	}
	if (wait && wait_would_deadlock()) {
		ret = -EDEADLK;
		goto out;
	}
	if (!wait) {
		csd = kmalloc(sizeof(*csd), GFP_ATOMIC);
		if (!csd) {
			ret = -ENOMEM;
			goto out;
		}
	}
	csd->fn = fn;
	csd->info = info;
	csd->async = !wait;
	csd->done = 0;
	csd_queue(cpu, csd);
	if (wait)
		csd_wait(csd, cpu);
out:
	preempt_enable();
	return ret;
}

int smp_call_function_many(u64 mask, smp_call_func_t fn, void *info,
			   bool wait)
{
	struct call_single_data *csds[NR_CPUS] = { NULL };
	struct call_single_data *sync = NULL;
	unsigned int cpu, this, n = 0;
	int ret = 0;

	if (wait && wait_would_deadlock())
		return -EDEADLK;
	if (wait) {
		sync = kmalloc(NR_CPUS * sizeof(*sync),
			       in_atomic() ? GFP_ATOMIC : GFP_KERNEL);
		if (!sync)
			return -ENOMEM;
	}

	preempt_disable();
	this = smp_processor_id();
	mask &= READ_ONCE(cpu_online_mask) & ~(1ULL << this);
	if (!ipi_ready)
		mask = 0;
	for_each_online_cpu(cpu) {
		if (!(mask & (1ULL << cpu)))
			continue;
		csds[cpu] = wait ? &sync[cpu] : kmalloc(sizeof(*csds[cpu]),
							GFP_ATOMIC);
		if (!csds[cpu]) {
			ret = -ENOMEM;
			goto free_async;
		}
		csds[cpu]->fn = fn;
		csds[cpu]->info = info;
		csds[cpu]->async = !wait;
		csds[cpu]->done = 0;
		n++;
	}
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		if (csds[cpu])
			csd_queue(cpu, csds[cpu]);
	}
	if (wait) {
		for (cpu = 0; cpu < NR_CPUS; cpu++) {
			if (csds[cpu])
				csd_wait(csds[cpu], cpu);
		}
	}
	goto out;

free_async:
	for (cpu = 0; cpu < NR_CPUS && !wait; cpu++)
		kfree(csds[cpu]);
out:
	preempt_enable();
	kfree(sync);
	return ret;
}

/* ------------------------------------------------------------------ */
/* TLB shootdown */

/* Flush all TLB entries, global ones too (toggling CR4.PGE). */
static void flush_tlb_all_local(void)
{
	unsigned long flags, cr4;

	local_irq_save(flags);
	cr4 = read_cr4();
	write_cr4(cr4 & ~X86_CR4_PGE);
	write_cr4(cr4);
	local_irq_restore(flags);
}

static void flush_tlb_local(unsigned long start, unsigned long end)
{
	unsigned long va;

	if ((end - start) / PAGE_SIZE > FLUSH_ALL_PAGES) {
		flush_tlb_all_local();
		return;
	}
	for (va = start; va < end; va += PAGE_SIZE)
		flush_tlb_one(va);
}

/* Do this CPU's part of the current shootdown, if it has one. */
static void shootdown_serve(unsigned int cpu)
{
	u64 bit = 1ULL << cpu;

	if (!(__atomic_load_n(&shootdown.pending, __ATOMIC_ACQUIRE) & bit))
		return;
	flush_tlb_local(READ_ONCE(shootdown.start), READ_ONCE(shootdown.end));
	if (READ_ONCE(shootdown.user))
		WRITE_ONCE(user_shootdowns[cpu], user_shootdowns[cpu] + 1);
	__atomic_fetch_and(&shootdown.pending, ~bit, __ATOMIC_RELEASE);
}

static void tlb_shootdown_interrupt(struct pt_regs *regs, unsigned int vector)
{
	apic_eoi();
	shootdown_serve(smp_processor_id());
}

/*
 * Flush [start, end) here and on the online CPUs of @cpus (page-aligned
 * bounds).  The caller has preemption disabled.
 */
static void flush_tlb_cpus(u64 cpus, unsigned long start, unsigned long end,
			   bool user)
{
	unsigned int cpu, this = smp_processor_id();
	u64 others, deadline;

	flush_tlb_local(start, end);
	others = cpus & READ_ONCE(cpu_online_mask) & ~(1ULL << this);
	if (!others || !ipi_ready)
		return;

	while (!spin_trylock(&tlb_lock)) {
		/* Interrupts may be off: serve the holder's request here. */
		shootdown_serve(this);
		cpu_relax();
	}
	WRITE_ONCE(shootdown.start, start);
	WRITE_ONCE(shootdown.end, end);
	WRITE_ONCE(shootdown.user, user);
	__atomic_store_n(&shootdown.pending, others, __ATOMIC_RELEASE);
	for_each_online_cpu(cpu) {
		if (others & (1ULL << cpu))
			apic_send_ipi(cpu_info[cpu].apic_id,
				      TLB_SHOOTDOWN_VECTOR, APIC_DM_FIXED);
	}
	deadline = ktime_get() + SHOOTDOWN_TIMEOUT_NS;
	while (__atomic_load_n(&shootdown.pending, __ATOMIC_ACQUIRE)) {
		if (ktime_get() > deadline) {
			pr_err("TLB shootdown of %#lx-%#lx: CPUs %#llx did not acknowledge\n",
			       start, end,
			       (unsigned long long)READ_ONCE(shootdown.pending));
			__atomic_store_n(&shootdown.pending, 0,
					 __ATOMIC_RELEASE);
			break;
		}
		cpu_relax();
	}
	spin_unlock(&tlb_lock);
}

void flush_tlb_kernel_range(unsigned long start, unsigned long end)
{
	start = ALIGN_DOWN(start, PAGE_SIZE);
	end = ALIGN(end, PAGE_SIZE);
	if (end <= start)
		return;
	preempt_disable();
	flush_tlb_cpus(~0ULL, start, end, false);
	preempt_enable();
}

void flush_tlb_mask_range(u64 cpus, unsigned long start, unsigned long end)
{
	start = ALIGN_DOWN(start, PAGE_SIZE);
	end = ALIGN(end, PAGE_SIZE);
	if (end <= start)
		return;
	preempt_disable();
	flush_tlb_cpus(cpus, start, end, true);
	preempt_enable();
}

u64 tlb_user_shootdowns(unsigned int cpu)
{
	return cpu < NR_CPUS ? READ_ONCE(user_shootdowns[cpu]) : 0;
}

int ipi_init(void)
{
	unsigned int cpu;
	int ret;

	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		spin_lock_init(&call_queues[cpu].lock);
		INIT_LIST_HEAD(&call_queues[cpu].list);
	}
	ret = idt_set_irq_handler(CALL_FUNCTION_VECTOR,
				  call_function_interrupt);
	if (!ret)
		ret = idt_set_irq_handler(TLB_SHOOTDOWN_VECTOR,
					  tlb_shootdown_interrupt);
	if (ret) {
		pr_err("cannot install the IPI handlers: %d\n", ret);
		return ret;
	}
	WRITE_ONCE(ipi_ready, true);
	return 0;
}
