# SPDX-License-Identifier: GPL-2.0
"""Helpers shared by the boot scenarios in tests/cluster/test_*.py.

A scenario is a plain function that raises (AssertionError via check(), or
Skip) to fail or skip and returns to pass.  It boots nodes with boot(), which
runs tools/tessera as a subprocess and hands back the exit code and serial
log.  Identical boots are run once and shared (the nullptr crash log serves
both the oops-format and the decode-oops scenario), and at most MAX_QEMU
boots run at a time on the host.

Public API:
  boot(name, role=..., disks=(), net=..., ...)   one node, cached
  boot_group([(name, argv), ...])                several nodes at once on
                                                 all-or-none QEMU slots
  group(n) -> Group                              the same, driven by hand:
                                                 start, wait for a line,
                                                 kill, boot again
  qemu_slots(n)                                  hold n slots (context)
  free_fabric()                                  a fresh mcast:GROUP:PORT
  runs_dir()                                     where run directories go
  debian_root()                                  the Debian 12 root of
                                                 tools/mkrootfs (built
                                                 once, cached)
  native_chroot(root, argv, cwd=, env=)          a program run natively in
                                                 a chroot of a root
A group of more nodes than MAX_QEMU takes every slot (the host is then
oversubscribed on purpose, e.g. a three-node FIT scenario).

tools/run-tests calls configure() before loading scenarios; run alone, the
defaults point at build/tessera.elf and runs/.
"""

import contextlib
import ctypes
import datetime
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
	os.path.realpath(__file__))))
TESSERA = os.path.join(ROOT, "tools", "tessera")
DECODE_OOPS = os.path.join(ROOT, "scripts", "decode-oops")

# The host has two cores; more QEMUs than that only slow every boot down.
MAX_QEMU = 2
# Scenarios whose one node mostly sleeps (on a timer or a timeout; a
# module's IDLE names them, tools/run-tests) boot beside those in one
# more slot of their own: a halted guest costs the host next to nothing.
IDLE_SLOTS = 1
DEFAULT_TIMEOUT = 30

# Launcher exit codes (tools/tessera).
EXIT_OK = 0
EXIT_FAIL = 1
EXIT_PANIC = 2
EXIT_TIMEOUT = 124

READY_RE = re.compile(r"tessera: ready role=(\S+) node=(\d+)")
END_RE = re.compile(r"tessera: end status=(\w+)")
OOPS_RE = re.compile(r"BUG: |general protection fault|divide error|"
		     r"kernel BUG at|Kernel panic - not syncing|Recursive oops")
TS_RE = re.compile(r"^\[\s*\d+\.\d+\] ")

_config = {
	"kernel": os.path.join(ROOT, "build", "tessera.elf"),
	"runs": None,
}
_slots = threading.Semaphore(MAX_QEMU)
_idle_slots = threading.Semaphore(IDLE_SLOTS)
_job = threading.local()
_cache = {}
_cache_lock = threading.Lock()
_stopping = threading.Event()
_procs = set()
_procs_lock = threading.Lock()


class Skip(Exception):
	"""Raise to report a scenario as skipped, with a reason."""


def configure(kernel=None, runs_dir=None):
	if kernel:
		_config["kernel"] = os.path.abspath(kernel)
	if runs_dir:
		_config["runs"] = os.path.abspath(runs_dir)


def stop():
	"""No new boots after this, and stop the running ones (each launcher
	kills its own QEMU on SIGTERM)."""
	_stopping.set()
	with _procs_lock:
		for proc in list(_procs):
			if proc.poll() is None:
				proc.terminate()


def kernel_image():
	return _config["kernel"]


def runs_dir():
	"""The directory this test run puts its run directories in."""
	if _config["runs"] is None:
		stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
		_config["runs"] = os.path.join(ROOT, "runs", f"test-{stamp}")
	return _config["runs"]


_runs_dir = runs_dir	# older callers


