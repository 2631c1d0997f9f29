# SPDX-License-Identifier: GPL-2.0
"""User programs whose memory lives on a memory node (the remote backend,
managers/processor/mm_remote.c), compared with native runs like
test_user.py does.

Two shapes of the same P2M wire path:
  - loopback: one processor node that also runs the memory service and
    talks to it over FIT loopback (`tessera run --loopback`,
    processor.memory_node=self);
  - two nodes: a memory node holding the program in its boot module
    and a processor node on one fabric (`tessera run --nodes 1P1M`);
  - three nodes (`tessera run`'s default): the program in the storage
    node's ext4 image, loaded by the memory node over P2S, run by the
    processor node.
The processor has a 1 MiB pcache, so the pattern runs (2x the pcache)
evict, write back and piggyback write-backs on misses.  After every
program the memory node must have freed everything: its exit line says
"procs 0 pages 0"."""

import os
import re
import subprocess

import clusterlib
from clusterlib import check, kernel_image
import test_user

ROOT = clusterlib.ROOT
TIMEOUT = 300
PCACHE = "pcache=1M pcache.stats"
EXIT_RE = re.compile(r"memnode: exit node \d+ pid \d+: procs (\d+) "
		     r"pages (\d+)")
STATS_RE = re.compile(r"pcache: stats (.*)")


MODES = {
	"loopback": (["--loopback"], 1),
	"two": (["--nodes", "1P1M"], 2),
	"three": ([], 3),
}


def run(name, runs, mode, smp=None, memory_append=None, append=""):
	"""Boot (@mode: a key of MODES) and run each argv of @runs in order;
	returns (status, stdout, stderr, processor log, memory log)."""
	run_dir = os.path.join(clusterlib.runs_dir(), name)
	cmd = [os.path.join(ROOT, "tools", "tessera"), "run",
	       "--run-dir", run_dir, "--kernel-image", kernel_image(),
	       "--timeout", str(TIMEOUT), "--append", f"{PCACHE} {append}"]
	cmd += MODES[mode][0]
	if memory_append:
		cmd += ["--memory-append", memory_append]
	for e in test_user.ENV:
		cmd += ["--env", e]
	if smp:
		cmd += ["--smp", str(smp)]
	for argv in runs[1:]:
		cmd += ["--also", " ".join(argv)]
	cmd += ["--"] + runs[0]
	with clusterlib.qemu_slots(MODES[mode][1]):
		res = subprocess.run(cmd, stdin=subprocess.DEVNULL,
				     stdout=subprocess.PIPE,
				     stderr=subprocess.PIPE,
				     timeout=TIMEOUT + 60)
	# The launcher's own notes say why a run ended early: keep them.
	os.makedirs(run_dir, exist_ok=True)
	with open(os.path.join(run_dir, "launcher.stderr"), "wb") as f:
		f.write(res.stderr)
	if mode == "loopback":
		logs = [os.path.join(run_dir, "serial.log")] * 2
	else:
		logs = [os.path.join(run_dir, d, "serial.log")
			for d in ("processor0", "memory1")]
	texts = []
	for path in logs:
		with open(path, errors="replace") as f:
			texts.append(f.read())
	return (res.returncode, res.stdout, test_user._launcher_notes(res.stderr),
		texts[0], texts[1])


def check_freed(mlog, nr_programs, where):
	"""Every program's exit freed its pages on the memory node."""
	exits = EXIT_RE.findall(mlog)
	check(len(exits) == nr_programs,
	      f"{where}: {len(exits)} memnode exit lines, want {nr_programs}")
	for procs, pages in exits:
		check(procs == "0" and pages == "0",
		      f"{where}: memory node still holds procs {procs} pages "
		      f"{pages} after an exit")


def same_as_native(mode, name, args=(), smp=None, append="", tag=""):
	prog = test_user.program(name)
	argv = [prog] + list(args)
	want = test_user.native(argv)
	code, out, err, plog, mlog = run(f"remote-{mode}-{name}{tag}", [argv],
					 mode, smp, append=append)
	where = f"{name} ({mode})"
	check("process memory: " in plog, f"{where}: not in remote mode")
	check(re.search(r"tessera: program exit run=0", plog),
	      f"{where}: no program exit marker")
	check(not re.search(clusterlib.OOPS_RE, plog + mlog),
	      f"{where}: kernel oops")
	check(out == want[1], f"{where}: stdout differs\n--- native\n"
	      f"{want[1]!r}\n--- tessera\n{out!r}")
	check(err == want[2], f"{where}: stderr differs: native {want[2]!r}, "
	      f"tessera {err!r}")
	check(code == want[0], f"{where}: exit status {code}, native {want[0]}")
	check_freed(mlog, 1, where)
	return plog, mlog


