/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vDSO's functions: clock_gettime, gettimeofday, time, clock_getres
 * and getcpu answered in user mode from the vvar page the kernel keeps
 * (asm/vdso_data.h), with the syscall as the fallback for what the page
 * cannot answer (the CPU-time clocks, clock ids the kernel refuses, a
 * page without a calibrated TSC).  The answers are the syscalls' own
 * (managers/processor/sys_misc.c): same clocks, same formula.
 *
 * Built as a position-independent shared object with no relocations
 * (the Makefile checks), linked by vdso.lds and exported under the
 * version LINUX_2.6 as Linux names them, so that glibc (and anything
 * else that parses AT_SYSINFO_EHDR) finds them.  No data or bss: the
 * only writable state a process could reach would be shared by every
 * process on the node.
 */
#include <asm/vdso_data.h>
#include <uapi/time.h>
#include <uapi/unistd_64.h>

#define NSEC_PER_SEC	1000000000ULL

/*
 * The vvar page: one page below the ELF header (__ehdr_start, which the
 * linker defines), found PC-relative.  In asm, because C may not point
 * below an object it knows.
 */
__asm__(".hidden __ehdr_start");

static inline const volatile struct vdso_data *vvar(void)
{
	const volatile struct vdso_data *p;

	__asm__("lea __ehdr_start-4096(%%rip), %0" : "=r"(p));
	return p;
}

static inline long vsyscall2(long nr, long a, long b)
{
	long ret;

	__asm__ __volatile__("syscall"
			     : "=a"(ret)
			     : "0"(nr), "D"(a), "S"(b)
			     : "rcx", "r11", "memory");
	return ret;
}

static inline unsigned long long rdtsc_ordered(void)
{
	unsigned int lo, hi;

	/* Not before the loads of the page it is combined with. */
	__asm__ __volatile__("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
	return ((unsigned long long)hi << 32) | lo;
}

/*
 * CLOCK_MONOTONIC in ns into *@mono and the realtime offset into *@rt;
 * 0, or -1 when the page has no calibrated TSC.
 */
static int vdso_read(unsigned long long *mono, unsigned long long *rt)
{
	const volatile struct vdso_data *vd = vvar();
	unsigned long long delta, base, mult, off;
	unsigned int seq;

	for (;;) {
		seq = vd->seq;
		if (seq & 1) {
			__asm__ __volatile__("pause" ::: "memory");
			continue;
		}
		__asm__ __volatile__("" ::: "memory");
		if (!(vd->flags & VDSO_CLOCK_TSC))
			return -1;
		base = vd->tsc_base;
		mult = vd->tsc_mult;
		off = vd->realtime_base;
		delta = rdtsc_ordered() - base;
		__asm__ __volatile__("" ::: "memory");
		if (vd->seq == seq)
			break;
	}
	*mono = (unsigned long long)(((unsigned __int128)delta * mult) >> 32);
	*rt = off;
	return 0;
}

/* The ns of @clock, or -1: the syscall answers it. */
static long long clock_ns(long clock)
{
	unsigned long long mono, rt;

	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		break;
	default:
		return -1;
	}
	if (vdso_read(&mono, &rt))
		return -1;
	if (clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE)
		mono += rt;
	return (long long)mono;
}

int __vdso_clock_gettime(long clock, struct uapi_timespec *ts)
{
	long long ns = clock_ns(clock);

	if (ns < 0)
		return vsyscall2(__NR_clock_gettime, clock, (long)ts);
	ts->tv_sec = ns / NSEC_PER_SEC;
	ts->tv_nsec = ns % NSEC_PER_SEC;
	return 0;
}
int clock_gettime(long, struct uapi_timespec *)
	__attribute__((weak, alias("__vdso_clock_gettime")));

/* struct timezone: always zero here, as the syscall's. */
struct vdso_timezone {
	int tz_minuteswest;
	int tz_dsttime;
};

int __vdso_gettimeofday(struct uapi_timeval *tv, struct vdso_timezone *tz)
{
	long long ns;

	if (tv) {
		ns = clock_ns(CLOCK_REALTIME);
		if (ns < 0)
			return vsyscall2(__NR_gettimeofday, (long)tv,
					 (long)tz);
		tv->tv_sec = ns / NSEC_PER_SEC;
		tv->tv_usec = (ns % NSEC_PER_SEC) / 1000;
	}
	if (tz) {
		tz->tz_minuteswest = 0;
		tz->tz_dsttime = 0;
	}
	return 0;
}
int gettimeofday(struct uapi_timeval *, struct vdso_timezone *)
	__attribute__((weak, alias("__vdso_gettimeofday")));

long __vdso_time(long *tloc)
{
	long long ns = clock_ns(CLOCK_REALTIME);
	long sec;

	if (ns < 0)
		return vsyscall2(__NR_time, (long)tloc, 0);
	sec = ns / NSEC_PER_SEC;
	if (tloc)
		*tloc = sec;
	return sec;
}
long time(long *) __attribute__((weak, alias("__vdso_time")));

/* Every clock the kernel knows ticks in nanoseconds (sys_misc.c). */
int __vdso_clock_getres(long clock, struct uapi_timespec *res)
{
	if (clock < CLOCK_REALTIME || clock > CLOCK_BOOTTIME)
		return vsyscall2(__NR_clock_getres, clock, (long)res);
	if (res) {
		res->tv_sec = 0;
		res->tv_nsec = 1;
	}
	return 0;
}
int clock_getres(long, struct uapi_timespec *)
	__attribute__((weak, alias("__vdso_clock_getres")));

/* The node is always 0: the processor is one NUMA node. */
long __vdso_getcpu(unsigned int *cpu, unsigned int *node, void *unused)
{
	unsigned int lo, hi, aux;

	if (!(vvar()->flags & VDSO_GETCPU_RDTSCP))
		return vsyscall2(__NR_getcpu, (long)cpu, (long)node);
	__asm__ __volatile__("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
	if (cpu)
		*cpu = aux & 0xfff;
	if (node)
		*node = 0;
	return 0;
}
long getcpu(unsigned int *, unsigned int *, void *)
	__attribute__((weak, alias("__vdso_getcpu")));
