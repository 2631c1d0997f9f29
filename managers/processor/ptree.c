/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The process tree: parents and children, process groups and sessions,
 * the teardown of a process whose last thread exited, zombies, and the
 * system calls on them (wait4, waitid, getppid, setpgid, getpgid,
 * getpgrp, setsid, getsid).
 *
 * Life of a process (Documentation/processor.md, "Processes"):
 *  - RUNNING while it has a live thread.  Its last thread closes its
 *    files (so pipe readers see EOF at once), lets a vfork parent go on,
 *    marks it EXITING and queues it for the teardown thread
 *    ("proc-reaper"), then exits.
 *  - The teardown thread frees its threads (kthread_stop() waits for each
 *    one's final switch), stops its interval timer, drops its address
 *    space (P2M_EXIT on the memory node with the last user), gives its
 *    children to the kernel, logs the "reaped pid" line the leak checks
 *    read, and makes it a ZOMBIE: only its status and times are left.
 *  - A ZOMBIE with a parent process stays until the parent's wait4 or
 *    waitid takes it, after SIGCHLD (the child's exit signal) is sent to
 *    the parent; unless the parent ignores SIGCHLD or set SA_NOCLDWAIT:
 *    then it is freed at once, as on Linux.  A process the launcher
 *    started has no parent process: the launcher waits for it
 *    (process_wait()/process_reap()).  An orphan, whose parent exited
 *    first, is adopted by the kernel: getppid() says 1, as a child of
 *    init, and the teardown thread frees it when it exits.  There is no
 *    user init process; the launcher's program is the top of its tree.
 *
 * Pids are the tids of processes' first threads: the scheduler's task
 * ids, which grow and are not reused within a boot, so a zombie's pid
 * stays unique while it waits.
 *
 * Locking: processes_lock (a spinlock) guards the list of every process,
 * each one's parent, children, state, pgid and sid; it is a leaf except
 * that p->lock may be taken inside it (never the reverse).  A struct
 * process is reference counted (refs): the tree holds one until the
 * process is reaped, process_find() takes one more.
 */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/kthread.h>
#include <tessera/mm.h>
#include <tessera/printk.h>
#include <tessera/sched.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <uapi/resource.h>
#include <uapi/signal.h>
#include <uapi/wait.h>

#include "internal.h"
#include "fs.h"

DEFINE_SPINLOCK(processes_lock);
static LIST_HEAD(all_processes);	/* under processes_lock */
static unsigned int nr_processes;	/* in all_processes, zombies too */

/* The teardown queue and its thread. */
static DEFINE_SPINLOCK(teardown_lock);
static LIST_HEAD(teardown_list);
static DECLARE_WAIT_QUEUE_HEAD(teardown_wq);

unsigned int process_count(void)
{
	return READ_ONCE(nr_processes);
}

bool process_reserve(u64 limit)
{
	bool ok;

	spin_lock(&processes_lock);
	ok = nr_processes < limit;
	if (ok)
		nr_processes++;
	spin_unlock(&processes_lock);
	return ok;
}

void process_unreserve(void)
{
	spin_lock(&processes_lock);
	nr_processes--;
	spin_unlock(&processes_lock);
}

void process_link(struct process *p, struct process *parent)
{
	spin_lock(&processes_lock);
	p->parent = parent;
	if (parent) {
		p->pgid = parent->pgid;
		p->sid = parent->sid;
		list_add_tail(&p->sibling, &parent->children);
	} else {
		/* Started by the kernel: a session and group of its own. */
		p->pgid = p->pid;
		p->sid = p->pid;
	}
	p->state = PROCESS_RUNNING;
	list_add_tail(&p->all, &all_processes);
	/* A fork reserved its place (process_reserve()). */
	if (!parent)
		nr_processes++;
	spin_unlock(&processes_lock);
}

/* Off every list; the caller drops the tree's reference.  Locked. */
static void process_unlink_locked(struct process *p)
{
	if (p->parent)
		list_del_init(&p->sibling);
	p->parent = NULL;
	list_del_init(&p->all);
	nr_processes--;
}

void process_unlink(struct process *p)
{
	spin_lock(&processes_lock);
	process_unlink_locked(p);
	spin_unlock(&processes_lock);
}

struct process *process_find(int pid)
{
	struct process *p, *found = NULL;

	if (pid <= 0)
		return NULL;
	spin_lock(&processes_lock);
	list_for_each_entry(p, &all_processes, all) {
		if (p->pid == pid) {
			atomic_inc(&p->refs);
			found = p;
			break;
		}
	}
	spin_unlock(&processes_lock);
	return found;
}

void process_put(struct process *p)
{
	if (atomic_dec_and_test(&p->refs))
		process_free(p);
}

int process_for_each(int (*fn)(struct process *p, void *arg), void *arg)
{
	struct process *p;
	int ret = 0;

	spin_lock(&processes_lock);
	list_for_each_entry(p, &all_processes, all) {
		if (p->state != PROCESS_RUNNING)
			continue;
		ret = fn(p, arg);
		if (ret)
			break;
	}
	spin_unlock(&processes_lock);
	return ret;
}

/* ------------------------------------------------------------ teardown */

void process_queue_teardown(struct process *p)
{
	spin_lock(&teardown_lock);
	list_add_tail(&p->reap_link, &teardown_list);
	spin_unlock(&teardown_lock);
	wake_up(&teardown_wq);
}

/* Does @parent take no zombies (SIGCHLD ignored or SA_NOCLDWAIT)? */
static bool parent_autoreaps(struct process *parent)
{
	const struct k_sigaction *ka = &parent->sigactions[SIGCHLD - 1];
	bool autoreap;

	spin_lock(&parent->lock);
	autoreap = ka->handler == SIG_IGN || (ka->flags & SA_NOCLDWAIT);
	spin_unlock(&parent->lock);
	return autoreap;
}

/* The siginfo of a child's state change, for SIGCHLD and waitid. */
static void chld_info(struct process *c, struct uapi_siginfo *info)
{
	memset(info, 0, sizeof(*info));
	info->si_signo = SIGCHLD;
	if (c->signaled) {
		info->si_code = (c->wait_status & WCOREFLAG) ? CLD_DUMPED :
							       CLD_KILLED;
		info->chld.status = c->term_sig;
	} else {
		info->si_code = CLD_EXITED;
		info->chld.status = (c->wait_status >> 8) & 0xff;
	}
	info->chld.pid = c->pid;
	info->chld.utime = ns_to_clock_t(c->exited_cputime.runtime_ns);
}

/*
 * @c is torn down: its children go to the kernel, and it becomes a
 * zombie for its parent, or is freed.
 */
static void process_make_zombie(struct process *c)
{
	struct process *parent, *k, *tmp;
	struct uapi_siginfo info;
	LIST_HEAD(dead);
	bool free_now = false;

	chld_info(c, &info);
	spin_lock(&processes_lock);
	/* Orphans: the kernel adopts them; zombies among them go now. */
	list_for_each_entry_safe(k, tmp, &c->children, sibling) {
		list_del_init(&k->sibling);
		k->parent = NULL;
		k->orphan = true;
		if (k->state == PROCESS_ZOMBIE) {
			list_del_init(&k->all);
			nr_processes--;
			list_add_tail(&k->reap_link, &dead);
		}
	}
	c->state = PROCESS_ZOMBIE;
	parent = c->parent;
	if (parent)
		atomic_inc(&parent->refs);
	else if (c->orphan)
		free_now = true;
	spin_unlock(&processes_lock);

	list_for_each_entry_safe(k, tmp, &dead, reap_link)
		process_put(k);

	if (parent) {
		if (c->exit_signal && parent_autoreaps(parent) &&
		    c->exit_signal == SIGCHLD) {
			/* Nobody will wait: gone at once, as on Linux. */
			spin_lock(&processes_lock);
			if (c->parent == parent) {
				process_unlink_locked(c);
				free_now = true;
			}
			spin_unlock(&processes_lock);
		} else if (c->exit_signal) {
			signal_send_kernel(parent, c->exit_signal, &info);
		}
		spin_lock(&processes_lock);
		parent->child_events++;
		spin_unlock(&processes_lock);
		wake_up_all(&parent->child_wq);
		process_put(parent);
	} else if (free_now) {
		process_unlink(c);
	} else {
		/* The launcher's: process_wait() returns now. */
		complete(&c->exited);
	}
	if (free_now)
		process_put(c);
}

void process_notify_parent(struct process *p, int why, int sig)
{
	struct uapi_siginfo info;
	struct process *parent;
	bool nocldstop;

	spin_lock(&processes_lock);
	parent = p->parent;
	if (parent) {
		atomic_inc(&parent->refs);
		parent->child_events++;
	}
	spin_unlock(&processes_lock);
	if (!parent)
		return;
	spin_lock(&parent->lock);
	nocldstop = parent->sigactions[SIGCHLD - 1].flags & SA_NOCLDSTOP;
	spin_unlock(&parent->lock);
	if (!nocldstop) {
		memset(&info, 0, sizeof(info));
		info.si_code = why;
		info.chld.pid = p->pid;
		info.chld.status = sig;
		signal_send_kernel(parent, SIGCHLD, &info);
	}
	wake_up_all(&parent->child_wq);
	process_put(parent);
}

static int teardown_thread(void *arg)
{
	for (;;) {
		struct process *p = NULL;

		wait_event(teardown_wq, !list_empty(&teardown_list));
		spin_lock(&teardown_lock);
		if (!list_empty(&teardown_list)) {
			p = list_first_entry(&teardown_list, struct process,
					     reap_link);
			list_del_init(&p->reap_link);
		}
		spin_unlock(&teardown_lock);
		if (!p)
			continue;
		process_teardown(p);
		process_make_zombie(p);
	}
	return 0;
}

void process_tree_init(void)
{
	struct task *t = kthread_run(teardown_thread, NULL, "proc-reaper");

	BUG_ON(IS_ERR(t));
	kthread_detach(t);
}

static int kill_session(struct process *p, void *arg)
{
	struct uapi_siginfo info;
	int *sid = arg;

	if (p->sid != sid[0])
		return 0;
	memset(&info, 0, sizeof(info));
	info.si_code = SI_KERNEL;
	signal_send_kernel(p, SIGKILL, &info);
	sid[1]++;
	return 0;
}

/* Processes of session @sid not torn down yet. */
static unsigned int session_alive(int sid)
{
	unsigned int n = 0;
	struct process *q;

	spin_lock(&processes_lock);
	list_for_each_entry(q, &all_processes, all)
		if (q->sid == sid && q->state != PROCESS_ZOMBIE)
			n++;
	spin_unlock(&processes_lock);
	return n;
}

unsigned int process_kill_session(int sid)
{
	int arg[2] = { sid, 0 };
	unsigned int left = 0;

	process_for_each(kill_session, arg);
	/* Each dies at its next return to user mode, then is torn down. */
	for (int i = 0; i < 1000 && (left = session_alive(sid)); i++)
		msleep(10);
	if (left)
		pr_err("processor: session %d: %u processes still alive 10 s after SIGKILL\n",
		       sid, left);
	return arg[1];
}

/* ------------------------------------------------------------ wait */

/* Which children a wait selects (wait4's pid, waitid's idtype/id). */
struct wait_sel {
	int pid;		/* > 0: that one */
	int pgid;		/* > 0: that group */
	int options;
};

static bool wait_match(const struct process *c, const struct wait_sel *w)
{
	if (w->pid > 0 && c->pid != w->pid)
		return false;
	if (w->pgid > 0 && c->pgid != w->pgid)
		return false;
	if (w->options & __WALL)
		return true;
	/* A "clone" child has an exit signal other than SIGCHLD. */
	return (c->exit_signal == SIGCHLD) == !(w->options & __WCLONE);
}

/* What a wait found. */
struct wait_result {
	struct process *child;	/* held; NULL: nothing (WNOHANG) */
	int why;		/* CLD_EXITED (or KILLED/DUMPED), CLD_STOPPED, */
				/* CLD_CONTINUED */
	u32 status;		/* wait4's status word */
	int si_status;		/* waitid's si_status */
	int si_code;
};

/*
 * A state change of @c that @w asks for, taken into @r (a zombie off
 * the tree unless WNOWAIT, a stop or continue report cleared unless
 * WNOWAIT).  Under processes_lock.
 */
static bool wait_take(struct process *c, const struct wait_sel *w,
		      struct wait_result *r)
{
	bool keep = w->options & WNOWAIT;
	u8 report;

	if (c->state == PROCESS_ZOMBIE) {
		if (!(w->options & WEXITED))
			return false;
		r->child = c;
		r->status = c->wait_status;
		if (c->signaled) {
			r->si_code = (c->wait_status & WCOREFLAG) ?
				     CLD_DUMPED : CLD_KILLED;
			r->si_status = c->term_sig;
		} else {
			r->si_code = CLD_EXITED;
			r->si_status = (c->wait_status >> 8) & 0xff;
		}
		r->why = CLD_EXITED;
		if (keep)
			atomic_inc(&c->refs);
		else
			process_unlink_locked(c);
		return true;
	}
	spin_lock(&c->lock);
	report = c->wait_report;
	if ((report & WAIT_REPORT_STOPPED) && (w->options & WSTOPPED)) {
		r->why = r->si_code = CLD_STOPPED;
		r->si_status = c->stop_sig ? c->stop_sig : SIGSTOP;
		r->status = (u32)r->si_status << 8 | 0x7f;
		if (!keep)
			c->wait_report &= ~WAIT_REPORT_STOPPED;
	} else if ((report & WAIT_REPORT_CONTINUED) &&
		   (w->options & WCONTINUED)) {
		r->why = r->si_code = CLD_CONTINUED;
		r->si_status = SIGCONT;
		r->status = 0xffff;
		if (!keep)
			c->wait_report &= ~WAIT_REPORT_CONTINUED;
	} else {
		report = 0;
	}
	spin_unlock(&c->lock);
	if (!report)
		return false;
	r->child = c;
	atomic_inc(&c->refs);
	return true;
}

/*
 * Wait for a state change of a child selected by @w: 0 with it in @r
 * (r->child NULL for WNOHANG and nothing yet), -ECHILD, or
 * -ERESTARTSYS.  The caller process_put()s r->child.
 */
static int do_wait(struct wait_sel *w, struct wait_result *r)
{
	struct process *self = current_process(), *c;
	struct wait_queue_entry wqe;
	bool any, found;
	u64 events;
	int ret = 0;

	memset(r, 0, sizeof(*r));
	init_wait_entry(&wqe, 0);
	for (;;) {
		prepare_to_wait(&self->child_wq, &wqe, TASK_INTERRUPTIBLE);
		any = found = false;
		spin_lock(&processes_lock);
		events = self->child_events;
		list_for_each_entry(c, &self->children, sibling) {
			if (!wait_match(c, w))
				continue;
			any = true;
			found = wait_take(c, w, r);
			if (found)
				break;
		}
		spin_unlock(&processes_lock);
		if (found || !any || (w->options & WNOHANG))
			break;
		if (signal_pending()) {
			ret = -ERESTARTSYS;
			break;
		}
		if (READ_ONCE(self->child_events) == events)
			schedule();
	}
	finish_wait(&self->child_wq, &wqe);
	if (!ret && !found && !any)
		ret = -ECHILD;
	if (found && r->why == CLD_EXITED && !(w->options & WNOWAIT)) {
		/* Its times and its reaped children's count as ours now. */
		spin_lock(&self->lock);
		process_cputime_add(&self->children_cputime,
				    &r->child->exited_cputime);
		process_cputime_add(&self->children_cputime,
				    &r->child->children_cputime);
		spin_unlock(&self->lock);
	}
	return ret;
}

SYSCALL_DECLARE(wait4)
{
	int pid = regs->rdi, options = regs->rdx;
	int __user *ustatus = (int __user *)regs->rsi;
	void __user *uru = (void __user *)regs->r10;
	struct wait_sel w = { .options = options | WEXITED };
	struct wait_result r;
	struct process *c;
	int ret;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD |
			__WCLONE | __WALL))
		return -EINVAL;
	/* INT_MIN would be the group of -INT_MIN: none (Linux: -ESRCH). */
	if (pid == (int)0x80000000)
		return -ESRCH;
	if (pid > 0)
		w.pid = pid;
	else if (pid == 0)
		w.pgid = current_process()->pgid;
	else if (pid < -1)
		w.pgid = -pid;
	ret = do_wait(&w, &r);
	c = r.child;
	if (ret || !c)
		return ret;
	ret = c->pid;
	if (ustatus && put_user_u32(r.status, (u32 __user *)ustatus))
		ret = -EFAULT;
	if (uru && rusage_put(uru, &c->exited_cputime, &c->children_cputime))
		ret = -EFAULT;
	process_put(c);
	return ret;
}

