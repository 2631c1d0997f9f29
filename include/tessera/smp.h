/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPU identity and the online mask.  The bring-up of application
 * processors is arch/x86/kernel/smpboot.c; cross-CPU calls are in
 * <tessera/ipi.h>.
 */
#ifndef _TESSERA_SMP_H
#define _TESSERA_SMP_H

#include <tessera/types.h>
#include <asm/percpu.h>

#define NR_CPUS		CONFIG_NR_CPUS

static __always_inline unsigned int smp_processor_id(void)
{
	return __gs_read(CPU_INFO_CPU, unsigned int);
}

/* Bit n set: CPU n is online (running the scheduler).  NR_CPUS <= 64. */
extern volatile u64 cpu_online_mask;
extern unsigned int nr_cpus_online;

static inline bool cpu_online(unsigned int cpu)
{
	return cpu < NR_CPUS && (READ_ONCE(cpu_online_mask) & (1ULL << cpu));
}

#define for_each_online_cpu(cpu)					\
	for ((cpu) = 0; (cpu) < NR_CPUS; (cpu)++)			\
		if (cpu_online(cpu))

#define for_each_possible_cpu(cpu)					\
	for ((cpu) = 0; (cpu) < NR_CPUS; (cpu)++)

/* Mark @cpu online/offline (kernel/smp.c). */
void set_cpu_online(unsigned int cpu, bool online);

static inline unsigned int num_online_cpus(void)
{
	return READ_ONCE(nr_cpus_online);
}

#endif /* _TESSERA_SMP_H */
