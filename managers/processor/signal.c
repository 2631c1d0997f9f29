// SPDX-License-Identifier: GPL-2.0
/*
 * Signals of a process and its threads, with Linux's x86-64 semantics.
 *
 * State: the actions (process->sigactions), a blocked mask per thread
 * (uthread->sigmask), signals pending for one thread (uthread->pending)
 * and for the process (process->shared_pending), each with its siginfo;
 * a second signal of a number already pending is merged into the first
 * (real-time signals too: there is no queue of several instances).  All
 * of it is under process->lock; a thread reads its own masks and
 * pending sets without it for the quick signal_pending() test.
 *
 * Sending (kill, tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo,
 * SIGPIPE, SIGALRM, faults): a signal whose action is to ignore it
 * (SIG_IGN, or SIG_DFL of SIGCHLD, SIGURG, SIGWINCH, SIGCONT and the
 * stop signals, which have no job control to act on: logged) is dropped
 * unless blocked; SIGKILL kills the process at once; else it is added
 * to the pending set and a thread that does not block it is woken from
 * an interruptible sleep (the target, or for a process-directed signal
 * the caller or else the first such thread).
 *
 * Delivery (user_return_work(), on every way back to user mode): the
 * lowest pending unblocked signal, synchronous ones (a fault) first,
 * thread-directed before process-directed.  SIG_DFL terminates the
 * process with status 128 + sig (core-dump signals alike); a handler
 * gets Linux's rt_sigframe (arch/x86/kernel/signal.c) on the current
 * stack or the sigaltstack (SA_ONSTACK), with the mask sa_mask | sig
 * (not sig under SA_NODEFER) added, and SA_RESETHAND resetting the
 * action.  SA_RESTORER is required (sa_restorer is the return address,
 * calling rt_sigreturn), as on Linux x86-64: without it, or when the
 * frame cannot be written, the process is killed with SIGSEGV.
 *
 * Interrupted calls: a blocking call that sees signal_pending() returns
 * one of the -ERESTART* codes of internal.h; the syscall dispatcher
 * notes it (uthread->syscall_restart) so the return path always comes
 * here, where the call is restarted (RIP back over the SYSCALL
 * instruction, RAX = the number again) or fails with -EINTR.  Restarting
 * a nanosleep, clock_nanosleep or timed futex wait starts its whole
 * timeout again (Linux resumes it with restart_syscall); this only
 * happens when no handler ran.
 *
 * ITIMER_REAL (alarm, setitimer, getitimer) is a kernel thread per
 * process, made at its first use, that sleeps until the deadline and
 * sends SIGALRM (si_code SI_KERNEL) to the process.
 */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/kthread.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <uapi/signal.h>
#include <uapi/wait.h>
#include <uapi/time.h>
#include <asm/sigframe.h>

#include "internal.h"

#define SIGBIT(sig)		(1ULL << ((sig) - 1))
#define UNBLOCKABLE		(SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))
#define SYNCHRONOUS		(SIGBIT(SIGSEGV) | SIGBIT(SIGBUS) | \
				 SIGBIT(SIGILL) | SIGBIT(SIGTRAP) | \
				 SIGBIT(SIGFPE) | SIGBIT(SIGSYS))
#define DEFAULT_IGNORE		(SIGBIT(SIGCHLD) | SIGBIT(SIGURG) | \
				 SIGBIT(SIGWINCH))
#define DEFAULT_STOP		(SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) | \
				 SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU) | \
				 SIGBIT(SIGCONT))

#define DEFAULT_CORE		(SIGBIT(SIGQUIT) | SIGBIT(SIGILL) | \
				 SIGBIT(SIGTRAP) | SIGBIT(SIGABRT) | \
				 SIGBIT(SIGBUS) | SIGBIT(SIGFPE) | \
				 SIGBIT(SIGSEGV) | SIGBIT(SIGXCPU) | \
				 SIGBIT(SIGXFSZ) | SIGBIT(SIGSYS))

static bool sig_valid(int sig)
{
	return sig >= 1 && sig <= _NSIG;
}

/* One more instance of a pending real-time signal. */
struct sigqueue_entry {
	struct list_head link;
	struct uapi_siginfo info;
};

static struct sigqueue *sigqueue_alloc(void)
{
	struct sigqueue *q = kzalloc(sizeof(*q), GFP_KERNEL);

	if (q)
		INIT_LIST_HEAD(&q->queued);
	return q;
}

/* Take the signals of @mask out of @q, queued instances too. */
static void sigqueue_drop(struct sigqueue *q, u64 mask)
{
	struct sigqueue_entry *e, *tmp;

	WRITE_ONCE(q->set, q->set & ~mask);
	list_for_each_entry_safe(e, tmp, &q->queued, link) {
		if (!(mask & SIGBIT(e->info.si_signo)))
			continue;
		list_del(&e->link);
		q->nr_queued--;
		kfree(e);
	}
}

static void sigqueue_free(struct sigqueue *q)
{
	if (q)
		sigqueue_drop(q, ~0ULL);
	kfree(q);
}

int signal_thread_init(struct uthread *ut)
{
	ut->pending = sigqueue_alloc();
	ut->altstack.ss_flags = SS_DISABLE;
	return ut->pending ? 0 : -ENOMEM;
}

