/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU counters (kernel/locking/percpu_counter.c): a 64-bit count
 * that many CPUs add to often and few read exactly.  Each CPU keeps a
 * private delta and folds it into the shared count under the lock only
 * when it reaches +/- batch; percpu_counter_sum() adds every CPU's delta
 * to the count for the exact value, percpu_counter_read() returns the
 * shared count alone (off by at most nr_cpus * batch).
 *
 * Adds may come from any context (the delta is updated with interrupts
 * off).  The deltas sit in one cache line per CPU.
 */
#ifndef _TESSERA_PERCPU_COUNTER_H
#define _TESSERA_PERCPU_COUNTER_H

#include <tessera/compiler.h>
#include <tessera/smp.h>
#include <tessera/spinlock.h>

#define PERCPU_COUNTER_BATCH	32

struct percpu_counter_delta {
	s64 delta;			/* written by its CPU only */
} __aligned(64);

struct percpu_counter {
	spinlock_t lock;
	s64 count;			/* protected by lock */
	s32 batch;
	struct percpu_counter_delta cpu[NR_CPUS];
};

void __percpu_counter_init(struct percpu_counter *fbc, s64 value,
			   const char *name, const struct lock_class_key *key);
#define percpu_counter_init(fbc, value) do {				\
	static struct lock_class_key __key;				\
	__percpu_counter_init((fbc), (value), #fbc, &__key);		\
} while (0)

void percpu_counter_add(struct percpu_counter *fbc, s64 amount);
/* Exact value: count plus every CPU's delta. */
s64 percpu_counter_sum(struct percpu_counter *fbc);

/* Approximate value, without the lock. */
static inline s64 percpu_counter_read(struct percpu_counter *fbc)
{
	return READ_ONCE(fbc->count);
}

static inline void percpu_counter_inc(struct percpu_counter *fbc)
{
	percpu_counter_add(fbc, 1);
}

static inline void percpu_counter_dec(struct percpu_counter *fbc)
{
	percpu_counter_add(fbc, -1);
}

#endif /* _TESSERA_PERCPU_COUNTER_H */
