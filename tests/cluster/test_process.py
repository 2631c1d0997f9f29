# SPDX-License-Identifier: GPL-2.0
"""Processes (issue 13): fork, wait, process groups, copy-on-write,
signals between processes, shells and python3 that start programs.

Every scenario runs its command natively first (the programs of
tests/user/ directly, the Debian root's ones in a chroot of a scratch
copy, tests/scripts/proc/ in /tessera-tests there), where it must pass,
then on Tessera with the same argv and environment: stdout, stderr and
every status must be identical, no oops.

  sig_local        tests/user/proc_sig.c's checks that need no fork
                   (kill/tgkill/rt_sigqueueinfo ESRCH and EINVAL rules),
                   local mode
  sig_small_altstack  a signal frame that does not fit its sigaltstack:
                   SIGSEGV (139) as natively, the node runs the next
                   program
  -- the rest needs fork; see tessera_has_fork() below --
  wait             proc_wait.c: wait4/waitpid/waitid, WNOHANG, ECHILD,
                   exit statuses, WIFSIGNALED/WTERMSIG, zombies, getppid
                   and orphans, setpgid/getpgid/setsid/getsid (local, 2
                   CPUs)
  sig_fork         proc_sig.c fork: SIGCHLD, ymm registers across a
                   child's signals, nesting, sigaltstack/mask/pending
                   across fork, siglongjmp from SIGSEGV, EINTR vs
                   SA_RESTART, SIGCHLD ignored, kill(0) and kill(-pgid)
                   (local, 1 CPU)
  cow              proc_cow.c: 6 MiB, 4 children, every byte checked by
                   everyone, under a 2 MiB pcache (a third), three nodes;
                   the memory node frees every page
  forkloop         proc_forkloop.c: 10, 1000, 10 fork-exit-wait cycles on
                   three nodes; the memory node holds no page and no
                   process after the last, the processor's free pages
                   after the third run are back to the first's
  bomb             proc_bomb.c: a fork bomb under RLIMIT_NPROC 16 gets
                   EAGAIN and stops; the next program runs (local)
  shell            busybox sh scripts (tests/scripts/proc/*.sh) and dash
                   (`/bin/sh -c 'CMD | CMD'`, the shell's status) of the
                   Debian root, three nodes (`tessera run --rootfs`)
  python           python3 subprocess.run, os.fork/os.waitpid, os.pipe
                   (tests/scripts/proc/subproc.py), `--local --rootfs`

Fork is not there yet: tessera_has_fork() runs tests/user/proc_probe on
Tessera once per test process, and the scenarios that need fork SKIP
with "fork not implemented" (tests/expected-skips) only when the probe's
fork returned ENOSYS; any other probe result runs them.  Their native
halves run first either way.  TESSERA_FORCE_FORK_TESTS=1 in the
environment runs them even then (they fail today, "fork failed").

Run time on Tessera: about 10 s today (the probe and the two signal
scenarios, plus copying the root); once fork exists, a few minutes
(two three-node boots of the Debian root, one of 1020 forks).

  python3 tools/run-tests --build-dir build --layer cluster --only 'process/*'
"""

import os
import re
import shutil
import threading

import clusterlib
from clusterlib import Skip, check
import test_memsys
import test_python
import test_remote
import test_rootfs
import test_user

ROOT = clusterlib.ROOT
SCRIPTS = os.path.join(ROOT, "tests", "scripts", "proc")
IN_ROOT = test_python.IN_ROOT
BUSYBOX = "/bin/busybox"
FORK_REASON = "fork not implemented"
ENOSYS_STATUS = 38
SLACK_PAGES = 16
COW_PCACHE = "pcache=2M pcache.ways=8"
COW_MIB = 6		# three times COW_PCACHE
MEMNODE_EXIT_RE = re.compile(r"memnode: exit node \d+ pid \d+: procs (\d+) "
			     r"pages (\d+)")
DASH = [
	["/bin/sh", "-c", "seq 1 20 | sort -rn | head -n 3"],
	["/bin/sh", "-c", "echo abc | tr a-c x-z; exit 7"],
	["/bin/sh", "-c", "grep -c . /etc/shells | tr 0-9 a-j; "
			  "ls /nonexistent | wc -l"],
	["/bin/sh", "-c", "false | true && echo \"$(echo sub | cat)\""],
]

