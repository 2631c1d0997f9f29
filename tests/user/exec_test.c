// SPDX-License-Identifier: GPL-2.0
/*
 * execve(2) from a running program (issue 13 part 3), run natively and on
 * Tessera by tests/cluster/test_exec.py; both must print the same and
 * end with the same status.
 *
 *   exec_test chain          errors that leave the process running
 *                            (ENOENT, EFAULT, E2BIG, EINVAL, ELOOP,
 *                            EACCES),
 *                            then, with three other threads running,
 *                            descriptors with and without close-on-exec,
 *                            handled, ignored, blocked and pending
 *                            signals and a sigaltstack, it re-executes
 *                            itself (/proc/self/exe) as "stage2", which
 *                            reports what survived and executes itself
 *                            with a NULL argv as stage 3, which unblocks
 *                            the pending SIGINT and dies of it (130)
 *   exec_test try PATH... [-- ARGS...]
 *                            execve each PATH with argv [PATH, ARGS...]
 *                            until one works, reporting each failure
 *   exec_test fexec PATH ARGS...
 *                            execveat(fd, "", AT_EMPTY_PATH) of PATH
 *                            opened O_PATH|O_CLOEXEC, then O_PATH
 *   exec_test atdir DIR NAME ARGS...
 *                            execveat(dirfd, NAME) with
 *                            AT_SYMLINK_NOFOLLOW, then without
 *   exec_test loop N TOTAL   with another thread asleep and a close-on-
 *                            exec pipe open, execute itself with N - 1,
 *                            until 0 (a leak check)
 *   exec_test threadexec     a second thread executes showargs while
 *                            the first waits in pthread_join
 *   exec_test showargs...    print argv (an interpreter for #! tests)
 *   exec_test showexe        print /proc/self/exe and the Name: of
 *                            /proc/self/status
 *   exec_test selfdel        unlink argv[0] (a copy of this program),
 *                            then read 256 KiB of its read-only data
 *                            never touched before: the running
 *                            program's file must outlive its name
 *   exec_test mapdel FILE    write 3 pages to FILE, map them privately,
 *                            close and unlink FILE, then read them
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static const char *errname(int e)
{
	switch (e) {
	case ENOENT: return "ENOENT";
	case EFAULT: return "EFAULT";
	case E2BIG: return "E2BIG";
	case EINVAL: return "EINVAL";
	case EACCES: return "EACCES";
	case ENOEXEC: return "ENOEXEC";
	case ELOOP: return "ELOOP";
	case ENOTDIR: return "ENOTDIR";
	case EAGAIN: return "EAGAIN";
	default: return strerror(e);
	}
}

static void report(const char *what, long ret)
{
	printf("%s: %s\n", what, ret == -1 ? errname(errno) : "succeeded?");
	fflush(stdout);
}

static int try_paths(int argc, char **argv)
{
	char *args[64];
	int first = 2, dash, n = 0;

	for (dash = first; dash < argc && strcmp(argv[dash], "--"); dash++)
		;
	for (int i = dash + 1; i < argc && n < 62; i++)
		args[1 + n++] = argv[i];
	args[1 + n] = NULL;
	for (int i = first; i < dash; i++) {
		args[0] = argv[i];
		execve(argv[i], args, environ);
		printf("exec %s: %s\n", argv[i], errname(errno));
		fflush(stdout);
	}
	printf("every exec failed\n");
	return 3;
}

/* execveat of @fd, @name with @flags and argv @args; reports a failure. */
static void exec_at(int fd, const char *name, char **args, int flags,
		    const char *what)
{
	syscall(SYS_execveat, fd, name, args, environ, flags);
	printf("execveat %s: %s\n", what, errname(errno));
	fflush(stdout);
}

static int fexec(int argc, char **argv)
{
	int fd;

	if (argc < 3)
		return 2;
	fd = open(argv[2], O_PATH | O_CLOEXEC);
	exec_at(fd, "", argv + 2, AT_EMPTY_PATH, "O_CLOEXEC fd");
	fd = open(argv[2], O_PATH);
	exec_at(fd, "", argv + 2, AT_EMPTY_PATH, "fd");
	return 3;
}

static int atdir(int argc, char **argv)
{
	int fd;

	if (argc < 4)
		return 2;
	fd = open(argv[2], O_DIRECTORY | O_RDONLY);
	exec_at(fd, argv[3], argv + 3, AT_SYMLINK_NOFOLLOW, "nofollow");
	exec_at(fd, argv[3], argv + 3, 0, "dirfd");
	return 3;
}

