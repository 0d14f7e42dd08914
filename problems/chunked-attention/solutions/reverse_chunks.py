"""A correct alternative: scales q once up front, takes the key chunks from the last to the first, and
keeps the running sums in NumPy's nan-free form with explicit masks for rows that saw nothing yet."""

import numpy as np


def chunked_attention(q, k, v, chunk_size=128, causal=False):
    if not chunk_size >= 1:
        raise ValueError("chunk_size must be at least 1")
    tq, tk = q.shape[-2], k.shape[-2]
    qs = q * (1.0 / np.sqrt(q.shape[-1]))  # a new array: the caller's q is untouched
    lead = q.shape[:-2]
    best = np.full((*lead, tq, 1), -np.inf)
    mass = np.zeros((*lead, tq, 1))
    acc = np.zeros((*lead, tq, v.shape[-1]))
    newest = np.arange(tq)[:, None] + (tk - tq)  # the last key each query may see
    starts = list(range(0, tk, chunk_size))
    for lo in reversed(starts):
        hi = min(lo + chunk_size, tk)
        s = np.einsum("...qd,...kd->...qk", qs, k[..., lo:hi, :])
        if causal:
            s = np.where(np.arange(lo, hi)[None, :] > newest, -np.inf, s)
        top = np.max(s, axis=-1, keepdims=True)
        grown = np.maximum(best, top)
        seen = np.isfinite(grown)
        ref = np.where(seen, grown, 0.0)
        old = np.where(np.isfinite(best), np.exp(best - ref), 0.0)
        w = np.where(np.isfinite(s), np.exp(s - ref), 0.0)
        mass = old * mass + w.sum(axis=-1, keepdims=True)
        acc = old * acc + np.einsum("...qk,...kv->...qv", w, v[..., lo:hi, :])
        best = grown
    safe = np.where(mass > 0, mass, 1.0)
    return np.where(mass > 0, acc / safe, 0.0)
