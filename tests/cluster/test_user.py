# SPDX-License-Identifier: GPL-2.0
"""User programs on the processor node, local mode (`tessera run --local`).

Each program of tests/user/ is built with the host's gcc -static, run
natively and on Tessera with the same argv and environment, and the two
runs must agree byte for byte on stdout and stderr and on the exit status
(a signal death counts as 128 + signal, as a shell reports it).  Plus:
a SIGSEGV leaves the node running the next program; a missing or
malformed program is refused; the syscall-name header is current and its
numbers agree with the host's <asm/unistd_64.h> (a check made with the
host compiler, not with our own table)."""

import fcntl
import os
import re
import subprocess
import tempfile

import clusterlib
from clusterlib import Skip, check, kernel_image

ROOT = clusterlib.ROOT
USER_DIR = os.path.join(ROOT, "tests", "user")
TIMEOUT = 120
ENV = ["HOME=/home/tessera", "LANG=C", "TESSERA_TEST=1"]

_built = {}


def _build_dir():
	return os.path.join(clusterlib.runs_dir(), "user-bin")


def program(name):
	"""Path of tests/user/@name built with gcc -static (once per run)."""
	if name in _built:
		return _built[name]
	out = _build_dir()
	os.makedirs(out, exist_ok=True)
	# Scenarios run in parallel threads, and this module may be loaded
	# more than once (directly and through other test files): serialise
	# builds with a lock on the directory itself, so nobody runs a binary
	# another thread's gcc is still writing.
	with open(os.path.join(out, ".build.lock"), "w") as lock:
		fcntl.flock(lock, fcntl.LOCK_EX)
		res = subprocess.run(["make", "-s", "-C", USER_DIR, f"OUT={out}",
				      os.path.join(out, name)],
				     stdout=subprocess.PIPE,
				     stderr=subprocess.STDOUT, text=True)
	if res.returncode != 0:
		if "cannot find -lc" in res.stdout:
			raise Skip("no static glibc on this host (libc6-dev)")
		raise AssertionError(f"building {name} failed:\n{res.stdout}")
	_built[name] = os.path.join(out, name)
	return _built[name]


def native(argv):
	res = subprocess.run(argv, env=dict(e.split("=", 1) for e in ENV),
			     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
			     stderr=subprocess.PIPE, timeout=60,
			     preexec_fn=clusterlib.default_signals)
	code = res.returncode if res.returncode >= 0 else 128 - res.returncode
	return code, res.stdout, res.stderr


def tessera_run(name, argv, also=(), smp=None, extra=()):
	"""tessera run --local [@extra options] -- @argv: (status, stdout,
	stderr, serial log)."""
	run_dir = os.path.join(clusterlib.runs_dir(), name)
	cmd = [os.path.join(ROOT, "tools", "tessera"), "run", "--local",
	       "--run-dir", run_dir, "--kernel-image", kernel_image(),
	       "--timeout", str(TIMEOUT)] + list(extra)
	for e in ENV:
		cmd += ["--env", e]
	for a in also:
		cmd += ["--also", a]
	if smp:
		cmd += ["--smp", str(smp)]
	cmd += ["--"] + argv
	with clusterlib.qemu_slots(1):
		res = subprocess.run(cmd, stdin=subprocess.DEVNULL,
				     stdout=subprocess.PIPE,
				     stderr=subprocess.PIPE,
				     timeout=TIMEOUT + 60)
	with open(os.path.join(run_dir, "serial.log"), errors="replace") as f:
		log = f.read()
	return res.returncode, res.stdout, res.stderr, log


def _launcher_notes(err):
	"""Program stderr without the launcher's own [launcher] lines."""
	return b"".join(l for l in err.splitlines(True)
			if not l.startswith(b"[launcher]"))


def same_as_native(name, args=(), smp=None):
	prog = program(name)
	argv = [prog] + list(args)
	want = native(argv)
	# One run directory per boot: scenarios run in parallel.
	run_name = f"user-{name}" + (f"-smp{smp}" if smp else "")
	got_code, got_out, got_err, log = tessera_run(run_name, argv, smp=smp)
	where = f"{name}: serial log in runs/.../{run_name}/serial.log"
	check(re.search(r"tessera: program exit run=0", log),
	      f"{where}: no program exit marker")
	check(not re.search(clusterlib.OOPS_RE, log), f"{where}: kernel oops")
	check(got_out == want[1],
	      f"{where}: stdout differs\n--- native\n{want[1]!r}\n"
	      f"--- tessera\n{got_out!r}")
	check(_launcher_notes(got_err) == want[2],
	      f"{where}: stderr differs: native {want[2]!r}, tessera "
	      f"{_launcher_notes(got_err)!r}")
	check(got_code == want[0],
	      f"{where}: exit status {got_code}, native {want[0]}")
	return log


