# SPDX-License-Identifier: GPL-2.0
"""eventfd, epoll and poll/select (issue 12 part 2).

tests/user/events.c exercises eventfd's counter and semaphore modes,
EAGAIN and overflow; epoll level- and edge-triggered, EPOLLONESHOT, DEL,
the epoll_ctl and epoll_wait errnos, timeouts, a wakeup from another
thread, 200 eventfds in one instance, a closed descriptor leaving its
instance (and staying while a dup is open); pipes under epoll and poll;
poll, ppoll, select and pselect6 with timeouts, POLLNVAL, EBADF and the
time left written back.  It is built with the host's gcc -static and run
natively and on Tessera (`tessera run --local`, one and two CPUs) with
the same argv and environment: stdout, stderr and the exit status must be
identical, the native run must pass every one of its own checks, and the
serial log must show no oops and none of these calls unimplemented
(glibc's rseq and clone3 may be).

  local_smp1    one CPU
  local_smp2    two CPUs (the waker thread on the other CPU)
"""

import re

import clusterlib
from clusterlib import check
import test_user


def events_local(smp):
	prog = test_user.program("events")
	want = test_user.native([prog])
	text = want[1].decode(errors="replace")
	check(want[0] == 0 and re.search(r"^0 checks failed$", text, re.M),
	      f"events fails natively (status {want[0]}):\n{text}{want[2]!r}")
	name = f"events-local-smp{smp}"
	code, out, err, log = test_user.tessera_run(name, [prog], smp=smp)
	where = f"{name}: serial log in runs/.../{name}/serial.log"
	check(re.search(r"tessera: program exit run=0", log),
	      f"{where}: no program exit marker")
	check(not re.search(clusterlib.OOPS_RE, log), f"{where}: kernel oops")
	missing = re.findall(r"unimplemented syscall \d+ \((\w*(?:epoll|eventfd"
			     r"|poll|select|pipe)\w*)\)", log)
	check(not missing, f"{where}: unimplemented: {missing}")
	check(out == want[1],
	      f"{where}: stdout differs\n--- native\n{text}\n--- tessera\n"
	      f"{out.decode(errors='replace')}")
	check(test_user._launcher_notes(err) == want[2],
	      f"{where}: stderr differs: native {want[2]!r}, tessera "
	      f"{test_user._launcher_notes(err)!r}")
	check(code == want[0], f"{where}: exit status {code}, native {want[0]}")


SCENARIOS = [
	("local_smp1", lambda: events_local(1)),
	("local_smp2", lambda: events_local(2)),
]
