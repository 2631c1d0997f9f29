# SPDX-License-Identifier: GPL-2.0
"""Counters printed on request: debug keys on the serial console.

`tessera cluster --nodes 1P1M` runs until stopped; once it reports the
cluster ready, the test sends the launcher SIGQUIT (what Ctrl-\\ does),
which types "fpms" on every node's console.  Each node must then print
its FIT per-peer counters (key f) — nothing printed them before: no
fit.stats_ms, no shutdown yet — the processor its pcache counters (key
p), the memory node its P2M service's counters (key m, the misses it
served among them), and each must say that the keys of the other roles
have no handler (p on the memory node, m on the processor, s on both).  SIGTERM then stops the launcher and every QEMU it started."""

import os
import re
import select
import signal
import subprocess
import time

import clusterlib
from clusterlib import check, kernel_image

ROOT = clusterlib.ROOT
TIMEOUT = 90


class _Reader:
	"""@proc's output as lines, a partial line kept between calls."""

	def __init__(self, proc):
		self.proc, self.buf, self.lines = proc, b"", []

	def until(self, pattern, deadline):
		"""Read until a line matching @pattern came (True), the output
		ended or @deadline passed (False).  Every complete line read is
		kept in self.lines, also those after the match."""
		while time.monotonic() < deadline:
			r, _, _ = select.select([self.proc.stdout], [], [], 0.5)
			if not r:
				if self.proc.poll() is not None:
					return False
				continue
			data = os.read(self.proc.stdout.fileno(), 65536)
			if not data:
				return False
			*done, self.buf = (self.buf + data).split(b"\n")
			new = [l.decode(errors="replace") for l in done]
			self.lines += new
			if any(re.search(pattern, l) for l in new):
				return True
		return False


def _wanted(lines):
	text = "\n".join(lines)
	return (re.search(r"^processor0\| .*fit: peer 1 up: calls", text, re.M)
		and re.search(r"^memory1\| .*fit: peer 0 up: calls", text, re.M)
		and re.search(r"^processor0\| .*pcache: stats policy=", text,
			      re.M)
		and re.search(r"^memory1\| .*debug key 0x70: none registered",
			      text, re.M)
		and re.search(r"^memory1\| .*memnode: miss +\d+$", text, re.M)
		and re.search(r"^memory1\| .*memnode: errors \d+ malformed",
			      text, re.M)
		and re.search(r"^processor0\| .*debug key 0x6d: none registered",
			      text, re.M)
		and re.search(r"^processor0\| .*debug key 0x73: none registered",
			      text, re.M))


def stats_on_request():
	run_dir = os.path.join(clusterlib.runs_dir(), "debug-keys")
	cmd = [os.path.join(ROOT, "tools", "tessera"), "cluster", "--nodes",
	       "1P1M", "--timeout", "0", "--run-dir", run_dir,
	       "--kernel-image", kernel_image()]
	with clusterlib.qemu_slots(2):
		proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
					stdout=subprocess.PIPE,
					stderr=subprocess.STDOUT)
		reader = _Reader(proc)
		lines = reader.lines
		try:
			deadline = time.monotonic() + TIMEOUT
			ready = reader.until(r"^cluster ready: processor0 memory1$",
					     deadline)
			check(ready, "the cluster never became ready:\n" +
			      "\n".join(lines[-20:]))
			check(not any(re.search(r"fit: peer \d+ up: calls", l)
				      for l in lines),
			      "FIT counters printed before they were asked for")
			proc.send_signal(signal.SIGQUIT)
			while not _wanted(lines) and \
			      time.monotonic() < deadline:
				if not reader.until(r"debug key|fit: peer|"
						    r"pcache: stats|memnode: ",
						    deadline):
					break
			check(_wanted(lines), "after SIGQUIT: not every node "
			      "printed what its keys ask for:\n" +
			      "\n".join(lines[-30:]))
			check(not any(re.search(clusterlib.OOPS_RE, l)
				      for l in lines), "kernel oops")
		finally:
			proc.send_signal(signal.SIGTERM)
			try:
				code = proc.wait(timeout=30)
			except subprocess.TimeoutExpired:
				proc.kill()
				code = proc.wait()
	check(code == 143, f"launcher exit status {code} after SIGTERM, "
	      f"want 143")


def params_on_request():
	"""Key k lists every kernel parameter with its value, whether the
	command line set it, and its range: a processor booted with
	pcache.ways=4 shows it set, fit.hb_ms at its default with the range
	[20..10000], and a count line last."""
	with clusterlib.group(1, TIMEOUT) as g:
		b = g.start("debugkeys-params",
			    ["--role", "processor", "--node", "0", "--kernel",
			     "--type-on-ready", "k", "--until",
			     r"params: \d+, \d+ set on the command line$",
			     "--", "pcache.ways=4"])
		b = b.finish()
	b.expect(b.code == clusterlib.EXIT_OK, f"no params line: {b.code}")
	b.expect(b.grep(r"^param pcache\.ways=4 \[1\.\.\d+\]$"),
		 "pcache.ways=4 is not listed as set, with its range")
	b.expect(b.grep(r"^param fit\.hb_ms=200 \(default\) "
			r"\[20\.\.10000\]$"),
		 "fit.hb_ms is not listed at its default with its range")
	counts = [l for l in b.lines if l.startswith("params: ")]
	n = len([l for l in b.lines if l.startswith("param ")])
	b.expect(counts and counts[-1].startswith(f"params: {n}, "),
		 f"the count line {counts[-1:]} does not say {n}")


SCENARIOS = [
	("stats_on_request", stats_on_request),
	("params_on_request", params_on_request),
]
