/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Application-processor bring-up (arch/x86/kernel/smpboot.c and
 * trampoline.S) and the per-CPU descriptor tables it needs
 * (arch/x86/kernel/cpu.c).
 *
 * Low memory used while APs start (inside the reserved first 1 MiB):
 *
 *   TRAMPOLINE_PA          the real-mode trampoline; the SIPI vector is
 *                          its page number
 *   TRAMPOLINE_PT_PA       temporary PML4, +4K PDPT, +8K PD: identity map
 *                          of the first 2 MiB plus the kernel's upper half
 *
 * struct trampoline_data sits at the end of the trampoline; the boot CPU
 * fills it before each SIPI and the trampoline reads it.  The TR_* offsets
 * are what trampoline.S uses.
 */
#ifndef _ASM_X86_SMPBOOT_H
#define _ASM_X86_SMPBOOT_H

#define TRAMPOLINE_PA		0x8000
#define TRAMPOLINE_PT_PA	0x9000
#define TRAMPOLINE_PT_PAGES	3

/* Progress marks the trampoline writes to trampoline_data.stage. */
#define TR_STAGE_REAL		1
#define TR_STAGE_PROTECTED	2
#define TR_STAGE_LONG		3

#define TR_TEMP_CR3		0
#define TR_EFER			4
#define TR_STAGE		8
#define TR_CPU			12
#define TR_ENTRY64		16
#define TR_KERNEL_CR3		24
#define TR_STACK_TOP		32
#define TR_DATA_SIZE		40

#ifndef __ASSEMBLER__
#include <tessera/compiler.h>
#include <tessera/types.h>

struct trampoline_data {
	u32 temp_cr3;		/* physical, < 4 GiB: loaded in 32-bit mode */
	u32 efer;		/* EFER low half to enter long mode with */
	u32 stage;		/* TR_STAGE_*, written by the AP */
	u32 cpu;		/* CPU number the AP becomes */
	u64 entry64;		/* secondary_startup_64, kernel virtual */
	u64 kernel_cr3;		/* the kernel's PML4, physical */
	u64 stack_top;		/* the AP's idle task stack */
};

_Static_assert(offsetof(struct trampoline_data, temp_cr3) == TR_TEMP_CR3, "");
_Static_assert(offsetof(struct trampoline_data, efer) == TR_EFER, "");
_Static_assert(offsetof(struct trampoline_data, stage) == TR_STAGE, "");
_Static_assert(offsetof(struct trampoline_data, cpu) == TR_CPU, "");
_Static_assert(offsetof(struct trampoline_data, entry64) == TR_ENTRY64, "");
_Static_assert(offsetof(struct trampoline_data, kernel_cr3) ==
	       TR_KERNEL_CR3, "");
_Static_assert(offsetof(struct trampoline_data, stack_top) ==
	       TR_STACK_TOP, "");
_Static_assert(sizeof(struct trampoline_data) == TR_DATA_SIZE, "");

/*
 * Find the other CPUs (ACPI MADT), route nothing yet but mask every
 * IOAPIC pin, install the IPI handlers and start every AP.  Called once by
 * the boot CPU with interrupts enabled, after the LAPIC timer runs.  CPUs
 * that fail to start are reported and left offline; returns the number of
 * CPUs online afterwards (at least 1).
 */
unsigned int smp_init(void);

/* C entry of an AP, on its idle task's stack (called by trampoline.S). */
__noreturn void secondary_start_kernel(unsigned int cpu);

/*
 * Allocate the IST stacks of AP @cpu (cpu.c); call on the boot CPU before
 * the AP runs arch_cpu_init().  0, -EINVAL (cpu 0 or out of range) or
 * -ENOMEM.
 */
int cpu_alloc_ist_stacks(unsigned int cpu);
#endif /* !__ASSEMBLER__ */

#endif /* _ASM_X86_SMPBOOT_H */
