# SPDX-License-Identifier: GPL-2.0
"""Pure-Python work for tests/cluster/test_python.py: the standard
library modules the issue names, a generator-heavy loop and file reads.
Everything printed is deterministic, so a native run in a chroot of the
same root must print exactly the same."""

import hashlib
import json
import math
import os
import re
import struct
import sys


def primes():
	"""An endless prime generator (trial division by earlier primes)."""
	found = []
	n = 2
	while True:
		if all(n % p for p in found if p * p <= n):
			found.append(n)
			yield n
		n += 1


def take(gen, k):
	return [next(gen) for _ in range(k)]


doc = {"name": "tessera", "nodes": [0, 1, 2], "ratio": 1.5,
       "nested": {"ok": True, "none": None, "text": "\u00e9t\u00e9"}}
text = json.dumps(doc, sort_keys=True)
print("json", text)
print("json roundtrip", json.loads(text) == doc)

words = re.findall(r"[A-Za-z]+|\d+", "pcache 4096 lines, 8 ways; FIT v1 at 127.0.0.1")
print("re", words)
print("re sub", re.sub(r"(\d+)", lambda m: str(int(m.group(1)) * 2), "a1 b22 c333"))

print("math", math.sqrt(2), math.log(10), math.factorial(25), math.gcd(2**40, 6**20))
print("math float", repr(math.fsum([0.1] * 10)), math.isclose(math.sin(math.pi), 0, abs_tol=1e-12))

h = hashlib.sha256()
for i in range(2000):
	h.update(struct.pack("<Id", i, i / 7))
print("sha256", h.hexdigest())
print("md5", hashlib.md5(b"disaggregated").hexdigest())
print("struct", struct.pack(">hIq", -2, 3000000000, -(2**60)).hex())
print("struct unpack", struct.unpack("<3f", struct.pack("<3f", 1.5, -2.25, 1e10)))

ps = take(primes(), 500)
print("primes", ps[-5:], sum(ps))
squares = sum(x * x for x in range(200000) if x % 3)
print("generator sum", squares)
pairs = {k: v for k, v in zip(range(1000), (i * i % 97 for i in range(1000)))}
print("dict", len(pairs), sum(pairs.values()))

# Files this script did not write: the root's own.
with open("/etc/debian_version") as f:
	print("debian_version", f.read().strip()[:2])
with open(sys.executable, "rb") as f:
	head = f.read(4)
print("executable magic", head)
print("listdir", sorted(os.listdir("/usr/lib/python3.11/json")))
print("stat", os.stat("/usr/lib/python3.11/json/__init__.py").st_size > 0)

# Scratch files in /tmp (a tmpfs on Tessera, the root's /tmp natively).
work = "/tmp/tessera-basics"
os.makedirs(work, exist_ok=True)
blob = hashlib.sha256(b"seed").digest() * 4096	# 128 KiB
with open(os.path.join(work, "blob.bin"), "wb") as f:
	f.write(blob)
with open(os.path.join(work, "notes.json"), "w") as f:
	json.dump({"primes": ps[:10]}, f)
os.rename(os.path.join(work, "notes.json"), os.path.join(work, "n.json"))
with open(os.path.join(work, "blob.bin"), "rb") as f:
	f.seek(4096 * 7 + 5)
	part = f.read(100)
print("tmp read back", part == blob[4096 * 7 + 5:4096 * 7 + 105],
      os.path.getsize(os.path.join(work, "blob.bin")))
with open(os.path.join(work, "n.json")) as f:
	print("tmp json", json.load(f))
print("tmp listdir", sorted(os.listdir(work)))
for name in os.listdir(work):
	os.unlink(os.path.join(work, name))
os.rmdir(work)
print("tmp cleaned", not os.path.exists(work))
print("version", sys.version_info[:2])
