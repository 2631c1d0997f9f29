/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ELF loader of the memory node: checks an x86-64 ELF64 executable
 * (elf_check), moves an ET_DYN image to its base (elf_rebase) and lays
 * its PT_LOAD segments out as vmas of an address space (elf_map).  It
 * reads the file only through a callback, so the host test feeds it real
 * binaries built by the host's gcc and the host's own ld.so.  The initial
 * stack is stack.c's; where the files live and where the program and its
 * interpreter go is service.c's (memnode_exec_place()).
 *
 * Accepted: ET_EXEC, and ET_DYN (PIE, static-pie, an interpreter).
 * Everything a hostile or truncated file can get wrong is -ENOEXEC with a
 * one-line reason in info->why: header fields, program headers outside
 * the file, segments that overflow, overlap, are not congruent modulo the
 * page size, have p_filesz > p_memsz, lie past TASK_SIZE or below
 * mmap_min_addr, an entry point outside every executable segment, a
 * PT_INTERP that is not one absolute NUL-terminated path of at most
 * PATH_MAX bytes inside the file.
 *
 * A segment becomes one vma from the page holding p_vaddr to the page
 * holding p_vaddr + p_memsz, backed by the file from the page-aligned
 * offset; bytes from p_vaddr + p_filesz on read as zero (VMA_ZERO_TAIL),
 * which clears the partial page after the file data and makes the rest
 * of .bss zero-fill.  A later segment sharing a page with an earlier one
 * replaces that page, as MAP_FIXED does in Linux.
 */
#include "internal.h"

#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <uapi/mman.h>

static __printf(2, 3) int elf_bad(struct elf_info *info, const char *fmt,
				   ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(info->why, sizeof(info->why), fmt, args);
	va_end(args);
	return -ENOEXEC;
}

static u32 elf_prot(u32 p_flags)
{
	return (p_flags & PF_R ? PROT_READ : 0) |
	       (p_flags & PF_W ? PROT_WRITE : 0) |
	       (p_flags & PF_X ? PROT_EXEC : 0);
}

static int elf_check_header(const Elf64_Ehdr *eh, u64 size,
			    struct elf_info *info)
{
	u64 table;

	if (memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return elf_bad(info, "not an ELF file (bad magic)");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return elf_bad(info, "not ELF64 (class %u)",
			       eh->e_ident[EI_CLASS]);
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return elf_bad(info, "not little-endian (data %u)",
			       eh->e_ident[EI_DATA]);
	if (eh->e_ident[EI_VERSION] != EV_CURRENT ||
	    eh->e_version != EV_CURRENT)
		return elf_bad(info, "bad ELF version");
	if (eh->e_machine != EM_X86_64)
		return elf_bad(info, "not x86-64 (machine %u)", eh->e_machine);
	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return elf_bad(info, "not an executable (type %u)",
			       eh->e_type);
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return elf_bad(info, "bad e_phentsize %u", eh->e_phentsize);
	if (eh->e_phnum == 0 || eh->e_phnum > ELF_MAX_PHNUM)
		return elf_bad(info, "bad e_phnum %u", eh->e_phnum);
	table = (u64)eh->e_phnum * sizeof(Elf64_Phdr);
	if (eh->e_phoff > size || table > size - eh->e_phoff)
		return elf_bad(info, "program headers past the end of the file");
	return 0;
}

/*
 * Copy PT_INTERP's path into info->interp.  Linux's rules (p_filesz of
 * 2..PATH_MAX bytes inside the file, the last one a NUL; the path ends
 * at the first NUL) and ours: only one PT_INTERP, an absolute path.
 */
static int elf_read_interp(elf_read_fn read, void *ctx, u64 size,
			   const Elf64_Phdr *ph, struct elf_info *info)
{
	u64 n = ph->p_filesz;
	int ret;

	if (info->interp_len)
		return elf_bad(info, "more than one PT_INTERP");
	if (ph->p_offset > size || n > size - ph->p_offset)
		return elf_bad(info, "PT_INTERP outside the file");
	if (n < 2 || n > ELF_INTERP_MAX)
		return elf_bad(info, "PT_INTERP of %llu bytes (2..%u)",
			       (unsigned long long)n, ELF_INTERP_MAX);
	ret = read(ctx, ph->p_offset, info->interp, (u32)n);
	if (ret)
		return ret;
	if (info->interp[n - 1] != '\0') {
		info->interp[0] = '\0';
		return elf_bad(info, "PT_INTERP path not NUL-terminated");
	}
	/* Relative to which directory?  Linux's cwd; we have none here. */
	if (info->interp[0] != '/') {
		info->interp[0] = '\0';
		return elf_bad(info, "PT_INTERP path not absolute");
	}
	info->interp_len = strlen(info->interp);
	return 0;
}

static int elf_check_load(const Elf64_Phdr *ph, u64 size,
			  struct elf_info *info, unsigned int idx)
{
	if (ph->p_filesz > ph->p_memsz)
		return elf_bad(info, "segment %u: p_filesz > p_memsz", idx);
	if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset)
		return elf_bad(info, "segment %u: file data past the end of the file",
			       idx);
	if (ph->p_vaddr + ph->p_memsz < ph->p_vaddr ||
	    ph->p_vaddr + ph->p_memsz > TASK_SIZE)
		return elf_bad(info, "segment %u: past the user address space",
			       idx);
	if ((ph->p_offset & ~PAGE_MASK) != (ph->p_vaddr & ~PAGE_MASK))
		return elf_bad(info, "segment %u: p_offset and p_vaddr not congruent modulo the page size",
			       idx);
	if (ph->p_align > 1 && !is_power_of_2(ph->p_align))
		return elf_bad(info, "segment %u: p_align not a power of two",
			       idx);
	return 0;
}

