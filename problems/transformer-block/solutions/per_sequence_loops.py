import numpy as np

# One sequence and one head at a time, with 2-D matrices only.

EPS = 1e-5


def _ln(z, g, b):
    mean = z.mean(axis=1, keepdims=True)
    inv = 1.0 / np.sqrt(((z - mean) ** 2).mean(axis=1, keepdims=True) + EPS)
    zh = (z - mean) * inv
    return zh * g + b, zh, inv


def _ln_grad(dout, zh, inv, g):
    d = dout * g
    dz = (d - d.mean(axis=1, keepdims=True) - zh * (d * zh).mean(axis=1, keepdims=True)) * inv
    return dz, (dout * zh).sum(axis=0), dout.sum(axis=0)


def _gelu(u):
    t = np.tanh(np.sqrt(2 / np.pi) * (u + 0.044715 * u**3))
    grad = 0.5 * (1 + t) + 0.5 * u * (1 - t**2) * np.sqrt(2 / np.pi) * (1 + 0.134145 * u**2)
    return 0.5 * u * (1 + t), grad


def _one(x, p, nh):
    t, d = x.shape
    dh = d // nh
    h, hh, hinv = _ln(x, p["ln1_g"], p["ln1_b"])
    q, k, v = h @ p["Wq"], h @ p["Wk"], h @ p["Wv"]
    ctx = np.zeros((t, d))
    probs = []
    future = np.triu(np.ones((t, t), dtype=bool), 1)
    for i in range(nh):
        cols = slice(i * dh, (i + 1) * dh)
        s = q[:, cols] @ k[:, cols].T / np.sqrt(dh)
        s[future] = -np.inf
        a = np.exp(s - s.max(axis=1, keepdims=True))
        a /= a.sum(axis=1, keepdims=True)
        probs.append(a)
        ctx[:, cols] = a @ v[:, cols]
    x1 = x + ctx @ p["Wo"]
    h2, h2h, h2inv = _ln(x1, p["ln2_g"], p["ln2_b"])
    u = h2 @ p["W1"] + p["b1"]
    act, dact_du = _gelu(u)
    y = x1 + act @ p["W2"] + p["b2"]
    return y, (x, h, hh, hinv, q, k, v, probs, ctx, h2, h2h, h2inv, act, dact_du)


def block_forward(x, params, n_heads):
    results = [_one(seq, params, n_heads) for seq in x]
    return np.stack([r[0] for r in results]), (params, n_heads, [r[1] for r in results])


def block_backward(dy, cache):
    p, nh, saved = cache
    grads = {name: np.zeros_like(value) for name, value in p.items()}
    dxs = []
    for dys, (x, h, hh, hinv, q, k, v, probs, ctx, h2, h2h, h2inv, act, dact_du) in zip(
        dy, saved, strict=True
    ):
        t, d = x.shape
        dh = d // nh
        grads["W2"] += act.T @ dys
        grads["b2"] += dys.sum(axis=0)
        du = (dys @ p["W2"].T) * dact_du
        grads["W1"] += h2.T @ du
        grads["b1"] += du.sum(axis=0)
        dz, dg, db = _ln_grad(du @ p["W1"].T, h2h, h2inv, p["ln2_g"])
        grads["ln2_g"] += dg
        grads["ln2_b"] += db
        dx1 = dys + dz
        grads["Wo"] += ctx.T @ dx1
        dctx = dx1 @ p["Wo"].T
        dq, dk, dv = np.zeros((t, d)), np.zeros((t, d)), np.zeros((t, d))
        for i, a in enumerate(probs):
            cols = slice(i * dh, (i + 1) * dh)
            da = dctx[:, cols] @ v[:, cols].T
            dv[:, cols] = a.T @ dctx[:, cols]
            ds = a * (da - (da * a).sum(axis=1, keepdims=True)) / np.sqrt(dh)
            dq[:, cols] = ds @ k[:, cols]
            dk[:, cols] = ds.T @ q[:, cols]
        grads["Wq"] += h.T @ dq
        grads["Wk"] += h.T @ dk
        grads["Wv"] += h.T @ dv
        dh_all = dq @ p["Wq"].T + dk @ p["Wk"].T + dv @ p["Wv"].T
        dz1, dg1, db1 = _ln_grad(dh_all, hh, hinv, p["ln1_g"])
        grads["ln1_g"] += dg1
        grads["ln1_b"] += db1
        dxs.append(dx1 + dz1)
    return np.stack(dxs), grads
