/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fair-share policy: each run queue orders its tasks by virtual
 * runtime (CPU time scaled by 1024/weight) in a red-black tree and runs
 * the leftmost.  Weights follow nice levels, each step a factor of 1.25,
 * so nice 0 vs nice 5 share the CPU about 3:1.  Since every runnable task
 * eventually has the smallest vruntime, nothing starves, however
 * aggressively another task polls.
 *
 * Constants are for a kernel whose tick is 1/HZ s: a task keeps the CPU
 * for at least one slice (sched_latency / nr_running, no less than
 * min_granularity) before the tick preempts it.
 */
#include <tessera/rbtree.h>
#include <tessera/time.h>
#include "sched.h"

#define SCHED_LATENCY_NS	(12 * NSEC_PER_MSEC)
#define MIN_GRANULARITY_NS	(2 * NSEC_PER_MSEC)
#define WAKEUP_GRANULARITY_NS	(2 * NSEC_PER_MSEC)
#define NICE_0_WEIGHT		1024

static unsigned int fair_weight_of_nice(int nice)
{
	u64 w = NICE_0_WEIGHT << 16;	/* 16 fraction bits while scaling */

	for (int i = 0; i < nice; i++)
		w = w * 4 / 5;
	for (int i = 0; i > nice; i--)
		w = w * 5 / 4;
	w >>= 16;
	return w ? (unsigned int)w : 1;
}

static struct task *first_task(struct rq *rq)
{
	struct rb_node *n = rb_first(&rq->timeline);

	return n ? rb_entry(n, struct task, run_node) : NULL;
}

static void update_min_vruntime(struct rq *rq)
{
	struct task *left = first_task(rq);
	u64 v = rq->min_vruntime;
	struct task *curr = rq->curr;
	bool have = false;

	if (curr && curr != rq->idle && curr->on_rq) {
		v = curr->vruntime;
		have = true;
	}
	if (left && (!have || left->vruntime < v))
		v = left->vruntime;
	if (have || left) {
		if (v > rq->min_vruntime)
			rq->min_vruntime = v;
	}
}

static void fair_enqueue(struct rq *rq, struct task *t)
{
	struct rb_node **link = &rq->timeline.rb_node, *parent = NULL;

	while (*link) {
		struct task *e = rb_entry(*link, struct task, run_node);

		parent = *link;
		/* Equal keys go right: FIFO among equals. */
		if ((s64)(t->vruntime - e->vruntime) < 0)
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(&t->run_node, parent, link);
	rb_insert_color(&t->run_node, &rq->timeline);
	rq->nr_queued++;
}

static void fair_dequeue(struct rq *rq, struct task *t)
{
	rb_erase(&t->run_node, &rq->timeline);
	rq->nr_queued--;
	update_min_vruntime(rq);
}

static struct task *fair_pick_next(struct rq *rq)
{
	struct task *t = first_task(rq);

	if (t) {
		rb_erase(&t->run_node, &rq->timeline);
		rq->nr_queued--;
	}
	return t;
}

static void fair_account(struct rq *rq, struct task *t, u64 delta_ns)
{
	t->vruntime += delta_ns * NICE_0_WEIGHT / t->weight;
	update_min_vruntime(rq);
}

static u64 slice_ns(struct rq *rq)
{
	u64 n = rq->nr_running ? rq->nr_running : 1;
	u64 s = SCHED_LATENCY_NS / n;

	return s < MIN_GRANULARITY_NS ? MIN_GRANULARITY_NS : s;
}

static bool fair_tick_preempt(struct rq *rq, struct task *curr, u64 ran_ns)
{
	struct task *left = first_task(rq);

	if (!left)
		return false;
	if (ran_ns >= slice_ns(rq))
		return true;
	/* Far behind the leftmost task: let it catch up now. */
	return (s64)(curr->vruntime - left->vruntime) > (s64)slice_ns(rq);
}

static bool fair_wakeup_preempt(struct rq *rq, struct task *curr,
				struct task *woken)
{
	return (s64)(curr->vruntime - woken->vruntime) >
	       (s64)WAKEUP_GRANULARITY_NS;
}

static void fair_detach(struct rq *rq, struct task *t)
{
	t->vruntime -= rq->min_vruntime;
}

static void fair_place(struct rq *rq, struct task *t, bool initial)
{
	u64 floor;

	/* t->vruntime is relative (see detach) for woken/migrated tasks. */
	if (initial) {
		t->vruntime = rq->min_vruntime + slice_ns(rq) / 2;
		return;
	}
	t->vruntime += rq->min_vruntime;
	/* A sleeper gets at most half a latency period of credit. */
	floor = rq->min_vruntime - SCHED_LATENCY_NS / 2;
	if (rq->min_vruntime > SCHED_LATENCY_NS / 2 &&
	    (s64)(t->vruntime - floor) < 0)
		t->vruntime = floor;
}

const struct sched_ops fair_sched_ops = {
	.name = "fair",
	.enqueue = fair_enqueue,
	.dequeue = fair_dequeue,
	.pick_next = fair_pick_next,
	.account = fair_account,
	.tick_preempt = fair_tick_preempt,
	.wakeup_preempt = fair_wakeup_preempt,
	.place = fair_place,
	.detach = fair_detach,
	.weight_of_nice = fair_weight_of_nice,
};