int signal_process_init(struct process *p)
{
	p->shared_pending = sigqueue_alloc();
	return p->shared_pending ? 0 : -ENOMEM;
}

void signal_thread_free(struct uthread *ut)
{
	sigqueue_free(ut->pending);
}

void signal_process_stop(struct process *p)
{
	struct task *t;

	spin_lock(&p->lock);
	t = p->itimer_task;
	p->itimer_task = NULL;
	spin_unlock(&p->lock);
	if (t)
		kthread_stop(t);
}

void signal_process_free(struct process *p)
{
	signal_process_stop(p);
	sigqueue_free(p->shared_pending);
}

bool signal_pending(void)
{
	struct uthread *ut = current_uthread();
	u64 pending;

	if (!ut)
		return false;
	if (READ_ONCE(ut->kill_pending) || READ_ONCE(ut->proc->stop_sig))
		return true;
	pending = READ_ONCE(ut->pending->set) |
		  READ_ONCE(ut->proc->shared_pending->set);
	return pending & ~READ_ONCE(ut->sigmask);
}

bool user_return_work_pending(void)
{
	struct uthread *ut = current_uthread();

	return ut && (signal_pending() || ut->syscall_restart ||
		      ut->restore_sigmask);
}

/*
 * Is @sig to be dropped when sent (its action ignores it)?  SIGCONT's
 * default action happened at the send.  Under lock.
 */
static bool sig_ignored(struct process *p, int sig)
{
	u64 handler = p->sigactions[sig - 1].handler;

	if (handler == SIG_IGN)
		return true;
	return handler == SIG_DFL &&
	       ((DEFAULT_IGNORE | SIGBIT(SIGCONT)) & SIGBIT(sig));
}

/* Take the signals of @mask out of every pending set of @p.  Under lock. */
static void sig_flush_pending(struct process *p, u64 mask)
{
	struct uthread *ut;

	sigqueue_drop(p->shared_pending, mask);
	list_for_each_entry(ut, &p->threads, node)
		sigqueue_drop(ut->pending, mask);
}

/*
 * What sending @sig does at once, before any delivery (Linux's
 * prepare_signal): SIGCONT continues a stopped process and drops its
 * pending stop signals; a stop signal drops a pending SIGCONT.
 */
static void sig_job_control(struct process *p, int sig)
{
	struct uthread *ut;

	if (sig == SIGCONT) {
		sig_flush_pending(p, DEFAULT_STOP & ~SIGBIT(SIGCONT));
		if (!p->stop_sig)
			return;
		WRITE_ONCE(p->stop_sig, 0);
		p->wait_report = (p->wait_report & ~WAIT_REPORT_STOPPED) |
				 WAIT_REPORT_CONTINUED;
		p->cont_notify = true;
		list_for_each_entry(ut, &p->threads, node)
			if (!ut->exited)
				wake_up_state(ut->task, TASK_INTERRUPTIBLE);
	} else if (SIGBIT(sig) & DEFAULT_STOP) {
		sig_flush_pending(p, SIGBIT(SIGCONT));
	}
}

/* Wake @ut for a signal if it does not block it.  Under p->lock. */
static bool sig_wake(struct uthread *ut, int sig)
{
	if (ut->exited || (ut->sigmask & SIGBIT(sig)))
		return false;
	wake_up_state(ut->task, TASK_INTERRUPTIBLE);
	return true;
}

/* Kill every thread of @p with status 128 + @sig.  Under p->lock. */
static void sig_kill_locked(struct process *p, int sig)
{
	struct uthread *ut;

	if (!p->group_exit) {
		p->group_exit = true;
		p->exit_status = EXIT_STATUS_SIGNAL(sig);
		p->signaled = true;
		p->term_sig = sig;
		p->wait_status = W_EXITCODE(0, sig);
		/* "Core" actions: the flag only where a core could be written. */
		if ((SIGBIT(sig) & DEFAULT_CORE) &&
		    p->rlim[RLIMIT_CORE].rlim_cur)
			p->wait_status |= WCOREFLAG;
	}
	list_for_each_entry(ut, &p->threads, node) {
		if (ut->exited)
			continue;
		WRITE_ONCE(ut->kill_pending, true);
		wake_up_process(ut->task);
	}
}

/*
 * Send @info->si_signo to thread @t of @p, or to @p itself (@t NULL).
 * Under p->lock.
 */
static int sig_send_locked(struct process *p, struct uthread *t,
			   const struct uapi_siginfo *info)
{
	int sig = info->si_signo;
	struct sigqueue *q = t ? t->pending : p->shared_pending;
	struct uthread *self = current_uthread(), *ut;
	bool blocked;

	if (p->group_exit)
		return 0;
	if (sig == SIGKILL) {
		sig_kill_locked(p, sig);
		return 0;
	}
	sig_job_control(p, sig);
	if (t) {
		blocked = t->sigmask & SIGBIT(sig);
	} else {
		blocked = true;
		list_for_each_entry(ut, &p->threads, node)
			if (!ut->exited && !(ut->sigmask & SIGBIT(sig)))
				blocked = false;
	}
	if (!blocked && sig_ignored(p, sig))
		return 0;
	if (!(q->set & SIGBIT(sig))) {
		q->info[sig - 1] = *info;
		WRITE_ONCE(q->set, q->set | SIGBIT(sig));
	} else if (sig >= SIGRTMIN) {
		/* Real-time signals queue: one more instance, in order. */
		struct sigqueue_entry *e = NULL;

		if (q->nr_queued < SIGQUEUE_RT_MAX)
			e = kmalloc(sizeof(*e), GFP_ATOMIC);
		if (!e)
			return -EAGAIN;
		e->info = *info;
		list_add_tail(&e->link, &q->queued);
		q->nr_queued++;
	}
	if (t) {
		sig_wake(t, sig);
		return 0;
	}
	if (self && self->proc == p && sig_wake(self, sig))
		return 0;
	list_for_each_entry(ut, &p->threads, node)
		if (sig_wake(ut, sig))
			return 0;
	return 0;
}

