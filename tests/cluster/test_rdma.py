# SPDX-License-Identifier: GPL-2.0
"""Two-node RDMA scenarios: rxe0 over the virtual fabric, the IB CM on
QP1 with the RDMA-CM conventions, and rping.

  rdmatest_bootstrap  node 0 runs rdmatest=client:10.77.0.2 against node 1's
                      rdmatest=server, QPs connected by the UDP bootstrap
                      (rdmatest.cm=0), virtio-net: SEND, SEND_IMM, WRITE,
                      WRITE_IMM, READ at 1 B..1 MiB, all 40 verified on both
  rdmatest_cm         the same connected by the CM (REQ/REP/RTU, DREQ/DREP
                      at the end), over e1000
  rdmatest_lossy      CM, the server drops every 9th frame it receives
                      (net.drop=9): lost requests are NAKed or time out and
                      are resent; every byte still verifies.  In this and
                      the drop scenarios the CM connects at the first
                      attempt: no REQ or REP timeout, no rdmatest
                      reconnect (a DREQ may time out: see
                      _no_reconnects()).
  rdmatest_drop{13,19}_client
                      the client (the READ requester) drops every 13th /
                      19th frame it receives: lost ACKs and READ responses;
                      1 MiB READs are retried from the first missing PSN
                      and every byte verifies, and the SENDs after them
                      still go through (e1000 / virtio-net)
  rdmatest_drop{13,19}_both
                      the same loss on both nodes
  rping_64            Tessera rping client and server, count=5, size=64:
  rping_4096          READ of the client's ping, WRITE back, -V comparison
  cm_unknown_service  a connect to a port nobody listens on is answered
                      with REJ "invalid service ID" (8) and reported
  cm_unreachable      a connect to an address nobody has: UNREACHABLE, the
                      node halts with status fail instead of hanging

The boots pair nodes with clusterlib.boot_group(), which takes both QEMU
slots, all or none.
"""

import re

import clusterlib
from clusterlib import check
from clusterlib import boot_group

# Generous: runs with dropped frames recover by timeouts, and a loaded
# host stretches them (a pass takes 10-25 s alone on the machine).
TIMEOUT = 150
TESTS = 40


def _pair(name, server_args, client_args, nic="virtio"):
	fabric = clusterlib.free_fabric()
	server_argv = ["--role", "memory", "--node", "1", "--net", fabric,
		       "--nic", nic]
	client, server = boot_group([
		(f"{name}-node0", ["--role", "processor", "--node", "0",
				   "--net", fabric, "--nic", nic, "--"] +
		 client_args),
		(f"{name}-node1", server_argv + ["--"] + server_args),
	], timeout=TIMEOUT)
	return client, server


def _counter(b, name):
	"""The rxe0 counter @name from the last dump, or None."""
	vals = [int(m.group(1)) for m in
		(re.search(rf"^rxe0: .*\b{name} (\d+)", l) for l in b.lines)
		if m]
	return vals[-1] if vals else None


def _cm_counter(b, name):
	"""The ib_cm counter @name from the last dump, or None."""
	vals = [int(m.group(1)) for m in
		(re.search(rf"^ib_cm: retransmits .*\b{name} (\d+)", l)
		 for l in b.lines) if m]
	return vals[-1] if vals else None


def _no_reconnects(client, server):
	"""Frames were lost, but the CM's retransmissions got every
	connection up on its first attempt: no REQ or REP of FIT's
	connections or of rdmatest's timed out on either node, and rdmatest
	never had to start a connection again (issue 18).

	A DREQ may time out, and only a DREQ: the server halts once it has
	answered the client's DREQ, so when that last DREP is lost the
	client's resends find nobody, and the CM ends the connection by the
	DREQ's timeout (what IB CM prescribes).  Each timeout is logged with
	the message it ended, and those lines must add up to the counter."""
	for b, who in ((client, "client"), (server, "server")):
		n = _cm_counter(b, "timeouts")
		ended = [m.group(1) for m in
			 (re.search(r"^ib_cm: (\w+) to [0-9.]+ unanswered after "
				    r"its last resend: timeout$", l)
			  for l in b.lines) if m]
		b.expect(n == len(ended),
			 f"{who}: ib_cm timeouts {n}, but {len(ended)} "
			 f"timeout lines")
		b.expect(all(m == "DREQ" for m in ended),
			 f"{who}: connection setup timed out: {ended}")
		r = [int(m.group(1)) for m in
		     (re.search(r"^rdmatest: reconnects (\d+)$", l)
		      for l in b.lines) if m]
		b.expect(r == [0], f"{who}: rdmatest reconnects {r}, expected [0]")


