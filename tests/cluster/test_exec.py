# SPDX-License-Identifier: GPL-2.0
"""execve from a running program (issue 13 part 3), natively and on Tessera.

tests/user/exec_test.c is the caller.  Every scenario runs the same
commands natively and on Tessera: stdout, stderr and each exit status
must be identical.

  exec_chain_smp1 / exec_chain_smp2
      `exec_test chain` in local mode (the program from the launcher's
      archive, natively on the host), on one and two CPUs: failed execs
      the process survives (ENOENT, EFAULT for the path, argv, envp and
      their strings, E2BIG for one long string and for argv and envp
      over ARG_MAX, EINVAL, ELOOP for AT_SYMLINK_NOFOLLOW on
      /proc/self/exe, EACCES for a /proc file and a directory);
      then an exec of /proc/self/exe from a process with three more
      threads (asleep in read, in nanosleep, spinning): the new image
      has one thread, its close-on-exec descriptors are closed and the
      others open (the pipe still holds its bytes), handled signals are
      back to default and ignored ones still ignored (flags cleared),
      the blocked mask and a pending signal kept, the sigaltstack off,
      the environment passed, comm "exe"; it executes itself with a NULL
      argv (argc 1, argv[0] ""), and that image unblocks the pending
      SIGINT and dies of it: 130.  The memory service logs three exits
      (the two old images and the last), the last leaving it empty.
  exec_from_thread
      a second thread executes the program while the first waits in
      pthread_join: the new image runs (local mode, two CPUs), the
      output and status as natively.
  exec_loop_leak
      `exec_test loop 3`, `loop 300`, `loop 3` in one local boot on two
      CPUs: each image starts a thread and opens a close-on-exec pipe,
      then executes itself; the output equals the native runs and the
      node's free pages after each program (test_memsys.REAPED_RE) come
      back to the first run's level within test_memsys.SLACK_PAGES (a
      page table, a pcache buffer or a thread kept per exec would be
      300 pages or more).
  exec_rootfs
      a copy of the Debian 12 root (clusterlib.debian_root()) with
      exec_test (static and dynamic) and scripts of the test's own in
      /tessera-tests, on three nodes (`tessera run --rootfs`, every run
      in one boot), against a chroot of the same copy: /bin/echo from a
      static and a dynamic caller; busybox's echo applet; a #!/bin/sh
      script (dash) and a #!/usr/bin/python3 -u script with arguments;
      a #! line whose argument has spaces inside (one argument); chains
      of #! scripts up to past Linux's depth (ELOOP); ENOENT, EACCES (a
      file without an execute bit, a directory), ENOEXEC (garbage, an
      empty file, a #! line with no interpreter, one cut by the 256-byte
      buffer), a missing interpreter and a relative one, each failure
      survived and reported; execveat of an O_PATH descriptor
      (AT_EMPTY_PATH: an ELF, and a script, which runs as /dev/fd/N
      unless the descriptor is close-on-exec: ENOENT) and of a name
      relative to a directory descriptor (AT_SYMLINK_NOFOLLOW on a
      symlink: ELOOP); `exec` in dash and in busybox sh.  Last,
      on Tessera only (the chroot has no /proc): /proc/self/exe and the
      process name after a dynamic program executes the static one.
  exec_rootfs_local
      the same on one node (`tessera run --local --rootfs`).
  exec_tmpfs
      programs copied into /tmp by dash and run from there, on three
      nodes against a chroot of the same root (whose /tmp is a plain
      directory): the static exec_test, the dynamic /bin/echo and
      /bin/false (its status), ld.so run directly (an ET_DYN without
      interpreter), a copy of /bin/echo whose PT_INTERP names
      /tmp/ld-linux-x86-64.so.2 with that loader copied into /tmp too;
      then exec_test try of a truncated ELF (ENOEXEC), an empty file
      (ENOEXEC), one without execute bit (EACCES), a directory (EACCES),
      a missing name (ENOENT) and a program whose tmpfs interpreter is
      missing (ENOENT), each failure survived; a copy in /tmp that
      unlinks itself and then reads 256 KiB of its own data it had not
      touched (the running program keeps its file), and a tmpfs file
      mapped, closed and unlinked, then read through the mapping.
  exec_replaced
      the program execve opened is replaced before the memory node loads
      it (memnode.debug_exec_replaced=N injects that): the processor opens
      the path again, up to 3 times per execve; with 2 refusals the exec
      works (output as natively), with 4 execve fails with EAGAIN.
"""

