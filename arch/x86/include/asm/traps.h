/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exception vectors and the trap-handling interface of
 * arch/x86/kernel/traps.c.  Interrupt vectors 32..255 are dispatched by
 * arch/x86/kernel/idt.c (idt_set_irq_handler); the oops printer is in
 * arch/x86/kernel/dumpstack.c, the die lock in kernel/panic.c.
 */
#ifndef _ASM_X86_TRAPS_H
#define _ASM_X86_TRAPS_H

#include <tessera/types.h>
#include <asm/ptrace.h>

enum x86_trap_vector {
	X86_TRAP_DE = 0,	/* divide error */
	X86_TRAP_DB = 1,	/* debug */
	X86_TRAP_NMI = 2,
	X86_TRAP_BP = 3,	/* int3 */
	X86_TRAP_OF = 4,	/* overflow */
	X86_TRAP_BR = 5,	/* bound range */
	X86_TRAP_UD = 6,	/* invalid opcode */
	X86_TRAP_NM = 7,	/* device not available */
	X86_TRAP_DF = 8,	/* double fault */
	X86_TRAP_OLD_MF = 9,	/* coprocessor segment overrun */
	X86_TRAP_TS = 10,	/* invalid TSS */
	X86_TRAP_NP = 11,	/* segment not present */
	X86_TRAP_SS = 12,	/* stack segment */
	X86_TRAP_GP = 13,	/* general protection */
	X86_TRAP_PF = 14,	/* page fault */
	X86_TRAP_SPURIOUS = 15,
	X86_TRAP_MF = 16,	/* x87 floating point */
	X86_TRAP_AC = 17,	/* alignment check */
	X86_TRAP_MC = 18,	/* machine check */
	X86_TRAP_XF = 19,	/* SIMD floating point */
	X86_TRAP_VE = 20,	/* virtualization */
	X86_TRAP_CP = 21,	/* control protection */
	X86_TRAP_VC = 29,	/* VMM communication */
	X86_TRAP_SX = 30,	/* security */
	NR_EXCEPTION_VECTORS = 32,
	NR_VECTORS = 256,
};

/* Page-fault error code bits. */
#define X86_PF_PROT		(1UL << 0)	/* 0: not present, 1: protection */
#define X86_PF_WRITE		(1UL << 1)
#define X86_PF_USER		(1UL << 2)
#define X86_PF_RSVD		(1UL << 3)
#define X86_PF_INSTR		(1UL << 4)
#define X86_PF_PK		(1UL << 5)
#define X86_PF_SHSTK		(1UL << 6)

/*
 * Device and IPI interrupts, vectors 32..255.  The handler runs with
 * interrupts disabled on the interrupted stack and must send its own EOI.
 */
typedef void (*irq_handler_t)(struct pt_regs *regs, unsigned int vector);

/* 0, -EINVAL (vector < 32 or > 255, or NULL handler), -EBUSY (taken). */
int idt_set_irq_handler(unsigned int vector, irq_handler_t handler);
/* 0, -EINVAL (bad vector), -ENOENT (no handler installed). */
int idt_clear_irq_handler(unsigned int vector);

/*
 * Called by entry.S for every vector with the saved frame.  Exceptions go
 * to do_exception(), the rest to the registered interrupt handlers.
 */
void idt_dispatch(struct pt_regs *regs, unsigned long vector);

/* Exception handling for vectors 0..31 (traps.c). */
void do_exception(struct pt_regs *regs, unsigned int vector);

/*
 * Exceptions taken at CPL 3 are offered to this hook first (the processor
 * manager installs it to turn faults into signals or pcache misses).  It
 * returns true if it handled the exception; false, or no hook, makes the
 * exception fatal like a kernel one.  @cr2 is only meaningful for #PF.
 */
typedef bool (*user_trap_hook_t)(struct pt_regs *regs, unsigned int vector,
				 unsigned long error_code, unsigned long cr2);
extern user_trap_hook_t user_trap_hook;

/* Short name of an exception vector ("page fault"), or NULL if none. */
const char *x86_exception_name(unsigned int vector);

#endif /* _ASM_X86_TRAPS_H */
