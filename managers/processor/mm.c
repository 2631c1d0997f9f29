/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A process's address space as the processor node sees it (struct pmm):
 * the x86 page table its threads run on, and a backend that owns the
 * vmas and the pages (struct pmm_backend_ops: a memory service over P2M,
 * mm_remote.c).
 *
 * The page table only caches what the backend decided: a user page fault
 * is a pcache miss (pcache/pcache.c), filled from the backend and mapped
 * with the vma's protection; with pcache=0 a private page the backend
 * filled (ops->fault) is mapped, written back through ops->flush before
 * a zap that keeps the data, and given back through ops->put_page.  Every
 * call that shrinks or moves mappings (munmap, MADV_DONTNEED, a lower
 * brk, MAP_FIXED, mremap) first drops the page-table entries of the
 * range and their lines (writing dirty ones back when the data must
 * survive: MAP_FIXED, mremap) and flushes the TLBs, then lets the
 * backend act, so no thread can reach a page after the backend freed it
 * and no stale write-back lands in a new mapping.  The next touch faults.
 *
 * mprotect is the exception (pmm_protect()): once the backend changed
 * the vmas, the entries of the range that stay mapped get the new rights
 * in place, their lines and dirty data stay (a JIT's W^X flips cost no
 * miss); only PROT_NONE drops them, written back.
 */
#include <fit/memory.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/mm.h>
#include <tessera/preempt.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
#include <uapi/mman.h>
#include <asm/irqflags.h>
#include <asm/msr.h>
#include <asm/traps.h>

#include "internal.h"
#include "pcache/pcache.h"

struct pmm *pmm_create(const struct pmm_backend_ops *ops, void *backend)
{
	struct pmm *mm = kzalloc(sizeof(*mm), GFP_KERNEL);

	if (!mm)
		return NULL;
	/* The pcache's per-CPU copy is not safe across a sleep. */
	mm->piggyback_buf = (void *)__get_free_pages(GFP_KERNEL, 0);
	if (!mm->piggyback_buf)
		goto free_mm;
	mm->pgd = user_pgd_alloc();
	if (!mm->pgd)
		goto free_buf;
	mm->pgd_pa = __pa(mm->pgd);
	mutex_init(&mm->mutex);
	init_waitqueue_head(&mm->fill_wq);
	atomic_set(&mm->fills, 0);
	mm->ops = ops;
	mm->backend = backend;
	atomic_set(&mm->users, 1);
	pcache_mm_init(mm);
	return mm;

free_buf:
	free_page((unsigned long)mm->piggyback_buf);
free_mm:
	kfree(mm);
	return NULL;
}

static void pmm_put_page(phys_addr_t pa, void *arg)
{
	struct pmm *mm = arg;

	if (mm->ops->put_page)
		mm->ops->put_page(mm, pa);
}

void pmm_destroy(struct pmm *mm)
{
	pcache_mm_release(mm);
	user_pgd_free(mm->pgd, pmm_put_page, mm);
	if (mm->ops->destroy)
		mm->ops->destroy(mm);
	if (mm->piggyback_buf)
		free_page((unsigned long)mm->piggyback_buf);
	kfree(mm);
}

void pmm_get(struct pmm *mm)
{
	atomic_inc(&mm->users);
}

void pmm_put(struct pmm *mm)
{
	if (atomic_dec_and_test(&mm->users))
		pmm_destroy(mm);
}

void pmm_lock_change(struct pmm *mm)
{
	pmm_lock(mm);
	mm->gen++;
	/* New fills need the lock to start: this only waits for old ones. */
	wait_event(mm->fill_wq, !atomic_read(&mm->fills));
}

static void zap_range(struct pmm *mm, unsigned long start, unsigned long end,
		      bool writeback);

/* Does the present entry @pte already allow the access of @error_code? */
static bool pte_allows(pte_t pte, unsigned long error_code)
{
	if ((error_code & X86_PF_WRITE) && !(pte & _PAGE_RW))
		return false;
	if ((error_code & X86_PF_INSTR) && (pte & _PAGE_NX))
		return false;
	return true;
}

