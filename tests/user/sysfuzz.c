// SPDX-License-Identifier: GPL-2.0
/*
 * sysfuzz - a ring-3 system call fuzzer (issue 16 part 7).
 *
 *	sysfuzz [-v] SEED [CALLS]
 *
 * Makes CALLS (default 20000) system calls with random numbers (0..470,
 * now and then one out of range; an excluded number, and mostly one
 * that gave ENOSYS, is drawn again, so the calls go to what the kernel
 * implements) and random arguments, all drawn from a xorshift generator
 * seeded with SEED: the same SEED makes the same calls with the same
 * arguments (results may differ between kernels and between runs: the
 * watchdog below interrupts calls at different points, and the fds and
 * mappings the calls create feed later calls).  Arguments are small
 * integers, -1, huge values, page multiples, fds the fuzzer opened, NULL,
 * kernel addresses (0xffff8880..., 0xffffffff81...), pointers into its
 * own buffers (random bytes, or a path), a pointer just before an
 * unmapped page, pointers into unmapped pages, and addresses inside (or
 * just past) mappings its own mmap and mremap calls made, so that
 * munmap, mprotect, madvise, mremap and the rest cut real mappings.
 *
 * It prints "sysfuzz: seed S calls N" first and, when it ends on its own,
 * "sysfuzz: seed S done N calls (K returned an error, E ENOSYS, X
 * skipped)" and exits 0.  -v prints every call before making it (on the
 * report fd; to find the call that broke something).
 *
 * What the kernel must survive is everything; what the fuzzer itself
 * must survive is kept out, so that a run normally ends with status 0:
 *
 *  - calls excluded by number (table `excluded` below, each with why):
 *    those that end the process (exit, exit_group, execve, execveat,
 *    rt_sigreturn with a random frame), create tasks (clone, clone3,
 *    fork, vfork), block for good or by design (pause, rt_sigsuspend,
 *    wait4, waitid, rt_sigtimedwait, userfaultfd), send signals
 *    (kill, tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo,
 *    pidfd_send_signal, alarm, setitimer, timer_*), break the
 *    process's own state for good (arch_prctl: the TLS base; rseq;
 *    seccomp; setrlimit: RLIMIT_CPU/FSIZE kill), act on other
 *    processes or the machine when run natively as root (ptrace,
 *    process_vm_*, kcmp, reboot, kexec, modules, swap, mounts, chroot,
 *    pivot_root, clocks, hostnames, iopl/ioperm, syslog, acct, quotas,
 *    real-time scheduling, System V IPC and POSIX message queues that
 *    outlive the process, bpf, perf_event_open, io_uring);
 *  - calls skipped by their arguments: an address range of the memory
 *    calls (mmap MAP_FIXED, munmap, mprotect, madvise, mremap, brk, ...)
 *    that touches the program's image, heap, TLS, stack or the buffers
 *    its pointers point into; rt_sigaction
 *    of SIGALRM or SIGPIPE; prctl options that make later calls or
 *    instructions fatal (PR_SET_SECCOMP, PR_SET_MM, PR_SET_TSC,
 *    PR_SET_SYSCALL_USER_DISPATCH, PR_SET_PDEATHSIG); prlimit64 with a
 *    new limit (made NULL); signals from I/O (fcntl F_SETSIG, F_SETOWN,
 *    F_SETOWN_EX, F_NOTIFY, F_SETLEASE, O_ASYNC taken out of F_SETFL;
 *    ioctl FIOASYNC, FIOSETOWN, SIOCSPGRP); close, dup2/dup3,
 *    close_range and ioctl of the report fd.
 *
 * Calls that block are ended by SIGALRM: a 20 ms interval timer with a
 * handler without SA_RESTART, unblocked again after every call that
 * changes the signal mask.  Paths are scratch names (sysfuzz.d/...,
 * /tmp/sysfuzz.*), /proc/self files or missing ones, never a system
 * file.  Still: do not run it natively as root outside a throw-away
 * machine; tests/cluster/test_sysfuzz.py runs it only on Tessera.
 *
 * A death by a signal is accepted by the test (the fuzzer may still
 * hurt itself, e.g. a SIGSEGV handler set to garbage and a later fault)
 * as long as no node oopses; the regression seeds end with status 0.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/sockios.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

#define NR_MAX		470	/* above the last x86-64 number (462) */
#define REPORT_FD	200
#define ARENA_PAGES	16
#define PAGE		4096UL

