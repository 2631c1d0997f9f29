# SPDX-License-Identifier: GPL-2.0
"""Dynamically linked programs and file-backed mmap on three nodes.

A small root directory is built from the HOST's own Debian files: the
dynamic linker, libc, libm and whatever else the test programs `ldd` to,
at their Debian paths (with the host's merged-/usr symlinks, absolute
ones included), plus tests/user/dyn (libc, libm, pthreads, dlopen of
dynlib.so whose constructor prints a line, a file written and read back
in /tmp) and tests/user/filemap (file
mmap semantics, ending with a SIGBUS past EOF: status 135), both built
with the host's gcc as ordinary PIE programs.

One boot of processor0, memory1 and storage2 (`tessera run --image` of
an ext4 image made from ROOT, so that every program, ld.so included, is
named by its path in the root, argv[0] as in the chroot) runs, in order:

  /dyn /dynlib.so                       the dynamic program
  /filemap /data/file /data             file mmap semantics, SIGBUS
  ld.so --list /dyn                     the interpreter run directly
  ld.so /filemap /data/file /data       ... running a program itself
  /badinterp                            PT_INTERP names a missing file
  /notelf-interp                        PT_INTERP names a text file

Each also runs natively as `chroot ROOT PROGRAM ARGS` with the same
environment (`ld.so --list` under `setarch -R` and an 8 MiB stack limit,
so that the native addresses are Linux's deterministic ones).  Compared:
the concatenated stdout of the first four, byte for byte except that the
addresses in `ld.so --list` lines are masked (the linux-vdso line is
compared too: both place the vDSO right below ld.so, but Linux's [vvar]
and [vdso] take more pages, so the libraries sit at other addresses);
the address of ld.so itself in
that list must be the native one exactly (both place it top-down below
the same mmap base); every run's status; stderr (empty for the first
four).  The missing interpreter is status 127 and one log line naming
it, the text file 126 and a log line saying why.

  native_vs_tessera   the above
  local_mode          the same on one node (`tessera run --local --image`):
                      its own memory and storage services, in-process
"""

import os
import re
import resource
import shutil
import subprocess

import clusterlib
from clusterlib import Skip, check
import test_files
import test_user

TIMEOUT = 240
LDSO = "/lib64/ld-linux-x86-64.so.2"
DATA_SIZE = 10000		# two pages and a bit
MISSING_INTERP = "/lib/missing-ld.so"
TEXT_INTERP = "/notelf.so"
ADDR_RE = re.compile(rb"\(0x[0-9a-f]+\)")


def _copy_host_path(root, path):
	"""Copy host @path into @root at the same path, component by
	component: symlinks stay symlinks (what they point to is copied
	too), directories are created, the file is copied with its mode."""
	parts = [p for p in path.split("/") if p]
	cur = "/"
	for i, part in enumerate(parts):
		host = os.path.join(cur, part)
		inside = os.path.join(root, host.lstrip("/"))
		if os.path.islink(host):
			target = os.readlink(host)
			if not os.path.lexists(inside):
				os.symlink(target, inside)
			resolved = os.path.normpath(os.path.join(cur, target))
			_copy_host_path(root, os.path.join(resolved,
							   *parts[i + 1:]))
			return
		if i == len(parts) - 1 and not os.path.isdir(host):
			if not os.path.exists(inside):
				shutil.copy2(host, inside)
			return
		os.makedirs(inside, exist_ok=True)
		cur = host


def _ldd(path):
	"""Absolute paths of the libraries @path needs, as the host sees it."""
	res = subprocess.run(["ldd", path], stdout=subprocess.PIPE,
			     stderr=subprocess.STDOUT, text=True)
	check(res.returncode == 0, f"ldd {path} failed: {res.stdout}")
	return re.findall(r"(/\S+) \(0x", res.stdout)


def _build_prog(src, out, *extra):
	res = subprocess.run(["gcc", "-O2", "-o", out, src] + list(extra),
			     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
			     text=True)
	check(res.returncode == 0, f"building {out} failed:\n{res.stdout}")


def build_root(root):
	"""The root directory: the host's loader and libraries, the test
	programs and their data."""
	if not os.path.exists(LDSO):
		raise Skip(f"no {LDSO} on this host")
	if os.path.exists(root):
		shutil.rmtree(root)
	os.makedirs(root)
	progs = {name: test_user.program(name)
		 for name in ("dyn", "filemap", "dynlib.so")}
	for name, path in progs.items():
		shutil.copy2(path, os.path.join(root, name))
	hello = os.path.join(test_user.USER_DIR, "hello.c")
	_build_prog(hello, os.path.join(root, "badinterp"),
		    f"-Wl,--dynamic-linker={MISSING_INTERP}")
	_build_prog(hello, os.path.join(root, "notelf-interp"),
		    f"-Wl,--dynamic-linker={TEXT_INTERP}")
	with open(os.path.join(root, TEXT_INTERP.lstrip("/")), "w") as f:
		# Longer than an ELF header: refused for its magic.
		f.write("this is not an ELF file, only text in its place\n" * 4)
	os.chmod(os.path.join(root, TEXT_INTERP.lstrip("/")), 0o755)
	libs = {LDSO}
	for path in progs.values():
		libs.update(_ldd(path))
	for lib in sorted(libs):
		_copy_host_path(root, lib)
	os.makedirs(os.path.join(root, "data"))
	# dyn writes a scratch file there natively (a tmpfs on Tessera).
	os.makedirs(os.path.join(root, "tmp"))
	os.chmod(os.path.join(root, "tmp"), 0o1777)
	with open(os.path.join(root, "data", "file"), "wb") as f:
		f.write(test_files.pattern(DATA_SIZE, 3))
	return root


