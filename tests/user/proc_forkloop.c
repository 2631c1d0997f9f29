/* SPDX-License-Identifier: GPL-2.0 */
/*
 * proc_forkloop [N]: N (default 1000) fork-exit-wait cycles, one child at
 * a time; child i exits with i % 256 and the parent checks every status.
 * tests/cluster/test_process.py runs it on three nodes and then checks
 * the memory node's leak line (every page freed).  Prints the count of
 * wrong statuses; exits 1 if any.
 */
#include "proc_common.h"

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 0) : 1000;
	long wrong = 0, sum = 0;
	int status;

	for (long i = 0; i < n; i++) {
		pid_t pid = xfork();

		if (pid == 0)
			_exit(i % 256);
		if (waitpid(pid, &status, 0) != pid) {
			printf("cycle %ld: waitpid: %s\n", i, strerror(errno));
			return 1;
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status) != i % 256) {
			if (wrong++ < 5)
				printf("cycle %ld: %s\n", i,
				       status_text(status));
		} else {
			sum += WEXITSTATUS(status);
		}
	}
	errno = 0;
	printf("%ld fork-exit-wait cycles: %ld wrong statuses, sum %ld, "
	       "then wait %s\n", n, wrong, sum,
	       wait(&status) < 0 && errno == ECHILD ? "ECHILD" : "NOT ECHILD");
	return wrong ? 1 : 0;
}
