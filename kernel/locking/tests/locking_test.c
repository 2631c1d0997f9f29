// SPDX-License-Identifier: GPL-2.0
/*
 * In-kernel tests of kernel/locking/, four suites:
 *
 *   spinlock  exact counts under contention from several threads per
 *             online CPU (plain, irqsave against a timer interrupt,
 *             trylock), preemption and interrupt state around locks;
 *   sync      mutex, wait-queue and completion ping-pong between two
 *             threads (on two CPUs when there are two), a semaphore as a
 *             K-unit resource, timeouts, per-CPU counters;
 *   lockdep   the planted bugs lock debugging must report (skipped
 *             without CONFIG_DEBUG_SPINLOCK): ABBA and three-lock
 *             inversions, recursion, bad unlocks, sleeping while atomic;
 *   stress    rings of 4 threads per CPU handing a token around through
 *             wait queues and completions, checking every handoff.
 *
 * They run with any number of CPUs.  Every wait is bounded
 * (wait_event_timeout and friends, counted as failures), so a lost wakeup
 * fails a case instead of hanging the boot.  The only timing assertion is
 * "a timed-out wait returned 0 after at least its timeout".
 */
#include <tessera/atomic.h>
#include <tessera/completion.h>
#include <tessera/errno.h>
#include <tessera/ktest.h>
#include <tessera/kthread.h>
#include <tessera/lockdep.h>
#include <tessera/mutex.h>
#include <tessera/percpu_counter.h>
#include <tessera/preempt.h>
#include <tessera/sched.h>
#include <tessera/semaphore.h>
#include <tessera/smp.h>
#include <tessera/spinlock.h>
#include <tessera/string.h>
#include <tessera/time.h>
#include <tessera/timer.h>
#include <tessera/wait.h>
#include <asm/irqflags.h>

#define MAX_WORKERS		(4 * NR_CPUS)
#define WAIT_LIMIT		(5 * HZ)	/* jiffies; only hit on a bug */

/* ------------------------------------------------------------------ */
/* Helpers: worker threads spread over the online CPUs */

struct workers {
	struct task *task[MAX_WORKERS];
	unsigned int nr;
};

/* The @n-th online CPU, counting round the online set. */
static unsigned int nth_online_cpu(unsigned int n)
{
	unsigned int cpu, i = 0, want = n % num_online_cpus();

	for_each_online_cpu(cpu)
		if (i++ == want)
			return cpu;
	return 0;
}

/*
 * Create @nr threads running @fn, thread i with argument @args + i*@size
 * and bound to the i-th online CPU (round robin), then start them all.
 * 0 or -errno (nothing left running).
 */
static int workers_start(struct workers *w, unsigned int nr,
			 int (*fn)(void *), void *args, size_t size,
			 const char *name)
{
	unsigned int i;

	w->nr = 0;
	if (nr > MAX_WORKERS)
		return -EINVAL;
	for (i = 0; i < nr; i++) {
		struct task *t = kthread_create_on_cpu(fn,
				(char *)args + i * size, nth_online_cpu(i),
				"%s/%u", name, i);

		if (IS_ERR(t)) {
			while (w->nr)
				kthread_stop(w->task[--w->nr]);
			return PTR_ERR(t);
		}
		w->task[w->nr++] = t;
	}
	for (i = 0; i < w->nr; i++)
		wake_up_process(w->task[i]);
	return 0;
}

/* Wait for every worker to return; the sum of what they returned. */
static int workers_join(struct workers *w)
{
	int sum = 0;

	while (w->nr)
		sum += kthread_stop(w->task[--w->nr]);
	return sum;
}

static unsigned int workers_per_cpu(unsigned int per_cpu)
{
	return min(per_cpu * num_online_cpus(), (unsigned int)MAX_WORKERS);
}

/* ------------------------------------------------------------------ */
/* Suite "spinlock" */

#define SPIN_ITERS	2000
/*
 * A worker also stops after this long: with more vCPUs than host cores
 * (-smp 4 under TCG on two) a lock holder's vCPU is descheduled by the
 * host while the others spin, and 2000 rounds each took two minutes.
 * Exclusion is checked on every round done, however many that is.
 */
#define SPIN_TIME	(3 * HZ)

struct spin_ctx {
	spinlock_t lock;
	bool irqsave;
	bool trylock;
	u64 counter;			/* under lock; updated non-atomically */
	atomic_t inside;		/* holders right now */
	atomic_t overlaps;		/* times inside was > 1 */
	atomic_t irq_state_bad;
	/* irqsave variant: a timer interrupt also takes the lock. */
	struct timer_list timer;
	bool timer_stop;
	u64 timer_hits;			/* under lock */
	u64 end;			/* jiffies: workers stop here */
};

static void spin_critical(struct spin_ctx *c)
{
	u64 v;

	if (atomic_inc_return(&c->inside) != 1)
		atomic_inc(&c->overlaps);
	/* A read-pause-write increment: loses updates unless exclusive. */
	v = READ_ONCE(c->counter);
	cpu_relax();
	WRITE_ONCE(c->counter, v + 1);
	atomic_dec(&c->inside);
}

static int spin_worker(void *arg)
{
	struct spin_ctx *c = *(struct spin_ctx **)arg;
	unsigned long flags;
	unsigned int i;

	for (i = 0; i < SPIN_ITERS && jiffies < c->end; i++) {
		if (c->irqsave) {
			spin_lock_irqsave(&c->lock, flags);
			if (!irqs_disabled())
				atomic_inc(&c->irq_state_bad);
			spin_critical(c);
			spin_unlock_irqrestore(&c->lock, flags);
			if (irqs_disabled())
				atomic_inc(&c->irq_state_bad);
		} else if (c->trylock) {
			while (!spin_trylock(&c->lock))
				cpu_relax();
			spin_critical(c);
			spin_unlock(&c->lock);
		} else {
			spin_lock(&c->lock);
			spin_critical(c);
			spin_unlock(&c->lock);
		}
	}
	return i;	/* rounds done: workers_join() adds them up */
}

static void spin_timer_fn(struct timer_list *t)
{
	struct spin_ctx *c = container_of(t, struct spin_ctx, timer);

	spin_lock(&c->lock);
	spin_critical(c);
	c->timer_hits++;
	spin_unlock(&c->lock);
	if (!READ_ONCE(c->timer_stop))
		mod_timer(&c->timer, jiffies + 1);
}

