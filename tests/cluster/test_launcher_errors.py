# SPDX-License-Identifier: GPL-2.0
"""Launcher errors and statuses (Documentation/launcher.md, "Exit status").

Every bad option of `tessera boot`, `cluster` and `run` is refused in
under a second (of the launcher's CPU time: wall time on a host busy
with other tests' QEMUs says little) with status 125 (Docker's "the launcher failed", bad usage
included), a message naming the option, and no QEMU started: the QEMU is
tests/cluster/fake-qemu, which records its pid, and the run directory must
hold no qemu.cmd.  `tessera run` refuses a missing PROGRAM with 127 and one
that cannot be executed with 126, also before anything boots.

One real boot (launcher_run_no_timeout): a static program that sleeps 65 s
runs to its end without --timeout (the launcher used to stop `run` after
60 s), its status (3) comes back, the run directory is kept and named,
and a bad kernel parameter given with --append shows on stderr although
the console is not echoed.  And one that times out
(launcher_run_timeout_dump): the same sleeper with --timeout 20 ends with
status 124, and before stopping the VM the launcher typed debug keys t
and f: the serial log holds every thread with its call trace (the
sleeper's passes nanosleep, keyd shows as running), then key f's answer."""

import os
import re
import shutil
import subprocess
import tempfile
import time

import clusterlib
from clusterlib import Skip, check, kernel_image, ROOT, TESSERA

FAKE_QEMU = os.path.join(ROOT, "tests", "cluster", "fake-qemu")
REFUSE_WITHIN = 1.0	# seconds of the launcher's CPU time
SLOW_HOST_WALL = 10.0	# seconds of wall time: catches a boot, not load
DUMP_TIMEOUT = 20	# seconds: the sleeper sleeps 65
EXIT_TIMEOUT = 124	# tools/tessera: a run that timed out

