/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory system calls: mmap, munmap, mprotect, mremap, brk, madvise.  Each
 * first
 * checks its arguments with Linux's rules (<tessera/mman.h>; brk against
 * the process's own start and current break; a file mmap's descriptor
 * through fs.h), so a rejected call
 * changes nothing.  Then it takes the address-space lock for a change
 * (pmm_lock_change(): no miss of another thread is in flight, and one
 * that started before maps nothing), drops the
 * page-table entries and pcache lines of the range it may change (so
 * the next touch faults and sees the new state), and asks the backend
 * (mm_remote.c: a memory service over P2M), which owns vmas and pages
 * and applies the same rules again.
 *
 * Lines are dropped with their data only where Linux discards it
 * (munmap, a lower brk, MADV_DONTNEED, MADV_DONTNEED_LOCKED, MADV_FREE
 * on private anonymous memory); dirty lines are written back first for
 * MAP_FIXED and mremap (the memory node moves the pages, so what it
 * moves must be current).  mprotect keeps the lines that stay mapped:
 * after the backend agreed, their entries get the new rights in place
 * (pmm_protect(); PROT_NONE drops them, written back), so a JIT's W^X
 * flips refetch nothing.  Other madvise advice leaves lines alone.  A call the backend refuses after
 * its arguments passed (out of memory splitting a vma) has already
 * dropped the lines of a range the program asked to discard.
 */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/mman.h>
#include <uapi/fcntl.h>
#include <uapi/mman.h>

#include "internal.h"
#include "fs.h"

_Static_assert(USER_ADDR_END == MMAN_TASK_SIZE, "one user address space size");

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

/*
 * The descriptor of a file mmap, checked in Linux's order (do_mmap):
 * -EBADF, then length and offset, then -EACCES (shared and writable on
 * a read-only descriptor, or not readable), -ENODEV (cannot be mapped).
 * On success the file stays held in *@fp until the mapping is made: its
 * storage reference keeps an unlinked file until the memory node took
 * its own (another thread may close the descriptor meanwhile).
 */
static int mmap_file_source(struct pmm *mm, int fd, u64 len, u64 off,
			    u32 prot, u32 flags,
			    struct ufile_map_source *src, struct ufile **fp)
{
	u32 type = flags & MAP_TYPE;
	struct ufile *f = fd_get(current_files(), fd);
	int ret;

	if (IS_ERR(f))
		return PTR_ERR(f);
	/* An O_PATH descriptor is no file to fget(): -EBADF first. */
	ret = f->flags & O_PATH ? -EBADF : mman_check_mmap_file(len, off);
	if (!ret && (type == MAP_SHARED || type == MAP_SHARED_VALIDATE) &&
	    (prot & PROT_WRITE) && (f->flags & O_ACCMODE) == O_RDONLY)
		ret = -EACCES;
	if (!ret)
		ret = ufile_map_source(f, src);
	if (!ret && !mm->ops->mmap_file)
		ret = -ENODEV;
	if (ret)
		ufile_put(f);
	else
		*fp = f;
	return ret;
}

SYSCALL_DECLARE(mmap)
{
	struct pmm *mm = cur_mm();
	unsigned long addr = regs->rdi, len = regs->rsi;
	u32 prot = regs->rdx, flags = regs->r10;
	bool anon = flags & MAP_ANONYMOUS;
	struct ufile_map_source src;
	struct ufile *file = NULL;
	long ret;

	if (regs->r9 & ~PAGE_MASK)
		return -EINVAL;
	if (!anon) {
		ret = mmap_file_source(mm, (int)regs->r8, len, regs->r9, prot,
				       flags, &src, &file);
		if (ret)
			return ret;
	}
	pmm_lock_change(mm);
	/*
	 * MAP_FIXED may replace mappings: their lines go first, written
	 * back (the call may still fail and leave them), so no write-back
	 * of the old contents can land in the new mapping.
	 */
	if ((flags & MAP_FIXED) && !(flags & MAP_FIXED_NOREPLACE) &&
	    !(addr & ~PAGE_MASK))
		zap_range(mm, addr, len, true);
	if (anon)
		ret = mm->ops->mmap(mm, addr, len, prot, flags);
	else
		ret = mm->ops->mmap_file(mm, addr, len, prot, flags, &src,
					 regs->r9);
	if (!IS_ERR_VALUE(ret))
		zap_range(mm, ret, len, false);
	pmm_unlock(mm);
	if (file)
		ufile_put(file);
	return ret;
}

