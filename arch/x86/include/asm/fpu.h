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


/*
 * For signal frames (arch/x86/kernel/signal.c), on the current user
 * thread.  fpu_save_current(): its registers saved into its own area,
 * returned (fpu_state_size() bytes, the XSAVE standard format).
 * fpu_reset_current(): registers back to the reset state (a handler
 * starts with them).  fpu_load_current(): @area checked with
 * fpu_check_state() (MXCSR reserved bits, XSAVE header: features
 * enabled, standard form, bytes 16..23 zero: what would make XRSTOR
 * fault), then loaded; -EINVAL if refused.
 */
bool fpu_uses_xsave(void);
const void *fpu_save_current(void);
void fpu_reset_current(void);
const void *fpu_init_state(void);
int fpu_check_state(const void *area);
int fpu_load_current(const void *area);

#endif /* _ASM_X86_FPU_H */