# (command, options, text the message must contain).  "{dir}" is a
# directory, "{file}" a regular file and "{prog}" an executable ELF, all
# made by the test.
BAD_OPTIONS = [
	("boot", ["--mem", "12Q"], "--mem"),
	("boot", ["--mem", "1M"], "--mem"),
	("boot", ["--smp", "0"], "--smp"),
	("boot", ["--smp", "two"], "--smp"),
	("boot", ["--node", "256"], "--node"),
	("boot", ["--node", "-1"], "--node"),
	("boot", ["--timeout", "-5"], "--timeout"),
	("boot", ["--timeout", "soon"], "--timeout"),
	("boot", ["--panic-grace", "-1"], "--panic-grace"),
	("boot", ["--kernel-image", "/nonexistent/tessera.elf"],
	 "--kernel-image"),
	("boot", ["--kernel-image", "{dir}"], "--kernel-image"),
	("boot", ["--disk", "/nonexistent.img"], "--disk"),
	("boot", ["--net", "mcast:10.0.0.1"], "--net"),
	("boot", ["--until", "("], "--until"),
	("boot", ["--until", "x", "--until-ready"], "--until-ready"),
	("boot", ["--iso", "--cmdline", "role=memory"], "--cmdline"),
	("boot", ["--role", "bogus"], "--role"),
	("boot", ["--qemu-arg=-name \"x"], "--qemu-arg"),
	("boot", ["--no-such-option"], "--no-such-option"),
	("boot", ["--run-dir", "{file}"], "--run-dir"),
	("boot", ["--run-dir", "{file}/sub"], "--run-dir"),
	("cluster", ["--nodes", "2Q"], "--nodes"),
	("cluster", ["--nodes", "0P"], "--nodes"),
	("cluster", ["--nodes", "300P"], "--nodes"),
	("cluster", ["--smp", "0"], "--smp"),
	("cluster", ["--mem", "8X"], "--mem"),
	("cluster", ["--timeout", "-1"], "--timeout"),
	("cluster", ["--cmdline", "x"], "--cmdline"),
	("cluster", ["--net", "mcast:230.0.0.1@127.0.0.1"], "--net"),
	("cluster", ["--net", "mcast:230.0.0.1:5000@300.1.1.1"], "--net"),
	("cluster", ["--net", "mcast:230.0.0.1:5000@230.0.0.2"], "--net"),
	("cluster", ["--only-nodes", "1,1"], "--only-nodes"),
	("cluster", ["--only-nodes", "x"], "--only-nodes"),
	("cluster", ["--only-nodes", "7", "--net", "mcast:230.0.0.1:5000",
		     "--", "fit.key=00112233445566778899aabbccddeeff"],
	 "--only-nodes"),
	("cluster", ["--only-nodes", "1"], "--only-nodes"),
	("cluster", ["--only-nodes", "1", "--net", "mcast:230.0.0.1:5000"],
	 "--only-nodes"),
	("run", ["--pcache", "4Q", "--", "{prog}"], "--pcache"),
	("run", ["--pcache", "-1", "--", "{prog}"], "--pcache"),
	("run", ["--mem", "0", "--", "{prog}"], "--mem"),
	("run", ["--smp", "999", "--", "{prog}"], "--smp"),
	("run", ["--nodes", "2P1M", "--", "{prog}"], "--nodes"),
	("run", ["--local", "--loopback", "--", "{prog}"], "--loopback"),
	("run", ["--local", "--nodes", "1P1M", "--", "{prog}"], "--nodes"),
	("run", ["--rootfs", "/nonexistent", "--", "{prog}"], "--rootfs"),
	("run", ["--rootfs", "{file}", "--", "{prog}"], "--rootfs"),
	("run", ["--image", "/nonexistent.ext4", "--", "/bin/x"], "--image"),
	("run", ["--rootfs", "{dir}", "--image", "{file}", "--", "/bin/x"],
	 "--image"),
	("run", ["--nodes", "1P1M", "--rootfs", "{dir}", "--", "{prog}"],
	 "--rootfs"),
	("run", ["--image", "{file}", "--", "bin/x"], "--image"),
	("run", ["--cwd", "relative/dir", "--", "{prog}"], "--cwd"),
	("run", ["--local", "--cwd", "/tmp", "--", "{prog}"], "--cwd"),
	("run", ["--nodes", "1P1M", "--cwd", "/tmp", "--", "{prog}"],
	 "--cwd"),
	("run", ["--rootfs", "{dir}", "--cwd", "/missing", "--", "{prog}"],
	 "--cwd /missing"),
	("run", ["--add", "nocolon", "--", "{prog}"], "--add"),
	("run", ["--add", "{file}:relative", "--", "{prog}"], "--add"),
	("run", ["--add", "/nonexistent:/x", "--", "{prog}"], "--add"),
	("run", ["--local", "--add", "{file}:/x", "--", "{prog}"], "--add"),
	("run", ["--image", "{file}", "--add", "{file}:/x", "--", "/bin/x"],
	 "--add"),
	("run", ["--only-nodes", "0,0", "--", "{prog}"], "--only-nodes"),
	("run", ["--local", "--only-nodes", "0", "--", "{prog}"],
	 "--only-nodes"),
	("run", ["--only-nodes", "0,5", "--net", "mcast:230.0.0.1:5000",
		 "--append", "fit.key=00112233445566778899aabbccddeeff", "--", "{prog}"], "--only-nodes"),
	("run", ["--only-nodes", "1,2", "--net", "mcast:230.0.0.1:5000",
		 "--append", "fit.key=00112233445566778899aabbccddeeff", "--", "{prog}"], "--only-nodes"),
	("run", ["--only-nodes", "0", "--net", "mcast:230.0.0.1:5000", "--",
		 "{prog}"], "--only-nodes"),
	("run", ["--only-nodes", "0", "--append", "fit.key=00112233445566778899aabbccddeeff", "--image", "{file}",
		 "--", "/bin/x"], "--only-nodes"),
	("run", ["--only-nodes", "0", "--net", "mcast:230.0.0.1:5000",
		 "--append", "fit.key=00112233445566778899aabbccddeeff", "--", "{prog}"], "--only-nodes"),
	("run", ["--nodes", "1P1M", "--only-nodes", "0", "--net",
		 "mcast:230.0.0.1:5000", "--append", "fit.key=00112233445566778899aabbccddeeff", "--", "{prog}"],
	 "--only-nodes"),
	("run", ["--only-nodes", "0", "--net", "mcast:230.0.0.1:5000",
		 "--append", "fit.key=00112233445566778899aabbccddeeff", "--image", "{file}", "--writable", "--",
		 "/bin/x"], "--writable"),
	("run", ["--only-nodes", "0,1", "--net", "mcast:230.0.0.1:5000",
		 "--append", "fit.key=00112233445566778899aabbccddeeff", "--image", "{file}", "--storage-append",
		 "x", "--", "/bin/x"], "--storage-append"),
	("run", ["--env", "NOVALUE", "--", "{prog}"], "--env"),
	("run", ["--also", "", "--", "{prog}"], "--also"),
	("run", ["--also", "\"unbalanced", "--", "{prog}"], "--also"),
	("run", ["--timeout", "-1", "--", "{prog}"], "--timeout"),
	("run", ["--net", "none", "--", "{prog}"], "--net"),
	("run", ["--net", "bogus", "--", "{prog}"], "--net"),
	("run", ["--local"], "PROGRAM"),
	# Options of boot/cluster that `run` has no use for: refused.
	("run", ["--iso", "--", "{prog}"], "--iso"),
	("run", ["--disk", "{file}", "--", "{prog}"], "--disk"),
	("run", ["--until-ready", "--", "{prog}"], "--until-ready"),
	("run", ["--cmdline", "x", "--", "{prog}"], "--cmdline"),
	("run", ["-q", "--", "{prog}"], "-q"),
	("run", ["--writable", "--", "{prog}"], "--writable"),
	("run", ["--image", "{file}", "--writable", "--read-only", "--",
		 "/prog"], "--read-only"),
]