int elf_check(elf_read_fn read, void *ctx, u64 size, u64 dyn_base,
	      struct elf_info *info)
{
	Elf64_Ehdr eh;
	Elf64_Phdr *phdrs;
	u64 pt_phdr = 0, lo = ~0ULL, hi = 0, entry, prev_end = 0;
	bool have_phdr = false;
	unsigned int i;
	int ret;

	memset(info, 0, sizeof(*info));
	if (size < sizeof(eh))
		return elf_bad(info, "file too short for an ELF header (%llu bytes)",
			       (unsigned long long)size);
	ret = read(ctx, 0, &eh, sizeof(eh));
	if (ret)
		return ret;
	ret = elf_check_header(&eh, size, info);
	if (ret)
		return ret;
	phdrs = kmalloc_array(eh.e_phnum, sizeof(*phdrs), GFP_KERNEL);
	if (!phdrs)
		return -ENOMEM;
	ret = read(ctx, eh.e_phoff, phdrs, eh.e_phnum * sizeof(*phdrs));
	if (ret)
		goto out;

	for (i = 0; i < eh.e_phnum; i++) {
		const Elf64_Phdr *ph = &phdrs[i];
		struct elf_segment *seg;

		switch (ph->p_type) {
		case PT_INTERP:
			ret = elf_read_interp(read, ctx, size, ph, info);
			if (ret)
				goto out;
			break;
		case PT_GNU_STACK:
			info->exec_stack = ph->p_flags & PF_X;
			break;
		case PT_PHDR:
			pt_phdr = ph->p_vaddr;
			have_phdr = true;
			break;
		case PT_TLS:
			if (ph->p_filesz > ph->p_memsz ||
			    (ph->p_align > 1 && !is_power_of_2(ph->p_align))) {
				ret = elf_bad(info, "bad PT_TLS");
				goto out;
			}
			info->has_tls = true;
			info->tls_vaddr = ph->p_vaddr;
			info->tls_filesz = ph->p_filesz;
			info->tls_memsz = ph->p_memsz;
			info->tls_align = ph->p_align;
			break;
		case PT_LOAD:
			ret = elf_check_load(ph, size, info, i);
			if (ret)
				goto out;
			if (!ph->p_memsz)
				break;
			if (info->nr_loads == ELF_MAX_LOADS) {
				ret = elf_bad(info, "more than %u PT_LOAD segments",
					      ELF_MAX_LOADS);
				goto out;
			}
			if (info->nr_loads && ph->p_vaddr < prev_end) {
				ret = elf_bad(info, "segment %u overlaps or precedes the previous one",
					      i);
				goto out;
			}
			prev_end = ph->p_vaddr + ph->p_memsz;
			seg = &info->loads[info->nr_loads++];
			seg->vaddr = ph->p_vaddr;
			seg->offset = ph->p_offset;
			seg->filesz = ph->p_filesz;
			seg->memsz = ph->p_memsz;
			seg->prot = elf_prot(ph->p_flags);
			if (ph->p_align > info->max_align)
				info->max_align = ph->p_align;
			lo = min(lo, ALIGN_DOWN(ph->p_vaddr, PAGE_SIZE));
			hi = max(hi, ph->p_vaddr + ph->p_memsz);
			break;
		default:
			break;
		}
	}
	if (!info->nr_loads) {
		ret = elf_bad(info, "no PT_LOAD segment");
		goto out;
	}

