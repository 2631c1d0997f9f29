/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The C half of ring-3 support: SYSCALL MSRs, the table of user contexts
 * that the context switch installs (page table, FS and GS bases), and the
 * work done on every way back to ring 3.  The assembly is in
 * syscall_64.S (SYSCALL entry, user_enter) and entry.S (interrupts);
 * system calls themselves are the processor manager's
 * (managers/processor/syscall_table.c).  See <asm/syscall.h>.
 *
 * A user thread's task points at its user_context (task->user_ctx); the
 * switch hook installs the next task's page table and FS/GS bases from
 * it.  Each CPU caches the current task's context in cpu_user_ctx.
 */
#include <tessera/ipi.h>
#include <tessera/kernel.h>
#include <tessera/percpu.h>
#include <tessera/preempt.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/smp.h>
#include <tessera/spinlock.h>
#include <asm/desc.h>
#include <asm/irqflags.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/syscall.h>
#include <asm/user_pgtable.h>

void entry_SYSCALL_64(void);

static DEFINE_PER_CPU(struct user_context *, cpu_user_ctx);

void syscall_init_cpu(void)
{
	wrmsr(MSR_STAR, STAR_VALUE);
	wrmsr(MSR_LSTAR, (unsigned long)entry_SYSCALL_64);
	wrmsr(MSR_CSTAR, 0);
	wrmsr(MSR_SYSCALL_MASK, X86_EFLAGS_IF_BIT | X86_EFLAGS_DF_BIT |
				X86_EFLAGS_TF_BIT | X86_EFLAGS_AC_BIT |
				X86_EFLAGS_NT_BIT);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}

static void syscall_init_ipi(void *unused)
{
	syscall_init_cpu();
}

void syscall_init(void)
{
	int ret;

	/*
	 * Stay on this CPU until the others are done: the cross-call skips
	 * the caller's CPU, so a migration in between would leave one CPU
	 * without EFER.SCE (SYSCALL is then #UD: SIGILL for any program).
	 */
	preempt_disable();
	syscall_init_cpu();
	ret = smp_call_function_many(~0ULL, syscall_init_ipi, NULL, true);
	preempt_enable();
	if (ret)
		pr_err("syscall: SYSCALL MSRs not set on the other CPUs (%d)\n",
		       ret);
}

void user_context_register(struct task *t, struct user_context *uc)
{
	uc->task = t;
	WRITE_ONCE(t->user_ctx, uc);
}

void user_context_unregister(struct task *t)
{
	unsigned long flags;

	local_irq_save(flags);
	WRITE_ONCE(t->user_ctx, NULL);
	if (t == current)
		*this_cpu_ptr(&cpu_user_ctx) = NULL;
	local_irq_restore(flags);
}

struct user_context *current_user_context(void)
{
	struct user_context *uc;

	preempt_disable();
	uc = *this_cpu_ptr(&cpu_user_ctx);
	preempt_enable();
	return uc;
}

void user_set_fs_base(unsigned long base)
{
	struct user_context *uc = current_user_context();

	if (!uc)
		return;
	preempt_disable();
	uc->fs_base = base;
	wrmsr(MSR_FS_BASE, base);
	preempt_enable();
}

void user_set_gs_base(unsigned long base)
{
	struct user_context *uc = current_user_context();

	if (!uc)
		return;
	preempt_disable();
	uc->gs_base = base;
	wrmsr(MSR_KERNEL_GS_BASE, base);	/* user GS is swapped out now */
	preempt_enable();
}

void arch_switch_user_state(struct task *prev, struct task *next)
{
	struct user_context *uc;
	phys_addr_t cr3;

	uc = READ_ONCE(next->user_ctx);
	*this_cpu_ptr(&cpu_user_ctx) = uc;
	cr3 = uc ? uc->pgd_pa : user_pgd_kernel_pa();
	if (cr3)
		user_pgd_switch(cr3);
	if (uc) {
		wrmsr(MSR_FS_BASE, uc->fs_base);
		wrmsr(MSR_KERNEL_GS_BASE, uc->gs_base);
	}
}

/* May this return use SYSRET?  It restores RIP from RCX, RFLAGS from R11. */
static bool sysret_safe(const struct pt_regs *regs)
{
	return regs->rcx == regs->rip && regs->r11 == regs->rflags &&
	       regs->rip < USER_ADDR_END && regs->cs == __USER_CS &&
	       regs->ss == __USER_DS &&
	       !(regs->rflags & (X86_EFLAGS_RF_BIT | X86_EFLAGS_TF_BIT));
}

bool do_syscall_64(struct pt_regs *regs)
{
	local_irq_enable();
	syscall_dispatch(regs);
	exit_to_user_mode(regs);
	return sysret_safe(regs);
}

void exit_to_user_mode(struct pt_regs *regs)
{
	for (;;) {
		local_irq_disable();
		if (need_resched()) {
			local_irq_enable();
			schedule();
			continue;
		}
		if (user_return_work_pending()) {
			local_irq_enable();
			user_return_work(regs);
			continue;
		}
		return;
	}
}
