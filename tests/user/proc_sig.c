/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Signals between processes (issue 13 part 4), one result per line,
 * natively and on Tessera (tests/cluster/test_process.py).  Signals
 * within one process (handlers, frames, masks, the whole issue list)
 * are tests/user/signals.c; this program sends them across fork:
 *
 *   proc_sig local          what needs no fork: kill, tgkill and
 *                           rt_sigqueueinfo to pids that do not exist
 *                           (ESRCH), bad signal numbers, kill(0, 0)
 *   proc_sig fork           SIGCHLD with its siginfo for a child that
 *                           exits and one that is killed; a handler
 *                           clobbering every ymm register, run by
 *                           signals a child sends, never leaks into the
 *                           interrupted code; a handler nested in
 *                           another, both sent by a child; sigaltstack,
 *                           handlers, masks inherited and pending
 *                           signals not inherited by a child; a SIGSEGV
 *                           handler leaving with siglongjmp in a child;
 *                           a pipe read interrupted by a child's signals
 *                           with (data) and without SA_RESTART (EINTR);
 *                           SIGCHLD ignored (children reaped, ECHILD);
 *                           kill(0, ...) to the own group, kill(-pgid)
 *   proc_sig small-altstack a signal whose frame does not fit its
 *                           alternate stack (only the top 256 bytes are
 *                           mapped): the process dies with SIGSEGV
 *
 * Without an argument: local, then fork.  Ends with "N checks failed";
 * exits 1 if N > 0.  An alarm ends a hung run (status 142).
 */
#define _GNU_SOURCE
#include <limits.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "checks.h"
#include "proc_common.h"

static volatile int *volatile low_ptr = (volatile int *)16;
static int ack_fd = -1;

static void set_handler(int sig, void (*fn)(int, siginfo_t *, void *),
			int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void xpipe(int fds[2])
{
	if (pipe(fds) < 0) {
		printf("pipe: %s\n", strerror(errno));
		exit(1);
	}
}

static void ack(void)
{
	char c = 'a';

	if (ack_fd >= 0 && write(ack_fd, &c, 1) != 1)
		_exit(3);
}

static int wait_ack(int fd)
{
	char c;

	return read(fd, &c, 1) == 1;
}

/* ------------------------------------------------------------ local */

static void test_local(void)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	si.si_code = SI_QUEUE;
	check("kill(self, 0) is 0", kill(getpid(), 0) == 0);
	errno = 0;
	check("kill(INT_MAX, 0) is ESRCH", kill(INT_MAX, 0) < 0 && errno == ESRCH);
	errno = 0;
	check("kill(INT_MAX, SIGTERM) is ESRCH",
	      kill(INT_MAX, SIGTERM) < 0 && errno == ESRCH);
	errno = 0;
	check("kill(-INT_MAX, 0) is ESRCH",
	      kill(-INT_MAX, 0) < 0 && errno == ESRCH);
	errno = 0;
	check("kill(INT_MIN, 0) is ESRCH", kill(INT_MIN, 0) < 0 && errno == ESRCH);
	errno = 0;
	check("kill(self, 65) is EINVAL", kill(getpid(), 65) < 0 && errno == EINVAL);
	errno = 0;
	check("kill(self, -1) is EINVAL", kill(getpid(), -1) < 0 && errno == EINVAL);
	errno = 0;
	check("tgkill(self, INT_MAX, SIGUSR1) is ESRCH",
	      syscall(SYS_tgkill, getpid(), INT_MAX, SIGUSR1) < 0 &&
	      errno == ESRCH);
	errno = 0;
	check("tgkill(self, 0, SIGUSR1) is EINVAL",
	      syscall(SYS_tgkill, getpid(), 0, SIGUSR1) < 0 && errno == EINVAL);
	errno = 0;
	check("rt_sigqueueinfo(INT_MAX, SIGUSR1) is ESRCH",
	      syscall(SYS_rt_sigqueueinfo, INT_MAX, SIGUSR1, &si) < 0 &&
	      errno == ESRCH);
	check("kill(0, 0) (own group) is 0", kill(0, 0) == 0);
}

