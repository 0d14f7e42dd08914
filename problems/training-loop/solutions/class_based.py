"""A correct alternative: a small model class, He initialisation via standard_normal, a log-sum-exp loss."""

import numpy as np


class _MLP:
    def __init__(self, d, h, c, rng):
        self.p = {
            "W1": rng.standard_normal((d, h)) * np.sqrt(2.0 / d),
            "b1": np.zeros(h),
            "W2": rng.standard_normal((h, c)) * np.sqrt(2.0 / h),
            "b2": np.zeros(c),
        }

    def scores(self, X):
        self.a = X @ self.p["W1"] + self.p["b1"]
        self.h = self.a * (self.a > 0)
        return self.h @ self.p["W2"] + self.p["b2"]

    def loss_and_grads(self, X, y):
        s = self.scores(X)
        m = s.max(axis=1, keepdims=True)
        lse = m[:, 0] + np.log(np.exp(s - m).sum(axis=1))
        losses = lse - s[np.arange(len(y)), y]
        g = np.exp(s - lse[:, None])
        g[np.arange(len(y)), y] -= 1
        g /= len(y)
        dh = g @ self.p["W2"].T
        da = dh * (self.a > 0)
        return losses.sum(), {"W2": self.h.T @ g, "b2": g.sum(0), "W1": X.T @ da, "b1": da.sum(0)}


def train_mlp(X, y, hidden_size, num_classes, lr, epochs, batch_size, weight_decay=0.0, seed=0):
    if min(lr, weight_decay, epochs) < 0 or batch_size <= 0:
        raise ValueError("bad settings")
    rng = np.random.default_rng(seed)
    X = np.asarray(X, dtype=float)
    model = _MLP(X.shape[1], hidden_size, num_classes, rng)
    history = []
    for _ in range(epochs):
        perm = rng.permutation(len(X))
        seen, total = 0, 0.0
        while seen < len(X):
            idx = perm[seen : seen + batch_size]
            seen += len(idx)
            batch_loss, grads = model.loss_and_grads(X[idx], y[idx])
            total += batch_loss
            for name in grads:
                decay = weight_decay * model.p[name] if name.startswith("W") else 0.0
                model.p[name] = model.p[name] - lr * (grads[name] + decay)
        history.append(float(total / len(X)))
    return model.p, history


def predict(params, X):
    hidden = np.maximum(np.asarray(X, dtype=float) @ params["W1"] + params["b1"], 0)
    return (hidden @ params["W2"] + params["b2"]).argmax(axis=1)
