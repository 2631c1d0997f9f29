# SPDX-License-Identifier: GPL-2.0
"""One memory path (issue 11 part 1): local mode (`tessera run --local`,
processor.memory_node=local) runs the memory node's own service in the
processor, reached through the P2M protocol in-process (a FIT call to the
node's own id with no loopback QP runs the handler in the faulting
thread), and with a disk the storage service too (P2S,
processor.storage_node=self).

  local_misses_through_p2m  pcache_pattern (2x a 256 KiB pcache) equal to
                            native; every pcache miss and write-back was a
                            P2M call: the in-process FIT counter of the
                            node's own id is at least misses + plain
                            write-backs + 3 a run (execve, brk, exit),
                            the memory service freed every
                            page at exit, no NIC and no loopback QP
  local_pcache0             the same program with pcache=0: private pages
                            filled from P2M misses, written back when an
                            mprotect must keep them (memcheck does), equal
                            to native
  local_rootfs_files        tests/user/files on one VM with
                            `--local --rootfs TREE`: the storage service
                            runs in the processor and serves the program
                            and its files in-process; output byte-identical
                            to the native run (test_files.py's tree)
"""

import re

import clusterlib
from clusterlib import check
import test_files
import test_user

INPROC_RE = re.compile(r"fit: peer (\d+) in-process: calls (\d+) sends "
		       r"(\d+) tx (\d+) B rx (\d+) B")
STATS_RE = re.compile(r"pcache: stats (.*)")
EXIT_RE = re.compile(r"memnode: exit node \d+ pid \d+: procs (\d+) "
		     r"pages (\d+)")


def _local(name, argv, extra=(), also=()):
	"""tessera run --local @extra -- @argv: (status, stdout, stderr without
	the launcher's notes, serial log)."""
	code, out, err, log = test_user.tessera_run(
		name, argv, also=[" ".join(a) for a in also], extra=extra)
	return code, out, test_user._launcher_notes(err), log


def _same(where, runs, got, log):
	want = [test_user.native(r) for r in runs]
	code, out, err = got
	check(not re.search(clusterlib.OOPS_RE, log), f"{where}: kernel oops")
	check(out == b"".join(w[1] for w in want),
	      f"{where}: stdout differs from native")
	check(err == b"".join(w[2] for w in want),
	      f"{where}: stderr differs: {err!r}")
	check(code == want[-1][0], f"{where}: status {code}, native "
	      f"{want[-1][0]}")


def _inproc(log, where):
	"""The in-process counters of the node's own id, checked present."""
	m = INPROC_RE.search(log)
	check(m, f"{where}: no in-process FIT counters in the log")
	return int(m.group(2))


def _in_process_only(log, where):
	check("process memory: this node's memory service, in-process" in log,
	      f"{where}: local mode did not pick the in-process service")
	check("fit: no rxe0" in log, f"{where}: local mode booted a NIC")
	check(not re.search(r"fit: peer \d+ (up|down):", log),
	      f"{where}: a FIT connection carried calls in local mode")


def local_misses_through_p2m():
	prog = test_user.program("pcache_pattern")
	runs = [[prog, "seq", "512K", "1"], [prog, "random", "512K", "2"]]
	code, out, err, log = _local("onepath-pattern", runs[0],
				     extra=["--pcache", "256K", "--stats",
					    "--smp", "2"],
				     also=runs[1:])
	where = "pcache_pattern (local, 256 KiB pcache)"
	_same(where, runs, (code, out, err), log)
	_in_process_only(log, where)
	stats = [dict(kv.split("=", 1) for kv in m.group(1).split())
		 for m in STATS_RE.finditer(log)]
	check(len(stats) == len(runs), f"{where}: {len(stats)} stats lines")
	# Counters are cumulative: the last line covers both runs.
	s = stats[-1]
	misses = int(s["misses"])
	# "flushes" counts the piggybacked write-backs too.
	flushes = int(s["flushes"]) - int(s["piggybacks"])
	check(misses >= 256 and int(s["evictions"]) > 0,
	      f"{where}: too few misses for a 512 KiB region: {s}")
	calls = _inproc(log, where)
	# Each miss (a piggybacked write-back rides on it) and each plain
	# write-back is one P2M call; each run adds an execve, a brk and an
	# exit at least.
	want = misses + flushes + 3 * len(runs)
	check(calls >= want, f"{where}: {calls} in-process calls, want at "
	      f"least {want} (misses {misses}, plain flushes {flushes})")
	exits = EXIT_RE.findall(log)
	check(len(exits) == len(runs) and
	      all(p == "0" and n == "0" for p, n in exits),
	      f"{where}: the memory service kept pages: {exits}")


def local_pcache0():
	prog = test_user.program("memcheck")
	code, out, err, log = _local("onepath-pcache0", [prog],
				     extra=["--append", "pcache=0"])
	where = "memcheck (local, pcache=0)"
	_same(where, [[prog]], (code, out, err), log)
	_in_process_only(log, where)
	check("pcache: off" in log, f"{where}: the pcache is not off")
	check(_inproc(log, where) > 50, f"{where}: too few P2M calls")
	check("pcache=0: write-back" not in log,
	      f"{where}: a write-back failed")


def local_rootfs_files():
	prog = test_user.program("files")
	root, data = test_files._tree()
	code, out, err = test_user.native([prog, root])
	text = out.decode(errors="replace")
	check(code == 0 and re.search(r"^0 failures$", text, re.M),
	      f"files failed natively (status {code}):\n{text}{err!r}")
	got = _local("onepath-files", [prog, "/", "--readonly"],
		     extra=["--rootfs", root, "--read-only"])
	gcode, gout, gerr, log = got
	where = "files (local, --rootfs): logs in runs/.../onepath-files/"
	check(not re.search(clusterlib.OOPS_RE, log), f"{where}: kernel oops")
	check(gout == out, f"{where}: stdout differs\n--- native\n{text}\n"
	      f"--- tessera\n{gout.decode(errors='replace')}")
	check(gerr == err, f"{where}: stderr differs: native {err!r}, "
	      f"tessera {gerr!r}")
	check(gcode == code, f"{where}: status {gcode}, native {code}")
	_in_process_only(log, where)
	check("files: this node's storage service" in log,
	      f"{where}: the processor did not serve its own files")
	check(re.search(r"storage: serving ext4 from", log),
	      f"{where}: the storage service mounted nothing")
	# The 10 MiB file alone is 80 P2S reads (128 KiB each).
	check(_inproc(log, where) >= 80, f"{where}: too few in-process calls")


# About 1.5 min: started first (run-tests).
SLOW = {"local_misses_through_p2m"}

SCENARIOS = [
	("local_misses_through_p2m", local_misses_through_p2m),
	("local_pcache0", local_pcache0),
	("local_rootfs_files", local_rootfs_files),
]
