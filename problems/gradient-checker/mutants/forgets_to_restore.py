"""Leaves each entry at x - h instead of restoring it, so later entries see a shifted x.

Caught by: perturbs_in_place, curved_function
"""

import numpy as np

FLOOR = 1e-8


def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        original = x[idx]
        x[idx] = original + h
        plus = f(x)
        x[idx] = original - h
        minus = f(x)
        grad[idx] = (plus - minus) / (2 * h)
    return grad


def _errors(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} and {b.shape}")
    return np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), FLOOR)


def relative_error(a, b):
    errors = _errors(a, b)
    return float(errors.max()) if errors.size else 0.0


def check_gradient(f, grad_f, x, h=1e-5, tol=1e-5):
    if x.size == 0:
        return True, 0.0, None
    errors = _errors(grad_f(x), numerical_gradient(f, x, h))
    worst = np.unravel_index(int(np.argmax(errors)), errors.shape)
    max_error = float(errors[worst])
    return max_error <= tol, max_error, tuple(int(i) for i in worst)
