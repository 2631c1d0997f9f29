# SPDX-License-Identifier: GPL-2.0
"""IPv4/UDP scenarios over the virtual fabric (net/, drivers/net/e1000.c),
and the e1000e (82574L, drivers/net/e1000e.c) variants of the fabric, RDMA
and FIT scenarios that run on e1000.

  udpecho_e1000      two nodes with e1000 NICs: node 0 ARP-resolves node 1
                     and has N UDP datagrams of 1..1472 bytes echoed by
                     node 1's port-7 service, checking every byte
                     (udpecho.test=N); node 1 prints node 0's verdict
                     (udpecho.report) and is stopped on it
  udpecho_virtio     the same with virtio-net on both nodes
  udpecho_virtio_unfiltered
                     the same with virtio-net devices that lack CTRL_RX
                     (QEMU ctrl_rx=off): one line says the device stays
                     promiscuous, and the echo works as before
  udpecho_lossy      e1000, node 0 drops every 5th received frame
                     (net.drop=5): lost echoes are resent, all verified
  ktest_net          ktest=net with an e1000 NIC, every case passes
  ip_param           ip=ADDR/PREFIX is used; a malformed one is reported
                     with one line naming ip= and the default is kept
  udpecho_e1000e     udpecho_e1000 with e1000e NICs (MSI interrupts)
  rdmatest_drop13_client_e1000e
                     test_rdma's rdmatest_drop13_client over e1000e: the
                     client drops every 13th frame, every byte verifies
  fit_e1000e         test_fit's fittest=loss run without loss on e1000e
                     NICs: processor0's echoes 0 B..1 MiB to memory1 and
                     storage2 all verify, every node ends ok

Two-node boots take both QEMU slots through clusterlib.boot_group() (all
or none, so pairs never deadlock against each other).
"""

import re

import clusterlib
from clusterlib import check
import test_fit
import test_rdma

ECHOES = 200
TIMEOUT = 120


def _boot_nodes(specs, timeout=TIMEOUT):
	return clusterlib.boot_group(specs, timeout)


def _udpecho(name, nic, driver_line, tester_args=(), qemu_args=(),
	     node_line=None):
	qemu = [f"--qemu-arg={a}" for a in qemu_args]

	def scenario():
		fabric = clusterlib.free_fabric()
		tester, echo = _boot_nodes([
			(f"{name}-node0", ["--role", "processor", "--node", "0",
					   "--net", fabric, "--nic", nic] + qemu +
			 ["--", f"udpecho.test={ECHOES}"] + list(tester_args)),
			(f"{name}-node1", ["--role", "memory", "--node", "1",
					   "--net", fabric, "--nic", nic] + qemu +
			 ["--until", r"udpecho: peer 10\.77\.0\.1 reports: ",
			  "--", "udpecho.report"]),
		])
		for b, node in ((tester, 0), (echo, 1)):
			b.expect(b.grep(driver_line), f"no '{driver_line}' line")
			if node_line:
				b.expect(len(b.grep(node_line)) == 1,
					 f"not one '{node_line}' line")
			b.expect(b.grep(rf"^net: eth0 10\.77\.0\.{node + 1}/24 "
					rf"52:54:00:12:34:0{node} link up$"),
				 "eth0 not configured with the node-id default")
		tester.expect(tester.code == clusterlib.EXIT_OK,
			      "tester did not end with status ok")
		tester.expect(tester.grep(r"^udpecho: peer 10\.77\.0\.2 is at "
					  r"52:54:00:12:34:01$"),
			      "ARP did not resolve node 1 to its MAC")
		tester.expect(tester.grep(rf"^udpecho: {ECHOES}/{ECHOES} "
					  r"verified$"),
			      f"not all {ECHOES} echoes verified")
		echo.expect(echo.code == clusterlib.EXIT_OK,
			    "echo node was not stopped by the tester's report")
		echo.expect(echo.grep(rf"reports: {ECHOES}/{ECHOES} verified"),
			    "echo node did not receive the tester's verdict")
		return tester
	return scenario


