/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bringing up the application processors.
 *
 * smp_init() runs once on the boot CPU after the LAPIC timer works:
 *
 *   acpi_init()      the MADT's enabled CPUs (APIC ids) and IOAPICs
 *   ioapic_init()    map the IOAPICs, mask every pin
 *   ipi_init()       function-call and TLB-shootdown IPI handlers
 *   trampoline       copied to TRAMPOLINE_PA with temporary page tables
 *   each AP, one at a time:
 *      on the BSP: per-CPU area, IST stacks, idle task, trampoline data;
 *                  INIT, 10 ms, SIPI, 200 us, SIPI; wait up to 1 s for
 *                  the AP to check in, then for it to come online
 *      on the AP:  secondary_start_kernel() on the idle task's stack
 *
 * CPU numbers follow MADT order with the boot CPU as 0.  An AP that does
 * not check in is reported with the trampoline stage it reached, sent
 * INIT again so that it cannot wake up later on the shared trampoline,
 * and skipped.  CPUs beyond CONFIG_NR_CPUS are reported and ignored.
 *
 * Only one AP is in flight at a time: the trampoline data and the low
 * pages are single copies.
 */
#define pr_fmt(fmt) "smp: " fmt

#include <tessera/errno.h>
#include <tessera/ipi.h>
#include <tessera/percpu.h>
#include <tessera/params.h>
#include <tessera/printk.h>
#include <tessera/ptindex.h>
#include <tessera/sched.h>
#include <tessera/smp.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <tessera/timer.h>
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/fpu.h>
#include <asm/ioapic.h>
#include <asm/irqflags.h>
#include <asm/msr.h>
#include <asm/page.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/smpboot.h>

#define CALLIN_TIMEOUT_NS	NSEC_PER_SEC
#define ONLINE_TIMEOUT_NS	(5 * NSEC_PER_SEC)
#define XAPIC_MAX_ID		0xff

extern const char trampoline_start[], trampoline_end[], trampoline_data[];
extern const char secondary_startup_64[];

/* The AP's idle task, set by the BSP before the SIPI. */
static struct task *ap_idle[NR_CPUS];
/* Bit n: CPU n reached secondary_start_kernel. */
static u64 cpu_callin_mask;

static struct trampoline_data *tr_data;

/* Writable kernel address of low physical memory @pa (one page). */
static void *low_page(phys_addr_t pa)
{
	void *va = __va(pa);

	if (kernel_addr_mapped((unsigned long)va))
		return va;
	return ioremap(pa, PAGE_SIZE);
}

/*
 * Copy the trampoline to TRAMPOLINE_PA and build its page tables: the
 * identity map of the first 2 MiB (one large page) and the kernel's own
 * upper-half PML4 entries, which share the kernel's lower-level tables.
 */
static int trampoline_setup(void)
{
	size_t size = trampoline_end - trampoline_start;
	pte_t *pml4, *pdpt, *pd, *kernel_pml4;
	void *tr;
	unsigned int i;

	BUILD_BUG_ON(TRAMPOLINE_PA + PAGE_SIZE > TRAMPOLINE_PT_PA);
	if (size > PAGE_SIZE)
		return -EINVAL;
	tr = low_page(TRAMPOLINE_PA);
	pml4 = low_page(TRAMPOLINE_PT_PA);
	pdpt = low_page(TRAMPOLINE_PT_PA + PAGE_SIZE);
	pd = low_page(TRAMPOLINE_PT_PA + 2 * PAGE_SIZE);
	kernel_pml4 = low_page(read_cr3() & PTE_ADDR_MASK);
	if (!tr || !pml4 || !pdpt || !pd || !kernel_pml4)
		return -ENOMEM;

	memcpy(tr, trampoline_start, size);
	memset(pml4, 0, PAGE_SIZE);
	memset(pdpt, 0, PAGE_SIZE);
	memset(pd, 0, PAGE_SIZE);
	pd[0] = 0 | _PAGE_PRESENT | _PAGE_RW | _PAGE_PSE;
	pdpt[0] = (TRAMPOLINE_PT_PA + 2 * PAGE_SIZE) | _PAGE_PRESENT |
		  _PAGE_RW;
	pml4[0] = (TRAMPOLINE_PT_PA + PAGE_SIZE) | _PAGE_PRESENT | _PAGE_RW;
	for (i = PT_ENTRIES / 2; i < PT_ENTRIES; i++)
		pml4[i] = kernel_pml4[i];

	tr_data = (void *)((char *)tr + (trampoline_data - trampoline_start));
	tr_data->temp_cr3 = TRAMPOLINE_PT_PA;
	tr_data->efer = (u32)(rdmsr(MSR_EFER) & ~EFER_LMA);
	tr_data->entry64 = (unsigned long)secondary_startup_64;
	tr_data->kernel_cr3 = read_cr3();
	return 0;
}

