# SPDX-License-Identifier: GPL-2.0
"""A mapping keeps an unlinked storage file alive (issue 14, part 2).

tests/user/mapunlink.c maps three new 80-page files (MAP_PRIVATE
read-write, MAP_SHARED read-only, MAP_PRIVATE shared with a forked
child), closes each descriptor, has the name removed (by itself, by a
child process), then reads every page from the last to the first, none
touched before: on Linux the mapping keeps the file until its last
munmap.  Then a copy of the program, executed, unlinks itself and reads
all of its own text (a running program keeps its file too).  It runs natively in a chroot and on Tessera from an ext4 image
of the same tree attached read-write; stdout, stderr and status must be
equal.  Before the memory node held references of its own the first read
after the unlink got SIGBUS (status 135).  Then, on the host: `e2fsck
-fn` is clean and the image's free block and inode counts and its first
orphan are what they were before the run (dumpe2fs): every mapping's
reference was dropped, which freed each file.  The memory node's last
`memnode: maprefs` line must show references taken (at least the three
files, the program and its copy), as many dropped, none held, no
errors.

  three_nodes   processor0, memory1, storage2
  local_mode    `tessera run --local`: one node serving its own memory
                and files (the memory node's references and the
                processor's share one owner on the storage node)
"""

import os
import re
import shutil

import clusterlib
from clusterlib import check
import test_fs_write

MAPREF_RE = (r"memnode: maprefs files (\d+) held (\d+) takes (\d+) "
	     r"drops (\d+) take-errors (\d+) drop-errors (\d+) "
	     r"untracked (\d+) unmatched (\d+)")


def _run(name, local):
	test_fs_write._tools()
	work, root = test_fs_write._work(name, "mapunlink")
	native_root = os.path.join(work, "native")
	shutil.copytree(root, native_root, symlinks=True)
	want = clusterlib.native_chroot(native_root, ["/mapunlink", "/m"])
	check(want[0] == 0, f"mapunlink failed natively (status {want[0]}):\n"
	      f"{want[1].decode(errors='replace')}{want[2]!r}")
	img = os.path.join(work, name + ".ext4")
	test_fs_write._mke2fs(root, img, "16M")
	before = test_fs_write._free_counts(img)
	code, out, err, log = test_fs_write._tessera(
		name, img, ["/mapunlink", "/m"], local=local)
	where = f"{name}: logs in runs/.../{name}/"
	test_fs_write.check_same(where, want, (code, out, err))
	test_fs_write._e2fsck_clean(img, where)
	after = test_fs_write._free_counts(img)
	check(after == before, f"{where}: (free blocks, free inodes, first "
	      f"orphan) {after}, before the run {before}")
	lines = re.findall(MAPREF_RE, log)
	check(lines, f"{where}: no 'memnode: maprefs' line in the logs")
	files, held, takes, drops, terr, derr, untracked, unmatched = \
		map(int, lines[-1])
	check(takes >= 5 and drops == takes and not files and not held and
	      not terr and not derr and not untracked and not unmatched,
	      f"{where}: the memory node's last counters: files {files} "
	      f"held {held} takes {takes} drops {drops} take-errors {terr} "
	      f"drop-errors {derr} untracked {untracked} unmatched "
	      f"{unmatched}; want 5 takes or more, as many drops, the rest 0")
	shutil.rmtree(work)


def three_nodes():
	_run("mapref", local=False)


def local_mode():
	_run("mapref-local", local=True)


SCENARIOS = [
	("three_nodes", three_nodes),
	("local_mode", local_mode),
]
