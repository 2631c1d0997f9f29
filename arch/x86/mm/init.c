/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel page tables.
 *
 * paging_init() builds the final kernel address space described in
 * <asm/page.h> and switches CR3 to it:
 *   - the direct map of all RAM at PAGE_OFFSET, with 1 GiB or 2 MiB pages
 *     where the range allows, 4 KiB pages at the edges and around the
 *     kernel image (whose direct-map alias is read-only, so a stray write
 *     through it faults just like one through the image mapping);
 *   - the kernel image with 4 KiB pages: text RX, rodata R, data/bss RW NX.
 * Later mappings (kernel stacks with guard pages, MMIO) go into the vmalloc
 * area through kernel_map_pages().
 *
 * Page-table pages come from memblock before mm_init() and from the buddy
 * allocator after it.  Locking: pgtable_lock serialises changes to the
 * kernel page tables; lookups are lock-free (entries only ever go from
 * empty to present here).
 */
#include <tessera/errno.h>
#include <tessera/memblock.h>
#include <tessera/mm.h>
#include <tessera/panic.h>
#include <tessera/printk.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <asm/pgtable.h>
#include <asm/processor.h>

#define PTRS_PER_TABLE	512
#define IOREMAP_START	(VMALLOC_START + (1UL << 40))
#define IOREMAP_END	(IOREMAP_START + (1UL << 40))
#define STACK_AREA_START VMALLOC_START
#define STACK_AREA_END	IOREMAP_START

static pte_t *kernel_pml4;
static u64 pte_nx_mask;			/* _PAGE_NX if EFER.NXE is usable */
static bool have_gbpages;
static bool pt_from_buddy;
static DEFINE_SPINLOCK(pgtable_lock);
static unsigned long stack_area_next = STACK_AREA_START;
static unsigned long ioremap_next = IOREMAP_START;

static inline unsigned int pt_index(unsigned long va, int level)
{
	return (va >> (PAGE_SHIFT + 9 * (level - 1))) & (PTRS_PER_TABLE - 1);
}

static pte_t *pt_alloc_table(void)
{
	void *p;

	phys_addr_t pa;

	if (pt_from_buddy)
		return (pte_t *)get_zeroed_page(GFP_KERNEL);
	pa = memblock_alloc(PAGE_SIZE, PAGE_SIZE);
	if (!pa)
		return NULL;
	p = __va(pa);
	memset(p, 0, PAGE_SIZE);
	return p;
}

void paging_use_buddy(void)
{
	pt_from_buddy = true;
}

/*
 * Walk from the PML4 down to the table at target_level (1 = PT, 2 = PD,
 * 3 = PDPT) for va, creating missing tables.  NULL on allocation failure
 * or if a large page already covers va.
 */
static pte_t *pt_walk_create(unsigned long va, int target_level)
{
	pte_t *table = kernel_pml4;

	for (int level = 4; level > target_level; level--) {
		pte_t *e = &table[pt_index(va, level)];

		if (!(*e & _PAGE_PRESENT)) {
			pte_t *next = pt_alloc_table();

			if (!next)
				return NULL;
			/* Intermediate entries are permissive; leaves decide. */
			*e = __pa(next) | _PAGE_PRESENT | _PAGE_RW;
		} else if (*e & _PAGE_PSE) {
			return NULL;
		}
		table = __va(*e & PTE_ADDR_MASK);
	}
	return table;
}

pte_t *lookup_kernel_pte(unsigned long va, int *level)
{
	pte_t *table = kernel_pml4;

	if (!table)
		return NULL;
	for (int l = 4; l >= 1; l--) {
		pte_t *e = &table[pt_index(va, l)];

		if (!(*e & _PAGE_PRESENT))
			return NULL;
		if (l == 1 || (l <= 3 && (*e & _PAGE_PSE))) {
			if (level)
				*level = l;
			return e;
		}
		table = __va(*e & PTE_ADDR_MASK);
	}
	return NULL;
}

bool kernel_addr_mapped(unsigned long va)
{
	return lookup_kernel_pte(va, NULL) != NULL;
}

static int map_one(unsigned long va, phys_addr_t pa, u64 prot, int level)
{
	pte_t *table = pt_walk_create(va, level);
	pte_t *e;

	if (!table)
		return -ENOMEM;
	e = &table[pt_index(va, level)];
	if (*e & _PAGE_PRESENT)
		return -EEXIST;
	prot &= ~_PAGE_NX | pte_nx_mask;
	*e = pa | prot | (level > 1 ? _PAGE_PSE : 0);
	return 0;
}

int kernel_map_pages(unsigned long va, phys_addr_t pa, size_t size, u64 prot)
{
	unsigned long flags;
	int ret = 0;

	if (!IS_ALIGNED(va | pa | size, PAGE_SIZE) || !size)
		return -EINVAL;
	spin_lock_irqsave(&pgtable_lock, flags);
	for (size_t off = 0; off < size; off += PAGE_SIZE) {
		ret = map_one(va + off, pa + off, prot, 1);
		if (ret)
			break;
	}
	spin_unlock_irqrestore(&pgtable_lock, flags);
	return ret;
}

