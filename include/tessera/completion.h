/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Completions (kernel/locking/completion.c): "this happened" events that
 * one side waits for and the other signals, counted so that a complete()
 * before the wait is not lost.
 *
 *	DECLARE_COMPLETION(done);	// or init_completion(&obj->done)
 *	waiter:  wait_for_completion(&done);
 *	signaller: complete(&done);	// one waiter (or one future wait)
 *		   complete_all(&done);	// every waiter, now and later,
 *					// until reinit_completion()
 *
 * complete() and complete_all() may be called from interrupt context.
 * The waits sleep (process context only).  Timeouts are in jiffies.
 */
#ifndef _TESSERA_COMPLETION_H
#define _TESSERA_COMPLETION_H

#include <tessera/wait.h>

struct completion {
	unsigned int done;		/* protected by wait.lock; UINT_MAX: all */
	struct wait_queue_head wait;
};

#define COMPLETION_INITIALIZER(work)					\
	{ .done = 0, .wait = __WAIT_QUEUE_HEAD_INITIALIZER((work).wait) }
#define DECLARE_COMPLETION(work)					\
	struct completion work = COMPLETION_INITIALIZER(work)

static inline void init_completion(struct completion *x)
{
	x->done = 0;
	init_waitqueue_head(&x->wait);
}

/* Back to "not happened", for reuse.  No waiter may be sleeping on it. */
static inline void reinit_completion(struct completion *x)
{
	WRITE_ONCE(x->done, 0);
}

/* Sleep until completed; consumes one complete(). */
void wait_for_completion(struct completion *x);
/*
 * Sleep until completed or @timeout jiffies passed.  Returns 0 on timeout,
 * else the jiffies left (at least 1); consumes one complete() if not 0.
 */
long wait_for_completion_timeout(struct completion *x, long timeout);
/* Consume one complete() if there is one, without sleeping. */
bool try_wait_for_completion(struct completion *x);
/* True if a wait would not sleep now. */
bool completion_done(struct completion *x);

void complete(struct completion *x);
void complete_all(struct completion *x);

#endif /* _TESSERA_COMPLETION_H */
