/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host-test shim for <tessera/preempt.h>: a host test is one thread with
 * no scheduler, so preemption control is a compiler barrier (as
 * <tessera/spinlock.h> defines it for host tests, token for token) and
 * the preempt count is host_cpu_info's (<asm/percpu.h> shim), which a
 * test may set to play atomic context.
 */
#ifndef _TESSERA_PREEMPT_H
#define _TESSERA_PREEMPT_H

#include <tessera/compiler.h>
#include <asm/percpu.h>

static inline int preempt_count(void)
{
	return host_cpu_info.preempt_count;
}

#define preempt_disable()		barrier()
#define preempt_enable()		barrier()
#define preempt_enable_no_resched()	barrier()

#define HARDIRQ_OFFSET		(1 << 16)
#define HARDIRQ_MASK		(0x7fff << 16)

static inline bool in_interrupt(void)
{
	return (preempt_count() & HARDIRQ_MASK) != 0;
}

static inline bool in_atomic(void)
{
	return preempt_count() != 0;
}

#endif /* _TESSERA_PREEMPT_H */
