# SPDX-License-Identifier: GPL-2.0
"""Pseudo files (/dev, /proc, /sys: managers/processor/pseudofs.c) as a
program sees them, compared with the same program run natively.

tests/user/pseudo.c prints one verdict per check and never a raw value,
so its native and Tessera runs must agree byte for byte (stdout, stderr,
exit status 0 with "0 failures").  Each check weighs a file against what
the program knows otherwise: getpid(), argv, getauxval(), the addresses
of its own variables and code in /proc/self/maps, sysconf() against
/proc/cpuinfo and /sys/devices/system/cpu/online, uname() against
/proc/sys/kernel/osrelease, plus the devices' semantics (zeros, ENOSPC,
random bytes, major:minor) and ENOENT for unknown names.

  three_nodes         processor0, memory1, storage2; 2 CPUs: maps come
                      from the memory node (P2M_MAPS); /proc/self/exe
                      opens the program on the storage node
  loopback            one VM, its own memory service over FIT loopback
                      (the same P2M path)
  local_no_maps       local mode (`tessera run --local`), which serves no
                      maps yet: pseudo --no-maps, everything else checked
"""

import test_remote
import test_user

ARGS = ["first arg", "", "x" * 300]


def three_nodes():
	test_remote.same_as_native("three", "pseudo", ["--open-exe"] + ARGS,
				   smp=2)


def loopback():
	test_remote.same_as_native("loopback", "pseudo", ARGS)


def local_no_maps():
	test_user.same_as_native("pseudo", ["--no-maps"] + ARGS)


SCENARIOS = [
	("three_nodes", three_nodes),
	("loopback", loopback),
	("local_no_maps", local_no_maps),
]
