/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPU exceptions (vectors 0..31): what each one means for the kernel.
 *
 * Kernel-mode faults are bugs: they print an oops (kernel/panic.c's
 * oops_begin/oops_end around arch/x86/kernel/dumpstack.c's __die) and the
 * node panics.  Three exceptions continue: a WARN (a ud2 listed as a
 * warning in __bug_table) prints its report and skips the ud2; int3 and
 * NMI print and return.  Double fault, NMI and machine check run on their
 * own IST stacks (arch/x86/kernel/cpu.c), so a kernel stack overflow,
 * which double-faults, can still be reported.
 *
 * Exceptions from user mode (CPL 3) go to user_trap_hook first; the
 * processor manager installs it.  Without a hook they are fatal too.
 * Kernel-mode page faults and #GPs are first offered to the user-memory
 * fixups of arch/x86/mm/user.c (kernel_fault_fixup(), uaccess_fixup()):
 * a system call copying from a bad user pointer gets -EFAULT, and a
 * kernel PML4 entry missing from a process PML4 is filled in.
 */
#include <tessera/bug.h>
#include <tessera/ipi.h>
#include <tessera/kallsyms.h>
#include <tessera/kernel.h>
#include <tessera/panic.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/syscall.h>
#include <asm/traps.h>
#include <asm/user_pgtable.h>

#define UD2_LEN			2
#define X86_EFLAGS_TF		0x100UL
#define NULL_DEREF_LIMIT	(16 * PAGE_SIZE)

user_trap_hook_t user_trap_hook;

static const char *const exception_names[NR_EXCEPTION_VECTORS] = {
	[X86_TRAP_DE] = "divide error",
	[X86_TRAP_DB] = "debug",
	[X86_TRAP_NMI] = "NMI",
	[X86_TRAP_BP] = "int3",
	[X86_TRAP_OF] = "overflow",
	[X86_TRAP_BR] = "bounds",
	[X86_TRAP_UD] = "invalid opcode",
	[X86_TRAP_NM] = "device not available",
	[X86_TRAP_DF] = "double fault",
	[X86_TRAP_OLD_MF] = "coprocessor segment overrun",
	[X86_TRAP_TS] = "invalid TSS",
	[X86_TRAP_NP] = "segment not present",
	[X86_TRAP_SS] = "stack segment",
	[X86_TRAP_GP] = "general protection fault",
	[X86_TRAP_PF] = "page fault",
	[X86_TRAP_MF] = "coprocessor error",
	[X86_TRAP_AC] = "alignment check",
	[X86_TRAP_MC] = "machine check",
	[X86_TRAP_XF] = "simd exception",
	[X86_TRAP_VE] = "virtualization exception",
	[X86_TRAP_CP] = "control protection fault",
	[X86_TRAP_VC] = "VMM communication exception",
	[X86_TRAP_SX] = "security exception",
};

const char *x86_exception_name(unsigned int vector)
{
	return vector < NR_EXCEPTION_VECTORS ? exception_names[vector] : NULL;
}

static unsigned long error_code(const struct pt_regs *regs)
{
	return regs->orig_rax == (unsigned long)-1 ? 0 : regs->orig_rax;
}

/* Offer a CPL 3 exception to the hook; true if it was handled. */
static bool user_trap(struct pt_regs *regs, unsigned int vector,
		      unsigned long cr2)
{
	user_trap_hook_t hook = READ_ONCE(user_trap_hook);

	if (!user_mode(regs))
		return false;
	if (hook && hook(regs, vector, error_code(regs), cr2))
		return true;
	printk(KERN_EMERG "user-mode %s at ip %016lx sp %016lx: no handler\n",
	       exception_names[vector] ? exception_names[vector] : "exception",
	       regs->rip, regs->rsp);
	return false;
}

static void fatal_trap(struct pt_regs *regs, unsigned int vector)
{
	char str[48];

	if (user_trap(regs, vector, 0))
		return;
	if (vector == X86_TRAP_GP && !user_mode(regs) && uaccess_fixup(regs))
		return;
	if (exception_names[vector])
		die(exception_names[vector], regs, error_code(regs));
	snprintf(str, sizeof(str), "unhandled exception vector %u", vector);
	die(str, regs, error_code(regs));
}

/* Is @addr in the unmapped page just below the current task's stack? */
static bool in_stack_guard(unsigned long addr)
{
	struct task *task = oops_current();

	return task && task->stack_guarded && addr < task->stack_base &&
	       addr >= task->stack_base - PAGE_SIZE;
}

/* Only after in_stack_guard() said yes. */
static void print_stack_guard_hit(unsigned long addr)
{
	struct task *task = oops_current();

	printk(KERN_EMERG "BUG: stack guard page was hit at %016lx (stack is %016lx..%016lx)\n",
	       addr, task->stack_base, task->stack_top);
}

static const char *pf_access(unsigned long err)
{
	if (err & X86_PF_INSTR)
		return "instruction fetch";
	return err & X86_PF_WRITE ? "write access" : "read access";
}

static const char *pf_reason(unsigned long err)
{
	if (err & X86_PF_RSVD)
		return "reserved bit violation";
	return err & X86_PF_PROT ? "permissions violation" : "not-present page";
}

/* The extra line for writes into the read-only image and NX fetches. */
static void pf_hint(struct pt_regs *regs, unsigned long addr,
		    unsigned long err)
{
	char sym[KSYM_SYMBOL_LEN];
	const char *what = NULL;

	if ((err & X86_PF_PROT) && (err & X86_PF_WRITE)) {
		if (addr >= (unsigned long)_text && addr < (unsigned long)_etext)
			what = "kernel text";
		else if (addr >= (unsigned long)__start_rodata &&
			 addr < (unsigned long)__end_rodata)
			what = "kernel rodata";
	}
	if (what) {
		sprint_symbol(sym, sizeof(sym), regs->rip);
		printk(KERN_EMERG "BUG: write to read-only %s at %016lx by %s\n",
		       what, addr, sym);
	}
	if ((err & X86_PF_PROT) && (err & X86_PF_INSTR)) {
		if (addr < USER_ADDR_END && x86_smep_enabled)
			printk(KERN_EMERG "kernel tried to execute a user page (SMEP) - exploit attempt?\n");
		else
			printk(KERN_EMERG "kernel tried to execute NX-protected page - exploit attempt?\n");
	} else if ((err & X86_PF_PROT) && addr < USER_ADDR_END &&
		   x86_smap_enabled && !(regs->rflags & X86_EFLAGS_AC_BIT)) {
		printk(KERN_EMERG "kernel accessed a user page without STAC (SMAP)\n");
	}
	if (in_stack_guard(addr))
		print_stack_guard_hit(addr);
}

static void do_page_fault(struct pt_regs *regs)
{
	unsigned long cr2 = read_cr2();
	unsigned long err = error_code(regs);
	unsigned long flags;

	if (user_trap(regs, X86_TRAP_PF, cr2))
		return;
	if (!user_mode(regs) && kernel_fault_fixup(regs, cr2, err))
		return;
	flags = oops_begin();
	if (cr2 < NULL_DEREF_LIMIT)
		printk(KERN_EMERG "BUG: unable to handle kernel NULL pointer dereference at %016lx\n",
		       cr2);
	else
		printk(KERN_EMERG "BUG: unable to handle kernel paging request at %016lx\n",
		       cr2);
	printk(KERN_EMERG "#PF: %s %s in %s mode\n",
	       err & X86_PF_USER ? "user" : "supervisor", pf_access(err),
	       user_mode(regs) ? "user" : "kernel");
	printk(KERN_EMERG "#PF: error_code(0x%04lx) - %s\n", err,
	       pf_reason(err));
	pf_hint(regs, cr2, err);
	__die("Oops", regs, err);
	oops_end(flags, regs);
}

static void report_warning(struct pt_regs *regs, const struct bug_entry *bug)
{
	char sym[KSYM_SYMBOL_LEN];

	sprint_symbol(sym, sizeof(sym), regs->rip);
	if (!(bug->flags & BUGFLAG_NO_CUT_HERE))
		printk(KERN_WARNING "------------[ cut here ]------------\n");
	printk(KERN_WARNING "WARNING: CPU: %u PID: %d at %s:%u %s\n",
	       oops_cpu(), oops_current() ? oops_current()->pid : 0,
	       bug->file, bug->line, sym);
	add_taint(TAINT_WARN);
	show_regs(regs);
	printk(KERN_WARNING "---[ end trace %016llx ]---\n", 0ULL);
}

static void do_invalid_op(struct pt_regs *regs)
{
	const struct bug_entry *bug = NULL;
	unsigned long flags;

	if (!user_mode(regs))
		bug = find_bug(regs->rip);
	if (!bug) {
		fatal_trap(regs, X86_TRAP_UD);
		return;
	}
	if (bug->flags & BUGFLAG_WARNING) {
		report_warning(regs, bug);
		regs->rip += UD2_LEN;
		return;
	}
	flags = oops_begin();
	printk(KERN_EMERG "------------[ cut here ]------------\n");
	printk(KERN_EMERG "kernel BUG at %s:%u!\n", bug->file, bug->line);
	__die("invalid opcode", regs, 0);
	oops_end(flags, regs);
}

/* On IST_DOUBLE_FAULT.  A double fault is an abort: never returns. */
static void do_double_fault(struct pt_regs *regs)
{
	unsigned long cr2 = read_cr2();
	unsigned long err = error_code(regs);
	unsigned long flags = oops_begin();

	if (in_stack_guard(cr2) || in_stack_guard(regs->rsp)) {
		print_stack_guard_hit(in_stack_guard(cr2) ? cr2 : regs->rsp);
		__die("kernel stack overflow (double-fault)", regs, err);
	} else {
		__die("double fault", regs, err);
	}
	oops_end(flags, regs);
}

static void do_int3(struct pt_regs *regs)
{
	char sym[KSYM_SYMBOL_LEN];

	if (user_trap(regs, X86_TRAP_BP, 0))
		return;
	/* RIP is past the one-byte int3. */
	sprint_symbol(sym, sizeof(sym), regs->rip - 1);
	printk(KERN_WARNING "int3 at %s\n", sym);
	show_regs(regs);
	printk(KERN_WARNING "---[ end trace %016llx ]---\n", 0ULL);
}

static void do_debug(struct pt_regs *regs)
{
	char sym[KSYM_SYMBOL_LEN];

	if (user_trap(regs, X86_TRAP_DB, 0))
		return;
	sprint_symbol(sym, sizeof(sym), regs->rip);
	printk(KERN_WARNING "debug exception at %s, single-step off\n", sym);
	regs->rflags &= ~X86_EFLAGS_TF;
}

static void do_nmi(struct pt_regs *regs)
{
	if (nmi_service_handler(regs))
		return;
	printk(KERN_EMERG "NMI received for unknown reason on CPU %u, continuing\n",
	       oops_cpu());
}

void do_exception(struct pt_regs *regs, unsigned int vector)
{
	switch (vector) {
	case X86_TRAP_PF:
		do_page_fault(regs);
		break;
	case X86_TRAP_UD:
		do_invalid_op(regs);
		break;
	case X86_TRAP_DF:
		do_double_fault(regs);
		break;
	case X86_TRAP_BP:
		do_int3(regs);
		break;
	case X86_TRAP_DB:
		do_debug(regs);
		break;
	case X86_TRAP_NMI:
		do_nmi(regs);
		break;
	default:
		fatal_trap(regs, vector);
		break;
	}
}