def _fill(args, paths):
	return [a.format(**paths) for a in args]


def _launch_refused(tmp, command, args, name):
	"""Run the launcher against fake-qemu; returns (status, stderr,
	seconds) after checking that no QEMU was started."""
	pidfile = os.path.join(tmp, f"{name}.pids")
	run_dir = os.path.join(tmp, name)
	env = dict(os.environ, TESSERA_QEMU=FAKE_QEMU,
		   FAKE_QEMU_PIDFILE=pidfile)
	argv = [TESSERA, command]
	if "--run-dir" not in args:
		argv += ["--run-dir", run_dir]
	if "--kernel-image" not in args:
		argv += ["--kernel-image", FAKE_QEMU]
	argv += args
	with tempfile.TemporaryFile() as err:
		start = time.monotonic()
		proc = subprocess.Popen(argv, env=env,
					stdin=subprocess.DEVNULL,
					stdout=subprocess.DEVNULL, stderr=err)
		_, status, usage = os.wait4(proc.pid, 0)
		wall = time.monotonic() - start
		proc.returncode = os.waitstatus_to_exitcode(status)
		err.seek(0)
		stderr = err.read().decode(errors="replace")
	cpu = usage.ru_utime + usage.ru_stime
	what = f"tessera {command} {' '.join(args)}"
	# The host runs other tests' QEMUs: wall time says little, the
	# launcher's own CPU time is what "refused at once" means.
	check(cpu < REFUSE_WITHIN and wall < SLOW_HOST_WALL,
	      f"{what}: refused after {cpu:.2f} s of CPU time ({wall:.2f} "
	      f"s wall), want under {REFUSE_WITHIN:g} s")
	check(not os.path.exists(pidfile), f"{what}: QEMU was started")
	check(not os.path.exists(os.path.join(run_dir, "qemu.cmd")) and
	      not os.path.exists(os.path.join(run_dir, "processor0",
					      "qemu.cmd")),
	      f"{what}: a run directory with qemu.cmd was made")
	return proc.returncode, stderr


def _paths(tmp):
	d = os.path.join(tmp, "a-dir")
	os.makedirs(d, exist_ok=True)
	f = os.path.join(tmp, "a-file")
	with open(f, "w") as fh:
		fh.write("not an image\n")
	prog = os.path.join(tmp, "prog")
	with open(prog, "wb") as fh:
		fh.write(b"\x7fELF" + b"\0" * 60)
	os.chmod(prog, 0o755)
	return {"dir": d, "file": f, "prog": prog}


def _refused(command):
	with tempfile.TemporaryDirectory(prefix="tessera-errors-") as tmp:
		paths = _paths(tmp)
		for i, (cmd, args, names) in enumerate(BAD_OPTIONS):
			if cmd != command:
				continue
			args = _fill(args, paths)
			what = f"tessera {cmd} {' '.join(args)}"
			code, err = _launch_refused(tmp, cmd, args,
						    f"case{i}")
			check(code == 125, f"{what}: status {code}, want 125"
			      f"\n{err}")
			check(names in err, f"{what}: the message does not "
			      f"name {names}:\n{err}")


def bad_boot_options():
	_refused("boot")


def bad_cluster_options():
	_refused("cluster")


