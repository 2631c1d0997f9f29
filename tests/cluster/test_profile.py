# SPDX-License-Identifier: GPL-2.0
"""The run profiler (processor.profile=1, kernel/profile.c).

One boot of three nodes (processor0, memory1, storage2) with a 1 MiB
pcache runs tests/user/pcache_pattern (4 threads writing and checking
4 MiB: remote misses, evictions, futex waits for the joins) and then
tests/user/hello; after each the processor prints its "profile:" lines.
Both programs' output must equal a native run's, and the lines must add
up against numbers the profiler does not make itself:

  - per run, user + kernel + idle == samples, the per-CPU lines sum to the
    total line, and no kernel symbol or user page has more samples than
    its class;
  - accounted miss round trips == the pcache's own miss counter for that
    run (the difference of two --stats lines), minus victim-cache hits,
    plus fills that came back stale and fills of vDSO pages (all but the
    last are 0 in this configuration
    unless the pcache says otherwise);
  - each syscall hello made, as listed, has the count `strace -f -c`
    finds in the native run (execve excepted: Tessera's first exec is not
    a syscall; exit_group never returns and is not timed), and the listed
    counts and times never exceed the totals line.

profile_off boots the same hello without the parameter: no "profile:"
line at all.
"""

import os
import re
import subprocess
import tempfile

import clusterlib
from clusterlib import check, kernel_image
import test_user

ROOT = clusterlib.ROOT
TIMEOUT = 300
PCACHE = "pcache=1M pcache.ways=4"

PROF_RE = re.compile(r"profile: run=(\d+) (.*)")
STATS_RE = re.compile(r"pcache: stats (.*)")
COUNTERS = ("misses", "victim_hits", "fills_stale", "special_fills")


def _kv(text):
	return dict(kv.split("=", 1) for kv in text.split() if "=" in kv)


def _run(name, runs, append):
	run_dir = os.path.join(clusterlib.runs_dir(), name)
	cmd = [os.path.join(ROOT, "tools", "tessera"), "run", "--run-dir",
	       run_dir, "--kernel-image", kernel_image(), "--timeout",
	       str(TIMEOUT), "--stats", "--append", append]
	for e in test_user.ENV:
		cmd += ["--env", e]
	for argv in runs[1:]:
		cmd += ["--also", " ".join(argv)]
	cmd += ["--"] + runs[0]
	with clusterlib.qemu_slots(3):
		res = subprocess.run(cmd, stdin=subprocess.DEVNULL,
				     stdout=subprocess.PIPE,
				     stderr=subprocess.PIPE,
				     timeout=TIMEOUT + 120)
	with open(os.path.join(run_dir, "processor0", "serial.log"),
		  errors="replace") as f:
		log = f.read()
	return res.returncode, res.stdout, log


def _native_syscalls(argv):
	"""{name: calls} of @argv run natively under strace -f -c."""
	with tempfile.NamedTemporaryFile("r") as out:
		subprocess.run(["strace", "-f", "-c", "-o", out.name] + argv,
			       env=dict(e.split("=", 1) for e in test_user.ENV),
			       stdin=subprocess.DEVNULL,
			       stdout=subprocess.DEVNULL)
		counts = {}
		for line in out.read().splitlines():
			f = line.split()
			# % time, seconds, usecs/call, calls, [errors,] name
			if len(f) >= 5 and f[3].isdigit() and f[-1] != "total":
				counts[f[-1]] = int(f[3])
	return counts


def _profile_of(log):
	"""{run: [(kind, fields)]} of every "profile:" line."""
	runs = {}
	for m in PROF_RE.finditer(log):
		rest = m.group(2)
		kind = rest.split()[0] if "=" not in rest.split()[0] else ""
		runs.setdefault(int(m.group(1)), []).append((kind, _kv(rest)))
	return runs


