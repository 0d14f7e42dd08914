"""Shifts by the maximum of the whole array instead of each slice's maximum, so distant slices underflow.

Caught by: rows_far_apart
"""

import numpy as np


def logsumexp(x, axis=-1, keepdims=False):
    if x.size == 0:
        return np.full(np.sum(x, axis=axis, keepdims=keepdims).shape, -np.inf)
    m = np.max(x)
    with np.errstate(divide="ignore"):
        return m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=keepdims))


def log_softmax(x, axis=-1):
    return x - logsumexp(x, axis=axis, keepdims=True)
