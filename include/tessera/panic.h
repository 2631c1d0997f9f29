/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fatal errors: panic(), the oops protocol and taint flags (kernel/panic.c),
 * plus the arch report printer (arch/x86/kernel/dumpstack.c).
 *
 * An oops is printed between oops_begin() and oops_end():
 *
 *	flags = oops_begin();		// irqs off, die lock, printk oops mode
 *	pr_emerg("BUG: ...cause...");
 *	__die("Oops", regs, err);	// header, registers, Code:, Call Trace
 *	oops_end(flags, regs);		// end marker, then panic("Fatal exception")
 *
 * die() is the three in one.  A fault while an oops is being printed is
 * caught by a per-CPU depth counter in oops_begin(): it prints
 * "Recursive oops while printing oops, halting" and stops the machine
 * without touching the die lock.
 */
#ifndef _TESSERA_PANIC_H
#define _TESSERA_PANIC_H

#include <tessera/compiler.h>

struct pt_regs;

/* QEMU exit status (via isa-debug-exit) of a panicked node. */
#define PANIC_EXIT_STATUS	2

/* Taint flags: shown in the oops header after "Tainted: G". */
#define TAINT_WARN		0	/* 'W': a WARN fired */
#define TAINT_DIE		1	/* 'D': an oops happened */
#define NR_TAINT_FLAGS		2

__printf(1, 2) __noreturn __cold void panic(const char *fmt, ...);

unsigned long oops_begin(void);
__noreturn void oops_end(unsigned long flags, struct pt_regs *regs);
__noreturn __cold void die(const char *str, struct pt_regs *regs, long err);
/* Number of oopses so far on this boot, i.e. the n of "[#n]". */
int oops_count(void);

void add_taint(unsigned int flag);
/* "G", or "G" followed by the letters of the taint flags set ("G W D"). */
const char *print_tainted(void);

/*
 * Arch: print the oops header ("str: %04lx [#n]", CPU/PID/role line),
 * registers, Code:, Stack: and Call Trace.  Call inside oops_begin/end.
 */
void __die(const char *str, struct pt_regs *regs, long err);
/* Register dump with Code: and Call Trace (used by WARN and int3). */
void show_regs(struct pt_regs *regs);
/* The "CPU: n PID: n Comm: x Role: r Node: n Tainted: t" line. */
void dump_stack_print_info(void);
/*
 * current and smp_processor_id() for the oops path: NULL and 0 before
 * per-CPU data is set up, instead of a read through a zero GS base.
 */
struct task *oops_current(void);
unsigned int oops_cpu(void);
/* Print the caller's own call trace. */
void dump_stack(void);
/* True from the start of panic(): code on its path only tries locks. */
bool kernel_panicking(void);
/* The call trace of a task that is switched out (arch/x86/kernel/dumpstack.c). */
struct task;
void show_task_stack(struct task *t);

/*
 * Provided by kernel/power.c: print the end-of-boot marker and stop, with
 * @status as the QEMU exit code when isa-debug-exit is present.
 */
__noreturn void machine_halt_with_status(int status);

/*
 * Deliberate crashes for testing the oops path (crash= on the command
 * line): arch/x86/kernel/crash_test.c, CONFIG_CRASH_TEST.
 */
/* Set by crash=nested: __die() faults once while printing. */
extern bool crash_test_fault_in_oops;
#ifdef CONFIG_CRASH_TEST
void crash_test_run(const char *mode);
#else
static inline void crash_test_run(const char *mode)
{
}
#endif

#endif /* _TESSERA_PANIC_H */
