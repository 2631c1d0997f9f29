/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scheduler internals shared by core.c (mechanism: run queues, switching,
 * wakeups, migration, balancing) and the policy behind struct sched_ops
 * (fair.c).  Not for use outside kernel/sched/.
 *
 * Lock order:
 *	task->wake_lock  ->  rq->lock  ->  (second) rq->lock of higher CPU id
 * rq locks are raw (no preemption or lockdep accounting): the scheduler is
 * what those features call into.  They are always taken with interrupts off.
 */
#ifndef _KERNEL_SCHED_SCHED_H
#define _KERNEL_SCHED_SCHED_H

#include <tessera/rbtree.h>
#include <tessera/sched.h>
#include <tessera/smp.h>
#include <asm/irqflags.h>

struct raw_lock {
	volatile u32 locked;
};

static inline void raw_lock(struct raw_lock *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (READ_ONCE(l->locked))
			cpu_relax();
}

static inline void raw_unlock(struct raw_lock *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

struct rq {
	struct raw_lock lock;
	unsigned int cpu;
	struct task *curr;		/* protected by lock */
	struct task *idle;
	struct rb_root timeline;	/* queued tasks by vruntime; not curr */
	unsigned int nr_queued;		/* tasks in timeline */
	unsigned int nr_running;	/* nr_queued + curr if not idle */
	u64 min_vruntime;
	u64 nr_switches;
	u64 nr_balanced_in;		/* tasks pulled here by balancing */
	u64 curr_slice_start;		/* ns: when curr was picked */
	u64 idle_since_tick;		/* for balancing decisions */
} __aligned(64);

/* Scheduling policy, one per file (fair.c today). */
struct sched_ops {
	const char *name;
	/* Queue a runnable task that is not running. */
	void (*enqueue)(struct rq *rq, struct task *t);
	/* Remove a queued (not running) task. */
	void (*dequeue)(struct rq *rq, struct task *t);
	/* Take the next task out of the queue, or NULL. */
	struct task *(*pick_next)(struct rq *rq);
	/* Charge @delta_ns of CPU time to the running task. */
	void (*account)(struct rq *rq, struct task *t, u64 delta_ns);
	/* Tick: should curr give up the CPU? */
	bool (*tick_preempt)(struct rq *rq, struct task *curr, u64 ran_ns);
	/* Should @woken preempt @curr? */
	bool (*wakeup_preempt)(struct rq *rq, struct task *curr,
			       struct task *woken);
	/* Placement of a task arriving on @rq (new, woken or migrated). */
	void (*place)(struct rq *rq, struct task *t, bool initial);
	/* A task leaves @rq for good (sleep or migration): make vruntime relative. */
	void (*detach)(struct rq *rq, struct task *t);
	unsigned int (*weight_of_nice)(int nice);
};

extern const struct sched_ops fair_sched_ops;
extern struct rq runqueues[NR_CPUS];

static inline struct rq *cpu_rq(unsigned int cpu)
{
	return &runqueues[cpu];
}

static inline struct rq *this_rq(void)
{
	return cpu_rq(smp_processor_id());
}

#endif /* _KERNEL_SCHED_SCHED_H */
