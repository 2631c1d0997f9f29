# SPDX-License-Identifier: GPL-2.0
"""The memory node's file page cache, and mremap of file mappings, on
three nodes with the Debian root (issue 11 parts 3 and 5).

One boot of processor0, memory1 and storage2 (`tessera run --rootfs` of
a scratch copy of clusterlib.debian_root(), as test_python.py) runs, in
order:

  python3 -c ...         the first run: the python binary, ld.so, libc,
                         libm, libz, libexpat come from storage2 into
                         memory1's file cache
  python3 -c ...         the same again: every file page it touches on
                         memory1 (program segments, mmapped libraries,
                         the ELF headers execve reads) is a cache hit
  /tessera-tests/mremap /usr/bin/python3
                         tests/user/mremap.c: anonymous and private file
                         mappings grown, moved and shrunk, every byte
                         checked

The same commands run natively in a chroot of the same copy: stdout,
stderr and statuses must be identical.  From memory1's counters (the
"memnode: fcache ..." line after each exit line, counted since boot):
the first run read pages from storage and hit the cache for some; the
second run read none (storage-pages and storage-reads did not move)
while its lookups all hit (hits grew, misses did not), and it mapped
the cache's own pages as the first did (mapped grew by at least half
the first run's count).

  python_twice         the above
  python_twice_local   the same with `tessera run --local` (one VM: the
                       memory and storage services in-process)

Files rewritten in place (the cache's versions, memory-node.md): an ext4
image holding tests/user/fcinv.c's program, attached read-write
(`tessera run --image IMG --writable`), runs

  /fcinv /w              writes a file, maps it (private and shared),
                         rewrites it with pwrite in the middle, truncates
                         and extends it, changes one byte, truncates it
                         with O_TRUNC and rewrites it: every mapping
                         after each change has every byte of the file as
                         it is now; a copy of the program executed, its
                         marker patched in place with pwrite, executed
                         again: the new marker each time; O_CREAT
                         through dangling symlinks; a "#!" script in
                         /tmp (tmpfs on Tessera) run, and EACCES at 0644
  /fcinv --map /w/stable twice: a file nobody changes

against the same commands natively in a chroot of a copy of the tree.
From memory1's counters: the first run dropped older versions' pages
(invalidations grew), and the second mapping of /w/stable read nothing
from storage (storage-reads unchanged, hits grew, no invalidation).

  rewrite              the above on three nodes
  rewrite_local        the same with `tessera run --local`

Fault-around (Documentation/pcache.md):

  fault_around_local   tests/user/mapscan.c on a 3 MB file of the root,
                       two --local boots, with and without
                       pcache.fault_around; see fault_around_local()
"""

import os
import re
import shlex
import shutil
import subprocess

import clusterlib
from clusterlib import check, Skip
import test_files
import test_python
import test_rootfs
import test_user

FCACHE_RE = re.compile(r"memnode: fcache (.*)")
SNIPPET = "import json, math; print(json.dumps([math.pi, 2 ** 70]))"


def fcache_lines(log):
	"""The counters of each "memnode: fcache" line, in order."""
	return [{k: int(v) for k, v in zip(*[iter(m.group(1).split())] * 2)}
		for m in FCACHE_RE.finditer(log)]


def _runs():
	return [[test_python.PYTHON, "-c", SNIPPET],
		[test_python.PYTHON, "-c", SNIPPET],
		[f"{test_python.IN_ROOT}/mremap", test_python.PYTHON]]


def _check_counters(where, log, nr_runs):
	"""The second python3 (run 1) read nothing from storage: every file
	page it needed was in the cache the first one (run 0) filled."""
	lines = fcache_lines(log)
	check(len(lines) == nr_runs,
	      f"{where}: {len(lines)} fcache lines, want {nr_runs}")
	first, second = lines[0], lines[1]
	check(first["storage-pages"] > 0 and first["misses"] > 0,
	      f"{where}: the first run read nothing from storage: {first}")
	check(first["readahead"] > 0,
	      f"{where}: no readahead in the first run: {first}")
	check(second["storage-pages"] == first["storage-pages"] and
	      second["storage-reads"] == first["storage-reads"],
	      f"{where}: the second python3 read file pages from storage: "
	      f"after run 0 {first}, after run 1 {second}")
	check(second["misses"] == first["misses"] and
	      second["hits"] > first["hits"],
	      f"{where}: the second python3 did not hit the cache: "
	      f"after run 0 {first}, after run 1 {second}")
	check(second["evictions"] == 0,
	      f"{where}: the cache evicted pages: {second}")
	# Read-only file pages (text, rodata, mapped libraries) are the
	# cache's own, mapped into each run, not copied (fault.c).
	check(first["mapped"] > 0 and
	      second["mapped"] - first["mapped"] >= first["mapped"] // 2,
	      f"{where}: the second python3 did not map the cache's pages: "
	      f"after run 0 {first}, after run 1 {second}")


def _scratch_root():
	tmp, root = test_python._scratch_root()
	shutil.copy(test_user.program("mremap"), root + test_python.IN_ROOT)
	return tmp, root


