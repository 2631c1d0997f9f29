/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memblock: the boot-time physical memory allocator (mm/memblock.c).
 *
 * Two sorted, merged lists of physical ranges live in static arrays:
 * "memory" (usable RAM reported by the firmware map) and "reserved"
 * (kernel image, boot information, modules, early allocations).  Free
 * memory is memory minus reserved.  memblock never touches the memory it
 * describes, so its ranges may be anywhere in the 64-bit space.
 *
 * It serves boot only: mm_init() hands every free page to the buddy
 * allocator and retires memblock; after that, memblock_alloc() fails
 * loudly and memblock_add()/memblock_reserve() are refused with -EBUSY.
 *
 * Locking: none.  memblock runs on the boot CPU before anything else can
 * allocate.
 */
#ifndef _TESSERA_MEMBLOCK_H
#define _TESSERA_MEMBLOCK_H

#include <tessera/types.h>

#define MEMBLOCK_MAX_REGIONS		128
/* No upper bound for memblock_set_limit(). */
#define MEMBLOCK_ALLOC_ANYWHERE		(~(phys_addr_t)0)

/* One range [base, base + size); size is never 0 in a list. */
struct memblock_region {
	phys_addr_t base;
	u64 size;
};

static inline phys_addr_t memblock_region_end(const struct memblock_region *r)
{
	return r->base + r->size;
}

/*
 * Add a usable RAM range / mark a range reserved.  Overlapping and
 * duplicate ranges merge with what is already there; size 0 is ignored;
 * a range running past the top of the address space is clipped.
 * 0, -ENOSPC if the table is full (logged), -EBUSY after mm_init().
 */
int memblock_add(phys_addr_t base, u64 size);
int memblock_reserve(phys_addr_t base, u64 size);

/*
 * Allocate size bytes aligned to align (a power of two; 0 means
 * PAGE_SIZE), top-down from the highest free range that ends at or below
 * the current limit, and reserve them.  Never returns page 0.  The memory
 * is NOT zeroed and NOT touched.  Returns the physical address, or 0 on
 * failure (logged).
 */
phys_addr_t memblock_alloc(u64 size, u64 align);

/* Give back an allocation (or any reserved range): unreserve it. */
void memblock_free(phys_addr_t base, u64 size);

/*
 * Highest address (exclusive) memblock_alloc() may hand out.  The boot
 * code keeps it at the top of what the direct map covers; mm_init() also
 * only manages RAM below it.  MEMBLOCK_ALLOC_ANYWHERE lifts it.
 */
void memblock_set_limit(phys_addr_t limit);
phys_addr_t memblock_get_limit(void);

/* Total bytes of RAM in the memory list / of reserved ranges. */
u64 memblock_phys_mem_size(void);
u64 memblock_reserved_size(void);
/* End (exclusive) of the highest RAM range; 0 if there is none. */
phys_addr_t memblock_end_of_DRAM(void);
/* True if any byte of [base, base + size) is reserved. */
bool memblock_is_region_reserved(phys_addr_t base, u64 size);
/* True if [base, base + size) lies entirely inside one RAM range. */
bool memblock_is_region_memory(phys_addr_t base, u64 size);

/* pr_info() every memory and reserved region. */
void memblock_dump(void);

/*
 * Iteration.  The region accessors return NULL past the end.
 *
 *	struct memblock_region *r;
 *	for_each_mem_region(r) ...
 *
 *	u64 i; phys_addr_t start, end;
 *	for_each_free_range(i, &start, &end) ...   (ascending, [start, end))
 */
const struct memblock_region *memblock_mem_region(unsigned int idx);
const struct memblock_region *memblock_reserved_region(unsigned int idx);
unsigned int memblock_mem_region_count(void);
unsigned int memblock_reserved_region_count(void);
bool __memblock_next_free_range(u64 *idx, phys_addr_t *start,
				phys_addr_t *end);

#define for_each_mem_region(r)						\
	for (unsigned int __mb_i = 0;					\
	     ((r) = memblock_mem_region(__mb_i)) != NULL; __mb_i++)

#define for_each_reserved_region(r)					\
	for (unsigned int __mb_i = 0;					\
	     ((r) = memblock_reserved_region(__mb_i)) != NULL; __mb_i++)

#define for_each_free_range(i, p_start, p_end)				\
	for ((i) = 0; __memblock_next_free_range(&(i), p_start, p_end); )

#endif /* _TESSERA_MEMBLOCK_H */
