# SPDX-License-Identifier: GPL-2.0
"""Crash scenarios: each crash= mode of arch/x86/kernel/crash_test.c must
produce a complete Linux-style oops (cause, IP in the crashing function,
a symbolised call trace, Code: bytes, end of trace) and end with
status=panic; a WARN must be survived; a fault while handling a fault must
stop the machine without a reboot; decode-oops must map the oops back to
the source file."""

import os
import re
import subprocess

from clusterlib import (boot, check, kernel_image, DECODE_OOPS,
			EXIT_OK, EXIT_PANIC, EXIT_TIMEOUT)

CRASH_SOURCE = "arch/x86/kernel/crash_test.c"
CRASH_ROLE, CRASH_NODE = "memory", 1
# crash=stackoverflow faults in a recursive helper whose name (possibly with a
# compiler suffix such as .isra.0) contains one of these.
STACK_FUNC_WORDS = ("stack", "recurse")
WARN_SURVIVED = "crash_test: survived WARN"

# mode: (cause line regex, IP symbol check, description of the symbol)
CRASHES = {
	"nullptr": (r"BUG: unable to handle kernel NULL pointer dereference",
		    lambda s: s == "crash_nullptr", "crash_nullptr"),
	"gpf": (r"general protection fault",
		lambda s: s == "crash_gpf", "crash_gpf"),
	"divzero": (r"divide error",
		    lambda s: s == "crash_divzero", "crash_divzero"),
	"stackoverflow": (r"stack guard page was hit|kernel stack overflow",
			  lambda s: any(w in s for w in STACK_FUNC_WORDS),
			  "the recursion function"),
	"bug": (r"kernel BUG at",
		lambda s: s == "crash_bug", "crash_bug"),
	"wrprotect": (r"unable to handle kernel paging request",
		      lambda s: s == "crash_wrprotect", "crash_wrprotect"),
}

# "RIP: 0010:crash_gpf+0x12/0x40", "IP: [<ffffffff81001234>] crash_gpf+..."
IP_RE = re.compile(r"\bR?IP:\s*(?:[0-9a-fA-F]{4}:)?\s*(?:\[<[0-9a-f]+>\]\s*)?"
		   r"([A-Za-z_][\w.]*)\+0x[0-9a-f]+/0x[0-9a-f]+")
FRAME_RE = re.compile(r"\w+\+0x[0-9a-f]+/0x[0-9a-f]+")


def crash_boot(mode, until=None):
	return boot(f"crash-{mode}", role=CRASH_ROLE, node=CRASH_NODE,
		    args=[f"crash={mode}"], until=until)


def _check_oops(b, mode):
	cause_re, sym_ok, sym_desc = CRASHES[mode]
	b.expect(b.code == EXIT_PANIC, "launcher did not report a panic")
	lines = b.lines
	start = next((i for i, l in enumerate(lines)
		      if re.search(cause_re, l)), None)
	b.expect(start is not None, f"no cause line matching /{cause_re}/")
	oops = lines[start:]

	ips = [IP_RE.search(l) for l in oops]
	ips = [m.group(1) for m in ips if m]
	b.expect(ips, "no 'IP:' line with symbol+off/size after the cause")
	b.expect(sym_ok(ips[0]),
		 f"IP is in {ips[0]}, expected {sym_desc}")

	trace = next((i for i, l in enumerate(oops) if "Call Trace:" in l),
		     None)
	b.expect(trace is not None, "no 'Call Trace:' line")
	frames = []
	for l in oops[trace + 1:]:
		if l.startswith("Code:") or "---[ end trace" in l:
			break
		if FRAME_RE.search(l):
			frames.append(l)
	b.expect(len(frames) >= 2,
		 f"call trace has {len(frames)} symbolised frames, want >= 2")
	b.expect(any(l.startswith("Code:") for l in oops), "no 'Code:' line")
	b.expect(any("---[ end trace" in l for l in oops),
		 "no '---[ end trace' line")
	b.expect(b.end_status() == "panic",
		 f"end marker status={b.end_status()}, wanted panic")


def _crash(mode):
	def scenario():
		_check_oops(crash_boot(mode), mode)
	return scenario


def crash_warn():
	# After surviving, the kernel idles like any booted node; the
	# launcher stops at the survival line (exit 0 unless an oops came).
	b = crash_boot("warn", until=WARN_SURVIVED)
	b.expect(b.code == EXIT_OK, "a WARN must not stop the kernel")
	b.expect(b.grep(r"WARNING:"), "no 'WARNING:' line")
	b.expect(b.grep(WARN_SURVIVED), f"no '{WARN_SURVIVED}' line")
	b.expect(b.end_status() in (None, "ok"),
		 f"end marker status={b.end_status()} after a WARN")


def crash_nested():
	b = crash_boot("nested")
	b.expect(b.code in (EXIT_PANIC, EXIT_TIMEOUT),
		 "expected a panic (2) or a halted machine (124)")
	b.expect(b.grep(r"Recursive oops"), "no 'Recursive oops' line")
	b.expect(b.end_status() in (None, "panic"),
		 f"end marker status={b.end_status()}")
	b.expect(b.grep(r"^Tessera "), "no banner line")
	b.expect(b.reboots() == 0, "the banner repeats: the machine rebooted")
	if b.end_status() is None:
		# QEMU must still have been running (halted CPU) when the
		# launcher stopped it: with -no-reboot a triple fault makes
		# QEMU exit by itself, which the launcher reports otherwise.
		b.expect("halted without an end marker" in b.stderr or
			 "timeout" in b.stderr,
			 "QEMU exited by itself (triple fault?)")


def decode_oops():
	if not os.access(DECODE_OOPS, os.X_OK):
		check(False, "scripts/decode-oops is missing")
	b = crash_boot("nullptr")
	b.expect(b.grep(CRASHES["nullptr"][0]), "no nullptr oops to decode")
	res = subprocess.run([DECODE_OOPS, "--vmlinux", kernel_image(),
			      os.path.join(b.run_dir, "serial.log")],
			     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
			     text=True, timeout=120)
	check(res.returncode == 0,
	      f"decode-oops exited {res.returncode}:\n{res.stdout}")
	check(CRASH_SOURCE in res.stdout,
	      f"decode-oops output does not mention {CRASH_SOURCE}:\n"
	      f"{res.stdout}")


SCENARIOS = (
	[(f"crash_{mode}", _crash(mode)) for mode in CRASHES] +
	[("crash_warn", crash_warn),
	 ("crash_nested", crash_nested),
	 ("crash_decode_oops", decode_oops)]
)
