# SPDX-License-Identifier: GPL-2.0
"""Interop scenarios: Tessera's RDMA against a stock Linux peer.

The peer is Debian's own kernel with rdma_rxe and rdmacm-utils' `rping -v
-V`, built from Debian packages by scripts/mk-linux-peer (cached under
build/linux-peer/) and booted by tools/linux-peer on the same QEMU multicast
fabric as the Tessera node.

  linux_pair_sanity            HARNESS CHECK, not a Tessera test: two Linux
                               peers run rping server and client against each
                               other; proves the peer image, the fabric and
                               the scenario plumbing before Tessera is blamed
  tessera_client_linux_server  Tessera's rping client (node 1, 10.77.0.2)
                               against Linux's `rping -s -v -V` (10.77.0.9)
  linux_client_tessera_server  Linux's `rping -c -v -V` against Tessera's
                               rping server; rping -V on Linux verifies every
                               byte Tessera sends back

A peer that cannot be built (no apt access to Debian's archive) FAILS these
scenarios; the Tessera ones are skipped only while the kernel image has no
rping built in.  Each scenario holds both QEMU slots.
"""

import os
import re
import socket
import struct
import subprocess
import threading
import time

import clusterlib
from clusterlib import check

MK_PEER = os.path.join(clusterlib.ROOT, "scripts", "mk-linux-peer")
LINUX_PEER = os.path.join(clusterlib.ROOT, "tools", "linux-peer")

COUNT = 5
SIZE = 64
# Seconds for one side to finish its whole run (boot + rping).
TIMEOUT = 90
# Seconds the Linux guest lets one rping run before killing it.
RPING_TIMEOUT = 40
# Seconds for the server side to be listening.
READY_TIMEOUT = 60
# Seconds the server may take to end once the client has ended.
SERVER_GRACE = 30
BUILD_TIMEOUT = 900

LINUX_SERVER_NODE = 8		# 10.77.0.9
LINUX_CLIENT_NODE = 9		# 10.77.0.10
TESSERA_NODE = 1		# 10.77.0.2, memory node

_build_lock = threading.Lock()
_build = {}


def _free_port():
	with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


def _ip(node):
	return f"10.77.0.{node + 1}"


def peer_image():
	"""Build (or reuse) the Linux peer once per test run; a failure is
	an AssertionError in every scenario that needs it."""
	with _build_lock:
		if "result" not in _build:
			try:
				_build["result"] = clusterlib.run_with_progress(
					[MK_PEER], "scripts/mk-linux-peer: the "
					"Linux peer", BUILD_TIMEOUT)
			except subprocess.TimeoutExpired:
				_build["result"] = (None, f"scripts/mk-linux-"
						    f"peer took over "
						    f"{BUILD_TIMEOUT} s")
		code, text = _build["result"]
	check(code == 0, "cannot build the Linux peer (scripts/mk-linux-"
	      "peer needs apt access to Debian's archive):\n    " +
	      text.strip().replace("\n", "\n    "))


class Run:
	"""One launcher (tools/linux-peer or tools/tessera) whose console we
	watch line by line as it runs.  @make_cmd(run_dir) gives its
	command line."""

	def __init__(self, name, make_cmd):
		self.name = name
		self.run_dir = os.path.join(clusterlib._runs_dir(), name)
		os.makedirs(self.run_dir, exist_ok=True)
		self.lines = []
		self.cond = threading.Condition()
		self.done = False
		self.err = open(os.path.join(self.run_dir, "launcher.stderr"),
				"w")
		with clusterlib._procs_lock:
			self.proc = subprocess.Popen(
				make_cmd(self.run_dir),
				stdin=subprocess.DEVNULL,
				stdout=subprocess.PIPE, stderr=self.err,
				text=True, errors="replace",
				preexec_fn=clusterlib._die_with_parent)
			clusterlib._procs.add(self.proc)
		self.reader = threading.Thread(target=self._read, daemon=True)
		self.reader.start()

	def _read(self):
		for line in self.proc.stdout:
			with self.cond:
				self.lines.append(line.rstrip("\n"))
				self.cond.notify_all()
		with self.cond:
			self.done = True
			self.cond.notify_all()

	def wait_for(self, regex, timeout):
		"""True once a console line matches @regex; False if the
		launcher ended or @timeout passed first."""
		r = re.compile(regex)
		end = time.monotonic() + timeout
		with self.cond:
			seen = 0
			while True:
				for l in self.lines[seen:]:
					if r.search(l):
						return True
				seen = len(self.lines)
				left = end - time.monotonic()
				if self.done or left <= 0:
					return False
				self.cond.wait(left)

	def finish(self, timeout):
		"""Exit code; the launcher is SIGTERMed (it then kills its
		QEMU) if it has not ended within @timeout seconds."""
		try:
			self.proc.wait(timeout=timeout)
		except subprocess.TimeoutExpired:
			self.proc.terminate()
			self.proc.wait()
		self.reader.join()
		self.err.close()
		with clusterlib._procs_lock:
			clusterlib._procs.discard(self.proc)
		return self.proc.returncode

	def stop(self):
		if self.proc.poll() is None:
			self.proc.terminate()
		return self.finish(30)

	def boot(self):
		"""The run as a clusterlib.Boot (serial.log, grep, expect)."""
		with open(os.path.join(self.run_dir, "launcher.stderr"),
			  errors="replace") as f:
			err = f.read()
		return clusterlib.Boot(self.name, self.proc.returncode,
				       self.run_dir, err)


