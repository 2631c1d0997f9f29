/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scheduler, kthread, timer, per-CPU and FPU-switch tests.  They run on
 * any number of CPUs (the harness boots them with -smp 1, 2 and 4) and
 * bound every wait, so a lost wakeup fails a case instead of hanging.
 */
#include <tessera/errno.h>
#include <tessera/ktest.h>
#include <tessera/kthread.h>
#include <tessera/percpu.h>
#include <tessera/preempt.h>
#include <tessera/sched.h>
#include <tessera/smp.h>
#include <tessera/time.h>
#include <tessera/timer.h>
#include <tessera/watchdog.h>
#include <asm/fpu.h>
#include "../sched.h"

#define WAIT_LIMIT_NS	(20 * NSEC_PER_SEC)

/* Sleep-poll until *flag is set or the limit passes; true if set. */
static bool wait_for_flag(volatile int *flag, int want)
{
	u64 end = ktime_get() + WAIT_LIMIT_NS;

	while (READ_ONCE(*flag) != want) {
		if (ktime_get() > end)
			return false;
		msleep(1);
	}
	return true;
}

static int counting_thread(void *arg)
{
	volatile u64 *count = arg;

	while (!kthread_should_stop()) {
		(*count)++;
		msleep(1);
	}
	return 42;
}

static void kthread_run_and_stop(struct ktest *t)
{
	volatile u64 count = 0;
	struct task *k = kthread_run(counting_thread, (void *)&count,
				     "ktest-count-%d", 7);
	u64 end = ktime_get() + WAIT_LIMIT_NS;

	KT_ASSERT_FALSE(t, IS_ERR(k));
	KT_EXPECT_STREQ(t, k->comm, "ktest-count-7");
	while (count < 3 && ktime_get() < end)
		msleep(1);
	KT_EXPECT_GE(t, count, 3);
	KT_EXPECT_EQ(t, kthread_stop(k), 42);
}

static int never_runs(void *arg)
{
	*(int *)arg = 1;
	return 0;
}

static void kthread_stop_unstarted(struct ktest *t)
{
	int ran = 0;
	struct task *k = kthread_create(never_runs, &ran, "ktest-never");

	KT_ASSERT_FALSE(t, IS_ERR(k));
	KT_EXPECT_EQ(t, kthread_stop(k), -EINTR);
	KT_EXPECT_EQ(t, ran, 0);
}

static int exit_code_thread(void *arg)
{
	kthread_exit((int)(long)arg);
}

static void kthread_exit_code(struct ktest *t)
{
	struct task *k = kthread_run(exit_code_thread, (void *)-5L, "ktest-exit");

	KT_ASSERT_FALSE(t, IS_ERR(k));
	KT_EXPECT_EQ(t, kthread_stop(k), -5);
}

struct affinity_arg {
	unsigned int want;
	volatile int done;
	int wrong;
};

static int affinity_thread(void *arg)
{
	struct affinity_arg *a = arg;

	for (int i = 0; i < 50; i++) {
		if (smp_processor_id() != a->want)
			a->wrong++;
		if (i & 1)
			yield();
		else
			msleep(1);
	}
	WRITE_ONCE(a->done, 1);
	while (!kthread_should_stop())
		msleep(1);
	return 0;
}

static void affinity_is_honored(struct ktest *t)
{
	static struct affinity_arg args[NR_CPUS];
	struct task *ks[NR_CPUS] = { 0 };
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		args[cpu] = (struct affinity_arg){ .want = cpu };
		ks[cpu] = kthread_create_on_cpu(affinity_thread, &args[cpu], cpu,
						"ktest-aff/%u", cpu);
		KT_ASSERT_FALSE(t, IS_ERR(ks[cpu]));
		wake_up_process(ks[cpu]);
	}
	for_each_online_cpu(cpu) {
		KT_EXPECT_TRUE(t, wait_for_flag(&args[cpu].done, 1));
		KT_EXPECT_EQ(t, args[cpu].wrong, 0);
		KT_EXPECT_EQ(t, kthread_stop(ks[cpu]), 0);
	}
}

