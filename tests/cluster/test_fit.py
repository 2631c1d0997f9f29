# SPDX-License-Identifier: GPL-2.0
"""FIT between three nodes (processor0, memory1, storage2) on one fabric.

  fit_echo      cluster ready on every node; RPC echo 0 B..1 MiB between
                every pair byte for byte; concurrent callers on every node;
                a wrong-version and a bad-CRC call each answered -EPROTO
                and counted by the receiver; small requests with large
                reply buffers get zero-copy replies (RDMA WRITE into the
                call's landing area) from every peer; while the callers
                run, a call from processor0 times out before memory1's
                zero-copy reply (memory1 calls processor0 back meanwhile):
                the late reply is counted and dropped, the caller's canary
                buffer untouched, every other call verified, no connection
                rebuilt or declared down (issue 20); no node is handed
                a frame for another node (the virtio-net filter, issue 19);
                processor0 blind for 1 s (interrupts off, one CPU): a
                300 ms call to storage2 whose reply comes later waits
                its 300 ms of time the node ran (fittest.c
                ft_blind_call; Documentation/fit.md)
  fit_echo_copy the same with fit.zc_min=0: every reply copied from the
                receive ring, none zero-copy, nothing quarantined
  fit_flood     two nodes flood memory1 with 200 one-way messages each while
                its one worker sleeps 20 ms per message: every message arrives once and
                intact, the senders blocked on credits, no overrun
  fit_kill      the host kills storage2 while processor0 waits for its
                reply: the call fails with -EHOSTDOWN (not -ETIMEDOUT: the
                call's timeout is four times the death bound) while calls to
                memory1 keep succeeding; storage2 booted again on the same
                fabric rejoins and serves
  fit_loss      memory1 loses every LOSS_EVERY-th frame it receives
                (net.drop=): processor0's echoes 0 B..1 MiB to both peers
                still verify byte for byte, and its per-peer counters show
                retransmissions towards memory1
  fit_launcher  `tessera cluster` waits for the kernels' own "cluster ready"
                lines (one per node), not only the ready markers
  fit_split_launchers
                one cluster from two launchers, as on two hosts: one boots
                processor0 and memory1, the other storage2 (--only-nodes),
                on one fabric named with its host interface
                (mcast:GROUP:PORT@127.0.0.1) and one fit.key=; both report
                the whole cluster ready, each booted only its nodes
  fit_split_run `tessera run --only-nodes 0` on memory1 and storage2 of
                `tessera cluster --only-nodes 1,2 --disk IMG`, three runs:
                files(1) equal to a native run; a run killed with its VM;
                the next boot sees none of what it left (memory1 frees
                its processes and tmpfs pages)
  fit_filter    processor0 echoes 0 B..1 MiB to memory1 and storage2
                (fittest=loss without loss): every node's virtio-net
                filters, so no node is handed a frame for another node
                (netdev "foreign" counter 0 at shutdown; issue 19)
  fit_filter_promisc
                the same with virtio_net.promisc=1 on storage2: it is
                handed the processor0/memory1 traffic (foreign > 0), which
                shows fit_filter's zero is the filter's doing

Every fittest= node also prints what fit_node_with_role() answers for
each role; echo and flood check it names the node booted with that role,
kill that storage is gone while storage2 is dead and that
fit_wait_node_with_role() returns storage2's id once it is back.

The kernel side is net/fit/fittest.c (fittest=): it prints one
"fittest: ok - ..."/"fittest: not ok - ..." line per check and a verdict
"fittest: <scenario>: PASS|FAIL", and halts.  A three-node group takes
every QEMU slot (clusterlib.group), so the host is oversubscribed on
purpose while it runs.
"""

import errno
import os
import re
import secrets
import subprocess

import clusterlib
from clusterlib import check

# Long enough for the echo sweep's 1 MiB calls on a loaded host
# (fittest.c FT_ECHO_CALL_MS); a passing run ends much sooner.
TIMEOUT = 180
NODES = [("processor", 0), ("memory", 1), ("storage", 2)]
# Fast death detection for the kill scenario; bound = dead + one pass.
KILL_ARGS = ["fit.hb_ms=100", "fit.dead_ms=2000"]
# The lossy node drops every LOSS_EVERY-th received frame (net.drop=).
LOSS_EVERY = 20
# Recovery from loss is slow on a loaded host (go-back-N, 1 s ACK
# timeout for a lost tail); the scenario checks bytes, not speed.
LOSS_TIMEOUT = 300


