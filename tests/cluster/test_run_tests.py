# SPDX-License-Identifier: GPL-2.0
"""tools/run-tests checks itself, without booting: planted tests in a
temporary build dir (host layer) and scenario dir (cluster layer) that fail
on odd runs, run with --repeat, must be reported with their failure counts;
--only must select by substring and glob and fail when it matches nothing.
Each run of the tool takes about a second."""

import os
import re
import stat
import subprocess
import sys
import tempfile

from clusterlib import ROOT, check

RUN_TESTS = os.path.join(ROOT, "tools", "run-tests")
TIMEOUT = 120

# A host "test program": TAP, failing when its counter file's count is odd.
HOST_FLAKY = """#!/bin/sh
n=$(cat '{counter}' 2>/dev/null || echo 0)
n=$((n + 1))
echo $n > '{counter}'
echo 1..1
if [ $((n % 2)) -eq 1 ]; then
	echo "not ok 1 - planted failure on odd run $n"
	exit 1
fi
echo "ok 1 - even run $n"
"""

HOST_STEADY = """#!/bin/sh
echo 1..2
echo "ok 1 - one"
echo "ok 2 - two"
"""

HOST_SKIPPER = """#!/bin/sh
echo 1..3
echo "ok 1 - works"
echo "ok 2 - needs_disk # SKIP no scratch disk"
echo "ok 3 - needs_nic # SKIP no NIC"
"""

SCENARIO_SKIPPER = '''
from clusterlib import Skip


def needs_gdb():
	raise Skip("gdb not installed")


SCENARIOS = [("needs_gdb", needs_gdb)]
'''

HOST_BROKEN = """#!/bin/sh
echo 1..1
echo "not ok 1 - always"
exit 1
"""

PLANTED_SCENARIOS = '''
import os
from clusterlib import check

COUNTER = {counter!r}


def flaky():
	try:
		with open(COUNTER) as f:
			n = int(f.read())
	except OSError:
		n = 0
	n += 1
	with open(COUNTER, "w") as f:
		f.write(str(n))
	check(n % 2 == 0, f"planted failure on odd run {{n}}")


def steady():
	pass


SCENARIOS = [("planted_flaky", flaky), ("planted_steady", steady)]
'''


# A long step (as the Debian root's build is) seen through the runner.
SCENARIO_LONG_STEP = '''
import clusterlib
from clusterlib import check


def long_step():
	clusterlib.PROGRESS_EVERY = 0.3
	clusterlib.PROGRESS_AFTER = 0.5
	code, out = clusterlib.run_with_progress(
		["sh", "-c", "sleep 1.2; echo built"], "planted step", 30)
	check((code, out) == (0, "built\\n"), f"step gave {{code}} {{out!r}}")


SCENARIOS = [("long_step", long_step)]
'''


def progress_lines():
	"""clusterlib.run_with_progress() says how far a long step is
	through the runner's own printer, then that it is done."""
	with tempfile.TemporaryDirectory(prefix="run-tests-") as tmp:
		build = os.path.join(tmp, "build")
		cluster = os.path.join(tmp, "cluster")
		os.makedirs(build)
		os.makedirs(cluster)
		_write(os.path.join(build, "tessera.elf"), "")
		_write(os.path.join(cluster, "test_steps.py"),
		       SCENARIO_LONG_STEP.format())
		rc, lines, out = _run(["--build-dir", build, "--cluster-dir",
				       cluster, "--layer", "cluster",
				       "--runs-dir", os.path.join(tmp, "runs")])
	_expect(rc == 0, f"exit status {rc}", out)
	so_far = [l for l in lines
		  if re.fullmatch(r"# planted step: \d+ s so far", l)]
	_expect(len(so_far) >= 2, f"{len(so_far)} progress lines, want 2+",
		out)
	_expect(any(re.fullmatch(r"# planted step: done after \d+ s, "
				 r"status 0", l) for l in lines),
		"no 'done after' line", out)


def _write(path, text, exe=False):
	with open(path, "w") as f:
		f.write(text)
	if exe:
		os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)


def _tree(tmp, broken=False):
	"""A build dir with planted host tests and an empty tessera.elf, and
	a scenario dir; returns the arguments pointing run-tests at them."""
	build = os.path.join(tmp, "build")
	host = os.path.join(build, "host")
	cluster = os.path.join(tmp, "cluster")
	os.makedirs(host)
	os.makedirs(cluster)
	_write(os.path.join(build, "tessera.elf"), "")
	_write(os.path.join(host, "test_flaky"),
	       HOST_FLAKY.format(counter=os.path.join(tmp, "host.count")),
	       exe=True)
	_write(os.path.join(host, "test_steady"), HOST_STEADY, exe=True)
	if broken:
		_write(os.path.join(host, "test_broken"), HOST_BROKEN,
		       exe=True)
	_write(os.path.join(cluster, "test_planted.py"),
	       PLANTED_SCENARIOS.format(
		       counter=os.path.join(tmp, "scn.count")))
	return ["--build-dir", build, "--cluster-dir", cluster,
		"--layer", "host", "--layer", "cluster",
		"--runs-dir", os.path.join(tmp, "runs")]


