// SPDX-License-Identifier: GPL-2.0
/*
 * The small system calls of rungs d-f (issue 11 part 5): sysinfo, umask,
 * prctl, CPU affinity, getcpu, the scheduling-policy queries, resource
 * limits (and RLIMIT_NOFILE enforced on dup), getrusage, times,
 * clock_getres, the CPU-time clocks and statx, each with its error
 * cases.  Every line is deterministic: a value that differs from machine
 * to machine (uptime, memory sizes, CPU numbers, times) is printed as a
 * check ("yes"/"NO") of what Linux guarantees about it, never raw, so a
 * native run prints exactly the same text.  Run it with umask 022 (the
 * Tessera default); natively it first drops CAP_SYS_RESOURCE from its
 * effective set, so raising a hard limit is EPERM as on Tessera.
 *
 *   sysmisc [PATH...]   also statx each PATH against newfstatat
 *
 * Calls go through syscall(2), so glibc's fallbacks and vDSO are not
 * what is tested.  The last line counts the checks that said NO.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/stat.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/sysmacros.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#include "checks.h"

#define KERNEL_PTR	((void *)0xffffffff80001000UL)
#define NO_SUCH_PID	0x3fffffff
#define SPIN_NS		50000000LL	/* CPU time the spin burns */
#define CAP_SYS_RESOURCE_BIT	24

#define PRCTL(option, arg)	syscall(SYS_prctl, option, arg, 0, 0, 0)

