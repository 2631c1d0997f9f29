// SPDX-License-Identifier: GPL-2.0
/*
 * eventfd, epoll and poll/select as node's libuv uses them (issue 12
 * part 2, FACTS.md rung g), with their error cases: eventfd's counter and
 * semaphore modes, EAGAIN and overflow; epoll level- and edge-triggered,
 * EPOLLONESHOT, DEL, the ctl and wait errnos, timeouts, a wakeup from
 * another thread, 200 eventfds at once, a closed descriptor leaving its
 * instances; pipes under epoll and poll (EPOLLIN, EPOLLOUT, EPOLLHUP when
 * the writer goes); poll/ppoll/select/pselect6 with timeouts, POLLNVAL,
 * EBADF and the time left written back.  Every call goes through
 * syscall(2), so glibc's emulations play no part.  Only what is the same
 * on every Linux machine is printed; elapsed times are checked to be at
 * least the timeout asked for (no upper bound).  The last line counts the
 * checks that said NO.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "checks.h"

#ifndef SYS_epoll_pwait2
#define SYS_epoll_pwait2	441
#endif

#define EFD_SEMAPHORE_	1
#define EFD_NONBLOCK_	O_NONBLOCK
#define EFD_CLOEXEC_	O_CLOEXEC
#define BAD_PTR		((void *)16)
#define NR_MANY		200

static long efd_new(unsigned int count, int flags)
{
	return syscall(SYS_eventfd2, count, flags);
}

static long efd_read(int fd, uint64_t *val)
{
	return syscall(SYS_read, fd, val, sizeof(*val));
}

static long efd_write(int fd, uint64_t val)
{
	return syscall(SYS_write, fd, &val, sizeof(val));
}

static long ep_ctl(int ep, int op, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };

	return syscall(SYS_epoll_ctl, ep, op, fd, &ev);
}

static long ep_wait(int ep, struct epoll_event *evs, int max, int timeout)
{
	return syscall(SYS_epoll_wait, ep, evs, max, timeout);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* "n=<count> [events:data ...]" of one epoll_wait. */
static void show_wait(const char *what, int ep, int max, int timeout)
{
	struct epoll_event evs[8];
	char line[256];
	long n = ep_wait(ep, evs, max, timeout);
	int len;

	if (n < 0) {
		show(what, n);
		return;
	}
	len = snprintf(line, sizeof(line), "n=%ld", n);
	for (long i = 0; i < n && i < 8; i++)
		len += snprintf(line + len, sizeof(line) - len, " %#x:%llu",
				evs[i].events,
				(unsigned long long)evs[i].data.u64);
	printf("%-44s %s\n", what, line);
	fflush(stdout);
}

/* ------------------------------------------------------------ eventfd */

static void test_eventfd(void)
{
	uint64_t val = 0;
	uint32_t small = 1;
	char path[64], link[64];
	long fd, n;

	show("eventfd2 bad flags", efd_new(0, 0x10));
	fd = efd_new(3, EFD_NONBLOCK_);
	check("eventfd2 nonblock", fd >= 0);
	show("eventfd read 4 bytes", syscall(SYS_read, fd, &small, 4));
	show("eventfd read", efd_read(fd, &val));
	show("  value", (long)val);
	show("eventfd read empty", efd_read(fd, &val));
	show("eventfd write ~0", efd_write(fd, ~0ULL));
	show("eventfd write 4 bytes", syscall(SYS_write, fd, &small, 4));
	show("eventfd write bad buffer", syscall(SYS_write, fd, BAD_PTR, 8));
	show("eventfd write max-1", efd_write(fd, ~0ULL - 1));
	show("eventfd write 1 more (overflow)", efd_write(fd, 1));
	show("eventfd write 0", efd_write(fd, 0));
	{
		struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };

		show("poll full eventfd", syscall(SYS_poll, &p, 1, 0));
		printf("%-44s %#x\n", "  revents", p.revents);
	}
	efd_read(fd, &val);
	check("eventfd read max-1", val == ~0ULL - 1);
	show("eventfd lseek", syscall(SYS_lseek, fd, 0, SEEK_SET));
	show("eventfd pread", syscall(SYS_pread64, fd, &val, 8, 0));
	snprintf(path, sizeof(path), "/proc/self/fd/%ld", fd);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	printf("%-44s %s\n", "eventfd readlink", link);
	close(fd);

	fd = efd_new(3, EFD_SEMAPHORE_ | EFD_NONBLOCK_ | EFD_CLOEXEC_);
	show("eventfd cloexec", syscall(SYS_fcntl, fd, F_GETFD));
	show("eventfd O_NONBLOCK",
	     !!(syscall(SYS_fcntl, fd, F_GETFL) & O_NONBLOCK));
	for (int i = 0; i < 4; i++) {
		val = 0;
		n = efd_read(fd, &val);
		printf("%-44s %s %llu\n", "semaphore read", n < 0 ?
		       strerror(errno) : "ok", (unsigned long long)val);
	}
	close(fd);
	fd = syscall(SYS_eventfd, 5);
	show("eventfd(5) O_NONBLOCK",
	     !!(syscall(SYS_fcntl, fd, F_GETFL) & O_NONBLOCK));
	efd_read(fd, &val);
	show("eventfd(5) read", (long)val);
	close(fd);
}

