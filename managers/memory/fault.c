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
 *
 * Shared file pages: the first read or fetch of a page of a file vma
 * without PROT_WRITE whose bytes are all the file's (not an ELF
 * segment's page cut at its end) maps the file page cache's own copy (rmm_set_file_page(), held
 * by the cache and every process that maps it), which is shared and
 * therefore read-only like a page shared by fork: a write gives the
 * process its copy.  Pages of writable vmas (data segments, RELRO
 * before its mprotect) are copied into a page of the process at once,
 * as other file pages and everything when there is no cache: most are
 * written, and a shared page would cost a second miss for the write.
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

static rmm_file_page_fn rmm_file_page;

void rmm_set_file_page(rmm_file_page_fn get)
{
	rmm_file_page = get;
}

/*
 * Is the page of file vma @v at @pva the file's page at a page-aligned
 * offset, with every file byte in it inside the vma's file part?
 */
static bool rmm_file_page_whole(const struct vma *v, u64 pva)
{
	u64 off = v->file_off + (pva - v->start);

	if ((off & ~PAGE_MASK) || pva >= v->file_end || off >= v->file.size)
		return false;
	return v->file_end - pva >= min(v->file.size - off, (u64)PAGE_SIZE);
}

/*
 * Map the cache's page for a read or fetch of an absent page: 0 with
 * *@page set, 0 with *@page NULL (not shared: the caller copies), or the
 * read's error.
 */
static int rmm_fault_shared(struct rmm *mm, const struct vma *v, u64 pva,
			    void **page)
{
	u64 off = v->file_off + (pva - v->start);
	int ret;

	*page = NULL;
	if (!rmm_file_page || !rmm_file_page_whole(v, pva) ||
	    rmm_page_lookup(mm, pva))
		return 0;
	ret = rmm_file_page(&v->file, off, false, page);
	if (ret || !*page)
		return ret;
	ret = rmm_page_install(mm, pva, *page);
	if (ret) {
		rmm_page_release(*page);
		*page = NULL;
	}
	return ret;
}

u32 rmm_fault_around_zero(struct rmm *mm, u64 va, u32 want)
{
	u64 base = p2m_around_base(va);
	struct vma *v = rmm_find_vma(mm, va);
	u32 got = 0;

	if (!v || mm->page_limit ||
	    (v->flags & (VMA_FILE | VMA_SHARED | VMA_SPECIAL)) ||
	    v->prot == PROT_NONE)
		return 0;
	want &= P2M_AROUND_ALL & ~(1u << p2m_around_bit(va));
	for (unsigned int i = 0; i < P2M_AROUND_PAGES; i++) {
		u64 pva = base + (u64)i * PAGE_SIZE;
		bool created;
		void *page;

		if (!(want & (1u << i)) || pva < v->start || pva >= v->end ||
		    rmm_page_lookup(mm, pva))
			continue;
		if (rmm_page_get(mm, pva, &page, &created))
			break;	/* out of pages: no more */
		if (created)
			got |= 1u << i;
	}
	return got;
}

u32 rmm_fault_around(struct rmm *mm, u64 va, u32 want, void **pages)
{
	u64 base = p2m_around_base(va);
	struct vma *v = rmm_find_vma(mm, va);
	u32 got = 0;

	if (!v || !rmm_file_page || (v->flags & (VMA_FILE | VMA_SPECIAL)) !=
	    VMA_FILE || (v->prot & PROT_WRITE) || v->prot == PROT_NONE)
		return 0;
	want &= P2M_AROUND_ALL & ~(1u << p2m_around_bit(va));
	for (unsigned int i = 0; i < P2M_AROUND_PAGES; i++) {
		u64 pva = base + (u64)i * PAGE_SIZE;
		void *page = NULL;

		if (!(want & (1u << i)) || pva < v->start || pva >= v->end ||
		    !rmm_file_page_whole(v, pva) || rmm_page_lookup(mm, pva))
			continue;
		if (rmm_file_page(&v->file, v->file_off + (pva - v->start),
				  true, &page) || !page)
			continue;
		if (rmm_page_install(mm, pva, page)) {
			rmm_page_release(page);
			break;	/* at the page limit: no more */
		}
		pages[i] = page;
		got |= 1u << i;
	}
	return got;
}

int rmm_fault(struct rmm *mm, u64 va, u32 access, rmm_read_fn read,
	      void *ctx, void **page, u32 *prot)
{
	bool zero;

	return rmm_fault_zero(mm, va, access, read, ctx, page, prot, &zero);
}

int rmm_fault_zero(struct rmm *mm, u64 va, u32 access, rmm_read_fn read,
		   void *ctx, void **page, u32 *prot, bool *zero)
{
	u64 pva = va & PAGE_MASK;
	struct vma *v = rmm_find_vma(mm, va);
	bool created;
	int ret;

	*zero = false;

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
	*page = NULL;
	if (!(access & RMM_ACCESS_WRITE) &&
	    (v->flags & VMA_FILE) && !(v->prot & PROT_WRITE)) {
		ret = rmm_fault_shared(mm, v, pva, page);
		if (ret)
			return ret;
	}
	if (*page)
		created = false;
	else if (access & RMM_ACCESS_WRITE)
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
	*zero = created && !(v->flags & VMA_FILE);
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
