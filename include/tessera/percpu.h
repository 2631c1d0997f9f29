/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU variables.
 *
 *	DEFINE_PER_CPU(u64, nr_ticks);
 *	this_cpu_ptr(&nr_ticks)		this CPU's copy (preemption off!)
 *	per_cpu_ptr(&nr_ticks, cpu)	another CPU's copy
 *	per_cpu(nr_ticks, cpu)		lvalue of another CPU's copy
 *
 * The variables live in the ".data.percpu" section; the boot CPU uses the
 * section in place, every other CPU a copy made by percpu_setup_cpu().
 * Using this_cpu_ptr() while preemptible is a bug: the task may migrate
 * between reading the offset and using the pointer.
 */
#ifndef _TESSERA_PERCPU_H
#define _TESSERA_PERCPU_H

#include <tessera/compiler.h>
#include <asm/percpu.h>

#define DEFINE_PER_CPU(type, name) \
	__section(".data.percpu") __typeof__(type) name
#define DECLARE_PER_CPU(type, name) \
	extern __section(".data.percpu") __typeof__(type) name

extern unsigned long __per_cpu_offset[CONFIG_NR_CPUS];
extern struct cpu_info cpu_info[CONFIG_NR_CPUS];

#define per_cpu_ptr(ptr, cpu) \
	((__typeof__(ptr))((unsigned long)(ptr) + __per_cpu_offset[cpu]))
#define per_cpu(var, cpu)	(*per_cpu_ptr(&(var), cpu))
#define this_cpu_ptr(ptr) \
	((__typeof__(ptr))((unsigned long)(ptr) + this_cpu_offset()))

/* Point %gs at cpu_info[cpu]; for the boot CPU very early in boot. */
void percpu_init_boot_cpu(void);
/* Give CPU @cpu its copy of the per-CPU section.  0 or -ENOMEM. */
int percpu_setup_cpu(unsigned int cpu);
/* Load %gs base for @cpu on the calling CPU (AP bring-up). */
void percpu_load(unsigned int cpu);

#endif /* _TESSERA_PERCPU_H */
