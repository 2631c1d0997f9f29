# SPDX-License-Identifier: GPL-2.0
"""Membership under a cluster key (fit.key=), against forged datagrams.

  member_forged  processor0 and memory1 boot with one random 128-bit key
                 on their own multicast fabric and form the cluster.  A
                 host-side injector joins the fabric's multicast group on
                 127.0.0.1 (the QEMU socket backend carries one Ethernet
                 frame per UDP datagram) and sends Ethernet/IPv4/UDP
                 frames to port 4790 holding membership heartbeats:
                   - one without a MAC, claiming node 5 at 10.77.0.6;
                   - one with a wrong MAC;
                   - memory1's own heartbeat, captured off the wire and
                     sent again later (a replay);
                   - one with a right MAC (the test knows the key) that
                     claims 10.77.0.6 from IP source 10.77.0.9.
                 Each is sent SENDS times.  Both nodes must refuse them
                 (one log line per kind, counters at least what was sent
                 to them), never list node 5, keep the cluster (no death,
                 the connection up), and say they run with a key (not
                 the "no cluster key" line).

  member_static  processor0 and memory1 with a static member list
                 (fit.peers=) and no key: a heartbeat claiming node 1 from
                 an address that is its packet's source but not the one
                 in fit.peers= is refused and counted as spoofed; memory1
                 stays a member at its listed address, connected; each
                 console says once that membership is unauthenticated.

  member_cm_impostor  processor0 and memory1 form a keyed cluster; a third
                 VM boots as "processor0" at 10.77.0.9 without the key and
                 with memory1 in its fit.peers=, so it sends memory1 RDMA-CM
                 connection requests in node 0's name.  memory1 must refuse
                 every one (node 0's address is the one its authenticated
                 datagrams came from), count them, log it once, and keep
                 its connection to the real processor0.

The injector sends only to the scenario's own multicast group and port
on 127.0.0.1 (clusterlib.free_fabric()); nothing leaves the host.
Counters come from the debug key the launcher types on SIGQUIT.
"""

import re
import secrets
import signal
import socket
import struct
import time
import hmac
import hashlib
import zlib

import clusterlib
from clusterlib import check

TIMEOUT = 120
SENDS = 3
FIT_PORT = 4790
ROLE_MEMORY = 2
FORGED_NODE = 5
FORGED_IP = "10.77.0.6"
WRONG_SOURCE = "10.77.0.9"
MEMORY_IP = "10.77.0.2"
FORGED_MAC = bytes.fromhex("525400123405")


def ip_checksum(hdr):
	s = sum(struct.unpack(f"!{len(hdr) // 2}H", hdr))
	while s >> 16:
		s = (s & 0xFFFF) + (s >> 16)
	return ~s & 0xFFFF


def frame(src_mac, src_ip, payload):
	"""Broadcast Ethernet + IPv4 + UDP (checksum 0: none) to port 4790."""
	udp = struct.pack("!HHHH", FIT_PORT, FIT_PORT, 8 + len(payload), 0)
	ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp) + len(payload),
			 0x1234, 0, 64, 17, 0, socket.inet_aton(src_ip),
			 b"\xff\xff\xff\xff")
	ip = ip[:10] + struct.pack("!H", ip_checksum(ip)) + ip[12:]
	eth = b"\xff" * 6 + src_mac + b"\x08\x00"
	return eth + ip + udp + payload


def heartbeat(node, ip, key=None, seq=1, wrong_mac=False):
	"""A HEARTBEAT as Documentation/fit.md lays it out: 40-byte header,
	40-byte announce, 8-byte mask, then with a key seq and HMAC-SHA256."""
	body = 48 + (40 if key or wrong_mac else 0)
	hdr = bytearray(40)
	hdr[0:4] = b"FIT1"
	hdr[4] = 1
	struct.pack_into("<HHH", hdr, 6, 0x0011, node, node)
	struct.pack_into("<II", hdr, 20, body, 0)
	struct.pack_into("<I", hdr, 28, body)
	struct.pack_into("<I", hdr, 36, zlib.crc32(bytes(hdr[:36])))
	addr = socket.inet_aton(ip)
	who = bytearray(40)
	who[0] = ROLE_MEMORY
	struct.pack_into("<I", who, 4, struct.unpack("!I", addr)[0])
	who[8 + 10:8 + 12] = b"\xff\xff"
	who[8 + 12:8 + 16] = addr
	struct.pack_into("<QII", who, 24, 0x5EED0000 + node, 2, 1)
	d = bytes(hdr) + bytes(who) + struct.pack("<Q", 0)
	if key or wrong_mac:
		d += struct.pack("<Q", seq)
		if wrong_mac:
			d += secrets.token_bytes(32)
		else:
			d += hmac.new(key, d, hashlib.sha256).digest()
	return d


