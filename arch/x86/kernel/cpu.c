/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU descriptor tables: the final GDT (layout in <asm/desc.h>), the
 * 64-bit TSS with its interrupt stacks, and the call into idt_init().
 *
 * arch_cpu_init() runs first thing in start_kernel(), on the boot stack
 * with head.S's temporary GDT, and needs nothing else to be set up.  The
 * kernel selectors keep the values head.S used, so the switch is seamless.
 *
 * Every CPU has its own GDT, TSS and IST stacks (double fault, NMI,
 * machine check), static .bss arrays sized by CONFIG_NR_CPUS; the IDT is
 * shared.  An AP calls arch_cpu_init_cpu(cpu) early in its bring-up.  The
 * IST stacks have no guard page: an overflow there is not expected, since
 * each of these handlers only prints and stops.
 */
#include <tessera/panic.h>
#include <asm/desc.h>
#include <asm/processor.h>

/* One GDT and TSS per CPU: the TSS descriptor's busy bit is per GDT. */
struct cpu_tables {
	u64 gdt[GDT_ENTRIES];
	struct tss64 tss;
} __aligned(64);

static struct cpu_tables cpu_tables[CONFIG_NR_CPUS];

static u8 ist_stacks[CONFIG_NR_CPUS][N_IST_STACKS][IST_STACK_SIZE]
	__aligned(16);

/* Safe before per-CPU data exists (then it is CPU 0). */
static unsigned int this_cpu(void)
{
	return oops_cpu() % CONFIG_NR_CPUS;
}

bool ist_stack_bounds(unsigned int ist, unsigned long *base,
		      unsigned long *top)
{
	if (ist < 1 || ist > N_IST_STACKS)
		return false;
	*base = (unsigned long)ist_stacks[this_cpu()][ist - 1];
	*top = *base + IST_STACK_SIZE;
	return true;
}

void tss_set_kernel_stack(unsigned long sp0)
{
	cpu_tables[this_cpu()].tss.sp[0] = sp0;
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

void arch_cpu_init_cpu(unsigned int cpu)
{
	struct cpu_tables *t = &cpu_tables[cpu];
	struct desc_ptr gdtp = {
		.size = sizeof(t->gdt) - 1,
		.address = (unsigned long)t->gdt,
	};
	unsigned int i;

	BUILD_BUG_ON(GDT_ENTRY_TSS + 2 > GDT_ENTRIES);

	t->gdt[GDT_ENTRY_KERNEL_CS] = GDT_KERNEL_CODE64;
	t->gdt[GDT_ENTRY_KERNEL_DS] = GDT_KERNEL_DATA;
	t->gdt[GDT_ENTRY_USER32_CS] = GDT_USER_CODE32;
	t->gdt[GDT_ENTRY_USER_DS] = GDT_USER_DATA;
	t->gdt[GDT_ENTRY_USER_CS] = GDT_USER_CODE64;
	for (i = 0; i < N_IST_STACKS; i++)
		t->tss.ist[i] = (unsigned long)ist_stacks[cpu][i] +
				IST_STACK_SIZE;
	t->tss.io_bitmap_base = sizeof(t->tss);	/* no I/O bitmap */
	set_tss_desc((struct system_desc *)&t->gdt[GDT_ENTRY_TSS],
		     (unsigned long)&t->tss, sizeof(t->tss) - 1);

	load_gdt(&gdtp);
	reload_segments();
	load_tr(__TSS_SELECTOR);
	idt_load();
}

void arch_cpu_init(void)
{
	idt_init();
	arch_cpu_init_cpu(0);
}
