import numpy as np

# Per-head loops; the cache starts small and doubles when full (max_len is only the limit).


def _softmax(row):
    e = np.exp(row - np.max(row))
    return e / np.sum(e)


def causal_attention(x, Wq, Wk, Wv, Wo, n_heads):
    t, d = x.shape
    dh = d // n_heads
    q, k, v = x @ Wq, x @ Wk, x @ Wv
    out = np.zeros((t, d))
    for h in range(n_heads):
        cols = slice(h * dh, (h + 1) * dh)
        scores = q[:, cols] @ k[:, cols].T / np.sqrt(dh)
        scores[np.triu(np.ones((t, t), dtype=bool), 1)] = -np.inf
        scores -= scores.max(axis=1, keepdims=True)
        w = np.exp(scores)
        w /= w.sum(axis=1, keepdims=True)
        out[:, cols] = w @ v[:, cols]
    return out @ Wo


class KVCache:
    def __init__(self, Wq, Wk, Wv, Wo, n_heads, max_len):
        self.Wq, self.Wk, self.Wv, self.Wo = Wq, Wk, Wv, Wo
        self.n_heads, self.max_len, self.length = n_heads, max_len, 0
        self.K = np.empty((min(max_len, 16), Wk.shape[1]))
        self.V = np.empty_like(self.K)

    def step(self, x_t):
        if self.length == self.max_len:
            raise ValueError("no room left in the cache")
        if self.length == len(self.K):
            grow = min(2 * len(self.K), self.max_len)
            self.K = np.concatenate([self.K, np.empty((grow - len(self.K), self.K.shape[1]))])
            self.V = np.concatenate([self.V, np.empty((grow - len(self.V), self.V.shape[1]))])
        self.K[self.length] = x_t @ self.Wk
        self.V[self.length] = x_t @ self.Wv
        self.length += 1
        q = x_t @ self.Wq
        d = q.shape[0]
        dh = d // self.n_heads
        out = np.empty(d)
        for h in range(self.n_heads):
            cols = slice(h * dh, (h + 1) * dh)
            w = _softmax(self.K[: self.length, cols] @ q[cols] / np.sqrt(dh))
            out[cols] = w @ self.V[: self.length, cols]
        return out @ self.Wo
