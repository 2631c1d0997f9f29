# SPDX-License-Identifier: GPL-2.0
"""Helpers shared by the boot scenarios in tests/cluster/test_*.py.

A scenario is a plain function that raises (AssertionError via check(), or
Skip) to fail or skip and returns to pass.  It boots nodes with boot(), which
runs tools/tessera as a subprocess and hands back the exit code and serial
log.  Identical boots are run once and shared (the nullptr crash log serves
both the oops-format and the decode-oops scenario), and at most MAX_QEMU
boots run at a time on the host.

tools/run-tests calls configure() before loading scenarios; run alone, the
defaults point at build/tessera.elf and runs/.
"""

import ctypes
import datetime
import os
import re
import signal
import subprocess
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
	os.path.realpath(__file__))))
TESSERA = os.path.join(ROOT, "tools", "tessera")
DECODE_OOPS = os.path.join(ROOT, "scripts", "decode-oops")

# The host has two cores; more QEMUs than that only slow every boot down.
MAX_QEMU = 2
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


def _runs_dir():
	if _config["runs"] is None:
		stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
		_config["runs"] = os.path.join(ROOT, "runs", f"test-{stamp}")
	return _config["runs"]


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


def _run(name, argv, timeout):
	run_dir = os.path.join(_runs_dir(), name)
	os.makedirs(os.path.dirname(run_dir), exist_ok=True)
	cmd = [TESSERA, "boot", "-q", "--run-dir", run_dir,
	       "--kernel-image", kernel_image(),
	       "--timeout", str(timeout)] + argv
	with _slots:
		if _stopping.is_set():
			raise Skip("interrupted")
		with _procs_lock:
			proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
						stdout=subprocess.DEVNULL,
						stderr=subprocess.PIPE,
						text=True, errors="replace",
						preexec_fn=_die_with_parent)
			_procs.add(proc)
		try:
			_, err = proc.communicate(timeout=timeout + 60)
		except subprocess.TimeoutExpired:
			# The launcher enforces --timeout itself; this only
			# catches a wedged launcher.  SIGTERM makes it kill
			# its QEMU.
			proc.terminate()
			_, err = proc.communicate()
			err += "\nlauncher did not stop by itself; terminated"
		finally:
			with _procs_lock:
				_procs.discard(proc)
	with open(os.path.join(run_dir, "launcher.stderr"), "w") as f:
		f.write(err)
	return Boot(name, proc.returncode, run_dir, err)


def boot(name, role="processor", node=None, args=(), iso=False, mem=None,
	 smp=None, until_ready=False, until=None, cmdline=None,
	 net=None, timeout=DEFAULT_TIMEOUT):
	"""Boot one node with tools/tessera and return a Boot.

	@name names the run directory.  Boots with the same parameters are
	done once; later callers get the first result (and its name).
	"""
	argv = ["--role", role]
	if node is not None:
		argv += ["--node", str(node)]
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
