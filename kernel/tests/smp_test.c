/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SMP tests (suite "smp"): CPU discovery and bring-up, per-CPU identity,
 * cross-CPU function calls, TLB shootdown, IOAPIC routing with a real
 * device interrupt (the PIT), the vector allocator, MSI messages and the
 * NMI backtrace.  They pass on any number of CPUs (the harness boots
 * -smp 1, 2 and 4); cases that need a second CPU skip on one.  Every wait
 * is bounded, so a lost IPI fails a case instead of hanging the boot.
 */
#include <tessera/bitmap.h>
#include <tessera/errno.h>
#include <tessera/ipi.h>
#include <tessera/ktest.h>
#include <tessera/mm.h>
#include <tessera/percpu.h>
#include <tessera/preempt.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/smp.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/ioapic.h>
#include <asm/irqflags.h>
#include <asm/page.h>
#include <asm/pgtable.h>
#include <asm/portio.h>
#include <asm/traps.h>

#define WAIT_LIMIT_NS		(5 * NSEC_PER_SEC)
/* A corner of the vmalloc area nothing else maps (see arch/x86/mm/init.c). */
#define TEST_VA			(VMALLOC_START + (3UL << 40))
#define PATTERN_OLD		0xa5a5a5a5a5a5a5a5ULL
#define PATTERN_NEW		0x5a5a5a5a5a5a5a5aULL
#define PIT_HZ			1193182
#define PIT_CMD			0x43
#define PIT_CH0			0x40
#define PIT_ISA_IRQ		0

static unsigned int popcount64(u64 v)
{
	unsigned int n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

/* Another online CPU than the caller's, or NR_CPUS if there is none. */
static unsigned int other_online_cpu(void)
{
	unsigned int cpu, self;

	preempt_disable();
	self = smp_processor_id();
	preempt_enable();
	for_each_online_cpu(cpu) {
		if (cpu != self)
			return cpu;
	}
	return NR_CPUS;
}

static void all_cpus_online(struct ktest *t)
{
	unsigned int expected;

	if (!acpi_madt.valid)
		KT_SKIP(t, "no MADT: the CPU count is unknown");
	expected = min_t(unsigned int, acpi_madt.nr_cpus_enabled, NR_CPUS);
	printk("    # smp: MADT lists %u enabled CPUs, %u online (NR_CPUS %d)\n",
	       acpi_madt.nr_cpus_enabled, num_online_cpus(), NR_CPUS);
	KT_EXPECT_EQ(t, num_online_cpus(), expected);
	KT_EXPECT_EQ(t, popcount64(cpu_online_mask), num_online_cpus());
	KT_EXPECT_TRUE(t, cpu_online(0));
}

static void cpu_identity_is_distinct(struct ktest *t)
{
	unsigned int a, b;

	for_each_online_cpu(a) {
		KT_EXPECT_EQ(t, cpu_info[a].cpu, a);
		KT_EXPECT_TRUE(t, cpu_info[a].self == &cpu_info[a]);
		KT_EXPECT_TRUE(t, cpu_info[a].online);
		KT_EXPECT_NOT_NULL(t, cpu_info[a].curr_task);
		for_each_online_cpu(b) {
			if (b <= a)
				continue;
			KT_EXPECT_NE(t, cpu_info[a].apic_id,
				     cpu_info[b].apic_id);
			KT_EXPECT_NE(t, __per_cpu_offset[a],
				     __per_cpu_offset[b]);
		}
	}
}

struct where {
	unsigned int cpu;
	u32 apic_id;
	bool irqs_off;
	volatile int ran;
};

static void record_where(void *arg)
{
	struct where *w = arg;

	w->cpu = smp_processor_id();
	w->apic_id = apic_read_id();
	w->irqs_off = irqs_disabled();
	__atomic_store_n(&w->ran, 1, __ATOMIC_RELEASE);
}

static void call_single_runs_on_target(struct ktest *t)
{
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		struct where w = { .cpu = NR_CPUS };

		KT_EXPECT_EQ(t, smp_call_function_single(cpu, record_where,
							 &w, true), 0);
		KT_EXPECT_EQ(t, w.ran, 1);
		KT_EXPECT_EQ(t, w.cpu, cpu);
		KT_EXPECT_EQ(t, w.apic_id, cpu_info[cpu].apic_id);
		KT_EXPECT_TRUE(t, w.irqs_off);
	}
}

