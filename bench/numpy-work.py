# SPDX-License-Identifier: GPL-2.0
"""numpy-only work for bench/bench-linux: a working set of arrays (16 MiB
of float64 beyond the interpreter and libraries) swept several times, so that a pcache smaller than the program's resident set must
evict and refetch.  Seeded, one BLAS thread, results rounded to 6
significant digits, like tests/python/mlp.py.

  python3 numpy-work.py [ROWS]     (default 1024 rows of 1024 columns)
"""

import os
import sys

# Before numpy loads OpenBLAS, which reads it once.
os.environ["OPENBLAS_NUM_THREADS"] = "1"

import numpy as np  # noqa: E402

rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
cols = 1024
rng = np.random.default_rng(7)

# 8 MiB of data and 8 MiB of results at 1024 rows, swept four times in
# alternating directions: memory traffic, little arithmetic (TCG is slow
# at floating point; this measures the memory system).
data = rng.standard_normal((rows, cols))
print("data %d x %d, %.1f MiB" % (rows, cols, data.nbytes / 2**20))
out = np.empty_like(data)
for sweep in range(4):
	src = data if sweep % 2 == 0 else data[::-1]
	np.multiply(src, 0.5 + sweep, out=out)
	np.sqrt(np.abs(out, out=out), out=out)
	print("sweep %d mean %.6g max %.6g" % (sweep, out.mean(), out.max()))

small = data[:64, :64] @ data[64:128, :64].T
print("matmul trace %.6g" % np.trace(small))
order = np.argsort(data[:, 0], kind="stable")
print("sorted first %d last %d" % (order[0], order[-1]))