struct writer {
	int fd;
	int delay_ms;
	uint64_t val;
};

static void *writer_thread(void *arg)
{
	struct writer *w = arg;
	struct timespec ts = { 0, w->delay_ms * 1000000L };

	nanosleep(&ts, NULL);
	efd_write(w->fd, w->val);
	return NULL;
}

static void test_eventfd_block(void)
{
	struct writer w = { .delay_ms = 50, .val = 9 };
	pthread_t th;
	uint64_t val = 0;

	w.fd = efd_new(0, 0);
	pthread_create(&th, NULL, writer_thread, &w);
	show("blocking read woken by a thread", efd_read(w.fd, &val));
	show("  value", (long)val);
	pthread_join(th, NULL);
	close(w.fd);
}

/* --------------------------------------------------------------- epoll */

static void test_epoll_errors(void)
{
	int ep, efd, null, closed;

	show("epoll_create(0)", syscall(SYS_epoll_create, 0));
	show("epoll_create1(1)", syscall(SYS_epoll_create1, 1));
	ep = syscall(SYS_epoll_create1, EPOLL_CLOEXEC);
	show("epoll_create1 cloexec", syscall(SYS_fcntl, ep, F_GETFD));
	efd = efd_new(0, EFD_NONBLOCK_);
	null = open("/dev/null", O_RDWR);
	closed = efd_new(0, 0);
	close(closed);

	show("ctl bad event pointer", syscall(SYS_epoll_ctl, ep,
					      EPOLL_CTL_ADD, efd, BAD_PTR));
	show("ctl DEL ignores the pointer", syscall(SYS_epoll_ctl, ep,
						    EPOLL_CTL_DEL, efd,
						    BAD_PTR));
	show("ctl closed epfd", ep_ctl(closed, EPOLL_CTL_ADD, efd, EPOLLIN, 0));
	show("ctl closed fd", ep_ctl(ep, EPOLL_CTL_ADD, closed, EPOLLIN, 0));
	show("ctl epfd not an epoll", ep_ctl(efd, EPOLL_CTL_ADD, null,
					    EPOLLIN, 0));
	show("ctl /dev/null (no poll)", ep_ctl(ep, EPOLL_CTL_ADD, null,
					       EPOLLIN, 0));
	show("ctl epoll on itself", ep_ctl(ep, EPOLL_CTL_ADD, ep, EPOLLIN, 0));
	{
		int opath = open("/dev/null", O_PATH);
		struct pollfd p = { .fd = opath, .events = POLLIN };

		show("ctl an O_PATH fd", ep_ctl(ep, EPOLL_CTL_ADD, opath,
						EPOLLIN, 0));
		show("poll an O_PATH fd", syscall(SYS_poll, &p, 1, 0));
		printf("%-44s %#x\n", "  revents", p.revents);
		close(opath);
	}
	show("ctl bad op", ep_ctl(ep, 99, efd, EPOLLIN, 0));
	show("ctl MOD not added", ep_ctl(ep, EPOLL_CTL_MOD, efd, EPOLLIN, 0));
	show("ctl DEL not added", ep_ctl(ep, EPOLL_CTL_DEL, efd, 0, 0));
	show("ctl ADD exclusive|oneshot", ep_ctl(ep, EPOLL_CTL_ADD, efd,
					EPOLLIN | EPOLLEXCLUSIVE |
					EPOLLONESHOT, 0));
	show("ctl ADD exclusive", ep_ctl(ep, EPOLL_CTL_ADD, efd,
					 EPOLLIN | EPOLLEXCLUSIVE, 0));
	show("ctl MOD an exclusive item", ep_ctl(ep, EPOLL_CTL_MOD, efd,
						 EPOLLIN, 0));
	show("ctl DEL", ep_ctl(ep, EPOLL_CTL_DEL, efd, 0, 0));
	show("ctl ADD", ep_ctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN, 0));
	show("ctl ADD again", ep_ctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN, 0));
	show("ctl MOD with EPOLLEXCLUSIVE", ep_ctl(ep, EPOLL_CTL_MOD, efd,
					EPOLLIN | EPOLLEXCLUSIVE, 0));

	{
		struct epoll_event ev;
		long max_ok = INT_MAX / sizeof(struct epoll_event);

		show("wait maxevents 0", ep_wait(ep, &ev, 0, 0));
		show("wait maxevents -1", ep_wait(ep, &ev, -1, 0));
		show("wait maxevents too big",
		     ep_wait(ep, &ev, max_ok + 1, 0));
		show("wait bad events pointer", ep_wait(ep, NULL, 1, 0));
		show("wait closed epfd", ep_wait(closed, &ev, 1, 0));
		show("wait not an epoll", ep_wait(efd, &ev, 1, 0));
		show("pwait sigsetsize 7", syscall(SYS_epoll_pwait, ep, &ev,
						   1, 0, &ev, 7));
		show("pwait sigsetsize 8", syscall(SYS_epoll_pwait, ep, &ev,
						   1, 0, &ev, 8));
	}
	close(null);
	close(efd);
	close(ep);
}

