"""Always reduces over the last axis, whatever `axis` says.

Caught by: axis_0, negative_axis_3d
"""

import numpy as np


def logsumexp(x, axis=-1, keepdims=False):
    if x.shape[-1] == 0:
        return np.full(x.shape[:-1] + ((1,) if keepdims else ()), -np.inf)
    m = np.max(x, axis=-1, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    out = m + np.log(np.sum(np.exp(x - m), axis=-1, keepdims=True))
    return out if keepdims else out[..., 0]


def log_softmax(x, axis=-1):
    return x - logsumexp(x, keepdims=True)
