import numpy as np

EPS = 1e-5
C = np.sqrt(2.0 / np.pi)


def _ln(x, g, b):
    mu = x.mean(axis=-1, keepdims=True)
    xc = x - mu
    inv = 1.0 / np.sqrt((xc * xc).mean(axis=-1, keepdims=True) + EPS)
    xh = xc * inv
    return xh * g + b, (xh, inv, g)


def _ln_back(dy, cache):
    xh, inv, g = cache
    axes = tuple(range(dy.ndim - 1))
    dg, db = (dy * xh).sum(axis=axes), dy.sum(axis=axes)
    d = dy * g
    dx = inv * (d - d.mean(axis=-1, keepdims=True) - xh * (d * xh).mean(axis=-1, keepdims=True))
    return dx, dg, db


def block_forward(x, params, n_heads):
    P = params
    b, t, d = x.shape
    dh = d // n_heads
    h, ln1 = _ln(x, P["ln1_g"], P["ln1_b"])

    def heads(m):  # (b, t, d) -> (b, heads, t, dh)
        return m.reshape(b, t, n_heads, dh).transpose(0, 2, 1, 3)

    q, k, v = heads(h @ P["Wq"]), heads(h @ P["Wk"]), heads(h @ P["Wv"])
    s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dh)
    s = np.where(np.tril(np.ones((t, t), dtype=bool)), s, -np.inf)
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    a = e / e.sum(axis=-1, keepdims=True)
    merged = (a @ v).transpose(0, 2, 1, 3).reshape(b, t, d)
    x1 = x + merged @ P["Wo"]
    h2, ln2 = _ln(x1, P["ln2_g"], P["ln2_b"])
    u = h2 @ P["W1"] + P["b1"]
    th = np.tanh(C * (u + 0.044715 * u**3))
    g = 0.5 * u * (1.0 + th)
    y = x1 + g @ P["W2"] + P["b2"]
    cache = (P, n_heads, ln1, h, q, k, v, a, merged, ln2, h2, u, th, g)
    return y, cache


def block_backward(dy, cache):
    P, n_heads, ln1, h, q, k, v, a, merged, ln2, h2, u, th, g = cache
    b, t, d = dy.shape
    dh = d // n_heads
    grads = {}
    rows = (0, 1)
    # MLP branch: y = x1 + gelu(h2 @ W1 + b1) @ W2 + b2
    n = b * t  # every token of every sequence, as rows
    grads["W2"] = g.reshape(n, g.shape[-1]).T @ dy.reshape(n, d)
    grads["b2"] = dy.sum(axis=rows)
    dg = dy @ P["W2"].T
    du = dg * (0.5 * (1.0 + th) + 0.5 * u * (1.0 - th * th) * C * (1.0 + 3 * 0.044715 * u * u))
    grads["W1"] = h2.reshape(n, d).T @ du.reshape(n, du.shape[-1])
    grads["b1"] = du.sum(axis=rows)
    dx1_ln, grads["ln2_g"], grads["ln2_b"] = _ln_back(du @ P["W1"].T, ln2)
    dx1 = dy + dx1_ln  # the residual path and the branch
    # Attention branch: x1 = x + merge(softmax(q k^T / sqrt(dh)) v) @ Wo
    grads["Wo"] = merged.reshape(n, d).T @ dx1.reshape(n, d)
    dmerged = (dx1 @ P["Wo"].T).reshape(b, t, n_heads, dh).transpose(0, 2, 1, 3)
    da = dmerged @ v.transpose(0, 1, 3, 2)
    dv = a.transpose(0, 1, 3, 2) @ dmerged
    ds = a * (da - (da * a).sum(axis=-1, keepdims=True)) / np.sqrt(dh)
    dq, dk = ds @ k, ds.transpose(0, 1, 3, 2) @ q

    def merge(m):  # (b, heads, t, dh) -> (b * t, d)
        return m.transpose(0, 2, 1, 3).reshape(n, d)

    flat_h = h.reshape(n, d)
    grads["Wq"], grads["Wk"], grads["Wv"] = (flat_h.T @ merge(m) for m in (dq, dk, dv))
    dh_total = merge(dq) @ P["Wq"].T + merge(dk) @ P["Wk"].T + merge(dv) @ P["Wv"].T
    dx_ln, grads["ln1_g"], grads["ln1_b"] = _ln_back(dh_total.reshape(b, t, d), ln1)
    return dx1 + dx_ln, grads