static int show_args(int argc, char **argv)
{
	printf("argc %d\n", argc);
	for (int i = 1; i < argc; i++)
		printf("argv[%d] [%s]\n", i, argv[i]);
	return 0;
}

static int show_exe(void)
{
	char buf[512];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	FILE *f;

	buf[n > 0 ? n : 0] = '\0';
	printf("exe %s\n", buf);
	f = fopen("/proc/self/status", "r");
	while (f && fgets(buf, sizeof(buf), f))
		if (!strncmp(buf, "Name:", 5))
			printf("%s", buf);
	if (f)
		fclose(f);
	return 0;
}

/* ------------------------------------------------------------ stage 1 */

static void errors(void)
{
	char *argv[] = { "exec_test", NULL };
	char *bad_str[] = { "exec_test", (char *)8, NULL };
	char *env[] = { "A=1", NULL };
	static char *big[100];
	char *long_str;

	report("missing file", execve("/nonexistent/prog", argv, env));
	report("missing dir", execve("/proc/self/nonexistent", argv, env));
	report("bad path pointer", syscall(SYS_execve, 1L, argv, env));
	report("bad argv pointer",
	       syscall(SYS_execve, "/proc/self/exe", 1L, env));
	report("bad argv string", execve("/proc/self/exe", bad_str, env));
	report("bad envp pointer",
	       syscall(SYS_execve, "/proc/self/exe", argv, 16L));
	report("bad envp string", execve("/proc/self/exe", argv, bad_str));
	/* One string of MAX_ARG_STRLEN bytes without its NUL. */
	long_str = malloc(32 * 4096 + 1);
	memset(long_str, 'a', 32 * 4096);
	long_str[32 * 4096] = '\0';
	big[0] = "exec_test";
	big[1] = long_str;
	report("argument too long", execve("/proc/self/exe", big, env));
	/* 80 strings of 100000 bytes: past a quarter of any stack limit. */
	long_str[100000] = '\0';
	for (int i = 1; i <= 80; i++)
		big[i] = long_str;
	big[81] = NULL;
	report("arguments over ARG_MAX", execve("/proc/self/exe", big, env));
	report("environment over ARG_MAX", execve("/proc/self/exe", argv, big));
	free(long_str);
	report("execveat bad flags",
	       syscall(SYS_execveat, AT_FDCWD, "/proc/self/exe", argv, env,
		       0x8000));
	report("execveat empty path",
	       syscall(SYS_execveat, AT_FDCWD, "", argv, env, 0));
	report("execveat nofollow of a symlink",
	       syscall(SYS_execveat, AT_FDCWD, "/proc/self/exe", argv, env,
		       AT_SYMLINK_NOFOLLOW));
	report("not executable", execve("/proc/self/status", argv, env));
	report("directory", execve("/proc/self", argv, env));
	printf("alive after the failed execs\n");
	fflush(stdout);
}

static volatile int started;
static int block_pipe[2];

static void *reader(void *arg)
{
	char c;

	(void)arg;
	__atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
	if (read(block_pipe[0], &c, 1) >= 0)
		printf("reader woke up: wrong\n");
	return NULL;
}

static void *sleeper(void *arg)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	(void)arg;
	__atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
	for (;;)
		nanosleep(&ts, NULL);
	return NULL;
}

static void *spinner(void *arg)
{
	volatile unsigned long n = 0;

	(void)arg;
	__atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
	for (;;)
		n++;
	return NULL;
}

static void handler(int sig)
{
	(void)sig;
}

static int stage1(void)
{
	static char altstack[65536];
	struct sigaction sa = { 0 };
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	char fds[4][16], *argv[8];
	int cloexec_pipe[2], plain_pipe[2], dup_cloexec, dup_plain;
	pthread_t t;
	sigset_t set;

	errors();

	if (pipe2(cloexec_pipe, O_CLOEXEC) || pipe(plain_pipe) ||
	    pipe(block_pipe))
		return 1;
	dup_cloexec = fcntl(plain_pipe[1], F_DUPFD_CLOEXEC, 20);
	dup_plain = dup2(cloexec_pipe[0], 30);	/* dup2 clears the flag */
	if (write(plain_pipe[1], "kept", 4) != 4)
		return 1;

	sa.sa_handler = handler;
	sa.sa_flags = SA_RESTART | SA_ONSTACK;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR2, &sa, NULL);
	sigaltstack(&ss, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	raise(SIGINT);

	pthread_create(&t, NULL, reader, NULL);
	pthread_create(&t, NULL, sleeper, NULL);
	pthread_create(&t, NULL, spinner, NULL);
	while (__atomic_load_n(&started, __ATOMIC_SEQ_CST) < 3)
		sched_yield();

	snprintf(fds[0], sizeof(fds[0]), "%d", cloexec_pipe[0]);
	snprintf(fds[1], sizeof(fds[1]), "%d", plain_pipe[0]);
	snprintf(fds[2], sizeof(fds[2]), "%d", dup_cloexec);
	snprintf(fds[3], sizeof(fds[3]), "%d", dup_plain);
	argv[0] = "exec_test";
	argv[1] = "stage2";
	for (int i = 0; i < 4; i++)
		argv[2 + i] = fds[i];
	argv[6] = NULL;
	setenv("EXEC_TEST_X", "from stage 1", 1);
	printf("stage 1: exec with 4 threads\n");
	fflush(stdout);
	execv("/proc/self/exe", argv);
	report("exec stage2", -1);
	return 1;
}

