import numpy as np

# Channels moved to the front and flattened: the statistics are row reductions of a 2-D view.


def _rows(x, axis):
    if axis is None:
        return x.reshape(1, -1)
    return np.moveaxis(x, axis, 0).reshape(x.shape[axis], -1)


def _expand(x, axis, v):
    v = np.asarray(v, dtype=float)
    if axis is None:
        return v
    shape = [1] * x.ndim
    shape[axis] = -1
    return v.reshape(shape)


def quantize_symmetric(x, axis=None, scale=None):
    if scale is None:
        peak = np.max(np.abs(_rows(x, axis)), axis=1)
        peak[peak == 0] = 127.0
        scale = peak / 127.0 if axis is not None else float(peak[0] / 127.0)
    q = np.round(x / _expand(x, axis, scale))
    return np.clip(q, -127, 127).astype(np.int8), scale


def quantize_asymmetric(x, axis=None, scale=None, zero_point=None):
    if scale is None:
        rows = _rows(x, axis)
        lo = np.minimum(rows.min(axis=1), 0)
        hi = np.maximum(rows.max(axis=1), 0)
        span = hi - lo
        s = np.where(span > 0, span, 255.0) / 255.0
        zp = np.clip(-128 - np.round(lo / s), -128, 127).astype(int)
        scale, zero_point = (s, zp) if axis is not None else (float(s[0]), int(zp[0]))
    q = np.round(x / _expand(x, axis, scale)) + _expand(x, axis, zero_point)
    return np.clip(q, -128, 127).astype(np.int8), scale, zero_point


def dequantize(q, scale, zero_point=0, axis=None):
    return (q.astype(float) - _expand(q, axis, zero_point)) * _expand(q, axis, scale)


def int8_matmul(a, b):
    qa, sa = quantize_symmetric(a)
    qb, sb = quantize_symmetric(b, axis=1)
    acc = np.matmul(qa.astype(np.int64), qb.astype(np.int64))
    return (acc * sb) * sa
