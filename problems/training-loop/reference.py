import numpy as np


def _forward(params, X):
    pre = X @ params["W1"] + params["b1"]
    h = np.maximum(pre, 0.0)
    return pre, h, h @ params["W2"] + params["b2"]


def predict(params, X):
    return np.argmax(_forward(params, X)[2], axis=1)


def train_mlp(X, y, hidden_size, num_classes, lr, epochs, batch_size, weight_decay=0.0, seed=0):
    if batch_size < 1 or epochs < 0 or lr < 0 or weight_decay < 0:
        raise ValueError("invalid training settings")
    n, d = X.shape
    rng = np.random.default_rng(seed)
    params = {
        "W1": rng.normal(0.0, np.sqrt(2.0 / d), size=(d, hidden_size)),
        "b1": np.zeros(hidden_size),
        "W2": rng.normal(0.0, np.sqrt(2.0 / hidden_size), size=(hidden_size, num_classes)),
        "b2": np.zeros(num_classes),
    }
    losses = []
    for _ in range(epochs):
        order = rng.permutation(n)
        total = 0.0
        for start in range(0, n, batch_size):
            idx = order[start : start + batch_size]
            xb, yb = X[idx], y[idx]
            b = len(idx)
            pre, h, logits = _forward(params, xb)
            shifted = logits - logits.max(axis=1, keepdims=True)
            log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
            total += -log_p[np.arange(b), yb].sum()
            dlogits = np.exp(log_p)
            dlogits[np.arange(b), yb] -= 1.0
            dlogits /= b
            grads = {"W2": h.T @ dlogits, "b2": dlogits.sum(axis=0)}
            dpre = (dlogits @ params["W2"].T) * (pre > 0)
            grads["W1"] = xb.T @ dpre
            grads["b1"] = dpre.sum(axis=0)
            for key in ("W1", "W2"):
                grads[key] += weight_decay * params[key]
            for key, grad in grads.items():
                params[key] -= lr * grad
        losses.append(total / n)
    return params, losses
