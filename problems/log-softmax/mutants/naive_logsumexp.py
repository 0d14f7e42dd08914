"""Computes log(sum(exp(x))) directly, which overflows to inf for large values.

Caught by: huge_positive, worked_example
"""

import numpy as np


def logsumexp(x, axis=-1, keepdims=False):
    return np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims))


def log_softmax(x, axis=-1):
    return x - logsumexp(x, axis=axis, keepdims=True)
