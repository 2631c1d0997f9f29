/* SPDX-License-Identifier: GPL-2.0 */
/*
 * proc_bomb LIMIT: a bounded fork bomb under RLIMIT_NPROC (issue 13,
 * bad input).  The program sets RLIMIT_NPROC to LIMIT and, started as
 * root natively, becomes uid 65534 first (root ignores RLIMIT_NPROC on
 * Linux; on Tessera setresuid may fail and the program goes on).  Every
 * process tries to fork two children, down to depth DEPTH (at most 127
 * processes, so the bomb ends even where no limit applies), and reports
 * each attempt through a pipe; nobody exits until every process is done
 * forking, so the live count really reaches the limit.  Prints whether
 * fork failed with EAGAIN, that fewer than LIMIT processes were created
 * and that no other error happened; exits 1 otherwise.
 */
#define _GNU_SOURCE
#include <sys/resource.h>

#include "proc_common.h"

#define DEPTH 6

static int report_fd, release_fd;

static void say(char c)
{
	if (write(report_fd, &c, 1) != 1)
		_exit(3);
}

/* Fork up to two children (which do the same), report, then wait for
 * the release and for the children. */
static void bomb(int depth)
{
	pid_t kids[2];
	int nr = 0;
	char c;

	for (int i = 0; i < 2 && depth < DEPTH; i++) {
		pid_t pid;

		/*
		 * '+' before the fork, taken back by 'E' or 'X' if it fails:
		 * so it is in the pipe before anything the child writes, and
		 * the count of processes still to say 'D' never reaches 0
		 * early.
		 */
		say('+');
		pid = fork();
		if (pid == 0) {
			bomb(depth + 1);
			_exit(0);
		}
		if (pid > 0) {
			kids[nr++] = pid;
		} else {
			say(errno == EAGAIN ? 'E' : 'X');
		}
	}
	say('D');
	while (read(release_fd, &c, 1) > 0)
		;
	for (int i = 0; i < nr; i++)
		waitpid(kids[i], NULL, 0);
}

int main(int argc, char **argv)
{
	long limit = argc > 1 ? strtol(argv[1], NULL, 0) : 16;
	struct rlimit rl = { limit, limit };
	long created = 0, eagain = 0, other = 0, pending = 1;
	int report[2], release[2];
	pid_t top;
	char c;

	if (setrlimit(RLIMIT_NPROC, &rl) < 0) {
		printf("setrlimit: %s\n", strerror(errno));
		return 1;
	}
	if (geteuid() == 0)
		(void)!setresuid(65534, 65534, 65534);
	if (pipe(report) < 0 || pipe(release) < 0) {
		printf("pipe: %s\n", strerror(errno));
		return 1;
	}
	top = xfork();
	if (top == 0) {
		close(report[0]);
		close(release[1]);
		report_fd = report[1];
		release_fd = release[0];
		bomb(0);
		_exit(0);
	}
	close(report[1]);
	close(release[0]);
	/* Until every process created has said D. */
	while (pending > 0 && read(report[0], &c, 1) == 1) {
		if (c == '+') {
			created++;
			pending++;
		} else if (c == 'E') {
			eagain++;
			created--;
			pending--;
		} else if (c == 'X') {
			other++;
			created--;
			pending--;
		} else if (c == 'D') {
			pending--;
		}
	}
	close(release[1]);
	while (read(report[0], &c, 1) > 0)
		;
	printf("bomb stopped: %s\n", pending == 0 ? "yes" : "NO");
	printf("fork failed with EAGAIN: %s\n", eagain ? "yes" : "NO");
	printf("fewer than %ld processes created: %s\n", limit,
	       created + 1 < limit ? "yes" : "NO");
	printf("other fork errors: %ld\n", other);
	printf("bomb's top process: %s\n", reap(top));
	return pending == 0 && eagain && created + 1 < limit && !other ? 0 : 1;
}
