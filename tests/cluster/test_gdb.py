# SPDX-License-Identifier: GPL-2.0
"""gdb on a node (tools/tessera --gdb, scripts/gdb/tessera.py).

gdb_attach_boot boots a real memory node with --gdb-wait, attaches gdb in
batch mode with the very command the launcher prints, and checks that the
CPU waited at the x86 reset vector, that breakpoints at start_kernel and
rest_init stop there, that gdb reads node_id and the command line we gave,
that tessera-dmesg shows lines the serial console also printed and that
tessera-tasks finds the idle task; then gdb detaches and the node boots
to ready.  gdb_user_regs does the same with `run --local` and a program
stopped in a system call, for tessera-uregs.  The other scenarios need
no VM: a taken port is refused before
anything starts, and cluster nodes get PORT + node id (fake-qemu)."""

import os
import re
import shlex
import shutil
import socket
import subprocess
import tempfile

from clusterlib import (Skip, TS_RE, check, kernel_image, qemu_slots,
			runs_dir, ROOT, TESSERA)

FAKE_QEMU = os.path.join(ROOT, "tests", "cluster", "fake-qemu")
GDB_CMD_RE = re.compile(r"(\w+): attach gdb with: (gdb .*)$")
# Bounds on waiting, never asserted on.
LAUNCH_WAIT = 60
GDB_WAIT = 120


def _free_tcp_port(count=1):
	"""A port P on 127.0.0.1 with P .. P+count-1 all free right now."""
	for _ in range(50):
		with socket.socket() as s:
			s.bind(("127.0.0.1", 0))
			base = s.getsockname()[1]
		if base + count > 65536:
			continue
		socks = []
		try:
			for p in range(base, base + count):
				s = socket.socket()
				socks.append(s)
				s.bind(("127.0.0.1", p))
			return base
		except OSError:
			continue
		finally:
			for s in socks:
				s.close()
	raise AssertionError(f"no {count} consecutive free TCP ports")


def _gdb_commands(stderr):
	"""{node name: argv} from the launcher's 'attach gdb with:' lines."""
	cmds = {}
	for line in stderr.splitlines():
		m = GDB_CMD_RE.search(line)
		if m:
			cmds[m.group(1)] = shlex.split(m.group(2))
	return cmds


def _read_until_gdb_line(proc):
	"""Launcher stderr lines up to (and with) the first gdb command."""
	lines = []
	for line in proc.stderr:
		lines.append(line)
		if GDB_CMD_RE.search(line):
			return "".join(lines)
	return "".join(lines)


def _gdb_session(name, launch, node, gdb_ex, program=()):
	"""Start tools/tessera @launch (with --gdb-wait on a free port), run
	gdb -batch with the command it printed for @node plus the -ex
	commands @gdb_ex, let the launcher finish (`run`: @program).  Returns (gdb output,
	launcher stderr, launcher status, run directory)."""
	if not shutil.which("gdb"):
		raise Skip("gdb not installed (scripts/install-deps)")
	port = _free_tcp_port()
	run_dir = os.path.join(runs_dir(), name)
	cmd = [TESSERA] + launch + [
	       "--kernel-image", kernel_image(), "--run-dir", run_dir,
	       f"--gdb={port}", "--gdb-wait",
	       "--timeout", str(LAUNCH_WAIT + GDB_WAIT)]
	if program:
		cmd += ["--"] + list(program)
	ex = []
	for c in gdb_ex:
		ex += ["-ex", c]
	with qemu_slots(1):
		proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
					stdout=subprocess.DEVNULL,
					stderr=subprocess.PIPE, text=True,
					errors="replace")
		try:
			head = _read_until_gdb_line(proc)
			gdb = _gdb_commands(head).get(node)
			check(gdb, f"no gdb command for {node} printed:\n{head}")
			want = f"target remote 127.0.0.1:{port}"
			check(want in gdb, f"printed gdb command {gdb} lacks "
			      f"'{want}'")
			check(os.path.samefile(gdb[1], kernel_image()),
			      f"printed gdb command names {gdb[1]}, not the "
			      f"booted {kernel_image()}")
			res = subprocess.run(
				gdb[:1] + ["-batch", "-nx"] + gdb[1:] + ex,
				cwd=ROOT, stdin=subprocess.DEVNULL,
				stdout=subprocess.PIPE,
				stderr=subprocess.STDOUT, text=True,
				errors="replace", timeout=GDB_WAIT)
			rest = proc.communicate(timeout=LAUNCH_WAIT)[1]
		finally:
			if proc.poll() is None:
				proc.kill()
				proc.wait()
	return res.stdout, head + rest, proc.returncode, run_dir


