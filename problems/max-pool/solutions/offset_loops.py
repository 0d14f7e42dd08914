import numpy as np

# A loop over the kh * kw offsets of a window, each a strided slice of every window at once.


def _two(v):
    return (int(v), int(v)) if np.isscalar(v) else (int(v[0]), int(v[1]))


def maxpool2d_forward(x, kernel_size, stride=None, padding=0):
    kh, kw = _two(kernel_size)
    sh, sw = _two(kernel_size if stride is None else stride)
    ph, pw = _two(padding)
    if ph * 2 > kh or pw * 2 > kw:
        raise ValueError("padding is larger than half the kernel")
    H, W = x.shape[2] + 2 * ph, x.shape[3] + 2 * pw
    if kh > H or kw > W:
        raise ValueError("kernel larger than the padded input")
    ho, wo = (H - kh) // sh + 1, (W - kw) // sw + 1
    xp = np.full((*x.shape[:2], H, W), -np.inf)
    xp[:, :, ph : ph + x.shape[2], pw : pw + x.shape[3]] = x
    best = np.full((*x.shape[:2], ho, wo), -np.inf)
    arg = np.zeros(best.shape, dtype=np.int64)
    for i in range(kh):
        for j in range(kw):
            part = xp[:, :, i : i + sh * ho : sh, j : j + sw * wo : sw]
            better = part > best  # strictly: an earlier offset keeps a tie
            best = np.where(better, part, best)
            arg = np.where(better, i * kw + j, arg)
    return best, (x.shape, (kh, kw), (sh, sw), (ph, pw), arg)


def maxpool2d_backward(dout, cache):
    shape, (kh, kw), (sh, sw), (ph, pw), arg = cache
    ho, wo = arg.shape[2:]
    dxp = np.zeros((*shape[:2], shape[2] + 2 * ph, shape[3] + 2 * pw))
    for i in range(kh):
        for j in range(kw):
            dxp[:, :, i : i + sh * ho : sh, j : j + sw * wo : sw] += np.where(
                arg == i * kw + j, dout, 0.0
            )
    return dxp[:, :, ph : ph + shape[2], pw : pw + shape[3]].copy()
