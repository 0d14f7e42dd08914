import numpy as np


def numerical_gradient(f, x, h=1e-5):
    """Centred differences of the scalar f at x, perturbing x in place and restoring it."""
    raise NotImplementedError


def relative_error(a, b):
    """Largest |a - b| / max(|a| + |b|, 1e-8) over the entries."""
    raise NotImplementedError


def check_gradient(f, grad_f, x, h=1e-5, tol=1e-5):
    """(ok, max_rel_error, worst_index) comparing grad_f(x) with numerical_gradient(f, x, h)."""
    raise NotImplementedError