static void test_epoll_modes(void)
{
	int ep = syscall(SYS_epoll_create1, 0);
	int efd = efd_new(1, EFD_NONBLOCK_);
	uint64_t val;

	ep_ctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN, 7);
	show_wait("LT: ready", ep, 8, 0);
	show_wait("LT: still ready", ep, 8, 0);
	efd_read(efd, &val);
	show_wait("LT: drained", ep, 8, 0);
	efd_write(efd, 2);
	show_wait("LT: written", ep, 8, 0);

	ep_ctl(ep, EPOLL_CTL_MOD, efd, EPOLLIN | EPOLLET, 8);
	show_wait("ET: ready after MOD", ep, 8, 0);
	show_wait("ET: reported once", ep, 8, 0);
	efd_write(efd, 1);
	show_wait("ET: more data", ep, 8, 0);
	show_wait("ET: once again", ep, 8, 0);

	ep_ctl(ep, EPOLL_CTL_MOD, efd, EPOLLIN | EPOLLONESHOT, 9);
	show_wait("ONESHOT: ready", ep, 8, 0);
	efd_write(efd, 1);
	show_wait("ONESHOT: disabled", ep, 8, 0);
	ep_ctl(ep, EPOLL_CTL_MOD, efd, EPOLLIN | EPOLLONESHOT, 10);
	show_wait("ONESHOT: rearmed by MOD", ep, 8, 0);

	ep_ctl(ep, EPOLL_CTL_MOD, efd, EPOLLIN | EPOLLOUT, 11);
	show_wait("IN|OUT", ep, 8, 0);
	efd_read(efd, &val);
	show_wait("OUT only", ep, 8, 0);
	ep_ctl(ep, EPOLL_CTL_DEL, efd, 0, 0);
	efd_write(efd, 1);
	show_wait("after DEL", ep, 8, 0);
	close(efd);
	close(ep);
}