import os
import re
import shutil

import clusterlib
from clusterlib import check
import test_memsys
import test_python
import test_rootfs
import test_user

IN_ROOT = "/tessera-tests"
PROG = f"{IN_ROOT}/exec_test"
DYN = f"{IN_ROOT}/exec_test_dyn"


def _chain(smp):
	want, log = test_user.compare_native("exec_test", f"exec-chain-smp{smp}",
					    ["chain"], smp=smp)
	text = want[1].decode(errors="replace")
	# The comparison is only as good as what the native run did.
	check(want[0] == 130, f"exec_test chain: native status {want[0]}, "
	      f"expected 130 (the pending SIGINT)\n{text}")
	for line in ("Threads:\t1\n", "fd pipe2 O_CLOEXEC: Bad file descriptor\n",
		     "fd dup2: open\n", "SIGUSR2: ignored flags 0\n",
		     "pending: INT 1 HUP 0\n", "stage 3: argc 1 argv[0] []"):
		check(line in text, f"native run lacks {line!r}:\n{text}")
	check(re.search(r"signal: pid \d+ comm exe killed by signal 2", log),
	      "no 'killed by signal 2' line for the process named exe")
	# Each exec gave the old image back: the memory service holds
	# nothing once the last one exited.
	exits = re.findall(r"memnode: exit node \d+ pid \d+: procs (\d+) "
			   r"pages (\d+)", log)
	check(len(exits) == 3 and exits[-1] == ("0", "0"),
	      f"memory service exits {exits}: want three (two execs and "
	      f"the end), the last with procs 0 pages 0")


def _from_thread():
	want, _ = test_user.compare_native("exec_test", "exec-thread",
					  ["threadexec"], smp=2)
	check(b"[from a second thread]" in want[1] and want[0] == 0,
	      f"native run: status {want[0]}, {want[1]!r}")


def _loop_leak():
	prog = test_user.program("exec_test")
	runs = [[prog, "loop", "3", "3"], [prog, "loop", "300", "300"],
		[prog, "loop", "3", "3"]]
	got = test_memsys.run_local("exec-loop", runs, smp=2)
	where = "exec loop (local, 2 CPUs)"
	test_memsys.check_same(where, runs, got, got[3])
	free = [int(n) for n in test_memsys.REAPED_RE.findall(got[3])]
	check(len(free) == len(runs),
	      f"{where}: {len(free)} reaped lines, want {len(runs)}")
	for n in (1, 2):
		check(free[n] >= free[0] - test_memsys.SLACK_PAGES,
		      f"{where}: free pages after run {n} {free[n]}, after "
		      f"run 0 {free[0]}: more than "
		      f"{test_memsys.SLACK_PAGES} pages kept")


# (name, mode, bytes) of the files the scenario puts in IN_ROOT.
def _files():
	chain = [("chain1", 0o755, b"#!/tessera-tests/exec_test showargs\n")]
	for n in range(2, 8):
		chain.append((f"chain{n}", 0o755,
			      f"#!{IN_ROOT}/chain{n - 1}\n".encode()))
	garbage = bytes((i * 37 + 11) & 0xff for i in range(4096))
	return [
		("hello.sh", 0o755, b'#!/bin/sh\necho "sh: $# args:" "$@"\n'
		 b'echo "sh: \\$0 is $0"\nexit 7\n'),
		("py.py", 0o755, b"#!/usr/bin/python3 -u\nimport sys\n"
		 b"print('python', sys.argv)\n"),
		("args.sh", 0o755,
		 b"#!  /tessera-tests/exec_test   showargs  one\ttwo  \n"),
		("nox.sh", 0o644, b"#!/bin/sh\necho not executable\n"),
		("garbage", 0o755, garbage),
		("empty", 0o755, b""),
		("blank.sh", 0o755, b"#!   \t \necho blank\n"),
		("missing.sh", 0o755, b"#!/nonexistent/interp\n"),
		("rel.sh", 0o755, b"#!exec_test showargs\n"),
		("long.sh", 0o755, b"#!/" + b"a" * 300),
	] + chain


