# SPDX-License-Identifier: GPL-2.0
"""munmap, madvise, mprotect and exit racing with pcache eviction.

tests/user/pcache_race runs two threads streaming a pattern over several
times the pcache (so every set is being evicted all the time) while two
others map, fill, check, MADV_DONTNEED, mprotect and unmap small regions
in a loop; every byte is checked and each thread's count of wrong bytes
is printed.  Then it exits while four threads are still dirtying pages.
The output must equal the native run's, the status must be 0, the next
program must run on the same node, no allocation may happen on the miss
path (pcache.check_alloc=1), and with a memory node every page must be
freed after each program.  Local mode runs each eviction mechanism; the
three-node run takes the remote path (P2M_* over FIT)."""

import re

import clusterlib
from clusterlib import check
import test_pcache
import test_remote
import test_user

PCACHE = "pcache=1M pcache.ways=4 pcache.check_alloc=1"


def _check_common(where, code, out, want, log):
	check(not re.search(clusterlib.OOPS_RE, log), f"{where}: kernel oops")
	check(out.startswith(want),
	      f"{where}: output differs from native\n--- native\n"
	      f"{want.decode(errors='replace')}--- tessera\n"
	      f"{out.decode(errors='replace')}")
	check(code == 0, f"{where}: exit status {code}")
	check(re.search(r"program exit run=1 pid=\d+ status=3", log),
	      f"{where}: the program after the race did not run")
	check(b"argv[1]=after" in out, f"{where}: no output from the next "
	      f"program")


def local(mechanism):
	race = [test_user.program("pcache_race"), "4M", "20"]
	hello = [test_user.program("hello"), "after"]
	want = test_user.native(race)
	check(want[0] == 0 and b"race: 0 bad bytes" in want[1],
	      f"native pcache_race failed: {want}")
	code, out, err, log = test_pcache.run(
		f"pcache-race-{mechanism}", [race, hello],
		f"{PCACHE} pcache.mechanism={mechanism}", smp=2)
	where = f"pcache race ({mechanism}, local)"
	_check_common(where, code, out, want[1], log)
	stats = test_pcache.stats_of(err.decode(errors="replace"))
	check(stats and int(stats[0]["evictions"]) > 0,
	      f"{where}: no evictions: {stats[:1]}")
	check(stats and all(s["alloc_errors"] == "0" for s in stats),
	      f"{where}: allocations on the miss path: {stats}")


def remote():
	race = [test_user.program("pcache_race"), "2M", "4"]
	hello = [test_user.program("hello"), "after"]
	want = test_user.native(race)
	code, out, err, plog, mlog = test_remote.run(
		"pcache-race-three", [race, hello], "three", smp=2)
	where = "pcache race (three nodes)"
	_check_common(where, code, out, want[1], plog + mlog)
	test_remote.check_freed(mlog, 2, where)


SCENARIOS = [
	("pcache_race_perset", lambda: local("perset")),
	("pcache_race_victim", lambda: local("victim")),
	("pcache_race_three_nodes", remote),
]
