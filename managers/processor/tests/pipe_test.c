// SPDX-License-Identifier: GPL-2.0
/*
 * KTAP suite "pipe": the poll side of pipe.c, without a process: the
 * readiness bits each end reports and the keys its wake_up_poll() calls
 * hand to a wake function queued through the poll op (what poll and
 * epoll rely on).  Pipes are made O_NONBLOCK with pipe_create() and
 * driven through their ops from the test's kernel thread (kernel
 * buffers: the copies are the raw uaccess instructions, which take any
 * mapped address).  tests/user/pipes.c covers the system calls.
 */
#include <tessera/compiler.h>
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/ktest.h>
#include <tessera/wait.h>
#include <uapi/fcntl.h>
#include <uapi/poll.h>
#include <uapi/stat.h>

#include "../internal.h"
#include "../fs.h"

#define IN_BITS		(POLLIN | POLLRDNORM)
#define OUT_BITS	(POLLOUT | POLLWRNORM)

/* A poller: one wake-function entry on whatever queue the op gives. */
struct test_poller {
	struct poll_table pt;
	struct wait_queue_entry w;
	struct wait_queue_head *wq;
	unsigned long keys;		/* every key heard, ORed */
	int wakes;
	int queued;			/* calls of the queue hook */
};

static bool poller_wake(struct wait_queue_entry *w, void *key)
{
	struct test_poller *tp = w->private;

	tp->keys |= (unsigned long)key;
	tp->wakes++;
	return false;
}

static void poller_queue(struct ufile *f, struct wait_queue_head *wq,
			 struct poll_table *pt)
{
	struct test_poller *tp = container_of(pt, struct test_poller, pt);

	tp->queued++;
	tp->wq = wq;
	init_waitqueue_func_entry(&tp->w, poller_wake, tp);
	add_wait_queue(wq, &tp->w);
}

static u32 poll_bits(struct ufile *f)
{
	return f->ops->poll(f, NULL);
}

static long do_write(struct ufile *f, const void *buf, size_t len)
{
	u64 pos = 0;

	return f->ops->write(f, (const char __user *)buf, len, &pos);
}

static long do_read(struct ufile *f, void *buf, size_t len)
{
	u64 pos = 0;

	return f->ops->read(f, (char __user *)buf, len, &pos);
}

static void pipe_poll_bits_and_keys(struct ktest *t)
{
	static char buf[65536];
	struct test_poller rd = { .pt.queue = poller_queue };
	struct test_poller wr = { .pt.queue = poller_queue };
	struct ufile *ends[2];

	KT_ASSERT_EQ(t, pipe_create(O_NONBLOCK, ends), 0);
	/* Empty: the read end nothing, the write end writable. */
	KT_EXPECT_EQ(t, ends[0]->ops->poll(ends[0], &rd.pt), 0);
	KT_EXPECT_EQ(t, ends[1]->ops->poll(ends[1], &wr.pt), OUT_BITS);
	KT_EXPECT_EQ(t, rd.queued, 1);
	KT_EXPECT_EQ(t, wr.queued, 1);
	KT_EXPECT_EQ(t, do_read(ends[0], buf, 1), -EAGAIN);
	KT_EXPECT_EQ(t, rd.wakes, 0);

	/* Data: readable, and the wake said so. */
	KT_EXPECT_EQ(t, do_write(ends[1], "abc", 3), 3);
	KT_EXPECT_EQ(t, poll_bits(ends[0]), IN_BITS);
	KT_EXPECT_GT(t, rd.wakes, 0);
	KT_EXPECT_EQ(t, rd.keys & IN_BITS, IN_BITS);
	KT_EXPECT_EQ(t, rd.keys & OUT_BITS, 0);

	/* Less than PIPE_BUF of room: no POLLOUT; a read brings it back. */
	KT_EXPECT_EQ(t, do_write(ends[1], buf, 65536 - 3 - 4095),
		     65536 - 3 - 4095);
	KT_EXPECT_EQ(t, poll_bits(ends[1]), 0);
	KT_EXPECT_EQ(t, do_write(ends[1], buf, 4096), -EAGAIN);
	wr.keys = 0;
	KT_EXPECT_EQ(t, do_read(ends[0], buf, 1), 1);
	KT_EXPECT_EQ(t, buf[0], 'a');
	KT_EXPECT_EQ(t, poll_bits(ends[1]), OUT_BITS);
	KT_EXPECT_EQ(t, wr.keys & OUT_BITS, OUT_BITS);
	KT_EXPECT_EQ(t, do_write(ends[1], buf, 4096), 4096);
	KT_EXPECT_EQ(t, do_write(ends[1], "x", 1), -EAGAIN);

	/* The write end goes: POLLHUP on the read end, data still there. */
	remove_wait_queue(wr.wq, &wr.w);
	rd.keys = 0;
	ufile_put(ends[1]);
	KT_EXPECT_EQ(t, rd.keys & POLLHUP, POLLHUP);
	KT_EXPECT_EQ(t, poll_bits(ends[0]), IN_BITS | POLLHUP);
	KT_EXPECT_EQ(t, do_read(ends[0], buf, 2), 2);
	KT_EXPECT_MEMEQ(t, buf, "bc", 2);
	while (do_read(ends[0], buf, sizeof(buf)) > 0)
		;
	KT_EXPECT_EQ(t, poll_bits(ends[0]), POLLHUP);
	KT_EXPECT_EQ(t, do_read(ends[0], buf, 1), 0);
	remove_wait_queue(rd.wq, &rd.w);
	ufile_put(ends[0]);
}

static void pipe_reader_gone(struct ktest *t)
{
	struct test_poller wr = { .pt.queue = poller_queue };
	struct ufile *ends[2];
	struct uapi_stat st0, st1;

	KT_ASSERT_EQ(t, pipe_create(0, ends), 0);
	KT_EXPECT_EQ(t, ends[0]->flags & (O_ACCMODE | O_NONBLOCK), O_RDONLY);
	KT_EXPECT_EQ(t, ends[1]->flags & (O_ACCMODE | O_NONBLOCK), O_WRONLY);
	ends[0]->ops->fstat(ends[0], &st0);
	ends[1]->ops->fstat(ends[1], &st1);
	KT_EXPECT_EQ(t, st0.st_mode & S_IFMT, S_IFIFO);
	KT_EXPECT_EQ(t, st0.st_ino, st1.st_ino);
	ends[1]->ops->poll(ends[1], &wr.pt);
	ufile_put(ends[0]);
	KT_EXPECT_EQ(t, wr.keys & POLLERR, POLLERR);
	KT_EXPECT_EQ(t, poll_bits(ends[1]), OUT_BITS | POLLERR);
	remove_wait_queue(wr.wq, &wr.w);
	ufile_put(ends[1]);
}

static struct ktest_case pipe_cases[] = {
	KTEST_CASE(pipe_poll_bits_and_keys),
	KTEST_CASE(pipe_reader_gone),
	{}
};
KTEST_SUITE(pipe, pipe_cases);
