/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct pt_regs: the register frame that arch/x86/kernel/entry.S saves on
 * every exception and interrupt, in the order Linux uses (so the layout of
 * a saved frame is the familiar one in a debugger).  The last five words
 * are the hardware interrupt frame; orig_rax holds the error code of the
 * exception, or -1 when the CPU pushes none.
 */
#ifndef _ASM_X86_PTRACE_H
#define _ASM_X86_PTRACE_H

#define PT_REGS_R15		0
#define PT_REGS_ORIG_RAX	120
#define PT_REGS_RIP		128
#define PT_REGS_SIZE		168

#ifndef __ASSEMBLER__
#include <tessera/compiler.h>

struct pt_regs {
	unsigned long r15;
	unsigned long r14;
	unsigned long r13;
	unsigned long r12;
	unsigned long rbp;
	unsigned long rbx;
	unsigned long r11;
	unsigned long r10;
	unsigned long r9;
	unsigned long r8;
	unsigned long rax;
	unsigned long rcx;
	unsigned long rdx;
	unsigned long rsi;
	unsigned long rdi;
	unsigned long orig_rax;		/* error code, or -1 */
	unsigned long rip;		/* hardware frame from here on */
	unsigned long cs;
	unsigned long rflags;
	unsigned long rsp;
	unsigned long ss;
};

_Static_assert(offsetof(struct pt_regs, orig_rax) == PT_REGS_ORIG_RAX,
	       "pt_regs layout must match entry.S");
_Static_assert(offsetof(struct pt_regs, rip) == PT_REGS_RIP,
	       "pt_regs layout must match entry.S");
_Static_assert(sizeof(struct pt_regs) == PT_REGS_SIZE,
	       "pt_regs layout must match entry.S");

/* Did the interrupted context run at CPL 3? */
static inline bool user_mode(const struct pt_regs *regs)
{
	return (regs->cs & 3) == 3;
}

static inline unsigned long instruction_pointer(const struct pt_regs *regs)
{
	return regs->rip;
}
#endif /* !__ASSEMBLER__ */

#endif /* _ASM_X86_PTRACE_H */
