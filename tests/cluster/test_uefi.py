# SPDX-License-Identifier: GPL-2.0
"""UEFI boot: the GRUB ISO (scripts/mkiso puts x86_64-efi GRUB beside the
BIOS one) under OVMF, `tessera boot --uefi` (Documentation/booting.md).

  uefi_{processor0,memory1,storage2}
                  each role boots through OVMF and GRUB's x86_64-efi
                  multiboot2 loader to its ready marker: GRUB announced
                  the role's menu entry, the kernel says it was booted by
                  GRUB via multiboot2 on UEFI firmware (the EFI system
                  table tag), and the Memory: line is sane (available +
                  reserved = managed <= the VM's RAM, and most of the RAM
                  is available), as test_boot.py checks for BIOS
  uefi_mem_4G     the memory role with 4 GiB: OVMF puts RAM above the
                  32-bit PCI hole and its own tables near 3 GiB; the same
                  checks (at least 3 GiB available)
  uefi_ktest_all  ktest=all on a UEFI-booted memory node: no case fails, and
                  as many pass and skip as on the same node booted by
                  `-kernel` (PVH), so no case depends on the firmware
  uefi_missing_firmware
                  with OVMF or GRUB's x86_64-efi missing (TESSERA_OVMF_DIR
                  / TESSERA_GRUB_LIB pointing at an empty directory), and
                  with --uefi --kernel, the launcher refuses with status
                  125 naming the Debian package (or the option) and starts
                  no QEMU (tests/cluster/fake-qemu records its pid)
"""

import os
import re
import subprocess
import tempfile

from clusterlib import ROOT, TESSERA, boot, check
from test_boot import expect_memory_line, expect_ready, size_of

FAKE_QEMU = os.path.join(ROOT, "tests", "cluster", "fake-qemu")
# RAM per role: the launcher's default (256M), the memory node the 1G that
# `tessera run` gives it.
NODES = (("processor", 0, "256M"), ("memory", 1, "1G"), ("storage", 2, "256M"))
# OVMF under TCG takes a while before GRUB even starts.
TIMEOUT = 240


def _uefi_boot(role, node, mem, name=None):
	def scenario():
		b = boot(name or f"uefi-{role}{node}", role=role, node=node,
			 uefi=True, mem=mem, until_ready=True, timeout=TIMEOUT)
		expect_ready(b, role, node)
		b.expect(b.has(f"Tessera {role} node {node}"),
			 "GRUB did not announce the expected menu entry")
		b.expect(b.grep(r"booted by GRUB .* via multiboot2$"),
			 "the kernel was not booted by GRUB via multiboot2")
		b.expect(b.grep(r"^bootinfo: UEFI firmware, system table at "
				r"0x[0-9a-f]+$"),
			 "no EFI system table tag: not a UEFI boot")
		# OVMF keeps some RAM (runtime services, ACPI NVS): most of
		# the VM's RAM is still ours.
		expect_memory_line(b, mem, size_of(mem) * 3 // 4,
				   "3/4 of the VM")
	return scenario


KTEST_RE = re.compile(r"# ktest: (\d+) passed, (\d+) failed, (\d+) skipped")


def _ktest_counts(b):
	m = [KTEST_RE.search(l) for l in b.lines]
	m = [x for x in m if x]
	b.expect(m, "no ktest summary line")
	return tuple(int(x) for x in m[-1].groups())


def scenario_ktest_all():
	uefi = boot("uefi-ktest", role="memory", node=1, uefi=True, mem="1G",
		    args=["ktest=all"], timeout=TIMEOUT)
	pvh = boot("pvh-ktest", role="memory", node=1, mem="1G",
		   args=["ktest=all"], timeout=TIMEOUT)
	uefi.expect(uefi.grep(r"^bootinfo: UEFI firmware"), "not a UEFI boot")
	for b in (uefi, pvh):
		b.expect(b.code == 0, "ktest=all did not end with status ok")
	got, want = _ktest_counts(uefi), _ktest_counts(pvh)
	uefi.expect(got[1] == 0, f"ktest failures on UEFI: {got}")
	uefi.expect(got == want, f"UEFI passed/failed/skipped {got}, the "
		    f"-kernel boot {want}")


def _refused(tmp, name, args, env_extra, want):
	pidfile = os.path.join(tmp, f"{name}.pids")
	run_dir = os.path.join(tmp, name)
	env = dict(os.environ, TESSERA_QEMU=FAKE_QEMU,
		   FAKE_QEMU_PIDFILE=pidfile, **env_extra)
	argv = [TESSERA, "boot", "--run-dir", run_dir, "--kernel-image",
		FAKE_QEMU] + args
	res = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL,
			     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
			     text=True, timeout=60)
	what = f"tessera boot {' '.join(args)} {env_extra}"
	check(res.returncode == 125,
	      f"{what}: status {res.returncode}, want 125\n{res.stderr}")
	check(want in res.stderr,
	      f"{what}: the message does not name {want}:\n{res.stderr}")
	check(not os.path.exists(pidfile), f"{what}: QEMU was started")
	check(not os.path.exists(os.path.join(run_dir, "tessera.iso")),
	      f"{what}: an ISO was built")


def scenario_missing_firmware():
	with tempfile.TemporaryDirectory(prefix="tessera-uefi-") as tmp:
		empty = os.path.join(tmp, "empty")
		os.makedirs(empty)
		_refused(tmp, "no-ovmf", ["--uefi"],
			 {"TESSERA_OVMF_DIR": empty}, "package ovmf")
		_refused(tmp, "no-grub-efi", ["--role", "memory", "--uefi"],
			 {"TESSERA_GRUB_LIB": empty},
			 "package grub-efi-amd64-bin")
		_refused(tmp, "uefi-kernel", ["--kernel", "--uefi"], {},
			 "--uefi")


SCENARIOS = (
	[(f"uefi_{r}{n}", _uefi_boot(r, n, mem)) for r, n, mem in NODES] +
	[("uefi_mem_4G", _uefi_boot("memory", 1, "4G", "uefi-mem-4G"))] +
	[("uefi_ktest_all", scenario_ktest_all),
	 ("uefi_missing_firmware", scenario_missing_firmware)]
)
