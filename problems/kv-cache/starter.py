import numpy as np


def causal_attention(x, Wq, Wk, Wv, Wo, n_heads):
    """Multi-head causal self-attention of a whole sequence x (T, D); returns (T, D)."""
    raise NotImplementedError


class KVCache:
    def __init__(self, Wq, Wk, Wv, Wo, n_heads, max_len):
        self.length = 0

    def step(self, x_t):
        """Append token x_t (D,) and return its attention output (D,)."""
        raise NotImplementedError
