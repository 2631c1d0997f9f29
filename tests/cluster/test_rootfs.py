# SPDX-License-Identifier: GPL-2.0
"""Programs of a whole Debian 12 root on three nodes.

clusterlib.debian_root() (tools/mkrootfs: debootstrap minbase with
python3, python3-numpy, busybox-static, libstdc++6; about 230 MiB, 9000
files, hard links, absolute symlinks, device nodes in /dev) becomes the
storage node's ext4 image through `tessera run --rootfs`.  busybox-static
is a static program of that root: its applets run on processor0 (memory1
loads /bin/busybox from storage2) and natively in a chroot of the same
root (clusterlib.native_chroot(), same argv and environment); stdout,
stderr and each status must agree.  The applets go through an absolute
symlink chain (/usr/bin/awk -> /etc/alternatives/awk -> /usr/bin/mawk),
a hard-linked file and a missing path.  Independently of
both runs, the test checks what it can compute itself from the host's
copy of the root: the file contents and their MD5, a line count, the
link count, and the launcher's single note on the device nodes it left
out (counted here).

  rootfs_busybox       the applets above and, relative to --cwd
                       /usr/share/common-licenses, pwd, relative paths
                       and one that does not exist; one boot (--also)
  rootfs_cwd_missing   --cwd naming no directory on the storage node: the
                       processor refuses the run (status 125, its
                       "cannot chdir" line), nothing runs
  rootfs_mkrootfs_errors  tools/mkrootfs's errors in an empty cache:
                       --check, a dead mirror, not root (no boot)
  rootfs_mkrootfs_lock three parallel tools/mkrootfs build once; a build
                       SIGKILLed midway is cleaned up by the next run
                       (a fake debootstrap copies the real root; no boot)
"""

import hashlib
import os
import re
import shlex
import signal
import stat
import subprocess
import tempfile
import time

import clusterlib
from clusterlib import check
import test_files
import test_user

TIMEOUT = 240
BUSYBOX = "/bin/busybox"
LICENSES = "/usr/share/common-licenses"
NOTE_RUN_RE = re.compile(rb"^\[launcher\] run (\d+) \(.*\): exit status "
			 rb"(\d+)$", re.M)


def _host(root, path):
	"""Host path of in-root @path, its symlinks resolved inside @root
	(the test's own walk, not the launcher's)."""
	parts, done, hops = [p for p in path.split("/") if p], [], 0
	while parts:
		comp = parts.pop(0)
		cur = os.path.join(root, *done, comp)
		if os.path.islink(cur):
			hops += 1
			check(hops < 40, f"symlink loop at {path}")
			target = os.readlink(cur)
			if target.startswith("/"):
				done = []
			parts = [p for p in target.split("/") if p] + parts
		elif comp == "..":
			done = done[:-1]
		elif comp != ".":
			done.append(comp)
	return os.path.join(root, *done)


def _hard_linked(root):
	"""An in-root /usr/bin file with more than one link (and its count)."""
	d = os.path.join(root, "usr", "bin")
	for name in sorted(os.listdir(d)):
		st = os.lstat(os.path.join(d, name))
		if stat.S_ISREG(st.st_mode) and st.st_nlink > 1:
			return f"/usr/bin/{name}", st.st_nlink
	raise AssertionError(f"no hard-linked file in {d}: the root is not "
			     f"what tools/mkrootfs builds")


def _specials(root):
	"""Device nodes, sockets and fifos of the tree."""
	n = 0
	for dirpath, dirnames, filenames in os.walk(root):
		for name in dirnames + filenames:
			mode = os.lstat(os.path.join(dirpath, name)).st_mode
			if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode) or
				stat.S_ISLNK(mode)):
				n += 1
	return n


