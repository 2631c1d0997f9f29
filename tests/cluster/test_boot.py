# SPDX-License-Identifier: GPL-2.0
"""Boot scenarios: every role reaches its ready marker through GRUB
(multiboot2 from an ISO) and through qemu -kernel (PVH), and the memory
map is read right at both ends of the supported RAM range."""

import re

from clusterlib import boot, check

NODES = (("processor", 0), ("memory", 1), ("storage", 2))
MiB = 1 << 20
GiB = 1 << 30


def expect_ready(b, role, node):
	b.expect(b.code == 0, "launcher did not report ready")
	b.expect(b.ready() == (role, node),
		 f"ready marker names {b.ready()}, wanted ({role!r}, {node})")


def _iso_boot(role, node):
	def scenario():
		b = boot(f"iso-{role}{node}", role=role, node=node, iso=True,
			 until_ready=True)
		expect_ready(b, role, node)
		b.expect(b.has(f"Tessera {role} node {node}"),
			 "GRUB did not announce the expected menu entry")
	return scenario


def _kernel_boot(role, node):
	def scenario():
		b = boot(f"kernel-{role}{node}", role=role, node=node,
			 until_ready=True)
		expect_ready(b, role, node)
		b.expect(b.grep(r"^Tessera "),
			 "no banner line starting with 'Tessera '")
		b.expect(b.grep(r"Memory:"), "no 'Memory:' summary line")
	return scenario


def expect_memory_line(b, mem, at_least, label):
	"""@b's Memory: line is sane for a VM of @mem (QEMU -m syntax): at
	least @at_least bytes (@label) available, available <= managed <=
	the VM's RAM, available + reserved = managed.  test_uefi.py uses it
	too."""
	lines = b.grep(r"Memory:")
	b.expect(lines, "no 'Memory:' summary line")
	m = MEMORY_RE.search(lines[0])
	b.expect(m, f"the Memory: line is not 'Memory: AK/BK "
		 f"available (CK reserved ...)': {lines[0]!r}")
	avail, total, reserved = (int(x) * 1024 for x in m.groups())
	# What the allocator can hand out, not the RAM it was given.
	check(avail >= at_least,
	      f"--mem {mem}: {avail // MiB} MiB available, expected "
	      f"at least {label}: {lines[0]!r}")
	check(avail <= total <= size_of(mem),
	      f"--mem {mem}: available {avail // MiB} MiB, managed "
	      f"{total // MiB} MiB, VM {mem}: not in order: "
	      f"{lines[0]!r}")
	check(avail + reserved == total,
	      f"--mem {mem}: available + reserved != managed: "
	      f"{lines[0]!r}")


def _mem_boot(mem, at_least, label):
	def scenario():
		b = boot(f"mem-{mem}", role="memory", node=1, mem=mem,
			 until_ready=True)
		expect_ready(b, "memory", 1)
		expect_memory_line(b, mem, at_least, label)
	return scenario


MEMORY_RE = re.compile(r"Memory: (\d+)K/(\d+)K available \((\d+)K reserved")


def size_of(mem):
	units = {"M": MiB, "G": GiB}
	return int(mem[:-1]) * units[mem[-1]]


SCENARIOS = (
	[(f"boot_iso_{r}{n}", _iso_boot(r, n)) for r, n in NODES] +
	[(f"boot_kernel_{r}{n}", _kernel_boot(r, n)) for r, n in NODES] +
	[("boot_mem_128M", _mem_boot("128M", 100 * MiB, "100 MiB")),
	 ("boot_mem_8G", _mem_boot("8G", 7 * GiB, "7 GiB"))]
)
