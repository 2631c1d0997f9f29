/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The SYSCALL entry and the ways back to ring 3.
 *
 * entry_SYSCALL_64 is what MSR_LSTAR points at (arch/x86/kernel/syscall.c).
 * The CPU arrives with RCX = user RIP, R11 = user RFLAGS, interrupts off
 * (SYSCALL_MASK clears IF, DF, TF and AC), still on the user stack and
 * with the user GS base.  We SWAPGS to the per-CPU area, park the user RSP
 * in cpu_info->user_sp, switch to the task's kernel stack top
 * (cpu_info->kernel_sp, kept current by the scheduler) and build a struct
 * pt_regs there, laid out exactly as entry.S builds one for an interrupt
 * from user mode: so a thread's user registers are always at
 * stack_top - sizeof(struct pt_regs), however it entered.
 *
 * do_syscall_64() says how to go back: SYSRETQ when RCX/R11 still equal
 * RIP/RFLAGS and RIP is canonical (SYSRET with a non-canonical RCX would
 * fault in ring 0 on the user stack on Intel CPUs), else IRETQ, which
 * restores every register exactly (new threads, exec).
 *
 * user_enter() starts a thread in ring 3 from a prepared pt_regs.
 * Interrupt and exception entry from ring 3 is entry.S's.
 */
#include <asm/calling.h>
#include <asm/desc.h>
#include <asm/percpu.h>
#include <asm/ptrace.h>

#define ENOSYS		38
#define PT_REGS_WORDS	(PT_REGS_SIZE / 8)


	.text
	.balign 16
	.globl entry_SYSCALL_64
	.type entry_SYSCALL_64, @function
entry_SYSCALL_64:
	swapgs
	movq	%rsp, %gs:CPU_INFO_USER_SP
	movq	%gs:CPU_INFO_KERNEL_SP, %rsp

	pushq	$__USER_DS			/* ss */
	pushq	%gs:CPU_INFO_USER_SP		/* rsp */
	pushq	%r11				/* rflags */
	pushq	$__USER_CS			/* cs */
	pushq	%rcx				/* rip */
	pushq	%rax				/* orig_rax: the number */
	pushq	%rdi
	pushq	%rsi
	pushq	%rdx
	pushq	%rcx
	pushq	$-ENOSYS			/* rax: the result */
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

	xorl	%ebp, %ebp			/* ends frame-pointer walks */
	movq	%rsp, %rdi
	subq	$8, %rsp			/* 168-byte frame: realign */
	call	do_syscall_64			/* returns with IF clear */
	addq	$8, %rsp
	testb	%al, %al
	jz	.Lreturn_iret

	POP_REGS
	movq	PT_REGS_RIP - PT_REGS_ORIG_RAX(%rsp), %rcx
	movq	PT_REGS_RIP - PT_REGS_ORIG_RAX + 16(%rsp), %r11
	movq	PT_REGS_RIP - PT_REGS_ORIG_RAX + 24(%rsp), %rsp
	swapgs
	sysretq

.Lreturn_iret:
	POP_REGS
	addq	$8, %rsp			/* orig_rax */
	swapgs
	iretq
	.size entry_SYSCALL_64, . - entry_SYSCALL_64

/* __noreturn void user_enter(const struct pt_regs *regs) */
	.globl user_enter
	.type user_enter, @function
user_enter:
	cli
	movq	%rdi, %rsi
	movq	%gs:CPU_INFO_KERNEL_SP, %rdi
	subq	$PT_REGS_SIZE, %rdi
	movq	%rdi, %rsp
	movl	$PT_REGS_WORDS, %ecx
	cld
	rep movsq
	jmp	.Lreturn_iret
	.size user_enter, . - user_enter
