/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Process lifetimes (issue 13 part 1), one result per line, natively and
 * on Tessera (tests/cluster/test_process.py): wait4 with and without
 * WNOHANG, waitpid of one pid among several, waitid, ECHILD with no
 * children, exit statuses, children killed by signals, zombies until
 * waited for, getppid in a child and in an orphan whose parent exited,
 * process groups and sessions.  Nothing printed depends on pid values,
 * only on how they relate, so the native run and Tessera's agree.
 * Ends with "N checks failed"; exits 1 if N > 0.
 */
#include <limits.h>
#include <poll.h>
#include <sys/resource.h>
#include <time.h>

#include "checks.h"
#include "proc_common.h"

static volatile int *volatile low_ptr = (volatile int *)8;

/* A child that blocks until @fd (a pipe's read end) sees EOF, then exits. */
static pid_t child_until_eof(int fds[2], int code)
{
	pid_t pid;
	char c;

	if (pipe(fds) < 0) {
		printf("pipe: %s\n", strerror(errno));
		exit(1);
	}
	pid = xfork();
	if (pid == 0) {
		close(fds[1]);
		while (read(fds[0], &c, 1) > 0)
			;
		_exit(code);
	}
	close(fds[0]);
	return pid;
}

static void no_children(void)
{
	int status;

	errno = 0;
	check("wait4(-1) without children is ECHILD",
	      wait4(-1, &status, 0, NULL) < 0 && errno == ECHILD);
	errno = 0;
	check("waitpid(-1, WNOHANG) without children is ECHILD",
	      waitpid(-1, &status, WNOHANG) < 0 && errno == ECHILD);
}

static void exit_statuses(void)
{
	static const int codes[] = { 0, 1, 3, 127, 255, 256 + 4 };
	char what[64];

	for (unsigned int i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		pid_t pid = xfork();

		if (pid == 0)
			_exit(codes[i]);
		snprintf(what, sizeof(what), "child _exit(%d)", codes[i]);
		printf("%-44s %s\n", what, reap(pid));
	}
	fflush(stdout);
}

static void wnohang_and_specific(void)
{
	int a_fds[2], b_fds[2], status;
	pid_t a, b, got;
	struct rusage ru;

	a = child_until_eof(a_fds, 5);
	b = child_until_eof(b_fds, 6);
	check("wait4(a, WNOHANG) on a running child is 0",
	      wait4(a, &status, WNOHANG, &ru) == 0);
	check("waitpid(-1, WNOHANG) with two running is 0",
	      waitpid(-1, &status, WNOHANG) == 0);
	/* Let b go first: waitpid(a) must not return b. */
	close(b_fds[1]);
	check("waitpid(b) returns b", waitpid(b, &status, 0) == b);
	printf("%-44s %s\n", "b's status", status_text(status));
	errno = 0;
	check("waitpid(b) again is ECHILD",
	      waitpid(b, &status, 0) < 0 && errno == ECHILD);
	check("wait4(a, WNOHANG) with a still running is 0",
	      wait4(a, &status, WNOHANG, NULL) == 0);
	close(a_fds[1]);
	got = waitpid(a, &status, WUNTRACED);
	check("waitpid(a, WUNTRACED) returns a", got == a);
	printf("%-44s %s\n", "a's status", status_text(status));
}

static void killed_by_signals(void)
{
	static const int sigs[] = { SIGTERM, SIGKILL, SIGUSR1, SIGINT };
	int fds[2];
	char what[64];

	for (unsigned int i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		pid_t pid = child_until_eof(fds, 0);

		check("kill(child, sig) is 0", kill(pid, sigs[i]) == 0);
		snprintf(what, sizeof(what), "child killed by %d", sigs[i]);
		printf("%-44s %s\n", what, reap(pid));
		close(fds[1]);
	}
	/* A fault without a handler. */
	pid_t pid = xfork();

	if (pid == 0) {
		*low_ptr = 1;
		_exit(0);
	}
	printf("%-44s %s\n", "child writing to address 8", reap(pid));
	pid = xfork();
	if (pid == 0)
		abort();
	printf("%-44s %s\n", "child calling abort()", reap(pid));
}

static void zombie_until_waited(void)
{
	int fds[2], status;
	siginfo_t si;
	pid_t pid = child_until_eof(fds, 42);

	close(fds[1]);
	/* WNOWAIT: see it exited, leave it a zombie. */
	memset(&si, 0, sizeof(si));
	check("waitid(P_PID, WEXITED|WNOWAIT) is 0",
	      waitid(P_PID, pid, &si, WEXITED | WNOWAIT) == 0);
	check("waitid: si_pid is the child", si.si_pid == pid);
	check("waitid: si_code is CLD_EXITED", si.si_code == CLD_EXITED);
	show("waitid: si_status", si.si_status);
	check("kill(zombie, 0) is 0", kill(pid, 0) == 0);
	check("waitpid(zombie) still returns it", waitpid(pid, &status, 0) == pid);
	printf("%-44s %s\n", "zombie's status", status_text(status));
	errno = 0;
	check("kill(reaped pid, 0) is ESRCH",
	      kill(pid, 0) < 0 && errno == ESRCH);
	errno = 0;
	check("waitid(P_PID, reaped) is ECHILD",
	      waitid(P_PID, pid, &si, WEXITED) < 0 && errno == ECHILD);
}

