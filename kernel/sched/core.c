/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scheduler's mechanism: per-CPU run queues, schedule() and the
 * context switch, wakeups (with CPU selection), preemption, affinity and
 * migration, load balancing, task allocation.  The policy -- which queued
 * task runs next and for how long -- is behind struct sched_ops (fair.c).
 *
 * A running task is rq->curr and is not in the queue's tree; on_rq is true
 * for both running and queued tasks.  Going to sleep is decided inside
 * schedule() under the rq lock: a task whose state is not TASK_RUNNING is
 * taken off the queue there, unless this is a preemption.  A waker that
 * finds the task still on_rq only sets it TASK_RUNNING (under the same
 * lock), so the wakeup cannot be lost; one that finds it off the queue
 * waits for it to leave its CPU (on_cpu == 0) before queueing it anywhere.
 *
 * Lock order: see sched.h.  Freed task structs and stacks are only
 * released after their last context switch (finish_task_switch).
 */
#include <tessera/bug.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/kthread.h>
#include <tessera/lockdep.h>
#include <tessera/mm.h>
#include <tessera/panic.h>
#include <tessera/percpu.h>
#include <tessera/preempt.h>
#include <tessera/printk.h>
#include <tessera/profile.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <tessera/timer.h>
#include <asm/desc.h>
#include <asm/fpu.h>
#include <asm/pgtable.h>
#include <asm/syscall.h>
#include "sched.h"

#define BALANCE_INTERVAL_TICKS	4

struct rq runqueues[NR_CPUS];
static const struct sched_ops *ops = &fair_sched_ops;

static struct raw_lock tasklist_lock;
static LIST_HEAD(all_tasks);
static int next_pid = 1;

/*
 * Freed kernel stacks: up to 64 are kept mapped and reused (no TLB
 * shootdown); past that they are unmapped and their pages freed.
 */
static struct raw_lock stack_cache_lock;
static void *stack_cache[64];
static unsigned int nr_cached_stacks;

struct task *__switch_to_asm(unsigned long *prev_sp, unsigned long next_sp,
			     struct task *prev);
void ret_from_kthread(void);
void schedule_tail(struct task *prev);
void smp_send_reschedule(unsigned int cpu);

/* ------------------------------------------------------------------ */
/* Task allocation */

int task_next_pid(void)
{
	return __atomic_fetch_add(&next_pid, 1, __ATOMIC_RELAXED);
}

static void *stack_get(void)
{
	void *s = NULL;
	unsigned long flags;

	local_irq_save(flags);
	raw_lock(&stack_cache_lock);
	if (nr_cached_stacks)
		s = stack_cache[--nr_cached_stacks];
	raw_unlock(&stack_cache_lock);
	local_irq_restore(flags);
	return s ? s : alloc_kernel_stack(THREAD_SIZE);
}

static void stack_put(void *s)
{
	unsigned long flags;
	bool cached = false;

	local_irq_save(flags);
	raw_lock(&stack_cache_lock);
	if (nr_cached_stacks < ARRAY_SIZE(stack_cache)) {
		stack_cache[nr_cached_stacks++] = s;
		cached = true;
	}
	raw_unlock(&stack_cache_lock);
	local_irq_restore(flags);
	if (!cached)
		free_kernel_stack(s, THREAD_SIZE);
}

struct task *task_alloc(const char *name)
{
	struct task *t = kzalloc(sizeof(*t), GFP_KERNEL);
	unsigned long flags;
	void *stack;

	if (!t)
		return NULL;
	stack = stack_get();
	if (!stack) {
		kfree(t);
		return NULL;
	}
	t->pid = task_next_pid();
	strscpy(t->comm, name, sizeof(t->comm));
	t->stack_base = (unsigned long)stack;
	t->stack_top = t->stack_base + THREAD_SIZE;
	t->stack_guarded = true;
	t->state = TASK_NEW;
	t->cpus_allowed = ~0ULL;
	t->nice = 0;
	t->weight = ops->weight_of_nice(0);
	t->cpu = smp_processor_id();
	INIT_LIST_HEAD(&t->tasks);

