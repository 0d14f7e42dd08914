"""Sums the per-example losses and gradients instead of averaging them over the batch.

Caught by: small_batch, large_batch_mean
"""

import numpy as np


def softmax_cross_entropy(logits, labels):
    n, c = logits.shape
    if labels.shape != (n,) or (n and (labels.min() < 0 or labels.max() >= c)):
        raise ValueError("bad labels")
    if n == 0:
        return 0.0, np.zeros((0, c))
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    rows = np.arange(n)
    grad = np.exp(log_p)
    grad[rows, labels] -= 1
    return float(-log_p[rows, labels].sum()), grad
