/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Indexing x86-64 4-level page tables, and the memory node's radix
 * table of the same shape (managers/memory/vm.c): 512 entries a table,
 * 9 bits of the address a level above the 12-bit page offset.  Levels
 * count from the leaf: 0 is the table of 4 KiB entries (PT), 1 the PD,
 * 2 the PDPT, 3 the PML4.  Pure: the host tests build it too.
 */
#ifndef _TESSERA_PTINDEX_H
#define _TESSERA_PTINDEX_H

#include <tessera/types.h>
#include <asm/page.h>

#define PT_ENTRIES	512
#define PT_LEVELS	4

/* The slot of @va in a table at @level. */
static inline unsigned int pt_index(u64 va, int level)
{
	return (va >> (PAGE_SHIFT + 9 * level)) & (PT_ENTRIES - 1);
}

/* Bytes covered by one entry of a table at @level. */
static inline u64 pt_span(int level)
{
	return 1ULL << (PAGE_SHIFT + 9 * level);
}

#endif /* _TESSERA_PTINDEX_H */
