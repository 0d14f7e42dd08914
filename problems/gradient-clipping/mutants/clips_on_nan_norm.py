"""Tests `not total <= max_norm`, which is True for nan, so a nan norm turns every gradient into nan.

Caught by: nan_gradient
"""

import math

import numpy as np


def clip_grad_norm(grads, max_norm, eps=1e-6):
    if not max_norm > 0:
        raise ValueError("max_norm must be positive")
    total = math.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads))
    if not total <= max_norm and total != math.inf:
        scale = max_norm / (total + eps)
        for g in grads:
            g *= scale
    return total


def clip_grad_value(grads, clip_value):
    if not clip_value > 0:
        raise ValueError("clip_value must be positive")
    for g in grads:
        np.clip(g, -clip_value, clip_value, out=g)
