import numpy as np

# Every group becomes one row of a 2-D array: move the normalised axes to the end and flatten them.


def _rows(x, axes):
    axes = sorted(a % x.ndim for a in axes)
    others = [a for a in range(x.ndim) if a not in axes]
    moved = np.transpose(x, others + axes)
    return moved.reshape(-1, int(np.prod([x.shape[a] for a in axes]))), (x.shape, others, axes)


def _unrows(rows, layout):
    shape, others, axes = layout
    order = others + axes
    moved = rows.reshape([shape[a] for a in order])
    return np.transpose(moved, np.argsort(order))


def layer_norm_forward(x, gamma, beta, axes=(-1,), eps=1e-5):
    rows, layout = _rows(x, axes)
    mean = rows.mean(axis=1, keepdims=True)
    var = rows.var(axis=1, keepdims=True)
    inv = 1.0 / np.sqrt(var + eps)
    x_hat = (rows - mean) * inv
    g, b = gamma.reshape(1, -1), beta.reshape(1, -1)
    return _unrows(x_hat * g + b, layout), (x_hat, inv, g, layout, gamma.shape)


def layer_norm_backward(dout, cache):
    x_hat, inv, g, layout, pshape = cache
    d, _ = _rows(dout, layout[2])
    m = x_hat.shape[1]
    dgamma = (d * x_hat).sum(axis=0).reshape(pshape)
    dbeta = d.sum(axis=0).reshape(pshape)
    dh = d * g
    dx = m * dh - dh.sum(axis=1, keepdims=True) - x_hat * (dh * x_hat).sum(axis=1, keepdims=True)
    return _unrows(dx * inv / m, layout), dgamma, dbeta


def rms_norm_forward(x, gamma, axes=(-1,), eps=1e-6):
    rows, layout = _rows(x, axes)
    inv = 1.0 / np.sqrt(np.mean(rows**2, axis=1, keepdims=True) + eps)
    x_hat = rows * inv
    g = gamma.reshape(1, -1)
    return _unrows(x_hat * g, layout), (x_hat, inv, g, layout, gamma.shape)


def rms_norm_backward(dout, cache):
    x_hat, inv, g, layout, pshape = cache
    d, _ = _rows(dout, layout[2])
    dgamma = (d * x_hat).sum(axis=0).reshape(pshape)
    dh = d * g
    m = x_hat.shape[1]
    dx = inv * (dh - x_hat * (dh * x_hat).sum(axis=1, keepdims=True) / m)
    return _unrows(dx, layout), dgamma