def compare_native(name, run_name, args=(), smp=None):
	"""Run tests/user/@name with @args natively and on Tessera (run
	directory @run_name): the same stdout, stderr and status, no oops
	and no WARNING.  Returns the native (status, stdout, stderr) and
	the serial log."""
	prog = program(name)
	want = native([prog] + list(args))
	code, out, err, log = tessera_run(run_name, [prog] + list(args),
					  smp=smp)
	where = (f"{name} {' '.join(args)}: serial log in "
		 f"runs/.../{run_name}/")
	check(re.search(r"tessera: program exit run=0", log),
	      f"{where}: no program exit marker")
	check(not re.search(clusterlib.OOPS_RE, log), f"{where}: kernel oops")
	check(not re.search(r"WARNING", log), f"{where}: a WARNING")
	check(out == want[1],
	      f"{where}: stdout differs\n--- native\n"
	      f"{want[1].decode(errors='replace')}\n--- tessera\n"
	      f"{out.decode(errors='replace')}")
	check(_launcher_notes(err) == want[2],
	      f"{where}: stderr differs: native {want[2]!r}, tessera "
	      f"{_launcher_notes(err)!r}")
	check(code == want[0], f"{where}: exit status {code}, native {want[0]}")
	return want, log


def hello():
	same_as_native("hello", ["first arg", "", "x" * 300])


def threads():
	log = same_as_native("threads")
	check("unimplemented syscall 435 (clone3)" in log,
	      "clone3 was not refused with -ENOSYS by name")


def threads_smp():
	same_as_native("threads", smp=2)


def badargs():
	same_as_native("badargs")


def fdflags():
	"""ioctl FIONBIO/FIOCLEX/FIONCLEX/TCGETS on the standard descriptors,
	a dup and an O_PATH one (node's libuv, issue 12)."""
	same_as_native("fdflags")


def memory():
	same_as_native("memory")


def segv_then_next():
	segv, hello_prog = program("segv"), program("hello")
	code, out, err, log = tessera_run("user-segv", [segv],
					  also=[f"{hello_prog} after"])
	check(code == 139, f"segv: exit status {code}, want 139")
	m = re.search(r"segfault: pid (\d+) comm segv addr 1000 ip [0-9a-f]+",
		      log)
	check(m, "no 'segfault: pid N comm segv addr 1000 ip ...' line")
	check(out.startswith(b"about to fault\n"),
	      f"segv's output before the fault is missing: {out!r}")
	check(b"still alive" not in out, "segv ran past the fault")
	check(re.search(r"program exit run=1 pid=\d+ status=3", log),
	      "the program after the segfault did not run to its end")
	check(b"argv[1]=after" in out, "hello after segv printed nothing")


def missing_and_malformed():
	with tempfile.TemporaryDirectory() as d:
		junk = os.path.join(d, "junk")
		with open(junk, "wb") as f:
			f.write(b"\x7fELF" + b"\x02\x01\x01" + b"\0" * 200)
		os.chmod(junk, 0o755)
		code, out, err, log = tessera_run("user-malformed", [junk])
	check(code == 126, f"malformed ELF: exit status {code}, want 126 "
	      f"(cannot be executed)")
	check("not an x86-64 executable we can load" in log,
	      "no line saying the malformed ELF cannot be loaded")
	# The loader's own reason, from the memory service (in-process).
	check(re.search(r"memnode: execve /\S+/junk for node 0 pid \d+: "
			r"bad ELF version \(-8\)", log),
	      "no reason logged for the malformed ELF")
	res = subprocess.run([os.path.join(ROOT, "tools", "tessera"), "run",
			      "--local", "--kernel-image", kernel_image(),
			      "--", "/nonexistent/program"],
			     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
			     text=True)
	check(res.returncode == 127 and "not found" in res.stderr,
	      f"missing program: status {res.returncode}, {res.stderr!r}")


def syscall_numbers():
	gen = os.path.join(ROOT, "scripts", "gen-syscall-names")
	res = subprocess.run([gen, "--check",
			      os.path.join(ROOT, "include/uapi/unistd_64.h"),
			      os.path.join(ROOT, "include/uapi/syscall_names.h")],
			     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
			     text=True)
	check(res.returncode == 0, f"syscall_names.h is stale: {res.stdout}")
	host = subprocess.run(["gcc", "-dM", "-E", "-"],
			      input="#include <asm/unistd_64.h>\n",
			      stdout=subprocess.PIPE, text=True)
	if host.returncode != 0:
		raise Skip("no <asm/unistd_64.h> on this host")
	theirs = dict(re.findall(r"#define __NR_(\w+) (\d+)", host.stdout))
	with open(os.path.join(ROOT, "include/uapi/unistd_64.h")) as f:
		ours = dict(re.findall(r"#define __NR_(\w+) (\d+)", f.read()))
	check(len(theirs) > 300, "host header has too few syscalls")
	wrong = [(n, ours.get(n), v) for n, v in theirs.items()
		 if ours.get(n) != v]
	check(not wrong, f"numbers differ from the host's: {wrong[:10]}")


SCENARIOS = [
	("syscall_numbers", syscall_numbers),
	("hello", hello),
	("threads", threads),
	("threads_smp2", threads_smp),
	("badargs", badargs),
	("fdflags", fdflags),
	("memory", memory),
	("segv_then_next", segv_then_next),
	("missing_and_malformed", missing_and_malformed),
]
