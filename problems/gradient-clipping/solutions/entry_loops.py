"""A correct alternative accumulating the squared norm entry by entry (fine at these sizes)."""

import math


def clip_grad_norm(grads, max_norm, eps=1e-6):
    if not max_norm > 0:
        raise ValueError("max_norm must be positive")
    squares = 0.0
    for g in grads:
        for value in g.flat:
            squares += float(value) * float(value)
    total = math.sqrt(squares)
    if total > max_norm and total != math.inf:
        for g in grads:
            g[...] = g * (max_norm / (total + eps))
    return total


def clip_grad_value(grads, clip_value):
    if not clip_value > 0:
        raise ValueError("clip_value must be positive")
    for g in grads:
        g[g > clip_value] = clip_value
        g[g < -clip_value] = -clip_value
