// SPDX-License-Identifier: GPL-2.0
/*
 * KTAP suite "rwsem": the reader/writer sleeping lock
 * (kernel/locking/rwsem.c) with real threads.  Readers share it (a
 * second reader gets it while the first holds it), a writer excludes
 * readers and waits for them, a queued writer goes before readers that
 * come after it (a stream of readers cannot starve it), misuse is
 * counted and refused, and lockdep sees rwsems in its order check.
 *
 * Every "it did not get the lock" is an event not seen while the
 * holder still holds (a completion or flag checked before release);
 * WAIT_LIMIT only bounds the wait for an event that must come, so a bug
 * fails the case instead of hanging the boot.
 */
#include <tessera/atomic.h>
#include <tessera/completion.h>
#include <tessera/errno.h>
#include <tessera/ktest.h>
#include <tessera/kthread.h>
#include <tessera/lockdep.h>
#include <tessera/mutex.h>
#include <tessera/rwsem.h>
#include <tessera/sched.h>
#include <tessera/time.h>

#define WAIT_LIMIT	(5 * HZ)	/* jiffies; only hit on a bug */

struct rw_ctx {
	struct rw_semaphore *sem;
	bool writer;
	struct completion got;		/* the lock is held */
	struct completion release;	/* may drop it */
	atomic_t *order;		/* shared sequence of acquisitions */
	int seq;			/* this thread's place in it */
};

static int rw_thread(void *arg)
{
	struct rw_ctx *c = arg;

	if (c->writer)
		down_write(c->sem);
	else
		down_read(c->sem);
	if (c->order)
		c->seq = atomic_inc_return(c->order);
	complete(&c->got);
	if (!wait_for_completion_timeout(&c->release, WAIT_LIMIT))
		c->seq = -1;		/* never released: the case fails */
	if (c->writer)
		up_write(c->sem);
	else
		up_read(c->sem);
	return 0;
}

static struct task *rw_start(struct rw_ctx *c, struct rw_semaphore *sem,
			     bool writer, atomic_t *order)
{
	c->sem = sem;
	c->writer = writer;
	c->order = order;
	c->seq = 0;
	init_completion(&c->got);
	init_completion(&c->release);
	return kthread_run(rw_thread, c, writer ? "kt-rw-w" : "kt-rw-r");
}

/* Wait until @n tasks are queued on @sem (they are asleep in down_*()). */
static bool rw_wait_queued(struct rw_semaphore *sem, unsigned int n)
{
	unsigned long end = jiffies + WAIT_LIMIT;

	while (rwsem_nr_waiters(sem) < n) {
		if ((long)(jiffies - end) > 0)
			return false;
		schedule_timeout_uninterruptible(1);
	}
	return true;
}

static void rwsem_readers_share(struct ktest *t)
{
	static DECLARE_RWSEM(sem);
	struct rw_ctx c;
	struct task *k;

	down_read(&sem);
	k = rw_start(&c, &sem, false, NULL);
	KT_ASSERT_FALSE(t, IS_ERR(k));
	/* The other reader gets it while we still hold it. */
	KT_EXPECT_GT(t, wait_for_completion_timeout(&c.got, WAIT_LIMIT), 0);
	KT_EXPECT_EQ(t, rwsem_readers(&sem), 2);
	KT_EXPECT_FALSE(t, down_write_trylock(&sem));
	complete(&c.release);
	kthread_stop(k);
	up_read(&sem);
	KT_EXPECT_EQ(t, READ_ONCE(sem.count), 0);
}

static void rwsem_writer_excludes(struct ktest *t)
{
	static DECLARE_RWSEM(sem);
	struct rw_ctx c;
	struct task *k;

	down_read(&sem);
	k = rw_start(&c, &sem, true, NULL);
	KT_ASSERT_FALSE(t, IS_ERR(k));
	KT_ASSERT_TRUE(t, rw_wait_queued(&sem, 1));
	/* Queued and asleep: it has not got the lock past our read hold. */
	KT_EXPECT_FALSE(t, completion_done(&c.got));
	up_read(&sem);
	KT_EXPECT_GT(t, wait_for_completion_timeout(&c.got, WAIT_LIMIT), 0);
	KT_EXPECT_TRUE(t, rwsem_is_write_locked(&sem));
	KT_EXPECT_FALSE(t, down_read_trylock(&sem));
	KT_EXPECT_FALSE(t, down_write_trylock(&sem));
	complete(&c.release);
	kthread_stop(k);
	KT_EXPECT_TRUE(t, down_write_trylock(&sem));
	up_write(&sem);
}

/*
 * Reader A holds; writer W queues; reader R asks after W.  R must not
 * join A (that would let readers overtake W forever): W gets the lock
 * when A releases, R after W.
 */
