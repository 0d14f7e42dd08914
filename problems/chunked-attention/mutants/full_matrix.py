"""Computes the full score matrix at once: correct, but it needs Tq x Tk memory.

Caught by: long_sequence
"""

import numpy as np


def chunked_attention(q, k, v, chunk_size=128, causal=False):
    if chunk_size < 1:
        raise ValueError("chunk_size must be >= 1")
    tq, tk = q.shape[-2], k.shape[-2]
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if causal:
        allowed = np.arange(tk)[None, :] <= np.arange(tq)[:, None] + (tk - tq)
        scores = np.where(allowed, scores, -np.inf)
    top = scores.max(axis=-1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    weights = np.exp(scores - top)
    total = weights.sum(axis=-1, keepdims=True)
    weights = np.divide(weights, total, out=np.zeros_like(weights), where=total > 0)
    return weights @ v
