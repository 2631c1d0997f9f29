/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Local APIC: enable it, silence the legacy 8259 PICs, and run the
 * periodic timer at HZ on LOCAL_TIMER_VECTOR.
 *
 * The timer tick advances jiffies, runs the CPU's timers and wakes halted
 * CPUs; an idle node sits in HLT between ticks.  jiffies count the tick
 * periods of TSC time since the timer started, not the ticks taken: a
 * virtual CPU that is not scheduled for a while (QEMU/TCG on a busy
 * host) or that runs with interrupts off loses ticks, and a count of
 * ticks would fall behind real time, stretching every timeout (FIT's
 * death bound among them) by as much.  Every CPU's tick raises jiffies
 * to that period count, so jiffies also advance while CPU 0 is not
 * running.  The timer is calibrated against the TSC
 * (already calibrated by tsc.c) with the divider at 16.  xAPIC MMIO mode
 * (QEMU's TCG has no x2APIC); the register page is mapped uncached.
 */
#include <tessera/errno.h>
#include <tessera/printk.h>
#include <tessera/percpu.h>
#include <tessera/profile.h>
#include <tessera/sched.h>
#include <tessera/smp.h>
#include <tessera/time.h>
#include <tessera/timer.h>
#include <tessera/watchdog.h>
#include <asm/apic.h>
#include <asm/io.h>
#include <asm/irqflags.h>
#include <asm/msr.h>
#include <asm/pgtable.h>
#include <asm/portio.h>
#include <asm/traps.h>
#include <asm/desc.h>

#define APIC_ID		0x020
#define APIC_VERSION	0x030
#define APIC_TPR	0x080
#define APIC_EOI	0x0b0
#define APIC_SVR	0x0f0
#define APIC_LVT_TIMER	0x320
#define APIC_LVT_LINT0	0x350
#define APIC_LVT_LINT1	0x360
#define APIC_LVT_ERROR	0x370
#define APIC_ICR_LOW	0x300
#define APIC_ICR_HIGH	0x310
#define APIC_TIMER_INIT	0x380
#define APIC_TIMER_CUR	0x390
#define APIC_TIMER_DIV	0x3e0

#define APIC_SVR_ENABLE		0x100
#define APIC_LVT_MASKED		(1U << 16)
#define APIC_TIMER_PERIODIC	(1U << 17)
#define APIC_DIV_16		0x3
#define APIC_BASE_ENABLE	(1ULL << 11)
#define APIC_ICR_BUSY		(1U << 12)

volatile u64 jiffies;
static volatile u32 *apic_regs;
static u32 apic_ticks_per_jiffy;

static inline u32 apic_read(u32 reg)
{
	return readl((volatile u8 *)apic_regs + reg);
}

static inline void apic_write(u32 reg, u32 val)
{
	writel(val, (volatile u8 *)apic_regs + reg);
}

void apic_eoi(void)
{
	if (apic_regs)
		apic_write(APIC_EOI, 0);
}

static void pic_disable(void)
{
	/* Remap both 8259s above the exceptions, then mask every line. */
	outb(0x11, 0x20);
	outb(0x11, 0xa0);
	outb(0x20, 0x21);
	outb(0x28, 0xa1);
	outb(0x04, 0x21);
	outb(0x02, 0xa1);
	outb(0x01, 0x21);
	outb(0x01, 0xa1);
	outb(0xff, 0x21);
	outb(0xff, 0xa1);
}

static u64 jiffies_base_ns;	/* ktime at jiffies 0; 0: no timer yet */
static u64 jiffies_blind;	/* tick periods no CPU raised jiffies in */

u64 jiffies_blind_ticks(void)
{
	return __atomic_load_n(&jiffies_blind, __ATOMIC_RELAXED);
}

/*
 * Raise jiffies to the tick periods elapsed; never lower them.  A raise
 * by more than one period means that no CPU took a tick (or read the
 * clock here) for the periods between: the node was not running, or ran
 * with interrupts off everywhere.  They are counted in jiffies_blind.
 */
u64 jiffies_catch_up(void)
{
	u64 base = READ_ONCE(jiffies_base_ns);
	u64 cur = __atomic_load_n(&jiffies, __ATOMIC_RELAXED);
	s64 since;
	u64 target;

	if (!base)
		return cur;
	since = (s64)(ktime_get() - base);
	target = since > 0 ? (u64)since / TICK_NSEC : 0;
	while (target > cur &&
	       !__atomic_compare_exchange_n(&jiffies, &cur, target, false,
					    __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED))
		;
	if (target > cur + 1)	/* we raised it, from cur */
		__atomic_fetch_add(&jiffies_blind, target - cur - 1,
				   __ATOMIC_RELAXED);
	return target > cur ? target : cur;
}

static void apic_timer_interrupt(struct pt_regs *regs, unsigned int vector)
{
	jiffies_catch_up();
	apic_eoi();
	profile_tick(regs);
	run_local_timers();
	scheduler_tick(user_mode(regs));
	watchdog_tick(regs);
}

static void apic_spurious_interrupt(struct pt_regs *regs, unsigned int vector)
{
	/* No EOI for spurious interrupts (SDM 10.9). */
}

static void reschedule_interrupt(struct pt_regs *regs, unsigned int vector)
{
	/* The switch itself happens on the way out (idt_dispatch). */
	apic_eoi();
}

u32 apic_read_id(void)
{
	return apic_read(APIC_ID) >> 24;
}

int apic_send_ipi(u32 apic_id, u8 vector, u32 mode)
{
	unsigned long flags;
	unsigned int spins = 0;

	if (!apic_regs)
		return -ENODEV;
	local_irq_save(flags);
	while (apic_read(APIC_ICR_LOW) & APIC_ICR_BUSY) {
		if (++spins > 1000000) {
			local_irq_restore(flags);
			pr_err_once("apic: ICR stuck busy; IPI to %u dropped\n",
				    apic_id);
			return -EIO;
		}
		cpu_relax();
	}
	apic_write(APIC_ICR_HIGH, apic_id << 24);
	apic_write(APIC_ICR_LOW, mode | vector);
	local_irq_restore(flags);
	return 0;
}

void smp_send_reschedule(unsigned int cpu)
{
	if (!cpu_online(cpu)) {
		pr_warn_once("apic: reschedule IPI to offline CPU %u ignored\n",
			     cpu);
		return;
	}
	apic_send_ipi(cpu_info[cpu].apic_id, RESCHEDULE_VECTOR, APIC_DM_FIXED);
}

/* Program this CPU's LAPIC: enable, mask LINTs, start the periodic tick. */
void apic_setup_cpu(void)
{
	apic_write(APIC_SVR, APIC_SVR_ENABLE | SPURIOUS_APIC_VECTOR);
	apic_write(APIC_TPR, 0);
	apic_write(APIC_LVT_LINT0, APIC_LVT_MASKED);
	apic_write(APIC_LVT_LINT1, APIC_LVT_MASKED);
	apic_write(APIC_LVT_ERROR, APIC_LVT_MASKED);
	apic_write(APIC_TIMER_DIV, APIC_DIV_16);
	apic_write(APIC_LVT_TIMER, APIC_TIMER_PERIODIC | LOCAL_TIMER_VECTOR);
	apic_write(APIC_TIMER_INIT, apic_ticks_per_jiffy);
}

int apic_timer_init(void)
{
	u64 base = rdmsr(MSR_IA32_APICBASE);
	phys_addr_t pa = base & 0xffffff000ULL;
	u64 t0;
	u32 elapsed;
	int ret;

	pic_disable();
	if (!(base & APIC_BASE_ENABLE))
		wrmsr(MSR_IA32_APICBASE, base | APIC_BASE_ENABLE);
	apic_regs = ioremap(pa, PAGE_SIZE);
	if (!apic_regs) {
		pr_err("apic: cannot map the local APIC at %#llx\n",
		       (unsigned long long)pa);
		return -ENOMEM;
	}

	ret = idt_set_irq_handler(LOCAL_TIMER_VECTOR, apic_timer_interrupt);
	if (!ret)
		ret = idt_set_irq_handler(SPURIOUS_APIC_VECTOR,
					  apic_spurious_interrupt);
	if (!ret)
		ret = idt_set_irq_handler(RESCHEDULE_VECTOR,
					  reschedule_interrupt);
	if (ret) {
		pr_err("apic: cannot install interrupt handlers: %d\n", ret);
		return ret;
	}
	cpu_info[0].apic_id = apic_read_id();

	apic_write(APIC_SVR, APIC_SVR_ENABLE | SPURIOUS_APIC_VECTOR);
	/* Count down from the top for 10 ms of TSC time. */
	apic_write(APIC_TIMER_DIV, APIC_DIV_16);
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | LOCAL_TIMER_VECTOR);
	apic_write(APIC_TIMER_INIT, 0xffffffff);
	t0 = ktime_get();
	while (ktime_get() - t0 < 10 * NSEC_PER_MSEC)
		cpu_relax();
	elapsed = 0xffffffff - apic_read(APIC_TIMER_CUR);
	apic_write(APIC_TIMER_INIT, 0);

	apic_ticks_per_jiffy = (u32)((u64)elapsed * 100 / HZ);
	if (!apic_ticks_per_jiffy)
		apic_ticks_per_jiffy = 1;
	jiffies_base_ns = ktime_get() - jiffies * TICK_NSEC;
	apic_setup_cpu();
	pr_info("apic: id %u, timer %u Hz (%u bus ticks/16 per tick)\n",
		apic_read_id(), HZ, apic_ticks_per_jiffy);
	return 0;
}