static int exec_loop(char **argv)
{
	char next[16], *args[] = { "exec_test", "loop", next, argv[3], NULL };
	int n = atoi(argv[2]), fds[2];
	pthread_t t;

	if (n <= 0) {
		printf("exec loop of %s done\n", argv[3]);
		return 0;
	}
	if (pipe2(fds, O_CLOEXEC) || pipe(block_pipe))
		return 1;
	pthread_create(&t, NULL, reader, NULL);
	while (!__atomic_load_n(&started, __ATOMIC_SEQ_CST))
		sched_yield();
	snprintf(next, sizeof(next), "%d", n - 1);
	execv("/proc/self/exe", args);
	report("exec loop", -1);
	return 1;
}

static void *thread_exec(void *arg)
{
	char *args[] = { "exec_test", "showargs", "from a second thread", NULL };

	(void)arg;
	execv("/proc/self/exe", args);
	report("exec from a thread", -1);
	return NULL;
}

static int exec_from_thread(void)
{
	pthread_t t;

	printf("main thread waits in pthread_join\n");
	fflush(stdout);
	pthread_create(&t, NULL, thread_exec, NULL);
	pthread_join(t, NULL);
	printf("pthread_join returned: wrong\n");
	return 1;
}

/* ------------------------------------------------------------ stage 2 */

static void show_action(const char *name, int sig)
{
	struct sigaction sa;

	sigaction(sig, NULL, &sa);
	printf("%s: %s flags %#x\n", name,
	       sa.sa_handler == SIG_DFL ? "default" :
	       sa.sa_handler == SIG_IGN ? "ignored" : "handler",
	       (unsigned int)sa.sa_flags &
	       (SA_RESTART | SA_ONSTACK | SA_SIGINFO | SA_NODEFER));
}

static int stage2(int argc, char **argv)
{
	char line[256], *slash, *env[] = { "EXEC_TEST_STAGE=3", NULL };
	sigset_t set;
	stack_t ss;
	FILE *f;
	ssize_t n;

	printf("stage 2: argc %d\n", argc);
	f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "Threads:", 8) ||
		    !strncmp(line, "Name:", 5))
			printf("%s", line);
	if (f)
		fclose(f);
	for (int i = 2; i < argc; i++) {
		int fd = atoi(argv[i]), fl = fcntl(fd, F_GETFD);

		printf("fd %s: %s\n", i == 2 ? "pipe2 O_CLOEXEC" :
		       i == 3 ? "pipe" : i == 4 ? "F_DUPFD_CLOEXEC" : "dup2",
		       fl < 0 ? errname(errno) : fl ? "open, cloexec" : "open");
	}
	n = read(atoi(argv[3]), line, sizeof(line) - 1);
	line[n > 0 ? n : 0] = '\0';
	printf("pipe holds [%s]\n", line);
	show_action("SIGUSR1", SIGUSR1);
	show_action("SIGUSR2", SIGUSR2);
	show_action("SIGTERM", SIGTERM);
	sigprocmask(SIG_BLOCK, NULL, &set);
	printf("blocked: INT %d HUP %d USR1 %d\n", sigismember(&set, SIGINT),
	       sigismember(&set, SIGHUP), sigismember(&set, SIGUSR1));
	sigpending(&set);
	printf("pending: INT %d HUP %d\n", sigismember(&set, SIGINT),
	       sigismember(&set, SIGHUP));
	sigaltstack(NULL, &ss);
	printf("sigaltstack: %s\n", ss.ss_flags & SS_DISABLE ? "disabled" :
	       "enabled");
	printf("env: %s\n", getenv("EXEC_TEST_X") ?: "(none)");
	kill(getpid(), SIGUSR2);
	printf("survived an ignored SIGUSR2\n");
	printf("pid is tid: %d\n", getpid() == (pid_t)syscall(SYS_gettid));
	n = readlink("/proc/self/exe", line, sizeof(line) - 1);
	line[n > 0 ? n : 0] = '\0';
	slash = strrchr(line, '/');
	printf("exe basename: %s\n", slash ? slash + 1 : line);
	fflush(stdout);
	syscall(SYS_execve, "/proc/self/exe", NULL, env);
	report("exec stage 3", -1);
	return 1;
}

