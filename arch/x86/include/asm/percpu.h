/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU data on x86-64: %gs points at the CPU's struct cpu_info, whose
 * fixed first fields give one-instruction access to the hottest per-CPU
 * values (current task, preempt count, CPU number) and to the offset of
 * this CPU's copy of the DEFINE_PER_CPU section.
 *
 * The boot CPU's copy of the per-CPU section is the section in the image
 * itself (offset 0); each AP gets a copy allocated at bring-up.
 */
#ifndef _ASM_X86_PERCPU_H
#define _ASM_X86_PERCPU_H

#define CPU_INFO_SELF		0
#define CPU_INFO_OFFSET		8
#define CPU_INFO_CURRENT	16
#define CPU_INFO_PREEMPT	24
#define CPU_INFO_CPU		28
#define CPU_INFO_KERNEL_SP	32	/* syscall entry: top of kernel stack */
#define CPU_INFO_USER_SP	40	/* syscall entry: scratch for user rsp */

#ifndef __ASSEMBLER__
#include <tessera/compiler.h>

struct task;

struct cpu_info {
	struct cpu_info *self;
	unsigned long percpu_offset;
	struct task *curr_task;
	int preempt_count;
	unsigned int cpu;
	unsigned long kernel_sp;
	unsigned long user_sp;
	/* Nesting depth of hard interrupts on this CPU. */
	unsigned int irq_depth;
	bool online;
	u32 apic_id;
} __aligned(64);

_Static_assert(offsetof(struct cpu_info, percpu_offset) == CPU_INFO_OFFSET, "");
_Static_assert(offsetof(struct cpu_info, curr_task) == CPU_INFO_CURRENT, "");
_Static_assert(offsetof(struct cpu_info, preempt_count) == CPU_INFO_PREEMPT, "");
_Static_assert(offsetof(struct cpu_info, cpu) == CPU_INFO_CPU, "");
_Static_assert(offsetof(struct cpu_info, kernel_sp) == CPU_INFO_KERNEL_SP, "");
_Static_assert(offsetof(struct cpu_info, user_sp) == CPU_INFO_USER_SP, "");

#define __gs_read(off, type) ({						\
	type __v;							\
	__asm__ __volatile__("mov %%gs:%c1, %0" : "=r"(__v) : "i"(off));\
	__v;								\
})

#define __gs_write(off, v) ({						\
	__typeof__(v) __v = (v);					\
	__asm__ __volatile__("mov %0, %%gs:%c1" : : "r"(__v), "i"(off)	\
			     : "memory");				\
})

static __always_inline struct cpu_info *this_cpu_info(void)
{
	return __gs_read(CPU_INFO_SELF, struct cpu_info *);
}

static __always_inline unsigned long this_cpu_offset(void)
{
	return __gs_read(CPU_INFO_OFFSET, unsigned long);
}

#endif /* !__ASSEMBLER__ */
#endif /* _ASM_X86_PERCPU_H */