/* ---------------------------------------------------------- SIGCHLD */

static volatile int chld_count, chld_code, chld_status;
static volatile pid_t chld_pid;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)uc;
	chld_code = si->si_code;
	chld_pid = si->si_pid;
	chld_status = si->si_status;
	chld_count++;
}

static void test_sigchld(void)
{
	sigset_t block, old, none;
	int fds[2], status;
	pid_t a, b;

	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigemptyset(&none);
	sigprocmask(SIG_BLOCK, &block, &old);
	set_handler(SIGCHLD, on_chld, 0);
	a = xfork();
	if (a == 0)
		_exit(9);
	while (chld_count < 1)
		sigsuspend(&none);
	check("SIGCHLD: si_code CLD_EXITED", chld_code == CLD_EXITED);
	check("SIGCHLD: si_pid is the child", chld_pid == a);
	show("SIGCHLD: si_status", chld_status);
	check("the exited child is still there to wait for",
	      waitpid(a, &status, 0) == a && WEXITSTATUS(status) == 9);

	xpipe(fds);
	b = xfork();
	if (b == 0) {
		char c;

		close(fds[1]);
		while (read(fds[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(fds[0]);
	kill(b, SIGKILL);
	while (chld_count < 2)
		sigsuspend(&none);
	check("SIGCHLD: si_code CLD_KILLED", chld_code == CLD_KILLED);
	check("SIGCHLD: si_pid is the killed child", chld_pid == b);
	show("SIGCHLD: si_status", chld_status);
	printf("%-44s %s\n", "killed child", reap(b));
	close(fds[1]);
	signal(SIGCHLD, SIG_DFL);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* ------------------------------------------------- ymm across a kill */

static volatile int clobbers;

static void clobber_ymm(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)si; (void)uc;
	__asm__ __volatile__(
		"vpcmpeqd %%ymm0, %%ymm0, %%ymm0\n\t"
		"vmovdqa %%ymm0, %%ymm1\n\t" "vmovdqa %%ymm0, %%ymm2\n\t"
		"vmovdqa %%ymm0, %%ymm3\n\t" "vmovdqa %%ymm0, %%ymm4\n\t"
		"vmovdqa %%ymm0, %%ymm5\n\t" "vmovdqa %%ymm0, %%ymm6\n\t"
		"vmovdqa %%ymm0, %%ymm7\n\t" "vmovdqa %%ymm0, %%ymm8\n\t"
		"vmovdqa %%ymm0, %%ymm9\n\t" "vmovdqa %%ymm0, %%ymm10\n\t"
		"vmovdqa %%ymm0, %%ymm11\n\t" "vmovdqa %%ymm0, %%ymm12\n\t"
		"vmovdqa %%ymm0, %%ymm13\n\t" "vmovdqa %%ymm0, %%ymm14\n\t"
		"vmovdqa %%ymm0, %%ymm15\n\t"
		: : : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
		  "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13",
		  "xmm14", "xmm15");
	clobbers++;
	ack();
}

#define YMM_X(op) \
	op(0) op(1) op(2) op(3) op(4) op(5) op(6) op(7) \
	op(8) op(9) op(10) op(11) op(12) op(13) op(14) op(15)
#define YMM_LOAD(n)	"vmovdqu " #n "*32(%[in]), %%ymm" #n "\n\t"
#define YMM_STORE(n)	"vmovdqu %%ymm" #n ", " #n "*32(%[out])\n\t"

/*
 * Hold 16 ymm registers with known bytes in a loop that ends when
 * @target handlers have run (each sent by a child), then compare.
 */
static int ymm_survive_child_signals(int target)
{
	static uint8_t in[16 * 32], out[16 * 32];
	int go[2], acks[2];
	pid_t pid;
	char c = 'g';

	for (unsigned int i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 7 + 1);
	memset(out, 0, sizeof(out));
	xpipe(go);
	xpipe(acks);
	clobbers = 0;
	ack_fd = acks[1];
	set_handler(SIGUSR1, clobber_ymm, 0);
	pid = xfork();
	if (pid == 0) {
		close(go[1]);
		close(acks[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		for (int i = 0; i < target; i++) {
			kill(getppid(), SIGUSR1);
			if (!wait_ack(acks[0]))
				_exit(3);
		}
		_exit(0);
	}
	close(go[0]);
	close(acks[0]);
	if (write(go[1], &c, 1) != 1)
		return 0;
	__asm__ __volatile__(
		YMM_X(YMM_LOAD)
		"1:\n\t"
		"pause\n\t"
		"cmpl %[target], %[count]\n\t"
		"jl 1b\n\t"
		YMM_X(YMM_STORE)
		"vzeroupper\n\t"
		: : [in] "r"(in), [out] "r"(out), [target] "r"(target),
		  [count] "m"(clobbers)
		: "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
		  "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12",
		  "xmm13", "xmm14", "xmm15");
	close(go[1]);
	close(acks[1]);
	ack_fd = -1;
	signal(SIGUSR1, SIG_DFL);
	return !strcmp(reap(pid), "exit 0") && !memcmp(in, out, sizeof(in));
}

/* -------------------------------------------------- nested, by a child */

static volatile int in_usr1, usr1_done, usr2_nested, usr2_seen;

static void usr2_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)si; (void)uc;
	usr2_nested = in_usr1;
	usr2_seen = 1;
}

static void usr1_waits_for_usr2(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)si; (void)uc;
	in_usr1 = 1;
	ack();
	while (!usr2_seen)
		__asm__ __volatile__("pause" ::: "memory");
	in_usr1 = 0;
	usr1_done = 1;
}

static void test_nested(void)
{
	sigset_t block, old, none;
	int acks[2];
	pid_t pid;

	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	sigemptyset(&none);
	sigprocmask(SIG_BLOCK, &block, &old);
	set_handler(SIGUSR1, usr1_waits_for_usr2, 0);
	set_handler(SIGUSR2, usr2_handler, 0);
	xpipe(acks);
	ack_fd = acks[1];
	pid = xfork();
	if (pid == 0) {
		close(acks[1]);
		kill(getppid(), SIGUSR1);
		if (!wait_ack(acks[0]))
			_exit(3);
		kill(getppid(), SIGUSR2);
		_exit(0);
	}
	close(acks[0]);
	while (!usr1_done)
		sigsuspend(&none);
	check("a child's SIGUSR2 runs nested in SIGUSR1's handler",
	      usr2_nested && usr2_seen);
	printf("%-44s %s\n", "the sending child", reap(pid));
	close(acks[1]);
	ack_fd = -1;
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* ------------------------------------------------ what a child inherits */

static char *alt_base;
static size_t alt_size = 64 * 1024;
static volatile int on_alt;

static void note_stack(int sig, siginfo_t *si, void *uc)
{
	char here;

	(void)sig; (void)si; (void)uc;
	on_alt = &here >= alt_base && &here < alt_base + alt_size;
}

static sigjmp_buf jump;

static void jump_out(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)uc;
	siglongjmp(jump, si->si_addr == (void *)low_ptr ? 1 : 2);
}

static void test_inherited(void)
{
	stack_t ss = { 0 }, old;
	sigset_t set, mask, pend;
	pid_t pid;

	alt_base = malloc(alt_size);
	ss.ss_sp = alt_base;
	ss.ss_size = alt_size;
	check("sigaltstack set", sigaltstack(&ss, NULL) == 0);
	set_handler(SIGUSR1, note_stack, SA_ONSTACK);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, &mask);
	raise(SIGUSR2);		/* pending in the parent only */
	pid = xfork();
	if (pid == 0) {
		int ok = sigaltstack(NULL, &old) == 0 &&
			old.ss_sp == alt_base && old.ss_size == alt_size;

		raise(SIGUSR1);
		_exit((ok ? 0 : 1) | (on_alt ? 0 : 2));
	}
	check("child: same sigaltstack, handler runs on it",
	      !strcmp(reap(pid), "exit 0"));
	pid = xfork();
	if (pid == 0) {
		sigset_t m;

		sigpending(&pend);
		sigprocmask(SIG_BLOCK, NULL, &m);
		_exit((sigismember(&pend, SIGUSR2) ? 1 : 0) |
		      (sigismember(&m, SIGUSR2) ? 0 : 2));
	}
	check("child: mask inherited, pending signals not",
	      !strcmp(reap(pid), "exit 0"));
	sigpending(&pend);
	check("parent: SIGUSR2 still pending", sigismember(&pend, SIGUSR2));
	signal(SIGUSR2, SIG_IGN);	/* discard it */
	sigprocmask(SIG_SETMASK, &mask, NULL);
	signal(SIGUSR2, SIG_DFL);
	signal(SIGUSR1, SIG_DFL);
	ss.ss_flags = SS_DISABLE;
	sigaltstack(&ss, NULL);
	free(alt_base);

	set_handler(SIGSEGV, jump_out, 0);
	pid = xfork();
	if (pid == 0) {
		int r = sigsetjmp(jump, 1);

		if (r == 0) {
			*low_ptr = 1;
			_exit(4);
		}
		_exit(r == 1 ? 0 : 5);
	}
	check("child: SIGSEGV handler siglongjmps out (si_addr)",
	      !strcmp(reap(pid), "exit 0"));
	signal(SIGSEGV, SIG_DFL);
	pid = xfork();
	if (pid == 0) {
		*low_ptr = 1;
		_exit(4);
	}
	printf("%-44s %s\n", "child faulting without a handler", reap(pid));
}

/* -------------------------------------- pipe read interrupted by a child */

static void count_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)si; (void)uc;
	clobbers++;
}