static void test_epoll_timeout(void)
{
	int ep = syscall(SYS_epoll_create1, 0);
	int efd = efd_new(0, 0);
	struct epoll_event ev;
	struct timespec ts = { 0, 60 * 1000000L };
	double t0;

	ep_ctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN, 1);
	t0 = now_ms();
	show("epoll_wait 100 ms, nothing ready", ep_wait(ep, &ev, 1, 100));
	check("  waited >= 100 ms", now_ms() - t0 >= 100);
	t0 = now_ms();
	show("epoll_pwait2 60 ms", syscall(SYS_epoll_pwait2, ep, &ev, 1, &ts,
					   NULL, 8));
	check("  waited >= 60 ms", now_ms() - t0 >= 60);
	ts.tv_nsec = 1000000000L;
	show("epoll_pwait2 bad timespec", syscall(SYS_epoll_pwait2, ep, &ev,
						  1, &ts, NULL, 8));

	{
		struct writer w = { .fd = efd, .delay_ms = 50, .val = 1 };
		pthread_t th;

		pthread_create(&th, NULL, writer_thread, &w);
		show_wait("epoll_wait -1 woken by a thread", ep, 8, -1);
		pthread_join(th, NULL);
	}
	close(efd);
	close(ep);
}

static void test_epoll_many(void)
{
	int ep = syscall(SYS_epoll_create1, 0);
	struct epoll_event evs[NR_MANY];
	int fds[NR_MANY];
	int added = 0, odd = 0;
	long n, total = 0;

	for (int i = 0; i < NR_MANY; i++) {
		fds[i] = efd_new(i & 1, EFD_NONBLOCK_);
		added += ep_ctl(ep, EPOLL_CTL_ADD, fds[i], EPOLLIN, i) == 0;
	}
	show("200 eventfds added", added);
	n = ep_wait(ep, evs, 64, 0);
	show("wait, maxevents 64", n);
	for (int pass = 0; pass < 3; pass++) {
		n = ep_wait(ep, evs, NR_MANY, 0);
		total = n;
		odd = 0;
		for (long i = 0; i < n; i++)
			odd += (evs[i].data.u64 & 1) &&
			       evs[i].events == EPOLLIN;
		show("wait, maxevents 200", n);
		show("  odd ones, EPOLLIN", odd);
	}
	for (int i = 0; i < NR_MANY; i += 2)
		efd_write(fds[i], 1);
	show("all written: wait", ep_wait(ep, evs, NR_MANY, 0));
	for (int i = 0; i < NR_MANY; i++)
		close(fds[i]);
	show("all closed: wait", ep_wait(ep, evs, NR_MANY, 0));
	check("totals", total == NR_MANY / 2);
	close(ep);
}

static void test_epoll_close(void)
{
	int ep = syscall(SYS_epoll_create1, 0);
	int efd = efd_new(1, 0), twin;

	ep_ctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN, 5);
	close(efd);
	show_wait("closed watched fd: gone", ep, 8, 0);

	efd = efd_new(1, 0);
	ep_ctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN, 6);
	twin = dup(efd);
	close(efd);
	show_wait("closed, a dup still open: stays", ep, 8, 0);
	show("  DEL by the closed number", ep_ctl(ep, EPOLL_CTL_DEL, efd, 0,
						  0));
	close(twin);
	show_wait("dup closed too: gone", ep, 8, 0);

	/* The instance goes first, the watched file lives on. */
	efd = efd_new(1, 0);
	ep_ctl(ep, EPOLL_CTL_ADD, efd, EPOLLIN, 7);
	close(ep);
	show("eventfd after its epoll closed", efd_write(efd, 1));
	close(efd);
}

static void test_epoll_nested(void)
{
	int outer = syscall(SYS_epoll_create1, 0);
	int inner = syscall(SYS_epoll_create1, 0);
	int efd = efd_new(1, 0);
	struct pollfd p = { .fd = inner, .events = POLLIN };
	long ret;

	ep_ctl(inner, EPOLL_CTL_ADD, efd, EPOLLIN, 1);
	show("poll an epoll fd with a ready item", syscall(SYS_poll, &p, 1,
							   0));
	printf("%-44s %#x\n", "  revents", p.revents);
	ret = ep_ctl(outer, EPOLL_CTL_ADD, inner, EPOLLIN, 2);
	check("epoll in epoll: works or EINVAL",
	      ret == 0 || (ret < 0 && errno == EINVAL));
	close(efd);
	close(inner);
	close(outer);
}

