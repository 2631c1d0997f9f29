/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64 4-level page tables: entry bits, and the kernel's mapping calls
 * (arch/x86/mm/init.c).
 */
#ifndef _ASM_X86_PGTABLE_H
#define _ASM_X86_PGTABLE_H

#include <tessera/types.h>
#include <asm/page.h>

#define _PAGE_PRESENT	(1ULL << 0)
#define _PAGE_RW	(1ULL << 1)
#define _PAGE_USER	(1ULL << 2)
#define _PAGE_PWT	(1ULL << 3)
#define _PAGE_PCD	(1ULL << 4)
#define _PAGE_ACCESSED	(1ULL << 5)
#define _PAGE_DIRTY	(1ULL << 6)
#define _PAGE_PSE	(1ULL << 7)
#define _PAGE_GLOBAL	(1ULL << 8)
#define _PAGE_SPECIAL	(1ULL << 9)	/* software: a page nobody owns (vDSO) */
#define _PAGE_NX	(1ULL << 63)
#define PTE_ADDR_MASK	0x000ffffffffff000ULL

/* Protections for kernel mappings; NX is dropped if the CPU lacks it. */
#define PAGE_KERNEL		(_PAGE_PRESENT | _PAGE_RW | _PAGE_GLOBAL | _PAGE_NX)
#define PAGE_KERNEL_RO		(_PAGE_PRESENT | _PAGE_GLOBAL | _PAGE_NX)
#define PAGE_KERNEL_EXEC	(_PAGE_PRESENT | _PAGE_GLOBAL)
#define PAGE_KERNEL_NOCACHE	(PAGE_KERNEL | _PAGE_PCD | _PAGE_PWT)

typedef u64 pte_t;

/*
 * Replace the boot page tables with the real ones: a direct map of every
 * memblock RAM range at PAGE_OFFSET (RW, NX; the kernel image's own pages
 * read-only there too), and the kernel image at __START_KERNEL_map with
 * text RX, rodata R, data and bss RW+NX.  Page-table pages come from
 * memblock.  The identity map of low memory is gone afterwards.
 */
void paging_init(void);

/* Page-table pages come from the buddy allocator from now on (after mm_init). */
void paging_use_buddy(void);

/*
 * Map [va, va + size) to [pa, pa + size) with prot, in 4 KiB pages (the
 * range must be page aligned and not mapped yet).  0, -EINVAL, -EEXIST or
 * -ENOMEM.
 */
int kernel_map_pages(unsigned long va, phys_addr_t pa, size_t size, u64 prot);

/* The leaf entry mapping va, or NULL; *level is 1 (4K), 2 (2M) or 3 (1G). */
pte_t *lookup_kernel_pte(unsigned long va, int *level);

/* True if va is mapped (any level) in the kernel page tables. */
bool kernel_addr_mapped(unsigned long va);

/* Map MMIO uncached; returns the virtual address or NULL. */
void *ioremap(phys_addr_t pa, size_t size);

/*
 * Allocate a kernel stack of size bytes (a multiple of PAGE_SIZE) in the
 * vmalloc area, with an unmapped guard page below it.  Returns the lowest
 * stack address (stack_base) or NULL; the top is base + size.
 */
void *alloc_kernel_stack(size_t size);
/*
 * Free a stack from alloc_kernel_stack() (@size as allocated): unmapped,
 * flushed from every CPU's TLB, pages freed, the address range kept for
 * the next stack.  Nothing may run on it.  Any context but NMI (it
 * shoots the TLBs down, which works with interrupts off).
 */
void free_kernel_stack(void *stack, size_t size);

static inline void flush_tlb_one(unsigned long va)
{
	__asm__ __volatile__("invlpg (%0)" : : "r"(va) : "memory");
}

#endif /* _ASM_X86_PGTABLE_H */