RUNS = [
	[PROG, "try", "/nonexistent", f"{IN_ROOT}/nox.sh", f"{IN_ROOT}/garbage",
	 f"{IN_ROOT}/empty", f"{IN_ROOT}/blank.sh", f"{IN_ROOT}/missing.sh",
	 f"{IN_ROOT}/long.sh", IN_ROOT, f"{IN_ROOT}/rel.sh", "/bin/echo", "--",
	 "echo from a static program"],
	[DYN, "try", "/usr/bin/echo", "--", "echo from a dynamic program"],
	[PROG, "try", "/bin/busybox", "--", "echo", "busybox", "applet"],
	[PROG, "try", f"{IN_ROOT}/hello.sh", "--", "a b", "c"],
	[PROG, "try", f"{IN_ROOT}/py.py", "--", "x", "y z"],
	[PROG, "try", f"{IN_ROOT}/args.sh", "--", "last"],
	[PROG, "try"] + [f"{IN_ROOT}/chain{n}" for n in range(7, 0, -1)] +
	["--", "end"],
	[PROG, "fexec", f"{IN_ROOT}/args.sh", "x"],
	[PROG, "fexec", "/usr/bin/echo", "fexec echo"],
	[PROG, "atdir", "/usr/bin", "sh", "-c", "echo at dir"],
	[PROG, "atdir", "/usr/bin", "echo", "echo at dir"],
	["/bin/sh", "-c", f'exec {PROG} showargs "from dash"'],
	["/bin/busybox", "sh", "-c", "exec /bin/busybox echo from busybox sh"],
]
# Tessera only: what the new image sees of itself in /proc.
EXE_RUN = [DYN, "try", PROG, "--", "showexe"]
EXE_WANT = f"exe {PROG}\nName:\texec_test\n".encode()


def _scratch_root():
	"""test_python's copy of the Debian root (its scripts in IN_ROOT
	too), with exec_test and the files above added.  The caller removes
	it."""
	tmp, copy = test_python._scratch_root()
	shutil.copy(test_user.program("exec_test"), copy + PROG)
	shutil.copy(test_user.program("exec_test_dyn"), copy + DYN)
	for name, mode, data in _files():
		path = os.path.join(copy + IN_ROOT, name)
		with open(path, "wb") as f:
			f.write(data)
		os.chmod(path, mode)
	return tmp, copy


def _rootfs(local):
	tmp, root = _scratch_root()
	name = "exec-rootfs" + ("-local" if local else "")
	try:
		want_out, want_err, want = b"", b"", {}
		for i, argv in enumerate(RUNS):
			code, out, err = clusterlib.native_chroot(root, argv)
			want_out += out
			want_err += err
			want[i] = code
		got, out, err, _, log = test_rootfs._tessera(
			name, root, RUNS + [EXE_RUN], local=local)
		where = f"{name}: logs in runs/.../{name}/"
		check(not re.search(clusterlib.OOPS_RE, log),
		      f"{where}: kernel oops")
		text = want_out.decode(errors="replace")
		for line in ("exec /nonexistent: ENOENT", "nox.sh: EACCES",
			     "garbage: ENOEXEC", "echo from a static program",
			     "echo from a dynamic program", "busybox applet",
			     "sh: 2 args: a b c", "python [",
			     "[showargs  one\ttwo]", ": ELOOP",
			     "execveat O_CLOEXEC fd: ENOENT", "[/dev/fd/",
			     "fexec echo", "execveat nofollow: ELOOP",
			     "at dir",
			     "[from dash]", "from busybox sh"):
			check(line in text,
			      f"native run lacks {line!r}:\n{text}")
		check(out == want_out + EXE_WANT,
		      f"{where}: stdout differs\n--- native (+ the exe lines)"
		      f"\n{text}{EXE_WANT.decode()}\n--- tessera\n"
		      f"{out.decode(errors='replace')}")
		check(err == want_err, f"{where}: stderr differs: native "
		      f"{want_err!r}, tessera {err!r}")
		want[len(RUNS)] = 0
		check(got == want, f"{where}: statuses {got}, native {want} "
		      f"(by run)")
	finally:
		shutil.rmtree(tmp, ignore_errors=True)


