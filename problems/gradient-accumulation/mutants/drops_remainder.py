"""Stops at the last full micro-batch and silently drops the leftover rows.

Caught by: worked_example, uneven_last_batch
"""

import numpy as np


def batch_gradient(W, b, X, y):
    """Given: (dW, db, loss) of the mean softmax cross-entropy of a linear classifier on these rows."""
    n = X.shape[0]
    logits = X @ W + b
    logits = logits - logits.max(axis=1, keepdims=True)
    log_p = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    loss = -log_p[np.arange(n), y].mean()
    dlogits = np.exp(log_p)
    dlogits[np.arange(n), y] -= 1.0
    dlogits /= n
    return X.T @ dlogits, dlogits.sum(axis=0), float(loss)


def accumulated_gradient(W, b, X, y, micro_batch_size):
    n = X.shape[0]
    if micro_batch_size < 1 or n == 0:
        raise ValueError("need micro_batch_size >= 1 and at least one row")
    dW, db, loss = np.zeros(W.shape), np.zeros(b.shape), 0.0
    full = n - n % micro_batch_size or n
    for start in range(0, full, micro_batch_size):
        stop = min(start + micro_batch_size, n)
        gW, gb, part = batch_gradient(W, b, X[start:stop], y[start:stop])
        weight = (stop - start) / full
        dW += weight * gW
        db += weight * gb
        loss += weight * part
    return dW, db, loss
