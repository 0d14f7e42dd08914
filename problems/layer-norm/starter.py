import numpy as np


def layer_norm_forward(x, gamma, beta, axes=(-1,), eps=1e-5):
    """LayerNorm of x over `axes`; returns (y, cache)."""
    raise NotImplementedError


def layer_norm_backward(dout, cache):
    """Returns (dx, dgamma, dbeta) for the forward call that made `cache`."""
    raise NotImplementedError


def rms_norm_forward(x, gamma, axes=(-1,), eps=1e-6):
    """RMSNorm of x over `axes`; returns (y, cache)."""
    raise NotImplementedError


def rms_norm_backward(dout, cache):
    """Returns (dx, dgamma) for the forward call that made `cache`."""
    raise NotImplementedError
