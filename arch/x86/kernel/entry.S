/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interrupt and exception entry: 256 small stubs, one per vector, and the
 * common path that saves a struct pt_regs (<asm/ptrace.h>), calls
 * idt_dispatch(regs, vector) and returns with iretq.
 *
 * Each stub is exactly IDT_STUB_SIZE bytes, so idt.c finds stub N at
 * idt_entry_stubs + N * IDT_STUB_SIZE.  A stub pushes -1 as the error
 * code for vectors where the CPU pushes none, then the vector number into
 * the slot that becomes pt_regs->rdi; the common code swaps it with %rdi.
 *
 * Kernel mode only for now: there is no swapgs, since no user mode runs
 * yet.  The syscall/user-mode work adds it here.
 */
#include <asm/ptrace.h>

#define IDT_STUB_SIZE	16

	.section .text
	.balign IDT_STUB_SIZE
	.globl idt_entry_stubs
	.type idt_entry_stubs, @function
idt_entry_stubs:
	vector = 0
	.rept 256
	.balign IDT_STUB_SIZE
	/* Vectors with a CPU error code: 8, 10-14, 17, 21, 29, 30. */
	.if (vector == 8) || ((vector >= 10) && (vector <= 14)) || \
	    (vector == 17) || (vector == 21) || (vector == 29) || (vector == 30)
	.else
	pushq	$-1
	.endif
	pushq	$vector
	jmp	common_interrupt	/* at most 2 + 5 + 5 bytes in all */
	vector = vector + 1
	.endr
	/* Fails to assemble ("move .org backwards") if a stub overflowed. */
	.org idt_entry_stubs + 256 * IDT_STUB_SIZE
	.size idt_entry_stubs, . - idt_entry_stubs

/*
 * Stack on entry: vector, error code (orig_rax), rip, cs, rflags, rsp, ss.
 * The vector slot becomes pt_regs->rdi.
 */
	.globl common_interrupt
	.type common_interrupt, @function
common_interrupt:
	cld
	xchgq	%rdi, (%rsp)		/* %rdi = vector, slot = saved rdi */
	pushq	%rsi
	pushq	%rdx
	pushq	%rcx
	pushq	%rax
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15

	movq	%rdi, %rsi		/* vector */
	movq	%rsp, %rdi		/* struct pt_regs * */
	movq	%rsp, %rbx		/* callee-saved: the frame, for after */
	andq	$-16, %rsp		/* the C ABI wants 16-byte alignment */
	call	idt_dispatch
	movq	%rbx, %rsp

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
	addq	$8, %rsp		/* error code */
	iretq
	.size common_interrupt, . - common_interrupt
