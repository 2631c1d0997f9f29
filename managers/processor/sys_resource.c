/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A process's resources as Linux programs see them: limits (getrlimit,
 * setrlimit, prlimit64), CPU time and usage (getrusage, times, and the
 * CPU-time clocks of sys_misc.c), sysinfo, umask and prctl.
 *
 * CPU time comes from the scheduler (task_cputime()): exact run time per
 * thread, split into user and system time in proportion to the timer
 * ticks that found the thread in ring 3 and in ring 0, as Linux does
 * without precise accounting (limits.c: cputime_adjust()).  A thread
 * that exits leaves its time to its process (process_charge_exited()),
 * so RUSAGE_SELF counts every thread the process ever had.
 *
 * The rules a new limit must pass are in limits.c; the kernel enforces
 * RLIMIT_NOFILE (the descriptor table allocates below it) and reports
 * the rest.  The process fields used here are under process->lock.
 */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/mm.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/smp.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <uapi/prctl.h>
#include <uapi/resource.h>
#include <uapi/signal.h>

#include "internal.h"
#include "fs.h"

#define UMASK_DEFAULT		0022
#define UMASK_BITS		0777

/* ------------------------------------------------------------ process */

void process_misc_init(struct process *p)
{
	p->umask = UMASK_DEFAULT;
	rlimit_init(p->rlim, fd_table_limit(p->files), uthread_limit());
}

void process_cputime_add(struct task_cputime *sum,
			 const struct task_cputime *ct)
{
	sum->runtime_ns += ct->runtime_ns;
	sum->user_ticks += ct->user_ticks;
	sum->system_ticks += ct->system_ticks;
	sum->nr_voluntary_switches += ct->nr_voluntary_switches;
	sum->nr_involuntary_switches += ct->nr_involuntary_switches;
}

void process_charge_exited(struct process *p, struct uthread *ut)
{
	struct task_cputime ct;

	assert_spin_locked(&p->lock);
	task_cputime(ut->task, &ct);
	process_cputime_add(&p->exited_cputime, &ct);
}

void process_cputime_locked(struct process *p, struct task_cputime *sum)
{
	struct task_cputime ct;
	struct uthread *ut;

	assert_spin_locked(&p->lock);
	*sum = p->exited_cputime;
	list_for_each_entry(ut, &p->threads, node) {
		if (ut->exited)
			continue;
		task_cputime(ut->task, &ct);
		process_cputime_add(sum, &ct);
	}
}

struct uthread *process_find_thread(struct process *p, int tid)
{
	struct uthread *ut;

	assert_spin_locked(&p->lock);
	list_for_each_entry(ut, &p->threads, node)
		if (ut->tid == tid && !ut->exited)
			return ut;
	return NULL;
}

/* Is @pid the caller's process: 0, its pid or the tid of one of its threads? */
static bool pid_is_self(struct process *p, int pid)
{
	bool found;

	if (!pid || pid == p->pid)
		return true;
	spin_lock(&p->lock);
	found = process_find_thread(p, pid);
	spin_unlock(&p->lock);
	return found;
}

/* ------------------------------------------------------------ limits */

/*
 * Read limit @resource of @p into *@old (if not NULL) and set it to
 * *@new (if not NULL), atomically; the rules are rlimit_check()'s, with
 * RLIMIT_NOFILE capped at what the descriptor table holds.
 */
static int do_prlimit(struct process *p, unsigned int resource,
		      const struct uapi_rlimit64 *new,
		      struct uapi_rlimit64 *old)
{
	u64 ceiling = resource == RLIMIT_NOFILE ? FD_MAX : RLIM_INFINITY;
	int ret = 0;

	if (resource >= RLIM_NLIMITS)
		return -EINVAL;
	spin_lock(&p->lock);
	if (new)
		ret = rlimit_check(&p->rlim[resource], new, ceiling);
	if (!ret && old)
		*old = p->rlim[resource];
	if (!ret && new)
		p->rlim[resource] = *new;
	spin_unlock(&p->lock);
	/* Outside p->lock: the fd table has its own (a leaf too). */
	if (!ret && new && resource == RLIMIT_NOFILE)
		fd_table_set_limit(p->files, new->rlim_cur);
	return ret;
}

