# SPDX-License-Identifier: GPL-2.0
"""Program stdin from the launcher: `tessera run --stdin` relays its own
stdin into COM2's receive side (managers/processor/console.c,
processor.stdin=pipe; Documentation/launcher.md, "stdin").

Every scenario runs one program with `tessera run --local --stdin` and the
same program natively with the same input, and compares stdout, stderr
and the exit status.  The programs: busybox of the Debian root
(clusterlib.debian_root(); busybox-static, so it runs without the root's
libraries) and tests/user/stdin_hash.c, stdin_intr.c.

  cat_lines     printf 'a\\nb\\n' | busybox cat
  cat_binary    64 KiB of random bytes (every byte value, 0xff and the
                launcher's 0xff 0x00 end pair among them) through busybox
                cat: stdout byte for byte
  hash_1mib     1 MiB of random bytes into stdin_hash poll (poll, then
                FIONREAD, then read) and stdin_hash nonblock (O_NONBLOCK
                reads, EAGAIN, poll): the same count and hash
  hash_epoll    64 KiB into stdin_hash epoll (epoll_wait, FIONREAD, read)
  head_early    busybox head -c 10 of an endless input: the program ends
                while the launcher still has input; the launcher returns
                and no QEMU of the run is left
  read_eintr    a read() blocked on a silent open pipe is interrupted by
                SIGALRM: EINTR without SA_RESTART
  read_restart  the same with SA_RESTART: the read goes on and returns
                the bytes written after the handler ran
  shell_script  /bin/sh -i of the Debian root (a scratch copy) on one node
                with its own storage reads commands from the relayed stdin:
                builtins, an external program (fork and execve), exit 3;
                the same as natively in a chroot of the copy
  default_eof   without --stdin the program's stdin is at end of file
                although the launcher's stdin has bytes
"""

import os
import random
import shutil
import re
import subprocess
import threading

import clusterlib
from clusterlib import check
import test_user

TIMEOUT = 300
NATIVE_TIMEOUT = 60


def _busybox():
	return os.path.join(clusterlib.debian_root(), "usr", "bin", "busybox")


def _launcher(name, argv, stdin_flag=True):
	"""The `tessera run --local` command for @argv, run directory
	runs/.../stdin-@name."""
	run_dir = os.path.join(clusterlib.runs_dir(), f"stdin-{name}")
	cmd = [os.path.join(clusterlib.ROOT, "tools", "tessera"), "run",
	       "--local", "--run-dir", run_dir,
	       "--kernel-image", clusterlib.kernel_image(),
	       "--timeout", str(TIMEOUT)]
	if stdin_flag:
		cmd.append("--stdin")
	for e in test_user.ENV:
		cmd += ["--env", e]
	return cmd + ["--"] + argv, run_dir


def _env(argv):
	"""The native program's environment: the one the launcher gives
	it (--env); the launcher itself keeps ours (PATH: mke2fs)."""
	if argv[0].endswith(os.path.join("tools", "tessera")):
		return None
	return dict(e.split("=", 1) for e in test_user.ENV)


def _status(code):
	return code if code >= 0 else 128 - code


def _run(argv, data, timeout):
	res = subprocess.run(argv, input=data, stdout=subprocess.PIPE,
			     stderr=subprocess.PIPE, timeout=timeout,
			     env=_env(argv))
	return _status(res.returncode), res.stdout, res.stderr


def _log(run_dir):
	with open(os.path.join(run_dir, "serial.log"), errors="replace") as f:
		return f.read()


def _compare(name, want, got, run_dir):
	where = f"{name}: serial log in runs/.../stdin-{name}/"
	log = _log(run_dir)
	check(re.search(r"tessera: program exit run=0", log),
	      f"{where}: no program exit marker")
	check(not re.search(clusterlib.OOPS_RE, log), f"{where}: kernel oops")
	check(got[1] == want[1],
	      f"{where}: stdout differs: native {len(want[1])} bytes "
	      f"{want[1][:200]!r}, tessera {len(got[1])} bytes "
	      f"{got[1][:200]!r}")
	# The launcher's notes, also one that follows a prompt ("# ")
	# the program left without a newline.
	err = re.sub(rb"\[launcher\] [^\n]*\n", b"", got[2])
	check(err == want[2],
	      f"{where}: stderr differs: native {want[2]!r}, tessera "
	      f"{err!r}")
	check(got[0] == want[0],
	      f"{where}: exit status {got[0]}, native {want[0]}")
	return log


def _same(name, argv, data, stdin_flag=True, native_data=None):
	"""@argv with @data on stdin natively (or @native_data) and on
	Tessera; returns the native (status, stdout, stderr)."""
	want = _run(argv, data if native_data is None else native_data,
		    NATIVE_TIMEOUT)
	cmd, run_dir = _launcher(name, argv, stdin_flag)
	with clusterlib.qemu_slots(1):
		got = _run(cmd, data, TIMEOUT + 60)
	_compare(name, want, got, run_dir)
	return want


def _random(n, seed):
	rng = random.Random(seed)
	# The escape byte and the end pair of the relay, in the data.
	return b"\xff\x00\xff\xff\x00" + bytes(rng.getrandbits(8)
						for _ in range(n - 5))


def cat_lines():
	want = _same("cat_lines", [_busybox(), "cat"], b"a\nb\n")
	check(want[1] == b"a\nb\n", f"native cat printed {want[1]!r}")


def cat_binary():
	data = _random(64 << 10, 1)
	want = _same("cat_binary", [_busybox(), "cat"], data)
	check(want[1] == data, "native cat did not copy its input")