static void spin_run(struct ktest *t, struct spin_ctx *c)
{
	struct spin_ctx *args[MAX_WORKERS];
	unsigned int i, nr = workers_per_cpu(2);
	struct workers w;
	long rounds;
	u64 end;

	for (i = 0; i < nr; i++)
		args[i] = c;
	if (c->irqsave) {
		timer_setup(&c->timer, spin_timer_fn);
		mod_timer(&c->timer, jiffies + 1);
		end = jiffies + WAIT_LIMIT;
		while (!READ_ONCE(c->timer_hits) && jiffies < end)
			msleep(1);
		KT_EXPECT_GT(t, READ_ONCE(c->timer_hits), 0);
	}

	c->end = jiffies + SPIN_TIME;
	KT_ASSERT_EQ(t, workers_start(&w, nr, spin_worker, args,
				      sizeof(args[0]), "kt-spin"), 0);
	rounds = workers_join(&w);
	/* Every worker got the lock at least once. */
	KT_EXPECT_GE(t, rounds, nr);

	if (c->irqsave) {
		WRITE_ONCE(c->timer_stop, true);
		/* Twice: the first may race with a re-arming callback. */
		del_timer_sync(&c->timer);
		del_timer_sync(&c->timer);
	}
	KT_EXPECT_EQ(t, c->counter, (u64)rounds + c->timer_hits);
	KT_EXPECT_EQ(t, atomic_read(&c->overlaps), 0);
	KT_EXPECT_EQ(t, atomic_read(&c->irq_state_bad), 0);
	KT_EXPECT_FALSE(t, spin_is_locked(&c->lock));
}

static void spinlock_counter(struct ktest *t)
{
	struct spin_ctx c = {};

	spin_lock_init(&c.lock);
	spin_run(t, &c);
}

static void spinlock_irqsave_vs_timer(struct ktest *t)
{
	struct spin_ctx c = { .irqsave = true };

	spin_lock_init(&c.lock);
	spin_run(t, &c);
}

static void spinlock_trylock_counter(struct ktest *t)
{
	struct spin_ctx c = { .trylock = true };

	spin_lock_init(&c.lock);
	spin_run(t, &c);
}

struct trylock_ctx {
	spinlock_t *lock;
	int result;			/* 1: taken, 0: not, -1: not run */
};

static int trylock_other(void *arg)
{
	struct trylock_ctx *c = arg;

	WRITE_ONCE(c->result, spin_trylock(c->lock));
	if (c->result)
		spin_unlock(c->lock);
	return 0;
}

static void spinlock_trylock_semantics(struct ktest *t)
{
	static DEFINE_SPINLOCK(kt_trylock);
	struct trylock_ctx c = { .lock = &kt_trylock, .result = -1 };
	int base = preempt_count();
	struct task *k;
	u64 end;

	KT_ASSERT_TRUE(t, spin_trylock(&kt_trylock));
	KT_EXPECT_EQ(t, preempt_count(), base + 1);
	KT_EXPECT_TRUE(t, spin_is_locked(&kt_trylock));
	/* Held (by us): a trylock fails and leaves preemption as it was. */
	KT_EXPECT_FALSE(t, spin_trylock(&kt_trylock));
	KT_EXPECT_EQ(t, preempt_count(), base + 1);

	if (num_online_cpus() > 1) {
		/* Held by us, tried from another CPU while we keep it. */
		unsigned int other = nth_online_cpu(1);

		if (other == smp_processor_id())
			other = nth_online_cpu(0);
		k = kthread_create_on_cpu(trylock_other, &c, other, "kt-try");
		KT_ASSERT_FALSE(t, IS_ERR(k));
		wake_up_process(k);
		end = jiffies + WAIT_LIMIT;
		while (READ_ONCE(c.result) < 0 && jiffies < end)
			cpu_relax();
		KT_EXPECT_EQ(t, READ_ONCE(c.result), 0);
		spin_unlock(&kt_trylock);
		kthread_stop(k);
	} else {
		spin_unlock(&kt_trylock);
	}
	KT_EXPECT_EQ(t, preempt_count(), base);
	KT_EXPECT_FALSE(t, spin_is_locked(&kt_trylock));

	/* Free: another thread takes it. */
	c.result = -1;
	k = kthread_run(trylock_other, &c, "kt-try2");
	KT_ASSERT_FALSE(t, IS_ERR(k));
	kthread_stop(k);
	KT_EXPECT_EQ(t, c.result, 1);
	KT_EXPECT_FALSE(t, spin_is_locked(&kt_trylock));
}

static void spinlock_preempt_and_irq_state(struct ktest *t)
{
	static DEFINE_SPINLOCK(kt_state);
	int base = preempt_count();
	unsigned long flags;

	KT_ASSERT_FALSE(t, irqs_disabled());

	spin_lock(&kt_state);
	KT_EXPECT_EQ(t, preempt_count(), base + 1);
	KT_EXPECT_TRUE(t, spin_held_by_current(&kt_state));
	spin_unlock(&kt_state);
	KT_EXPECT_EQ(t, preempt_count(), base);

	spin_lock_irqsave(&kt_state, flags);
	KT_EXPECT_TRUE(t, irqs_disabled());
	/* Nested irqsave under irqsave restores "still disabled". */
	{
		static DEFINE_SPINLOCK(kt_inner);
		unsigned long inner;

		spin_lock_irqsave(&kt_inner, inner);
		spin_unlock_irqrestore(&kt_inner, inner);
		KT_EXPECT_TRUE(t, irqs_disabled());
	}
	spin_unlock_irqrestore(&kt_state, flags);
	KT_EXPECT_FALSE(t, irqs_disabled());

	spin_lock_irq(&kt_state);
	KT_EXPECT_TRUE(t, irqs_disabled());
	KT_EXPECT_EQ(t, preempt_count(), base + 1);
	spin_unlock_irq(&kt_state);
	KT_EXPECT_FALSE(t, irqs_disabled());
	KT_EXPECT_EQ(t, preempt_count(), base);
	KT_EXPECT_FALSE(t, spin_is_locked(&kt_state));
}