def _argv(role, node, fabric, extra):
	return (["--role", role, "--node", str(node), "--kernel",
		 "--net", fabric, "--", "fit.expect=1P1M1S"] + list(extra))


def _expect_common(boots, scenario):
	for b in boots:
		b.expect(b.grep(r"^cluster ready: processor0 memory1 storage2$"),
			 "no 'cluster ready: processor0 memory1 storage2' line")
		b.expect(len(b.grep(r"^cluster ready:")) == 1,
			 "'cluster ready' printed more than once")
		bad = b.grep(r"^fittest: not ok - ")
		b.expect(not bad, f"failed checks: {bad}")
		b.expect(b.grep(rf"^fittest: {scenario}: PASS "),
			 f"no 'fittest: {scenario}: PASS' verdict")
		b.expect(b.code == clusterlib.EXIT_OK, "did not end with status ok")
		b.expect(b.grep(r"^fit: peer \d+ (up|down): calls"),
			 "no FIT counters at shutdown")
		b.expect(not b.grep(r"credit overrun|cq_overflow"),
			 "a ring or CQ overran")
		# rnr_retry=7 absorbs a receive-ring overrun as RNR NAKs: a
		# credit bug would only show here (only FIT uses rxe0).
		rnr = b.grep(r"^fit: rxe0: .* rnr_naks \d+/\d+$")
		b.expect(rnr, "no rxe0 rnr_naks counters at shutdown")
		b.expect(all(l.endswith(" rnr_naks 0/0") for l in rnr),
			 f"RNR NAKs (a receive ring overran): {rnr}")
		_expect_roles(b)


def _expect_roles(b):
	"""fit_node_with_role() names the node the test booted per role."""
	for role, node in NODES:
		got = [int(m.group(1)) for m in
		       (re.search(rf"^fittest: role {role} -> (-?\d+)$", l)
			for l in b.lines) if m]
		b.expect(got == [node], f"fit_node_with_role({role}) said "
			 f"{got}, the test booted {role}{node}")


def _three(name, scenario, extra=()):
	fabric = clusterlib.free_fabric()
	return clusterlib.boot_group(
		[(f"{name}-{role}{node}",
		  _argv(role, node, fabric, [f"fittest={scenario}"] +
			list(extra))) for role, node in NODES], TIMEOUT)


def _zc_rx(b):
	"""{peer: zero-copy replies received} from @b's last stats dump."""
	out = {}
	for l in b.grep(r"^fit: peer \d+ up: .* zc_replies \d+/\d+$"):
		m = re.search(r"^fit: peer (\d+) .* zc_replies \d+/(\d+)$", l)
		out[int(m.group(1))] = int(m.group(2))
	return out


def _late_counters(b):
	"""{peer: (late_replies, quarantined, rebuilds)}, last stats dump."""
	out = {}
	for l in b.grep(r"^fit: peer \d+ late_replies \d+ quarantined \d+ "
			r"rebuilds \d+ os_timeouts \d+$"):
		m = re.search(r"^fit: peer (\d+) late_replies (\d+) quarantined "
			      r"(\d+) rebuilds (\d+) os_timeouts \d+$", l)
		out[int(m.group(1))] = tuple(int(g) for g in m.groups()[1:])
	return out


def _expect_late_reply_harmless(boots, zc):
	"""Issue 20: processor0's call to memory1 times out before memory1's
	reply (which memory1 sends while calling processor0 back, and while
	every node's callers run): the late reply is counted and dropped,
	never written into the caller's buffer, and no connection is rebuilt
	or declared down on any node."""
	p = boots[0]
	for check_re, what in (
		(r"slow call to memory1: -110 ", "the slow call did not time out"),
		(r"late reply from memory1 counted and dropped ",
		 "the late reply was not counted (or its slot stayed quarantined)"),
		(r"late reply from memory1 left the buffer alone$",
		 "the late reply touched the caller's buffer"),
		(r"calls to memory1 around the late reply: [1-9]\d* ok, 0 failed$",
		 "calls to memory1 failed around the late reply"),
		(r"connection to memory1 kept ", "the connection was rebuilt"),
		(r"memory1's calls back while its reply was late: [1-9]\d* ok, "
		 r"0 failed ", "memory1's calls to processor0 failed meanwhile")):
		p.expect(p.grep(r"^fittest: ok - " + check_re), what)
	for b in boots:
		b.expect(not b.grep(r"^fit: node \d+ (down|silent)"),
			 f"a connection went down: {b.grep(r'^fit: node ')}")
		got = _late_counters(b)
		b.expect(len(got) == 2, f"no late/rebuild counters for both "
			 f"peers: {got}")
		b.expect(all(v[2] == 0 for v in got.values()),
			 f"connections rebuilt: {got}")
	got = _late_counters(p)
	late, quarantined = got.get(1, (0, 0, 0))[:2]
	p.expect(late >= 1, f"processor0 counted {late} late replies from "
		 "memory1")
	if zc:
		p.expect(quarantined >= 1, "the timed-out zero-copy call was "
			 "not quarantined")
	else:
		p.expect(quarantined == 0, f"{quarantined} calls quarantined "
			 "with fit.zc_min=0")


