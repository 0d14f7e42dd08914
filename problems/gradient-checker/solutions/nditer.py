"""A correct alternative using np.nditer with multi_index and a flat view for the error."""

import numpy as np


def numerical_gradient(f, x, h=1e-5):
    out = np.empty_like(x, dtype=float)
    it = np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]])
    while not it.finished:
        i = it.multi_index
        keep = float(x[i])
        x[i] = keep + h
        up = float(f(x))
        x[i] = keep - h
        down = float(f(x))
        x[i] = keep
        out[i] = (up - down) / (2.0 * h)
        it.iternext()
    return out


def _per_entry(a, b):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if np.shape(a) != np.shape(b):
        raise ValueError("a and b must have the same shape")
    denominator = np.abs(a) + np.abs(b)
    denominator[denominator < 1e-8] = 1e-8
    return (
        np.abs(a - b) / denominator
        if denominator.ndim
        else np.abs(a - b) / max(float(denominator), 1e-8)
    )


def relative_error(a, b):
    e = np.atleast_1d(_per_entry(np.atleast_1d(a), np.atleast_1d(b)))
    return 0.0 if e.size == 0 else float(np.max(e))


def check_gradient(f, grad_f, x, h=1e-5, tol=1e-5):
    if x.size == 0:
        return True, 0.0, None
    numeric = numerical_gradient(f, x, h)
    e = _per_entry(grad_f(x), numeric)
    flat = int(np.argmax(e.ravel()))
    index = tuple(int(k) for k in np.unravel_index(flat, x.shape))
    return bool(e.ravel()[flat] <= tol), float(e.ravel()[flat]), index
