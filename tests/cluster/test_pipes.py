# SPDX-License-Identifier: GPL-2.0
"""Pipes (issue 12 part 2): tests/user/pipes.c natively and on Tessera.

The program (built with the host's gcc -static, like every program of
tests/user/) moves data through pipes between threads (a blocked reader
woken by the writer, 1 MiB with every byte checked, PIPE_BUF records
from two writers that must never mix, four writers and three readers on
one pipe), and checks EOF, EPIPE, O_NONBLOCK,
partial writes, FIONREAD, fstat, /proc/self/fd names, pipe2 flags and bad
pointers.  It runs natively first, where every one of its own checks must
pass, then on Tessera (`tessera run --local`) with the same argv and
environment: stdout, stderr and the exit status must be identical.

  pipes_smp1 / pipes_smp2   the program on one and on two CPUs
  sigpipe                   a write with no reader and SIGPIPE's default
                            action: status 141 (128 + SIGPIPE), as natively
  sigpipe_thread            the same while another thread sleeps in read()
                            of another pipe: it dies too, 141
  sigpipe_blocked           SIGPIPE blocked: EPIPE, and the program lives
"""

import re

from clusterlib import check
import test_user


def _same_as_native(run_name, args=(), smp=None):
	"""Run pipes with @args natively and on Tessera (run directory
	@run_name): the same stdout, stderr and status.  Returns the native
	result and the serial log."""
	return test_user.compare_native("pipes", run_name, args, smp)


def _pipes(smp):
	want, _ = _same_as_native(f"pipes-smp{smp}", smp=smp)
	text = want[1].decode(errors="replace")
	check(want[0] == 0 and re.search(r"^0 checks failed$", text, re.M),
	      f"pipes fails natively (status {want[0]}):\n{text}{want[2]!r}")


def _sigpipe(mode, status, lines):
	want, _ = _same_as_native(f"pipes-{mode}", [mode])
	check(want[0] == status,
	      f"pipes {mode}: native status {want[0]}, expected {status}")
	for line in lines:
		check(line in want[1],
		      f"pipes {mode}: native output lacks {line!r}: {want[1]!r}")


SCENARIOS = [
	("pipes_smp1", lambda: _pipes(1)),
	("pipes_smp2", lambda: _pipes(2)),
	("sigpipe", lambda: _sigpipe("sigpipe", 141,
				     [b"writing to a pipe without a reader\n"])),
	("sigpipe_thread", lambda: _sigpipe("sigpipe-thread", 141,
					    [b"writing to a pipe"])),
	("sigpipe_blocked", lambda: _sigpipe("sigpipe-blocked", 0,
					     [b"Broken pipe", b"still alive"])),
]
