/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Linux x86-64 system-call table and dispatcher.
 *
 * syscall_dispatch() is called by the SYSCALL entry (arch/x86/kernel/
 * syscall.c) with interrupts on; arguments are in rdi, rsi, rdx, r10, r8,
 * r9 of the saved registers, the number in orig_rax, and the result goes
 * to rax.  A number without a handler returns -ENOSYS and is logged once
 * per number with its name (include/uapi/syscall_names.h), so a missing
 * call is visible in the log, never a silent fake success.
 */
#include <tessera/bitmap.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/printk.h>
#include <tessera/profile.h>
#include <uapi/syscall_names.h>
#include <uapi/unistd_64.h>

#include "internal.h"

#define SYSCALL(nr, fn)	[__NR_##nr] = sys_##fn

static const syscall_fn_t syscall_table[NR_SYSCALLS] = {
	SYSCALL(read, read),
	SYSCALL(write, write),
	SYSCALL(close, close),
	SYSCALL(fstat, fstat),
	SYSCALL(mmap, mmap),
	SYSCALL(mprotect, mprotect),
	SYSCALL(munmap, munmap),
	SYSCALL(brk, brk),
	SYSCALL(rt_sigaction, rt_sigaction),
	SYSCALL(rt_sigprocmask, rt_sigprocmask),
	SYSCALL(ioctl, ioctl),
	SYSCALL(writev, writev),
	SYSCALL(sched_yield, sched_yield),
	SYSCALL(mremap, mremap),
	SYSCALL(madvise, madvise),
	SYSCALL(nanosleep, nanosleep),
	SYSCALL(getpid, getpid),
	SYSCALL(clone, clone),
	SYSCALL(execve, execve),
	SYSCALL(exit, exit),
	SYSCALL(uname, uname),
	SYSCALL(readlink, readlink),
	SYSCALL(gettimeofday, gettimeofday),
	SYSCALL(time, time),
	SYSCALL(getuid, getuid),
	SYSCALL(getgid, getgid),
	SYSCALL(geteuid, geteuid),
	SYSCALL(getegid, getegid),
	SYSCALL(setuid, setuid),
	SYSCALL(setgid, setgid),
	SYSCALL(setreuid, setreuid),
	SYSCALL(setregid, setregid),
	SYSCALL(setresuid, setresuid),
	SYSCALL(setresgid, setresgid),
	SYSCALL(getresuid, getresuid),
	SYSCALL(getresgid, getresgid),
	SYSCALL(setfsuid, setfsuid),
	SYSCALL(setfsgid, setfsgid),
	SYSCALL(getgroups, getgroups),
	SYSCALL(setgroups, setgroups),
	SYSCALL(getppid, getppid),
	SYSCALL(wait4, wait4),
	SYSCALL(waitid, waitid),
	SYSCALL(setpgid, setpgid),
	SYSCALL(getpgid, getpgid),
	SYSCALL(getpgrp, getpgrp),
	SYSCALL(setsid, setsid),
	SYSCALL(getsid, getsid),
	SYSCALL(fork, fork),
	SYSCALL(vfork, vfork),
	SYSCALL(arch_prctl, arch_prctl),
	SYSCALL(gettid, gettid),
	SYSCALL(futex, futex),
	SYSCALL(set_tid_address, set_tid_address),
	SYSCALL(clock_gettime, clock_gettime),
	SYSCALL(clock_nanosleep, clock_nanosleep),
	SYSCALL(exit_group, exit_group),
	SYSCALL(tgkill, tgkill),
	SYSCALL(newfstatat, newfstatat),
	SYSCALL(readlinkat, readlinkat),
	SYSCALL(set_robust_list, set_robust_list),
	SYSCALL(prlimit64, prlimit64),
	SYSCALL(getrandom, getrandom),
	SYSCALL(open, open),
	SYSCALL(openat, openat),
	SYSCALL(pread64, pread64),
	SYSCALL(readv, readv),
	SYSCALL(lseek, lseek),
	SYSCALL(stat, stat),
	SYSCALL(lstat, lstat),
	SYSCALL(getdents64, getdents64),
	SYSCALL(access, access),
	SYSCALL(faccessat, faccessat),
	SYSCALL(faccessat2, faccessat2),
	SYSCALL(getcwd, getcwd),
	SYSCALL(chdir, chdir),
	SYSCALL(fchdir, fchdir),
	SYSCALL(dup, dup),
	SYSCALL(dup2, dup2),
	SYSCALL(dup3, dup3),
	SYSCALL(fcntl, fcntl),
	SYSCALL(umask, umask),
	SYSCALL(getrlimit, getrlimit),
	SYSCALL(getrusage, getrusage),
	SYSCALL(sysinfo, sysinfo),
	SYSCALL(times, times),
	SYSCALL(sched_getparam, sched_getparam),
	SYSCALL(sched_getscheduler, sched_getscheduler),
	SYSCALL(prctl, prctl),
	SYSCALL(setrlimit, setrlimit),
	SYSCALL(sched_setaffinity, sched_setaffinity),
	SYSCALL(sched_getaffinity, sched_getaffinity),
	SYSCALL(clock_getres, clock_getres),
	SYSCALL(getcpu, getcpu),
	SYSCALL(statx, statx),
	SYSCALL(mkdir, mkdir),
	SYSCALL(mkdirat, mkdirat),
	SYSCALL(unlink, unlink),
	SYSCALL(unlinkat, unlinkat),
	SYSCALL(rmdir, rmdir),
	SYSCALL(rename, rename),
	SYSCALL(renameat, renameat),
	SYSCALL(renameat2, renameat2),
	SYSCALL(truncate, truncate),
	SYSCALL(ftruncate, ftruncate),
	SYSCALL(chmod, chmod),
	SYSCALL(fchmod, fchmod),
	SYSCALL(fchmodat, fchmodat),
	SYSCALL(fsync, fsync),
	SYSCALL(fdatasync, fdatasync),
	SYSCALL(pwrite64, pwrite64),
	SYSCALL(creat, creat),
	SYSCALL(link, link),
	SYSCALL(linkat, linkat),
	SYSCALL(symlink, symlink),
	SYSCALL(symlinkat, symlinkat),
	SYSCALL(chown, chown),
	SYSCALL(fchown, fchown),
	SYSCALL(lchown, lchown),
	SYSCALL(fchownat, fchownat),
	SYSCALL(utimensat, utimensat),
	SYSCALL(utimes, utimes),
	SYSCALL(utime, utime),
	SYSCALL(sync, sync),
	SYSCALL(syncfs, syncfs),
	SYSCALL(fallocate, fallocate),
	SYSCALL(eventfd, eventfd),
	SYSCALL(eventfd2, eventfd2),
	SYSCALL(epoll_create, epoll_create),
	SYSCALL(epoll_create1, epoll_create1),
	SYSCALL(epoll_ctl, epoll_ctl),
	SYSCALL(epoll_wait, epoll_wait),
	SYSCALL(epoll_pwait, epoll_pwait),
	SYSCALL(epoll_pwait2, epoll_pwait2),
	SYSCALL(poll, poll),
	SYSCALL(ppoll, ppoll),
	SYSCALL(select, select),
	SYSCALL(pselect6, pselect6),
	SYSCALL(pipe, pipe),
	SYSCALL(pipe2, pipe2),
	SYSCALL(rt_sigpending, rt_sigpending),
	SYSCALL(rt_sigreturn, rt_sigreturn),
	SYSCALL(rt_sigsuspend, rt_sigsuspend),
	SYSCALL(rt_sigtimedwait, rt_sigtimedwait),
	SYSCALL(rt_sigqueueinfo, rt_sigqueueinfo),
	SYSCALL(rt_tgsigqueueinfo, rt_tgsigqueueinfo),
	SYSCALL(sigaltstack, sigaltstack),
	SYSCALL(kill, kill),
	SYSCALL(tkill, tkill),
	SYSCALL(pause, pause),
	SYSCALL(alarm, alarm),
	SYSCALL(setitimer, setitimer),
	SYSCALL(getitimer, getitimer),
	SYSCALL(execveat, execveat),
};

