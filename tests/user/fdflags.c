// SPDX-License-Identifier: GPL-2.0
/*
 * The descriptor ioctls node's libuv makes on its standard descriptors
 * (issue 12, FACTS rung g): ioctl(FIONBIO) sets and clears O_NONBLOCK
 * as F_SETFL does, on any kind of file, for every descriptor dup'ed from
 * the same open file; FIOCLEX/FIONCLEX flip close-on-exec; TCGETS on a
 * non-terminal is ENOTTY; and the bad cases: a bad argument pointer
 * (EFAULT, nothing changed), a closed descriptor and an O_PATH one
 * (EBADF).  Only flags' bits are printed (the access mode and
 * O_LARGEFILE differ with how the output is relayed), so a native run
 * with stdout and stderr piped prints the same text.  Calls go through
 * syscall(2).  The last line counts the checks that said NO.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "checks.h"

#define KERNEL_PTR	((void *)0xffffffff80001000UL)

static long ioctl_arg(int fd, unsigned long cmd, const void *arg)
{
	return syscall(SYS_ioctl, fd, cmd, arg);
}

static long fionbio(int fd, int on)
{
	return ioctl_arg(fd, FIONBIO, &on);
}

static int nonblock(int fd)
{
	long fl = syscall(SYS_fcntl, fd, F_GETFL);

	return fl < 0 ? -1 : !!(fl & O_NONBLOCK);
}

static int cloexec(int fd)
{
	long fl = syscall(SYS_fcntl, fd, F_GETFD);

	return fl < 0 ? -1 : !!(fl & FD_CLOEXEC);
}

static void test_fionbio(void)
{
	char name[64];
	int fd, copy;

	for (fd = 0; fd <= 2; fd++) {
		snprintf(name, sizeof(name), "fd %d: O_NONBLOCK at start", fd);
		show(name, nonblock(fd));
		snprintf(name, sizeof(name), "fd %d: FIONBIO 1", fd);
		show(name, fionbio(fd, 1));
		snprintf(name, sizeof(name), "fd %d: O_NONBLOCK after it", fd);
		show(name, nonblock(fd));
		snprintf(name, sizeof(name), "fd %d: FIONBIO 0", fd);
		show(name, fionbio(fd, 0));
		snprintf(name, sizeof(name), "fd %d: O_NONBLOCK after that", fd);
		show(name, nonblock(fd));
	}

	/* Any non-zero int means on. */
	show("FIONBIO -7 on fd 1", fionbio(1, -7));
	show("O_NONBLOCK", nonblock(1));

	/* The flag is the open file's: a dup sees it, both ways. */
	copy = dup(1);
	show("dup(1) sees O_NONBLOCK", nonblock(copy));
	show("FIONBIO 0 on the dup", fionbio(copy, 0));
	show("fd 1 O_NONBLOCK", nonblock(1));
	show("F_SETFL O_NONBLOCK on fd 1",
	     syscall(SYS_fcntl, 1, F_SETFL, O_WRONLY | O_NONBLOCK));
	show("the dup's O_NONBLOCK", nonblock(copy));
	show("FIONBIO 0 on fd 1", fionbio(1, 0));
	close(copy);

	/* A bad pointer changes nothing. */
	show("FIONBIO NULL", ioctl_arg(1, FIONBIO, NULL));
	show("FIONBIO kernel pointer", ioctl_arg(1, FIONBIO, KERNEL_PTR));
	show("O_NONBLOCK still", nonblock(1));
	show("FIONBIO on a closed fd", fionbio(77, 1));
	show("FIONBIO on fd -1", fionbio(-1, 1));
}

static void test_o_path(void)
{
	int fd = open("/dev/null", O_PATH);
	int on = 1;

	show("open /dev/null O_PATH", fd >= 0 ? 0 : -1);
	show("FIONBIO on O_PATH", ioctl_arg(fd, FIONBIO, &on));
	show("FIOCLEX on O_PATH", ioctl_arg(fd, FIOCLEX, NULL));
	show("TCGETS on O_PATH", ioctl_arg(fd, TCGETS, NULL));
	show("O_PATH F_GETFL has O_NONBLOCK", nonblock(fd));
	close(fd);
}

static void test_cloexec_and_tty(void)
{
	struct termios tio;
	int copy = dup(2);

	show("dup(2) close-on-exec", cloexec(copy));
	show("FIOCLEX", ioctl_arg(copy, FIOCLEX, NULL));
	show("close-on-exec", cloexec(copy));
	show("FIONCLEX", ioctl_arg(copy, FIONCLEX, NULL));
	show("close-on-exec", cloexec(copy));
	show("fd 2 close-on-exec (not shared)", cloexec(2));
	close(copy);
	show("FIOCLEX on a closed fd", ioctl_arg(copy, FIOCLEX, NULL));
	for (int fd = 0; fd <= 2; fd++) {
		char name[32];

		snprintf(name, sizeof(name), "TCGETS fd %d", fd);
		show(name, ioctl_arg(fd, TCGETS, &tio));
	}
	check("isatty(1) is 0", !isatty(1));
}

int main(void)
{
	test_fionbio();
	test_o_path();
	test_cloexec_and_tty();
	/* What node's exit does to a non-blocking stdout: it is clear. */
	check("stdout blocking at the end", nonblock(1) == 0);
	printf("%d checks failed\n", nr_failed);
	return nr_failed ? 1 : 0;
}
