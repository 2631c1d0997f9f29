/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU descriptor tables: each CPU's GDT (layout in <asm/desc.h>), its
 * 64-bit TSS with the interrupt stacks, and the IDT load.
 *
 * arch_cpu_init() runs first thing in start_kernel() on the boot CPU, on
 * the boot stack with head.S's temporary GDT, and on every AP early in
 * secondary_start_kernel() (arch/x86/kernel/smpboot.c), after %gs points
 * at the AP's cpu_info: smp_processor_id() picks the CPU's tables.  The
 * kernel selectors keep the values head.S used, so the switch is seamless.
 *
 * The IDT is one table shared by all CPUs: the boot CPU fills it
 * (idt_init()), every CPU loads it (idt_load()).
 *
 * IST stacks (double fault, NMI, machine check): the boot CPU's are static
 * .bss arrays, so that they work before any allocator does; an AP's come
 * from cpu_alloc_ist_stacks() on the boot CPU before the AP starts, as
 * guarded kernel stacks.  Each handler on them only prints and stops or
 * returns, so they are small.
 */
#include <tessera/errno.h>
#include <tessera/params.h>
#include <tessera/printk.h>
#include <tessera/smp.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/smpboot.h>

static u64 gdt[NR_CPUS][GDT_ENTRIES] __aligned(16);
static struct tss64 tss[NR_CPUS] __aligned(16);

static u8 boot_ist_stacks[N_IST_STACKS][IST_STACK_SIZE] __aligned(16);
/* Lowest address of each IST stack, per CPU; 0 if not allocated. */
static unsigned long ist_base[NR_CPUS][N_IST_STACKS];

static const u64 gdt_template[GDT_ENTRIES] = {
	[GDT_ENTRY_KERNEL_CS] = GDT_KERNEL_CODE64,
	[GDT_ENTRY_KERNEL_DS] = GDT_KERNEL_DATA,
	[GDT_ENTRY_USER32_CS] = GDT_USER_CODE32,
	[GDT_ENTRY_USER_DS] = GDT_USER_DATA,
	[GDT_ENTRY_USER_CS] = GDT_USER_CODE64,
};

/*
 * The calling CPU's index into the tables.  Safe on the oops path before
 * %gs is set up (GS base still 0): that can only be the boot CPU.
 */
static unsigned int this_cpu_index(void)
{
	if (!rdmsr(MSR_GS_BASE))
		return 0;
	return smp_processor_id() % NR_CPUS;
}

bool ist_stack_bounds(unsigned int ist, unsigned long *base,
		      unsigned long *top)
{
	unsigned int cpu = this_cpu_index();

	if (ist < 1 || ist > N_IST_STACKS || !ist_base[cpu][ist - 1])
		return false;
	*base = ist_base[cpu][ist - 1];
	*top = *base + IST_STACK_SIZE;
	return true;
}

void tss_set_kernel_stack(unsigned long sp0)
{
	tss[this_cpu_index()].sp[0] = sp0;
}

int cpu_alloc_ist_stacks(unsigned int cpu)
{
	unsigned int i;

	if (cpu == 0 || cpu >= NR_CPUS)
		return -EINVAL;
	for (i = 0; i < N_IST_STACKS; i++) {
		void *stack;

		if (ist_base[cpu][i])
			continue;
		stack = alloc_kernel_stack(IST_STACK_SIZE);
		if (!stack)
			return -ENOMEM;
		ist_base[cpu][i] = (unsigned long)stack;
	}
	return 0;
}

static void set_tss_desc(struct system_desc *d, unsigned long base,
			 unsigned int limit)
{
	d->limit0 = limit & 0xffff;
	d->base0 = base & 0xffff;
	d->base1 = (base >> 16) & 0xff;
	d->type_attr = 0x89;		/* present, DPL 0, available 64-bit TSS */
	d->limit1_flags = (limit >> 16) & 0xf;
	d->base2 = (base >> 24) & 0xff;
	d->base3 = base >> 32;
	d->reserved = 0;
}

