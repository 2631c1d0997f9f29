/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Readiness bits of poll(2) and epoll (x86-64 Linux values; the EPOLL*
 * event bits equal the POLL* ones), as a file's poll op reports them.
 */
#ifndef _UAPI_POLL_H
#define _UAPI_POLL_H

#include <tessera/types.h>

#define POLLIN		0x0001
#define POLLPRI		0x0002
#define POLLOUT		0x0004
#define POLLERR		0x0008
#define POLLHUP		0x0010
#define POLLNVAL	0x0020
#define POLLRDNORM	0x0040
#define POLLRDBAND	0x0080
#define POLLWRNORM	0x0100
#define POLLWRBAND	0x0200
#define POLLMSG		0x0400
#define POLLRDHUP	0x2000

struct uapi_pollfd {
	s32 fd;
	s16 events;
	s16 revents;
};

#endif /* _UAPI_POLL_H */
