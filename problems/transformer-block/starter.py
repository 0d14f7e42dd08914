import numpy as np


def block_forward(x, params, n_heads):
    """A pre-norm transformer block on x (B, T, D); returns (y, cache)."""
    raise NotImplementedError


def block_backward(dy, cache):
    """(dx, grads) with grads[name] the gradient of params[name], for every parameter."""
    raise NotImplementedError
