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
while its lookups all hit (hits grew, misses did not).

  python_twice   the above
"""

import os
import re
import shutil

import clusterlib
from clusterlib import check
import test_python
import test_rootfs
import test_user

FCACHE_RE = re.compile(r"memnode: fcache (.*)")
SNIPPET = "import json, math; print(json.dumps([math.pi, 2 ** 70]))"


def fcache_lines(log):
	"""The counters of each "memnode: fcache" line, in order."""
	return [{k: int(v) for k, v in zip(*[iter(m.group(1).split())] * 2)}
		for m in FCACHE_RE.finditer(log)]


def python_twice():
	tmp, root = test_python._scratch_root()
	try:
		shutil.copy(test_user.program("mremap"),
			    root + test_python.IN_ROOT)
		runs = [[test_python.PYTHON, "-c", SNIPPET],
			[test_python.PYTHON, "-c", SNIPPET],
			[f"{test_python.IN_ROOT}/mremap", test_python.PYTHON]]
		out, _, _ = test_rootfs._same_as_native("fcache-python", root,
							runs)
		check(out.count(b"3.14159") == 2 and b"\n0 failures\n" in out,
		      f"the runs did not finish: {out!r}")
		where = "fcache: logs in runs/.../fcache-python/"
		with open(os.path.join(clusterlib.runs_dir(), "fcache-python",
				       "memory1", "serial.log"),
			  errors="replace") as f:
			log = f.read()
		lines = fcache_lines(log)
		check(len(lines) == len(runs),
		      f"{where}: {len(lines)} fcache lines, want {len(runs)}")
		first, second = lines[0], lines[1]
		check(first["storage-pages"] > 0 and first["misses"] > 0,
		      f"{where}: the first run read nothing from storage: "
		      f"{first}")
		check(first["readahead"] > 0,
		      f"{where}: no readahead in the first run: {first}")
		check(second["storage-pages"] == first["storage-pages"] and
		      second["storage-reads"] == first["storage-reads"],
		      f"{where}: the second python3 read file pages from "
		      f"storage: after run 0 {first}, after run 1 {second}")
		check(second["misses"] == first["misses"] and
		      second["hits"] > first["hits"],
		      f"{where}: the second python3 did not hit the cache: "
		      f"after run 0 {first}, after run 1 {second}")
		check(second["evictions"] == 0,
		      f"{where}: the cache evicted pages: {second}")
	finally:
		shutil.rmtree(tmp, ignore_errors=True)


SCENARIOS = [
	("python_twice", python_twice),
]
