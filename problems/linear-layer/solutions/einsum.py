"""A correct alternative written with einsum."""

import numpy as np


def linear_forward(x, W, b):
    return np.einsum("ni,ij->nj", x, W) + b[None, :]


def linear_backward(dout, x, W, b):
    dx = np.einsum("nj,ij->ni", dout, W)
    dW = np.einsum("ni,nj->ij", x, dout)
    db = np.einsum("nj->j", dout)
    return dx, dW, db