SYSCALL_DECLARE(waitid)
{
	int idtype = regs->rdi, id = regs->rsi, options = regs->r10;
	void __user *uinfo = (void __user *)regs->rdx;
	void __user *uru = (void __user *)regs->r8;
	struct wait_sel w = { .options = options };
	struct uapi_siginfo info;
	struct wait_result r;
	struct process *c;
	int ret;

	if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED |
			__WNOTHREAD | __WCLONE | __WALL))
		return -EINVAL;
	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	switch (idtype) {
	case P_ALL:
		break;
	case P_PID:
		if (id <= 0)
			return -EINVAL;
		w.pid = id;
		break;
	case P_PGID:
		if (id < 0)
			return -EINVAL;
		w.pgid = id ? id : current_process()->pgid;
		break;
	case P_PIDFD:
		pr_warn_once("waitid: P_PIDFD not supported: -ENOSYS\n");
		return -ENOSYS;
	default:
		return -EINVAL;
	}
	ret = do_wait(&w, &r);
	if (ret)
		return ret;
	c = r.child;
	/* WNOHANG with nothing yet: a zeroed si_signo and si_pid. */
	memset(&info, 0, sizeof(info));
	if (c) {
		info.si_signo = SIGCHLD;
		info.si_code = r.si_code;
		info.chld.pid = c->pid;
		info.chld.status = r.si_status;
	}
	if (uinfo && copy_to_user(uinfo, &info, sizeof(info)))
		ret = -EFAULT;
	if (c && uru &&
	    rusage_put(uru, &c->exited_cputime, &c->children_cputime))
		ret = -EFAULT;
	if (c)
		process_put(c);
	return ret;
}