def free_fabric():
	"""A multicast fabric spec on a UDP port the host reports free, so
	parallel runs never share a wire."""
	with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
		s.bind(("127.0.0.1", 0))
		return f"mcast:230.0.0.1:{s.getsockname()[1]}"


# All-or-none slot taking: one lock serialises the takers, so two groups
# never each hold part of what they need (no deadlock), and a single
# boot() waiting for one slot is never starved for long.
_take_lock = threading.Lock()


@contextlib.contextmanager
def qemu_slots(n=1):
	"""Hold @n QEMU slots (at most MAX_QEMU: more nodes than that take
	every slot and oversubscribe the host on purpose).  One node of an
	idle job (idle_job()) takes an idle slot instead."""
	n = max(1, min(n, MAX_QEMU))
	sem = _slots
	if getattr(_job, "idle", False) and n == 1:
		sem = _idle_slots
		sem.acquire()	# not under _take_lock: a group may wait there
	else:
		with _take_lock:
			for _ in range(n):
				sem.acquire()
	try:
		if _stopping.is_set():
			raise Skip("interrupted")
		yield
	finally:
		for _ in range(n):
			sem.release()


@contextlib.contextmanager
def idle_job():
	"""This thread runs a scenario whose node mostly sleeps: its single
	QEMU takes an idle slot (IDLE_SLOTS), not one of MAX_QEMU."""
	_job.idle = True
	try:
		yield
	finally:
		_job.idle = False


def check(cond, msg):
	if not cond:
		raise AssertionError(msg)


class Boot:
	"""What one `tessera boot` did."""

	def __init__(self, name, code, run_dir, stderr):
		self.name = name
		self.code = code
		self.run_dir = run_dir
		self.stderr = stderr
		try:
			with open(os.path.join(run_dir, "serial.log"),
				  errors="replace") as f:
				self.log = f.read()
		except OSError:
			self.log = ""
		# Lines without the printk timestamp, for matching.
		self.lines = [TS_RE.sub("", l, count=1)
			      for l in self.log.splitlines()]

	def has(self, text):
		return text in self.log

	def grep(self, regex):
		"""Lines (timestamps stripped) that match @regex."""
		r = re.compile(regex)
		return [l for l in self.lines if r.search(l)]

	def ready(self):
		"""(role, node) from the ready marker, or None."""
		for l in self.lines:
			m = READY_RE.search(l)
			if m:
				return m.group(1), int(m.group(2))
		return None

	def reboots(self):
		"""How many times the first banner line (the first line starting
		"Tessera ") repeats; a repeat means the machine restarted."""
		banners = [l for l in self.lines if l.startswith("Tessera ")]
		if not banners:
			return 0
		return sum(1 for l in banners if l == banners[0]) - 1

	def end_status(self):
		for l in self.lines:
			m = END_RE.search(l)
			if m:
				return m.group(1)
		return None

	def tail(self, n=25):
		lines = self.log.splitlines()[-n:]
		out = "\n".join("    | " + l for l in lines)
		if self.stderr.strip():
			out += "\n    launcher: " + self.stderr.strip().replace(
				"\n", "\n    launcher: ")
		return out

	def fail(self, msg):
		"""AssertionError carrying @msg and the log tail."""
		return AssertionError(f"{msg} (exit {self.code}, log "
				      f"{self.run_dir}/serial.log)\n"
				      f"{self.tail()}")

	def expect(self, cond, msg):
		if not cond:
			raise self.fail(msg)


def _die_with_parent():
	try:
		libc = ctypes.CDLL(None, use_errno=True)
		libc.prctl(1, signal.SIGTERM, 0, 0, 0)	# PR_SET_PDEATHSIG
	except (OSError, AttributeError):
		pass


