# SPDX-License-Identifier: GPL-2.0
"""The storage node's commit interval and its orphan list across a power
cut (issue 14: the journal's commit timer; orphans a crash leaves).

`tests/user/orphan.c --hold /h 12` runs on three nodes (`tessera run
--image IMG --writable`): it writes /h/kept and /h/held without any
fsync, unlinks /h/held while it is still open, prints "ready", sleeps
12 s (past storage.commit, 5 s by default) and prints "slept".  Then
every QEMU is SIGKILLed (as test_powercut.py does): no shutdown, no sync.

  cut_after_interval  on the cut image, as e2fsprogs reads it: /h/kept is
                      there with its bytes (only the commit timer can
                      have committed it), and /h/held's inode is the
                      first orphan of the list.  A copy repaired by
                      `e2fsck -fy` is then clean.  The cut image is booted
                      again: our storage node frees the orphan at mount
                      (its serial log says so), after which `e2fsck -fn`
                      is clean with no orphan left, /h/kept is intact,
                      and the free block and inode counts equal those
                      of e2fsck's own repair of the copy.
  processor_leaves    `orphan --hold /h 1` again; once it printed
                      "ready" (/h/held unlinked while open), only
                      processor0's QEMU is stopped (SIGSTOP: silent, as if
                      gone; the launcher would end the run at its exit).
                      The storage node
                      must say it dropped node 0's one reference (after
                      storage.ref_drop_ms), which frees the orphan; then
                      every QEMU is killed, and `e2fsck -fy` finds no
                      orphan to clear and the image clean.
"""

import os
import re
import signal
import subprocess
import time

import clusterlib
from clusterlib import check
import test_files
import test_fs_write
import test_powercut

TIMEOUT = test_files.TIMEOUT
HOLD_S = 12
LEN1, LEN2 = 20000, 5000


def _pattern(n, start=0):
	"""Bytes start..start+n of tests/user/orphan.c's pattern."""
	return bytes(((i * 2654435761) & 0xffffffff) >> 13 & 0xff
		     for i in range(start, start + n))


