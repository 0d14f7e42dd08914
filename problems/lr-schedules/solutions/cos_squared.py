"""A correct alternative: the half-cosine written as cos^2(pi * progress / 2), the warmup as a
piecewise branch, and step decay by exponentiation with an integer count of completed periods."""

import math


def _require(condition, message):
    if not condition:
        raise ValueError(message)


def step_decay(step, base_lr, step_size, gamma=0.1):
    _require(step >= 0, "step must be non-negative")
    _require(base_lr >= 0, "base_lr must be non-negative")
    _require(step_size >= 1, "step_size must be at least 1")
    periods = int(step) // int(step_size)
    return base_lr * math.pow(gamma, periods)


def _annealed(progress, base_lr, min_lr):
    progress = min(progress, 1.0)
    return min_lr + (base_lr - min_lr) * math.cos(math.pi * progress / 2.0) ** 2


def cosine_annealing(step, base_lr, total_steps, min_lr=0.0):
    _require(step >= 0, "step must be non-negative")
    _require(base_lr >= 0 and min_lr >= 0, "learning rates must be non-negative")
    _require(total_steps >= 1, "total_steps must be at least 1")
    return _annealed(step / total_steps, base_lr, min_lr)


def warmup_cosine(step, base_lr, warmup_steps, total_steps, min_lr=0.0):
    _require(step >= 0, "step must be non-negative")
    _require(base_lr >= 0 and min_lr >= 0, "learning rates must be non-negative")
    _require(0 <= warmup_steps < total_steps, "need 0 <= warmup_steps < total_steps")
    if step < warmup_steps:
        return base_lr * (step + 1) / warmup_steps
    return _annealed((step - warmup_steps) / (total_steps - warmup_steps), base_lr, min_lr)