static struct ktest_case spinlock_cases[] = {
	KTEST_CASE(spinlock_counter),
	KTEST_CASE(spinlock_irqsave_vs_timer),
	KTEST_CASE(spinlock_trylock_counter),
	KTEST_CASE(spinlock_trylock_semantics),
	KTEST_CASE(spinlock_preempt_and_irq_state),
	{}
};
KTEST_SUITE(spinlock, spinlock_cases);

/* ------------------------------------------------------------------ */
/* Suite "sync" */

#define PINGPONG_ROUNDS	200

/* Start fn(arg0) and fn(arg1) on two different CPUs when possible. */
static int pair_start(struct workers *w, int (*fn)(void *), void *args,
		      size_t size, const char *name)
{
	return workers_start(w, 2, fn, args, size, name);
}

struct mutex_ctx {
	struct mutex lock;
	u64 count;			/* under lock */
	int inside;			/* under lock */
	atomic_t overlaps;
};

static int mutex_worker(void *arg)
{
	struct mutex_ctx *c = *(struct mutex_ctx **)arg;
	unsigned int i;

	for (i = 0; i < PINGPONG_ROUNDS; i++) {
		mutex_lock(&c->lock);
		if (c->inside++)
			atomic_inc(&c->overlaps);
		c->count++;
		/* Hold it across a sleep now and then: the other must wait. */
		if (i % 16 == 0)
			msleep(1);
		c->inside--;
		mutex_unlock(&c->lock);
	}
	return 0;
}

static void mutex_pingpong(struct ktest *t)
{
	struct mutex_ctx c = {};
	struct mutex_ctx *args[2] = { &c, &c };
	struct workers w;

	mutex_init(&c.lock);
	KT_ASSERT_EQ(t, pair_start(&w, mutex_worker, args, sizeof(args[0]),
				   "kt-mutex"), 0);
	KT_EXPECT_EQ(t, workers_join(&w), 0);
	KT_EXPECT_EQ(t, c.count, 2 * PINGPONG_ROUNDS);
	KT_EXPECT_EQ(t, atomic_read(&c.overlaps), 0);
	KT_EXPECT_FALSE(t, mutex_is_locked(&c.lock));
}

static void mutex_trylock_semantics(struct ktest *t)
{
	static DEFINE_MUTEX(kt_mutex);

	KT_EXPECT_FALSE(t, mutex_is_locked(&kt_mutex));
	KT_ASSERT_TRUE(t, mutex_trylock(&kt_mutex));
	KT_EXPECT_TRUE(t, mutex_is_locked(&kt_mutex));
	KT_EXPECT_TRUE(t, mutex_owner(&kt_mutex) == current);
	KT_EXPECT_TRUE(t, mutex_held_by_current(&kt_mutex));
	KT_EXPECT_FALSE(t, mutex_trylock(&kt_mutex));
	mutex_unlock(&kt_mutex);
	KT_EXPECT_FALSE(t, mutex_is_locked(&kt_mutex));
	mutex_lock(&kt_mutex);
	KT_EXPECT_TRUE(t, mutex_owner(&kt_mutex) == current);
	mutex_unlock(&kt_mutex);
	KT_EXPECT_FALSE(t, mutex_is_locked(&kt_mutex));
}

struct wq_pingpong {
	struct wait_queue_head wq;
	int turn;			/* whose move: 0 or 1 */
	u64 moves;
	int timeouts;
};

struct wq_player {
	struct wq_pingpong *game;
	int me;
};

static int wq_player_fn(void *arg)
{
	struct wq_player *p = arg;
	struct wq_pingpong *g = p->game;
	unsigned int i;

	for (i = 0; i < PINGPONG_ROUNDS; i++) {
		if (!wait_event_timeout(g->wq, READ_ONCE(g->turn) == p->me,
					WAIT_LIMIT)) {
			__atomic_fetch_add(&g->timeouts, 1, __ATOMIC_RELAXED);
			return -ETIME;
		}
		g->moves++;
		smp_store_release(&g->turn, 1 - p->me);
		wake_up(&g->wq);
	}
	return 0;
}

static void waitqueue_pingpong(struct ktest *t)
{
	struct wq_pingpong g = { .turn = 0 };
	struct wq_player p[2] = { { &g, 0 }, { &g, 1 } };
	struct workers w;

	init_waitqueue_head(&g.wq);
	KT_ASSERT_EQ(t, pair_start(&w, wq_player_fn, p, sizeof(p[0]),
				   "kt-wq"), 0);
	KT_EXPECT_EQ(t, workers_join(&w), 0);
	KT_EXPECT_EQ(t, g.timeouts, 0);
	KT_EXPECT_EQ(t, g.moves, 2 * PINGPONG_ROUNDS);
	KT_EXPECT_EQ(t, g.turn, 0);
	KT_EXPECT_FALSE(t, waitqueue_active(&g.wq));
}

struct comp_pingpong {
	struct completion ping, pong;
	u64 pings, pongs;
	int timeouts;
};

struct comp_player {
	struct comp_pingpong *game;
	int me;
};

static int comp_player_fn(void *arg)
{
	struct comp_player *p = arg;
	struct comp_pingpong *g = p->game;
	struct completion *mine = p->me ? &g->pong : &g->ping;
	struct completion *theirs = p->me ? &g->ping : &g->pong;
	unsigned int i;

	for (i = 0; i < PINGPONG_ROUNDS; i++) {
		if (p->me == 0)
			complete(theirs);
		if (!wait_for_completion_timeout(mine, WAIT_LIMIT)) {
			__atomic_fetch_add(&g->timeouts, 1, __ATOMIC_RELAXED);
			return -ETIME;
		}
		if (p->me)
			g->pongs++;
		else
			g->pings++;
		if (p->me == 1)
			complete(theirs);
	}
	return 0;
}

