// SPDX-License-Identifier: GPL-2.0
/*
 * The run profiler: where a program run's time goes on the processor
 * node (`processor.profile=1`; Documentation/debugging.md).
 *
 * Owns the counters and the report; the hooks sit where the time is
 * spent and are inlines of <tessera/profile.h>, one test of profile_on
 * each when off:
 *  - the LAPIC timer tick (arch/x86/kernel/apic.c) samples what it
 *    interrupted: user, kernel or idle (the idle task, or any halted
 *    CPU), the kernel function (kallsyms) or the user page.  Each CPU
 *    writes only its own tables, with interrupts off.  The report first
 *    stops sampling and waits out a tick in flight on any CPU, so the
 *    class counts and the symbol and page tables it prints are one
 *    snapshot (the report's own ticks, printing to a slow serial port,
 *    are not counted);
 *  - accounted waits: the memory miss round trip (mm_remote.c), storage
 *    calls (fs.c), futex waits (futex.c) and, from the scheduler, any
 *    other voluntary block of a user thread;
 *  - syscall_dispatch() times every syscall.
 * Times come from the TSC (ktime_get()): inside the guest, ratios are
 * right even when the guest's absolute time drifts from the host's.
 *
 * profile_run_begin() resets everything (the tick tables by a generation
 * number each CPU checks at its next tick), profile_run_end() prints.
 * The runner calls them one run at a time.
 */
#define pr_fmt(fmt) "profile: " fmt

#include <tessera/atomic.h>
#include <tessera/kallsyms.h>
#include <tessera/kernel.h>
#include <tessera/params.h>
#include <tessera/printk.h>
#include <tessera/profile.h>
#include <tessera/sched.h>
#include <tessera/smp.h>
#include <tessera/time.h>
#include <uapi/unistd_64.h>
#include <asm/irqflags.h>
#include <asm/page.h>
#include <asm/ptrace.h>

bool profile_on;
PARAM_BOOL("processor.profile", profile_on,
	   "profile each program run: tick samples, waits, syscalls (\"profile:\" lines at exit)");

#define PROF_KSYM_SLOTS		256
#define PROF_UPAGE_SLOTS	512
#define PROF_TOP_SYMS		15
#define PROF_TOP_PAGES		10
#define PROF_TOP_SYSCALLS	15

struct prof_cpu {
	u64 gen;			/* profile_gen when last cleared */
	int in_tick;			/* inside __profile_tick() */
	u64 nr_user, nr_kernel, nr_idle;
	struct prof_hist ksyms;		/* key: start of the function */
	struct prof_hist upages;	/* key: page of the user RIP */
	struct prof_slot ksym_slots[PROF_KSYM_SLOTS];
	struct prof_slot upage_slots[PROF_UPAGE_SLOTS];
} __aligned(64);

static struct prof_cpu prof_cpus[NR_CPUS];
static volatile u64 profile_gen = 1;
static int profile_frozen;		/* the report is reading the tables */
static u64 run_start_ns;

static atomic64_t wait_ns[PROFILE_NR_WAITS];
static atomic64_t wait_count[PROFILE_NR_WAITS];
static const char *const wait_names[PROFILE_NR_WAITS] = {
	[PROFILE_WAIT_MISS] = "miss",
	[PROFILE_WAIT_P2S] = "storage",
	[PROFILE_WAIT_FUTEX] = "futex",
	[PROFILE_WAIT_SLEEP] = "sleep",
};

/* Index NR_SYSCALLS: every number outside the table. */
static u64 sc_count[NR_SYSCALLS + 1];
static u64 sc_ns[NR_SYSCALLS + 1];

/* For the report: the CPUs' tables merged, the syscalls as slots. */
static struct prof_slot merged_slots[PROF_UPAGE_SLOTS * 2];
static struct prof_slot sc_slots[NR_SYSCALLS + 1];
static struct prof_slot top[PROF_TOP_SYSCALLS];

/* ------------------------------------------------------------ hooks */

#define X86_HLT		0xf4

/*
 * Did the tick wake the CPU from a halt?  Then it was idle, whichever
 * task halted it (the idle task, or a runnable task waiting in a hlt
 * loop, as the boot thread did at the end of rest_init() before it
 * learned to sleep).
 */
static bool prof_halted(const struct pt_regs *regs)
{
	unsigned long prev = regs->rip - 1;

	return kallsyms_is_text(prev) && *(const u8 *)prev == X86_HLT;
}