def hash_1mib():
	data = _random(1 << 20, 2)
	prog = test_user.program("stdin_hash")
	for mode in ("poll", "nonblock"):
		want = _same(f"hash_1mib_{mode}", [prog, mode], data)
		check(want[1].startswith(b"bytes 1048576 "),
		      f"native stdin_hash {mode}: {want[1]!r}")


def hash_epoll():
	data = _random(64 << 10, 3)
	want = _same("hash_epoll", [test_user.program("stdin_hash"), "epoll"],
		     data)
	check(want[1].startswith(b"bytes 65536 "),
	      f"native stdin_hash epoll: {want[1]!r}")


def _feed_forever(pipe, stop):
	"""Write to @pipe until it breaks or @stop is set."""
	block = b"0123456789abcdef" * 4096
	try:
		while not stop.is_set():
			pipe.write(block)
			pipe.flush()
	except (BrokenPipeError, OSError, ValueError):
		pass


def _collect(pipe, chunks):
	for data in iter(lambda: pipe.read(65536), b""):
		chunks.append(data)


def _endless(argv):
	"""(status, stdout, stderr) of @argv fed an endless input (its
	stdin stays open and full until it exits)."""
	proc = subprocess.Popen(argv, stdin=subprocess.PIPE,
				stdout=subprocess.PIPE, stderr=subprocess.PIPE,
				env=_env(argv))
	stop = threading.Event()
	out, err = [], []
	threads = [threading.Thread(target=_feed_forever,
				    args=(proc.stdin, stop), daemon=True),
		   threading.Thread(target=_collect, args=(proc.stdout, out),
				    daemon=True),
		   threading.Thread(target=_collect, args=(proc.stderr, err),
				    daemon=True)]
	for t in threads:
		t.start()
	try:
		proc.wait(timeout=TIMEOUT + 60)
	finally:
		stop.set()
		proc.kill()
		proc.wait()
	for t in threads:
		t.join(10)
	return _status(proc.returncode), b"".join(out), b"".join(err)


def _qemus_of(run_dir):
	"""Pids of processes whose command line names @run_dir."""
	pids = []
	for pid in os.listdir("/proc"):
		if not pid.isdigit():
			continue
		try:
			with open(f"/proc/{pid}/cmdline", "rb") as f:
				if run_dir.encode() in f.read():
					pids.append(int(pid))
		except OSError:
			continue
	return pids


def head_early():
	argv = [_busybox(), "head", "-c", "10"]
	want = _endless(argv)
	check(want[1] == b"0123456789", f"native head printed {want[1]!r}")
	cmd, run_dir = _launcher("head_early", argv)
	with clusterlib.qemu_slots(1):
		got = _endless(cmd)
	_compare("head_early", want, got, run_dir)
	left = _qemus_of(run_dir)
	check(not left, f"head_early: processes of the run left: {left}")


def _interactive(argv, reply):
	"""Run @argv with a pipe on stdin kept open and silent; once its
	stdout says "alarm", write @reply (if any) and close the pipe.
	(status, stdout, stderr)."""
	proc = subprocess.Popen(argv, stdin=subprocess.PIPE,
				stdout=subprocess.PIPE, stderr=subprocess.PIPE,
				env=_env(argv))
	out = b""
	try:
		# os.read, not readline: communicate() below reads the fd
		# itself and would miss what a buffered reader took.
		while b"alarm\n" not in out:
			data = os.read(proc.stdout.fileno(), 4096)
			if not data:
				break
			out += data
		if reply:
			proc.stdin.write(reply)
			proc.stdin.flush()
		rest, err = proc.communicate(timeout=TIMEOUT + 60)
	finally:
		proc.kill()
		proc.wait()
	return _status(proc.returncode), out + rest, err


def _signal_case(name, mode, reply):
	argv = [test_user.program("stdin_intr"), mode]
	want = _interactive(argv, reply)
	check(want[0] == 0, f"native stdin_intr {mode}: {want!r}")
	cmd, run_dir = _launcher(name, argv)
	with clusterlib.qemu_slots(1):
		got = _interactive(cmd, reply)
	_compare(name, want, got, run_dir)


def read_eintr():
	_signal_case("read_eintr", "eintr", None)


def read_restart():
	_signal_case("read_restart", "restart", b"hello\n")


def default_eof():
	prog = test_user.program("stdin_hash")
	want = _same("default_eof", [prog], b"not for the program\n",
		     stdin_flag=False, native_data=b"")
	check(want[1].startswith(b"bytes 0 "), f"native: {want[1]!r}")


SHELL_INPUT = (b"echo a $((6*7))\nls /etc/debian_version\n"
	       b"cat /etc/hostname /nonexistent\nexit 3\n")


def shell_script():
	import test_python
	tmp, root = test_python._scratch_root()
	try:
		want = clusterlib.native_chroot(root, ["/bin/sh", "-i"],
						input=SHELL_INPUT)
		check(want[0] == 3 and b"a 42\n" in want[1],
		      f"native sh -i: {want!r}")
		cmd, run_dir = _launcher("shell_script",
					 [os.path.join(root, "bin", "sh"),
					  "-i"])
		cmd[cmd.index("--local") + 1:cmd.index("--local") + 1] = \
			["--rootfs", root]
		with clusterlib.qemu_slots(1):
			got = _run(cmd, SHELL_INPUT, TIMEOUT + 60)
		_compare("shell_script", want, got, run_dir)
	finally:
		shutil.rmtree(tmp, ignore_errors=True)


SCENARIOS = [
	("cat_lines", cat_lines),
	("cat_binary", cat_binary),
	("hash_1mib", hash_1mib),
	("hash_epoll", hash_epoll),
	("head_early", head_early),
	("read_eintr", read_eintr),
	("read_restart", read_restart),
	("shell_script", shell_script),
	("default_eof", default_eof),
]