static void call_single_async_completes(struct ktest *t)
{
	unsigned int cpu;

	for_each_online_cpu(cpu) {
		static struct where w;
		u64 end = ktime_get() + WAIT_LIMIT_NS;

		memset(&w, 0, sizeof(w));
		w.cpu = NR_CPUS;
		KT_ASSERT_EQ(t, smp_call_function_single(cpu, record_where,
							 &w, false), 0);
		while (!__atomic_load_n(&w.ran, __ATOMIC_ACQUIRE) &&
		       ktime_get() < end)
			cpu_relax();
		KT_ASSERT_EQ(t, w.ran, 1);
		KT_EXPECT_EQ(t, w.cpu, cpu);
	}
}

static void never_called(void *arg)
{
	(*(volatile int *)arg)++;
}

static void call_to_offline_cpu_fails(struct ktest *t)
{
	volatile int calls = 0;
	unsigned int cpu, offline = NR_CPUS;

	KT_EXPECT_EQ(t, smp_call_function_single(NR_CPUS + 3, never_called,
						 (void *)&calls, true),
		     -ENXIO);
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		if (!cpu_online(cpu)) {
			offline = cpu;
			break;
		}
	}
	if (offline < NR_CPUS) {
		KT_EXPECT_EQ(t, smp_call_function_single(offline, never_called,
							 (void *)&calls, true),
			     -ENXIO);
		KT_EXPECT_EQ(t, smp_call_function_single(offline, never_called,
							 (void *)&calls, false),
			     -ENXIO);
	}
	KT_EXPECT_EQ(t, calls, 0);
	if (offline == NR_CPUS)
		KT_SKIP(t, "all NR_CPUS online: only an out-of-range CPU tried");
}

static void waiting_call_with_irqs_off_refused(struct ktest *t)
{
	volatile int calls = 0;
	unsigned int cpu = other_online_cpu();
	int ret;

	if (cpu == NR_CPUS)
		KT_SKIP(t, "needs a second CPU");
	local_irq_disable();
	ret = smp_call_function_single(cpu, never_called, (void *)&calls,
				       true);
	local_irq_enable();
	KT_EXPECT_EQ(t, ret, -EDEADLK);
	KT_EXPECT_EQ(t, calls, 0);
}

struct many_record {
	int calls;
	u64 cpus;
};

static void count_call(void *arg)
{
	struct many_record *r = arg;

	__atomic_fetch_add(&r->calls, 1, __ATOMIC_RELAXED);
	__atomic_fetch_or(&r->cpus, 1ULL << smp_processor_id(),
			  __ATOMIC_RELAXED);
}

static void call_many_reaches_every_other_cpu(struct ktest *t)
{
	struct many_record r = { 0 };
	unsigned int self;
	int ret;

	preempt_disable();
	self = smp_processor_id();
	ret = smp_call_function_many(~0ULL, count_call, &r, true);
	preempt_enable();
	KT_EXPECT_EQ(t, ret, 0);
	KT_EXPECT_EQ(t, r.calls, num_online_cpus() - 1);
	KT_EXPECT_EQ(t, r.cpus, cpu_online_mask & ~(1ULL << self));

	/* A mask of only the caller and offline CPUs: nothing runs. */
	memset(&r, 0, sizeof(r));
	preempt_disable();
	self = smp_processor_id();
	ret = smp_call_function_many((1ULL << self) | ~cpu_online_mask,
				     count_call, &r, true);
	preempt_enable();
	KT_EXPECT_EQ(t, ret, 0);
	KT_EXPECT_EQ(t, r.calls, 0);
}

