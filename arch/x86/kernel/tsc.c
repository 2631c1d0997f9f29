/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The time base: the TSC, calibrated against PIT channel 2 at boot.
 *
 * ktime_get() turns TSC cycles since calibration into nanoseconds with a
 * 32.32 fixed-point multiplier, so it is cheap enough for every printk
 * timestamp.  Calibration gates channel 2 for ~10 ms three times and keeps
 * the shortest TSC delta (the one least disturbed by the host: under TCG a
 * whole VM can be descheduled).  The PIT wait is bounded so a missing PIT
 * cannot hang boot; then we fall back to CPUID leaf 0x16 or a guess, and say so.
 */
#include <tessera/errno.h>
#include <tessera/printk.h>
#include <tessera/time.h>
#include <asm/irqflags.h>
#include <asm/portio.h>
#include <asm/processor.h>

#define PIT_HZ		1193182ULL
#define PIT_CH2		0x42
#define PIT_CMD		0x43
#define PIT_GATE	0x61
#define CALIBRATE_MS	10

u64 tsc_khz;
static u64 tsc_base;
static u64 tsc_mult;		/* ns per cycle, 32.32 fixed point */

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

/* TSC cycles during one ~CALIBRATE_MS PIT countdown; 0 if the PIT is dead. */
static u64 pit_measure_tsc(void)
{
	u64 latch = PIT_HZ * CALIBRATE_MS / 1000;
	u64 t0, t1, spins = 0;

	/* Gate on, speaker off; channel 2, lo/hi byte, mode 0, binary. */
	outb((inb(PIT_GATE) & ~0x02) | 0x01, PIT_GATE);
	outb(0xb0, PIT_CMD);
	outb(latch & 0xff, PIT_CH2);
	outb(latch >> 8, PIT_CH2);

	t0 = rdtsc();
	while (!(inb(PIT_GATE) & 0x20)) {
		if (++spins > 50000000)
			return 0;
	}
	t1 = rdtsc();
	return t1 - t0;
}

int tsc_init(void)
{
	unsigned long flags;
	u64 best = ~0ULL;
	const char *how = "PIT";

	local_irq_save(flags);
	for (int i = 0; i < 3; i++) {
		u64 d = pit_measure_tsc();

		if (d && d < best)
			best = d;
	}
	local_irq_restore(flags);

	if (best != ~0ULL) {
		tsc_khz = best / CALIBRATE_MS;
	} else {
		unsigned int a, b, c, d;

		cpuid(0, &a, &b, &c, &d);
		if (a >= 0x16) {
			cpuid(0x16, &a, &b, &c, &d);
			tsc_khz = (u64)(a & 0xffff) * 1000;
			how = "CPUID 0x16";
		}
		if (!tsc_khz) {
			tsc_khz = 1000000;
			how = "a guess (no PIT, no CPUID 0x16)";
		}
	}
	tsc_mult = (NSEC_PER_MSEC << 32) / tsc_khz;
	tsc_base = rdtsc();
	pr_info("tsc: %llu.%03llu MHz, calibrated by %s\n",
		(unsigned long long)(tsc_khz / 1000),
		(unsigned long long)(tsc_khz % 1000), how);
	return 0;
}

ktime_t ktime_get(void)
{
	u64 delta;

	if (!tsc_mult)
		return 0;
	delta = rdtsc() - tsc_base;
	return (u64)(((unsigned __int128)delta * tsc_mult) >> 32);
}

void ndelay(u64 ns)
{
	ktime_t end = ktime_get() + ns;

	if (!tsc_mult) {
		/* Before calibration: roughly 1 ns per iteration is plenty. */
		for (volatile u64 i = 0; i < ns; i++)
			;
		return;
	}
	while (ktime_get() < end)
		cpu_relax();
}

void udelay(u64 us)
{
	ndelay(us * NSEC_PER_USEC);
}

void mdelay(u64 ms)
{
	ndelay(ms * NSEC_PER_MSEC);
}
