import numpy as np


def _axes(x, axes):
    return tuple(sorted(a % x.ndim for a in axes))


def _expand(v, x, axes):
    """gamma-shaped (the normalised axes' sizes) -> broadcastable against x."""
    return v.reshape([x.shape[a] if a in axes else 1 for a in range(x.ndim)])


def layer_norm_forward(x, gamma, beta, axes=(-1,), eps=1e-5):
    axes = _axes(x, axes)
    mu = x.mean(axis=axes, keepdims=True)
    centred = x - mu
    var = (centred * centred).mean(axis=axes, keepdims=True)
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = centred * inv_std
    g = _expand(gamma, x, axes)
    y = g * x_hat + _expand(beta, x, axes)
    return y, (x_hat, inv_std, g, axes)


def layer_norm_backward(dout, cache):
    x_hat, inv_std, g, axes = cache
    others = tuple(a for a in range(dout.ndim) if a not in axes)
    dgamma = (dout * x_hat).sum(axis=others)
    dbeta = dout.sum(axis=others)
    d_hat = dout * g
    mean_d = d_hat.mean(axis=axes, keepdims=True)
    mean_dx = (d_hat * x_hat).mean(axis=axes, keepdims=True)
    dx = inv_std * (d_hat - mean_d - x_hat * mean_dx)
    return dx, dgamma, dbeta


def rms_norm_forward(x, gamma, axes=(-1,), eps=1e-6):
    axes = _axes(x, axes)
    inv_rms = 1.0 / np.sqrt((x * x).mean(axis=axes, keepdims=True) + eps)
    x_hat = x * inv_rms
    g = _expand(gamma, x, axes)
    return g * x_hat, (x_hat, inv_rms, g, axes)


def rms_norm_backward(dout, cache):
    x_hat, inv_rms, g, axes = cache
    others = tuple(a for a in range(dout.ndim) if a not in axes)
    dgamma = (dout * x_hat).sum(axis=others)
    d_hat = dout * g
    dx = inv_rms * (d_hat - x_hat * (d_hat * x_hat).mean(axis=axes, keepdims=True))
    return dx, dgamma
