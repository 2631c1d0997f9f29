/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ring 3 on x86-64: the SYSCALL entry (arch/x86/kernel/syscall_64.S),
 * the per-thread user register state the context switch installs, and
 * the hooks between the entry code and the processor manager
 * (arch/x86/kernel/syscall.c).
 *
 * A user thread is a kernel task with a registered struct user_context:
 * on every switch to it the scheduler's arch hook loads its page table
 * (CR3), its FS base and its user GS base; a switch to a task without one
 * loads the kernel page table.  User GS is swapped in and out by SWAPGS
 * on every kernel entry and exit, so the base the hook writes is
 * MSR_KERNEL_GS_BASE.
 */
#ifndef _ASM_X86_SYSCALL_H
#define _ASM_X86_SYSCALL_H

#include <tessera/list.h>
#include <tessera/types.h>
#include <asm/ptrace.h>

struct task;

/*
 * Highest user address + 1.  The last page below the canonical hole is
 * left out, as on Linux, so a SYSCALL at its very end cannot return to a
 * non-canonical RIP.
 */
#define USER_ADDR_END		0x00007ffffffff000UL

#define X86_EFLAGS_TF_BIT	0x00000100UL
#define X86_EFLAGS_IF_BIT	0x00000200UL
#define X86_EFLAGS_DF_BIT	0x00000400UL
#define X86_EFLAGS_RF_BIT	0x00010000UL
#define X86_EFLAGS_AC_BIT	0x00040000UL
#define X86_EFLAGS_NT_BIT	0x00004000UL
/* RFLAGS a new user thread starts with: IF and the always-one bit 1. */
#define USER_RFLAGS_INIT	(X86_EFLAGS_IF_BIT | 0x2UL)

/* The arch half of a user thread; embedded in the manager's thread. */
struct user_context {
	unsigned long fs_base;
	unsigned long gs_base;
	phys_addr_t pgd_pa;		/* CR3 of its address space */
	struct task *task;
};

/* EFER.SCE, STAR, LSTAR, SYSCALL_MASK on the calling CPU. */
void syscall_init_cpu(void);
/* syscall_init_cpu() on every online CPU; once, from the boot CPU. */
void syscall_init(void);

/*
 * Make @t a user thread with @uc (before @t first runs).  From then on
 * switches to @t install @uc.  Unregister before @t exits; it may be the
 * current task (the calling CPU then keeps the page table loaded until
 * its next switch, which loads the kernel's).
 */
void user_context_register(struct task *t, struct user_context *uc);
void user_context_unregister(struct task *t);
/* The current task's user context, or NULL for a kernel thread. */
struct user_context *current_user_context(void);
/* Set the FS base of the current thread (arch_prctl(ARCH_SET_FS)). */
void user_set_fs_base(unsigned long base);
void user_set_gs_base(unsigned long base);

/*
 * Scheduler hook (kernel/sched/core.c), interrupts off, before the stack
 * switch: install next's user state, or the kernel page table.
 */
void arch_switch_user_state(struct task *prev, struct task *next);

/*
 * Enter ring 3 with the registers in @regs (copied to the top of the
 * current kernel stack first, so @regs may live anywhere else).  Never
 * returns; the thread comes back only through SYSCALL or an interrupt.
 */
__noreturn void user_enter(const struct pt_regs *regs);

/* Called by the entry code (C side of syscall_64.S and entry.S). */
bool do_syscall_64(struct pt_regs *regs);
void exit_to_user_mode(struct pt_regs *regs);

/*
 * The processor manager's side (managers/processor): run one system call
 * (result in regs->rax), and the work due before any return to ring 3
 * (a pending exit of the thread).  Both run with interrupts enabled.
 */
void syscall_dispatch(struct pt_regs *regs);
void user_return_work(struct pt_regs *regs);
bool user_return_work_pending(void);

#endif /* _ASM_X86_SYSCALL_H */
