// SPDX-License-Identifier: GPL-2.0
/*
 * KTAP suite "syscall": the in-kernel pieces of the system-call layer
 * that can be checked without a user process: the table's names, the
 * uaccess fixups for bad pointers (run from a kernel thread, where no
 * user page can be brought in, so every user access must fail cleanly
 * with -EFAULT instead of oopsing), and the futex queue bookkeeping.
 */
#include <tessera/errno.h>
#include <tessera/ktest.h>
#include <tessera/string.h>
#include <tessera/uaccess.h>
#include <uapi/futex.h>
#include <uapi/unistd_64.h>

#include "../internal.h"

#define KERNEL_ADDR	((void __user *)0xffffffff80001000UL)
#define UNMAPPED_USER	((void __user *)0x10000UL)

static void syscall_names_known(struct ktest *t)
{
	KT_EXPECT_STREQ(t, syscall_name(__NR_write), "write");
	KT_EXPECT_STREQ(t, syscall_name(0), "read");
	KT_EXPECT_STREQ(t, syscall_name(334), "rseq");
	KT_EXPECT_STREQ(t, syscall_name(435), "clone3");
	KT_EXPECT_STREQ(t, syscall_name(NR_SYSCALLS - 1), "mseal");
}

static void syscall_names_holes(struct ktest *t)
{
	KT_EXPECT_NULL(t, syscall_name(335));	/* never assigned */
	KT_EXPECT_NULL(t, syscall_name(423));
	KT_EXPECT_NULL(t, syscall_name(NR_SYSCALLS));
	KT_EXPECT_NULL(t, syscall_name(-1UL));
}

static void syscall_table_entries(struct ktest *t)
{
	KT_EXPECT_TRUE(t, syscall_implemented(__NR_write));
	KT_EXPECT_TRUE(t, syscall_implemented(__NR_futex));
	KT_EXPECT_TRUE(t, syscall_implemented(__NR_exit_group));
	/* Deliberately -ENOSYS: glibc falls back or copes. */
	KT_EXPECT_FALSE(t, syscall_implemented(__NR_rseq));
	KT_EXPECT_FALSE(t, syscall_implemented(__NR_clone3));
	KT_EXPECT_FALSE(t, syscall_implemented(NR_SYSCALLS + 5));
	/*
	 * V8 (node) uses memory protection keys once pkey_alloc succeeds
	 * and aborts if pkey_mprotect then fails: never one without the
	 * other (FACTS rung g).
	 */
	KT_EXPECT_TRUE(t, !syscall_implemented(__NR_pkey_alloc) ||
			  syscall_implemented(__NR_pkey_mprotect));
}

static void uaccess_rejects_kernel_pointers(struct ktest *t)
{
	char buf[16];
	u32 v = 0x1234;

	KT_EXPECT_FALSE(t, access_ok(KERNEL_ADDR, 1));
	KT_EXPECT_FALSE(t, access_ok((void __user *)(USER_ADDR_END - 4), 8));
	KT_EXPECT_TRUE(t, access_ok((void __user *)(USER_ADDR_END - 8), 8));
	KT_EXPECT_EQ(t, copy_from_user(buf, KERNEL_ADDR, sizeof(buf)),
		     sizeof(buf));
	KT_EXPECT_EQ(t, copy_to_user(KERNEL_ADDR, buf, sizeof(buf)),
		     sizeof(buf));
	KT_EXPECT_EQ(t, get_user_u32(&v, KERNEL_ADDR), -EFAULT);
	KT_EXPECT_EQ(t, v, 0x1234);
	KT_EXPECT_EQ(t, strncpy_from_user(buf, KERNEL_ADDR, sizeof(buf)),
		     -EFAULT);
}

/* These fault for real: the exception table must turn them into errors. */
static void uaccess_fixup_on_fault(struct ktest *t)
{
	char buf[32];
	u64 q = 7;

	memset(buf, 'a', sizeof(buf));
	KT_EXPECT_EQ(t, copy_from_user(buf, NULL, sizeof(buf)), sizeof(buf));
	KT_EXPECT_EQ(t, copy_from_user(buf, UNMAPPED_USER, 8), 8);
	KT_EXPECT_EQ(t, buf[0], 'a');
	KT_EXPECT_EQ(t, copy_to_user(UNMAPPED_USER, buf, 4), 4);
	KT_EXPECT_EQ(t, clear_user(UNMAPPED_USER, 100), 100);
	KT_EXPECT_EQ(t, strncpy_from_user(buf, NULL, sizeof(buf)), -EFAULT);
	KT_EXPECT_EQ(t, get_user_u64(&q, NULL), -EFAULT);
	KT_EXPECT_EQ(t, q, 7);
	KT_EXPECT_EQ(t, put_user_u64(1, UNMAPPED_USER), -EFAULT);
	KT_EXPECT_EQ(t, put_user_u32(1, UNMAPPED_USER), -EFAULT);
	KT_EXPECT_EQ(t, copy_from_user(buf, buf, 0), 0);
}

static void futex_bad_arguments(struct ktest *t)
{
	struct pmm *fake_mm = (struct pmm *)0x1000;

	KT_EXPECT_EQ(t, futex_wait(fake_mm, NULL, 0, FUTEX_BITSET_MATCH_ANY,
				   0), -EFAULT);
	KT_EXPECT_EQ(t, futex_wait(fake_mm, UNMAPPED_USER, 0, 0, 0), -EINVAL);
	KT_EXPECT_EQ(t, futex_wait(fake_mm, (u32 __user *)0x10001, 0,
				   FUTEX_BITSET_MATCH_ANY, 0), -EINVAL);
	KT_EXPECT_EQ(t, futex_wake(fake_mm, UNMAPPED_USER, 1, 0), -EINVAL);
}

static void futex_wake_without_waiters(struct ktest *t)
{
	struct pmm *a = (struct pmm *)0x1000, *b = (struct pmm *)0x2000;

	KT_EXPECT_EQ(t, futex_wake(a, UNMAPPED_USER, 1,
				   FUTEX_BITSET_MATCH_ANY), 0);
	KT_EXPECT_EQ(t, futex_wake(a, UNMAPPED_USER, 0,
				   FUTEX_BITSET_MATCH_ANY), 0);
	KT_EXPECT_EQ(t, futex_nr_waiters(a, UNMAPPED_USER), 0);
	KT_EXPECT_EQ(t, futex_nr_waiters(b, UNMAPPED_USER), 0);
}

static struct ktest_case syscall_cases[] = {
	KTEST_CASE(syscall_names_known),
	KTEST_CASE(syscall_names_holes),
	KTEST_CASE(syscall_table_entries),
	KTEST_CASE(uaccess_rejects_kernel_pointers),
	KTEST_CASE(uaccess_fixup_on_fault),
	KTEST_CASE(futex_bad_arguments),
	KTEST_CASE(futex_wake_without_waiters),
	{}
};
KTEST_SUITE(syscall, syscall_cases);
