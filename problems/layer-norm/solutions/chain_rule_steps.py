import numpy as np

# The backward pass as the chain rule through the mean and the variance, one step at a time; the
# RMS from a norm. Numerically different from the reference, the same to the last few bits.


def _shape(x, axes):
    axes = tuple(sorted(a % x.ndim for a in axes))
    return axes, [x.shape[a] if a in axes else 1 for a in range(x.ndim)]


def layer_norm_forward(x, gamma, beta, axes=(-1,), eps=1e-5):
    axes, shape = _shape(x, axes)
    m = int(np.prod([x.shape[a] for a in axes]))
    mu = np.sum(x, axis=axes, keepdims=True) / m
    xc = x - mu
    var = np.sum(xc**2, axis=axes, keepdims=True) / m
    std = np.sqrt(var + eps)
    g = np.reshape(gamma, shape)
    out = g * (xc / std) + np.reshape(beta, shape)
    return out, {"xc": xc, "std": std, "var": var, "eps": eps, "g": g, "axes": axes, "m": m}


def layer_norm_backward(dout, cache):
    xc, std, g, axes, m = cache["xc"], cache["std"], cache["g"], cache["axes"], cache["m"]
    others = tuple(a for a in range(dout.ndim) if a not in axes)
    x_hat = xc / std
    dgamma = np.sum(dout * x_hat, axis=others)
    dbeta = np.sum(dout, axis=others)
    dx_hat = dout * g
    dvar = (
        np.sum(dx_hat * xc, axis=axes, keepdims=True) * -0.5 * (cache["var"] + cache["eps"]) ** -1.5
    )
    dmu = (
        -np.sum(dx_hat, axis=axes, keepdims=True) / std
        - 2.0 * dvar * np.sum(xc, axis=axes, keepdims=True) / m
    )
    dx = dx_hat / std + dvar * 2.0 * xc / m + dmu / m
    return dx, dgamma, dbeta


def rms_norm_forward(x, gamma, axes=(-1,), eps=1e-6):
    axes, shape = _shape(x, axes)
    m = int(np.prod([x.shape[a] for a in axes]))
    norm = np.sqrt(np.sum(np.square(x), axis=axes, keepdims=True))
    rms = np.sqrt(norm**2 / m + eps)
    g = np.reshape(gamma, shape)
    return g * x / rms, (x, rms, g, axes, m)


def rms_norm_backward(dout, cache):
    x, rms, g, axes, m = cache
    others = tuple(a for a in range(dout.ndim) if a not in axes)
    dgamma = np.sum(dout * x / rms, axis=others)
    dx_hat = dout * g
    drms = -np.sum(dx_hat * x, axis=axes, keepdims=True) / rms**2
    dx = dx_hat / rms + drms * x / (m * rms)
    return dx, dgamma
