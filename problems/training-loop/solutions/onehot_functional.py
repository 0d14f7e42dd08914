"""A correct alternative: pure functions, an explicit one-hot target matrix, np.where for the ReLU
backward, and the per-epoch loss accumulated as a list of per-example losses."""

import numpy as np


def _init(rng, d, h, c):
    w1 = rng.normal(0.0, np.sqrt(2.0 / d), size=(d, h))
    w2 = rng.normal(0.0, np.sqrt(2.0 / h), size=(h, c))
    return {"W1": w1, "b1": np.zeros(h), "W2": w2, "b2": np.zeros(c)}


def _logits(params, X):
    hidden = np.maximum(X @ params["W1"] + params["b1"], 0.0)
    return hidden, hidden @ params["W2"] + params["b2"]


def predict(params, X):
    _, logits = _logits(params, np.asarray(X, dtype=np.float64))
    return logits.argmax(axis=1).astype(np.int64)


def _step(params, xb, target, lr, weight_decay):
    hidden, logits = _logits(params, xb)
    lse = np.logaddexp.reduce(logits, axis=1, keepdims=True)
    per_example = (lse - logits)[target.astype(bool)]
    probs = np.exp(logits - lse)
    dlogits = (probs - target) / len(xb)
    dhidden = np.where(hidden > 0, dlogits @ params["W2"].T, 0.0)
    grads = {
        "W2": hidden.T @ dlogits + weight_decay * params["W2"],
        "b2": dlogits.sum(axis=0),
        "W1": xb.T @ dhidden + weight_decay * params["W1"],
        "b1": dhidden.sum(axis=0),
    }
    for name in params:
        params[name] = params[name] - lr * grads[name]
    return per_example


def train_mlp(X, y, hidden_size, num_classes, lr, epochs, batch_size, weight_decay=0.0, seed=0):
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    if epochs < 0 or lr < 0 or weight_decay < 0:
        raise ValueError("epochs, lr and weight_decay must be non-negative")
    X = np.asarray(X, dtype=np.float64)
    rng = np.random.default_rng(seed)
    params = _init(rng, X.shape[1], hidden_size, num_classes)
    onehot = np.eye(num_classes)[np.asarray(y)]
    losses = []
    for _ in range(epochs):
        perm = rng.permutation(len(X))
        seen = []
        for start in range(0, len(X), batch_size):
            rows = perm[start : start + batch_size]
            seen.append(_step(params, X[rows], onehot[rows], lr, weight_decay))
        losses.append(float(np.concatenate(seen).mean()))
    return params, losses
