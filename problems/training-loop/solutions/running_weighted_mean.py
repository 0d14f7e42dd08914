"""A correct alternative, written differently: the epoch loss is a running mean updated with each
minibatch's summed loss (so every example weighs the same, the smaller last batch too), the
gradients of the summed loss are divided by the batch size at the end, and each epoch reshuffles a
persistent index array in place (a new permutation every epoch, drawn differently)."""

import numpy as np


def predict(params, X):
    hidden = np.maximum(X @ params["W1"] + params["b1"], 0.0)
    return np.argmax(hidden @ params["W2"] + params["b2"], axis=1)


def _summed_loss_and_grads(params, xb, yb):
    pre = xb @ params["W1"] + params["b1"]
    hidden = np.where(pre > 0, pre, 0.0)
    logits = hidden @ params["W2"] + params["b2"]
    top = logits.max(axis=1, keepdims=True)
    log_norm = top + np.log(np.sum(np.exp(logits - top), axis=1, keepdims=True))
    rows = np.arange(len(yb))
    summed = float(np.sum(log_norm[:, 0] - logits[rows, yb]))
    g_logits = np.exp(logits - log_norm)
    g_logits[rows, yb] -= 1.0
    g_pre = (g_logits @ params["W2"].T) * (pre > 0)
    grads = {
        "W1": xb.T @ g_pre,
        "b1": g_pre.sum(axis=0),
        "W2": hidden.T @ g_logits,
        "b2": g_logits.sum(axis=0),
    }
    return summed, {k: g / len(yb) for k, g in grads.items()}


def train_mlp(X, y, hidden_size, num_classes, lr, epochs, batch_size, weight_decay=0.0, seed=0):
    for name, value, low in (
        ("batch_size", batch_size, 1),
        ("epochs", epochs, 0),
        ("lr", lr, 0),
        ("weight_decay", weight_decay, 0),
    ):
        if value < low:
            raise ValueError(f"{name} must be >= {low}, got {value}")
    n, d = X.shape
    rng = np.random.default_rng(seed)
    params = {
        "W1": rng.normal(size=(d, hidden_size)) * np.sqrt(2.0 / d),
        "b1": np.zeros(hidden_size),
        "W2": rng.normal(size=(hidden_size, num_classes)) * np.sqrt(2.0 / hidden_size),
        "b2": np.zeros(num_classes),
    }
    rows = np.arange(n)
    losses = []
    for _ in range(epochs):
        rng.shuffle(rows)  # reshuffles the previous epoch's order: a new permutation each time
        mean_so_far, seen = 0.0, 0
        for start in range(0, n, batch_size):
            batch = rows[start : start + batch_size]
            summed, grads = _summed_loss_and_grads(params, X[batch], y[batch])
            seen += len(batch)
            mean_so_far += (summed - len(batch) * mean_so_far) / seen
            for key in ("W1", "W2"):
                grads[key] = grads[key] + weight_decay * params[key]
            params = {key: params[key] - lr * grads[key] for key in params}
        losses.append(mean_so_far)
    return params, losses
