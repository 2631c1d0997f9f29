# SPDX-License-Identifier: GPL-2.0
"""The pcache under pressure, local mode (`tessera run --local`).

tests/user/pcache_pattern writes a deterministic pattern over 4x and 8x a
1 MiB pcache (64 sets x 4 ways), from 1 and 4 threads, in sequential,
random and strided page order, plus a conflict run whose pages all fall
in one set, and checks every byte (twice: a second pattern overwrites the
first).  One boot per eviction policy x mechanism runs all of them; the
program's output must equal the native run's and every run must exit 0.
`--stats` must report what each mechanism is expected to do (evictions,
write-backs carried by misses, victim hits, no allocation errors).  The
other user programs (tests/user) must still match native runs with a
pcache smaller than their memory.  One boot on the remote backend over
FIT loopback (`--loopback`, 2 CPUs) runs 4-thread patterns with
piggybacking off and miss timing on: every dirty victim then takes its
own write-back, and every miss lands in exactly one latency histogram.

Issue 19 (a victim write-back preempted under spinning waiters locked
up local mode): pcache_victim_ktest runs the KTAP suite pcache_victim at
1, 2 and 4 CPUs; the victim-cache boots and pcache_victim_stall_* (local
-smp 4, remote -smp 2 and 4) run with pcache.debug_flush_stall_ms=1,
which made the lock-up certain within a second before the fix, and
assert that no wait found a write-back off its CPU."""

import os
import re
import subprocess

import clusterlib
from clusterlib import check, kernel_image
import test_user

ROOT = clusterlib.ROOT
TIMEOUT = 240
PCACHE = "pcache=1M pcache.ways=4 pcache.check_alloc=1"
SET_STRIDE = "256K"		# 64 sets x 4 KiB: every page in one set

WORKLOADS = [
	["seq", "4M", "1"],
	["seq", "8M", "4"],
	["random", "4M", "4"],
	["stride", "8M", "1"],
	["conflict", "4M", "4", SET_STRIDE],
]

STATS_RE = re.compile(r"pcache: stats (.*)")
# Issue 19: a victim write-back that can lose its CPU stalls there 1 ms.
STALL = "pcache.debug_flush_stall_ms=1"
STALL_RE = r"victim write-back by .* preempted while"


def run(name, runs, append, smp=None, mode="--local", stats=True):
	"""Boot once and run each argv of @runs in order (with --stats
	unless @stats is false); returns (exit status, stdout, stderr,
	serial log)."""
	run_dir = os.path.join(clusterlib._runs_dir(), name)
	cmd = [os.path.join(ROOT, "tools", "tessera"), "run", mode,
	       "--run-dir", run_dir, "--kernel-image", kernel_image(),
	       "--timeout", str(TIMEOUT)]
	if stats:
		cmd.append("--stats")
	if append:
		cmd += ["--append", append]
	for e in test_user.ENV:
		cmd += ["--env", e]
	if smp:
		cmd += ["--smp", str(smp)]
	for argv in runs[1:]:
		cmd += ["--also", " ".join(argv)]
	cmd += ["--"] + runs[0]
	with clusterlib.qemu_slots(1):
		res = subprocess.run(cmd, stdin=subprocess.DEVNULL,
				     stdout=subprocess.PIPE,
				     stderr=subprocess.PIPE,
				     timeout=TIMEOUT + 60)
	with open(os.path.join(run_dir, "serial.log"), errors="replace") as f:
		log = f.read()
	return res.returncode, res.stdout, res.stderr, log


def stats_of(text):
	"""Every pcache stats line of @text as a dict."""
	out = []
	for m in STATS_RE.finditer(text):
		out.append(dict(kv.split("=", 1) for kv in m.group(1).split()))
	return out