def _spawn(name, argv, timeout):
	"""Start `tessera boot` for @argv (no slot taken here)."""
	run_dir = os.path.join(runs_dir(), name)
	os.makedirs(os.path.dirname(run_dir), exist_ok=True)
	cmd = [TESSERA, "boot", "-q", "--run-dir", run_dir,
	       "--kernel-image", kernel_image(),
	       "--timeout", str(timeout)] + argv
	with _procs_lock:
		proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
					stdout=subprocess.DEVNULL,
					stderr=subprocess.PIPE,
					text=True, errors="replace",
					preexec_fn=_die_with_parent)
		_procs.add(proc)
	return proc, run_dir


def _finish(name, proc, run_dir, timeout, note=""):
	try:
		_, err = proc.communicate(timeout=timeout + 60)
	except subprocess.TimeoutExpired:
		# The launcher enforces --timeout itself; this only catches a
		# wedged launcher.  SIGTERM makes it kill its QEMU.
		proc.terminate()
		_, err = proc.communicate()
		err += "\nlauncher did not stop by itself; terminated"
	finally:
		with _procs_lock:
			_procs.discard(proc)
	err += note
	with open(os.path.join(run_dir, "launcher.stderr"), "w") as f:
		f.write(err)
	return Boot(name, proc.returncode, run_dir, err)


def _run(name, argv, timeout):
	with qemu_slots(1):
		proc, run_dir = _spawn(name, argv, timeout)
		return _finish(name, proc, run_dir, timeout)


class Node:
	"""One running `tessera boot` of a Group."""

	def __init__(self, name, argv, timeout):
		self.name = name
		self.timeout = timeout
		self.proc, self.run_dir = _spawn(name, argv, timeout)
		self.killed = False
		self.boot = None

	def log(self):
		try:
			with open(os.path.join(self.run_dir, "serial.log"),
				  errors="replace") as f:
				return f.read()
		except OSError:
			return ""

	def wait_for(self, regex, timeout=60):
		"""Wait until a console line matches @regex; the match, or
		None if the node ended or @timeout passed first."""
		r = re.compile(regex, re.M)
		end = time.monotonic() + timeout
		while time.monotonic() < end:
			m = r.search(self.log())
			if m:
				return m
			if self.proc.poll() is not None:
				return r.search(self.log())
			time.sleep(0.1)
		return None

	def kill(self):
		"""Stop this node's QEMU at once (the launcher kills it on
		SIGTERM): from the fabric's view the node vanishes."""
		self.killed = True
		if self.proc.poll() is None:
			self.proc.terminate()
		return self.finish()

	def finish(self):
		if self.boot is None:
			self.boot = _finish(self.name, self.proc, self.run_dir,
					    self.timeout,
					    "\nkilled by the test" if self.killed
					    else "")
		return self.boot


class Group:
	"""Nodes started, watched, killed and restarted by a scenario while
	it holds its QEMU slots (see group())."""

	def __init__(self, timeout):
		self.timeout = timeout
		self.nodes = []

	def start(self, name, argv, timeout=None):
		if _stopping.is_set():
			raise Skip("interrupted")
		n = Node(name, argv, timeout or self.timeout)
		self.nodes.append(n)
		return n

	def finish_all(self):
		return [n.finish() for n in self.nodes]

	def kill_all(self):
		for n in self.nodes:
			if n.boot is None:
				n.kill()


@contextlib.contextmanager
def group(nr_nodes, timeout=DEFAULT_TIMEOUT):
	"""Hold the slots for @nr_nodes QEMUs and yield a Group; every node
	still running at the end is stopped."""
	with qemu_slots(nr_nodes):
		g = Group(timeout)
		try:
			yield g
		finally:
			g.kill_all()


def boot_group(specs, timeout=DEFAULT_TIMEOUT):
	"""Boot several nodes at once, each spec (name, launcher argv), and
	wait for all to end.  Takes min(len(specs), MAX_QEMU) slots, all or
	none.  Returns the Boots in order."""
	with group(len(specs), timeout) as g:
		for name, argv in specs:
			g.start(name, argv)
		return g.finish_all()