/*
 * Two threads wake each other through eventfds, one in epoll_wait, the
 * other in poll, as libuv's loop and its thread pool do: a lost wakeup
 * hangs the program.
 */
#define NR_ROUNDS	500

struct pingpong {
	int ping, pong;
	int rounds_seen;
};

static void *pong_thread(void *arg)
{
	struct pingpong *pp = arg;
	struct pollfd p = { .fd = pp->ping, .events = POLLIN };
	uint64_t val;

	for (int i = 0; i < NR_ROUNDS; i++) {
		if (syscall(SYS_poll, &p, 1, -1) != 1 ||
		    efd_read(pp->ping, &val) != 8)
			break;
		pp->rounds_seen++;
		efd_write(pp->pong, 1);
	}
	return NULL;
}

static void test_pingpong(void)
{
	struct pingpong pp = { .ping = efd_new(0, 0), .pong = efd_new(0, 0) };
	int ep = syscall(SYS_epoll_create1, 0);
	struct epoll_event ev;
	int rounds = 0;
	uint64_t val;
	pthread_t th;

	ep_ctl(ep, EPOLL_CTL_ADD, pp.pong, EPOLLIN | EPOLLET, 0);
	pthread_create(&th, NULL, pong_thread, &pp);
	for (int i = 0; i < NR_ROUNDS; i++) {
		efd_write(pp.ping, 1);
		if (ep_wait(ep, &ev, 1, -1) != 1 ||
		    efd_read(pp.pong, &val) != 8)
			break;
		rounds++;
	}
	pthread_join(th, NULL);
	show("ping-pong rounds (epoll_wait / poll)", rounds);
	show("  seen by the other thread", pp.rounds_seen);
	close(ep);
	close(pp.ping);
	close(pp.pong);
}

/* --------------------------------------------------------------- pipes */

static void test_pipes(void)
{
	int ep = syscall(SYS_epoll_create1, 0);
	int pfd[2];
	struct pollfd p;
	char c = 'x';

	if (syscall(SYS_pipe2, pfd, O_NONBLOCK) < 0) {
		show("pipe2", -1);
		return;
	}
	ep_ctl(ep, EPOLL_CTL_ADD, pfd[0], EPOLLIN | EPOLLRDHUP, 0);
	ep_ctl(ep, EPOLL_CTL_ADD, pfd[1], EPOLLOUT, 1);
	show_wait("pipe: empty", ep, 8, 0);
	syscall(SYS_write, pfd[1], &c, 1);
	show_wait("pipe: data", ep, 8, 0);
	syscall(SYS_read, pfd[0], &c, 1);
	ep_ctl(ep, EPOLL_CTL_DEL, pfd[1], 0, 0);
	show_wait("pipe: drained", ep, 8, 0);
	close(pfd[1]);
	show_wait("pipe: writer closed", ep, 8, 0);
	p = (struct pollfd){ .fd = pfd[0], .events = POLLIN };
	show("poll pipe, writer closed", syscall(SYS_poll, &p, 1, 0));
	printf("%-44s %#x\n", "  revents", p.revents);
	close(pfd[0]);

	syscall(SYS_pipe2, pfd, 0);
	ep_ctl(ep, EPOLL_CTL_ADD, pfd[1], EPOLLOUT | EPOLLET, 3);
	show_wait("pipe: write end ET", ep, 8, 0);
	close(pfd[0]);
	show_wait("pipe: reader closed", ep, 8, 0);
	close(pfd[1]);
	close(ep);
}

/* --------------------------------------------------------- poll/select */

