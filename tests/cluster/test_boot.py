# SPDX-License-Identifier: GPL-2.0
"""Boot scenarios: every role reaches its ready marker through GRUB
(multiboot2 from an ISO) and through qemu -kernel (PVH), and the memory
map is read right at both ends of the supported RAM range."""

from clusterlib import boot, check, largest_size

NODES = (("processor", 0), ("memory", 1), ("storage", 2))
MiB = 1 << 20
GiB = 1 << 30


def _expect_ready(b, role, node):
	b.expect(b.code == 0, "launcher did not report ready")
	b.expect(b.ready() == (role, node),
		 f"ready marker names {b.ready()}, wanted ({role!r}, {node})")


def _iso_boot(role, node):
	def scenario():
		b = boot(f"iso-{role}{node}", role=role, node=node, iso=True,
			 until_ready=True)
		_expect_ready(b, role, node)
		b.expect(b.has(f"Tessera {role} node {node}"),
			 "GRUB did not announce the expected menu entry")
	return scenario


def _kernel_boot(role, node):
	def scenario():
		b = boot(f"kernel-{role}{node}", role=role, node=node,
			 until_ready=True)
		_expect_ready(b, role, node)
		b.expect(b.grep(r"^Tessera "),
			 "no banner line starting with 'Tessera '")
		b.expect(b.grep(r"Memory:"), "no 'Memory:' summary line")
	return scenario


def _mem_boot(mem, at_least, label):
	def scenario():
		b = boot(f"mem-{mem}", role="memory", node=1, mem=mem,
			 until_ready=True)
		_expect_ready(b, "memory", 1)
		lines = b.grep(r"Memory:")
		b.expect(lines, "no 'Memory:' summary line")
		total = largest_size(lines[0])
		b.expect(total is not None,
			 f"no size in the Memory: line: {lines[0]!r}")
		check(total >= at_least,
		      f"--mem {mem}: Memory: line says {total // MiB} MiB, "
		      f"expected at least {label}: {lines[0]!r}")
		check(total <= size_of(mem),
		      f"--mem {mem}: Memory: line says {total // MiB} MiB, "
		      f"more than the VM has: {lines[0]!r}")
	return scenario


def size_of(mem):
	units = {"M": MiB, "G": GiB}
	return int(mem[:-1]) * units[mem[-1]]


SCENARIOS = (
	[(f"boot_iso_{r}{n}", _iso_boot(r, n)) for r, n in NODES] +
	[(f"boot_kernel_{r}{n}", _kernel_boot(r, n)) for r, n in NODES] +
	[("boot_mem_128M", _mem_boot("128M", 100 * MiB, "100 MiB")),
	 ("boot_mem_8G", _mem_boot("8G", 7 * GiB, "7 GiB"))]
)
