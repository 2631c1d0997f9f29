/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Processes and their threads.
 *
 * A user thread (struct uthread) is a kernel thread whose function
 * enters ring 3 and never comes back: from then on the thread runs user
 * code and enters the kernel only through SYSCALL, interrupts and
 * exceptions, always on its own kernel stack.  Its struct user_context
 * (page table, FS/GS bases) is registered with the arch code, which
 * installs it on every switch to the thread.
 *
 * Lifetime: a thread that exits stays on process->threads, marked
 * exited, until another thread of the process exits or the process is
 * reaped: uthread_exit() first frees the threads that exited before it
 * (uthread_reap_exited()), and process_reap() frees the rest.  Freeing
 * is kthread_stop(), which waits for the thread's final switch, then
 * frees its stack and FPU state; so no CPU runs on a freed stack, and
 * once every thread is freed no CPU has the process page table loaded.
 * Nobody else keeps a pointer to an exited thread: exit_group skips
 * them, uthread_start() looks for a thread not started yet, and a futex
 * waiter leaves its queue before it can exit.  A program that creates
 * and joins threads forever therefore holds at most the threads exiting
 * at the same moment, not one kernel stack per thread ever made.  When
 * the last thread exits, process->exited completes; process_reap() then
 * frees the remaining threads and the address space.
 *
 * Exits: exit(2) ends one thread; exit_group(2) and fatal exceptions
 * mark every other thread kill_pending and wake it.  A marked thread
 * exits at its next return to user mode (user_return_work(), signal.c),
 * which the timer tick guarantees within a tick even for a thread
 * spinning in user
 * mode; a thread asleep in futex_wait() or on a pipe wakes with -EINTR
 * first.  Signals (signal.c) are delivered on the same way back to user
 * mode; a fatal one marks every thread like exit_group.
 *
 * Lock order: process->lock is taken with no other lock held; under it
 * only the scheduler's run-queue locks are taken (wake_up_process(),
 * task_cputime(), set_cpus_allowed()).
 */
#include <fit/fit_wire.h>
#include <tessera/bitmap.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/kthread.h>
#include <tessera/mm.h>
#include <tessera/node.h>
#include <tessera/params.h>
#include <tessera/printk.h>
#include <tessera/processor.h>
#include <tessera/slab.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <uapi/futex.h>
#include <uapi/sched.h>
#include <uapi/signal.h>
#include <uapi/wait.h>
#include <asm/desc.h>
#include <asm/fpu.h>
#include <asm/irqflags.h>
#include <asm/traps.h>

#include "internal.h"
#include "cred.h"
#include "fs.h"
#include "pcache/pcache.h"

/*
 * The node's limit on user threads, counted from creation until the
 * thread is freed (an exited thread not yet freed still holds its
 * stack).  processor.max_threads=0 (the default) sizes it like Linux's
 * threads-max: kernel stacks in at most an eighth of memory.
 */
#define MIN_THREADS		64
static unsigned int max_threads_param;
PARAM_UINT("processor.max_threads", max_threads_param, 0, 1U << 20,
	   "user threads on this node (0: an eighth of memory in stacks)");
static unsigned int max_threads = MIN_THREADS;
static unsigned int nr_threads;		/* atomic */

unsigned int uthread_limit(void)
{
	return max_threads;
}

unsigned int uthread_count(void)
{
	return __atomic_load_n(&nr_threads, __ATOMIC_RELAXED);
}

