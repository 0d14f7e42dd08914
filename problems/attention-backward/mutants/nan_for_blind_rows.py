"""Divides by the row sum unguarded, so a fully masked row becomes nan.

Caught by: fully_masked_row
"""

import numpy as np


def _probabilities(q, k, mask):
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    top = scores.max(axis=-1, keepdims=True)
    e = np.exp(scores - top)
    total = e.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore"):
        return e / total


def attention_forward(q, k, v, mask=None):
    return _probabilities(q, k, mask) @ v


def attention_backward(dout, q, k, v, mask=None):
    p = _probabilities(q, k, mask)
    dv = np.swapaxes(p, -1, -2) @ dout
    dp = dout @ np.swapaxes(v, -1, -2)
    ds = p * (dp - (dp * p).sum(axis=-1, keepdims=True))
    scale = 1.0 / np.sqrt(q.shape[-1])
    return ds @ k * scale, np.swapaxes(ds, -1, -2) @ q * scale, dv
