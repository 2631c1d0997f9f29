# SPDX-License-Identifier: GPL-2.0
"""The ring-3 system call fuzzer (issue 16 part 7): tests/user/sysfuzz.c on
a processor node.

sysfuzz makes CALLS random system calls (numbers and arguments from a
seeded generator: valid and unmapped pointers, kernel addresses, huge and
small values, its own fds); see the comment at the top of sysfuzz.c for
what it keeps out (calls that would end or block the fuzzer itself, or
harm the host when run natively).  It is not compared with a native run:
results differ between kernels by design, and natively as root it could
touch the host.

Each scenario boots once and runs the seeds one after the other, then
tests/user/hello.  It passes when:

  - every sysfuzz run ends (the boot does not time out) with status 0
    and its "done" line, or dies by a signal (status 129..159): a signal
    the fuzzer brought on itself is accepted, the kernel surviving it is
    what is tested;
  - no node's console shows an oops, a BUG, a panic, a general
    protection fault or a WARNING;
  - hello runs to its end afterwards (the node still runs programs).

  sysfuzz_local        SEEDS x CALLS calls, `tessera run --local`, two CPUs
  sysfuzz_three        THREE_SEEDS on three nodes (memory calls go to the
                       memory node, file calls to the storage node)

A seed that broke the kernel stays in SEEDS or THREE_SEEDS with its fix
(Documentation/reliability.md has the runs and what they found).
"""

import os
import re
import subprocess

import clusterlib
from clusterlib import check, kernel_image
import test_user

ROOT = clusterlib.ROOT
TIMEOUT = 900
SEEDS = tuple(range(1, 9))
CALLS = 20000
# 401: the seed that ran when a node was declared dead for silence in a
# loaded campaign (Documentation/reliability.md; not reproduced since).
THREE_SEEDS = (7, 401)
EXIT_RE = re.compile(r"tessera: program exit run=(\d+) pid=\d+ status=(\d+)")
BAD_RE = re.compile(clusterlib.OOPS_RE.pattern +
		    r"|WARNING|general protection|Kernel panic|panic:")


def _boot(name, runs, local=True, smp=None):
	"""Run each argv of @runs in one boot: (launcher status, stdout,
	{node name: serial log})."""
	run_dir = os.path.join(clusterlib.runs_dir(), name)
	cmd = [os.path.join(ROOT, "tools", "tessera"), "run",
	       "--run-dir", run_dir, "--kernel-image", kernel_image(),
	       "--timeout", str(TIMEOUT)]
	if local:
		cmd.append("--local")
	if smp:
		cmd += ["--smp", str(smp)]
	for e in test_user.ENV:
		cmd += ["--env", e]
	for argv in runs[1:]:
		cmd += ["--also", " ".join(argv)]
	cmd += ["--"] + runs[0]
	with clusterlib.qemu_slots(1 if local else 3):
		res = subprocess.run(cmd, stdin=subprocess.DEVNULL,
				     stdout=subprocess.PIPE,
				     stderr=subprocess.PIPE,
				     timeout=TIMEOUT + 120)
	logs = {}
	if local:
		names = {"processor": os.path.join(run_dir, "serial.log")}
	else:
		names = {d: os.path.join(run_dir, d, "serial.log")
			 for d in ("processor0", "memory1", "storage2")}
	for node, path in names.items():
		with open(path, errors="replace") as f:
			logs[node] = f.read()
	return res.returncode, res.stdout.decode(errors="replace"), logs


def _fuzz(name, seeds, calls, local=True, smp=None):
	prog, hello = test_user.program("sysfuzz"), test_user.program("hello")
	runs = [[prog, str(s), str(calls)] for s in seeds]
	runs.append([hello, "after-fuzz"])
	code, out, logs = _boot(name, runs, local, smp)
	where = f"{name}: logs in runs/.../{name}/"
	for node, log in logs.items():
		m = BAD_RE.search(log)
		check(not m, f"{where}: {node} console: "
		      f"{log[max(0, m.start() - 300):m.end() + 1500] if m else ''}")
	exits = {int(r): int(s) for r, s in EXIT_RE.findall(logs[
		"processor" if local else "processor0"])}
	for i, seed in enumerate(seeds):
		check(i in exits, f"{where}: sysfuzz seed {seed} (run {i}) "
		      f"never ended (launcher status {code})")
		status = exits[i]
		done = re.search(rf"^sysfuzz: seed {seed} done {calls} calls",
				 out, re.M)
		if status == 0:
			check(done, f"{where}: seed {seed} status 0 without its "
			      "done line")
		else:
			check(128 < status < 160,
			      f"{where}: seed {seed} ended with status {status}")
	check(exits.get(len(seeds)) == 3 and "argv[1]=after-fuzz" in out,
	      f"{where}: hello after the fuzzer did not run to its end "
	      f"(exits {exits})")


def sysfuzz_local():
	_fuzz("sysfuzz-local", SEEDS, CALLS, smp=2)


def sysfuzz_three():
	_fuzz("sysfuzz-three", THREE_SEEDS, CALLS, local=False)


SCENARIOS = [
	("sysfuzz_local", sysfuzz_local),
	("sysfuzz_three", sysfuzz_three),
]