static void bind_to_offline_cpu_fails(struct ktest *t)
{
	struct task *k = kthread_create_on_cpu(never_runs, NULL, NR_CPUS - 1,
					       "ktest-offline");

	if (cpu_online(NR_CPUS - 1))
		KT_SKIP(t, "every possible CPU is online");
	KT_EXPECT_TRUE(t, IS_ERR(k));
	KT_EXPECT_EQ(t, PTR_ERR(k), -EINVAL);
	KT_EXPECT_EQ(t, set_cpus_allowed(current, 0), -EINVAL);
}

static DEFINE_PER_CPU(unsigned long, ktest_pcpu_word);

struct pcpu_arg {
	volatile int done;
};

static int pcpu_writer(void *arg)
{
	struct pcpu_arg *a = arg;

	preempt_disable();
	*this_cpu_ptr(&ktest_pcpu_word) = 0x1000 + smp_processor_id();
	preempt_enable();
	WRITE_ONCE(a->done, 1);
	return 0;
}

static void percpu_data_is_distinct(struct ktest *t)
{
	static struct pcpu_arg args[NR_CPUS];
	unsigned int cpu, other;

	for_each_online_cpu(cpu) {
		struct task *k;

		args[cpu].done = 0;
		k = kthread_create_on_cpu(pcpu_writer, &args[cpu], cpu,
					  "ktest-pcpu/%u", cpu);
		KT_ASSERT_FALSE(t, IS_ERR(k));
		wake_up_process(k);
		KT_EXPECT_TRUE(t, wait_for_flag(&args[cpu].done, 1));
		kthread_stop(k);
	}
	for_each_online_cpu(cpu) {
		KT_EXPECT_EQ(t, per_cpu(ktest_pcpu_word, cpu), 0x1000 + cpu);
		for_each_online_cpu(other)
			if (other != cpu)
				KT_EXPECT_NE(t, (unsigned long)per_cpu_ptr(&ktest_pcpu_word, cpu),
					     (unsigned long)per_cpu_ptr(&ktest_pcpu_word, other));
	}
}

static void msleep_waits_long_enough(struct ktest *t)
{
	u64 j0 = jiffies, t0 = ktime_get();

	msleep(40);
	KT_EXPECT_GE(t, jiffies - j0, msecs_to_jiffies(40));
	KT_EXPECT_GE(t, ktime_get() - t0, 40 * NSEC_PER_MSEC);
	set_current_state(TASK_UNINTERRUPTIBLE);
	KT_EXPECT_EQ(t, schedule_timeout(2), 0);
	KT_EXPECT_EQ(t, current->state, TASK_RUNNING);
}

/*
 * Ticks lost while CPU 0 ran with interrupts off (as when QEMU does not
 * schedule a virtual CPU) do not slow jiffies: they follow the TSC, so
 * after 200 ms without ticks on CPU 0 they show 200 ms at the next tick.
 * A count of ticks would show one.
 */
static void jiffies_survive_lost_ticks(struct ktest *t)
{
	u64 old_mask = current->cpus_allowed, j0, b0;
	unsigned long flags;

	KT_ASSERT_EQ(t, set_cpus_allowed(current, 1ULL), 0);
	KT_ASSERT_EQ(t, smp_processor_id(), 0);
	local_irq_save(flags);
	j0 = jiffies;
	b0 = jiffies_blind_ticks();
	mdelay(200);
	local_irq_restore(flags);
	/*
	 * The tick held pending while interrupts were off comes now; 10 ms
	 * more (two or three ticks) would add only that much to a count.
	 */
	mdelay(10);
	KT_EXPECT_GE(t, jiffies - j0, msecs_to_jiffies(200) - 1);
	/* One CPU: no tick anywhere, so the node was blind (FIT uses it). */
	if (num_online_cpus() == 1)
		KT_EXPECT_GE(t, jiffies_blind_ticks() - b0,
			     msecs_to_jiffies(200) - 2);
	set_cpus_allowed(current, old_mask);
}

/*
 * A sleep counts its deadline from jiffies_catch_up(), not from a jiffies
 * the lost ticks left behind: with this CPU's interrupts off (no tick
 * here; on one CPU, none at all) it still follows ktime_get().  Counted
 * from the stale jiffies, msleep(40) once slept 39.76 ms (smp4, loaded).
 */