	local_irq_save(flags);
	raw_lock(&tasklist_lock);
	list_add_tail(&t->tasks, &all_tasks);
	raw_unlock(&tasklist_lock);
	local_irq_restore(flags);
	return t;
}

void task_free(struct task *t)
{
	unsigned long flags;

	BUG_ON(t == current);
	BUG_ON(READ_ONCE(t->on_cpu));
	local_irq_save(flags);
	raw_lock(&tasklist_lock);
	list_del(&t->tasks);
	raw_unlock(&tasklist_lock);
	local_irq_restore(flags);
	if (t->thread.fpu)
		fpu_free(t);
	stack_put((void *)t->stack_base);
	kfree(t);
}

/* Build the first frame: __switch_to_asm pops 6 registers, then returns. */
void task_init_stack(struct task *t, void (*entry)(void *), void *arg)
{
	unsigned long *sp = (unsigned long *)t->stack_top;

	*--sp = 0;			/* keeps the entry's stack 16-aligned */
	*--sp = (unsigned long)ret_from_kthread;
	*--sp = 0;			/* rbp: ends frame-pointer walks */
	*--sp = (unsigned long)entry;	/* rbx */
	*--sp = (unsigned long)arg;	/* r12 */
	*--sp = 0;			/* r13 */
	*--sp = 0;			/* r14 */
	*--sp = 0;			/* r15 */
	t->thread.sp = (unsigned long)sp;
}

/* ------------------------------------------------------------------ */
/* Run queue helpers (rq->lock held, irqs off) */

static void update_curr(struct rq *rq)
{
	struct task *curr = rq->curr;
	u64 now = ktime_get();
	u64 delta;

	if (now <= curr->exec_start) {
		curr->exec_start = now;
		return;
	}
	delta = now - curr->exec_start;
	curr->exec_start = now;
	curr->sum_exec_runtime += delta;
	if (curr != rq->idle && curr->on_rq)
		ops->account(rq, curr, delta);
}

static void resched_curr(struct rq *rq)
{
	struct task *curr = rq->curr;

	if (READ_ONCE(curr->need_resched))
		return;
	WRITE_ONCE(curr->need_resched, true);
	if (rq->cpu != smp_processor_id())
		smp_send_reschedule(rq->cpu);
}

static void activate_task(struct rq *rq, struct task *t, bool initial)
{
	ops->place(rq, t, initial);
	ops->enqueue(rq, t);
	t->on_rq = true;
	rq->nr_running++;
}

/* Lock the run queue @t is on; returns it with irqs off (flags saved). */
static struct rq *task_rq_lock(struct task *t, unsigned long *flags)
{
	struct rq *rq;

	local_irq_save(*flags);
	for (;;) {
		rq = cpu_rq(READ_ONCE(t->cpu));
		raw_lock(&rq->lock);
		if (rq == cpu_rq(READ_ONCE(t->cpu)))
			return rq;
		raw_unlock(&rq->lock);
	}
}

static void task_rq_unlock(struct rq *rq, unsigned long flags)
{
	raw_unlock(&rq->lock);
	local_irq_restore(flags);
}

static void double_rq_lock(struct rq *a, struct rq *b)
{
	if (a == b) {
		raw_lock(&a->lock);
	} else if (a->cpu < b->cpu) {
		raw_lock(&a->lock);
		raw_lock(&b->lock);
	} else {
		raw_lock(&b->lock);
		raw_lock(&a->lock);
	}
}

static void double_rq_unlock(struct rq *a, struct rq *b)
{
	raw_unlock(&a->lock);
	if (a != b)
		raw_unlock(&b->lock);
}

static bool cpu_allowed(const struct task *t, unsigned int cpu)
{
	return cpu_online(cpu) && (t->cpus_allowed & (1ULL << cpu));
}

/* Pick a CPU for a task being woken: its last CPU if idle, else an idle
 * allowed CPU, else the allowed CPU with the fewest runnable tasks. */