static void completion_pingpong(struct ktest *t)
{
	struct comp_pingpong g = {};
	struct comp_player p[2] = { { &g, 0 }, { &g, 1 } };
	struct workers w;

	/*
	 * Player 0 completes "pong" and waits on "ping"; player 1 waits on
	 * "pong" and completes "ping": strictly alternating.
	 */
	init_completion(&g.ping);
	init_completion(&g.pong);
	KT_ASSERT_EQ(t, pair_start(&w, comp_player_fn, p, sizeof(p[0]),
				   "kt-comp"), 0);
	KT_EXPECT_EQ(t, workers_join(&w), 0);
	KT_EXPECT_EQ(t, g.timeouts, 0);
	KT_EXPECT_EQ(t, g.pings, PINGPONG_ROUNDS);
	KT_EXPECT_EQ(t, g.pongs, PINGPONG_ROUNDS);
	KT_EXPECT_FALSE(t, completion_done(&g.ping));
	KT_EXPECT_FALSE(t, completion_done(&g.pong));
}

static void completion_counting(struct ktest *t)
{
	DECLARE_COMPLETION(done);
	int i;

	KT_EXPECT_FALSE(t, try_wait_for_completion(&done));
	for (i = 0; i < 3; i++)
		complete(&done);
	for (i = 0; i < 3; i++)
		KT_EXPECT_TRUE(t, try_wait_for_completion(&done));
	KT_EXPECT_FALSE(t, try_wait_for_completion(&done));

	complete(&done);
	KT_EXPECT_GT(t, wait_for_completion_timeout(&done, 10), 0);
	KT_EXPECT_FALSE(t, completion_done(&done));

	complete_all(&done);
	for (i = 0; i < 5; i++)
		KT_EXPECT_TRUE(t, try_wait_for_completion(&done));
	wait_for_completion(&done);
	KT_EXPECT_TRUE(t, completion_done(&done));
	reinit_completion(&done);
	KT_EXPECT_FALSE(t, try_wait_for_completion(&done));
}

static void completion_timeout(struct ktest *t)
{
	DECLARE_COMPLETION(never);
	u64 start = jiffies;

	KT_EXPECT_EQ(t, wait_for_completion_timeout(&never, 3), 0);
	KT_EXPECT_GE(t, jiffies - start, 3);
	/* The timed-out waiter left the queue. */
	KT_EXPECT_FALSE(t, waitqueue_active(&never.wait));
}

#define SEM_UNITS	2
#define SEM_ROUNDS	100

struct sem_ctx {
	struct semaphore sem;
	atomic_t holders;
	atomic_t max_holders;
	atomic_t uses;
};

static int sem_worker(void *arg)
{
	struct sem_ctx *c = *(struct sem_ctx **)arg;
	unsigned int i;

	for (i = 0; i < SEM_ROUNDS; i++) {
		int now, max;

		down(&c->sem);
		now = atomic_inc_return(&c->holders);
		max = atomic_read(&c->max_holders);
		while (now > max) {
			int seen = atomic_cmpxchg(&c->max_holders, max, now);

			if (seen == max)
				break;
			max = seen;
		}
		atomic_inc(&c->uses);
		if (i % 8 == 0)
			msleep(1);
		else
			yield();
		atomic_dec(&c->holders);
		up(&c->sem);
	}
	return 0;
}

static void semaphore_resource_limit(struct ktest *t)
{
	struct sem_ctx c = {};
	struct sem_ctx *args[MAX_WORKERS];
	unsigned int i, nr = max(workers_per_cpu(2), 4u);
	struct workers w;

	sema_init(&c.sem, SEM_UNITS);
	for (i = 0; i < nr; i++)
		args[i] = &c;
	KT_ASSERT_EQ(t, workers_start(&w, nr, sem_worker, args,
				      sizeof(args[0]), "kt-sem"), 0);
	KT_EXPECT_EQ(t, workers_join(&w), 0);
	KT_EXPECT_EQ(t, atomic_read(&c.uses), nr * SEM_ROUNDS);
	KT_EXPECT_LE(t, atomic_read(&c.max_holders), SEM_UNITS);
	KT_EXPECT_GE(t, atomic_read(&c.max_holders), 1);
	KT_EXPECT_EQ(t, atomic_read(&c.holders), 0);
	/* Every unit came back. */
	for (i = 0; i < SEM_UNITS; i++)
		KT_EXPECT_EQ(t, down_trylock(&c.sem), 0);
	KT_EXPECT_EQ(t, down_trylock(&c.sem), 1);
}

static void semaphore_trylock_and_timeout(struct ktest *t)
{
	struct semaphore sem;
	u64 start;

	sema_init(&sem, 1);
	KT_EXPECT_EQ(t, down_trylock(&sem), 0);
	KT_EXPECT_EQ(t, down_trylock(&sem), 1);
	start = jiffies;
	KT_EXPECT_EQ(t, down_timeout(&sem, 3), -ETIME);
	KT_EXPECT_GE(t, jiffies - start, 3);
	up(&sem);
	KT_EXPECT_EQ(t, down_timeout(&sem, 3), 0);
	up(&sem);
	down(&sem);
	KT_EXPECT_EQ(t, down_trylock(&sem), 1);
	up(&sem);
}

static void wait_event_timeout_expires(struct ktest *t)
{
	DECLARE_WAIT_QUEUE_HEAD(wq);
	int never = 0;
	u64 start = jiffies;
	long ret;

	ret = wait_event_timeout(wq, READ_ONCE(never) != 0, 5);
	KT_EXPECT_EQ(t, ret, 0);
	KT_EXPECT_GE(t, jiffies - start, 5);
	KT_EXPECT_FALSE(t, waitqueue_active(&wq));
	/* A true condition returns the whole timeout without sleeping. */
	KT_EXPECT_EQ(t, wait_event_timeout(wq, READ_ONCE(never) == 0, 7), 7);
}

/* A wake function's record of what it was told. */
struct wake_probe {
	struct wait_queue_entry w;
	unsigned long keys;	/* OR of the keys seen */
	int calls;
	bool counts;		/* its return value */
};

static bool wake_probe_fn(struct wait_queue_entry *w, void *key)
{
	struct wake_probe *p = w->private;

	p->keys |= (unsigned long)key;
	p->calls++;
	return p->counts;
}

