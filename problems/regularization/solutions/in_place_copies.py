import numpy as np

# Copies updated in place, the way optimiser code usually looks.


def l1_penalty(w, lam):
    return lam * np.linalg.norm(w.ravel(), 1), lam * np.sign(w)


def l2_penalty(w, lam):
    return 0.5 * lam * np.linalg.norm(w.ravel()) ** 2, lam * w


def elastic_net_penalty(w, lam, l1_ratio):
    one, g_one = l1_penalty(w, l1_ratio * lam)
    two, g_two = l2_penalty(w, (1 - l1_ratio) * lam)
    return one + two, g_one + g_two


def _adam(w, g, m, v, t, lr, betas, eps):
    w, m, v = w.copy(), m.copy(), v.copy()
    m *= betas[0]
    m += (1 - betas[0]) * g
    v *= betas[1]
    v += (1 - betas[1]) * g * g
    denom = np.sqrt(v) / np.sqrt(1 - betas[1] ** t) + eps
    w -= (lr / (1 - betas[0] ** t)) * m / denom
    return w, m, v


def adam_l2_step(w, g, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    return _adam(w, g + weight_decay * w, m, v, t, lr, betas, eps)


def adamw_step(w, g, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    return _adam(w * (1 - lr * weight_decay), g, m, v, t, lr, betas, eps)
