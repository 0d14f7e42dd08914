"""Clips each array by its own norm instead of one global norm over all of them.

Caught by: global_not_per_array
"""

import numpy as np


def clip_grad_norm(grads, max_norm, eps=1e-6):
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    norms = [float(np.linalg.norm(g)) for g in grads]
    for g, n in zip(grads, norms, strict=True):
        if n > max_norm:
            g *= max_norm / (n + eps)
    return float(np.sqrt(sum(n * n for n in norms)))


def clip_grad_value(grads, clip_value):
    if clip_value <= 0:
        raise ValueError("clip_value must be positive")
    for g in grads:
        np.clip(g, -clip_value, clip_value, out=g)