SYSCALL_DECLARE(munmap)
{
	struct pmm *mm = cur_mm();
	unsigned long addr = regs->rdi, len = regs->rsi;
	u64 end;
	int ret;

	ret = mman_check_munmap(addr, len, &end);
	if (ret)
		return ret;
	pmm_lock_change(mm);
	pmm_zap(mm, addr, end);
	ret = mm->ops->munmap(mm, addr, len);
	pmm_unlock(mm);
	return ret;
}

SYSCALL_DECLARE(mprotect)
{
	struct pmm *mm = cur_mm();
	unsigned long addr = regs->rdi, len = regs->rsi;
	u32 prot = regs->rdx;
	u64 end;
	int ret;

	ret = mman_check_mprotect(addr, len, prot, &end);
	if (ret || end == addr)
		return ret;
	pmm_lock_change(mm);
	/*
	 * The backend first: a refused call changes nothing.  Then the
	 * lines that stay mapped get the new rights in place, data kept.
	 */
	ret = mm->ops->mprotect(mm, addr, len, prot);
	end = min_t(u64, end, USER_ADDR_END);
	if (!ret && addr < end)
		pmm_protect(mm, addr, end, prot);
	else if (ret == -EIO && addr < end)
		/* Lost on the way: which rights hold is unknown; refault. */
		pmm_zap_writeback(mm, addr, end);
	pmm_unlock(mm);
	return ret;
}

SYSCALL_DECLARE(madvise)
{
	struct pmm *mm = cur_mm();
	unsigned long addr = regs->rdi, len = regs->rsi;
	int advice = regs->rdx;
	u64 end;
	int ret;

	ret = mman_check_madvise(addr, len, advice, &end);
	if (ret || end == addr)
		return ret;
	if (mman_madvise_discards(advice))
		pmm_lock_change(mm);
	else
		pmm_lock(mm);
	/*
	 * MADV_FREE stops with -EINVAL at a file mapping (Linux frees
	 * anonymous memory only): what is written there, and past it,
	 * must survive, so its lines go back first (found by memdiff).
	 */
	if (advice == MADV_FREE && addr < USER_ADDR_END)
		pmm_zap_writeback(mm, addr, min_t(u64, end, USER_ADDR_END));
	else if (mman_madvise_discards(advice) && addr < USER_ADDR_END)
		pmm_zap(mm, addr, min_t(u64, end, USER_ADDR_END));
	ret = mm->ops->madvise(mm, addr, len, advice);
	pmm_unlock(mm);
	return ret;
}

/*
 * mremap(2): the old range's lines go back and away (the memory node
 * moves or keeps the pages: they must be current there), the
 * destination of MREMAP_FIXED too (unmapped if the call succeeds), and after
 * success the new range is dropped too, so every touch faults and sees
 * the pages where the memory node put them.
 */
SYSCALL_DECLARE(mremap)
{
	struct pmm *mm = cur_mm();
	unsigned long addr = regs->rdi, old_len = regs->rsi;
	unsigned long new_len = regs->rdx, new_addr = regs->r8;
	u32 flags = regs->r10;
	u64 old_end;
	long ret;

	ret = mman_check_mremap(addr, old_len, new_len, flags, new_addr,
				&old_end);
	if (ret)
		return ret;
	if (!mm->ops->mremap)
		return -ENOSYS;
	pmm_lock_change(mm);
	if (old_end > addr)
		pmm_zap_writeback(mm, addr, old_end);
	/* The target's lines go back too: the call may still fail
	 * (-EFAULT, found by memdiff) and leave that range as it was. */
	if (flags & MREMAP_FIXED)
		zap_range(mm, new_addr, new_len, true);
	ret = mm->ops->mremap(mm, addr, old_len, new_len, flags, new_addr);
	if (!IS_ERR_VALUE(ret))
		zap_range(mm, ret, new_len, false);
	pmm_unlock(mm);
	return ret;
}

/*
 * brk(2) never fails: it returns the new break, or the current one if
 * the request is refused.  Below the start of the heap (brk(0) asks for
 * the break) or above the address space it is refused here, before any
 * line is dropped; a lower break drops the lines it gives up.
 */
SYSCALL_DECLARE(brk)
{
	struct process *p = current_process();
	struct pmm *mm = p->mm;
	unsigned long want = regs->rdi, ret;

	pmm_lock_change(mm);
	if (want < p->start_brk || want > USER_ADDR_END) {
		ret = p->brk;
		goto out;
	}
	if (want < p->brk)
		pmm_zap(mm, ALIGN(want, PAGE_SIZE), ALIGN(p->brk, PAGE_SIZE));
	ret = mm->ops->brk(mm, want);
	p->brk = ret;
out:
	pmm_unlock(mm);
	return ret;
}