static void test_poll(void)
{
	int ready = efd_new(1, 0), idle = efd_new(0, 0);
	int null = open("/dev/null", O_RDONLY);
	struct pollfd p[5] = {
		{ .fd = ready, .events = POLLIN | POLLOUT },
		{ .fd = idle, .events = POLLIN },
		{ .fd = 999, .events = POLLIN },
		{ .fd = -1, .events = POLLIN },
		{ .fd = null, .events = POLLIN | POLLOUT | POLLPRI },
	};
	struct rlimit rl;
	struct timespec ts = { 0, 60 * 1000000L };
	double t0;

	show("poll 5 fds", syscall(SYS_poll, p, 5, 0));
	for (int i = 0; i < 5; i++)
		printf("  revents[%d]%-33s %#x\n", i, "", p[i].revents);
	t0 = now_ms();
	show("poll 100 ms, nothing ready", syscall(SYS_poll, &p[1], 1, 100));
	check("  waited >= 100 ms", now_ms() - t0 >= 100);
	t0 = now_ms();
	show("poll no fds 50 ms", syscall(SYS_poll, NULL, 0, 50));
	check("  waited >= 50 ms", now_ms() - t0 >= 50);
	getrlimit(RLIMIT_NOFILE, &rl);
	show("poll nfds > RLIMIT_NOFILE", syscall(SYS_poll, p,
						  rl.rlim_cur + 1, 0));
	show("poll bad pointer", syscall(SYS_poll, BAD_PTR, 1, 0));
	t0 = now_ms();
	show("ppoll 60 ms", syscall(SYS_ppoll, &p[1], 1, &ts, NULL, 8));
	check("  waited >= 60 ms", now_ms() - t0 >= 60);
	printf("%-44s %ld.%09ld\n", "  time left", (long)ts.tv_sec,
	       ts.tv_nsec);
	ts.tv_nsec = -1;
	show("ppoll bad timespec", syscall(SYS_ppoll, p, 1, &ts, NULL, 8));
	ts.tv_nsec = 0;
	show("ppoll sigsetsize 4", syscall(SYS_ppoll, p, 1, &ts, &rl, 4));

	{
		struct writer w = { .fd = idle, .delay_ms = 50, .val = 1 };
		pthread_t th;

		pthread_create(&th, NULL, writer_thread, &w);
		show("poll -1 woken by a thread", syscall(SYS_poll, &p[1], 1,
							  -1));
		printf("%-44s %#x\n", "  revents", p[1].revents);
		pthread_join(th, NULL);
	}
	close(ready);
	close(idle);
	close(null);
}

static void show_set(const char *what, fd_set *s, int n)
{
	char line[128];
	int len = 0;

	line[0] = '\0';
	for (int fd = 0; fd < n; fd++)
		if (FD_ISSET(fd, s))
			len += snprintf(line + len, sizeof(line) - len, " %s",
					fd < 3 ? "std" : "fd");
	printf("%-44s%s\n", what, line);
}

