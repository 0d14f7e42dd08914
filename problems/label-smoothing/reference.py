import numpy as np


def smoothed_cross_entropy(logits, targets, smoothing=0.0, weights=None, ignore_index=-100):
    n, c = logits.shape
    if not 0.0 <= smoothing <= 1.0:
        raise ValueError("smoothing must be in [0, 1]")
    counted = targets != ignore_index
    if np.any((targets[counted] < 0) | (targets[counted] >= c)):
        raise ValueError("a target is neither a class nor ignore_index")
    w = np.ones(c) if weights is None else weights
    y = np.where(counted, targets, 0)
    wy = np.where(counted, w[y], 0.0)
    total = wy.sum()
    if total == 0:
        return 0.0, np.zeros((n, c))
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    rows = np.arange(n)
    per_row = (1.0 - smoothing) * wy * -log_p[rows, y] - (smoothing / c) * (log_p * w).sum(axis=1)
    loss = np.where(counted, per_row, 0.0).sum() / total
    p = np.exp(log_p)
    grad = (smoothing / c) * (p * w.sum() - w)
    grad += (1.0 - smoothing) * wy[:, None] * p
    grad[rows, y] -= (1.0 - smoothing) * wy
    grad[~counted] = 0.0
    return float(loss), grad / total
