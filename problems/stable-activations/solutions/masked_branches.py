import math

import numpy as np

# Positive and negative inputs computed on separate masks; the tanh GELU through the identity
# (1 + tanh(z)) / 2 = sigmoid(2 z).

erfc = np.frompyfunc(math.erfc, 1, 1)


def _sigmoid(x):
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    out[~pos] = e / (1.0 + e)
    return out


def softplus(x):
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    big = x > 0
    out[big] = x[big] + np.log1p(np.exp(-x[big]))
    out[~big] = np.log1p(np.exp(x[~big]))
    return out


def softplus_grad(x):
    return _sigmoid(x)


def log_sigmoid(x):
    return -softplus(-np.asarray(x, dtype=float))


def log_sigmoid_grad(x):
    return _sigmoid(-np.asarray(x, dtype=float))


def silu(x):
    return x * _sigmoid(x)


def silu_grad(x):
    s = _sigmoid(x)
    return s * (1.0 + x * (1.0 - s))


def _z(x):
    return math.sqrt(2.0 / math.pi) * (x + 0.044715 * x * x * x)


def gelu(x, approximate="none"):
    x = np.asarray(x, dtype=float)
    if approximate == "tanh":
        return x * _sigmoid(2.0 * _z(x))
    if approximate != "none":
        raise ValueError("approximate must be 'none' or 'tanh'")
    return x * 0.5 * np.asarray(erfc(-x / math.sqrt(2.0)), dtype=float)


def gelu_grad(x, approximate="none"):
    x = np.asarray(x, dtype=float)
    if approximate == "tanh":
        s = _sigmoid(2.0 * _z(x))
        dz = math.sqrt(2.0 / math.pi) * (1.0 + 3 * 0.044715 * x * x)
        return s + x * 2.0 * s * (1.0 - s) * dz
    if approximate != "none":
        raise ValueError("approximate must be 'none' or 'tanh'")
    phi = np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)
    return 0.5 * np.asarray(erfc(-x / math.sqrt(2.0)), dtype=float) + x * phi
