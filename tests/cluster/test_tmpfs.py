# SPDX-License-Identifier: GPL-2.0
"""tmpfs at /tmp and /dev/shm: names on the processor, data on the memory node.

tests/user/tmpfs.c (built -static) runs its common suite (several MiB of a
hash pattern written in odd chunks and read back, unaligned preads, holes,
O_APPEND, truncate down and up, rename, unlink while open, mkdir/rmdir/
getdents64, errno values, umask and chmod, stat/fstatat/statx agreement)
natively in two fresh host temporary directories and on Tessera in /tmp
and /dev/shm: stdout and status must be identical byte for byte.  The
suite prints no path and nothing a file system may choose (inode numbers,
times, block counts other than "dense"/"sparse"), so the native run is the
same on ext4 and on Linux's own tmpfs.

What the native run cannot show (the storage tree is writable there) is
checked against lines written here from Linux's rules (rename(2),
open(2), mkdir(2)...: the write-access check of a read-only mount comes
after the parent lookup and before the name's own, except that mkdir of
an existing name is EEXIST, and truncate/chmod look the name up first;
renames across mounts are EXDEV; the mount point is busy).

  native_vs_tessera   three nodes (processor0, memory1, storage2 serving a
                      tree with the program, an empty /tmp and /ro/file):
                      the suite in /tmp and /dev/shm, then `--ro`
  full                three nodes, memory1 booted with tmpfs.size=1M: a
                      file grows to ENOSPC within the last page of the
                      bound, every byte written is intact, a second file
                      gets ENOSPC, mkdir still works, unlinking gives the
                      space back
  local_mode          one VM (`tessera run --local`, the memory service
                      in-process behind the same P2M messages, no storage):
                      the suite in /tmp and /dev/shm equal to the native
                      run, then the full scenario with tmpfs.size=1M
"""

import os
import re
import shutil
import tempfile

import clusterlib
from clusterlib import check
import test_files
import test_user

TIMEOUT = test_files.TIMEOUT	# test_files._run() waits that long
FULL_BYTES = 1 << 20

RO_LINES = """\
ro: open O_WRONLY EROFS
ro: open O_CREAT new EROFS
ro: open O_CREAT below missing ENOENT
ro: mkdir EROFS
ro: mkdir existing EEXIST
ro: unlink EROFS
ro: rmdir EROFS
ro: truncate EROFS
ro: truncate missing ENOENT
ro: chmod EROFS
ro: rename within EROFS
ro: rename out of tmpfs EXDEV
ro: rename into tmpfs EXDEV
ro: rename /tmp to /dev/shm EXDEV
ro: rmdir mount point EBUSY
ro: file intact ok
tessera: mmap MAP_SHARED of a tmpfs file ENODEV
0 failures
"""

FULL_LINES = """\
full: stopped with ENOSPC
full: within the last page of the bound yes
full: wrong bytes 0
full: another file ENOSPC
full: mkdir still ok
full: after unlink space back
0 failures
"""


def _native_suite(prog):
	"""The common suite run natively in two fresh directories."""
	dirs = [tempfile.mkdtemp(prefix="tessera-tmpfs-") for _ in range(2)]
	try:
		code, out, err = test_user.native([prog] + dirs)
	finally:
		for d in dirs:
			shutil.rmtree(d, ignore_errors=True)
	text = out.decode(errors="replace")
	check(code == 0 and re.search(r"^0 failures$", text, re.M),
	      f"tmpfs failed natively (status {code}):\n{text}{err!r}")
	check(text.count("mismatches 0") == 4,
	      f"native run: the data did not read back:\n{text}")
	return out, err


def _root():
	"""A tree with the program, an empty /tmp and a read-only file."""
	root = os.path.join(clusterlib.runs_dir(), "tmpfs-root")
	shutil.rmtree(root, ignore_errors=True)
	os.makedirs(os.path.join(root, "tmp"))
	os.makedirs(os.path.join(root, "ro"))
	shutil.copy2(test_user.program("tmpfs"), os.path.join(root, "tmpfs"))
	with open(os.path.join(root, "ro", "file"), "w") as f:
		f.write("read-only\n")
	return root


