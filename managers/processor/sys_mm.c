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

/* Zap [addr, addr + len) if it is a plausible user range. */
static void zap_range(struct pmm *mm, unsigned long addr, unsigned long len)
{
	unsigned long end;

	if (!len || addr >= USER_ADDR_END)
		return;
	end = addr + ALIGN(len, PAGE_SIZE);
	if (end < addr || end > USER_ADDR_END)
		end = USER_ADDR_END;
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
	spin_lock(&mm->lock);
	ret = mm->ops->mmap(mm, addr, len, prot, flags);
	/* MAP_FIXED may have replaced mappings: forget their entries. */
	if (!IS_ERR_VALUE(ret))
		zap_range(mm, ret, len);
	spin_unlock(&mm->lock);
	return ret;
}

SYSCALL_DECLARE(munmap)
{
	struct pmm *mm = cur_mm();
	int ret;

	spin_lock(&mm->lock);
	zap_range(mm, regs->rdi, regs->rsi);
	ret = mm->ops->munmap(mm, regs->rdi, regs->rsi);
	spin_unlock(&mm->lock);
	return ret;
}

SYSCALL_DECLARE(mprotect)
{
	struct pmm *mm = cur_mm();
	int ret;

	spin_lock(&mm->lock);
	zap_range(mm, regs->rdi, regs->rsi);
	ret = mm->ops->mprotect(mm, regs->rdi, regs->rsi, regs->rdx);
	spin_unlock(&mm->lock);
	return ret;
}

SYSCALL_DECLARE(madvise)
{
	struct pmm *mm = cur_mm();
	int advice = regs->rdx;
	int ret;

	spin_lock(&mm->lock);
	if (advice == MADV_DONTNEED || advice == MADV_FREE)
		zap_range(mm, regs->rdi, regs->rsi);
	ret = mm->ops->madvise(mm, regs->rdi, regs->rsi, advice);
	spin_unlock(&mm->lock);
	return ret;
}

SYSCALL_DECLARE(brk)
{
	struct pmm *mm = cur_mm();
	unsigned long old, new;

	spin_lock(&mm->lock);
	old = mm->ops->brk(mm, 0);
	if (regs->rdi && regs->rdi < old)
		zap_range(mm, ALIGN(regs->rdi, PAGE_SIZE),
			  ALIGN(old, PAGE_SIZE) - ALIGN(regs->rdi, PAGE_SIZE));
	new = mm->ops->brk(mm, regs->rdi);
	spin_unlock(&mm->lock);
	return new;
}
