/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vDSO every process gets: the image arch/x86/vdso builds
 * (vdso_image.S embeds it) copied once to pages of this node, and the
 * vvar page below it that tells the image's clock functions what
 * ktime_get() and CLOCK_REALTIME are (asm/vdso_data.h).  The memory node
 * places both in each address space (P2M_EXECVE's @vdso_pages) and
 * answers a miss there with the page's number instead of data
 * (p2m_miss_reply.special); pmm_fault() then maps the page from here,
 * read-only, marked _PAGE_SPECIAL so that no path gives it back or
 * treats it as a pcache line.  The pages are shared by every process
 * on the node and never written after boot.
 *
 * processor.vdso=0 leaves the vDSO out: glibc then makes the clock
 * syscalls, which is how to measure what the vDSO saves.
 */
#include <fit/memory.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/mm.h>
#include <tessera/params.h>
#include <tessera/printk.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <asm/processor.h>
#include <asm/user_pgtable.h>
#include <asm/vdso_data.h>

#include "internal.h"

extern const u8 vdso_image[], vdso_image_end[];

static bool vdso_wanted = true;
PARAM_BOOL("processor.vdso", vdso_wanted,
	   "map the vDSO (clock_gettime, gettimeofday, time, getcpu without a syscall) into every process (0: none)");

/* [0]: the vvar page; [1 .. vdso_nr]: the image's pages. */
static void *vdso_page[1 + P2M_VDSO_MAX_PAGES];
static unsigned int vdso_nr;

void vdso_init(void)
{
	size_t size = vdso_image_end - vdso_image;
	unsigned int n = DIV_ROUND_UP(size, PAGE_SIZE), i;
	struct vdso_data *vd;
	u64 base, mult;

	if (!vdso_wanted) {
		pr_info("vdso: off (processor.vdso=0): programs make clock syscalls\n");
		return;
	}
	/* Our own build made it: a broken image is our bug. */
	BUG_ON(size < 4 || memcmp(vdso_image, "\177ELF", 4));
	BUG_ON(n > P2M_VDSO_MAX_PAGES);
	for (i = 0; i <= n; i++) {
		vdso_page[i] = (void *)get_zeroed_page(GFP_KERNEL);
		if (!vdso_page[i]) {
			pr_err("vdso: out of memory: programs make clock syscalls\n");
			while (i--)
				free_page((unsigned long)vdso_page[i]);
			return;
		}
	}
	for (i = 0; i < n; i++)
		memcpy(vdso_page[1 + i], vdso_image + i * PAGE_SIZE,
		       min_t(size_t, PAGE_SIZE, size - i * PAGE_SIZE));

	vd = vdso_page[0];
	if (tsc_clock_params(&base, &mult)) {
		vd->tsc_base = base;
		vd->tsc_mult = mult;
		vd->realtime_base = realtime_offset_ns();
		vd->flags |= VDSO_CLOCK_TSC;
	}
	if (cpu_has_rdtscp())
		vd->flags |= VDSO_GETCPU_RDTSCP;
	vdso_nr = n;
	pr_info("vdso: %zu bytes, clocks %s, getcpu %s\n", size,
		vd->flags & VDSO_CLOCK_TSC ? "from the TSC" : "by syscall",
		vd->flags & VDSO_GETCPU_RDTSCP ? "by RDTSCP" : "by syscall");
}

u32 vdso_pages(void)
{
	return vdso_nr;
}

int vdso_map_special(pte_t *pgd, unsigned long va, u32 special)
{
	/* special - 1: 0 the vvar page, then the image's. */
	u64 prot = special == 1 ? PAGE_USER_RO : PAGE_USER_RX;

	if (!special || special > 1 + vdso_nr)
		return -EFAULT;
	return user_map_page(pgd, va, __pa(vdso_page[special - 1]),
			     prot | _PAGE_SPECIAL);
}
