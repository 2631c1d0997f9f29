# SPDX-License-Identifier: GPL-2.0
"""Credentials and permission checks (issue 14 part 1: "permissions checked
with the process's credentials as Linux does for root and non-root").

tests/user/perm.c starts as root, builds a tree with various modes and
owners (a sticky directory, a set-gid one, one without search and one
without read permission, files of another user and of a supplementary
group, a copy of itself with and without execute bits), then tries the
set*id calls by root and by a user in child processes (65536 groups,
1001 among them, then file calls that carry them all), access() with the
real and the effective ids, and after setgroups/setresgid/setresuid to
1000:1000 (group 1001) every operation whose permission Linux checks:
open for reading, writing and O_TRUNC, stat through a directory without
search permission, chdir, create, mkdir, unlink, rmdir, rename, link,
symlink, the sticky bit, chmod (set-gid dropped), chown/chgrp (set-id
bits cleared), utimensat with NULL and with times, truncate, execve; then
a multi-threaded setresuid (glibc's SIGSETXID broadcast) after which each
thread's euid and an open are checked.  Each result is printed; the run
natively in a chroot of a tree holding only the program (as root, with
/tmp mode 1777) is the expected output, byte for byte.

  native_vs_tessera   on the storage node's ext4 (/w): processor0,
                      memory1, storage2, `tessera run --image IMG
                      --writable`; then `e2fsck -fn IMG` is clean and
                      debugfs shows the owners the program gave
  tmpfs               the same program in /tmp (tmpfs, mode 1777 there
                      and natively), without link and symlink
  local_mode          --local: one VM, the storage service in-process
                      behind the same P2S messages
  launcher_ids        `tessera run --uid 1000 --gid 2000`: the program's
                      ids are those (perm --child prints them), and as that
                      user it cannot mkdir in the image's root (EACCES)

A handful of lines are also checked against Linux's rules as written in
its man pages, so that a wrong native run cannot make both agree.

tests/user/setid.c, as root, makes copies of itself with set-user-ID and
set-group-ID bits (owner or group 1000; set-gid without group-exec; the
runner's own; a set-uid script and a script whose interpreter is
set-uid) and set-id files anyone may write; then as uid/gid 2000 runs
each copy, which prints its real/effective/saved/fs ids, the auxv's
AT_UID/AT_EUID/AT_GID/AT_EGID/AT_SECURE, whether glibc dropped
LD_LIBRARY_PATH (it does in secure mode) and whether it may read a file
only uid 1000 may; then writes (5 bytes, and 0), truncates, ftruncates
and opens with O_TRUNC the set-id files and prints the modes left; as
root it writes one (bits kept) and chowns two.  Native run (chroot, as
root) vs Tessera, byte for byte:

  setid               on the storage node's ext4 (/w)
  setid_tmpfs         in /tmp (tmpfs)
  setid_local         --local: one VM, ext4 served in-process
"""

import errno
import os
import re
import shutil
import subprocess
import time

import clusterlib
from clusterlib import check
import test_fs_write
import test_user

# From the man pages, independent of the native run: root needs an
# execute bit to exec, a user no search permission passes, the sticky bit,
# chmod by a non-owner, and glibc's setxid broadcast reaching threads.
RULE_LINES = [
	"root exec noexec.bin: EACCES",
	"open secret O_RDONLY: EACCES",
	"stat noexec/f: EACCES",
	"unlink sticky/rootfile: EPERM",
	"chmod secret 0644: EPERM",
	"create ro/new: EACCES",
	"stat sgid/d: mode 42755 uid 1000 gid 3000",
	"thread 2: euid 1000 open secret EACCES",
	"0 failures",
]


# execve(2), chown(2), and Linux's file_remove_privs() (a write or
# truncate by anyone but root clears set-user-ID, and set-group-ID of a
# group-executable file or one outside the writer's groups).
SETID_RULE_LINES = [
	"plain: auxv uid 2000 euid 2000 gid 2000 egid 2000 secure 0",
	"suid: uid 2000 1000 1000 fsuid 1000 gid 2000 2000 2000 fsgid 2000",
	"suid: auxv uid 2000 euid 1000 gid 2000 egid 2000 secure 1",
	"suid: open secret 0",
	"sgid: uid 2000 2000 2000 fsuid 2000 gid 2000 1000 1000 fsgid 1000",
	"sgid_nox: auxv uid 2000 euid 2000 gid 2000 egid 2000 secure 0",
	"script_suid: uid 2000 2000 2000 fsuid 2000 gid 2000 2000 2000 "
	"fsgid 2000",
	"open ro O_WRONLY: EACCES",
	"write 5 w_suid: mode 777 uid 1000 gid 1000",
	"write 0 w_zero: mode 6777 uid 1000 gid 1000",
	"write 5 root_write: mode 6777 uid 1000 gid 1000",
	"root chown chown_x: mode 755 uid 0 gid 0",
	"0 failures",
]