static u64 tlb_seen[NR_CPUS];

static void read_test_va(void *arg)
{
	tlb_seen[smp_processor_id()] = READ_ONCE(*(volatile u64 *)TEST_VA);
}

static void read_on_every_cpu(struct ktest *t)
{
	unsigned int cpu;

	memset(tlb_seen, 0, sizeof(tlb_seen));
	for_each_online_cpu(cpu)
		KT_EXPECT_EQ(t, smp_call_function_single(cpu, read_test_va,
							 NULL, true), 0);
}

static void tlb_shootdown_reaches_every_cpu(struct ktest *t)
{
	struct page *old_page, *new_page;
	phys_addr_t old_pa, new_pa;
	unsigned int cpu;
	pte_t *pte;
	int level = 0;

	old_page = alloc_page(GFP_KERNEL);
	new_page = alloc_page(GFP_KERNEL);
	if (!old_page || !new_page)
		goto free;
	old_pa = PFN_PHYS(page_to_pfn(old_page));
	new_pa = PFN_PHYS(page_to_pfn(new_page));
	*(u64 *)__va(old_pa) = PATTERN_OLD;
	*(u64 *)__va(new_pa) = PATTERN_NEW;

	pte = lookup_kernel_pte(TEST_VA, &level);
	if (pte) {
		KT_FAIL(t, "test address %#lx already mapped", TEST_VA);
		goto free;
	}
	if (kernel_map_pages(TEST_VA, old_pa, PAGE_SIZE, PAGE_KERNEL)) {
		KT_FAIL(t, "cannot map the test address %#lx", TEST_VA);
		goto free;
	}
	pte = lookup_kernel_pte(TEST_VA, &level);
	if (!pte || level != 1) {
		KT_FAIL(t, "no 4K PTE for the test mapping (level %d)", level);
		goto free;
	}

	/* Every CPU caches the old translation... */
	read_on_every_cpu(t);
	for_each_online_cpu(cpu)
		KT_EXPECT_EQ(t, tlb_seen[cpu], PATTERN_OLD);

	/* ...then the PTE moves and only the shootdown tells them. */
	WRITE_ONCE(*pte, (*pte & ~PTE_ADDR_MASK) | new_pa);
	flush_tlb_kernel_range(TEST_VA, TEST_VA + PAGE_SIZE);
	read_on_every_cpu(t);
	for_each_online_cpu(cpu)
		KT_EXPECT_EQ(t, tlb_seen[cpu], PATTERN_NEW);

	WRITE_ONCE(*pte, 0);
	flush_tlb_kernel_range(TEST_VA, TEST_VA + PAGE_SIZE);
	KT_EXPECT_FALSE(t, kernel_addr_mapped(TEST_VA));
free:
	if (!old_page || !new_page)
		KT_FAIL(t, "no pages for the test");
	if (old_page)
		__free_page(old_page);
	if (new_page)
		__free_page(new_page);
}

static void read_stack_word(void *arg)
{
	READ_ONCE(*(volatile unsigned long *)arg);
}

/*
 * free_kernel_stack(): the stack is unmapped (after every CPU cached its
 * translation), its pages are back in the buddy allocator, and the next
 * stack of the same size gets the same address range.
 */
static void kernel_stack_free_unmaps_and_reuses(struct ktest *t)
{
	u64 before = nr_free_pages(), allocated;
	unsigned long *s, *again;

	s = alloc_kernel_stack(THREAD_SIZE);
	KT_ASSERT_TRUE(t, s != NULL);
	allocated = nr_free_pages();
	KT_EXPECT_LE(t, allocated, before - THREAD_SIZE / PAGE_SIZE);
	memset(s, 0x5a, THREAD_SIZE);
	read_stack_word(s);
	KT_EXPECT_EQ(t, smp_call_function_many(~0ULL, read_stack_word, s,
					       true), 0);
	free_kernel_stack(s, THREAD_SIZE);
	KT_EXPECT_FALSE(t, kernel_addr_mapped((unsigned long)s));
	KT_EXPECT_FALSE(t, kernel_addr_mapped((unsigned long)s + THREAD_SIZE -
					      PAGE_SIZE));
	/* One page of slack: the slot's record may start a new slab. */
	KT_EXPECT_GE(t, nr_free_pages() + 1,
		     allocated + THREAD_SIZE / PAGE_SIZE);

	again = alloc_kernel_stack(THREAD_SIZE);
	KT_ASSERT_TRUE(t, again != NULL);
	KT_EXPECT_EQ(t, (unsigned long)again, (unsigned long)s);
	free_kernel_stack(again, THREAD_SIZE);
}

