import numpy as np


def clip_grad_norm(grads: list[np.ndarray], max_norm: float, eps: float = 1e-6) -> float:
    """Scale all grads in place so their global L2 norm is at most max_norm; return the norm before."""
    raise NotImplementedError


def clip_grad_value(grads: list[np.ndarray], clip_value: float) -> None:
    """Clamp every entry of every grad, in place, to [-clip_value, clip_value]."""
    raise NotImplementedError
