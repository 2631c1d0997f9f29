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

  node_restart     processor0 runs faultload -l, which reads and checks
                   RESTART_FILES files on storage2 over and over; the
                   test kills storage2 (its QEMU, no shutdown) during the
                   reads and, once processor0 has declared it down, boots
                   it again on a copy of its disk that also holds the
                   marker that ends the reader: while storage2 is gone the
                   reader's calls wait for it (FIT retries) or fail with
                   EIO, never read a wrong byte, and its last pass reads
                   every file; no node oopses; then a new program
                   (faultload -r) starts and reads every file.

  replay_roce      a host on the fabric records RC data packets processor0
                   sends memory1 during the fittest=loss echoes (after the
                   first REPLAY_AFTER, the next REPLAY_FRAMES) and sends
                   each again REPLAY_COPIES times, unchanged (its address,
                   port, PSN and ICRC are right): memory1's rxe0 counts
                   every copy as a duplicate, FIT on memory1 takes exactly
                   as many requests as processor0 made calls (nothing
                   delivered twice), every echo verifies, no node drops
                   its peer.

The statuses and the counts of injected failures are printed ('#' lines)
for Documentation/reliability.md.
"""

import importlib.machinery
import importlib.util
import os
import re
import subprocess
import threading
import time

import clusterlib
from clusterlib import check
import test_fit
import test_fs_write
import test_member_auth
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


def _root(name, nr_files=0):
	"""A directory with the programs the cases run (and @nr_files of
	faultload's files in /d), and its image."""
	work = os.path.join(clusterlib.runs_dir(), name + "-work")
	subprocess.run(["rm", "-rf", work])
	root = os.path.join(work, "root")
	os.makedirs(os.path.join(root, "d"))
	for prog in ("faultload", "pcache_pattern"):
		subprocess.run(["cp", test_user.program(prog),
				os.path.join(root, prog)], check=True)
	for i in range(nr_files):
		with open(os.path.join(root, "d", f"f{i}"), "wb") as f:
			f.write(_content(i, (i * 4099) % 20480 + 1))
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
	got = test_powercut.dump_files(copy, [f"/{d}/f{i}" for d, i in files])
	for (d, i), size in sorted(files.items()):
		data = got[f"/{d}/f{i}"]
		check(data == _content(i, size),
		      f"{where}: /{d}/f{i} was synced but is "
		      f"{'missing' if data is None else f'{len(data)} bytes'}"
		      f", want {size} bytes of the pattern")


def _alloc_case(name, node, rate, seed):
	test_fs_write._tools()
	work, img = _root(name)
	where = f"{name}: logs in runs/.../{name}/"
	fail = f"mm.fail_alloc={rate} mm.fail_seed={seed}"
	option = {"processor0": "--append", "memory1": "--memory-append",
		  "storage2": "--storage-append"}[node]
	also = ["/pcache_pattern random 2097152 2", "/faultload /q 12",
		"/faultload -r /p 20", "/faultload -r /q 12"]
	code, out, err, logs = _run(name, img, ["/faultload", "/p", "20"],
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


RESTART_FILES = 60
RESTART_TIMEOUT = 110
# Fast death detection, as fit/fit_kill.
RESTART_ARGS = ["fit.expect=1P1M1S", "fit.hb_ms=100", "fit.dead_ms=2000"]


def _launcher():
	"""tools/tessera as a module, for its run archive builder."""
	loader = importlib.machinery.SourceFileLoader("tessera_launcher",
						      clusterlib.TESSERA)
	spec = importlib.util.spec_from_loader(loader.name, loader)
	mod = importlib.util.module_from_spec(spec)
	loader.exec_module(mod)
	return mod


def _boot_lines(b):
	"""Problems on a node's console."""
	return [ln for ln in b.lines if OOPS_RE.search(ln)]


def node_restart():
	test_fs_write._tools()
	name = "faults-restart"
	work, img = _root(name, RESTART_FILES)
	n = RESTART_FILES
	runs = [["/faultload", "-l", "/d", str(n), "/d/restarted"],
		["/faultload", "-r", "/d", str(n)]]
	# The disk storage2 boots with the second time: the same files and
	# the marker that ends the reader's loop.
	again_img = os.path.join(work, "again.ext4")
	subprocess.run(["cp", img, again_img], check=True)
	res = subprocess.run(["debugfs", "-w", "-R", "write /dev/null "
			      "/d/restarted", again_img],
			     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
			     text=True)
	check(res.returncode == 0, f"debugfs: {res.stdout}")
	archive = os.path.join(work, "programs.cpio")
	_launcher().build_run_archive(runs, test_user.ENV, archive,
				      exes=[r[0] for r in runs])
	fabric = clusterlib.free_fabric()
	common = RESTART_ARGS + [f"fit.key={os.urandom(16).hex()}"]
	net = ["--kernel", "--net", fabric]
	storage = lambda disk: (["--role", "storage", "--node", "2"] + net +
				["--disk", disk, "--"] + common)
	with clusterlib.group(3, RESTART_TIMEOUT) as g:
		p = g.start(f"{name}-processor0",
			    ["--role", "processor", "--node", "0"] + net +
			    ["--qemu-arg", f"-initrd {archive}", "--",
			     "processor.memory_node=1",
			     "processor.storage_node=2"] + common)
		m = g.start(f"{name}-memory1", ["--role", "memory", "--node",
						"1", "--mem", "1G"] + net +
			    ["--"] + common)
		s = g.start(f"{name}-storage2", storage(img))
		if not p.wait_for(rf"pass 2: verified {n} of {n}",
				  RESTART_TIMEOUT):
			raise p.finish().fail("the reader never read every "
					      "file twice")
		first = s.kill()
		if not p.wait_for(r"fit: node 2 (silent|down)",
				  RESTART_TIMEOUT):
			raise p.finish().fail("processor0 never declared the "
					      "killed storage2 down")
		again = g.start(f"{name}-storage2-again", storage(again_img))
		pb = p.finish()
		mb, sb = m.kill(), again.kill()
	for b in (pb, mb, first, sb):
		b.expect(not _boot_lines(b), f"{b.name}: {_boot_lines(b)[:5]}")
	pb.expect(pb.end_status() == "ok", "processor0 did not end ok")
	pb.expect(pb.grep(r"^fit: node 2 (silent|down)"),
		  "processor0 never declared storage2 down")
	passes = pb.grep(r"pass \d+: verified \d+ of")
	failed = [ln for ln in passes if not ln.endswith(f" {n} of {n}")]
	pb.expect(pb.grep(rf"final pass: verified {n} of {n}$"),
		  f"the reader's last pass did not read every file: "
		  f"{passes[-3:]}")
	pb.expect(not pb.grep(r"\bBAD "), f"wrong bytes: {pb.grep('BAD')}")
	pb.expect(pb.grep(r"program exit run=0 pid=\d+ status=0$"),
		  "the reader did not end with status 0")
	pb.expect(pb.grep(rf"\] verified {n} of {n}$"),
		  "the program started after the reboot did not read every "
		  "file")
	pb.expect(pb.grep(r"program exit run=1 pid=[1-9]\d* status=0$"),
		  "the program started after the reboot did not end with 0")
	eio = pb.grep(r"files: storage node 2: FIT call \d+ failed")
	sb.expect(sb.grep(r"^fit: connected to processor0"),
		  "the rebooted storage2 never connected to processor0")
	print(f"# {name}: {len(passes)} passes over {n} files, {len(failed)} "
	      f"with files unreadable while storage2 was down, "
	      f"{'a call failed (EIO)' if eio else 'no call failed'}; the "
	      f"last pass and the program started after the reboot read "
	      f"all {n}")
	subprocess.run(["rm", "-rf", work])


REPLAY_AFTER = 200
REPLAY_FRAMES = 20
REPLAY_COPIES = 3
RC_DATA_OPCODES = range(0x00, 0x0c)	# RC SEND_* and RDMA_WRITE_*


class Replayer(test_member_auth.Fabric):
	"""Records RC data packets from processor0 to memory1 and, half a
	second after the last of them, sends each again."""

	def __init__(self, spec):
		super().__init__(spec)
		self.seen = 0
		self.frames = []
		self.sent = 0
		self.stop = False
		self.thread = threading.Thread(target=self._run, daemon=True)
		self.thread.start()

	def _run(self):
		ma = test_member_auth
		while not self.stop and len(self.frames) < REPLAY_FRAMES:
			try:
				f = self.rx.recv(4096)
			except (OSError, TimeoutError):
				continue
			r = ma.roce_fields(f)
			if (not r or r[:2] != (ma.PROCESSOR_IP, ma.MEMORY_IP) or
			    r[3] == 1 or r[2] not in RC_DATA_OPCODES):
				continue
			self.seen += 1
			if self.seen > REPLAY_AFTER:
				self.frames.append(f)
		if self.stop:
			return
		time.sleep(0.5)
		for _ in range(REPLAY_COPIES):
			for f in self.frames:
				self.send(f)
				self.sent += 1

	def close(self):
		self.stop = True
		self.thread.join(5)
		super().close()


def replay_roce():
	fabric = clusterlib.free_fabric()
	rep = Replayer(fabric)
	try:
		boots = clusterlib.boot_group(
			[(f"faults-replay-{role}{node}",
			  test_fit._argv(role, node, fabric, ["fittest=loss"]))
			 for role, node in test_fit.NODES], FABRIC_TIMEOUT)
	finally:
		rep.close()
	p, m = boots[0], boots[1]
	for b in boots:
		b.expect(not b.grep(r"^fittest: not ok - "),
			 f"failed checks: {b.grep(r'^fittest: not ok - ')}")
		b.expect(b.code == clusterlib.EXIT_OK, "did not end with status ok")
		b.expect(not b.grep(r"node \d (down|silent)|declared dead"),
			 "a node dropped its peer")
	for peer in ("memory1", "storage2"):
		p.expect(p.grep(rf"^fittest: ok - echo 0 B\.\.1 MiB to {peer}: "
				r"10/10 verified$"),
			 f"echoes to {peer} did not all verify")
	sent = REPLAY_FRAMES * REPLAY_COPIES
	check(rep.sent == sent, f"the replayer sent {rep.sent} of {sent} "
	      f"copies ({rep.seen} packets seen): the echoes ended first")
	dups = _last_int(m, r"^fit: rxe0: received .*\bduplicates (\d+)")
	m.expect(dups is not None and dups >= sent,
		 f"memory1's rxe0 counted {dups} duplicates, {sent} replayed")
	calls = _last_int(p, r"^fit: peer 1 \w+: calls (\d+) ")
	served = _last_int(m, r"^fit: peer 0 \w+: .* requests (\d+) ")
	m.expect(calls is not None and served == calls,
		 f"memory1 took {served} requests from processor0, which made "
		 f"{calls} calls: a replayed packet was delivered again")
	print(f"# faults-replay: {sent} replayed RC data packets "
	      f"({REPLAY_FRAMES} x {REPLAY_COPIES}); memory1 rxe0 duplicates "
	      f"{dups}; memory1 took {served} requests for {calls} calls; "
	      f"echoes verified, no peer dropped")


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
	("node_restart", node_restart),
	("replay_roce", replay_roce),
]