static void test_select(void)
{
	int ready = efd_new(1, 0), idle = efd_new(0, 0);
	int n = (ready > idle ? ready : idle) + 1;
	struct { const void *mask; size_t size; } pack;
	fd_set in, out, ex;
	struct timeval tv;
	struct timespec ts;
	double t0;

	FD_ZERO(&in);
	FD_ZERO(&out);
	FD_ZERO(&ex);
	FD_SET(ready, &in);
	FD_SET(idle, &in);
	FD_SET(idle, &out);
	FD_SET(ready, &ex);
	tv = (struct timeval){ 0, 0 };
	show("select in/out/ex", syscall(SYS_select, n, &in, &out, &ex, &tv));
	check("  ready readable", FD_ISSET(ready, &in));
	check("  idle not readable", !FD_ISSET(idle, &in));
	check("  idle writable", FD_ISSET(idle, &out));
	check("  no exceptions", !FD_ISSET(ready, &ex));

	FD_ZERO(&in);
	FD_SET(idle, &in);
	tv = (struct timeval){ 0, 100000 };
	t0 = now_ms();
	show("select 100 ms, nothing ready", syscall(SYS_select, n, &in, NULL,
						     NULL, &tv));
	check("  waited >= 100 ms", now_ms() - t0 >= 100);
	printf("%-44s %ld.%06ld\n", "  time left", (long)tv.tv_sec,
	       (long)tv.tv_usec);
	show_set("  readable", &in, n);

	FD_ZERO(&in);
	FD_SET(ready, &in);
	tv = (struct timeval){ 5, 0 };
	show("select 5 s, one ready", syscall(SYS_select, n, &in, NULL, NULL,
					      &tv));
	check("  time left written, <= 5 s", tv.tv_sec < 5 ||
	      (tv.tv_sec == 5 && tv.tv_usec == 0));

	FD_ZERO(&in);
	FD_SET(n + 10, &in);
	show("select a closed fd", syscall(SYS_select, n + 11, &in, NULL,
					   NULL, &tv));
	show("select n -1", syscall(SYS_select, -1, NULL, NULL, NULL, &tv));
	tv = (struct timeval){ 0, -1 };
	show("select tv_usec -1", syscall(SYS_select, 0, NULL, NULL, NULL,
					  &tv));
	FD_ZERO(&in);
	show("select bad set", syscall(SYS_select, n, BAD_PTR, NULL, NULL,
				       NULL));

	FD_ZERO(&in);
	FD_SET(idle, &in);
	ts = (struct timespec){ 0, 60 * 1000000L };
	t0 = now_ms();
	show("pselect6 60 ms", syscall(SYS_pselect6, n, &in, NULL, NULL, &ts,
				       NULL));
	check("  waited >= 60 ms", now_ms() - t0 >= 60);
	printf("%-44s %ld.%09ld\n", "  time left", (long)ts.tv_sec,
	       ts.tv_nsec);
	pack.mask = &in;
	pack.size = 4;
	show("pselect6 sigsetsize 4", syscall(SYS_pselect6, n, &in, NULL,
					      NULL, &ts, &pack));
	show("pselect6 bad sigset pack", syscall(SYS_pselect6, n, &in, NULL,
						 NULL, &ts, BAD_PTR));
	pack.size = 8;
	FD_ZERO(&in);
	FD_SET(ready, &in);
	show("pselect6 with a mask", syscall(SYS_pselect6, n, &in, NULL,
					     NULL, NULL, &pack));
	close(ready);
	close(idle);
}

static int block_fd = -1, block_ep = -1;

static void *block_read(void *arg)
{
	uint64_t val;

	efd_read(block_fd, &val);
	return arg;
}

static void *block_epoll(void *arg)
{
	struct epoll_event ev;

	ep_wait(block_ep, &ev, 1, -1);
	return arg;
}

static void *block_poll(void *arg)
{
	struct pollfd p = { .fd = block_fd, .events = POLLIN };

	syscall(SYS_poll, &p, 1, -1);
	return arg;
}

static void *block_select(void *arg)
{
	fd_set in;

	FD_ZERO(&in);
	FD_SET(block_fd, &in);
	syscall(SYS_select, block_fd + 1, &in, NULL, NULL, NULL);
	return arg;
}

/*
 * Threads asleep for ever in each waiting call: exit_group (returning
 * from main) must end them, or the program never exits.
 */
static void start_sleepers(void)
{
	void *(*fn[])(void *) = { block_read, block_epoll, block_poll,
				  block_select };
	struct timespec ts = { 0, 50 * 1000000L };
	pthread_t th;

	block_fd = efd_new(0, 0);
	block_ep = syscall(SYS_epoll_create1, 0);
	ep_ctl(block_ep, EPOLL_CTL_ADD, block_fd, EPOLLIN, 0);
	for (unsigned int i = 0; i < sizeof(fn) / sizeof(fn[0]); i++)
		pthread_create(&th, NULL, fn[i], NULL);
	nanosleep(&ts, NULL);
	printf("%-44s %s\n", "4 threads asleep, exit_group", "now");
}

int main(void)
{
	test_eventfd();
	test_eventfd_block();
	test_epoll_errors();
	test_epoll_modes();
	test_epoll_timeout();
	test_epoll_many();
	test_epoll_close();
	test_epoll_nested();
	test_pingpong();
	test_pipes();
	test_poll();
	test_select();
	start_sleepers();
	printf("%d checks failed\n", nr_failed);
	return nr_failed != 0;
}