static long long ns_of(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

static long long clock_ns(clockid_t id)
{
	struct timespec ts;

	syscall(SYS_clock_gettime, id, &ts);
	return ns_of(&ts);
}

/* Natively: be unprivileged for limits, like a Tessera program. */
static void drop_sys_resource(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return;		/* Tessera: ENOSYS, nothing to drop */
	data[0].effective &= ~(1U << CAP_SYS_RESOURCE_BIT);
	syscall(SYS_capset, &hdr, data);
}

/* ------------------------------------------------------------ sysinfo */

static void test_sysinfo(void)
{
	struct timespec before, after;
	struct sysinfo si;

	syscall(SYS_clock_gettime, CLOCK_BOOTTIME, &before);
	show("sysinfo(&si)", syscall(SYS_sysinfo, &si));
	syscall(SYS_clock_gettime, CLOCK_BOOTTIME, &after);
	check("sysinfo uptime within CLOCK_BOOTTIME",
	      si.uptime >= before.tv_sec && si.uptime <= after.tv_sec + 1);
	check("sysinfo uptime > 0", si.uptime > 0);
	check("sysinfo totalram > 0", si.totalram > 0);
	check("sysinfo freeram <= totalram", si.freeram <= si.totalram);
	check("sysinfo procs >= 1", si.procs >= 1);
	check("sysinfo mem_unit == 1", si.mem_unit == 1);
	show("sysinfo(NULL)", syscall(SYS_sysinfo, NULL));
	show("sysinfo(kernel pointer)", syscall(SYS_sysinfo, KERNEL_PTR));
}

/* ------------------------------------------------------------ umask */

static void test_umask(void)
{
	printf("%-44s %04lo\n", "umask(027) returns", syscall(SYS_umask, 027));
	printf("%-44s %04lo\n", "umask(01777) returns",
	       syscall(SYS_umask, 01777));
	printf("%-44s %04lo\n", "umask(0) returns", syscall(SYS_umask, 0));
	printf("%-44s %04lo\n", "umask(022) returns", syscall(SYS_umask, 022));
}

/* ------------------------------------------------------------ prctl */

static void show_name(const char *what)
{
	char name[32];

	memset(name, 'X', sizeof(name));
	if (PRCTL(PR_GET_NAME, name))
		show(what, -1);
	else
		printf("%-44s \"%s\" (NUL at %zu)\n", what, name,
		       strnlen(name, sizeof(name)));
}

static void *name_thread(void *arg)
{
	(void)arg;
	show_name("PR_GET_NAME in a new thread");
	show("PR_SET_NAME(\"worker\") in the thread",
	     PRCTL(PR_SET_NAME, "worker"));
	show_name("PR_GET_NAME in the thread");
	return NULL;
}

static void test_prctl(void)
{
	int sig = -1;
	pthread_t th;

	show_name("PR_GET_NAME");
	show("PR_SET_NAME(26 characters)",
	     PRCTL(PR_SET_NAME, "a-name-longer-than-sixteen"));
	show_name("PR_GET_NAME");
	pthread_create(&th, NULL, name_thread, NULL);
	pthread_join(th, NULL);
	show_name("PR_GET_NAME in main after the thread's");
	show("PR_SET_NAME(NULL)", PRCTL(PR_SET_NAME, NULL));
	show("PR_GET_NAME(NULL)", PRCTL(PR_GET_NAME, NULL));
	show("PR_SET_NAME(\"sysmisc\")",
	     PRCTL(PR_SET_NAME, "sysmisc"));

	show("PR_GET_DUMPABLE", PRCTL(PR_GET_DUMPABLE, 0));
	show("PR_SET_DUMPABLE(0)", PRCTL(PR_SET_DUMPABLE, 0));
	show("PR_GET_DUMPABLE", PRCTL(PR_GET_DUMPABLE, 0));
	show("PR_SET_DUMPABLE(2)", PRCTL(PR_SET_DUMPABLE, 2));
	show("PR_SET_DUMPABLE(1)", PRCTL(PR_SET_DUMPABLE, 1));
	show("PR_GET_DUMPABLE", PRCTL(PR_GET_DUMPABLE, 0));

	show("PR_SET_PDEATHSIG(SIGKILL)",
	     PRCTL(PR_SET_PDEATHSIG, 9));
	show("PR_GET_PDEATHSIG(&sig)",
	     PRCTL(PR_GET_PDEATHSIG, &sig));
	printf("%-44s %d\n", "  sig", sig);
	show("PR_SET_PDEATHSIG(65)",
	     PRCTL(PR_SET_PDEATHSIG, 65));
	show("PR_GET_PDEATHSIG(NULL)",
	     PRCTL(PR_GET_PDEATHSIG, NULL));
	show("PR_SET_PDEATHSIG(0)", PRCTL(PR_SET_PDEATHSIG, 0));

	show("PR_CAPBSET_READ(CAP_CHOWN)",
	     PRCTL(PR_CAPBSET_READ, 0));
	show("PR_CAPBSET_READ(63)", PRCTL(PR_CAPBSET_READ, 63));
	show("PR_SET_VMA(attribute 99)",
	     PRCTL(0x53564d41, 99));
	show("prctl(0x7fff1234)", PRCTL(0x7fff1234, 0));
}

/* ------------------------------------------------------------ affinity */

static int first_cpu(uint64_t mask)
{
	return mask ? __builtin_ctzll(mask) : -1;
}

static void *pinned_thread(void *arg)
{
	uint64_t *mask = arg;

	syscall(SYS_sched_getaffinity, 0, sizeof(*mask), mask);
	return NULL;
}

static void test_affinity(void)
{
	uint64_t mask = 0, orig = 0, one, got = 0, big[16];
	unsigned int cpu = ~0U, node = ~0U;
	struct sched_param param = { .sched_priority = 99 };
	pthread_t th;
	long ret;

	show("sched_getaffinity(0, 8, &mask)",
	     syscall(SYS_sched_getaffinity, 0, 8, &orig));
	check("  at least one CPU", orig != 0);
	ret = syscall(SYS_sched_getaffinity, 0, sizeof(big), big);
	check("sched_getaffinity(128 bytes): 8k <= 128",
	      ret >= 8 && ret <= 128 && ret % 8 == 0);
	show("sched_getaffinity(0, 4, &mask)",
	     syscall(SYS_sched_getaffinity, 0, 4, &mask));
	show("sched_getaffinity(0, 0, &mask)",
	     syscall(SYS_sched_getaffinity, 0, 0, &mask));
	show("sched_getaffinity(0, 12, &mask)",
	     syscall(SYS_sched_getaffinity, 0, 12, &mask));
	show("sched_getaffinity(0, 8, NULL)",
	     syscall(SYS_sched_getaffinity, 0, 8, NULL));
	show("sched_getaffinity(-1, 8, &mask)",
	     syscall(SYS_sched_getaffinity, -1, 8, &mask));
	show("sched_getaffinity(no such pid)",
	     syscall(SYS_sched_getaffinity, NO_SUCH_PID, 8, &mask));

	one = 1ULL << first_cpu(orig);
	show("sched_setaffinity(first CPU only)",
	     syscall(SYS_sched_setaffinity, 0, 8, &one));
	syscall(SYS_sched_getaffinity, 0, 8, &mask);
	check("  the mask is that CPU", mask == one);
	show("getcpu(&cpu, &node, NULL)",
	     syscall(SYS_getcpu, &cpu, &node, NULL));
	check("  running on that CPU", cpu == (unsigned int)first_cpu(one));
	check("  node 0", node == 0);
	pthread_create(&th, NULL, pinned_thread, &got);
	pthread_join(th, NULL);
	check("  a new thread inherits the mask", got == one);
	show("sched_setaffinity(empty mask)",
	     syscall(SYS_sched_setaffinity, 0, 8, &(uint64_t){ 0 }));
	show("sched_setaffinity(CPU 63 only)",
	     syscall(SYS_sched_setaffinity, 0, 8, &(uint64_t){ 1ULL << 63 }));
	show("sched_setaffinity(len 0)",
	     syscall(SYS_sched_setaffinity, 0, 0, &orig));
	show("sched_setaffinity(0, 8, NULL)",
	     syscall(SYS_sched_setaffinity, 0, 8, NULL));
	show("sched_setaffinity(no such pid)",
	     syscall(SYS_sched_setaffinity, NO_SUCH_PID, 8, &orig));
	show("sched_setaffinity(original mask)",
	     syscall(SYS_sched_setaffinity, 0, 8, &orig));
	syscall(SYS_sched_getaffinity, 0, 8, &mask);
	check("  the mask is the original", mask == orig);

	show("getcpu(NULL, NULL, NULL)", syscall(SYS_getcpu, NULL, NULL, NULL));
	show("getcpu(kernel pointer)",
	     syscall(SYS_getcpu, KERNEL_PTR, NULL, NULL));
	show("sched_getscheduler(0)", syscall(SYS_sched_getscheduler, 0));
	show("sched_getscheduler(-1)", syscall(SYS_sched_getscheduler, -1));
	show("sched_getscheduler(no such pid)",
	     syscall(SYS_sched_getscheduler, NO_SUCH_PID));
	show("sched_getparam(0, &param)",
	     syscall(SYS_sched_getparam, 0, &param));
	printf("%-44s %d\n", "  priority", param.sched_priority);
	show("sched_getparam(0, NULL)", syscall(SYS_sched_getparam, 0, NULL));
	show("sched_getparam(-1, &param)",
	     syscall(SYS_sched_getparam, -1, &param));
	show("sched_getparam(0, kernel pointer)",
	     syscall(SYS_sched_getparam, 0, KERNEL_PTR));
	show("sched_getparam(no such pid)",
	     syscall(SYS_sched_getparam, NO_SUCH_PID, &param));
}

/* ------------------------------------------------------------ limits */

static void show_limit(const char *what, int resource)
{
	struct rlimit r;

	if (syscall(SYS_getrlimit, resource, &r))
		show(what, -1);
	else
		printf("%-44s %llu %llu\n", what,
		       (unsigned long long)r.rlim_cur,
		       (unsigned long long)r.rlim_max);
}

static long set_nofile(rlim_t cur, rlim_t max)
{
	return syscall(SYS_setrlimit, RLIMIT_NOFILE,
		       &(struct rlimit){ cur, max });
}

static void test_limits(void)
{
	struct rlimit r, old = { 1, 1 }, stack;
	int fds[4], n = 0, fd;

	show("getrlimit(NOFILE, &r)",
	     syscall(SYS_getrlimit, RLIMIT_NOFILE, &r));
	check("  soft <= hard, hard >= 512",
	      r.rlim_cur <= r.rlim_max && r.rlim_max >= 512);
	show("setrlimit(NOFILE, 64/512)",
	     set_nofile(64, 512));
	show_limit("getrlimit(NOFILE)", RLIMIT_NOFILE);
	show("setrlimit(NOFILE, 600/512) soft > hard",
	     set_nofile(600, 512));
	show("setrlimit(NOFILE, 64/1000) raises hard",
	     set_nofile(64, 1000));
	show_limit("getrlimit(NOFILE) unchanged", RLIMIT_NOFILE);
	show("prlimit64(0, NOFILE, 5/512, &old)",
	     syscall(SYS_prlimit64, 0, RLIMIT_NOFILE,
		     &(struct rlimit){ 5, 512 }, &old));
	printf("%-44s %llu %llu\n", "  old", (unsigned long long)old.rlim_cur,
	       (unsigned long long)old.rlim_max);

	/* Descriptors 0-2 are open: with 5 allowed, dup gives 3 and 4. */
	while (n < 4 && (fd = syscall(SYS_dup, 0)) >= 0)
		fds[n++] = fd;
	printf("%-44s %d:", "dup(0) until it fails", n);
	for (int i = 0; i < n; i++)
		printf(" %d", fds[i]);
	printf(" then %s\n", strerror(errno));
	show("dup2(0, 5) past the limit", syscall(SYS_dup2, 0, 5));
	show("dup2(0, 4) below it", syscall(SYS_dup2, 0, 4));
	show("fcntl(0, F_DUPFD, 5)", syscall(SYS_fcntl, 0, F_DUPFD, 5));
	for (int i = 0; i < n; i++)
		close(fds[i]);
	show("setrlimit(NOFILE, 64/512) again",
	     set_nofile(64, 512));
	show("fcntl(0, F_DUPFD, 5)", syscall(SYS_fcntl, 0, F_DUPFD, 5));
	close(5);

	syscall(SYS_getrlimit, RLIMIT_STACK, &stack);
	show("setrlimit(STACK, 4 MiB/hard)",
	     syscall(SYS_setrlimit, RLIMIT_STACK,
		     &(struct rlimit){ 4 << 20, stack.rlim_max }));
	syscall(SYS_getrlimit, RLIMIT_STACK, &r);
	printf("%-44s %llu\n", "getrlimit(STACK) soft",
	       (unsigned long long)r.rlim_cur);
	check("  hard unchanged", r.rlim_max == stack.rlim_max);

	show("getrlimit(99, &r)", syscall(SYS_getrlimit, 99, &r));
	show("setrlimit(99, &r)", syscall(SYS_setrlimit, 99, &r));
	show("getrlimit(NOFILE, NULL)",
	     syscall(SYS_getrlimit, RLIMIT_NOFILE, NULL));
	show("setrlimit(NOFILE, NULL)",
	     syscall(SYS_setrlimit, RLIMIT_NOFILE, NULL));
	show("prlimit64(0, 99, NULL, &old)",
	     syscall(SYS_prlimit64, 0, 99, NULL, &old));
	show("prlimit64(no such pid)",
	     syscall(SYS_prlimit64, NO_SUCH_PID, RLIMIT_NOFILE, NULL, &old));
	show("prlimit64(0, NOFILE, kernel pointer, NULL)",
	     syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, KERNEL_PTR, NULL));
	show("prlimit64(getpid(), NOFILE, NULL, &old)",
	     syscall(SYS_prlimit64, getpid(), RLIMIT_NOFILE, NULL, &old));
	printf("%-44s %llu %llu\n", "  old", (unsigned long long)old.rlim_cur,
	       (unsigned long long)old.rlim_max);
}

