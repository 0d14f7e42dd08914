import math

import numpy as np

# NumPy's logaddexp for the log-space functions, and GELU written with erf as in its definition
# (it rounds to 0 far out in the negative tail, which the statement allows).

erf = np.vectorize(math.erf, otypes=[float])


def softplus(x):
    return np.logaddexp(0.0, x)


def log_sigmoid(x):
    return -np.logaddexp(0.0, -x)


def _sigmoid(x):
    return np.exp(log_sigmoid(x))


def softplus_grad(x):
    return _sigmoid(x)


def log_sigmoid_grad(x):
    return _sigmoid(-x)


def silu(x):
    return x * _sigmoid(x)


def silu_grad(x):
    s = _sigmoid(x)
    return s + x * s * _sigmoid(-x)


def gelu(x, approximate="none"):
    if approximate == "none":
        return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))
    if approximate == "tanh":
        inner = math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)
        return 0.5 * x * (1.0 + np.tanh(inner))
    raise ValueError(f"unknown approximation {approximate!r}")


def gelu_grad(x, approximate="none"):
    if approximate == "none":
        cdf = 0.5 * (1.0 + erf(x / math.sqrt(2.0)))
        return cdf + x * np.exp(-(x**2) / 2.0) / math.sqrt(2.0 * math.pi)
    if approximate == "tanh":
        c = math.sqrt(2.0 / math.pi)
        t = np.tanh(c * (x + 0.044715 * x**3))
        return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t**2) * c * (1.0 + 3 * 0.044715 * x**2)
    raise ValueError(f"unknown approximation {approximate!r}")
