# SPDX-License-Identifier: GPL-2.0
"""The processor's write system calls on the storage node's ext4 (issue 14
part 1).

tests/user/fs_write.c builds a tree under /w (create, write/writev,
O_APPEND from two descriptors, pwrite in the middle and past the end,
ftruncate/truncate, O_TRUNC, rename over a file, link, fast and slow
symlinks, unlink, 300 files in one directory, chmod, utimensat, fsync,
sync), checks the errors Linux gives, reads every byte back and prints a
listing.  It runs natively in a chroot of a tree holding only the program,
and on Tessera (processor0, memory1, storage2) from an ext4 image made
with mke2fs -d of the same tree, attached read-write (`tessera run
--image IMG --writable`).  Stdout, stderr and status must be equal.  Then,
on the host: `e2fsck -fn IMG` finds nothing to fix, and `debugfs -R 'cat
FILE'` gives, for several files, the bytes the native run left on the
host's disk.

  native_vs_tessera   the comparison, e2fsck and debugfs above
  local_mode          the same with `tessera run --local`: one VM whose
                      processor serves its own files (the storage service
                      in-process, behind the same P2S messages)
  read_only_image     the same program with --image and no --writable:
                      its first change fails with EROFS (written here from
                      Linux's rule for a read-only mount), the image file
                      is unchanged byte for byte
  enospc              fs_write --fill on a 4 MiB image: both files stop
                      with ENOSPC, every byte of the first reads back,
                      unlinking it lets a write succeed (lines written
                      here, not from a native run: the host disk is not
                      small), and e2fsck -fn is clean afterwards
  orphan              tests/user/orphan.c: a file unlinked while two
                      descriptors hold it is written, read back, fstat'd
                      (st_nlink 0), mapped and read, then closed; output
                      equal to a native chroot run; afterwards e2fsck -fn
                      is clean, the image has no orphan left and its
                      free block and inode counts are what they were
                      before the run (dumpe2fs)
  concurrent          tests/user/fs_stress.c: four processes at once
                      write, read back and verify their own files,
                      create and unlink names in one shared directory,
                      list it, stat each other's files and read one
                      shared file (the storage node serves reads
                      concurrently, changes alone); output equal to a
                      native chroot run, e2fsck -fn clean, and debugfs
                      gives every file the bytes the native run wrote
"""

import hashlib
import os
import re
import shutil
import subprocess

import clusterlib
from clusterlib import check, Skip
import test_files
import test_user

TIMEOUT = test_files.TIMEOUT
# Files whose bytes debugfs must give as the native run wrote them.
DEBUGFS_FILES = ["w/a", "w/a.link", "w/log", "w/t", "w/sparse",
		 "w/sub/moved", "w/sub/deeper/through",
		 "w/many/file-with-a-longer-name-299"]

FILL_LINES = """\
fill: both files stopped with ENOSPC: yes
fill: the first file got data: yes
fill: after unlink a write: ok
0 failures
"""


def _tools():
	for tool in ("mke2fs", "e2fsck", "debugfs"):
		if not shutil.which(tool):
			raise Skip(f"{tool} not installed (scripts/install-deps)")


def _work(name, program="fs_write"):
	"""A fresh directory for scenario @name, with a tree holding only
	the test program @program at /@program."""
	work = os.path.join(clusterlib.runs_dir(), name + "-work")
	if os.path.exists(work):
		shutil.rmtree(work)
	root = os.path.join(work, "root")
	os.makedirs(root)
	shutil.copy(test_user.program(program), os.path.join(root, program))
	return work, root


def _mke2fs(root, img, size):
	res = subprocess.run(["mke2fs", "-q", "-F", "-t", "ext4", "-d", root,
			      img, size], stdout=subprocess.PIPE,
			     stderr=subprocess.STDOUT, text=True)
	check(res.returncode == 0, f"mke2fs failed: {res.stdout}")


def _e2fsck_clean(img, where):
	res = subprocess.run(["e2fsck", "-fn", img], stdout=subprocess.PIPE,
			     stderr=subprocess.STDOUT, text=True)
	check(res.returncode == 0,
	      f"{where}: e2fsck -fn {img} found problems (status "
	      f"{res.returncode}):\n{res.stdout}")


