# SPDX-License-Identifier: GPL-2.0
"""The program's standard descriptors are what the launcher's are (issue 12,
part 2's last sentence; processor.stdout= and processor.stderr=).

tests/user/stdkind.c reports, on stderr, the file type and device of fds
0-2 and of /dev/stdout and /dev/stderr opened anew, what /proc/self/fd/N
names, ioctl(TCGETS) and fsync.  It runs natively and with `tessera run
--local`, the launcher's stdout the same kind of file as the native
run's; stdout, stderr and the exit status must be identical.

  stdout_pipe      stdout a pipe (a FIFO "pipe:[", TCGETS -ENOTTY)
  stdout_devnull   stdout /dev/null: the launcher says processor.stdout=chr,
                   the program sees a character device 1:3 named /dev/null
"""

import os
import re
import subprocess

import clusterlib
from clusterlib import check
import test_user

TIMEOUT = 120


def _run(argv, stdout):
	"""(status, stdout bytes or b"", stderr bytes) of @argv with stdin
	/dev/null, stderr a pipe and @stdout (subprocess.PIPE or DEVNULL)."""
	res = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=stdout,
			     stderr=subprocess.PIPE, timeout=TIMEOUT + 60,
			     env=dict(e.split("=", 1) for e in test_user.ENV))
	code = res.returncode if res.returncode >= 0 else 128 - res.returncode
	return code, res.stdout or b"", res.stderr


def _same(name, stdout):
	prog = test_user.program("stdkind")
	want = _run([prog], stdout)
	check(want[0] == 0, f"native stdkind failed: {want!r}")
	run_dir = os.path.join(clusterlib.runs_dir(), f"stdio-{name}")
	cmd = [os.path.join(clusterlib.ROOT, "tools", "tessera"), "run",
	       "--local", "--run-dir", run_dir,
	       "--kernel-image", clusterlib.kernel_image(),
	       "--timeout", str(TIMEOUT)]
	for e in test_user.ENV:
		cmd += ["--env", e]
	cmd += ["--", prog]
	with clusterlib.qemu_slots(1):
		got = _run(cmd, stdout)
	with open(os.path.join(run_dir, "serial.log"), errors="replace") as f:
		log = f.read()
	where = f"stdkind ({name}): serial log in runs/.../stdio-{name}/"
	check(re.search(r"tessera: program exit run=0", log),
	      f"{where}: no program exit marker")
	check(not re.search(clusterlib.OOPS_RE, log), f"{where}: kernel oops")
	err = test_user._launcher_notes(got[2])
	check(err == want[2],
	      f"{where}: stderr differs\n--- native\n{want[2].decode()}"
	      f"--- tessera\n{err.decode()}")
	check(got[1] == want[1],
	      f"{where}: stdout differs: native {want[1]!r}, "
	      f"tessera {got[1]!r}")
	check(got[0] == want[0],
	      f"{where}: exit status {got[0]}, native {want[0]}")
	return log


def stdout_pipe():
	log = _same("pipe", subprocess.PIPE)
	check("stdout on COM2 (a pipe)" in log,
	      "the processor did not log its stdout as a pipe")


def stdout_devnull():
	log = _same("devnull", subprocess.DEVNULL)
	check("stdout on COM2 (a chr)" in log,
	      "the launcher did not pass processor.stdout=chr")


SCENARIOS = [
	("stdout_pipe", stdout_pipe),
	("stdout_devnull", stdout_devnull),
]
