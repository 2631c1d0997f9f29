# SPDX-License-Identifier: GPL-2.0
"""Power cuts on the storage node's journaled ext4 (issue 14 part 3).

tests/user/fsync_loop.c writes files in /p with fsync in a loop on three
nodes (`tessera run --image IMG --writable`), printing "synced fI SIZE"
after each fsync returned.  After a random number of such lines and a
random delay (seeded; the seed is printed, POWERCUT_SEED=N repeats it)
every QEMU is killed with SIGKILL: no shutdown, no sync.  Then:

  cuts        a few cuts, each on a fresh image: `e2fsck -fy` on a copy
              only replays the journal (status <= 1, no "? yes" repair
              in its output), `e2fsck -fn` is clean afterwards, and every
              file whose "synced" line was printed (and that the program
              does not unlink later) reads back intact byte for byte
              through debugfs, and each file whose "unlinked" line was
              printed is gone; the bytes come from the program's
              documented pattern, computed here.  The first cut image is also booted again (the
              storage node replays the journal at mount; the program
              writes one more file elsewhere), after which `e2fsck -fn`
              is clean without any replay by e2fsck and the same files
              are intact.
"""

import os
import random
import signal
import subprocess
import threading
import time

import clusterlib
from clusterlib import check
import test_files
import test_fs_write
import test_user

TIMEOUT = test_files.TIMEOUT
NR_CUTS = 3
LOOP_FILES = 400	# more than any cut lets it reach


def _content(i, size):
	return bytes((k * 131 + i * 7 + (k >> 8)) & 0xff for k in range(size))


def _children():
	"""{ppid: [pid, ...]} of every process."""
	kids = {}
	for d in os.listdir("/proc"):
		if not d.isdigit():
			continue
		try:
			with open(f"/proc/{d}/stat") as f:
				stat = f.read()
		except OSError:
			continue
		ppid = int(stat.rsplit(")", 1)[1].split()[1])
		kids.setdefault(ppid, []).append(int(d))
	return kids


def _descendants(pid):
	kids, out, todo = _children(), [], [pid]
	while todo:
		p = todo.pop()
		for c in kids.get(p, []):
			out.append(c)
			todo.append(c)
	return out


def _cmd(name, img, argv):
	run_dir = os.path.join(clusterlib.runs_dir(), name)
	cmd = [clusterlib.TESSERA, "run", "--image", img, "--writable",
	       "--run-dir", run_dir, "--kernel-image", clusterlib.kernel_image(),
	       "--timeout", str(TIMEOUT)]
	for e in test_user.ENV:
		cmd += ["--env", e]
	return cmd + ["--"] + argv


def run_and_cut(name, img, argv, enough, delay=0.0, before_cut=None):
	"""Run @argv on three nodes with @img writable and SIGKILL every QEMU
	once enough(stdout lines so far) (then @delay seconds later, and
	after before_cut(launcher pid) returned), or at the timeout: the
	stdout lines seen before the cut."""
	lines = []
	cmd = _cmd(name, img, argv)
	with clusterlib.qemu_slots(3):
		proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
					stdout=subprocess.PIPE,
					stderr=subprocess.DEVNULL,
					start_new_session=True)

		def reader():
			for raw in proc.stdout:
				lines.append(raw.decode(errors="replace").rstrip("\n"))

		t = threading.Thread(target=reader, daemon=True)
		t.start()
		end = time.monotonic() + TIMEOUT
		while (time.monotonic() < end and proc.poll() is None and
		       not enough(lines)):
			time.sleep(0.05)
		time.sleep(delay)
		if before_cut:
			before_cut(proc.pid)
		seen = list(lines)
		qemus = [p for p in _descendants(proc.pid)]
		for p in qemus:
			try:
				os.kill(p, signal.SIGKILL)
			except ProcessLookupError:
				pass
		try:
			os.killpg(proc.pid, signal.SIGKILL)
		except ProcessLookupError:
			pass
		proc.wait()
		t.join(5)
	return seen


def _run_and_cut(name, img, rng):
	"""Run fsync_loop and SIGKILL every QEMU after a random number of
	"synced" lines: the stdout lines seen before the cut."""
	want = rng.randint(2, 10)
	delay = rng.uniform(0.0, 1.5)
	seen = run_and_cut(
		name, img, ["/fsync_loop", "/p", str(LOOP_FILES)],
		lambda lines: sum(ln.startswith("synced ") for ln in lines) >= want,
		delay)
	check("done" not in seen and any(ln.startswith("synced ") for ln in seen),
	      f"{name}: the cut did not land inside the loop: {seen[-5:]}")
	check(not any(ln.startswith("FAIL") for ln in seen),
	      f"{name}: fsync_loop failed: {seen}")
	return seen


