"""A correct alternative, numerically different on purpose: every dot product and sum is exactly
rounded with math.fsum (no BLAS blocking or summation order at all)."""

import math

import numpy as np


def _matmul(a, b):
    out = np.empty((a.shape[0], b.shape[1]))
    for i in range(a.shape[0]):
        row = a[i].tolist()
        for j in range(b.shape[1]):
            out[i, j] = math.fsum(p * q for p, q in zip(row, b[:, j].tolist(), strict=True))
    return out


def linear_forward(x, W, b):
    out = np.empty((x.shape[0], W.shape[1]))
    for i in range(x.shape[0]):
        row = x[i].tolist()
        for j in range(W.shape[1]):
            terms = [p * q for p, q in zip(row, W[:, j].tolist(), strict=True)]
            out[i, j] = math.fsum([*terms, float(b[j])])
    return out


def linear_backward(dout, x, W, b):
    dx = _matmul(dout, W.T)
    dW = _matmul(x.T, dout)
    db = np.array([math.fsum(dout[:, j].tolist()) for j in range(dout.shape[1])])
    return dx, dW, db
