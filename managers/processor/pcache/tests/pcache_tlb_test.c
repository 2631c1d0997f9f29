/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KTAP suite "pcache_tlb": the shootdown a pcache eviction sends
 * (user_flush_tlb_mm_range(), arch/x86/mm/user.c) reaches the CPUs that
 * have the address space loaded and only them.
 *
 * A kernel thread bound to CPU 1 runs on a test page table A (registered
 * as its user context, so the context switch loads it) and reads a user
 * address mapped there, caching the translation.  A second thread, on
 * CPU 0, moves that address to another page, flushes it in A, then
 * flushes the same address in a page table B that no CPU ever loaded,
 * and reads every CPU's count of user shootdowns served around each
 * step.  The reader must have been interrupted exactly once and must
 * see the new page; no other CPU may have been interrupted.  After the
 * reader has gone (its CPU switched to another page table), A is loaded
 * nowhere and a flush of it interrupts nobody.
 *
 * The threads wait for each other with bounded spins; the bounds only
 * keep a broken kernel from hanging the suite and are not asserted on.
 */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/kthread.h>
#include <tessera/ktest.h>
#include <tessera/mm.h>
#include <tessera/preempt.h>
#include <tessera/sched.h>
#include <tessera/smp.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <asm/pgtable.h>
#include <asm/processor.h>
#include <asm/irqflags.h>
#include <asm/syscall.h>
#include <asm/tlbflush.h>
#include <asm/user_pgtable.h>

#define TEST_UVA	0x40000000UL
#define PATTERN_OLD	0x0123456789abcdefULL
#define PATTERN_NEW	0xfedcba9876543210ULL
#define READER_CPU	1
#define FLUSHER_CPU	0
#define WAIT_NS		(5 * NSEC_PER_SEC)

struct tlb_test {
	pte_t *pgd_a, *pgd_b;
	phys_addr_t new_pa;
	struct user_context uctx;	/* the reader's: CR3 = pgd_a */
	int reader_state;		/* 1: read, 2: read again, 3: done */
	int cmd;			/* 1: read again, 2: leave */
	u64 seen_before, seen_after;
	u64 cpus_loaded;		/* user_pgd_cpus(pgd_a) while loaded */
	u64 before[NR_CPUS], after_a[NR_CPUS], after_b[NR_CPUS];
	bool flusher_ok;
};

static bool wait_for(int *var, int value)
{
	u64 deadline = ktime_get() + WAIT_NS;

	while (__atomic_load_n(var, __ATOMIC_ACQUIRE) != value) {
		if (ktime_get() > deadline)
			return false;
		cpu_relax();
	}
	return true;
}

static void snapshot(u64 *counts)
{
	unsigned int cpu;

	for (cpu = 0; cpu < NR_CPUS; cpu++)
		counts[cpu] = tlb_user_shootdowns(cpu);
}

/* CPU 1, page table A loaded by the switch to this thread. */
static int tlb_reader_fn(void *arg)
{
	struct tlb_test *tt = arg;

	/* Stay on A: no other task may take this CPU meanwhile. */
	preempt_disable();
	stac();		/* a user page, read from the kernel (SMAP) */
	tt->seen_before = READ_ONCE(*(volatile u64 *)TEST_UVA);
	clac();
	__atomic_store_n(&tt->reader_state, 1, __ATOMIC_RELEASE);
	wait_for(&tt->cmd, 1);
	stac();
	tt->seen_after = READ_ONCE(*(volatile u64 *)TEST_UVA);
	clac();
	__atomic_store_n(&tt->reader_state, 2, __ATOMIC_RELEASE);
	wait_for(&tt->cmd, 2);
	preempt_enable();
	user_context_unregister(current);
	__atomic_store_n(&tt->reader_state, 3, __ATOMIC_RELEASE);
	return 0;
}

/* CPU 0: move the page under the reader, flush A, then flush B. */
static int tlb_flusher_fn(void *arg)
{
	struct tlb_test *tt = arg;

	if (!wait_for(&tt->reader_state, 1))
		goto release;
	tt->cpus_loaded = user_pgd_cpus(tt->pgd_a);
	snapshot(tt->before);
	user_unmap_page(tt->pgd_a, TEST_UVA);
	if (user_map_page(tt->pgd_a, TEST_UVA, tt->new_pa, PAGE_USER_RW))
		goto release;
	user_flush_tlb_mm_range(tt->pgd_a, TEST_UVA, TEST_UVA + PAGE_SIZE);
	snapshot(tt->after_a);
	user_flush_tlb_mm_range(tt->pgd_b, TEST_UVA, TEST_UVA + PAGE_SIZE);
	snapshot(tt->after_b);
	__atomic_store_n(&tt->cmd, 1, __ATOMIC_RELEASE);
	tt->flusher_ok = wait_for(&tt->reader_state, 2);
release:
	__atomic_store_n(&tt->cmd, 2, __ATOMIC_RELEASE);
	return 0;
}