static void waitqueue_wake_function(struct ktest *t)
{
	DECLARE_WAIT_QUEUE_HEAD(wq);
	struct wake_probe a = { .counts = false }, b = { .counts = true };

	init_waitqueue_func_entry(&a.w, wake_probe_fn, &a);
	init_waitqueue_func_entry(&b.w, wake_probe_fn, &b);
	add_wait_queue(&wq, &a.w);
	add_wait_queue(&wq, &a.w);	/* already queued: once only */
	add_wait_queue(&wq, &b.w);
	KT_EXPECT_TRUE(t, waitqueue_active(&wq));

	/* Every entry hears the key, in queue order, once per wakeup. */
	wake_up_poll(&wq, 0x5);
	KT_EXPECT_EQ(t, a.calls, 1);
	KT_EXPECT_EQ(t, b.calls, 1);
	KT_EXPECT_EQ(t, a.keys, 0x5);
	KT_EXPECT_EQ(t, b.keys, 0x5);
	/* A plain wake_up passes no key. */
	wake_up(&wq);
	KT_EXPECT_EQ(t, a.calls, 2);
	KT_EXPECT_EQ(t, a.keys, 0x5);

	remove_wait_queue(&wq, &a.w);
	remove_wait_queue(&wq, &a.w);	/* not queued: a no-op */
	wake_up_poll(&wq, 0x40);
	KT_EXPECT_EQ(t, a.calls, 2);
	KT_EXPECT_EQ(t, b.calls, 3);
	KT_EXPECT_EQ(t, b.keys, 0x45);
	remove_wait_queue(&wq, &b.w);
	KT_EXPECT_FALSE(t, waitqueue_active(&wq));
}

#define PCPU_ADDS	1000

struct pcpu_ctx {
	struct percpu_counter counter;
};

static int pcpu_worker(void *arg)
{
	struct pcpu_ctx *c = *(struct pcpu_ctx **)arg;
	unsigned int i;

	for (i = 0; i < PCPU_ADDS; i++) {
		percpu_counter_add(&c->counter, 3);
		percpu_counter_dec(&c->counter);
	}
	return 0;
}

static void percpu_counter_exact_sum(struct ktest *t)
{
	static struct pcpu_ctx c;
	struct pcpu_ctx *args[MAX_WORKERS];
	unsigned int i, nr = workers_per_cpu(2);
	struct workers w;

	percpu_counter_init(&c.counter, 100);
	KT_EXPECT_EQ(t, percpu_counter_sum(&c.counter), 100);
	for (i = 0; i < nr; i++)
		args[i] = &c;
	KT_ASSERT_EQ(t, workers_start(&w, nr, pcpu_worker, args,
				      sizeof(args[0]), "kt-pcpu"), 0);
	KT_EXPECT_EQ(t, workers_join(&w), 0);
	KT_EXPECT_EQ(t, percpu_counter_sum(&c.counter),
		     100 + (s64)nr * PCPU_ADDS * 2);
	/* The shared count alone lags by less than a batch per CPU. */
	KT_EXPECT_LE(t, percpu_counter_sum(&c.counter) -
		     percpu_counter_read(&c.counter),
		     (s64)NR_CPUS * PERCPU_COUNTER_BATCH);
}

static struct ktest_case sync_cases[] = {
	KTEST_CASE(mutex_pingpong),
	KTEST_CASE(mutex_trylock_semantics),
	KTEST_CASE(waitqueue_pingpong),
	KTEST_CASE(completion_pingpong),
	KTEST_CASE(completion_counting),
	KTEST_CASE(completion_timeout),
	KTEST_CASE(semaphore_resource_limit),
	KTEST_CASE(semaphore_trylock_and_timeout),
	KTEST_CASE(wait_event_timeout_expires),
	KTEST_CASE(waitqueue_wake_function),
	KTEST_CASE(percpu_counter_exact_sum),
	{}
};
KTEST_SUITE(sync, sync_cases);

/* ------------------------------------------------------------------ */
/* Suite "lockdep": bugs planted on purpose, each on its own locks */

static bool lockdep_usable(struct ktest *t)
{
	return IS_ENABLED(CONFIG_DEBUG_SPINLOCK) && READ_ONCE(lockdep_enabled);
}

#define LOCKDEP_OR_SKIP(t) do {						\
	if (!lockdep_usable(t))						\
		KT_SKIP(t, "CONFIG_DEBUG_SPINLOCK off or lockdep not started"); \
} while (0)

static void lockdep_abba_inversion(struct ktest *t)
{
	static DEFINE_SPINLOCK(kt_lock_a);
	static DEFINE_SPINLOCK(kt_lock_b);
	struct lockdep_stats s0, s1, s2;

	LOCKDEP_OR_SKIP(t);
	/* A then B: records A -> B.  No report. */
	lockdep_get_stats(&s0);
	spin_lock(&kt_lock_a);
	spin_lock(&kt_lock_b);
	spin_unlock(&kt_lock_b);
	spin_unlock(&kt_lock_a);
	lockdep_get_stats(&s1);
	KT_EXPECT_EQ(t, s1.inversions, s0.inversions);

	/* Later, B then A: closes the cycle.  Reported exactly once. */
	spin_lock(&kt_lock_b);
	spin_lock(&kt_lock_a);
	spin_unlock(&kt_lock_a);
	spin_unlock(&kt_lock_b);
	lockdep_get_stats(&s1);
	KT_EXPECT_EQ(t, s1.inversions, s0.inversions + 1);

	/* The same inversion again: not reported a second time. */
	spin_lock(&kt_lock_b);
	spin_lock(&kt_lock_a);
	spin_unlock(&kt_lock_a);
	spin_unlock(&kt_lock_b);
	lockdep_get_stats(&s2);
	KT_EXPECT_EQ(t, s2.inversions, s1.inversions);
	KT_EXPECT_EQ(t, s2.recursion, s0.recursion);
	KT_EXPECT_EQ(t, s2.bad_unlock, s0.bad_unlock);
	KT_EXPECT_FALSE(t, spin_is_locked(&kt_lock_a));
	KT_EXPECT_FALSE(t, spin_is_locked(&kt_lock_b));
}

