"""Computes dw from the first image of the batch only, forgetting to sum over the batch.

Caught by: small_random, gradient_check_stride_padding
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _columns(x, kh, kw, stride, padding):
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = sliding_window_view(xp, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]
    n, c, ho, wo = windows.shape[:4]
    cols = windows.transpose(0, 2, 3, 1, 4, 5).reshape(n * ho * wo, c * kh * kw)
    return cols, ho, wo


def conv2d_forward(x, w, b, stride=1, padding=0):
    f, _, kh, kw = w.shape
    cols, ho, wo = _columns(x, kh, kw, stride, padding)
    out = cols @ w.reshape(f, -1).T + b
    return out.reshape(x.shape[0], ho, wo, f).transpose(0, 3, 1, 2)


def conv2d_backward(dout, x, w, b, stride=1, padding=0):
    n, c, h, width = x.shape
    f, _, kh, kw = w.shape
    cols, ho, wo = _columns(x, kh, kw, stride, padding)
    dout_mat = dout.transpose(0, 2, 3, 1).reshape(-1, f)
    per_image = ho * wo
    dw = (dout_mat[:per_image].T @ cols[:per_image]).reshape(w.shape)
    db = dout.sum(axis=(0, 2, 3))
    dcols = (dout_mat @ w.reshape(f, -1)).reshape(n, ho, wo, c, kh, kw)
    dxp = np.zeros((n, c, h + 2 * padding, width + 2 * padding))
    for u in range(kh):
        for v in range(kw):
            dxp[:, :, u : u + stride * ho : stride, v : v + stride * wo : stride] += dcols[
                :, :, :, :, u, v
            ].transpose(0, 3, 1, 2)
    return dxp[:, :, padding : padding + h, padding : padding + width], dw, db