def _run(name, args, rootfs=None, also=(), extra=()):
	"""tessera run (three nodes with @rootfs, else --local): status,
	stdout, stderr, every serial log, where the logs are."""
	run_dir = os.path.join(clusterlib.runs_dir(), name)
	cmd = [os.path.join(clusterlib.ROOT, "tools", "tessera"), "run",
	       "--run-dir", run_dir, "--kernel-image",
	       clusterlib.kernel_image(), "--timeout", str(TIMEOUT)]
	cmd += ["--rootfs", rootfs, "--read-only"] if rootfs else ["--local"]
	cmd += list(extra)
	for e in test_user.ENV:
		cmd += ["--env", e]
	for a in also:
		cmd += ["--also", a]
	cmd += ["--"] + args
	code, out, err, log = test_files._run(cmd, run_dir)
	where = f"{name}: logs in runs/.../{name}/"
	check(not re.search(clusterlib.OOPS_RE, log), f"{where}: kernel oops")
	return code, out, err, log, where


def _check_suite(run, want, want_err, expected):
	"""The suite's run then one --also run: stdout the native suite's
	followed by @expected, stderr the native one's, both statuses 0."""
	code, out, err, log, where = run
	want += expected.encode()
	check(out == want,
	      f"{where}: stdout differs\n--- native + expected\n"
	      f"{want.decode(errors='replace')}\n"
	      f"--- tessera\n{out.decode(errors='replace')}")
	check(test_user._launcher_notes(err) == want_err,
	      f"{where}: stderr {test_user._launcher_notes(err)!r}")
	check(code == 0, f"{where}: status {code}")
	also = re.findall(rb"\[launcher\] run \d+ \([^)]*\): exit status (\d+)",
			  err)
	check(also == [b"0"], f"{where}: the --also run's status: {err!r}")


def tmpfs_native_vs_tessera():
	prog = test_user.program("tmpfs")
	want, want_err = _native_suite(prog)
	root = _root()
	inside = os.path.join(root, "tmpfs")
	run = _run("tmpfs-tessera", [inside, "/tmp", "/dev/shm"], rootfs=root,
		   also=[f"{inside} --ro /ro/file /tmp"])
	_check_suite(run, want, want_err, RO_LINES)
	log, where = run[3], run[4]
	check(re.search(r"tmpfs: /tmp and /dev/shm: data on memory node 1", log),
	      f"{where}: the tmpfs data is not on memory1")
	check(log.count("MAP_SHARED of a tmpfs file from node 0: -ENODEV") == 1,
	      f"{where}: no single log line for the MAP_SHARED refusal")


def tmpfs_full():
	root = _root()
	code, out, err, log, where = _run(
		"tmpfs-full", [os.path.join(root, "tmpfs"), "--full", "/tmp",
			       str(FULL_BYTES)], rootfs=root,
		extra=["--memory-append", f"tmpfs.size={FULL_BYTES}"])
	check(out == FULL_LINES.encode(),
	      f"{where}: stdout\n{out.decode(errors='replace')}")
	check(code == 0, f"{where}: status {code}")
	check(re.search(r"memnode: tmpfs data up to 1048576 bytes", log),
	      f"{where}: memory1 did not take tmpfs.size")


def tmpfs_local_mode():
	"""The suite's biggest file is 3 MiB: the bound is 4 MiB here, and
	the full scenario fills those 4 MiB."""
	prog = test_user.program("tmpfs")
	want, want_err = _native_suite(prog)
	size = 4 * FULL_BYTES
	run = _run("tmpfs-local", [prog, "/tmp", "/dev/shm"],
		   also=[f"{prog} --full /tmp {size}"],
		   extra=["--append", f"tmpfs.size={size}"])
	_check_suite(run, want, want_err, FULL_LINES)


SCENARIOS = [
	("native_vs_tessera", tmpfs_native_vs_tessera),
	("full", tmpfs_full),
	("local_mode", tmpfs_local_mode),
]
