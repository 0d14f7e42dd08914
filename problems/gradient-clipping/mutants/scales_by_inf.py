"""Scales even when the norm is infinite, which silently turns every gradient into zeros and NaN.

Caught by: non_finite_norm
"""

import numpy as np


def clip_grad_norm(grads, max_norm, eps=1e-6):
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    total = float(np.sqrt(sum(float(np.sum(g * g)) for g in grads)))
    if total > max_norm:
        for g in grads:
            g *= max_norm / (total + eps)
    return total


def clip_grad_value(grads, clip_value):
    if clip_value <= 0:
        raise ValueError("clip_value must be positive")
    for g in grads:
        np.clip(g, -clip_value, clip_value, out=g)
