/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Thread and process system calls: clone, fork, vfork, exit,
 * exit_group, set_tid_address, set_robust_list, futex, the id calls
 * (tgkill is signal.c's, wait4 and the group calls ptree.c's).
 *
 * clone makes a thread with exactly the shape glibc's pthread_create
 * uses (all of CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM, optionally
 * SETTLS, PARENT_SETTID, CHILD_SETTID, CHILD_CLEARTID), or a process
 * without CLONE_THREAD: glibc's fork (SIGCHLD|CHILD_SETTID|
 * CHILD_CLEARTID) and posix_spawn's CLONE_VM|CLONE_VFORK, with any exit
 * signal.  A process sharing files, fs or signal handlers with its
 * parent, or memory without vfork, is -ENOSYS, logged once.  clone3 is
 * -ENOSYS by design: glibc falls back to clone.
 */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/printk.h>
#include <tessera/time.h>
#include <uapi/futex.h>
#include <uapi/sched.h>
#include <uapi/signal.h>
#include <uapi/time.h>

#include "internal.h"

#define CLONE_THREAD_OPTIONAL	(CLONE_SETTLS | CLONE_PARENT_SETTID | \
				 CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | \
				 CLONE_DETACHED)

/* What a new process may ask of clone. */
#define CLONE_PROCESS_OK	(CSIGNAL | CLONE_VM | CLONE_VFORK | \
				 CLONE_SETTLS | CLONE_PARENT_SETTID | \
				 CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | \
				 CLONE_DETACHED)

static long clone_process(const struct pt_regs *regs, unsigned long flags,
			  unsigned long newsp, u32 __user *parent_tid,
			  u32 __user *child_tid, unsigned long tls)
{
	/* Linux's own rules first. */
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if ((flags & CSIGNAL) > _NSIG)
		return -EINVAL;
	if ((flags & ~CLONE_PROCESS_OK) ||
	    (flags & (CLONE_VM | CLONE_VFORK)) == CLONE_VM) {
		pr_warn_once("clone: process flags %#lx not supported (shared files, fs, handlers, or memory without vfork): -ENOSYS\n",
			     flags);
		return -ENOSYS;
	}
	return process_fork(regs, flags, newsp, parent_tid, child_tid, tls);
}

SYSCALL_DECLARE(fork)
{
	return process_fork(regs, SIGCHLD, 0, NULL, NULL, 0);
}

SYSCALL_DECLARE(vfork)
{
	return process_fork(regs, CLONE_VM | CLONE_VFORK | SIGCHLD, 0, NULL,
			    NULL, 0);
}

SYSCALL_DECLARE(clone)
{
	unsigned long flags = regs->rdi, newsp = regs->rsi;
	u32 __user *parent_tid = (u32 __user *)regs->rdx;
	u32 __user *child_tid = (u32 __user *)regs->r10;
	unsigned long tls = regs->r8;
	struct pt_regs child = *regs;
	int tid;

	if ((flags & CLONE_SETTLS) && tls >= USER_ADDR_END)
		return -EPERM;
	if (!(flags & CLONE_THREAD))
		return clone_process(regs, flags, newsp, parent_tid,
				     child_tid, tls);
	if ((flags & CLONE_THREAD_FLAGS) != CLONE_THREAD_FLAGS ||
	    (flags & ~(CLONE_THREAD_FLAGS | CLONE_THREAD_OPTIONAL | CSIGNAL))) {
		pr_warn_once("clone: thread flags %#lx not supported: -ENOSYS\n",
			     flags);
		return -ENOSYS;
	}
	if (newsp)
		child.rsp = newsp;
	tid = uthread_clone(&child, tls, flags & CLONE_SETTLS,
			    (flags & CLONE_CHILD_CLEARTID) ? child_tid : NULL);
	if (tid < 0)
		return tid;
	/* Both before the child runs, as on Linux. */
	if (flags & CLONE_PARENT_SETTID)
		put_user_u32(tid, parent_tid);
	if (flags & CLONE_CHILD_SETTID)
		put_user_u32(tid, child_tid);
	uthread_start(tid);
	return tid;
}

SYSCALL_DECLARE(exit)
{
	uthread_exit(regs->rdi);
}

SYSCALL_DECLARE(exit_group)
{
	process_exit_group(regs->rdi & 0xff);
}

SYSCALL_DECLARE(set_tid_address)
{
	struct uthread *ut = current_uthread();

	ut->clear_child_tid = (u32 __user *)regs->rdi;
	return ut->tid;
}

SYSCALL_DECLARE(set_robust_list)
{
	if (regs->rsi != ROBUST_LIST_HEAD_SIZE)
		return -EINVAL;
	current_uthread()->robust_list = regs->rdi;
	return 0;
}

SYSCALL_DECLARE(gettid)
{
	return current_uthread()->tid;
}

SYSCALL_DECLARE(getpid)
{
	return current_process()->pid;
}

/*
 * A futex timeout as an absolute ktime_get() deadline; 0: none (no
 * timeout, or one so far away that it saturated).
 */
static int futex_deadline(const struct uapi_timespec __user *uts, int op,
			  bool absolute, bool realtime, u64 *deadline)
{
	u64 ns, now = ktime_get();
	int ret;

	*deadline = 0;
	if (!uts)
		return 0;
	ret = get_user_timespec_ns(uts, &ns);
	if (ret)
		return ret;
	if (!absolute) {
		*deadline = ktime_add_sat(now, ns);
	} else {
		u64 base = realtime ? realtime_ns() : now;

		/* Already past: a deadline of "now" times out at once. */
		*deadline = ns <= base ? now : ktime_add_sat(now, ns - base);
	}
	if (*deadline == KTIME_MAX)
		*deadline = 0;
	else if (!*deadline)
		*deadline = 1;
	return 0;
}

SYSCALL_DECLARE(futex)
{
	u32 __user *uaddr = (u32 __user *)regs->rdi;
	int op = regs->rsi, cmd = op & FUTEX_CMD_MASK;
	bool realtime = op & FUTEX_CLOCK_REALTIME;
	u32 val = regs->rdx, bitset = FUTEX_BITSET_MATCH_ANY;
	const struct uapi_timespec __user *uts = (const void __user *)regs->r10;
	struct pmm *mm = current_process()->mm;
	u64 deadline;
	int ret;

	switch (cmd) {
	case FUTEX_WAIT_BITSET:
		bitset = regs->r9;
		__attribute__((__fallthrough__));
	case FUTEX_WAIT:
		if (realtime && cmd == FUTEX_WAIT)
			return -ENOSYS;
		ret = futex_deadline(uts, op, cmd == FUTEX_WAIT_BITSET,
				     realtime, &deadline);
		if (ret)
			return ret;
		return futex_wait(mm, uaddr, val, bitset, deadline);
	case FUTEX_WAKE_BITSET:
		bitset = regs->r9;
		__attribute__((__fallthrough__));
	case FUTEX_WAKE:
		if (!IS_ALIGNED((unsigned long)uaddr, sizeof(u32)) ||
		    !access_ok(uaddr, sizeof(u32)))
			return -EINVAL;
		return futex_wake(mm, uaddr, (int)val, bitset);
	default:
		pr_warn_once("futex: op %d not supported: -ENOSYS\n", cmd);
		return -ENOSYS;
	}
}