def _run(args):
	res = subprocess.run([sys.executable, RUN_TESTS] + args,
			     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
			     stdin=subprocess.DEVNULL, text=True,
			     errors="replace", timeout=TIMEOUT)
	lines = res.stdout.rstrip("\n").splitlines()
	return res.returncode, lines, res.stdout


def _expect(cond, msg, out):
	check(cond, f"{msg}\n--- run-tests output:\n{out}")


def repeat_reports_flaky():
	"""--repeat 4 over tests failing on runs 1 and 3: each is reported
	as failed 2 of 4, the last line sums the four runs, exit 1."""
	with tempfile.TemporaryDirectory(prefix="run-tests-") as tmp:
		rc, lines, out = _run(_tree(tmp) + ["--repeat", "4"])
	_expect(rc == 1, f"exit status {rc}, wanted 1", out)
	for name in ("host/test_flaky", "planted/planted_flaky"):
		_expect(f"flaky: {name} failed 2 of 4 runs" in lines,
			f"no 'flaky: {name} failed 2 of 4 runs' line", out)
	_expect(not any("steady" in l for l in lines
			if l.startswith(("flaky:", "failing:"))),
		"a steady test is reported as failing", out)
	# Per run: 1 + 2 host TAP results and 2 scenarios, of which 2 fail
	# on odd runs.
	_expect(lines and lines[-1] == "16 passed, 4 failed",
		f"last line {lines[-1] if lines else None!r}, wanted "
		"'16 passed, 4 failed'", out)


def repeat_reports_always_failing():
	"""A test failing every run is 'failing: ... N of N', not flaky;
	--only with a glob and a substring selects just those tests."""
	with tempfile.TemporaryDirectory(prefix="run-tests-") as tmp:
		rc, lines, out = _run(_tree(tmp, broken=True) +
				      ["--repeat", "3",
				       "--only", "test_br*,planted_steady"])
	_expect(rc == 1, f"exit status {rc}, wanted 1", out)
	_expect("failing: host/test_broken failed 3 of 3 runs" in lines,
		"no 'failing: host/test_broken failed 3 of 3 runs'", out)
	_expect(not any("flaky" in l for l in lines),
		"--only ran tests it does not match", out)
	_expect(lines and lines[-1] == "3 passed, 3 failed",
		f"last line {lines[-1] if lines else None!r}, wanted "
		"'3 passed, 3 failed'", out)


def repeat_all_pass():
	"""Repeating only steady tests passes, exit 0, no flaky lines."""
	with tempfile.TemporaryDirectory(prefix="run-tests-") as tmp:
		rc, lines, out = _run(_tree(tmp) + ["--repeat", "2",
						    "--only", "steady"])
	_expect(rc == 0, f"exit status {rc}, wanted 0", out)
	_expect(not any(l.startswith(("flaky:", "failing:"))
			for l in lines), "a flaky line with nothing failing",
		out)
	_expect(lines and lines[-1] == "6 passed, 0 failed",
		f"last line {lines[-1] if lines else None!r}, wanted "
		"'6 passed, 0 failed'", out)


def only_without_match_fails():
	"""--only that matches nothing is a failure naming the pattern,
	for a run and for --list; so is one of several patterns."""
	with tempfile.TemporaryDirectory(prefix="run-tests-") as tmp:
		args = _tree(tmp)
		rc, lines, out = _run(args + ["--only", "no_such_test_xyz"])
		_expect(rc != 0, "--only with no match exited 0", out)
		_expect("no_such_test_xyz" in out,
			"the message does not name the pattern", out)
		_expect(lines and lines[-1] == "0 passed, 1 failed",
			f"last line {lines[-1] if lines else None!r}", out)
		rc, lines, out = _run(args + ["--only", "steady,nomatch_q*"])
		_expect(rc != 0 and "nomatch_q*" in out,
			"one unmatched pattern of two is not reported", out)
		_expect(not os.path.exists(os.path.join(tmp, "host.count")),
			"tests ran although a pattern matched nothing", out)
		rc, lines, out = _run(args + ["--list", "--only", "zzz_none"])
		_expect(rc != 0 and "zzz_none" in out,
			"--list with no match exited 0", out)


