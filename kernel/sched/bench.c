/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scheduler micro-benchmarks (bench=sched):
 *
 *  ctxswitch   two threads pinned to CPU 0 hand the CPU back and forth
 *              (wake the other, sleep); one round trip is two switches.
 *              Reported per switch.
 *  wakeup_xcpu a thread on CPU 1 sleeps; CPU 0 timestamps and wakes it;
 *              the wakee timestamps when it runs.  Needs 2 CPUs.  The TSC
 *              is synchronised across vCPUs in QEMU, so ktime_get() on
 *              both sides is comparable.
 *  yield_self  yield() with nothing else runnable: the fixed cost of
 *              entering and leaving the scheduler.
 */
#include <tessera/errno.h>
#include <tessera/kbench.h>
#include <tessera/kthread.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/slab.h>
#include <tessera/smp.h>
#include <tessera/time.h>
#include <asm/irqflags.h>

#define ROUNDS		2000
#define WAKE_SAMPLES	500

struct pp {
	struct task *peer[2];
	volatile int turn;
	int rounds;
	volatile int ready;
};

static void wait_turn(struct pp *p, int me)
{
	for (;;) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		if (READ_ONCE(p->turn) == me)
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
}

static int pp_thread(void *arg)
{
	struct pp *p = arg;

	for (int i = 0; i < p->rounds; i++) {
		wait_turn(p, 1);
		WRITE_ONCE(p->turn, 0);
		wake_up_process(p->peer[0]);
	}
	while (!kthread_should_stop())
		msleep(1);
	return 0;
}

static void bench_ctxswitch(void)
{
	struct pp p = { .rounds = ROUNDS };
	u64 *samples = kmalloc_array(ROUNDS, sizeof(u64), GFP_KERNEL);
	u64 cpus_saved = current->cpus_allowed;

	if (!samples)
		return;
	set_cpus_allowed(current, 1ULL << 0);
	p.peer[0] = current;
	p.peer[1] = kthread_create_on_cpu(pp_thread, &p, 0, "bench-pp");
	if (IS_ERR(p.peer[1])) {
		kfree(samples);
		return;
	}
	wake_up_process(p.peer[1]);
	for (int i = 0; i < ROUNDS; i++) {
		u64 t0 = ktime_get();

		WRITE_ONCE(p.turn, 1);
		wake_up_process(p.peer[1]);
		wait_turn(&p, 0);
		samples[i] = (ktime_get() - t0) / 2;
	}
	kthread_stop(p.peer[1]);
	set_cpus_allowed(current, cpus_saved);
	kbench_report("sched", "ctxswitch", samples, ROUNDS, "ns");
	kfree(samples);
}

struct wk {
	volatile u64 woken_at;
	volatile int sleeping;
	volatile int stop;
};

static int wakee_thread(void *arg)
{
	struct wk *w = arg;

	while (!READ_ONCE(w->stop)) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		WRITE_ONCE(w->sleeping, 1);
		schedule();
		__set_current_state(TASK_RUNNING);
		WRITE_ONCE(w->woken_at, ktime_get());
	}
	return 0;
}

static void bench_wakeup_xcpu(void)
{
	struct wk w = { 0 };
	u64 *samples;
	struct task *k;
	unsigned int n = 0;

	if (num_online_cpus() < 2) {
		pr_info("bench: sched wakeup_xcpu skipped: needs 2 CPUs\n");
		return;
	}
	samples = kmalloc_array(WAKE_SAMPLES, sizeof(u64), GFP_KERNEL);
	if (!samples)
		return;
	set_cpus_allowed(current, 1ULL << 0);
	k = kthread_create_on_cpu(wakee_thread, &w, 1, "bench-wakee");
	if (IS_ERR(k)) {
		kfree(samples);
		return;
	}
	wake_up_process(k);
	for (int i = 0; i < WAKE_SAMPLES; i++) {
		u64 t0, deadline = ktime_get() + NSEC_PER_SEC;

		while (!READ_ONCE(w.sleeping) || READ_ONCE(k->state) == TASK_RUNNING) {
			if (ktime_get() > deadline)
				break;
			cpu_relax();
		}
		WRITE_ONCE(w.sleeping, 0);
		WRITE_ONCE(w.woken_at, 0);
		t0 = ktime_get();
		wake_up_process(k);
		while (!READ_ONCE(w.woken_at) && ktime_get() < deadline)
			cpu_relax();
		if (READ_ONCE(w.woken_at) > t0)
			samples[n++] = w.woken_at - t0;
	}
	WRITE_ONCE(w.stop, 1);
	wake_up_process(k);
	kthread_stop(k);
	set_cpus_allowed(current, ~0ULL);
	kbench_report("sched", "wakeup_xcpu", samples, n, "ns");
	kfree(samples);
}

static void bench_yield_self(void)
{
	u64 *samples = kmalloc_array(ROUNDS, sizeof(u64), GFP_KERNEL);

	if (!samples)
		return;
	for (int i = 0; i < ROUNDS; i++) {
		u64 t0 = ktime_get();

		yield();
		samples[i] = ktime_get() - t0;
	}
	kbench_report("sched", "yield_self", samples, ROUNDS, "ns");
	kfree(samples);
}

static void bench_sched(void)
{
	bench_yield_self();
	bench_ctxswitch();
	bench_wakeup_xcpu();
}
KBENCH(sched, bench_sched);