static void sig_info_init(struct uapi_siginfo *info, int sig, int code,
			  int pid)
{
	memset(info, 0, sizeof(*info));
	info->si_signo = sig;
	info->si_code = code;
	info->kill.pid = pid;
}

void signal_send_kernel(struct process *p, int sig,
			const struct uapi_siginfo *info)
{
	struct uapi_siginfo i = *info;

	i.si_signo = sig;
	spin_lock(&p->lock);
	sig_send_locked(p, NULL, &i);
	spin_unlock(&p->lock);
}

void signal_send_self(int sig, int code)
{
	struct uthread *ut = current_uthread();
	struct process *p = ut->proc;
	struct uapi_siginfo info;

	sig_info_init(&info, sig, code, code == SI_USER ? p->pid : 0);
	spin_lock(&p->lock);
	sig_send_locked(p, ut, &info);
	spin_unlock(&p->lock);
}

void signal_force_fault(int sig, int code, unsigned long addr,
			unsigned long trapno, unsigned long err,
			unsigned long cr2)
{
	struct uthread *ut = current_uthread();
	struct process *p = ut->proc;
	struct k_sigaction *ka = &p->sigactions[sig - 1];
	struct uapi_siginfo info;

	memset(&info, 0, sizeof(info));
	info.si_signo = sig;
	info.si_code = code;
	info.fault.addr = addr;
	spin_lock(&p->lock);
	/* A fault must not be blocked or ignored: the default then. */
	if (ka->handler == SIG_IGN || (ut->sigmask & SIGBIT(sig))) {
		ka->handler = SIG_DFL;
		ut->sigmask &= ~SIGBIT(sig);
	}
	ut->fault_sig = sig;
	ut->fault_trapno = trapno;
	ut->fault_err = err;
	ut->fault_cr2 = cr2;
	sig_send_locked(p, ut, &info);
	spin_unlock(&p->lock);
}

/* Take the signal to deliver out of @q, or 0.  Under p->lock. */
static int sig_dequeue(struct sigqueue *q, u64 allowed,
		       struct uapi_siginfo *info)
{
	u64 set = q->set & allowed;
	int sig;

	if (!set)
		return 0;
	if (set & SYNCHRONOUS)
		set &= SYNCHRONOUS;
	sig = __builtin_ctzll(set) + 1;
	*info = q->info[sig - 1];
	if (sig >= SIGRTMIN) {
		struct sigqueue_entry *e;

		/* The next queued instance, if any, is pending now. */
		list_for_each_entry(e, &q->queued, link) {
			if (e->info.si_signo != sig)
				continue;
			q->info[sig - 1] = e->info;
			list_del(&e->link);
			q->nr_queued--;
			kfree(e);
			return sig;
		}
	}
	WRITE_ONCE(q->set, q->set & ~SIGBIT(sig));
	return sig;
}

static int sig_dequeue_any(struct uthread *ut, u64 allowed,
			   struct uapi_siginfo *info)
{
	int sig = sig_dequeue(ut->pending, allowed, info);

	return sig ? sig : sig_dequeue(ut->proc->shared_pending, allowed,
				       info);
}

static bool on_altstack(const struct uthread *ut, unsigned long sp)
{
	return sp > ut->altstack.ss_sp &&
	       sp - ut->altstack.ss_sp <= ut->altstack.ss_size;
}

/* The ss_flags sigaltstack reports for a stack pointer @sp. */
static int altstack_flags(const struct uthread *ut, unsigned long sp)
{
	if (!ut->altstack.ss_size)
		return SS_DISABLE;
	return (on_altstack(ut, sp) ? SS_ONSTACK : 0) |
	       (ut->altstack.ss_flags & SS_AUTODISARM);
}

/* Fix up a system call's -ERESTART* result for a handler (@ka) or none. */
static void syscall_restart(struct pt_regs *regs,
			    const struct k_sigaction *ka)
{
	long ret = regs->rax;
	bool again;

	if (ret == -ERESTARTNOINTR)
		again = true;
	else if (ret == -ERESTARTSYS)
		again = !ka || (ka->flags & SA_RESTART);
	else if (ret == -ERESTARTNOHAND)
		again = !ka;
	else
		return;
	if (!again) {
		regs->rax = -EINTR;
		return;
	}
	regs->rax = regs->orig_rax;
	regs->rip -= 2;		/* the SYSCALL instruction again */
}

