/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page tables of user address spaces (arch/x86/mm/user.c).
 *
 * Each process has its own PML4.  Entries 0..255 (the lower half, user
 * space) are its own; entries 256..511 (the kernel half) are copied from
 * the kernel PML4 when the table is made.  The kernel's tables below the
 * PML4 are shared, so kernel mappings added later under an existing PML4
 * entry are seen by every process at once.  A kernel PML4 entry created
 * after a process exists (the kernel maps everything under a handful of
 * entries made at boot: direct map, stacks, ioremap, image) is copied
 * into a process's PML4 lazily, by the page-fault handler, the first
 * time the kernel touches it while that PML4 is loaded
 * (user_pgd_sync_kernel()).
 *
 * Locking: the caller serialises changes to one address space (the
 * processor manager's mm lock); these functions take no locks.
 */
#ifndef _ASM_X86_USER_PGTABLE_H
#define _ASM_X86_USER_PGTABLE_H

#include <tessera/types.h>
#include <uapi/mman.h>
#include <asm/pgtable.h>

struct pt_regs;

/* Leaf protections for user pages (NX is dropped if the CPU lacks it). */
#define PAGE_USER_RO		(_PAGE_PRESENT | _PAGE_USER | _PAGE_NX)
#define PAGE_USER_RW		(_PAGE_PRESENT | _PAGE_USER | _PAGE_RW | _PAGE_NX)
#define PAGE_USER_RX		(_PAGE_PRESENT | _PAGE_USER)
#define PAGE_USER_RWX		(_PAGE_PRESENT | _PAGE_USER | _PAGE_RW)

/*
 * The leaf protection of a user page of a vma with @prot (PROT_*): any
 * of the three makes it readable (x86 has no write- or exec-only pages).
 */
static inline u64 user_prot_to_pte(u32 prot)
{
	if (prot & PROT_WRITE)
		return (prot & PROT_EXEC) ? PAGE_USER_RWX : PAGE_USER_RW;
	return (prot & PROT_EXEC) ? PAGE_USER_RX : PAGE_USER_RO;
}

/* Record the kernel PML4 (the boot CPU's CR3); once, before any process. */
void user_pgtable_init(void);
/* Physical address of the kernel PML4 (0 before user_pgtable_init()). */
phys_addr_t user_pgd_kernel_pa(void);

/* A new PML4 with an empty user half.  NULL on -ENOMEM. */
pte_t *user_pgd_alloc(void);
/*
 * Free every user page-table page of @pgd and @pgd itself; @put is called
 * for each page still mapped (physical address), but not for _PAGE_SPECIAL
 * ones, so the owner can free it.
 * @pgd must not be loaded on any CPU.
 */
void user_pgd_free(pte_t *pgd, void (*put)(phys_addr_t pa, void *arg),
		   void *arg);

/*
 * Map the user page at @va (page aligned, below USER_ADDR_END) to @pa.
 * 0, -EINVAL, -EEXIST (already mapped) or -ENOMEM.
 */
int user_map_page(pte_t *pgd, unsigned long va, phys_addr_t pa, u64 prot);
/* Unmap @va; returns the physical page it mapped, or 0.  No TLB flush. */
phys_addr_t user_unmap_page(pte_t *pgd, unsigned long va);
/* The leaf entry of @va, or NULL if no page table covers it. */
pte_t *user_lookup_pte(pte_t *pgd, unsigned long va);
/*
 * The leaf entry for *@va, or NULL when a table above it is missing:
 * then *@va has moved past everything that table would cover (a walk
 * over a sparse address space costs its tables, not its size).
 */
pte_t *user_lookup_pte_next(pte_t *pgd, unsigned long *va);
/* Change the protection of a mapped page; false if @va is not mapped. */
bool user_protect_page(pte_t *pgd, unsigned long va, u64 prot);
/* Invalidate [start, end) of user space in every CPU's TLB. */
void user_flush_tlb_range(unsigned long start, unsigned long end);
/*
 * Invalidate [start, end) of the address space @pgd: on this CPU and on
 * the CPUs that have @pgd loaded (user_pgd_cpus()), not the others.  Call
 * after clearing the entries.  Any context but NMI.
 */
void user_flush_tlb_mm_range(const pte_t *pgd, unsigned long start,
			     unsigned long end);
/*
 * The CPUs (bit n = CPU n) whose CR3 is @pgd, or is about to be: the
 * only ones that may cache its user translations (no PCID; see
 * arch/x86/mm/user.c).  Issues a full fence first.
 */
u64 user_pgd_cpus(const pte_t *pgd);
/*
 * Load @cr3 on this CPU if it is not loaded yet, recording it for
 * user_pgd_cpus().  The context switch's hook; interrupts off.
 */
void user_pgd_switch(phys_addr_t cr3);

/*
 * Kernel-mode page faults and #GPs that the user-space code may fix
 * (called by arch/x86/kernel/traps.c): a kernel PML4 entry missing from
 * the loaded process PML4, a fault of a uaccess instruction on a user
 * page that can be brought in (user_fault_resolve()), or else the
 * instruction's exception-table fixup (the access returns -EFAULT).
 * True if the faulting context may resume.
 */
bool kernel_fault_fixup(struct pt_regs *regs, unsigned long addr,
			unsigned long error_code);
bool uaccess_fixup(struct pt_regs *regs);

/*
 * Bring in the user page at @addr for the current process (the processor
 * manager: pcache fill, or the local page pool).  0 if the access may
 * be retried, -EFAULT if @addr is not a valid access, -ENOMEM.
 * Must not sleep: it can run inside a uaccess with spinlocks held.
 */
int user_fault_resolve(unsigned long addr, unsigned long error_code);

#endif /* _ASM_X86_USER_PGTABLE_H */
