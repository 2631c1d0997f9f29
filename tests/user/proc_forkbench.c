/* SPDX-License-Identifier: GPL-2.0 */
/*
 * proc_forkbench [N] [HELLO]: the program bench/bench-fork runs on the
 * Linux guest and on Tessera.  Three measurements, N rounds each
 * (default 30), timed with CLOCK_MONOTONIC around every round:
 *
 *   fork1m   fork of a process with 1 MiB touched; the child _exits
 *            at once, the parent waits for it
 *   fork64m  the same with 64 MiB touched
 *   exec     fork, the child execs HELLO (default /bench/proc_hello,
 *            a static hello) with its stdout on a pipe; the parent reads
 *            the line and waits
 *
 * One line per measurement: "NAME rounds N median_us M min_us L max_us
 * H".  A failed fork prints "fork failed: REASON" and exits 38 for
 * ENOSYS (bench-fork then reports "not measured"), 1 otherwise; a child
 * with a wrong status or output fails the run (exit 1).
 */
#include <stdint.h>
#include <sys/mman.h>
#include <time.h>

#include "proc_common.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *name, uint64_t *ns, int n)
{
	qsort(ns, n, sizeof(*ns), cmp_u64);
	printf("%s rounds %d median_us %.1f min_us %.1f max_us %.1f\n", name,
	       n, (n % 2 ? ns[n / 2] : (ns[n / 2 - 1] + ns[n / 2]) / 2) / 1e3,
	       ns[0] / 1e3, ns[n - 1] / 1e3);
	fflush(stdout);
}

static pid_t bench_fork(void)
{
	pid_t pid = fork();

	if (pid < 0) {
		int err = errno;

		printf("fork failed: %s\n", strerror(err));
		exit(err == ENOSYS ? 38 : 1);
	}
	return pid;
}

static void fork_exit_wait(const char *name, size_t bytes, int n)
{
	uint64_t *ns = calloc(n, sizeof(*ns));
	char *mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int status;

	if (!ns || mem == MAP_FAILED) {
		printf("%s: out of memory\n", name);
		exit(1);
	}
	for (size_t off = 0; off < bytes; off += 4096)
		mem[off] = (char)off | 1;
	for (int i = 0; i < n; i++) {
		uint64_t t0 = now_ns();
		pid_t pid;

		fflush(stdout);
		pid = bench_fork();
		if (pid == 0)
			_exit(0);
		if (waitpid(pid, &status, 0) != pid || status != 0) {
			printf("%s: child %s\n", name, status_text(status));
			exit(1);
		}
		ns[i] = now_ns() - t0;
	}
	report(name, ns, n);
	munmap(mem, bytes);
	free(ns);
}

static void fork_exec_wait(const char *hello, int n)
{
	uint64_t *ns = calloc(n, sizeof(*ns));
	char line[16];
	int status;

	for (int i = 0; i < n; i++) {
		uint64_t t0 = now_ns();
		int fds[2];
		ssize_t got = 0, r;
		pid_t pid;

		if (pipe(fds) < 0) {
			printf("pipe: %s\n", strerror(errno));
			exit(1);
		}
		fflush(stdout);
		pid = bench_fork();
		if (pid == 0) {
			char *argv[] = { (char *)hello, NULL };
			char *envp[] = { NULL };

			dup2(fds[1], 1);
			close(fds[0]);
			close(fds[1]);
			execve(hello, argv, envp);
			_exit(127);
		}
		close(fds[1]);
		while (got < (ssize_t)sizeof(line) &&
		       (r = read(fds[0], line + got, sizeof(line) - got)) > 0)
			got += r;
		close(fds[0]);
		if (waitpid(pid, &status, 0) != pid || status != 0 ||
		    got != 6 || memcmp(line, "hello\n", 6)) {
			printf("exec: child %s, read %zd bytes\n",
			       status_text(status), got);
			exit(1);
		}
		ns[i] = now_ns() - t0;
	}
	report("exec", ns, n);
	free(ns);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 30;
	const char *hello = argc > 2 ? argv[2] : "/bench/proc_hello";

	if (n < 1) {
		printf("usage: proc_forkbench [N] [HELLO]\n");
		return 2;
	}
	fork_exit_wait("fork1m", 1 << 20, n);
	fork_exit_wait("fork64m", 64 << 20, n);
	fork_exec_wait(hello, n);
	return 0;
}
