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
    for start in range(0, n, micro_batch_size):
        stop = min(start + micro_batch_size, n)
        gW, gb, part = batch_gradient(W, b, X[start:stop], y[start:stop])
        weight = (stop - start) / n
        dW += weight * gW
        db += weight * gb
        loss += weight * part
    return dW, db, loss
