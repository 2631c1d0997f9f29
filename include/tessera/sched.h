/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tasks and the scheduler (kernel/sched/).
 *
 * Every thread of control is a struct task with its own kernel stack
 * (allocated in the vmalloc area below an unmapped guard page).  Each CPU
 * has a run queue; the policy (kernel/sched/fair.c) is a weighted fair
 * share by virtual runtime, so a busy-polling thread at normal priority
 * cannot starve others on its CPU.  Preemption happens on the timer tick
 * and on wakeups, whenever preempt_count is 0.
 *
 * Sleeping follows the Linux pattern, which cannot lose a wakeup:
 *
 *	set_current_state(TASK_UNINTERRUPTIBLE);
 *	if (!condition)
 *		schedule();
 *	__set_current_state(TASK_RUNNING);
 *
 * and the waker sets the condition, then calls wake_up_process(task).
 */
#ifndef _TESSERA_SCHED_H
#define _TESSERA_SCHED_H

#include <tessera/compiler.h>
#include <tessera/list.h>
#include <tessera/rbtree.h>
#include <tessera/types.h>
#include <asm/percpu.h>

#define TASK_COMM_LEN		16
#define THREAD_SIZE		(16 * 1024)	/* kernel stack, bytes */

/* task->state */
#define TASK_RUNNING		0x00
#define TASK_INTERRUPTIBLE	0x01
#define TASK_UNINTERRUPTIBLE	0x02
#define TASK_NEW		0x04	/* created, never woken */
#define TASK_DEAD		0x08
#define TASK_NORMAL		(TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE)

/* task->flags */
#define PF_KTHREAD		0x01
#define PF_IDLE			0x02
#define PF_EXITING		0x04
#define PF_NO_SETAFFINITY	0x08	/* per-CPU kthread, stays bound */

#define NICE_MIN		(-20)
#define NICE_MAX		19

#define MAX_LOCK_DEPTH		16

struct user_context;

struct held_lock {
	void *lock;
	const void *class_key;
	unsigned long acquire_ip;
};

struct thread_struct {
	unsigned long sp;	/* saved kernel %rsp while switched out */
	void *fpu;		/* XSAVE area, NULL for kernel-only tasks */
};

struct task {
	int pid;
	char comm[TASK_COMM_LEN];
	/* Lowest and one-past-highest address of the kernel stack. */
	unsigned long stack_base;
	unsigned long stack_top;
	/* The unmapped guard page is [stack_base - PAGE_SIZE, stack_base). */
	bool stack_guarded;

	volatile long state;
	unsigned int flags;
	struct thread_struct thread;

	/* Scheduling; protected by the run queue lock of task->cpu. */
	unsigned int cpu;		/* CPU it is queued or running on */
	u64 cpus_allowed;		/* affinity mask */
	int nice;
	unsigned int weight;
	u64 vruntime;
	struct rb_node run_node;
	bool on_rq;			/* in a run queue's tree or running */
	volatile int on_cpu;		/* 1 while some CPU runs it */
	volatile bool need_resched;
	u64 exec_start;			/* ns, when it last got the CPU */
	u64 sum_exec_runtime;		/* ns */
	u64 nr_switches;
	/* CPU-time accounting (getrusage, times); under the same rq lock. */
	u64 nr_user_ticks;		/* ticks that interrupted it in ring 3 */
	u64 nr_system_ticks;		/* ticks that interrupted it in ring 0 */
	u64 nr_voluntary_switches;	/* it blocked */
	u64 nr_involuntary_switches;	/* preempted or yielded */
	u64 nr_migrations;
	u64 last_switch_ns;		/* soft-lockup watchdog */

	/* Kernel threads (kernel/kthread.c). */
	struct kthread *kthread;

	/* Ring-3 state (page table, FS/GS bases) of a user thread, or NULL;
	 * installed by the context switch (arch/x86/kernel/syscall.c). */
	struct user_context *user_ctx;

	/*
	 * Nesting depth of code that must not allocate (the pcache's
	 * miss/evict path under pcache.check_alloc): kept per task, not per
	 * CPU, because such code may sleep in between and resume elsewhere.
	 */
	unsigned int no_alloc_depth;

	/*
	 * The run profiler (kernel/profile.c), only this task touches them:
	 * nesting of accounted waits (a block inside one is not a sleep),
	 * and when a sleep began (0: not sleeping, or not accounted).
	 */
	unsigned int prof_wait_depth;
	u64 prof_sleep_start;

