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


SCENARIOS = [
	("panic_stops_cpus", panic_stops_cpus),
	("nmi_storm_ring3", nmi_storm_ring3),
	("smep_smap_on", smep_smap_on),
]