static unsigned int select_task_rq(struct task *t)
{
	unsigned int prev = t->cpu, best = NR_CPUS, cpu;
	unsigned int best_load = ~0U;

	if (cpu_allowed(t, prev) && cpu_rq(prev)->curr == cpu_rq(prev)->idle &&
	    !READ_ONCE(cpu_rq(prev)->nr_running))
		return prev;
	for_each_online_cpu(cpu) {
		struct rq *rq = cpu_rq(cpu);
		unsigned int load;

		if (!cpu_allowed(t, cpu))
			continue;
		load = READ_ONCE(rq->nr_running);
		if (load < best_load || (load == best_load && cpu == prev)) {
			best = cpu;
			best_load = load;
		}
	}
	if (best == NR_CPUS) {
		/* No allowed CPU online: fall back to any online CPU. */
		pr_warn_once("sched: %s/%d has no online allowed CPU; running it anywhere\n",
			     t->comm, t->pid);
		best = cpu_online(prev) ? prev : 0;
	}
	return best;
}

/* ------------------------------------------------------------------ */
/* Wakeups */

bool wake_up_state(struct task *t, long state_mask)
{
	unsigned long flags;
	struct rq *rq;
	unsigned int cpu;
	bool initial;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	rq = task_rq_lock(t, &flags);
	if (!(READ_ONCE(t->state) & state_mask)) {
		task_rq_unlock(rq, flags);
		return false;
	}
	if (t->on_rq) {
		/* Still queued or running (not yet asleep): just keep it. */
		WRITE_ONCE(t->state, TASK_RUNNING);
		task_rq_unlock(rq, flags);
		return true;
	}
	initial = READ_ONCE(t->state) == TASK_NEW;
	/* Claim the wakeup before dropping the lock: no second waker. */
	WRITE_ONCE(t->state, TASK_RUNNING);
	raw_unlock(&rq->lock);

	/* It may still be switching out on its old CPU. */
	while (READ_ONCE(t->on_cpu))
		cpu_relax();

	cpu = select_task_rq(t);
	rq = cpu_rq(cpu);
	raw_lock(&rq->lock);
	if (t->cpu != cpu && !initial)
		t->nr_migrations++;
	t->cpu = cpu;
	activate_task(rq, t, initial);
	if (rq->curr == rq->idle ||
	    ops->wakeup_preempt(rq, rq->curr, t))
		resched_curr(rq);
	raw_unlock(&rq->lock);
	local_irq_restore(flags);
	return true;
}

bool wake_up_process(struct task *t)
{
	return wake_up_state(t, TASK_NORMAL | TASK_NEW);
}

/* ------------------------------------------------------------------ */
/* schedule() */

static void migrate_queued_task(struct rq *src, struct rq *dst,
				struct task *t)
{
	ops->dequeue(src, t);
	src->nr_running--;
	ops->detach(src, t);
	t->on_rq = false;
	t->cpu = dst->cpu;
	t->nr_migrations++;
	activate_task(dst, t, false);
	if (dst->curr == dst->idle || ops->wakeup_preempt(dst, dst->curr, t))
		resched_curr(dst);
}

/*
 * The second half of a switch, run by the task switched to: release the
 * run queue lock taken by the task that switched away, and deal with a
 * dead or migrating predecessor.
 */
static void finish_task_switch(struct task *prev)
{
	struct rq *rq = this_rq();
	bool dead = READ_ONCE(prev->state) == TASK_DEAD;
	bool migrate = !dead && prev->on_rq && prev != rq->idle &&
		       !cpu_allowed(prev, rq->cpu);

	if (migrate) {
		/* prev was not requeued (see __schedule): place it now. */
		prev->on_rq = false;
		rq->nr_running--;
		ops->detach(rq, prev);
	}
	__atomic_store_n(&prev->on_cpu, 0, __ATOMIC_RELEASE);
	raw_unlock(&rq->lock);

	if (migrate) {
		unsigned int cpu = select_task_rq(prev);
		struct rq *dst = cpu_rq(cpu);

		raw_lock(&dst->lock);
		prev->cpu = cpu;
		prev->nr_migrations++;
		activate_task(dst, prev, false);
		resched_curr(dst);
		raw_unlock(&dst->lock);
	}
	if (dead)
		kthread_reap(prev);
}

