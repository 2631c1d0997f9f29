/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User address spaces on x86-64: per-process PML4s sharing the kernel
 * half, user page mapping, the kernel-mode fault fixups that make user
 * copies safe, and the C wrappers of the uaccess instructions.  See
 * <asm/user_pgtable.h> and <tessera/uaccess.h>.
 *
 * What a user page holds and when it is filled is the processor
 * manager's business (user_fault_resolve()); this file only edits page
 * tables.  User page-table pages come from the buddy allocator, zeroed.
 *
 * Which CPUs may cache an address space's translations: each CPU
 * records the page table it has loaded (loaded_pgd[], written by
 * user_pgd_switch() from the context switch), and a user-range flush
 * (user_flush_tlb_mm_range()) interrupts only the CPUs whose record is
 * that page table.  That is exact, not a guess, because
 *   - PCID is never enabled (CR4.PCIDE = 0) and user leaf entries are
 *     never global, so a CR3 write drops every user translation the CPU
 *     held: a CPU that ran the address space and then loaded another
 *     page table (a switch to any other process or to a kernel thread,
 *     which loads the kernel's) holds none of its entries;
 *   - a CPU publishes the new record (a locked store) before it writes
 *     CR3, and the flusher reads the records after clearing the entry
 *     and a full fence: either it sees the CPU's record and interrupts
 *     it, or the CPU's first page walk under the new CR3 comes after the
 *     cleared entry is visible and cannot cache the old one;
 *   - between publishing the next page table and writing CR3 the CPU
 *     may still hold the previous address space's entries while its
 *     record no longer names it, but it is inside the scheduler with
 *     interrupts off and touches no user address before the CR3 write
 *     drops them.
 * A CPU whose last user thread exited keeps that page table (and its
 * record) until its next switch: it keeps getting that address space's
 * flushes until then, which is merely redundant.
 */
#include <tessera/bug.h>
#include <tessera/errno.h>
#include <tessera/ipi.h>
#include <tessera/kernel.h>
#include <tessera/mm.h>
#include <tessera/panic.h>
#include <tessera/printk.h>
#include <tessera/ptindex.h>
#include <tessera/smp.h>
#include <tessera/string.h>
#include <tessera/uaccess.h>
#include <asm/irqflags.h>
#include <asm/processor.h>
#include <asm/ptrace.h>
#include <asm/tlbflush.h>
#include <asm/traps.h>
#include <asm/user_pgtable.h>

#define KERNEL_PGD_FIRST	256
#define KERNEL_HALF_START	0xffff800000000000UL
/* Bits an intermediate user entry carries: leaves decide the rest. */
#define USER_TABLE_PROT		(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER)

struct uaccess_extable_entry {
	unsigned long insn;
	unsigned long fixup;
};

extern const struct uaccess_extable_entry uaccess_extable[];
extern const struct uaccess_extable_entry uaccess_extable_end[];

static phys_addr_t kernel_pgd_pa;
static u64 user_nx_mask;

/* The page table each CPU has loaded (physical address; 0: the boot one). */
static struct {
	phys_addr_t pa;
} __aligned(64) loaded_pgd[NR_CPUS];

static inline pte_t *pte_table(pte_t e)
{
	return __va(e & PTE_ADDR_MASK);
}

void user_pgtable_init(void)
{
	unsigned int a, b, c, d;

	kernel_pgd_pa = read_cr3() & PTE_ADDR_MASK;
	cpuid(0x80000000, &a, &b, &c, &d);
	if (a >= 0x80000001) {
		cpuid(0x80000001, &a, &b, &c, &d);
		if (d & (1U << 20))
			user_nx_mask = _PAGE_NX;
	}
}

phys_addr_t user_pgd_kernel_pa(void)
{
	return kernel_pgd_pa;
}

pte_t *user_pgd_alloc(void)
{
	pte_t *pgd = (pte_t *)get_zeroed_page(GFP_KERNEL);
	const pte_t *kpgd;

	if (!pgd)
		return NULL;
	BUG_ON(!kernel_pgd_pa);
	kpgd = __va(kernel_pgd_pa);
	memcpy(&pgd[KERNEL_PGD_FIRST], &kpgd[KERNEL_PGD_FIRST],
	       (PT_ENTRIES - KERNEL_PGD_FIRST) * sizeof(pte_t));
	return pgd;
}

static void free_level(pte_t *table, int level,
		       void (*put)(phys_addr_t pa, void *arg), void *arg)
{
	for (unsigned int i = 0; i < PT_ENTRIES; i++) {
		pte_t e = table[i];

		if (!(e & _PAGE_PRESENT))
			continue;
		if (level == 1) {
			/* A special page is nobody's to give back. */
			if (put && !(e & _PAGE_SPECIAL))
				put(e & PTE_ADDR_MASK, arg);
			continue;
		}
		free_level(pte_table(e), level - 1, put, arg);
	}
	free_page((unsigned long)table);
}

void user_pgd_free(pte_t *pgd, void (*put)(phys_addr_t pa, void *arg),
		   void *arg)
{
	phys_addr_t pa = __pa(pgd);

	BUG_ON((read_cr3() & PTE_ADDR_MASK) == pa);
	for (unsigned int i = 0; i < KERNEL_PGD_FIRST; i++)
		if (pgd[i] & _PAGE_PRESENT)
			free_level(pte_table(pgd[i]), 3, put, arg);
	free_page((unsigned long)pgd);
}

/* The PT (level 1) covering @va, created if @create; NULL if none/-ENOMEM. */
static pte_t *walk(pte_t *pgd, unsigned long va, bool create)
{
	pte_t *table = pgd;

	for (int level = 4; level > 1; level--) {
		pte_t *e = &table[pt_index(va, level - 1)];

		if (!(*e & _PAGE_PRESENT)) {
			pte_t *next;

			if (!create)
				return NULL;
			next = (pte_t *)get_zeroed_page(GFP_ATOMIC);
			if (!next)
				return NULL;
			*e = __pa(next) | USER_TABLE_PROT;
		}
		table = pte_table(*e);
	}
	return table;
}

static bool user_va_ok(unsigned long va)
{
	return IS_ALIGNED(va, PAGE_SIZE) && va < USER_ADDR_END;
}

int user_map_page(pte_t *pgd, unsigned long va, phys_addr_t pa, u64 prot)
{
	pte_t *pt, *e;

	if (!user_va_ok(va) || !IS_ALIGNED(pa, PAGE_SIZE))
		return -EINVAL;
	pt = walk(pgd, va, true);
	if (!pt)
		return -ENOMEM;
	e = &pt[pt_index(va, 0)];
	if (*e & _PAGE_PRESENT)
		return -EEXIST;
	prot &= ~_PAGE_NX | user_nx_mask;
	WRITE_ONCE(*e, pa | prot | _PAGE_USER);
	return 0;
}

pte_t *user_lookup_pte(pte_t *pgd, unsigned long va)
{
	pte_t *pt;

	if (va >= USER_ADDR_END)
		return NULL;
	pt = walk(pgd, va, false);
	return pt ? &pt[pt_index(va, 0)] : NULL;
}

pte_t *user_lookup_pte_next(pte_t *pgd, unsigned long *va)
{
	pte_t *table = pgd;

	if (*va >= USER_ADDR_END)
		return NULL;
	for (int level = 4; level > 1; level--) {
		pte_t e = table[pt_index(*va, level - 1)];

		if (!(e & _PAGE_PRESENT)) {
			/* Nothing below this entry: skip all it covers. */
			unsigned long span = 1UL << (PAGE_SHIFT +
						     9 * (level - 1));

			*va = ALIGN_DOWN(*va, span) + span;
			return NULL;
		}
		table = pte_table(e);
	}
	return &table[pt_index(*va, 0)];
}

phys_addr_t user_unmap_page(pte_t *pgd, unsigned long va)
{
	pte_t *e = user_lookup_pte(pgd, va);
	pte_t old;

	if (!e || !(*e & _PAGE_PRESENT))
		return 0;
	old = *e;
	WRITE_ONCE(*e, 0);
	return old & PTE_ADDR_MASK;
}

bool user_protect_page(pte_t *pgd, unsigned long va, u64 prot)
{
	pte_t *e = user_lookup_pte(pgd, va);

	if (!e || !(*e & _PAGE_PRESENT))
		return false;
	prot &= ~_PAGE_NX | user_nx_mask;
	WRITE_ONCE(*e, (*e & PTE_ADDR_MASK) | prot | _PAGE_USER);
	return true;
}

void user_flush_tlb_range(unsigned long start, unsigned long end)
{
	flush_tlb_kernel_range(start, end);
}

void user_pgd_switch(phys_addr_t cr3)
{
	if (read_cr3() == cr3)
		return;
	/* Publish before loading: see the file header. */
	__atomic_store_n(&loaded_pgd[smp_processor_id()].pa,
			 cr3 & PTE_ADDR_MASK, __ATOMIC_SEQ_CST);
	write_cr3(cr3);
}

u64 user_pgd_cpus(const pte_t *pgd)
{
	phys_addr_t pa = __pa(pgd);
	unsigned int cpu;
	u64 cpus = 0;

	/* Order the caller's clearing of entries before the reads. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for_each_online_cpu(cpu) {
		phys_addr_t loaded = __atomic_load_n(&loaded_pgd[cpu].pa,
						     __ATOMIC_RELAXED);

		if (loaded == pa)
			cpus |= 1ULL << cpu;
	}
	return cpus;
}

void user_flush_tlb_mm_range(const pte_t *pgd, unsigned long start,
			     unsigned long end)
{
	flush_tlb_mask_range(user_pgd_cpus(pgd), start, end);
}

/* Copy a kernel PML4 entry made after the loaded process PML4 was. */
static bool user_pgd_sync_kernel(unsigned long addr)
{
	phys_addr_t cr3 = read_cr3() & PTE_ADDR_MASK;
	unsigned int i = pt_index(addr, 3);
	const pte_t *kpgd;
	pte_t *pgd;

	if (!kernel_pgd_pa || cr3 == kernel_pgd_pa || i < KERNEL_PGD_FIRST)
		return false;
	kpgd = __va(kernel_pgd_pa);
	pgd = __va(cr3);
	if (!(kpgd[i] & _PAGE_PRESENT) || (pgd[i] & _PAGE_PRESENT))
		return false;
	WRITE_ONCE(pgd[i], kpgd[i]);
	return true;
}

static const struct uaccess_extable_entry *extable_find(unsigned long ip)
{
	const struct uaccess_extable_entry *e;

	for (e = uaccess_extable; e < uaccess_extable_end; e++)
		if (e->insn == ip)
			return e;
	return NULL;
}

bool uaccess_fixup(struct pt_regs *regs)
{
	const struct uaccess_extable_entry *e = extable_find(regs->rip);

	if (!e)
		return false;
	regs->rip = e->fixup;
	return true;
}

unsigned long smap_violations;

/*
 * A supervisor access to a present user page with EFLAGS.AC clear under
 * SMAP.  (A not-present page or a write to a read-only one inside a
 * uaccess routine has AC set: that is demand paging or copy on write.)
 */
static bool smap_violation(const struct pt_regs *regs,
			   unsigned long error_code)
{
	return x86_smap_enabled && (error_code & X86_PF_PROT) &&
	       !(error_code & (X86_PF_USER | X86_PF_INSTR)) &&
	       !(regs->rflags & X86_EFLAGS_AC_BIT);
}

bool kernel_fault_fixup(struct pt_regs *regs, unsigned long addr,
			unsigned long error_code)
{
	bool irqs_were_on = regs->rflags & X86_EFLAGS_IF;
	int ret;

	if (addr >= KERNEL_HALF_START)
		return user_pgd_sync_kernel(addr);
	if (smap_violation(regs, error_code)) {
		/* Never a page to bring in: a missing STAC, i.e. a bug. */
		smap_violations++;
		pr_err_once("SMAP: kernel access to user address %lx at %pS without STAC\n",
			    addr, (void *)regs->rip);
		return extable_find(regs->rip) && uaccess_fixup(regs);
	}
	if (!extable_find(regs->rip))
		return false;
	/* A user page not brought in yet: fill it and restart the copy. */
	if (irqs_were_on)
		local_irq_enable();
	ret = user_fault_resolve(addr, error_code);
	local_irq_disable();
	if (ret == 0)
		return true;
	return uaccess_fixup(regs);
}

long strncpy_from_user(char *dst, const char __user *src, long n)
{
	unsigned long a = (unsigned long)src;

	if (n <= 0)
		return 0;
	if (a >= USER_ADDR_END)
		return -EFAULT;
	/* Stop at the end of user space rather than fault past it. */
	if ((unsigned long)n > USER_ADDR_END - a)
		n = USER_ADDR_END - a;
	return __strncpy_user(dst, src, n);
}

int get_user_u32(u32 *val, const u32 __user *uaddr)
{
	if (!access_ok(uaddr, sizeof(*uaddr)))
		return -EFAULT;
	return __get_user_4(val, uaddr);
}

int put_user_u32(u32 val, u32 __user *uaddr)
{
	if (!access_ok(uaddr, sizeof(*uaddr)))
		return -EFAULT;
	return __put_user_4(val, uaddr);
}

int get_user_u64(u64 *val, const u64 __user *uaddr)
{
	if (!access_ok(uaddr, sizeof(*uaddr)))
		return -EFAULT;
	return __get_user_8(val, uaddr);
}

int put_user_u64(u64 val, u64 __user *uaddr)
{
	if (!access_ok(uaddr, sizeof(*uaddr)))
		return -EFAULT;
	return __put_user_8(val, uaddr);
}