def _stack_8m():
	resource.setrlimit(resource.RLIMIT_STACK,
			   (8 << 20, resource.getrlimit(
				   resource.RLIMIT_STACK)[1]))


def native(root, argv, norandom=False):
	"""Status, stdout, stderr of @argv run in a chroot of @root."""
	tools = [shutil.which(t) for t in ("chroot", "setarch")]
	if not all(tools):
		raise Skip("no chroot or setarch on this host")
	cmd = [tools[0], root] + argv
	if norandom:
		cmd = [tools[1], "-R"] + cmd
	res = subprocess.run(cmd, env=dict(e.split("=", 1)
					   for e in test_user.ENV),
			     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
			     stderr=subprocess.PIPE, timeout=60,
			     preexec_fn=_stack_8m)
	code = res.returncode if res.returncode >= 0 else 128 - res.returncode
	return code, res.stdout, res.stderr


def _list_line(out, name):
	m = re.search(rb"^\t" + re.escape(name.encode()) +
		      rb" \((0x[0-9a-f]+)\)$", out, re.M)
	return m.group(1) if m else None


def dynamic_native_vs_tessera(local=False):
	"""The runs above on three nodes, or with @local on one node that
	serves the image and the memory itself (`tessera run --local
	--image`: the same P2M and P2S services, called in-process)."""
	if os.geteuid() != 0:
		raise Skip("chroot needs root")
	name = "dynamic-local" if local else "dynamic-tessera"
	# One root per scenario: they may run at the same time.
	root = build_root(os.path.join(clusterlib.runs_dir(), f"{name}-root"))
	runs = [
		(["/dyn", "/dynlib.so"], False),
		(["/filemap", "/data/file", "/data"], False),
		([LDSO, "--list", "/dyn"], True),
		([LDSO, "/filemap", "/data/file", "/data"], False),
		(["/badinterp"], False),
		(["/notelf-interp"], False),
	]
	want = [native(root, argv, norandom) for argv, norandom in runs]
	check(want[0][0] == 0 and b"0 failures" in want[0][1],
	      f"dyn failed natively: {want[0]!r}")
	check(want[1][0] == 135 and b"\n0 failures\n" in want[1][1],
	      f"filemap natively: {want[1]!r}")
	check(want[4][0] == 127 and want[5][0] == 126,
	      f"bad interpreters natively: {want[4][0]}, {want[5][0]}")
	native_ldso = _list_line(want[2][1], LDSO)
	check(native_ldso, f"no {LDSO} line natively: {want[2][1]!r}")

	run_dir = os.path.join(clusterlib.runs_dir(), name)
	os.makedirs(run_dir, exist_ok=True)
	image = os.path.join(run_dir, "root.ext4")
	res = subprocess.run(["mke2fs", "-q", "-F", "-t", "ext4", "-d", root,
			      image, "64M"], stdout=subprocess.PIPE,
			     stderr=subprocess.STDOUT, text=True)
	check(res.returncode == 0, f"mke2fs failed: {res.stdout}")
	cmd = [os.path.join(clusterlib.ROOT, "tools", "tessera"), "run",
	       "--image", image, "--run-dir", run_dir,
	       "--kernel-image", clusterlib.kernel_image(),
	       "--timeout", str(TIMEOUT)] + (["--local"] if local else [])
	for e in test_user.ENV:
		cmd += ["--env", e]
	for argv, _ in runs[1:]:
		cmd += ["--also", " ".join(argv)]
	cmd += ["--"] + runs[0][0]
	code, out, err, log = test_files._run(cmd, run_dir)
	where = f"dynamic: logs in runs/.../{name}/"
	check(not re.search(clusterlib.OOPS_RE, log), f"{where}: kernel oops")

	native_out = b"".join(w[1] for w in want[:4])
	check(ADDR_RE.sub(b"(ADDR)", out) == ADDR_RE.sub(b"(ADDR)", native_out),
	      f"{where}: stdout differs\n--- native\n"
	      f"{native_out.decode(errors='replace')}\n--- tessera\n"
	      f"{out.decode(errors='replace')}")
	got_ldso = _list_line(out, LDSO)
	check(got_ldso == native_ldso,
	      f"{where}: ld.so at {got_ldso}, natively at {native_ldso}")
	notes = re.findall(rb"\[launcher\] run (\d+) \(.*\): exit status "
			   rb"(\d+)", err)
	got = [code] + [None] * (len(runs) - 1)
	for i, status in notes:
		got[int(i)] = int(status)
	check(got == [w[0] for w in want],
	      f"{where}: statuses {got}, native {[w[0] for w in want]}")
	check(test_user._launcher_notes(err) == b"".join(w[2]
							  for w in want[:4]),
	      f"{where}: stderr differs: {err!r}")
	missing = [l for l in log.splitlines()
		   if f"interpreter {MISSING_INTERP}" in l]
	check(len(missing) == 1 and "not found" in missing[0],
	      f"{where}: want one log line naming {MISSING_INTERP}: {missing}")
	text = [l for l in log.splitlines()
		if f"interpreter {TEXT_INTERP}" in l]
	check(len(text) == 1 and "not an ELF file" in text[0],
	      f"{where}: want one log line on {TEXT_INTERP}: {text}")
	check(log.count("bus error: ") == 2,
	      f"{where}: want two 'bus error' lines (filemap twice)")


SCENARIOS = [
	("native_vs_tessera", dynamic_native_vs_tessera),
	("local_mode", lambda: dynamic_native_vs_tessera(local=True)),
]