static void jiffies_catch_up_follows_ktime(struct ktest *t)
{
	unsigned long flags;
	u64 j0, j1, t0, t1;

	local_irq_save(flags);
	t0 = ktime_get();
	j0 = jiffies_catch_up();
	mdelay(30);
	j1 = jiffies_catch_up();
	t1 = ktime_get();
	local_irq_restore(flags);
	KT_EXPECT_GE(t, j1 - j0, (t1 - t0) / TICK_NSEC - 1);
	KT_EXPECT_GE(t, jiffies, j1);
}

struct timer_probe {
	struct timer_list timer;
	volatile u64 fired_at;
	volatile int fired;
};

static void probe_fn(struct timer_list *tl)
{
	struct timer_probe *p = container_of(tl, struct timer_probe, timer);

	p->fired_at = jiffies;
	WRITE_ONCE(p->fired, p->fired + 1);
}

static void timers_fire_and_cancel(struct ktest *t)
{
	struct timer_probe a = { 0 }, b = { 0 };
	u64 start = jiffies;

	timer_setup(&a.timer, probe_fn);
	timer_setup(&b.timer, probe_fn);
	KT_EXPECT_FALSE(t, mod_timer(&a.timer, start + 5));
	KT_EXPECT_FALSE(t, mod_timer(&b.timer, start + 5));
	KT_EXPECT_TRUE(t, timer_pending(&b.timer));
	KT_EXPECT_TRUE(t, del_timer_sync(&b.timer));
	KT_EXPECT_FALSE(t, timer_pending(&b.timer));
	KT_EXPECT_TRUE(t, wait_for_flag(&a.fired, 1));
	/* Never early; "late" is bounded loosely: one second of ticks. */
	KT_EXPECT_GE(t, a.fired_at, start + 5);
	KT_EXPECT_LE(t, a.fired_at, start + 5 + HZ);
	msleep(40);
	KT_EXPECT_EQ(t, a.fired, 1);
	KT_EXPECT_EQ(t, b.fired, 0);
	del_timer_sync(&a.timer);
}

struct pingpong {
	struct task *a, *b;
	volatile int turn;	/* 0: a's move, 1: b's move */
	int rounds;
	volatile int done;
};

static int ponger(void *arg)
{
	struct pingpong *p = arg;

	for (int i = 0; i < p->rounds; i++) {
		for (;;) {
			set_current_state(TASK_UNINTERRUPTIBLE);
			if (READ_ONCE(p->turn) == 1)
				break;
			schedule_timeout(HZ);
		}
		__set_current_state(TASK_RUNNING);
		WRITE_ONCE(p->turn, 0);
		wake_up_process(p->a);
	}
	WRITE_ONCE(p->done, 1);
	return 0;
}

static void wakeup_ping_pong(struct ktest *t)
{
	struct pingpong p = { .a = current, .rounds = 500 };
	u64 deadline = ktime_get() + WAIT_LIMIT_NS;
	int i;

	p.b = kthread_run(ponger, &p, "ktest-pong");
	KT_ASSERT_FALSE(t, IS_ERR(p.b));
	for (i = 0; i < p.rounds && ktime_get() < deadline; i++) {
		WRITE_ONCE(p.turn, 1);
		wake_up_process(p.b);
		for (;;) {
			set_current_state(TASK_UNINTERRUPTIBLE);
			if (READ_ONCE(p.turn) == 0 || ktime_get() > deadline)
				break;
			schedule_timeout(HZ);
		}
		__set_current_state(TASK_RUNNING);
	}
	KT_EXPECT_EQ(t, i, p.rounds);
	KT_EXPECT_TRUE(t, wait_for_flag(&p.done, 1));
	kthread_stop(p.b);
}

static int busy_poller(void *arg)
{
	volatile u64 *spins = arg;

	/* Never sleeps: only preemption lets anything else run here. */
	while (!kthread_should_stop())
		(*spins)++;
	return 0;
}

struct worker_arg {
	volatile int progress;
};

