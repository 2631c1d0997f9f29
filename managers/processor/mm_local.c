/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The local backend of a process address space: used until a memory node
 * serves this processor over FIT, and by `tessera run --local`.
 *
 * It runs the memory manager's own address-space code in this node: an
 * rmm (managers/memory/vm.c) holds the vmas and owns the pages, the ELF
 * loader (loader.c) and the initial stack (stack.c) are the memory
 * node's too, so both modes build the same process image.  A pcache miss
 * copies the rmm's page into the line (or, for an anonymous page never
 * touched, lets the pcache zero it: no rmm page is allocated until the
 * line is written back); a flush copies a dirty line into the rmm's page,
 * which plays the memory node's copy.  With pcache=0 a fault maps the
 * rmm's page itself.  File-backed pages come from the program image in
 * kernel memory (the boot module).
 *
 * Locking: every op runs under lb->lock, a leaf lock.  Most callers also
 * hold pmm->lock, but a flush may come from another process's miss (its
 * eviction of one of our lines) or from the victim cache's flush thread,
 * which hold only their own locks.
 */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
#include <tessera/random.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <uapi/mman.h>
#include <asm/processor.h>

#include "internal.h"
#include "../memory/internal.h"

struct local_backend {
	spinlock_t lock;		/* the rmm and the fields below */
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

	spin_lock(&lb->lock);
	ret = rmm_fault(lb->rmm, addr, access, local_read_file, lb, &page,
			prot);
	spin_unlock(&lb->lock);
	if (ret)
		return ret;
	*pa = __pa(page);
	return 0;
}

/*
 * An anonymous page with no rmm page yet, whose vma allows @access: the
 * pcache may zero the line instead of copying a zeroed page.  Any other
 * case (file pages, errors to report) goes through rmm_fault().
 */
static bool local_never_touched(struct local_backend *lb, unsigned long addr,
				u32 access, u32 *prot)
{
	struct vma *v;

	if (!IS_ENABLED(CONFIG_PCACHE_ZERO_FILL))
		return false;
	v = rmm_find_vma(lb->rmm, addr);
	if (!v || (v->flags & VMA_FILE) ||
	    rmm_page_lookup(lb->rmm, addr & PAGE_MASK))
		return false;
	if ((access & RMM_ACCESS_WRITE) && !(v->prot & PROT_WRITE))
		return false;
	if ((access & RMM_ACCESS_EXEC) && !(v->prot & PROT_EXEC))
		return false;
	if (!(v->prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
		return false;
	*prot = v->prot;
	return true;
}

/* A miss; lb->lock held. */
static int local_miss_locked(struct local_backend *lb, unsigned long addr,
			     u32 access, void *line,
			     struct pmm_miss_result *res)
{
	void *page;
	int ret;

	res->zero = local_never_touched(lb, addr, access, &res->prot);
	if (res->zero)
		return 0;
	ret = rmm_fault(lb->rmm, addr, access, local_read_file, lb, &page,
			&res->prot);
	if (ret)
		return ret;
	memcpy(line, page, PAGE_SIZE);
	return 0;
}

static int local_miss(struct pmm *mm, unsigned long addr, u32 access,
		      void *line, struct pmm_miss_result *res)
{
	struct local_backend *lb = lb_of(mm);
	int ret;

	spin_lock(&lb->lock);
	ret = local_miss_locked(lb, addr, access, line, res);
	spin_unlock(&lb->lock);
	return ret;
}

static int local_flush(struct pmm *mm, unsigned long addr, const void *data)
{
	struct local_backend *lb = lb_of(mm);
	int ret;

	spin_lock(&lb->lock);
	ret = rmm_flush(lb->rmm, addr, data);
	spin_unlock(&lb->lock);
	return ret;
}

/* Two calls in one lock hold: a memory node would get one message. */
static int local_miss_with_flush(struct pmm *mm, unsigned long addr,
				 u32 access, void *line,
				 struct pmm_miss_result *res,
				 unsigned long flush_addr,
				 const void *flush_data)
{
	struct local_backend *lb = lb_of(mm);
	int ret;

	spin_lock(&lb->lock);
	/* A stale flush (range unmapped since) is dropped, as remote. */
	rmm_flush(lb->rmm, flush_addr, flush_data);
	ret = local_miss_locked(lb, addr, access, line, res);
	spin_unlock(&lb->lock);
	return ret;
}

static long local_mmap(struct pmm *mm, unsigned long addr, unsigned long len,
		       u32 prot, u32 flags)
{
	struct local_backend *lb = lb_of(mm);
	long ret;

	/* No files in local mode: only anonymous memory can be mapped. */
	if (!(flags & MAP_ANONYMOUS))
		return -EBADF;
	spin_lock(&lb->lock);
	ret = rmm_mmap(lb->rmm, addr, len, prot, flags, NULL, 0);
	spin_unlock(&lb->lock);
	return ret;
}

static int local_munmap(struct pmm *mm, unsigned long addr, unsigned long len)
{
	struct local_backend *lb = lb_of(mm);
	int ret;

	spin_lock(&lb->lock);
	ret = rmm_munmap(lb->rmm, addr, len);
	spin_unlock(&lb->lock);
	return ret;
}

static int local_mprotect(struct pmm *mm, unsigned long addr,
			  unsigned long len, u32 prot)
{
	struct local_backend *lb = lb_of(mm);
	int ret;

	spin_lock(&lb->lock);
	ret = rmm_mprotect(lb->rmm, addr, len, prot);
	spin_unlock(&lb->lock);
	return ret;
}

static unsigned long local_brk(struct pmm *mm, unsigned long brk)
{
	struct local_backend *lb = lb_of(mm);
	unsigned long ret;

	spin_lock(&lb->lock);
	ret = rmm_brk(lb->rmm, brk);
	spin_unlock(&lb->lock);
	return ret;
}

static int local_madvise(struct pmm *mm, unsigned long addr,
			 unsigned long len, int advice)
{
	struct local_backend *lb = lb_of(mm);
	int ret;

	spin_lock(&lb->lock);
	ret = rmm_madvise(lb->rmm, addr, len, advice);
	spin_unlock(&lb->lock);
	return ret;
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
	.miss = local_miss,
	.flush = local_flush,
	.miss_with_flush = local_miss_with_flush,
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
	spin_lock_init(&lb->lock);
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
	spin_lock(&lb->lock);
	ret = elf_map(lb->rmm, info, &file);
	if (!ret) {
		cpuid(1, &a, &b, &c, &d);
		args.hwcap = d;
		args.elf = info;
		get_random_bytes(args.random, sizeof(args.random));
		ret = stack_setup(lb->rmm, &args, &stack_sp);
	}
	spin_unlock(&lb->lock);
	spin_unlock(&mm->lock);
	if (ret)
		goto out;
	*entry = info->entry;
	*sp = stack_sp;
out:
	kfree(info);
	return ret;
}
