import numpy as np


def _others(x, axis):
    """The axes reduced for the statistics: all of them per tensor, all but `axis` per channel."""
    return None if axis is None else tuple(a for a in range(x.ndim) if a != axis % x.ndim)


def _along(x, axis, values):
    """Per-channel values shaped to broadcast against x (one value: as it is)."""
    if axis is None or np.ndim(values) == 0:
        return values
    return np.reshape(values, [x.shape[a] if a == axis % x.ndim else 1 for a in range(x.ndim)])


def _out(values, axis):
    return float(values) if axis is None else values


def quantize_symmetric(x, axis=None, scale=None):
    if scale is None:
        peak = np.abs(x).max(axis=_others(x, axis))
        scale = _out(np.where(peak > 0, peak / 127.0, 1.0), axis)
    q = np.clip(np.rint(x / _along(x, axis, scale)), -127, 127)  # rint: half to even
    return q.astype(np.int8), scale


def quantize_asymmetric(x, axis=None, scale=None, zero_point=None):
    if scale is None:
        lo = np.minimum(x.min(axis=_others(x, axis)), 0.0)  # the range always holds 0
        hi = np.maximum(x.max(axis=_others(x, axis)), 0.0)
        s = np.where(hi > lo, (hi - lo) / 255.0, 1.0)
        zp = (-128 - np.rint(lo / s)).astype(np.int64)  # in [-128, 127], as lo <= 0 <= hi
        scale, zero_point = _out(s, axis), (int(zp) if axis is None else zp)
    shifted = np.rint(x / _along(x, axis, scale)) + _along(x, axis, zero_point)
    return np.clip(shifted, -128, 127).astype(np.int8), scale, zero_point


def dequantize(q, scale, zero_point=0, axis=None):
    return (q.astype(np.float64) - _along(q, axis, zero_point)) * _along(q, axis, scale)


def int8_matmul(a, b):
    qa, sa = quantize_symmetric(a)  # one scale for the activations
    qb, sb = quantize_symmetric(b, axis=1)  # one per output column of the weights
    acc = np.matmul(qa, qb, dtype=np.int32)  # exact: int8 products summed in int32
    return acc * sa * sb[None, :]