def boot(name, role="processor", node=None, args=(), iso=False, mem=None,
	 smp=None, until_ready=False, until=None, cmdline=None,
	 net=None, disks=(), timeout=DEFAULT_TIMEOUT, kernel=None,
	 uefi=False):
	"""Boot one node with tools/tessera and return a Boot.

	@name names the run directory.  Boots with the same parameters are
	done once; later callers get the first result (and its name).
	@kernel: another kernel image than the run's (the debug build).
	@uefi: boot the GRUB ISO under OVMF (--uefi; implies @iso).
	"""
	argv = ["--role", role]
	if kernel:
		# After _spawn's --kernel-image: the last one counts.
		argv += ["--kernel-image", os.path.abspath(kernel)]
	if node is not None:
		argv += ["--node", str(node)]
	if uefi:
		argv.append("--uefi")
	else:
		argv.append("--iso" if iso else "--kernel")
	if mem:
		argv += ["--mem", mem]
	if smp:
		argv += ["--smp", str(smp)]
	if until_ready:
		argv.append("--until-ready")
	if until:
		argv += ["--until", until]
	if cmdline is not None:
		argv += ["--cmdline", cmdline]
	if net:
		argv += ["--net", net]
	for d in disks:
		argv += ["--disk", d]
	if args:
		argv += ["--"] + list(args)
	key = tuple(argv) + (timeout,)
	with _cache_lock:
		entry = _cache.get(key)
		if entry is None:
			# Distinct boots never share a run directory.
			used = {e["name"] for e in _cache.values()}
			unique, i = name, 1
			while unique in used:
				i += 1
				unique = f"{name}-{i}"
			entry = {"lock": threading.Lock(), "boot": None,
				 "name": unique}
			_cache[key] = entry
	with entry["lock"]:
		if entry["boot"] is None:
			entry["boot"] = _run(entry["name"], argv, timeout)
		return entry["boot"]


def size_to_bytes(number, unit):
	scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
	return int(float(number) * scale[unit[0].upper()])


def largest_size(line):
	"""Largest size with a unit (123K, 4 MiB, 8.0 GB) in @line, in bytes,
	or None if the line names no size."""
	sizes = [size_to_bytes(n, u) for n, u in re.findall(
		r"(\d+(?:\.\d+)?)\s*([KMGT](?:i?B)?)\b", line)]
	return max(sizes) if sizes else None


MKROOTFS = os.path.join(ROOT, "tools", "mkrootfs")
# A cold build takes about 3 minutes (Documentation/testing.md); this
# only catches a wedged one.
MKROOTFS_TIMEOUT = 30 * 60
_debian = {"lock": threading.Lock(), "path": None, "error": None}


# Where progress lines of long steps go: tools/run-tests points it at its
# own printer (one line at a time among the results); stderr otherwise.
_progress = [lambda text: print(text, file=sys.stderr, flush=True)]
PROGRESS_EVERY = 30	# seconds between two lines of one step
PROGRESS_AFTER = 10	# a step this long says when it is done


def set_progress(fn):
	_progress[0] = fn


def run_with_progress(argv, what, timeout, log=None):
	"""Run @argv (stdin /dev/null, output to the file @log or kept),
	saying "# @what: N s so far" every PROGRESS_EVERY s and, if it took
	over PROGRESS_AFTER s, when it ended.  (status, output text: the
	log's when @log) or raises subprocess.TimeoutExpired after killing
	it at @timeout s."""
	start = time.monotonic()
	if log:
		# The runs directory may not exist yet (the first job of a run).
		os.makedirs(os.path.dirname(log) or ".", exist_ok=True)
	out = open(log, "w") if log else subprocess.PIPE
	try:
		p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out,
				     stderr=subprocess.STDOUT, text=True,
				     errors="replace",
				     preexec_fn=_die_with_parent)
		text = ""
		while True:
			try:
				text, _ = p.communicate(timeout=PROGRESS_EVERY)
				break
			except subprocess.TimeoutExpired:
				took = time.monotonic() - start
				if took >= timeout:
					p.kill()
					p.communicate()
					raise
				_progress[0](f"# {what}: {took:.0f} s so far" +
					     (f" (log {log})" if log else ""))
	finally:
		if log:
			out.close()
	took = time.monotonic() - start
	if took >= PROGRESS_AFTER:
		_progress[0](f"# {what}: done after {took:.0f} s, status "
			     f"{p.returncode}")
	if log:
		with open(log, errors="replace") as f:
			text = f.read()
	return p.returncode, text or ""


