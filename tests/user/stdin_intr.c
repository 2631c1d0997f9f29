// SPDX-License-Identifier: GPL-2.0
/*
 * A read() of stdin blocked with nothing to read (the writer keeps the
 * pipe open and silent) is interrupted by SIGALRM (alarm(1)).
 *
 *	stdin_intr eintr	handler without SA_RESTART: the read fails
 *				with EINTR
 *	stdin_intr restart	SA_RESTART: the read goes on after the
 *				handler and returns what the test writes
 *				once it saw "alarm" on stdout
 *
 * Every line goes out with write(2) at once (the test waits for
 * "alarm"); exit status 0, or 1 after a line saying what went wrong.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t handled;

static void say(const char *s)
{
	if (write(1, s, strlen(s)) < 0)
		_exit(2);
}

static void on_alarm(int sig)
{
	(void)sig;
	handled++;
	say("alarm\n");
}

int main(int argc, char **argv)
{
	bool restart = argc > 1 && !strcmp(argv[1], "restart");
	struct sigaction sa = { .sa_handler = on_alarm };
	char buf[64], line[128];
	ssize_t n;

	sa.sa_flags = restart ? SA_RESTART : 0;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL)) {
		say("sigaction failed\n");
		return 1;
	}
	say("reading\n");
	alarm(1);
	n = read(0, buf, sizeof(buf));
	if (n < 0)
		snprintf(line, sizeof(line), "read -1 %s handled %d\n",
			 errno == EINTR ? "EINTR" : strerror(errno),
			 (int)handled);
	else
		snprintf(line, sizeof(line), "read %zd \"%.*s\" handled %d\n",
			 n, (int)n, buf, (int)handled);
	say(line);
	return (restart ? n > 0 : n < 0 && errno == EINTR) && handled == 1 ?
	       0 : 1;
}
