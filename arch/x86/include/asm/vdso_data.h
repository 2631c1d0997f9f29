/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vvar page: what the processor's kernel tells the vDSO
 * (arch/x86/vdso/) so that a process reads the clocks without a
 * syscall.  The vDSO is built as user code, so this header uses only C
 * types, no kernel header.  The page is one page below the vDSO's ELF
 * header in every process (managers/processor/vdso.c maps both).
 *
 * The clocks are the kernel's own (arch/x86/kernel/tsc.c ktime_get()):
 *	CLOCK_MONOTONIC ns = ((rdtsc - tsc_base) * tsc_mult) >> 32
 *	CLOCK_REALTIME  ns = realtime_base + CLOCK_MONOTONIC ns
 * so a value read here and one a syscall returns never go backwards
 * against each other.  @seq is odd while the kernel rewrites the page:
 * a reader retries until it reads the same even value before and after.
 */
#ifndef _ASM_X86_VDSO_DATA_H
#define _ASM_X86_VDSO_DATA_H

#define VDSO_CLOCK_TSC		0x1	/* the TSC fields are valid */
#define VDSO_GETCPU_RDTSCP	0x2	/* IA32_TSC_AUX holds the CPU number */

struct vdso_data {
	unsigned int seq;
	unsigned int flags;			/* VDSO_* */
	unsigned long long tsc_base;		/* TSC at ktime_get() == 0 */
	unsigned long long tsc_mult;		/* ns per cycle, 32.32 */
	unsigned long long realtime_base;	/* REALTIME - MONOTONIC, ns */
};

#endif /* _ASM_X86_VDSO_DATA_H */
