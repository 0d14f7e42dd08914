"""Shifts the logits in place (logits -= max), changing the caller's array.

Caught by: inputs_not_modified
"""

import numpy as np


def softmax_cross_entropy(logits, labels):
    n, c = logits.shape
    if labels.shape != (n,) or (n and (labels.min() < 0 or labels.max() >= c)):
        raise ValueError("bad labels")
    if n == 0:
        return 0.0, np.zeros((0, c))
    logits -= logits.max(axis=1, keepdims=True)
    log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    rows = np.arange(n)
    grad = np.exp(log_p)
    grad[rows, labels] -= 1
    return float(-log_p[rows, labels].mean()), grad / n