void schedule_tail(struct task *prev)
{
	finish_task_switch(prev);
	local_irq_enable();
}

/*
 * A switch saves the task's context on the stack it runs on: that must be
 * the task's own kernel stack, never a CPU's interrupt stack (IST: NMI,
 * double fault, machine check), which the next such event reuses.
 */
static void check_switch_stack(struct task *prev)
{
	unsigned long sp = (unsigned long)__builtin_frame_address(0);

	if (!prev->stack_top || (sp >= prev->stack_base &&
				 sp < prev->stack_top))
		return;
	panic("schedule() of %s/%d on a foreign stack %lx (its stack %lx-%lx)\n",
	      prev->comm, prev->pid, sp, prev->stack_base, prev->stack_top);
}

static void __schedule(bool preempt)
{
	struct task *prev, *next;
	unsigned long flags;
	struct rq *rq;

	check_switch_stack(current);
	local_irq_save(flags);
	rq = this_rq();
	prev = rq->curr;
	raw_lock(&rq->lock);

	WRITE_ONCE(prev->need_resched, false);
	update_curr(rq);

	if (!preempt && READ_ONCE(prev->state) != TASK_RUNNING &&
	    prev != rq->idle) {
		prev->on_rq = false;
		rq->nr_running--;
		ops->detach(rq, prev);
		profile_sleep_begin();
	} else if (prev != rq->idle && cpu_allowed(prev, rq->cpu)) {
		ops->enqueue(rq, prev);
	}
	/* else: runnable but no longer allowed here: finish_task_switch moves it */

	next = ops->pick_next(rq);
	if (!next)
		next = rq->idle;

	if (next == prev) {
		raw_unlock(&rq->lock);
		local_irq_restore(flags);
		return;
	}

	rq->curr = next;
	rq->nr_switches++;
	prev->nr_switches++;
	if (!preempt && READ_ONCE(prev->state) != TASK_RUNNING)
		prev->nr_voluntary_switches++;
	else
		prev->nr_involuntary_switches++;
	next->on_cpu = 1;
	next->exec_start = ktime_get();
	next->last_switch_ns = next->exec_start;
	rq->curr_slice_start = next->exec_start;
	this_cpu_info()->curr_task = next;
	tss_set_kernel_stack(next->stack_top);
	this_cpu_info()->kernel_sp = next->stack_top;
	fpu_switch(prev, next);
	arch_switch_user_state(prev, next);

	prev = __switch_to_asm(&prev->thread.sp, next->thread.sp, prev);

	finish_task_switch(prev);
	local_irq_restore(flags);
}

void schedule(void)
{
	if (IS_ENABLED(CONFIG_DEBUG_SPINLOCK))
		lockdep_check_sleep();
	__schedule(false);
	profile_sleep_end();
}

bool need_resched(void)
{
	return READ_ONCE(current->need_resched);
}

void preempt_schedule(void)
{
	if (preempt_count() || irqs_disabled())
		return;
	do {
		__schedule(true);
	} while (need_resched());
}

void preempt_schedule_irq(void)
{
	while (need_resched() && preempt_count() == 0)
		__schedule(true);
}

void yield(void)
{
	WRITE_ONCE(current->need_resched, true);
	__schedule(true);
}

void cond_resched(void)
{
	if (need_resched() && !preempt_count())
		__schedule(true);
}

/* ------------------------------------------------------------------ */
/* Sleeping with a timeout */

struct sleep_timer {
	struct timer_list timer;
	struct task *task;
};

static void process_timeout(struct timer_list *timer)
{
	struct sleep_timer *st = container_of(timer, struct sleep_timer, timer);

	wake_up_process(st->task);
}