def _dump(img, path):
	out = img + ".dumped"
	subprocess.run(["rm", "-f", out])
	subprocess.run(["debugfs", "-R", f"dump {path} {out}", img],
		       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
	return open(out, "rb").read() if os.path.exists(out) else None


def _held_ino(img):
	"""The inode /h/held had: the one after /h/kept (debugfs stat)."""
	res = subprocess.run(["debugfs", "-R", "stat /h/kept", img],
			     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
			     text=True)
	for word in res.stdout.split():
		if word.isdigit():
			return int(word) + 1
	return None


def _image(name):
	"""A fresh 32 MiB image holding /orphan for scenario @name: (work
	directory, image, where its logs are)."""
	test_fs_write._tools()
	work, root = test_fs_write._work(name, "orphan")
	img = os.path.join(work, name + ".ext4")
	test_fs_write._mke2fs(root, img, "32M")
	return work, img, f"{name}: logs in runs/.../{name}/"


def cut_after_interval():
	name = "orphan-cut"
	work, img, where = _image(name)
	seen = test_powercut.run_and_cut(
		name, img, ["/orphan", "--hold", "/h", str(HOLD_S)],
		lambda lines: "slept" in lines)
	check("slept" in seen, f"{where}: the program did not get past its "
	      f"sleep: {seen}")
	# The cut image as it is: committed by the timer alone.
	check(_dump(img, "/h/kept") == _pattern(LEN1),
	      f"{where}: /h/kept not on the disk with its bytes "
	      f"{HOLD_S} s after it was written (no commit?)")
	orphans = test_fs_write._free_counts(img)[2]
	held = _held_ino(img)
	check(orphans and orphans == held,
	      f"{where}: first orphan inode {orphans}, want /h/held's "
	      f"({held})")
	copy = img + ".fsck"
	subprocess.run(["cp", img, copy], check=True)
	subprocess.run(["e2fsck", "-fy", copy], stdout=subprocess.DEVNULL,
		       stderr=subprocess.DEVNULL)
	test_fs_write._e2fsck_clean(copy, where + " (e2fsck's repair)")
	want = test_fs_write._free_counts(copy)
	# Our storage node processes the list at mount.
	name = "orphan-reboot"
	where = f"{name}: logs in runs/.../{name}/"
	with clusterlib.qemu_slots(3):
		res = subprocess.run(
			test_powercut._cmd(name, img, ["/orphan", "/again"]),
			stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
			stderr=subprocess.PIPE, timeout=TIMEOUT + 60)
	check(res.returncode == 0, f"{where}: status {res.returncode}: "
	      f"{res.stdout[-300:]!r}")
	log = os.path.join(clusterlib.runs_dir(), name, "storage2",
			   "serial.log")
	log = open(log, errors="replace").read() if os.path.exists(log) else ""
	check("freed 1 orphan inodes a crash left" in log,
	      f"{where}: the storage node did not say it freed the orphan")
	test_fs_write._e2fsck_clean(img, where)
	check(_dump(img, "/h/kept") == _pattern(LEN1),
	      f"{where}: /h/kept not intact after the reboot")
	got = test_fs_write._free_counts(img)
	check(got == want, f"{where}: (free blocks, free inodes, first orphan) "
	      f"{got}, e2fsck's repair gives {want}")
	subprocess.run(["rm", "-rf", work])


def _stop_processor(launcher):
	"""SIGSTOP the QEMU of processor0 only (its kernel command line says
	role=processor): from the cluster's view the node vanishes, while the
	launcher, which would end the run at its exit, waits on."""
	for pid in test_powercut._descendants(launcher):
		try:
			with open(f"/proc/{pid}/cmdline", "rb") as f:
				argv = f.read().split(b"\0")
		except OSError:
			continue
		if any(a.startswith(b"role=processor") for a in argv):
			os.kill(pid, signal.SIGSTOP)
			return True
	return False


def processor_leaves():
	name = "orphan-leave"
	work, img, where = _image(name)
	log = os.path.join(clusterlib.runs_dir(), name, "storage2",
			   "serial.log")
	state = {}

	def leave(launcher):
		state["stopped"] = _stop_processor(launcher)
		end = time.monotonic() + 120
		while time.monotonic() < end:
			text = open(log, errors="replace").read() \
				if os.path.exists(log) else ""
			m = re.search(r"node 0 gone for \d+ ms: dropped its "
				      r"(\d+) open-file references", text)
			if m:
				state["dropped"] = int(m.group(1))
				time.sleep(1)	# its commit: a moment after
				return
			time.sleep(0.2)

	seen = test_powercut.run_and_cut(
		name, img, ["/orphan", "--hold", "/h", "1"],
		lambda lines: "ready" in lines, before_cut=leave)
	check("ready" in seen, f"{where}: the program never got ready: {seen}")
	check(state.get("stopped"), f"{where}: no processor QEMU to stop")
	check(state.get("dropped") == 1,
	      f"{where}: the storage node did not drop node 0's one "
	      f"reference ({state.get('dropped')})")
	# What the storage node committed: no orphan left for e2fsck.
	res = subprocess.run(["e2fsck", "-fy", img], stdout=subprocess.PIPE,
			     stderr=subprocess.STDOUT, text=True)
	check(res.returncode <= 1 and not re.search(r"orphaned inode|orphan (list|file)", res.stdout),
	      f"{where}: e2fsck -fy had an orphan to clear or more "
	      f"(status {res.returncode}):\n{res.stdout}")
	test_fs_write._e2fsck_clean(img, where)
	subprocess.run(["rm", "-rf", work])


SCENARIOS = [
	("cut_after_interval", cut_after_interval),
	("processor_leaves", processor_leaves),
]
