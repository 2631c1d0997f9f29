// SPDX-License-Identifier: GPL-2.0
/*
 * Reads its stdin to the end and prints how many bytes came and their
 * FNV-1a 64 hash, so a test can send a large binary input through
 * `tessera run --stdin` and compare with the native run of the same
 * input.  Reads cycle through sizes 1, 7, 4096 and 65536 bytes.
 *
 *	stdin_hash		blocking reads
 *	stdin_hash poll		poll() for POLLIN/POLLHUP before each read;
 *				ioctl(FIONREAD) must then be > 0 or the
 *				read must return 0 (the end)
 *	stdin_hash nonblock	O_NONBLOCK reads; on EAGAIN, poll() and retry
 *	stdin_hash epoll	epoll_wait() for EPOLLIN/EPOLLHUP on fd 0
 *				before each read
 *
 * Exit status 0, or 1 with a line on stderr saying what went wrong.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <unistd.h>

static const size_t sizes[] = { 1, 7, 4096, 65536 };
static char buf[65536];

static int epfd = -1;

static int wait_readable(void)
{
	if (epfd >= 0) {
		struct epoll_event ev;

		if (epoll_wait(epfd, &ev, 1, -1) != 1) {
			fprintf(stderr, "epoll_wait: %s\n", strerror(errno));
			return -1;
		}
		if (!(ev.events & (EPOLLIN | EPOLLHUP))) {
			fprintf(stderr, "epoll: events 0x%x\n", ev.events);
			return -1;
		}
		return 0;
	}
	struct pollfd p = { .fd = 0, .events = POLLIN };

	if (poll(&p, 1, -1) != 1) {
		fprintf(stderr, "poll: %s\n", strerror(errno));
		return -1;
	}
	if (!(p.revents & (POLLIN | POLLHUP))) {
		fprintf(stderr, "poll: revents 0x%x\n", p.revents);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "block";
	bool use_poll = !strcmp(mode, "poll") || !strcmp(mode, "epoll");
	uint64_t hash = 0xcbf29ce484222325ULL, total = 0;
	unsigned int i = 0;

	if (!strcmp(mode, "epoll")) {
		struct epoll_event ev = { .events = EPOLLIN };

		epfd = epoll_create1(0);
		if (epfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, 0, &ev)) {
			fprintf(stderr, "epoll: %s\n", strerror(errno));
			return 1;
		}
	}
	if (!strcmp(mode, "nonblock") &&
	    fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK)) {
		fprintf(stderr, "fcntl: %s\n", strerror(errno));
		return 1;
	}
	for (;;) {
		ssize_t n;
		int avail = -1;

		if (use_poll) {
			if (wait_readable())
				return 1;
			if (ioctl(0, FIONREAD, &avail)) {
				fprintf(stderr, "FIONREAD: %s\n",
					strerror(errno));
				return 1;
			}
		}
		n = read(0, buf, sizes[i++ % 4]);
		if (n < 0 && errno == EAGAIN) {
			if (wait_readable())
				return 1;
			continue;
		}
		if (n < 0) {
			fprintf(stderr, "read: %s\n", strerror(errno));
			return 1;
		}
		if (use_poll && !avail != !n) {
			fprintf(stderr, "FIONREAD %d but read %zd\n", avail,
				n);
			return 1;
		}
		if (!n)
			break;
		for (ssize_t j = 0; j < n; j++) {
			hash ^= (unsigned char)buf[j];
			hash *= 0x100000001b3ULL;
		}
		total += n;
	}
	printf("bytes %llu fnv1a %016llx\n", (unsigned long long)total,
	       (unsigned long long)hash);
	return 0;
}