def _take_slots(n):
	"""Hold @n of clusterlib's QEMU slots.  Takes them all or none, so
	two pair scenarios can never each hold one and wait forever."""
	while True:
		if clusterlib._stopping.is_set():
			raise clusterlib.Skip("interrupted")
		clusterlib._slots.acquire()
		got = 1
		while got < n and clusterlib._slots.acquire(blocking=False):
			got += 1
		if got == n:
			return
		for _ in range(got):
			clusterlib._slots.release()
		time.sleep(0.5)


def _release_slots(n):
	for _ in range(n):
		clusterlib._slots.release()


def linux_peer(name, mode, node, fabric, server=None):
	cmd = [LINUX_PEER, "--no-build", "--mode", mode, "--node", str(node),
	       "--net", fabric, "--count", str(COUNT), "--size", str(SIZE),
	       "--timeout", str(TIMEOUT), "--rping-timeout",
	       str(RPING_TIMEOUT), "--pcap"]
	if server:
		cmd += ["--server", server]
	return Run(name, lambda run_dir: cmd + ["--run-dir", run_dir])


def tessera(name, fabric, kernel_args):
	return Run(name, lambda run_dir: [
		clusterlib.TESSERA, "boot", "--role", "memory", "--node",
		str(TESSERA_NODE), "--kernel-image", clusterlib.kernel_image(),
		"--net", fabric, "--timeout", str(TIMEOUT), "--run-dir",
		run_dir, "--"] + kernel_args)


def client_server(start_server, start_client, ready_re):
	"""Start the server, wait until it listens, run the client, then let
	the server end.  Returns (server Boot, client Boot)."""
	_take_slots(2)
	try:
		server = start_server()
		client = None
		try:
			if not server.wait_for(ready_re, READY_TIMEOUT):
				server.stop()
				b = server.boot()
				raise b.fail(f"server never printed "
					     f"/{ready_re}/")
			client = start_client()
			client.finish(TIMEOUT + 60)
			server.finish(SERVER_GRACE)
		finally:
			if client:
				client.stop()
			server.stop()
		return server.boot(), client.boot()
	finally:
		_release_slots(2)


def ping_lines(boot, prefix):
	"""The rping payloads a side printed after @prefix, in order."""
	r = re.compile(r"^" + re.escape(prefix) + r"(rdma-ping-\d+: .*)$")
	return [m.group(1) for m in map(r.search, boot.lines) if m]


def expect_pings(boot, payloads, who):
	boot.expect(len(payloads) == COUNT,
		    f"{who}: {len(payloads)} ping data lines, expected {COUNT}")
	for i, p in enumerate(payloads):
		boot.expect(p.startswith(f"rdma-ping-{i}: "),
			    f"{who}: ping {i} is '{p}'")
		# rping -S SIZE: the buffer is SIZE bytes with a final NUL.
		boot.expect(len(p) == SIZE - 1,
			    f"{who}: ping {i} carries {len(p)} bytes, "
			    f"expected {SIZE - 1}")


def expect_linux_ok(boot, who):
	boot.expect(boot.grep(r"^link rxe0/1 state ACTIVE .*netdev eth0"),
		    f"{who}: rxe0 on eth0 never became ACTIVE")
	boot.expect(boot.code == 0, f"{who}: rping did not exit 0")
	boot.expect(boot.grep(r"^linux-peer: rping exit=0$"),
		    f"{who}: no 'linux-peer: rping exit=0' marker")


def scenario_linux_pair_sanity():
	"""Harness check: Linux rping server and client on one fabric."""
	peer_image()
	fabric = f"mcast:230.0.0.1:{_free_port()}"
	srv, cli = client_server(
		lambda: linux_peer("interop-sanity-server", "server",
				   LINUX_SERVER_NODE, fabric),
		lambda: linux_peer("interop-sanity-client", "client",
				   LINUX_CLIENT_NODE, fabric,
				   _ip(LINUX_SERVER_NODE)),
		r"^linux-peer: ready mode=server")
	expect_linux_ok(cli, "Linux client")
	expect_linux_ok(srv, "Linux server")
	sent = ping_lines(cli, "ping data: ")
	got = ping_lines(srv, "server ping data: ")
	expect_pings(cli, sent, "Linux client")
	expect_pings(srv, got, "Linux server")
	check(sent == got, f"the server read other data than the client "
	      f"sent:\n    client {sent}\n    server {got}")