def scenario_echo(zc=True):
	boots = _three("fit-echo" if zc else "fit-echo-copy", "echo",
		       [] if zc else ["fit.zc_min=0"])
	_expect_common(boots, "echo")
	_expect_late_reply_harmless(boots, zc)
	# Every call with a reply buffer of 4 KiB or more and a short request
	# offers it (fit.zc_min): the small echoes come back written straight
	# into it, and are verified byte for byte like the rest.
	for b in boots:
		got = _zc_rx(b)
		b.expect(len(got) == 2, f"no stats for both peers: {got}")
		if zc:
			b.expect(all(v > 0 for v in got.values()),
				 f"no zero-copy reply from some peer: {got}")
		else:
			b.expect(all(v == 0 for v in got.values()),
				 f"zero-copy replies with fit.zc_min=0: {got}")
	for b in boots:
		oks = b.grep(r"^fittest: ok - echo 0 B\.\.1 MiB to \w+: 10/10 "
			     r"verified$")
		b.expect(len(oks) == 2, f"echo verified to {len(oks)} of 2 peers")
		b.expect(b.grep(r"^fittest: ok - \d+ concurrent callers: "
				r"(\d+)/\1 calls verified$"),
			 "concurrent callers not all verified")
	p = boots[0]
	for peer in ("memory1", "storage2"):
		for kind in ("wrong-version", "bad-CRC"):
			p.expect(p.grep(rf"^fittest: ok - {kind} call to {peer}: "
					r"-71 "), f"{kind} call to {peer} not -EPROTO")
		p.expect(p.grep(rf"^fittest: ok - {peer} counted the malformed"),
			 f"{peer} did not count the malformed messages")
	for b in boots[1:]:
		m = [re.search(r"(\d+) rejected messages", l)
		     for l in b.grep(r"rejected messages")]
		b.expect(m and int(m[-1].group(1)) >= 2,
			 "the receiver's rejected-messages counter is below 2")
	# Each node is the third one for the other two's echoes: with the
	# virtio-net receive filter (issue 19) it is handed none of them.
	for b in boots:
		got = _foreign(b)
		b.expect(got == 0, f"handed {got} frames for other nodes")
	# fit.inline_cq (default on): completions that arrive while the
	# poller sleeps are handled in the CQ's completion handler.
	for b in boots:
		m = [re.search(r"(\d+) passes in the completion handler", l)
		     for l in b.grep(r"^fit: poller 0: ")]
		b.expect(m and m[-1] and int(m[-1].group(1)) > 0,
			 "no completion handled in the completion handler")


def scenario_flood():
	# One worker at 20 ms a message serves 50 a second: far slower than
	# either sender, so both must run out of credits.
	boots = _three("fit-flood", "flood", ["fittest.flood=200",
					      "fittest.sink_ms=20",
					      "fit.workers=1"])
	_expect_common(boots, "flood")
	for b in (boots[0], boots[2]):
		b.expect(b.grep(r"^fittest: ok - 200/200 one-way messages sent"),
			 "not every one-way message was sent")
		b.expect(b.grep(r"^fittest: ok - memory1 received 200/200, 0 "),
			 "memory1 did not get every message exactly once")
		m = [re.search(r"blocked on credits (\d+) times", l)
		     for l in b.grep(r"blocked on credits")]
		b.expect(m and int(m[0].group(1)) > 0,
			 "the sender never blocked on credits")


