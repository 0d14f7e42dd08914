"""Aligns the causal mask at the first key (j <= i) even when there are fewer queries than keys.

Caught by: causal_decoding
"""

import numpy as np


def chunked_attention(q, k, v, chunk_size=128, causal=False):
    if chunk_size < 1:
        raise ValueError("chunk_size must be >= 1")
    tq, tk = q.shape[-2], k.shape[-2]
    scale = 1.0 / np.sqrt(q.shape[-1])
    m = np.full((*q.shape[:-1], 1), -np.inf)
    total = np.zeros((*q.shape[:-1], 1))
    acc = np.zeros((*q.shape[:-1], v.shape[-1]))
    query_pos = np.arange(tq)[:, None]
    for start in range(0, tk, chunk_size):
        stop = min(start + chunk_size, tk)
        scores = q @ np.swapaxes(k[..., start:stop, :], -1, -2) * scale
        if causal:
            scores = np.where(np.arange(start, stop)[None, :] <= query_pos, scores, -np.inf)
        m_new = np.maximum(m, scores.max(axis=-1, keepdims=True))
        safe = np.where(np.isfinite(m_new), m_new, 0.0)  # rows with nothing visible yet
        correction = np.exp(m - safe)
        weights = np.exp(scores - safe)
        total = total * correction + weights.sum(axis=-1, keepdims=True)
        acc = acc * correction + weights @ v[..., start:stop, :]
        m = m_new
    return np.divide(acc, total, out=np.zeros_like(acc), where=total > 0)