class Fabric:
	"""A member of the QEMU multicast fabric on 127.0.0.1."""

	def __init__(self, spec):
		_, group, port = spec.split(":")
		self.dst = (group, int(port))
		self.rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
		self.rx.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
		self.rx.bind((group, int(port)))
		self.rx.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
				   socket.inet_aton(group) +
				   socket.inet_aton("127.0.0.1"))
		self.rx.settimeout(0.5)
		self.tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
		self.tx.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
				   socket.inet_aton("127.0.0.1"))
		self.tx.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 1)
		self.tx.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 0)

	def send(self, f):
		self.tx.sendto(f, self.dst)

	def capture(self, src_ip, timeout=10):
		"""The first membership frame from @src_ip, or None."""
		end = time.monotonic() + timeout
		while time.monotonic() < end:
			try:
				f = self.rx.recv(2048)
			except socket.timeout:
				continue
			if (len(f) >= 42 and f[12:14] == b"\x08\x00" and
			    f[23] == 17 and
			    f[26:30] == socket.inet_aton(src_ip) and
			    struct.unpack("!H", f[36:38])[0] == FIT_PORT):
				return f
		return None

	def close(self):
		self.rx.close()
		self.tx.close()


def _argv(role, node, fabric, key=None, extra=()):
	argv = ["--role", role, "--node", str(node), "--kernel",
		"--net", fabric, "--", "fit.expect=1P1M"] + list(extra)
	if key:
		argv.append(f"fit.key={key}")
	return argv


def _counters(log):
	m = re.findall(r"fit: membership: \d+ deaths, \d+ rejoins, "
		       r"(\d+) bad datagrams, (\d+) spoofed datagrams, "
		       r"(\d+) unauthenticated datagrams, (\d+) replayed "
		       r"datagrams", log)
	return tuple(int(x) for x in m[-1]) if m else None


def scenario_forged():
	fabric = clusterlib.free_fabric()
	key = secrets.token_bytes(16)
	with clusterlib.group(2, TIMEOUT) as g:
		p = g.start("member-p0", _argv("processor", 0, fabric,
						key.hex()))
		m = g.start("member-m1", _argv("memory", 1, fabric, key.hex()))
		inj = Fabric(fabric)
		try:
			for n in (p, m):
				check(n.wait_for(r"^.*cluster ready: processor0 "
						 r"memory1$", 90),
				      f"{n.name}: no 'cluster ready'")
			real = inj.capture(MEMORY_IP)
			check(real, "no heartbeat from memory1 on the fabric")
			time.sleep(1)	# newer heartbeats pass it by
			for _ in range(SENDS):
				inj.send(frame(FORGED_MAC, FORGED_IP,
					       heartbeat(FORGED_NODE, FORGED_IP)))
				inj.send(frame(FORGED_MAC, FORGED_IP,
					       heartbeat(FORGED_NODE, FORGED_IP,
							 wrong_mac=True)))
				inj.send(real)
				inj.send(frame(FORGED_MAC, WRONG_SOURCE,
					       heartbeat(FORGED_NODE, FORGED_IP,
							 key=key, seq=1 << 60)))
				time.sleep(0.2)
			# Long enough for a death to be declared (3 s).
			time.sleep(4)
			for n in (p, m):
				n.proc.send_signal(signal.SIGQUIT)
			for n in (p, m):
				check(n.wait_for(r"unauthenticated datagrams", 30),
				      f"{n.name}: no membership counters")
		finally:
			inj.close()
		boots = [n.kill() for n in (p, m)]
	for b, is_p in zip(boots, (True, False)):
		c = _counters(b.log)
		b.expect(c, "no membership counter line")
		bad, spoofed, unauth, replayed = c
		b.expect(unauth >= 2 * SENDS,
			 f"{unauth} unauthenticated datagrams counted, sent "
			 f"{2 * SENDS}")
		b.expect(spoofed >= SENDS,
			 f"{spoofed} spoofed datagrams counted, sent {SENDS}")
		if is_p:
			b.expect(replayed >= SENDS,
				 f"{replayed} replays counted, sent {SENDS}")
		for kind in ("not authenticated", "address not its source"):
			got = b.grep(rf"refused: {kind} ")
			b.expect(len(got) == 1,
				 f"{len(got)} log lines for '{kind}', want 1")
		b.expect(b.grep(r"^fit: cluster key of 128 bits"),
			 "no 'cluster key' line")
		b.expect(not b.grep(r"no cluster key"),
			 "says 'no cluster key' with a key")
		b.expect(not b.grep(rf"member {FORGED_NODE} "),
			 f"node {FORGED_NODE} became a member")
		b.expect(not b.grep(r"declared dead"), "a node was declared dead")
		b.expect(len(b.grep(r"cluster ready:")) == 1,
			 "'cluster ready' not exactly once")
		b.expect(not re.search(clusterlib.OOPS_RE, b.log), "oops")
	peer = r"member 1 memory: alive, .*connection up"
	boots[0].expect(boots[0].grep(peer), "memory1 not alive and up")
	boots[0].expect(len(boots[0].grep(r"refused: replayed ")) == 1,
			"not one log line for the replays")


