/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Cross-CPU calls (arch/x86/kernel/ipi.c) and the NMI backtrace
 * (arch/x86/kernel/nmi_backtrace.c).
 *
 * A function sent to another CPU runs there in interrupt context
 * (interrupts off, must not sleep) from the CALL_FUNCTION IPI.  Waiting
 * for it needs interrupts on: two CPUs each waiting, with interrupts off,
 * for the other to run a call would wait forever, so a waiting call with
 * interrupts off is refused with -EDEADLK (and a warning).
 */
#ifndef _TESSERA_IPI_H
#define _TESSERA_IPI_H

#include <tessera/types.h>

struct pt_regs;

typedef void (*smp_call_func_t)(void *info);

/*
 * Run @fn(@info) on CPU @cpu; with @wait, return after it finished.  On
 * the calling CPU it runs directly with interrupts off.  0, -ENXIO (@cpu
 * offline; warned once), -EDEADLK (@wait with interrupts off) or -ENOMEM
 * (no memory for an asynchronous call).  May be called with preemption
 * enabled; it is disabled while the call is in flight.
 */
int smp_call_function_single(unsigned int cpu, smp_call_func_t fn,
			     void *info, bool wait);

/*
 * Run @fn(@info) on every online CPU in @mask except the calling one;
 * with @wait, return after all of them finished.  Offline CPUs in @mask
 * are skipped silently.  0, -EDEADLK or -ENOMEM (nothing was sent then).
 */
int smp_call_function_many(u64 mask, smp_call_func_t fn, void *info,
			   bool wait);

/*
 * Invalidate the kernel mappings of [start, end) on every online CPU:
 * locally, then by TLB-shootdown IPI on the others, waiting for all of
 * them (bounded: a CPU that does not answer within a second is reported).
 * Any context but NMI; with interrupts off it still cannot deadlock
 * against a concurrent shootdown.
 */
void flush_tlb_kernel_range(unsigned long start, unsigned long end);

/* Install the IPI handlers (smp_init() calls it before starting APs). */
int ipi_init(void);

/*
 * NMI every other online CPU and have it print "NMI backtrace for cpu N"
 * and its registers and call trace.  Waits (bounded, a few seconds) for
 * all of them.  0, -EBUSY (a backtrace is already in progress) or
 * -ETIMEDOUT (some CPU did not answer; reported).  Also called by panic().
 */
int trigger_all_cpu_backtrace(void);
/* The same for the online CPUs of @mask, except the caller's. */
int trigger_cpu_backtrace_mask(u64 mask);
/* The NMI handler's hook: true if this NMI was a backtrace request. */
bool nmi_backtrace_handler(struct pt_regs *regs);
/*
 * The NMI handler's hook for every NMI service (stop, debug storm,
 * backtrace): true if the NMI was one of ours.  A stop never returns.
 */
bool nmi_service_handler(struct pt_regs *regs);
/*
 * Stop every other online CPU (NMI, then halt for good), waiting a few
 * seconds at most; for panic(), after the backtraces.
 */
void smp_stop_other_cpus(void);
/* debug.nmi_storm_ms: start the NMI storm thread (after SMP bring-up). */
void nmi_storm_init(void);

#endif /* _TESSERA_IPI_H */
