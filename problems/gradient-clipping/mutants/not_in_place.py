"""Puts new, scaled arrays into the list instead of scaling the caller's arrays in place.

Caught by: global_not_per_array, worked_example_norm
"""

import numpy as np


def clip_grad_norm(grads, max_norm, eps=1e-6):
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    total = float(np.sqrt(sum(float(np.sum(g * g)) for g in grads)))
    if np.isfinite(total) and total > max_norm:
        for i, g in enumerate(grads):
            grads[i] = g * (max_norm / (total + eps))
    return total


def clip_grad_value(grads, clip_value):
    if clip_value <= 0:
        raise ValueError("clip_value must be positive")
    for g in grads:
        np.clip(g, -clip_value, clip_value, out=g)