def scenario_static():
	fabric = clusterlib.free_fabric()
	peers = ["fit.peers=0@10.77.0.1,1@10.77.0.2"]
	with clusterlib.group(2, TIMEOUT) as g:
		p = g.start("member-static-p0",
			    _argv("processor", 0, fabric, extra=peers))
		m = g.start("member-static-m1",
			    _argv("memory", 1, fabric, extra=peers))
		inj = Fabric(fabric)
		try:
			for n in (p, m):
				check(n.wait_for(r"^.*cluster ready: processor0 "
						 r"memory1$", 90),
				      f"{n.name}: no 'cluster ready'")
			for _ in range(SENDS):
				inj.send(frame(FORGED_MAC, WRONG_SOURCE,
					       heartbeat(1, WRONG_SOURCE)))
				time.sleep(0.2)
			time.sleep(4)
			p.proc.send_signal(signal.SIGQUIT)
			check(p.wait_for(r"unauthenticated datagrams", 30),
			      "processor0: no membership counters")
		finally:
			inj.close()
		boots = [n.kill() for n in (p, m)]
	b = boots[0]
	c = _counters(b.log)
	b.expect(c, "no membership counter line")
	b.expect(c[1] == SENDS, f"{c[1]} spoofed datagrams counted, sent "
		 f"{SENDS}")
	b.expect(len(b.grep(r"refused: address not its source ")) == 1,
		 "not one log line for the spoofed datagrams")
	b.expect(b.grep(r"member 1 memory: alive, .*connection up"),
		 "memory1 not alive and up")
	b.expect(not b.grep(r"declared dead|rebooted"),
		 "memory1 was declared dead or rebooted")
	for b in boots:
		b.expect(b.log.count("fit: no cluster key: membership is "
				     "unauthenticated\n") == 1,
			 "no (or a repeated) 'no cluster key' line")
		b.expect(not re.search(clusterlib.OOPS_RE, b.log), "oops")


def scenario_cm_impostor():
	fabric = clusterlib.free_fabric()
	key = secrets.token_hex(16)
	with clusterlib.group(3, TIMEOUT) as g:
		p = g.start("member-cm-p0", _argv("processor", 0, fabric, key))
		m = g.start("member-cm-m1", _argv("memory", 1, fabric, key))
		for n in (p, m):
			check(n.wait_for(r"^.*cluster ready: processor0 "
					 r"memory1$", 90),
			      f"{n.name}: no 'cluster ready'")
		imp = g.start("member-cm-impostor", [
			"--role", "processor", "--node", "0", "--kernel",
			"--net", fabric, "--", "ip=10.77.0.9/24",
			"fit.peers=0@10.77.0.9,1@10.77.0.2"])
		check(m.wait_for(r"CM request for node 0 from 10\.77\.0\.9 "
				 r"refused", 60),
		      "memory1 did not refuse the impostor's CM request")
		time.sleep(3)
		m.proc.send_signal(signal.SIGQUIT)
		check(m.wait_for(r"from the wrong address", 30),
		      "memory1: no membership counters")
		boots = [n.kill() for n in (p, m, imp)]
	b = boots[1]
	wrong = re.findall(r"bad CM requests \((\d+) from the wrong address\)",
			   b.log)
	b.expect(wrong and int(wrong[-1]) >= 1,
		 f"wrong-address CM requests counted: {wrong}")
	b.expect(len(b.grep(r"CM request for node 0 from .* refused")) == 1,
		 "not one log line for the refused CM requests")
	b.expect(b.grep(r"member 0 processor: alive, .*connection up"),
		 "processor0 not alive and connected on memory1")
	b.expect(not b.grep(r"node 0 down|declared dead|rebooted"),
		 "memory1 dropped the real processor0")
	for x in boots[:2]:
		x.expect(not re.search(clusterlib.OOPS_RE, x.log), "oops")


SCENARIOS = [
	("member_forged", scenario_forged),
	("member_cm_impostor", scenario_cm_impostor),
	("member_static", scenario_static),
]