/* Numbers already reported as unimplemented (one log line each). */
static unsigned long enosys_reported[BITS_TO_LONGS(NR_SYSCALLS + 1)];

const char *syscall_name(unsigned long nr)
{
	return nr < NR_SYSCALLS ? syscall_names[nr] : NULL;
}

bool syscall_implemented(unsigned long nr)
{
	return nr < NR_SYSCALLS && syscall_table[nr];
}

static void report_enosys(unsigned long nr)
{
	/* Every out-of-table number shares the last bit. */
	unsigned long bit = nr < NR_SYSCALLS ? nr : NR_SYSCALLS;
	unsigned long mask = 1UL << (bit % BITS_PER_LONG);
	unsigned long old;
	const char *name = syscall_name(nr);
	struct process *p = current_process();

	old = __atomic_fetch_or(&enosys_reported[bit / BITS_PER_LONG], mask,
				__ATOMIC_RELAXED);
	if (old & mask)
		return;
	pr_warn("syscall: unimplemented syscall %lu (%s) from pid %d %s: -ENOSYS\n",
		nr, name ? name : "unknown", p ? p->pid : 0,
		p ? p->comm : "?");
}

void syscall_dispatch(struct pt_regs *regs)
{
	unsigned long nr = regs->orig_rax;

	if (syscall_implemented(nr)) {
		u64 start = profile_syscall_begin();
		long ret = syscall_table[nr](regs);

		profile_syscall_end(nr, start);
		regs->rax = ret;
		/* An interrupted call: signal.c restarts it or makes -EINTR. */
		if (unlikely(ret <= -ERESTARTSYS && ret >= -ERESTARTNOHAND) &&
		    nr != __NR_rt_sigreturn)
			current_uthread()->syscall_restart = true;
		return;
	}
	report_enosys(nr);
	regs->rax = -ENOSYS;
}
