# SPDX-License-Identifier: GPL-2.0
"""eventfd, epoll and poll/select (issue 12 part 2).

tests/user/events.c exercises eventfd's counter and semaphore modes,
EAGAIN and overflow; epoll level- and edge-triggered, EPOLLONESHOT, DEL,
the epoll_ctl and epoll_wait errnos, timeouts, a wakeup from another
thread, 500 rounds of two threads waking each other (epoll_wait, poll), 200 eventfds in one instance, a closed descriptor leaving its
instance (and staying while a dup is open); pipes under epoll and poll;
poll, ppoll, select and pselect6 with timeouts, POLLNVAL, EBADF and the
time left written back.  It is built with the host's gcc -static and run
natively and on Tessera (`tessera run --local`, one and two CPUs) with
the same argv and environment: stdout, stderr and the exit status must be
identical, the native run must pass every one of its own checks, and the
serial log must show no oops, no WARNING (lockdep) and none of these
calls unimplemented (glibc's rseq and clone3 may be).

  local_smp1    one CPU
  local_smp2    two CPUs (the waker thread on the other CPU)
"""

import re

from clusterlib import check
import test_user


def events_local(smp):
	prog = test_user.program("events")
	code, out, err = test_user.native([prog])
	text = out.decode(errors="replace")
	check(code == 0 and re.search(r"^0 checks failed$", text, re.M),
	      f"events fails natively (status {code}):\n{text}{err!r}")
	log = test_user.same_as_native("events", smp=smp)
	missing = re.findall(r"unimplemented syscall \d+ \((\w*(?:epoll|eventfd"
			     r"|poll|select|pipe)\w*)\)", log)
	check(not missing, f"events smp{smp}: unimplemented: {missing}")
	# Lockdep's reports and the pipe's freed-while-watched warning.
	check("WARNING" not in log, f"events smp{smp}: a WARNING in the log")


SCENARIOS = [
	("local_smp1", lambda: events_local(1)),
	("local_smp2", lambda: events_local(2)),
]
