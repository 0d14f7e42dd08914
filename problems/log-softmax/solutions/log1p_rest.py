"""A correct alternative, numerically different on purpose: the row maximum's exp(0) = 1 is taken out
of the sum exactly and the rest goes through log1p, lse = m + log1p(sum of the other exp(x - m))."""

import numpy as np


def logsumexp(x, axis=-1, keepdims=False):
    x = np.moveaxis(np.asarray(x, dtype=np.float64), axis, -1)
    if x.shape[-1] == 0:
        out = np.full(x.shape[:-1], -np.inf)
    else:
        top = np.argmax(x, axis=-1)[..., None]
        m = np.take_along_axis(x, top, axis=-1)
        finite = np.isfinite(m)
        shift = np.where(finite, m, 0.0)
        e = np.exp(x - shift)
        np.put_along_axis(e, top, 0.0, axis=-1)
        rest = e.sum(axis=-1, keepdims=True)
        out = np.where(finite, m + np.log1p(rest), m)[..., 0]
    return np.expand_dims(out, axis) if keepdims else out


def log_softmax(x, axis=-1):
    x = np.asarray(x, dtype=np.float64)
    return x - logsumexp(x, axis=axis, keepdims=True)
