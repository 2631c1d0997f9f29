/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small system calls: arch_prctl, uname, getrandom, clocks and sleeps,
 * user ids, sched_yield; and the CLOCK_REALTIME base.  Limits, usage,
 * umask and prctl are in sys_resource.c, affinity and policies in
 * sys_sched.c, signals in signal.c.
 *
 * A sleep ends early for a signal (signal_pending()): nanosleep and a
 * relative clock_nanosleep report the time left, and -EINTR once a
 * handler ran (-ERESTARTNOHAND: restarted when none did).
 * uname reports Linux 6.1.0, a release static glibc 2.36 accepts.
 * Every process runs as root (uid 0).
 */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/printk.h>
#include <tessera/random.h>
#include <tessera/sched.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <tessera/timer.h>
#include <uapi/resource.h>
#include <uapi/signal.h>
#include <uapi/time.h>
#include <uapi/utsname.h>
#include <asm/portio.h>
#include <asm/processor.h>

#include "internal.h"

#define GETRANDOM_MAX		(32 * 1024 * 1024)

/* ------------------------------------------------------------ arch_prctl */

SYSCALL_DECLARE(arch_prctl)
{
	struct user_context *uc = current_user_context();
	unsigned long addr = regs->rsi;

	switch (regs->rdi) {
	case ARCH_SET_FS:
		if (addr >= USER_ADDR_END)
			return -EPERM;
		user_set_fs_base(addr);
		return 0;
	case ARCH_SET_GS:
		/* Never a kernel address: entry code relies on it. */
		if (addr >= USER_ADDR_END)
			return -EPERM;
		user_set_gs_base(addr);
		return 0;
	case ARCH_GET_FS:
		return put_user_u64(uc->fs_base, (u64 __user *)addr);
	case ARCH_GET_GS:
		return put_user_u64(uc->gs_base, (u64 __user *)addr);
	default:
		return -EINVAL;
	}
}

/* ------------------------------------------------------------ uname */

SYSCALL_DECLARE(uname)
{
	struct new_utsname u;

	memset(&u, 0, sizeof(u));
	strscpy(u.sysname, "Linux", sizeof(u.sysname));
	strscpy(u.nodename, UTS_NODENAME, sizeof(u.nodename));
	strscpy(u.release, UTS_RELEASE, sizeof(u.release));
	strscpy(u.version, UTS_VERSION, sizeof(u.version));
	strscpy(u.machine, "x86_64", sizeof(u.machine));
	strscpy(u.domainname, "(none)", sizeof(u.domainname));
	return copy_to_user((void __user *)regs->rdi, &u, sizeof(u)) ?
	       -EFAULT : 0;
}

/* ------------------------------------------------------------ random */

SYSCALL_DECLARE(getrandom)
{
	u8 __user *ubuf = (u8 __user *)regs->rdi;
	size_t len = regs->rsi, done = 0;
	unsigned int flags = regs->rdx;
	u8 chunk[64];

	if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if (len > GETRANDOM_MAX)
		len = GETRANDOM_MAX;
	while (done < len) {
		size_t n = min_t(size_t, len - done, sizeof(chunk));

		get_random_bytes(chunk, n);
		if (copy_to_user(ubuf + done, chunk, n))
			return done ? (long)done : -EFAULT;
		done += n;
	}
	return done;
}

/* ------------------------------------------------------------ time */

static u64 realtime_base_ns;	/* CLOCK_REALTIME at ktime_get() == 0 */

#define CMOS_ADDR	0x70
#define CMOS_DATA	0x71

static u8 cmos_read(u8 reg)
{
	outb(reg, CMOS_ADDR);
	return inb(CMOS_DATA);
}

static unsigned int bcd(u8 v, bool is_bcd)
{
	return is_bcd ? (v & 0xf) + (v >> 4) * 10 : v;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static u64 days_from_civil(int y, unsigned int m, unsigned int d)
{
	int era;
	unsigned int yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned int)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (u64)(era * 146097 + (int)doe - 719468);
}

void realtime_init(void)
{
	unsigned int sec, min, hour, day, mon, year;
	bool is_bcd;
	u8 regb;

	/* Wait out an update in progress, then read once. */
	for (int i = 0; i < 100000 && (cmos_read(0x0a) & 0x80); i++)
		cpu_relax();
	regb = cmos_read(0x0b);
	is_bcd = !(regb & 0x04);
	sec = bcd(cmos_read(0x00), is_bcd);
	min = bcd(cmos_read(0x02), is_bcd);
	hour = bcd(cmos_read(0x04) & 0x7f, is_bcd);
	day = bcd(cmos_read(0x07), is_bcd);
	mon = bcd(cmos_read(0x08), is_bcd);
	year = bcd(cmos_read(0x09), is_bcd) + 2000;
	if (!(regb & 0x02) && (cmos_read(0x04) & 0x80))
		hour = (hour % 12) + 12;	/* 12-hour mode, PM */
	if (mon < 1 || mon > 12 || day < 1 || day > 31) {
		pr_warn("time: CMOS clock unreadable; CLOCK_REALTIME starts at 0\n");
		return;
	}
	realtime_base_ns = (days_from_civil(year, mon, day) * 86400 +
			    hour * 3600 + min * 60 + sec) * NSEC_PER_SEC -
			   ktime_get();
}

/* CLOCK_REALTIME minus ktime_get(), in ns (the vDSO's vvar page has it). */
u64 realtime_offset_ns(void)
{
	return realtime_base_ns;
}