static uint64_t rng;
static unsigned char *arena;		/* ARENA_PAGES read-write pages */
static unsigned char *hole;		/* an unmapped page (after arena) */
static int fds[64];
static unsigned int nr_fds;
/* Mappings its own mmap/mremap calls made (never touched by it). */
static struct { uintptr_t addr, len; } maps[16];
static unsigned int nr_maps;
static int verbose;
/* Numbers that returned ENOSYS: drawn again 7 times in 8. */
static unsigned char enosys_seen[NR_MAX];

extern char __executable_start[];
static uintptr_t image_lo, image_hi, stack_lo, stack_hi;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng * 0x2545f4914f6cdd1dULL;
}

static void say(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	if (write(REPORT_FD, buf, n) < 0)
		_exit(3);
}

static long raw_syscall(long nr, long a, long b, long c, long d, long e,
			long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8),
			   "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

/* Numbers never called, and why (see the comment at the top). */
static const struct {
	int nr;
	const char *why;
} excluded[] = {
	{ SYS_rt_sigreturn, "returns through a random frame" },
	{ SYS_pause, "blocks until a signal" },
	{ SYS_clone, "new task" }, { SYS_fork, "new task" },
	{ SYS_vfork, "new task" }, { SYS_clone3, "new task" },
	{ SYS_execve, "replaces the program" },
	{ SYS_execveat, "replaces the program" },
	{ SYS_exit, "ends the fuzzer" }, { SYS_exit_group, "ends the fuzzer" },
	{ SYS_wait4, "waits for children" }, { SYS_waitid, "waits for children" },
	{ SYS_kill, "signals itself" }, { SYS_tkill, "signals itself" },
	{ SYS_tgkill, "signals itself" },
	{ SYS_rt_sigqueueinfo, "signals itself" },
	{ SYS_rt_tgsigqueueinfo, "signals itself" },
	{ SYS_pidfd_send_signal, "signals itself" },
	{ SYS_rt_sigsuspend, "blocks until a signal" },
	{ SYS_rt_sigtimedwait, "blocks for a signal" },
	{ SYS_alarm, "SIGALRM: the watchdog's" },
	{ SYS_setitimer, "SIGALRM: the watchdog's" },
	{ SYS_timer_create, "timer signals" }, { SYS_timer_settime, "timer signals" },
	{ SYS_arch_prctl, "the TLS base" }, { SYS_rseq, "bogus rseq area" },
	{ SYS_seccomp, "strict mode kills" },
	{ SYS_setrlimit, "RLIMIT_CPU/FSIZE kill" },
	{ SYS_userfaultfd, "faults that block" },
	{ SYS_ptrace, "other processes" }, { SYS_process_vm_readv, "other processes" },
	{ SYS_process_vm_writev, "other processes" }, { SYS_kcmp, "other processes" },
	{ SYS_reboot, "the machine" }, { SYS_kexec_load, "the machine" },
	{ SYS_kexec_file_load, "the machine" }, { SYS_init_module, "the machine" },
	{ SYS_finit_module, "the machine" }, { SYS_delete_module, "the machine" },
	{ SYS_swapon, "the machine" }, { SYS_swapoff, "the machine" },
	{ SYS_mount, "the machine" }, { SYS_umount2, "the machine" },
	{ SYS_pivot_root, "the machine" }, { SYS_chroot, "the machine" },
	{ SYS_open_tree, "the machine" }, { SYS_move_mount, "the machine" },
	{ SYS_fsopen, "the machine" }, { SYS_fsconfig, "the machine" },
	{ SYS_fsmount, "the machine" }, { SYS_fspick, "the machine" },
	{ SYS_mount_setattr, "the machine" },
	{ SYS_settimeofday, "the machine" }, { SYS_clock_settime, "the machine" },
	{ SYS_adjtimex, "the machine" }, { SYS_clock_adjtime, "the machine" },
	{ SYS_sethostname, "the machine" }, { SYS_setdomainname, "the machine" },
	{ SYS_iopl, "the machine" }, { SYS_ioperm, "the machine" },
	{ SYS_syslog, "the machine" }, { SYS_acct, "the machine" },
	{ SYS_quotactl, "the machine" }, { SYS_vhangup, "the machine" },
	{ SYS_unshare, "the machine" }, { SYS_setns, "the machine" },
	{ SYS_sched_setscheduler, "real-time hog" },
	{ SYS_sched_setparam, "real-time hog" },
	{ SYS_sched_setattr, "real-time hog" },
	{ SYS_shmget, "outlives the process" }, { SYS_shmat, "outlives the process" },
	{ SYS_shmctl, "outlives the process" }, { SYS_shmdt, "outlives the process" },
	{ SYS_semget, "outlives the process" }, { SYS_semop, "outlives the process" },
	{ SYS_semctl, "outlives the process" }, { SYS_semtimedop, "outlives the process" },
	{ SYS_msgget, "outlives the process" }, { SYS_msgsnd, "outlives the process" },
	{ SYS_msgrcv, "outlives the process" }, { SYS_msgctl, "outlives the process" },
	{ SYS_mq_open, "outlives the process" }, { SYS_mq_unlink, "outlives the process" },
	{ SYS_bpf, "the machine" }, { SYS_perf_event_open, "the machine" },
	{ SYS_io_uring_setup, "async work" }, { SYS_io_uring_enter, "async work" },
	{ SYS_io_uring_register, "async work" },
};

