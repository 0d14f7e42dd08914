import numpy as np


def softmax_cross_entropy(logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    z = np.asarray(logits, dtype=np.float64)
    y = np.asarray(labels)
    n, c = z.shape
    if y.shape != (n,) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError("labels must be an integer array of shape (N,)")
    if n and (y.min() < 0 or y.max() >= c):
        raise ValueError("labels must lie in [0, C)")
    if n == 0:
        return 0.0, np.zeros((0, c))
    shifted = z - z.max(axis=1, keepdims=True)
    log_norm = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    log_p = shifted - log_norm
    rows = np.arange(n)
    loss = -log_p[rows, y].mean()
    grad = np.exp(log_p)
    grad[rows, y] -= 1.0
    return float(loss), grad / n
