/* SPDX-License-Identifier: GPL-2.0 */
/*
 * proc_job: job control and another process's /proc/<pid>, natively and
 * on Tessera (tests/cluster/test_process.py, "job"); the same output.
 *
 *   - SIGSTOP stops a child: waitpid(WUNTRACED) says stopped by SIGSTOP,
 *     the parent's SIGCHLD says CLD_STOPPED, /proc/<child>/status says
 *     "T (stopped)"; SIGCONT continues it: waitpid(WCONTINUED) says
 *     continued, SIGCHLD CLD_CONTINUED; a stopped child's blocked read is
 *     restarted after SIGCONT and gets the byte written later
 *   - a stop signal with a handler runs the handler, not a stop
 *   - waitid(WNOWAIT) leaves a zombie waitable: a second waitid finds it
 *   - /proc/<child>: listed in /proc, status PPid is us, State "Z
 *     (zombie)" before the wait, cmdline our argv (a forked child), fd/0
 *     what ours is
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>

#include "proc_common.h"

static volatile sig_atomic_t chld_code, tstp_seen;
static int nr_failed;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
	(void)sig; (void)uc;
	chld_code = si->si_code;
}

static void on_tstp(int sig)
{
	(void)sig;
	tstp_seen = 1;
}

static void yes(const char *what, int ok)
{
	printf("%-48s %s\n", what, ok ? "yes" : "NO");
	nr_failed += !ok;
}

/* The value of /proc/@pid/status line @key ("State:"), or "-". */
static const char *status_line(pid_t pid, const char *key)
{
	static char line[256];
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (!f)
		return "-";
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, strlen(key))) {
			char *v = line + strlen(key);

			fclose(f);
			v += strspn(v, " \t");
			v[strcspn(v, "\n")] = '\0';
			return v;
		}
	}
	fclose(f);
	return "-";
}

/* Wait until SIGCHLD said @code (or 5 s). */
static int sigchld_said(int code)
{
	for (int i = 0; i < 5000 && chld_code != code; i++)
		usleep(1000);
	return chld_code == code;
}

static void stop_and_continue(void)
{
	struct sigaction sa = { .sa_sigaction = on_chld,
				.sa_flags = SA_SIGINFO | SA_RESTART };
	int p[2], status;
	char c = 0, pid_s[16];
	pid_t pid;

	sigaction(SIGCHLD, &sa, NULL);
	if (pipe(p))
		exit(1);
	pid = xfork();
	if (pid == 0) {
		close(p[1]);
		/* Blocked here while stopped: restarted, then gets 'x'. */
		if (read(p[0], &c, 1) != 1 || c != 'x')
			_exit(2);
		_exit(7);
	}
	close(p[0]);
	usleep(100000);
	chld_code = 0;
	kill(pid, SIGSTOP);
	yes("waitpid(WUNTRACED): stopped by SIGSTOP",
	    waitpid(pid, &status, WUNTRACED) == pid && WIFSTOPPED(status) &&
	    WSTOPSIG(status) == SIGSTOP);
	yes("SIGCHLD: CLD_STOPPED", sigchld_said(CLD_STOPPED));
	printf("%-48s %s\n", "/proc/<child>/status State",
	       status_line(pid, "State:"));
	yes("a second waitpid(WUNTRACED|WNOHANG): nothing new",
	    waitpid(pid, &status, WUNTRACED | WNOHANG) == 0);
	chld_code = 0;
	kill(pid, SIGCONT);
	yes("waitpid(WCONTINUED): continued",
	    waitpid(pid, &status, WCONTINUED) == pid && WIFCONTINUED(status));
	yes("SIGCHLD: CLD_CONTINUED", sigchld_said(CLD_CONTINUED));
	snprintf(pid_s, sizeof(pid_s), "%d", getpid());
	yes("/proc/<child>/status PPid is us",
	    !strcmp(status_line(pid, "PPid:"), pid_s));
	if (write(p[1], "x", 1) != 1)
		exit(1);
	printf("%-48s %s\n", "the continued child's read, restarted",
	       reap(pid));
	close(p[1]);
	signal(SIGCHLD, SIG_DFL);
}

static void stop_signal_with_handler(void)
{
	pid_t pid;

	pid = xfork();
	if (pid == 0) {
		signal(SIGTSTP, on_tstp);
		raise(SIGTSTP);
		_exit(tstp_seen ? 3 : 4);
	}
	printf("%-48s %s\n", "SIGTSTP with a handler: no stop",
	       reap(pid));
}

static void zombie_and_proc(char **argv)
{
	char path[64], buf[256], want[256];
	siginfo_t si;
	ssize_t n;
	DIR *d;
	struct dirent *e;
	int listed = 0, fd;
	pid_t pid;

	pid = xfork();
	if (pid == 0)
		_exit(5);
	/* A zombie until waited for: WNOWAIT looks and leaves it. */
	memset(&si, 0, sizeof(si));
	yes("waitid(WNOWAIT): exited 5",
	    !waitid(P_PID, pid, &si, WEXITED | WNOWAIT) &&
	    si.si_code == CLD_EXITED && si.si_status == 5 &&
	    si.si_pid == pid);
	printf("%-48s %s\n", "/proc/<zombie>/status State",
	       status_line(pid, "State:"));
	d = opendir("/proc");
	while (d && (e = readdir(d)))
		listed |= atoi(e->d_name) == pid;
	if (d)
		closedir(d);
	yes("/proc lists the zombie", listed);
	memset(&si, 0, sizeof(si));
	yes("waitid again: still there, reaped now",
	    !waitid(P_PID, pid, &si, WEXITED) && si.si_pid == pid);
	yes("then it is gone from /proc",
	    !strcmp(status_line(pid, "State:"), "-"));

	/* A live child's cmdline (ours: it was forked) and fd/0. */
	pid = xfork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	usleep(100000);
	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	fd = open(path, O_RDONLY);
	n = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;
	if (fd >= 0)
		close(fd);
	yes("/proc/<child>/cmdline: our argv",
	    n == (ssize_t)strlen(argv[0]) + 1 &&
	    !memcmp(buf, argv[0], n));
	snprintf(path, sizeof(path), "/proc/%d/fd/0", pid);
	n = readlink(path, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	n = readlink("/proc/self/fd/0", want, sizeof(want) - 1);
	want[n > 0 ? n : 0] = '\0';
	yes("/proc/<child>/fd/0 is what ours is", !strcmp(buf, want));
	kill(pid, SIGKILL);
	printf("%-48s %s\n", "the pausing child, killed", reap(pid));
}

int main(int argc, char **argv)
{
	(void)argc;
	stop_and_continue();
	stop_signal_with_handler();
	zombie_and_proc(argv);
	printf("%d checks failed\n", nr_failed);
	return nr_failed ? 1 : 0;
}
