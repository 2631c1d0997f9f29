/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU areas: cpu_info[] (what %gs points at) and the copies of the
 * .data.percpu section.  See <tessera/percpu.h>.
 *
 * The boot CPU loads %gs before anything else in start_kernel() runs, so
 * that `current`, smp_processor_id() and preempt_count are valid from
 * the first printk on.
 */
#include <tessera/errno.h>
#include <tessera/percpu.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <asm/msr.h>

extern char __per_cpu_start[], __per_cpu_end[];

struct cpu_info cpu_info[CONFIG_NR_CPUS];
unsigned long __per_cpu_offset[CONFIG_NR_CPUS];

void percpu_load(unsigned int cpu)
{
	wrmsr(MSR_GS_BASE, (unsigned long)&cpu_info[cpu]);
}

void percpu_init_boot_cpu(void)
{
	struct cpu_info *ci = &cpu_info[0];

	ci->self = ci;
	ci->cpu = 0;
	ci->percpu_offset = 0;
	__per_cpu_offset[0] = 0;
	percpu_load(0);
}

int percpu_setup_cpu(unsigned int cpu)
{
	size_t size = __per_cpu_end - __per_cpu_start;
	struct cpu_info *ci = &cpu_info[cpu];
	char *area = NULL;

	if (cpu >= CONFIG_NR_CPUS)
		return -EINVAL;
	if (cpu != 0 && size) {
		area = kmalloc(size, GFP_KERNEL);
		if (!area)
			return -ENOMEM;
		memcpy(area, __per_cpu_start, size);
		__per_cpu_offset[cpu] = area - __per_cpu_start;
	}
	ci->self = ci;
	ci->cpu = cpu;
	ci->percpu_offset = __per_cpu_offset[cpu];
	return 0;
}
