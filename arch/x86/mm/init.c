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
 * kernel page tables and the list of free stack slots; lookups are
 * lock-free (table pages are never freed, and the only entries that go
 * from present to empty are those of a freed kernel stack, which nobody
 * uses any more).
 *
 * Kernel stacks: each is a slot of the stack area, an unmapped guard
 * page then the stack.  free_kernel_stack() unmaps one, shoots its
 * translations down on every CPU, frees its pages and keeps the slot for
 * the next stack of the same size, so the area is reused, not used up.
 */
#include <tessera/bug.h>
#include <tessera/errno.h>
#include <tessera/memblock.h>
#include <tessera/mm.h>
#include <tessera/panic.h>
#include <tessera/ipi.h>
#include <tessera/list.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
#include <tessera/ptindex.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <asm/pgtable.h>
#include <asm/processor.h>

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

/* The address range of a freed kernel stack, for the next one its size. */
struct stack_slot {
	struct list_head node;		/* free_stack_slots */
	unsigned long va;
	size_t size;
};

static LIST_HEAD(free_stack_slots);	/* under pgtable_lock */

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
		pte_t *e = &table[pt_index(va, level - 1)];

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
		pte_t *e = &table[pt_index(va, l - 1)];

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
	e = &table[pt_index(va, level - 1)];
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

static unsigned int stack_order(size_t size)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}

/* A free slot of @size bytes, reused or new; 0 if the area is full. */
static unsigned long stack_slot_get(size_t size)
{
	struct stack_slot *slot, *found = NULL;
	unsigned long va = 0, flags;

	spin_lock_irqsave(&pgtable_lock, flags);
	list_for_each_entry(slot, &free_stack_slots, node) {
		if (slot->size == size) {
			found = slot;
			list_del(&slot->node);
			va = slot->va;
			break;
		}
	}
	if (!found && stack_area_next + PAGE_SIZE + size <= STACK_AREA_END) {
		va = stack_area_next + PAGE_SIZE;	/* guard page below */
		stack_area_next = va + size;
	}
	spin_unlock_irqrestore(&pgtable_lock, flags);
	kfree(found);
	return va;
}

/* Keep the slot at @va for reuse (its pages are unmapped and flushed). */
static void stack_slot_put(unsigned long va, size_t size)
{
	struct stack_slot *slot = kmalloc(sizeof(*slot), GFP_ATOMIC);
	unsigned long flags;

	if (!slot) {
		pr_warn_once("paging: no memory to keep a free stack slot; its address range is lost\n");
		return;
	}
	slot->va = va;
	slot->size = size;
	spin_lock_irqsave(&pgtable_lock, flags);
	list_add(&slot->node, &free_stack_slots);
	spin_unlock_irqrestore(&pgtable_lock, flags);
}

void *alloc_kernel_stack(size_t size)
{
	unsigned int order;
	struct page *pages;
	unsigned long va;

	if (!size || !IS_ALIGNED(size, PAGE_SIZE))
		return NULL;
	order = stack_order(size);
	pages = alloc_pages(GFP_KERNEL, order);
	if (!pages)
		return NULL;
	va = stack_slot_get(size);
	if (!va)
		goto free_pages;
	if (kernel_map_pages(va, page_to_pfn(pages) << PAGE_SHIFT, size,
			     PAGE_KERNEL))
		goto put_slot;
	return (void *)va;

put_slot:
	stack_slot_put(va, size);
free_pages:
	__free_pages(pages, order);
	return NULL;
}

void free_kernel_stack(void *stack, size_t size)
{
	unsigned long va = (unsigned long)stack, flags;
	pte_t *pte;
	phys_addr_t pa;
	int level;

	pte = lookup_kernel_pte(va, &level);
	if (WARN_ON_ONCE(!pte || level != 1 || va < STACK_AREA_START ||
			 va + size > STACK_AREA_END))
		return;
	pa = *pte & PTE_ADDR_MASK;
	spin_lock_irqsave(&pgtable_lock, flags);
	for (size_t off = 0; off < size; off += PAGE_SIZE) {
		pte = lookup_kernel_pte(va + off, NULL);
		if (pte)
			WRITE_ONCE(*pte, 0);
	}
	spin_unlock_irqrestore(&pgtable_lock, flags);
	/* No CPU may reach the pages through a stale entry once reused. */
	flush_tlb_kernel_range(va, va + size);
	__free_pages(pfn_to_page(pa >> PAGE_SHIFT), stack_order(size));
	stack_slot_put(va, size);
}
