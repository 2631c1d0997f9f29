# SPDX-License-Identifier: GPL-2.0
"""python3 of the Debian root (tests/cluster/test_process.py):
subprocess.run with captured output, os.fork and os.waitpid statuses,
os.pipe between a parent and its child.  Compared with the native run."""

import os
import signal
import subprocess
import sys

r = subprocess.run(["/bin/busybox", "echo", "hello from a child"],
		   capture_output=True)
print("run:", r.returncode, r.stdout, r.stderr)
r = subprocess.run(["/bin/sh", "-c", "echo out; echo err >&2; exit 5"],
		   capture_output=True, text=True)
print("sh:", r.returncode, repr(r.stdout), repr(r.stderr))
r = subprocess.run(["/bin/busybox", "tr", "a-z", "A-Z"], input=b"piped in\n",
		   capture_output=True)
print("stdin:", r.returncode, r.stdout)
try:
	subprocess.run(["/no/such/program"])
except FileNotFoundError as e:
	print("missing program:", e.errno, e.strerror)
r = subprocess.run([sys.executable, "-c", "import sys; sys.exit(9)"])
print("python child:", r.returncode)

for code in (0, 1, 77):
	pid = os.fork()
	if pid == 0:
		os._exit(code)
	got, status = os.waitpid(pid, 0)
	print("fork/_exit", code, got == pid, os.WIFEXITED(status),
	      os.WEXITSTATUS(status), os.waitstatus_to_exitcode(status))

pid = os.fork()
if pid == 0:
	os.kill(os.getpid(), signal.SIGTERM)
	os._exit(0)
_, status = os.waitpid(pid, 0)
print("killed child:", os.WIFSIGNALED(status), os.WTERMSIG(status))

r, w = os.pipe()
pid = os.fork()
if pid == 0:
	os.close(r)
	data = b"".join(b"%d\n" % i for i in range(20000))
	os.write(w, data)
	os._exit(len(data) % 256)
os.close(w)
chunks = []
while True:
	b = os.read(r, 65536)
	if not b:
		break
	chunks.append(b)
data = b"".join(chunks)
_, status = os.waitpid(pid, 0)
print("pipe:", len(data), data.count(b"\n"), data[-8:],
      os.WEXITSTATUS(status) == len(data) % 256)
try:
	os.waitpid(-1, 0)
except ChildProcessError as e:
	print("no children:", e.errno)
print("done")