def scenario_kill():
	fabric = clusterlib.free_fabric()
	with clusterlib.group(len(NODES), TIMEOUT) as g:
		nodes = [g.start(f"fit-kill-{role}{node}",
				 _argv(role, node, fabric,
				       ["fittest=kill"] + KILL_ARGS))
			 for role, node in NODES]
		p, m, s = nodes
		# Kill only once storage2 holds the call, so it is pending.
		hit = s.wait_for(r"fittest: holding a call from node 0",
				 TIMEOUT)
		if not hit:
			raise s.finish().fail("storage2 never got the call to "
					      "hold")
		first = s.kill()
		hit = p.wait_for(r"fittest: reboot storage2 now", TIMEOUT)
		if not hit:
			raise p.finish().fail("processor0 never asked for the "
					      "reboot")
		again = g.start("fit-kill-storage2-again",
				_argv("storage", 2, fabric,
				      ["fittest=serve"] + KILL_ARGS))
		pb, mb, sb = p.finish(), m.finish(), again.finish()
	first.expect(first.grep(r"^fittest: holding a call from node 0"),
		     "storage2 never held processor0's call before the kill")
	pb.expect(pb.grep(r"^fittest: ok - pending call to the killed "
			  r"storage2: -112 "), "the pending call did not fail "
		  "with -EHOSTDOWN (-112)")
	pb.expect(pb.grep(r"^fit: node 2 (silent|down)"),
		  "processor0 never declared storage2 down")
	pb.expect(pb.grep(r"^fittest: ok - new call to the dead storage2: "
			  r"-112$"), "a new call to the dead node did not fail "
		  "at once with -EHOSTDOWN")
	pb.expect(pb.grep(r"^fittest: ok - storage2 rejoined$"),
		  "storage2 did not rejoin")
	pb.expect(pb.grep(r"^fittest: ok - rebooted storage2 serves"),
		  "the rebooted storage2 did not serve")
	pb.expect(pb.grep(r"^fittest: ok - calls to memory1 throughout: "
			  r"[1-9]\d* ok, 0 failed$"),
		  "calls to memory1 failed while storage2 was down")
	for b in (pb, mb, sb):
		b.expect(not b.grep(r"^fittest: not ok - "),
			 f"failed checks: {b.grep(r'^fittest: not ok - ')}")
		b.expect(b.code == clusterlib.EXIT_OK,
			 "did not end with status ok")
	sb.expect(sb.grep(r"^fit: connected to processor0"),
		  "the rebooted storage2 never connected to processor0")
	storage = dict(NODES)["storage"]
	pb.expect(pb.grep(rf"^fittest: role storage while storage2 is dead -> "
			  rf"-{errno.ENOENT}$"),
		  "fit_node_with_role(storage) was not -ENOENT while the only "
		  "storage node was dead")
	pb.expect(pb.grep(rf"^fittest: role storage after waiting -> "
			  rf"{storage}$"),
		  f"fit_wait_node_with_role(storage) did not return {storage} "
		  "once storage2 was back")


def _peer_retransmits(b, node):
	"""The last per-peer retransmission count the node printed."""
	vals = [int(m.group(1)) for m in
		(re.search(rf"^fit: peer {node} retransmits (\d+) ", l)
		 for l in b.lines) if m]
	return vals[-1] if vals else None


def _loss_run(name, extra, timeout, nic=None):
	"""fittest=loss (processor0 echoes 0 B..1 MiB to memory1 and
	storage2) with @extra(node) more arguments per node and @nic as
	every node's --nic (default: the launcher's); checks that every
	node ended ok and every echo verified."""
	fabric = clusterlib.free_fabric()
	nic_argv = ["--nic", nic] if nic else []
	boots = clusterlib.boot_group(
		[(f"{name}-{role}{node}",
		  nic_argv + _argv(role, node, fabric,
				   ["fittest=loss"] + extra(node)))
		 for role, node in NODES], timeout)
	p = boots[0]
	for b in boots:
		b.expect(b.grep(r"^cluster ready: processor0 memory1 storage2$"),
			 "no 'cluster ready: processor0 memory1 storage2' line")
		b.expect(not b.grep(r"^fittest: not ok - "),
			 f"failed checks: {b.grep(r'^fittest: not ok - ')}")
		b.expect(b.code == clusterlib.EXIT_OK, "did not end with status ok")
	for peer in ("memory1", "storage2"):
		p.expect(p.grep(rf"^fittest: ok - echo 0 B\.\.1 MiB to {peer}: "
				r"10/10 verified$"),
			 f"echoes to {peer} did not all verify")
	return boots