void __profile_tick(struct pt_regs *regs)
{
	struct prof_cpu *pc = &prof_cpus[smp_processor_id()];
	struct task *t = current;
	unsigned long off;
	u64 gen = profile_gen;

	/* Pairs with profile_freeze(): either it sees in_tick or we see frozen. */
	WRITE_ONCE(pc->in_tick, 1);
	smp_mb();
	if (READ_ONCE(profile_frozen))
		goto out;
	if (pc->gen != gen) {
		pc->nr_user = pc->nr_kernel = pc->nr_idle = 0;
		prof_hist_init(&pc->ksyms, pc->ksym_slots, PROF_KSYM_SLOTS);
		prof_hist_init(&pc->upages, pc->upage_slots,
			       PROF_UPAGE_SLOTS);
		WRITE_ONCE(pc->gen, gen);
	}
	if (user_mode(regs)) {
		WRITE_ONCE(pc->nr_user, pc->nr_user + 1);
		prof_hist_add(&pc->upages, regs->rip & PAGE_MASK, 1, 0);
	} else if ((t->flags & PF_IDLE) || prof_halted(regs)) {
		WRITE_ONCE(pc->nr_idle, pc->nr_idle + 1);
	} else {
		WRITE_ONCE(pc->nr_kernel, pc->nr_kernel + 1);
		/* Key 0: outside every kernel symbol. */
		if (!kallsyms_lookup(regs->rip, NULL, &off, NULL))
			off = regs->rip;
		prof_hist_add(&pc->ksyms, regs->rip - off, 1, 0);
	}
out:
	smp_mb();
	WRITE_ONCE(pc->in_tick, 0);
}

/* Stop sampling and wait until no CPU is inside __profile_tick(). */
void profile_freeze(void)
{
	unsigned int cpu;

	WRITE_ONCE(profile_frozen, 1);
	smp_mb();
	for_each_possible_cpu(cpu)
		while (READ_ONCE(prof_cpus[cpu].in_tick))
			cpu_relax();
	smp_mb();
}

u64 __profile_wait_begin(void)
{
	current->prof_wait_depth++;
	return ktime_get() | 1;
}

void __profile_wait_end(enum profile_wait kind, u64 start)
{
	u64 now = ktime_get();

	current->prof_wait_depth--;
	atomic64_add(now > start ? now - start : 0, &wait_ns[kind]);
	atomic64_inc(&wait_count[kind]);
}

void __profile_syscall(unsigned long nr, u64 start)
{
	u64 now = ktime_get();

	if (nr > NR_SYSCALLS)
		nr = NR_SYSCALLS;
	__atomic_fetch_add(&sc_count[nr], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&sc_ns[nr], now > start ? now - start : 0,
			   __ATOMIC_RELAXED);
}

/* Under the run queue lock: only user threads outside a known wait. */
void __profile_sleep_begin(void)
{
	struct task *t = current;

	if (t->user_ctx && !t->prof_wait_depth)
		t->prof_sleep_start = ktime_get() | 1;
}

void __profile_sleep_end(void)
{
	struct task *t = current;
	u64 start = t->prof_sleep_start;

	if (!start)
		return;
	t->prof_sleep_start = 0;
	atomic64_add(ktime_get() - start, &wait_ns[PROFILE_WAIT_SLEEP]);
	atomic64_inc(&wait_count[PROFILE_WAIT_SLEEP]);
}

/* ------------------------------------------------------------ report */

/* The tick samples of the current run so far, on every CPU. */
u64 profile_samples(void)
{
	u64 n = 0;
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct prof_cpu *pc = &prof_cpus[cpu];

		if (READ_ONCE(pc->gen) == profile_gen)
			n += READ_ONCE(pc->nr_user) + READ_ONCE(pc->nr_kernel) +
			     READ_ONCE(pc->nr_idle);
	}
	return n;
}

void profile_run_begin(void)
{
	unsigned int k;

	if (!profile_on)
		return;
	for (k = 0; k < PROFILE_NR_WAITS; k++) {
		atomic64_set(&wait_ns[k], 0);
		atomic64_set(&wait_count[k], 0);
	}
	for (k = 0; k <= NR_SYSCALLS; k++) {
		WRITE_ONCE(sc_count[k], 0);
		WRITE_ONCE(sc_ns[k], 0);
	}
	run_start_ns = ktime_get();
	profile_gen++;
	smp_mb();
	WRITE_ONCE(profile_frozen, 0);
}

/* Per mille of @part in @whole, as "12.3". */
static void prof_pct(char *buf, size_t len, u64 part, u64 whole)
{
	u64 pm = whole ? part * 1000 / whole : 0;

	snprintf(buf, len, "%llu.%llu", (unsigned long long)(pm / 10),
		 (unsigned long long)(pm % 10));
}

/* Every current CPU's table @which merged into @h; returns the samples. */
static u64 prof_merge(struct prof_hist *h, bool upages)
{
	unsigned int cpu, i;
	u64 dropped = 0;

	prof_hist_init(h, merged_slots, ARRAY_SIZE(merged_slots));
	for_each_possible_cpu(cpu) {
		struct prof_cpu *pc = &prof_cpus[cpu];
		const struct prof_hist *src = upages ? &pc->upages : &pc->ksyms;

		if (READ_ONCE(pc->gen) != profile_gen)
			continue;
		for (i = 0; i < src->nr_slots; i++) {
			u64 n = READ_ONCE(src->slots[i].count);

			if (n)
				prof_hist_add(h, src->slots[i].key, n, 0);
		}
		dropped += src->nr_dropped;
	}
	h->nr_dropped += dropped;
	return prof_hist_total(h) + h->nr_dropped;
}

