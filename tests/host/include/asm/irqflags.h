/* SPDX-License-Identifier: GPL-2.0 */
/* Host-test shim: a single-threaded test process has no interrupts. */
#ifndef _ASM_X86_IRQFLAGS_H
#define _ASM_X86_IRQFLAGS_H

#include <tessera/compiler.h>

#define X86_EFLAGS_IF	0x200UL

static inline unsigned long local_irq_save_flags(void) { return 0; }
#define local_irq_save(flags)	((flags) = local_irq_save_flags())
static inline void local_irq_restore(unsigned long flags) { (void)flags; }
static inline void local_irq_disable(void) { }
static inline void local_irq_enable(void) { }
static inline bool irqs_disabled(void) { return false; }
static inline void cpu_relax(void) { }

#endif /* _ASM_X86_IRQFLAGS_H */
