// SPDX-License-Identifier: GPL-2.0
/*
 * KTAP suite "fdtable": the processor's descriptor table (fs.c) on its
 * own, without a process or a storage node: the standard three, lowest-
 * free allocation, dup/dup2 sharing one open file, close, the FD_MAX
 * limit and the close-on-exec bits.  Tables are made with
 * fd_table_create() in the test's kernel thread.
 */
#include <tessera/errno.h>
#include <tessera/kernel.h>
#include <tessera/ktest.h>

#include <uapi/poll.h>
#include <uapi/stat.h>

#include "../internal.h"
#include "../fs.h"

/* The open file in slot @fd, without taking a reference. */
static struct ufile *slot(struct fd_table *t, int fd)
{
	struct ufile *f = fd_get(t, fd);

	if (IS_ERR(f))
		return f;
	ufile_put(f);
	return f;
}

static void fd_std_streams(struct ktest *t)
{
	struct fd_table *ft = fd_table_create();

	KT_ASSERT_NOT_NULL(t, ft);
	KT_EXPECT_EQ(t, console_std_stream(slot(ft, 0)), 0);
	KT_EXPECT_EQ(t, console_std_stream(slot(ft, 1)), 1);
	KT_EXPECT_EQ(t, console_std_stream(slot(ft, 2)), 2);
	KT_EXPECT_FALSE(t, ufile_is_dir(slot(ft, 1)));
	KT_EXPECT_EQ(t, PTR_ERR(fd_get(ft, 3)), -EBADF);
	KT_EXPECT_EQ(t, PTR_ERR(fd_get(ft, -1)), -EBADF);
	KT_EXPECT_EQ(t, PTR_ERR(fd_get(ft, FD_MAX)), -EBADF);
	KT_EXPECT_EQ(t, fd_get_cloexec(ft, 1), 0);
	KT_EXPECT_STREQ(t, ft->cwd, "/");
	fd_table_destroy(ft);
}

static void fd_dup_lowest_free(struct ktest *t)
{
	struct fd_table *ft = fd_table_create();
	struct ufile *out;

	KT_ASSERT_NOT_NULL(t, ft);
	out = slot(ft, 1);
	KT_EXPECT_EQ(t, atomic_read(&out->refs), 1);
	KT_EXPECT_EQ(t, fd_dup(ft, 1, 0, false), 3);
	KT_EXPECT_EQ(t, fd_dup(ft, 1, 0, false), 4);
	/* Both dups share the open file (and so its offset). */
	KT_EXPECT_TRUE(t, slot(ft, 3) == out && slot(ft, 4) == out);
	KT_EXPECT_EQ(t, atomic_read(&out->refs), 3);
	KT_EXPECT_EQ(t, fd_close(ft, 0), 0);
	KT_EXPECT_EQ(t, fd_dup(ft, 2, 0, false), 0);
	KT_EXPECT_EQ(t, console_std_stream(slot(ft, 0)), 2);
	/* F_DUPFD's minimum. */
	KT_EXPECT_EQ(t, fd_dup(ft, 1, 10, false), 10);
	KT_EXPECT_EQ(t, fd_dup(ft, 1, 4, false), 5);
	KT_EXPECT_EQ(t, fd_dup(ft, 7, 0, false), -EBADF);
	KT_EXPECT_EQ(t, fd_dup(ft, 1, FD_MAX, false), -EINVAL);
	KT_EXPECT_EQ(t, fd_dup(ft, 1, -1, false), -EINVAL);
	KT_EXPECT_EQ(t, atomic_read(&out->refs), 5);
	fd_table_destroy(ft);
}

static void fd_close_twice(struct ktest *t)
{
	struct fd_table *ft = fd_table_create();
	struct ufile *out;

	KT_ASSERT_NOT_NULL(t, ft);
	out = slot(ft, 1);
	KT_ASSERT_EQ(t, fd_dup(ft, 1, 0, false), 3);
	KT_EXPECT_EQ(t, fd_close(ft, 3), 0);
	KT_EXPECT_EQ(t, fd_close(ft, 3), -EBADF);
	KT_EXPECT_EQ(t, atomic_read(&out->refs), 1);
	KT_EXPECT_EQ(t, fd_close(ft, -1), -EBADF);
	KT_EXPECT_EQ(t, fd_close(ft, FD_MAX), -EBADF);
	KT_EXPECT_EQ(t, fd_close(ft, 1), 0);
	KT_EXPECT_EQ(t, PTR_ERR(fd_get(ft, 1)), -EBADF);
	fd_table_destroy(ft);
}

static void fd_dup_to_replaces(struct ktest *t)
{
	struct fd_table *ft = fd_table_create();
	struct ufile *out, *err;

	KT_ASSERT_NOT_NULL(t, ft);
	out = slot(ft, 1);
	err = slot(ft, 2);
	ufile_hold(err);	/* keep it to watch its count */
	KT_EXPECT_EQ(t, fd_dup_to(ft, 1, 2, false), 2);
	KT_EXPECT_TRUE(t, slot(ft, 2) == out);
	KT_EXPECT_EQ(t, atomic_read(&err->refs), 1);
	ufile_put(err);
	KT_EXPECT_EQ(t, fd_dup_to(ft, 1, 700, true), 700);
	KT_EXPECT_EQ(t, fd_get_cloexec(ft, 700), 1);
	/* Same descriptor: validated, nothing changes (dup2 semantics). */
	KT_EXPECT_EQ(t, fd_dup_to(ft, 700, 700, false), 700);
	KT_EXPECT_EQ(t, fd_get_cloexec(ft, 700), 1);
	KT_EXPECT_EQ(t, fd_dup_to(ft, 9, 9, false), -EBADF);
	/* A closed source leaves the target alone. */
	KT_EXPECT_EQ(t, fd_dup_to(ft, 9, 0, false), -EBADF);
	KT_EXPECT_EQ(t, console_std_stream(slot(ft, 0)), 0);
	KT_EXPECT_EQ(t, fd_dup_to(ft, 1, FD_MAX, false), -EBADF);
	KT_EXPECT_EQ(t, fd_dup_to(ft, 1, -3, false), -EBADF);
	KT_EXPECT_EQ(t, atomic_read(&out->refs), 3);
	fd_table_destroy(ft);
}

