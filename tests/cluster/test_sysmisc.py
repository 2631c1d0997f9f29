# SPDX-License-Identifier: GPL-2.0
"""The small system calls of rungs d-f (issue 11 part 5).

tests/user/sysmisc.c calls sysinfo, umask, prctl, sched_{get,set}affinity,
getcpu, sched_getscheduler/getparam, getrlimit/setrlimit/prlimit64 (and
dup past RLIMIT_NOFILE), getrusage, times, clock_getres, the CPU-time
clocks and statx, with their error cases, and prints only what is the
same on every Linux machine (values that differ are printed as checks).
It runs natively (umask 022, the Tessera default) and on Tessera with the
same argv and environment; stdout, stderr and the exit status must be
identical, and the native run must pass every one of its own checks.

  local_smp2           tessera run --local --smp 2 (pinning moves a thread)
  local_smp1           the same on one CPU
  three_nodes_statx    1P1M1S with a rootfs: statx of a file, a directory
                       and a symlink (with and without NOFOLLOW) must agree
                       with newfstatat, the same as natively in that tree
"""

import os
import re
import subprocess
import threading

import clusterlib
from clusterlib import check
import test_files
import test_user

TIMEOUT = 240
STATX_PATHS = ["data/file", "data", "data/link"]


def native(argv, cwd=None):
	"""test_user.native() with umask 022 and a working directory."""
	res = subprocess.run(argv, env=dict(e.split("=", 1)
					    for e in test_user.ENV),
			     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
			     stderr=subprocess.PIPE, timeout=60, cwd=cwd,
			     preexec_fn=lambda: os.umask(0o022))
	code = res.returncode if res.returncode >= 0 else 128 - res.returncode
	return code, res.stdout, res.stderr


def _native_passes(want):
	code, out, err = want
	text = out.decode(errors="replace")
	check(code == 0 and re.search(r"^0 checks failed$", text, re.M),
	      f"sysmisc fails natively (status {code}):\n{text}{err!r}")


def _same(where, want, got_code, got_out, got_err, log):
	check(not re.search(clusterlib.OOPS_RE, log), f"{where}: kernel oops")
	check(got_out == want[1],
	      f"{where}: stdout differs\n--- native\n"
	      f"{want[1].decode(errors='replace')}\n--- tessera\n"
	      f"{got_out.decode(errors='replace')}")
	check(test_user._launcher_notes(got_err) == want[2],
	      f"{where}: stderr differs: native {want[2]!r}, tessera "
	      f"{test_user._launcher_notes(got_err)!r}")
	check(got_code == want[0],
	      f"{where}: exit status {got_code}, native {want[0]}")
	# An unknown prctl option is logged once, by its number.
	check(log.count("prctl: option 0x7fff1234 not supported") == 1,
	      f"{where}: not one log line for prctl option 0x7fff1234")


def sysmisc_local(smp):
	prog = test_user.program("sysmisc")
	want = native([prog])
	_native_passes(want)
	name = f"sysmisc-local-smp{smp}"
	code, out, err, log = test_user.tessera_run(name, [prog], smp=smp)
	_same(f"{name}: serial log in runs/.../{name}/serial.log", want, code,
	      out, err, log)


_tree_lock = threading.Lock()


def _tree():
	"""A small tree for statx: a file, a directory, a symlink."""
	root = os.path.join(clusterlib.runs_dir(), "sysmisc-tree")
	with _tree_lock:
		if not os.path.exists(root):
			os.makedirs(os.path.join(root, "data"))
			with open(os.path.join(root, "data/file"), "wb") as f:
				f.write(bytes(range(256)) * 21)
			os.symlink("file", os.path.join(root, "data/link"))
			for d in (root, os.path.join(root, "data")):
				os.chmod(d, 0o755)
	return root


def sysmisc_three_nodes_statx():
	prog = test_user.program("sysmisc")
	root = _tree()
	want = native([prog] + STATX_PATHS, cwd=root)
	_native_passes(want)
	text = want[1].decode(errors="replace")
	for kind in ("regular size 5376", "directory", "symlink size 4"):
		check(kind in text, f"native run: no statx line '{kind}'")

	run_dir = os.path.join(clusterlib.runs_dir(), "sysmisc-three-nodes")
	cmd = [os.path.join(clusterlib.ROOT, "tools", "tessera"), "run",
	       "--rootfs", root, "--run-dir", run_dir,
	       "--kernel-image", clusterlib.kernel_image(),
	       "--timeout", str(TIMEOUT)]
	for e in test_user.ENV:
		cmd += ["--env", e]
	cmd += ["--", prog] + STATX_PATHS
	code, out, err, log = test_files._run(cmd, run_dir)
	_same("sysmisc on three nodes: logs in runs/.../sysmisc-three-nodes/",
	      want, code, out, err, log)


SCENARIOS = [
	("local_smp2", lambda: sysmisc_local(2)),
	("local_smp1", lambda: sysmisc_local(1)),
	("three_nodes_statx", sysmisc_three_nodes_statx),
]
