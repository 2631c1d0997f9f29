/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The context switch, and the first instructions of a new kernel thread.
 *
 * struct task *__switch_to_asm(unsigned long *prev_sp, unsigned long next_sp,
 *				struct task *prev)
 *
 * Saves the callee-saved registers on the current stack, stores %rsp in
 * *prev_sp, loads next_sp and pops the next task's registers.  Everything
 * else (caller-saved registers, flags) was already saved by the C caller
 * per the ABI.  Returns prev -- in the context of the task switched to,
 * which needs it to finish the switch (finish_task_switch).
 *
 * A new thread's stack is built by task_init_stack() (kernel/sched/core.c)
 * to look as if it had called __switch_to_asm from ret_from_kthread, with
 * %rbx = entry function and %r12 = its argument.
 */
	.text
	.globl __switch_to_asm
	.type __switch_to_asm, @function
__switch_to_asm:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	movq	%rdx, %rax
	ret
	.size __switch_to_asm, . - __switch_to_asm

	.globl ret_from_kthread
	.type ret_from_kthread, @function
ret_from_kthread:
	movq	%rax, %rdi		/* prev */
	call	schedule_tail
	movq	%r12, %rdi
	call	*%rbx			/* never returns */
	ud2
	.size ret_from_kthread, . - ret_from_kthread