_probe = {"lock": threading.Lock(), "has_fork": None, "out": None}


def tessera_has_fork():
	"""False only if tests/user/proc_probe's fork got ENOSYS on Tessera
	(status 38, "fork failed: Function not implemented"); True for a
	working fork and for any other failure, so that a broken fork
	fails the scenarios instead of skipping them."""
	with _probe["lock"]:
		if _probe["has_fork"] is None:
			code, out, _, _ = test_user.tessera_run(
				"process-probe", [test_user.program("proc_probe")])
			_probe["out"] = out
			_probe["has_fork"] = not (
				code == ENOSYS_STATUS and
				b"fork failed: Function not implemented" in out)
		return _probe["has_fork"]


def _gate():
	"""Skip the calling scenario when Tessera has no fork yet."""
	if os.environ.get("TESSERA_FORCE_FORK_TESTS") == "1":
		return
	if not tessera_has_fork():
		raise Skip(f"{FORK_REASON} (proc_probe: "
			   f"{_probe['out'].decode(errors='replace').strip()})")


def _native_ok(argv, what):
	"""Run tests/user @argv natively: it must exit 0."""
	want = test_user.native(argv)
	check(want[0] == 0, f"{what} fails natively (status {want[0]}):\n"
	      f"{want[1].decode(errors='replace')}{want[2]!r}")
	return want


def _compare_local(name, args, smp=None, needs_fork=True):
	"""tests/user/@name @args: passes natively, then (gated if it
	@needs_fork) the same on Tessera in local mode."""
	_native_ok([test_user.program(name)] + list(args), name)
	if needs_fork:
		_gate()
	want, _ = test_user.compare_native(name, f"process-{name}-"
					   f"{'-'.join(args) or 'all'}", args,
					   smp=smp)
	text = want[1].decode(errors="replace")
	check(re.search(r"^0 checks failed$", text, re.M), f"{name}: {text}")


def sig_local():
	_compare_local("proc_sig", ["local"], needs_fork=False)


def sig_small_altstack():
	prog, hello = test_user.program("proc_sig"), test_user.program("hello")
	want = test_user.native([prog, "small-altstack"])
	check(want[0] == 139 and want[1] == b"dying: small-altstack\n",
	      f"proc_sig small-altstack natively: status {want[0]}, "
	      f"{want[1]!r}")
	code, out, err, log = test_user.tessera_run(
		"process-small-altstack", [prog, "small-altstack"],
		also=[f"{hello} after"])
	where = "small-altstack: logs in runs/.../process-small-altstack/"
	check(not re.search(clusterlib.OOPS_RE, log), f"{where}: kernel oops")
	check(code == 139, f"{where}: status {code}, native 139")
	check(out.startswith(want[1]) and b"still alive" not in out,
	      f"{where}: stdout {out!r}")
	check(re.search(r"no frame for signal 10 .*killed by SIGSEGV", log),
	      f"{where}: no 'no frame for signal 10' line")
	check(b"argv[1]=after" in out and
	      re.search(r"program exit run=1 pid=\d+ status=3", log),
	      f"{where}: the program after it did not run")


def wait():
	_compare_local("proc_wait", [], smp=2)


def job():
	"""proc_job.c: stop and continue (waits, SIGCHLD codes, a restarted
	read), WNOWAIT, another process's /proc/<pid> (state, PPid, cmdline,
	fd, a zombie listed and gone once reaped)."""
	_compare_local("proc_job", [], smp=2)


def sig_fork():
	_compare_local("proc_sig", ["fork"])


def _exits_clean(mlog, where):
	"""The memory node's last exit line: no process, no page left."""
	exits = MEMNODE_EXIT_RE.findall(mlog)
	check(exits, f"{where}: no memnode exit line")
	check(exits[-1] == ("0", "0"), f"{where}: the memory node holds procs "
	      f"{exits[-1][0]} pages {exits[-1][1]} after the last exit")


def _three_nodes(name, runs, append=""):
	"""Native runs (all must exit 0), then (gate) the same runs in one
	three-node boot: identical stdout, stderr and statuses
	(test_memsys.check_same), every page freed on the memory node."""
	test_memsys.native_all(runs)
	_gate()
	code, out, err, plog, mlog = test_remote.run(f"process-{name}", runs,
						     "three", append=append)
	where = f"{name}: logs in runs/.../process-{name}/"
	failed = re.search(rb"^fork failed: .*$", out, re.M)
	check(not failed, f"{where}: {failed and failed.group(0).decode()}")
	test_memsys.check_same(where, runs, (code, out, err), plog + mlog)
	_exits_clean(mlog, where)
	return plog, mlog