def bad_run_options():
	_refused("run")


def run_not_found():
	with tempfile.TemporaryDirectory(prefix="tessera-errors-") as tmp:
		for prog in ("/nonexistent/program",
			     os.path.join(tmp, "dangling")):
			if prog.endswith("dangling"):
				os.symlink("/nonexistent", prog)
			code, err = _launch_refused(
				tmp, "run", ["--local", "--", prog], "nf")
			check(code == 127, f"{prog}: status {code}, want 127"
			      f"\n{err}")
			check("not found" in err and prog in err,
			      f"{prog}: no 'not found' message:\n{err}")


def run_not_executable():
	with tempfile.TemporaryDirectory(prefix="tessera-errors-") as tmp:
		paths = _paths(tmp)
		no_x = os.path.join(tmp, "no-x")
		shutil.copy(paths["prog"], no_x)
		os.chmod(no_x, 0o644)
		script = os.path.join(tmp, "script")
		with open(script, "w") as f:
			f.write("#!/bin/sh\nexit 0\n")
		os.chmod(script, 0o755)
		for prog, why in ((no_x, "not executable"),
				  (script, "not an ELF"),
				  (paths["dir"], "directory")):
			code, err = _launch_refused(
				tmp, "run", ["--local", "--", prog], "nx")
			check(code == 126, f"{prog}: status {code}, want 126"
			      f"\n{err}")
			check(why in err, f"{prog}: no '{why}' message:\n{err}")


def run_rootfs_program():
	"""A PROGRAM inside --rootfs is looked up in the tree, its symlinks
	resolved inside it as the storage node will: an absolute symlink to
	a non-ELF file of the tree is 126 (on the host the target does not
	exist: 127 there), one to a path the tree lacks is 127, and a --cwd
	through an absolute symlink to a path the tree lacks is 125."""
	with tempfile.TemporaryDirectory(prefix="tessera-errors-") as tmp:
		tree = os.path.join(tmp, "tree")
		target = "/tessera-test-" + os.path.basename(tmp)
		check(not os.path.exists(target), f"{target} exists on the host")
		os.makedirs(os.path.join(tree, target[1:], "sub"))
		os.makedirs(os.path.join(tree, "bin"))
		with open(os.path.join(tree, target[1:], "tool"), "w") as f:
			f.write("#!/bin/sh\nexit 0\n")
		os.chmod(os.path.join(tree, target[1:], "tool"), 0o755)
		os.symlink(target + "/tool", os.path.join(tree, "bin", "tool"))
		os.symlink(target + "/gone", os.path.join(tree, "bin", "gone"))
		os.symlink(target, os.path.join(tree, "dir"))
		for prog, want, why in (("bin/tool", 126, "not an ELF"),
					("bin/gone", 127, "not found")):
			path = os.path.join(tree, prog)
			code, err = _launch_refused(
				tmp, "run", ["--rootfs", tree, "--", path], "rt")
			check(code == want and why in err and path in err,
			      f"--rootfs -- {prog}: status {code}, want {want} "
			      f"and '{why}' naming it:\n{err}")
		prog = _paths(tmp)["prog"]
		code, err = _launch_refused(
			tmp, "run", ["--rootfs", tree, "--cwd", "/dir/nothing",
				     "--", prog], "rc")
		check(code == 125 and "--cwd /dir/nothing" in err,
		      f"--cwd /dir/nothing: status {code}:\n{err}")
		# --add through a symlink of the tree, or with .. in it.
		for dest, why in (("/dir/sub/x", "is a symlink"),
				  ("/bin/../x", "without . or ..")):
			code, err = _launch_refused(
				tmp, "run", ["--rootfs", tree, "--add",
					     f"{prog}:{dest}", "--", prog], "ra")
			check(code == 125 and why in err,
			      f"--add {dest}: status {code}, want 125 and "
			      f"'{why}':\n{err}")


