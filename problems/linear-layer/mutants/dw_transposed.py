"""Computes dW as dout^T @ x, which has the transposed shape (D_out, D_in).

Caught by: small_batch, gradient_check
"""


def linear_forward(x, W, b):
    return x @ W + b


def linear_backward(dout, x, W, b):
    return dout @ W.T, dout.T @ x, dout.sum(axis=0)