LD_SO = b"/lib64/ld-linux-x86-64.so.2\0"


def _reinterp(data, interp):
	"""@data (an ELF naming LD_SO) with PT_INTERP naming @interp
	instead, padded with NULs to the same length."""
	check(data.count(LD_SO) == 1, "exec_test_dyn: PT_INTERP not found once")
	check(len(interp) < len(LD_SO), f"{interp!r} too long")
	return data.replace(LD_SO, interp + b"\0" * (len(LD_SO) - len(interp)))


T = "/tmp/exec-tmpfs"
TMPFS_RUNS = [
	["/bin/sh", "-c", f"mkdir {T} && cp {PROG} {T}/st && "
	 f"{T}/st showargs static 'from tmp'; echo status $?"],
	["/bin/sh", "-c", f"cp /bin/echo {T}/echo && {T}/echo dynamic from tmp; "
	 f"echo status $?; cp /bin/false {T}/false; {T}/false; echo status $?"],
	["/bin/sh", "-c", f"cp /lib64/ld-linux-x86-64.so.2 {T}/ld.so && "
	 f"{T}/ld.so /bin/echo ld.so from tmp; echo status $?"],
	["/bin/sh", "-c", f"cp /lib64/ld-linux-x86-64.so.2 /tmp/ld-linux-x86-64.so.2"
	 f" && cp {IN_ROOT}/interp-tmp {T}/it && {T}/it showargs 'interpreter in tmp';"
	 f" echo status $?"],
	["/bin/sh", "-c", f"head -c 200 /bin/echo > {T}/trunc && : > {T}/empty && "
	 f"cp /bin/echo {T}/nox && chmod 755 {T}/trunc {T}/empty && "
	 f"chmod 644 {T}/nox && mkdir {T}/dir && "
	 f"cp {IN_ROOT}/interp-absent {T}/ia && "
	 f"exec {PROG} try {T}/trunc {T}/empty {T}/nox {T}/dir {T}/none "
	 f"{T}/ia {T}/echo -- after the failures"],
	["/bin/sh", "-c", f"cp {PROG} {T}/sd && {T}/sd selfdel; echo status $?; "
	 f"{PROG} mapdel {T}/md; echo status $?"],
]


def _tmpfs():
	tmp, root = _scratch_root()
	name = "exec-tmpfs"
	try:
		with open(root + DYN, "rb") as f:
			dyn = f.read()
		for fname, interp in (("interp-tmp", b"/tmp/ld-linux-x86-64.so.2"),
				      ("interp-absent", b"/tmp/absent")):
			path = root + f"{IN_ROOT}/{fname}"
			with open(path, "wb") as f:
				f.write(_reinterp(dyn, interp))
			os.chmod(path, 0o755)
		want_out, _, _ = test_rootfs._same_as_native(name, root,
							     TMPFS_RUNS)
		text = want_out.decode(errors="replace")
		for line in ("from tmp", "dynamic from tmp\nstatus 0\nstatus 1",
			     "ld.so from tmp\nstatus 0",
			     "[interpreter in tmp]\nstatus 0", "trunc: ENOEXEC",
			     "empty: ENOEXEC", "nox: EACCES", "dir: EACCES",
			     "none: ENOENT", "ia: ENOENT", "after the failures",
			     "data sum 6 in 3 bytes\nstatus 0",
			     "0 of 12288 bytes differ\nstatus 0"):
			check(line in text, f"native run lacks {line!r}:\n{text}")
	finally:
		shutil.rmtree(tmp, ignore_errors=True)


