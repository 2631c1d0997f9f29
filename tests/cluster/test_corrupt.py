# SPDX-License-Identifier: GPL-2.0
"""A corrupt file on the storage node's ext4: -EIO for that file, the
others keep being served (issue 6, bad input), end to end.

The test builds an ext4 image (mke2fs -t ext4 -d) holding
tests/user/readfiles and three files with known bytes, then damages one
file's metadata on the image: the extent-tree header in its inode
(located with `debugfs -R imap`).  A directory's i_size is also set to
2^40 bytes (`debugfs -w -R "sif"`, which keeps the checksums right): a
walk that iterated i_size/blocksize would hold the storage node's lock
for minutes; a file in it must still be read and a missing name must be
ENOENT, at once.  `tessera run --image IMG` boots
storage2 with it; readfiles runs twice (the second run proves the nodes
still serve after the error).  Each healthy file must come back with the
size and FNV-1a this script computed from the bytes it wrote; the damaged
one must fail with EIO at open or read; the storage node must count the
corruption and not oops."""

import os
import re
import shutil
import subprocess

import clusterlib
from clusterlib import Skip, check, kernel_image
from pattern import pattern_bytes
import test_user

ROOT = clusterlib.ROOT
TIMEOUT = 240
# (path, size, salt); the second one is damaged.
FILES = [("/data/good1", 5000, 1), ("/data/victim", 20000, 2),
	 ("/data/good2", 1 << 20, 3), ("/hugedir/inside", 3000, 4)]
HUGE_DIR = "/hugedir"
HUGE_DIR_SIZE = 1 << 40
MISSING = HUGE_DIR + "/missing"
EXT4_I_BLOCK = 0x28		# struct ext4_inode.i_block: extent header


def file_bytes(n, salt):
	return pattern_bytes(salt, n)


def fnv1a(data):
	h = 2166136261
	for b in data:
		h = ((h ^ b) * 16777619) & 0xFFFFFFFF
	return h


def build_image(work):
	for tool in ("mke2fs", "debugfs"):
		if not shutil.which(tool):
			raise Skip(f"{tool} not installed (e2fsprogs)")
	tree = os.path.join(work, "tree")
	shutil.rmtree(tree, ignore_errors=True)
	os.makedirs(os.path.join(tree, "data"))
	os.makedirs(os.path.join(tree, "bin"))
	os.makedirs(tree + HUGE_DIR)
	shutil.copy2(test_user.program("readfiles"),
		     os.path.join(tree, "bin", "readfiles"))
	for path, size, salt in FILES:
		with open(tree + path, "wb") as f:
			f.write(file_bytes(size, salt))
	image = os.path.join(work, "corrupt.ext4")
	res = subprocess.run(["mke2fs", "-q", "-F", "-t", "ext4", "-d", tree,
			      image, "32M"], stdout=subprocess.PIPE,
			     stderr=subprocess.STDOUT, text=True)
	check(res.returncode == 0, f"mke2fs failed: {res.stdout}")
	return image


def damage_extent_header(image, path):
	"""Zero the extent magic (0xf30a) of @path's inode in @image."""
	res = subprocess.run(["debugfs", "-R", f"imap {path}", image],
			     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
			     text=True)
	m = re.search(r"located at block (\d+), offset (0x[0-9a-f]+)",
		      res.stdout)
	check(m, f"debugfs imap {path}: {res.stdout!r}")
	res = subprocess.run(["dumpe2fs", "-h", image], stdout=subprocess.PIPE,
			     stderr=subprocess.DEVNULL, text=True)
	bs = re.search(r"Block size:\s+(\d+)", res.stdout)
	check(bs, "dumpe2fs: no block size")
	where = (int(m.group(1)) * int(bs.group(1)) + int(m.group(2), 16) +
		 EXT4_I_BLOCK)
	with open(image, "r+b") as f:
		f.seek(where)
		magic = f.read(2)
		check(magic == b"\x0a\xf3",
		      f"{path}: no extent header where expected ({magic!r})")
		f.seek(where)
		f.write(b"\0\0")


