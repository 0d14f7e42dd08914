import numpy as np

# One channel at a time, with np.take along the channel axis; the matmul in float64 on the codes
# (exact: every partial sum of int8 products is an integer far below 2**53).


def _sym(x):
    peak = float(np.abs(x).max()) if x.size else 0.0
    return peak / 127.0 if peak > 0 else 1.0


def _asym(x):
    lo, hi = min(float(x.min()), 0.0), max(float(x.max()), 0.0)
    s = (hi - lo) / 255.0 if hi > lo else 1.0
    return s, int(np.clip(-128 - np.rint(lo / s), -128, 127))


def _shape(x, axis):
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    return shape


def quantize_symmetric(x, axis=None, scale=None):
    if scale is None:
        if axis is None:
            scale = _sym(x)
        else:
            scale = np.array([_sym(np.take(x, i, axis=axis)) for i in range(x.shape[axis])])
    s = scale if axis is None else np.reshape(scale, _shape(x, axis))
    return np.clip(np.rint(x / s), -127, 127).astype(np.int8), scale


def quantize_asymmetric(x, axis=None, scale=None, zero_point=None):
    if scale is None:
        if axis is None:
            scale, zero_point = _asym(x)
        else:
            pairs = [_asym(np.take(x, i, axis=axis)) for i in range(x.shape[axis])]
            scale = np.array([p[0] for p in pairs])
            zero_point = np.array([p[1] for p in pairs])
    if axis is None:
        s, z = scale, zero_point
    else:
        s, z = np.reshape(scale, _shape(x, axis)), np.reshape(zero_point, _shape(x, axis))
    return np.clip(np.rint(x / s) + z, -128, 127).astype(np.int8), scale, zero_point


def dequantize(q, scale, zero_point=0, axis=None):
    if axis is not None:
        scale = np.reshape(scale, _shape(q, axis))
        zero_point = np.reshape(np.broadcast_to(zero_point, (q.shape[axis],)), _shape(q, axis))
    return (q.astype(np.float64) - zero_point) * scale


def int8_matmul(a, b):
    qa, sa = quantize_symmetric(a)
    qb, sb = quantize_symmetric(b, axis=1)
    return (qa.astype(np.float64) @ qb.astype(np.float64)) * (sa * sb)