int pmm_fault(struct pmm *mm, unsigned long addr, unsigned long error_code)
{
	u64 start = pcache_latency_start();
	unsigned long va = addr & PAGE_MASK;
	u32 access = P2M_ACCESS_READ, prot;
	phys_addr_t pa;
	pte_t *pte;
	int ret;

	if (addr >= USER_ADDR_END)
		return -EFAULT;
	if (error_code & X86_PF_WRITE)
		access = P2M_ACCESS_WRITE;
	if (error_code & X86_PF_INSTR)
		access = P2M_ACCESS_EXEC;
	/*
	 * The backend sleeps: it cannot be asked from atomic context (a
	 * uaccess under a spinlock): the caller gets -EFAULT and, where that
	 * is not an answer (futex.c), faults the page in unlocked and
	 * retries.
	 */
	if (in_atomic() || irqs_disabled())
		return -EFAULT;

	pmm_lock(mm);
	mm->nr_faults++;
	pte = user_lookup_pte(mm->pgd, va);
	if (pte && (*pte & _PAGE_PRESENT)) {
		/* Another thread mapped it meanwhile? */
		if (pte_allows(*pte, error_code)) {
			ret = 0;
			goto out;
		}
		/*
		 * A write to a read-only entry: a page the memory node shares
		 * copy-on-write after a fork is mapped so.  Drop the entry
		 * (and its line, written back if dirty) and ask the backend
		 * for write access: it copies the page, or says -EACCES for
		 * a real violation.  Anything else is a violation.
		 */
		if (!(error_code & X86_PF_WRITE) || (*pte & _PAGE_RW)) {
			ret = -EACCES;
			goto out;
		}
		zap_range(mm, va, va + PAGE_SIZE, true);
	}
	if (pcache_enabled()) {
		unsigned long seq = mm->fill_seq;

		ret = pcache_miss(mm, va, access, start);
		if (ret > 0)
			ret = vdso_map_special(mm->pgd, va, ret);
		if (ret != -EBUSY)
			goto out;
		/*
		 * Another thread fills this page (or every way of its set):
		 * wait for a fill to finish, then fault again.  A fill of
		 * another process's ends unseen here: look again each tick.
		 */
		pmm_unlock(mm);
		pcache_count_fill_wait();
		wait_event_timeout(mm->fill_wq, READ_ONCE(mm->fill_seq) != seq,
				   1);
		return 0;
	}
	ret = mm->ops->fault(mm, addr, access, &pa, &prot);
	if (ret > 0)
		ret = vdso_map_special(mm->pgd, va, ret);
	else if (!ret)
		ret = user_map_page(mm->pgd, va, pa, user_prot_to_pte(prot));
out:
	pmm_unlock(mm);
	return ret;
}

/*
 * The first present entry of @mm at or after *@va and below @end, *@va
 * moved to its page; NULL when there is none.
 */
static pte_t *next_present_pte(struct pmm *mm, unsigned long *va,
			       unsigned long end)
{
	while (*va < end) {
		/* No table here: *va skips what it would cover. */
		pte_t *pte = user_lookup_pte_next(mm->pgd, va);

		if (!pte)
			continue;
		if (READ_ONCE(*pte) & _PAGE_PRESENT)
			return pte;
		*va += PAGE_SIZE;
	}
	return NULL;
}

static void zap_range(struct pmm *mm, unsigned long start, unsigned long end,
		      bool writeback)
{
	unsigned long va = start & PAGE_MASK;
	bool pcache = pcache_enabled(), any = false;
	phys_addr_t pa;
	pte_t *pte;

	if (end > USER_ADDR_END)
		end = USER_ADDR_END;
	for (; (pte = next_present_pte(mm, &va, end)); va += PAGE_SIZE) {
		if (READ_ONCE(*pte) & _PAGE_SPECIAL) {
			/* A vDSO page: not a line, nobody's to free. */
			user_unmap_page(mm->pgd, va);
			any = true;
		} else if (pcache) {
			if (pcache_zap_page(mm, va, pte, writeback))
				any = true;
		} else {
			pte_t old = READ_ONCE(*pte);

			pa = user_unmap_page(mm->pgd, va);
			if (pa) {
				/* No CPU may write it once it is copied back. */
				user_flush_tlb_mm_range(mm->pgd, va,
							va + PAGE_SIZE);
				if (writeback && (old & _PAGE_DIRTY) &&
				    mm->ops->flush(mm, va, __va(pa)))
					pr_err_once("pcache=0: write-back of %#lx failed: its data is lost\n",
						    va);
				pmm_put_page(pa, mm);
			}
		}
	}
	if (any)
		user_flush_tlb_mm_range(mm->pgd, start, end);
	if (pcache)
		pcache_zap_finish(mm, start, end, writeback);
}