__noreturn void secondary_start_kernel(unsigned int cpu)
{
	percpu_load(cpu);
	__atomic_fetch_or(&cpu_callin_mask, 1ULL << cpu, __ATOMIC_SEQ_CST);

	arch_cpu_init();
	fpu_init_cpu();
	cpu_protect_init();
	apic_setup_cpu();
	timers_init_cpu(cpu);
	sched_init_ap(cpu, ap_idle[cpu]);
	cpu_info[cpu].apic_id = apic_read_id();
	set_cpu_online(cpu, true);
	local_irq_enable();
	cpu_idle_loop();
}

static const char *stage_name(u32 stage)
{
	switch (stage) {
	case TR_STAGE_REAL:
		return "stuck in real mode";
	case TR_STAGE_PROTECTED:
		return "stuck in protected mode";
	case TR_STAGE_LONG:
		return "reached long mode, not the kernel";
	default:
		return "never ran the trampoline";
	}
}

static bool wait_for(bool (*cond)(unsigned int), unsigned int cpu, u64 ns)
{
	u64 deadline = ktime_get() + ns;

	while (!cond(cpu)) {
		if (ktime_get() > deadline)
			return cond(cpu);
		cpu_relax();
	}
	return true;
}

static bool cpu_called_in(unsigned int cpu)
{
	return __atomic_load_n(&cpu_callin_mask, __ATOMIC_ACQUIRE) &
	       (1ULL << cpu);
}

static bool cpu_is_online(unsigned int cpu)
{
	return cpu_online(cpu);
}

/* Everything the AP needs that the BSP must allocate.  0 or -errno. */
static int ap_prepare(unsigned int cpu, u32 apic_id)
{
	int ret;

	ret = percpu_setup_cpu(cpu);
	if (ret)
		return ret;
	ret = cpu_alloc_ist_stacks(cpu);
	if (ret)
		return ret;
	if (!ap_idle[cpu]) {
		ap_idle[cpu] = sched_create_idle(cpu);
		if (!ap_idle[cpu])
			return -ENOMEM;
	}
	/* current must be valid from the AP's first lock on. */
	cpu_info[cpu].curr_task = ap_idle[cpu];
	cpu_info[cpu].apic_id = apic_id;
	return 0;
}

/*
 * Fault injection for the bring-up tests: the AP with this APIC id is
 * never sent its startup IPIs, so it behaves like a CPU that does not
 * answer.  0 means off (APIC id 0 is the boot CPU on the machines we
 * test on).
 */
static unsigned int smp_dead_apic;
PARAM_UINT("smp.dead_apic", smp_dead_apic, 0, 255,
	   "testing: treat the AP with this APIC id as one that never answers (0: off)");

