/* SPDX-License-Identifier: GPL-2.0 */
/* Time structures and clock ids of the Linux x86-64 ABI. */
#ifndef _UAPI_TIME_H
#define _UAPI_TIME_H

#include <tessera/types.h>

struct uapi_timespec {
	s64 tv_sec;
	s64 tv_nsec;
};

struct uapi_timeval {
	s64 tv_sec;
	s64 tv_usec;
};

#define CLOCK_REALTIME			0
#define CLOCK_MONOTONIC			1
#define CLOCK_PROCESS_CPUTIME_ID	2
#define CLOCK_THREAD_CPUTIME_ID		3
#define CLOCK_MONOTONIC_RAW		4
#define CLOCK_REALTIME_COARSE		5
#define CLOCK_MONOTONIC_COARSE		6
#define CLOCK_BOOTTIME			7

#define TIMER_ABSTIME			1

/* utimensat's tv_nsec specials */
#define UTIME_NOW	((1l << 30) - 1l)
#define UTIME_OMIT	((1l << 30) - 2l)

_Static_assert(sizeof(struct uapi_timespec) == 16, "timespec layout");

#endif /* _UAPI_TIME_H */
