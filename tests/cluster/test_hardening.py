# SPDX-License-Identifier: GPL-2.0
"""Kernel hardening (issue 16, part 5), checked on whole boots:

  panic_stops_cpus       crash=bug with 2 CPUs: after the oops and the
                         backtraces the panic stops the other CPU by NMI
                         ("smp: CPU 1 stopped") before the end marker, so
                         nothing of the node (heartbeats, I/O) runs on.
  nmi_storm_ring3        debug.nmi_storm_ms=1 NMIs the other CPU every
                         millisecond while a 4-thread pattern runs in ring
                         3, and each NMI that lands in ring 3 asks for a
                         reschedule: the return from the NMI's IST stack
                         must not act on it (before the fix: schedule() on
                         the IST stack, caught as "on a foreign stack").
                         The program's output must equal the native run's,
                         and NMIs must have landed in ring 3.
  smep_smap_on           every boot of a processor says SMEP and SMAP are
                         on (QEMU -cpu max has both); cpu.smap=0 turns
                         SMAP off and says so.
  panic_leaves_cluster   processor0 and memory1 (2 CPUs) form a keyed
                         cluster; memory1 panics once it is ready (debug
                         key c, debug.crash_key=1, typed by the launcher's
                         --type-on-ready): it says it told the cluster it
                         leaves, and processor0 logs that node 1 left
                         (its kernel panicked) and drops the connection,
                         without waiting for the 3 s of silence (no
                         "silent for" line before it stops).

The KTAP suite smap (arch/x86/mm/tests/smap_test.c) checks the fault
itself in the ktest boots."""

import re

import clusterlib
from clusterlib import boot, check
import test_pcache
import test_user


def panic_stops_cpus():
	b = boot("hardening-panic-smp2", role="memory", node=1, smp=2,
		 args=["crash=bug"], timeout=60)
	b.expect(b.code == clusterlib.EXIT_PANIC,
		 f"crash=bug ended with status {b.code}, not panic")
	stop = [i for i, l in enumerate(b.lines) if "smp: CPU 1 stopped" in l]
	end = [i for i, l in enumerate(b.lines)
	       if "tessera: end status=panic" in l]
	b.expect(stop, "the panic did not stop CPU 1")
	b.expect(end and stop and stop[0] < end[0],
		 "CPU 1 was not stopped before the end marker")
	b.expect(not b.grep(r"did not stop"), "a CPU did not stop")


def nmi_storm_ring3():
	prog = test_user.program("pcache_pattern")
	runs = [[prog, "random", "32M", "4"], [prog, "seq", "32M", "4"]]
	want = b"".join(test_user.native(r)[1] for r in runs)
	code, out, err, log = test_pcache.run("hardening-nmi-storm", runs,
					      "debug.nmi_storm_ms=1", smp=2)
	where = "NMI storm"
	check(not re.search(r"foreign stack", log),
	      f"{where}: schedule() ran on an NMI stack")
	check(not re.search(clusterlib.OOPS_RE, log), f"{where}: kernel oops")
	check(code == 0, f"{where}: launcher status {code}")
	check(out == want, f"{where}: output differs from native")
	ring3 = [int(m.group(1)) for m in re.finditer(
		r"nmi storm: \d+ sent, (\d+) landed in ring 3", log)]
	check(ring3, f"{where}: no storm report (fewer than 10 NMIs sent?)")
	check(ring3 and ring3[-1] > 0, f"{where}: no NMI landed in ring 3")


def smep_smap_on():
	b = boot("hardening-smap", role="processor", node=0, until_ready=True,
		 timeout=60)
	b.expect(b.grep(r"cpu: SMEP on, SMAP on"),
		 "SMEP and SMAP are not both on")
	b = boot("hardening-nosmap", role="processor", node=0,
		 until_ready=True, args=["cpu.smap=0"], timeout=60)
	b.expect(b.grep(r"cpu: SMEP on, SMAP off \(cpu.smap=0\)"),
		 "cpu.smap=0 did not turn SMAP off with a message")


def panic_leaves_cluster():
	fabric = clusterlib.free_fabric()
	key = "fit.key=" + "5a" * 16
	with clusterlib.group(2, 120) as g:
		p = g.start("hardening-leave-p0",
			    ["--role", "processor", "--node", "0", "--kernel",
			     "--net", fabric, "--", "fit.expect=1P1M", key])
		m = g.start("hardening-leave-m1",
			    ["--role", "memory", "--node", "1", "--kernel",
			     "--smp", "2", "--net", fabric, "--type-on-ready", "c",
			     "--", "fit.expect=1P1M", key, "debug.crash_key=1"])
		check(p.wait_for(r"node 1 left the cluster", 90),
		      "processor0 never saw memory1 leave")
		mb = m.finish()
		pb = p.kill()
	mb.expect(mb.code == clusterlib.EXIT_PANIC,
		  f"memory1 ended with status {mb.code}, not panic")
	mb.expect(mb.grep(r"Kernel panic - not syncing: debug key c"),
		  "memory1 did not panic from the key")
	mb.expect(mb.grep(r"fit: told the cluster that node 1 leaves"),
		  "memory1 did not say it told the cluster")
	pb.expect(pb.grep(r"fit: node 1 left the cluster \(its kernel "
			  r"panicked\)"), "no 'left the cluster' line")
	pb.expect(pb.grep(r"fit: node 1 down: left the cluster"),
		  "the connection to memory1 was not dropped for it")
	pb.expect(not pb.grep(r"node 1 silent for"),
		  "processor0 waited for memory1's silence")
	pb.expect(not re.search(clusterlib.OOPS_RE, pb.log), "processor0 oops")


SCENARIOS = [
	("panic_stops_cpus", panic_stops_cpus),
	("panic_leaves_cluster", panic_leaves_cluster),
	("nmi_storm_ring3", nmi_storm_ring3),
	("smep_smap_on", smep_smap_on),
]