long schedule_timeout(long timeout)
{
	struct sleep_timer st;
	u64 expire;

	if (timeout == MAX_SCHEDULE_TIMEOUT) {
		schedule();
		return timeout;
	}
	if (timeout <= 0) {
		__set_current_state(TASK_RUNNING);
		return 0;
	}
	/* From the real-time jiffies: msleep(40) sleeps 40 ms or more. */
	expire = jiffies_catch_up() + (u64)timeout;
	st.task = current;
	timer_setup(&st.timer, process_timeout);
	mod_timer(&st.timer, expire);
	schedule();
	del_timer_sync(&st.timer);
	timeout = (long)(expire - jiffies);
	return timeout < 0 ? 0 : timeout;
}

long schedule_timeout_uninterruptible(long timeout)
{
	set_current_state(TASK_UNINTERRUPTIBLE);
	return schedule_timeout(timeout);
}

void msleep(unsigned int ms)
{
	long timeout = (long)msecs_to_jiffies(ms) + 1;

	if (irqs_disabled() || preempt_count() || !current ||
	    !runqueues[smp_processor_id()].idle) {
		mdelay(ms);
		return;
	}
	while (timeout)
		timeout = schedule_timeout_uninterruptible(timeout);
}

/* ------------------------------------------------------------------ */
/* Affinity and priority */

int set_cpus_allowed(struct task *t, u64 mask)
{
	unsigned long flags;
	unsigned int cpu;
	bool any = false;
	struct rq *rq;

	for_each_online_cpu(cpu)
		if (mask & (1ULL << cpu))
			any = true;
	if (!any)
		return -EINVAL;
	if ((t->flags & PF_NO_SETAFFINITY) && t->state != TASK_NEW)
		return -EINVAL;

	rq = task_rq_lock(t, &flags);
	t->cpus_allowed = mask;
	if (cpu_allowed(t, t->cpu)) {
		task_rq_unlock(rq, flags);
		return 0;
	}
	if (rq->curr == t) {
		/* Running: it moves itself at its next switch. */
		resched_curr(rq);
		task_rq_unlock(rq, flags);
		if (t == current)
			yield();
		return 0;
	}
	if (t->on_rq) {
		struct rq *dst;

		raw_unlock(&rq->lock);
		dst = cpu_rq(select_task_rq(t));
		for (;;) {
			rq = cpu_rq(READ_ONCE(t->cpu));
			double_rq_lock(rq, dst);
			if (rq == cpu_rq(READ_ONCE(t->cpu)))
				break;
			double_rq_unlock(rq, dst);
		}
		if (t->on_rq && rq->curr != t && rq != dst)
			migrate_queued_task(rq, dst, t);
		else if (rq->curr == t)
			resched_curr(rq);
		double_rq_unlock(rq, dst);
		local_irq_restore(flags);
		return 0;
	}
	/* Asleep or new: the wakeup will pick an allowed CPU. */
	t->cpu = select_task_rq(t);
	task_rq_unlock(rq, flags);
	return 0;
}

void set_user_nice(struct task *t, int nice)
{
	unsigned long flags;
	struct rq *rq;
	bool queued;

	nice = clamp(nice, NICE_MIN, NICE_MAX);
	rq = task_rq_lock(t, &flags);
	queued = t->on_rq && rq->curr != t;
	if (queued)
		ops->dequeue(rq, t);
	t->nice = nice;
	t->weight = ops->weight_of_nice(nice);
	if (queued)
		ops->enqueue(rq, t);
	task_rq_unlock(rq, flags);
}

void task_cputime(struct task *t, struct task_cputime *ct)
{
	unsigned long flags;
	struct rq *rq;

	rq = task_rq_lock(t, &flags);
	if (rq->curr == t)
		update_curr(rq);
	ct->runtime_ns = t->sum_exec_runtime;
	ct->user_ticks = t->nr_user_ticks;
	ct->system_ticks = t->nr_system_ticks;
	ct->nr_voluntary_switches = t->nr_voluntary_switches;
	ct->nr_involuntary_switches = t->nr_involuntary_switches;
	task_rq_unlock(rq, flags);
}

/* ------------------------------------------------------------------ */
/* Tick and load balancing */

