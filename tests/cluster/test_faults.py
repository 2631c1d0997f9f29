# SPDX-License-Identifier: GPL-2.0
"""Fault injection on three nodes (issue 16 part 8).

  alloc_memory      memory1 fails one page/slab allocation in 300
  alloc_storage     storage2 fails one in 8
  alloc_processor   processor0 fails one in 100
                    (mm.fail_alloc=, seeded, from the ready marker on)
                    while tests/user/faultload.c writes, fsyncs and reads
                    back files and pcache_pattern checks every byte of
                    memory through a pcache smaller than its data.  A
                    program may fail to start (ENOMEM: status 127), be
                    killed (out of memory: 137) or see errors it reports;
                    none may read a wrong byte (status 1, a "BAD" line),
                    no node may oops, and the launcher must come back
                    (no hang).  Afterwards, on the image: e2fsck only
                    replays the journal, and every file whose "synced"
                    line was printed holds its bytes (computed here, from
                    faultload's documented pattern).

  fabric_dup       memory1 hands one received frame in 10 over twice
  fabric_reorder   memory1 holds one in 10 back until after the next
  fabric_corrupt   memory1 flips one bit in one frame in 20
                   (net.dup=, net.reorder=, net.corrupt=, seeded by
                   net.fault_seed=) while processor0 echoes 0 B..1 MiB
                   to memory1 and storage2 over FIT (fittest=loss, as
                   fit/fit_loss): every echo verifies byte for byte, every
                   node ends ok, memory1's counters show the faults made
                   (netdev) and what caught them (rxe0: duplicates,
                   psn_seq_errors, icrc_errors), and processor0
                   retransmitted towards memory1 for reorder and corrupt.

The statuses and the counts of injected failures are printed ('#' lines)
for Documentation/reliability.md.
"""

import os
import re
import subprocess

import clusterlib
from clusterlib import check
import test_fit
import test_fs_write
import test_powercut
import test_user

TIMEOUT = 110		# per case; a clean run of each takes 10-60 s
OOPS_RE = re.compile(r"Oops|BUG:|Kernel panic|general protection|"
		     r"WARNING:|end status=panic")
STATUS_RE = re.compile(r"^\[launcher\] run \d+ \((.*)\): exit status (\d+)$")


def faultload_byte(i, k):
	return (k * 151 + i * 13 + (k >> 9)) & 0xff


def _content(i, size):
	return bytes(faultload_byte(i, k) for k in range(size))


def _root(name):
	"""A directory with the programs the cases run, and its image."""
	work = os.path.join(clusterlib.runs_dir(), name + "-work")
	subprocess.run(["rm", "-rf", work])
	root = os.path.join(work, "root")
	os.makedirs(root)
	for prog in ("faultload", "pcache_pattern"):
		subprocess.run(["cp", test_user.program(prog),
				os.path.join(root, prog)], check=True)
	img = os.path.join(work, "disk.ext4")
	test_fs_write._mke2fs(root, img, "64M")
	return work, img


def _run(name, img, argv, also=(), options=()):
	"""tessera run on three nodes with @img writable: (launcher status,
	stdout lines, stderr lines, {node dir: serial log})."""
	cmd = test_powercut._cmd(name, img, argv)
	at = cmd.index("--")
	extra = list(options)
	for a in also:
		extra += ["--also", a]
	cmd = cmd[:at] + ["--timeout", str(TIMEOUT)] + extra + cmd[at:]
	with clusterlib.qemu_slots(3):
		res = subprocess.run(cmd, stdin=subprocess.DEVNULL,
				     stdout=subprocess.PIPE,
				     stderr=subprocess.PIPE,
				     timeout=TIMEOUT + 60)
	run_dir = os.path.join(clusterlib.runs_dir(), name)
	logs = {}
	for node in ("processor0", "memory1", "storage2"):
		p = os.path.join(run_dir, node, "serial.log")
		logs[node] = open(p, errors="replace").read() \
			if os.path.exists(p) else ""
	return (res.returncode,
		res.stdout.decode(errors="replace").splitlines(),
		res.stderr.decode(errors="replace").splitlines(), logs)


def _no_oops(logs, where):
	for node, log in logs.items():
		bad = [ln for ln in log.splitlines() if OOPS_RE.search(ln)]
		check(not bad, f"{where}: {node}: {bad[:5]}")


