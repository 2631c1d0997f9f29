/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linux's argument rules for munmap, mprotect, madvise, mremap and the
 * length and offset of a file mmap (mm/mmap.c, mm/mprotect.c,
 * mm/madvise.c, mm/mremap.c), as pure functions of the arguments.
 *
 * Two users: the processor checks a call with them before it drops a
 * single page-table entry or pcache line (managers/processor/sys_mm.c),
 * so a rejected call changes nothing; the memory node's vm.c applies
 * the same rules to what a processor sends.  Each check returns 0 or the
 * -errno Linux gives for the arguments alone, in Linux's order; whether
 * the range is mapped is the address space's business (-ENOMEM there).
 * On success *@end is the page-aligned end of the range (*@end == @addr:
 * nothing to do, a successful no-op); on failure it is not written.
 */
#ifndef _TESSERA_MMAN_H
#define _TESSERA_MMAN_H

#include <tessera/errno.h>
#include <tessera/types.h>
#include <uapi/mman.h>

/* Top of the user address space (exclusive): x86-64 TASK_SIZE. */
#define MMAN_TASK_SIZE		0x00007ffffffff000ULL
#define MMAN_PAGE_SIZE		4096ULL
#define MMAN_PAGE_MASK		(~(MMAN_PAGE_SIZE - 1))

/* PROT_SEM: accepted by mprotect on x86 (arch_validate_prot), no effect. */
#define MMAN_PROT_SEM		0x8

/* len rounded up to whole pages; 0 if that overflows. */
static inline u64 mman_page_align(u64 len)
{
	return (len + MMAN_PAGE_SIZE - 1) & MMAN_PAGE_MASK;
}

/* The largest file offset + length a mapping may reach (MAX_LFS_FILESIZE). */
#define MMAN_FILE_MAX		0x7fffffffffffffffULL

/*
 * mmap(2) of a file, the checks on @len and @off alone after the
 * descriptor was found (do_mmap, file_mmap_ok): -EINVAL for len 0 or an
 * unaligned @off, -ENOMEM when len rounds up past 2^64, -EOVERFLOW when
 * the mapping would reach past MMAN_FILE_MAX.
 */
static inline int mman_check_mmap_file(u64 len, u64 off)
{
	u64 alen = mman_page_align(len);

	if (!len || (off & ~MMAN_PAGE_MASK))
		return -EINVAL;
	if (!alen)
		return -ENOMEM;
	if (alen > MMAN_FILE_MAX ||
	    (off >> 12) > ((MMAN_FILE_MAX - alen) >> 12))
		return -EOVERFLOW;
	return 0;
}

/* munmap(2): -EINVAL for an unaligned @addr, len 0, or past TASK_SIZE. */
static inline int mman_check_munmap(u64 addr, u64 len, u64 *end)
{
	if ((addr & ~MMAN_PAGE_MASK) || addr > MMAN_TASK_SIZE ||
	    len > MMAN_TASK_SIZE - addr)
		return -EINVAL;
	len = mman_page_align(len);
	if (!len)
		return -EINVAL;
	*end = addr + len;
	return 0;
}

/*
 * mprotect(2): -EINVAL for GROWSDOWN|GROWSUP together, an unaligned
 * @addr, or unknown bits; -ENOMEM if the range wraps.  len 0 is a
 * no-op even with unknown bits (Linux checks them after the length).
 */
static inline int mman_check_mprotect(u64 addr, u64 len, u32 prot, u64 *end)
{
	u32 grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);

	prot &= ~(PROT_GROWSDOWN | PROT_GROWSUP);
	if (grows == (PROT_GROWSDOWN | PROT_GROWSUP))
		return -EINVAL;
	if (addr & ~MMAN_PAGE_MASK)
		return -EINVAL;
	if (!len) {
		*end = addr;
		return 0;
	}
	len = mman_page_align(len);
	if (!len || addr + len <= addr)
		return -ENOMEM;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | MMAN_PROT_SEM))
		return -EINVAL;
	*end = addr + len;
	return 0;
}

/* Advice values Linux accepts for private anonymous memory. */
static inline bool mman_madvise_known(int advice)
{
	switch (advice) {
	case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL:
	case MADV_WILLNEED: case MADV_DONTNEED: case MADV_FREE:
	case MADV_DONTFORK: case MADV_DOFORK: case MADV_MERGEABLE:
	case MADV_UNMERGEABLE: case MADV_HUGEPAGE: case MADV_NOHUGEPAGE:
	case MADV_DONTDUMP: case MADV_DODUMP: case MADV_WIPEONFORK:
	case MADV_KEEPONFORK: case MADV_COLD: case MADV_PAGEOUT:
	case MADV_POPULATE_READ: case MADV_POPULATE_WRITE:
	case MADV_DONTNEED_LOCKED:
		return true;
	default:
		return false;
	}
}

/*
 * Advice that throws the range's private anonymous data away (the next
 * touch reads zeros): DONTNEED and DONTNEED_LOCKED by definition, FREE
 * because Linux may (and we always do).
 */
static inline bool mman_madvise_discards(int advice)
{
	return advice == MADV_DONTNEED || advice == MADV_DONTNEED_LOCKED ||
	       advice == MADV_FREE;
}

/*
 * madvise(2): -EINVAL for unknown advice, an unaligned @addr, or a
 * length that wraps; len 0 is a no-op.
 */
static inline int mman_check_madvise(u64 addr, u64 len, int advice, u64 *end)
{
	u64 alen = mman_page_align(len);

	if (!mman_madvise_known(advice))
		return -EINVAL;
	if (addr & ~MMAN_PAGE_MASK)
		return -EINVAL;
	if (len && !alen)
		return -EINVAL;
	if (addr + alen < addr)
		return -EINVAL;
	*end = addr + alen;
	return 0;
}

/*
 * mremap(2), the checks on the arguments alone, in Linux's order: -EINVAL
 * for unknown flags, MREMAP_FIXED without MREMAP_MAYMOVE,
 * MREMAP_DONTUNMAP without MREMAP_MAYMOVE or with a length change, an
 * unaligned @addr, a new length of 0, and (MREMAP_FIXED) an unaligned
 * @new_addr, a new range past TASK_SIZE or one overlapping the old
 * range.  On success *@old_end is the page-aligned end of the old range
 * (clamped to TASK_SIZE: the address space answers -EFAULT there).
 */
static inline int mman_check_mremap(u64 addr, u64 old_len, u64 new_len,
				    u32 flags, u64 new_addr, u64 *old_end)
{
	u64 olen = mman_page_align(old_len), nlen = mman_page_align(new_len);

	if (flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP))
		return -EINVAL;
	if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
		return -EINVAL;
	if ((flags & MREMAP_DONTUNMAP) &&
	    (!(flags & MREMAP_MAYMOVE) || olen != nlen))
		return -EINVAL;
	if (addr & ~MMAN_PAGE_MASK)
		return -EINVAL;
	if (!nlen)
		return -EINVAL;
	if (flags & MREMAP_FIXED) {
		if (new_addr & ~MMAN_PAGE_MASK)
			return -EINVAL;
		if (nlen > MMAN_TASK_SIZE || new_addr > MMAN_TASK_SIZE - nlen)
			return -EINVAL;
		if (new_addr < addr + olen && addr < new_addr + nlen)
			return -EINVAL;
	}
	*old_end = addr > MMAN_TASK_SIZE || olen > MMAN_TASK_SIZE - addr ?
		   MMAN_TASK_SIZE : addr + olen;
	return 0;
}

#endif /* _TESSERA_MMAN_H */