/* Count one more thread, unless the node is at its limit. */
static bool uthread_charge(void)
{
	unsigned int n = __atomic_load_n(&nr_threads, __ATOMIC_RELAXED);

	do {
		if (n >= max_threads) {
			pr_warn_once("processor: %u user threads, the limit (processor.max_threads): clone is -EAGAIN\n",
				     n);
			return false;
		}
	} while (!__atomic_compare_exchange_n(&nr_threads, &n, n + 1, false,
					      __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	return true;
}

static void uthread_uncharge(void)
{
	__atomic_sub_fetch(&nr_threads, 1, __ATOMIC_RELAXED);
}

/* Free an exited (or never started) thread taken off its process. */
static void uthread_free(struct uthread *ut)
{
	/* Waits for its final switch, then frees its stack and FPU state. */
	if (ut->task)
		kthread_stop(ut->task);
	if (!ut->uncharged)
		uthread_uncharge();
	signal_thread_free(ut);
	cred_put(ut->cred);
	kfree(ut);
}

struct uthread *current_uthread(void)
{
	struct user_context *uc = current_user_context();

	return uc ? container_of(uc, struct uthread, uctx) : NULL;
}

struct process *current_process(void)
{
	struct uthread *ut = current_uthread();

	return ut ? ut->proc : NULL;
}

static int uthread_main(void *arg)
{
	struct uthread *ut = arg;

	/*
	 * The first thread, in the process's context, before any user
	 * code: /proc's view of the initial stack (a forked child has its
	 * parent's), and a forked child's CLONE_CHILD_SETTID word, in its
	 * own memory.
	 */
	if (ut->tid == ut->proc->pid && !ut->proc->forked)
		pseudofs_process_start(ut->proc, ut->start_regs.rsp);
	if (ut->set_child_tid)
		put_user_u32(ut->tid, ut->set_child_tid);
	user_enter(&ut->start_regs);
}

/*
 * A new thread of @p, not started: it will enter user mode with @regs
 * and FS base @fs_base.  NULL or ERR_PTR(-ENOMEM / -EAGAIN).
 */
static struct uthread *uthread_create(struct process *p,
				      const struct pt_regs *regs,
				      unsigned long fs_base)
{
	struct uthread *ut;
	struct task *t;
	bool dying;

	if (!uthread_charge())
		return ERR_PTR(-EAGAIN);
	ut = kzalloc(sizeof(*ut), GFP_KERNEL);
	if (!ut)
		goto uncharge;
	ut->proc = p;
	ut->cred = cred_for_new_thread();
	if (signal_thread_init(ut))
		goto free_ut;
	ut->start_regs = *regs;
	ut->uctx.fs_base = fs_base;
	ut->uctx.pgd_pa = p->mm->pgd_pa;
	t = kthread_create(uthread_main, ut, "%s", p->comm);
	if (IS_ERR(t))
		goto free_ut;
	ut->task = t;
	if (fpu_alloc(t)) {
		uthread_free(ut);
		return ERR_PTR(-ENOMEM);
	}
	ut->tid = t->pid;

	spin_lock(&p->lock);
	dying = p->group_exit;
	if (!dying) {
		list_add_tail(&ut->node, &p->threads);
		p->nr_live++;
	}
	spin_unlock(&p->lock);
	if (dying) {
		uthread_free(ut);
		return ERR_PTR(-EAGAIN);
	}
	user_context_register(t, &ut->uctx);
	return ut;

free_ut:
	signal_thread_free(ut);
	cred_put(ut->cred);
	kfree(ut);
uncharge:
	uthread_uncharge();
	return ERR_PTR(-ENOMEM);
}

static const char *exe_basename(const char *exe)
{
	const char *slash = strrchr(exe, '/');

	return slash ? slash + 1 : exe;
}

/* A new process running nothing yet, one reference; NULL on -ENOMEM. */
static struct process *process_alloc(const char *exe)
{
	struct process *p = kzalloc(sizeof(*p), GFP_KERNEL);

	if (!p)
		return NULL;
	atomic_set(&p->refs, 1);
	spin_lock_init(&p->lock);
	INIT_LIST_HEAD(&p->threads);
	INIT_LIST_HEAD(&p->all);
	INIT_LIST_HEAD(&p->children);
	INIT_LIST_HEAD(&p->sibling);
	INIT_LIST_HEAD(&p->reap_link);
	init_waitqueue_head(&p->child_wq);
	init_completion(&p->exited);
	strscpy(p->exe, exe, sizeof(p->exe));
	strscpy(p->comm, exe_basename(exe), sizeof(p->comm));
	if (signal_process_init(p)) {
		kfree(p);
		return NULL;
	}
	return p;
}

void process_free(struct process *p)
{
	struct uthread *ut, *tmp;

	/* Only a process that never ran still has these. */
	list_for_each_entry_safe(ut, tmp, &p->threads, node) {
		list_del(&ut->node);
		uthread_free(ut);
	}
	if (p->mm)
		pmm_put(p->mm);
	if (p->files)
		fd_table_destroy(p->files);
	signal_process_free(p);
	kfree(p->start.args);
	kfree(p);
}

struct pmm *process_mm_get(struct process *p)
{
	struct pmm *mm;

	spin_lock(&p->lock);
	mm = p->mm;
	if (mm)
		pmm_get(mm);
	spin_unlock(&p->lock);
	return mm;
}

/*
 * p->files is only replaced under p->lock (exit sets it NULL, then
 * closes the table), so a table seen under the lock is alive while the
 * lock is held.
 */
struct ufile *process_fd_get(struct process *p, int fd)
{
	struct ufile *f = ERR_PTR(-EBADF);

	spin_lock(&p->lock);
	if (p->files)
		f = fd_get(p->files, fd);
	spin_unlock(&p->lock);
	return f;
}

bool process_fd_bitmap(struct process *p, unsigned long *bits,
		       unsigned int nbits)
{
	bool open;

	bitmap_zero(bits, nbits);
	spin_lock(&p->lock);
	open = p->files;
	for (unsigned int fd = 0; open && fd < nbits && fd < FD_MAX; fd++)
		if (READ_ONCE(p->files->fd[fd]))
			__set_bit(fd, bits);
	spin_unlock(&p->lock);
	return open;
}

struct process *process_spawn(int memory_node, const char *exe,
			      const char *strings, u32 strings_len, u32 argc,
			      u32 envc, const char *cwd,
			      const struct cred *cred)
{
	struct pt_regs regs = { 0 };
	unsigned long entry, sp;
	struct uthread *ut;
	struct process *p;
	int ret;

	p = process_alloc(exe);
	if (!p)
		return ERR_PTR(-ENOMEM);
	ret = -ENOMEM;
	p->files = fd_table_create();
	if (!p->files)
		goto free_proc;
	process_misc_init(p);
	if (cwd)
		strscpy(p->files->cwd, cwd, sizeof(p->files->cwd));
	if (memory_node < 0 || memory_node >= FIT_MAX_NODES) {
		ret = -EINVAL;
		goto free_proc;
	}
	p->mm = pmm_remote_create(memory_node);
	if (!p->mm)
		goto free_proc;
	/* AT_UID & co.: the ids it starts with (--uid/--gid, or root's). */
	ret = pmm_remote_exec(p->mm, cred ? cred : current_cred(), exe,
			      strings, strings_len, argc, envc, &entry, &sp);
	if (ret)
		goto free_proc;
	/* The loader starts the heap empty: the break is its start. */
	pmm_lock(p->mm);
	p->start_brk = p->mm->ops->brk(p->mm, 0);
	p->brk = p->start_brk;
	pmm_unlock(p->mm);

	regs.rip = entry;
	regs.rsp = sp;
	regs.cs = __USER_CS;
	regs.ss = __USER_DS;
	regs.rflags = USER_RFLAGS_INIT;
	regs.orig_rax = -1UL;
	ut = uthread_create(p, &regs, 0);
	if (IS_ERR(ut)) {
		ret = PTR_ERR(ut);
		goto free_proc;
	}
	if (cred) {		/* not running yet: nobody else looks */
		cred_put(ut->cred);
		ut->cred = cred_get(cred);
	}
	p->pid = ut->tid;
	p->exit_signal = 0;	/* nobody to tell but the launcher */
	process_link(p, NULL);
	wake_up_process(ut->task);
	return p;

free_proc:
	process_free(p);
	return ERR_PTR(ret);
}

int process_wait(struct process *p)
{
	wait_for_completion(&p->exited);
	return p->exit_status;
}

void process_reap(struct process *p)
{
	process_unlink(p);
	process_put(p);
}

void process_teardown(struct process *p)
{
	struct uthread *ut, *tmp;
	struct pmm *mm;

	/* Its interval timer thread, stopped before anything goes. */
	signal_process_stop(p);
	list_for_each_entry_safe(ut, tmp, &p->threads, node) {
		list_del(&ut->node);
		uthread_free(ut);
	}
	/* No CPU has its page table loaded any more. */
	spin_lock(&p->lock);
	mm = p->mm;
	p->mm = NULL;
	spin_unlock(&p->lock);
	pmm_put(mm);
	/* For leak checks (tests/cluster/test_memsys.py). */
	pr_info("processor: reaped pid %d: free_pages %llu\n", p->pid,
		(unsigned long long)nr_free_pages());
}

void process_vfork_release(struct process *p)
{
	struct completion *done;

	spin_lock(&p->lock);
	done = p->vfork_done;
	p->vfork_done = NULL;
	spin_unlock(&p->lock);
	if (done)
		complete(done);
}

/*
 * The last thread of @p is exiting: what must not wait for the teardown
 * thread, in the thread's own context.  Its files close now (a pipe's
 * reader sees EOF at once, not when someone waits for this process),
 * a vfork parent goes on, and the rest is queued.
 */
static void process_last_thread_exit(struct process *p)
{
	struct fd_table *files;

	spin_lock(&p->lock);
	files = p->files;
	p->files = NULL;
	spin_unlock(&p->lock);
	if (files)
		fd_table_destroy(files);
	process_vfork_release(p);
	spin_lock(&processes_lock);
	p->state = PROCESS_EXITING;
	spin_unlock(&processes_lock);
	process_queue_teardown(p);
}

/*
 * Free the threads of @p that have exited, except @self: off the list
 * under p->lock, then kthread_stop() (which sleeps until each has
 * switched away for the last time) and kfree.  Two threads reaping at
 * once take disjoint sets; a thread is marked exited only after its own
 * reaping, so nobody waits for a thread that waits for it.
 */
void uthread_reap_exited(struct process *p, struct uthread *self)
{
	struct uthread *ut, *tmp;
	LIST_HEAD(dead);

	spin_lock(&p->lock);
	list_for_each_entry_safe(ut, tmp, &p->threads, node)
		if (ut->exited && ut != self)
			list_move_tail(&ut->node, &dead);
	spin_unlock(&p->lock);
	list_for_each_entry_safe(ut, tmp, &dead, node) {
		list_del(&ut->node);
		uthread_free(ut);
	}
}

int uthread_clone(const struct pt_regs *regs, unsigned long tls,
		  bool set_tls, u32 __user *clear_tid)
{
	struct uthread *self = current_uthread();
	struct pt_regs child = *regs;
	struct uthread *ut;

	/* Exited threads still count against the limit until freed. */
	uthread_reap_exited(self->proc, self);
	child.rax = 0;
	ut = uthread_create(self->proc, &child,
			    set_tls ? tls : self->uctx.fs_base);
	if (IS_ERR(ut))
		return PTR_ERR(ut);
	ut->uctx.gs_base = self->uctx.gs_base;
	/* A new thread has its creator's name and CPU mask, as on Linux. */
	memcpy(ut->task->comm, current->comm, sizeof(ut->task->comm));
	set_cpus_allowed(ut->task, READ_ONCE(current->cpus_allowed));
	ut->clear_child_tid = clear_tid;
	ut->sigmask = self->sigmask;
	return ut->tid;
}

/* RLIMIT_NPROC: a place for one more process, or a log line once. */
static bool nproc_reserve(struct process *parent)
{
	u64 limit;

	spin_lock(&parent->lock);
	limit = parent->rlim[RLIMIT_NPROC].rlim_cur;
	spin_unlock(&parent->lock);
	if (process_reserve(limit))
		return true;
	pr_warn_once("processor: fork: %u processes, RLIMIT_NPROC %llu of pid %d: -EAGAIN\n",
		     process_count(), (unsigned long long)limit, parent->pid);
	return false;
}

/*
 * The child's address space: the parent's own with CLONE_VM (vfork),
 * else a copy-on-write copy on the same memory node, made after every
 * line of the parent is written back and made read-only
 * (pmm_fork_prepare()): from then on the memory node holds every byte,
 * and the first write of either side faults and gets its own page there.
 */
static struct pmm *fork_mm(struct process *parent, struct process *p,
			   bool share, int *err)
{
	struct pmm *mm = parent->mm;
	struct pmm *child;

	if (share) {
		pmm_get(mm);
		p->start_brk = parent->start_brk;
		p->brk = parent->brk;
		return mm;
	}
	pmm_lock_change(mm);
	pmm_fork_prepare(mm);
	child = pmm_remote_fork(mm, err);
	p->start_brk = parent->start_brk;
	p->brk = parent->brk;
	pmm_unlock(mm);
	return child;
}

long process_fork(const struct pt_regs *regs, unsigned long flags,
		  unsigned long newsp, u32 __user *parent_tid,
		  u32 __user *child_tid, unsigned long tls)
{
	struct uthread *self = current_uthread(), *ut;
	struct process *parent = self->proc, *p;
	bool vfork = flags & CLONE_VFORK;
	struct completion vfork_done;
	struct pt_regs child = *regs;
	int err = -ENOMEM, pid;

	if (!nproc_reserve(parent))
		return -EAGAIN;
	p = process_alloc(parent->exe);
	if (!p) {
		process_unreserve();
		return -ENOMEM;
	}
	strscpy(p->comm, parent->comm, sizeof(p->comm));
	p->forked = true;
	p->files = fd_table_dup(parent->files);
	if (!p->files)
		goto fail;
	spin_lock(&parent->lock);
	memcpy(p->sigactions, parent->sigactions, sizeof(p->sigactions));
	p->umask = parent->umask;
	p->nondumpable = parent->nondumpable;
	memcpy(p->rlim, parent->rlim, sizeof(p->rlim));
	spin_unlock(&parent->lock);
	p->start = parent->start;
	p->start.start_ns = ktime_get();
	p->start.args = NULL;
	if (parent->start.args_len) {
		p->start.args = kmalloc(parent->start.args_len, GFP_KERNEL);
		if (!p->start.args)
			goto fail;
		memcpy(p->start.args, parent->start.args,
		       parent->start.args_len);
	}
	p->exit_signal = flags & CSIGNAL;

	p->mm = fork_mm(parent, p, flags & CLONE_VM, &err);
	if (!p->mm)
		goto fail;

	child.rax = 0;
	if (newsp)
		child.rsp = newsp;
	ut = uthread_create(p, &child, (flags & CLONE_SETTLS) ? tls :
				       self->uctx.fs_base);
	if (IS_ERR(ut)) {
		err = PTR_ERR(ut);
		goto fail;
	}
	ut->uctx.gs_base = self->uctx.gs_base;
	/* Its registers: the caller's, SSE/AVX state too. */
	memcpy(ut->task->thread.fpu, fpu_save_current(), fpu_state_size());
	memcpy(ut->task->comm, current->comm, sizeof(ut->task->comm));
	set_cpus_allowed(ut->task, READ_ONCE(current->cpus_allowed));
	ut->sigmask = self->sigmask;
	/* A child sharing the memory (not a vfork) must not share a stack. */
	if ((flags & (CLONE_VM | CLONE_VFORK)) != CLONE_VM)
		ut->altstack = self->altstack;
	if (flags & CLONE_CHILD_CLEARTID)
		ut->clear_child_tid = child_tid;
	if (flags & CLONE_CHILD_SETTID)
		ut->set_child_tid = child_tid;
	pid = p->pid = ut->tid;
	if (vfork) {
		init_completion(&vfork_done);
		p->vfork_done = &vfork_done;
	}
	process_link(p, parent);
	if (flags & CLONE_PARENT_SETTID)
		put_user_u32(pid, parent_tid);
	wake_up_process(ut->task);
	/* Until the child execs or exits: it runs on our memory. */
	if (vfork)
		wait_for_completion(&vfork_done);
	return pid;

fail:
	process_unreserve();
	process_free(p);
	return err;
}

/* Start a thread made by uthread_clone() (after the parent's tid writes). */
void uthread_start(int tid)
{
	struct process *p = current_process();
	struct task *t = NULL;
	struct uthread *ut;

	spin_lock(&p->lock);
	list_for_each_entry(ut, &p->threads, node)
		if (ut->tid == tid)
			t = ut->task;
	spin_unlock(&p->lock);
	if (t)
		wake_up_process(t);
}

__noreturn void uthread_exit(int code)
{
	struct uthread *ut = current_uthread();
	struct process *p = ut->proc;
	bool last;

	uthread_reap_exited(p, ut);
	/*
	 * No longer counted against processor.max_threads from here: the
	 * wake below lets pthread_join() return and the program clone at
	 * once, maybe before this thread is off its CPU and can be freed
	 * (its stack and FPU state are freed at its process's next exit
	 * or clone, or at reap).
	 */
	ut->uncharged = true;
	uthread_uncharge();
	if (ut->clear_child_tid) {
		/* pthread_join waits for this zero and the wake. */
		if (!put_user_u32(0, ut->clear_child_tid))
			futex_wake(p->mm, ut->clear_child_tid, 1,
				   FUTEX_BITSET_MATCH_ANY);
	}
	spin_lock(&p->lock);
	process_charge_exited(p, ut);
	ut->exited = true;
	last = --p->nr_live == 0;
	if (last && !p->group_exit) {
		p->exit_status = code & 0xff;
		p->wait_status = W_EXITCODE(code, 0);
	}
	/* No signal is taken from now on: nobody would deliver it. */
	if (last)
		p->group_exit = true;
	spin_unlock(&p->lock);

	if (last)
		process_last_thread_exit(p);
	user_context_unregister(ut->task);
	kthread_exit(0);
}

/*
 * Make the calling process exit with @status (the first such status
 * wins): mark its other live threads kill_pending and wake them, and the
 * calling thread too if @self_too.
 */
static void process_group_kill(int status, bool self_too)
{
	struct uthread *self = current_uthread();
	struct process *p = self->proc;
	struct uthread *ut;

	spin_lock(&p->lock);
	if (!p->group_exit) {
		p->group_exit = true;
		p->exit_status = status;
		p->wait_status = W_EXITCODE(status, 0);
	}
	list_for_each_entry(ut, &p->threads, node) {
		if (ut->exited || (ut == self && !self_too))
			continue;
		WRITE_ONCE(ut->kill_pending, true);
		if (ut != self)
			wake_up_process(ut->task);
	}
	spin_unlock(&p->lock);
}

__noreturn void process_exit_group(int status)
{
	process_group_kill(status, false);
	uthread_exit(status);
}

__noreturn void process_kill_self(int sig)
{
	process_exit_group(EXIT_STATUS_SIGNAL(sig));
}

int user_fault_resolve(unsigned long addr, unsigned long error_code)
{
	struct process *p = current_process();

	if (!p)
		return -EFAULT;
	return pmm_fault(p->mm, addr, error_code);
}

/*
 * The signal Linux sends for an exception in user mode, its si_code and
 * si_addr (the faulting instruction, for those without a data address).
 */
static int trap_signal(unsigned int vector, const struct pt_regs *regs,
		       int *code, unsigned long *addr)
{
	*addr = regs->rip;
	switch (vector) {
	case X86_TRAP_DE:
		*code = FPE_INTDIV;
		return SIGFPE;
	case X86_TRAP_MF:
	case X86_TRAP_XF:
		*code = FPE_FLTINV;
		return SIGFPE;
	case X86_TRAP_UD:
		*code = ILL_ILLOPN;
		return SIGILL;
	case X86_TRAP_BP:
	case X86_TRAP_DB:
		*code = vector == X86_TRAP_DB ? TRAP_BRKPT : SI_KERNEL;
		*addr = 0;
		return SIGTRAP;
	case X86_TRAP_AC:
		*code = BUS_ADRALN;
		return SIGBUS;
	default:
		/* #GP and the rest: SIGSEGV, SI_KERNEL, no address. */
		*code = SI_KERNEL;
		*addr = 0;
		return SIGSEGV;
	}
}

static bool processor_user_trap(struct pt_regs *regs, unsigned int vector,
				unsigned long error_code, unsigned long cr2)
{
	struct uthread *ut = current_uthread();
	unsigned long addr;
	bool handled;
	int sig, code, ret;

	if (!ut)
		return false;
	local_irq_enable();
	if (vector == X86_TRAP_PF) {
		ret = pmm_fault(ut->proc->mm, cr2, error_code);
		if (!ret) {
			local_irq_disable();
			return true;
		}
		if (ret == -ENOMEM) {
			pr_info("fatal signal 9 (out of memory): pid %d comm %s addr %lx ip %lx\n",
				ut->proc->pid, ut->proc->comm, cr2, regs->rip);
			process_kill_self(SIGKILL);
		}
		/* -ENXIO: a file mapping's page past the end of the file. */
		sig = ret == -ENXIO ? SIGBUS : SIGSEGV;
		code = ret == -ENXIO ? BUS_ADRERR :
		       ret == -EACCES ? SEGV_ACCERR : SEGV_MAPERR;
		addr = cr2;
	} else {
		sig = trap_signal(vector, regs, &code, &addr);
		cr2 = 0;
	}
	/* Logged when it kills (no handler), as Linux's unhandled signals. */
	handled = READ_ONCE(ut->proc->sigactions[sig - 1].handler) > SIG_IGN &&
		  !(ut->sigmask & (1ULL << (sig - 1)));
	if (handled)
		;
	else if (sig == SIGSEGV)
		pr_info("segfault: pid %d comm %s addr %lx ip %lx\n",
			ut->proc->pid, ut->proc->comm, cr2, regs->rip);
	else if (vector == X86_TRAP_PF && sig == SIGBUS)
		pr_info("bus error: pid %d comm %s addr %lx ip %lx (past the end of a mapped file)\n",
			ut->proc->pid, ut->proc->comm, cr2, regs->rip);
	else
		pr_info("fatal signal %d (%s): pid %d comm %s addr %lx ip %lx\n",
			sig, x86_exception_name(vector),
			ut->proc->pid, ut->proc->comm, cr2, regs->rip);
	signal_force_fault(sig, code, addr, vector, error_code, cr2);
	local_irq_disable();
	return true;
}

void processor_manager_init(void)
{
	u64 stacks = nr_managed_pages() * PAGE_SIZE / (8 * THREAD_SIZE);

	max_threads = max_threads_param ? max_threads_param :
		      (unsigned int)clamp(stacks, (u64)MIN_THREADS, 1ULL << 20);
	pr_info("processor: at most %u user threads\n", max_threads);
	user_pgtable_init();
	syscall_init();
	realtime_init();
	vdso_init();
	console_user_init();
	pcache_init();
	process_tree_init();
	WRITE_ONCE(user_trap_hook, processor_user_trap);
	if (node_role == ROLE_PROCESSOR)
		initrd_run_programs();
}