/* ------------------------------------------------------------ stage 3 */

static int stage3(int argc, char **argv)
{
	sigset_t set;

	printf("stage 3: argc %d argv[0] [%s] argv[1] %s\n", argc, argv[0],
	       argv[1] ? "set" : "NULL");
	printf("unblocking the pending SIGINT\n");
	fflush(stdout);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	printf("SIGINT did not kill\n");
	return 1;
}

/* 256 KiB of the file's read-only data, first touched after the unlink. */
#define FAR_SIZE	(256 * 1024)
static const unsigned char far_data[FAR_SIZE] = {
	[0] = 1, [FAR_SIZE / 2] = 2, [FAR_SIZE - 1] = 3,
};

static int self_delete(const char *self)
{
	const volatile unsigned char *p = far_data;
	unsigned long sum = 0, nonzero = 0;

	if (unlink(self)) {
		printf("selfdel: unlink %s: %s\n", self, strerror(errno));
		return 1;
	}
	for (size_t i = 0; i < FAR_SIZE; i++) {
		sum += p[i];
		nonzero += p[i] != 0;
	}
	printf("selfdel: name gone (%s), data sum %lu in %lu bytes\n",
	       access(self, F_OK) ? strerror(errno) : "still there", sum,
	       nonzero);
	return sum == 6 && nonzero == 3 ? 0 : 1;
}

static int map_deleted(const char *path)
{
	long pg = sysconf(_SC_PAGESIZE);
	unsigned char *buf = malloc(3 * pg), *map;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600), bad = 0;

	if (fd < 0 || !buf) {
		printf("mapdel: open %s: %s\n", path, strerror(errno));
		return 1;
	}
	for (long i = 0; i < 3 * pg; i++)
		buf[i] = (unsigned char)(i * 7 + i / pg);
	if (write(fd, buf, 3 * pg) != 3 * pg) {
		printf("mapdel: write: %s\n", strerror(errno));
		return 1;
	}
	map = mmap(NULL, 3 * pg, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		printf("mapdel: mmap: %s\n", strerror(errno));
		return 1;
	}
	close(fd);
	unlink(path);
	for (long i = 0; i < 3 * pg; i++)
		bad += map[i] != buf[i];
	printf("mapdel: after close and unlink, %d of %ld bytes differ\n",
	       bad, 3 * pg);
	munmap(map, 3 * pg);
	free(buf);
	return bad != 0;
}

int main(int argc, char **argv)
{
	const char *stage = getenv("EXEC_TEST_STAGE");

	if (stage && !strcmp(stage, "3"))
		return stage3(argc, argv);
	if (argc >= 2 && !strncmp(argv[1], "showargs", 8))
		return show_args(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "showexe"))
		return show_exe();
	if (argc >= 2 && !strcmp(argv[1], "try"))
		return try_paths(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "fexec"))
		return fexec(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "atdir"))
		return atdir(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "chain")) {
		/*
		 * The chain checks what exec does to each disposition: start
		 * from the defaults, whatever this was started with (a shell
		 * runs background commands with SIGINT and SIGQUIT ignored).
		 */
		for (int sig = 1; sig < NSIG; sig++)
			if (sig != SIGKILL && sig != SIGSTOP)
				signal(sig, SIG_DFL);
		return stage1();
	}
	if (argc >= 4 && !strcmp(argv[1], "loop"))
		return exec_loop(argv);
	if (argc >= 2 && !strcmp(argv[1], "threadexec"))
		return exec_from_thread();
	if (argc >= 2 && !strcmp(argv[1], "selfdel"))
		return self_delete(argv[0]);
	if (argc >= 3 && !strcmp(argv[1], "mapdel"))
		return map_deleted(argv[2]);
	if (argc >= 6 && !strcmp(argv[1], "stage2"))
		return stage2(argc, argv);
	fprintf(stderr, "usage: exec_test chain | try PATH... [-- ARGS] | showargs | showexe\n");
	return 2;
}
