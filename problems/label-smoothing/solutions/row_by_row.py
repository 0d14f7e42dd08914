import math

import numpy as np

# One row at a time, the way the formula reads.


def smoothed_cross_entropy(logits, targets, smoothing=0.0, weights=None, ignore_index=-100):
    n, c = logits.shape
    if not (0.0 <= smoothing <= 1.0):
        raise ValueError("smoothing must lie in [0, 1]")
    w = np.ones(c) if weights is None else weights
    total_loss, total_weight = 0.0, 0.0
    grad = np.zeros((n, c))
    for i in range(n):
        y = int(targets[i])
        if y == ignore_index:
            continue
        if not 0 <= y < c:
            raise ValueError(f"target {y} is not a class")
        m = logits[i].max()
        lse = m + math.log(np.exp(logits[i] - m).sum())
        log_p = logits[i] - lse
        p = np.exp(log_p)
        total_loss += -(1 - smoothing) * w[y] * log_p[y] - smoothing / c * np.dot(w, log_p)
        total_weight += w[y]
        g = smoothing / c * (p * w.sum() - w) + (1 - smoothing) * w[y] * p
        g[y] -= (1 - smoothing) * w[y]
        grad[i] = g
    if total_weight == 0:
        return 0.0, grad
    return total_loss / total_weight, grad / total_weight
