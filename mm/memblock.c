/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memblock: the boot-time physical memory allocator.
 *
 * This file owns the two region lists ("memory" and "reserved"), each a
 * static array kept sorted by base with overlapping and touching ranges
 * merged, the top-down allocator over memory minus reserved, and the
 * free-range iterator mm_init() (mm/page_alloc.c) walks to seed the buddy
 * allocator.  After mm_init() memblock is retired: every request is
 * refused with a warning, because its free ranges now belong to buddy.
 *
 * Nothing here dereferences a physical address, so the lists may describe
 * memory that is not mapped (above 4 GiB, above the direct-map limit).
 *
 * Locking: none; boot CPU only, before interrupts and other CPUs.
 */
#define pr_fmt(fmt) "memblock: " fmt

#include <tessera/compiler.h>
#include <tessera/errno.h>
#include <tessera/memblock.h>
#include <tessera/printk.h>
#include <tessera/string.h>
#include <asm/page.h>

#include "internal.h"

#define PHYS_ADDR_MAX	(~(phys_addr_t)0)

struct memblock_type {
	const char *name;
	unsigned int cnt;
	struct memblock_region regions[MEMBLOCK_MAX_REGIONS];
};

static struct memblock_type mb_memory = { .name = "memory" };
static struct memblock_type mb_reserved = { .name = "reserved" };
static phys_addr_t mb_limit = MEMBLOCK_ALLOC_ANYWHERE;
static bool mb_retired;

/* End of [base, base + size), clipped to the top of the address space. */
static phys_addr_t memblock_clip_end(phys_addr_t base, u64 size)
{
	if (size > PHYS_ADDR_MAX - base)
		return PHYS_ADDR_MAX;
	return base + size;
}

static void memblock_delete(struct memblock_type *type, unsigned int idx,
			    unsigned int nr)
{
	memmove(&type->regions[idx], &type->regions[idx + nr],
		(type->cnt - idx - nr) * sizeof(type->regions[0]));
	type->cnt -= nr;
}

/* Add [base, base + size) to a list, merging with every region it
 * overlaps or touches.  0 or -ENOSPC. */
static int memblock_insert(struct memblock_type *type, phys_addr_t base,
			   u64 size)
{
	struct memblock_region *r = type->regions;
	phys_addr_t end, new_base, new_end;
	unsigned int i, j;

	if (!size)
		return 0;
	end = memblock_clip_end(base, size);

	/* Regions i..j-1 overlap or touch [base, end). */
	for (i = 0; i < type->cnt && memblock_region_end(&r[i]) < base; i++)
		;
	for (j = i; j < type->cnt && r[j].base <= end; j++)
		;

	if (i == j) {
		if (type->cnt == MEMBLOCK_MAX_REGIONS) {
			pr_err("%s table full (%u regions): dropping [%#llx-%#llx)\n",
			       type->name, MEMBLOCK_MAX_REGIONS,
			       (unsigned long long)base,
			       (unsigned long long)end);
			return -ENOSPC;
		}
		memmove(&r[i + 1], &r[i], (type->cnt - i) * sizeof(r[0]));
		r[i].base = base;
		r[i].size = end - base;
		type->cnt++;
		return 0;
	}

	new_base = min(base, r[i].base);
	new_end = max(end, memblock_region_end(&r[j - 1]));
	r[i].base = new_base;
	r[i].size = new_end - new_base;
	memblock_delete(type, i + 1, j - i - 1);
	return 0;
}

/* Take [base, base + size) out of a list; may split one region.
 * 0 or -ENOSPC (the split needed a slot and the table is full). */
