// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU counters: private per-CPU deltas folded into a shared count.
 *
 * Locking: fbc->lock (interrupts off) protects fbc->count and the
 * folding of a delta into it.  A CPU's delta is written only by that CPU
 * with interrupts off (which also keeps the task on the CPU); other CPUs
 * only read it, in percpu_counter_sum().  A fold adds the delta to count
 * and zeroes the delta under the lock, so a sum (also under the lock)
 * sees each unit exactly once.
 */
#include <tessera/percpu_counter.h>
#include <tessera/preempt.h>
#include <tessera/smp.h>
#include <asm/irqflags.h>

void __percpu_counter_init(struct percpu_counter *fbc, s64 value,
			   const char *name, const struct lock_class_key *key)
{
	unsigned int cpu;

	__spin_lock_init(&fbc->lock, name, key);
	fbc->count = value;
	fbc->batch = PERCPU_COUNTER_BATCH;
	for_each_possible_cpu(cpu)
		fbc->cpu[cpu].delta = 0;
}

void percpu_counter_add(struct percpu_counter *fbc, s64 amount)
{
	struct percpu_counter_delta *d;
	unsigned long flags;
	s64 v;

	/* Preemption off too, so the unlock below cannot switch with irqs off. */
	preempt_disable();
	local_irq_save(flags);
	d = &fbc->cpu[smp_processor_id()];
	v = d->delta + amount;
	if (v >= fbc->batch || v <= -fbc->batch) {
		spin_lock(&fbc->lock);
		fbc->count += v;
		WRITE_ONCE(d->delta, 0);
		spin_unlock(&fbc->lock);
	} else {
		WRITE_ONCE(d->delta, v);
	}
	local_irq_restore(flags);
	preempt_enable();
}

s64 percpu_counter_sum(struct percpu_counter *fbc)
{
	unsigned long flags;
	unsigned int cpu;
	s64 sum;

	spin_lock_irqsave(&fbc->lock, flags);
	sum = fbc->count;
	for_each_possible_cpu(cpu)
		sum += READ_ONCE(fbc->cpu[cpu].delta);
	spin_unlock_irqrestore(&fbc->lock, flags);
	return sum;
}