static void rwsem_writer_not_starved(struct ktest *t)
{
	static DECLARE_RWSEM(sem);
	atomic_t order = ATOMIC_INIT(0);
	struct rw_ctx w, r;
	struct task *kw, *kr;

	down_read(&sem);
	kw = rw_start(&w, &sem, true, &order);
	KT_ASSERT_FALSE(t, IS_ERR(kw));
	KT_ASSERT_TRUE(t, rw_wait_queued(&sem, 1));
	/* A new reader does not pass the queued writer. */
	KT_EXPECT_FALSE(t, down_read_trylock(&sem));
	kr = rw_start(&r, &sem, false, &order);
	KT_ASSERT_FALSE(t, IS_ERR(kr));
	KT_ASSERT_TRUE(t, rw_wait_queued(&sem, 2));
	KT_EXPECT_FALSE(t, completion_done(&r.got));
	up_read(&sem);
	KT_EXPECT_GT(t, wait_for_completion_timeout(&w.got, WAIT_LIMIT), 0);
	/* While W holds it, R is still waiting. */
	KT_EXPECT_FALSE(t, completion_done(&r.got));
	complete(&w.release);
	KT_EXPECT_GT(t, wait_for_completion_timeout(&r.got, WAIT_LIMIT), 0);
	complete(&r.release);
	kthread_stop(kw);
	kthread_stop(kr);
	KT_EXPECT_EQ(t, w.seq, 1);
	KT_EXPECT_EQ(t, r.seq, 2);
	KT_EXPECT_EQ(t, READ_ONCE(sem.count), 0);
}

/* A writer releasing lets every queued reader in at once. */
static void rwsem_readers_granted_together(struct ktest *t)
{
	static DECLARE_RWSEM(sem);
	struct rw_ctx r1, r2;
	struct task *k1, *k2;

	down_write(&sem);
	k1 = rw_start(&r1, &sem, false, NULL);
	KT_ASSERT_FALSE(t, IS_ERR(k1));
	k2 = rw_start(&r2, &sem, false, NULL);
	KT_ASSERT_FALSE(t, IS_ERR(k2));
	KT_ASSERT_TRUE(t, rw_wait_queued(&sem, 2));
	up_write(&sem);
	/* Both hold it at once: neither releases before both got it. */
	KT_EXPECT_GT(t, wait_for_completion_timeout(&r1.got, WAIT_LIMIT), 0);
	KT_EXPECT_GT(t, wait_for_completion_timeout(&r2.got, WAIT_LIMIT), 0);
	KT_EXPECT_EQ(t, rwsem_readers(&sem), 2);
	complete(&r1.release);
	complete(&r2.release);
	kthread_stop(k1);
	kthread_stop(k2);
	KT_EXPECT_EQ(t, READ_ONCE(sem.count), 0);
}

static void rwsem_misuse_refused(struct ktest *t)
{
	static DECLARE_RWSEM(sem);
	struct lockdep_stats s0, s1;

	lockdep_get_stats(&s0);
	up_read(&sem);			/* free: refused */
	up_write(&sem);			/* not write-held: refused */
	lockdep_get_stats(&s1);
	KT_EXPECT_EQ(t, s1.bad_unlock, s0.bad_unlock + 2);
	KT_EXPECT_EQ(t, READ_ONCE(sem.count), 0);
	down_write(&sem);
	up_read(&sem);			/* write-held: refused */
	KT_EXPECT_TRUE(t, rwsem_is_write_locked(&sem));
	down_read(&sem);		/* by the writer: refused, not hung */
	lockdep_get_stats(&s1);
	KT_EXPECT_EQ(t, s1.bad_unlock, s0.bad_unlock + 3);
	KT_EXPECT_EQ(t, s1.recursion, s0.recursion + 1);
	up_write(&sem);
	KT_EXPECT_TRUE(t, down_read_trylock(&sem));
	up_read(&sem);
}

/* rwsem -> mutex in one order, mutex -> rwsem (read) in the other. */
static void rwsem_lockdep_inversion(struct ktest *t)
{
	static DECLARE_RWSEM(kt_rw_a);
	static DEFINE_MUTEX(kt_rw_b);
	struct lockdep_stats s0, s1;

	if (!lockdep_enabled) {
		KT_SKIP(t, "lockdep off (CONFIG_DEBUG_SPINLOCK)");
		return;
	}
	lockdep_get_stats(&s0);
	down_write(&kt_rw_a);
	mutex_lock(&kt_rw_b);
	mutex_unlock(&kt_rw_b);
	up_write(&kt_rw_a);
	mutex_lock(&kt_rw_b);
	down_read(&kt_rw_a);
	up_read(&kt_rw_a);
	mutex_unlock(&kt_rw_b);
	lockdep_get_stats(&s1);
	KT_EXPECT_EQ(t, s1.inversions, s0.inversions + 1);
}

static struct ktest_case rwsem_cases[] = {
	KTEST_CASE(rwsem_readers_share),
	KTEST_CASE(rwsem_writer_excludes),
	KTEST_CASE(rwsem_writer_not_starved),
	KTEST_CASE(rwsem_readers_granted_together),
	KTEST_CASE(rwsem_misuse_refused),
	KTEST_CASE(rwsem_lockdep_inversion),
	{}
};
KTEST_SUITE(rwsem, rwsem_cases);
