/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Resource-limit and CPU-time rules of the processor (limits.h): pure
 * functions, shared by sys_resource.c and the host test.
 */
#include <tessera/errno.h>

#include "limits.h"

void rlimit_init(struct uapi_rlimit64 lim[RLIM_NLIMITS], u64 nofile,
		 u64 nproc)
{
	for (int i = 0; i < RLIM_NLIMITS; i++)
		lim[i].rlim_cur = lim[i].rlim_max = RLIM_INFINITY;
	lim[RLIMIT_STACK].rlim_cur = RLIMIT_STACK_DEFAULT;
	lim[RLIMIT_NOFILE].rlim_cur = lim[RLIMIT_NOFILE].rlim_max = nofile;
	lim[RLIMIT_NPROC].rlim_cur = lim[RLIMIT_NPROC].rlim_max = nproc;
}

int rlimit_check(const struct uapi_rlimit64 *old,
		 const struct uapi_rlimit64 *new, u64 ceiling)
{
	if (new->rlim_cur > new->rlim_max)
		return -EINVAL;
	if (new->rlim_max > ceiling || new->rlim_max > old->rlim_max)
		return -EPERM;
	return 0;
}

/* @a * @b / @c without overflow, for @b <= @c (c > 0). */
static u64 scale(u64 a, u64 b, u64 c)
{
	/* Keep (a % c) * b below 2^64 (2^32 ticks are ~200 days of CPU). */
	while (c > 0xffffffffULL) {
		b >>= 1;
		c >>= 1;
	}
	return a / c * b + a % c * b / c;
}

void cputime_adjust(u64 runtime_ns, u64 user_ticks, u64 system_ticks,
		    struct cputime *prev, struct cputime *out)
{
	u64 ticks = user_ticks + system_ticks;
	u64 stime = 0, utime;

	if (runtime_ns < prev->utime + prev->stime) {
		*out = *prev;
		return;
	}
	if (ticks)
		stime = scale(runtime_ns, system_ticks, ticks);
	/* Neither part may shrink: the other one gives way. */
	if (stime < prev->stime)
		stime = prev->stime;
	utime = runtime_ns - stime;
	if (utime < prev->utime) {
		utime = prev->utime;
		stime = runtime_ns - utime;
	}
	out->utime = utime;
	out->stime = stime;
	*prev = *out;
}
