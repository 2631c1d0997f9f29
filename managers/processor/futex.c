/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Futexes: the kernel half of glibc's mutexes, condition variables,
 * barriers and pthread_join.
 *
 * A waiter queues a struct futex_q (on its own stack) in the bucket of
 * its key (address space, user address), after checking under the
 * bucket lock that the futex word still holds the expected value; a
 * waker takes the same lock, so a wake that follows a change of the word
 * cannot miss a waiter that saw the old value.  Waiters of one key are
 * woken in FIFO order, and only those whose bitset intersects the
 * waker's (FUTEX_WAIT_BITSET / FUTEX_WAKE_BITSET; plain WAIT/WAKE use
 * all bits).  Every futex is private to its process here (there is no
 * shared memory), so FUTEX_PRIVATE_FLAG changes nothing.
 *
 * Reading the futex word may need the page brought in, which sleeps
 * (a P2M miss): under the bucket lock the fault is -EFAULT, so the word
 * is then read once unlocked to bring the page in, and again under the
 * lock.  A waiter's
 * futex_q lives on its stack: it leaves only under the bucket lock, so a
 * waker that found it under that lock may use it until it unlocks.
 */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/profile.h>
#include <tessera/sched.h>
#include <tessera/spinlock.h>
#include <tessera/time.h>

#include "internal.h"

#define FUTEX_HASH_BITS		8
#define FUTEX_HASH_SIZE		(1U << FUTEX_HASH_BITS)

struct futex_q {
	struct list_head node;		/* in the bucket, under its lock */
	struct pmm *mm;
	unsigned long uaddr;
	u32 bitset;
	struct task *task;
	bool woken;			/* set by the waker, under the lock */
};

struct futex_bucket {
	spinlock_t lock;
	struct list_head waiters;
};

static struct futex_bucket futex_table[FUTEX_HASH_SIZE];
static bool futex_table_ready;

static void futex_table_init(void)
{
	static DEFINE_SPINLOCK(init_lock);

	spin_lock(&init_lock);
	if (!futex_table_ready) {
		for (unsigned int i = 0; i < FUTEX_HASH_SIZE; i++) {
			spin_lock_init(&futex_table[i].lock);
			INIT_LIST_HEAD(&futex_table[i].waiters);
		}
		WRITE_ONCE(futex_table_ready, true);
	}
	spin_unlock(&init_lock);
}

static struct futex_bucket *futex_bucket(struct pmm *mm, unsigned long uaddr)
{
	u64 key = (u64)(unsigned long)mm * 0x9e3779b97f4a7c15ULL ^ uaddr;

	if (unlikely(!READ_ONCE(futex_table_ready)))
		futex_table_init();
	key *= 0x9e3779b97f4a7c15ULL;
	return &futex_table[key >> (64 - FUTEX_HASH_BITS)];
}

int futex_wait(struct pmm *mm, u32 __user *uaddr, u32 val, u32 bitset,
	       u64 timeout_ns)
{
	struct futex_bucket *b;
	struct futex_q q = {
		.mm = mm,
		.uaddr = (unsigned long)uaddr,
		.bitset = bitset,
		.task = current,
	};
	u64 start;
	u32 cur;
	int ret;

	if (!bitset)
		return -EINVAL;
	if (!IS_ALIGNED((unsigned long)uaddr, sizeof(u32)))
		return -EINVAL;
	b = futex_bucket(mm, q.uaddr);
	for (;;) {
		spin_lock(&b->lock);
		ret = get_user_u32(&cur, uaddr);
		if (!ret)
			break;
		spin_unlock(&b->lock);
		/*
		 * An address space cannot fill a page under our spinlock
		 * (mm.c gives -EFAULT there): read unlocked, which
		 * may sleep and fill it, and look again under the lock.
		 */
		ret = get_user_u32(&cur, uaddr);
		if (ret)
			return ret;
	}
	if (cur != val) {
		spin_unlock(&b->lock);
		return -EAGAIN;
	}
	list_add_tail(&q.node, &b->waiters);
	spin_unlock(&b->lock);

	ret = 0;
	start = profile_wait_begin();
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (READ_ONCE(q.woken))
			break;
		if (signal_pending()) {
			/* Restarted after a handler only without timeout. */
			ret = timeout_ns ? -ERESTARTNOHAND : -ERESTARTSYS;
			break;
		}
		if (timeout_ns) {
			u64 now = ktime_get();

			if (now >= timeout_ns) {
				ret = -ETIMEDOUT;
				break;
			}
			schedule_timeout(ktime_sleep_ticks(timeout_ns, now));
		} else {
			schedule();
		}
	}
	__set_current_state(TASK_RUNNING);
	profile_wait_end(PROFILE_WAIT_FUTEX, start);

	spin_lock(&b->lock);
	if (q.woken)
		ret = 0;	/* a wake that raced with the timeout wins */
	else
		list_del(&q.node);
	spin_unlock(&b->lock);
	return ret;
}

int futex_wake(struct pmm *mm, u32 __user *uaddr, int nr, u32 bitset)
{
	unsigned long key = (unsigned long)uaddr;
	struct futex_bucket *b;
	struct futex_q *q, *tmp;
	int woken = 0;

	if (!bitset)
		return -EINVAL;
	if (nr <= 0)
		return 0;
	b = futex_bucket(mm, key);
	spin_lock(&b->lock);
	list_for_each_entry_safe(q, tmp, &b->waiters, node) {
		if (q->mm != mm || q->uaddr != key || !(q->bitset & bitset))
			continue;
		/*
		 * q stays valid until we unlock: a woken waiter takes the
		 * bucket lock before its futex_q goes out of scope.
		 */
		list_del(&q->node);
		WRITE_ONCE(q->woken, true);
		wake_up_state(q->task, TASK_NORMAL);
		if (++woken >= nr)
			break;
	}
	spin_unlock(&b->lock);
	return woken;
}

unsigned int futex_nr_waiters(struct pmm *mm, u32 __user *uaddr)
{
	unsigned long key = (unsigned long)uaddr;
	struct futex_bucket *b = futex_bucket(mm, key);
	unsigned int n = 0;
	struct futex_q *q;

	spin_lock(&b->lock);
	list_for_each_entry(q, &b->waiters, node)
		if (q->mm == mm && q->uaddr == key)
			n++;
	spin_unlock(&b->lock);
	return n;
}