def _rdmatest(name, extra_server=(), extra_client=(), nic="virtio"):
	client, server = _pair(name, ["rdmatest=server"] + list(extra_server),
			       ["rdmatest=client:10.77.0.2"] +
			       list(extra_client), nic)
	for b, who in ((client, "client"), (server, "server")):
		b.expect(b.grep(rf"^rdmatest: {who}, {TESTS} tests"),
			 f"rdmatest {who} did not start")
		b.expect(b.grep(rf"^rdmatest: {TESTS}/{TESTS} verified$"),
			 f"{who}: not all {TESTS} tests verified")
		b.expect(b.code == clusterlib.EXIT_OK,
			 f"{who} did not end with status ok")
		b.expect(not b.grep(r"CQ overrun|BUG"), f"{who}: overrun/BUG")
	return client, server


def scenario_rdmatest_bootstrap():
	client, server = _rdmatest("rdmatest-boot", ["rdmatest.cm=0"],
				   ["rdmatest.cm=0"])
	client.expect(client.grep(r"^rdmatest: bootstrap: peer 10\.77\.0\.2 "
				  r"QPN 0x[0-9a-f]+ PSN 0x[0-9a-f]+$"),
		      "no bootstrap line naming node 1")


def scenario_rdmatest_cm():
	client, server = _rdmatest("rdmatest-cm", nic="e1000")
	for b in (client, server):
		b.expect(b.grep(r"^ib_cm: rxe0 QP1 ready"), "no CM on QP1")
	for msg in ("REQ", "RTU", "DREQ"):
		client.expect(client.grep(rf"^ib_cm: {msg} sent [1-9]"),
			      f"client sent no {msg}")
		server.expect(server.grep(rf"^ib_cm: {msg} sent 0 rcvd [1-9]"),
			      f"server received no {msg}")
	for msg in ("REP", "DREP"):
		server.expect(server.grep(rf"^ib_cm: {msg} sent [1-9]"),
			      f"server sent no {msg}")
		client.expect(client.grep(rf"^ib_cm: {msg} sent 0 rcvd [1-9]"),
			      f"client received no {msg}")


def scenario_rdmatest_lossy():
	client, server = _rdmatest("rdmatest-lossy", ["net.drop=9"])
	resent = _counter(client, "retransmits")
	check(resent is not None and resent > 0,
	      "frames were dropped but the client never retransmitted")
	seq = _counter(server, "psn_seq_errors")
	check(seq is not None and seq > 0,
	      "the server saw no PSN sequence error despite drops")
	_no_reconnects(client, server)


def _drop_scenario(name, every, both, nic):
	drop = [f"net.drop={every}"]
	client, server = _rdmatest(name, drop if both else [], drop, nic)
	# The client is the requester: what it drops (ACKs, READ responses)
	# it must ask for again.  The server only responds: what it drops
	# (requests) shows as PSN sequence errors there, and the client
	# resends them.  (Whether the server's own rare requests needed a
	# retransmission is chance: it is not asserted.)
	lost = _counter(client, "retransmits")
	check(lost is not None and lost > 0,
	      "client dropped frames but never retransmitted")
	if both:
		seq = _counter(server, "psn_seq_errors")
		check(seq is not None and seq > 0,
		      "server dropped frames but saw no PSN sequence error")
	for b, who in ((client, "client"), (server, "server")):
		b.expect(not b.grep(r"retry exceeded|RETRY_EXC|status 12"),
			 f"{who}: a work request ran out of retries")
	_no_reconnects(client, server)
	return client, server


def scenario_rdmatest_drop13_client():
	_drop_scenario("rdmatest-drop13c", 13, False, "e1000")


