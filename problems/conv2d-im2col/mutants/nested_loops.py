"""Loops in Python over every image, filter, output pixel, channel and kernel entry: correct but far too slow.

Caught by: large_batch_speed
"""

import numpy as np


def conv2d_forward(x, w, b, stride=1, padding=0):
    n, c, h, width = x.shape
    f, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    ho = (h + 2 * padding - kh) // stride + 1
    wo = (width + 2 * padding - kw) // stride + 1
    out = np.zeros((n, f, ho, wo))
    for i in range(n):
        for k in range(f):
            for r in range(ho):
                for s in range(wo):
                    total = b[k]
                    for ch in range(c):
                        for u in range(kh):
                            for v in range(kw):
                                total += xp[i, ch, r * stride + u, s * stride + v] * w[k, ch, u, v]
                    out[i, k, r, s] = total
    return out


def conv2d_backward(dout, x, w, b, stride=1, padding=0):
    n, c, h, width = x.shape
    f, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    ho, wo = dout.shape[2], dout.shape[3]
    for i in range(n):
        for k in range(f):
            for r in range(ho):
                for s in range(wo):
                    g = dout[i, k, r, s]
                    for ch in range(c):
                        for u in range(kh):
                            for v in range(kw):
                                dw[k, ch, u, v] += g * xp[i, ch, r * stride + u, s * stride + v]
                                dxp[i, ch, r * stride + u, s * stride + v] += g * w[k, ch, u, v]
    return dxp[:, :, padding : padding + h, padding : padding + width], dw, dout.sum(axis=(0, 2, 3))
