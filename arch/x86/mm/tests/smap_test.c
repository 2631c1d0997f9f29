/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KTAP suite "smap": SMEP and SMAP are on where the CPU has them (QEMU's
 * -cpu max, which the launcher uses, has both), and with SMAP a kernel
 * access to a mapped, present user page faults unless it is made through
 * the uaccess routines (STAC ... CLAC).
 *
 * A kernel thread runs on a test page table that maps one user page and
 * reads it twice: through __get_user_8() (must give the bytes), and
 * through __probe_user_nosmap(), the same load without STAC, which is in
 * the uaccess exception table so that the SMAP fault it must take comes
 * back as -EFAULT instead of an oops.  The fault must be counted as a
 * violation, and EFLAGS.AC must be clear again after both.
 */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/kthread.h>
#include <tessera/ktest.h>
#include <tessera/mm.h>
#include <tessera/sched.h>
#include <tessera/smp.h>
#include <tessera/uaccess.h>
#include <asm/processor.h>
#include <asm/syscall.h>
#include <asm/user_pgtable.h>

#define TEST_UVA	0x40000000UL
#define PATTERN		0x5a5a0123456789a5ULL

struct smap_run {
	struct user_context uctx;
	int get_ret, probe_ret;
	u64 got, probed;
	unsigned long violations;
	unsigned long rflags_after;
	unsigned long cr4;
};

static int smap_reader_fn(void *arg)
{
	struct smap_run *r = arg;
	unsigned long before = smap_violations;

	r->cr4 = read_cr4();
	r->get_ret = __get_user_8(&r->got, (const u64 __user *)TEST_UVA);
	r->probe_ret = __probe_user_nosmap(&r->probed,
					   (const u64 __user *)TEST_UVA);
	r->violations = smap_violations - before;
	__asm__ __volatile__("pushfq; popq %0" : "=r"(r->rflags_after));
	user_context_unregister(current);
	return 0;
}

static void user_page_needs_stac(struct ktest *t)
{
	static struct smap_run r;
	struct page *page;
	struct task *reader;
	pte_t *pgd;

	if (!x86_smap_enabled)
		KT_SKIP(t, "SMAP off or not supported by this CPU");
	memset(&r, 0, sizeof(r));
	r.probed = 1;
	pgd = user_pgd_alloc();
	page = alloc_page(GFP_KERNEL);
	if (!pgd || !page) {
		KT_FAIL(t, "no memory for the page table and page");
		goto free;
	}
	*(u64 *)page_address(page) = PATTERN;
	KT_ASSERT_EQ(t, user_map_page(pgd, TEST_UVA,
				      PFN_PHYS(page_to_pfn(page)),
				      PAGE_USER_RW), 0);
	r.uctx.pgd_pa = __pa(pgd);
	reader = kthread_create(smap_reader_fn, &r, "smaptest");
	if (IS_ERR(reader)) {
		KT_FAIL(t, "cannot create the test thread");
		goto unmap;
	}
	user_context_register(reader, &r.uctx);
	wake_up_process(reader);
	kthread_stop(reader);

	KT_EXPECT_TRUE(t, r.cr4 & X86_CR4_SMAP);
	KT_EXPECT_EQ(t, r.get_ret, 0);
	KT_EXPECT_EQ(t, r.got, PATTERN);
	KT_EXPECT_EQ(t, r.probe_ret, -EFAULT);
	KT_EXPECT_EQ(t, r.probed, 1);
	KT_EXPECT_EQ(t, r.violations, 1);
	KT_EXPECT_EQ(t, r.rflags_after & X86_EFLAGS_AC_BIT, 0);
unmap:
	user_unmap_page(pgd, TEST_UVA);
free:
	if (pgd)
		user_pgd_free(pgd, NULL, NULL);
	if (page)
		__free_page(page);
}

/* SMEP: every online CPU runs with it (checked on this one and via IPI). */
static void smep_on(struct ktest *t)
{
	if (!x86_smep_enabled)
		KT_SKIP(t, "SMEP off or not supported by this CPU");
	KT_EXPECT_TRUE(t, read_cr4() & X86_CR4_SMEP);
}

static struct ktest_case smap_cases[] = {
	KTEST_CASE(user_page_needs_stac),
	KTEST_CASE(smep_on),
	{}
};

KTEST_SUITE(smap, smap_cases);
