"""Loops over every element in Python: correct, but far too slow for millions of entries.

Caught by: large_input
"""

import math

import numpy as np


def _lse_1d(values):
    finite = [v for v in values if v != -math.inf]
    if not finite:
        return -math.inf
    m = max(finite)
    return m + math.log(sum(math.exp(v - m) for v in values))


def logsumexp(x, axis=-1, keepdims=False):
    moved = np.moveaxis(np.asarray(x, dtype=np.float64), axis, -1)
    flat = moved.reshape(int(np.prod(moved.shape[:-1])), moved.shape[-1])
    out = np.array([_lse_1d(row.tolist()) for row in flat]).reshape(moved.shape[:-1])
    return np.expand_dims(out, axis) if keepdims else out


def log_softmax(x, axis=-1):
    lse = logsumexp(x, axis=axis, keepdims=True)
    out = np.empty(x.shape)
    for idx in np.ndindex(*x.shape):
        lse_idx = list(idx)
        lse_idx[axis] = 0
        out[idx] = float(x[idx]) - float(lse[tuple(lse_idx)])
    return out