def _tessera(name, root, runs, cwd=None, rootfs=True, local=False):
	"""`tessera run` of @runs (argvs, argv[0] an in-root path) on three
	nodes (with @local: one, serving its own memory and files), in one
	boot: (statuses, stdout, stderr without launcher notes, the notes,
	every node's log)."""
	run_dir = os.path.join(clusterlib.runs_dir(), name)
	cmd = [clusterlib.TESSERA, "run", "--run-dir", run_dir,
	       "--kernel-image", clusterlib.kernel_image(),
	       "--timeout", str(TIMEOUT)] + (["--local"] if local else [])
	if rootfs:
		cmd += ["--rootfs", root]
	if cwd:
		cmd += ["--cwd", cwd]
	for e in test_user.ENV:
		cmd += ["--env", e]
	host = [[os.path.join(root, r[0].lstrip("/"))] + r[1:] if rootfs
		else r for r in runs]
	for argv in host[1:]:
		cmd += ["--also", shlex.join(argv)]
	cmd += ["--"] + host[0]
	code, stdout, stderr, log = test_files._run(cmd, run_dir)
	statuses = {0: code}
	for m in NOTE_RUN_RE.finditer(stderr):
		statuses[int(m.group(1))] = int(m.group(2))
	notes = [l for l in stderr.splitlines(True)
		 if l.startswith(b"[launcher]")]
	return (statuses, stdout, test_user._launcher_notes(stderr), notes,
		log)


def _same_as_native(name, root, runs, cwd="/", local=False):
	"""Run @runs on Tessera (three nodes, or one with @local) and
	natively; they must agree.  Returns the native (stdout, stderr) and
	the launcher's notes."""
	want_out, want_err, want = b"", b"", {}
	for i, argv in enumerate(runs):
		code, out, err = clusterlib.native_chroot(root, argv, cwd=cwd)
		want_out += out
		want_err += err
		want[i] = code
	got, out, err, notes, log = _tessera(name, root, runs,
					     cwd=None if cwd == "/" else cwd,
					     local=local)
	where = f"{name}: logs in runs/.../{name}/"
	check(not re.search(clusterlib.OOPS_RE, log), f"{where}: kernel oops")
	check(out == want_out,
	      f"{where}: stdout differs\n--- native\n"
	      f"{want_out.decode(errors='replace')}\n--- tessera\n"
	      f"{out.decode(errors='replace')}")
	check(err == want_err, f"{where}: stderr differs: native "
	      f"{want_err!r}, tessera {err!r}")
	check(got == want, f"{where}: statuses {got}, native {want} "
	      f"(by run)")
	# The logs stay; the 360 MiB image of a passing run need not.
	image = os.path.join(clusterlib.runs_dir(), name, "rootfs.ext4")
	if os.path.exists(image):
		os.unlink(image)
	return want_out, want_err, notes


def rootfs_busybox():
	"""The applets, in one boot (--also), started in --cwd LICENSES."""
	root = clusterlib.debian_root()
	linked, nlink = _hard_linked(root)
	runs = [
		[BUSYBOX, "cat", "/etc/debian_version"],
		[BUSYBOX, "wc", "-l", "/etc/passwd"],
		[BUSYBOX, "md5sum", "/usr/bin/awk", LICENSES + "/GPL-3"],
		[BUSYBOX, "readlink", "-f", "/usr/bin/awk"],
		[BUSYBOX, "stat", "-c", "%n %h %s %a", linked],
		[BUSYBOX, "sort", "-r", "/etc/shells"],
		[BUSYBOX, "ls", "/etc/apt", "/nonexistent"],
		# Relative to the working directory.
		[BUSYBOX, "pwd"],
		[BUSYBOX, "md5sum", "GPL-3", "../../../etc/debian_version"],
		[BUSYBOX, "ls", "."],
		[BUSYBOX, "cat", "no-such-license"],
	]
	out, err, notes = _same_as_native("rootfs-busybox", root, runs,
					  cwd=LICENSES)
	text = out.decode(errors="replace")
	# What the test knows without either run.
	with open(_host(root, "/etc/debian_version"), "rb") as f:
		version = f.read()
	check(out.startswith(version), f"cat /etc/debian_version printed "
	      f"{text[:40]!r}, the file holds {version!r}")
	with open(_host(root, "/etc/passwd"), "rb") as f:
		lines = f.read().count(b"\n")
	check(f"\n{lines} /etc/passwd\n" in text,
	      f"wc -l /etc/passwd: no '{lines} /etc/passwd' line:\n{text}")
	for path, shown in (("/usr/bin/awk", None),
			    (LICENSES + "/GPL-3", None),
			    (LICENSES + "/GPL-3", "GPL-3")):
		with open(_host(root, path), "rb") as f:
			digest = hashlib.md5(f.read()).hexdigest()
		check(f"{digest}  {shown or path}\n" in text,
		      f"no md5sum line '{digest}  {shown or path}':\n{text}")
	real = os.path.relpath(_host(root, "/usr/bin/awk"), root)
	check(f"\n/{real}\n" in text,
	      f"readlink -f /usr/bin/awk: no line /{real}:\n{text}")
	check(f"{linked} {nlink} " in text,
	      f"stat: {linked} does not show {nlink} links:\n{text}")
	check(f"\n{LICENSES}\n" in text, f"pwd did not print {LICENSES}:"
	      f"\n{text}")
	check(b"/nonexistent" in err, f"ls of a missing path: stderr {err!r}")
	check(b"no-such-license" in err, f"cat of a missing file: {err!r}")
	specials = _specials(root)
	said = [l for l in notes if b"left out" in l]
	check(len(said) == (1 if specials else 0) and
	      (not specials or f"left out {specials} ".encode() in said[0]),
	      f"the tree has {specials} device nodes/sockets/fifos; the "
	      f"launcher said: {said}")


