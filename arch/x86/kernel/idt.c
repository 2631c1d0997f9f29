/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interrupt descriptor table and interrupt dispatch.
 *
 * All 256 gates point at the stubs of entry.S; they are interrupt gates
 * (IF cleared on entry) running on the current stack, except double
 * fault, NMI and machine check, which switch to their own IST stacks
 * (arch/x86/kernel/cpu.c) so that they work even when the kernel stack
 * is unusable.  int3 and overflow are reachable from CPL 3 (DPL 3).
 *
 * Vectors 0..31 are exceptions, handled in traps.c.  Vectors 32..255 are
 * device/IPI interrupts: a driver installs one handler per vector with
 * idt_set_irq_handler(); the handler sends its own EOI.  An interrupt on a
 * vector nobody claimed is reported once per vector and otherwise ignored.
 */
#include <tessera/errno.h>
#include <tessera/preempt.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <asm/irqflags.h>
#include <asm/desc.h>
#include <asm/traps.h>

#define IDT_STUB_SIZE	16	/* must match entry.S */

extern const char idt_entry_stubs[];

static struct idt_gate idt_table[NR_VECTORS] __aligned(16);

/*
 * Handlers for vectors 32..255.  Written only by idt_set_irq_handler()
 * and idt_clear_irq_handler() (with interrupts off); read by the
 * dispatcher with READ_ONCE.
 */
static irq_handler_t irq_handlers[NR_VECTORS];
/* Vectors already reported as spurious, so each is reported once. */
static u64 spurious_reported[NR_VECTORS / 64];

static void set_gate(unsigned int vector, unsigned int ist, unsigned int dpl)
{
	unsigned long addr = (unsigned long)idt_entry_stubs +
			     vector * IDT_STUB_SIZE;
	struct idt_gate *g = &idt_table[vector];

	g->offset0 = addr & 0xffff;
	g->selector = __KERNEL_CS;
	g->ist = ist;
	g->type_attr = GATE_PRESENT | GATE_DPL(dpl) | GATE_INTERRUPT;
	g->offset1 = (addr >> 16) & 0xffff;
	g->offset2 = addr >> 32;
	g->reserved = 0;
}

void idt_init(void)
{
	unsigned int v;

	for (v = 0; v < NR_VECTORS; v++)
		set_gate(v, 0, 0);
	set_gate(X86_TRAP_DF, IST_DOUBLE_FAULT, 0);
	set_gate(X86_TRAP_NMI, IST_NMI, 0);
	set_gate(X86_TRAP_MC, IST_MACHINE_CHECK, 0);
	set_gate(X86_TRAP_BP, 0, 3);
	set_gate(X86_TRAP_OF, 0, 3);
}

void idt_load(void)
{
	struct desc_ptr p = {
		.size = sizeof(idt_table) - 1,
		.address = (unsigned long)idt_table,
	};

	load_idt(&p);
}

int idt_set_irq_handler(unsigned int vector, irq_handler_t handler)
{
	unsigned long flags;
	int ret = 0;

	if (vector < NR_EXCEPTION_VECTORS || vector >= NR_VECTORS || !handler)
		return -EINVAL;
	local_irq_save(flags);
	if (irq_handlers[vector])
		ret = -EBUSY;
	else
		WRITE_ONCE(irq_handlers[vector], handler);
	local_irq_restore(flags);
	return ret;
}

int idt_clear_irq_handler(unsigned int vector)
{
	if (vector < NR_EXCEPTION_VECTORS || vector >= NR_VECTORS)
		return -EINVAL;
	if (!irq_handlers[vector])
		return -ENOENT;
	WRITE_ONCE(irq_handlers[vector], NULL);
	return 0;
}

static void spurious_interrupt(unsigned int vector)
{
	u64 bit = 1ULL << (vector % 64);

	if (spurious_reported[vector / 64] & bit)
		return;
	spurious_reported[vector / 64] |= bit;
	pr_warn("spurious interrupt vector %u\n", vector);
}

/* Called from entry.S with interrupts disabled. */
void idt_dispatch(struct pt_regs *regs, unsigned long vector)
{
	irq_handler_t handler;

	if (vector < NR_EXCEPTION_VECTORS) {
		do_exception(regs, vector);
		return;
	}
	handler = READ_ONCE(irq_handlers[vector & (NR_VECTORS - 1)]);
	irq_enter();
	if (handler)
		handler(regs, vector);
	else
		spurious_interrupt(vector);
	irq_exit();
	/* Preempt the interrupted context if a switch became due. */
	if (preempt_count() == 0 && (regs->rflags & X86_EFLAGS_IF))
		preempt_schedule_irq();
}