	/* Lock debugging (kernel/locking/): locks held right now. */
	struct held_lock held_locks[MAX_LOCK_DEPTH];
	int lock_depth;

	struct list_head tasks;		/* all_tasks, under tasklist_lock */
};

static __always_inline struct task *get_current(void)
{
	return __gs_read(CPU_INFO_CURRENT, struct task *);
}
#define current (get_current())

#define __set_current_state(s)	WRITE_ONCE(current->state, (s))
#define set_current_state(s) do {					\
	WRITE_ONCE(current->state, (s));				\
	__atomic_thread_fence(__ATOMIC_SEQ_CST);			\
} while (0)

/*
 * Bring up the scheduler on the boot CPU: turn the running boot code into
 * task "swapper/0" (stack: stack_base..stack_top) and make it the idle
 * task.  Called once, before any kthread is created.
 */
void sched_init(unsigned long stack_base, unsigned long stack_top);
/* Scheduler setup of an AP, on the AP itself, before it idles. */
void sched_init_ap(unsigned int cpu, struct task *idle);
/* Make an idle task for @cpu (AP bring-up). NULL on failure. */
struct task *sched_create_idle(unsigned int cpu);
/* The idle loop: never returns.  Halts until there is work. */
__noreturn void cpu_idle_loop(void);

/* Give up the CPU; returns when scheduled again.  Must not hold spinlocks. */
void schedule(void);
/* Let another runnable task on this CPU run first, if there is one. */
void yield(void);
/* Reschedule if due (a voluntary preemption point in long loops). */
void cond_resched(void);

/*
 * Wake @t if its state is in @state_mask: make it runnable and queue it
 * (on an allowed CPU, preferring an idle one).  Returns true if it was
 * woken, false if it was already running or runnable.
 */
bool wake_up_state(struct task *t, long state_mask);
bool wake_up_process(struct task *t);

/*
 * Sleep in the current state (set beforehand) for at most @timeout
 * jiffies; MAX_SCHEDULE_TIMEOUT sleeps without a timer.  Returns the
 * jiffies left (0 if the time ran out).
 */
#define MAX_SCHEDULE_TIMEOUT	((long)(~0UL >> 1))
long schedule_timeout(long timeout);
long schedule_timeout_uninterruptible(long timeout);

/*
 * Affinity: allowed CPUs as a bit mask (bit n = CPU n).  Migrates the task
 * if its CPU is no longer allowed.  0, or -EINVAL if the mask has no online
 * CPU or the task is a bound per-CPU thread.
 */
int set_cpus_allowed(struct task *t, u64 mask);
/* Nice -20..19 (clamped); lower is a bigger share of the CPU. */
void set_user_nice(struct task *t, int nice);

/*
 * Scheduler tick: called from the timer interrupt on every CPU;
 * @user_tick says the interrupt came from ring 3 (CPU-time accounting).
 */
void scheduler_tick(bool user_tick);

/* What the scheduler has accounted to one task (task_cputime()). */
struct task_cputime {
	u64 runtime_ns;			/* on a CPU, to the present moment */
	u64 user_ticks;			/* ticks that found it in user mode */
	u64 system_ticks;		/* ... in kernel mode */
	u64 nr_voluntary_switches;
	u64 nr_involuntary_switches;
};

/*
 * The CPU time of @t so far, the running slice included if it is on a
 * CPU right now.  Any context but NMI; takes @t's run-queue lock.
 */
void task_cputime(struct task *t, struct task_cputime *ct);
/* Called at the end of an interrupt to preempt if due. */
void preempt_schedule_irq(void);

/* Allocate/free a task with a guarded stack; used by kthread.c. */
struct task *task_alloc(const char *name);
void task_free(struct task *t);
int task_next_pid(void);

/*
 * Debug key 't': print every task (state, CPU, switches, runtime) with
 * its call trace and held locks, after each CPU's timers.
 */
void sched_show_task_traces(void);
/*
 * How many tasks on the all-tasks list have @pid; *@intact says whether
 * every link of the list pointed back (a task added twice breaks that).
 */
unsigned int sched_tasks_with_pid(int pid, bool *intact);
/* Per-CPU counters for tests and the stats dump. */
u64 sched_nr_switches(unsigned int cpu);
unsigned int sched_nr_running(unsigned int cpu);

#endif /* _TESSERA_SCHED_H */