/*
 * Reload CS with a far return, SS, DS and ES.  FS and GS are left alone:
 * loading a selector into them would clear their bases, and GS.base is
 * the per-CPU pointer (asm/percpu.h).
 */
static void reload_segments(void)
{
	__asm__ __volatile__(
		"pushq %[cs]\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movl %[ds], %%eax\n\t"
		"movl %%eax, %%ss\n\t"
		"xorl %%eax, %%eax\n\t"
		"movl %%eax, %%ds\n\t"
		"movl %%eax, %%es\n\t"
		: : [cs] "i"(__KERNEL_CS), [ds] "i"(__KERNEL_DS)
		: "rax", "memory");
}

void arch_cpu_init(void)
{
	unsigned int cpu = this_cpu_index();
	struct tss64 *t = &tss[cpu];
	struct desc_ptr gdtp = {
		.size = sizeof(gdt[cpu]) - 1,
		.address = (unsigned long)gdt[cpu],
	};
	unsigned int i;

	BUILD_BUG_ON(GDT_ENTRY_TSS + 2 > GDT_ENTRIES);

	if (cpu == 0) {
		for (i = 0; i < N_IST_STACKS; i++)
			ist_base[0][i] = (unsigned long)boot_ist_stacks[i];
	}
	for (i = 0; i < GDT_ENTRIES; i++)
		gdt[cpu][i] = gdt_template[i];
	for (i = 0; i < N_IST_STACKS; i++)
		t->ist[i] = ist_base[cpu][i] ? ist_base[cpu][i] + IST_STACK_SIZE
					     : 0;
	t->io_bitmap_base = sizeof(*t);	/* no I/O bitmap */
	set_tss_desc((struct system_desc *)&gdt[cpu][GDT_ENTRY_TSS],
		     (unsigned long)t, sizeof(*t) - 1);

	load_gdt(&gdtp);
	reload_segments();
	load_tr(__TSS_SELECTOR);
	if (cpu == 0)
		idt_init();
	idt_load();
	/* RDTSCP's ECX: the CPU number, which the vDSO's getcpu() reads. */
	if (cpu_has_rdtscp())
		wrmsr(MSR_TSC_AUX, cpu);
}

/* ------------------------------------------------------------ SMEP, SMAP */

#define CPUID7_EBX_SMEP		(1U << 7)
#define CPUID7_EBX_SMAP		(1U << 20)

bool x86_smep_enabled;
bool x86_smap_enabled;
static bool smep_wanted = true, smap_wanted = true;
PARAM_BOOL("cpu.smep", smep_wanted,
	   "supervisor mode execution prevention where the CPU has it (0: off)");
PARAM_BOOL("cpu.smap", smap_wanted,
	   "supervisor mode access prevention where the CPU has it (0: off)");

void cpu_protect_init(void)
{
	unsigned int a, b = 0, c, d;
	unsigned long cr4;

	if (this_cpu_index() == 0) {
		cpuid(0, &a, &b, &c, &d);
		if (a >= 7)
			cpuid_count(7, 0, &a, &b, &c, &d);
		else
			b = 0;
		x86_smep_enabled = smep_wanted && (b & CPUID7_EBX_SMEP);
		x86_smap_enabled = smap_wanted && (b & CPUID7_EBX_SMAP);
		pr_info("cpu: SMEP %s, SMAP %s\n",
			x86_smep_enabled ? "on" : smep_wanted ?
			"not supported by this CPU" : "off (cpu.smep=0)",
			x86_smap_enabled ? "on" : smap_wanted ?
			"not supported by this CPU" : "off (cpu.smap=0)");
	}
	cr4 = read_cr4();
	if (x86_smep_enabled)
		cr4 |= X86_CR4_SMEP;
	if (x86_smap_enabled)
		cr4 |= X86_CR4_SMAP;
	write_cr4(cr4);
}
