/* SPDX-License-Identifier: GPL-2.0 */
/*
 * epoll(7) and eventfd(2) of the Linux x86-64 ABI: epoll_ctl operations,
 * the event bits beyond <uapi/poll.h>'s POLL* ones (EPOLLIN == POLLIN and
 * so on), struct epoll_event (packed on x86-64: 12 bytes), and the
 * creation flags of epoll_create1 and eventfd2.
 */
#ifndef _UAPI_EVENTPOLL_H
#define _UAPI_EVENTPOLL_H

#include <tessera/types.h>
#include <uapi/fcntl.h>
#include <uapi/poll.h>

#define EPOLL_CTL_ADD		1
#define EPOLL_CTL_DEL		2
#define EPOLL_CTL_MOD		3

#define EPOLL_CLOEXEC		O_CLOEXEC

#define EPOLLIN			POLLIN
#define EPOLLPRI		POLLPRI
#define EPOLLOUT		POLLOUT
#define EPOLLERR		POLLERR
#define EPOLLHUP		POLLHUP
#define EPOLLRDNORM		POLLRDNORM
#define EPOLLRDBAND		POLLRDBAND
#define EPOLLWRNORM		POLLWRNORM
#define EPOLLWRBAND		POLLWRBAND
#define EPOLLMSG		POLLMSG
#define EPOLLRDHUP		POLLRDHUP
#define EPOLLEXCLUSIVE		(1U << 28)
#define EPOLLWAKEUP		(1U << 29)
#define EPOLLONESHOT		(1U << 30)
#define EPOLLET			(1U << 31)

struct uapi_epoll_event {
	u32 events;
	u64 data;
} __attribute__((packed));

_Static_assert(sizeof(struct uapi_epoll_event) == 12,
	       "struct epoll_event is packed on x86-64");

/* eventfd2 flags */
#define EFD_SEMAPHORE		1
#define EFD_CLOEXEC		O_CLOEXEC
#define EFD_NONBLOCK		O_NONBLOCK

#endif /* _UAPI_EVENTPOLL_H */