def check_native_and_stats(where, code, out, want, err, nr_runs):
	"""Status 0, stdout equal to the native runs', one --stats line per
	run; returns the stats lines."""
	check(code == 0, f"{where}: launcher status {code}")
	check(out == want, f"{where}: output differs from native\n--- native\n"
	      f"{want.decode(errors='replace')}--- tessera\n"
	      f"{out.decode(errors='replace')}")
	stats = stats_of(err.decode(errors="replace"))
	check(len(stats) == nr_runs,
	      f"{where}: {len(stats)} stats lines from --stats, want {nr_runs}")
	return stats


def pattern_matrix(policy, mechanism):
	prog = test_user.program("pcache_pattern")
	runs = [[prog] + w for w in WORKLOADS]
	want = b"".join(test_user.native(r)[1] for r in runs)
	append = f"{PCACHE} pcache.policy={policy} pcache.mechanism={mechanism}"
	if mechanism == "victim":
		append += f" {STALL}"
	code, out, err, log = run(f"pcache-{policy}-{mechanism}", runs, append,
				  smp=2)
	where = f"pcache {policy}/{mechanism}"
	check(not re.search(clusterlib.OOPS_RE, log), f"{where}: kernel oops")
	check(f"policy {policy}, mechanism {mechanism}" in log,
	      f"{where}: the pcache did not come up as asked")
	for i in range(len(runs)):
		check(re.search(rf"program exit run={i} pid=\d+ status=0\b", log),
		      f"{where}: run {i} ({' '.join(WORKLOADS[i])}) did not "
		      f"exit 0")
	stats = check_native_and_stats(where, code, out, want, err,
				       len(runs))
	last = {k: (int(v) if v.isdigit() else v) for k, v in stats[-1].items()}
	# Counters are cumulative over the boot: 4x and 8x the cache filled
	# twice and read twice cannot fit.
	check(last["sets"] == 64 and last["ways"] == 4,
	      f"{where}: geometry {last['sets']} x {last['ways']}")
	check(last["misses"] > 2 * (4 << 20) // 4096,
	      f"{where}: only {last['misses']} misses")
	check(last["evictions"] > last["misses"] // 2,
	      f"{where}: only {last['evictions']} evictions")
	check(last["flushes"] > 0, f"{where}: nothing written back")
	check(last["alloc_errors"] == 0,
	      f"{where}: {last['alloc_errors']} allocations on the miss path")
	if mechanism == "perset":
		check(last["piggybacks"] > 0 and last["clean_drops"] > 0,
		      f"{where}: no piggybacked flush or no clean drop")
		check(last["victim_hits"] == 0, f"{where}: victim hits")
	else:
		check(last["victim_inserts"] == last["evictions"],
		      f"{where}: {last['victim_inserts']} victim inserts for "
		      f"{last['evictions']} evictions")
		check(last["victim_hits"] > 0,
		      f"{where}: the conflict run had no victim hit")
		check(last["piggybacks"] == 0, f"{where}: piggybacks")
		check_no_stalled_waits(where, last, log)
	if policy == "fifo":
		check(last["hits_sampled"] == 0,
		      f"{where}: FIFO looked at accessed bits")
	else:
		check(last["hits_sampled"] > 0,
		      f"{where}: LRU saw no accessed bit")


def check_no_stalled_waits(where, last, log):
	"""No thread ever spun for a victim write-back that was off its CPU
	(the issue-19 deadlock's first step)."""
	check(int(last["victim_stalled_waits"]) == 0,
	      f"{where}: {last['victim_stalled_waits']} waits on a preempted "
	      f"victim write-back")
	check(not re.search(STALL_RE, log),
	      f"{where}: a victim write-back was preempted under a waiter")


