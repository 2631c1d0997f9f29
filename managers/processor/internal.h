/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The processor manager's private contracts, shared by the files of
 * managers/processor/ and their tests (KTAP suite "syscall").
 *
 *   process.c        struct process and struct uthread: creation, clone,
 *                    exit and exit_group, reaping; user exceptions
 *                    (user_trap_hook: page faults, SIGSEGV semantics);
 *                    processor_manager_init() and the local-mode runner
 *   mm.c             struct pmm, a process's address space as the
 *                    processor sees it: its page table plus a backend
 *                    that owns vmas and pages (pmm_backend_ops)
 *   pcache/          the processor's DRAM as a set-associative cache of
 *                    process memory (pcache/pcache.h)
 *   initrd.c         the run manifests of the program archive (a boot
 *                    module) and the runner that starts them
 *   console.c        program stdout/stderr on COM2/COM3
 *   fs.c, fs_path.c  open files: descriptor table, cwd, path lookup,
 *                    the storage node's P2S client (fs.h)
 *   pseudofs.c       /dev, /proc and /sys (pseudofs.h): tree, lookup,
 *                    open files; their text in pseudo_proc.c, the pure
 *                    layouts in pseudo_fmt.c
 *   futex.c          futex wait queues keyed by (mm, uaddr)
 *   eventfd.c,       eventfd and epoll files, and poll/select: waiting
 *   epoll.c,         for descriptors through the files' poll ops
 *   sys_poll.c       (lock order in epoll.c)
 *   signal.c         signals: actions, masks, pending sets, sending,
 *                    delivery on the way back to user mode (the frame
 *                    is arch/x86/kernel/signal.c's), sigaltstack,
 *                    interrupted and restarted calls, ITIMER_REAL
 *   syscall_table.c  the dispatch table, -ENOSYS logging by name
 *   sys_*.c          the system calls
 *   limits.c         rlimit rules and the CPU-time split (pure, host-
 *                    tested; limits.h)
 *
 *   mm_remote.c      the backend: the ops as P2M_* calls over FIT to a
 *                    memory service: a memory node, this node's own
 *                    service in-process (local mode), or over FIT
 *                    loopback (processor.memory_node=self, for tests)
 *
 * Lock order (outermost first):
 *   futex bucket lock -> pmm->mutex -> pcache set lock -> victim-cache
 *   lock -> (allocators)
 *   Every backend op may sleep (a FIT call, or the memory service's
 *   handler run in-process, which takes its mutexes), so the pmm lock is
 *   a mutex (a pcache miss drops it across its round trip: struct pmm) and a fault is resolved only where sleeping is allowed: a
 *   uaccess fault in atomic context (under the futex bucket lock) gets
 *   -EFAULT, and the futex code faults the word in unlocked and retries.
 *   remote_backend.lock (a mutex) is taken with any pmm->mutex held (a
 *   miss evicting another process's dirty line flushes to that
 *   process's backend) but never with a pcache set or victim-cache lock
 *   held; the memory service's locks (in-process) nest inside it.
 *   process->lock is never held while taking any of the above.
 */
#ifndef _MANAGERS_PROCESSOR_INTERNAL_H
#define _MANAGERS_PROCESSOR_INTERNAL_H

#include <tessera/atomic.h>
#include <tessera/completion.h>
#include <tessera/list.h>
#include <tessera/mutex.h>
#include <tessera/sched.h>
#include <tessera/spinlock.h>
#include <tessera/types.h>
#include <tessera/uaccess.h>
#include <tessera/wait.h>
#include <asm/ptrace.h>
#include <asm/syscall.h>
#include <asm/user_pgtable.h>

#include <uapi/signal.h>

#include "limits.h"
#include "pseudofs.h"

#define PROCESS_EXE_MAX		256
#define NR_SIGNALS		64

/* Exit status in the shell's terms: the code, or 128 + signal. */
#define EXIT_STATUS_SIGNAL(sig)	(128 + (sig))

/*
 * What an interrupted system call returns for signal.c to sort out on
 * the way back to user mode (never seen by the program): restart it,
 * or -EINTR when a handler ran (RESTARTSYS: unless SA_RESTART;
 * RESTARTNOHAND: always).  Linux's numbers.
 */
#define ERESTARTSYS		512
#define ERESTARTNOINTR		513
#define ERESTARTNOHAND		514

struct pmm;
struct fd_table;
struct ufile_map_source;

#define PMM_AROUND_PAGES	16	/* P2M_AROUND_PAGES */

/* What a pcache miss learnt from the backend. */
struct pmm_miss_result {
	u32 prot;		/* the vma's PROT_* bits */
	bool zero;		/* never touched: the line was not written, */
				/* the pcache zero-fills it */
	u32 special;		/* > 0: no data, map vDSO page special - 1 */
	/*
	 * Fault-around (a read or fetch miss; set by the pcache): bit i of
	 * @around_want asks for the page at the aligned window's base + i
	 * pages (<fit/memory.h>, p2m_around_base()) into @around_data[i];
	 * the backend sets in @around_got the bits it filled, pages
	 * read-only with the vma's @prot.  @around_want 0: none.
	 */
	u32 around_want;
	u32 around_got;
	/*
	 * Of @around_got, pages the backend created all zeroes for this
	 * process (private anonymous memory): nothing was written into
	 * their @around_data, the pcache zero-fills them and maps them
	 * with the full @prot (the others: read-only).
	 */
	u32 around_zero;
	void *around_data[PMM_AROUND_PAGES];
};

/*
 * Where a process's vmas and pages live: a memory service, through FIT
 * requests (P2M_*, mm_remote.c), pages landing in pcache lines.  Every
 * op runs under the pmm lock (pmm_lock()), except flush (see there) and
 * a pcache's miss and miss_with_flush, which run without it, several
 * threads' at once (struct pmm; never with a change of the address
 * space in flight: pmm_lock_change()).
 * Ops may sleep.  @may_sleep tells the victim cache's flush thread it
 * may be preempted in a write-back (the pcache's own tests also drive it
 * with a backend that does not sleep).
 */
struct pmm_backend_ops {
	const char *name;
	bool may_sleep;
	/*
	 * Without a pcache (pcache=0): the page holding @addr for @access
	 * (P2M_ACCESS_* bits), to be mapped as is: its physical address in
	 * *@pa and the vma protection in *@prot.  -EFAULT (no vma),
	 * -EACCES (protection), -ENOMEM, -EIO; n > 0: no page, map vDSO
	 * page n (pmm_miss_result.special).
	 */
	int (*fault)(struct pmm *mm, unsigned long addr, u32 access,
		     phys_addr_t *pa, u32 *prot);
	/*
	 * A pcache miss (P2M_PCACHE_MISS): copy the PAGE_SIZE bytes of the
	 * page holding @addr into @line, or set res->zero for a page never
	 * touched (anonymous, no data yet) and leave @line alone; the vma
	 * protection in res->prot.  Errors as for fault.
	 */
	int (*miss)(struct pmm *mm, unsigned long addr, u32 access,
		    void *line, struct pmm_miss_result *res);
	/*
	 * Write back a dirty line (P2M_PCACHE_FLUSH): PAGE_SIZE bytes of
	 * @data at page-aligned @addr.  0, -EFAULT (no vma covers @addr any
	 * more: the data is dropped), -ENOMEM, -EIO.  May be called without
	 * pmm->mutex (another process's miss evicting a line of @mm, the
	 * victim cache's flush thread): the backend serialises it with its
	 * other ops itself.  @mm is alive for the whole call.
	 */
	int (*flush)(struct pmm *mm, unsigned long addr, const void *data);
	/*
	 * A miss carrying the flush of a dirty victim of the same address
	 * space (one round trip to a memory node).  The flush is applied
	 * before the miss is served and even if the miss fails.  Optional:
	 * without it the pcache calls flush, then miss.
	 */
	int (*miss_with_flush)(struct pmm *mm, unsigned long addr, u32 access,
			       void *line, struct pmm_miss_result *res,
			       unsigned long flush_addr,
			       const void *flush_data);
	long (*mmap)(struct pmm *mm, unsigned long addr, unsigned long len,
		     u32 prot, u32 flags);
	/*
	 * mmap of the file @src at page-aligned @off (the descriptor was
	 * checked by sys_mm.c).  Optional: without it files do not map
	 * (-ENODEV).
	 */
	long (*mmap_file)(struct pmm *mm, unsigned long addr,
			  unsigned long len, u32 prot, u32 flags,
			  const struct ufile_map_source *src, u64 off);
	int (*munmap)(struct pmm *mm, unsigned long addr, unsigned long len);
	int (*mprotect)(struct pmm *mm, unsigned long addr,
			unsigned long len, u32 prot);
	/* mremap(2) (sys_mm.c checked the arguments); address or -errno. */
	long (*mremap)(struct pmm *mm, unsigned long addr,
		       unsigned long old_len, unsigned long new_len,
		       u32 flags, unsigned long new_addr);
	unsigned long (*brk)(struct pmm *mm, unsigned long brk);
	int (*madvise)(struct pmm *mm, unsigned long addr,
		       unsigned long len, int advice);
	/*
	 * Called for each page of fault() when it is unmapped, and for each
	 * still mapped when the page table goes.
	 */
	void (*put_page)(struct pmm *mm, phys_addr_t pa);
	void (*destroy)(struct pmm *mm);
};

/*
 * A process's address space on the processor.
 *
 * Misses of several threads in flight at once: a pcache miss takes its
 * line under @mutex and drops it for the backend round trip (a fill).
 * Every change of the address space (sys_mm.c: mmap, munmap, mprotect,
 * madvise, brk, mremap) takes the lock with pmm_lock_change(): it bumps
 * @gen and waits until no fill is in flight, so no fill's request (nor
 * the dirty line it carries) reaches the backend after the change; a
 * fill that finds @gen moved when it takes the lock back throws its page
 * away and the access faults again.  Documentation/processor.md.
 */
struct pmm {
	atomic_t users;			/* processes on it (vfork shares it) */
	struct mutex mutex;		/* page table and backend state */
	void *piggyback_buf;		/* the pcache's flush copy */
	unsigned long piggyback_va;	/* its page while a fill carries it */
	bool piggyback_busy;		/* under mutex: the buffer is in use */
	unsigned long gen;		/* under mutex: address-space changes */
	unsigned long fill_seq;		/* under mutex: fills finished */
	atomic_t fills;			/* fills in flight, mutex dropped */
	struct wait_queue_head fill_wq;	/* fills == 0, or fill_seq moved */
	pte_t *pgd;
	phys_addr_t pgd_pa;
	const struct pmm_backend_ops *ops;
	void *backend;			/* the backend's own state */
	u64 nr_faults;			/* under mutex */
	u32 pcache_salt;		/* spreads processes over the sets */
	atomic_t pcache_evicting;	/* its lines being evicted by anyone */
};

/* The thread of a process: a kernel task with a user context. */
struct uthread {
	struct user_context uctx;	/* arch state; the switch installs it */
	struct task *task;
	struct process *proc;
	struct list_head node;		/* process->threads, under proc->lock */
	int tid;
	u32 __user *clear_child_tid;	/* set_tid_address, CLONE_CHILD_CLEARTID */
	unsigned long robust_list;	/* set_robust_list (stored only) */
	/* signal.c's, under proc->lock (sigmask written by the thread only) */
	u64 sigmask;			/* blocked signals */
	u64 saved_sigmask;		/* rt_sigsuspend's mask to restore */
	bool restore_sigmask;		/* saved_sigmask is to be restored */
	bool syscall_restart;		/* rax holds an -ERESTART* code */
	struct sigqueue *pending;	/* signals sent to this thread */
	struct uapi_stack altstack;	/* sigaltstack; ss_flags: AUTODISARM */
	int fault_sig;			/* the pending fault: its signal, */
	u64 fault_trapno, fault_err, fault_cr2; /* for the sigcontext */
	int pdeathsig;			/* PR_SET_PDEATHSIG (stored only) */
	struct cputime cputime_prev;	/* RUSAGE_THREAD: last split reported */
	bool exited;			/* under proc->lock */
	bool uncharged;			/* left the thread count at exit */
	u32 __user *set_child_tid;	/* CLONE_CHILD_SETTID of a new process: */
					/* written in the child's memory */
	volatile bool kill_pending;	/* exit at the next return to user */
	struct pt_regs start_regs;	/* registers of its first user entry */
	const struct cred *cred;	/* cred.h: written by itself only, */
					/* under proc->lock */
};

/*
 * Pending signals: a set, and the siginfo of each; a real-time signal
 * sent again while pending queues one more instance on @queued (each
 * delivered in order), at most SIGQUEUE_RT_MAX per set.
 */
struct sigqueue {
	u64 set;
	struct uapi_siginfo info[NR_SIGNALS];
	struct list_head queued;	/* struct sigqueue_entry */
	unsigned int nr_queued;
};

#define SIGQUEUE_RT_MAX		1024

/* The Linux struct sigaction as rt_sigaction passes it (x86-64). */
struct k_sigaction {
	u64 handler;
	u64 flags;
	u64 restorer;
	u64 mask;
};

/* struct process.state */
enum process_state {
	PROCESS_RUNNING,		/* has live threads */
	PROCESS_EXITING,		/* last thread gone, being torn down */
	PROCESS_ZOMBIE,			/* torn down: a status for wait4 */
};

struct process {
	int pid;			/* = tid of its first thread */
	atomic_t refs;			/* lookups (process_find()) and the */
					/* parent's or launcher's hold */
	char comm[TASK_COMM_LEN];
	char exe[PROCESS_EXE_MAX];	/* readlink("/proc/self/exe") */
	struct pmm *mm;
	unsigned long start_brk;	/* heap start, from the loader */
	unsigned long brk;		/* current break, under the pmm lock */

	spinlock_t lock;		/* threads, states below */
	struct list_head threads;	/* struct uthread, live or exited */
	unsigned int nr_live;		/* threads not exited yet */
	bool group_exit;		/* exit_group or a fatal signal */
	int exit_status;		/* shell terms, see EXIT_STATUS_SIGNAL */
	struct k_sigaction sigactions[NR_SIGNALS];
	struct sigqueue *shared_pending; /* process-directed signals */
	/* ITIMER_REAL (signal.c), under lock: */
	u64 itimer_deadline;		/* ktime_get() ns; 0: disarmed */
	u64 itimer_interval;		/* ns; 0: one shot */
	struct task *itimer_task;	/* sends SIGALRM; made at first use */
	struct fd_table *files;		/* descriptors and cwd (fs.h) */
	/* sys_resource.c's, under lock: */
	u32 umask;			/* file-mode creation mask */
	bool nondumpable;		/* PR_SET_DUMPABLE 0 */
	struct uapi_rlimit64 rlim[RLIM_NLIMITS];
	struct task_cputime exited_cputime; /* of its threads gone by */
	struct cputime cputime_prev;	/* RUSAGE_SELF: last split reported */
	struct pseudo_start start;	/* for /proc/<pid>, set before the */
					/* first user instruction */

	struct completion exited;	/* torn down (launcher's processes) */
	struct list_head all;		/* all_processes */

	/* The process tree (process.c), under processes_lock: */
	struct process *parent;		/* NULL: the kernel's (launcher's, or */
					/* an orphan reaped by the kernel) */
	struct list_head children;	/* struct process.sibling */
	struct list_head sibling;
	bool orphan;			/* adopted by the kernel: getppid 1 */
	bool forked;			/* made by fork, not by the launcher */
	enum process_state state;
	int exit_signal;		/* sent to the parent (CSIGNAL) */
	int pgid, sid;			/* process group, session */
	bool signaled;			/* killed by a signal (p->lock) */
	int term_sig;			/* which (p->lock) */
	u32 wait_status;		/* wait4's status word, set at exit */
	/* Job control (signal.c), under lock: */
	int stop_sig;			/* stopped by it; 0: running */
	u8 wait_report;			/* WAIT_REPORT_*: for the parent */
	bool cont_notify;		/* tell the parent it continued */
	u64 child_events;		/* children's state changes */
	struct wait_queue_head child_wq; /* a child changed state */
	struct completion *vfork_done;	/* the vfork parent waits on it */
	struct task_cputime children_cputime; /* reaped children (lock) */
	struct cputime children_cputime_prev; /* RUSAGE_CHILDREN's split */
	u64 children_maxrss;
	struct list_head reap_link;	/* the teardown queue */
};

/* ---------------------------------------------------------- process.c */

/* The calling thread's uthread / process (NULL in a kernel thread). */
struct uthread *current_uthread(void);
struct process *current_process(void);

/*
 * A process running @exe with the given argv/envp (@strings: argc then
 * envc NUL-terminated strings), its memory on @memory_node
 * (pmm_remote_select(): a node id, maybe this node's), which loads @exe
 * itself (its image registry or the storage node).  @cwd: its working
 * directory (absolute, lexically normal; NULL: "/"); @cred its first
 * thread's credentials (cred.h; NULL: root's).  Started at once;
 * returns it or ERR_PTR (-ENOEXEC with a log line for a bad ELF,
 * -ENOENT, -ENOMEM, -E2BIG, -EIO, -EINVAL for a @memory_node that is an
 * error).  May sleep.
 */
struct cred;
struct process *process_spawn(int memory_node, const char *exe,
			      const char *strings, u32 strings_len, u32 argc,
			      u32 envc, const char *cwd,
			      const struct cred *cred);
/* Wait until every thread of @p has exited; returns its exit status. */
int process_wait(struct process *p);
/* Free @p after process_wait(). */
void process_reap(struct process *p);

/* struct process.wait_report: a state change the parent has not waited for. */
#define WAIT_REPORT_STOPPED	0x1
#define WAIT_REPORT_CONTINUED	0x2

/* ---------------------------------------------------------- ptree.c */

extern spinlock_t processes_lock;
/* Start the teardown thread (processor_manager_init()). */
void process_tree_init(void);
/* Processes on the node, zombies included (RLIMIT_NPROC). */
unsigned int process_count(void);
/*
 * Count one more process if the node has fewer than @limit (a fork's
 * RLIMIT_NPROC check and its place, taken at once so that concurrent
 * forks cannot pass the limit together); process_unreserve() gives the
 * place back when the fork fails.
 */
bool process_reserve(u64 limit);
void process_unreserve(void);
/*
 * Enter new process @p in the tree, a child of @parent (NULL: the
 * kernel); a child's place was reserved.
 */
void process_link(struct process *p, struct process *parent);
/*
 * SIGKILL every live process of session @sid (what a launcher's program
 * left running) and wait until they are torn down; how many were sent.
 */
unsigned int process_kill_session(int sid);
/* Take @p off the tree (the launcher reaps it). */
void process_unlink(struct process *p);
/* @p's last thread is exiting: tear it down in the teardown thread. */
void process_queue_teardown(struct process *p);
/* process.c's side of the teardown: threads, timer, address space. */
void process_teardown(struct process *p);
/*
 * @p stopped (@why CLD_STOPPED, by @sig) or continued (CLD_CONTINUED):
 * SIGCHLD to its parent unless SA_NOCLDSTOP, and a waiting parent wakes.
 * Called by a thread of @p with no lock held.
 */
void process_notify_parent(struct process *p, int why, int sig);
/* Free @p (its last reference went). */
void process_free(struct process *p);
/*
 * The process @pid (live or a zombie), held: process_put() it.  NULL
 * if there is none.
 */
struct process *process_find(int pid);
void process_put(struct process *p);
/*
 * Call @fn for each live process (not exiting) with processes_lock
 * held (it must not sleep); stops at a non-zero return, which it
 * returns.
 */
int process_for_each(int (*fn)(struct process *p, void *arg), void *arg);
/*
 * Another process's state for /proc/<pid>, safe against its exit: its
 * address space, held (pmm_put() it; NULL once torn down); open file
 * @fd, held (ERR_PTR(-EBADF) when closed or exited); the bitmap of its
 * open descriptors (false when its files are closed); its parent's pid
 * as getppid() would say; its state letter for /proc (R, S, T, Z).
 */
struct pmm *process_mm_get(struct process *p);
struct ufile *process_fd_get(struct process *p, int fd);
bool process_fd_bitmap(struct process *p, unsigned long *bits,
		       unsigned int nbits);
int process_ppid(struct process *p);
char process_state_char(struct process *p);
/* Copy @p's pids into @pids (at most @max); how many there are. */
unsigned int process_pids(int *pids, unsigned int max);
/*
 * fork/vfork/clone of a new process from the calling thread (sys_thread.c
 * checked @flags): the child's pid or -errno.
 */
long process_fork(const struct pt_regs *regs, unsigned long flags,
		  unsigned long newsp, u32 __user *parent_tid,
		  u32 __user *child_tid, unsigned long tls);
/*
 * The calling process replaced its image (execve) or is about to exit:
 * a vfork parent waiting for it resumes.
 */
void process_vfork_release(struct process *p);

/*
 * Create a thread of the current process starting in user mode at @regs
 * (copied), with @tls as FS base if @set_tls.  Returns its tid or -errno.
 */
int uthread_clone(const struct pt_regs *regs, unsigned long tls,
		  bool set_tls, u32 __user *clear_tid);
/*
 * The most user threads this node runs at once (processor.max_threads=;
 * exited threads count until they are freed).  uthread_clone() past it
 * is -EAGAIN.
 */
unsigned int uthread_limit(void);
/* User threads on the node now (created, not exited). */
unsigned int uthread_count(void);
/*
 * Free the threads of @p that have exited, except @self (kthread_stop()
 * waits for each one's last switch).
 */
void uthread_reap_exited(struct process *p, struct uthread *self);
/* Start the thread @tid made by uthread_clone(). */
void uthread_start(int tid);
/* End the calling thread (exit(2)). */
__noreturn void uthread_exit(int code);
/* End every thread of the calling process (exit_group(2)). */
__noreturn void process_exit_group(int status);
/* Kill the calling process for signal @sig (status 128 + @sig). */
__noreturn void process_kill_self(int sig);

/* ---------------------------------------------------------- exec.c */

/*
 * Hook for the process model: @p's exec reached its point of no
 * return (a vfork parent waiting for its child resumes here).  A weak
 * no-op in exec.c until process.c defines it.
 */
void process_exec_notify(struct process *p);

/* ---------------------------------------------------------- signal.c */

/* The signal state of a new thread / process: 0 or -ENOMEM. */
int signal_thread_init(struct uthread *ut);
int signal_process_init(struct process *p);
/* Free them (the itimer thread stopped first). */
void signal_thread_free(struct uthread *ut);
void signal_process_free(struct process *p);
/* Stop @p's interval timer thread (its teardown); idempotent. */
void signal_process_stop(struct process *p);
/*
 * Should the calling thread's blocking call stop?  True when it is being
 * killed, or a signal it does not block is pending.  Blocking calls
 * sleep TASK_INTERRUPTIBLE (a send wakes them), check this after setting
 * their state, and return -ERESTARTSYS (restarted under SA_RESTART or
 * when no handler ran, else -EINTR), -ERESTARTNOHAND (-EINTR if a
 * handler ran) or -EINTR; or what they already did (bytes moved).
 */
bool signal_pending(void);
/*
 * The user struct timespec at @uts in ns (timespec_to_ns(): saturated,
 * tv_nsec checked): 0, -EFAULT or -EINVAL (sys_misc.c).
 */
int get_user_timespec_ns(const void __user *uts, u64 *ns);
/* Send the signal of @info to process @p from the kernel (SIGCHLD). */
void signal_send_kernel(struct process *p, int sig,
			const struct uapi_siginfo *info);
/*
 * Send @sig to the calling thread as a kernel-generated signal with
 * @code (SI_USER for SIGPIPE: si_pid is the caller's pid).
 */
void signal_send_self(int sig, int code);
/*
 * A user exception: deliver @sig (si_code @code, si_addr @addr) to the
 * calling thread; a blocked or ignored @sig gets its default action, as
 * Linux's force_sig.  @trapno, @err, @cr2 go into the sigcontext.
 */
void signal_force_fault(int sig, int code, unsigned long addr,
			unsigned long trapno, unsigned long err,
			unsigned long cr2);

/*
 * execve's point of no return, on the only thread left (@ut): handlers
 * back to SIG_DFL (ignored signals stay ignored; flags, masks and
 * restorers cleared), the sigaltstack off.  Blocked mask, pending
 * signals and ITIMER_REAL stay, as on Linux.
 */
void signal_exec_reset(struct uthread *ut);

/* ---------------------------------------------------------- mm.c */

/* The address-space lock (a mutex: backend ops sleep). */
static inline void pmm_lock(struct pmm *mm)
{
	mutex_lock(&mm->mutex);
}

static inline void pmm_unlock(struct pmm *mm)
{
	mutex_unlock(&mm->mutex);
}

/*
 * The lock for a change of the address space: no fill of @mm is in
 * flight once it returns, and every fill still to map sees @gen moved.
 */
void pmm_lock_change(struct pmm *mm);

/* A new address space with @ops as backend; NULL on -ENOMEM. */
struct pmm *pmm_create(const struct pmm_backend_ops *ops, void *backend);
void pmm_destroy(struct pmm *mm);
/* One more process on @mm (vfork); pmm_put() destroys it with the last. */
void pmm_get(struct pmm *mm);
void pmm_put(struct pmm *mm);
/*
 * Before a fork of @mm (caller holds pmm_lock_change()): every line
 * written back and unmapped, so that the memory node holds every byte
 * and each side's next write faults (copy-on-write there).
 */
void pmm_fork_prepare(struct pmm *mm);
/*
 * Resolve a fault at @addr of the current process (the user page-fault
 * path and uaccess).  0 if the access may be retried, else -errno.
 */
int pmm_fault(struct pmm *mm, unsigned long addr, unsigned long error_code);
/*
 * Drop every page-table entry in [start, end) and the pcache lines
 * behind them, with their data (munmap, MADV_DONTNEED, a lower brk).
 * Caller holds the pmm lock.
 */
void pmm_zap(struct pmm *mm, unsigned long start, unsigned long end);
/*
 * Drop the entries and lines of [start, end) but keep the data: dirty
 * lines are written back first (mprotect, MAP_FIXED over a mapping).
 * Caller holds the pmm lock.
 */
void pmm_zap_writeback(struct pmm *mm, unsigned long start,
		       unsigned long end);
/*
 * mprotect after the backend changed the vmas of [start, end) to @prot:
 * the entries that stay mapped get the new rights in place (their lines
 * and dirty bits stay; TLBs flushed), PROT_NONE drops them written back
 * (pmm_zap_writeback()).  Caller holds the pmm lock.
 */
void pmm_protect(struct pmm *mm, unsigned long start, unsigned long end,
		 u32 prot);
/*
 * Give the present entry *@pte the rights of @prot (PROT_*, not none),
 * keeping its page, accessed and dirty bits (an atomic update: the CPU
 * may set them meanwhile).  True if the entry changed (the caller
 * flushes TLBs); false if it was not present or already so.
 */
bool pmm_pte_set_prot(pte_t *pte, u32 prot);

/* ---------------------------------------------------------- mm_remote.c */

extern const struct pmm_backend_ops pmm_remote_ops;

/*
 * Decide where process memory lives (processor.memory_node=local|self|
 * auto|ID), once, before the first program: this node's memory service
 * in-process ("local", and the fallback when another choice fails),
 * over FIT loopback ("self"), or a memory node (an id, or "auto": the
 * lowest-numbered memory node that joins).  May sleep (starts the
 * memory service, connects FIT loopback, waits for the node).  Returns
 * the FIT node to use, or -errno if not even the local service started.
 */
int pmm_remote_select(void);
/*
 * Decide the storage node of programs and file system calls, once,
 * before the first program (processor.storage_node=none|self|auto|ID; may
 * sleep until it has joined).  Returns its id or -ENOENT.
 */
int processor_storage_select(void);
/* The storage node chosen by processor_storage_select(), or -ENOENT. */
int processor_storage_node(void);
/* The memory node serving the remote address space @mm. */
u16 pmm_remote_node(struct pmm *mm);
/* An empty remote address space served by @node; NULL on -ENOMEM. */
struct pmm *pmm_remote_create(u16 node);
/*
 * P2M_FORK: a new remote address space on @parent's memory node, a copy
 * of @parent's (pages shared copy on write there).  The caller holds
 * @parent's pmm_lock_change() and has written back its dirty lines.
 * NULL with *@err = -ENOMEM, -EINVAL (@parent not remote) or -EIO (FIT
 * failure, or the memory node does not know @parent).  May sleep.
 */
struct pmm *pmm_remote_fork(struct pmm *parent, int *err);
/*
 * P2M_EXECVE: the memory node loads the program at @exe (its image
 * registry, or the storage node) with argv/envp @strings (argc then envc
 * NUL-terminated strings) and builds its stack; AT_UID, AT_EUID, AT_GID,
 * AT_EGID (and AT_SECURE) are @cred's, the ids the program will run
 * with.  Entry and stack pointer in *@entry, *@sp.  0 or -errno
 * (-ENOENT, -ENOEXEC, -E2BIG, -ENOMEM, -EIO for a FIT failure).  May
 * sleep.
 */
struct cred;
int pmm_remote_exec(struct pmm *mm, const struct cred *cred,
		    const char *exe, const char *strings, u32 strings_len,
		    u32 argc, u32 envc, unsigned long *entry, unsigned long *sp);
/*
 * The same with P2M_EXECVE_* @flags: non-zero, the program (and with
 * P2M_EXECVE_TMPFS_INTERP its interpreter) is this node's tmpfs object
 * named in @tmpfs, and @exe only its name.  @file_id (non-zero): the
 * storage file the caller opened at @exe (P2M_EXECVE's file_id).
 */
struct p2m_execve_tmpfs;
int pmm_remote_exec_tmpfs(struct pmm *mm, const struct cred *cred,
			  const char *exe, u32 flags,
			  const struct p2m_execve_tmpfs *tmpfs, u64 file_id,
			  const char *strings, u32 strings_len, u32 argc,
			  u32 envc, unsigned long *entry, unsigned long *sp);

/*
 * The text of /proc/<pid>/maps of @mm from its memory node (P2M_MAPS,
 * repeated until the last vma): a kmalloc'd NUL-terminated string in
 * *@text (the caller frees it), its length in *@len.  0, -ENOENT (not a
 * remote address space: local mode has no maps), -ENOMEM, -EIO.  May
 * sleep.
 */
int pmm_remote_maps(struct pmm *mm, char **text, size_t *len);

/* ---------------------------------------------------------- initrd.c */

/* Run every program listed in the boot module (local mode). */
void initrd_run_programs(void);

/* ---------------------------------------------------------- console.c */

/* Write @len bytes of program output on fd 1 or 2.  Returns @len. */
long console_user_write(int fd, const char *buf, size_t len);
void console_user_init(void);

/* ---------------------------------------------------------- futex.c */

/*
 * Wait on @uaddr if it still holds @val: until a wake with a matching
 * bitset, @timeout_ns (absolute ktime_get() ns; 0: forever) or a signal.
 * 0, -EAGAIN, -ETIMEDOUT, -EFAULT, -ERESTARTSYS (no timeout) or
 * -ERESTARTNOHAND (signal_pending()).
 */
int futex_wait(struct pmm *mm, u32 __user *uaddr, u32 val, u32 bitset,
	       u64 timeout_ns);
/* Wake up to @nr waiters of (@mm, @uaddr) with a bitset in @bitset. */
int futex_wake(struct pmm *mm, u32 __user *uaddr, int nr, u32 bitset);
/* Number of waiters queued on (@mm, @uaddr) (tests). */
unsigned int futex_nr_waiters(struct pmm *mm, u32 __user *uaddr);

/* ---------------------------------------------------------- time */

/* CLOCK_REALTIME in ns (CMOS clock at boot + monotonic time). */
u64 realtime_ns(void);
u64 realtime_offset_ns(void);

/* vdso.c: the vDSO's pages (special - 1: 0 [vvar], then [vdso]). */
void vdso_init(void);
/* Pages of the [vdso] image to ask the memory node for; 0: none. */
u32 vdso_pages(void);
/* Map special page @special (p2m_miss_reply.special) at @va. */
int vdso_map_special(pte_t *pgd, unsigned long va, u32 special);
void realtime_init(void);

/* ---------------------------------------------------------- sys_resource.c */

/* Umask, limits and the like of a new process @p (its files exist). */
void process_misc_init(struct process *p);
/*
 * Thread @ut of @p, about to exit, leaves its CPU time to @p's totals.
 * Caller holds p->lock and marks @ut exited in the same section, so a
 * sum over the live threads plus the totals never goes backwards.
 */
void process_charge_exited(struct process *p, struct uthread *ut);
/*
 * The CPU time of @p (its live threads and those gone by) into *@sum.
 * Caller holds p->lock.
 */
void process_cputime_locked(struct process *p, struct task_cputime *sum);
/* The live thread @tid of @p (0: none), or NULL.  Caller holds p->lock. */
struct uthread *process_find_thread(struct process *p, int tid);
/* *@sum += *@ct. */
void process_cputime_add(struct task_cputime *sum,
			 const struct task_cputime *ct);
/*
 * Store the struct rusage of a reaped child (its times @self and those
 * of its own reaped children @children) at @uru: 0 or -EFAULT.
 */
int rusage_put(void __user *uru, const struct task_cputime *self,
	       const struct task_cputime *children);
/* The calling process's umask (file creation). */
u32 current_umask(void);

/* ---------------------------------------------------------- syscalls */

typedef long (*syscall_fn_t)(const struct pt_regs *regs);

/* The name of syscall @nr, or NULL if unassigned / out of range. */
const char *syscall_name(unsigned long nr);
/* True if @nr has a handler (not -ENOSYS). */
bool syscall_implemented(unsigned long nr);

#define SYSCALL_DECLARE(name) long sys_##name(const struct pt_regs *regs)

/* Table entries, defined in the sys_*.c files. */
SYSCALL_DECLARE(read);
SYSCALL_DECLARE(write);
SYSCALL_DECLARE(writev);
SYSCALL_DECLARE(ioctl);
SYSCALL_DECLARE(close);
SYSCALL_DECLARE(newfstatat);
SYSCALL_DECLARE(fstat);
SYSCALL_DECLARE(readlink);
SYSCALL_DECLARE(readlinkat);
SYSCALL_DECLARE(mmap);
SYSCALL_DECLARE(munmap);
SYSCALL_DECLARE(mprotect);
SYSCALL_DECLARE(brk);
SYSCALL_DECLARE(madvise);
SYSCALL_DECLARE(mremap);
SYSCALL_DECLARE(arch_prctl);
SYSCALL_DECLARE(uname);
SYSCALL_DECLARE(getrandom);
SYSCALL_DECLARE(prlimit64);
SYSCALL_DECLARE(rt_sigaction);
SYSCALL_DECLARE(rt_sigprocmask);
SYSCALL_DECLARE(clock_gettime);
SYSCALL_DECLARE(gettimeofday);
SYSCALL_DECLARE(time);
SYSCALL_DECLARE(nanosleep);
SYSCALL_DECLARE(clock_nanosleep);
SYSCALL_DECLARE(sched_yield);
SYSCALL_DECLARE(getpid);
SYSCALL_DECLARE(gettid);
SYSCALL_DECLARE(getppid);
SYSCALL_DECLARE(wait4);
SYSCALL_DECLARE(waitid);
SYSCALL_DECLARE(setpgid);
SYSCALL_DECLARE(getpgid);
SYSCALL_DECLARE(getpgrp);
SYSCALL_DECLARE(setsid);
SYSCALL_DECLARE(getsid);
SYSCALL_DECLARE(vfork);
SYSCALL_DECLARE(fork);
SYSCALL_DECLARE(getuid);
SYSCALL_DECLARE(geteuid);
SYSCALL_DECLARE(getgid);
SYSCALL_DECLARE(getegid);
SYSCALL_DECLARE(setuid);
SYSCALL_DECLARE(setgid);
SYSCALL_DECLARE(setreuid);
SYSCALL_DECLARE(setregid);
SYSCALL_DECLARE(setresuid);
SYSCALL_DECLARE(setresgid);
SYSCALL_DECLARE(getresuid);
SYSCALL_DECLARE(getresgid);
SYSCALL_DECLARE(setfsuid);
SYSCALL_DECLARE(setfsgid);
SYSCALL_DECLARE(getgroups);
SYSCALL_DECLARE(setgroups);
SYSCALL_DECLARE(exit);
SYSCALL_DECLARE(exit_group);
SYSCALL_DECLARE(clone);
SYSCALL_DECLARE(set_tid_address);
SYSCALL_DECLARE(set_robust_list);
SYSCALL_DECLARE(futex);
SYSCALL_DECLARE(tgkill);
/* signal.c */
SYSCALL_DECLARE(rt_sigpending);
SYSCALL_DECLARE(rt_sigreturn);
SYSCALL_DECLARE(rt_sigsuspend);
SYSCALL_DECLARE(rt_sigtimedwait);
SYSCALL_DECLARE(rt_sigqueueinfo);
SYSCALL_DECLARE(rt_tgsigqueueinfo);
SYSCALL_DECLARE(sigaltstack);
SYSCALL_DECLARE(kill);
SYSCALL_DECLARE(tkill);
SYSCALL_DECLARE(pause);
SYSCALL_DECLARE(alarm);
SYSCALL_DECLARE(setitimer);
SYSCALL_DECLARE(getitimer);
SYSCALL_DECLARE(open);
SYSCALL_DECLARE(openat);
SYSCALL_DECLARE(pread64);
SYSCALL_DECLARE(readv);
SYSCALL_DECLARE(lseek);
SYSCALL_DECLARE(stat);
SYSCALL_DECLARE(lstat);
SYSCALL_DECLARE(getdents64);
SYSCALL_DECLARE(access);
SYSCALL_DECLARE(faccessat);
SYSCALL_DECLARE(faccessat2);
SYSCALL_DECLARE(getcwd);
SYSCALL_DECLARE(chdir);
SYSCALL_DECLARE(fchdir);
SYSCALL_DECLARE(dup);
SYSCALL_DECLARE(dup2);
SYSCALL_DECLARE(dup3);
SYSCALL_DECLARE(fcntl);
SYSCALL_DECLARE(sysinfo);
SYSCALL_DECLARE(umask);
SYSCALL_DECLARE(prctl);
SYSCALL_DECLARE(getrlimit);
SYSCALL_DECLARE(setrlimit);
SYSCALL_DECLARE(getrusage);
SYSCALL_DECLARE(times);
SYSCALL_DECLARE(clock_getres);
SYSCALL_DECLARE(sched_getaffinity);
SYSCALL_DECLARE(sched_setaffinity);
SYSCALL_DECLARE(getcpu);
SYSCALL_DECLARE(sched_getparam);
SYSCALL_DECLARE(sched_getscheduler);
SYSCALL_DECLARE(statx);
/* exec.c */
SYSCALL_DECLARE(execve);
SYSCALL_DECLARE(execveat);
/* tmpfs_sys.c: names, sizes and modes (only tmpfs takes changes) */
SYSCALL_DECLARE(mkdir);
SYSCALL_DECLARE(mkdirat);
SYSCALL_DECLARE(unlink);
SYSCALL_DECLARE(unlinkat);
SYSCALL_DECLARE(rmdir);
SYSCALL_DECLARE(rename);
SYSCALL_DECLARE(renameat);
SYSCALL_DECLARE(renameat2);
SYSCALL_DECLARE(truncate);
SYSCALL_DECLARE(ftruncate);
SYSCALL_DECLARE(chmod);
SYSCALL_DECLARE(fchmod);
SYSCALL_DECLARE(fchmodat);
SYSCALL_DECLARE(fsync);
SYSCALL_DECLARE(fdatasync);
SYSCALL_DECLARE(pwrite64);
SYSCALL_DECLARE(creat);
SYSCALL_DECLARE(link);
SYSCALL_DECLARE(linkat);
SYSCALL_DECLARE(symlink);
SYSCALL_DECLARE(symlinkat);
SYSCALL_DECLARE(chown);
SYSCALL_DECLARE(fchown);
SYSCALL_DECLARE(lchown);
SYSCALL_DECLARE(fchownat);
SYSCALL_DECLARE(utimensat);
SYSCALL_DECLARE(utimes);
SYSCALL_DECLARE(utime);
SYSCALL_DECLARE(sync);
SYSCALL_DECLARE(syncfs);
SYSCALL_DECLARE(fallocate);
/* pipe.c */
struct ufile;
/*
 * A new pipe (O_NONBLOCK of @flags on both ends): its read and write
 * ends in @ends, one reference each.  0 or -ENOMEM.
 */
int pipe_create(u32 flags, struct ufile *ends[2]);
SYSCALL_DECLARE(pipe);
SYSCALL_DECLARE(pipe2);

/* eventfd.c, epoll.c, sys_poll.c: event files, waiting for descriptors */
SYSCALL_DECLARE(eventfd);
SYSCALL_DECLARE(eventfd2);
SYSCALL_DECLARE(epoll_create);
SYSCALL_DECLARE(epoll_create1);
SYSCALL_DECLARE(epoll_ctl);
SYSCALL_DECLARE(epoll_wait);
SYSCALL_DECLARE(epoll_pwait);
SYSCALL_DECLARE(epoll_pwait2);
SYSCALL_DECLARE(poll);
SYSCALL_DECLARE(ppoll);
SYSCALL_DECLARE(select);
SYSCALL_DECLARE(pselect6);

struct ufile;
struct uapi_stat;
struct uapi_timespec;
/* fstat of an anonymous-inode file (eventfd, epoll): mode 0600, no type. */
void anon_inode_fstat(struct uapi_stat *st);
struct ufile_ops;
/*
 * A new open file of @ops with state @priv at the lowest free descriptor:
 * the descriptor, -EMFILE (then @ops->release has freed @priv), or
 * -ENOMEM (no file was made: @priv is still the caller's).
 */
int anon_file_install(const struct ufile_ops *ops, void *priv, u32 flags,
		      bool cloexec);
/* lseek of one: succeeds and moves nothing (Linux's noop_llseek). */
long anon_inode_llseek(struct ufile *f, s64 off, int whence);
/*
 * @f's last reference went: drop it from every epoll instance watching
 * it (ufile_put(), before the file's release op).  May sleep.
 */
void epoll_file_release(struct ufile *f);
/*
 * The file open on @fd for I/O, with a reference: ERR_PTR(-EBADF) if
 * none or an O_PATH one (Linux's fdget()).
 */
struct ufile *fd_get_io(struct fd_table *t, int fd);
/*
 * Timeouts of the waiting calls as absolute ktime_get() deadlines:
 * KTIME_MAX for none (@ms < 0, @uts NULL), 0 for a zero timeout (do not
 * wait).  poll_deadline_ts() is 0, -EFAULT or -EINVAL (a bad timespec).
 */
u64 poll_deadline_ms(long ms);
int poll_deadline_ts(const struct uapi_timespec __user *uts, u64 *deadline);
/*
 * The signal mask of ppoll, pselect6, epoll_pwait(2): NULL, or @size 8
 * and readable (0, -EINVAL, -EFAULT).  Not applied: no signal is
 * delivered yet.
 */
int user_sigmask_check(const void __user *umask, size_t size);

#endif /* _MANAGERS_PROCESSOR_INTERNAL_H */