def _tessera(name, img, argv, writable=True, local=False, options=()):
	"""tessera run --image @img [--writable] [@options] -- @argv on three
	nodes (with @local: one, serving its own memory and files): (status,
	stdout, stderr without launcher notes, every serial log)."""
	run_dir = os.path.join(clusterlib.runs_dir(), name)
	cmd = [clusterlib.TESSERA, "run", "--image", img, "--run-dir", run_dir,
	       "--kernel-image", clusterlib.kernel_image(),
	       "--timeout", str(TIMEOUT)]
	if writable:
		cmd.append("--writable")
	if local:
		cmd.append("--local")
	cmd += list(options)
	for e in test_user.ENV:
		cmd += ["--env", e]
	cmd += ["--"] + argv
	code, out, err, log = test_files._run(cmd, run_dir)
	where = f"{name}: logs in runs/.../{name}/"
	check(not re.search(clusterlib.OOPS_RE, log), f"{where}: kernel oops")
	return code, out, test_user._launcher_notes(err), log


def check_same(where, want, got):
	"""The (status, stdout, stderr) @got of a Tessera run equals @want,
	the native run's."""
	check(got[1] == want[1],
	      f"{where}: stdout differs\n--- native\n"
	      f"{want[1].decode(errors='replace')}\n--- tessera\n"
	      f"{got[1].decode(errors='replace')}")
	check(got[2] == want[2], f"{where}: stderr differs: native "
	      f"{want[2]!r}, tessera {got[2]!r}")
	check(got[0] == want[0], f"{where}: status {got[0]}, native {want[0]}")


def native_vs_tessera(local=False):
	_tools()
	name = "fswrite-local" if local else "fswrite"
	work, root = _work(name)
	img = os.path.join(work, "fswrite.ext4")
	_mke2fs(root, img, "64M")
	native_root = os.path.join(work, "native")
	shutil.copytree(root, native_root, symlinks=True)
	want_code, want_out, want_err = clusterlib.native_chroot(
		native_root, ["/fs_write", "/w"])
	text = want_out.decode(errors="replace")
	check(want_code == 0 and re.search(r"^0 failures$", text, re.M),
	      f"fs_write failed natively (status {want_code}):\n{text}"
	      f"{want_err!r}")
	code, out, err, _ = _tessera(name, img, ["/fs_write", "/w"],
				     local=local)
	where = f"{name}: logs in runs/.../{name}/"
	check_same(where, (want_code, want_out, want_err), (code, out, err))
	_e2fsck_clean(img, where)
	for name in DEBUGFS_FILES:
		res = subprocess.run(["debugfs", "-R", f"cat /{name}", img],
				     stdout=subprocess.PIPE,
				     stderr=subprocess.DEVNULL)
		with open(os.path.join(native_root, name), "rb") as f:
			want = f.read()
		check(res.returncode == 0 and res.stdout == want,
		      f"{where}: debugfs cat /{name}: {len(res.stdout)} bytes "
		      f"(sha1 {hashlib.sha1(res.stdout).hexdigest()}), native "
		      f"{len(want)} (sha1 {hashlib.sha1(want).hexdigest()})")
	shutil.rmtree(work)


def read_only_image():
	_tools()
	work, root = _work("fswrite-ro")
	img = os.path.join(work, "ro.ext4")
	_mke2fs(root, img, "16M")
	with open(img, "rb") as f:
		before = hashlib.sha1(f.read()).hexdigest()
	code, out, err, _ = _tessera("fswrite-ro", img, ["/fs_write", "/w"],
				     writable=False)
	text = out.decode(errors="replace")
	where = "fswrite-ro: logs in runs/.../fswrite-ro/"
	# mkdir(2) of a new name on a read-only mount: EROFS.
	check(code == 1 and re.search(r"^FAIL line \d+: mkdir\(d, 0777\) == 0 "
				      r"\(errno EROFS\)$", text, re.M),
	      f"{where}: status {code}, want 1 with mkdir failing EROFS "
	      f"first:\n{text}{err!r}")
	with open(img, "rb") as f:
		after = hashlib.sha1(f.read()).hexdigest()
	check(before == after, f"{where}: the read-only image changed")
	shutil.rmtree(work)


