/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel timers: one list per CPU kept sorted by expiry, scanned from the
 * head on every tick (so the common "nothing due" case costs one compare).
 * A timer's function runs in the tick interrupt of the CPU that armed it,
 * with interrupts off.
 *
 * Locking: base->lock (raw, irqs off) protects a CPU's list and the
 * timers on it; timer->cpu says which base a pending timer is on.
 * del_timer_sync() waits while base->running is the timer.
 */
#include <tessera/compiler.h>
#include <tessera/printk.h>
#include <tessera/smp.h>
#include <tessera/timer.h>
#include <asm/irqflags.h>
#include "../sched/sched.h"

struct timer_base {
	struct raw_lock lock;
	struct list_head list;
	struct timer_list *volatile running;
	bool ready;
	u64 ticks;			/* run_local_timers() calls */
};

static struct timer_base timer_bases[NR_CPUS];

void timers_init_cpu(unsigned int cpu)
{
	INIT_LIST_HEAD(&timer_bases[cpu].list);
	timer_bases[cpu].ready = true;
}

void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *))
{
	INIT_LIST_HEAD(&t->entry);
	t->function = fn;
	t->expires = 0;
	t->cpu = -1;
}

bool timer_pending(const struct timer_list *t)
{
	return READ_ONCE(t->cpu) >= 0;
}

/* Lock the base @t is pending on; NULL (irqs still off) if not pending. */
static struct timer_base *lock_timer_base(struct timer_list *t)
{
	for (;;) {
		int cpu = READ_ONCE(t->cpu);
		struct timer_base *base;

		if (cpu < 0)
			return NULL;
		base = &timer_bases[cpu];
		raw_lock(&base->lock);
		if (READ_ONCE(t->cpu) == cpu)
			return base;
		raw_unlock(&base->lock);
	}
}

static bool detach_timer(struct timer_list *t)
{
	struct timer_base *base = lock_timer_base(t);

	if (!base)
		return false;
	list_del_init(&t->entry);
	WRITE_ONCE(t->cpu, -1);
	raw_unlock(&base->lock);
	return true;
}

bool mod_timer(struct timer_list *t, u64 expires)
{
	struct timer_base *base;
	struct timer_list *pos;
	unsigned long flags;
	bool was_pending;
	unsigned int cpu;

	local_irq_save(flags);
	was_pending = detach_timer(t);
	cpu = smp_processor_id();
	base = &timer_bases[cpu];
	raw_lock(&base->lock);
	t->expires = expires;
	/* Insert after every timer due no later than us: FIFO among equals. */
	list_for_each_entry(pos, &base->list, entry)
		if ((s64)(pos->expires - expires) > 0)
			break;
	list_add_tail(&t->entry, &pos->entry);
	WRITE_ONCE(t->cpu, (int)cpu);
	raw_unlock(&base->lock);
	local_irq_restore(flags);
	return was_pending;
}

bool del_timer(struct timer_list *t)
{
	unsigned long flags;
	bool ret;

	local_irq_save(flags);
	ret = detach_timer(t);
	local_irq_restore(flags);
	return ret;
}

bool del_timer_sync(struct timer_list *t)
{
	bool ret = del_timer(t);
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		while (READ_ONCE(timer_bases[cpu].running) == t)
			cpu_relax();
	return ret;
}

void run_local_timers(void)
{
	struct timer_base *base = &timer_bases[smp_processor_id()];
	u64 now = jiffies;

	if (!base->ready)
		return;
	raw_lock(&base->lock);
	base->ticks++;
	while (!list_empty(&base->list)) {
		struct timer_list *t = list_first_entry(&base->list,
							struct timer_list,
							entry);

		if ((s64)(t->expires - now) > 0)
			break;
		list_del_init(&t->entry);
		WRITE_ONCE(t->cpu, -1);
		base->running = t;
		raw_unlock(&base->lock);
		t->function(t);
		raw_lock(&base->lock);
		base->running = NULL;
	}
	raw_unlock(&base->lock);
}

void timers_show(void)
{
	unsigned long flags;
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		struct timer_base *base = &timer_bases[cpu];
		struct timer_list *t;
		unsigned int n = 0;
		s64 first = 0;

		local_irq_save(flags);
		raw_lock(&base->lock);
		list_for_each_entry(t, &base->list, entry) {
			if (!n)
				first = (s64)(t->expires - jiffies);
			n++;
		}
		raw_unlock(&base->lock);
		local_irq_restore(flags);
		pr_info("timers: cpu %u: %llu ticks, %u pending%s, first due in %lld jiffies\n",
			cpu, (unsigned long long)READ_ONCE(base->ticks), n,
			READ_ONCE(base->running) ? " (one running)" : "",
			(long long)first);
	}
	pr_info("timers: jiffies %llu, %llu ms of ktime\n",
		(unsigned long long)jiffies,
		(unsigned long long)(ktime_get() / NSEC_PER_MSEC));
}
