/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The oops report: header, registers, Code: bytes, raw stack words and a
 * symbolic call trace, in the layout Linux uses (Documentation/debugging.md
 * explains each line).  The die lock and panic are in kernel/panic.c.
 *
 * This code runs when something is already broken, so it never follows a
 * pointer it has not checked: stack words are read only inside a known
 * stack (the current task's, the boot stack or an IST stack), code bytes
 * only inside kernel text.  The call trace walks the frame-pointer chain
 * (the kernel is built with -fno-omit-frame-pointer) while scanning every
 * stack word above the stack pointer: return addresses on the chain are
 * printed plainly, other text addresses with "? " (unreliable: a stale
 * value, or a frame whose prologue had not run yet).
 */
#include <tessera/kallsyms.h>
#include <tessera/kernel.h>
#include <tessera/node.h>
#include <tessera/panic.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/smp.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/ptrace.h>

#define CODE_BYTES_BEFORE	43
#define CODE_BYTES_AFTER	21
#define STACK_DUMP_WORDS	24
#define STACK_WORDS_PER_LINE	8
#define MAX_RELIABLE_FRAMES	32
#define MAX_TRACE_LINES		48

extern char boot_stack[], boot_stack_top[];

struct stack_window {
	unsigned long base;		/* lowest valid address */
	unsigned long top;		/* one past the highest */
};

/*
 * current and the CPU number, safe before per-CPU data exists: until
 * GS.base is set (asm/percpu.h) they would read from address 0 + offset.
 */
struct task *oops_current(void)
{
	return rdmsr(MSR_GS_BASE) ? current : NULL;
}

unsigned int oops_cpu(void)
{
	return rdmsr(MSR_GS_BASE) ? smp_processor_id() : 0;
}

static bool window_has(const struct stack_window *w, unsigned long addr,
		       unsigned long len)
{
	return addr >= w->base && addr <= w->top && len <= w->top - addr;
}

/*
 * Find the known stack that contains [addr, addr + 8): @task's (the
 * current task's when @task is NULL), the boot stack or an IST stack.
 */
static bool find_stack(struct task *task, unsigned long addr,
		       struct stack_window *w)
{
	unsigned int ist;

	if (!task)
		task = oops_current();

	if (task && task->stack_top > task->stack_base) {
		w->base = task->stack_base;
		w->top = task->stack_top;
		if (window_has(w, addr, 8))
			return true;
	}
	w->base = (unsigned long)boot_stack;
	w->top = (unsigned long)boot_stack_top;
	if (window_has(w, addr, 8))
		return true;
	for (ist = 1; ist <= N_IST_STACKS; ist++) {
		if (ist_stack_bounds(ist, &w->base, &w->top) &&
		    window_has(w, addr, 8))
			return true;
	}
	return false;
}

/*
 * Where to start reading stack words for a context with stack pointer @sp
 * and frame pointer @bp: @sp itself if it is in a known stack; else (the
 * stack overflowed into its guard page) the bottom of the stack @bp is in.
 * Returns 0 if neither is in a known stack.
 */
static unsigned long stack_start(struct task *task, unsigned long sp,
				 unsigned long bp, struct stack_window *w)
{
	sp = ALIGN(sp, 8);
	if (find_stack(task, sp, w))
		return sp;
	if (find_stack(task, bp, w))
		return w->base;
	return 0;
}

static void print_symbol_line(const char *prefix, unsigned long addr)
{
	char sym[KSYM_SYMBOL_LEN];

	sprint_symbol(sym, sizeof(sym), addr);
	printk(KERN_EMERG "%s%s\n", prefix, sym);
}

static void show_trace(struct task *task, unsigned long sp, unsigned long bp)
{
	struct stack_window w;
	unsigned long p, frame, start;
	int reliable = 0, lines = 0;

	printk(KERN_EMERG "Call Trace:\n");
	start = stack_start(task, sp, bp, &w);
	if (!start) {
		printk(KERN_EMERG " <stack at %016lx is not a known stack>\n", sp);
		return;
	}
	frame = (IS_ALIGNED(bp, 8) && window_has(&w, bp, 16)) ? bp : 0;

	for (p = start; window_has(&w, p, 8) && lines < MAX_TRACE_LINES;
	     p += 8) {
		unsigned long word = *(unsigned long *)p;

		if (frame && p == frame + 8) {
			unsigned long next = *(unsigned long *)frame;

			if (kallsyms_is_text(word)) {
				print_symbol_line(" ", word);
				lines++;
			}
			/* The chain must climb the same stack. */
			if (next > frame && IS_ALIGNED(next, 8) &&
			    window_has(&w, next, 16))
				frame = next;
			else
				frame = 0;
			if (++reliable >= MAX_RELIABLE_FRAMES)
				break;
			continue;
		}
		if (kallsyms_is_text(word)) {
			print_symbol_line(" ? ", word);
			lines++;
		}
	}
}

static void show_stack_words(unsigned long sp, unsigned long bp)
{
	struct stack_window w;
	unsigned long p = stack_start(NULL, sp, bp, &w);
	char line[STACK_WORDS_PER_LINE * 17 + 1];
	int i, n;

	printk(KERN_EMERG "Stack:\n");
	if (!p)
		return;
	for (i = 0; i < STACK_DUMP_WORDS / STACK_WORDS_PER_LINE; i++) {
		n = 0;
		while (n < STACK_WORDS_PER_LINE && window_has(&w, p, 8)) {
			snprintf(line + n * 17, sizeof(line) - n * 17, " %016lx",
				 *(unsigned long *)p);
			p += 8;
			n++;
		}
		if (!n)
			break;
		printk(KERN_EMERG "%s\n", line);
	}
}

static void show_code(unsigned long rip)
{
	unsigned long text = (unsigned long)_text, etext = (unsigned long)_etext;
	unsigned long start, end, a;
	char line[8 + 4 * (CODE_BYTES_BEFORE + CODE_BYTES_AFTER)];
	int len;

	if (rip < text || rip >= etext) {
		printk(KERN_EMERG "Code: Unable to access opcode bytes at RIP 0x%lx.\n",
		       rip);
		return;
	}
	start = rip - text >= CODE_BYTES_BEFORE ? rip - CODE_BYTES_BEFORE : text;
	end = etext - rip >= CODE_BYTES_AFTER ? rip + CODE_BYTES_AFTER : etext;
	len = scnprintf(line, sizeof(line), "Code:");
	for (a = start; a < end; a++) {
		u8 byte = *(const u8 *)a;

		len += scnprintf(line + len, sizeof(line) - len,
				 a == rip ? " <%02x>" : " %02x", byte);
	}
	printk(KERN_EMERG "%s\n", line);
}

void dump_stack_print_info(void)
{
	struct task *task = oops_current();

	printk(KERN_EMERG "CPU: %u PID: %d Comm: %.*s Role: %s Node: %u Tainted: %s\n",
	       oops_cpu(), task ? task->pid : 0, TASK_COMM_LEN,
	       task ? task->comm : "<none>", node_role_name(node_role),
	       node_id, print_tainted());
}

static void show_register_dump(struct pt_regs *regs)
{
	char sym[KSYM_SYMBOL_LEN];

	sprint_symbol(sym, sizeof(sym), regs->rip);
	printk(KERN_EMERG "RIP: %04lx:%s\n", regs->cs & 0xffff, sym);
	show_code(regs->rip);
	printk(KERN_EMERG "RSP: %04lx:%016lx EFLAGS: %08lx\n",
	       regs->ss & 0xffff, regs->rsp, regs->rflags);
	printk(KERN_EMERG "RAX: %016lx RBX: %016lx RCX: %016lx\n",
	       regs->rax, regs->rbx, regs->rcx);
	printk(KERN_EMERG "RDX: %016lx RSI: %016lx RDI: %016lx\n",
	       regs->rdx, regs->rsi, regs->rdi);
	printk(KERN_EMERG "RBP: %016lx R08: %016lx R09: %016lx\n",
	       regs->rbp, regs->r8, regs->r9);
	printk(KERN_EMERG "R10: %016lx R11: %016lx R12: %016lx\n",
	       regs->r10, regs->r11, regs->r12);
	printk(KERN_EMERG "R13: %016lx R14: %016lx R15: %016lx\n",
	       regs->r13, regs->r14, regs->r15);
	printk(KERN_EMERG "FS:  %016llx(%04x) GS:%016llx(%04x) knlGS:%016llx\n",
	       (unsigned long long)rdmsr(MSR_FS_BASE), read_segment_fs(),
	       (unsigned long long)rdmsr(MSR_GS_BASE), read_segment_gs(),
	       (unsigned long long)rdmsr(MSR_KERNEL_GS_BASE));
	printk(KERN_EMERG "CS:  %04lx DS: %04x ES: %04x CR0: %016lx\n",
	       regs->cs & 0xffff, read_segment_ds(), read_segment_es(),
	       read_cr0());
	printk(KERN_EMERG "CR2: %016lx CR3: %016lx CR4: %016lx\n",
	       read_cr2(), read_cr3(), read_cr4());
}

void show_regs(struct pt_regs *regs)
{
	dump_stack_print_info();
	show_register_dump(regs);
	show_stack_words(regs->rsp, regs->rbp);
	show_trace(NULL, regs->rsp, regs->rbp);
}

/* Set by crash=nested (arch/x86/kernel/crash_test.c); read here. */
bool crash_test_fault_in_oops;

/* Inject the second fault of crash=nested (CONFIG_CRASH_TEST only). */
static void crash_test_maybe_fault(void)
{
	volatile int *volatile null_ptr = NULL;

	if (IS_ENABLED(CONFIG_CRASH_TEST) &&
	    READ_ONCE(crash_test_fault_in_oops)) {
		WRITE_ONCE(crash_test_fault_in_oops, false);
		*null_ptr = 1;
	}
}

void __die(const char *str, struct pt_regs *regs, long err)
{
	char sym[KSYM_SYMBOL_LEN];

	sprint_symbol(sym, sizeof(sym), regs->rip);
	printk(KERN_EMERG "IP: %s\n", sym);
	printk(KERN_EMERG "%s: %04lx [#%d]%s\n", str, err & 0xffff,
	       oops_count(), CONFIG_NR_CPUS > 1 ? " SMP" : "");
	crash_test_maybe_fault();
	show_regs(regs);
}

__noinline void dump_stack(void)
{
	unsigned long sp;

	__asm__ __volatile__("movq %%rsp, %0" : "=r"(sp));
	dump_stack_print_info();
	show_trace(NULL, sp, (unsigned long)__builtin_frame_address(0));
}

/*
 * The call trace of @t, a task switched out on another CPU's behalf:
 * __switch_to_asm left its callee-saved registers at thread.sp, %rbp
 * sixth, then the return address into the scheduler.  The caller keeps
 * @t alive; if @t starts running meanwhile the words read are stale but
 * still inside its stack (the walk never leaves it).
 */
void show_task_stack(struct task *t)
{
	unsigned long sp = READ_ONCE(t->thread.sp);

	if (t == oops_current() || READ_ONCE(t->on_cpu)) {
		printk(KERN_EMERG "Call Trace:\n");
		printk(KERN_EMERG " <%s is running on CPU %u>\n", t->comm,
		       READ_ONCE(t->cpu));
		return;
	}
	if (!IS_ALIGNED(sp, 8) || sp < t->stack_base ||
	    t->stack_top - sp < 7 * 8) {
		printk(KERN_EMERG "Call Trace:\n");
		printk(KERN_EMERG " <saved stack pointer %016lx of %s is not in its stack>\n",
		       sp, t->comm);
		return;
	}
	show_trace(t, sp + 6 * 8, *(unsigned long *)(sp + 5 * 8));
}
