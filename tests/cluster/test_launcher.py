# SPDX-License-Identifier: GPL-2.0
"""Launcher scenarios: tools/tessera against fake-qemu (no real VM), for
its exit codes, timeout message, cluster layout and, above all, that no
QEMU survives the launcher however it ends."""

import os
import signal
import subprocess
import tempfile
import time

from clusterlib import check, ROOT, TESSERA

FAKE_QEMU = os.path.join(ROOT, "tests", "cluster", "fake-qemu")
# Only bounds how long we wait for the fake to come up; never asserted on.
STARTUP_WAIT = 30


def _alive(pid):
	try:
		os.kill(pid, 0)
	except ProcessLookupError:
		return False
	# A zombie is dead for our purposes: it cannot run or hold a pipe.
	try:
		with open(f"/proc/{pid}/stat") as f:
			return f.read().split(")")[-1].split()[0] != "Z"
	except OSError:
		return False


def _pids(pidfile):
	try:
		with open(pidfile) as f:
			return [int(x) for x in f.read().split()]
	except OSError:
		return []


def _launch(tmp, args, name):
	pidfile = os.path.join(tmp, "pids")
	env = dict(os.environ, TESSERA_QEMU=FAKE_QEMU,
		   FAKE_QEMU_PIDFILE=pidfile)
	cmd = [TESSERA] + args[:1] + [
		"-q", "--kernel-image", FAKE_QEMU,
		"--run-dir", os.path.join(tmp, name)] + args[1:]
	proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE,
				stderr=subprocess.PIPE, text=True)
	return proc, pidfile


def _run(args, name="run"):
	with tempfile.TemporaryDirectory(prefix="tessera-launcher-") as tmp:
		proc, pidfile = _launch(tmp, args, name)
		out, err = proc.communicate(timeout=120)
		pids = _pids(pidfile)
		log_path = os.path.join(tmp, name, "serial.log")
		log = open(log_path).read() if os.path.exists(log_path) else ""
		check(not any(_alive(p) for p in pids),
		      f"fake QEMU still alive after: tessera {' '.join(args)}")
		return proc.returncode, out, err, log


def exit_codes():
	for fake, want in (("end-ok", 0), ("end-fail", 1), ("end-panic", 2),
			   ("bug-ok", 0), ("qemu-error", 3)):
		code, out, err, log = _run(["boot", "--", f"fake={fake}"])
		check(code == want, f"fake={fake}: exit {code}, want {want}"
		      f"\n{err}")
	check("invalid option" in err, "QEMU's stderr was not shown:\n" + err)


def timeout():
	code, out, err, log = _run(["boot", "--timeout", "1", "--",
				    "fake=hang"])
	check(code == 124, f"exit {code}, want 124")
	check("timeout after 1 s waiting for 'tessera: end'" in err,
	      "no clear timeout message:\n" + err)
	check("tessera: ready role=processor node=0" in log,
	      "console not saved to serial.log")
	check("\r" not in log, "carriage returns kept in serial.log")


def until_ready():
	code, out, err, log = _run(["boot", "--until-ready", "--role",
				    "storage", "--", "fake=hang"])
	check(code == 0, f"exit {code}, want 0\n{err}")
	check("role=storage node=2" in log, "default storage node is not 2")


def halted_after_oops():
	code, out, err, log = _run(["boot", "--panic-grace", "0.5", "--",
				    "fake=oops-halt"])
	check(code == 2, f"exit {code}, want 2\n{err}")


def cluster_layout():
	code, out, err, log = _run(["cluster", "--nodes", "2P1M1S",
				    "--until-ready", "--", "fake=hang"])
	check(code == 0, f"exit {code}, want 0\n{err}")
	want = "cluster ready: processor0 processor1 memory2 storage3"
	check(want in out, f"no '{want}' in:\n{out}")


