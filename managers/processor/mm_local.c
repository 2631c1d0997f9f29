/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The local backend of a process address space: used until a memory node
 * serves this processor over FIT, and by `tessera run --local`.
 *
 * It runs the memory manager's own address-space code in this node: an
 * rmm (managers/memory/vm.c) holds the vmas and owns the pages, the ELF
 * loader (loader.c) and the initial stack (stack.c) are the memory
 * node's too, so both modes build the same process image.  A fault maps
 * the rmm's page itself into the process page table: there is no pcache
 * copy in local mode.  File-backed pages come from the program image in
 * kernel memory (the boot module).
 */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <uapi/mman.h>
#include <asm/processor.h>

#include "internal.h"
#include "../memory/internal.h"

struct local_backend {
	struct rmm *rmm;
	const void *image;		/* the executable, in kernel memory */
	u64 image_size;
};

static struct local_backend *lb_of(struct pmm *mm)
{
	return mm->backend;
}

static int local_read_file(void *ctx, const struct mem_file *file, u64 off,
			   void *buf, u32 len)
{
	struct local_backend *lb = ctx;

	if (file->kind != MEM_FILE_IMAGE || off > lb->image_size ||
	    len > lb->image_size - off)
		return -EIO;
	memcpy(buf, (const u8 *)lb->image + off, len);
	return 0;
}

static int local_read_elf(void *ctx, u64 off, void *buf, u32 len)
{
	struct local_backend *lb = ctx;

	if (off > lb->image_size || len > lb->image_size - off)
		return -EIO;
	memcpy(buf, (const u8 *)lb->image + off, len);
	return 0;
}

static int local_fault(struct pmm *mm, unsigned long addr, u32 access,
		       phys_addr_t *pa, u32 *prot)
{
	struct local_backend *lb = lb_of(mm);
	void *page;
	int ret;

	ret = rmm_fault(lb->rmm, addr, access, local_read_file, lb, &page,
			prot);
	if (ret)
		return ret;
	*pa = __pa(page);
	return 0;
}

static long local_mmap(struct pmm *mm, unsigned long addr, unsigned long len,
		       u32 prot, u32 flags)
{
	/* No files in local mode: only anonymous memory can be mapped. */
	if (!(flags & MAP_ANONYMOUS))
		return -EBADF;
	return rmm_mmap(lb_of(mm)->rmm, addr, len, prot, flags, NULL, 0);
}

static int local_munmap(struct pmm *mm, unsigned long addr, unsigned long len)
{
	return rmm_munmap(lb_of(mm)->rmm, addr, len);
}

static int local_mprotect(struct pmm *mm, unsigned long addr,
			  unsigned long len, u32 prot)
{
	return rmm_mprotect(lb_of(mm)->rmm, addr, len, prot);
}

static unsigned long local_brk(struct pmm *mm, unsigned long brk)
{
	return rmm_brk(lb_of(mm)->rmm, brk);
}

static int local_madvise(struct pmm *mm, unsigned long addr,
			 unsigned long len, int advice)
{
	return rmm_madvise(lb_of(mm)->rmm, addr, len, advice);
}

static void local_destroy(struct pmm *mm)
{
	struct local_backend *lb = lb_of(mm);

	rmm_destroy(lb->rmm);
	kfree(lb);
}

const struct pmm_backend_ops pmm_local_ops = {
	.name = "local",
	.fault = local_fault,
	.mmap = local_mmap,
	.munmap = local_munmap,
	.mprotect = local_mprotect,
	.brk = local_brk,
	.madvise = local_madvise,
	.destroy = local_destroy,
};

struct pmm *pmm_local_create(void)
{
	struct local_backend *lb = kzalloc(sizeof(*lb), GFP_KERNEL);
	struct pmm *mm;

	if (!lb)
		return NULL;
	lb->rmm = rmm_create(0, 0, 0);
	if (!lb->rmm)
		goto free_lb;
	mm = pmm_create(&pmm_local_ops, lb);
	if (!mm)
		goto free_rmm;
	return mm;

free_rmm:
	rmm_destroy(lb->rmm);
free_lb:
	kfree(lb);
	return NULL;
}

int pmm_local_exec(struct pmm *mm, const char *exe, const void *image,
		   u64 size, const char *strings, u32 strings_len, u32 argc,
		   u32 envc, unsigned long *entry, unsigned long *sp)
{
	struct local_backend *lb = lb_of(mm);
	struct mem_file file = {
		.kind = MEM_FILE_IMAGE,
		.size = size,
	};
	struct stack_args args = {
		.strings = strings,
		.strings_len = strings_len,
		.argc = argc,
		.envc = envc,
		.execfn = exe,
	};
	struct elf_info *info;
	unsigned int a, b, c, d;
	u64 stack_sp;
	int ret;

	info = kmalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	lb->image = image;
	lb->image_size = size;
	ret = elf_parse(local_read_elf, lb, size, ET_DYN_DEFAULT_BASE, info);
	if (ret) {
		if (ret == -ENOEXEC)
			pr_err("exec: %s: not a static x86-64 executable: %s\n",
			       exe, info->why);
		goto out;
	}
	spin_lock(&mm->lock);
	ret = elf_map(lb->rmm, info, &file);
	if (!ret) {
		cpuid(1, &a, &b, &c, &d);
		args.hwcap = d;
		args.elf = info;
		random_bytes(args.random, sizeof(args.random));
		ret = stack_setup(lb->rmm, &args, &stack_sp);
	}
	spin_unlock(&mm->lock);
	if (ret)
		goto out;
	*entry = info->entry;
	*sp = stack_sp;
out:
	kfree(info);
	return ret;
}
