"""A correct alternative: flatten everything into one vector for the norm; np.minimum/maximum for values."""

import numpy as np


def clip_grad_norm(grads, max_norm, eps=1e-6):
    if max_norm <= 0:
        raise ValueError("max_norm must be positive")
    if not grads:
        return 0.0
    flat = np.concatenate([np.ravel(g).astype(np.float64) for g in grads])
    total = float(np.linalg.norm(flat))
    if np.isfinite(total) and total > max_norm:
        coef = max_norm / (total + eps)
        for g in grads:
            np.multiply(g, coef, out=g)
    return total


def clip_grad_value(grads, clip_value):
    if clip_value <= 0:
        raise ValueError("clip_value must be positive")
    for g in grads:
        np.minimum(g, clip_value, out=g)
        np.maximum(g, -clip_value, out=g)
