// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's random numbers (<tessera/random.h>): RDRAND (CPUID.1:ECX
 * bit 30), retried a few times as Intel advises for transient underflow,
 * else RDSEED (CPUID.7.0:EBX bit 18), else a splitmix64 of the TSC, the
 * monotonic clock and a counter, reported once.  QEMU's -cpu max has
 * both instructions.
 */
#define pr_fmt(fmt) "random: " fmt

#include <tessera/kernel.h>
#include <tessera/printk.h>
#include <tessera/random.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <asm/processor.h>

#define RANDOM_RETRIES	10

/* CPU features found at the first call: RNG_* bits, RNG_PROBED once known. */
#define RNG_RDRAND	1
#define RNG_RDSEED	2
#define RNG_PROBED	4
static int rng_have;

static inline u64 read_tsc(void)
{
	u32 lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

static bool rdrand64(u64 *v)
{
	bool ok;

	__asm__ __volatile__("rdrand %0" : "=r"(*v), "=@ccc"(ok));
	return ok;
}

static bool rdseed64(u64 *v)
{
	bool ok;

	__asm__ __volatile__("rdseed %0" : "=r"(*v), "=@ccc"(ok));
	return ok;
}

static int rng_probe(void)
{
	unsigned int a, b, c, d;
	int have = RNG_PROBED;

	cpuid(1, &a, &b, &c, &d);
	if (c & (1U << 30))
		have |= RNG_RDRAND;
	cpuid(0, &a, &b, &c, &d);
	if (a >= 7) {
		cpuid_count(7, 0, &a, &b, &c, &d);
		if (b & (1U << 18))
			have |= RNG_RDSEED;
	}
	if (!(have & (RNG_RDRAND | RNG_RDSEED)))
		pr_warn("no RDRAND/RDSEED: keys and AT_RANDOM come from a TSC-seeded generator, not a secret one\n");
	return have;
}

static int rng_features(void)
{
	int have = READ_ONCE(rng_have);

	if (!have) {
		have = rng_probe();
		WRITE_ONCE(rng_have, have);
	}
	return have;
}

static u64 soft_random(void)
{
	static u64 counter;
	u64 z = read_tsc() ^ ktime_get() ^
		__atomic_add_fetch(&counter, 0x9e3779b97f4a7c15ULL,
				   __ATOMIC_RELAXED);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

u64 get_random_u64(void)
{
	int have = rng_features();
	u64 v;

	for (int i = 0; (have & RNG_RDRAND) && i < RANDOM_RETRIES; i++)
		if (rdrand64(&v))
			return v;
	for (int i = 0; (have & RNG_RDSEED) && i < RANDOM_RETRIES; i++)
		if (rdseed64(&v))
			return v;
	if (have & (RNG_RDRAND | RNG_RDSEED))
		pr_warn_once("RDRAND/RDSEED failed %d times in a row; a TSC-seeded value instead\n",
			     RANDOM_RETRIES);
	return soft_random();
}

void get_random_bytes(void *buf, size_t len)
{
	u8 *p = buf;

	while (len) {
		u64 v = get_random_u64();
		size_t n = min_t(size_t, len, sizeof(v));

		memcpy(p, &v, n);
		p += n;
		len -= n;
	}
}

bool random_is_hardware(void)
{
	return rng_features() & (RNG_RDRAND | RNG_RDSEED);
}