static void fd_limit(struct ktest *t)
{
	struct fd_table *ft = fd_table_create();
	int fd;

	KT_ASSERT_NOT_NULL(t, ft);
	for (fd = 3; fd < FD_MAX; fd++)
		KT_ASSERT_EQ(t, fd_dup(ft, 1, 0, false), fd);
	KT_EXPECT_EQ(t, fd_dup(ft, 1, 0, false), -EMFILE);
	KT_EXPECT_EQ(t, fd_dup(ft, 1, FD_MAX - 1, false), -EMFILE);
	KT_EXPECT_EQ(t, atomic_read(&slot(ft, 1)->refs), FD_MAX - 2);
	KT_EXPECT_EQ(t, fd_close(ft, 517), 0);
	KT_EXPECT_EQ(t, fd_dup(ft, 2, 0, false), 517);
	KT_EXPECT_EQ(t, console_std_stream(slot(ft, 517)), 2);
	/* dup2 onto the last slot still works on a full table. */
	KT_EXPECT_EQ(t, fd_dup_to(ft, 0, FD_MAX - 1, false), FD_MAX - 1);
	fd_table_destroy(ft);
}

static void fd_cloexec_bits(struct ktest *t)
{
	struct fd_table *ft = fd_table_create();

	KT_ASSERT_NOT_NULL(t, ft);
	KT_ASSERT_EQ(t, fd_dup(ft, 1, 0, true), 3);
	KT_EXPECT_EQ(t, fd_get_cloexec(ft, 3), 1);
	/* The flag is the descriptor's, not the shared file's. */
	KT_EXPECT_EQ(t, fd_get_cloexec(ft, 1), 0);
	KT_EXPECT_EQ(t, fd_set_cloexec(ft, 3, false), 0);
	KT_EXPECT_EQ(t, fd_get_cloexec(ft, 3), 0);
	KT_EXPECT_EQ(t, fd_set_cloexec(ft, 3, true), 0);
	/* A closed slot forgets it. */
	KT_EXPECT_EQ(t, fd_close(ft, 3), 0);
	KT_EXPECT_EQ(t, fd_get_cloexec(ft, 3), -EBADF);
	KT_EXPECT_EQ(t, fd_set_cloexec(ft, 3, true), -EBADF);
	KT_EXPECT_EQ(t, fd_dup(ft, 1, 0, false), 3);
	KT_EXPECT_EQ(t, fd_get_cloexec(ft, 3), 0);
	/* dup2 without the flag clears it on the target. */
	KT_EXPECT_EQ(t, fd_dup_to(ft, 2, 20, true), 20);
	KT_EXPECT_EQ(t, fd_dup_to(ft, 1, 20, false), 20);
	KT_EXPECT_EQ(t, fd_get_cloexec(ft, 20), 0);
	KT_EXPECT_EQ(t, fd_get_cloexec(ft, FD_MAX), -EBADF);
	fd_table_destroy(ft);
}

/*
 * What the standard streams tell a poller and fstat: stdin at end of
 * file is readable at once, the output ports writable at once (Linux's
 * answers for /dev/null read-only and a pipe's write end with room).
 */
static void fd_std_poll(struct ktest *t)
{
	struct fd_table *ft = fd_table_create();
	struct uapi_stat st;
	struct ufile *f;

	KT_ASSERT_NOT_NULL(t, ft);
	f = slot(ft, 0);
	KT_ASSERT_NOT_NULL(t, f->ops->poll);
	KT_EXPECT_EQ(t, f->ops->poll(f, NULL), POLLIN | POLLRDNORM);
	f->ops->fstat(f, &st);
	KT_EXPECT_EQ(t, st.st_mode & S_IFMT, S_IFCHR);
	for (int fd = 1; fd <= 2; fd++) {
		f = slot(ft, fd);
		KT_ASSERT_NOT_NULL(t, f->ops->poll);
		KT_EXPECT_EQ(t, f->ops->poll(f, NULL), POLLOUT | POLLWRNORM);
		KT_EXPECT_NULL(t, f->ops->read);
		f->ops->fstat(f, &st);
		KT_EXPECT_EQ(t, st.st_mode & S_IFMT, S_IFIFO);
	}
	/* No offset: lseek and pread are -ESPIPE for all three. */
	for (int fd = 0; fd <= 2; fd++)
		KT_EXPECT_FALSE(t, slot(ft, fd)->ops->fmode & UFILE_FMODE_POS);
	fd_table_destroy(ft);
}

static struct ktest_case fdtable_cases[] = {
	KTEST_CASE(fd_std_streams),
	KTEST_CASE(fd_dup_lowest_free),
	KTEST_CASE(fd_close_twice),
	KTEST_CASE(fd_dup_to_replaces),
	KTEST_CASE(fd_limit),
	KTEST_CASE(fd_cloexec_bits),
	KTEST_CASE(fd_std_poll),
	{}
};
KTEST_SUITE(fdtable, fdtable_cases);