def cow():
	# Three times the pcache (most lines evicted at the fork), then half
	# of it: every line resident, kept read-only across the fork.
	prog = test_user.program("proc_cow")
	plog, _ = _three_nodes("cow", [[prog, str(COW_MIB), "4"],
				       [prog, "1", "4"]], COW_PCACHE)
	check("pcache: 2048 KiB" in plog, "cow: not a 2 MiB pcache")


def forkloop():
	prog = test_user.program("proc_forkloop")
	runs = [[prog, "10"], [prog, "1000"], [prog, "10"]]
	plog, _ = _three_nodes("forkloop", runs)
	free = []
	for n in range(len(runs)):
		m = re.search(rf"program exit run={n} pid=(\d+)", plog)
		r = m and re.search(rf"processor: reaped pid {m.group(1)}: "
				    rf"free_pages (\d+)", plog)
		check(r, f"forkloop: no reaped line for run {n}")
		free.append(int(r.group(1)))
	check(free[2] >= free[0] - SLACK_PAGES,
	      f"forkloop: free pages after run 2 {free[2]}, after run 0 "
	      f"{free[0]}: more than {SLACK_PAGES} pages kept by 1000 forks")


def bomb():
	prog, hello = test_user.program("proc_bomb"), test_user.program("hello")
	want = _native_ok([prog, "16"], "proc_bomb 16")
	_gate()
	code, out, err, log = test_user.tessera_run(
		"process-bomb", [prog, "16"], also=[f"{hello} after"])
	where = "bomb: logs in runs/.../process-bomb/"
	check(not re.search(clusterlib.OOPS_RE, log), f"{where}: kernel oops")
	check(out.startswith(want[1]), f"{where}: stdout\n--- native\n"
	      f"{want[1].decode()}--- tessera\n{out.decode(errors='replace')}")
	check(code == 0, f"{where}: status {code}, native 0")
	check(b"argv[1]=after" in out and
	      re.search(r"program exit run=1 pid=\d+ status=3", log),
	      f"{where}: the program after the bomb did not run")


def _scratch_root():
	"""test_python's copy of the Debian root, plus tests/scripts/proc/*
	in IN_ROOT: (temporary directory, root); the caller removes it."""
	tmp, copy = test_python._scratch_root()
	for name in sorted(os.listdir(SCRIPTS)):
		shutil.copy(os.path.join(SCRIPTS, name), copy + IN_ROOT)
	return tmp, copy


def _rootfs_same(name, runs, want_statuses, last_line, local=False):
	"""@runs natively in a chroot (statuses @want_statuses, stdout ending
	in @last_line), then (gate) on Tessera from --rootfs: identical."""
	tmp, root = _scratch_root()
	try:
		out, err = b"", b""
		for i, argv in enumerate(runs):
			code, o, e = clusterlib.native_chroot(root, argv)
			check(code == want_statuses[i],
			      f"{name}: {argv} natively: status {code}, want "
			      f"{want_statuses[i]}\n{o!r}\n{e!r}")
			out += o
			err += e
		check(out.endswith(last_line), f"{name}: native output ends "
		      f"{out[-200:]!r}")
		_gate()
		test_rootfs._same_as_native(f"process-{name}", root, runs,
					    local=local)
	finally:
		shutil.rmtree(tmp, ignore_errors=True)


def shell():
	runs = [[BUSYBOX, "sh", f"{IN_ROOT}/pipes.sh"],
		[BUSYBOX, "sh", f"{IN_ROOT}/traps.sh"]] + DASH
	_rootfs_same("shell", runs, [0, 3, 0, 7, 0, 0], b"sub\n")


def python():
	_rootfs_same("python", [["/usr/bin/python3", f"{IN_ROOT}/subproc.py"]],
		     [0], b"done\n", local=True)


SCENARIOS = [
	("sig_local", sig_local),
	("sig_small_altstack", sig_small_altstack),
	("wait", wait),
	("job", job),
	("sig_fork", sig_fork),
	("cow", cow),
	("forkloop", forkloop),
	("bomb", bomb),
	("shell", shell),
	("python", python),
]
