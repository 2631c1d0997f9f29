/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Targeted TLB shootdown of user ranges (arch/x86/kernel/ipi.c).  The
 * kernel-range shootdown to every CPU is flush_tlb_kernel_range() in
 * <tessera/ipi.h>; which CPUs may cache a user address space is
 * arch/x86/mm/user.c's business (<asm/user_pgtable.h>).
 */
#ifndef _ASM_X86_TLBFLUSH_H
#define _ASM_X86_TLBFLUSH_H

#include <tessera/types.h>

/*
 * Invalidate [start, end) on this CPU and, by TLB-shootdown IPI, on the
 * online CPUs of the mask @cpus (bit n = CPU n), waiting for them as
 * flush_tlb_kernel_range() does.  Any context but NMI.
 */
void flush_tlb_mask_range(u64 cpus, unsigned long start, unsigned long end);

/*
 * Number of user-range shootdown requests (flush_tlb_mask_range()) CPU
 * @cpu has served for another CPU since boot.  For tests.
 */
u64 tlb_user_shootdowns(unsigned int cpu);

#endif /* _ASM_X86_TLBFLUSH_H */
