/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tasks.  Until the scheduler lands (SMP/scheduler issue) there is one
 * task per CPU: the boot thread "swapper/0", running on a vmalloc'ed
 * stack with an unmapped guard page below it.  The oops code reads pid,
 * comm and the stack bounds from here.
 */
#ifndef _TESSERA_SCHED_H
#define _TESSERA_SCHED_H

#include <tessera/types.h>

#define TASK_COMM_LEN		16
#define THREAD_SIZE		(16 * 1024)	/* kernel stack, bytes */

struct task {
	int pid;
	char comm[TASK_COMM_LEN];
	/* Lowest and one-past-highest address of the kernel stack. */
	unsigned long stack_base;
	unsigned long stack_top;
	/* The unmapped guard page is [stack_base - PAGE_SIZE, stack_base). */
	bool stack_guarded;
};

extern struct task *current_task;
#define current (current_task)

#endif /* _TESSERA_SCHED_H */
