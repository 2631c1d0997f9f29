/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FPU/SSE/AVX state of tasks (arch/x86/kernel/fpu.c).
 *
 * The kernel itself is built with -mgeneral-regs-only and never touches
 * vector registers, so only tasks that own an FPU area (user threads,
 * and kernel threads that ask for one) have state to keep.  It is saved
 * and restored eagerly on every context switch with XSAVE/XRSTOR (or
 * FXSAVE/FXRSTOR on CPUs without XSAVE).
 */
#ifndef _ASM_X86_FPU_H
#define _ASM_X86_FPU_H

#include <tessera/types.h>

struct task;

/* Enable SSE and, if present, XSAVE with every user state component
 * the CPU has (x87, SSE, AVX, AVX-512 ...).  Per CPU. */
void fpu_init_cpu(void);
/* Size of one task's save area in bytes (valid after fpu_init_cpu). */
size_t fpu_state_size(void);
/* Give @t a save area holding the initial (reset) state.  0 or -ENOMEM. */
int fpu_alloc(struct task *t);
void fpu_free(struct task *t);
/* Save prev's registers, load next's (either may have no area). */
void fpu_switch(struct task *prev, struct task *next);
/* XCR0 in use, for the boot log and tests. */
u64 fpu_xfeatures(void);

#endif /* _ASM_X86_FPU_H */