def rootfs_cwd_missing():
	hello = test_user.program("hello")
	got, out, err, notes, log = _tessera("rootfs-cwd-missing", None,
					     [[hello]], cwd="/no/such/dir",
					     rootfs=False)
	where = "rootfs-cwd-missing: logs in runs/.../rootfs-cwd-missing/"
	check(got[0] == 125, f"{where}: status {got[0]}, want 125")
	check(out == b"", f"{where}: the program ran: {out!r}")
	check(re.search(r"processor: run 0: cannot chdir to /no/such/dir "
			r"\(-2\)", log), f"{where}: no 'cannot chdir' line")
	check(any(b"cannot chdir to /no/such/dir" in l for l in notes),
	      f"{where}: the launcher did not say why: {notes}")


def mkrootfs_errors():
	"""tools/mkrootfs in an empty cache ($TESSERA_CACHE): --check says
	there is no root (1); a build from a mirror nobody serves fails (1)
	naming debootstrap, the mirror and the log, and leaves neither a
	root nor its temporary directory; a build as a user that is not root
	fails (1) saying so.  No boot; no network needed."""
	with tempfile.TemporaryDirectory(prefix="tessera-mkrootfs-") as tmp:
		os.chmod(tmp, 0o777)

		def mkrootfs(args, cache, **kw):
			env = dict(os.environ, TESSERA_CACHE=os.path.join(tmp,
									  cache),
				   TESSERA_DEBIAN_MIRROR="http://127.0.0.1:9/"
							 "debian")
			return subprocess.run([clusterlib.MKROOTFS] + args,
					      env=env, stdin=subprocess.DEVNULL,
					      stdout=subprocess.PIPE,
					      stderr=subprocess.PIPE, text=True,
					      timeout=300, **kw)

		res = mkrootfs(["--check"], "a")
		check(res.returncode == 1 and "no usable root" in res.stderr
		      and not res.stdout, f"--check in an empty cache: status "
		      f"{res.returncode}, {res.stdout!r} {res.stderr!r}")
		path = mkrootfs(["--print-path"], "a").stdout.strip()
		check(path.startswith(os.path.join(tmp, "a", "rootfs") + "/"),
		      f"--print-path {path!r} is not under $TESSERA_CACHE")
		res = mkrootfs([], "a")
		check(res.returncode == 1 and not res.stdout and
		      "debootstrap" in res.stderr and
		      "127.0.0.1:9" in res.stderr and "log" in res.stderr,
		      f"build from a dead mirror: status {res.returncode}:\n"
		      f"{res.stderr}")
		top = os.path.join(tmp, "a", "rootfs")
		left = [n for n in os.listdir(top) if not n.endswith(
			(".lock", "-failed.log"))]
		check(not left and not os.path.exists(path),
		      f"a failed build left {left} in {top}")
		res = mkrootfs([], "b", user=65534, group=65534,
			       extra_groups=[])
		check(res.returncode == 1 and "needs root" in res.stderr,
		      f"build as uid 65534: status {res.returncode}:\n"
		      f"{res.stderr}")


FAKE_DEBOOTSTRAP = r"""#!/usr/bin/python3
# test_rootfs.py's debootstrap: logs its pid, makes the target, waits
# $FAKE_SLEEP s, then copies the real root into it (hard links would
# raise the link counts rootfs_busybox compares).
import os, subprocess, sys, time
target = sys.argv[-2]
with open(os.environ["FAKE_LOG"], "a") as f:
	f.write(f"{os.getpid()}\n")
os.makedirs(target)
time.sleep(float(os.environ["FAKE_SLEEP"]))
sys.exit(subprocess.run(["cp", "-a", "--reflink=auto",
			os.environ["FAKE_ROOT"] + "/.", target],
		       stderr=subprocess.DEVNULL).returncode)
"""