def gdb_attach_boot():
	out, err, code, run_dir = _gdb_session(
		"gdb_attach_boot",
		["boot", "-q", "--role", "memory", "--node", "5",
		 "--until-ready"], "memory5",
		["print/x $pc", "break start_kernel", "continue", "bt",
		 "break rest_init", "continue", "print node_id",
		 "print boot_info.cmdline", "echo ==dmesg==\\n",
		 "tessera-dmesg", "echo ==end==\\n",
		 "break processor_manager_init", "continue",
		 "tessera-tasks", "delete", "detach"])
	ctx = f"\n--- gdb output ---\n{out}\n--- launcher ---\n{err}"
	# x86: after reset the CPU fetches at CS base 0xffff0000 + IP 0xfff0;
	# gdb shows the IP.  Anything else means the CPU did not wait.
	check(re.search(r"^\$1 = 0xfff0$", out, re.M),
	      "CPU was not waiting at the reset vector" + ctx)
	check(re.search(r"^Breakpoint 1, start_kernel \(", out, re.M),
	      "did not stop at start_kernel" + ctx)
	check(re.search(r"^#0\s+start_kernel \(", out, re.M),
	      "bt does not name start_kernel" + ctx)
	check(re.search(r"^Breakpoint 2, rest_init \(", out, re.M),
	      "did not stop at rest_init" + ctx)
	check(re.search(r"^\$2 = 5$", out, re.M),
	      "node_id read through gdb is not 5 (--node 5)" + ctx)
	check(re.search(r'^\$3 = "role=memory node=5"', out, re.M),
	      "boot_info.cmdline read through gdb is not the command line "
	      "the launcher gave" + ctx)
	m = re.search(r"==dmesg==\n(.*?)==end==", out, re.S)
	check(m, "no tessera-dmesg output" + ctx)
	dmesg = [l for l in m.group(1).splitlines() if l.strip()]
	with open(os.path.join(run_dir, "serial.log"), errors="replace") as f:
		serial = f.read()
	serial_lines = set(serial.splitlines())
	check(any(TS_RE.sub("", l) == "Tessera role=memory node=5"
		  for l in dmesg),
	      "tessera-dmesg lacks the role line start_kernel prints" + ctx)
	missing = [l for l in dmesg if l not in serial_lines]
	check(not missing, f"tessera-dmesg lines not on the serial console: "
	      f"{missing[:3]}" + ctx)
	check(re.search(r"^\s*0[ >]\s+0 R\s+i\s+swapper/0$", out, re.M),
	      "tessera-tasks does not list the idle task swapper/0 on "
	      "CPU 0" + ctx)
	check(code == 0, f"launcher exit {code} after gdb detached" + ctx)
	check("tessera: ready role=memory node=5" in serial,
	      "node did not reach ready after gdb detached" + ctx)


def gdb_user_regs():
	"""tessera-uregs, read at the pt_regs on top of the kernel stack,
	against the pt_regs pointer the syscall entry hands do_syscall_64:
	two ways to the same registers."""
	import test_user
	hello = test_user.program("hello")
	want_code = test_user.native([hello])[0]
	out, err, code, run_dir = _gdb_session(
		"gdb_user_regs", ["run", "--local"], "processor0",
		["break do_syscall_64", "continue",
		 "print/x regs->orig_rax", "print/x regs->rip",
		 "print/x regs->rsp", "tessera-uregs", "tessera-tasks",
		 "delete", "detach"], program=[hello])
	ctx = f"\n--- gdb output ---\n{out}\n--- launcher ---\n{err}"
	check(re.search(r"^Breakpoint 1, do_syscall_64 \(", out, re.M),
	      "did not stop at do_syscall_64" + ctx)
	vals = dict(re.findall(r"^\$(\d) = (0x[0-9a-f]+)$", out, re.M))
	check(len(vals) == 3, "gdb did not print regs->orig_rax/rip/rsp" + ctx)
	m = re.search(r"^CPU 0: hello \(pid \d+\), pt_regs at", out, re.M)
	check(m, "tessera-uregs does not name the user thread hello" + ctx)
	uregs = {k: int(v, 16) for k, v in re.findall(
		r"^(\w+)\s+(0x[0-9a-f]{16})$", out, re.M)}
	for i, reg in (("1", "orig_rax"), ("2", "rip"), ("3", "rsp")):
		check(uregs.get(reg) == int(vals[i], 16),
		      f"tessera-uregs {reg} {uregs.get(reg)} != regs->{reg} "
		      f"{vals[i]}" + ctx)
	# Ring 3: the low two bits of the saved CS (x86 privilege level).
	check(uregs.get("cs", 0) & 3 == 3,
	      "tessera-uregs cs is not a ring-3 selector" + ctx)
	check(re.search(r"^\s*0>\s+\d+ R\s+u\s+hello$", out, re.M),
	      "tessera-tasks does not show hello running on CPU 0" + ctx)
	check(code == want_code, f"after detach the program exited {code}, "
	      f"natively {want_code}" + ctx)