def kernel_params(path):
	"""Names of the PARAM_*() command line parameters in the kernel ELF
	at @path.  The linker script brackets the struct kernel_param table
	with __start___param/__stop___param; every 8-byte word in it that
	points at a NUL-terminated string in the image is a name candidate
	(the struct's name pointer is one of them)."""
	with open(path, "rb") as f:
		data = f.read()
	if data[:4] != b"\x7fELF" or data[4] != 2:
		return set()
	shoff, = struct.unpack_from("<Q", data, 0x28)
	shentsize, shnum = struct.unpack_from("<HH", data, 0x3a)
	secs = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
		for i in range(shnum)]
	SHT_SYMTAB, SHT_NOBITS, SHF_ALLOC = 2, 8, 0x2
	loaded = [s for s in secs if s[2] & SHF_ALLOC and s[1] != SHT_NOBITS]

	def file_off(addr):
		for s in loaded:
			if s[3] <= addr < s[3] + s[5]:
				return s[4] + addr - s[3]
		return None

	bounds = {}
	for s in secs:
		if s[1] != SHT_SYMTAB:
			continue
		stroff = secs[s[6]][4]
		for o in range(s[4], s[4] + s[5], 24):
			st_name, = struct.unpack_from("<I", data, o)
			st_value, = struct.unpack_from("<Q", data, o + 8)
			at = stroff + st_name
			name = data[at:data.index(b"\0", at)]
			if name in (b"__start___param", b"__stop___param"):
				bounds[name] = st_value
	start = bounds.get(b"__start___param")
	stop = bounds.get(b"__stop___param")
	if start is None or stop is None or file_off(start) is None:
		return set()
	names = set()
	base = file_off(start)
	for o in range(base, base + stop - start - 7, 8):
		at = file_off(struct.unpack_from("<Q", data, o)[0])
		if at is None:
			continue
		end = data.find(b"\0", at, at + 64)
		if end > at:
			names.add(data[at:end].decode(errors="replace"))
	return names


def _need_tessera_rping():
	"""The kernel under test has an "rping" command line parameter:
	drivers/infiniband/ulp/rping is always built in, so an image without
	it, or one whose parameter table cannot be read, is a failure."""
	image = clusterlib.kernel_image()
	try:
		params = kernel_params(image)
	except (OSError, ValueError, struct.error) as e:
		raise AssertionError(f"cannot read the parameters of {image}: "
				     f"{e}")
	clusterlib.check("rping" in params,
			 f"{image} has no 'rping' parameter: the RDMA-CM "
			 f"rping client and server are missing")


def expect_tessera_ok(boot, who):
	"""Tessera's rping ended with status ok after COUNT verified pings."""
	boot.expect(boot.code == clusterlib.EXIT_OK,
		    f"{who}: did not end with status ok")
	boot.expect(boot.grep(rf"^rping: {COUNT}/{COUNT} pings verified$"),
		    f"{who}: no 'rping: {COUNT}/{COUNT} pings verified'")


def scenario_tessera_client_linux_server():
	peer_image()
	_need_tessera_rping()
	fabric = f"mcast:230.0.0.1:{_free_port()}"
	server_ip = _ip(LINUX_SERVER_NODE)
	srv, cli = client_server(
		lambda: linux_peer("interop-linux-server", "server",
				   LINUX_SERVER_NODE, fabric),
		lambda: tessera("interop-tessera-client", fabric,
				[f"rping=client:{server_ip},count={COUNT},"
				 f"size={SIZE}"]),
		r"^linux-peer: ready mode=server")
	expect_tessera_ok(cli, "Tessera client")
	expect_linux_ok(srv, "Linux server")
	got = ping_lines(srv, "server ping data: ")
	expect_pings(srv, got, "Linux server")
	# Tessera prints the first 40 bytes of what it read back.
	echoed = [m.group(1) for m in map(
		re.compile(r"^rping: ping data: (.*)$").search, cli.lines) if m]
	cli.expect(len(echoed) == COUNT,
		   f"Tessera client printed {len(echoed)} ping data lines, "
		   f"expected {COUNT}")
	for i, (e, g) in enumerate(zip(echoed, got)):
		check(g.startswith(e), f"ping {i}: Tessera got back '{e}', "
		      f"Linux read '{g}'")


def scenario_linux_client_tessera_server():
	peer_image()
	_need_tessera_rping()
	fabric = f"mcast:230.0.0.1:{_free_port()}"
	srv, cli = client_server(
		lambda: tessera("interop-tessera-server", fabric,
				["rping=server"]),
		lambda: linux_peer("interop-linux-client", "client",
				   LINUX_CLIENT_NODE, fabric,
				   _ip(TESSERA_NODE)),
		r"rping: server listening on port \d+")
	# rping -V on the client compares every byte the server wrote back.
	expect_linux_ok(cli, "Linux client")
	expect_pings(cli, ping_lines(cli, "ping data: "), "Linux client")
	expect_tessera_ok(srv, "Tessera server")


SCENARIOS = [
	("linux_pair_sanity", scenario_linux_pair_sanity),
	("tessera_client_linux_server", scenario_tessera_client_linux_server),
	("linux_client_tessera_server", scenario_linux_client_tessera_server),
]
