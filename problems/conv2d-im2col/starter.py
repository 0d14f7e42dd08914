import numpy as np


def conv2d_forward(x, w, b, stride=1, padding=0):
    """Cross-correlation of x (N, C, H, W) with w (F, C, KH, KW), plus b (F,): (N, F, H_out, W_out)."""
    raise NotImplementedError


def conv2d_backward(dout, x, w, b, stride=1, padding=0):
    """Gradients (dx, dw, db) given dout of shape (N, F, H_out, W_out)."""
    raise NotImplementedError
