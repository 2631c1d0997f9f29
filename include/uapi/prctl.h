/* SPDX-License-Identifier: GPL-2.0 */
/* prctl(2) options the processor answers (Linux ABI values). */
#ifndef _UAPI_PRCTL_H
#define _UAPI_PRCTL_H

#define PR_SET_PDEATHSIG	1
#define PR_GET_PDEATHSIG	2
#define PR_GET_DUMPABLE		3
#define PR_SET_DUMPABLE		4
#define PR_SET_NAME		15
#define PR_GET_NAME		16
#define PR_CAPBSET_READ		23
#define PR_SET_VMA		0x53564d41

/* PR_SET_DUMPABLE values a program may set. */
#define SUID_DUMP_DISABLE	0
#define SUID_DUMP_USER		1

/* The highest capability number of Linux 6.1 (CAP_CHECKPOINT_RESTORE). */
#define CAP_LAST_CAP		40

#endif /* _UAPI_PRCTL_H */