/* Build the frame for @sig and its handler @ka.  0 or -EFAULT. */
static int sig_setup_frame(struct uthread *ut, struct pt_regs *regs,
			   int sig, const struct uapi_siginfo *info,
			   const struct k_sigaction *ka, u64 oldmask)
{
	struct sigframe_setup s = {
		.sig = sig,
		.info = info,
		.handler = ka->handler,
		.restorer = ka->restorer,
		.oldmask = oldmask,
		.sp = regs->rsp - SIGFRAME_RED_ZONE,
	};

	if (!(ka->flags & SA_RESTORER))
		return -EFAULT;
	s.uc_stack.ss_sp = ut->altstack.ss_sp;
	s.uc_stack.ss_size = ut->altstack.ss_size;
	s.uc_stack.ss_flags = altstack_flags(ut, regs->rsp);
	if ((ka->flags & SA_ONSTACK) && ut->altstack.ss_size &&
	    !on_altstack(ut, regs->rsp)) {
		s.sp = ut->altstack.ss_sp + ut->altstack.ss_size;
		if (ut->altstack.ss_flags & SS_AUTODISARM) {
			ut->altstack.ss_sp = 0;
			ut->altstack.ss_size = 0;
		}
	}
	if (sig == ut->fault_sig) {
		s.trapno = ut->fault_trapno;
		s.err = ut->fault_err;
		s.cr2 = ut->fault_cr2;
		ut->fault_sig = 0;
	}
	return sigframe_setup(regs, &s);
}

/*
 * The calling thread's process is stopped: sleep until SIGCONT (or a
 * kill).  The first thread to run again tells the parent.
 */
static void sig_stopped_wait(struct uthread *ut)
{
	struct process *p = ut->proc;
	bool notify;

	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!READ_ONCE(p->stop_sig) || READ_ONCE(ut->kill_pending))
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	spin_lock(&p->lock);
	notify = p->cont_notify && !p->stop_sig;
	if (notify)
		p->cont_notify = false;
	spin_unlock(&p->lock);
	if (notify)
		process_notify_parent(p, CLD_CONTINUED, SIGCONT);
}

/*
 * Stop the process of the calling thread for @sig (a stop signal's
 * default action), tell the parent, and wait for SIGCONT.  Called
 * with p->lock held; returns with it dropped.
 */
static void sig_do_stop(struct uthread *ut, int sig)
{
	struct process *p = ut->proc;
	struct uthread *t;

	WRITE_ONCE(p->stop_sig, sig);
	p->wait_report = (p->wait_report & ~WAIT_REPORT_CONTINUED) |
			 WAIT_REPORT_STOPPED;
	p->cont_notify = false;
	/* The other threads park at their next return to user mode. */
	list_for_each_entry(t, &p->threads, node)
		if (!t->exited && t != ut)
			wake_up_state(t->task, TASK_INTERRUPTIBLE);
	spin_unlock(&p->lock);
	pr_info("signal: pid %d comm %s stopped by signal %d\n", p->pid,
		p->comm, sig);
	process_notify_parent(p, CLD_STOPPED, sig);
	sig_stopped_wait(ut);
}

void user_return_work(struct pt_regs *regs)
{
	struct uthread *ut = current_uthread();
	struct process *p;
	struct k_sigaction ka;
	struct uapi_siginfo info;
	bool restart;
	u64 oldmask;
	int sig;

	if (!ut)
		return;
	p = ut->proc;
	if (READ_ONCE(p->stop_sig))
		sig_stopped_wait(ut);
	if (READ_ONCE(ut->kill_pending))
		uthread_exit(p->exit_status);
	restart = ut->syscall_restart;
	ut->syscall_restart = false;

	spin_lock(&p->lock);
	for (;;) {
		sig = sig_dequeue_any(ut, ~ut->sigmask, &info);
		if (!sig)
			break;
		ka = p->sigactions[sig - 1];
		if (ka.handler == SIG_IGN)
			continue;
		if (ka.handler != SIG_DFL)
			break;
		if (SIGBIT(sig) & (DEFAULT_IGNORE | SIGBIT(SIGCONT)))
			continue;
		if (SIGBIT(sig) & DEFAULT_STOP) {
			sig_do_stop(ut, sig);	/* drops the lock */
			if (READ_ONCE(ut->kill_pending))
				uthread_exit(p->exit_status);
			spin_lock(&p->lock);
			continue;
		}
		/* Terminate (or core: the same status, no dump). */
		sig_kill_locked(p, sig);
		spin_unlock(&p->lock);
		pr_info("signal: pid %d comm %s killed by signal %d\n",
			p->pid, p->comm, sig);
		uthread_exit(p->exit_status);
	}
	if (!sig) {
		spin_unlock(&p->lock);
		if (restart)
			syscall_restart(regs, NULL);
		if (ut->restore_sigmask) {
			ut->restore_sigmask = false;
			spin_lock(&p->lock);
			ut->sigmask = ut->saved_sigmask;
			spin_unlock(&p->lock);
		}
		return;
	}
	if (ka.flags & SA_RESETHAND)
		p->sigactions[sig - 1].handler = SIG_DFL;
	oldmask = ut->restore_sigmask ? ut->saved_sigmask : ut->sigmask;
	spin_unlock(&p->lock);

	if (restart)
		syscall_restart(regs, &ka);
	if (sig_setup_frame(ut, regs, sig, &info, &ka, oldmask)) {
		pr_info("signal: pid %d comm %s: no frame for signal %d (stack %lx): killed by SIGSEGV\n",
			p->pid, p->comm, sig, regs->rsp);
		spin_lock(&p->lock);
		sig_kill_locked(p, SIGSEGV);
		spin_unlock(&p->lock);
		uthread_exit(p->exit_status);
	}
	/*
	 * The handler runs with the mask in force now (sigsuspend's own,
	 * not the one it saved: that one is in the frame, for sigreturn),
	 * plus sa_mask and the signal itself, as Linux.
	 */
	spin_lock(&p->lock);
	ut->restore_sigmask = false;
	ut->sigmask = (ut->sigmask | ka.mask |
		       ((ka.flags & SA_NODEFER) ? 0 : SIGBIT(sig))) &
		      ~UNBLOCKABLE;
	spin_unlock(&p->lock);
}

