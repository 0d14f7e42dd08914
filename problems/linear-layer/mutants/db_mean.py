"""Averages dout over the batch for db instead of summing it.

Caught by: small_batch, gradient_check
"""


def linear_forward(x, W, b):
    return x @ W + b


def linear_backward(dout, x, W, b):
    return dout @ W.T, x.T @ dout, dout.mean(axis=0)
