# SPDX-License-Identifier: GPL-2.0
"""SMP bring-up scenarios that need a particular machine: more CPUs than
CONFIG_NR_CPUS, an application processor that never answers (fault
injection with smp.dead_apic=), and 4 CPUs booted through GRUB."""

import re

from clusterlib import boot

NR_CPUS = 8	# configs/defconfig: CONFIG_NR_CPUS default


def _brought_up(b):
	lines = b.grep(r"smp: Brought up (\d+) CPUs")
	b.expect(lines, "no 'smp: Brought up N CPUs' line")
	return int(re.search(r"Brought up (\d+) CPUs", lines[0]).group(1))


def too_many_cpus():
	b = boot("smp-10cpus", role="memory", node=1, smp=10, until_ready=True,
		 timeout=60)
	b.expect(b.code == 0, "boot with -smp 10 did not reach ready")
	b.expect(b.grep(r"MADT lists 10 CPUs, only CONFIG_NR_CPUS=%d" % NR_CPUS),
		 "no message about CPUs beyond CONFIG_NR_CPUS")
	n = _brought_up(b)
	b.expect(n == NR_CPUS, f"brought up {n} CPUs, wanted {NR_CPUS}")


def dead_ap_is_skipped():
	b = boot("smp-dead-ap", role="memory", node=1, smp=4, until_ready=True,
		 args=["smp.dead_apic=2"], timeout=60)
	b.expect(b.code == 0, "boot with a dead AP did not reach ready")
	b.expect(b.grep(r"APIC id 2\) did not start"),
		 "the AP that never answered was not reported")
	n = _brought_up(b)
	b.expect(n == 3, f"brought up {n} CPUs, wanted 3 of 4")
	b.expect(b.grep(r"CPU \d+ \(APIC id 3\) online"),
		 "the CPU after the dead one was not brought up")


def iso_four_cpus():
	b = boot("smp-iso-4", role="processor", node=0, smp=4, iso=True,
		 until_ready=True, timeout=60)
	b.expect(b.code == 0, "GRUB boot with -smp 4 did not reach ready")
	n = _brought_up(b)
	b.expect(n == 4, f"brought up {n} CPUs through GRUB, wanted 4")


SCENARIOS = [
	("smp_too_many_cpus", too_many_cpus),
	("smp_dead_ap_is_skipped", dead_ap_is_skipped),
	("smp_iso_four_cpus", iso_four_cpus),
]