/*
 * Pull one queued task from the busiest CPU to @this if that evens load.
 * Callable with interrupts on or off: the run-queue locks are taken with
 * them off, since this CPU's tick takes its own rq lock.
 */
static bool load_balance(struct rq *this)
{
	struct rq *busiest = NULL;
	unsigned int cpu, max_load = 0;
	unsigned long flags;
	bool moved = false;
	struct rb_node *n;

	for_each_online_cpu(cpu) {
		struct rq *rq = cpu_rq(cpu);
		unsigned int load = READ_ONCE(rq->nr_running);

		if (rq != this && load > max_load) {
			max_load = load;
			busiest = rq;
		}
	}
	if (!busiest || max_load < READ_ONCE(this->nr_running) + 2)
		return false;

	local_irq_save(flags);
	double_rq_lock(this, busiest);
	if (busiest->nr_running >= this->nr_running + 2) {
		for (n = rb_first(&busiest->timeline); n; n = rb_next(n)) {
			struct task *t = rb_entry(n, struct task, run_node);

			if (cpu_allowed(t, this->cpu) &&
			    !(t->flags & PF_NO_SETAFFINITY)) {
				migrate_queued_task(busiest, this, t);
				this->nr_balanced_in++;
				moved = true;
				break;
			}
		}
	}
	double_rq_unlock(this, busiest);
	local_irq_restore(flags);
	return moved;
}

void scheduler_tick(bool user_tick)
{
	struct rq *rq = this_rq();
	struct task *curr;
	bool balance;

	raw_lock(&rq->lock);
	curr = rq->curr;
	update_curr(rq);
	if (user_tick)
		curr->nr_user_ticks++;
	else if (curr != rq->idle)
		curr->nr_system_ticks++;
	if (curr != rq->idle &&
	    ops->tick_preempt(rq, curr, ktime_get() - rq->curr_slice_start))
		resched_curr(rq);
	balance = (jiffies + rq->cpu) % BALANCE_INTERVAL_TICKS == 0 &&
		  num_online_cpus() > 1;
	raw_unlock(&rq->lock);

	if (balance)
		load_balance(rq);
}

/* ------------------------------------------------------------------ */
/* Idle */

__noreturn void cpu_idle_loop(void)
{
	struct rq *rq = this_rq();

	for (;;) {
		while (!need_resched()) {
			if (num_online_cpus() > 1 && load_balance(rq))
				continue;
			local_irq_disable();
			if (need_resched()) {
				local_irq_enable();
				break;
			}
			safe_halt();	/* sti; hlt: no lost wakeup */
		}
		__schedule(true);
	}
}

static void rq_init(unsigned int cpu, struct task *idle)
{
	struct rq *rq = cpu_rq(cpu);

	rq->cpu = cpu;
	rq->timeline = RB_ROOT;
	rq->idle = idle;
	rq->curr = idle;
	idle->cpu = cpu;
	idle->on_cpu = 1;
	idle->on_rq = true;
	idle->state = TASK_RUNNING;
	idle->exec_start = ktime_get();
}

static void idle_entry(void *arg)
{
	cpu_idle_loop();
}

struct task *sched_create_idle(unsigned int cpu)
{
	char name[TASK_COMM_LEN];
	struct task *t;

	snprintf(name, sizeof(name), "swapper/%u", cpu);
	t = task_alloc(name);
	if (!t)
		return NULL;
	t->pid = 0;
	t->flags = PF_KTHREAD | PF_IDLE | PF_NO_SETAFFINITY;
	t->cpus_allowed = 1ULL << cpu;
	t->state = TASK_RUNNING;
	t->cpu = cpu;
	task_init_stack(t, idle_entry, NULL);
	return t;
}

/*
 * On the AP itself: make @idle current and enter the idle loop.  The
 * idle task's prepared frame is not used; the AP simply becomes it.
 */
void sched_init_ap(unsigned int cpu, struct task *idle)
{
	this_cpu_info()->curr_task = idle;
	rq_init(cpu, idle);
	tss_set_kernel_stack(idle->stack_top);
}

