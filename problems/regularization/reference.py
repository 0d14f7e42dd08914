import numpy as np


def l1_penalty(w, lam):
    return lam * np.abs(w).sum(), lam * np.sign(w)  # sign(0) = 0: the subgradient chosen at 0


def l2_penalty(w, lam):
    return 0.5 * lam * (w * w).sum(), lam * w


def elastic_net_penalty(w, lam, l1_ratio):
    v1, g1 = l1_penalty(w, lam * l1_ratio)
    v2, g2 = l2_penalty(w, lam * (1.0 - l1_ratio))
    return v1 + v2, g1 + g2


def _adam(w, g, m, v, t, lr, betas, eps):
    b1, b2 = betas
    m = b1 * m + (1.0 - b1) * g
    v = b2 * v + (1.0 - b2) * g * g
    m_hat = m / (1.0 - b1**t)
    v_hat = v / (1.0 - b2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def adam_l2_step(w, g, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    return _adam(w, g + weight_decay * w, m, v, t, lr, betas, eps)


def adamw_step(w, g, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    return _adam(w * (1.0 - lr * weight_decay), g, m, v, t, lr, betas, eps)