/* ------------------------------------------------------------ time */

static volatile uint64_t sink;

/* Burn at least SPIN_NS of process CPU time, in user mode mostly. */
static long long spin(void)
{
	long long start = clock_ns(CLOCK_PROCESS_CPUTIME_ID), now;

	do {
		for (int i = 0; i < 100000; i++)
			sink = sink * 6364136223846793005ULL + i;
		now = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	} while (now - start < SPIN_NS);
	return now;
}

static long long tv_ns(const struct timeval *tv)
{
	return tv->tv_sec * 1000000000LL + tv->tv_usec * 1000LL;
}

static void *thread_cputime(void *arg)
{
	long long *ns = arg;

	*ns = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	return NULL;
}

static void test_time(void)
{
	static const char *const names[] = {
		"REALTIME", "MONOTONIC", "PROCESS_CPUTIME_ID",
		"THREAD_CPUTIME_ID", "MONOTONIC_RAW", "REALTIME_COARSE",
		"MONOTONIC_COARSE", "BOOTTIME",
	};
	long long cpu, thread_ns = -1;
	struct rusage self, thread, kids;
	struct timespec res;
	struct tms tms;
	char what[64];
	pthread_t th;
	long ticks;

	cpu = spin();
	show("getrusage(THREAD, &ru)",
	     syscall(SYS_getrusage, RUSAGE_THREAD, &thread));
	show("getrusage(SELF, &ru)",
	     syscall(SYS_getrusage, RUSAGE_SELF, &self));
	check("  utime + stime >= process CPU clock",
	      tv_ns(&self.ru_utime) + tv_ns(&self.ru_stime) + 2000 >= cpu);
	check("  utime > 0 (the spin is user code)",
	      tv_ns(&self.ru_utime) > 0);
	check("  thread time <= process time",
	      tv_ns(&thread.ru_utime) + tv_ns(&thread.ru_stime) <=
	      tv_ns(&self.ru_utime) + tv_ns(&self.ru_stime));
	show("getrusage(CHILDREN, &ru)",
	     syscall(SYS_getrusage, RUSAGE_CHILDREN, &kids));
	printf("%-44s %ld.%06ld %ld.%06ld %ld\n",
	       "  no children: utime stime maxrss",
	       kids.ru_utime.tv_sec, kids.ru_utime.tv_usec,
	       kids.ru_stime.tv_sec, kids.ru_stime.tv_usec, kids.ru_maxrss);
	show("getrusage(5, &ru)", syscall(SYS_getrusage, 5, &self));
	show("getrusage(SELF, NULL)",
	     syscall(SYS_getrusage, RUSAGE_SELF, NULL));
	show("getrusage(SELF, kernel pointer)",
	     syscall(SYS_getrusage, RUSAGE_SELF, KERNEL_PTR));

	ticks = syscall(SYS_times, &tms);
	check("times(&tms) > 0", ticks > 0);
	check("  utime + stime >= 3 ticks (50 ms of CPU)",
	      tms.tms_utime + tms.tms_stime >= 3);
	printf("%-44s %ld %ld\n", "  cutime cstime", (long)tms.tms_cutime,
	       (long)tms.tms_cstime);
	check("times(NULL) >= times(&tms)", syscall(SYS_times, NULL) >= ticks);
	show("times(kernel pointer)", syscall(SYS_times, KERNEL_PTR));

	pthread_create(&th, NULL, thread_cputime, &thread_ns);
	pthread_join(th, NULL);
	check("a new thread's CPU clock < the process's",
	      thread_ns >= 0 && thread_ns < clock_ns(CLOCK_PROCESS_CPUTIME_ID));
	check("process CPU clock >= the spin's",
	      clock_ns(CLOCK_PROCESS_CPUTIME_ID) >= cpu);

	for (int id = 0; id < 8; id++) {
		snprintf(what, sizeof(what), "clock_getres(%s)", names[id]);
		res.tv_sec = res.tv_nsec = -1;
		if (syscall(SYS_clock_getres, id, &res)) {
			show(what, -1);
		} else if (id == CLOCK_REALTIME_COARSE ||
			   id == CLOCK_MONOTONIC_COARSE) {
			check(what, res.tv_sec == 0 && res.tv_nsec > 0 &&
			      res.tv_nsec <= 10000000);
		} else {
			printf("%-44s %lld.%09ld\n", what,
			       (long long)res.tv_sec, res.tv_nsec);
		}
	}
	show("clock_getres(100, &res)", syscall(SYS_clock_getres, 100, &res));
	show("clock_getres(MONOTONIC, NULL)",
	     syscall(SYS_clock_getres, CLOCK_MONOTONIC, NULL));
	show("clock_getres(MONOTONIC, kernel pointer)",
	     syscall(SYS_clock_getres, CLOCK_MONOTONIC, KERNEL_PTR));

	{
		struct timespec rt;
		long t1 = -1, t2, t3;

		t2 = syscall(SYS_time, &t1);
		clock_gettime(CLOCK_REALTIME, &rt);
		t3 = syscall(SYS_time, NULL);
		check("time(&t) == t, within 2 s of CLOCK_REALTIME",
		      t2 == t1 && t2 > 1700000000 && t2 <= rt.tv_sec &&
		      rt.tv_sec - t2 <= 2 && t3 >= t2);
		show("time(kernel pointer)", syscall(SYS_time, KERNEL_PTR));
	}
}

