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
 * User mode: an entry from ring 3 arrives with the user GS base, so the
 * common code SWAPGSes to the per-CPU area first and back just before
 * IRETQ.  Whether to swap is decided from MSR_GS_BASE itself, not from the
 * saved CS ("paranoid" entry, as Linux does for NMIs): the kernel's GS
 * base is a kernel address (negative), a user's never is (arch_prctl
 * refuses one).  This also covers an NMI or machine check that arrives in
 * ring 0 in the two windows where GS is the user's: right after SYSCALL
 * before its SWAPGS, and after the exit SWAPGS before SYSRET/IRET.  The
 * decision sits in %r12 (saved in pt_regs, callee-saved across C).
 *
 * Before returning to ring 3, exit_to_user_mode() (arch/x86/kernel/
 * syscall.c) runs the work due there: a reschedule and a pending exit
 * of the thread.  Preemption of ring 3 on interrupt exit also happens in
 * idt_dispatch(), since user RFLAGS always has IF set.
 */
#include <asm/calling.h>
#include <asm/msr.h>
#include <asm/ptrace.h>

#define PT_REGS_CS	(PT_REGS_RIP + 8)

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
	/* Kernel code never runs with EFLAGS.AC (SMAP's override) set. */
	cmpb	$0, x86_smap_enabled(%rip)
	je	.Lac_clear
	clac
.Lac_clear:
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

	movq	%rdi, %rbx		/* vector (rdmsr clobbers rdx/rax/rcx) */
	movq	%rdi, %r13		/* callee-saved: the vector, for after */
	xorl	%r12d, %r12d		/* 1 if we swapped GS below */
	movl	$MSR_GS_BASE, %ecx
	rdmsr
	testl	%edx, %edx
	js	1f			/* kernel GS base already */
	swapgs
	movl	$1, %r12d
1:
	movq	%rbx, %rsi		/* vector */
	movq	%rsp, %rdi		/* struct pt_regs * */
	movq	%rsp, %rbx		/* callee-saved: the frame, for after */
	andq	$-16, %rsp		/* the C ABI wants 16-byte alignment */
	call	idt_dispatch
	testb	$3, PT_REGS_CS(%rbx)
	jz	2f
	/*
	 * Not from an IST stack (NMI, double fault, machine check): the
	 * work before ring 3 may schedule, and a task switched away on
	 * this CPU's IST stack would be overwritten by the next NMI.  The
	 * work is picked up at the next interrupt or system call.
	 */
	cmpq	$2, %r13		/* X86_TRAP_NMI */
	je	2f
	cmpq	$8, %r13		/* X86_TRAP_DF */
	je	2f
	cmpq	$18, %r13		/* X86_TRAP_MC */
	je	2f
	movq	%rbx, %rdi
	call	exit_to_user_mode	/* returns with IF clear */
2:
	movq	%rbx, %rsp
	testl	%r12d, %r12d
	jnz	.Lreturn_swapgs

	POP_REGS
	addq	$8, %rsp		/* error code */
	iretq

.Lreturn_swapgs:
	POP_REGS
	addq	$8, %rsp		/* error code */
	swapgs
	iretq
	.size common_interrupt, . - common_interrupt
