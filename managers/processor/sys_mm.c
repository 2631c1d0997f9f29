/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory system calls: mmap, munmap, mprotect, brk, madvise.  Each takes
 * the address-space lock, drops the page-table entries of the range it
 * may change (so the next touch faults and sees the new state), then
 * asks the backend (mm.c, mm_local.c), which owns vmas and pages and
 * checks the arguments with Linux's rules.
 */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <uapi/mman.h>

#include "internal.h"

static struct pmm *cur_mm(void)
{
	return current_process()->mm;
}

/*
 * Zap [addr, addr + len) if it is a plausible user range; with
 * @writeback dirty pcache lines are written back first (the data stays).
 */
static void zap_range(struct pmm *mm, unsigned long addr, unsigned long len,
		      bool writeback)
{
	unsigned long end;

	if (!len || addr >= USER_ADDR_END)
		return;
	end = addr + ALIGN(len, PAGE_SIZE);
	if (end < addr || end > USER_ADDR_END)
		end = USER_ADDR_END;
	if (writeback)
		pmm_zap_writeback(mm, addr, end);
	else
		pmm_zap(mm, addr, end);
}

SYSCALL_DECLARE(mmap)
{
	struct pmm *mm = cur_mm();
	unsigned long addr = regs->rdi, len = regs->rsi;
	u32 prot = regs->rdx, flags = regs->r10;
	long ret;

	if (regs->r9 & ~PAGE_MASK)
		return -EINVAL;
	pmm_lock(mm);
	/*
	 * MAP_FIXED may replace mappings: their lines go first, written
	 * back (the call may still fail and leave them), so no write-back
	 * of the old contents can land in the new mapping.
	 */
	if ((flags & MAP_FIXED) && !(flags & MAP_FIXED_NOREPLACE) &&
	    !(addr & ~PAGE_MASK))
		zap_range(mm, addr, len, true);
	ret = mm->ops->mmap(mm, addr, len, prot, flags);
	if (!IS_ERR_VALUE(ret))
		zap_range(mm, ret, len, false);
	pmm_unlock(mm);
	return ret;
}

SYSCALL_DECLARE(munmap)
{
	struct pmm *mm = cur_mm();
	int ret;

	pmm_lock(mm);
	zap_range(mm, regs->rdi, regs->rsi, false);
	ret = mm->ops->munmap(mm, regs->rdi, regs->rsi);
	pmm_unlock(mm);
	return ret;
}

SYSCALL_DECLARE(mprotect)
{
	struct pmm *mm = cur_mm();
	int ret;

	pmm_lock(mm);
	zap_range(mm, regs->rdi, regs->rsi, true);
	ret = mm->ops->mprotect(mm, regs->rdi, regs->rsi, regs->rdx);
	pmm_unlock(mm);
	return ret;
}

SYSCALL_DECLARE(madvise)
{
	struct pmm *mm = cur_mm();
	int advice = regs->rdx;
	int ret;

	pmm_lock(mm);
	if (advice == MADV_DONTNEED || advice == MADV_FREE)
		zap_range(mm, regs->rdi, regs->rsi, false);
	ret = mm->ops->madvise(mm, regs->rdi, regs->rsi, advice);
	pmm_unlock(mm);
	return ret;
}

SYSCALL_DECLARE(brk)
{
	struct pmm *mm = cur_mm();
	unsigned long old, new;

	pmm_lock(mm);
	old = mm->ops->brk(mm, 0);
	if (regs->rdi && regs->rdi < old)
		zap_range(mm, ALIGN(regs->rdi, PAGE_SIZE),
			  ALIGN(old, PAGE_SIZE) - ALIGN(regs->rdi, PAGE_SIZE),
			  false);
	new = mm->ops->brk(mm, regs->rdi);
	pmm_unlock(mm);
	return new;
}