def victim_stall(mode, policy, smp):
	"""The victim cache with pcache.debug_flush_stall_ms=1: every
	write-back that could be preempted between marking its slot FLUSHING
	and finishing sleeps there instead.  Before the issue-19 fix this
	locked up local mode (both CPUs spinning, one on the slot, one on
	the address-space lock) within a second; the remote backend's
	write-backs may sleep, so there the stall is taken, and must be
	harmless.  4-thread patterns must match native, every byte."""
	prog = test_user.program("pcache_pattern")
	runs = [[prog, "random", "4M", "4"],
		[prog, "conflict", "2M", "4", SET_STRIDE]]
	want = b"".join(test_user.native(r)[1] for r in runs)
	name = f"pcache-stall-{mode.strip('-')}-{policy}-smp{smp}"
	code, out, err, log = run(name, runs,
				  f"{PCACHE} pcache.policy={policy} "
				  f"pcache.mechanism=victim {STALL}",
				  smp=smp, mode=mode)
	where = f"victim stall {mode} {policy} -smp {smp}"
	check(not re.search(clusterlib.OOPS_RE, log), f"{where}: kernel oops")
	stats = check_native_and_stats(where, code, out, want, err,
				       len(runs))
	last = stats[-1]
	check(int(last["victim_inserts"]) > 0 and int(last["flushes"]) > 0,
	      f"{where}: the victim cache wrote nothing back")
	check(int(last["alloc_errors"]) == 0,
	      f"{where}: allocations on the miss path")
	check_no_stalled_waits(where, last, log)


def victim_ktest():
	"""KTAP suite pcache_victim on a processor with a victim cache, at
	1, 2 and 4 CPUs: the issue-19 reproduction (a write-back stalled at
	its preemption point under a spinning waiter) must find none, every
	case must run (no skip)."""
	for smp in (1, 2, 4):
		b = clusterlib.boot(f"pcache-victim-ktest-smp{smp}",
				    role="processor", node=0, smp=smp,
				    args=["ktest=pcache_victim",
					  "pcache.mechanism=victim",
					  "processor.memory_node=local"],
				    timeout=120)
		m = [re.search(r"# ktest: (\d+) passed, (\d+) failed, "
			       r"(\d+) skipped", l) for l in b.lines]
		m = [x for x in m if x]
		b.expect(m, f"-smp {smp}: no ktest summary line")
		res = tuple(int(x) for x in m[0].groups())
		b.expect(res == (2, 0, 0),
			 f"-smp {smp}: pcache_victim {res[0]} passed, {res[1]} "
			 f"failed, {res[2]} skipped; want 2 passed")
		b.expect(b.code == clusterlib.EXIT_OK,
			 f"-smp {smp}: ktest boot status {b.code}")


def lru_perset():
	pattern_matrix("lru", "perset")


def fifo_perset():
	pattern_matrix("fifo", "perset")


def lru_victim():
	pattern_matrix("lru", "victim")


def fifo_victim():
	pattern_matrix("fifo", "victim")


def user_programs_small_pcache():
	"""memory (16 MiB pattern, mprotect, DONTNEED, munmap, heap) over 2x
	an 8 MiB pcache, and threads on 2 CPUs: same as native."""
	progs = [[test_user.program("memory")], [test_user.program("threads")],
		 [test_user.program("hello"), "a", "b"]]
	want = b"".join(test_user.native(p)[1] for p in progs)
	code, out, err, log = run("pcache-user", progs,
				  "pcache=8M pcache.ways=8", smp=2)
	check(not re.search(clusterlib.OOPS_RE, log), "kernel oops")
	check(out == want, f"output differs from native\n--- native\n"
	      f"{want.decode(errors='replace')}--- tessera\n"
	      f"{out.decode(errors='replace')}")
	check(re.search(r"program exit run=1 pid=\d+ status=0\b", log),
	      "threads did not exit 0")
	stats = stats_of(err.decode(errors="replace"))
	check(stats and int(stats[0]["evictions"]) > 0,
	      "memory ran without evicting anything")


LAT_RE = re.compile(r"pcache: latency kind=(\w+) n=(\d+) median_ns=(\d+) "
		    r"p99_ns=(\d+) mean_ns=\d+")