/* ------------------------------------------------------------ statx */

static const char *type_name(unsigned int mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: return "regular";
	case S_IFDIR: return "directory";
	case S_IFLNK: return "symlink";
	case S_IFCHR: return "char device";
	case S_IFIFO: return "fifo";
	default: return "other";
	}
}

static int same_time(const struct statx_timestamp *a, const struct timespec *b)
{
	return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

/* Does @stx say what @st says? */
static int statx_matches(const struct statx *stx, const struct stat *st)
{
	return (stx->stx_mask & STATX_BASIC_STATS) == STATX_BASIC_STATS &&
	       stx->stx_mode == st->st_mode && stx->stx_ino == st->st_ino &&
	       stx->stx_nlink == st->st_nlink && stx->stx_uid == st->st_uid &&
	       stx->stx_gid == st->st_gid &&
	       stx->stx_size == (uint64_t)st->st_size &&
	       stx->stx_blocks == (uint64_t)st->st_blocks &&
	       stx->stx_blksize == (uint32_t)st->st_blksize &&
	       stx->stx_dev_major == major(st->st_dev) &&
	       stx->stx_dev_minor == minor(st->st_dev) &&
	       stx->stx_rdev_major == major(st->st_rdev) &&
	       stx->stx_rdev_minor == minor(st->st_rdev) &&
	       same_time(&stx->stx_mtime, &st->st_mtim) &&
	       same_time(&stx->stx_ctime, &st->st_ctim) &&
	       same_time(&stx->stx_atime, &st->st_atim);
}

static void statx_fd(int fd)
{
	struct statx stx;
	struct stat st;
	char what[64];
	long ret;

	/* Both before any output: writing to stdout changes its times. */
	ret = syscall(SYS_statx, fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS,
		      &stx);
	syscall(SYS_fstat, fd, &st);
	snprintf(what, sizeof(what), "statx(%d, \"\", AT_EMPTY_PATH)", fd);
	show(what, ret);
	printf("%-44s %s", "  type", type_name(stx.stx_mode));
	if (S_ISCHR(stx.stx_mode))
		printf(" %u:%u", stx.stx_rdev_major, stx.stx_rdev_minor);
	printf("\n");
	check("  same as fstat", statx_matches(&stx, &st));
}

static void statx_path(const char *path)
{
	struct statx stx;
	struct stat st;
	char what[300];
	long ret;

	for (int nofollow = 0; nofollow < 2; nofollow++) {
		int flags = nofollow ? AT_SYMLINK_NOFOLLOW : 0;

		snprintf(what, sizeof(what), "statx(%s%s)", path,
			 nofollow ? ", NOFOLLOW" : "");
		ret = syscall(SYS_statx, AT_FDCWD, path, flags,
			      STATX_BASIC_STATS, &stx);
		show(what, ret);
		if (ret)
			continue;
		syscall(SYS_newfstatat, AT_FDCWD, path, &st, flags);
		/* A directory's size is the file system's business. */
		printf("%-44s %s", "  type", type_name(stx.stx_mode));
		if (!S_ISDIR(stx.stx_mode))
			printf(" size %llu", (unsigned long long)stx.stx_size);
		printf("\n");
		check("  same as newfstatat", statx_matches(&stx, &st));
	}
}

static void test_statx(int argc, char **argv)
{
	struct statx stx;

	for (int fd = 0; fd < 3; fd++)
		statx_fd(fd);
	show("statx(mask STATX__RESERVED)",
	     syscall(SYS_statx, 1, "", AT_EMPTY_PATH, 0x80000000U, &stx));
	show("statx(FORCE_SYNC|DONT_SYNC)",
	     syscall(SYS_statx, 1, "", AT_EMPTY_PATH | 0x6000,
		     STATX_BASIC_STATS, &stx));
	show("statx(\"/\", flag 0x80000)",
	     syscall(SYS_statx, AT_FDCWD, "/", 0x80000, STATX_BASIC_STATS,
		     &stx));
	show("statx(1, \"\", AT_EMPTY_PATH, NULL)",
	     syscall(SYS_statx, 1, "", AT_EMPTY_PATH, STATX_BASIC_STATS, NULL));
	show("statx(1, \"\", AT_EMPTY_PATH, kernel ptr)",
	     syscall(SYS_statx, 1, "", AT_EMPTY_PATH, STATX_BASIC_STATS,
		     KERNEL_PTR));
	show("statx(1, \"\", 0)",
	     syscall(SYS_statx, 1, "", 0, STATX_BASIC_STATS, &stx));
	show("statx(99, \"\", AT_EMPTY_PATH)",
	     syscall(SYS_statx, 99, "", AT_EMPTY_PATH, STATX_BASIC_STATS,
		     &stx));
	show("statx(kernel pointer path)",
	     syscall(SYS_statx, AT_FDCWD, KERNEL_PTR, 0, STATX_BASIC_STATS,
		     &stx));
	show("statx(/no-such-file-sysmisc)",
	     syscall(SYS_statx, AT_FDCWD, "/no-such-file-sysmisc", 0,
		     STATX_BASIC_STATS, &stx));
	for (int i = 1; i < argc; i++)
		statx_path(argv[i]);
}

int main(int argc, char **argv)
{
	drop_sys_resource();
	test_sysinfo();
	test_umask();
	test_prctl();
	test_affinity();
	test_limits();
	test_time();
	test_statx(argc, argv);
	printf("%d checks failed\n", nr_failed);
	return nr_failed ? 1 : 0;
}
