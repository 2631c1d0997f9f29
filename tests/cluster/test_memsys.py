# SPDX-License-Identifier: GPL-2.0
"""Memory system calls, timeouts and thread lifetimes at their edges
(issue 16): programs of tests/user/ run natively and on Tessera with the
same argv and environment, and the outputs and exit statuses must agree.

  - memcheck: every call Linux rejects (brk below the heap or past the
    top, munmap/madvise/mprotect with bad addresses, lengths, advice or
    bits) leaves every byte as it was, even with the pcache's lines dirty;
    MADV_DONTNEED(_LOCKED) zeroes exactly its range.  Local mode with a
    256 KiB pcache (per-set list and victim cache; the stats must show
    dirty lines written back), with pcache=0, and on three nodes;
  - mremap: anonymous mappings grown (moved and in place), shrunk and
    moved to a fixed address over another mapping with dirty data in
    the pcache, and Linux's argument errors (tests/user/mremap.c, every
    byte checked): on three nodes with a 256 KiB pcache, and locally
    with pcache=0 (the processor's private pages written back first);
  - timeouts: bad timespecs are EINVAL, huge timeouts saturate (locally
    and on three nodes);
  - threadloop: 20000 pthread create/join cycles plus a burst of 100
    threads (about 8 s under TCG on the development host), between two
    short runs; the kernel's free pages after each program
    ("processor: reaped pid P: free_pages N") must come back to the
    level of the first run, within SLACK_PAGES (slab fragmentation; one
    kernel stack leaked per thread would be 80000 pages).  Each burst
    keeps its 100 threads alive together, so the first run already
    fills the kernel's cache of 64 free stacks: the level is not a high
    water mark of the stack cache;
  - threadlimit: with processor.max_threads=16 a program gets 15 threads
    (the main thread is the 16th), then EAGAIN, twice in a row, and
    RLIMIT_NPROC says 16; a thread loop after it still runs."""

import re

import clusterlib
from clusterlib import check
import test_pcache
import test_remote
import test_user

SMALL_PCACHE = "pcache=256K pcache.ways=4 pcache.stats"
SLACK_PAGES = 16
STATS_RE = re.compile(r"pcache: stats (.*)")
REAPED_RE = re.compile(r"processor: reaped pid \d+: free_pages (\d+)")


def run_local(name, runs, append="", smp=None):
	"""Boot one node in local mode with @append and run each argv of
	@runs in order; returns (status, stdout, the launcher's notes on
	stderr, log)."""
	code, out, err, log = test_pcache.run(name, runs, append, smp=smp,
					      stats=False)
	return code, out, test_user._launcher_notes(err), log


def native_all(runs):
	"""Concatenated stdout and stderr of @runs natively, and run 0's status;
	every run must exit 0 natively."""
	out, err, code0 = b"", b"", None
	for argv in runs:
		code, o, e = test_user.native(argv)
		check(code == 0, f"{argv}: exits {code} natively")
		out += o
		err += e
		if code0 is None:
			code0 = code
	return code0, out, err


def check_same(where, runs, got, log):
	code, out, err = native_all(runs)
	check(not re.search(clusterlib.OOPS_RE, log), f"{where}: kernel oops")
	for n in range(len(runs)):
		check(re.search(rf"program exit run={n} pid=\d+ status=0", log),
		      f"{where}: run {n} did not exit 0")
	check(got[1] == out, f"{where}: stdout differs\n--- native\n{out!r}\n"
	      f"--- tessera\n{got[1]!r}")
	check(got[2] == err, f"{where}: stderr differs: native {err!r}, "
	      f"tessera {got[2]!r}")
	check(got[0] == code, f"{where}: exit status {got[0]}, native {code}")


def stats_of(log):
	return [dict(kv.split("=", 1) for kv in m.group(1).split())
		for m in STATS_RE.finditer(log)]


def memcheck_local(tag, append):
	runs = [[test_user.program("memcheck")]]
	got = run_local(f"memsys-memcheck-{tag}", runs, append)
	where = f"memcheck ({tag})"
	check_same(where, runs, got, got[3])
	return got[3], where


def memcheck_dirty(tag, mechanism):
	log, where = memcheck_local(tag, f"{SMALL_PCACHE} "
				    f"pcache.mechanism={mechanism}")
	check("pcache: 256 KiB" in log, f"{where}: not a 256 KiB pcache")
	stats = stats_of(log)
	check(len(stats) == 1, f"{where}: {len(stats)} stats lines, want 1")
	s = stats[0]
	# Dirty lines were there to lose: they went back to the backend.
	written = int(s["flushes"]) + int(s["piggybacks"]) + \
		int(s["victim_inserts"])
	check(int(s["evictions"]) > 0 and written > 0,
	      f"{where}: no evictions or write-backs: {s}")
	check(int(s["flush_errors"]) == 0, f"{where}: write-backs failed: {s}")
	check(int(s["zero_fills"]) > 0, f"{where}: no zero fill: {s}")