static int yielding_worker(void *arg)
{
	struct worker_arg *w = arg;

	while (!kthread_should_stop()) {
		if (w->progress < 200)
			w->progress++;
		cond_resched();
	}
	return 0;
}

static void poller_does_not_starve_others(struct ktest *t)
{
	volatile u64 spins = 0;
	struct worker_arg w = { 0 };
	struct task *p, *k;
	u64 end;

	p = kthread_create_on_cpu(busy_poller, (void *)&spins, 0, "ktest-poll");
	k = kthread_create_on_cpu(yielding_worker, &w, 0, "ktest-work");
	KT_ASSERT_FALSE(t, IS_ERR(p));
	KT_ASSERT_FALSE(t, IS_ERR(k));
	wake_up_process(p);
	wake_up_process(k);
	end = ktime_get() + WAIT_LIMIT_NS;
	/* Both must make progress on the one CPU they share. */
	while ((READ_ONCE(w.progress) < 200 || !spins) && ktime_get() < end)
		msleep(5);
	KT_EXPECT_EQ(t, w.progress, 200);
	KT_EXPECT_GT(t, spins, 0);
	KT_EXPECT_EQ(t, kthread_stop(p), 0);
	KT_EXPECT_EQ(t, kthread_stop(k), 0);
}

static void nice_weights(struct ktest *t)
{
	unsigned int w0 = fair_sched_ops.weight_of_nice(0);
	unsigned int w5 = fair_sched_ops.weight_of_nice(5);
	unsigned int wm5 = fair_sched_ops.weight_of_nice(-5);

	KT_EXPECT_EQ(t, w0, 1024);
	/* 1024 * 0.8^5 = 335.5, 1024 * 1.25^5 = 3125 */
	KT_EXPECT_TRUE(t, w5 >= 334 && w5 <= 336);
	KT_EXPECT_TRUE(t, wm5 >= 3123 && wm5 <= 3126);
	KT_EXPECT_GT(t, fair_sched_ops.weight_of_nice(NICE_MAX), 0);
	KT_EXPECT_GT(t, fair_sched_ops.weight_of_nice(NICE_MIN),
		     fair_sched_ops.weight_of_nice(NICE_MIN + 1));
}

struct fpu_arg {
	u32 pattern;
	volatile int done;
	int corrupt;
};

static int fpu_thread(void *arg)
{
	struct fpu_arg *f = arg;
	u32 in[8] __aligned(32), out[8] __aligned(32);

	for (int i = 0; i < 8; i++)
		in[i] = f->pattern + i;
	for (int round = 0; round < 100; round++) {
		__asm__ __volatile__("vmovdqu (%0), %%ymm3" : : "r"(in) : "memory");
		yield();
		__asm__ __volatile__("vmovdqu %%ymm3, (%0)" : : "r"(out) : "memory");
		for (int i = 0; i < 8; i++)
			if (out[i] != in[i])
				f->corrupt++;
	}
	WRITE_ONCE(f->done, 1);
	return 0;
}

static void fpu_state_survives_switches(struct ktest *t)
{
	struct fpu_arg a = { .pattern = 0x11110000 }, b = { .pattern = 0x22220000 };
	struct task *ka, *kb;

	if (!(fpu_xfeatures() & 0x4))
		KT_SKIP(t, "no AVX state on this CPU");
	ka = kthread_create_on_cpu(fpu_thread, &a, 0, "ktest-fpu-a");
	kb = kthread_create_on_cpu(fpu_thread, &b, 0, "ktest-fpu-b");
	KT_ASSERT_FALSE(t, IS_ERR(ka));
	KT_ASSERT_FALSE(t, IS_ERR(kb));
	KT_ASSERT_EQ(t, fpu_alloc(ka), 0);
	KT_ASSERT_EQ(t, fpu_alloc(kb), 0);
	wake_up_process(ka);
	wake_up_process(kb);
	KT_EXPECT_TRUE(t, wait_for_flag(&a.done, 1));
	KT_EXPECT_TRUE(t, wait_for_flag(&b.done, 1));
	KT_EXPECT_EQ(t, a.corrupt, 0);
	KT_EXPECT_EQ(t, b.corrupt, 0);
	kthread_stop(ka);
	kthread_stop(kb);
}