def scenario_loss():
	lossy = dict(NODES)["memory"]
	p = _loss_run("fit-loss", lambda node: [f"net.drop={LOSS_EVERY}"]
		      if node == lossy else [], LOSS_TIMEOUT)[0]
	got = _peer_retransmits(p, lossy)
	p.expect(got is not None and got > 0,
		 f"processor0's counters show {got} retransmissions towards "
		 f"the lossy memory{lossy}")


def _foreign(b):
	"""eth0's frames for other nodes, from the shutdown counters."""
	vals = [int(m.group(1)) for m in
		(re.search(r"^netdev: eth0: dropped own \d+ foreign (\d+) ", l)
		 for l in b.lines) if m]
	return vals[-1] if vals else None


def scenario_filter(promisc):
	watcher = dict(NODES)["storage"]
	boots = _loss_run("fit-filter-promisc" if promisc else "fit-filter",
			  lambda node: ["virtio_net.promisc=1"]
			  if promisc and node == watcher else [], TIMEOUT)
	for b, (role, node) in zip(boots, NODES):
		promiscuous = promisc and node == watcher
		mode = (r"promiscuous \(virtio_net\.promisc=1\)" if promiscuous else
			r"our MAC and broadcast only")
		b.expect(b.grep(rf"^virtio-net: eth0: receive filter: {mode}$"),
			 f"no 'receive filter: {mode}' line")
		got = _foreign(b)
		b.expect(got is not None, "no netdev counters at shutdown")
		if promiscuous:
			b.expect(got > 0, f"{role}{node} is promiscuous but was "
				 f"handed {got} frames for other nodes")
		else:
			b.expect(got == 0, f"{role}{node} filters but was handed "
				 f"{got} frames for other nodes")


def scenario_launcher_waits_for_fit():
	run_dir = os.path.join(clusterlib.runs_dir(), "fit-launcher")
	with clusterlib.qemu_slots(len(NODES)):
		res = subprocess.run(
			[clusterlib.TESSERA, "cluster", "--nodes", "1P1M1S",
			 "--kernel", "--until-ready", "-q", "--run-dir", run_dir,
			 "--kernel-image", clusterlib.kernel_image(),
			 "--timeout", "60"],
			stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
			stderr=subprocess.PIPE, text=True, timeout=150)
	check(res.returncode == 0, f"tessera cluster exited "
	      f"{res.returncode}: {res.stderr}")
	check("cluster ready: processor0 memory1 storage2" in res.stdout,
	      f"no cluster ready line: {res.stdout}")
	for role, node in NODES:
		with open(os.path.join(run_dir, f"{role}{node}",
				       "serial.log"), errors="replace") as f:
			log = f.read()
		check(re.search(r"fit\.expect=1P1M1S", log),
		      f"{role}{node}: the launcher did not pass fit.expect=")
		check(re.search(r"\] cluster ready: processor0 memory1 "
				r"storage2$", log, re.M),
		      f"{role}{node}: the kernel never printed cluster ready "
		      f"before the launcher stopped it")


def scenario_split_launchers():
	"""One cluster from two launchers, as on two hosts: the first boots
	processor0 and memory1, the second storage2 (--only-nodes), on one
	fabric named with its host interface (@127.0.0.1: the loopback
	stands for a LAN) and one key given to both."""
	fabric = clusterlib.free_fabric() + "@127.0.0.1"
	key = secrets.token_hex(16)
	runs = {}
	with clusterlib.qemu_slots(len(NODES)):
		procs = []
		for ids in ("0,1", "2"):
			run_dir = os.path.join(clusterlib.runs_dir(),
					       f"fit-split-{ids.replace(',', '')}")
			runs[ids] = run_dir
			procs.append(subprocess.Popen(
				[clusterlib.TESSERA, "cluster", "--nodes",
				 "1P1M1S", "--only-nodes", ids, "--net", fabric,
				 "--kernel", "--until-ready", "-q", "--run-dir",
				 run_dir, "--kernel-image",
				 clusterlib.kernel_image(), "--timeout", "90",
				 "--", f"fit.key={key}"],
				stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
				stderr=subprocess.PIPE, text=True))
		outs = [p.communicate(timeout=180) for p in procs]
	for p, (out, err), ids in zip(procs, outs, ("0,1", "2")):
		check(p.returncode == 0, f"launcher of nodes {ids} exited "
		      f"{p.returncode}: {err}")
		check("cluster ready: processor0 memory1 storage2" in out,
		      f"launcher of nodes {ids}: no cluster ready line: {out}")
	booted = {"0,1": [("processor", 0), ("memory", 1)],
		  "2": [("storage", 2)]}
	for ids, nodes in booted.items():
		check(sorted(os.listdir(runs[ids])) ==
		      sorted(f"{r}{n}" for r, n in nodes),
		      f"launcher of nodes {ids} booted "
		      f"{sorted(os.listdir(runs[ids]))}")
		for role, node in nodes:
			with open(os.path.join(runs[ids], f"{role}{node}",
					       "qemu.cmd")) as f:
				cmd = f.read()
			check("localaddr=127.0.0.1" in cmd and
			      fabric.split(":", 1)[1].split("@")[0] in cmd,
			      f"{role}{node}: not on the fabric {fabric}: {cmd}")
			with open(os.path.join(runs[ids], f"{role}{node}",
					       "serial.log"), errors="replace") as f:
				log = f.read()
			check(re.search(r"fit\.expect=1P1M1S", log),
			      f"{role}{node}: fit.expect= is not the whole "
			      f"layout")
			check(re.search(r"\] cluster ready: processor0 memory1 "
					r"storage2$", log, re.M),
			      f"{role}{node}: no cluster ready")