def _signal_kills_qemu(sig, want_code):
	with tempfile.TemporaryDirectory(prefix="tessera-launcher-") as tmp:
		proc, pidfile = _launch(tmp, ["cluster", "--timeout", "0",
					      "--", "fake=hang"], "sig")
		try:
			deadline = time.monotonic() + STARTUP_WAIT
			while (len(_pids(pidfile)) < 3 and
			       time.monotonic() < deadline):
				time.sleep(0.05)
			pids = _pids(pidfile)
			check(len(pids) == 3, f"fake QEMUs did not start: "
			      f"{pids}")
			proc.send_signal(sig)
			proc.communicate(timeout=60)
		finally:
			if proc.poll() is None:
				proc.kill()
				proc.wait()
		if want_code is not None:
			check(proc.returncode == want_code,
			      f"{signal.Signals(sig).name}: exit "
			      f"{proc.returncode}, want {want_code}")
		# After SIGKILL the kernel delivers the death signal to the
		# children asynchronously; give it a moment (not asserted).
		deadline = time.monotonic() + 10
		while (any(_alive(p) for p in pids) and
		       time.monotonic() < deadline):
			time.sleep(0.05)
		survivors = [p for p in pids if _alive(p)]
		for p in survivors:
			os.kill(p, signal.SIGKILL)
		check(not survivors, f"{signal.Signals(sig).name} left QEMU "
		      f"processes {survivors} behind")


def run_tests_failed_summary():
	"""tools/run-tests ends with one "failed: NAME — LOG" line per
	failure, each LOG explaining it, then "N passed, N failed" last
	(planted tests from test_run_tests.py, no boot)."""
	import test_run_tests as planted
	with tempfile.TemporaryDirectory(prefix="run-tests-") as tmp:
		rc, lines, out = planted._run(planted._tree(tmp, broken=True))
		want = {"host/test_broken": "not ok 1 - always",
			"host/test_flaky": "planted failure on odd run 1",
			"planted/planted_flaky": "planted failure on odd run 1"}
		check(rc == 1, f"exit status {rc}, want 1\n{out}")
		check(lines and lines[-1] == "3 passed, 3 failed",
		      f"last line {lines[-1] if lines else None!r}\n{out}")
		summary = lines[-1 - len(want):-1]
		got = {}
		for line in summary:
			name, sep, log = line.partition(" \u2014 ")
			check(name.startswith("failed: ") and sep,
			      f"not a 'failed: NAME \u2014 LOG' line: "
			      f"{line!r}\n{out}")
			got[name[len("failed: "):]] = log
		check(sorted(got) == sorted(want),
		      f"failed lines name {sorted(got)}, want "
		      f"{sorted(want)}\n{out}")
		for name, text in want.items():
			log = got[name]
			check(os.path.isfile(log), f"{name}: no log {log}")
			with open(log) as f:
				check(text in f.read(), f"{name}: {log} does "
				      f"not say '{text}'")


def parameters_doc_current():
	"""Documentation/parameters.md is what scripts/gen-params-doc makes
	from today's PARAM_* definitions, and names every one of them."""
	gen = os.path.join(ROOT, "scripts", "gen-params-doc")
	res = subprocess.run([gen, "--check"], stdout=subprocess.PIPE,
			     stderr=subprocess.STDOUT, text=True, timeout=60)
	check(res.returncode == 0, f"Documentation/parameters.md is stale "
	      f"(run scripts/gen-params-doc): {res.stdout}")
	res = subprocess.run(["grep", "-rhoE", "--include=*.c",
			      r"^\s*PARAM_[A-Z]+\(\s*\"[^\"]+\"",
			      "arch", "kernel", "mm", "lib", "drivers", "net",
			      "managers"], cwd=ROOT, stdout=subprocess.PIPE,
			     text=True)
	names = {l.split('"')[1] for l in res.stdout.splitlines()}
	with open(os.path.join(ROOT, "Documentation", "parameters.md")) as f:
		doc = f.read()
	missing = sorted(n for n in names if f"| `{n}` |" not in doc)
	check(len(names) > 40 and not missing,
	      f"{len(names)} PARAM_ names; not in parameters.md: {missing}")


def sigint_cleanup():
	_signal_kills_qemu(signal.SIGINT, 130)


def sigterm_cleanup():
	_signal_kills_qemu(signal.SIGTERM, 143)


def sigkill_cleanup():
	_signal_kills_qemu(signal.SIGKILL, -signal.SIGKILL)


SCENARIOS = [
	("launcher_exit_codes", exit_codes),
	("launcher_timeout", timeout),
	("launcher_until_ready", until_ready),
	("launcher_halted_after_oops", halted_after_oops),
	("launcher_cluster_layout", cluster_layout),
	("launcher_run_tests_failed_summary", run_tests_failed_summary),
	("launcher_parameters_doc", parameters_doc_current),
	("launcher_sigint_cleanup", sigint_cleanup),
	("launcher_sigterm_cleanup", sigterm_cleanup),
	("launcher_sigkill_cleanup", sigkill_cleanup),
]
