# SPDX-License-Identifier: GPL-2.0
"""Fabric scenarios: PCI and virtio-net on a real (virtual) wire.

  echo_two_nodes     two nodes on one multicast fabric; node 0 pings node 1
                     with raw 0x88B5 frames (netecho.test=N), every reply's
                     payload is checked in the kernel; node 1 halts on the
                     FIN frame (netecho.exit_on_fin)
  ktest_net_i440fx   ktest=pci,netdev with a virtio-net NIC: no case may
                     skip, none may fail
  ktest_net_q35      the same on q35 (ECAM from MCFG)
  q35_bridge_scan    q35 with a device behind a PCIe root port: the scan
                     goes through the bridge to bus 1
  legacy_virtio      a legacy-only virtio-net is refused with a log line and
                     the node still boots
  launcher_net_args  (fake QEMU) `tessera cluster` puts every node on one
                     fabric with MAC 52:54:00:12:34:<id>; `boot` has no NIC
                     unless asked; --nic e1000; bad specs are refused

The launcher's --net picks the fabric; a scenario that needs two nodes on
one fabric passes both the same mcast:GROUP:PORT from
clusterlib.free_fabric(), so parallel test runs never share a wire.  Pairs
boot through clusterlib.boot_group() (both QEMU slots, all or none).
"""

import os
import re
import shlex
import subprocess
import tempfile

import clusterlib
from clusterlib import check

ECHO_PINGS = 200
TIMEOUT = 90


def boot_one(name, argv, timeout=TIMEOUT):
	return clusterlib.boot_group([(name, argv)], timeout)[0]


def scenario_echo_two_nodes():
	fabric = clusterlib.free_fabric()
	req, resp = clusterlib.boot_group([
		("echo-node0", ["--role", "processor", "--node", "0",
				"--net", fabric, "--",
				f"netecho.test={ECHO_PINGS}"]),
		("echo-node1", ["--role", "memory", "--node", "1",
				"--net", fabric, "--",
				"netecho.exit_on_fin"]),
	], TIMEOUT)
	req.expect(req.code == clusterlib.EXIT_OK,
		   "requester did not end with status ok")
	req.expect(req.grep(r"netecho: peer 52:54:00:12:34:01$"),
		   "requester did not find node 1 (52:54:00:12:34:01)")
	req.expect(req.grep(rf"netecho: {ECHO_PINGS}/{ECHO_PINGS} replies "
			    r"verified$"),
		   f"not all {ECHO_PINGS} echo replies verified")
	resp.expect(resp.code == clusterlib.EXIT_OK,
		    "responder did not end with status ok")
	served = resp.grep(r"netecho: FIN from 52:54:00:12:34:00 after "
			   r"(\d+) requests served")
	resp.expect(served, "responder never got the FIN from node 0")
	n = int(re.search(r"after (\d+) requests", served[0]).group(1))
	# Discovery broadcasts add to the count; never fewer than the test.
	check(n >= ECHO_PINGS, f"responder served {n} requests, expected at "
	      f"least {ECHO_PINGS}")
	for b in (req, resp):
		b.expect(b.grep(r"eth0: virtio-net 52:54:00:12:34:0[01], "
				r"link up, MSI-X"),
			 "no 'eth0: virtio-net ..., link up, MSI-X' line")


def _ktest_net(name, extra):
	def scenario():
		b = boot_one(name, ["--role", "memory", "--node", "1",
				    "--net"] + extra +
			     ["--", "ktest=pci,netdev"])
		b.expect(b.code == clusterlib.EXIT_OK,
			 "ktest=pci,netdev did not end with status ok")
		m = [re.search(r"# ktest: (\d+) passed, (\d+) failed, "
			       r"(\d+) skipped", l) for l in b.lines]
		m = [x for x in m if x]
		b.expect(m, "no ktest summary line")
		passed, failed, skipped = (int(x) for x in m[0].groups())
		b.expect(failed == 0 and skipped == 0 and passed >= 16,
			 f"{passed} passed, {failed} failed, {skipped} "
			 f"skipped: with a NIC every case must run and pass")
	return scenario


def scenario_q35_bridge_scan():
	b = boot_one("q35-bridge", [
		"--role", "memory", "--node", "1", "--until-ready",
		"--qemu-arg=-machine q35",
		"--qemu-arg=-device pcie-root-port,id=rp1,chassis=1",
		"--qemu-arg=-device virtio-rng-pci,bus=rp1,disable-legacy=on"])
	b.expect(b.code == clusterlib.EXIT_OK, "node did not become ready")
	b.expect(b.grep(r"pci: ECAM 0000 \[bus 00-ff\] at 0x"),
		 "no ECAM region from MCFG on q35")
	b.expect(b.grep(r"pci 0000:00:00\.0 \[8086:29c0\] class 060000"),
		 "q35 host bridge 8086:29c0 not listed")
	b.expect(b.grep(r"pci 0000:01:00\.0 \[1af4:1044\] class"),
		 "the virtio-rng behind the root port (bus 1) was not found")
	b.expect(b.grep(r"pci: \d+ devices on 2 buses \(ECAM\)"),
		 "summary does not report 2 buses via ECAM")