/*
 * The parent reads an empty pipe while a child sends it SIGUSR1 every
 * 10 ms; with @restart the child then writes a byte into the pipe,
 * without it the parent kills the child once its read has returned.
 * Returns the read's result as text.
 */
static const char *read_under_signals(int restart)
{
	static char res[64];
	int data[2];
	ssize_t n;
	pid_t pid;
	char c;

	xpipe(data);
	clobbers = 0;
	set_handler(SIGUSR1, count_usr1, restart ? SA_RESTART : 0);
	pid = xfork();
	if (pid == 0) {
		close(data[0]);
		for (int i = 0; i < (restart ? 10 : 6000); i++) {
			kill(getppid(), SIGUSR1);
			usleep(10000);
		}
		if (restart && write(data[1], "x", 1) != 1)
			_exit(2);
		_exit(0);
	}
	close(data[1]);
	errno = 0;
	n = read(data[0], &c, 1);
	if (n < 0)
		snprintf(res, sizeof(res), "%s", strerror(errno));
	else
		snprintf(res, sizeof(res), "%zd byte(s)", n);
	if (!restart)
		kill(pid, SIGKILL);
	reap(pid);
	close(data[0]);
	signal(SIGUSR1, SIG_DFL);
	return res;
}

static void test_interrupted_read(void)
{
	const char *r;

	r = read_under_signals(1);
	printf("%-44s %s\n", "read with SA_RESTART, child's signals", r);
	check("SA_RESTART: handlers ran", clobbers > 0);
	r = read_under_signals(0);
	printf("%-44s %s\n", "read without SA_RESTART, child's signals", r);
	check("no SA_RESTART: a handler ran", clobbers > 0);
}