u64 realtime_ns(void)
{
	return realtime_base_ns + ktime_get();
}

/* CPU time of the calling process (every thread it had) or thread. */
static u64 cputime_ns(int clock)
{
	struct process *p = current_process();
	struct task_cputime ct;

	if (clock == CLOCK_THREAD_CPUTIME_ID) {
		task_cputime(current, &ct);
		return ct.runtime_ns;
	}
	spin_lock(&p->lock);
	process_cputime_locked(p, &ct);
	spin_unlock(&p->lock);
	return ct.runtime_ns;
}

static u64 clock_ns(int clock)
{
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		return realtime_ns();
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		return cputime_ns(clock);
	default:
		return ktime_get();
	}
}

static bool clock_valid(long clock)
{
	return clock >= CLOCK_REALTIME && clock <= CLOCK_BOOTTIME;
}

/*
 * Every clock counts nanoseconds of the TSC-based ktime_get() (or of a
 * thread's run time, which the scheduler takes from it): the coarse
 * clocks are no coarser than the others here.
 */
SYSCALL_DECLARE(clock_getres)
{
	static const struct uapi_timespec res = { .tv_sec = 0, .tv_nsec = 1 };

	if (!clock_valid((long)regs->rdi))
		return -EINVAL;
	if (regs->rsi &&
	    copy_to_user((void __user *)regs->rsi, &res, sizeof(res)))
		return -EFAULT;
	return 0;
}

SYSCALL_DECLARE(clock_gettime)
{
	struct uapi_timespec ts;
	u64 ns;

	if (!clock_valid((long)regs->rdi))
		return -EINVAL;
	ns = clock_ns(regs->rdi);
	ts.tv_sec = ns / NSEC_PER_SEC;
	ts.tv_nsec = ns % NSEC_PER_SEC;
	return copy_to_user((void __user *)regs->rsi, &ts, sizeof(ts)) ?
	       -EFAULT : 0;
}

/* The time zone is always UTC, as Linux's default sys_tz: zeros. */
SYSCALL_DECLARE(gettimeofday)
{
	static const s32 tz[2] = { 0, 0 };
	struct uapi_timeval tv;
	u64 ns = realtime_ns();

	tv.tv_sec = ns / NSEC_PER_SEC;
	tv.tv_usec = (ns % NSEC_PER_SEC) / 1000;
	if (regs->rdi &&
	    copy_to_user((void __user *)regs->rdi, &tv, sizeof(tv)))
		return -EFAULT;
	if (regs->rsi && copy_to_user((void __user *)regs->rsi, tz, sizeof(tz)))
		return -EFAULT;
	return 0;
}

/* time(2): seconds of CLOCK_REALTIME, also stored at @tloc if given. */
SYSCALL_DECLARE(time)
{
	s64 sec = realtime_ns() / NSEC_PER_SEC;

	if (regs->rdi && put_user_u64(sec, (u64 __user *)regs->rdi))
		return -EFAULT;
	return sec;
}

/*
 * Sleep until ktime_get() reaches @deadline (KTIME_MAX: forever) or a
 * signal is pending: 0, or -ERESTARTNOHAND with the time left in *@left
 * (if not NULL).
 */
static long sleep_until(u64 deadline, u64 *left)
{
	for (;;) {
		u64 now = ktime_get();

		if (now >= deadline)
			break;
		set_current_state(TASK_INTERRUPTIBLE);
		if (signal_pending()) {
			__set_current_state(TASK_RUNNING);
			if (left)
				*left = deadline - now;
			return -ERESTARTNOHAND;
		}
		schedule_timeout(ktime_sleep_ticks(deadline, now));
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

int get_user_timespec_ns(const void __user *uts, u64 *ns)
{
	struct uapi_timespec ts;

	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	return timespec_to_ns(ts.tv_sec, ts.tv_nsec, ns);
}

/* A relative sleep of @ns; the time left at @urem if interrupted. */
static long sleep_rel(u64 ns, void __user *urem)
{
	struct uapi_timespec rem;
	u64 left = 0;
	long ret = sleep_until(ktime_add_sat(ktime_get(), ns), &left);

	if (ret && urem) {
		rem.tv_sec = left / NSEC_PER_SEC;
		rem.tv_nsec = left % NSEC_PER_SEC;
		if (copy_to_user(urem, &rem, sizeof(rem)))
			return -EFAULT;
	}
	return ret;
}

SYSCALL_DECLARE(nanosleep)
{
	u64 ns;
	int ret = get_user_timespec_ns((const void __user *)regs->rdi, &ns);

	if (ret)
		return ret;
	return sleep_rel(ns, (void __user *)regs->rsi);
}

SYSCALL_DECLARE(clock_nanosleep)
{
	long clock = regs->rdi;
	u64 ns, now;
	int ret;

	if (!clock_valid(clock))
		return -EINVAL;
	ret = get_user_timespec_ns((const void __user *)regs->rdx, &ns);
	if (ret)
		return ret;
	now = ktime_get();
	if (!(regs->rsi & TIMER_ABSTIME))
		return sleep_rel(ns, (void __user *)regs->r10);
	if (clock == CLOCK_REALTIME) {
		u64 rt = realtime_ns();

		return sleep_until(ns <= rt ? now :
				   ktime_add_sat(now, ns - rt), NULL);
	}
	return sleep_until(ns, NULL);
}

SYSCALL_DECLARE(sched_yield)
{
	yield();
	return 0;
}
