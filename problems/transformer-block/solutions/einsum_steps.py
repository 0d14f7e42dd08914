import numpy as np

# einsum for every product, and LayerNorm's backward through the mean and the variance step by step.

K = 0.044715
C = np.sqrt(2.0 / np.pi)


def _layer_norm(x, g, b):
    mu = x.mean(-1, keepdims=True)
    var = x.var(-1, keepdims=True)
    std = np.sqrt(var + 1e-5)
    return g * (x - mu) / std + b, (x - mu, std, g)


def _layer_norm_back(dy, saved):
    xc, std, g = saved
    n = xc.shape[-1]
    dxh = dy * g
    dvar = np.sum(dxh * xc, -1, keepdims=True) * -0.5 * std**-3
    dmu = -np.sum(dxh, -1, keepdims=True) / std
    dx = dxh / std + dvar * 2 * xc / n + dmu / n
    return dx, np.einsum("btd,btd->d", dy, xc / std), np.einsum("btd->d", dy)


def block_forward(x, params, n_heads):
    p = params
    bsz, t, d = x.shape
    dh = d // n_heads
    h, s1 = _layer_norm(x, p["ln1_g"], p["ln1_b"])
    q, k, v = (
        np.einsum("btd,de->bte", h, p[w]).reshape(bsz, t, n_heads, dh) for w in ("Wq", "Wk", "Wv")
    )
    scores = np.einsum("bihe,bjhe->bhij", q, k) / np.sqrt(dh)
    scores[..., np.triu(np.ones((t, t), dtype=bool), 1)] = -np.inf
    scores -= scores.max(-1, keepdims=True)
    att = np.exp(scores)
    att /= att.sum(-1, keepdims=True)
    ctx = np.einsum("bhij,bjhe->bihe", att, v).reshape(bsz, t, d)
    x1 = x + ctx @ p["Wo"]
    h2, s2 = _layer_norm(x1, p["ln2_g"], p["ln2_b"])
    u = h2 @ p["W1"] + p["b1"]
    inner = C * (u + K * u**3)
    act = 0.5 * u * (1 + np.tanh(inner))
    y = x1 + act @ p["W2"] + p["b2"]
    return y, dict(
        p=p,
        nh=n_heads,
        s1=s1,
        s2=s2,
        h=h,
        q=q,
        k=k,
        v=v,
        att=att,
        ctx=ctx,
        h2=h2,
        u=u,
        inner=inner,
        act=act,
    )


def block_backward(dy, c):
    p, nh = c["p"], c["nh"]
    bsz, t, d = dy.shape
    dh = d // nh
    g = {}
    g["W2"] = np.einsum("btf,btd->fd", c["act"], dy)
    g["b2"] = np.einsum("btd->d", dy)
    dact = dy @ p["W2"].T
    u, inner = c["u"], c["inner"]
    sech2 = 1.0 / np.cosh(np.clip(inner, -350.0, 350.0)) ** 2  # 0 beyond, without overflow
    du = dact * (0.5 * (1 + np.tanh(inner)) + 0.5 * u * sech2 * C * (1 + 3 * K * u**2))
    g["W1"] = np.einsum("btd,btf->df", c["h2"], du)
    g["b1"] = np.einsum("btf->f", du)
    d_ln2, g["ln2_g"], g["ln2_b"] = _layer_norm_back(du @ p["W1"].T, c["s2"])
    dx1 = dy + d_ln2
    g["Wo"] = np.einsum("btd,bte->de", c["ctx"], dx1)
    dctx = (dx1 @ p["Wo"].T).reshape(bsz, t, nh, dh)
    att = c["att"]
    datt = np.einsum("bihe,bjhe->bhij", dctx, c["v"])
    dv = np.einsum("bhij,bihe->bjhe", att, dctx)
    dscores = att * (datt - np.sum(datt * att, -1, keepdims=True)) / np.sqrt(dh)
    dq = np.einsum("bhij,bjhe->bihe", dscores, c["k"]).reshape(bsz, t, d)
    dk = np.einsum("bhij,bihe->bjhe", dscores, c["q"]).reshape(bsz, t, d)
    dv = dv.reshape(bsz, t, d)
    h = c["h"]
    g["Wq"], g["Wk"], g["Wv"] = (np.einsum("btd,bte->de", h, m) for m in (dq, dk, dv))
    dh_ = dq @ p["Wq"].T + dk @ p["Wk"].T + dv @ p["Wv"].T
    d_ln1, g["ln1_g"], g["ln1_b"] = _layer_norm_back(dh_, c["s1"])
    return dx1 + d_ln1, g