def memcheck_full_pages():
	"""memnode.zero_reply=0: first touches come as pages, bytes the same."""
	log, where = memcheck_local("fullpages",
				    f"{SMALL_PCACHE} memnode.zero_reply=0")
	s = stats_of(log)
	check(len(s) == 1 and int(s[0]["zero_fills"]) == 0 and
	      int(s[0]["misses"]) > 0,
	      f"{where}: zero fills with memnode.zero_reply=0: {s}")


def memcheck_nopcache():
	log, where = memcheck_local("pcache0", "pcache=0")
	check("pcache: off" in log, f"{where}: the pcache is not off")


def three_nodes():
	"""memcheck and timeouts with memory on a memory node."""
	runs = [[test_user.program("memcheck")],
		[test_user.program("timeouts")]]
	code, out, err, plog, mlog = test_remote.run(
		"memsys-three", runs, "three", smp=2,
		append="pcache=256K pcache.ways=4")
	where = "memcheck+timeouts (three nodes)"
	check("process memory: " in plog, f"{where}: not in remote mode")
	check("pcache: 256 KiB" in plog, f"{where}: not a 256 KiB pcache")
	check_same(where, runs, (code, out, err), plog + mlog)
	test_remote.check_freed(mlog, len(runs), where)
	s = stats_of(plog)[0]
	check(int(s["flush_errors"]) == 0, f"{where}: write-backs failed: {s}")
	# First touches came as "zeroes" without a page on the wire, and
	# memcheck found every byte right all the same.
	check(int(s["zero_fills"]) > 0, f"{where}: no zero fill: {s}")
	# and pages around them came as zero lines, with no bytes at all
	check(int(s["around_zeros"]) > 0, f"{where}: no zero page around: {s}")


def mremap_three():
	runs = [[test_user.program("mremap")]]
	code, out, err, plog, mlog = test_remote.run(
		"memsys-mremap", runs, "three", append="pcache=256K pcache.ways=4")
	where = "mremap (three nodes)"
	check("process memory: " in plog, f"{where}: not in remote mode")
	check_same(where, runs, (code, out, err), plog + mlog)
	check(b"\n0 failures\n" in out, f"{where}: {out!r}")
	test_remote.check_freed(mlog, len(runs), where)


def mremap_nopcache():
	runs = [[test_user.program("mremap")]]
	got = run_local("memsys-mremap-pcache0", runs, "pcache=0")
	where = "mremap (local, pcache=0)"
	check("pcache: off" in got[3], f"{where}: the pcache is not off")
	check_same(where, runs, got, got[3])


def timeouts_local():
	runs = [[test_user.program("timeouts")]]
	got = run_local("memsys-timeouts", runs, smp=2)
	check_same("timeouts (local)", runs, got, got[3])


def threads_bounded():
	prog = test_user.program("threadloop")
	short = [prog, "100", "100"]
	runs = [short, [prog, "20000", "100"], short]
	got = run_local("memsys-threadloop", runs, smp=2)
	where = "threadloop (local, 2 CPUs)"
	check_same(where, runs, got, got[3])
	free = [int(n) for n in REAPED_RE.findall(got[3])]
	check(len(free) == len(runs),
	      f"{where}: {len(free)} reaped lines, want {len(runs)}")
	for n in (1, 2):
		check(free[n] >= free[0] - SLACK_PAGES,
		      f"{where}: free pages after run {n} {free[n]}, after "
		      f"run 0 {free[0]}: more than {SLACK_PAGES} pages kept")


def thread_limit():
	limit = 16
	runs = [[test_user.program("threadlimit"), "40"],
		[test_user.program("threadloop"), "300", "10"]]
	code, out, err, log = run_local("memsys-threadlimit", runs,
					f"processor.max_threads={limit}",
					smp=2)
	where = "threadlimit (local, processor.max_threads=16)"
	check(not re.search(clusterlib.OOPS_RE, log), f"{where}: kernel oops")
	check(f"processor: at most {limit} user threads" in log,
	      f"{where}: the limit was not taken")
	want = (f"first: created {limit - 1} threads, then Resource "
		f"temporarily unavailable\n"
		f"second: created {limit - 1} threads, then Resource "
		f"temporarily unavailable\n"
		f"RLIMIT_NPROC {limit} {limit}\n"
		f"same count both times: yes\n"
		f"300 create/join cycles: sum 45150 (ok)\n"
		f"burst of 10 threads: sum 55 (ok)\n").encode()
	check(out == want, f"{where}: stdout\n--- want\n{want!r}\n"
	      f"--- tessera\n{out!r}")
	check(code == 0 and err == b"", f"{where}: status {code}, "
	      f"stderr {err!r}")
	check(re.search(r"program exit run=1 pid=\d+ status=0", log),
	      f"{where}: the thread loop after it did not exit 0")


SCENARIOS = [
	("memcheck_pcache_perset", lambda: memcheck_dirty("perset", "perset")),
	("memcheck_pcache_victim", lambda: memcheck_dirty("victim", "victim")),
	("memcheck_pcache0", memcheck_nopcache),
	("memcheck_full_pages", memcheck_full_pages),
	("mremap_three", mremap_three),
	("mremap_pcache0", mremap_nopcache),
	("timeouts", timeouts_local),
	("threads_bounded", threads_bounded),
	("thread_limit", thread_limit),
	("three_nodes", three_nodes),
]