def pattern(mode):
	"""2x the pcache, 1 and 4 threads: evictions, write-backs, piggybacks."""
	prog = test_user.program("pcache_pattern")
	runs = [[prog, "seq", "2M", "1"], [prog, "random", "2M", "4"]]
	want = b"".join(test_user.native(r)[1] for r in runs)
	code, out, err, plog, mlog = run(f"remote-{mode}-pattern", runs, mode,
					 smp=2)
	where = f"pattern ({mode})"
	check(not re.search(clusterlib.OOPS_RE, plog + mlog),
	      f"{where}: kernel oops")
	check(code == 0, f"{where}: exit status {code}")
	check(re.search(r"program exit run=1 pid=\d+ status=0", plog),
	      f"{where}: the 4-thread run did not exit 0")
	check(out == want, f"{where}: output differs from native\n"
	      f"--- native\n{want!r}\n--- tessera\n{out!r}")
	stats = [dict(kv.split("=", 1) for kv in m.group(1).split())
		 for m in STATS_RE.finditer(plog)]
	check(len(stats) == 2, f"{where}: {len(stats)} stats lines, want 2")
	check(int(stats[0]["evictions"]) > 0 and
	      int(stats[0]["piggybacks"]) > 0,
	      f"{where}: no evictions or piggybacked write-backs: {stats[0]}")
	check(int(stats[-1]["flush_errors"]) == 0,
	      f"{where}: write-backs failed: {stats[-1]}")
	check_freed(mlog, 2, where)


def segv(mode):
	segv_prog, hello_prog = (test_user.program("segv"),
				 test_user.program("hello"))
	code, out, err, plog, mlog = run(f"remote-{mode}-segv", [[segv_prog],
					 [hello_prog, "after"]], mode)
	where = f"segv ({mode})"
	check(code == 139, f"{where}: exit status {code}, want 139")
	check(re.search(r"segfault: pid \d+ comm segv addr 1000 ip [0-9a-f]+",
			plog), f"{where}: no segfault line")
	check(out.startswith(b"about to fault\n") and
	      b"still alive" not in out, f"{where}: output {out!r}")
	check(re.search(r"program exit run=1 pid=\d+ status=3", plog),
	      f"{where}: the program after the segfault did not run")
	check_freed(mlog, 2, where)


def bad_short_reply(mode):
	"""A memory node whose first short miss reply names zero pages around
	that the miss did not ask for (memnode.debug_bad_short_reply=1): the
	processor refuses the reply (-EPROTO), kills that program with
	SIGSEGV and logs why once; it maps nothing of it, the next program
	runs as natively, the node lives on and the memory node frees both."""
	hello = test_user.program("hello")
	want = test_user.native([hello, "after"])
	code, out, err, plog, mlog = run(
		f"remote-{mode}-bad-short-reply", [[hello, "first"],
						   [hello, "after"]], mode,
		memory_append="memnode.debug_bad_short_reply=1")
	where = f"bad short reply ({mode})"
	check(code == 139, f"{where}: exit status {code}, want 139")
	check(re.search(r"remote: miss for pid \d+ on node \d+ failed: -71",
			plog), f"{where}: the refused reply was not logged")
	check(re.search(r"program exit run=0 pid=\d+ status=139", plog),
	      f"{where}: the first program was not killed")
	check(re.search(r"program exit run=1 pid=\d+ status=%d" % want[0],
			plog), f"{where}: the second program did not end "
	      f"with the native status {want[0]}")
	check(out == want[1], f"{where}: output differs from native\n"
	      f"--- native\n{want[1]!r}\n--- tessera\n{out!r}")
	check(not re.search(clusterlib.OOPS_RE, plog + mlog),
	      f"{where}: kernel oops")
	check_freed(mlog, 2, where)


def malformed(mode):
	"""The memory node refuses a bad ELF: 126 and its reason logged."""
	junk = os.path.join(clusterlib.runs_dir(), "remote-junk")
	with open(junk, "wb") as f:
		f.write(b"\x7fELF" + b"\x02\x01\x01" + b"\0" * 200)
	os.chmod(junk, 0o755)
	code, out, err, plog, mlog = run(f"remote-{mode}-malformed", [[junk]],
					 mode)
	check(code == 126, f"malformed ({mode}): exit status {code}, want 126")
	check(re.search(r"memnode: execve \S*/bin/0/remote-junk .*-8\)", mlog),
	      f"malformed ({mode}): the memory node logged no reason")
	check(not EXIT_RE.search(mlog),
	      f"malformed ({mode}): a process was left to exit")


