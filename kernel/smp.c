/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The online CPU mask.  The boot CPU is online from the start; each AP
 * marks itself online at the end of its bring-up (arch/x86/kernel/smpboot.c),
 * after its scheduler state exists, so wakeups may target it from then on.
 */
#include <tessera/percpu.h>
#include <tessera/smp.h>

volatile u64 cpu_online_mask = 1;
unsigned int nr_cpus_online = 1;

void set_cpu_online(unsigned int cpu, bool online)
{
	if (cpu >= NR_CPUS)
		return;
	if (online) {
		if (!(__atomic_fetch_or(&cpu_online_mask, 1ULL << cpu,
					__ATOMIC_SEQ_CST) & (1ULL << cpu)))
			__atomic_fetch_add(&nr_cpus_online, 1, __ATOMIC_SEQ_CST);
	} else {
		if (__atomic_fetch_and(&cpu_online_mask, ~(1ULL << cpu),
				       __ATOMIC_SEQ_CST) & (1ULL << cpu))
			__atomic_fetch_sub(&nr_cpus_online, 1, __ATOMIC_SEQ_CST);
	}
	cpu_info[cpu].online = online;
}