static int memblock_remove_range(struct memblock_type *type,
				 phys_addr_t base, u64 size)
{
	struct memblock_region *r = type->regions;
	phys_addr_t end;
	unsigned int i;

	if (!size)
		return 0;
	end = memblock_clip_end(base, size);

	for (i = 0; i < type->cnt; i++) {
		phys_addr_t rend = memblock_region_end(&r[i]);

		if (r[i].base < base && end < rend) {
			if (type->cnt == MEMBLOCK_MAX_REGIONS) {
				pr_err("%s table full: cannot split for [%#llx-%#llx)\n",
				       type->name, (unsigned long long)base,
				       (unsigned long long)end);
				return -ENOSPC;
			}
			memmove(&r[i + 2], &r[i + 1],
				(type->cnt - i - 1) * sizeof(r[0]));
			r[i].size = base - r[i].base;
			r[i + 1].base = end;
			r[i + 1].size = rend - end;
			type->cnt++;
			return 0;
		}
	}

	i = 0;
	while (i < type->cnt) {
		phys_addr_t rbase = r[i].base, rend = memblock_region_end(&r[i]);

		if (rend <= base || rbase >= end) {
			i++;
			continue;
		}
		if (rbase >= base && rend <= end) {
			memblock_delete(type, i, 1);
			continue;
		}
		if (rbase < base) {
			r[i].size = base - rbase;
		} else {
			r[i].base = end;
			r[i].size = rend - end;
		}
		i++;
	}
	return 0;
}

int memblock_add(phys_addr_t base, u64 size)
{
	if (mb_retired) {
		mm_warn("memblock_add(%#llx, %#llx) after mm_init",
			(unsigned long long)base, (unsigned long long)size);
		return -EBUSY;
	}
	return memblock_insert(&mb_memory, base, size);
}

int memblock_reserve(phys_addr_t base, u64 size)
{
	if (mb_retired) {
		mm_warn("memblock_reserve(%#llx, %#llx) after mm_init",
			(unsigned long long)base, (unsigned long long)size);
		return -EBUSY;
	}
	return memblock_insert(&mb_reserved, base, size);
}

void memblock_free(phys_addr_t base, u64 size)
{
	if (mb_retired) {
		mm_warn("memblock_free(%#llx, %#llx) after mm_init: range stays reserved",
			(unsigned long long)base, (unsigned long long)size);
		return;
	}
	if (memblock_remove_range(&mb_reserved, base, size))
		pr_err("free of [%#llx+%#llx) failed: range stays reserved\n",
		       (unsigned long long)base, (unsigned long long)size);
}

/*
 * The free ranges are the intersections of each memory region with each
 * gap between reserved regions (gap g lies between reserved[g - 1] and
 * reserved[g]; gap 0 starts at 0, the last gap ends at the top).  *idx
 * packs the memory index (low 32 bits) and the gap index (high 32 bits);
 * both lists are sorted, so neither index ever moves backwards.
 */
bool __memblock_next_free_range(u64 *idx, phys_addr_t *start,
				phys_addr_t *end)
{
	unsigned int mi = (u32)*idx, gi = (u32)(*idx >> 32);
	const struct memblock_region *res = mb_reserved.regions;

	for (; mi < mb_memory.cnt; mi++) {
		const struct memblock_region *m = &mb_memory.regions[mi];
		phys_addr_t mstart = m->base, mend = memblock_region_end(m);

		for (; gi <= mb_reserved.cnt; gi++) {
			phys_addr_t gstart, gend;

			gstart = gi ? memblock_region_end(&res[gi - 1]) : 0;
			gend = gi < mb_reserved.cnt ? res[gi].base : PHYS_ADDR_MAX;
			if (gstart >= mend)
				break;
			if (gend <= mstart)
				continue;

			*start = max(mstart, gstart);
			*end = min(mend, gend);
			/* Resume with whichever of the two ends first. */
			if (mend <= gend)
				mi++;
			else
				gi++;
			*idx = (u64)gi << 32 | mi;
			return true;
		}
	}
	*idx = (u64)gi << 32 | mi;
	return false;
}

