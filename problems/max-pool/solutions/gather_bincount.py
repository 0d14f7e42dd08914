import numpy as np

# Every window gathered with index arrays; backward scatters with np.bincount on flat indices.


def maxpool2d_forward(x, kernel_size, stride=None, padding=0):
    kh, kw = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
    stride = (kh, kw) if stride is None else stride
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    if 2 * ph > kh or 2 * pw > kw:
        raise ValueError("padding over half the kernel")
    n, c, h, w = x.shape
    hp, wp = h + 2 * ph, w + 2 * pw
    if kh > hp or kw > wp:
        raise ValueError("kernel larger than the padded input")
    ho, wo = (hp - kh) // sh + 1, (wp - kw) // sw + 1
    padded = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=-np.inf)
    r = (np.arange(ho) * sh)[:, None, None, None] + np.arange(kh)[None, None, :, None]
    q = (np.arange(wo) * sw)[None, :, None, None] + np.arange(kw)[None, None, None, :]
    flat = (r * wp + q).reshape(ho, wo, kh * kw)  # window entries as flat indices of one image
    cols = padded.reshape(n, c, hp * wp)[:, :, flat]  # (n, c, ho, wo, kh * kw)
    pick = cols.argmax(axis=-1)
    out = np.take_along_axis(cols, pick[..., None], axis=-1)[..., 0]
    where = np.take_along_axis(np.broadcast_to(flat, (*pick.shape, kh * kw)), pick[..., None], -1)
    return out, (x.shape, (hp, wp), (ph, pw), where[..., 0])


def maxpool2d_backward(dout, cache):
    (n, c, h, w), (hp, wp), (ph, pw), where = cache
    image = (np.arange(n * c) * (hp * wp)).reshape(n, c, 1, 1)
    total = np.bincount((where + image).ravel(), weights=dout.ravel(), minlength=n * c * hp * wp)
    return total.reshape(n, c, hp, wp)[:, :, ph : ph + h, pw : pw + w].copy()
