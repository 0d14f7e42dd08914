import numpy as np


def maxpool2d_forward(x, kernel_size, stride=None, padding=0):
    """Max pooling of x (N, C, H, W); returns (out, cache)."""
    raise NotImplementedError


def maxpool2d_backward(dout, cache):
    """The gradient with respect to x of the forward call that made `cache`."""
    raise NotImplementedError