phys_addr_t memblock_alloc(u64 size, u64 align)
{
	phys_addr_t start, end, cand, best = 0;
	u64 i;

	if (mb_retired) {
		mm_warn("memblock_alloc(%#llx) after mm_init: use alloc_pages()/kmalloc()",
			(unsigned long long)size);
		return 0;
	}
	if (!align)
		align = PAGE_SIZE;
	if (!size || !is_power_of_2(align)) {
		mm_warn("memblock_alloc: bad size %#llx or align %#llx",
			(unsigned long long)size, (unsigned long long)align);
		return 0;
	}

	for_each_free_range(i, &start, &end) {
		/* Page 0 is never handed out: 0 means failure. */
		start = max_t(phys_addr_t, start, PAGE_SIZE);
		end = min(end, mb_limit);
		if (end <= start || end - start < size)
			continue;
		cand = ALIGN_DOWN(end - size, (phys_addr_t)align);
		if (cand >= start && cand > best)
			best = cand;
	}

	if (!best) {
		pr_err("cannot allocate %#llx bytes aligned to %#llx below %#llx\n",
		       (unsigned long long)size, (unsigned long long)align,
		       (unsigned long long)mb_limit);
		return 0;
	}
	if (memblock_insert(&mb_reserved, best, size))
		return 0;
	return best;
}

void memblock_set_limit(phys_addr_t limit)
{
	mb_limit = limit;
}

phys_addr_t memblock_get_limit(void)
{
	return mb_limit;
}

static u64 memblock_type_size(const struct memblock_type *type)
{
	u64 total = 0;
	unsigned int i;

	for (i = 0; i < type->cnt; i++)
		total += type->regions[i].size;
	return total;
}

u64 memblock_phys_mem_size(void)
{
	return memblock_type_size(&mb_memory);
}

u64 memblock_reserved_size(void)
{
	return memblock_type_size(&mb_reserved);
}

phys_addr_t memblock_end_of_DRAM(void)
{
	if (!mb_memory.cnt)
		return 0;
	return memblock_region_end(&mb_memory.regions[mb_memory.cnt - 1]);
}

bool memblock_is_region_reserved(phys_addr_t base, u64 size)
{
	phys_addr_t end = memblock_clip_end(base, size);
	unsigned int i;

	for (i = 0; i < mb_reserved.cnt; i++) {
		const struct memblock_region *r = &mb_reserved.regions[i];

		if (r->base < end && memblock_region_end(r) > base)
			return true;
	}
	return false;
}

bool memblock_is_region_memory(phys_addr_t base, u64 size)
{
	phys_addr_t end = memblock_clip_end(base, size);
	unsigned int i;

	for (i = 0; i < mb_memory.cnt; i++) {
		const struct memblock_region *r = &mb_memory.regions[i];

		if (r->base <= base && memblock_region_end(r) >= end)
			return true;
	}
	return false;
}

static void memblock_dump_type(const struct memblock_type *type)
{
	unsigned int i;

	pr_info(" %s: %u regions, %llu KiB\n", type->name, type->cnt,
		(unsigned long long)(memblock_type_size(type) >> 10));
	for (i = 0; i < type->cnt; i++) {
		const struct memblock_region *r = &type->regions[i];

		pr_info(" %s[%u] [0x%016llx-0x%016llx] %llu KiB\n", type->name, i,
			(unsigned long long)r->base,
			(unsigned long long)memblock_region_end(r) - 1,
			(unsigned long long)(r->size >> 10));
	}
}

void memblock_dump(void)
{
	pr_info("limit %#llx%s\n", (unsigned long long)mb_limit,
		mb_retired ? " (retired)" : "");
	memblock_dump_type(&mb_memory);
	memblock_dump_type(&mb_reserved);
}

const struct memblock_region *memblock_mem_region(unsigned int idx)
{
	return idx < mb_memory.cnt ? &mb_memory.regions[idx] : NULL;
}

const struct memblock_region *memblock_reserved_region(unsigned int idx)
{
	return idx < mb_reserved.cnt ? &mb_reserved.regions[idx] : NULL;
}

unsigned int memblock_mem_region_count(void)
{
	return mb_memory.cnt;
}

unsigned int memblock_reserved_region_count(void)
{
	return mb_reserved.cnt;
}

void memblock_retire(void)
{
	mb_retired = true;
}

bool memblock_is_retired(void)
{
	return mb_retired;
}

void memblock_reset(void)
{
	mb_memory.cnt = 0;
	mb_reserved.cnt = 0;
	mb_limit = MEMBLOCK_ALLOC_ANYWHERE;
	mb_retired = false;
}
