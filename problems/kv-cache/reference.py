import numpy as np


def _softmax(s, axis=-1):
    e = np.exp(s - s.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def causal_attention(x, Wq, Wk, Wv, Wo, n_heads):
    t, d = x.shape
    dh = d // n_heads
    q, k, v = ((x @ W).reshape(t, n_heads, dh).transpose(1, 0, 2) for W in (Wq, Wk, Wv))
    scores = q @ k.transpose(0, 2, 1) / np.sqrt(dh)  # (heads, t, t)
    scores = np.where(np.tril(np.ones((t, t), dtype=bool)), scores, -np.inf)
    out = _softmax(scores) @ v  # (heads, t, dh)
    return out.transpose(1, 0, 2).reshape(t, d) @ Wo


class KVCache:
    def __init__(self, Wq, Wk, Wv, Wo, n_heads, max_len):
        self.Wq, self.Wk, self.Wv, self.Wo = Wq, Wk, Wv, Wo
        self.n_heads, self.max_len = n_heads, max_len
        dh = len(Wq) // n_heads
        self.keys = np.empty((n_heads, max_len, dh))  # positions past `length` are never read
        self.values = np.empty((n_heads, max_len, dh))
        self.length = 0

    def step(self, x_t):
        if self.length >= self.max_len:
            raise ValueError("the cache is full")
        h = self.n_heads
        dh = len(x_t) // h
        q = (x_t @ self.Wq).reshape(h, 1, dh)
        self.keys[:, self.length] = (x_t @ self.Wk).reshape(h, dh)
        self.values[:, self.length] = (x_t @ self.Wv).reshape(h, dh)
        self.length += 1
        k, v = self.keys[:, : self.length], self.values[:, : self.length]
        weights = _softmax(q @ k.transpose(0, 2, 1) / np.sqrt(dh))  # (heads, 1, length)
        return (weights @ v).ravel() @ self.Wo
