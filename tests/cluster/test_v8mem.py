# SPDX-License-Identifier: GPL-2.0
"""Memory for V8 (issue 12 part 3): tests/user/v8mem runs natively and on
Tessera with the same argv; outputs and statuses must agree, and the
pcache and memory-node counters must show what the kernel promises.

  - flips: `v8mem jit 16 0` then `v8mem jit 16 700` (700 rounds of four
    mprotect calls: code RW -> RX -> RW, data RW -> R -> RW, every page
    read or run after each flip) with a 64 MiB pcache: the second run's
    misses must equal the first's within MISS_SLACK (a flip that dropped
    and refetched the 32 resident lines would add 44800), and its entries
    must have been changed in place (the `protects` counter);
  - jit under eviction pressure (256 KiB pcache, per-set list and victim
    cache, and pcache=0): code rewritten while RW must run after the flip
    to RX, RWX pages rewritten in place must run the new code, data must
    survive every flip -- the victim cache hands lines back with the
    rights of the last mprotect;
  - reserve: a 1.5 GiB PROT_NONE reservation of which 8 or 16 MiB, in
    1 MiB pieces spread over it, are made RW and used (and flipped to
    PROT_NONE and back, data kept): the memory node's peak of data pages
    for the process (`memnode: exit ... peak_pages N`) must grow by the
    touched pages (2048 between the runs, within TABLE_SLACK) and stay
    far below the reservation;
  - madv: MADV_DONTNEED zeroes exactly its pages, MADV_FREE keeps or
    zeroes, advice that does not discard changes no byte (small pcache,
    and pcache=0);
  - own: 4 threads each writing and checking every byte of its own 2 MiB
    with a 1 MiB pcache on 2 CPUs (misses of several threads at once under
    eviction), locally; 4 threads of 512 KiB over FIT loopback (the remote
    path: some misses must begin while another thread's is in flight,
    `fills_overlapped`), then W^X flips there."""

import re

import clusterlib
from clusterlib import check
import test_pcache
import test_remote
import test_user

BIG = "pcache=64M"
SMALL = "pcache=256K pcache.ways=4"
MISS_SLACK = 64
TABLE_SLACK = 64
PEAK_RE = re.compile(r"memnode: exit node \d+ pid \d+: procs \d+ pages \d+ "
		     r"peak_pages (\d+)")


def v8mem(*args):
	return [test_user.program("v8mem")] + [str(a) for a in args]


def local(name, runs, append, smp=None):
	"""Boot once in local mode, run @runs; check status, stdout and the
	exit of every run against native runs.  Returns (stats lines, log)."""
	want = b"".join(test_user.native(r)[1] for r in runs)
	code, out, err, log = test_pcache.run(f"v8mem-{name}", runs, append,
					      smp=smp)
	where = f"v8mem {name}"
	check(not re.search(clusterlib.OOPS_RE, log), f"{where}: kernel oops")
	for i in range(len(runs)):
		check(re.search(rf"program exit run={i} pid=\d+ status=0\b", log),
		      f"{where}: run {i} ({' '.join(runs[i][1:])}) did not "
		      f"exit 0")
	stats = test_pcache.check_native_and_stats(where, code, out, want, err,
						   len(runs))
	return stats, log


def flips():
	runs = [v8mem("jit", 16, 0), v8mem("jit", 16, 700)]
	stats, _ = local("flips", runs, BIG)
	m0 = int(stats[0]["misses"])
	m1 = int(stats[1]["misses"]) - m0
	p1 = int(stats[1]["protects"]) - int(stats[0]["protects"])
	check(abs(m1 - m0) <= MISS_SLACK,
	      f"flips: {m1} misses with 700 rounds of mprotect, {m0} without")
	check(int(stats[1]["evictions"]) == 0,
	      "flips: evictions with a 64 MiB pcache")
	# 2800 calls on 16 pages each: at least the 1400 downgrades.
	check(p1 >= 1400 * 16,
	      f"flips: only {p1} entries changed in place by 2800 mprotects")


def jit_pressure(mechanism):
	runs = [v8mem("jit", 128, 40), v8mem("rwx", 128, 40)]
	append = f"{SMALL} pcache.mechanism={mechanism}"
	stats, _ = local(f"jit-{mechanism}", runs, append, smp=2)
	check(int(stats[-1]["evictions"]) > 0,
	      f"jit {mechanism}: no eviction with 1 MiB of pages in 256 KiB")


def jit_nopcache():
	runs = [v8mem("jit", 16, 100), v8mem("rwx", 16, 100),
		v8mem("madv", 64), v8mem("reserve", 256, 4)]
	want = b"".join(test_user.native(r)[1] for r in runs)
	code, out, err, log = test_pcache.run("v8mem-pcache0", runs, "pcache=0",
					      stats=False)
	check(not re.search(clusterlib.OOPS_RE, log), "pcache=0: kernel oops")
	check(code == 0 and out == want,
	      f"pcache=0: status {code}, stdout\n--- native\n{want!r}\n"
	      f"--- tessera\n{out!r}")


def reserve():
	runs = [v8mem("reserve", 1536, 8), v8mem("reserve", 1536, 16)]
	_, log = local("reserve", runs, BIG)
	peaks = [int(p) for p in PEAK_RE.findall(log)]
	check(len(peaks) == 2, f"reserve: {len(peaks)} peak_pages lines, want 2")
	touched = 8 << 20 >> 12
	grew = peaks[1] - peaks[0]
	check(touched <= grew <= touched + TABLE_SLACK,
	      f"reserve: peak grew by {grew} pages for {touched} more touched")
	check(peaks[0] < 2 * touched,
	      f"reserve: {peaks[0]} pages at peak for {touched} touched of "
	      f"a 1.5 GiB reservation")


def madv():
	local("madv", [v8mem("madv", 256)], SMALL)


def own_local():
	local("own", [v8mem("own", 4, 2048, 2)], "pcache=1M pcache.ways=4",
	      smp=2)


def own_loopback():
	argv = v8mem("own", 4, 512, 2)
	want = test_user.native(argv)
	code, out, err, plog, mlog = test_remote.run(
		"v8mem-own-loopback", [argv, v8mem("jit", 32, 20)], "loopback",
		smp=2)
	want_out = want[1] + test_user.native(v8mem("jit", 32, 20))[1]
	check(not re.search(clusterlib.OOPS_RE, plog), "loopback: kernel oops")
	check(code == 0 and out == want_out,
	      f"loopback: status {code}, stdout\n--- native\n{want_out!r}\n"
	      f"--- tessera\n{out!r}")
	stats = test_pcache.stats_of(plog)
	check(stats, "loopback: no pcache stats line")
	# 4 threads missing on 2 CPUs, each reply a FIT round trip: fills
	# of one process overlap unless the pmm lock serialises them.
	check(int(stats[0]["fills_overlapped"]) > 0,
	      "loopback: no miss began while another thread's was in flight")


SCENARIOS = [
	("flips", flips),
	("jit_perset", lambda: jit_pressure("perset")),
	("jit_victim", lambda: jit_pressure("victim")),
	("jit_pcache0", jit_nopcache),
	("reserve", reserve),
	("madv", madv),
	("own_local", own_local),
	("own_loopback", own_loopback),
]
