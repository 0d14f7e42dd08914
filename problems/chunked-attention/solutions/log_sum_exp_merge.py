"""A correct alternative: each chunk gives (log-sum-exp, normalised output), merged pairwise in log space."""

import numpy as np


def chunked_attention(q, k, v, chunk_size=128, causal=False):
    if chunk_size <= 0:
        raise ValueError("chunk_size must be positive")
    tq, tk = q.shape[-2], k.shape[-2]
    out = np.zeros((*q.shape[:-1], v.shape[-1]))
    lse = np.full((*q.shape[:-1], 1), -np.inf)
    last_visible = np.arange(tq)[:, None] + tk - tq
    for lo in range(0, tk, chunk_size):
        hi = min(lo + chunk_size, tk)
        s = np.einsum("...id,...jd->...ij", q, k[..., lo:hi, :]) / np.sqrt(q.shape[-1])
        if causal:
            s = np.where(np.arange(lo, hi)[None, :] <= last_visible, s, -np.inf)
        peak = s.max(axis=-1, keepdims=True)
        peak_safe = np.where(np.isfinite(peak), peak, 0.0)
        w = np.exp(s - peak_safe)
        mass = w.sum(axis=-1, keepdims=True)
        chunk_lse = np.where(mass > 0, np.log(np.where(mass > 0, mass, 1.0)) + peak_safe, -np.inf)
        chunk_out = np.divide(w @ v[..., lo:hi, :], mass, out=np.zeros_like(out), where=mass > 0)
        merged = np.logaddexp(lse, chunk_lse)
        both_empty = ~np.isfinite(merged)
        merged_safe = np.where(both_empty, 0.0, merged)
        out = np.where(
            both_empty,
            0.0,
            np.exp(lse - merged_safe) * out + np.exp(chunk_lse - merged_safe) * chunk_out,
        )
        lse = merged
    return out