static void irq_vectors_distinct_and_exhaustible(struct ktest *t)
{
	DECLARE_BITMAP(got, 256);
	unsigned int n = 0, v;
	int vec, again;

	bitmap_zero(got, 256);
	for (;;) {
		vec = irq_alloc_vector();
		if (vec < 0)
			break;
		KT_EXPECT_GE(t, vec, IRQ_VECTOR_FIRST);
		KT_EXPECT_LE(t, vec, IRQ_VECTOR_LAST);
		KT_EXPECT_NE(t, vec, LOCAL_TIMER_VECTOR);
		KT_EXPECT_FALSE(t, test_bit(vec, got));
		if (vec < IRQ_VECTOR_FIRST || vec > IRQ_VECTOR_LAST ||
		    test_bit(vec, got) || ++n > 256)
			break;
		__set_bit(vec, got);
	}
	KT_EXPECT_EQ(t, vec, -ENOSPC);
	KT_EXPECT_GT(t, n, 0);
	/* The range minus the timer vector bounds what can be handed out. */
	KT_EXPECT_LE(t, n, IRQ_VECTOR_LAST - IRQ_VECTOR_FIRST);

	v = find_first_bit(got, 256);
	if (v < 256) {
		irq_free_vector(v);
		again = irq_alloc_vector();
		KT_EXPECT_EQ(t, again, (int)v);
		KT_EXPECT_EQ(t, irq_alloc_vector(), -ENOSPC);
	}
	for_each_set_bit(v, got, 256)
		irq_free_vector(v);
	vec = irq_alloc_vector();
	KT_EXPECT_GE(t, vec, IRQ_VECTOR_FIRST);
	if (vec >= 0)
		irq_free_vector(vec);
}

static void msi_message_fields(struct ktest *t)
{
	unsigned int cpu;
	u64 addr;
	u32 data;

	for_each_online_cpu(cpu) {
		addr = 0;
		data = 0;
		KT_EXPECT_EQ(t, msi_compose_msg(cpu, 0x41, &addr, &data), 0);
		KT_EXPECT_EQ(t, addr, 0xfee00000ULL |
				      ((u64)cpu_info[cpu].apic_id << 12));
		KT_EXPECT_EQ(t, data, 0x41);
	}
	KT_EXPECT_EQ(t, msi_compose_msg(0, 0x10, &addr, &data), -EINVAL);
	KT_EXPECT_EQ(t, msi_compose_msg(NR_CPUS + 1, 0x41, &addr, &data),
		     -ENXIO);
}

static void isa_irq_overrides(struct ktest *t)
{
	unsigned int i, irq;

	KT_EXPECT_EQ(t, ioapic_isa_irq_to_gsi(16), -EINVAL);
	for (irq = 0; irq < 16; irq++) {
		int want = irq;

		for (i = 0; i < acpi_madt.nr_overrides; i++) {
			if (acpi_madt.overrides[i].isa_irq == irq)
				want = acpi_madt.overrides[i].gsi;
		}
		KT_EXPECT_EQ(t, ioapic_isa_irq_to_gsi(irq), want);
	}
	KT_EXPECT_EQ(t, ioapic_route_irq(100000, 0x40, 0, false, false),
		     -ENODEV);
	KT_EXPECT_EQ(t, ioapic_route_irq(0, 0x40, NR_CPUS + 1, false, false),
		     -ENXIO);
	KT_EXPECT_EQ(t, ioapic_mask(100000), -ENODEV);
}

