/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The time base: the TSC, calibrated against PIT channel 2 at boot.
 *
 * ktime_get() turns TSC cycles since calibration into nanoseconds with a
 * 32.32 fixed-point multiplier, so it is cheap enough for every printk
 * timestamp.
 *
 * Calibration reads channel 2's count (a latch command) between two TSC
 * reads, once near the start of a ~25 ms countdown and once near its end:
 * count ticks against TSC cycles between the two readings.  A reading's
 * error is only the width of its bracket, so of a few readings in a row
 * the narrowest is kept.  Waiting for the countdown's end instead (as this
 * file did) adds however long the vCPU was descheduled before it saw the
 * end: under TCG on a loaded host that made three nodes of one cluster
 * calibrate the same host TSC at 3452, 4178 and 5055 MHz, and their clocks
 * ran up to 1.5x slow.  Up to three tries; the one with the smallest
 * error bound wins, and the bound is logged.  The PIT waits are bounded
 * so a missing PIT cannot hang boot; then we fall back to CPUID leaf 0x16
 * or a guess, and say so.
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
#define CALIBRATE_MS	25

u64 tsc_khz;
static u64 tsc_base;
static u64 tsc_mult;		/* ns per cycle, 32.32 fixed point */

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

#define PIT_SPIN_MAX	50000000
#define PIT_READINGS	8

struct pit_reading {
	u64 tsc;		/* the bracket's midpoint */
	u64 width;		/* TSC cycles between the two reads */
	u16 count;
};

/* Channel 2's count, latched. */
static u16 pit_count(void)
{
	u8 lo, hi;

	outb(0x80, PIT_CMD);		/* channel 2, latch */
	lo = inb(PIT_CH2);
	hi = inb(PIT_CH2);
	return lo | (u16)hi << 8;
}

/* The narrowest of PIT_READINGS bracketed readings of the count. */
static struct pit_reading pit_read(void)
{
	struct pit_reading best = { .width = ~0ULL };

	for (int i = 0; i < PIT_READINGS; i++) {
		u64 t0 = rdtsc();
		u16 c = pit_count();
		u64 t1 = rdtsc();

		if (t1 - t0 < best.width) {
			best.width = t1 - t0;
			best.tsc = t0 + (t1 - t0) / 2;
			best.count = c;
		}
	}
	return best;
}

/*
 * One calibration: TSC kHz, with *@err_ppm its error bound in parts per
 * million; 0 if the PIT does not count.
 */
static u64 pit_calibrate(u64 *err_ppm)
{
	u64 latch = 0xffff, ticks_min = PIT_HZ * CALIBRATE_MS / 1000;
	struct pit_reading a, b;
	u64 spins = 0, cycles, ticks;

	/* Gate on, speaker off; channel 2, lo/hi byte, mode 0, binary. */
	outb((inb(PIT_GATE) & ~0x02) | 0x01, PIT_GATE);
	outb(0xb0, PIT_CMD);
	outb(latch & 0xff, PIT_CH2);
	outb(latch >> 8, PIT_CH2);

	/* The count starts at the next PIT clock: wait until it moved. */
	while (pit_count() >= latch - 1)
		if (++spins > PIT_SPIN_MAX)
			return 0;
	a = pit_read();
	/* ~CALIBRATE_MS of ticks, well before the 55 ms wrap. */
	while ((u64)(a.count - pit_count()) < ticks_min)
		if (++spins > PIT_SPIN_MAX)
			return 0;
	b = pit_read();
	if (b.count >= a.count)
		return 0;			/* wrapped: no answer */
	ticks = a.count - b.count;
	cycles = b.tsc - a.tsc;
	/* Bracket widths over the interval, plus one tick of the count. */
	*err_ppm = (a.width + b.width) * 1000000 / cycles +
		   1000000 / ticks;
	return cycles * PIT_HZ / (ticks * 1000);
}

int tsc_init(void)
{
	unsigned long flags;
	u64 best = 0, best_err = ~0ULL;
	const char *how = "PIT";

	local_irq_save(flags);
	for (int i = 0; i < 3 && best_err > 100; i++) {
		u64 err, khz = pit_calibrate(&err);

		if (khz && err < best_err) {
			best = khz;
			best_err = err;
		}
	}
	local_irq_restore(flags);

	if (best) {
		tsc_khz = best;
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
	if (best)
		pr_info("tsc: %llu.%03llu MHz, calibrated by the PIT (error bound %llu ppm)\n",
			(unsigned long long)(tsc_khz / 1000),
			(unsigned long long)(tsc_khz % 1000),
			(unsigned long long)best_err);
	else
		pr_info("tsc: %llu.%03llu MHz, calibrated by %s\n",
			(unsigned long long)(tsc_khz / 1000),
			(unsigned long long)(tsc_khz % 1000), how);
	return 0;
}

bool tsc_clock_params(u64 *base, u64 *mult)
{
	*base = tsc_base;
	*mult = tsc_mult;
	return tsc_mult != 0;
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