void pmm_zap(struct pmm *mm, unsigned long start, unsigned long end)
{
	zap_range(mm, start, end, false);
}

/*
 * Before the memory node copies @mm for a fork, it must hold every byte
 * of it, and from then on a write of @mm must reach it (it shares the
 * pages copy-on-write).  With the pcache, every line stays mapped but
 * read-only, the dirty ones written back: the parent reads on without a
 * miss, and its first write to a page faults and asks the memory node
 * for its own copy (pmm_fault()).  Without it (private pages), every
 * page is written back and unmapped.
 */
void pmm_fork_prepare(struct pmm *mm)
{
	LIST_HEAD(held);
	unsigned long va = 0;
	pte_t *pte;

	if (!pcache_enabled()) {
		zap_range(mm, 0, USER_ADDR_END, true);
		return;
	}
	for (; (pte = next_present_pte(mm, &va, USER_ADDR_END));
	     va += PAGE_SIZE)
		pcache_wrprotect_page(mm, va, pte, &held);
	user_flush_tlb_mm_range(mm->pgd, 0, USER_ADDR_END);
	pcache_wrprotect_finish(mm, &held);
}

void pmm_zap_writeback(struct pmm *mm, unsigned long start,
		       unsigned long end)
{
	zap_range(mm, start, end, true);
}

/* NX as the page tables use it: 0 if the CPU runs without it (EFER.NXE). */
static u64 pte_nx_mask(void)
{
	static u64 mask = ~0ULL;

	if (mask == ~0ULL)
		WRITE_ONCE(mask, (rdmsr(MSR_EFER) & EFER_NXE) ? _PAGE_NX : 0);
	return mask;
}

bool pmm_pte_set_prot(pte_t *pte, u32 prot)
{
	u64 bits = user_prot_to_pte(prot) & (_PAGE_RW | _PAGE_NX);
	u64 keep = ~(u64)(_PAGE_RW | _PAGE_NX);
	pte_t old = READ_ONCE(*pte), new;

	bits &= ~(u64)_PAGE_NX | pte_nx_mask();
	do {
		if (!(old & _PAGE_PRESENT))
			return false;
		new = (old & keep) | bits;
		if (new == old)
			return false;
		/* The CPU sets accessed and dirty bits under us: keep them. */
	} while (!__atomic_compare_exchange_n(pte, &old, new, false,
					      __ATOMIC_SEQ_CST,
					      __ATOMIC_RELAXED));
	return true;
}

void pmm_protect(struct pmm *mm, unsigned long start, unsigned long end,
		 u32 prot)
{
	unsigned long va = start & PAGE_MASK;
	bool pcache = pcache_enabled(), any = false;
	pte_t *pte;

	if (!(prot & (PROT_READ | PROT_WRITE | PROT_EXEC))) {
		/* No entry can express "no access" and keep its line. */
		zap_range(mm, start, end, true);
		return;
	}
	if (end > USER_ADDR_END)
		end = USER_ADDR_END;
	for (; (pte = next_present_pte(mm, &va, end)); va += PAGE_SIZE) {
		if (pcache ? pcache_protect_page(mm, va, pte, prot) :
			     pmm_pte_set_prot(pte, prot))
			any = true;
	}
	/* Fewer rights must be seen by every CPU before we return. */
	if (any)
		user_flush_tlb_mm_range(mm->pgd, start, end);
	if (pcache)
		pcache_protect_finish(mm, start, end, prot);
}
