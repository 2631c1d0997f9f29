/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pure rules behind the processor's resource calls (limits.c):
 * setting a resource limit (setrlimit, prlimit64) and splitting a
 * thread's CPU time into user and system time (getrusage, times).  No
 * kernel services, so tests/host/test_limits.c links the file as is.
 * The system calls that use them are in sys_resource.c.
 */
#ifndef _MANAGERS_PROCESSOR_LIMITS_H
#define _MANAGERS_PROCESSOR_LIMITS_H

#include <tessera/types.h>
#include <uapi/resource.h>

/* The soft stack limit a process starts with (Linux's _STK_LIM). */
#define RLIMIT_STACK_DEFAULT	(8ULL << 20)

/*
 * The limits a new process starts with: RLIMIT_STACK 8 MiB soft,
 * RLIMIT_NOFILE @nofile for both, RLIMIT_NPROC @nproc for both,
 * everything else unlimited.
 */
void rlimit_init(struct uapi_rlimit64 lim[RLIM_NLIMITS], u64 nofile,
		 u64 nproc);

/*
 * May limit @old become @new?  0; -EINVAL if the soft value exceeds the
 * hard one; -EPERM if the hard value rises above @old's or above
 * @ceiling (the most the kernel can honour: RLIM_INFINITY for none).
 * Checked in that order, as Linux does (a process never holds
 * CAP_SYS_RESOURCE here).
 */
int rlimit_check(const struct uapi_rlimit64 *old,
		 const struct uapi_rlimit64 *new, u64 ceiling);

/* User and system time of a thread or a process, in ns. */
struct cputime {
	u64 utime;
	u64 stime;
};

/*
 * Split @runtime_ns (exact, from the scheduler) in proportion to the
 * ticks that sampled it in user and in kernel mode (all user time if no
 * tick saw it), then keep the result monotonic against *@prev, the last
 * split reported for the same thing, which it updates: neither part ever
 * goes backwards and they always add up to max(@runtime_ns, the previous
 * sum).
 */
void cputime_adjust(u64 runtime_ns, u64 user_ticks, u64 system_ticks,
		    struct cputime *prev, struct cputime *out);

/* @ns in clock ticks of the ABI (USER_HZ, 100 per second), truncated. */
#define USER_HZ			100
static inline u64 ns_to_clock_t(u64 ns)
{
	return ns / (1000000000ULL / USER_HZ);
}

#endif /* _MANAGERS_PROCESSOR_LIMITS_H */
