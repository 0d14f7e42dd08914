"""Takes the log of the softmax probabilities, which underflow to 0 for large logit gaps: log(0) = -inf.

Caught by: huge_logits
"""

import numpy as np


def softmax_cross_entropy(logits, labels):
    n, c = logits.shape
    if labels.shape != (n,) or (n and (labels.min() < 0 or labels.max() >= c)):
        raise ValueError("bad labels")
    if n == 0:
        return 0.0, np.zeros((0, c))
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    rows = np.arange(n)
    with np.errstate(divide="ignore"):
        loss = -np.log(p[rows, labels]).mean()
    grad = p.copy()
    grad[rows, labels] -= 1
    return float(loss), grad / n