def _split_run_cmd(work, n, img, fabric, key, argv):
	import test_user

	cmd = [clusterlib.TESSERA, "run", "--only-nodes", "0", "--image", img,
	       "--net", fabric, "--append", f"fit.key={key}",
	       "--run-dir", os.path.join(work, f"run{n}"),
	       "--kernel-image", clusterlib.kernel_image(), "--timeout", "150"]
	for e in test_user.ENV:
		cmd += ["--env", e]
	return cmd + ["--"] + argv


def scenario_split_run():
	"""`tessera run` on a cluster of two launchers, as on two hosts:
	`cluster --only-nodes 1,2 --disk IMG` boots memory1 and storage2 and
	stays up; `run --only-nodes 0 --image IMG` boots processor0 for each
	run:

	  1. files(1) over storage2's disk: its output equals a native run's;
	  2. leftover(1) hold: a tmpfs file with 4 KiB at offset 8192 and two
	     processes; once it prints "ready" its launcher is SIGKILLed (the
	     VM dies with it), as a crashed run would;
	  3. leftover(1) check on the next boot: a new /tmp/leftover reads
	     zeros in its hole (not run 2's bytes under the same inode
	     number), and memory1 frees run 2's two processes and its tmpfs
	     page at this boot's first request, so after its exit no process
	     and no page is left there.

	Stopping the cluster launcher (SIGTERM) stops its VMs; the disk is
	clean afterwards."""
	import shutil
	import signal
	import threading
	import test_files
	import test_user

	files = test_user.program("files")
	leftover = test_user.program("leftover")
	work = os.path.join(clusterlib.runs_dir(), "fit-split-run")
	tree = os.path.join(work, "tree")
	if os.path.exists(work):
		shutil.rmtree(work)
	test_files.build_tree(tree)
	shutil.copy(files, os.path.join(tree, "files"))
	shutil.copy(leftover, os.path.join(tree, "leftover"))
	want = test_user.native([files, tree])
	check(want[0] == 0, f"files natively: status {want[0]} {want[2]!r}")
	img = os.path.join(work, "root.ext4")
	res = subprocess.run(["mke2fs", "-q", "-F", "-t", "ext4", "-d", tree,
			      img, "64M"], stdout=subprocess.PIPE,
			     stderr=subprocess.STDOUT, text=True)
	check(res.returncode == 0, f"mke2fs failed: {res.stdout}")
	fabric = clusterlib.free_fabric() + "@127.0.0.1"
	key = secrets.token_hex(16)
	cl_dir = os.path.join(work, "cluster")
	run = lambda n, argv: subprocess.run(
		_split_run_cmd(work, n, img, fabric, key, argv),
		stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
		stderr=subprocess.PIPE, timeout=250)
	with clusterlib.qemu_slots(len(NODES)):
		cl = subprocess.Popen(
			[clusterlib.TESSERA, "cluster", "--nodes", "1P1M1S",
			 "--only-nodes", "1,2", "--disk", img, "--net", fabric,
			 "--kernel", "-q", "--run-dir", cl_dir,
			 "--kernel-image", clusterlib.kernel_image(),
			 "--timeout", "200", "--", f"fit.key={key}"],
			stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
			stderr=subprocess.PIPE, text=True)
		try:
			first = run(1, ["/files", "/"])
			check(cl.poll() is None, "the cluster launcher ended "
			      f"during run 1: {cl.returncode}")
			held = subprocess.Popen(
				_split_run_cmd(work, 2, img, fabric, key,
					       ["/leftover", "hold"]),
				stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
				stderr=subprocess.PIPE)
			watchdog = threading.Timer(200, held.kill)
			watchdog.start()
			line = held.stdout.readline()
			watchdog.cancel()
			held.kill()		# SIGKILL: QEMU dies with it
			held.communicate()
			check(line == b"ready\n", f"run 2: leftover hold printed "
			      f"{line!r}, not ready (runs/.../fit-split-run/"
			      f"run2/)")
			third = run(3, ["/leftover", "check"])
			check(cl.poll() is None, "the cluster launcher ended "
			      f"during the runs: {cl.returncode}")
		finally:
			cl.send_signal(signal.SIGTERM)
			try:
				out, err = cl.communicate(timeout=60)
			except subprocess.TimeoutExpired:
				cl.kill()
				out, err = cl.communicate()
				check(False, "the cluster launcher did not stop "
				      "on SIGTERM")
	for n, res in ((1, first), (3, third)):
		check(b"booted here: processor0" in res.stderr,
		      f"run {n}: no 'booted here: processor0' note: "
		      f"{res.stderr!r}")
		check(not os.path.exists(os.path.join(work, f"run{n}",
						      "memory1")),
		      f"run {n} booted a memory node of its own")
	notes = test_user._launcher_notes(first.stderr)
	check(first.stdout == want[1],
	      f"run 1: stdout differs\n--- native\n"
	      f"{want[1].decode(errors='replace')}\n--- tessera\n"
	      f"{first.stdout.decode(errors='replace')}")
	check(notes == want[2], f"run 1: stderr {notes!r}, native {want[2]!r}")
	check(first.returncode == want[0],
	      f"run 1: status {first.returncode}, native {want[0]}")
	check(third.stdout == b"clean\n" and third.returncode == 0,
	      f"run 3: leftover check: status {third.returncode}, "
	      f"{third.stdout!r} {third.stderr!r}")
	check("cluster ready: processor0 memory1 storage2 (booted here: "
	      "memory1 storage2)" in out,
	      f"cluster launcher: no cluster ready line: {out!r} {err!r}")
	check(sorted(os.listdir(cl_dir)) == ["memory1", "storage2"],
	      f"cluster launcher booted {sorted(os.listdir(cl_dir))}")
	logs = {}
	for node in ("memory1", "storage2"):
		with open(os.path.join(cl_dir, node, "serial.log"),
			  errors="replace") as f:
			logs[node] = f.read()
		check(not re.search(clusterlib.OOPS_RE, logs[node]),
		      f"{node}: kernel oops")
	freed = re.findall(r"memnode: node 0 booted again: (\d+) processes "
			   r"and (\d+) tmpfs pages of its previous boot freed",
			   logs["memory1"])
	check(freed == [("2", "1")], f"memory1: what run 2 left was freed as "
	      f"{freed}, want once 2 processes and 1 tmpfs page")
	exits = re.findall(r"memnode: exit node 0 pid \d+: procs (\d+) "
			   r"pages (\d+)", logs["memory1"])
	check(exits and exits[-1] == ("0", "0"),
	      f"memory1: after the last run's exit {exits[-1:]}, want "
	      f"procs 0 pages 0")
	res = subprocess.run(["e2fsck", "-fn", img], stdout=subprocess.PIPE,
			     stderr=subprocess.STDOUT, text=True)
	check(res.returncode == 0, f"e2fsck -fn after the runs: "
	      f"{res.stdout}")


SCENARIOS = [
	("fit_echo", scenario_echo),
	("fit_echo_copy", lambda: scenario_echo(zc=False)),
	("fit_flood", scenario_flood),
	("fit_kill", scenario_kill),
	("fit_loss", scenario_loss),
	("fit_launcher", scenario_launcher_waits_for_fit),
	("fit_split_launchers", scenario_split_launchers),
	("fit_split_run", scenario_split_run),
	("fit_filter", lambda: scenario_filter(False)),
	("fit_filter_promisc", lambda: scenario_filter(True)),
]
