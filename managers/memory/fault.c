/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The miss and flush paths of the memory node: what a processor's pcache
 * asks when a line is not present (rmm_fault) and what it sends back when
 * it evicts a dirty line (rmm_flush).  The vmas and the page table are
 * vm.c's; where file bytes come from is the caller's rmm_read_fn
 * (service.c: the storage node or the image registry).
 *
 * Rights follow x86 with NX and without protection keys: any of
 * PROT_READ, PROT_WRITE, PROT_EXEC makes a page readable; writing needs
 * PROT_WRITE, fetching needs PROT_EXEC.
 *
 * Copy on write (pages shared by fork, vm.c): a read or fetch of a
 * shared page answers the vma's protection without PROT_WRITE, so the
 * processor maps the line read-only and comes back with a write miss;
 * a write miss, or a flush, gives the process a private page first.
 */
#include "internal.h"

#include <tessera/errno.h>
#include <tessera/string.h>
#include <uapi/mman.h>

/* Fill a new page of file vma @v at @pva from the file. */
static int rmm_fill_from_file(const struct vma *v, u64 pva, void *page,
			      rmm_read_fn read, void *ctx)
{
	u64 off = v->file_off + (pva - v->start), n;

	if (pva >= v->file_end || off >= v->file.size)
		return 0;
	n = min(v->file_end - pva, (u64)PAGE_SIZE);
	n = min(n, v->file.size - off);
	if (!read)
		return -EIO;
	return read(ctx, &v->file, off, page, (u32)n);
}

int rmm_fault(struct rmm *mm, u64 va, u32 access, rmm_read_fn read,
	      void *ctx, void **page, u32 *prot)
{
	u64 pva = va & PAGE_MASK;
	struct vma *v = rmm_find_vma(mm, va);
	bool created;
	int ret;

	if (!v)
		return -EFAULT;
	if (!p2m_access_allowed(v->prot, access))
		return -EACCES;
	if (v->flags & VMA_SPECIAL) {
		*page = NULL;
		*prot = v->prot;
		return 1 + (pva - mm->special_start) / PAGE_SIZE;
	}
	if ((v->flags & (VMA_FILE | VMA_ZERO_TAIL)) == VMA_FILE &&
	    pva >= ALIGN(v->file_end, PAGE_SIZE))
		return -ENXIO;
	if (access & RMM_ACCESS_WRITE)
		ret = rmm_page_get_private(mm, pva, page, &created);
	else
		ret = rmm_page_get(mm, pva, page, &created);
	if (ret)
		return ret;
	if (created && (v->flags & VMA_FILE)) {
		ret = rmm_fill_from_file(v, pva, *page, read, ctx);
		if (ret) {
			/* Not half-filled: the next miss reads it again. */
			rmm_zap_range(mm, pva, pva + PAGE_SIZE);
			*page = NULL;
			return ret;
		}
	}
	*prot = v->prot;
	if (!(access & RMM_ACCESS_WRITE) && rmm_page_shared(*page))
		*prot &= ~PROT_WRITE;
	return 0;
}

int rmm_flush(struct rmm *mm, u64 va, const void *data)
{
	const struct vma *v;

	if (va & ~PAGE_MASK)
		return -EINVAL;
	v = rmm_find_vma(mm, va);
	if (!v)
		return -EFAULT;
	/* The processor never writes its special pages back. */
	if (v->flags & VMA_SPECIAL)
		return -EACCES;
	return rmm_page_write(mm, va, data);
}
