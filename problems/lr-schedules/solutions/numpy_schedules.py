"""A correct alternative written with NumPy and an explicit interpolation."""

import numpy as np


def _validate(step, *rates):
    if step < 0 or any(r < 0 for r in rates):
        raise ValueError("step and rates must be non-negative")


def step_decay(step, base_lr, step_size, gamma=0.1):
    _validate(step, base_lr)
    if step_size < 1:
        raise ValueError("step_size must be positive")
    drops = int(np.floor(step / step_size))
    return float(base_lr * np.power(gamma, drops))


def cosine_annealing(step, base_lr, total_steps, min_lr=0.0):
    _validate(step, base_lr, min_lr)
    if total_steps < 1:
        raise ValueError("total_steps must be positive")
    weight = (np.cos(np.pi * np.clip(step / total_steps, 0.0, 1.0)) + 1.0) / 2.0
    return float(weight * base_lr + (1.0 - weight) * min_lr)


def warmup_cosine(step, base_lr, warmup_steps, total_steps, min_lr=0.0):
    _validate(step, base_lr, min_lr)
    if warmup_steps < 0 or total_steps < 1 or warmup_steps >= total_steps:
        raise ValueError("warmup_steps must be in [0, total_steps)")
    if step < warmup_steps:
        return float(np.interp(step + 1, [0, warmup_steps], [0.0, base_lr]))
    return cosine_annealing(step - warmup_steps, base_lr, total_steps - warmup_steps, min_lr)
