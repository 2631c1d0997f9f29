# SPDX-License-Identifier: GPL-2.0
"""The vDSO (managers/processor/vdso.c, arch/x86/vdso/).

tests/user/vdso.c, run natively and on Tessera, checks what a program
sees of the vDSO (AT_SYSINFO_EHDR, the ELF image and its LINUX_2.6
symbols, [vvar]/[vdso] in /proc/self/maps, clocks that interleave with
the syscalls' without going backwards, the fallbacks, getcpu on every
allowed CPU) and then calls glibc's clock_gettime LOOPS times.  Each
Tessera run boots with processor.profile=1, whose per-run syscall count
says how often the processor was entered:

  vdso_three_nodes   processor0, memory1, storage2: stdout, stderr and
                     status equal to the native run's; clock_gettime
                     entered the kernel only for the program's own
                     explicit syscalls (4 x 2000 + 3), not for the loop
  vdso_local         the same on one node (--local, in-process services)
  vdso_off           --local with processor.vdso=0: the program finds no
                     AT_SYSINFO_EHDR and every one of the LOOPS calls is
                     a clock_gettime syscall (the count above is
                     meaningful), and no [vdso] line in its maps
"""

import os
import re
import subprocess

import clusterlib
from clusterlib import check, kernel_image
import test_user

ROOT = clusterlib.ROOT
TIMEOUT = 300
LOOPS = 20000
# vdso.c's own clock_gettime syscalls: 4 x 2000 interleaved, and the
# vDSO's fallbacks for CLOCK_PROCESS_CPUTIME_ID and clock 99 plus the
# explicit one for clock 99.
EXPLICIT = 4 * 2000 + 3

SYSCALL_RE = re.compile(r"profile: run=0 syscall rank=\d+ name=clock_gettime "
			r"nr=228 count=(\d+)")
TOTAL_RE = re.compile(r"profile: run=0 syscalls count=(\d+)")


def _run(name, argv, local, append):
	run_dir = os.path.join(clusterlib.runs_dir(), name)
	cmd = [os.path.join(ROOT, "tools", "tessera"), "run", "--run-dir",
	       run_dir, "--kernel-image", kernel_image(), "--timeout",
	       str(TIMEOUT), "--append", append]
	if local:
		cmd.append("--local")
	for e in test_user.ENV:
		cmd += ["--env", e]
	cmd += ["--"] + argv
	with clusterlib.qemu_slots(1 if local else 3):
		res = subprocess.run(cmd, stdin=subprocess.DEVNULL,
				     stdout=subprocess.PIPE,
				     stderr=subprocess.PIPE,
				     timeout=TIMEOUT + 120)
	log_path = os.path.join(run_dir, "serial.log" if local else
				os.path.join("processor0", "serial.log"))
	with open(log_path, errors="replace") as f:
		log = f.read()
	return res.returncode, res.stdout, res.stderr, log


def _clock_syscalls(where, log):
	"""clock_gettime syscalls of run 0 (0 if not among those listed)."""
	total = TOTAL_RE.search(log)
	check(total, f"{where}: no profile syscall total")
	m = SYSCALL_RE.search(log)
	return int(m.group(1)) if m else 0, int(total.group(1))


def _against_native(name, local):
	argv = [test_user.program("vdso"), str(LOOPS)]
	want = test_user.native(argv)
	code, out, err, log = _run(name, argv, local, "processor.profile=1")
	where = f"{name}: logs in runs/.../{name}/"
	check(not re.search(clusterlib.OOPS_RE, log), f"{where}: kernel oops")
	check(b"auxv: vdso present" in want[1],
	      f"{where}: the native run found no vDSO:\n{want[1]!r}")
	check(out == want[1],
	      f"{where}: stdout differs\n--- native\n"
	      f"{want[1].decode(errors='replace')}\n--- tessera\n"
	      f"{out.decode(errors='replace')}")
	check(test_user._launcher_notes(err) == want[2],
	      f"{where}: stderr differs: {test_user._launcher_notes(err)!r}")
	check(code == want[0] == 0, f"{where}: status {code}, native {want[0]}")
	calls, total = _clock_syscalls(where, log)
	check(calls <= EXPLICIT and total < LOOPS,
	      f"{where}: {calls} clock_gettime syscalls ({total} in all) for "
	      f"{EXPLICIT} explicit ones and {LOOPS} through glibc: the "
	      f"loop did not use the vDSO")


def vdso_three_nodes():
	_against_native("vdso-3n", local=False)


def vdso_local():
	_against_native("vdso-local", local=True)


def vdso_off():
	argv = [test_user.program("vdso"), str(LOOPS)]
	name = "vdso-off"
	code, out, err, log = _run(name, argv, True,
				   "processor.profile=1 processor.vdso=0")
	where = f"{name}: logs in runs/.../{name}/"
	check(not re.search(clusterlib.OOPS_RE, log), f"{where}: kernel oops")
	check(code == 0 and out.splitlines() ==
	      [b"auxv: no vdso", b"maps: no [vdso] line: ok",
	       f"loop {LOOPS}: done".encode()],
	      f"{where}: status {code}, stdout {out!r}")
	calls, _ = _clock_syscalls(where, log)
	check(calls >= LOOPS,
	      f"{where}: {calls} clock_gettime syscalls for {LOOPS} calls "
	      f"without a vDSO")


SCENARIOS = [
	("vdso_three_nodes", vdso_three_nodes),
	("vdso_local", vdso_local),
	("vdso_off", vdso_off),
]
