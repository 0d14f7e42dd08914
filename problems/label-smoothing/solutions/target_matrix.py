import numpy as np

# The smoothed, weighted target as a matrix u: loss = -sum(u * log p) / W and dz = (p * sum(u) - u) / W.


def smoothed_cross_entropy(logits, targets, smoothing=0.0, weights=None, ignore_index=-100):
    n, c = logits.shape
    if smoothing < 0 or smoothing > 1:
        raise ValueError(f"smoothing={smoothing} is outside [0, 1]")
    keep = targets != ignore_index
    labels = targets[keep]
    if labels.size and (labels.min() < 0 or labels.max() >= c):
        raise ValueError("targets must be classes or ignore_index")
    w = np.ones(c) if weights is None else np.asarray(weights, dtype=float)
    u = np.zeros((n, c))
    rows = np.flatnonzero(keep)
    u[rows, labels] = (1 - smoothing) * w[labels]
    u[rows] += smoothing / c * w
    denominator = w[labels].sum()
    if denominator == 0:
        return 0.0, np.zeros((n, c))
    log_p = logits - np.logaddexp.reduce(logits, axis=1, keepdims=True)
    loss = -(u * log_p).sum() / denominator
    grad = (np.exp(log_p) * u.sum(axis=1, keepdims=True) - u) / denominator
    return float(loss), grad