static void prof_report_samples(unsigned int run)
{
	u64 user = 0, kernel = 0, idle = 0, total;
	struct prof_hist h;
	unsigned int cpu, i, n;
	char pct[16];

	for_each_possible_cpu(cpu) {
		struct prof_cpu *pc = &prof_cpus[cpu];
		u64 u, k, d;

		if (READ_ONCE(pc->gen) != profile_gen)
			continue;
		u = READ_ONCE(pc->nr_user);
		k = READ_ONCE(pc->nr_kernel);
		d = READ_ONCE(pc->nr_idle);
		pr_info("run=%u cpu=%u samples=%llu user=%llu kernel=%llu idle=%llu\n",
			run, cpu, (unsigned long long)(u + k + d),
			(unsigned long long)u, (unsigned long long)k,
			(unsigned long long)d);
		user += u;
		kernel += k;
		idle += d;
	}
	total = user + kernel + idle;
	pr_info("run=%u samples=%llu user=%llu kernel=%llu idle=%llu hz=%u\n",
		run, (unsigned long long)total, (unsigned long long)user,
		(unsigned long long)kernel, (unsigned long long)idle, HZ);

	total = prof_merge(&h, false);
	n = prof_top(h.slots, h.nr_slots, PROF_BY_COUNT, top, PROF_TOP_SYMS);
	for (i = 0; i < n; i++) {
		const char *name = NULL;

		if (top[i].key)
			kallsyms_lookup(top[i].key, &name, NULL, NULL);
		prof_pct(pct, sizeof(pct), top[i].count, total);
		pr_info("run=%u ksym rank=%u samples=%llu pct=%s sym=%s\n",
			run, i + 1, (unsigned long long)top[i].count, pct,
			name ? name : "?");
	}
	if (h.nr_dropped)
		pr_info("run=%u ksym dropped=%llu\n", run,
			(unsigned long long)h.nr_dropped);

	total = prof_merge(&h, true);
	n = prof_top(h.slots, h.nr_slots, PROF_BY_COUNT, top, PROF_TOP_PAGES);
	for (i = 0; i < n; i++) {
		prof_pct(pct, sizeof(pct), top[i].count, total);
		pr_info("run=%u upage rank=%u samples=%llu pct=%s addr=%#llx\n",
			run, i + 1, (unsigned long long)top[i].count, pct,
			(unsigned long long)top[i].key);
	}
	if (h.nr_dropped)
		pr_info("run=%u upage dropped=%llu\n", run,
			(unsigned long long)h.nr_dropped);
}

static void prof_report_waits(unsigned int run)
{
	unsigned int k;

	for (k = 0; k < PROFILE_NR_WAITS; k++) {
		u64 ns = atomic64_read(&wait_ns[k]);
		u64 n = atomic64_read(&wait_count[k]);

		pr_info("run=%u wait kind=%s count=%llu total_us=%llu mean_us=%llu\n",
			run, wait_names[k], (unsigned long long)n,
			(unsigned long long)ktime_to_us(ns),
			(unsigned long long)(n ? ktime_to_us(ns) / n : 0));
	}
}

static void prof_report_syscalls(unsigned int run,
				 const char *(*syscall_name)(unsigned long))
{
	u64 calls = 0, ns = 0;
	unsigned int i, n;

	for (i = 0; i <= NR_SYSCALLS; i++) {
		sc_slots[i].key = i;
		sc_slots[i].count = READ_ONCE(sc_count[i]);
		sc_slots[i].sum = READ_ONCE(sc_ns[i]);
		calls += sc_slots[i].count;
		ns += sc_slots[i].sum;
	}
	pr_info("run=%u syscalls count=%llu total_us=%llu\n", run,
		(unsigned long long)calls, (unsigned long long)ktime_to_us(ns));
	n = prof_top(sc_slots, ARRAY_SIZE(sc_slots), PROF_BY_SUM, top,
		     PROF_TOP_SYSCALLS);
	for (i = 0; i < n; i++) {
		const char *name = top[i].key < NR_SYSCALLS && syscall_name ?
				   syscall_name(top[i].key) : NULL;

		pr_info("run=%u syscall rank=%u name=%s nr=%llu count=%llu total_us=%llu\n",
			run, i + 1, name ? name : "?",
			(unsigned long long)top[i].key,
			(unsigned long long)top[i].count,
			(unsigned long long)ktime_to_us(top[i].sum));
	}
}

void profile_run_end(unsigned int run,
		     const char *(*syscall_name)(unsigned long nr))
{
	if (!profile_on)
		return;
	profile_freeze();
	pr_info("run=%u begin wall_us=%llu\n", run,
		(unsigned long long)ktime_to_us(ktime_get() - run_start_ns));
	prof_report_samples(run);
	prof_report_waits(run);
	prof_report_syscalls(run, syscall_name);
	pr_info("run=%u end\n", run);
}