/* Protection of the direct-map alias of physical page pa. */
static u64 direct_map_prot(phys_addr_t pa, phys_addr_t ro_start,
			   phys_addr_t ro_end)
{
	return (pa >= ro_start && pa < ro_end) ? PAGE_KERNEL_RO : PAGE_KERNEL;
}

static void map_direct_range(phys_addr_t start, phys_addr_t end,
			     phys_addr_t ro_start, phys_addr_t ro_end)
{
	phys_addr_t pa = ALIGN(start, PAGE_SIZE);

	end = ALIGN_DOWN(end, PAGE_SIZE);
	while (pa < end) {
		int level = 1;
		u64 size = PAGE_SIZE;
		bool touches_ro;

		if (have_gbpages && IS_ALIGNED(pa, PUD_SIZE) &&
		    end - pa >= PUD_SIZE) {
			level = 3;
			size = PUD_SIZE;
		} else if (IS_ALIGNED(pa, PMD_SIZE) && end - pa >= PMD_SIZE) {
			level = 2;
			size = PMD_SIZE;
		}
		touches_ro = pa < ro_end && pa + size > ro_start;
		if (level > 1 && touches_ro) {
			/* Split around the read-only kernel alias. */
			level = 1;
			size = PAGE_SIZE;
		}
		if (map_one(PAGE_OFFSET + pa, pa,
			    direct_map_prot(pa, ro_start, ro_end), level))
			panic("paging: out of memory mapping RAM at %#llx\n",
			      (unsigned long long)pa);
		pa += size;
	}
}

static void map_kernel_image(void)
{
	struct {
		char *start, *end;
		u64 prot;
	} seg[] = {
		{ _text, __start_rodata, PAGE_KERNEL_EXEC },
		{ __start_rodata, __end_rodata, PAGE_KERNEL_RO },
		{ _sdata, _end, PAGE_KERNEL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(seg); i++) {
		unsigned long va = ALIGN_DOWN((unsigned long)seg[i].start,
					      PAGE_SIZE);
		unsigned long end = ALIGN((unsigned long)seg[i].end, PAGE_SIZE);

		for (; va < end; va += PAGE_SIZE)
			if (map_one(va, __pa((void *)va), seg[i].prot, 1))
				panic("paging: cannot map kernel image at %#lx\n",
				      va);
	}
}

void paging_init(void)
{
	const struct memblock_region *r;
	unsigned int a, b, c, d;
	phys_addr_t ro_start = __pa(_text);
	phys_addr_t ro_end = __pa(__end_rodata);

	cpuid(0x80000000, &a, &b, &c, &d);
	if (a >= 0x80000001) {
		cpuid(0x80000001, &a, &b, &c, &d);
		pte_nx_mask = (d & (1U << 20)) ? _PAGE_NX : 0;
		have_gbpages = d & (1U << 26);
	}

	kernel_pml4 = pt_alloc_table();
	if (!kernel_pml4)
		panic("paging: no memory for the kernel page tables\n");

	for_each_mem_region(r)
		map_direct_range(r->base, memblock_region_end(r),
				 ro_start, ro_end);
	map_kernel_image();

	write_cr3(__pa(kernel_pml4));
	pr_info("paging: direct map of %llu MiB at %#lx (%s pages), kernel text RX, rodata RO, data NX%s\n",
		(unsigned long long)(memblock_phys_mem_size() >> 20),
		PAGE_OFFSET, have_gbpages ? "1G" : "2M",
		pte_nx_mask ? "" : " (no NX on this CPU)");
}

void *ioremap(phys_addr_t pa, size_t size)
{
	phys_addr_t base = ALIGN_DOWN(pa, PAGE_SIZE);
	size_t len = ALIGN(pa + size, PAGE_SIZE) - base;
	unsigned long va, flags;

	spin_lock_irqsave(&pgtable_lock, flags);
	va = ioremap_next;
	if (IOREMAP_END - va < len + PAGE_SIZE) {
		spin_unlock_irqrestore(&pgtable_lock, flags);
		return NULL;
	}
	ioremap_next += len + PAGE_SIZE;	/* keep a hole between mappings */
	spin_unlock_irqrestore(&pgtable_lock, flags);

	if (kernel_map_pages(va, base, len, PAGE_KERNEL_NOCACHE))
		return NULL;
	return (void *)(va + (pa - base));
}

void *alloc_kernel_stack(size_t size)
{
	unsigned long va, flags;
	unsigned int order = 0;
	struct page *pages;

	if (!size || !IS_ALIGNED(size, PAGE_SIZE))
		return NULL;
	while ((PAGE_SIZE << order) < size)
		order++;
	pages = alloc_pages(GFP_KERNEL, order);
	if (!pages)
		return NULL;

	spin_lock_irqsave(&pgtable_lock, flags);
	va = stack_area_next + PAGE_SIZE;	/* the guard page stays unmapped */
	if (va + size > STACK_AREA_END) {
		spin_unlock_irqrestore(&pgtable_lock, flags);
		__free_pages(pages, order);
		return NULL;
	}
	stack_area_next = va + size;
	spin_unlock_irqrestore(&pgtable_lock, flags);

	if (kernel_map_pages(va, page_to_pfn(pages) << PAGE_SHIFT, size,
			     PAGE_KERNEL)) {
		__free_pages(pages, order);
		return NULL;
	}
	return (void *)va;
}
