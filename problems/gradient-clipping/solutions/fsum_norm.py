"""A correct alternative, numerically different on purpose: the squared norm as an exactly rounded
math.fsum of every squared entry (in float64), and the scale applied by np.multiply with out=."""

import math

import numpy as np


def clip_grad_norm(grads, max_norm, eps=1e-6):
    if not max_norm > 0:
        raise ValueError("max_norm must be positive")
    squares = [float(v) * float(v) for g in grads for v in np.ravel(g).tolist()]
    if any(math.isnan(s) for s in squares):
        total = math.nan
    elif any(math.isinf(s) for s in squares):
        total = math.inf
    else:
        total = math.sqrt(math.fsum(squares))
    if math.isfinite(total) and total > max_norm:
        factor = max_norm / (total + eps)
        for g in grads:
            np.multiply(g, factor, out=g, casting="same_kind")
    return total


def clip_grad_value(grads, clip_value):
    if not clip_value > 0:
        raise ValueError("clip_value must be positive")
    for g in grads:
        g[...] = np.where(g > clip_value, clip_value, np.where(g < -clip_value, -clip_value, g))
