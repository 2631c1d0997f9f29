/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host-test shim for <asm/page.h>: the same names as
 * arch/x86/include/asm/page.h, but with PAGE_OFFSET 0, so that a test's
 * "physical" addresses are simply the addresses of host memory it owns
 * (an aligned_alloc() arena handed to memblock_add()).  __va(pa) is then
 * (void *)pa and __pa(p) is (phys_addr_t)p; pfns are large numbers.
 */
#ifndef _ASM_X86_PAGE_H
#define _ASM_X86_PAGE_H

#define PAGE_SHIFT		12
#define PAGE_SIZE		(1UL << PAGE_SHIFT)
#define PAGE_MASK		(~(PAGE_SIZE - 1))
#define PMD_SHIFT		21
#define PMD_SIZE		(1UL << PMD_SHIFT)
#define PUD_SHIFT		30
#define PUD_SIZE		(1UL << PUD_SHIFT)

#define PAGE_OFFSET		0UL

#include <tessera/types.h>

static inline phys_addr_t __pa(const void *x)
{
	return (phys_addr_t)(unsigned long)x;
}

static inline void *__va(phys_addr_t pa)
{
	return (void *)(unsigned long)pa;
}

#define virt_to_phys(x)		__pa(x)
#define phys_to_virt(x)		__va(x)
#define PFN_DOWN(x)		((x) >> PAGE_SHIFT)
#define PFN_UP(x)		(((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)
#define PFN_PHYS(pfn)		((phys_addr_t)(pfn) << PAGE_SHIFT)

#endif /* _ASM_X86_PAGE_H */