static int stuck_thread(void *arg)
{
	u64 before = *(u64 *)arg;
	u64 end = ktime_get() + 10 * NSEC_PER_SEC;

	/* A deliberately stuck CPU: preemption off, spinning. */
	preempt_disable();
	while (watchdog_nr_reports() == before && ktime_get() < end)
		cpu_relax();
	preempt_enable();
	return 0;
}

static void watchdog_reports_stuck_thread(struct ktest *t)
{
	unsigned int old = watchdog_threshold();
	u64 before = watchdog_nr_reports();
	struct task *k;

	watchdog_set_threshold(1);
	k = kthread_run(stuck_thread, &before, "ktest-stuck");
	KT_ASSERT_FALSE(t, IS_ERR(k));
	kthread_stop(k);
	watchdog_set_threshold(old);
	KT_EXPECT_EQ(t, watchdog_nr_reports(), before + 1);
}

static int irqs_off_thread(void *arg)
{
	u64 before = *(u64 *)arg;
	u64 end = ktime_get() + 20 * NSEC_PER_SEC;
	unsigned long flags;

	/* A deliberately hard-stuck CPU: no ticks until its buddy reports. */
	local_irq_save(flags);
	while (watchdog_nr_hard_reports() == before && ktime_get() < end)
		cpu_relax();
	local_irq_restore(flags);
	return 0;
}

/*
 * A CPU spinning with interrupts off takes no ticks; another CPU notices
 * (after the 5 s floor) and reports it once, with an NMI backtrace.
 */
static void watchdog_reports_hard_lockup(struct ktest *t)
{
	u64 before = watchdog_nr_hard_reports();
	unsigned int old = watchdog_threshold(), other = 0, cpu;
	struct task *k;

	preempt_disable();
	for_each_online_cpu(cpu)
		if (cpu != smp_processor_id())
			other = cpu;
	preempt_enable();
	if (num_online_cpus() < 2)
		KT_SKIP(t, "needs 2 CPUs (a buddy)");
	if (!watchdog_threshold())
		KT_SKIP(t, "watchdog_thresh=0");
	/* The report needs 5 s at least: the floor, not the threshold. */
	watchdog_set_threshold(1);
	k = kthread_create_on_cpu(irqs_off_thread, &before, other,
				  "ktest-hardlock");
	if (IS_ERR(k))
		watchdog_set_threshold(old);
	KT_ASSERT_FALSE(t, IS_ERR(k));
	wake_up_process(k);
	kthread_stop(k);
	watchdog_set_threshold(old);
	KT_EXPECT_EQ(t, watchdog_nr_hard_reports(), before + 1);
}

struct spread_arg {
	volatile int stop;
	volatile u64 seen_cpus;		/* CPUs this thread has run on */
};

static int spinner(void *arg)
{
	struct spread_arg *a = arg;

	while (!READ_ONCE(a->stop)) {
		__atomic_fetch_or(&a->seen_cpus, 1ULL << smp_processor_id(),
				  __ATOMIC_RELAXED);
		cond_resched();
	}
	return 0;
}

/*
 * Start 2 CPU-bound threads per online CPU, all queued on CPU 0 (allowed
 * everywhere): balancing must spread them so that every online CPU runs
 * at least one of them.
 */
static void load_balancing_spreads_work(struct ktest *t)
{
	static struct spread_arg args[2 * NR_CPUS];
	struct task *ks[2 * NR_CPUS];
	unsigned int n = 2 * num_online_cpus(), cpu;
	u64 want = 0, seen = 0, end;

	if (num_online_cpus() < 2)
		KT_SKIP(t, "needs 2 CPUs");
	for_each_online_cpu(cpu)
		want |= 1ULL << cpu;
	for (unsigned int i = 0; i < n; i++) {
		args[i] = (struct spread_arg){ 0 };
		ks[i] = kthread_create(spinner, &args[i], "ktest-spread/%u", i);
		KT_ASSERT_FALSE(t, IS_ERR(ks[i]));
		ks[i]->cpu = 0;		/* not yet started: first wakeup lands near 0 */
		KT_ASSERT_EQ(t, set_cpus_allowed(ks[i], 1ULL << 0), 0);
		wake_up_process(ks[i]);
	}
	/* All on CPU 0 now; let them go anywhere and wait for the spread. */
	for (unsigned int i = 0; i < n; i++)
		KT_EXPECT_EQ(t, set_cpus_allowed(ks[i], ~0ULL), 0);
	end = ktime_get() + WAIT_LIMIT_NS;
	while ((seen & want) != want && ktime_get() < end) {
		msleep(10);
		seen = 0;
		for (unsigned int i = 0; i < n; i++)
			seen |= READ_ONCE(args[i].seen_cpus);
	}
	KT_EXPECT_EQ(t, seen & want, want);
	for (unsigned int i = 0; i < n; i++) {
		WRITE_ONCE(args[i].stop, 1);
		KT_EXPECT_EQ(t, kthread_stop(ks[i]), 0);
	}
}