def python_twice():
	tmp, root = _scratch_root()
	try:
		runs = _runs()
		out, _, _ = test_rootfs._same_as_native("fcache-python", root,
							runs)
		check(out.count(b"3.14159") == 2 and b"\n0 failures\n" in out,
		      f"the runs did not finish: {out!r}")
		with open(os.path.join(clusterlib.runs_dir(), "fcache-python",
				       "memory1", "serial.log"),
			  errors="replace") as f:
			log = f.read()
		_check_counters("fcache: logs in runs/.../fcache-python/", log,
				len(runs))
	finally:
		shutil.rmtree(tmp, ignore_errors=True)


def _native_runs(root, runs):
	"""@runs one after the other in a chroot of @root: their stdout and
	stderr joined, and their statuses."""
	want_out, want_err, want_codes = b"", b"", []
	for argv in runs:
		code, o, e = clusterlib.native_chroot(root, argv)
		want_out += o
		want_err += e
		want_codes.append(code)
	return want_out, want_err, want_codes


def python_twice_local():
	"""The same in local mode: one VM, the memory and storage services
	in-process, the same cache."""
	tmp, root = _scratch_root()
	try:
		runs = _runs()
		want_out, want_err, want_codes = _native_runs(root, runs)
		host = [[root + r[0]] + r[1:] for r in runs]
		code, out, err, log = test_user.tessera_run(
			"fcache-python-local", host[0],
			also=[shlex.join(a) for a in host[1:]],
			extra=["--rootfs", root])
		where = "fcache local: logs in runs/.../fcache-python-local/"
		check(not re.search(clusterlib.OOPS_RE, log),
		      f"{where}: kernel oops")
		check(out == want_out,
		      f"{where}: stdout differs\n--- native\n"
		      f"{want_out.decode(errors='replace')}\n--- tessera\n"
		      f"{out.decode(errors='replace')}")
		check(test_user._launcher_notes(err) == want_err,
		      f"{where}: stderr differs: native {want_err!r}, "
		      f"tessera {err!r}")
		for n, c in enumerate(want_codes):
			check(re.search(rf"program exit run={n} pid=\d+ "
					rf"status={c}\b", log),
			      f"{where}: run {n} did not exit {c} as natively")
		_check_counters(where, log, len(runs))
		image = os.path.join(clusterlib.runs_dir(),
				     "fcache-python-local", "rootfs.ext4")
		if os.path.exists(image):
			os.unlink(image)
	finally:
		shutil.rmtree(tmp, ignore_errors=True)


REWRITE_RUNS = [["/fcinv", "/w"], ["/fcinv", "--map", "/w/stable"],
		["/fcinv", "--map", "/w/stable"]]


def _rewrite(local):
	for tool in ("mke2fs",):
		if not shutil.which(tool):
			raise Skip(f"{tool} not installed (scripts/install-deps)")
	name = "fcache-rewrite" + ("-local" if local else "")
	where = f"{name}: logs in runs/.../{name}/"
	work = os.path.join(clusterlib.runs_dir(), name + "-work")
	shutil.rmtree(work, ignore_errors=True)
	root = os.path.join(work, "root")
	os.makedirs(root)
	shutil.copy(test_user.program("fcinv"), os.path.join(root, "fcinv"))
	os.makedirs(os.path.join(root, "tmp"))	# natively: the script's
	native_root = os.path.join(work, "native")
	shutil.copytree(root, native_root)
	img = os.path.join(work, "fcinv.ext4")
	res = subprocess.run(["mke2fs", "-q", "-F", "-t", "ext4", "-d", root,
			      img, "32M"], stdout=subprocess.PIPE,
			     stderr=subprocess.STDOUT, text=True)
	check(res.returncode == 0, f"mke2fs: {res.stdout}")
	want_out, want_err, want_codes = _native_runs(native_root, REWRITE_RUNS)
	check(want_codes == [0, 0, 0] and b"\n0 failures\n" in want_out,
	      f"fcinv failed natively: {want_codes}\n"
	      f"{want_out.decode(errors='replace')}{want_err!r}")
	run_dir = os.path.join(clusterlib.runs_dir(), name)
	cmd = [clusterlib.TESSERA, "run", "--image", img, "--writable",
	       "--run-dir", run_dir, "--kernel-image",
	       clusterlib.kernel_image(), "--timeout", str(test_files.TIMEOUT)]
	if local:
		cmd.append("--local")
	for e in test_user.ENV:
		cmd += ["--env", e]
	for argv in REWRITE_RUNS[1:]:
		cmd += ["--also", shlex.join(argv)]
	cmd += ["--"] + REWRITE_RUNS[0]
	_, out, err, log = test_files._run(cmd, run_dir)
	check(not re.search(clusterlib.OOPS_RE, log), f"{where}: kernel oops")
	check(out == want_out,
	      f"{where}: stdout differs\n--- native\n"
	      f"{want_out.decode(errors='replace')}\n--- tessera\n"
	      f"{out.decode(errors='replace')}")
	check(test_user._launcher_notes(err) == want_err,
	      f"{where}: stderr differs: native {want_err!r}, tessera {err!r}")
	for n, c in enumerate(want_codes):
		check(re.search(rf"program exit run={n} pid=\d+ status={c}\b",
				log),
		      f"{where}: run {n} did not exit {c} as natively")
	# The last two lines: after each --map run (one process each).
	lines = fcache_lines(log)
	check(len(lines) >= 3, f"{where}: {len(lines)} fcache lines")
	first, second, third = lines[-3], lines[-2], lines[-1]
	check(first["invalidations"] > 0 and first["invalidated"] > 0,
	      f"{where}: no file version was dropped: {first}")
	check(second["storage-reads"] > first["storage-reads"],
	      f"{where}: the first map of /w/stable read nothing from "
	      f"storage: {first} then {second}")
	check(third["storage-reads"] == second["storage-reads"] and
	      third["storage-pages"] == second["storage-pages"] and
	      third["hits"] > second["hits"] and
	      third["invalidations"] == second["invalidations"] and
	      third["stale-reads"] == second["stale-reads"],
	      f"{where}: the second map of the unchanged /w/stable was not "
	      f"served from the cache: {second} then {third}")
	shutil.rmtree(work, ignore_errors=True)


