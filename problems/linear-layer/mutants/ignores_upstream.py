"""Derives the gradients for a plain sum of the outputs, ignoring the upstream gradient dout.

Caught by: small_batch, gradient_check
"""

import numpy as np


def linear_forward(x, W, b):
    return x @ W + b


def linear_backward(dout, x, W, b):
    ones = np.ones_like(dout)
    return ones @ W.T, x.T @ ones, ones.sum(axis=0)