static void lockdep_three_lock_cycle(struct ktest *t)
{
	static DEFINE_SPINLOCK(kt_ring_x);
	static DEFINE_SPINLOCK(kt_ring_y);
	static DEFINE_SPINLOCK(kt_ring_z);
	struct lockdep_stats s0, s1;

	LOCKDEP_OR_SKIP(t);
	lockdep_get_stats(&s0);
	/* x -> y and y -> z, never all three nested ... */
	spin_lock(&kt_ring_x);
	spin_lock(&kt_ring_y);
	spin_unlock(&kt_ring_y);
	spin_unlock(&kt_ring_x);
	spin_lock(&kt_ring_y);
	spin_lock(&kt_ring_z);
	spin_unlock(&kt_ring_z);
	spin_unlock(&kt_ring_y);
	lockdep_get_stats(&s1);
	KT_EXPECT_EQ(t, s1.inversions, s0.inversions);

	/* ... then z -> x closes x -> y -> z -> x through the graph. */
	spin_lock(&kt_ring_z);
	spin_lock(&kt_ring_x);
	spin_unlock(&kt_ring_x);
	spin_unlock(&kt_ring_z);
	lockdep_get_stats(&s1);
	KT_EXPECT_EQ(t, s1.inversions, s0.inversions + 1);
}

static void lockdep_mutex_abba(struct ktest *t)
{
	static DEFINE_MUTEX(kt_mutex_a);
	static DEFINE_MUTEX(kt_mutex_b);
	struct lockdep_stats s0, s1;

	LOCKDEP_OR_SKIP(t);
	lockdep_get_stats(&s0);
	mutex_lock(&kt_mutex_a);
	mutex_lock(&kt_mutex_b);
	mutex_unlock(&kt_mutex_b);
	mutex_unlock(&kt_mutex_a);
	mutex_lock(&kt_mutex_b);
	mutex_lock(&kt_mutex_a);
	mutex_unlock(&kt_mutex_a);
	mutex_unlock(&kt_mutex_b);
	lockdep_get_stats(&s1);
	KT_EXPECT_EQ(t, s1.inversions, s0.inversions + 1);
}

static void lockdep_recursion(struct ktest *t)
{
	static DEFINE_SPINLOCK(kt_recursive);
	struct lockdep_stats s0, s1;
	int base = preempt_count();

	LOCKDEP_OR_SKIP(t);
	lockdep_get_stats(&s0);
	spin_lock(&kt_recursive);
	/* Reported and not taken (it would spin forever). */
	spin_lock(&kt_recursive);
	lockdep_get_stats(&s1);
	KT_EXPECT_EQ(t, s1.recursion, s0.recursion + 1);
	KT_EXPECT_EQ(t, preempt_count(), base + 1);
	KT_EXPECT_TRUE(t, spin_is_locked(&kt_recursive));
	spin_unlock(&kt_recursive);
	KT_EXPECT_FALSE(t, spin_is_locked(&kt_recursive));
	KT_EXPECT_EQ(t, preempt_count(), base);
	lockdep_get_stats(&s1);
	KT_EXPECT_EQ(t, s1.bad_unlock, s0.bad_unlock);
}

static void lockdep_mutex_recursion(struct ktest *t)
{
	static DEFINE_MUTEX(kt_mutex_rec);
	struct lockdep_stats s0, s1;

	LOCKDEP_OR_SKIP(t);
	lockdep_get_stats(&s0);
	mutex_lock(&kt_mutex_rec);
	mutex_lock(&kt_mutex_rec);
	lockdep_get_stats(&s1);
	KT_EXPECT_EQ(t, s1.recursion, s0.recursion + 1);
	mutex_unlock(&kt_mutex_rec);
	KT_EXPECT_FALSE(t, mutex_is_locked(&kt_mutex_rec));
}

static void lockdep_unlock_of_free_lock(struct ktest *t)
{
	static DEFINE_SPINLOCK(kt_never_locked);
	struct lockdep_stats s0, s1;
	int base = preempt_count();

	LOCKDEP_OR_SKIP(t);
	lockdep_get_stats(&s0);
	spin_unlock(&kt_never_locked);
	lockdep_get_stats(&s1);
	KT_EXPECT_EQ(t, s1.bad_unlock, s0.bad_unlock + 1);
	/* Refused: the lock is still free and usable, preemption as before. */
	KT_EXPECT_FALSE(t, spin_is_locked(&kt_never_locked));
	KT_EXPECT_EQ(t, preempt_count(), base);
	KT_EXPECT_TRUE(t, spin_trylock(&kt_never_locked));
	spin_unlock(&kt_never_locked);
	KT_EXPECT_FALSE(t, spin_is_locked(&kt_never_locked));
}

struct holder_ctx {
	spinlock_t *lock;
	int held;
	int release;
};

/* Hold @lock (spinning, preemption off) until told to let go. */
static int spin_holder(void *arg)
{
	struct holder_ctx *c = arg;
	u64 end = jiffies + WAIT_LIMIT;

	spin_lock(c->lock);
	smp_store_release(&c->held, 1);
	while (!smp_load_acquire(&c->release) && jiffies < end)
		cpu_relax();
	spin_unlock(c->lock);
	return 0;
}

static void lockdep_unlock_by_other_cpu(struct ktest *t)
{
	static DEFINE_SPINLOCK(kt_foreign);
	struct holder_ctx c = { .lock = &kt_foreign };
	u64 allowed = current->cpus_allowed;
	struct lockdep_stats s0, s1;
	unsigned int other;
	struct task *k;
	u64 end;

	LOCKDEP_OR_SKIP(t);
	if (num_online_cpus() < 2)
		KT_SKIP(t, "needs a second CPU to hold the lock meanwhile");
	/* Stay off the holder's CPU: it spins there non-preemptibly. */
	KT_ASSERT_EQ(t, set_cpus_allowed(current, 1ULL << smp_processor_id()),
		     0);
	other = nth_online_cpu(1);
	if (other == smp_processor_id())
		other = nth_online_cpu(0);
	k = kthread_create_on_cpu(spin_holder, &c, other, "kt-holder");
	if (IS_ERR(k)) {
		set_cpus_allowed(current, allowed);
		KT_ASSERT_FALSE(t, IS_ERR(k));
	}
	wake_up_process(k);
	end = jiffies + WAIT_LIMIT;
	while (!smp_load_acquire(&c.held) && jiffies < end)
		msleep(1);
	KT_EXPECT_TRUE(t, READ_ONCE(c.held));

	lockdep_get_stats(&s0);
	spin_unlock(&kt_foreign);
	lockdep_get_stats(&s1);
	KT_EXPECT_EQ(t, s1.bad_unlock, s0.bad_unlock + 1);
	/* Refused: still held by the other thread. */
	KT_EXPECT_TRUE(t, spin_is_locked(&kt_foreign));

	smp_store_release(&c.release, 1);
	kthread_stop(k);
	set_cpus_allowed(current, allowed);
	KT_EXPECT_FALSE(t, spin_is_locked(&kt_foreign));
	lockdep_get_stats(&s1);
	KT_EXPECT_EQ(t, s1.bad_unlock, s0.bad_unlock + 1);
}