def scenario_udpecho_lossy():
	tester = _udpecho("udpecho-lossy", "e1000",
			  r"eth0: e1000 52:54:00:12:34:0\d, link up",
			  ["net.drop=5"])()
	m = [re.search(r"retries (\d+)", l) for l in
	     tester.grep(r"^udpecho: corrupt")]
	tester.expect(m and m[0], "no udpecho retry summary")
	check(int(m[0].group(1)) > 0,
	      "net.drop=5 dropped frames but nothing was resent")
	tester.expect(tester.grep(r"^net: drop|fault [1-9]"),
		      "no injected drops counted")


def scenario_ktest_net():
	(b,) = _boot_nodes([("ktest-net", [
		"--role", "memory", "--node", "1", "--net",
		clusterlib.free_fabric(), "--nic", "e1000", "--",
		"ktest=net"])])
	b.expect(b.code == clusterlib.EXIT_OK, "ktest=net did not end ok")
	m = [re.search(r"# ktest: (\d+) passed, (\d+) failed, (\d+) skipped",
		       l) for l in b.lines]
	m = [x for x in m if x]
	b.expect(m, "no ktest summary line")
	passed, failed, skipped = (int(x) for x in m[0].groups())
	b.expect(failed == 0 and skipped == 0 and passed >= 7,
		 f"{passed} passed, {failed} failed, {skipped} skipped")


def scenario_ip_param():
	fabric = clusterlib.free_fabric()
	good, bad = _boot_nodes([
		("ip-good", ["--role", "memory", "--node", "1", "--net", fabric,
			     "--nic", "e1000", "--until-ready", "--",
			     "ip=192.168.7.9/16"]),
		("ip-bad", ["--role", "storage", "--node", "2", "--net", fabric,
			    "--nic", "e1000", "--until-ready", "--",
			    "ip=10.77.0.300/24"]),
	])
	good.expect(good.code == clusterlib.EXIT_OK, "node did not get ready")
	good.expect(good.grep(r"^net: eth0 192\.168\.7\.9/16 "),
		    "ip=192.168.7.9/16 was not used")
	bad.expect(bad.code == clusterlib.EXIT_OK, "node did not get ready")
	errs = bad.grep(r"ip=10\.77\.0\.300/24 is not ADDR/PREFIX")
	bad.expect(len(errs) == 1, "no single line naming the bad ip=")
	bad.expect(bad.grep(r"^net: eth0 10\.77\.0\.3/24 "),
		   "the node-id default 10.77.0.3/24 was not used")


E1000E_LINE = r"eth0: e1000e 52:54:00:12:34:0\d, link up, MSI$"


def scenario_rdma_drop_e1000e():
	client, server = test_rdma._drop_scenario("rdmatest-drop13c-e1000e",
						  13, False, "e1000e")
	for b in (client, server):
		b.expect(b.grep(E1000E_LINE), f"no '{E1000E_LINE}' line")


def scenario_fit_e1000e():
	boots = test_fit._loss_run("fit-e1000e", lambda node: [],
				   test_fit.TIMEOUT, nic="e1000e")
	for b in boots:
		b.expect(b.grep(E1000E_LINE), f"no '{E1000E_LINE}' line")


SCENARIOS = [
	("udpecho_e1000", _udpecho("udpecho-e1000", "e1000",
				   r"eth0: e1000 52:54:00:12:34:0\d, link up, "
				   r"INTx")),
	("udpecho_virtio", _udpecho("udpecho-virtio", "virtio",
				    r"eth0: virtio-net 52:54:00:12:34:0\d, "
				    r"link up, MSI-X")),
	("udpecho_virtio_unfiltered",
	 _udpecho("udpecho-virtio-unfiltered", "virtio",
		  r"eth0: virtio-net 52:54:00:12:34:0\d, link up, MSI-X",
		  qemu_args=["-global virtio-net-pci.ctrl_rx=off"],
		  node_line=r"^virtio-net: eth0: receive filter: no CTRL_VQ/"
			    r"CTRL_RX: the device stays promiscuous$")),
	("udpecho_lossy", scenario_udpecho_lossy),
	("ktest_net", scenario_ktest_net),
	("ip_param", scenario_ip_param),
	("udpecho_e1000e", _udpecho("udpecho-e1000e", "e1000e", E1000E_LINE)),
	("rdmatest_drop13_client_e1000e", scenario_rdma_drop_e1000e),
	("fit_e1000e", scenario_fit_e1000e),
]