static volatile int pit_ticks;
static volatile int pit_wrong_cpu;
static unsigned int pit_target;

static void pit_interrupt(struct pt_regs *regs, unsigned int vector)
{
	if (smp_processor_id() != pit_target)
		pit_wrong_cpu++;
	pit_ticks++;
	apic_eoi();
}

/*
 * A real device interrupt through the IOAPIC: the PIT (ISA IRQ 0, which
 * the MADT usually overrides to GSI 2) at 100 Hz, routed to the last
 * online CPU.
 */
static void ioapic_delivers_pit_to_target(struct ktest *t)
{
	unsigned int divisor = PIT_HZ / 100, cpu;
	bool level, active_low;
	u64 end;
	int gsi, vec;

	if (!ioapic_nr_pins())
		KT_SKIP(t, "no IOAPIC");
	gsi = ioapic_isa_irq_to_gsi(PIT_ISA_IRQ);
	KT_ASSERT_GE(t, gsi, 0);
	KT_ASSERT_EQ(t, ioapic_isa_irq_mode(PIT_ISA_IRQ, &level, &active_low),
		     0);
	vec = irq_alloc_vector();
	KT_ASSERT_GE(t, vec, IRQ_VECTOR_FIRST);
	pit_target = 0;
	for_each_online_cpu(cpu)
		pit_target = cpu;
	pit_ticks = 0;
	pit_wrong_cpu = 0;
	if (idt_set_irq_handler(vec, pit_interrupt)) {
		KT_FAIL(t, "vector %d taken", vec);
		goto free_vector;
	}
	KT_EXPECT_EQ(t, ioapic_route_irq(gsi, vec, pit_target, level,
					 active_low), 0);
	/* Channel 0, lo/hi byte, mode 2 (rate generator). */
	outb(0x34, PIT_CMD);
	outb(divisor & 0xff, PIT_CH0);
	outb(divisor >> 8, PIT_CH0);
	KT_EXPECT_EQ(t, ioapic_unmask(gsi), 0);

	end = ktime_get() + WAIT_LIMIT_NS;
	while (READ_ONCE(pit_ticks) < 5 && ktime_get() < end)
		msleep(10);
	ioapic_mask(gsi);
	/* Mode 0 with no count written: the PIT stays quiet. */
	outb(0x30, PIT_CMD);

	KT_EXPECT_GE(t, pit_ticks, 5);
	KT_EXPECT_EQ(t, pit_wrong_cpu, 0);
	idt_clear_irq_handler(vec);
free_vector:
	irq_free_vector(vec);
}

static void nmi_backtrace_reaches_every_cpu(struct ktest *t)
{
	if (num_online_cpus() < 2)
		KT_SKIP(t, "needs a second CPU");
	KT_EXPECT_EQ(t, trigger_all_cpu_backtrace(), 0);
}

static struct ktest_case smp_cases[] = {
	KTEST_CASE(all_cpus_online),
	KTEST_CASE(cpu_identity_is_distinct),
	KTEST_CASE(call_single_runs_on_target),
	KTEST_CASE(call_single_async_completes),
	KTEST_CASE(call_to_offline_cpu_fails),
	KTEST_CASE(waiting_call_with_irqs_off_refused),
	KTEST_CASE(call_many_reaches_every_other_cpu),
	KTEST_CASE(tlb_shootdown_reaches_every_cpu),
	KTEST_CASE(kernel_stack_free_unmaps_and_reuses),
	KTEST_CASE(irq_vectors_distinct_and_exhaustible),
	KTEST_CASE(msi_message_fields),
	KTEST_CASE(isa_irq_overrides),
	KTEST_CASE(ioapic_delivers_pit_to_target),
	KTEST_CASE(nmi_backtrace_reaches_every_cpu),
	{}
};
KTEST_SUITE(smp, smp_cases);
