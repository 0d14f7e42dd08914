"""Ignores keepdims=True and always removes the reduced axis.

Caught by: keepdims
"""

import numpy as np


def logsumexp(x, axis=-1, keepdims=False):
    if x.shape[axis] == 0:
        return np.full(np.sum(x, axis=axis).shape, -np.inf)
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    return np.squeeze(m, axis=axis) + np.log(np.sum(np.exp(x - m), axis=axis))


def log_softmax(x, axis=-1):
    return x - np.expand_dims(logsumexp(x, axis=axis), axis)
