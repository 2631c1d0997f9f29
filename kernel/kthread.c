/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel threads: creation with a printf-style name, binding to a CPU,
 * stopping, and the exit path.  See <tessera/kthread.h>.
 *
 * Lifetime: a thread's struct task and stack are freed either by
 * kthread_stop() (after the thread has exited and switched out for the
 * last time) or, for a detached thread, by the scheduler right after its
 * final switch (kthread_reap).  struct kthread lives as long as the task.
 */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/kthread.h>
#include <tessera/panic.h>
#include <tessera/preempt.h>
#include <tessera/printk.h>
#include <tessera/slab.h>
#include <tessera/smp.h>
#include <asm/irqflags.h>

struct kthread {
	int (*fn)(void *arg);
	void *arg;
	volatile bool should_stop;
	volatile bool exited;
	bool detached;
	int result;
	struct task *stopper;		/* waiting in kthread_stop() */
};

void task_init_stack(struct task *t, void (*entry)(void *), void *arg);

static __noreturn void kthread_entry(void *arg)
{
	struct task *self = current;
	struct kthread *k = self->kthread;

	kthread_exit(k->fn(k->arg));
	(void)arg;
}

static struct task *kthread_create_va(int (*fn)(void *), void *arg,
				      const char *namefmt, va_list ap)
{
	char name[TASK_COMM_LEN];
	struct kthread *k;
	struct task *t;

	vscnprintf(name, sizeof(name), namefmt, ap);
	k = kzalloc(sizeof(*k), GFP_KERNEL);
	if (!k)
		return ERR_PTR(-ENOMEM);
	t = task_alloc(name);
	if (!t) {
		kfree(k);
		return ERR_PTR(-ENOMEM);
	}
	k->fn = fn;
	k->arg = arg;
	t->kthread = k;
	t->flags |= PF_KTHREAD;
	task_init_stack(t, kthread_entry, NULL);
	return t;
}

struct task *kthread_create(int (*fn)(void *), void *arg,
			    const char *namefmt, ...)
{
	struct task *t;
	va_list ap;

	va_start(ap, namefmt);
	t = kthread_create_va(fn, arg, namefmt, ap);
	va_end(ap);
	return t;
}

int kthread_bind(struct task *t, unsigned int cpu)
{
	if (cpu >= NR_CPUS || !cpu_online(cpu)) {
		pr_err("kthread: cannot bind %s to offline CPU %u\n", t->comm,
		       cpu);
		return -EINVAL;
	}
	if (READ_ONCE(t->state) != TASK_NEW)
		return -EINVAL;
	t->cpus_allowed = 1ULL << cpu;
	t->cpu = cpu;
	t->flags |= PF_NO_SETAFFINITY;
	return 0;
}

struct task *kthread_create_on_cpu(int (*fn)(void *), void *arg,
				   unsigned int cpu, const char *namefmt, ...)
{
	struct task *t;
	va_list ap;
	int ret;

	va_start(ap, namefmt);
	t = kthread_create_va(fn, arg, namefmt, ap);
	va_end(ap);
	if (IS_ERR(t))
		return t;
	ret = kthread_bind(t, cpu);
	if (ret) {
		kfree(t->kthread);
		task_free(t);
		return ERR_PTR(ret);
	}
	return t;
}

bool kthread_should_stop(void)
{
	struct kthread *k = current->kthread;

	return k && READ_ONCE(k->should_stop);
}

void kthread_detach(struct task *t)
{
	t->kthread->detached = true;
}

__noreturn void kthread_exit(int code)
{
	struct task *self = current;
	struct kthread *k = self->kthread;
	struct task *stopper;

	if (!k)
		panic("kthread_exit() called by non-kthread %s/%d\n",
		      self->comm, self->pid);
	if (self->lock_depth)
		pr_err("kthread: %s/%d exits holding %d locks\n", self->comm,
		       self->pid, self->lock_depth);
	k->result = code;
	local_irq_disable();
	self->flags |= PF_EXITING;
	/* Publish exited before looking for a stopper; kthread_stop() does
	 * the mirror image, so one of us always sees the other. */
	__atomic_store_n(&k->exited, true, __ATOMIC_SEQ_CST);
	stopper = __atomic_load_n(&k->stopper, __ATOMIC_SEQ_CST);
	if (stopper)
		wake_up_process(stopper);
	WRITE_ONCE(self->state, TASK_DEAD);
	schedule();
	panic("kthread: dead task %s/%d was scheduled again\n", self->comm,
	      self->pid);
}

void kthread_reap(struct task *t)
{
	struct kthread *k = t->kthread;

	if (k && k->detached) {
		kfree(k);
		t->kthread = NULL;
		task_free(t);
	}
}

int kthread_stop(struct task *t)
{
	struct kthread *k = t->kthread;
	int ret;

	if (!k || t == current || k->detached)
		return -EINVAL;
	__atomic_store_n(&k->stopper, current, __ATOMIC_SEQ_CST);
	WRITE_ONCE(k->should_stop, true);
	if (READ_ONCE(t->state) == TASK_NEW) {
		/* Never started: nothing runs on it, free it directly. */
		kfree(k);
		task_free(t);
		return -EINTR;
	}
	wake_up_process(t);
	for (;;) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		if (__atomic_load_n(&k->exited, __ATOMIC_ACQUIRE))
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	/* Wait for its final switch to finish before freeing its stack. */
	while (READ_ONCE(t->state) != TASK_DEAD || READ_ONCE(t->on_cpu))
		cpu_relax();
	ret = k->result;
	kfree(k);
	t->kthread = NULL;
	task_free(t);
	return ret;
}