def _durable(seen):
	"""({i: size} of the files that must be intact, [j, ...] of those that
	must be gone).  The program runs ahead of the lines seen here, so a
	file it unlinks later (every fJ with J % 4 == 1, two rounds on) is
	only checked for being gone once its "unlinked" line was seen."""
	files, gone = {}, []
	for ln in seen:
		w = ln.split()
		if w[0] == "synced" and int(w[1][1:]) % 4 != 1:
			files[int(w[1][1:])] = int(w[2])
		elif w[0] == "unlinked":
			gone.append(int(w[1][1:]))
	return files, gone


def _check_gone(img, gone, where):
	for j in gone:
		res = subprocess.run(["debugfs", "-R", f"stat /p/f{j}", img],
				     stdout=subprocess.PIPE,
				     stderr=subprocess.STDOUT, text=True)
		check("File not found" in res.stdout,
		      f"{where}: /p/f{j} was unlinked and its directory "
		      f"fsynced, but it is still there")


def dump_files(img, paths):
	"""{path: its bytes, or None if debugfs could not dump it} for the
	absolute @paths in the ext4 image @img."""
	work = img + ".dump"
	subprocess.run(["rm", "-rf", work])
	os.makedirs(work)
	cmds = os.path.join(work, "cmds")
	with open(cmds, "w") as f:
		for k, path in enumerate(paths):
			f.write(f"dump {path} {work}/{k}\n")
	subprocess.run(["debugfs", "-f", cmds, img], stdout=subprocess.DEVNULL,
		       stderr=subprocess.DEVNULL)
	out = {}
	for k, path in enumerate(paths):
		name = os.path.join(work, str(k))
		out[path] = open(name, "rb").read() \
			if os.path.exists(name) else None
	return out


def _check_files(img, files, where):
	got = dump_files(img, [f"/p/f{i}" for i in files])
	for i, size in sorted(files.items()):
		data = got[f"/p/f{i}"]
		check(data == _content(i, size),
		      f"{where}: /p/f{i} not intact: "
		      f"{'missing' if data is None else f'{len(data)} bytes'}, "
		      f"want {size} bytes of the pattern")


def _fsck_only_replays(img, where):
	res = subprocess.run(["e2fsck", "-fy", img], stdout=subprocess.PIPE,
			     stderr=subprocess.STDOUT, text=True)
	check(res.returncode <= 1 and "? yes" not in res.stdout,
	      f"{where}: e2fsck -fy did more than replay the journal "
	      f"(status {res.returncode}):\n{res.stdout}")
	test_fs_write._e2fsck_clean(img, where)
	return "recovering journal" in res.stdout


def cuts():
	test_fs_write._tools()
	seed = int(os.environ.get("POWERCUT_SEED", time.time_ns() % 1000000))
	print(f"# powercut seed {seed} (POWERCUT_SEED={seed} repeats it)")
	rng = random.Random(seed)
	work = os.path.join(clusterlib.runs_dir(), "powercut-work")
	subprocess.run(["rm", "-rf", work])
	root = os.path.join(work, "root")
	os.makedirs(root)
	subprocess.run(["cp", test_user.program("fsync_loop"),
			os.path.join(root, "fsync_loop")], check=True)
	for k in range(NR_CUTS):
		name = f"powercut-{k}"
		where = f"{name} (seed {seed}): logs in runs/.../{name}/"
		img = os.path.join(work, f"cut{k}.ext4")
		test_fs_write._mke2fs(root, img, "64M")
		seen = _run_and_cut(name, img, rng)
		files, gone = _durable(seen)
		copy = img + ".fsck"
		subprocess.run(["cp", img, copy], check=True)
		replayed = _fsck_only_replays(copy, where)
		_check_files(copy, files, where)
		_check_gone(copy, gone, where)
		print(f"# {name}: {len(files)} files to check, e2fsck "
		      f"{'replayed the journal' if replayed else 'found it empty'}")
		if k:
			continue
		# Boot the cut image again: our storage node replays it.
		name = "powercut-reboot"
		where = f"{name} (seed {seed}): logs in runs/.../{name}/"
		with clusterlib.qemu_slots(3):
			res = subprocess.run(
				_cmd(name, img, ["/fsync_loop", "/q", "1"]),
				stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
				stderr=subprocess.PIPE, timeout=TIMEOUT + 60)
		check(res.returncode == 0 and res.stdout.endswith(b"done\n"),
		      f"{where}: status {res.returncode}: {res.stdout[-300:]!r}")
		test_fs_write._e2fsck_clean(img, where)
		_check_files(img, files, where)
		_check_gone(img, gone, where)
		log = os.path.join(clusterlib.runs_dir(), name, "storage2",
				   "serial.log")
		log = open(log, errors="replace").read() \
			if os.path.exists(log) else ""
		print(f"# {name}: storage node "
		      f"{'replayed' if 'journal: replayed' in log else 'had nothing to replay'}")
	subprocess.run(["rm", "-rf", work])


SCENARIOS = [
	("cuts", cuts),
]