SYSCALL_DECLARE(prlimit64)
{
	struct process *p = current_process();
	const void __user *unew = (const void __user *)regs->rdx;
	void __user *uold = (void __user *)regs->r10;
	struct uapi_rlimit64 new, old;
	int ret;

	if (unew && copy_from_user(&new, unew, sizeof(new)))
		return -EFAULT;
	if (!pid_is_self(p, regs->rdi))
		return -ESRCH;
	ret = do_prlimit(p, regs->rsi, unew ? &new : NULL,
			 uold ? &old : NULL);
	if (!ret && uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return ret;
}

SYSCALL_DECLARE(getrlimit)
{
	struct uapi_rlimit64 old;
	int ret;

	ret = do_prlimit(current_process(), regs->rdi, NULL, &old);
	if (!ret && copy_to_user((void __user *)regs->rsi, &old, sizeof(old)))
		return -EFAULT;
	return ret;
}

SYSCALL_DECLARE(setrlimit)
{
	struct uapi_rlimit64 new;

	if (regs->rdi >= RLIM_NLIMITS)
		return -EINVAL;
	if (copy_from_user(&new, (const void __user *)regs->rsi, sizeof(new)))
		return -EFAULT;
	return do_prlimit(current_process(), regs->rdi, &new, NULL);
}

/* ------------------------------------------------------------ usage */

static void ns_to_timeval(u64 ns, s64 *sec, s64 *usec)
{
	*sec = ns / NSEC_PER_SEC;
	*usec = (ns % NSEC_PER_SEC) / NSEC_PER_USEC;
}

/* User and system time of the calling process (all its threads). */
static void self_cputime(struct task_cputime *sum, struct cputime *split)
{
	struct process *p = current_process();

	spin_lock(&p->lock);
	process_cputime_locked(p, sum);
	cputime_adjust(sum->runtime_ns, sum->user_ticks, sum->system_ticks,
		       &p->cputime_prev, split);
	spin_unlock(&p->lock);
}

/* The reaped children's time of the calling process, and its split. */
static void children_cputime(struct task_cputime *sum, struct cputime *split)
{
	struct process *p = current_process();

	spin_lock(&p->lock);
	*sum = p->children_cputime;
	cputime_adjust(sum->runtime_ns, sum->user_ticks, sum->system_ticks,
		       &p->children_cputime_prev, split);
	spin_unlock(&p->lock);
}

int rusage_put(void __user *uru, const struct task_cputime *self,
	       const struct task_cputime *children)
{
	struct task_cputime tc = *self;
	struct cputime prev = { 0 }, split;
	struct uapi_rusage ru;

	process_cputime_add(&tc, children);
	cputime_adjust(tc.runtime_ns, tc.user_ticks, tc.system_ticks, &prev,
		       &split);
	memset(&ru, 0, sizeof(ru));
	ns_to_timeval(split.utime, &ru.ru_utime_sec, &ru.ru_utime_usec);
	ns_to_timeval(split.stime, &ru.ru_stime_sec, &ru.ru_stime_usec);
	ru.ru_nvcsw = tc.nr_voluntary_switches;
	ru.ru_nivcsw = tc.nr_involuntary_switches;
	return copy_to_user(uru, &ru, sizeof(ru)) ? -EFAULT : 0;
}

SYSCALL_DECLARE(getrusage)
{
	struct uthread *ut = current_uthread();
	int who = regs->rdi;
	struct uapi_rusage ru;
	struct task_cputime tc;
	struct cputime split;

	memset(&ru, 0, sizeof(ru));
	switch (who) {
	case RUSAGE_SELF:
		self_cputime(&tc, &split);
		/* Faults are counted per address space, so for all threads. */
		ru.ru_minflt = READ_ONCE(ut->proc->mm->nr_faults);
		break;
	case RUSAGE_THREAD:
		task_cputime(ut->task, &tc);
		cputime_adjust(tc.runtime_ns, tc.user_ticks, tc.system_ticks,
			       &ut->cputime_prev, &split);
		break;
	case RUSAGE_CHILDREN:
		/* The children (and theirs) that were waited for. */
		children_cputime(&tc, &split);
		break;
	default:
		return -EINVAL;
	}
	ns_to_timeval(split.utime, &ru.ru_utime_sec, &ru.ru_utime_usec);
	ns_to_timeval(split.stime, &ru.ru_stime_sec, &ru.ru_stime_usec);
	ru.ru_nvcsw = tc.nr_voluntary_switches;
	ru.ru_nivcsw = tc.nr_involuntary_switches;
	return copy_to_user((void __user *)regs->rsi, &ru, sizeof(ru)) ?
	       -EFAULT : 0;
}

SYSCALL_DECLARE(times)
{
	struct uapi_tms __user *ubuf = (struct uapi_tms __user *)regs->rdi;
	struct task_cputime tc;
	struct cputime split;
	struct uapi_tms tms;

	if (ubuf) {
		self_cputime(&tc, &split);
		memset(&tms, 0, sizeof(tms));
		tms.tms_utime = ns_to_clock_t(split.utime);
		tms.tms_stime = ns_to_clock_t(split.stime);
		children_cputime(&tc, &split);
		tms.tms_cutime = ns_to_clock_t(split.utime);
		tms.tms_cstime = ns_to_clock_t(split.stime);
		if (copy_to_user(ubuf, &tms, sizeof(tms)))
			return -EFAULT;
	}
	return ns_to_clock_t(ktime_get());
}

/* ------------------------------------------------------------ sysinfo */

SYSCALL_DECLARE(sysinfo)
{
	u64 uptime = ktime_get(), running = 0;
	struct uapi_sysinfo si;
	unsigned int cpu;

	/* Runnable tasks right now: no decaying average is kept. */
	for_each_online_cpu(cpu)
		running += sched_nr_running(cpu);
	memset(&si, 0, sizeof(si));
	si.uptime = uptime / NSEC_PER_SEC + (uptime % NSEC_PER_SEC != 0);
	for (int i = 0; i < 3; i++)
		si.loads[i] = running << SI_LOAD_SHIFT;
	si.totalram = nr_managed_pages() * PAGE_SIZE;
	si.freeram = nr_free_pages() * PAGE_SIZE;
	si.procs = min_t(unsigned int, uthread_count(), 0xffff);
	si.mem_unit = 1;
	return copy_to_user((void __user *)regs->rdi, &si, sizeof(si)) ?
	       -EFAULT : 0;
}

/* ------------------------------------------------------------ umask */

u32 current_umask(void)
{
	return READ_ONCE(current_process()->umask);
}

SYSCALL_DECLARE(umask)
{
	struct process *p = current_process();
	u32 old;

	spin_lock(&p->lock);
	old = p->umask;
	p->umask = regs->rdi & UMASK_BITS;
	spin_unlock(&p->lock);
	return old;
}

/* ------------------------------------------------------------ prctl */

/* Options answered -EINVAL, each logged once (then the rest silently). */
#define PRCTL_LOGGED_MAX	16
static unsigned long prctl_logged[PRCTL_LOGGED_MAX];
static unsigned int nr_prctl_logged;
static DEFINE_SPINLOCK(prctl_log_lock);

static long prctl_unknown(unsigned long option)
{
	struct process *p = current_process();
	bool report;

	spin_lock(&prctl_log_lock);
	report = nr_prctl_logged < PRCTL_LOGGED_MAX;
	for (unsigned int i = 0; i < nr_prctl_logged && report; i++)
		if (prctl_logged[i] == option)
			report = false;
	if (report)
		prctl_logged[nr_prctl_logged++] = option;
	spin_unlock(&prctl_log_lock);
	if (report)
		pr_warn("prctl: option %#lx not supported (pid %d %s): -EINVAL\n",
			option, p->pid, p->comm);
	return -EINVAL;
}

/*
 * PR_SET_NAME: the thread's name is its task's comm.  The first thread
 * names the process too (the comm of log lines), as on Linux, where a
 * process's name is its leader's.
 */
static long prctl_set_name(const char __user *uname)
{
	struct uthread *ut = current_uthread();
	char comm[TASK_COMM_LEN];
	long len;

	len = strncpy_from_user(comm, uname, sizeof(comm) - 1);
	if (len < 0)
		return len;
	comm[len] = '\0';
	memcpy(ut->task->comm, comm, sizeof(comm));
	if (ut->tid == ut->proc->pid) {
		spin_lock(&ut->proc->lock);
		memcpy(ut->proc->comm, comm, sizeof(comm));
		spin_unlock(&ut->proc->lock);
	}
	return 0;
}

static long prctl_get_name(char __user *uname)
{
	char comm[TASK_COMM_LEN];

	memcpy(comm, current->comm, sizeof(comm));
	comm[sizeof(comm) - 1] = '\0';
	return copy_to_user(uname, comm, sizeof(comm)) ? -EFAULT : 0;
}

SYSCALL_DECLARE(prctl)
{
	struct uthread *ut = current_uthread();
	unsigned long option = regs->rdi, arg2 = regs->rsi;

	switch (option) {
	case PR_SET_NAME:
		return prctl_set_name((const char __user *)arg2);
	case PR_GET_NAME:
		return prctl_get_name((char __user *)arg2);
	case PR_GET_DUMPABLE:
		return !READ_ONCE(ut->proc->nondumpable);
	case PR_SET_DUMPABLE:
		if (arg2 != SUID_DUMP_DISABLE && arg2 != SUID_DUMP_USER)
			return -EINVAL;
		WRITE_ONCE(ut->proc->nondumpable, arg2 == SUID_DUMP_DISABLE);
		return 0;
	case PR_SET_PDEATHSIG:
		if (arg2 > _NSIG)
			return -EINVAL;
		ut->pdeathsig = arg2;
		return 0;
	case PR_GET_PDEATHSIG:
		return put_user_u32(ut->pdeathsig, (u32 __user *)arg2);
	case PR_CAPBSET_READ:
		/* Programs run as root with every capability. */
		return arg2 <= CAP_LAST_CAP ? 1 : -EINVAL;
	case PR_SET_VMA:
		/* No vma names: Linux without CONFIG_ANON_VMA_NAME. */
		return -EINVAL;
	default:
		return prctl_unknown(option);
	}
}