static int is_excluded(long nr)
{
	for (unsigned int i = 0; i < sizeof(excluded) / sizeof(excluded[0]); i++)
		if (excluded[i].nr == nr)
			return 1;
	return 0;
}

static const char *const paths[] = {
	"sysfuzz.d", "sysfuzz.d/f", "sysfuzz.d/sub/g", "/tmp/sysfuzz.f",
	"/tmp/sysfuzz.d", "/proc/self/maps", "/proc/self/status",
	"/nonexistent/x", "",
};

static long arg(void)
{
	uint64_t r = next();

	switch (r % 16) {
	case 14: case 15:	/* inside (or just past) a mapping it made */
		if (nr_maps) {
			unsigned int m = (r >> 8) % nr_maps;

			return (long)(maps[m].addr + (((r >> 16) % 65) *
				      PAGE) % (maps[m].len + PAGE));
		}
		return (long)(((r >> 8) % 64) * PAGE);
	case 0: case 1:
		return (long)((r >> 8) % 17);
	case 2:
		return -1;
	case 3:
		return (long)next();
	case 4:
		return (long)(((r >> 8) % 64) * PAGE);
	case 5:
		return nr_fds ? fds[(r >> 8) % nr_fds] : 3;
	case 6:
		return 0;
	case 7:
		return (long)(0xffff888000000000ULL + ((r >> 8) & 0xffffff000ULL));
	case 8:
		return (long)0xffffffff81000000ULL;
	case 9: case 10:	/* inside our buffers */
		return (long)(arena + (r >> 8) % (ARENA_PAGES * PAGE));
	case 11: {		/* a path */
		unsigned char *p = arena + PAGE * ((r >> 8) % ARENA_PAGES);

		strcpy((char *)p, paths[(r >> 16) % (sizeof(paths) /
						     sizeof(paths[0]))]);
		return (long)p;
	}
	case 12:		/* runs into the unmapped page */
		return (long)(hole - 1 - (r >> 8) % 64);
	default:
		return (long)(hole + (r >> 8) % PAGE);
	}
}

/* Does [a, a + len) touch the image, heap, TLS, stack or the arena? */
static int touches_self(uintptr_t a, uintptr_t len)
{
	uintptr_t end = a + len < a ? UINTPTR_MAX : a + len;
	uintptr_t arena_lo = (uintptr_t)arena;

	if (!len)
		end = a + 1;
	return (a < image_hi && end > image_lo) ||
	       (a < stack_hi && end > stack_lo) ||
	       (a < arena_lo + ARENA_PAGES * PAGE && end > arena_lo);
}