def set_dir_size(image, path, size):
	"""Set @path's i_size in @image with debugfs (checksums recomputed)."""
	res = subprocess.run(["debugfs", "-w", "-R",
			      f"sif {path} size {size:#x}", image],
			     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
			     text=True)
	check(res.returncode == 0, f"debugfs sif {path}: {res.stdout!r}")
	res = subprocess.run(["debugfs", "-R", f"stat {path}", image],
			     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
			     text=True)
	check(re.search(rf"Size: {size}\b", res.stdout),
	      f"{path}: size not set: {res.stdout!r}")


def corrupt_file_eio():
	work = os.path.join(clusterlib.runs_dir(), "corrupt-work")
	os.makedirs(work, exist_ok=True)
	image = build_image(work)
	damage_extent_header(image, "/data/victim")
	set_dir_size(image, HUGE_DIR, HUGE_DIR_SIZE)
	paths = [p for p, _, _ in FILES] + [MISSING]
	run_dir = os.path.join(clusterlib.runs_dir(), "corrupt-run")
	cmd = [os.path.join(ROOT, "tools", "tessera"), "run",
	       "--run-dir", run_dir, "--kernel-image", kernel_image(),
	       "--timeout", str(TIMEOUT), "--image", image,
	       "--also", " ".join(["/bin/readfiles"] + paths),
	       "--", "/bin/readfiles"] + paths
	with clusterlib.qemu_slots(3):
		res = subprocess.run(cmd, stdin=subprocess.DEVNULL,
				     stdout=subprocess.PIPE,
				     stderr=subprocess.PIPE,
				     timeout=TIMEOUT + 60)
	logs = {}
	for node in ("processor0", "memory1", "storage2"):
		with open(os.path.join(run_dir, node, "serial.log"),
			  errors="replace") as f:
			logs[node] = f.read()
	where = "corrupt file (runs/.../corrupt-run)"
	for node, text in logs.items():
		check(not re.search(clusterlib.OOPS_RE, text),
		      f"{where}: {node} oopsed")
		# `tessera run` gives the nodes one fresh cluster key.
		check(re.search(r"fit: cluster key of 128 bits", text) and
		      "no cluster key" not in text,
		      f"{where}: {node}: not running with the launcher's key")
	check(re.search(r"ext4: inode \d+: (checksum mismatch|bad extent "
			r"header)", logs["storage2"]),
	      f"{where}: the storage node did not report the damage")
	check(res.returncode == 0, f"{where}: exit status {res.returncode}: "
	      f"{res.stderr.decode(errors='replace')}")
	check(re.search(r"program exit run=1 pid=\d+ status=0",
			logs["processor0"]),
	      f"{where}: the second run did not exit 0")
	want = []
	for path, size, salt in FILES:
		if path == "/data/victim":
			continue
		want.append(f"{path}: {size} bytes "
			    f"fnv1a={fnv1a(file_bytes(size, salt)):08x}")
	want.append(f"{MISSING}: open: No such file or directory")
	lines = res.stdout.decode(errors="replace").splitlines()
	check(len(lines) == 2 * len(paths),
	      f"{where}: {len(lines)} output lines, want {2 * len(paths)}: "
	      f"{lines}")
	for run in range(2):
		got = lines[run * len(paths):(run + 1) * len(paths)]
		check([l for l in got if "victim" not in l] == want,
		      f"{where}: run {run}: healthy files {got}, want {want}")
		victim = [l for l in got if "victim" in l]
		check(len(victim) == 1 and re.fullmatch(
			r"/data/victim: (open|read): Input/output error",
			victim[0]),
		      f"{where}: run {run}: damaged file gave {victim}")


SCENARIOS = [
	("corrupt_file_eio", corrupt_file_eio),
]