/* Spin in the kernel until at least two ticks have sampled this thread. */
static int ticking_thread(void *arg)
{
	volatile int *done = arg;

	while (current->nr_system_ticks < 2)
		cpu_relax();
	msleep(1);			/* blocks: one voluntary switch */
	WRITE_ONCE(*done, 1);
	while (!kthread_should_stop())
		msleep(1);
	return 0;
}

/*
 * task_cputime(): a kernel thread's ticks are system ticks, never user
 * ticks; a sleep is a voluntary switch; run time is counted and only
 * grows.
 */
static void cputime_is_accounted(struct ktest *t)
{
	struct task_cputime a, b;
	volatile int done = 0;
	struct task *k = kthread_run(ticking_thread, (void *)&done,
				     "ktest-ticks");

	KT_ASSERT_FALSE(t, IS_ERR(k));
	KT_EXPECT_TRUE(t, wait_for_flag(&done, 1));
	task_cputime(k, &a);
	task_cputime(k, &b);
	KT_EXPECT_EQ(t, a.user_ticks, 0);
	KT_EXPECT_GE(t, a.system_ticks, 2);
	KT_EXPECT_GE(t, a.nr_voluntary_switches, 1);
	KT_EXPECT_GE(t, b.runtime_ns, a.runtime_ns);
	KT_EXPECT_GT(t, a.runtime_ns, 0);
	KT_EXPECT_EQ(t, kthread_stop(k), 0);
}

/*
 * The all-tasks list holds init (pid 1, the boot thread) once, and every
 * link points back: sched_init() once added the idle task a second time,
 * which cut init out of the list (found with gdb's tessera-tasks).
 */
static void task_list_holds_init_once(struct ktest *t)
{
	bool intact;
	unsigned int n = sched_tasks_with_pid(1, &intact);

	KT_EXPECT_TRUE(t, intact);
	KT_EXPECT_EQ(t, n, 1);
	KT_EXPECT_GE(t, sched_tasks_with_pid(0, &intact), 1);
	KT_EXPECT_TRUE(t, intact);
}

static struct ktest_case sched_cases[] = {
	KTEST_CASE(kthread_run_and_stop),
	KTEST_CASE(kthread_stop_unstarted),
	KTEST_CASE(kthread_exit_code),
	KTEST_CASE(affinity_is_honored),
	KTEST_CASE(bind_to_offline_cpu_fails),
	KTEST_CASE(percpu_data_is_distinct),
	KTEST_CASE(msleep_waits_long_enough),
	KTEST_CASE(jiffies_survive_lost_ticks),
	KTEST_CASE(jiffies_catch_up_follows_ktime),
	KTEST_CASE(timers_fire_and_cancel),
	KTEST_CASE(wakeup_ping_pong),
	KTEST_CASE(poller_does_not_starve_others),
	KTEST_CASE(nice_weights),
	KTEST_CASE(fpu_state_survives_switches),
	KTEST_CASE(watchdog_reports_stuck_thread),
	KTEST_CASE(watchdog_reports_hard_lockup),
	KTEST_CASE(load_balancing_spreads_work),
	KTEST_CASE(cputime_is_accounted),
	KTEST_CASE(task_list_holds_init_once),
	{}
};
KTEST_SUITE(sched, sched_cases);
