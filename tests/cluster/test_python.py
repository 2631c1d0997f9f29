# SPDX-License-Identifier: GPL-2.0
"""python3 and numpy of the Debian 12 root on three nodes.

The root is clusterlib.debian_root() (tools/mkrootfs) plus the scripts of
tests/python/ in /tessera-tests, in a scratch copy (the cached root is
never written, nor linked to).  `tessera run --rootfs` makes it storage2's
ext4 image; memory1 loads /usr/bin/python3 and its interpreter
(/lib64/ld-linux-x86-64.so.2), ld.so maps libc, libm, libz, libexpat and,
for numpy, libopenblas and libgfortran through file-backed mmap; processor0
runs it.  The same commands run natively in a chroot of the same copy:
stdout, stderr and the statuses must be identical.

  basics   python3 basics.py (json, re, math, hashlib, struct, a
           generator-heavy loop, reading the root's files) and python3
           mlp.py (numpy matmul, linalg.solve, 8 steps of training a small
           MLP with the losses printed), in one boot
  basics_local  the same on one node (`tessera run --local --rootfs`):
           its own memory and storage services, in-process
"""

import os
import shutil
import subprocess
import tempfile

import clusterlib
from clusterlib import check
import test_rootfs

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
	os.path.abspath(__file__))))
SCRIPTS = os.path.join(ROOT, "tests", "python")
IN_ROOT = "/tessera-tests"
PYTHON = "/usr/bin/python3"


def _scratch_root():
	"""A copy of the Debian root with tests/python/*.py in IN_ROOT.  The
	caller removes it.  A copy, not hard links: a link would raise the
	link count of the cached root's files, which other scenarios
	compare with what Tessera reports (test_rootfs.py)."""
	root = clusterlib.debian_root()
	tmp = tempfile.mkdtemp(prefix="tessera-python-")
	copy = os.path.join(tmp, "root")
	res = subprocess.run(["cp", "-a", "--reflink=auto", root, copy],
			     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
			     text=True)
	if res.returncode != 0:
		shutil.rmtree(tmp, ignore_errors=True)
		check(False, f"copying {root}: {res.stdout}")
	os.makedirs(copy + IN_ROOT)
	for name in sorted(os.listdir(SCRIPTS)):
		if name.endswith(".py"):
			shutil.copy(os.path.join(SCRIPTS, name), copy + IN_ROOT)
	return tmp, copy


def python_basics(local=False):
	tmp, root = _scratch_root()
	try:
		runs = [[PYTHON, f"{IN_ROOT}/basics.py"],
			[PYTHON, f"{IN_ROOT}/mlp.py"]]
		name = "python-local" if local else "python-basics"
		out, err, _ = test_rootfs._same_as_native(name, root, runs,
							  local=local)
		# The comparison is only as good as what ran: both scripts
		# must have got to their last line natively.
		check(b"version (3, 11)" in out, "basics.py did not finish")
		check(b"step 7 loss" in out, "mlp.py did not finish")
	finally:
		shutil.rmtree(tmp, ignore_errors=True)


# About a minute: started first (run-tests).
SLOW = {"basics_local"}

SCENARIOS = [
	("basics", python_basics),
	("basics_local", lambda: python_basics(local=True)),
]