def make_help_and_kconfiglib():
	"""`make help` names the targets and variables; `make` on a machine
	without Python kconfiglib (hidden here by python3 -S) names
	scripts/install-deps instead of failing with "No module named
	defconfig", and makes nothing."""
	res = subprocess.run(["make", "-s", "-C", ROOT, "help"],
			     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
			     text=True, timeout=60)
	check(res.returncode == 0, f"make help: status {res.returncode}\n"
	      f"{res.stdout}")
	for word in ("all", "test", "clean", "distclean", "menuconfig",
		     "O=", "ONLY=", "REPEAT=", "V=1"):
		check(word in res.stdout, f"make help does not mention "
		      f"{word}:\n{res.stdout}")
	with tempfile.TemporaryDirectory(prefix="tessera-make-") as tmp:
		out = os.path.join(tmp, "o")
		res = subprocess.run(["make", "-C", ROOT, f"O={out}",
				      "PYTHON=/usr/bin/python3 -S"],
				     stdout=subprocess.PIPE,
				     stderr=subprocess.STDOUT, text=True,
				     timeout=60)
		check(res.returncode != 0, "make without kconfiglib succeeded")
		check("scripts/install-deps" in res.stdout and
		      "No module named" not in res.stdout,
		      f"make without kconfiglib says:\n{res.stdout}")
		check(not os.path.exists(os.path.join(out, ".config")),
		      "make without kconfiglib made a .config")


def run_image_program():
	"""With --image the program is looked up in the image (debugfs)
	before anything boots: 127 when it is not there, 126 for a
	directory or a file without x permission; a --cwd that is no
	directory there is 125."""
	if not shutil.which("mke2fs") or not shutil.which("debugfs"):
		raise Skip("no mke2fs/debugfs (e2fsprogs)")
	with tempfile.TemporaryDirectory(prefix="tessera-errors-") as tmp:
		tree = os.path.join(tmp, "tree")
		os.makedirs(os.path.join(tree, "bin"))
		with open(os.path.join(tree, "bin", "data"), "w") as f:
			f.write("not a program\n")
		with open(os.path.join(tree, "bin", "prog"), "wb") as f:
			f.write(b"\x7fELF" + b"\0" * 60)
		os.chmod(os.path.join(tree, "bin", "prog"), 0o755)
		image = os.path.join(tmp, "root.ext4")
		subprocess.run(["mke2fs", "-q", "-F", "-t", "ext4", "-d", tree,
				image, "8M"], check=True,
			       stdout=subprocess.DEVNULL)
		for prog, want in (("/bin/missing", 127), ("/bin", 126),
				   ("/bin/data", 126)):
			code, err = _launch_refused(
				tmp, "run", ["--image", image, "--", prog], "img")
			check(code == want, f"--image -- {prog}: status {code}, "
			      f"want {want}\n{err}")
			check(prog in err, f"--image -- {prog}: message does "
			      f"not name it:\n{err}")
		# --cwd: a directory of the image, else refused (125).
		for cwd in ("/missing", "/bin/data"):
			code, err = _launch_refused(
				tmp, "run", ["--image", image, "--cwd", cwd, "--",
					     "/bin/prog"], "imgcwd")
			check(code == 125 and f"--cwd {cwd}" in err,
			      f"--image --cwd {cwd}: status {code}, want 125 "
			      f"naming it:\n{err}")


SLEEPER_C = r"""
#include <stdio.h>
#include <time.h>

int main(void)
{
	struct timespec left = { .tv_sec = 65 };

	while (nanosleep(&left, &left))
		;
	puts("slept 65 s");
	return 3;
}
"""


def _sleeper(name):
	"""Build SLEEPER_C statically in the run directory @name; returns
	(that directory, the program)."""
	build = os.path.join(clusterlib.runs_dir(), name)
	os.makedirs(build, exist_ok=True)
	src, prog = os.path.join(build, "sleeper.c"), os.path.join(build,
								    "sleeper")
	with open(src, "w") as f:
		f.write(SLEEPER_C)
	res = subprocess.run(["gcc", "-static", "-O2", "-o", prog, src],
			     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
			     text=True)
	if res.returncode != 0:
		if "cannot find -lc" in res.stdout:
			raise Skip("no static glibc on this host (libc6-dev)")
		raise AssertionError(f"building sleeper failed:\n{res.stdout}")
	return build, prog


def _run_kept(build, cmd):
	"""Run the launcher's @cmd; returns (result, seconds, the kept run
	directory moved into @build or None)."""
	with clusterlib.qemu_slots(1):
		start = time.monotonic()
		res = subprocess.run(cmd, stdin=subprocess.DEVNULL,
				     stdout=subprocess.PIPE,
				     stderr=subprocess.PIPE, text=True,
				     timeout=300)
		took = time.monotonic() - start
	kept = None
	for line in res.stderr.splitlines():
		if "run directory kept: " in line:
			kept = line.split("run directory kept: ", 1)[1]
	if kept and os.path.isdir(kept):
		# Keep its logs with this test run's, not in runs/.
		shutil.move(kept, os.path.join(build, "run"))
	return res, took, kept


