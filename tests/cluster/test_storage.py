# SPDX-License-Identifier: GPL-2.0
"""The storage node: virtio-blk, the ext4 reader and the file service core
on a real disk image.

The scenario builds a tree of files here (file_bytes(): the shared
pattern, tests/cluster/pattern.py, stream FILE_SEED, which the kernel's
"ext4" suite also knows), makes an ext4 image of it with
`mke2fs -t ext4 -d` (then `e2fsck -fyD`, which indexes the 2000-entry
directory as an htree), and a scratch disk whose first sector carries the
magic the "blk" suite looks for.  A storage node boots with both disks and
`ktest=blk,ext4,storage_svc` (storage_svc: the file service serves reads
concurrently, managers/storage/tests/svc_test.c).  Checks made on the host
afterwards, independent of the kernel's own verdicts: the crc32 of every
file the kernel reports reading equals zlib.crc32() of the source file;
the pattern the "blk" suite left on the scratch disk is in the image file;
`e2fsck -fn` finds the ext4 image clean.

  storage_ktest         ktest=blk,ext4,storage_svc, every case passes, host checks
  storage_serves        role=storage with the image: "serving ext4 from vda"
  storage_no_disk       role=storage without a disk: a clear line, still ready
"""

import os
import re
import shutil
import subprocess
import threading
import zlib

import clusterlib
from clusterlib import Skip, check
from pattern import pattern_bytes

BIG_SIZE = 10 << 20
SPARSE_SIZE = 8 << 20
SPARSE_OFF = 5 << 20
NR_MANY = 2000
DEEP = "/".join(f"d{i}" for i in range(1, 21))
SCRATCH_MAGIC = b"TESSERA-SCRATCH\n"
SCRATCH_SIZE = 8 << 20
HOST_PATTERN_SECTOR = 2048	# drivers/block/tests/blk_test.c
HOST_PATTERN_SECTORS = 2048
HOST_PATTERN_SALT = 0x5A
# The generated files' pattern stream (managers/storage/tests/ext4_test.c:
# EXT4T_SEED).
FILE_SEED = 0x5107a9e
TIMEOUT = 300


def file_bytes(n):
	"""The first @n bytes of the generated files: stream FILE_SEED."""
	return pattern_bytes(FILE_SEED, n)


def blk_bytes(sector, nr, salt):
	"""blk_test.c's bytes: stream @salt at the sectors' disk offsets."""
	return pattern_bytes(salt, nr * 512, sector * 512)


def _work_dir():
	d = os.path.join(clusterlib.runs_dir(), "storage-data")
	os.makedirs(d, exist_ok=True)
	return d


def build_tree(src):
	if os.path.exists(src):
		shutil.rmtree(src)
	os.makedirs(os.path.join(src, "many"))
	pattern = file_bytes(BIG_SIZE)
	files = {"/empty": b"", "/one": pattern[:1],
		 "/page_plus1": pattern[:4097], "/big": pattern,
		 f"/{DEEP}/leaf.bin": pattern[:5000]}
	os.makedirs(os.path.join(src, DEEP))
	for path, data in files.items():
		with open(src + path, "wb") as f:
			f.write(data)
	with open(os.path.join(src, "sparse"), "wb") as f:
		f.seek(SPARSE_OFF)
		f.write(pattern[SPARSE_OFF:SPARSE_OFF + 4096])
		f.truncate(SPARSE_SIZE)
	files["/sparse"] = None
	for i in range(NR_MANY):
		with open(os.path.join(src, "many", f"f{i:04d}"), "w") as f:
			f.write(f"f{i:04d}")
	os.symlink("one", os.path.join(src, "fast"))
	os.symlink(f"{DEEP}/leaf.bin", os.path.join(src, "slow"))
	os.symlink("loop2", os.path.join(src, "loop1"))
	os.symlink("loop1", os.path.join(src, "loop2"))
	return files


_images_lock = threading.Lock()
_images = []


def make_images():
	"""(tree dir, ext4 image, scratch image), built once per run (the
	scenarios run in parallel); Skip without e2fsprogs."""
	with _images_lock:
		if not _images:
			_images.append(_make_images())
		return _images[0]


