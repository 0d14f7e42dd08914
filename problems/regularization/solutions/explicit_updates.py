import numpy as np

# The penalties written out; the optimisers with the bias corrections folded into the step size.


def l1_penalty(w, lam):
    grad = np.where(w > 0, lam, np.where(w < 0, -lam, 0.0))
    return float(lam * np.sum(np.abs(w))), grad


def l2_penalty(w, lam):
    return float(lam * np.dot(w.ravel(), w.ravel()) / 2), lam * w


def elastic_net_penalty(w, lam, l1_ratio):
    a, b = lam * l1_ratio, lam * (1 - l1_ratio)
    value = a * np.sum(np.abs(w)) + b * np.sum(w**2) / 2
    grad = a * np.sign(w) + b * w
    return float(value), grad


def _step(w, g, m, v, t, lr, betas, eps):
    b1, b2 = betas
    m = m * b1 + g * (1 - b1)
    v = v * b2 + g**2 * (1 - b2)
    c1, c2 = 1 - b1**t, 1 - b2**t
    return w - lr * (m / c1) / (np.sqrt(v / c2) + eps), m, v


def adam_l2_step(w, g, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    return _step(w, g + weight_decay * w, m, v, t, lr, betas, eps)


def adamw_step(w, g, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    decayed = w - lr * weight_decay * w
    return _step(decayed, g, m, v, t, lr, betas, eps)