def auto_nodes():
	"""processor.memory_node=auto and processor.storage_node=auto (given
	after the launcher's explicit ids, so they win) find memory1 and
	storage2 through FIT membership."""
	plog, _ = same_as_native("three", "hello", ["auto"], tag="-auto",
				 append="processor.memory_node=auto "
					"processor.storage_node=auto")
	check("process memory: memory node 1" in plog,
	      "auto: memory node 1 not chosen")
	check("files: storage node 2" in plog, "auto: storage node 2 not chosen")


def exhaust(mode):
	"""A program that outgrows its memory-node limit (memnode.proc_limit)
	is killed (SIGKILL: 137); the next program runs, and the memory node
	frees both."""
	mem_prog, hello_prog = (test_user.program("memory"),
				test_user.program("hello"))
	code, out, err, plog, mlog = run(f"remote-{mode}-exhaust",
					 [[mem_prog], [hello_prog, "after"]],
					 mode, memory_append="memnode.proc_limit=4M")
	where = f"exhaust ({mode})"
	check(not re.search(clusterlib.OOPS_RE, plog + mlog),
	      f"{where}: kernel oops")
	check(code == 137, f"{where}: exit status {code}, want 137 (SIGKILL)")
	check(re.search(r"fatal signal 9 .*pid \d+ comm memory", plog),
	      f"{where}: no kill report on the processor")
	check(re.search(r"program exit run=1 pid=\d+ status=3", plog),
	      f"{where}: the program after the kill did not run")
	check(b"argv[1]=after" in out, f"{where}: output {out!r}")
	check_freed(mlog, 2, where)


def lost_connection():
	"""Issue 20: processor0 fails its connection to memory1 every 1.5 s
	(fit.debug_reset_ms) while a 4-thread pattern misses and writes back
	through it; misses and write-backs in flight or sent meanwhile are
	repeated once the connection is rebuilt, so the output equals the
	native run's, every byte checked by the program."""
	prog = test_user.program("pcache_pattern")
	runs = [[prog, "random", "4M", "4"]]
	want = test_user.native(runs[0])[1]
	code, out, err, plog, mlog = run("remote-two-lost-connection", runs,
					 "two", smp=2,
					 append="fit.debug_reset_ms=1500")
	where = "lost connections (two)"
	check(not re.search(clusterlib.OOPS_RE, plog + mlog),
	      f"{where}: kernel oops")
	check(code == 0, f"{where}: exit status {code}")
	check(out == want, f"{where}: output differs from native\n"
	      f"--- native\n{want!r}\n--- tessera\n{out!r}")
	resets = len(re.findall(r"debug reset \(fit.debug_reset_ms\)", plog))
	check(resets >= 1, f"{where}: the connection was never reset")
	m = re.search(r"pid \d+: (\d+) calls repeated after a lost "
		      r"connection to node 1", plog)
	check(m and int(m.group(1)) >= 1,
	      f"{where}: no call was repeated after {resets} resets")
	check_freed(mlog, 1, where)


SCENARIOS = [
	("two_nodes_lost_connection", lost_connection),
	("loopback_hello",
	 lambda: same_as_native("loopback", "hello",
				["first arg", "", "x" * 300])),
	("loopback_threads_smp2",
	 lambda: same_as_native("loopback", "threads", smp=2)),
	("loopback_badargs", lambda: same_as_native("loopback", "badargs")),
	("loopback_pattern", lambda: pattern("loopback")),
	("loopback_segv", lambda: segv("loopback")),
	("loopback_malformed", lambda: malformed("loopback")),
	("two_nodes_hello",
	 lambda: same_as_native("two", "hello", ["first arg", "", "x" * 300])),
	("two_nodes_threads_smp2",
	 lambda: same_as_native("two", "threads", smp=2)),
	("two_nodes_pattern", lambda: pattern("two")),
	("two_nodes_segv", lambda: segv("two")),
	("two_nodes_bad_short_reply", lambda: bad_short_reply("two")),
	("three_nodes_hello",
	 lambda: same_as_native("three", "hello", ["first arg", "", "x" * 300])),
	("three_nodes_threads_smp2",
	 lambda: same_as_native("three", "threads", smp=2)),
	("three_nodes_badargs", lambda: same_as_native("three", "badargs")),
	("three_nodes_memory", lambda: same_as_native("three", "memory")),
	("three_nodes_pattern", lambda: pattern("three")),
	("three_nodes_segv", lambda: segv("three")),
	("three_nodes_malformed", lambda: malformed("three")),
	("three_nodes_exhaust", lambda: exhaust("three")),
	("three_nodes_auto", auto_nodes),
]
