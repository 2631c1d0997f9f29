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
                 every one (they carry no MAC under the key; a key holder's
                 would still meet the address check: node 0's address is
                 the one its authenticated datagrams came from), count
                 them, log it once, and keep its connection to the real
                 processor0.

  member_cm_forged  processor0 and memory1 form a keyed cluster while a
                 host-side sniffer on the fabric records the RDMA-CM REQ
                 processor0 sent and memory1's REP.  From processor0's
                 own address it then sends memory1 copies of that REQ
                 (each with a new comm ID, so the CM takes it as a new
                 connection): with a flipped bit in the MAC, with no MAC,
                 and unchanged (a replay); the REQ as a key holder at
                 10.77.0.9 would send it in node 0's name (a right MAC for
                 that address); and RC SENDs to memory1's QP of the
                 connection from 10.77.0.9.  memory1 must count each kind
                 exactly (unauthenticated CM messages, replayed CM
                 requests, requests from the wrong address, RC packets
                 from the wrong peer), log each once,
                 and keep its connection to processor0 up throughout.

  member_cm_dreq  processor0 and memory1 form a keyed cluster while the
                 sniffer records the CM REQ and REP of their connection
                 (comm ids, QPNs, the FIT private data).  memory1 boots
                 with ib_cm.max_connecting_per_ip=2.  The test sends
                 memory1, from processor0's address, CM DREQs for that live
                 connection's comm ids and QPN: with no private data, with
                 a seal whose MAC is random, and with a seal right under
                 the key but bound to another REQ (as a DREQ of an earlier
                 connection between the two would be), SENDS of each; then
                 FLOOD REQs (fresh comm ids, a flipped MAC bit).  memory1
                 must refuse every DREQ before the CM acts on it (counted
                 by FIT and by the CM, one log line, no DREP, the
                 connection up on both nodes, nobody "down"), and answer
                 every REQ with a REJ at once (counted, the REJs sent),
                 keeping its connection.  Last, a DREQ sealed as
                 Documentation/fit.md says (the test's own HMAC) must be
                 taken: memory1 drops the connection ("node 0 down:
                 DISCONNECTED", or its QP's flushed receives first),
                 which shows that the forged DREQs reached the CM for
                 the right connection.  A REQ flood cannot
                 reach ib_cm.max_connecting_per_ip on a FIT node: each REQ
                 without a valid MAC is rejected and its id freed before
                 the next is read; the limit's own test is the ktest
                 ib_cm.ib_cm_req_limit_*.

  member_cm_reset  processor0 and memory1 form a keyed cluster;
                 processor0 runs with fit.debug_reset_ms=RESET_MS, so it
                 drops its connection to memory1 (destroying the CM id
                 sends a DREQ, sealed by processor0's kernel) and connects
                 again.  memory1 must take that DREQ (ib_cm DREQ rcvd,
                 "node 0 down", connected again), refusing nothing: no
                 unauthenticated CM message on either node, no "refused"
                 line.  The kernels' seal and verify agree.

  member_stall   processor0 and memory1 form a cluster; memory1 runs with
                 fit.debug_stall_ms=STALL_MS, so once the cluster is
                 ready its membership thread (which sends the heartbeats)
                 sleeps that long holding a mutex.  memory1 must report
                 the stall once, while it lasts, from its UDP receive
                 thread: the line, a call trace of the sleeping thread
                 that names fit_member_debug_stall and msleep (a
                 switched-out task's stack, walked from its saved
                 registers), the mutex among its held locks when lock
                 debugging is on, each CPU's tick count and pending
                 timers; then the pass after the stall says that the
                 time does not count as the peers' silence; both are
                 counted.

The injector sends only to the scenario's own multicast group and port
on 127.0.0.1 (clusterlib.free_fabric()); nothing leaves the host.
Counters come from the debug key the launcher types on SIGQUIT.
"""

import re
import secrets
import signal
import socket
import struct
import threading
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
# Over the report's threshold (half of fit.dead_ms, 1500 ms), under the
# death bound (3000 ms): a report, not a death.
STALL_MS = 2500


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


def _settle_and_dump(nodes, marker):
	"""Long enough for a death to be declared (3 s), then the counters
	(SIGQUIT) of every node, up to the line @marker matches."""
	time.sleep(4)
	for n in nodes:
		n.proc.send_signal(signal.SIGQUIT)
	for n in nodes:
		check(n.wait_for(marker, 30), f"{n.name}: no membership counters")


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
			_settle_and_dump((p, m), r"unauthenticated datagrams")
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
		check(m.wait_for(r"CM request from 10\.77\.0\.9 refused: no "
				 r"valid MAC", 60),
		      "memory1 did not refuse the impostor's CM request")
		time.sleep(3)
		m.proc.send_signal(signal.SIGQUIT)
		check(m.wait_for(r"unauthenticated CM messages", 30),
		      "memory1: no membership counters")
		boots = [n.kill() for n in (p, m, imp)]
	b = boots[1]
	unauth = re.findall(r"(\d+) unauthenticated CM messages", b.log)
	b.expect(unauth and int(unauth[-1]) >= 1,
		 f"unauthenticated CM requests counted: {unauth}")
	b.expect(len(b.grep(r"CM request from .* refused")) == 1,
		 "not one log line for the refused CM requests")
	b.expect(b.grep(r"member 0 processor: alive, .*connection up"),
		 "processor0 not alive and connected on memory1")
	b.expect(not b.grep(r"node 0 down|declared dead|rebooted"),
		 "memory1 dropped the real processor0")
	for x in boots[:2]:
		x.expect(not re.search(clusterlib.OOPS_RE, x.log), "oops")


ROCE_PORT = 4791
PROCESSOR_IP = "10.77.0.1"
MAD = 62			# Ethernet 14, IPv4 20, UDP 8, BTH 12, DETH 8
CM_REQ, CM_REP = 0x0010, 0x0013
REQ_FIT_MAC = MAD + 164 + 36 + 40	# REQ private data, CMA header, FIT


def icrc(frame_):
	"""The RoCEv2 ICRC of an Ethernet frame (its last 4 bytes excluded):
	CRC-32 over IPv4, UDP and IBA headers and payload with the fields a
	router may change (TOS, TTL, IP and UDP checksums, BTH byte 4) set
	to ones, after 8 bytes of ones (the masked LRH)."""
	m = bytearray(frame_[14:-4])
	m[1] = 0xFF
	m[8] = 0xFF
	m[10:12] = b"\xff\xff"
	m[26:28] = b"\xff\xff"
	m[32] = 0xFF
	return struct.pack("<I", zlib.crc32(b"\xff" * 8 + bytes(m)))


def roce_fields(f):
	"""(source IP, dest IP, BTH opcode, dest QP, MAD attribute or None)
	of a RoCEv2 frame, or None."""
	if (len(f) < 58 or f[12:14] != b"\x08\x00" or f[23] != 17 or
	    struct.unpack("!H", f[36:38])[0] != ROCE_PORT):
		return None
	op = f[42]
	dqp = struct.unpack("!I", f[46:50])[0] & 0xFFFFFF
	attr = None
	if op == 0x64 and dqp == 1 and len(f) >= MAD + 256 + 4:
		attr = struct.unpack("!H", f[MAD + 16:MAD + 18])[0]
	return (socket.inet_ntoa(f[26:30]), socket.inet_ntoa(f[30:34]), op,
		dqp, attr)


class Sniffer(Fabric):
	"""A fabric member that keeps the last CM REQ and REP it saw
	between the two nodes, from before they boot."""

	def __init__(self, spec):
		super().__init__(spec)
		self.req = self.rep = None
		self.stop = False
		self.thread = threading.Thread(target=self._run, daemon=True)
		self.thread.start()

	def _run(self):
		while not self.stop:
			try:
				f = self.rx.recv(4096)
			except (socket.timeout, OSError):
				continue
			r = roce_fields(f)
			if not r:
				continue
			if r[:2] == (PROCESSOR_IP, MEMORY_IP) and r[4] == CM_REQ:
				self.req = f
			if r[:2] == (MEMORY_IP, PROCESSOR_IP) and r[4] == CM_REP:
				self.rep = f

	def close(self):
		self.stop = True
		self.thread.join(2)
		super().close()


def new_comm_id(req, mac=None):
	"""@req (a captured REQ frame) as a new connection: a fresh
	transaction and local comm ID, optionally another FIT MAC."""
	f = bytearray(req)
	f[MAD + 8:MAD + 16] = secrets.token_bytes(8)
	f[MAD + 24:MAD + 28] = secrets.token_bytes(4)
	if mac is not None:
		f[REQ_FIT_MAC:REQ_FIT_MAC + 16] = mac
	f[-4:] = icrc(f)
	return bytes(f)


def insider_req(req, key, src_ip):
	"""@req as a key holder at @src_ip would send it in the same node's
	name: IP source, the CMA header's source and the path's local GID
	changed, the FIT MAC recomputed under @key for that address."""
	d = MAD + 24				# the REQ message
	f = bytearray(new_comm_id(req))
	addr = socket.inet_aton(src_ip)
	f[26:30] = addr
	f[24:26] = b"\0\0"
	f[24:26] = struct.pack("!H", ip_checksum(bytes(f[14:34])))
	f[d + 68:d + 72] = addr			# primary path local GID
	f[d + 156:d + 160] = addr		# CMA header source
	priv = bytes(f[d + 176:d + 216])
	qpn = struct.unpack("!I", f[d + 32:d + 36])[0] >> 8
	psn = struct.unpack("!I", f[d + 44:d + 48])[0] >> 8
	msg = (b"FITCMREQ" + priv +
	       struct.pack("!IIII", struct.unpack("!I", addr)[0],
			   struct.unpack("!I", socket.inet_aton(MEMORY_IP))[0],
			   qpn, psn))
	f[REQ_FIT_MAC:REQ_FIT_MAC + 16] = hmac.new(key, msg,
						   hashlib.sha256).digest()[:16]
	f[-4:] = icrc(f)
	return bytes(f)


def rc_send(dst_mac, src_ip, dst_ip, dqpn, psn):
	"""An RC SEND_ONLY of 16 bytes, ICRC sealed."""
	bth = struct.pack("!BBHII", 0x04, 0, 0xFFFF, dqpn & 0xFFFFFF,
			  psn & 0xFFFFFF)
	payload = b"\xee" * 16
	udp = struct.pack("!HHHH", 0xC123, ROCE_PORT,
			  8 + len(bth) + len(payload) + 4, 0)
	ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0,
			 20 + len(udp) + len(bth) + len(payload) + 4, 0x4321,
			 0x4000, 64, 17, 0, socket.inet_aton(src_ip),
			 socket.inet_aton(dst_ip))
	ip = ip[:10] + struct.pack("!H", ip_checksum(ip)) + ip[12:]
	f = dst_mac + FORGED_MAC + b"\x08\x00" + ip + udp + bth + payload
	f += b"\0" * 4
	return f[:-4] + icrc(f)


def scenario_cm_forged():
	fabric = clusterlib.free_fabric()
	key = secrets.token_hex(16)
	inj = Sniffer(fabric)
	try:
		with clusterlib.group(2, TIMEOUT) as g:
			p = g.start("member-cmf-p0",
				    _argv("processor", 0, fabric, key))
			m = g.start("member-cmf-m1",
				    _argv("memory", 1, fabric, key))
			for n in (p, m):
				check(n.wait_for(r"^.*cluster ready: processor0 "
						 r"memory1$", 90),
				      f"{n.name}: no 'cluster ready'")
			time.sleep(1)
			req, rep = inj.req, inj.rep
			check(req and rep, "no CM REQ/REP seen on the fabric")
			check(icrc(req) == req[-4:],
			      "the test's ICRC disagrees with a real REQ's")
			mac = req[REQ_FIT_MAC:REQ_FIT_MAC + 16]
			check(mac != bytes(16), "the REQ carries no MAC")
			bad = bytes([mac[0] ^ 1]) + mac[1:]
			m_qpn = struct.unpack("!I", rep[MAD + 36:MAD + 40])[0] >> 8
			for i in range(SENDS):
				inj.send(new_comm_id(req, bad))
				inj.send(new_comm_id(req, bytes(16)))
				inj.send(new_comm_id(req))
				inj.send(insider_req(req, bytes.fromhex(key),
						     WRONG_SOURCE))
				inj.send(rc_send(rep[6:12], WRONG_SOURCE, MEMORY_IP,
						 m_qpn, i))
				time.sleep(0.3)
			_settle_and_dump((p, m), r"replayed CM requests")
			boots = [n.kill() for n in (p, m)]
	finally:
		inj.close()
	b = boots[1]
	unauth = re.findall(r"(\d+) unauthenticated CM messages, (\d+) "
			    r"replayed CM requests", b.log)
	b.expect(unauth and tuple(map(int, unauth[-1])) == (2 * SENDS, SENDS),
		 f"unauthenticated/replayed CM counted {unauth[-1:]}, sent "
		 f"{2 * SENDS}/{SENDS}")
	wrong = re.findall(r"\((\d+) from the wrong address\)", b.log)
	b.expect(wrong and int(wrong[-1]) == SENDS,
		 f"key holder's CM requests from the wrong address counted "
		 f"{wrong[-1:]}, sent {SENDS}")
	peer = re.findall(r"wrong_peer (\d+) wrong_port (\d+)", b.log)
	b.expect(peer and int(peer[-1][0]) == SENDS,
		 f"RC packets from the wrong peer counted {peer[-1:]}, sent "
		 f"{SENDS}")
	for what in (r"fit: CM request from 10\.77\.0\.1 refused: no valid MAC",
		     r"fit: CM request from 10\.77\.0\.1 refused: replayed",
		     r"fit: CM request for node 0 from 10\.77\.0\.9 refused: "
		     r"node 0 is at 10\.77\.0\.1",
		     r"rxe0: RoCE packet for QP \d+ from 10\.77\.0\.9:\d+ "
		     r"refused: wrong address"):
		b.expect(len(b.grep(what)) == 1,
			 f"not one log line for '{what}'")
	b.expect(b.grep(r"member 0 processor: alive, .*connection up"),
		 "processor0 not alive and connected on memory1")
	for x in boots:
		x.expect(not x.grep(r"node \d down|declared dead|rebooted|"
				    r"unauthenticated REP"),
			 "a node dropped its peer")
		x.expect(not re.search(clusterlib.OOPS_RE, x.log), "oops")
	boots[0].expect(boots[0].grep(r"member 1 memory: alive, .*"
				      r"connection up"),
			"memory1 not alive and connected on processor0")


FLOOD = 40
CM_DREQ = 0x0015


def seal(kind, src_node, dst_node, src_comm, dst_comm, src_epoch, dst_epoch,
	 req_mac, key):
	"""The private data of a sealed RTU/DREQ/DREP, as Documentation/fit.md
	lays it out: version 1, kind, sender, receiver, then HMAC-SHA256
	(truncated to 16 bytes) of "FITCMSEL", those 4 bytes, big-endian comm
	ids and epochs (sender's first) and the REQ's MAC."""
	hdr = bytes([1, kind, src_node, dst_node])
	msg = (b"FITCMSEL" + hdr +
	       struct.pack("!IIQQ", src_comm, dst_comm, src_epoch, dst_epoch) +
	       req_mac)
	return hdr + hmac.new(key, msg, hashlib.sha256).digest()[:16]


def dreq_frame(req, local_comm, remote_comm, remote_qpn, pdata):
	"""@req (a captured REQ frame, processor0 to memory1's QP1) turned
	into a DREQ with these ids and @pdata (up to 220 bytes)."""
	f = bytearray(req)
	d = MAD + 24
	f[MAD + 8:MAD + 16] = secrets.token_bytes(8)	# transaction ID
	struct.pack_into("!H", f, MAD + 16, CM_DREQ)
	f[d:MAD + 256] = bytes(232)
	struct.pack_into("!III", f, d, local_comm, remote_comm, remote_qpn << 8)
	f[d + 12:d + 12 + len(pdata)] = pdata
	f[-4:] = icrc(f)
	return bytes(f)


def scenario_cm_dreq():
	fabric = clusterlib.free_fabric()
	key = secrets.token_hex(16)
	kb = bytes.fromhex(key)
	inj = Sniffer(fabric)
	try:
		with clusterlib.group(2, TIMEOUT) as g:
			p = g.start("member-cmd-p0",
				    _argv("processor", 0, fabric, key))
			m = g.start("member-cmd-m1",
				    _argv("memory", 1, fabric, key,
					  ["ib_cm.max_connecting_per_ip=2"]))
			for n in (p, m):
				check(n.wait_for(r"^.*cluster ready: processor0 "
						 r"memory1$", 90),
				      f"{n.name}: no 'cluster ready'")
			time.sleep(1)
			req, rep = inj.req, inj.rep
			check(req and rep, "no CM REQ/REP seen on the fabric")
			check(icrc(req) == req[-4:],
			      "the test's ICRC disagrees with a real REQ's")
			p_comm = struct.unpack("!I", req[MAD + 24:MAD + 28])[0]
			m_comm = struct.unpack("!I", rep[MAD + 24:MAD + 28])[0]
			check(struct.unpack("!I", rep[MAD + 28:MAD + 32])[0] ==
			      p_comm, "the REP does not answer the REQ")
			m_qpn = struct.unpack("!I", rep[MAD + 36:MAD + 40])[0] >> 8
			req_mac = req[REQ_FIT_MAC:REQ_FIT_MAC + 16]
			p_epoch = struct.unpack("<Q", req[MAD + 200 + 6:
							MAD + 200 + 14])[0]
			m_epoch = struct.unpack("<Q", rep[MAD + 60 + 6:
							MAD + 60 + 14])[0]

			def dreq(pdata):
				return dreq_frame(req, p_comm, m_comm, m_qpn, pdata)

			good = seal(2, 0, 1, p_comm, m_comm, p_epoch, m_epoch,
				    req_mac, kb)
			other_req = bytes([req_mac[0] ^ 0x80]) + req_mac[1:]
			stale = seal(2, 0, 1, p_comm, m_comm, p_epoch, m_epoch,
				     other_req, kb)
			bad_mac = good[:4] + secrets.token_bytes(16)
			for _ in range(SENDS):
				inj.send(dreq(b""))
				inj.send(dreq(bad_mac))
				inj.send(dreq(stale))
				time.sleep(0.2)
			for _ in range(FLOOD):
				inj.send(new_comm_id(req, bytes([req_mac[0] ^ 1]) +
						     req_mac[1:]))
			_settle_and_dump((p, m), r"ib_cm: dropped_events")
			# The control: a right seal ends the connection.
			inj.send(dreq(good))
			down = m.wait_for(r"fit: node 0 down: "
					  r"(DISCONNECTED|WR flushed)", 20)
			boots = [n.kill() for n in (p, m)]
	finally:
		inj.close()
	b = boots[1]
	at = b.log.find("ib_cm: dropped_events")
	before = b.log[:at]
	unauth = re.findall(r"(\d+) unauthenticated CM messages", before)
	b.expect(unauth and int(unauth[-1]) == 3 * SENDS + FLOOD,
		 f"unauthenticated CM messages counted {unauth[-1:]}, sent "
		 f"{3 * SENDS} DREQs and {FLOOD} REQs")
	cm = re.findall(r"unauthenticated (\d+) over_limit (\d+)", b.log)
	b.expect(cm and int(cm[-1][0]) == 3 * SENDS,
		 f"the CM dropped {cm[-1:]} unauthenticated messages, want "
		 f"{3 * SENDS}")
	rej = re.findall(r"ib_cm: REJ sent (\d+)", before)
	b.expect(rej and int(rej[-1]) >= FLOOD,
		 f"REJs sent {rej[-1:]}, {FLOOD} REQs flooded")
	b.expect(len(b.grep(r"fit: CM DREQ from 10\.77\.0\.1 refused: no "
			    r"valid MAC for this connection")) == 1,
		 "not one log line for the refused DREQs")
	b.expect(len(b.grep(r"fit: CM request from 10\.77\.0\.1 refused: "
			    r"no valid MAC")) == 1,
		 "not one log line for the refused REQs")
	b.expect(re.search(r"member 0 processor: alive, .*connection up",
			   before), "processor0 not alive and connected on "
		 "memory1")
	b.expect(not re.search(r"node \d down|declared dead|rebooted", before),
		 "memory1 dropped processor0 before the control")
	b.expect(down, "a DREQ sealed under the key did not end the "
		 "connection: the forged ones may not have reached it")
	a = boots[0]
	a_before = a.log[:a.log.find("ib_cm: dropped_events")]
	a.expect(re.search(r"member 1 memory: alive, .*connection up",
			   a_before),
		 "memory1 not alive and connected on processor0")
	a.expect(not re.search(r"node \d down|declared dead", a_before),
		 "processor0 dropped memory1")
	for x in boots:
		x.expect(not re.search(clusterlib.OOPS_RE, x.log), "oops")


RESET_MS = 3000


def scenario_cm_reset():
	fabric = clusterlib.free_fabric()
	key = secrets.token_hex(16)
	with clusterlib.group(2, TIMEOUT) as g:
		p = g.start("member-cmr-p0",
			    _argv("processor", 0, fabric, key,
				  [f"fit.debug_reset_ms={RESET_MS}"]))
		m = g.start("member-cmr-m1", _argv("memory", 1, fabric, key))
		check(m.wait_for(r"fit: node 0 down: ", 90),
		      "memory1: the connection was not dropped")
		check(m.wait_for(r"fit: node 0 down: (.|\n)*fit: connected to "
				 r"processor0", 60),
		      "memory1: not connected again")
		_settle_and_dump((m,), r"ib_cm: dropped_events")
		boots = [n.kill() for n in (p, m)]
	b = boots[1]
	dreq = re.findall(r"ib_cm: DREQ sent \d+ rcvd (\d+)", b.log)
	b.expect(dreq and int(dreq[-1]) >= 1,
		 f"memory1 received no DREQ ({dreq[-1:]})")
	cm = re.findall(r"unauthenticated (\d+) over_limit", b.log)
	b.expect(cm and int(cm[-1]) == 0,
		 f"memory1's CM refused {cm[-1:]} RTU/DREQ/DREP")
	unauth = re.findall(r"(\d+) unauthenticated CM messages", b.log)
	b.expect(unauth and int(unauth[-1]) == 0,
		 f"memory1 counted {unauth[-1:]} unauthenticated CM messages")
	for x in boots:
		x.expect(not x.grep(r"refused: "), "a CM message was refused")
		x.expect(not re.search(clusterlib.OOPS_RE, x.log), "oops")
	boots[0].expect(boots[0].grep(r"debug reset \(fit\.debug_reset_ms\)"),
			"processor0 did not reset its connection")


def scenario_stall():
	fabric = clusterlib.free_fabric()
	stall = [f"fit.debug_stall_ms={STALL_MS}"]
	with clusterlib.group(2, TIMEOUT) as g:
		p = g.start("member-stall-p0", _argv("processor", 0, fabric))
		m = g.start("member-stall-m1", _argv("memory", 1, fabric,
						     extra=stall))
		check(m.wait_for(r"membership thread made no pass", 90),
		      "memory1: no stall report")
		time.sleep(STALL_MS / 1000)
		m.proc.send_signal(signal.SIGQUIT)
		check(m.wait_for(r"stalls of the membership thread", 30),
		      "memory1: no membership counters")
		boots = [n.kill() for n in (p, m)]
	b = boots[1]
	log = "\n".join(b.lines)
	at = log.find("membership thread made no pass")
	report = log[at:at + 4000] if at >= 0 else ""
	trace = report[report.find("Call Trace:"):]
	b.expect("Call Trace:" in report, "no call trace after the report")
	b.expect(re.search(r"^ fit_member_debug_stall\+0x", trace, re.M),
		 "the trace does not name fit_member_debug_stall")
	b.expect(re.search(r"^ (\? )?msleep\+0x", trace, re.M),
		 "the trace does not name msleep")
	b.expect(not b.grep(r"declared dead"), "a node was declared dead")
	if b.grep(r"^lockdep: lock debugging on"):
		b.expect(re.search(r"1 lock held by fit_member/\d+:\n ?#0: "
				   r"\(fit_debug_stall_lock\)", report),
			 "the held mutex is not listed")
	b.expect(re.search(r"^timers: cpu 0: [1-9]\d* ticks, \d+ pending.*\n"
			   r"(timers: cpu 1: .*\n)?timers: jiffies [1-9]",
			   report, re.M),
		 "no per-CPU timer lines after the report")
	# A host too busy to run the VM for a while could add a report.
	b.expect(b.grep(r"debug resets, [1-9]\d* stalls of the membership "
			r"thread, [1-9]\d* late passes"),
		 "the counters do not count the stall and the late pass")
	b.expect(b.grep(r"made no pass for \d+ ms: that time does not count"),
		 "the late pass after the stall is not logged")
	b.expect(not re.search(clusterlib.OOPS_RE, log), "oops")


# About a minute: started first (run-tests).
SLOW = {"member_forged"}

SCENARIOS = [
	("member_forged", scenario_forged),
	("member_cm_impostor", scenario_cm_impostor),
	("member_cm_forged", scenario_cm_forged),
	("member_cm_dreq", scenario_cm_dreq),
	("member_cm_reset", scenario_cm_reset),
	("member_static", scenario_static),
	("member_stall", scenario_stall),
]
