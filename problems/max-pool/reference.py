import numpy as np


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def maxpool2d_forward(x, kernel_size, stride=None, padding=0):
    kh, kw = _pair(kernel_size)
    sh, sw = _pair(kernel_size if stride is None else stride)
    ph, pw = _pair(padding)
    if 2 * ph > kh or 2 * pw > kw:
        raise ValueError("padding must be at most half the kernel size")
    n, c, h, w = x.shape
    if kh > h + 2 * ph or kw > w + 2 * pw:
        raise ValueError("the kernel is larger than the padded input")
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=-np.inf)
    ho, wo = (h + 2 * ph - kh) // sh + 1, (w + 2 * pw - kw) // sw + 1
    windows = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(2, 3))
    windows = windows[:, :, ::sh, ::sw].reshape(n, c, ho * wo, kh * kw)
    first = windows.argmax(axis=-1)  # the first maximum of each window, in row-major order
    out = np.take_along_axis(windows, first[..., None], axis=-1).reshape(n, c, ho, wo)
    # Where each output's maximum sits in the padded input.
    rows = (np.arange(ho) * sh)[:, None] + first.reshape(n, c, ho, wo) // kw
    cols = (np.arange(wo) * sw)[None, :] + first.reshape(n, c, ho, wo) % kw
    return out, (x.shape, (ph, pw), rows, cols)


def maxpool2d_backward(dout, cache):
    shape, (ph, pw), rows, cols = cache
    n, c = shape[:2]
    dx = np.zeros(shape)
    ni, ci = np.meshgrid(np.arange(n), np.arange(c), indexing="ij")
    # A maximum is never padding: its position in x is in range.
    np.add.at(dx, (ni[..., None, None], ci[..., None, None], rows - ph, cols - pw), dout)
    return dx
