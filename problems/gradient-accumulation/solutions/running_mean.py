"""A correct alternative: a running weighted mean, updated after each micro-batch as
mean += (rows / rows_seen) * (micro_mean - mean), with micro-batch bounds from a while loop."""

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
    if micro_batch_size < 1:
        raise ValueError("micro_batch_size must be at least 1")
    if len(X) == 0:
        raise ValueError("an empty batch has no mean gradient")
    mean_dW = np.zeros(W.shape)
    mean_db = np.zeros(b.shape)
    mean_loss = 0.0
    seen = 0
    start = 0
    while start < len(X):
        stop = min(len(X), start + micro_batch_size)
        dW, db, loss = batch_gradient(W, b, X[start:stop], y[start:stop])
        rows = stop - start
        seen += rows
        share = rows / seen
        mean_dW += share * (dW - mean_dW)
        mean_db += share * (db - mean_db)
        mean_loss += share * (loss - mean_loss)
        start = stop
    return mean_dW, mean_db, mean_loss