def remote_no_piggyback():
	"""Loopback remote backend, pcache.piggyback=0, pcache.latency, 2
	CPUs: 4-thread patterns match native; no piggyback, write-backs by
	their own call; per program, the latency histograms count exactly
	the misses its stats line adds; no allocation on the miss path
	(pcache.check_alloc marks the faulting task, which sleeps in FIT
	calls and may wake on another CPU)."""
	prog = test_user.program("pcache_pattern")
	runs = [[prog, "seq", "4M", "4"],
		[prog, "conflict", "2M", "4", SET_STRIDE]]
	want = b"".join(test_user.native(r)[1] for r in runs)
	code, out, err, log = run("pcache-remote", runs,
				  "pcache=1M pcache.ways=4 pcache.piggyback=0 "
				  "pcache.latency pcache.check_alloc=1",
				  smp=2, mode="--loopback")
	where = "pcache remote, no piggyback"
	check(not re.search(clusterlib.OOPS_RE, log), f"{where}: kernel oops")
	check("no piggyback, latency histograms" in log,
	      f"{where}: the pcache did not come up as asked")
	check(code == 0, f"{where}: launcher status {code}")
	check(out == want, f"{where}: output differs from native\n--- native\n"
	      f"{want.decode(errors='replace')}--- tessera\n"
	      f"{out.decode(errors='replace')}")
	parts = STATS_RE.split(log)
	stats = [dict(kv.split("=", 1) for kv in parts[i].split())
		 for i in range(1, len(parts), 2)]
	check(len(stats) == len(runs),
	      f"{where}: {len(stats)} stats lines, want {len(runs)}")
	check(all(st["alloc_errors"] == "0" for st in stats),
	      f"{where}: allocations on the miss path: {stats}")
	prev = 0
	for i, st in enumerate(stats):
		misses = int(st["misses"]) - prev
		prev = int(st["misses"])
		lat = {m[0]: [int(x) for x in m[1:]]
		       for m in LAT_RE.findall(parts[2 * i + 2])}
		total = sum(v[0] for v in lat.values())
		check(total == misses,
		      f"{where}: run {i}: {total} timed misses, stats say "
		      f"{misses}")
		check("piggyback" not in lat,
		      f"{where}: run {i}: a piggybacked miss")
		check(lat.get("flush", [0])[0] > 0,
		      f"{where}: run {i}: no miss with its own write-back")
		check(all(0 < v[1] <= v[2] for v in lat.values()),
		      f"{where}: run {i}: median above p99 or zero: {lat}")
	last = stats[-1]
	check(int(last["piggybacks"]) == 0 and int(last["flushes"]) > 0,
	      f"{where}: piggybacks={last['piggybacks']} "
	      f"flushes={last['flushes']}")


def bad_geometry_falls_back():
	"""A pcache too small for one set is refused with a message; programs
	still run (backend pages mapped directly)."""
	prog = test_user.program("hello")
	code, out, err, log = run("pcache-bad", [[prog]],
				  "pcache=16K pcache.ways=8")
	check("no such geometry" in log, "bad geometry not reported")
	check(code == 3, f"hello: exit status {code}, want 3")


# About a minute each: started first (run-tests).
SLOW = {"pcache_lru_victim", "pcache_fifo_victim"}

SCENARIOS = [
	("pcache_lru_perset", lru_perset),
	("pcache_fifo_perset", fifo_perset),
	("pcache_lru_victim", lru_victim),
	("pcache_fifo_victim", fifo_victim),
	("pcache_user_programs", user_programs_small_pcache),
	("pcache_remote_no_piggyback", remote_no_piggyback),
	("pcache_bad_geometry", bad_geometry_falls_back),
	("pcache_victim_ktest", victim_ktest),
	("pcache_victim_stall_local_fifo_smp4",
	 lambda: victim_stall("--local", "fifo", 4)),
	("pcache_victim_stall_remote_fifo_smp2",
	 lambda: victim_stall("--loopback", "fifo", 2)),
	("pcache_victim_stall_remote_lru_smp4",
	 lambda: victim_stall("--loopback", "lru", 4)),
]