def skips_need_a_reason_to_be_expected():
	"""A skip is a skip only when tests/expected-skips (here a planted
	list) allows its name with its reason; any other skip fails, named;
	--allow-skips counts them all as skips."""
	with tempfile.TemporaryDirectory(prefix="run-tests-") as tmp:
		build = os.path.join(tmp, "build")
		cluster = os.path.join(tmp, "cluster")
		os.makedirs(os.path.join(build, "host"))
		os.makedirs(cluster)
		_write(os.path.join(build, "tessera.elf"), "")
		_write(os.path.join(build, "host", "test_skipper"),
		       HOST_SKIPPER, exe=True)
		_write(os.path.join(cluster, "test_skipping.py"),
		       SCENARIO_SKIPPER)
		allow = os.path.join(tmp, "expected-skips")
		# needs_nic is listed, but for another reason: not allowed.
		_write(allow, "# planted\n"
		       "host/test_skipper/needs_disk  no scratch disk\n"
		       "host/test_skipper/needs_nic   no driver\n")
		args = ["--build-dir", build, "--cluster-dir", cluster,
			"--layer", "host", "--layer", "cluster",
			"--runs-dir", os.path.join(tmp, "runs"),
			"--expected-skips", allow]
		rc, lines, out = _run(args)
		_expect(rc == 1, f"exit status {rc}, wanted 1", out)
		for name in ("host/test_skipper/needs_nic",
			     "skipping/needs_gdb"):
			_expect(any(l.startswith(f"not ok - {name}: unexpected "
						 "skip") for l in lines),
				f"{name}'s skip is not a failure", out)
		_expect(not any("needs_disk" in l and "not ok" in l
				for l in lines),
			"an expected skip was reported as a failure", out)
		_expect(lines and lines[-1] == "1 passed, 2 failed, 1 skipped",
			f"last line {lines[-1] if lines else None!r}, wanted "
			"'1 passed, 2 failed, 1 skipped'", out)
		rc, lines, out = _run(args + ["--allow-skips"])
		_expect(rc == 0, f"--allow-skips: exit status {rc}", out)
		_expect(lines and lines[-1] == "1 passed, 0 failed, 3 skipped",
			f"last line {lines[-1] if lines else None!r}, wanted "
			"'1 passed, 0 failed, 3 skipped'", out)


def junit_report():
	"""--junit FILE: every result line becomes a testcase in a valid
	JUnit XML file; the failing one carries its message and log path,
	the skipped one its reason; counts agree with what was run."""
	import xml.etree.ElementTree as ET

	with tempfile.TemporaryDirectory(prefix="run-tests-") as tmp:
		args = _tree(tmp, broken=True)
		_write(os.path.join(tmp, "cluster", "test_skipping.py"),
		       SCENARIO_SKIPPER)
		allow = os.path.join(tmp, "expected-skips")
		_write(allow, "skipping/needs_gdb  gdb not installed\n")
		xml = os.path.join(tmp, "results.xml")
		rc, lines, out = _run(args + ["--expected-skips", allow,
					      "--junit", xml])
		_expect(rc == 1, f"exit status {rc}, wanted 1", out)
		try:
			root = ET.parse(xml).getroot()
		except (OSError, ET.ParseError) as e:
			_expect(False, f"no valid JUnit XML: {e}", out)
	cases = {f"{tc.get('classname')}.{tc.get('name')}": tc
		 for tc in root.iter("testcase")}
	_expect(root.tag == "testsuites" and root.get("tests") ==
		str(len(cases)), f"root {root.tag} tests={root.get('tests')}, "
		f"{len(cases)} testcases", out)
	want = {"host.test_flaky", "host.test_steady", "host.test_broken",
		"planted.planted_flaky", "planted.planted_steady",
		"skipping.needs_gdb"}
	_expect(want <= set(cases), f"testcases {sorted(cases)}, want at "
		f"least {sorted(want)}", out)
	failed = {n for n, tc in cases.items()
		  if tc.find("failure") is not None}
	# The first run: the flaky tests fail (odd run), and the broken one.
	_expect(failed == {"host.test_flaky", "host.test_broken",
			   "planted.planted_flaky"},
		f"failures {sorted(failed)}", out)
	planted = cases["planted.planted_flaky"].find("failure")
	_expect("planted failure on odd run 1" in planted.get("message", ""),
		f"failure message {planted.get('message')!r}", out)
	_expect("log: " in (planted.text or ""),
		f"no log path in the failure: {planted.text!r}", out)
	skipped = cases["skipping.needs_gdb"].find("skipped")
	_expect(skipped is not None and "gdb not installed" in
		skipped.get("message", ""), "the skip has no reason", out)
	_expect(root.get("failures") == "3" and root.get("skipped") == "1",
		f"failures={root.get('failures')} skipped="
		f"{root.get('skipped')}, want 3 and 1", out)


SCENARIOS = [
	("run_tests_progress", progress_lines),
	("run_tests_junit", junit_report),
	("run_tests_skips_expected", skips_need_a_reason_to_be_expected),
	("run_tests_repeat_flaky", repeat_reports_flaky),
	("run_tests_repeat_failing", repeat_reports_always_failing),
	("run_tests_repeat_pass", repeat_all_pass),
	("run_tests_only_no_match", only_without_match_fails),
]