/* ------------------------------------------------------------ actions */

SYSCALL_DECLARE(rt_sigaction)
{
	struct process *p = current_process();
	int sig = regs->rdi;
	const struct k_sigaction __user *uact = (const void __user *)regs->rsi;
	struct k_sigaction __user *uold = (void __user *)regs->rdx;
	struct k_sigaction act, old;

	if (regs->r10 != KERNEL_SIGSET_SIZE)
		return -EINVAL;
	if (!sig_valid(sig))
		return -EINVAL;
	if (uact && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	if (uact && copy_from_user(&act, uact, sizeof(act)))
		return -EFAULT;
	spin_lock(&p->lock);
	old = p->sigactions[sig - 1];
	if (uact) {
		act.mask &= ~UNBLOCKABLE;
		p->sigactions[sig - 1] = act;
		/* Now ignored: pending instances go (POSIX). */
		if (sig_ignored(p, sig))
			sig_flush_pending(p, SIGBIT(sig));
	}
	spin_unlock(&p->lock);
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/* Set the calling thread's mask; wake another for what it now blocks. */
static void sig_set_mask(struct uthread *self, u64 mask)
{
	struct process *p = self->proc;
	u64 newly, shared;
	struct uthread *ut;

	spin_lock(&p->lock);
	newly = mask & ~self->sigmask;
	self->sigmask = mask & ~UNBLOCKABLE;
	shared = p->shared_pending->set & newly;
	while (shared) {
		int sig = __builtin_ctzll(shared) + 1;

		shared &= ~SIGBIT(sig);
		list_for_each_entry(ut, &p->threads, node)
			if (ut != self && sig_wake(ut, sig))
				break;
	}
	spin_unlock(&p->lock);
}

SYSCALL_DECLARE(rt_sigprocmask)
{
	struct uthread *ut = current_uthread();
	int how = regs->rdi;
	const u64 __user *uset = (const u64 __user *)regs->rsi;
	u64 __user *uold = (u64 __user *)regs->rdx;
	u64 set, old = ut->sigmask;

	if (regs->r10 != KERNEL_SIGSET_SIZE)
		return -EINVAL;
	if (uset) {
		if (get_user_u64(&set, uset))
			return -EFAULT;
		switch (how) {
		case SIG_BLOCK:
			set |= old;
			break;
		case SIG_UNBLOCK:
			set = old & ~set;
			break;
		case SIG_SETMASK:
			break;
		default:
			return -EINVAL;
		}
		sig_set_mask(ut, set);
	}
	if (uold && put_user_u64(old, uold))
		return -EFAULT;
	return 0;
}

SYSCALL_DECLARE(rt_sigpending)
{
	struct uthread *ut = current_uthread();
	struct process *p = ut->proc;
	size_t size = regs->rsi;
	u64 set;

	if (size > KERNEL_SIGSET_SIZE)
		return -EINVAL;
	spin_lock(&p->lock);
	set = (ut->pending->set | p->shared_pending->set) & ut->sigmask;
	spin_unlock(&p->lock);
	return copy_to_user((void __user *)regs->rdi, &set, size) ?
	       -EFAULT : 0;
}

/* ------------------------------------------------------------ sending */

/* A signal number for kill and friends: 1..64 or 0 (a probe). */
static int sig_arg(unsigned long arg)
{
	int sig = arg;		/* an int: the upper half is ignored */

	return sig == 0 || sig_valid(sig) ? sig : -EINVAL;
}

/* Send @info to thread @tid of @p (0: the process). */
static long sig_send_to(struct process *p, int tid, struct uapi_siginfo *info)
{
	struct uthread *t = NULL;
	long ret = 0;

	spin_lock(&p->lock);
	if (tid) {
		t = process_find_thread(p, tid);
		if (!t)
			ret = -ESRCH;
	}
	if (!ret && info->si_signo)
		ret = sig_send_locked(p, t, info);
	spin_unlock(&p->lock);
	return ret;
}

/* kill() of a group or of everyone: under processes_lock. */
struct kill_many {
	struct process *self;
	int pgid;			/* 0: every process but self */
	const struct uapi_siginfo *info;
	unsigned int found;
};

static int kill_one_of_many(struct process *p, void *arg)
{
	struct kill_many *k = arg;

	if (k->pgid ? p->pgid != k->pgid : p == k->self)
		return 0;
	k->found++;
	if (k->info->si_signo) {
		spin_lock(&p->lock);
		sig_send_locked(p, NULL, k->info);
		spin_unlock(&p->lock);
	}
	return 0;
}

/*
 * Linux's rules: pid > 0 that process (a zombie takes the signal and
 * drops it), 0 the caller's process group, -1 every process but the
 * caller, < -1 the group -pid; -ESRCH when nothing matched.  Every
 * process here belongs to root, so permission is never refused.
 */
SYSCALL_DECLARE(kill)
{
	struct process *self = current_process(), *p;
	int pid = regs->rdi, sig = sig_arg(regs->rsi);
	struct kill_many k = { .self = self };
	struct uapi_siginfo info;
	long ret;

	if (sig < 0)
		return sig;
	sig_info_init(&info, sig, SI_USER, self->pid);
	if (pid > 0) {
		p = process_find(pid);
		if (!p)
			return -ESRCH;
		ret = sig ? sig_send_to(p, 0, &info) : 0;
		process_put(p);
		return ret;
	}
	if (pid == (int)0x80000000)
		return -ESRCH;
	k.info = &info;
	k.pgid = pid == 0 ? READ_ONCE(self->pgid) : pid == -1 ? 0 : -pid;
	process_for_each(kill_one_of_many, &k);
	return k.found ? 0 : -ESRCH;
}

/*
 * The process of thread @tid, held, for tkill (@tgid 0) or tgkill:
 * the caller's own first (it owns the thread), else by pid (a thread
 * of another process is found through its process's pid: a first
 * thread, or @tgid).  NULL if none.
 */
static struct process *sig_thread_process(int tgid, int tid)
{
	struct process *self = current_process();
	bool mine;

	if (!tgid || tgid == self->pid) {
		spin_lock(&self->lock);
		mine = process_find_thread(self, tid);
		spin_unlock(&self->lock);
		if (mine) {
			atomic_inc(&self->refs);
			return self;
		}
	}
	return process_find(tgid ? tgid : tid);
}

static long sig_tkill(int tgid, int tid, unsigned long sigarg)
{
	int sig = sig_arg(sigarg);
	struct uapi_siginfo info;
	struct process *p;
	long ret;

	if (sig < 0 || tid <= 0)
		return -EINVAL;
	p = sig_thread_process(tgid, tid);
	if (!p)
		return -ESRCH;
	sig_info_init(&info, sig, SI_TKILL, current_process()->pid);
	ret = sig_send_to(p, tid, &info);
	process_put(p);
	return ret;
}

SYSCALL_DECLARE(tkill)
{
	return sig_tkill(0, regs->rdi, regs->rsi);
}

SYSCALL_DECLARE(tgkill)
{
	if ((int)regs->rdi <= 0)
		return -EINVAL;
	return sig_tkill(regs->rdi, regs->rsi, regs->rdx);
}

/* The siginfo of rt_[tg]sigqueueinfo: the caller's, si_signo forced. */
static long sig_queueinfo(int tgid, int tid, unsigned long sigarg,
			  const void __user *uinfo)
{
	struct process *p = current_process();
	int sig = sig_arg(sigarg);
	struct uapi_siginfo info;
	long ret;

	if (sig < 0)
		return -EINVAL;
	if (copy_from_user(&info, uinfo, sizeof(info)))
		return -EFAULT;
	/* Only the kernel may say SI_USER/SI_KERNEL to another process. */
	if (tgid != p->pid && (info.si_code >= 0 || info.si_code == SI_TKILL))
		return -EPERM;
	p = tid ? sig_thread_process(tgid, tid) : process_find(tgid);
	if (!p)
		return -ESRCH;
	info.si_signo = sig;
	ret = sig_send_to(p, tid, &info);
	process_put(p);
	return ret;
}

SYSCALL_DECLARE(rt_sigqueueinfo)
{
	return sig_queueinfo(regs->rdi, 0, regs->rsi,
			     (const void __user *)regs->rdx);
}

SYSCALL_DECLARE(rt_tgsigqueueinfo)
{
	if ((int)regs->rdi <= 0 || (int)regs->rsi <= 0)
		return -EINVAL;
	return sig_queueinfo(regs->rdi, regs->rsi, regs->rdx,
			     (const void __user *)regs->r10);
}

/* ------------------------------------------------------------ execve */

void signal_exec_reset(struct uthread *ut)
{
	struct process *p = ut->proc;

	spin_lock(&p->lock);
	/* Linux's flush_signal_handlers(, 0): ignored ones stay ignored. */
	for (int i = 0; i < NR_SIGNALS; i++) {
		struct k_sigaction *ka = &p->sigactions[i];

		if (ka->handler != SIG_IGN)
			ka->handler = SIG_DFL;
		ka->flags = 0;
		ka->restorer = 0;
		ka->mask = 0;
	}
	ut->altstack.ss_sp = 0;
	ut->altstack.ss_size = 0;
	ut->altstack.ss_flags = 0;
	ut->fault_sig = 0;
	spin_unlock(&p->lock);
}

/* ------------------------------------------------------------ return */

SYSCALL_DECLARE(rt_sigreturn)
{
	struct uthread *ut = current_uthread();
	struct process *p = ut->proc;
	struct pt_regs *r = (struct pt_regs *)regs;
	struct uapi_stack st;
	u64 mask;

	if (sigframe_restore(r, &mask, &st)) {
		pr_info("signal: pid %d comm %s: bad rt_sigreturn frame at %lx: killed by SIGSEGV\n",
			p->pid, p->comm, regs->rsp);
		spin_lock(&p->lock);
		sig_kill_locked(p, SIGSEGV);
		spin_unlock(&p->lock);
		return -EFAULT;
	}
	sig_set_mask(ut, mask);
	/* The frame's sigaltstack back, unless running on the current one. */
	if (!on_altstack(ut, r->rsp)) {
		if (st.ss_flags & SS_DISABLE) {
			ut->altstack.ss_sp = 0;
			ut->altstack.ss_size = 0;
		} else if (st.ss_size >= MINSIGSTKSZ) {
			ut->altstack.ss_sp = st.ss_sp;
			ut->altstack.ss_size = st.ss_size;
		}
		ut->altstack.ss_flags = st.ss_flags & SS_AUTODISARM;
	}
	return r->rax;		/* the dispatcher stores it back */
}

SYSCALL_DECLARE(sigaltstack)
{
	struct uthread *ut = current_uthread();
	const struct uapi_stack __user *uss = (const void __user *)regs->rdi;
	struct uapi_stack __user *uoss = (void __user *)regs->rsi;
	struct uapi_stack ss, old = {
		.ss_sp = ut->altstack.ss_sp,
		.ss_size = ut->altstack.ss_size,
		.ss_flags = altstack_flags(ut, regs->rsp),
	};
	int mode;

	if (uss) {
		if (copy_from_user(&ss, uss, sizeof(ss)))
			return -EFAULT;
		if (on_altstack(ut, regs->rsp))
			return -EPERM;
		mode = ss.ss_flags & ~SS_AUTODISARM;
		if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
			return -EINVAL;
		if (mode == SS_DISABLE) {
			ss.ss_sp = 0;
			ss.ss_size = 0;
		} else if (ss.ss_size < MINSIGSTKSZ) {
			return -ENOMEM;
		}
		ut->altstack.ss_sp = ss.ss_sp;
		ut->altstack.ss_size = ss.ss_size;
		ut->altstack.ss_flags = ss.ss_flags & SS_AUTODISARM;
	}
	if (uoss && copy_to_user(uoss, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/* ------------------------------------------------------------ waiting */

/* Sleep until a signal is pending (pause, rt_sigsuspend). */
static void sig_wait(void)
{
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (signal_pending())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
}

SYSCALL_DECLARE(pause)
{
	sig_wait();
	return -ERESTARTNOHAND;
}

SYSCALL_DECLARE(rt_sigsuspend)
{
	struct uthread *ut = current_uthread();
	u64 mask;

	if (regs->rsi != KERNEL_SIGSET_SIZE)
		return -EINVAL;
	if (get_user_u64(&mask, (const u64 __user *)regs->rdi))
		return -EFAULT;
	ut->saved_sigmask = ut->sigmask;
	ut->restore_sigmask = true;
	sig_set_mask(ut, mask);
	sig_wait();
	return -ERESTARTNOHAND;
}


SYSCALL_DECLARE(rt_sigtimedwait)
{
	struct uthread *ut = current_uthread();
	struct process *p = ut->proc;
	void __user *uinfo = (void __user *)regs->rsi;
	const void __user *uts = (const void __user *)regs->rdx;
	u64 these, ns = 0, deadline = KTIME_MAX, saved;
	struct uapi_siginfo info;
	int sig, ret;

	if (regs->r10 != KERNEL_SIGSET_SIZE)
		return -EINVAL;
	if (get_user_u64(&these, (const u64 __user *)regs->rdi))
		return -EFAULT;
	these &= ~UNBLOCKABLE;
	if (uts) {
		ret = get_user_timespec_ns(uts, &ns);
		if (ret)
			return ret;
		deadline = ktime_add_sat(ktime_get(), ns);
	}

	spin_lock(&p->lock);
	sig = sig_dequeue_any(ut, these, &info);
	saved = ut->sigmask;
	if (!sig && (!uts || ns))
		ut->sigmask &= ~these;	/* let them wake us */
	spin_unlock(&p->lock);
	if (!sig && (!uts || ns)) {
		for (;;) {
			u64 now = ktime_get();

			set_current_state(TASK_INTERRUPTIBLE);
			if (signal_pending() || now >= deadline)
				break;
			if (deadline == KTIME_MAX)
				schedule();
			else
				schedule_timeout(ktime_sleep_ticks(deadline,
								   now));
		}
		__set_current_state(TASK_RUNNING);
		spin_lock(&p->lock);
		ut->sigmask = saved;
		sig = sig_dequeue_any(ut, these, &info);
		spin_unlock(&p->lock);
		if (!sig && signal_pending())
			return -EINTR;
	}
	if (!sig)
		return -EAGAIN;
	if (uinfo && copy_to_user(uinfo, &info, sizeof(info)))
		return -EFAULT;
	return sig;
}

/* ------------------------------------------------------------ ITIMER_REAL */

static int itimer_thread(void *arg)
{
	struct process *p = arg;
	struct uapi_siginfo info;

	sig_info_init(&info, SIGALRM, SI_KERNEL, 0);
	for (;;) {
		u64 deadline, now;

		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		now = ktime_get();
		spin_lock(&p->lock);
		deadline = p->itimer_deadline;
		if (deadline && now >= deadline) {
			u64 next = 0;

			if (p->itimer_interval) {
				next = deadline + p->itimer_interval;
				if (next <= now)
					next = now + p->itimer_interval;
			}
			p->itimer_deadline = next;
			sig_send_locked(p, NULL, &info);
			spin_unlock(&p->lock);
			__set_current_state(TASK_RUNNING);
			continue;
		}
		spin_unlock(&p->lock);
		if (deadline)
			schedule_timeout(ktime_sleep_ticks(deadline, now));
		else
			schedule();
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

static void ns_to_timeval(u64 ns, struct uapi_timeval *tv)
{
	tv->tv_sec = ns / NSEC_PER_SEC;
	tv->tv_usec = (ns % NSEC_PER_SEC) / 1000;
}

/* A timeval's ns, rounded up to 1 us units; -EINVAL if malformed. */
static int timeval_to_ns(const struct uapi_timeval *tv, u64 *ns)
{
	if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000)
		return -EINVAL;
	return timespec_to_ns(tv->tv_sec, tv->tv_usec * 1000, ns);
}

/*
 * Arm ITIMER_REAL of the calling process with @value / @interval ns
 * (@value 0: disarm); the old setting in *@old_value, *@old_interval.
 */
static int itimer_set(u64 value, u64 interval, u64 *old_value,
		      u64 *old_interval)
{
	struct process *p = current_process();
	struct task *t = NULL;
	u64 now = ktime_get();

	if (value && !READ_ONCE(p->itimer_task)) {
		t = kthread_run(itimer_thread, p, "itimer-%d", p->pid);
		if (IS_ERR(t))
			return -ENOMEM;
	}
	spin_lock(&p->lock);
	if (t) {
		if (p->itimer_task) {
			spin_unlock(&p->lock);
			kthread_stop(t);	/* another thread made one */
			spin_lock(&p->lock);
		} else {
			p->itimer_task = t;
		}
	}
	*old_value = p->itimer_deadline ?
		     (p->itimer_deadline > now ?
		      p->itimer_deadline - now : 1) : 0;
	*old_interval = p->itimer_interval;
	p->itimer_deadline = value ? ktime_add_sat(now, value) : 0;
	p->itimer_interval = value ? interval : 0;
	t = p->itimer_task;
	spin_unlock(&p->lock);
	if (t)
		wake_up_process(t);
	return 0;
}

SYSCALL_DECLARE(alarm)
{
	unsigned int secs = regs->rdi;
	u64 old, old_interval;
	int ret;

	ret = itimer_set((u64)secs * NSEC_PER_SEC, 0, &old, &old_interval);
	if (ret)
		return ret;
	/* Seconds left, rounded to nearest, at least 1 if armed (Linux). */
	if (!old)
		return 0;
	old = (old + NSEC_PER_SEC / 2) / NSEC_PER_SEC;
	return old ? old : 1;
}

/* ITIMER_VIRTUAL and ITIMER_PROF are not implemented: -ENOSYS, logged. */
static int itimer_which(int which)
{
	if (which == ITIMER_REAL)
		return 0;
	if (which == ITIMER_VIRTUAL || which == ITIMER_PROF) {
		pr_warn_once("signal: ITIMER_VIRTUAL/ITIMER_PROF not implemented: -ENOSYS\n");
		return -ENOSYS;
	}
	return -EINVAL;
}

SYSCALL_DECLARE(setitimer)
{
	const struct uapi_timeval __user *unew = (const void __user *)regs->rsi;
	struct uapi_timeval __user *uold = (void __user *)regs->rdx;
	struct uapi_timeval nv[2] = { 0 }, ov[2];
	u64 value = 0, interval = 0, old, old_interval;
	int ret = itimer_which(regs->rdi);

	if (ret)
		return ret;
	if (unew) {
		if (copy_from_user(nv, unew, sizeof(nv)))
			return -EFAULT;
		ret = timeval_to_ns(&nv[0], &interval);
		if (!ret)
			ret = timeval_to_ns(&nv[1], &value);
		if (ret)
			return ret;
	}
	ret = itimer_set(value, interval, &old, &old_interval);
	if (ret)
		return ret;
	ns_to_timeval(old_interval, &ov[0]);
	ns_to_timeval(old, &ov[1]);
	if (uold && copy_to_user(uold, ov, sizeof(ov)))
		return -EFAULT;
	return 0;
}

SYSCALL_DECLARE(getitimer)
{
	struct process *p = current_process();
	struct uapi_timeval v[2];
	u64 now = ktime_get(), left = 0;
	int ret = itimer_which(regs->rdi);

	if (ret)
		return ret;
	spin_lock(&p->lock);
	if (p->itimer_deadline)
		left = p->itimer_deadline > now ?
		       p->itimer_deadline - now : 1000;
	ns_to_timeval(p->itimer_interval, &v[0]);
	spin_unlock(&p->lock);
	ns_to_timeval(left, &v[1]);
	return copy_to_user((void __user *)regs->rsi, v, sizeof(v)) ?
	       -EFAULT : 0;
}