STATS_RE = re.compile(r"pcache: stats (.*)")


def _pcache_stats(log):
	"""The counters of the last "pcache: stats" line (--stats)."""
	lines = STATS_RE.findall(log)
	check(lines, "no pcache statistics line in the log")
	return {k: int(v) if v.isdigit() else v
		for k, v in (kv.split("=", 1) for kv in lines[-1].split()
			     if "=" in kv)}


def fault_around_local():
	"""tests/user/mapscan.c reads a 3 MB file mapped read-only page by
	page, then writes a private mapping of it and maps it again: the
	same output as natively, in two boots (local mode, the file on the
	in-process storage service): with fault-around (the default) most
	pages come with the miss before them (around_fills at least half
	the file's pages, that many fewer misses than without, the memory
	node's fcache "around" grew), and with pcache.fault_around=0 none
	(given with a second --append: both must count)."""
	work = os.path.join(clusterlib.runs_dir(), "fcache-around-work")
	shutil.rmtree(work, ignore_errors=True)
	root = os.path.join(work, "root")
	os.makedirs(root)
	shutil.copy(test_user.program("mapscan"), os.path.join(root, "mapscan"))
	size = 3 * 1000 * 1000
	with open(os.path.join(root, "data"), "wb") as f:
		f.write(os.urandom(size))
	pages = (size + 4095) // 4096
	want = test_user.native([os.path.join(root, "mapscan"),
				 os.path.join(root, "data")])
	check(want[0] == 0 and b"0 failures" in want[1],
	      f"mapscan failed natively: {want}")
	stats = {}
	# Two --append options: both must reach the kernel (tools/tessera).
	for label, extra in (("on", []),
			     ("off", ["--append", "pcache.ways=4",
				      "--append", "pcache.fault_around=0"])):
		name = f"fcache-around-{label}"
		code, out, err, log = test_user.tessera_run(
			name, [os.path.join(root, "mapscan"), "/data"],
			extra=["--rootfs", root, "--stats"] + extra)
		where = f"fault-around {label}: logs in runs/.../{name}/"
		check(not re.search(clusterlib.OOPS_RE, log),
		      f"{where}: kernel oops")
		check(code == 0 and out == want[1],
		      f"{where}: status {code}, stdout differs\n--- native\n"
		      f"{want[1].decode(errors='replace')}\n--- tessera\n"
		      f"{out.decode(errors='replace')}")
		stats[label] = _pcache_stats(log)
		stats[label]["fcache"] = fcache_lines(log)
		image = os.path.join(clusterlib.runs_dir(), name,
				     "rootfs.ext4")
		if os.path.exists(image):
			os.unlink(image)
	on, off = stats["on"], stats["off"]
	check(on["around_fills"] >= pages // 2 and
	      on["around_asked"] >= on["around_fills"],
	      f"fault-around: {on['around_fills']} pages filled around of "
	      f"{on['around_asked']} asked, for a file of {pages} pages")
	check(off["ways"] == 4,
	      f"fault-around off: ways={off['ways']}: the first of two "
	      f"--append options was lost")
	check(off["around_asked"] == 0 and off["around_fills"] == 0,
	      f"fault-around off: {off['around_asked']} asked, "
	      f"{off['around_fills']} filled")
	check(off["misses"] - on["misses"] >= pages // 2,
	      f"fault-around: {on['misses']} misses with it, "
	      f"{off['misses']} without, for a file of {pages} pages")
	check(on["fcache"] and on["fcache"][-1]["around"] > 0 and
	      off["fcache"] and off["fcache"][-1]["around"] == 0,
	      f"fault-around: memory node fcache lines {on['fcache'][-1:]} "
	      f"(on), {off['fcache'][-1:]} (off)")
	shutil.rmtree(work, ignore_errors=True)


SCENARIOS = [
	("python_twice", python_twice),
	("python_twice_local", python_twice_local),
	("rewrite", lambda: _rewrite(False)),
	("rewrite_local", lambda: _rewrite(True)),
	("fault_around_local", fault_around_local),
]
