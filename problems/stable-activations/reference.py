import math

import numpy as np

_erfc = np.vectorize(math.erfc, otypes=[np.float64])
_C = math.sqrt(2.0 / math.pi)
_K = 0.044715


def _sigmoid(x):
    e = np.exp(-np.abs(x))  # never overflows
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def softplus(x):
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def softplus_grad(x):
    return _sigmoid(x)


def log_sigmoid(x):
    return np.minimum(x, 0.0) - np.log1p(np.exp(-np.abs(x)))


def log_sigmoid_grad(x):
    return _sigmoid(-x)


def silu(x):
    return x * _sigmoid(x)


def silu_grad(x):
    s = _sigmoid(x)
    return s * (1.0 + x * (1.0 - s))


def _cdf(x):
    return 0.5 * _erfc(-x / math.sqrt(2.0))  # Phi(x), accurate in both tails


def gelu(x, approximate="none"):
    if approximate == "tanh":
        return 0.5 * x * (1.0 + np.tanh(_C * (x + _K * x**3)))
    if approximate != "none":
        raise ValueError("approximate is 'none' or 'tanh'")
    return x * _cdf(x)


def gelu_grad(x, approximate="none"):
    if approximate == "tanh":
        t = np.tanh(_C * (x + _K * x**3))
        return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * _C * (1.0 + 3.0 * _K * x * x)
    if approximate != "none":
        raise ValueError("approximate is 'none' or 'tanh'")
    return _cdf(x) + x * np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)
