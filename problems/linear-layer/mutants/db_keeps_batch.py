"""Returns dout itself as db, keeping the batch axis instead of summing over it.

Caught by: small_batch
"""


def linear_forward(x, W, b):
    return x @ W + b


def linear_backward(dout, x, W, b):
    return dout @ W.T, x.T @ dout, dout
