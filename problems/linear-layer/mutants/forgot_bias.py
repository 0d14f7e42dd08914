"""Leaves the bias out of the forward pass.

Caught by: worked_example, small_batch
"""


def linear_forward(x, W, b):
    return x @ W


def linear_backward(dout, x, W, b):
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)