def _check_samples(where, lines):
	total = [f for k, f in lines if k == "" and "samples" in f and
		 "cpu" not in f]
	check(len(total) == 1, f"{where}: {len(total)} sample totals")
	t = {k: int(v) for k, v in total[0].items() if v.isdigit()}
	check(t["user"] + t["kernel"] + t["idle"] == t["samples"],
	      f"{where}: user+kernel+idle != samples: {t}")
	check(t["samples"] > 0, f"{where}: no tick samples")
	cpus = [f for k, f in lines if k == "" and "cpu" in f]
	check(cpus, f"{where}: no per-CPU sample line")
	for key in ("samples", "user", "kernel", "idle"):
		s = sum(int(f[key]) for f in cpus)
		check(s == t[key], f"{where}: per-CPU {key} sum {s} != {t[key]}")
	ksyms = [int(f["samples"]) for k, f in lines if k == "ksym"]
	upages = [int(f["samples"]) for k, f in lines if k == "upage"]
	check(sum(ksyms) <= t["kernel"] and sum(upages) <= t["user"],
	      f"{where}: symbol/page samples above their class: {ksyms} "
	      f"{upages} {t}")
	check(ksyms == sorted(ksyms, reverse=True) and
	      upages == sorted(upages, reverse=True),
	      f"{where}: top lists out of order")
	if t["user"]:
		check(upages, f"{where}: user samples but no user page")
	return t


def _check_syscalls(where, lines, native):
	tot = [f for k, f in lines if k == "syscalls"]
	check(len(tot) == 1, f"{where}: {len(tot)} syscall totals")
	listed = [f for k, f in lines if k == "syscall"]
	check(listed, f"{where}: no syscall listed")
	check(sum(int(f["count"]) for f in listed) <= int(tot[0]["count"]),
	      f"{where}: listed syscalls above the total")
	times = [int(f["total_us"]) for f in listed]
	check(times == sorted(times, reverse=True),
	      f"{where}: syscalls not in order of time: {times}")
	check(sum(times) <= int(tot[0]["total_us"]) + len(times),
	      f"{where}: listed syscall time above the total")
	if native is None:
		return
	for f in listed:
		if f["name"] == "execve":
			continue
		check(native.get(f["name"]) == int(f["count"]),
		      f"{where}: {f['name']} called {f['count']} times, "
		      f"natively {native.get(f['name'])}")


def profile_counts():
	pat = test_user.program("pcache_pattern")
	hello = test_user.program("hello")
	runs = [[pat, "seq", "4M", "4"], [hello]]
	want = b"".join(test_user.native(r)[1] for r in runs)
	native_sc = _native_syscalls(runs[1])
	code, out, log = _run("profile-counts", runs,
			      PCACHE + " processor.profile=1")
	where = "profile: serial log in runs/.../profile-counts/processor0/serial.log"
	check(not re.search(clusterlib.OOPS_RE, log), f"{where}: kernel oops")
	check(code == test_user.native(runs[0])[0],
	      f"{where}: launcher status {code}")
	check(out == want, f"{where}: output differs from native")
	prof = _profile_of(log)
	check(sorted(prof) == [0, 1], f"{where}: profiled runs {sorted(prof)}")
	stats = [_kv(m.group(1)) for m in STATS_RE.finditer(log)]
	check(len(stats) == 2, f"{where}: {len(stats)} pcache stats lines")
	prev = dict.fromkeys(COUNTERS, "0")
	for run in (0, 1):
		w = f"{where}: run {run}"
		lines = prof[run]
		check(lines[-1][0] == "end", f"{w}: no end line")
		_check_samples(w, lines)
		waits = {f["kind"]: f for k, f in lines if k == "wait"}
		check(sorted(waits) == ["futex", "miss", "sleep", "storage"],
		      f"{w}: wait kinds {sorted(waits)}")
		st = stats[run]
		d = {k: int(st[k]) - int(prev[k]) for k in COUNTERS}
		prev = st
		want_misses = d["misses"] - d["victim_hits"] + \
			d["fills_stale"] + d["special_fills"]
		check(int(waits["miss"]["count"]) == want_misses,
		      f"{w}: {waits['miss']['count']} accounted misses, the "
		      f"pcache counted {want_misses} ({d})")
		check(want_misses > 0, f"{w}: no miss at all")
		_check_syscalls(w, lines, native_sc if run == 1 else None)


def profile_off():
	hello = test_user.program("hello")
	code, out, _, log = test_user.tessera_run("profile-off", [hello])
	where = "profile off: serial log in runs/.../profile-off/serial.log"
	check((code, out) == test_user.native([hello])[:2],
	      f"{where}: hello's status or output differs from native")
	check("profile:" not in log, f"{where}: profile lines while off")


SCENARIOS = [
	("profile_counts", profile_counts),
	("profile_off", profile_off),
]
