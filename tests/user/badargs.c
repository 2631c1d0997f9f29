// SPDX-License-Identifier: GPL-2.0
/*
 * Bad system-call arguments must fail with the Linux errno, not crash
 * anything: NULL and kernel pointers give EFAULT, a bad descriptor
 * EBADF, an unknown system call ENOSYS.  Each line prints the call and
 * its result; a native run prints the same lines.
 */
#include <errno.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define KERNEL_PTR	((void *)0xffffffff80001000UL)

static void show(const char *what, long ret)
{
	printf("%-36s %s\n", what, ret >= 0 ? "ok" : strerror(errno));
	fflush(stdout);
}

int main(void)
{
	unsigned int word = 1;
	char buf[8] = "x";

	show("write(1, NULL, 10)", syscall(SYS_write, 1, NULL, 10));
	show("write(1, kernel pointer, 10)",
	     syscall(SYS_write, 1, KERNEL_PTR, 10));
	show("write(99, buf, 1)", syscall(SYS_write, 99, buf, 1));
	show("write(-1, buf, 1)", syscall(SYS_write, -1, buf, 1));
	show("read(77, buf, 1)", syscall(SYS_read, 77, buf, 1));
	show("uname(NULL)", syscall(SYS_uname, NULL));
	show("uname(kernel pointer)", syscall(SYS_uname, KERNEL_PTR));
	show("clock_gettime(MONOTONIC, NULL)",
	     syscall(SYS_clock_gettime, CLOCK_MONOTONIC, NULL));
	show("getrandom(NULL, 16, 0)", syscall(SYS_getrandom, NULL, 16, 0));
	show("getrandom(buf, 8, 0)", syscall(SYS_getrandom, buf, 8, 0));
	show("futex(NULL, WAIT, 0)",
	     syscall(SYS_futex, NULL, FUTEX_WAIT_PRIVATE, 0, NULL));
	show("futex(&word, WAIT, 2) value differs",
	     syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 2, NULL));
	show("futex(&word, WAKE, 1)",
	     syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1));
	show("syscall 1000", syscall(1000));
	show("syscall 400 (unassigned)", syscall(400));
	show("readlink(NULL, buf, 8)", syscall(SYS_readlink, NULL, buf, 8));
	show("arch_prctl(bad code)", syscall(SYS_arch_prctl, 0x9999, 0));
	show("rt_sigprocmask(bad size)",
	     syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, NULL, 3));
	return 0;
}
