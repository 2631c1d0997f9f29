/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scheduling system calls: CPU affinity (sched_getaffinity,
 * sched_setaffinity), getcpu, and the policy queries
 * (sched_getscheduler, sched_getparam).
 *
 * A CPU mask is the scheduler's per-task u64 (task->cpus_allowed, bit n
 * = CPU n, NR_CPUS <= 64), so the kernel's cpumask is 8 bytes, as
 * Linux's is for up to 64 CPUs.  sched_setaffinity really pins the
 * thread: set_cpus_allowed() moves it off a CPU it may no longer use.
 * Every thread is SCHED_OTHER at priority 0 (nice values are not
 * settable yet).  A pid names the caller (0) or a live thread of its
 * process; other processes of the node are -ESRCH.
 */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/sched.h>
#include <tessera/smp.h>
#include <tessera/spinlock.h>
#include <uapi/sched.h>

#include "internal.h"

#define CPUMASK_BYTES		sizeof(u64)

/*
 * Set (@set) or read the affinity of thread @tid of the calling process
 * (0: the caller).  -ESRCH, or set_cpus_allowed()'s -EINVAL.
 */
static int thread_affinity(int tid, bool set, u64 *mask)
{
	struct uthread *self = current_uthread();
	struct process *p = self->proc;
	struct uthread *ut;
	int ret = 0;

	if (!tid || tid == self->tid) {
		if (set)
			return set_cpus_allowed(current, *mask);
		*mask = READ_ONCE(current->cpus_allowed);
		return 0;
	}
	/* Under p->lock the thread cannot exit and free its task. */
	spin_lock(&p->lock);
	ut = process_find_thread(p, tid);
	if (!ut)
		ret = -ESRCH;
	else if (set)
		ret = set_cpus_allowed(ut->task, *mask);
	else
		*mask = READ_ONCE(ut->task->cpus_allowed);
	spin_unlock(&p->lock);
	return ret;
}

SYSCALL_DECLARE(sched_getaffinity)
{
	int tid = regs->rdi;
	unsigned long len = regs->rsi;
	u64 mask;
	int ret;

	if (len < CPUMASK_BYTES || (len & (sizeof(unsigned long) - 1)))
		return -EINVAL;
	if (tid < 0)
		return -ESRCH;
	ret = thread_affinity(tid, false, &mask);
	if (ret)
		return ret;
	mask &= READ_ONCE(cpu_online_mask);
	if (copy_to_user((void __user *)regs->rdx, &mask, CPUMASK_BYTES))
		return -EFAULT;
	return CPUMASK_BYTES;
}

SYSCALL_DECLARE(sched_setaffinity)
{
	int tid = regs->rdi;
	unsigned long len = regs->rsi;
	u64 mask = 0;

	/* A shorter mask leaves the higher CPUs out; a longer one is cut. */
	if (copy_from_user(&mask, (const void __user *)regs->rdx,
			   min_t(unsigned long, len, CPUMASK_BYTES)))
		return -EFAULT;
	if (tid < 0)
		return -ESRCH;
	return thread_affinity(tid, true, &mask);
}

SYSCALL_DECLARE(getcpu)
{
	u32 __user *ucpu = (u32 __user *)regs->rdi;
	u32 __user *unode = (u32 __user *)regs->rsi;

	/* As on Linux, the CPU may have changed by the time it is read. */
	if (ucpu && put_user_u32(smp_processor_id(), ucpu))
		return -EFAULT;
	if (unode && put_user_u32(0, unode))
		return -EFAULT;
	return 0;
}

/* 0 if @pid names the caller or a live thread of its process. */
static int sched_check_pid(int pid)
{
	u64 unused;

	if (pid < 0)
		return -EINVAL;
	return thread_affinity(pid, false, &unused);
}

SYSCALL_DECLARE(sched_getscheduler)
{
	int ret = sched_check_pid(regs->rdi);

	return ret ? ret : SCHED_OTHER;
}

SYSCALL_DECLARE(sched_getparam)
{
	struct uapi_sched_param param = { .sched_priority = 0 };
	void __user *uparam = (void __user *)regs->rsi;
	int ret;

	if (!uparam || (int)regs->rdi < 0)
		return -EINVAL;
	ret = sched_check_pid(regs->rdi);
	if (ret)
		return ret;
	return copy_to_user(uparam, &param, sizeof(param)) ? -EFAULT : 0;
}
