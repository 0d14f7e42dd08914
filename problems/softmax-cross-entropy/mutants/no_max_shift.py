"""Exponentiates the raw logits without subtracting the row maximum, so exp() overflows.

Caught by: huge_logits
"""

import numpy as np


def softmax_cross_entropy(logits, labels):
    n, c = logits.shape
    if labels.shape != (n,) or (n and (labels.min() < 0 or labels.max() >= c)):
        raise ValueError("bad labels")
    if n == 0:
        return 0.0, np.zeros((0, c))
    e = np.exp(logits)
    p = e / e.sum(axis=1, keepdims=True)
    rows = np.arange(n)
    loss = -np.log(p[rows, labels]).mean()
    grad = p.copy()
    grad[rows, labels] -= 1
    return float(loss), grad / n