def gdb_port_taken():
	with tempfile.TemporaryDirectory(prefix="tessera-gdb-") as tmp, \
	     socket.socket() as busy:
		busy.bind(("127.0.0.1", 0))
		busy.listen(1)
		port = busy.getsockname()[1]
		run_dir = os.path.join(tmp, "run")
		res = subprocess.run(
			[TESSERA, "boot", "-q", f"--gdb={port}",
			 "--kernel-image", FAKE_QEMU, "--run-dir", run_dir],
			env=dict(os.environ, TESSERA_QEMU=FAKE_QEMU),
			stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
			stderr=subprocess.PIPE, text=True, timeout=60)
		check(res.returncode == 125,
		      f"exit {res.returncode} for a taken port, want 125\n"
		      f"{res.stderr}")
		check(f"port {port}" in res.stderr and "not free" in
		      res.stderr, f"no clear message naming port {port}:\n"
		      f"{res.stderr}")
		check(not os.path.exists(run_dir),
		      "a run directory was made although the port is taken")
		for bad in ("--gdb=0", "--gdb=65536", "--gdb=12x"):
			res = subprocess.run(
				[TESSERA, "boot", "-q", bad, "--kernel-image",
				 FAKE_QEMU, "--run-dir", run_dir],
				env=dict(os.environ, TESSERA_QEMU=FAKE_QEMU),
				stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
				stderr=subprocess.PIPE, text=True, timeout=60)
			check(res.returncode == 125 and "--gdb" in res.stderr,
			      f"{bad}: exit {res.returncode}, want 125 naming "
			      f"--gdb\n{res.stderr}")
			check(not os.path.exists(run_dir),
			      f"{bad}: a run directory was made")
		# The last node of a cluster past 65535: refused the same way.
		res = subprocess.run(
			[TESSERA, "cluster", "-q", "--nodes", "1P1M",
			 "--net", "none", "--gdb=65535",
			 "--kernel-image", FAKE_QEMU, "--run-dir", run_dir],
			env=dict(os.environ, TESSERA_QEMU=FAKE_QEMU),
			stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
			stderr=subprocess.PIPE, text=True, timeout=60)
		check(res.returncode == 125 and "65536" in res.stderr,
		      f"cluster --gdb=65535: exit {res.returncode}, want 125 "
		      f"naming port 65536\n{res.stderr}")


def gdb_cluster_ports():
	port = _free_tcp_port(2)
	with tempfile.TemporaryDirectory(prefix="tessera-gdb-") as tmp:
		run_dir = os.path.join(tmp, "run")
		res = subprocess.run(
			[TESSERA, "cluster", "-q", "--nodes", "1P1M",
			 "--net", "none", f"--gdb={port}", "--timeout", "30",
			 "--kernel-image", FAKE_QEMU, "--run-dir", run_dir,
			 "--", "fake=end-ok"],
			env=dict(os.environ, TESSERA_QEMU=FAKE_QEMU),
			stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
			stderr=subprocess.PIPE, text=True, timeout=60)
		cmds = _gdb_commands(res.stderr)
		for name, node_id in (("processor0", 0), ("memory1", 1)):
			want = f"target remote 127.0.0.1:{port + node_id}"
			check(want in cmds.get(name, []),
			      f"{name}: printed gdb command lacks '{want}':\n"
			      f"{res.stderr}")
			with open(os.path.join(run_dir, name, "qemu.cmd")) as f:
				qemu = shlex.split(f.read())
			i = qemu.index("-gdb") if "-gdb" in qemu else -1
			check(i >= 0 and qemu[i + 1] ==
			      f"tcp:127.0.0.1:{port + node_id}",
			      f"{name}: QEMU not given -gdb tcp:127.0.0.1:"
			      f"{port + node_id}: {qemu}")
			check("-S" not in qemu,
			      f"{name}: -S without --gdb-wait: {qemu}")


SCENARIOS = [
	("gdb_attach_boot", gdb_attach_boot),
	("gdb_user_regs", gdb_user_regs),
	("gdb_port_taken", gdb_port_taken),
	("gdb_cluster_ports", gdb_cluster_ports),
]