/* Start AP @cpu at @apic_id.  0, or -errno after reporting why. */
static int ap_boot(unsigned int cpu, u32 apic_id)
{
	bool play_dead = smp_dead_apic && apic_id == smp_dead_apic;
	int ret;

	ret = ap_prepare(cpu, apic_id);
	if (ret) {
		pr_err("CPU %u (APIC id %u): cannot prepare its per-CPU state: %d; skipping\n",
		       cpu, apic_id, ret);
		return ret;
	}
	__atomic_fetch_and(&cpu_callin_mask, ~(1ULL << cpu), __ATOMIC_SEQ_CST);
	tr_data->cpu = cpu;
	tr_data->stack_top = ap_idle[cpu]->stack_top;
	WRITE_ONCE(tr_data->stage, 0);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);

	ret = apic_send_ipi(apic_id, 0, APIC_DM_INIT | APIC_INT_LEVELTRIG |
				       APIC_INT_ASSERT);
	if (!ret)
		ret = apic_send_ipi(apic_id, 0, APIC_DM_INIT |
					       APIC_INT_LEVELTRIG);
	mdelay(10);
	if (!ret && !play_dead)
		ret = apic_send_ipi(apic_id, TRAMPOLINE_PA >> PAGE_SHIFT,
				    APIC_DM_STARTUP);
	udelay(200);
	if (!ret && !play_dead && !cpu_called_in(cpu))
		ret = apic_send_ipi(apic_id, TRAMPOLINE_PA >> PAGE_SHIFT,
				    APIC_DM_STARTUP);
	if (ret) {
		pr_err("CPU %u (APIC id %u): cannot send the startup IPIs: %d; skipping\n",
		       cpu, apic_id, ret);
		return ret;
	}

	if (!wait_for(cpu_called_in, cpu, CALLIN_TIMEOUT_NS)) {
		pr_err("CPU %u (APIC id %u) did not start (%s); skipping\n",
		       cpu, apic_id, stage_name(READ_ONCE(tr_data->stage)));
		/* Park it: it must not run the trampoline later. */
		apic_send_ipi(apic_id, 0, APIC_DM_INIT | APIC_INT_LEVELTRIG |
					  APIC_INT_ASSERT);
		return -ETIMEDOUT;
	}
	if (!wait_for(cpu_is_online, cpu, ONLINE_TIMEOUT_NS)) {
		pr_err("CPU %u (APIC id %u) checked in but did not come online; skipping\n",
		       cpu, apic_id);
		apic_send_ipi(apic_id, 0, APIC_DM_INIT | APIC_INT_LEVELTRIG |
					  APIC_INT_ASSERT);
		return -ETIMEDOUT;
	}
	return 0;
}

unsigned int smp_init(void)
{
	u32 boot_apic_id = cpu_info[0].apic_id;
	unsigned int i, cpu = 1;
	int ret;

	ret = acpi_init();
	if (!ret && ioapic_init())
		pr_warn("no IOAPIC; device interrupts need MSI\n");
	ret = ipi_init();
	if (ret)
		goto single;
	if (!acpi_madt.valid) {
		pr_warn("no MADT: running on the boot CPU only\n");
		goto single;
	}
	if (acpi_madt.nr_cpus_enabled > NR_CPUS)
		pr_warn("MADT lists %u CPUs, only CONFIG_NR_CPUS=%d supported; ignoring the rest\n",
			acpi_madt.nr_cpus_enabled, NR_CPUS);
	if (acpi_madt.nr_cpu_ids <= 1)
		goto single;

	ret = trampoline_setup();
	if (ret) {
		pr_err("cannot set up the AP trampoline: %d; running on the boot CPU only\n",
		       ret);
		goto single;
	}

	pr_info("CPU 0 (APIC id %u) online (boot CPU)\n", boot_apic_id);
	for (i = 0; i < acpi_madt.nr_cpu_ids && cpu < NR_CPUS; i++) {
		u32 apic_id = acpi_madt.cpu_apic_id[i];

		if (apic_id == boot_apic_id)
			continue;
		if (apic_id > XAPIC_MAX_ID) {
			pr_err("CPU with APIC id %u needs x2APIC mode; skipping\n",
			       apic_id);
			continue;
		}
		if (ap_boot(cpu, apic_id) == 0) {
			pr_info("CPU %u (APIC id %u) online\n", cpu,
				cpu_info[cpu].apic_id);
			cpu++;
		}
	}
	pr_info("Brought up %u CPUs\n", num_online_cpus());
	return num_online_cpus();

single:
	pr_info("Brought up 1 CPU\n");
	return 1;
}