static void parent_links(void)
{
	pid_t me = getpid(), pid;

	pid = xfork();
	if (pid == 0)
		_exit(getppid() == me ? 0 : 1);
	check("child's getppid() is the parent",
	      !strcmp(reap(pid), "exit 0"));
	check("child's pid is not the parent's", pid != me);
}

/*
 * Orphans: M forks P, P forks G, waits until G has looked at its parent
 * and exits.  G waits until its parent is no longer P, then tells M
 * through a pipe whether it saw P as its parent first and that its new
 * parent is neither P nor itself.
 */
static void orphan(void)
{
	int report[2], hold[2], ready[2];
	pid_t p;
	char res[3] = "??";

	if (pipe(report) < 0 || pipe(hold) < 0 || pipe(ready) < 0) {
		printf("pipe: %s\n", strerror(errno));
		exit(1);
	}
	p = xfork();
	if (p == 0) {
		pid_t me = getpid(), g;
		char c;

		close(report[0]);
		g = fork();
		if (g < 0) {
			printf("fork failed: %s\n", strerror(errno));
			_exit(1);
		}
		if (g == 0) {
			char out[2];
			time_t end;

			close(hold[1]);
			close(ready[0]);
			out[0] = getppid() == me ? 'y' : 'n';
			close(ready[1]);
			/* P held hold[1]: EOF once P has exited. */
			while (read(hold[0], &c, 1) > 0)
				;
			end = time(NULL) + 60;
			while (getppid() == me && time(NULL) < end)
				usleep(1000);
			out[1] = getppid() != me && getppid() != getpid() &&
				getppid() > 0 ? 'y' : 'n';
			if (write(report[1], out, 2) != 2)
				_exit(1);
			_exit(0);
		}
		close(report[1]);
		close(hold[0]);
		close(ready[1]);
		/* EOF when G has looked at its parent and closed its end. */
		while (read(ready[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(report[1]);
	close(hold[0]);
	close(hold[1]);
	close(ready[0]);
	close(ready[1]);
	printf("%-44s %s\n", "orphan's parent exits", reap(p));
	fflush(stdout);
	if (read(report[0], res, 2) != 2)
		res[0] = res[1] = '-';
	close(report[0]);
	check("grandchild saw its parent first", res[0] == 'y');
	check("orphan's getppid() changed when it exited", res[1] == 'y');
}

static void groups_and_sessions(void)
{
	int fds[2], status;
	pid_t pid;

	/* A child makes its own group; setsid then fails (a leader). */
	pid = xfork();
	if (pid == 0) {
		int ok = setpgid(0, 0) == 0 && getpgid(0) == getpid() &&
			getpgrp() == getpid();

		errno = 0;
		ok = ok && setsid() < 0 && errno == EPERM;
		_exit(ok ? 0 : 1);
	}
	check("child: setpgid(0,0), getpgid, getpgrp; setsid EPERM",
	      !strcmp(reap(pid), "exit 0"));
	/* A child starts a session: group and session are its pid. */
	pid = xfork();
	if (pid == 0) {
		pid_t old = getsid(0);
		int ok = setsid() == getpid() && getsid(0) == getpid() &&
			getpgid(0) == getpid() && old != getpid();

		errno = 0;
		ok = ok && setpgid(0, getppid()) < 0;
		_exit(ok ? 0 : 1);
	}
	check("child: setsid() starts a session and a group",
	      !strcmp(reap(pid), "exit 0"));
	/* The parent puts a child in a group of its own, as shells do. */
	pid = child_until_eof(fds, 0);
	check("setpgid(child, child) from the parent", setpgid(pid, pid) == 0);
	check("getpgid(child) is the child", getpgid(pid) == pid);
	check("getsid(child) is the parent's session",
	      getsid(pid) == getsid(0));
	check("getpgid(0) is unchanged", getpgid(0) == getpgrp());
	close(fds[1]);
	waitpid(pid, &status, 0);
	errno = 0;
	check("setpgid(INT_MAX, 0) is ESRCH",
	      setpgid(INT_MAX, 0) < 0 && errno == ESRCH);
	errno = 0;
	check("getpgid(INT_MAX) is ESRCH",
	      getpgid(INT_MAX) < 0 && errno == ESRCH);
	errno = 0;
	check("getsid(INT_MAX) is ESRCH", getsid(INT_MAX) < 0 && errno == ESRCH);
	errno = 0;
	check("setpgid(0, -1) is EINVAL", setpgid(0, -1) < 0 && errno == EINVAL);
}

int main(void)
{
	no_children();
	exit_statuses();
	wnohang_and_specific();
	killed_by_signals();
	zombie_until_waited();
	parent_links();
	orphan();
	groups_and_sessions();
	no_children();
	printf("%d checks failed\n", nr_failed);
	return nr_failed ? 1 : 0;
}