static void fill_random(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i += 8) {
		uint64_t v = next();

		memcpy(p + i, &v, n - i < 8 ? n - i : 8);
	}
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void watchdog(void)
{
	struct sigaction sa;
	struct itimerval it = {
		.it_interval = { 0, 20000 }, .it_value = { 0, 20000 },
	};

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;	/* no SA_RESTART: calls end, EINTR */
	sigaction(SIGALRM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
}

static void unblock_alarm(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/*
 * 0: make the call with @a (maybe adjusted); 1: skip it (see the top
 * comment).
 */
static int vet(long nr, long *a)
{
	switch (nr) {
	case SYS_mmap:
		if ((a[3] & (MAP_FIXED | MAP_FIXED_NOREPLACE)) &&
		    touches_self(a[0], a[1]))
			return 1;
		a[3] &= ~(long)(MAP_POPULATE | MAP_LOCKED);
		return 0;
	case SYS_munmap: case SYS_mprotect: case SYS_madvise:
	case SYS_msync: case SYS_mlock: case SYS_munlock: case SYS_mlock2:
	case SYS_pkey_mprotect: case SYS_remap_file_pages: case SYS_mbind:
	case SYS_process_madvise: case SYS_set_mempolicy_home_node:
		return touches_self(a[0], a[1]);
	case SYS_mremap:
		return touches_self(a[0], a[1]) ||
		       ((a[3] & MREMAP_FIXED) && touches_self(a[4], a[2]));
	case SYS_brk:
		/* Only above the heap's start: glibc's TLS lives there. */
		return (uintptr_t)a[0] < image_hi;
	case SYS_rt_sigaction:
		return a[0] == SIGALRM || a[0] == SIGPIPE;
	case SYS_prctl:
		return a[0] == PR_SET_SECCOMP || a[0] == PR_SET_MM ||
		       a[0] == PR_SET_TSC || a[0] == PR_SET_PDEATHSIG ||
		       a[0] == 59;	/* PR_SET_SYSCALL_USER_DISPATCH */
	case SYS_prlimit64:
		a[2] = 0;
		return 0;
	case SYS_fcntl:
		/* No signals from I/O: SIGIO's default kills. */
		if (a[1] == F_SETFL)
			a[2] &= ~(long)O_ASYNC;
		return a[1] == F_SETSIG || a[1] == F_SETOWN ||
		       a[1] == F_SETOWN_EX || a[1] == F_NOTIFY ||
		       a[1] == F_SETLEASE;
	case SYS_ioctl:
		return a[0] == REPORT_FD || a[1] == FIOASYNC ||
		       a[1] == FIOSETOWN || a[1] == SIOCSPGRP;
	case SYS_close:
		return a[0] == REPORT_FD;
	case SYS_dup2: case SYS_dup3:
		return a[1] == REPORT_FD;
	case SYS_close_range:
		return (unsigned int)a[0] <= REPORT_FD &&
		       (unsigned int)a[1] >= REPORT_FD;
	}
	return 0;
}

static void remember_map(long nr, long ret, const long *a)
{
	uintptr_t len = nr == SYS_mmap ? a[1] : a[2];

	if (nr != SYS_mmap && nr != SYS_mremap)
		return;
	len = (len + PAGE - 1) & ~(PAGE - 1);
	if (!len || len > (1UL << 40))
		return;
	if (nr_maps < sizeof(maps) / sizeof(maps[0]))
		nr_maps++;
	maps[next() % nr_maps].addr = ret;
	maps[next() % nr_maps].len = len;
}

static void remember_fd(long nr, long ret, const long *a)
{
	int got[2] = { -1, -1 };

	switch (nr) {
	case SYS_open: case SYS_openat: case SYS_creat: case SYS_dup:
	case SYS_eventfd: case SYS_eventfd2: case SYS_epoll_create:
	case SYS_epoll_create1: case SYS_socket: case SYS_memfd_create:
	case SYS_timerfd_create: case SYS_signalfd: case SYS_signalfd4:
	case SYS_inotify_init: case SYS_inotify_init1: case SYS_openat2:
	case SYS_fcntl:
		got[0] = ret;
		break;
	case SYS_pipe: case SYS_pipe2: case SYS_socketpair: {
		const int *p = (const int *)(nr == SYS_socketpair ? a[3] : a[0]);

		if ((unsigned char *)p >= arena &&
		    (unsigned char *)(p + 2) <= arena + ARENA_PAGES * PAGE) {
			got[0] = p[0];
			got[1] = p[1];
		}
		break;
	}
	}
	for (int i = 0; i < 2; i++) {
		if (got[i] < 3 || got[i] == REPORT_FD)
			continue;
		/* Never block on it (the watchdog would end the call too). */
		fcntl(got[i], F_SETFL, O_NONBLOCK);
		if (nr_fds < sizeof(fds) / sizeof(fds[0]))
			fds[nr_fds++] = got[i];
		else
			fds[next() % nr_fds] = got[i];
	}
}

int main(int argc, char **argv)
{
	unsigned long seed, calls = 20000, errors = 0, enosys = 0, skipped = 0;
	int stack_var, devnull, ai = 1;

	if (argc > 1 && !strcmp(argv[1], "-v")) {
		verbose = 1;
		ai++;
	}
	if (argc <= ai || argc > ai + 2) {
		fprintf(stderr, "usage: sysfuzz [-v] SEED [CALLS]\n");
		return 2;
	}
	seed = strtoul(argv[ai], NULL, 0);
	if (argc == ai + 2)
		calls = strtoul(argv[ai + 1], NULL, 0);
	rng = seed * 0x9e3779b97f4a7c15ULL + 1;

	/* Reports go to a high fd; 0, 1, 2 become /dev/null. */
	if (dup2(1, REPORT_FD) != REPORT_FD)
		return 3;
	devnull = open("/dev/null", O_RDWR);
	if (devnull < 0)
		return 3;
	dup2(devnull, 0);
	dup2(devnull, 1);
	dup2(devnull, 2);
	if (devnull > 2)
		close(devnull);

	arena = mmap(NULL, (ARENA_PAGES + 1) * PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (arena == MAP_FAILED)
		return 3;
	hole = arena + ARENA_PAGES * PAGE;
	munmap(hole, PAGE);
	fill_random(arena, ARENA_PAGES * PAGE);

	/* The image with its heap (and glibc's TLS at the heap's start). */
	image_lo = (uintptr_t)__executable_start & ~(PAGE - 1);
	image_hi = ((uintptr_t)sbrk(0) + (64UL << 20)) & ~(PAGE - 1);
	stack_lo = ((uintptr_t)&stack_var & ~(PAGE - 1)) - (8UL << 20);
	stack_hi = ((uintptr_t)&stack_var & ~(PAGE - 1)) + (8UL << 20);

	say("sysfuzz: seed %lu calls %lu\n", seed, calls);
	watchdog();
	for (unsigned long i = 0; i < calls; i++) {
		uint64_t r = next();
		long nr, a[6], ret;

		if (r % 64 == 0) {	/* out of range */
			nr = (long[]){ -1, NR_MAX + 1, 1000, 0x40000000,
				       0x40000000 + 1, (long)(r >> 1) }[(r >> 8) % 6];
		} else {
			nr = (long)((r >> 8) % NR_MAX);
			for (int k = 0; k < 4 && (is_excluded(nr) ||
			     (enosys_seen[nr] && (next() & 7))); k++)
				nr = (long)(next() % NR_MAX);
		}
		for (int k = 0; k < 6; k++)
			a[k] = arg();
		for (int k = 0; k < 6; k++)
			if (a[k] == REPORT_FD)
				a[k] = -1;
		fill_random(arena + ((r >> 20) % ARENA_PAGES) * PAGE, 64);
		if (is_excluded(nr) || vet(nr, a)) {
			skipped++;
			continue;
		}
		if (verbose)
			say("%lu: %ld(%#lx, %#lx, %#lx, %#lx, %#lx, %#lx)\n",
			    i, nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		ret = raw_syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
		if (ret < 0 && ret > -4096) {
			errors++;
			if (ret == -38) {
				enosys++;
				if (nr >= 0 && nr < NR_MAX)
					enosys_seen[nr] = 1;
			}
		} else {
			remember_fd(nr, ret, a);
			remember_map(nr, ret, a);
		}
		if (nr == SYS_rt_sigprocmask || nr == SYS_pselect6 ||
		    nr == SYS_ppoll || nr == SYS_epoll_pwait ||
		    nr == SYS_epoll_pwait2 || nr == SYS_signalfd ||
		    nr == SYS_signalfd4)
			unblock_alarm();
	}
	say("sysfuzz: seed %lu done %lu calls (%lu returned an error, %lu ENOSYS, %lu skipped)\n",
	    seed, calls, errors, enosys, skipped);
	return 0;
}
