/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel threads (kernel/kthread.c).
 *
 *	t = kthread_run(fn, arg, "FIT_RecvCQ-%d", i);
 *	...
 *	ret = kthread_stop(t);	// asks fn to return, waits, frees t
 *
 * fn runs with interrupts and preemption enabled and returns an int
 * (or calls kthread_exit()).  A thread that may be stopped must check
 * kthread_should_stop() in its loop.  The name shows in oops lines.
 */
#ifndef _TESSERA_KTHREAD_H
#define _TESSERA_KTHREAD_H

#include <tessera/compiler.h>
#include <tessera/sched.h>

/*
 * Create a thread in TASK_NEW state (not running yet; wake_up_process()
 * or kthread_start() starts it).  Returns the task or ERR_PTR(-ENOMEM).
 */
__printf(3, 4) struct task *kthread_create(int (*fn)(void *arg), void *arg,
					   const char *namefmt, ...);
/* Create a thread bound to @cpu for its whole life (per-CPU kthread). */
__printf(4, 5) struct task *kthread_create_on_cpu(int (*fn)(void *arg),
						  void *arg, unsigned int cpu,
						  const char *namefmt, ...);
/* Bind a not-yet-started thread to @cpu. 0 or -EINVAL. */
int kthread_bind(struct task *t, unsigned int cpu);

#define kthread_run(fn, arg, namefmt, ...) ({				\
	struct task *__k = kthread_create(fn, arg, namefmt, ##__VA_ARGS__); \
	if (!IS_ERR(__k))						\
		wake_up_process(__k);					\
	__k;								\
})

/* True once kthread_stop() has been called on the current thread. */
bool kthread_should_stop(void);
/*
 * Ask @t to stop, wake it, wait until it has exited, free it, and return
 * what its function returned (or passed to kthread_exit()).  Must not be
 * called by @t itself.  A thread never started returns -EINTR.
 */
int kthread_stop(struct task *t);
/* End the current kernel thread with @code. */
__noreturn void kthread_exit(int code);

/*
 * For threads nobody will kthread_stop(): the task is freed when it
 * exits.  Call before or after starting it, not both ways.
 */
void kthread_detach(struct task *t);

/*
 * Scheduler hook: @t has switched out for the last time (TASK_DEAD).
 * Frees it if detached, else lets kthread_stop() free it.
 */
void kthread_reap(struct task *t);

#endif /* _TESSERA_KTHREAD_H */
