/* SPDX-License-Identifier: GPL-2.0 */
/*
 * x86-64 virtual memory layout and physical/virtual conversions.
 *
 *   0xffff888000000000  PAGE_OFFSET: direct map of all physical RAM
 *   0xffffc90000000000  VMALLOC_START: vmalloc area, kernel stacks with
 *                       unmapped guard pages
 *   0xffffffff80000000  __START_KERNEL_map: kernel image, physical 0 + offset
 *
 * The kernel is linked at KERNEL_VIRT_BASE and loaded at KERNEL_PHYS_BASE.
 * Also used by assembly and the linker script, so only #defines here unless
 * __ASSEMBLER__ is unset.
 */
#ifndef _ASM_X86_PAGE_H
#define _ASM_X86_PAGE_H

#ifdef __ASSEMBLER__
#define _AC(x, suffix)		x
#else
#define _AC(x, suffix)		(x##suffix)
#endif

#define PAGE_SHIFT		12
#define PAGE_SIZE		(_AC(1, UL) << PAGE_SHIFT)
#define PAGE_MASK		(~(PAGE_SIZE - 1))
#define PMD_SHIFT		21
#define PMD_SIZE		(_AC(1, UL) << PMD_SHIFT)
#define PUD_SHIFT		30
#define PUD_SIZE		(_AC(1, UL) << PUD_SHIFT)
#define PGDIR_SHIFT		39

#define PAGE_OFFSET		_AC(0xffff888000000000, UL)
#define VMALLOC_START		_AC(0xffffc90000000000, UL)
#define VMALLOC_END		_AC(0xffffe8ffffffffff, UL)
#define __START_KERNEL_map	_AC(0xffffffff80000000, UL)
#define KERNEL_PHYS_BASE	0x200000
#define KERNEL_VIRT_BASE	(__START_KERNEL_map + KERNEL_PHYS_BASE)

#ifndef __ASSEMBLER__
#include <tessera/types.h>

extern char _text[], _etext[], __start_rodata[], __end_rodata[];
extern char _sdata[], _edata[], __bss_start[], __bss_stop[], _end[];

static inline phys_addr_t __pa(const void *x)
{
	unsigned long v = (unsigned long)x;

	if (v >= __START_KERNEL_map)
		return v - __START_KERNEL_map;
	return v - PAGE_OFFSET;
}

static inline void *__va(phys_addr_t pa)
{
	return (void *)(unsigned long)(pa + PAGE_OFFSET);
}

#define virt_to_phys(x)		__pa(x)
#define phys_to_virt(x)		__va(x)
#define PFN_DOWN(x)		((x) >> PAGE_SHIFT)
#define PFN_UP(x)		(((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)
#define PFN_PHYS(pfn)		((phys_addr_t)(pfn) << PAGE_SHIFT)
#endif

#endif /* _ASM_X86_PAGE_H */