def debian_root():
	"""Path of the Debian 12 root tools/mkrootfs builds (python3,
	python3-numpy, busybox-static, libstdc++6).  tools/mkrootfs runs once
	per test process (it reuses its cache, or builds under a flock that
	parallel processes share); when it cannot build the root this raises
	AssertionError with its reason: a failure, never a skip."""
	with _debian["lock"]:
		if _debian["path"] is None and _debian["error"] is None:
			_debian["path"], _debian["error"] = _mkrootfs()
		if _debian["error"]:
			raise AssertionError(_debian["error"])
		return _debian["path"]


def _mkrootfs():
	"""(path, None) or (None, why) from one run of tools/mkrootfs."""
	log = os.path.join(runs_dir(), "mkrootfs.log")
	os.makedirs(runs_dir(), exist_ok=True)
	try:
		code, text = run_with_progress(
			[MKROOTFS], "tools/mkrootfs: the Debian 12 root",
			MKROOTFS_TIMEOUT, log)
	except (OSError, subprocess.TimeoutExpired) as e:
		return None, f"tools/mkrootfs: {e} (log {log})"
	# Its last line on stdout is the root's path (the log has both).
	lines = text.strip().splitlines()
	path = lines[-1] if lines else ""
	if code != 0 or not os.path.isdir(path):
		return None, (f"tools/mkrootfs failed with status "
			      f"{code} (log {log}):\n    " +
			      "\n    ".join(lines[-15:]))
	return path, None


def default_signals():
	"""In a child before exec: every signal disposition to its default,
	as a program on Tessera starts (a shell runs background commands,
	and so a `make test` started in the background, with SIGINT and
	SIGQUIT ignored, which exec keeps)."""
	for sig in range(1, signal.NSIG):
		if sig in (signal.SIGKILL, signal.SIGSTOP):
			continue
		try:
			signal.signal(sig, signal.SIG_DFL)
		except (OSError, ValueError):
			pass	# the C library's own real-time signals


def native_chroot(root, argv, cwd="/", env=None, timeout=60, input=None):
	"""Run @argv (argv[0] an absolute path inside @root) natively in a
	chroot of @root, in directory @cwd there, with only the environment
	@env (a list of NAME=VALUE; default the one the tests give Tessera
	runs, test_user.ENV) and stdin from /dev/null (or a pipe carrying
	the bytes @input).  Nothing is mounted
	(no /proc: every program we compare runs without it).  Returns
	(status, stdout bytes, stderr bytes), the status 128 + signal when
	a signal killed the program, as a shell and `tessera run` say it."""
	if env is None:
		import test_user
		env = test_user.ENV
	if not argv or not argv[0].startswith("/"):
		raise ValueError(f"native_chroot: argv[0] must be an absolute "
				 f"path inside the root: {argv!r}")

	def enter():
		os.chroot(root)
		os.chdir(cwd)
		default_signals()

	stdin = {"input": input} if input is not None else \
		{"stdin": subprocess.DEVNULL}
	res = subprocess.run(argv, env=dict(e.split("=", 1) for e in env),
			     **stdin, stdout=subprocess.PIPE,
			     stderr=subprocess.PIPE, timeout=timeout,
			     preexec_fn=enter)
	code = res.returncode if res.returncode >= 0 else 128 - res.returncode
	return code, res.stdout, res.stderr
