# SPDX-License-Identifier: GPL-2.0
"""Test data patterns, the same bytes as include/tessera/pattern.h.

The byte at offset @off of stream @seed is byte (off % 8) (little-endian)
of a 64-bit hash of (seed, off // 8): no period a misplaced segment could
hide behind, unrelated streams for different seeds.  Every scenario that
writes bytes a kernel checks, or checks bytes a kernel wrote, uses this
module (never its own formula).  tests/host/test_pattern.c compares
`python3 tests/cluster/pattern.py --dump` with the C header.
"""

import struct

_M = (1 << 64) - 1
_GOLDEN = 0x9e3779b97f4a7c15


def _mix(x):
	x ^= x >> 30
	x = (x * 0xbf58476d1ce4e5b9) & _M
	x ^= x >> 27
	x = (x * 0x94d049bb133111eb) & _M
	x ^= x >> 31
	return x


def pattern_word(seed, word):
	"""The eight bytes at offsets 8 * @word.., as a little-endian u64."""
	return _mix(_mix((seed + _GOLDEN) & _M) ^ word)


def pattern_bytes(seed, n, off=0):
	"""@n bytes of stream @seed starting at offset @off."""
	if n <= 0:
		return b""
	first, last = off >> 3, (off + n + 7) >> 3
	s = _mix((seed + _GOLDEN) & _M)
	mix = _mix
	words = [mix(s ^ w) for w in range(first, last)]
	data = struct.pack(f"<{len(words)}Q", *words)
	start = off & 7
	return data[start:start + n]


def pattern_check(data, seed, off=0):
	"""Index of the first byte of @data that differs from the stream
	(@seed at @off), or None if all of them match."""
	want = pattern_bytes(seed, len(data), off)
	if data == want:
		return None
	for i, (a, b) in enumerate(zip(data, want)):
		if a != b:
			return i
	return min(len(data), len(want))


# Cases tests/host/test_pattern.c compares with the C header's bytes.
DUMP_CASES = [(0, 0, 16), (1, 0, 16), (1, 3, 29), (0x5eed01, 65531, 11),
	      (0xffff, 1 << 20, 9), (2**64 - 1, 2**40 + 5, 13),
	      (123456789, 7, 1)]


if __name__ == "__main__":
	import sys
	if sys.argv[1:] == ["--dump"]:
		for seed, off, n in DUMP_CASES:
			print(seed, off, n, pattern_bytes(seed, n, off).hex())
		sys.exit(0)
	a = pattern_bytes(7, 100, 3)
	assert a == pattern_bytes(7, 103)[3:], "offset slicing"
	assert pattern_check(a, 7, 3) is None
	assert pattern_check(a, 8, 3) == 0 or pattern_check(a, 8, 3) < 8
	print("pattern.py: ok")