def _check_image(img, files, where):
	"""e2fsck only replays; every synced file holds its bytes."""
	copy = img + ".fsck"
	subprocess.run(["cp", img, copy], check=True)
	test_powercut._fsck_only_replays(copy, where)
	work = img + ".dump"
	subprocess.run(["rm", "-rf", work])
	os.makedirs(work)
	with open(os.path.join(work, "cmds"), "w") as f:
		for d, i in files:
			f.write(f"dump /{d}/f{i} {work}/{d}-f{i}\n")
	subprocess.run(["debugfs", "-f", os.path.join(work, "cmds"), copy],
		       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
	for (d, i), size in sorted(files.items()):
		p = os.path.join(work, f"{d}-f{i}")
		got = open(p, "rb").read() if os.path.exists(p) else None
		check(got == _content(i, size),
		      f"{where}: /{d}/f{i} was synced but is "
		      f"{'missing' if got is None else f'{len(got)} bytes'}"
		      f", want {size} bytes of the pattern")


def _alloc_case(name, node, rate, seed):
	test_fs_write._tools()
	work, img = _root(name)
	where = f"{name}: logs in runs/.../{name}/"
	fail = f"mm.fail_alloc={rate} mm.fail_seed={seed}"
	option = {"processor0": "--append", "memory1": "--memory-append",
		  "storage2": "--storage-append"}[node]
	also = ["/pcache_pattern random 2097152 2", "/faultload /q 20",
		"/pcache_pattern seq 1048576 1", "/faultload -r /p 30",
		"/faultload -r /q 20"]
	code, out, err, logs = _run(name, img, ["/faultload", "/p", "30"],
				    also, ["--pcache", "1M", option, fail])
	_no_oops(logs, where)
	statuses = [code] + [int(m.group(2)) for m in
			     (STATUS_RE.match(ln) for ln in err) if m]
	check(len(statuses) == 1 + len(also),
	      f"{where}: not every program ran: {err[-10:]}")
	check(all(s in (0, 127, 137) for s in statuses),
	      f"{where}: statuses {statuses} (1 is a wrong byte): {out[-20:]}")
	bad = [ln for ln in out if ln.startswith("BAD")]
	check(not bad, f"{where}: wrong bytes read back: {bad[:5]}")
	injected = len(re.findall(r"mm: fault injection: failed ",
				  logs[node]))
	check(injected > 0, f"{where}: {node} failed no allocation")
	files = {(m.group(1), int(m.group(2))): int(m.group(3)) for m in
		 (re.match(r"^synced /(\w+)/f(\d+) (\d+)$", ln) for ln in out)
		 if m}
	check(files, f"{where}: no file was synced: {out[-20:]}")
	_check_image(img, files, where)
	last = re.findall(r"fault injection: (\d+) allocations failed of (\d+)",
			  logs[node])
	print(f"# {name}: {node} mm.fail_alloc={rate} seed {seed}: "
	      f"statuses {statuses}, {len(files)} synced files intact, "
	      f"failures logged {injected}"
	      f"{f', {last[-1][0]} of {last[-1][1]} allocations' if last else ''}")
	subprocess.run(["rm", "-rf", work])


FABRIC_TIMEOUT = 110
# kind: (parameter, rate, the rxe0 counter on memory1 that must be > 0,
# whether processor0 must have retransmitted towards memory1)
FABRIC = {
	"dup": ("net.dup", 10, "duplicates", False),
	"reorder": ("net.reorder", 10, "psn_seq_errors", True),
	"corrupt": ("net.corrupt", 20, "icrc_errors", True),
}


def _last_int(b, regex):
	vals = [int(m.group(1)) for m in (re.search(regex, ln) for ln in b.lines)
		if m]
	return vals[-1] if vals else None


def _fabric_case(kind, seed=1):
	param, rate, counter, retrans = FABRIC[kind]
	faulty = dict(test_fit.NODES)["memory"]
	name = f"faults-fabric-{kind}"
	boots = test_fit._loss_run(
		name, lambda node: [f"{param}={rate}", f"net.fault_seed={seed}"]
		if node == faulty else [], FABRIC_TIMEOUT)
	p, m = boots[0], boots[1]
	made = _last_int(m, rf"^netdev: eth0: injected .*\b{kind}\w* (\d+)")
	m.expect(made is not None and made > 0,
		 f"memory1's counters show {made} frames {kind}d")
	caught = _last_int(m, rf"^fit: rxe0: received .*\b{counter} (\d+)")
	m.expect(caught is not None and caught > 0,
		 f"memory1's rxe0 {counter} is {caught}")
	got = test_fit._peer_retransmits(p, faulty)
	if retrans:
		p.expect(got is not None and got > 0,
			 f"processor0 retransmitted {got} times towards memory1")
	print(f"# {name}: {param}={rate} seed {seed}: memory1 {kind} {made} "
	      f"frames, rxe0 {counter} {caught}; processor0 retransmits "
	      f"towards memory1 {got}; echoes 0 B..1 MiB to memory1 and "
	      f"storage2 10/10 verified each")


SCENARIOS = [
	("alloc_memory", lambda: _alloc_case("faults-alloc-memory",
					     "memory1", 300, 1)),
	("alloc_storage", lambda: _alloc_case("faults-alloc-storage",
					      "storage2", 8, 6)),
	("alloc_processor", lambda: _alloc_case("faults-alloc-processor",
						"processor0", 100, 2)),
	("fabric_dup", lambda: _fabric_case("dup")),
	("fabric_reorder", lambda: _fabric_case("reorder")),
	("fabric_corrupt", lambda: _fabric_case("corrupt")),
]