def enospc():
	_tools()
	work, root = _work("fswrite-full")
	img = os.path.join(work, "small.ext4")
	_mke2fs(root, img, "4M")
	code, out, err, _ = _tessera("fswrite-full", img,
				     ["/fs_write", "--fill", "/fill"])
	where = "fswrite-full: logs in runs/.../fswrite-full/"
	check(out.decode(errors="replace") == FILL_LINES and code == 0,
	      f"{where}: status {code}, stdout\n"
	      f"{out.decode(errors='replace')}--- want\n{FILL_LINES}{err!r}")
	_e2fsck_clean(img, where)
	shutil.rmtree(work)


def _free_counts(img):
	"""(free blocks, free inodes, first orphan) as dumpe2fs -h says."""
	res = subprocess.run(["dumpe2fs", "-h", img], stdout=subprocess.PIPE,
			     stderr=subprocess.DEVNULL, text=True)
	def field(name):
		m = re.search(rf"^{name}:\s+(\d+)$", res.stdout, re.M)
		return int(m.group(1)) if m else 0
	return (field("Free blocks"), field("Free inodes"),
		field("First orphan inode"))


def orphan():
	_tools()
	work, root = _work("fswrite-orphan", "orphan")
	native_root = os.path.join(work, "native")
	shutil.copytree(root, native_root, symlinks=True)
	want_code, want_out, want_err = clusterlib.native_chroot(
		native_root, ["/orphan", "/o"])
	check(want_code == 0, f"orphan failed natively (status {want_code}):\n"
	      f"{want_out.decode(errors='replace')}{want_err!r}")
	img = os.path.join(work, "orphan.ext4")
	_mke2fs(root, img, "16M")
	before = _free_counts(img)
	code, out, err, _ = _tessera("fswrite-orphan", img, ["/orphan", "/o"])
	where = "fswrite-orphan: logs in runs/.../fswrite-orphan/"
	check_same(where, (want_code, want_out, want_err), (code, out, err))
	_e2fsck_clean(img, where)
	after = _free_counts(img)
	check(after == before, f"{where}: (free blocks, free inodes, first "
	      f"orphan) {after}, before the run {before}")
	shutil.rmtree(work)


def concurrent():
	_tools()
	work, root = _work("fswrite-concurrent", "fs_stress")
	native_root = os.path.join(work, "native")
	shutil.copytree(root, native_root, symlinks=True)
	want_code, want_out, want_err = clusterlib.native_chroot(
		native_root, ["/fs_stress", "/s"])
	text = want_out.decode(errors="replace")
	check(want_code == 0 and re.search(r"^0 failures$", text, re.M),
	      f"fs_stress failed natively (status {want_code}):\n{text}"
	      f"{want_err!r}")
	img = os.path.join(work, "stress.ext4")
	_mke2fs(root, img, "32M")
	code, out, err, _ = _tessera("fswrite-concurrent", img,
				     ["/fs_stress", "/s"])
	where = "fswrite-concurrent: logs in runs/.../fswrite-concurrent/"
	check_same(where, (want_code, want_out, want_err), (code, out, err))
	_e2fsck_clean(img, where)
	names = ["s/ro"] + [f"s/f{i}" for i in range(4)] + \
		[f"s/shared/c{i}-11" for i in range(4)]
	for name in names:
		res = subprocess.run(["debugfs", "-R", f"cat /{name}", img],
				     stdout=subprocess.PIPE,
				     stderr=subprocess.DEVNULL)
		with open(os.path.join(native_root, name), "rb") as f:
			want = f.read()
		check(res.returncode == 0 and res.stdout == want,
		      f"{where}: debugfs cat /{name}: {len(res.stdout)} bytes, "
		      f"native {len(want)}")
	shutil.rmtree(work)


SCENARIOS = [
	("native_vs_tessera", native_vs_tessera),
	("local_mode", lambda: native_vs_tessera(local=True)),
	("read_only_image", read_only_image),
	("orphan", orphan),
	("enospc", enospc),
	("concurrent", concurrent),
]
