/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fork probe of tests/cluster/test_process.py (tessera_has_fork()):
 * one fork, the child exits with 7, the parent waits for it.  Prints
 * "fork ok: child status 7" and exits 0, or "fork failed: REASON" and
 * exits 38 when fork is not implemented (ENOSYS), 1 on any other error.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		int err = errno;

		printf("fork failed: %s\n", strerror(err));
		return err == ENOSYS ? 38 : 1;
	}
	if (pid == 0)
		_exit(7);
	if (waitpid(pid, &status, 0) != pid) {
		printf("waitpid failed: %s\n", strerror(errno));
		return 1;
	}
	printf("fork ok: child status %d\n",
	       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return WIFEXITED(status) && WEXITSTATUS(status) == 7 ? 0 : 1;
}