def _work(name, program="perm"):
	work = os.path.join(clusterlib.runs_dir(), name + "-work")
	if os.path.exists(work):
		shutil.rmtree(work)
	root = os.path.join(work, "root")
	os.makedirs(os.path.join(root, "tmp"))
	os.chmod(os.path.join(root, "tmp"), 0o1777)
	shutil.copy(test_user.program(program), os.path.join(root, program))
	return work, root


def _native(root, argv):
	"""clusterlib.native_chroot(), again after ETXTBSY: a scenario in
	another thread that forks while ours still writes its copy of the
	program holds that descriptor until its child execs."""
	for attempt in range(10):
		try:
			return clusterlib.native_chroot(root, argv)
		except OSError as e:
			if e.errno != errno.ETXTBSY or attempt == 9:
				raise
			time.sleep(0.2)


def _compare(name, argv, local=False, rules=RULE_LINES):
	test_fs_write._tools()
	program = os.path.basename(argv[0])
	work, root = _work(name, program)
	img = os.path.join(work, program + ".ext4")
	test_fs_write._mke2fs(root, img, "64M")
	native_root = os.path.join(work, "native")
	shutil.copytree(root, native_root, symlinks=True)
	want_code, want_out, want_err = _native(native_root, argv)
	text = want_out.decode(errors="replace")
	check(want_code == 0 and re.search(r"^0 failures$", text, re.M),
	      f"{program} failed natively (status {want_code}):\n{text}"
	      f"{want_err!r}")
	for line in rules:
		check(line in text.splitlines(),
		      f"native run lacks {line!r}:\n{text}")
	code, out, err, _ = test_fs_write._tessera(name, img, argv,
						   local=local)
	test_fs_write.check_same(f"{name}: logs in runs/.../{name}/",
				 (want_code, want_out, want_err),
				 (code, out, err))
	return work, img


def native_vs_tessera(local=False):
	name = "perm-local" if local else "perm"
	work, img = _compare(name, ["/perm", "/w"], local=local)
	test_fs_write._e2fsck_clean(img, name)
	# The owner the storage node gave a file the user made, read from a
	# copy whose journal e2fsck replayed (debugfs does not replay it).
	copy = img + ".replayed"
	shutil.copy(img, copy)
	subprocess.run(["e2fsck", "-fy", copy], stdout=subprocess.DEVNULL,
		       stderr=subprocess.DEVNULL)
	res = subprocess.run(["debugfs", "-R", "stat /w/sgid/f", copy],
			     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
			     text=True)
	check(re.search(r"User:\s+1000\s+Group:\s+3000\b", res.stdout),
	      f"{name}: debugfs stat /w/sgid/f: want user 1000 group 3000:\n"
	      f"{res.stdout}")
	shutil.rmtree(work)


def tmpfs():
	work, _ = _compare("perm-tmpfs", ["/perm", "/tmp/p", "--tmpfs"])
	shutil.rmtree(work)


def setid():
	work, _ = _compare("setid", ["/setid", "/w"], rules=SETID_RULE_LINES)
	shutil.rmtree(work)


def setid_local():
	work, _ = _compare("setid-local", ["/setid", "/w"], local=True,
			   rules=SETID_RULE_LINES)
	shutil.rmtree(work)


def setid_tmpfs():
	work, _ = _compare("setid-tmpfs", ["/setid", "/tmp/s"],
			   rules=SETID_RULE_LINES)
	shutil.rmtree(work)


def launcher_ids():
	"""`tessera run --uid 1000 --gid 2000`: the program starts with those
	ids (all four of each, no groups) and is checked as that user: it
	cannot make a file in the image's root directory (root's, 0755)."""
	test_fs_write._tools()
	name = "perm-ids"
	work, root = _work(name)
	img = os.path.join(work, "perm.ext4")
	test_fs_write._mke2fs(root, img, "16M")
	code, out, err, _ = test_fs_write._tessera(
		name, img, ["/perm", "--child"],
		options=["--uid", "1000", "--gid", "2000"])
	want = ("child: uid 1000 1000 1000 fsuid 1000 gid 2000 2000 2000 "
		"fsgid 2000 groups\n")
	where = f"{name}: logs in runs/.../{name}/"
	check(code == 7 and out.decode(errors="replace") == want,
	      f"{where}: status {code}, stdout {out!r}, want 7 and {want!r}"
	      f"; stderr {err!r}")
	code, out, err, _ = test_fs_write._tessera(
		name, img, ["/perm", "/w"],
		options=["--uid", "1000", "--gid", "2000"])
	text = out.decode(errors="replace")
	check(code == 1 and re.search(r"^FAIL line \d+: mkdir /w \(errno "
				      r"EACCES\)$", text, re.M),
	      f"{where}: as uid 1000, mkdir /w: status {code}, want 1 and "
	      f"EACCES:\n{text}{err!r}")
	shutil.rmtree(work)


SCENARIOS = [
	("native_vs_tessera", native_vs_tessera),
	("tmpfs", tmpfs),
	("local_mode", lambda: native_vs_tessera(local=True)),
	("launcher_ids", launcher_ids),
	("setid", setid),
	("setid_tmpfs", setid_tmpfs),
	("setid_local", setid_local),
]
