# SPDX-License-Identifier: GPL-2.0
"""Signal delivery (issue 13 part 4): tests/user/signals.c natively and on
Tessera.

The program (gcc -static, like every program of tests/user/) checks
handlers and the siginfo they get (kill, tgkill, rt_sigqueueinfo),
nested handlers, sa_mask, SA_NODEFER, SA_RESETHAND, ignored signals,
sigaltstack, vector and general registers across handlers (also from a
periodic timer in the middle of a loop), forged RFLAGS bits ignored, SIGSEGV and SIGFPE handlers
leaving with siglongjmp (si_code, si_addr), a pipe read interrupted by
SIGALRM with and without SA_RESTART, nanosleep's time left, setitimer
and getitimer, sigsuspend, pause, rt_sigtimedwait, SIGPIPE to a handler
and tgkill to one thread.  It runs natively first, where every check
must pass, then on Tessera with the same argv: stdout, stderr and status
identical.

  signals_smp1 / signals_smp2   the program on one and on two CPUs
  signal_term                   SIGTERM's default action: 143
  signal_segv                   a fault without a handler: 139
  sigreturn_bad_rip             a handler makes its frame's RIP
                                non-canonical: rt_sigreturn kills with
                                SIGSEGV (139), the node stays fine
  sigreturn_bad_cs              ... a kernel code selector
  sigreturn_bad_xstate          ... an XSTATE_BV bit XCR0 lacks
  sigreturn_bad_mxcsr           ... a reserved MXCSR bit
  signal_bad_stack              a handler on an unmapped sigaltstack: no
                                frame can be written, killed with SIGSEGV
"""

import re

from clusterlib import check
import test_user


def _signals(smp):
	want, _ = test_user.compare_native("signals", f"signals-smp{smp}",
					  smp=smp)
	text = want[1].decode(errors="replace")
	check(want[0] == 0 and re.search(r"^0 checks failed$", text, re.M),
	      f"signals fails natively (status {want[0]}):\n{text}{want[2]!r}")


def _dies(mode, status, log_re=None):
	want, log = test_user.compare_native("signals", f"signals-{mode}",
					    [mode])
	check(want[0] == status,
	      f"signals {mode}: native status {want[0]}, expected {status}")
	check(f"dying: {mode}\n".encode() in want[1],
	      f"signals {mode}: native output {want[1]!r}")
	if log_re:
		check(re.search(log_re, log),
		      f"signals {mode}: no {log_re!r} in the serial log")


SCENARIOS = [
	("signals_smp1", lambda: _signals(1)),
	("signals_smp2", lambda: _signals(2)),
	("signal_term", lambda: _dies("term", 143, r"killed by signal 15")),
	("signal_segv", lambda: _dies("segv", 139, r"segfault: pid")),
	("sigreturn_bad_rip", lambda: _dies("bad-rip", 139,
					    r"bad rt_sigreturn frame")),
	("sigreturn_bad_cs", lambda: _dies("bad-cs", 139,
					   r"bad rt_sigreturn frame")),
	("sigreturn_bad_xstate", lambda: _dies("bad-xstate", 139,
					       r"bad rt_sigreturn frame")),
	("sigreturn_bad_mxcsr", lambda: _dies("bad-mxcsr", 139,
					      r"bad rt_sigreturn frame")),
	("signal_bad_stack", lambda: _dies("bad-stack", 139,
					   r"no frame for signal 10")),
]