def _make_images():
	for tool in ("mke2fs", "e2fsck"):
		if not shutil.which(tool):
			raise Skip(f"{tool} not installed (scripts/install-deps)")
	work = _work_dir()
	src = os.path.join(work, "src")
	img = os.path.join(work, "ext4.img")
	scratch = os.path.join(work, "scratch.img")
	build_tree(src)
	if os.path.exists(img):
		os.unlink(img)
	res = subprocess.run(["mke2fs", "-q", "-F", "-t", "ext4", "-b", "4096",
			      "-L", "tessera", "-d", src, img, "64M"],
			     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
			     text=True)
	check(res.returncode == 0, f"mke2fs failed: {res.stdout}")
	res = subprocess.run(["e2fsck", "-fyD", img], stdout=subprocess.PIPE,
			     stderr=subprocess.STDOUT, text=True)
	check(res.returncode in (0, 1), f"e2fsck -fyD failed: {res.stdout}")
	with open(scratch, "wb") as f:
		f.write(SCRATCH_MAGIC)
		f.truncate(SCRATCH_SIZE)
	return src, img, scratch


def boot_storage(name, disks, args=(), until_ready=False):
	argv = ["--role", "storage", "--node", "2", "--kernel"]
	for d in disks:
		argv += ["--disk", d]
	if until_ready:
		argv.append("--until-ready")
	if args:
		argv += ["--"] + list(args)
	# Not boot(): the same arguments boot different disk contents, so
	# the result must not be shared.
	return clusterlib.boot_group([(name, argv)], TIMEOUT)[0]


def storage_ktest():
	src, img, scratch = make_images()
	b = boot_storage("storage-ktest", [img, scratch],
			 ["ktest=blk,ext4,storage_svc"])
	b.expect(b.code == clusterlib.EXIT_OK,
		 "ktest=blk,ext4,storage_svc did not end ok")
	for suite in ("blk", "ext4", "storage_svc"):
		b.expect(b.grep(rf"^ok \d+ {suite}\b"), f"suite {suite} not ok")
	b.expect(not b.grep(r"^\s*not ok"), "a case failed")
	b.expect(not b.grep(r"# SKIP"), "a case was skipped: disks not seen")

	# What the kernel read, against the host's own files.
	reported = {}
	for line in b.lines:
		m = re.search(r"ext4test: file (\S+) size=(\d+) crc32=0x([0-9a-f]+)",
			      line)
		if m:
			reported[m.group(1)] = (int(m.group(2)),
						int(m.group(3), 16))
	for path in ("/empty", "/one", "/page_plus1", "/big", "/sparse",
		     f"/{DEEP}/leaf.bin"):
		with open(src + path, "rb") as f:
			data = f.read()
		b.expect(path in reported, f"no read report for {path}")
		b.expect(reported[path] == (len(data), zlib.crc32(data)),
			 f"{path}: kernel read {reported[path]}, host has "
			 f"({len(data)}, {zlib.crc32(data):#x})")
	with open(src + "/big", "rb") as f:
		big_crc = zlib.crc32(f.read())
	lines = b.grep(r"p2s /big size=\d+ crc32=0x[0-9a-f]+")
	m = lines and re.search(r"size=(\d+) crc32=0x([0-9a-f]+)", lines[0])
	b.expect(m and int(m.group(1)) == BIG_SIZE and
		 int(m.group(2), 16) == big_crc,
		 "file service read of /big differs from the host file")

	# The blk suite's last pattern reached the image file.
	with open(scratch, "rb") as f:
		f.seek(HOST_PATTERN_SECTOR * 512)
		got = f.read(HOST_PATTERN_SECTORS * 512)
	want = blk_bytes(HOST_PATTERN_SECTOR, HOST_PATTERN_SECTORS,
			 HOST_PATTERN_SALT)
	b.expect(got == want, "scratch disk does not hold the blk pattern")

	res = subprocess.run(["e2fsck", "-fn", img], stdout=subprocess.PIPE,
			     stderr=subprocess.STDOUT, text=True)
	b.expect(res.returncode == 0, f"e2fsck -fn after the run: {res.stdout}")


def storage_serves():
	_, img, _ = make_images()
	# A copy: QEMU locks an image, and storage_ktest may be running.
	copy = os.path.join(_work_dir(), "serves.img")
	shutil.copyfile(img, copy)
	b = boot_storage("storage-serves", [copy], until_ready=True)
	b.expect(b.ready() == ("storage", 2), "storage node not ready")
	b.expect(b.grep(r"virtio-blk: vda: virtio-blk, MSI-X"),
		 "disk not probed with MSI-X")
	b.expect(b.grep(r"storage: serving ext4 from vda"), "not serving")


def storage_no_disk():
	b = boot_storage("storage-nodisk", [], until_ready=True)
	b.expect(b.ready() == ("storage", 2), "storage node not ready")
	b.expect(b.grep(r"storage: no disk with an ext4 file system"),
		 "no line about the missing disk")


SCENARIOS = [storage_ktest, storage_serves, storage_no_disk]
