/* SPDX-License-Identifier: GPL-2.0 */
/* Interrupt-flag control: the only place that writes cli/sti/pushf. */
#ifndef _ASM_X86_IRQFLAGS_H
#define _ASM_X86_IRQFLAGS_H

#include <tessera/compiler.h>

#define X86_EFLAGS_IF	0x200UL

static __always_inline unsigned long arch_local_save_flags(void)
{
	unsigned long flags;

	__asm__ __volatile__("pushfq; popq %0" : "=rm"(flags) : : "memory");
	return flags;
}

static __always_inline void local_irq_disable(void)
{
	__asm__ __volatile__("cli" ::: "memory");
}

static __always_inline void local_irq_enable(void)
{
	__asm__ __volatile__("sti" ::: "memory");
}

static __always_inline unsigned long local_irq_save_flags(void)
{
	unsigned long flags = arch_local_save_flags();

	local_irq_disable();
	return flags;
}

#define local_irq_save(flags)	((flags) = local_irq_save_flags())

static __always_inline void local_irq_restore(unsigned long flags)
{
	if (flags & X86_EFLAGS_IF)
		local_irq_enable();
}

static __always_inline bool irqs_disabled(void)
{
	return !(arch_local_save_flags() & X86_EFLAGS_IF);
}

/* Wait for an interrupt with interrupts enabled (no lost-wakeup window). */
static __always_inline void safe_halt(void)
{
	__asm__ __volatile__("sti; hlt" ::: "memory");
}

static __always_inline void halt(void)
{
	__asm__ __volatile__("hlt" ::: "memory");
}

static __always_inline void cpu_relax(void)
{
	__asm__ __volatile__("pause" ::: "memory");
}

#endif /* _ASM_X86_IRQFLAGS_H */