	info->type = eh.e_type;
	if (eh.e_type == ET_DYN) {
		if (dyn_base & ~PAGE_MASK || dyn_base < lo) {
			ret = elf_bad(info, "bad load base");
			goto out;
		}
		info->bias = dyn_base - lo;
		if (hi - lo > TASK_SIZE - dyn_base) {
			ret = elf_bad(info, "too large for the user address space");
			goto out;
		}
	}
	info->lo = lo + info->bias;
	info->hi = ALIGN(hi, PAGE_SIZE) + info->bias;
	info->brk = hi + info->bias;
	if (info->lo < MMAP_MIN_ADDR) {
		ret = elf_bad(info, "segment below mmap_min_addr (%#llx)",
			      (unsigned long long)info->lo);
		goto out;
	}
	for (i = 0; i < info->nr_loads; i++)
		info->loads[i].vaddr += info->bias;
	if (info->has_tls)
		info->tls_vaddr += info->bias;

	entry = eh.e_entry + info->bias;
	for (i = 0; i < info->nr_loads; i++) {
		const struct elf_segment *s = &info->loads[i];

		if ((s->prot & PROT_EXEC) && entry >= s->vaddr &&
		    entry < s->vaddr + s->memsz)
			break;
	}
	if (i == info->nr_loads) {
		ret = elf_bad(info, "entry point %#llx outside every executable segment",
			      (unsigned long long)eh.e_entry);
		goto out;
	}
	info->entry = entry;

	if (have_phdr) {
		info->phdr = pt_phdr + info->bias;
	} else {
		for (i = 0; i < info->nr_loads; i++) {
			const struct elf_segment *s = &info->loads[i];
			u64 table = (u64)eh.e_phnum * sizeof(Elf64_Phdr);

			if (eh.e_phoff >= s->offset &&
			    eh.e_phoff + table <= s->offset + s->filesz) {
				info->phdr = s->vaddr + (eh.e_phoff - s->offset);
				break;
			}
		}
		if (i == info->nr_loads) {
			ret = elf_bad(info, "program headers not in a loaded segment");
			goto out;
		}
	}
	info->phnum = eh.e_phnum;
	info->phentsize = eh.e_phentsize;
	ret = 0;
out:
	kfree(phdrs);
	return ret;
}

int elf_check_interpreter(struct elf_info *info)
{
	if (info->type != ET_DYN)
		return elf_bad(info, "not ET_DYN (type %u)", info->type);
	if (info->interp_len)
		return elf_bad(info, "has a PT_INTERP of its own (%s)",
			       info->interp);
	return 0;
}

int elf_rebase(struct elf_info *info, u64 base)
{
	u64 delta = base - info->lo;
	unsigned int i;

	if (info->type != ET_DYN)
		return base == info->lo ? 0 : elf_bad(info, "ET_EXEC cannot move");
	if (base & ~PAGE_MASK || base < MMAP_MIN_ADDR ||
	    info->hi - info->lo > TASK_SIZE - base)
		return elf_bad(info, "bad load base %#llx",
			       (unsigned long long)base);
	for (i = 0; i < info->nr_loads; i++)
		info->loads[i].vaddr += delta;
	if (info->has_tls)
		info->tls_vaddr += delta;
	info->bias += delta;
	info->entry += delta;
	info->phdr += delta;
	info->lo += delta;
	info->hi += delta;
	info->brk += delta;
	return 0;
}

int elf_map_segments(struct rmm *mm, const struct elf_info *info,
		     const struct mem_file *file)
{
	unsigned int i;
	int ret;

	for (i = 0; i < info->nr_loads; i++) {
		const struct elf_segment *s = &info->loads[i];
		u64 start = ALIGN_DOWN(s->vaddr, PAGE_SIZE);
		u64 end = ALIGN(s->vaddr + s->memsz, PAGE_SIZE);
		u64 lead = s->vaddr - start;

		/* A page shared with the previous segment is replaced. */
		ret = rmm_munmap(mm, start, end - start);
		if (ret)
			return ret;
		if (s->filesz)
			ret = rmm_map_fixed(mm, start, end, s->prot,
					    VMA_FILE | VMA_ZERO_TAIL, file,
					    s->offset - lead,
					    s->vaddr + s->filesz);
		else
			ret = rmm_map_fixed(mm, start, end, s->prot, 0, NULL,
					    0, 0);
		if (ret)
			return ret;
	}
	return 0;
}

int elf_map(struct rmm *mm, const struct elf_info *info,
	    const struct mem_file *file)
{
	int ret = elf_map_segments(mm, info, file);

	if (!ret)
		mm->start_brk = mm->brk = ALIGN(info->brk, PAGE_SIZE);
	return ret;
}