/* ------------------------------------------------------------ ids */

int process_ppid(struct process *p)
{
	int ppid;

	spin_lock(&processes_lock);
	/* The launcher's programs: children of the kernel (pid 0). */
	ppid = p->parent ? p->parent->pid : p->orphan ? 1 : 0;
	spin_unlock(&processes_lock);
	return ppid;
}

char process_state_char(struct process *p)
{
	enum process_state state;

	spin_lock(&processes_lock);
	state = p->state;
	spin_unlock(&processes_lock);
	if (state != PROCESS_RUNNING)
		return 'Z';
	if (READ_ONCE(p->stop_sig))
		return 'T';
	return p == current_process() ? 'R' : 'S';
}

unsigned int process_pids(int *pids, unsigned int max)
{
	unsigned int n = 0;
	struct process *p;

	spin_lock(&processes_lock);
	list_for_each_entry(p, &all_processes, all) {
		if (n < max)
			pids[n] = p->pid;
		n++;
	}
	spin_unlock(&processes_lock);
	return n;
}

SYSCALL_DECLARE(getppid)
{
	return process_ppid(current_process());
}

/* A process of the caller's session by pid, under processes_lock. */
static struct process *find_locked(int pid)
{
	struct process *p;

	list_for_each_entry(p, &all_processes, all)
		if (p->pid == pid)
			return p;
	return NULL;
}