def scenario_rdmatest_drop19_client():
	_drop_scenario("rdmatest-drop19c", 19, False, "virtio")


def scenario_rdmatest_drop13_both():
	_drop_scenario("rdmatest-drop13b", 13, True, "virtio")


def scenario_rdmatest_drop19_both():
	_drop_scenario("rdmatest-drop19b", 19, True, "e1000")


def _rping(name, size):
	client, server = _pair(name, ["rping=server"],
			       [f"rping=client:10.77.0.2,count=5,size={size}"])
	client.expect(client.code == clusterlib.EXIT_OK, "client not ok")
	server.expect(server.code == clusterlib.EXIT_OK, "server not ok")
	client.expect(client.grep(r"^rping: 5/5 pings verified$"),
		      "client: not 5/5 pings verified")
	server.expect(server.grep(r"^rping: 5/5 pings verified$"),
		      "server: not 5/5 pings verified")
	pings = client.grep(r"^rping: ping data: rdma-ping-\d+: ")
	client.expect(len(pings) == 5, "not 5 ping data lines")
	# rping's payload: the letters rotate one further per ping.
	for n, line in enumerate(pings):
		expect = f"rdma-ping-{n}: " + chr(65 + n) + chr(66 + n)
		check(expect in line, f"ping {n} is not rping's: {line!r}")


def scenario_rping_64():
	_rping("rping-64", 64)


def scenario_rping_4096():
	_rping("rping-4096", 4096)


def scenario_cm_unknown_service():
	"""The server stays up until the client has ended: stopping it at
	its "nobody listens, REJ" line (as this scenario once did) could
	kill its QEMU before the REJ frame left, and the client then timed
	out instead (row 27 of the flake record).  A REJ lost otherwise is
	answered again at the client's resent REQ."""
	fabric = clusterlib.free_fabric()
	with clusterlib.group(2, TIMEOUT) as g:
		server = g.start("cm-unknown-node1",
				 ["--role", "memory", "--node", "1", "--net",
				  fabric, "--nic", "virtio", "--",
				  "rping=server"])
		client = g.start("cm-unknown-node0",
				 ["--role", "processor", "--node", "0",
				  "--net", fabric, "--nic", "virtio", "--",
				  "rdmatest=client:10.77.0.2"])
		client = client.finish()
		server = server.kill()
	server.expect(server.grep(r"^ib_cm: REQ from 10\.77\.0\.1 for "
				  r"service 0x1064853: nobody listens, REJ$"),
		      "server never logged the REQ for the unknown service")
	client.expect(client.code == clusterlib.EXIT_FAIL,
		      "client did not end with status fail")
	client.expect(client.grep(r"^rdmatest: connection rejected "
				  r"\(reason 8\)$"),
		      "client did not report REJ reason 8 (invalid service)")


def scenario_cm_unreachable():
	(b,) = boot_group([("cm-unreachable", [
		"--role", "processor", "--node", "0", "--net",
		clusterlib.free_fabric(), "--",
		"rdmatest=client:10.77.0.9"])], timeout=TIMEOUT)
	b.expect(b.code == clusterlib.EXIT_FAIL, "did not end with status fail")
	b.expect(b.grep(r"^rdmatest: CM event UNREACHABLE$"),
		 "no UNREACHABLE event")
	b.expect(b.grep(r"^rdmatest: 0/40 verified$"), "no verdict line")


SCENARIOS = [
	("rdmatest_bootstrap", scenario_rdmatest_bootstrap),
	("rdmatest_cm", scenario_rdmatest_cm),
	("rdmatest_lossy", scenario_rdmatest_lossy),
	("rdmatest_drop13_client", scenario_rdmatest_drop13_client),
	("rdmatest_drop19_client", scenario_rdmatest_drop19_client),
	("rdmatest_drop13_both", scenario_rdmatest_drop13_both),
	("rdmatest_drop19_both", scenario_rdmatest_drop19_both),
	("rping_64", scenario_rping_64),
	("rping_4096", scenario_rping_4096),
	("cm_unknown_service", scenario_cm_unknown_service),
	("cm_unreachable", scenario_cm_unreachable),
]