def mkrootfs_lock():
	"""tools/mkrootfs under its flock, with a debootstrap (first on PATH)
	that copies the real root slowly: three parallel runs in an empty
	cache build once and all print the same, complete root; a run
	SIGKILLed in the middle of its build leaves no root, and the next
	run removes its remains and builds.  No boot; no network."""
	real = clusterlib.debian_root()
	with tempfile.TemporaryDirectory(prefix="tessera-mkrootfs-") as tmp:
		fake = os.path.join(tmp, "bin", "debootstrap")
		os.makedirs(os.path.dirname(fake))
		with open(fake, "w") as f:
			f.write(FAKE_DEBOOTSTRAP)
		os.chmod(fake, 0o755)
		log = os.path.join(tmp, "builds")
		env = dict(os.environ, TESSERA_CACHE=os.path.join(tmp, "cache"),
			   PATH=os.path.dirname(fake) + ":" +
				os.environ.get("PATH", "/usr/bin:/bin"),
			   FAKE_LOG=log, FAKE_ROOT=real, FAKE_SLEEP="2")

		def builds():
			if not os.path.exists(log):
				return 0
			with open(log) as f:
				return len(f.read().split())

		def start(sleep):
			return subprocess.Popen([clusterlib.MKROOTFS],
						env=dict(env, FAKE_SLEEP=sleep),
						stdin=subprocess.DEVNULL,
						stdout=subprocess.PIPE,
						stderr=subprocess.PIPE, text=True,
						start_new_session=True)

		procs = [start("2") for _ in range(3)]
		outs = [p.communicate(timeout=600) for p in procs]
		paths = {o[0].strip() for o in outs}
		check(all(p.returncode == 0 for p in procs) and
		      len(paths) == 1, f"parallel runs: statuses "
		      f"{[p.returncode for p in procs]}, paths {paths}, "
		      f"stderr {[o[1] for o in outs]}")
		check(builds() == 1, f"parallel runs built {builds()} times")
		root = paths.pop()
		check(os.path.isfile(os.path.join(root, "usr/bin/python3")),
		      f"{root} is not a complete root")
		res = subprocess.run([clusterlib.MKROOTFS, "--check"], env=env,
				     stdout=subprocess.PIPE,
				     stderr=subprocess.PIPE, text=True,
				     timeout=120)
		check(res.returncode == 0, f"--check of the built root: "
		      f"{res.returncode} {res.stderr}")

		# A first build in another cache, killed while its
		# debootstrap runs.
		env["TESSERA_CACHE"] = os.path.join(tmp, "cache2")
		proc = start("600")
		try:
			for _ in range(600):
				if builds() == 2:
					break
				time.sleep(0.1)
			check(builds() == 2, "the killed run never started "
			      "its debootstrap")
		finally:
			os.killpg(proc.pid, signal.SIGKILL)
			proc.wait()
		top = os.path.join(tmp, "cache2", "rootfs")
		names = os.listdir(top)
		check(any(n.startswith(".build-") for n in names) and
		      not any(os.path.isdir(os.path.join(top, n)) and
			      not n.startswith(".") for n in names),
		      f"the killed build left {names} in {top}: want only its "
		      f"temporary directory (the test's premise) and no root")
		proc = start("0")
		out, err = proc.communicate(timeout=600)
		root2 = out.strip()
		check(proc.returncode == 0 and root2.startswith(top + "/") and
		      os.path.isfile(os.path.join(root2, "usr/bin/python3")) and
		      "stale build" in err and builds() == 3,
		      f"the run after the killed one: status "
		      f"{proc.returncode}, {out!r}, builds {builds()}:\n{err}")
		left = [n for n in os.listdir(top) if n.startswith(".build-")]
		check(not left, f"{left} still in {top}")


SCENARIOS = [
	("rootfs_busybox", rootfs_busybox),
	("rootfs_cwd_missing", rootfs_cwd_missing),
	("rootfs_mkrootfs_errors", mkrootfs_errors),
	("rootfs_mkrootfs_lock", mkrootfs_lock),
]