SYSCALL_DECLARE(setpgid)
{
	struct process *self = current_process(), *p, *q;
	int pid = regs->rdi, pgid = regs->rsi;
	bool group_ok;
	int ret = 0;

	if (pgid < 0)
		return -EINVAL;
	spin_lock(&processes_lock);
	p = pid ? find_locked(pid) : self;
	if (!p || (p != self && p->parent != self)) {
		ret = -ESRCH;
		goto out;
	}
	if (!pgid)
		pgid = p->pid;
	if (p->sid == p->pid) {
		ret = -EPERM;		/* a session leader */
		goto out;
	}
	if (p->sid != self->sid) {
		ret = -EPERM;
		goto out;
	}
	/* Joining a group needs one in the same session. */
	group_ok = pgid == p->pid;
	list_for_each_entry(q, &all_processes, all)
		if (q->pgid == pgid && q->sid == self->sid &&
		    q->state != PROCESS_ZOMBIE)
			group_ok = true;
	if (!group_ok) {
		ret = -EPERM;
		goto out;
	}
	p->pgid = pgid;
out:
	spin_unlock(&processes_lock);
	return ret;
}

/* getpgid and getsid: @want_sid picks which. */
static long get_ids(int pid, bool want_sid)
{
	struct process *p;
	long ret;

	spin_lock(&processes_lock);
	p = pid ? find_locked(pid) : current_process();
	ret = !p ? -ESRCH : want_sid ? p->sid : p->pgid;
	spin_unlock(&processes_lock);
	return ret;
}

SYSCALL_DECLARE(getpgid)
{
	return get_ids(regs->rdi, false);
}

SYSCALL_DECLARE(getpgrp)
{
	return get_ids(0, false);
}

SYSCALL_DECLARE(getsid)
{
	return get_ids(regs->rdi, true);
}

SYSCALL_DECLARE(setsid)
{
	struct process *self = current_process(), *q;
	long ret = self->pid;

	spin_lock(&processes_lock);
	/* Not if a group with our pid exists: we would lead it twice. */
	list_for_each_entry(q, &all_processes, all)
		if (q->pgid == self->pid)
			ret = -EPERM;
	if (ret > 0) {
		self->pgid = self->pid;
		self->sid = self->pid;
	}
	spin_unlock(&processes_lock);
	return ret;
}
