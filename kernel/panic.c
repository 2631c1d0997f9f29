/* SPDX-License-Identifier: GPL-2.0 */
/*
 * panic(), the oops protocol (die lock, recursion guard), taint flags and
 * the __bug_table lookup behind BUG()/WARN().
 *
 * The report itself (registers, Code:, Call Trace) is printed by the arch
 * code in arch/x86/kernel/dumpstack.c; the traps that lead here are in
 * arch/x86/kernel/traps.c; the final stop is machine_halt_with_status()
 * in kernel/power.c.
 *
 * Locking: die_lock serialises oopses from different CPUs and is only
 * taken with interrupts off.  oops_depth[cpu] counts nested oopses on one
 * CPU: a second oops while the first is still printing must not wait for
 * die_lock (its own CPU holds it), so it prints one line and stops the
 * machine.  After an oops the node panics: there is no recovery.
 */
#include <fit/fit.h>
#include <tessera/bug.h>
#include <tessera/ipi.h>
#include <tessera/kernel.h>
#include <tessera/lockdep.h>
#include <tessera/panic.h>
#include <tessera/printk.h>
#include <tessera/smp.h>
#include <tessera/spinlock.h>
#include <asm/irqflags.h>
#include <asm/processor.h>

extern const struct bug_entry __start___bug_table[], __stop___bug_table[];

static DEFINE_SPINLOCK(die_lock);
static int die_counter;			/* protected by die_lock */
static unsigned int oops_depth[CONFIG_NR_CPUS];
static int panic_in_progress;
static unsigned long taint_mask;

static const char taint_letters[NR_TAINT_FLAGS] = {
	[TAINT_WARN] = 'W',
	[TAINT_DIE] = 'D',
};

void add_taint(unsigned int flag)
{
	__atomic_fetch_or(&taint_mask, 1UL << flag, __ATOMIC_RELAXED);
}

static bool test_taint(unsigned int flag)
{
	return READ_ONCE(taint_mask) & (1UL << flag);
}

const char *print_tainted(void)
{
	static char buf[2 + 2 * NR_TAINT_FLAGS];
	char *p = buf;
	unsigned int i;

	*p++ = 'G';
	for (i = 0; i < NR_TAINT_FLAGS; i++) {
		if (test_taint(i)) {
			*p++ = ' ';
			*p++ = taint_letters[i];
		}
	}
	*p = '\0';
	return buf;
}

const struct bug_entry *find_bug(unsigned long addr)
{
	const struct bug_entry *bug;

	for (bug = __start___bug_table; bug < __stop___bug_table; bug++) {
		if (bug->addr == addr)
			return bug;
	}
	return NULL;
}

void warn_printk(const char *fmt, ...)
{
	va_list args;

	printk(KERN_WARNING "------------[ cut here ]------------\n");
	va_start(args, fmt);
	vprintk(fmt, args);
	va_end(args);
}

static __noreturn void recursive_oops(unsigned int depth)
{
	/*
	 * Depth 2: the first oops faulted while printing.  Deeper: even the
	 * line below or the halt path faulted; stop without printing.
	 */
	if (depth == 2) {
		printk(KERN_EMERG "Recursive oops while printing oops, halting\n");
		machine_halt_with_status(PANIC_EXIT_STATUS);
	}
	cpu_halt_forever();
}

/*
 * Start an oops report: interrupts off, recursion check, die lock, printk
 * straight to the consoles.  Returns the saved interrupt flags for
 * oops_end().
 */
unsigned long oops_begin(void)
{
	unsigned int cpu = oops_cpu() % CONFIG_NR_CPUS;
	unsigned long flags;

	local_irq_save(flags);
	if (++oops_depth[cpu] > 1)
		recursive_oops(oops_depth[cpu]);
	spin_lock(&die_lock);
	printk_enter_oops_mode();
	die_counter++;
	return flags;
}

int oops_count(void)
{
	return die_counter;
}

/*
 * Finish an oops: end marker, then panic.  oops_depth stays raised, so a
 * fault on the panic path is caught as a recursive oops and cannot loop.
 */
void oops_end(unsigned long flags, struct pt_regs *regs)
{
	add_taint(TAINT_DIE);
	printk(KERN_EMERG "---[ end trace %016llx ]---\n", 0ULL);
	spin_unlock(&die_lock);
	panic("Fatal exception");
}

void die(const char *str, struct pt_regs *regs, long err)
{
	unsigned long flags = oops_begin();

	__die(str, regs, err);
	oops_end(flags, regs);
}

/*
 * Stop the node: "Kernel panic - not syncing: <msg>", the caller's stack
 * (unless an oops just printed one), the end line, then
 * machine_halt_with_status(PANIC_EXIT_STATUS).  Never returns; a panic
 * inside panic just halts this CPU.
 */
bool kernel_panicking(void)
{
	return __atomic_load_n(&panic_in_progress, __ATOMIC_RELAXED) != 0;
}

void panic(const char *fmt, ...)
{
	static char buf[256];
	va_list args;
	size_t len;

	local_irq_disable();
	if (__atomic_fetch_add(&panic_in_progress, 1, __ATOMIC_SEQ_CST))
		cpu_halt_forever();
	printk_enter_oops_mode();

	va_start(args, fmt);
	vscnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);
	len = 0;
	while (buf[len])
		len++;
	if (len && buf[len - 1] == '\n')
		buf[len - 1] = '\0';

	printk(KERN_EMERG "Kernel panic - not syncing: %s\n", buf);
	if (!test_taint(TAINT_DIE))
		dump_stack();
	/* Where are the other CPUs?  Runs once: panic_in_progress. */
	if (num_online_cpus() > 1) {
		trigger_all_cpu_backtrace();
		/* Nothing of this node may run on: no heartbeat, no I/O. */
		smp_stop_other_cpus();
	}
	/* The stopped CPUs may hold any lock: no more lock checking. */
	WRITE_ONCE(lockdep_enabled, false);
	fit_member_leave();
	printk(KERN_EMERG "---[ end Kernel panic - not syncing: %s ]---\n", buf);
	machine_halt_with_status(PANIC_EXIT_STATUS);
}
