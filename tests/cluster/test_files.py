# SPDX-License-Identifier: GPL-2.0
"""File system calls of the processor over the storage node.

tests/user/files.c runs natively on a tree built here and on Tessera
through `tessera run --rootfs TREE -- files / --readonly` (processor0,
memory1, storage2 serving TREE as ext4); the two runs must agree byte for
byte on stdout and stderr and on the exit status.  files reads files of
0 B, 1 B, 4097 B and 10 MiB (FNV-1a checksums), walks a 10-level path by
dirfd, chdir and fchdir, lists directories with getdents64, reads
symlinks and checks errors (see its header).  Independently of both runs,
the checksums the native run prints must equal the FNV-1a this script
computes from the bytes it wrote, and the run must report 0 failures.

  files_native_vs_tessera   the comparison above
  files_local_mode          without a storage node (tessera run --local)
                            a path lookup is -ENOENT and says why once
"""

import os
import re
import shutil
import subprocess
import threading

import clusterlib
from clusterlib import check
from pattern import pattern_bytes
import test_user

BIG_SIZE = 10 << 20
DEEP_LEVELS = 10
NR_MANY = 300
TIMEOUT = 240


def pattern(n, salt):
	"""@n bytes of the shared pattern's stream @salt."""
	return pattern_bytes(salt, n)


def fnv1a(data):
	h = 0xcbf29ce484222325
	for b in data:
		h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
	return h


def _write(path, data, mode=0o644):
	os.makedirs(os.path.dirname(path), exist_ok=True)
	with open(path, "wb") as f:
		f.write(data)
	os.chmod(path, mode)


def build_tree(root):
	"""The tree files.c expects; returns {name: bytes} of data/."""
	if os.path.exists(root):
		shutil.rmtree(root)
	os.makedirs(root)
	data = {"data/empty": b"", "data/one": pattern(1, 5),
		"data/page1": pattern(4097, 9),
		"data/big": pattern(BIG_SIZE, 77)}
	for name, content in data.items():
		_write(os.path.join(root, name), content)
	os.symlink("page1", os.path.join(root, "data/link"))
	deep = os.path.join(root, "deep",
			    *[f"d{i}" for i in range(1, DEEP_LEVELS + 1)])
	_write(os.path.join(deep, "leaf.txt"), b"the deep leaf\n")
	os.symlink("deep/d1", os.path.join(root, "dirlink"))
	os.symlink("loop", os.path.join(root, "loop"))
	_write(os.path.join(root, "bin/tool"), b"#!/bin/sh\nexit 0\n", 0o755)
	listing = os.path.join(root, "listing")
	_write(os.path.join(listing, "alpha"), pattern(10, 1))
	_write(os.path.join(listing, "beta.private"), pattern(300, 2), 0o600)
	_write(os.path.join(listing, "gamma.sh"), b"echo\n", 0o755)
	os.makedirs(os.path.join(listing, "sub"))
	os.symlink("../data/one", os.path.join(listing, "to-one"))
	for i in range(NR_MANY):
		_write(os.path.join(root, "many", f"entry-{i:03d}"), b"")
	for dirpath, dirnames, _ in os.walk(root):
		for d in dirnames:
			path = os.path.join(dirpath, d)
			if not os.path.islink(path):
				os.chmod(path, 0o755)
	os.chmod(root, 0o755)
	return data


_tree_lock = threading.Lock()
_tree_built = {}


def _tree():
	"""The test tree, built once per run (scenarios run in parallel)."""
	root = os.path.join(clusterlib.runs_dir(), "files-tree")
	with _tree_lock:
		if root not in _tree_built:
			_tree_built[root] = build_tree(root)
		return root, _tree_built[root]


def files_native_vs_tessera(reset_ms=0):
	"""With @reset_ms, processor0 fails its connections (to memory1 and
	storage2) each time they have been up that long: the read-only file
	calls and the misses are repeated on the rebuilt ones (issue 20),
	and the output must still be the native run's."""
	prog = test_user.program("files")
	root, data = _tree()
	code, out, err = test_user.native([prog, root])
	text = out.decode(errors="replace")
	check(code == 0 and re.search(r"^0 failures$", text, re.M),
	      f"files failed natively (status {code}):\n{text}{err!r}")
	for name, content in data.items():
		want = (f"file {name} size {len(content)} read {len(content)} "
			f"fnv {fnv1a(content):016x}")
		check(want in text, f"native run: no line '{want}'")

	run_dir = os.path.join(clusterlib.runs_dir(),
			       f"files-tessera{'-reset' if reset_ms else ''}")
	cmd = [os.path.join(clusterlib.ROOT, "tools", "tessera"), "run",
	       "--rootfs", root, "--read-only", "--run-dir", run_dir,
	       "--kernel-image", clusterlib.kernel_image(),
	       "--timeout", str(TIMEOUT)]
	if reset_ms:
		cmd += ["--append", f"fit.debug_reset_ms={reset_ms}"]
	for e in test_user.ENV:
		cmd += ["--env", e]
	cmd += ["--", prog, "/", "--readonly"]
	got_code, got_out, got_err, log = _run(cmd, run_dir)
	where = "files: logs in runs/.../files-tessera/"
	check(not re.search(clusterlib.OOPS_RE, log), f"{where}: kernel oops")
	check(got_out == out,
	      f"{where}: stdout differs\n--- native\n{text}\n--- tessera\n"
	      f"{got_out.decode(errors='replace')}")
	check(test_user._launcher_notes(got_err) == err,
	      f"{where}: stderr differs: native {err!r}, tessera {got_err!r}")
	check(got_code == code, f"{where}: status {got_code}, native {code}")
	if reset_ms:
		check(re.search(r"debug reset \(fit.debug_reset_ms\)", log),
		      f"{where}: no connection was reset")


def _run(cmd, run_dir, timeout=TIMEOUT):
	"""Status, stdout, stderr and every node's serial log of @cmd (a
	`tessera run --timeout @timeout`)."""
	with clusterlib.qemu_slots(3):
		res = subprocess.run(cmd, stdin=subprocess.DEVNULL,
				     stdout=subprocess.PIPE,
				     stderr=subprocess.PIPE,
				     timeout=timeout + 60)
	log = ""
	for dirpath, _, names in os.walk(run_dir):
		for n in names:
			if n.endswith(".log"):
				with open(os.path.join(dirpath, n),
					  errors="replace") as f:
					log += f.read()
	return res.returncode, res.stdout, res.stderr, log


def files_local_mode():
	prog = test_user.program("files")
	code, out, err, log = test_user.tessera_run("files-local",
						    [prog, "/"])
	check(code == 2, f"files in local mode: status {code}, want 2 "
	      f"(root not found)")
	check(b"No such file or directory" in err,
	      f"files in local mode: stderr {err!r}")
	check(log.count("files: no storage node") == 1,
	      "no single 'files: no storage node' line in the log")


SCENARIOS = [
	("native_vs_tessera", files_native_vs_tessera),
	("native_vs_tessera_lost_connections",
	 lambda: files_native_vs_tessera(reset_ms=300)),
	("local_mode", files_local_mode),
]
