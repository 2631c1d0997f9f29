/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the process test programs (tests/user/proc_*.c, run by
 * tests/cluster/test_process.py): fork that reports its failure the one
 * way the test file looks for, and a child's wait status as text.
 * Header-only: each program includes it once.
 */
#ifndef TESTS_USER_PROC_COMMON_H
#define TESTS_USER_PROC_COMMON_H

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* fork(), or print "fork failed: REASON" and exit 1. */
static inline pid_t xfork(void)
{
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		printf("fork failed: %s\n", strerror(errno));
		exit(1);
	}
	return pid;
}

/* "exit N", "signal N" or "other 0xN" for a wait status. */
static inline const char *status_text(int status)
{
	static char buf[32];

	if (WIFEXITED(status))
		snprintf(buf, sizeof(buf), "exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, sizeof(buf), "signal %d", WTERMSIG(status));
	else
		snprintf(buf, sizeof(buf), "other %#x", status);
	return buf;
}

/* Wait for @pid; its status as text ("waitpid: REASON" on error). */
static inline const char *reap(pid_t pid)
{
	static char err[64];
	int status;

	if (waitpid(pid, &status, 0) != pid) {
		snprintf(err, sizeof(err), "waitpid: %s", strerror(errno));
		return err;
	}
	return status_text(status);
}

#endif
