/* SPDX-License-Identifier: GPL-2.0 */
/* Resource limits (getrlimit/prlimit64) and arch_prctl codes. */
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