static void shootdown_targets_loaded_cpus(struct ktest *t)
{
	static struct tlb_test tt;
	struct page *old_page = NULL, *new_page = NULL;
	struct task *reader = NULL, *flusher = NULL;
	u64 later[NR_CPUS];
	unsigned int cpu;

	if (num_online_cpus() < 2)
		KT_SKIP(t, "needs two CPUs");
	memset(&tt, 0, sizeof(tt));
	tt.pgd_a = user_pgd_alloc();
	tt.pgd_b = user_pgd_alloc();
	old_page = alloc_page(GFP_KERNEL);
	new_page = alloc_page(GFP_KERNEL);
	if (!tt.pgd_a || !tt.pgd_b || !old_page || !new_page) {
		KT_FAIL(t, "no memory for the page tables and pages");
		goto free;
	}
	*(u64 *)page_address(old_page) = PATTERN_OLD;
	*(u64 *)page_address(new_page) = PATTERN_NEW;
	tt.new_pa = PFN_PHYS(page_to_pfn(new_page));
	KT_EXPECT_EQ(t, user_map_page(tt.pgd_a, TEST_UVA,
				      PFN_PHYS(page_to_pfn(old_page)),
				      PAGE_USER_RW), 0);
	/* B maps the same address, but nothing ever loads B. */
	KT_EXPECT_EQ(t, user_map_page(tt.pgd_b, TEST_UVA,
				      PFN_PHYS(page_to_pfn(old_page)),
				      PAGE_USER_RW), 0);
	tt.uctx.pgd_pa = __pa(tt.pgd_a);

	reader = kthread_create_on_cpu(tlb_reader_fn, &tt, READER_CPU,
				       "tlbtest_read");
	flusher = kthread_create_on_cpu(tlb_flusher_fn, &tt, FLUSHER_CPU,
					"tlbtest_flush");
	if (IS_ERR(reader) || IS_ERR(flusher)) {
		KT_FAIL(t, "cannot create the test threads");
		if (!IS_ERR(reader))
			kthread_stop(reader);
		if (!IS_ERR(flusher))
			kthread_stop(flusher);
		goto free;
	}
	user_context_register(reader, &tt.uctx);
	wake_up_process(reader);
	wake_up_process(flusher);
	kthread_stop(flusher);
	kthread_stop(reader);

	KT_EXPECT_TRUE(t, tt.flusher_ok);
	KT_EXPECT_EQ(t, tt.reader_state, 3);
	KT_EXPECT_EQ(t, tt.cpus_loaded, 1ULL << READER_CPU);
	KT_EXPECT_EQ(t, tt.seen_before, PATTERN_OLD);
	/* Only the shootdown can have dropped the old translation. */
	KT_EXPECT_EQ(t, tt.seen_after, PATTERN_NEW);
	for_each_online_cpu(cpu) {
		u64 want = cpu == READER_CPU ? 1 : 0;

		KT_EXPECT_EQ(t, tt.after_a[cpu] - tt.before[cpu], want);
		KT_EXPECT_EQ(t, tt.after_b[cpu] - tt.after_a[cpu], 0);
	}

	/* The reader is gone: its CPU loaded another page table. */
	KT_EXPECT_EQ(t, user_pgd_cpus(tt.pgd_a), 0);
	snapshot(tt.before);
	user_flush_tlb_mm_range(tt.pgd_a, TEST_UVA, TEST_UVA + PAGE_SIZE);
	snapshot(later);
	for_each_online_cpu(cpu)
		KT_EXPECT_EQ(t, later[cpu] - tt.before[cpu], 0);
free:
	if (tt.pgd_a) {
		user_unmap_page(tt.pgd_a, TEST_UVA);
		user_pgd_free(tt.pgd_a, NULL, NULL);
	}
	if (tt.pgd_b) {
		user_unmap_page(tt.pgd_b, TEST_UVA);
		user_pgd_free(tt.pgd_b, NULL, NULL);
	}
	if (old_page)
		__free_page(old_page);
	if (new_page)
		__free_page(new_page);
}

/* An empty CPU mask: a local flush only, nobody is interrupted. */
static void empty_mask_interrupts_nobody(struct ktest *t)
{
	u64 before[NR_CPUS], after[NR_CPUS];
	unsigned int cpu;

	snapshot(before);
	flush_tlb_mask_range(0, TEST_UVA, TEST_UVA + PAGE_SIZE);
	snapshot(after);
	for_each_online_cpu(cpu)
		KT_EXPECT_EQ(t, after[cpu] - before[cpu], 0);
}

static struct ktest_case pcache_tlb_cases[] = {
	KTEST_CASE(shootdown_targets_loaded_cpus),
	KTEST_CASE(empty_mask_interrupts_nobody),
	{}
};
KTEST_SUITE(pcache_tlb, pcache_tlb_cases);
