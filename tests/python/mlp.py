# SPDX-License-Identifier: GPL-2.0
"""numpy work for tests/cluster/test_python.py: matmul, linalg.solve and
a few steps of training a small MLP (seeded, no shuffling) with its
losses printed.  The same root runs it natively in a chroot; both runs
use one BLAS thread (OPENBLAS_NUM_THREADS=1) so the sums are done in the
same order (set below, before numpy is imported).  Results are rounded to 6 significant digits: BLAS may pick a
different kernel for the CPU QEMU presents than for the host's."""

import os

# Before numpy loads OpenBLAS, which reads it once.
os.environ["OPENBLAS_NUM_THREADS"] = "1"

import numpy as np  # noqa: E402

rng = np.random.default_rng(20261206)

a = rng.standard_normal((64, 48))
b = rng.standard_normal((48, 32))
c = a @ b
print("matmul shape", c.shape, "sum %.6g" % c.sum(), "trace %.6g" % np.trace(c[:32]))

m = rng.standard_normal((6, 6)) + 6 * np.eye(6)
y = rng.standard_normal(6)
x = np.linalg.solve(m, y)
print("solve", " ".join("%.6g" % v for v in x))
print("solve residual small", bool(np.abs(m @ x - y).max() < 1e-9))

# Synthetic 2-class data: two Gaussian blobs in 16 dimensions.
n, d, h = 512, 16, 32
centers = rng.standard_normal((2, d)) * 1.5
labels = np.arange(n) % 2
data = centers[labels] + rng.standard_normal((n, d))
onehot = np.eye(2)[labels]

w1 = rng.standard_normal((d, h)) * np.sqrt(2.0 / d)
b1 = np.zeros(h)
w2 = rng.standard_normal((h, 2)) * np.sqrt(2.0 / h)
b2 = np.zeros(2)
lr = 0.1

for step in range(8):
	z1 = data @ w1 + b1
	a1 = np.maximum(z1, 0)
	z2 = a1 @ w2 + b2
	z2 -= z2.max(axis=1, keepdims=True)
	p = np.exp(z2)
	p /= p.sum(axis=1, keepdims=True)
	loss = -np.mean(np.sum(onehot * np.log(p + 1e-12), axis=1))
	acc = np.mean(p.argmax(axis=1) == labels)
	print("step %d loss %.5f acc %.4f" % (step, loss, acc))
	g2 = (p - onehot) / n
	gw2 = a1.T @ g2
	gb2 = g2.sum(axis=0)
	g1 = (g2 @ w2.T) * (z1 > 0)
	gw1 = data.T @ g1
	gb1 = g1.sum(axis=0)
	w1 -= lr * gw1
	b1 -= lr * gb1
	w2 -= lr * gw2
	b2 -= lr * gb2
