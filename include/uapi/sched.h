/* SPDX-License-Identifier: GPL-2.0 */
/* clone(2) flags and scheduling policies (Linux ABI). */
#ifndef _UAPI_SCHED_H
#define _UAPI_SCHED_H

#define CSIGNAL			0x000000ff	/* exit signal to the parent */
#define CLONE_VM		0x00000100
#define CLONE_FS		0x00000200
#define CLONE_FILES		0x00000400
#define CLONE_SIGHAND		0x00000800
#define CLONE_PIDFD		0x00001000
#define CLONE_PTRACE		0x00002000
#define CLONE_VFORK		0x00004000
#define CLONE_PARENT		0x00008000
#define CLONE_THREAD		0x00010000
#define CLONE_NEWNS		0x00020000
#define CLONE_SYSVSEM		0x00040000
#define CLONE_SETTLS		0x00080000
#define CLONE_PARENT_SETTID	0x00100000
#define CLONE_CHILD_CLEARTID	0x00200000
#define CLONE_DETACHED		0x00400000
#define CLONE_UNTRACED		0x00800000
#define CLONE_CHILD_SETTID	0x01000000

/* What glibc's pthread_create passes; the only thread shape we run. */
#define CLONE_THREAD_FLAGS	(CLONE_VM | CLONE_FS | CLONE_FILES | \
				 CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM)

/* sched_getscheduler(2) policies. */
#define SCHED_OTHER		0
#define SCHED_FIFO		1
#define SCHED_RR		2
#define SCHED_BATCH		3
#define SCHED_IDLE		5
#define SCHED_DEADLINE		6

/* sched_getparam(2) */
struct uapi_sched_param {
	int sched_priority;
};

#endif /* _UAPI_SCHED_H */
