# SPDX-License-Identifier: GPL-2.0
"""Command-line scenarios: a wrong or missing role= stops the node cleanly
with a message a user can act on; a malformed tunable is reported by name
and the node still boots with its default."""

import re

from clusterlib import boot, EXIT_PANIC, EXIT_TIMEOUT


def _stopped_cleanly(b):
	b.expect(b.code not in (EXIT_PANIC, EXIT_TIMEOUT),
		 "node did not stop cleanly")
	b.expect(b.end_status() in ("ok", "fail"),
		 f"end marker status={b.end_status()}, wanted ok or fail")
	b.expect(not b.grep(r"BUG: |general protection fault|Kernel panic"),
		 "oops/panic in the log")
	b.expect(b.ready() is None, "node claimed to be ready")


def _messages(b, regex):
	"""Matching lines other than the kernel's echo of its command line."""
	return [l for l in b.grep(regex)
		if not re.match(r"(Kernel )?[Cc]ommand line:", l)]


def bad_role():
	b = boot("cmdline-bad-role", cmdline="role=bogus node=1")
	_stopped_cleanly(b)
	b.expect(_messages(b, r"role=bogus"),
		 "no message naming role=bogus")
	b.expect(_messages(b, r"processor, memory, storage"),
		 "no message listing 'processor, memory, storage'")


def missing_role():
	b = boot("cmdline-no-role", cmdline="node=1")
	_stopped_cleanly(b)
	b.expect(_messages(b, r"role="), "no message mentioning role=")


def bad_pcache():
	b = boot("cmdline-bad-pcache", cmdline="node=1 role=memory pcache=12Q",
		 until_ready=True)
	b.expect(b.code == 0 and b.ready() == ("memory", 1),
		 "node did not reach ready with a bad pcache= value")
	b.expect(_messages(b, r"pcache"), "no message naming pcache")


SCENARIOS = [
	("cmdline_bad_role", bad_role),
	("cmdline_missing_role", missing_role),
	("cmdline_bad_pcache", bad_pcache),
]
