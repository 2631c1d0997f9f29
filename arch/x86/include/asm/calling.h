/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Assembler helpers shared by the interrupt entry (entry.S) and the
 * SYSCALL entry (syscall_64.S), which save the same struct pt_regs
 * (<asm/ptrace.h>).
 */
#ifndef _ASM_X86_CALLING_H
#define _ASM_X86_CALLING_H

#ifdef __ASSEMBLER__

/* Pop everything up to and including %rdi; %rsp then points at orig_rax. */
.macro POP_REGS
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rax
	popq	%rcx
	popq	%rdx
	popq	%rsi
	popq	%rdi
.endm

#endif /* __ASSEMBLER__ */
#endif /* _ASM_X86_CALLING_H */
