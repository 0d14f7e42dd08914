import numpy as np


def l1_penalty(w, lam):
    """(lam * sum|w|, its subgradient)."""
    raise NotImplementedError


def l2_penalty(w, lam):
    """(lam / 2 * sum w^2, its gradient)."""
    raise NotImplementedError


def elastic_net_penalty(w, lam, l1_ratio):
    raise NotImplementedError


def adam_l2_step(w, g, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    """One Adam step with an L2 penalty added to the gradient; returns (w, m, v)."""
    raise NotImplementedError


def adamw_step(w, g, m, v, t, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    """One AdamW step (decoupled weight decay); returns (w, m, v)."""
    raise NotImplementedError
