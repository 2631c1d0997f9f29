/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host-test shim for <asm/percpu.h>: one CPU, whose struct cpu_info is an
 * ordinary variable (host_cpu_info, defined by the test that needs it)
 * instead of the block %gs points at.  current, the preempt count and
 * smp_processor_id() read and write its fields as the kernel's do.
 */
#ifndef _ASM_X86_PERCPU_H
#define _ASM_X86_PERCPU_H

#include <tessera/compiler.h>
#include <tessera/types.h>

struct task;

struct cpu_info {
	struct cpu_info *self;
	unsigned long percpu_offset;
	struct task *curr_task;
	int preempt_count;
	unsigned int cpu;
	unsigned long kernel_sp;
	unsigned long user_sp;
	unsigned int irq_depth;
	bool online;
	u32 apic_id;
};

#define CPU_INFO_SELF		offsetof(struct cpu_info, self)
#define CPU_INFO_OFFSET		offsetof(struct cpu_info, percpu_offset)
#define CPU_INFO_CURRENT	offsetof(struct cpu_info, curr_task)
#define CPU_INFO_PREEMPT	offsetof(struct cpu_info, preempt_count)
#define CPU_INFO_CPU		offsetof(struct cpu_info, cpu)

extern struct cpu_info host_cpu_info;

#define __gs_read(off, type)						\
	(*(type *)((char *)&host_cpu_info + (off)))
#define __gs_write(off, v)						\
	(*(__typeof__(v) *)((char *)&host_cpu_info + (off)) = (v))

static inline struct cpu_info *this_cpu_info(void)
{
	return &host_cpu_info;
}

static inline unsigned long this_cpu_offset(void)
{
	return 0;
}

#endif /* _ASM_X86_PERCPU_H */