struct mutex_holder_ctx {
	struct mutex *lock;
	struct completion locked, go;
};

static int mutex_holder(void *arg)
{
	struct mutex_holder_ctx *c = arg;

	mutex_lock(c->lock);
	complete(&c->locked);
	/* Sleeping with a mutex held is fine. */
	wait_for_completion_timeout(&c->go, WAIT_LIMIT);
	mutex_unlock(c->lock);
	return 0;
}

static void lockdep_mutex_unlock_by_non_owner(struct ktest *t)
{
	static DEFINE_MUTEX(kt_mutex_foreign);
	struct mutex_holder_ctx c = { .lock = &kt_mutex_foreign };
	struct lockdep_stats s0, s1;
	struct task *k;

	/* Mutex owners are tracked in every configuration. */
	init_completion(&c.locked);
	init_completion(&c.go);
	k = kthread_run(mutex_holder, &c, "kt-mholder");
	KT_ASSERT_FALSE(t, IS_ERR(k));
	KT_ASSERT_GT(t, wait_for_completion_timeout(&c.locked, WAIT_LIMIT), 0);

	lockdep_get_stats(&s0);
	mutex_unlock(&kt_mutex_foreign);
	lockdep_get_stats(&s1);
	KT_EXPECT_EQ(t, s1.bad_unlock, s0.bad_unlock + 1);
	KT_EXPECT_TRUE(t, mutex_owner(&kt_mutex_foreign) == k);

	complete(&c.go);
	kthread_stop(k);
	KT_EXPECT_FALSE(t, mutex_is_locked(&kt_mutex_foreign));
	lockdep_get_stats(&s1);
	KT_EXPECT_EQ(t, s1.sleep_in_atomic, s0.sleep_in_atomic);
}

static void lockdep_might_sleep_under_spinlock(struct ktest *t)
{
	static DEFINE_SPINLOCK(kt_atomic_section);
	struct lockdep_stats s0, s1;

	LOCKDEP_OR_SKIP(t);
	lockdep_get_stats(&s0);
	might_sleep();				/* fine here */
	lockdep_get_stats(&s1);
	KT_EXPECT_EQ(t, s1.sleep_in_atomic, s0.sleep_in_atomic);

	spin_lock(&kt_atomic_section);
	might_sleep();
	spin_unlock(&kt_atomic_section);
	lockdep_get_stats(&s1);
	KT_EXPECT_EQ(t, s1.sleep_in_atomic, s0.sleep_in_atomic + 1);
}

/*
 * schedule() with a spinlock held: a bug lockdep must report.  The case
 * runs the check schedule() makes first (lockdep_check_sleep()) rather
 * than switching for real: preempt_count is per CPU, so a real switch
 * with it raised hands the raised count to whatever task runs next on
 * that CPU (a FIT poller, rxe0), which then reports -- and, reported once
 * per task, stays muted for the rest of the boot.
 */
static void lockdep_schedule_under_spinlock(struct ktest *t)
{
	static DEFINE_SPINLOCK(kt_sleep_lock);
	struct lockdep_stats s0, s1;
	int count = preempt_count();

	LOCKDEP_OR_SKIP(t);
	lockdep_get_stats(&s0);
	lockdep_check_sleep();			/* fine here */
	lockdep_get_stats(&s1);
	KT_EXPECT_EQ(t, s1.sleep_in_atomic, s0.sleep_in_atomic);

	spin_lock(&kt_sleep_lock);
	lockdep_check_sleep();
	spin_unlock(&kt_sleep_lock);
	lockdep_get_stats(&s1);
	KT_EXPECT_EQ(t, s1.sleep_in_atomic, s0.sleep_in_atomic + 1);
	KT_EXPECT_FALSE(t, spin_is_locked(&kt_sleep_lock));
	KT_EXPECT_EQ(t, s1.bad_unlock, s0.bad_unlock);
	KT_EXPECT_EQ(t, preempt_count(), count);
}

static void lockdep_held_lock_tracking(struct ktest *t)
{
	static DEFINE_SPINLOCK(kt_outer);
	static DEFINE_SPINLOCK(kt_inner2);
	int depth = current->lock_depth;

	LOCKDEP_OR_SKIP(t);
	spin_lock(&kt_outer);
	spin_lock(&kt_inner2);
	KT_EXPECT_EQ(t, current->lock_depth, depth + 2);
	KT_EXPECT_TRUE(t, current->held_locks[depth + 1].lock ==
		       &spin_debug(&kt_inner2)->dep_map);
	/* Out-of-order release is allowed. */
	spin_unlock(&kt_outer);
	KT_EXPECT_EQ(t, current->lock_depth, depth + 1);
	KT_EXPECT_TRUE(t, current->held_locks[depth].lock ==
		       &spin_debug(&kt_inner2)->dep_map);
	spin_unlock(&kt_inner2);
	KT_EXPECT_EQ(t, current->lock_depth, depth);
}

static struct ktest_case lockdep_cases[] = {
	KTEST_CASE(lockdep_abba_inversion),
	KTEST_CASE(lockdep_three_lock_cycle),
	KTEST_CASE(lockdep_mutex_abba),
	KTEST_CASE(lockdep_recursion),
	KTEST_CASE(lockdep_mutex_recursion),
	KTEST_CASE(lockdep_unlock_of_free_lock),
	KTEST_CASE(lockdep_unlock_by_other_cpu),
	KTEST_CASE(lockdep_mutex_unlock_by_non_owner),
	KTEST_CASE(lockdep_might_sleep_under_spinlock),
	KTEST_CASE(lockdep_schedule_under_spinlock),
	KTEST_CASE(lockdep_held_lock_tracking),
	{}
};
KTEST_SUITE(lockdep, lockdep_cases);

/* ------------------------------------------------------------------ */
/* Suite "stress": a token handed round a ring of threads */

#define RING_PER_CPU	4
#define RING_HANDOFFS	2000