def run_no_timeout():
	"""A program running past 60 s without --timeout finishes."""
	build, prog = _sleeper("launcher-sleeper")
	cmd = [TESSERA, "run", "--local", "--kernel-image", kernel_image(),
	       "--append", "pcache=12Q", "--", prog]
	res, took, kept = _run_kept(build, cmd)
	check(res.returncode == 3, f"status {res.returncode}, want 3 "
	      f"(after {took:.0f} s)\n{res.stderr}")
	check(res.stdout == "slept 65 s\n", f"stdout {res.stdout!r}")
	check(took >= 65, f"finished after {took:.0f} s, before the sleep")
	check(kept, f"no 'run directory kept' note:\n{res.stderr}")
	check("processor0: cmdline: pcache=12Q" in res.stderr,
	      f"the kernel's warning about pcache=12Q is not on stderr:\n"
	      f"{res.stderr}")


def run_timeout_dump():
	"""A run that times out leaves every thread's call trace in the log."""
	build, prog = _sleeper("launcher-timeout-dump")
	cmd = [TESSERA, "run", "--local", "--kernel-image", kernel_image(),
	       "--timeout", str(DUMP_TIMEOUT), "--", prog]
	res, took, kept = _run_kept(build, cmd)
	check(res.returncode == EXIT_TIMEOUT, f"status {res.returncode}, want "
	      f"{EXIT_TIMEOUT}\n{res.stderr}")
	check(f"timeout after {DUMP_TIMEOUT} s" in res.stderr,
	      f"no timeout note:\n{res.stderr}")
	check("asked processor0 for their threads' call traces" in res.stderr,
	      f"no note about the dump:\n{res.stderr}")
	m = re.search(r"serial log (\S+)$", res.stderr, re.M)
	check(m and os.path.isfile(m.group(1)),
	      f"no serial log named:\n{res.stderr}")
	shutil.move(os.path.dirname(m.group(1)), os.path.join(build, "run"))
	with open(os.path.join(build, "run", "serial.log"),
		  errors="replace") as f:
		log = f.read()
	log = "\n".join(clusterlib.TS_RE.sub("", l) for l in log.splitlines())
	start = log.find("sched: tasks with their call traces")
	end = log.find("sched: end of the tasks")
	check(0 <= start < end, "no task dump (debug key t) in the log")
	dump = log[start:end]
	check(re.search(r"^timers: cpu 0: [1-9]\d* ticks", dump, re.M),
	      "no timer line in the task dump")
	# The program's thread: its line, then a trace through nanosleep.
	m = re.search(r"^ *\d+ sleeper +S .*\nCall Trace:\n((?: .*\n)+)",
		      dump, re.M)
	check(m, f"no call trace for the sleeper's thread:\n{dump[:3000]}")
	check(re.search(r"nanosleep", m.group(1)),
	      f"the sleeper's trace does not pass nanosleep:\n{m.group(1)}")
	check(re.search(r"^ *\d+ keyd +R .*\nCall Trace:\n <keyd is running "
			r"on CPU \d+>", dump, re.M),
	      "keyd (which prints the dump) is not shown running")
	# Key f first (the launcher waits for the dump's end line, which
	# keyd prints after it): a local run without a NIC has no FIT.
	check(re.search(r"debug key 0x66: none registered", log[:start]),
	      "key f (FIT counters) not answered before the task dump")
	check(not re.search(clusterlib.OOPS_RE, log), "oops")


# run_no_timeout's node sleeps 65 s: it takes the idle slot (run-tests).
IDLE = {"launcher_run_no_timeout"}

SCENARIOS = [
	("launcher_run_timeout_dump", run_timeout_dump),
	("launcher_bad_boot_options", bad_boot_options),
	("launcher_bad_cluster_options", bad_cluster_options),
	("launcher_bad_run_options", bad_run_options),
	("launcher_run_not_found", run_not_found),
	("launcher_run_not_executable", run_not_executable),
	("launcher_run_image_program", run_image_program),
	("launcher_run_rootfs_program", run_rootfs_program),
	("launcher_run_no_timeout", run_no_timeout),
	("launcher_make_help", make_help_and_kconfiglib),
]
