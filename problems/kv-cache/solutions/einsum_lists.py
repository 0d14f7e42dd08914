import numpy as np

# Heads kept as the last-but-one axis throughout, einsum for every product; the cache as lists of
# per-token arrays (appending is O(1); the stack per step copies the cache, which is fast enough).


def _split(a, heads):
    return a.reshape(*a.shape[:-1], heads, a.shape[-1] // heads)


def causal_attention(x, Wq, Wk, Wv, Wo, n_heads):
    q, k, v = (_split(x @ w, n_heads) for w in (Wq, Wk, Wv))  # (T, H, dh)
    dh = q.shape[-1]
    s = np.einsum("ihd,jhd->hij", q, k) / np.sqrt(dh)
    t = x.shape[0]
    s[:, np.triu_indices(t, 1)[0], np.triu_indices(t, 1)[1]] = -np.inf
    s = s - s.max(axis=-1, keepdims=True)
    p = np.exp(s)
    p /= p.sum(axis=-1, keepdims=True)
    out = np.einsum("hij,jhd->ihd", p, v)
    return out.reshape(t, -1) @ Wo


class KVCache:
    def __init__(self, Wq, Wk, Wv, Wo, n_heads, max_len):
        self.W = (Wq, Wk, Wv, Wo)
        self.heads, self.max_len = n_heads, max_len
        self.k, self.v = [], []

    @property
    def length(self):
        return len(self.k)

    def step(self, x_t):
        if len(self.k) == self.max_len:
            raise ValueError(f"the cache holds {self.max_len} tokens")
        Wq, Wk, Wv, Wo = self.W
        q = _split(x_t @ Wq, self.heads)  # (H, dh)
        self.k.append(_split(x_t @ Wk, self.heads))
        self.v.append(_split(x_t @ Wv, self.heads))
        k, v = np.stack(self.k), np.stack(self.v)  # (t, H, dh)
        s = np.einsum("hd,jhd->hj", q, k) / np.sqrt(q.shape[-1])
        p = np.exp(s - s.max(axis=-1, keepdims=True))
        p /= p.sum(axis=-1, keepdims=True)
        return np.einsum("hj,jhd->hd", p, v).reshape(-1) @ Wo