def _replaced_run(name, tree, img, replaced):
	"""`exec_test try /proc_hello -- x` on one node serving its own disk
	@img, its memory service told to take the first @replaced execs for
	replaced files: (status, stdout, serial log)."""
	import subprocess

	run_dir = os.path.join(clusterlib.runs_dir(), name)
	cmd = [clusterlib.TESSERA, "run", "--local", "--image", img,
	       "--run-dir", run_dir, "--kernel-image",
	       clusterlib.kernel_image(), "--timeout", "120", "--append",
	       f"memnode.debug_exec_replaced={replaced}"]
	for e in test_user.ENV:
		cmd += ["--env", e]
	with clusterlib.qemu_slots(1):
		res = subprocess.run(cmd + ["--", "/exec_test", "try",
					    "/proc_hello", "--", "x"],
				     stdin=subprocess.DEVNULL,
				     stdout=subprocess.PIPE,
				     stderr=subprocess.PIPE, timeout=200)
	with open(os.path.join(run_dir, "serial.log"), errors="replace") as f:
		log = f.read()
	check(not re.search(clusterlib.OOPS_RE, log), f"{name}: kernel oops")
	return res.returncode, res.stdout, log


def _replaced():
	"""A program replaced between the processor's open and the memory
	node's load (memnode.debug_exec_replaced=N answers the first N
	execs that way): the processor opens the path again, up to 3 times
	per execve.  Two refusals: the exec works and the output is the
	native run's, with two "opening it again" lines.  Four: execve
	fails with EAGAIN (the caller survives and says so)."""
	import subprocess

	work = os.path.join(clusterlib.runs_dir(), "exec-replaced")
	tree = os.path.join(work, "tree")
	shutil.rmtree(work, ignore_errors=True)
	os.makedirs(tree)
	for prog in ("exec_test", "proc_hello"):
		shutil.copy(test_user.program(prog), os.path.join(tree, prog))
	img = os.path.join(work, "root.ext4")
	res = subprocess.run(["mke2fs", "-q", "-F", "-t", "ext4", "-d", tree,
			      img, "16M"], stdout=subprocess.PIPE,
			     stderr=subprocess.STDOUT, text=True)
	check(res.returncode == 0, f"mke2fs failed: {res.stdout}")
	want = clusterlib.native_chroot(tree, ["/exec_test", "try",
					       "/proc_hello", "--", "x"])
	check(want[:2] == (0, b"hello\n"), f"natively: {want!r}")
	reopen = "exec: /proc_hello was replaced while it was loaded: " \
		 "opening it again"
	code, out, log = _replaced_run("exec-replaced-2", tree, img, 2)
	check((code, out) == want[:2], f"two refusals: status {code}, "
	      f"{out!r}; native {want[:2]!r}")
	check(log.count(reopen) == 2, f"two refusals: "
	      f"{log.count(reopen)} '{reopen}' lines, want 2")
	check("not the file the processor opened (replaced meanwhile)" in log,
	      "two refusals: the memory service did not say why")
	code, out, log = _replaced_run("exec-replaced-4", tree, img, 4)
	check((code, out) == (3, b"exec /proc_hello: EAGAIN\n"
			      b"every exec failed\n"),
	      f"four refusals: status {code}, {out!r}")
	check(log.count(reopen) == 3, f"four refusals: "
	      f"{log.count(reopen)} '{reopen}' lines, want 3")


SCENARIOS = [
	("exec_chain_smp1", lambda: _chain(1)),
	("exec_chain_smp2", lambda: _chain(2)),
	("exec_from_thread", _from_thread),
	("exec_loop_leak", _loop_leak),
	("exec_rootfs", lambda: _rootfs(False)),
	("exec_rootfs_local", lambda: _rootfs(True)),
	("exec_tmpfs", _tmpfs),
	("exec_replaced", _replaced),
]
