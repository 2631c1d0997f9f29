/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Resource limits (getrlimit/prlimit64), resource usage (getrusage,
 * times), sysinfo, and arch_prctl codes.
 */
#ifndef _UAPI_RESOURCE_H
#define _UAPI_RESOURCE_H

#include <tessera/types.h>

#define RLIMIT_CPU	0
#define RLIMIT_FSIZE	1
#define RLIMIT_DATA	2
#define RLIMIT_STACK	3
#define RLIMIT_CORE	4
#define RLIMIT_RSS	5
#define RLIMIT_NPROC	6
#define RLIMIT_NOFILE	7
#define RLIMIT_MEMLOCK	8
#define RLIMIT_AS	9
#define RLIM_NLIMITS	16
#define RLIM_INFINITY	(~0ULL)

struct uapi_rlimit64 {
	u64 rlim_cur;
	u64 rlim_max;
};

/* getrusage(2) @who */
#define RUSAGE_SELF	0
#define RUSAGE_CHILDREN	(-1)
#define RUSAGE_THREAD	1

struct uapi_rusage {
	s64 ru_utime_sec;
	s64 ru_utime_usec;
	s64 ru_stime_sec;
	s64 ru_stime_usec;
	s64 ru_maxrss;		/* KiB */
	s64 ru_ixrss;
	s64 ru_idrss;
	s64 ru_isrss;
	s64 ru_minflt;
	s64 ru_majflt;
	s64 ru_nswap;
	s64 ru_inblock;
	s64 ru_oublock;
	s64 ru_msgsnd;
	s64 ru_msgrcv;
	s64 ru_nsignals;
	s64 ru_nvcsw;
	s64 ru_nivcsw;
};

/* times(2), in clock ticks (USER_HZ). */
struct uapi_tms {
	s64 tms_utime;
	s64 tms_stime;
	s64 tms_cutime;
	s64 tms_cstime;
};

/* sysinfo(2) */
#define SI_LOAD_SHIFT	16

struct uapi_sysinfo {
	s64 uptime;		/* seconds since boot */
	u64 loads[3];		/* 1, 5, 15 min, << SI_LOAD_SHIFT */
	u64 totalram;
	u64 freeram;
	u64 sharedram;
	u64 bufferram;
	u64 totalswap;
	u64 freeswap;
	u16 procs;
	u16 pad;
	u64 totalhigh;
	u64 freehigh;
	u32 mem_unit;		/* bytes per unit of the sizes above */
};

_Static_assert(sizeof(struct uapi_rlimit64) == 16, "rlimit64 layout");
_Static_assert(sizeof(struct uapi_rusage) == 144, "x86-64 struct rusage");
_Static_assert(sizeof(struct uapi_tms) == 32, "x86-64 struct tms");
_Static_assert(sizeof(struct uapi_sysinfo) == 112, "x86-64 struct sysinfo");
_Static_assert(__builtin_offsetof(struct uapi_sysinfo, procs) == 80 &&
	       __builtin_offsetof(struct uapi_sysinfo, totalhigh) == 88 &&
	       __builtin_offsetof(struct uapi_sysinfo, mem_unit) == 104,
	       "x86-64 struct sysinfo");

/* arch_prctl(2) codes. */
#define ARCH_SET_GS	0x1001
#define ARCH_SET_FS	0x1002
#define ARCH_GET_FS	0x1003
#define ARCH_GET_GS	0x1004

/* ioctl(2) requests we answer (with -ENOTTY: no terminals here). */
#define TCGETS		0x5401
#define TIOCGWINSZ	0x5413

/* getrandom(2) flags. */
#define GRND_NONBLOCK	0x0001
#define GRND_RANDOM	0x0002
#define GRND_INSECURE	0x0004

#endif /* _UAPI_RESOURCE_H */