/* ------------------------------------------------- SIGCHLD ignored, groups */

static void exit_on_usr1(int sig)
{
	(void)sig;
	_exit(40);
}

static void test_ignored_and_groups(void)
{
	int fds[2], status;
	pid_t pid, d, e;
	char c;

	signal(SIGCHLD, SIG_IGN);
	pid = xfork();
	if (pid == 0)
		_exit(0);
	errno = 0;
	check("SIGCHLD ignored: wait() is ECHILD",
	      wait(&status) < 0 && errno == ECHILD);
	signal(SIGCHLD, SIG_DFL);

	/* kill(0, SIGUSR1) in a child's own group reaches its children. */
	pid = xfork();
	if (pid == 0) {
		int ready[2], ok = 1;
		pid_t kids[2];

		setpgid(0, 0);
		signal(SIGUSR1, SIG_IGN);
		xpipe(ready);
		for (int i = 0; i < 2; i++) {
			kids[i] = xfork();
			if (kids[i] == 0) {
				signal(SIGUSR1, exit_on_usr1);
				close(ready[0]);
				close(ready[1]);
				for (;;)
					pause();
			}
		}
		close(ready[1]);
		/* EOF: both children have their handler. */
		while (read(ready[0], &c, 1) > 0)
			;
		if (kill(0, SIGUSR1) < 0)
			ok = 0;
		for (int i = 0; i < 2; i++)
			if (strcmp(reap(kids[i]), "exit 40"))
				ok = 0;
		_exit(ok ? 0 : 1);
	}
	check("kill(0, SIGUSR1) reaches the whole group",
	      !strcmp(reap(pid), "exit 0"));

	/* kill(-pgid) reaches two children in one group, not the sender. */
	xpipe(fds);
	d = xfork();
	if (d == 0) {
		close(fds[1]);
		while (read(fds[0], &c, 1) > 0)
			;
		_exit(0);
	}
	e = xfork();
	if (e == 0) {
		close(fds[1]);
		while (read(fds[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(fds[0]);
	check("setpgid(d, d) and setpgid(e, d)",
	      setpgid(d, d) == 0 && setpgid(e, d) == 0);
	check("kill(-d, SIGTERM) is 0", kill(-d, SIGTERM) == 0);
	printf("%-44s %s\n", "group leader after kill(-pgid)", reap(d));
	printf("%-44s %s\n", "group member after kill(-pgid)", reap(e));
	close(fds[1]);
	errno = 0;
	check("kill(-d, 0) once the group is gone: ESRCH",
	      kill(-d, 0) < 0 && errno == ESRCH);
}

/* ------------------------------------------------------- bad stacks */

static int die_small_altstack(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *area = mmap(NULL, 16 * page, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	stack_t ss = { 0 };

	printf("dying: small-altstack\n");
	fflush(stdout);
	if (area == MAP_FAILED || mprotect(area + 15 * page, page,
					   PROT_READ | PROT_WRITE) < 0) {
		printf("mmap: %s\n", strerror(errno));
		return 1;
	}
	/* A 15-page stack whose top 256 bytes only are writable. */
	ss.ss_sp = area;
	ss.ss_size = 15 * page + 256;
	if (sigaltstack(&ss, NULL) < 0) {
		printf("sigaltstack: %s\n", strerror(errno));
		return 1;
	}
	set_handler(SIGUSR1, count_usr1, SA_ONSTACK);
	raise(SIGUSR1);
	printf("still alive after small-altstack\n");
	return 1;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "all";

	alarm(120);
	if (!strcmp(mode, "small-altstack"))
		return die_small_altstack();
	if (strcmp(mode, "local") && strcmp(mode, "fork") &&
	    strcmp(mode, "all")) {
		printf("usage: proc_sig [local|fork|small-altstack]\n");
		return 2;
	}
	if (strcmp(mode, "fork"))
		test_local();
	if (strcmp(mode, "local")) {
		test_sigchld();
		if (__builtin_cpu_supports("avx"))
			check("ymm registers survive 20 handlers a child sent",
			      ymm_survive_child_signals(20));
		else
			printf("no AVX: ymm registers not checked\n");
		test_nested();
		test_inherited();
		test_interrupted_read();
		test_ignored_and_groups();
	}
	printf("%d checks failed\n", nr_failed);
	return nr_failed ? 1 : 0;
}