def scenario_legacy_virtio():
	b = boot_one("legacy-virtio", [
		"--role", "memory", "--node", "1", "--until-ready",
		"--qemu-arg=-device virtio-net-pci,disable-modern=on"])
	b.expect(b.code == clusterlib.EXIT_OK, "node did not become ready")
	b.expect(b.grep(r"\[1af4:1000\]: legacy-only device"),
		 "legacy-only virtio-net was not refused with a log line")
	b.expect(not b.grep(r"^eth0: "), "a legacy device became eth0")


FAKE_QEMU = os.path.join(clusterlib.ROOT, "tests", "cluster", "fake-qemu")


def _fake_run(tmp, args):
	"""Run tools/tessera with the fake QEMU; (exit code, stderr)."""
	env = dict(os.environ, TESSERA_QEMU=FAKE_QEMU)
	res = subprocess.run([clusterlib.TESSERA] + args[:1] +
			     ["-q", "--kernel-image", FAKE_QEMU,
			      "--run-dir", tmp] + args[1:],
			     env=env, stdout=subprocess.PIPE,
			     stderr=subprocess.PIPE, text=True, timeout=120)
	return res.returncode, res.stderr


def _qemu_cmd(path):
	with open(os.path.join(path, "qemu.cmd")) as f:
		return shlex.split(f.read())


def _opt(cmd, flag):
	"""Values following each occurrence of @flag in @cmd."""
	return [cmd[i + 1] for i, a in enumerate(cmd[:-1]) if a == flag]


def scenario_launcher_net_args():
	with tempfile.TemporaryDirectory(prefix="tessera-fabric-") as tmp:
		d = os.path.join(tmp, "cluster")
		code, err = _fake_run(d, ["cluster", "--nodes", "1P1M1S"])
		check(code == 0, f"fake cluster exited {code}: {err}")
		fabrics = set()
		for name, node in (("processor0", 0), ("memory1", 1),
				   ("storage2", 2)):
			cmd = _qemu_cmd(os.path.join(d, name))
			nd = _opt(cmd, "-netdev")
			dev = _opt(cmd, "-device")
			check(len(nd) == 1, f"{name}: -netdev {nd}")
			m = re.fullmatch(r"socket,id=n0,mcast=230\.0\.0\.1:"
					 r"(\d+),localaddr=127\.0\.0\.1", nd[0])
			check(m, f"{name}: unexpected -netdev {nd[0]}")
			fabrics.add(m.group(1))
			want = (f"virtio-net-pci,netdev=n0,mac=52:54:00:12:34:"
				f"{node:02x},disable-legacy=on")
			check(want in dev, f"{name}: no '{want}' in {dev}")
		check(len(fabrics) == 1, f"nodes on different fabrics: "
		      f"{sorted(fabrics)}")

		d = os.path.join(tmp, "plain")
		code, err = _fake_run(d, ["boot", "--role", "memory"])
		check(code == 0, f"fake boot exited {code}: {err}")
		check("-netdev" not in _qemu_cmd(d),
		      "boot without --net has a NIC")

		d = os.path.join(tmp, "e1000")
		code, err = _fake_run(d, ["boot", "--role", "storage", "--net",
					  "mcast:239.1.2.3:4242", "--nic",
					  "e1000"])
		check(code == 0, f"fake boot exited {code}: {err}")
		cmd = _qemu_cmd(d)
		check(_opt(cmd, "-netdev") == [
			"socket,id=n0,mcast=239.1.2.3:4242,"
			"localaddr=127.0.0.1"], f"-netdev {_opt(cmd, '-netdev')}")
		check("e1000,netdev=n0,mac=52:54:00:12:34:02" in
		      _opt(cmd, "-device"), f"-device {_opt(cmd, '-device')}")

		for bad in ("mcast:10.0.0.1:5", "mcast:230.0.0.1:70000",
			    "tap", "mcast:230.0.0.1:"):
			code, err = _fake_run(os.path.join(tmp, "bad"),
					      ["boot", "--net", bad])
			check(code != 0 and "--net" in err,
			      f"--net {bad} accepted (exit {code})")


SCENARIOS = [
	("echo_two_nodes", scenario_echo_two_nodes),
	("ktest_net_i440fx", _ktest_net("ktest-net-i440fx", [])),
	("ktest_net_q35", _ktest_net("ktest-net-q35",
				     ["--qemu-arg=-machine q35"])),
	("q35_bridge_scan", scenario_q35_bridge_scan),
	("legacy_virtio", scenario_legacy_virtio),
	("launcher_net_args", scenario_launcher_net_args),
]
