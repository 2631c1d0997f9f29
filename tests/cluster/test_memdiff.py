# SPDX-License-Identifier: GPL-2.0
"""The differential test of the memory system calls (issue 16 part 7):
tests/user/memdiff.c run natively and on Tessera with the same seeds; the
logs must be the same byte for byte.

memdiff makes a seeded sequence of mmap (anonymous, its own file private
or shared read-only; fixed, no-replace, hint; every PROT_*; bad
arguments), munmap, mprotect, madvise, mremap and brk calls on an arena
at a fixed address, with writes and checksummed reads through a probe
that survives SIGSEGV and SIGBUS, and prints every result and, now and
then, the arena's normalised /proc/self/maps, what a read of each page
gives, and checksums of the contents (see the comment at its top).

  memdiff_local   SEEDS in one local boot with a 256 KiB pcache (4 ways),
                  so that lines are evicted and written back under the
                  sequence
  memdiff_pcache0 PCACHE0_SEEDS locally with pcache=0 (the processor's
                  own private pages)
  memdiff_three   THREE_SEEDS (THREE_OPS calls) on three nodes (the
                  memory node owns the vmas and pages) with a 256 KiB
                  pcache

Every run must exit 0 with its "done" line, the concatenated stdout must
equal the native runs', no oops or WARNING on any console.  A difference
is reported with the seed and the first differing lines.  A seed that
found a bug stays in its list with the fix (Documentation/
reliability.md).
"""

import re

import clusterlib
from clusterlib import check
import test_memsys
import test_remote
import test_user

SMALL_PCACHE = "pcache=256K pcache.ways=4 pcache.stats"
OPS = 300
SEEDS = (1, 2, 3, 4)
PCACHE0_SEEDS = (5, 6)
# Each call is a round trip to the memory node: one seed, fewer calls.
THREE_SEEDS = (7,)
THREE_OPS = 200


def _runs(seeds, ops=OPS):
	prog = test_user.program("memdiff")
	return [[prog, str(s), str(ops), "private"] for s in seeds]


def _first_difference(want, got):
	"""The seed and a few lines around the first line that differs."""
	w, g = want.decode(errors="replace").splitlines(), \
		got.decode(errors="replace").splitlines()
	seed = "?"
	for i in range(max(len(w), len(g))):
		a = w[i] if i < len(w) else "<end>"
		b = g[i] if i < len(g) else "<end>"
		m = re.match(r"memdiff seed (\d+) ops", a)
		if m:
			seed = m.group(1)
		if a != b:
			lo = max(0, i - 4)
			ctx = "\n".join(w[lo:i])
			return (f"seed {seed}, line {i + 1}:\n{ctx}\n"
				f"--- native\n{a}\n--- tessera\n{b}")
	return "no line differs (lengths?)"


def _compare(where, runs, code, out, err, log):
	want_code, want_out, want_err = test_memsys.native_all(runs)
	check(not re.search(clusterlib.OOPS_RE, log), f"{where}: kernel oops")
	check(not re.search(r"WARNING", log), f"{where}: a WARNING")
	for n in range(len(runs)):
		check(re.search(rf"program exit run={n} pid=\d+ status=0", log),
		      f"{where}: run {n} ({' '.join(runs[n][1:])}) did not "
		      "exit 0")
	for argv in runs:
		check(re.search(rf"^memdiff seed {argv[1]} done$".encode(), out,
				re.M),
		      f"{where}: seed {argv[1]} has no done line")
	check(out == want_out, f"{where}: the log differs from the native "
	      f"one: {_first_difference(want_out, out)}")
	check(err == want_err, f"{where}: stderr differs: native "
	      f"{want_err!r}, tessera {err!r}")
	check(code == want_code, f"{where}: status {code}, native {want_code}")


def memdiff_local():
	runs = _runs(SEEDS)
	code, out, err, log = test_memsys.run_local("memdiff-local", runs,
						    SMALL_PCACHE)
	where = "memdiff (local, 256 KiB pcache): runs/.../memdiff-local/"
	check("pcache: 256 KiB" in log, f"{where}: not a 256 KiB pcache")
	_compare(where, runs, code, out, err, log)
	stats = test_memsys.stats_of(log)
	check(stats and int(stats[-1]["evictions"]) > 0,
	      f"{where}: no line was evicted: {stats}")


def memdiff_pcache0():
	runs = _runs(PCACHE0_SEEDS)
	code, out, err, log = test_memsys.run_local("memdiff-pcache0", runs,
						    "pcache=0")
	where = "memdiff (local, pcache=0): runs/.../memdiff-pcache0/"
	check("pcache: off" in log, f"{where}: the pcache is not off")
	_compare(where, runs, code, out, err, log)


def memdiff_three():
	runs = _runs(THREE_SEEDS, THREE_OPS)
	code, out, err, plog, mlog = test_remote.run(
		"memdiff-three", runs, "three", append="pcache=256K pcache.ways=4")
	where = "memdiff (three nodes): runs/.../memdiff-three/"
	check("process memory: " in plog, f"{where}: not in remote mode")
	check("pcache: 256 KiB" in plog, f"{where}: not a 256 KiB pcache")
	_compare(where, runs, code, out, err, plog + mlog)
	test_remote.check_freed(mlog, len(runs), where)


SCENARIOS = [
	("memdiff_local", memdiff_local),
	("memdiff_pcache0", memdiff_pcache0),
	("memdiff_three", memdiff_three),
]