void sched_init(unsigned long stack_base, unsigned long stack_top)
{
	struct task *boot = current;
	struct task *idle;

	idle = sched_create_idle(0);
	if (!idle)
		panic("sched: cannot create the idle task\n");
	rq_init(0, idle);
	/* The idle task has not run yet: it starts from its prepared frame. */
	idle->on_cpu = 0;

	/* The boot thread becomes an ordinary task, "init", pid 1. */
	boot->stack_base = stack_base;
	boot->stack_top = stack_top;
	boot->pid = 1;
	strscpy(boot->comm, "init", sizeof(boot->comm));
	boot->flags = PF_KTHREAD;
	boot->cpus_allowed = ~0ULL;
	boot->weight = ops->weight_of_nice(0);
	boot->state = TASK_RUNNING;
	boot->cpu = 0;
	boot->on_rq = true;
	boot->on_cpu = 1;
	boot->exec_start = ktime_get();
	INIT_LIST_HEAD(&boot->tasks);
	/* The idle task is on the list already (task_alloc()). */
	list_add_tail(&boot->tasks, &all_tasks);
	cpu_rq(0)->curr = boot;
	cpu_rq(0)->nr_running = 1;
	cpu_info[0].online = true;
	pr_info("sched: %s policy, HZ=%d, per-CPU run queues\n", ops->name, HZ);
}

/* ------------------------------------------------------------------ */
/* Introspection */

u64 sched_nr_switches(unsigned int cpu)
{
	return cpu < NR_CPUS ? READ_ONCE(cpu_rq(cpu)->nr_switches) : 0;
}

unsigned int sched_nr_running(unsigned int cpu)
{
	return cpu < NR_CPUS ? READ_ONCE(cpu_rq(cpu)->nr_running) : 0;
}

static char task_state_char(const struct task *t)
{
	long s = READ_ONCE(t->state);

	if (s == TASK_RUNNING)
		return 'R';
	if (s & TASK_INTERRUPTIBLE)
		return 'S';
	if (s & TASK_UNINTERRUPTIBLE)
		return 'D';
	if (s & TASK_NEW)
		return 'N';
	if (s & TASK_DEAD)
		return 'X';
	return '?';
}

unsigned int sched_tasks_with_pid(int pid, bool *intact)
{
	unsigned int n = 0, walked = 0;
	struct list_head *pos;
	unsigned long flags;

	*intact = true;
	local_irq_save(flags);
	raw_lock(&tasklist_lock);
	for (pos = all_tasks.next; pos != &all_tasks; pos = pos->next) {
		if (pos->next->prev != pos || ++walked > 1000000) {
			*intact = false;
			break;
		}
		n += list_entry(pos, struct task, tasks)->pid == pid;
	}
	raw_unlock(&tasklist_lock);
	local_irq_restore(flags);
	return n;
}

static void sched_show(void)
{
	unsigned long flags;
	struct task *t;

	/* task_free() unlinks a task before its stack goes: walk under the lock. */
	local_irq_save(flags);
	raw_lock(&tasklist_lock);
	pr_info("  PID COMM             S CPU NICE  SWITCHES  MIGR  RUNTIME(ms)\n");
	list_for_each_entry(t, &all_tasks, tasks) {
		pr_info("%5d %-16s %c %3u %4d %9llu %5llu %12llu\n", t->pid,
			t->comm, task_state_char(t), t->cpu, t->nice,
			(unsigned long long)t->nr_switches,
			(unsigned long long)t->nr_migrations,
			(unsigned long long)(t->sum_exec_runtime / NSEC_PER_MSEC));
		if (READ_ONCE(t->state) != TASK_NEW) {
			show_task_stack(t);
			if (READ_ONCE(t->lock_depth))
				lockdep_print_held_locks_of(t);
		}
	}
	raw_unlock(&tasklist_lock);
	local_irq_restore(flags);
}

void sched_show_task_traces(void)
{
	pr_info("sched: tasks with their call traces:\n");
	timers_show();
	sched_show();
	pr_info("sched: end of the tasks\n");
}