struct ring {
	unsigned int nr;		/* threads in the ring */
	u64 seq;			/* handoffs so far; the holder is seq % nr */
	int abort;			/* a wait timed out: everyone leaves */
	int timeouts;
	struct wait_queue_head wq[MAX_WORKERS];
	struct completion turn[MAX_WORKERS];
};

struct ring_member {
	struct ring *ring;
	unsigned int me;
	u64 handoffs;			/* done by this member */
};

static void ring_abort(struct ring *r)
{
	unsigned int i;

	__atomic_fetch_add(&r->timeouts, 1, __ATOMIC_RELAXED);
	WRITE_ONCE(r->abort, 1);
	for (i = 0; i < r->nr; i++) {
		wake_up_all(&r->wq[i]);
		complete_all(&r->turn[i]);
	}
}

static bool ring_my_turn(struct ring *r, unsigned int me)
{
	u64 seq = smp_load_acquire(&r->seq);

	return READ_ONCE(r->abort) || seq >= RING_HANDOFFS || seq % r->nr == me;
}

static int ring_wq_member(void *arg)
{
	struct ring_member *m = arg;
	struct ring *r = m->ring;
	unsigned int next = (m->me + 1) % r->nr;

	for (;;) {
		if (!wait_event_timeout(r->wq[m->me], ring_my_turn(r, m->me),
					WAIT_LIMIT)) {
			ring_abort(r);
			return -ETIME;
		}
		if (READ_ONCE(r->abort))
			return -EINTR;
		if (r->seq >= RING_HANDOFFS)
			break;
		m->handoffs++;
		smp_store_release(&r->seq, r->seq + 1);
		wake_up(&r->wq[next]);
	}
	/* Finished: let the next one see it too. */
	wake_up(&r->wq[next]);
	return 0;
}

static int ring_completion_member(void *arg)
{
	struct ring_member *m = arg;
	struct ring *r = m->ring;
	unsigned int next = (m->me + 1) % r->nr;

	for (;;) {
		if (!wait_for_completion_timeout(&r->turn[m->me], WAIT_LIMIT)) {
			ring_abort(r);
			return -ETIME;
		}
		if (READ_ONCE(r->abort))
			return -EINTR;
		if (r->seq >= RING_HANDOFFS)
			break;
		if (r->seq % r->nr != m->me) {
			/* Woken out of turn: a lost or doubled handoff. */
			ring_abort(r);
			return -EPROTO;
		}
		m->handoffs++;
		smp_store_release(&r->seq, r->seq + 1);
		complete(&r->turn[next]);
	}
	complete(&r->turn[next]);
	return 0;
}

static void ring_run(struct ktest *t, bool completions)
{
	static struct ring r;
	static struct ring_member members[MAX_WORKERS];
	unsigned int i, nr = workers_per_cpu(RING_PER_CPU);
	struct workers w;
	u64 total = 0;

	if (nr < 2)
		nr = 2;
	memset(&r, 0, sizeof(r));
	r.nr = nr;
	for (i = 0; i < nr; i++) {
		init_waitqueue_head(&r.wq[i]);
		init_completion(&r.turn[i]);
		members[i].ring = &r;
		members[i].me = i;
		members[i].handoffs = 0;
	}
	KT_ASSERT_EQ(t, workers_start(&w, nr, completions ?
				      ring_completion_member : ring_wq_member,
				      members, sizeof(members[0]),
				      completions ? "kt-cring" : "kt-wring"), 0);
	if (completions)
		complete(&r.turn[0]);
	KT_EXPECT_EQ(t, workers_join(&w), 0);
	KT_EXPECT_EQ(t, r.timeouts, 0);
	KT_EXPECT_EQ(t, r.seq, RING_HANDOFFS);
	for (i = 0; i < nr; i++) {
		/* Member i owns the handoffs with seq % nr == i. */
		u64 want = (RING_HANDOFFS + nr - 1 - i) / nr;

		KT_EXPECT_EQ(t, members[i].handoffs, want);
		total += members[i].handoffs;
	}
	KT_EXPECT_EQ(t, total, RING_HANDOFFS);
}

static void stress_waitqueue_ring(struct ktest *t)
{
	ring_run(t, false);
}

static void stress_completion_ring(struct ktest *t)
{
	ring_run(t, true);
}

#define CONTEND_ROUNDS	300

struct contend_ctx {
	struct mutex lock;
	u64 count;			/* under lock */
	struct wait_queue_head done_wq;
	atomic_t finished;
};

static int contend_worker(void *arg)
{
	struct contend_ctx *c = *(struct contend_ctx **)arg;
	unsigned int i;

	for (i = 0; i < CONTEND_ROUNDS; i++) {
		mutex_lock(&c->lock);
		c->count++;
		if (i % 32 == 0)
			yield();
		mutex_unlock(&c->lock);
	}
	atomic_inc(&c->finished);
	wake_up_all(&c->done_wq);
	return 0;
}

static void stress_mutex_many_waiters(struct ktest *t)
{
	static struct contend_ctx c;
	struct contend_ctx *args[MAX_WORKERS];
	unsigned int i, nr = workers_per_cpu(RING_PER_CPU);
	struct workers w;

	memset(&c, 0, sizeof(c));
	mutex_init(&c.lock);
	init_waitqueue_head(&c.done_wq);
	for (i = 0; i < nr; i++)
		args[i] = &c;
	KT_ASSERT_EQ(t, workers_start(&w, nr, contend_worker, args,
				      sizeof(args[0]), "kt-contend"), 0);
	KT_ASSERT_GT(t, wait_event_timeout(c.done_wq,
			atomic_read(&c.finished) == (int)nr, 4 * WAIT_LIMIT), 0);
	KT_EXPECT_EQ(t, workers_join(&w), 0);
	KT_EXPECT_EQ(t, c.count, (u64)nr * CONTEND_ROUNDS);
	KT_EXPECT_FALSE(t, mutex_is_locked(&c.lock));
}

static struct ktest_case stress_cases[] = {
	KTEST_CASE(stress_waitqueue_ring),
	KTEST_CASE(stress_completion_ring),
	KTEST_CASE(stress_mutex_many_waiters),
	{}
};
KTEST_SUITE(stress, stress_cases);
