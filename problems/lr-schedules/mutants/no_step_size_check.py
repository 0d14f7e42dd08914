"""Never checks step_size, so step_size = 0 ends in ZeroDivisionError instead of the promised ValueError.

Caught by: zero_step_size
"""

import math


def _check(step, base_lr, min_lr=0.0):
    if step < 0:
        raise ValueError("step must be >= 0")
    if base_lr < 0 or min_lr < 0:
        raise ValueError("learning rates must be >= 0")


def step_decay(step, base_lr, step_size, gamma=0.1):
    _check(step, base_lr)
    return float(base_lr * gamma ** (step // step_size))


def _cosine(progress, base_lr, min_lr):
    progress = min(1.0, progress)
    return float(min_lr + 0.5 * (base_lr - min_lr) * (1.0 + math.cos(math.pi * progress)))


def cosine_annealing(step, base_lr, total_steps, min_lr=0.0):
    _check(step, base_lr, min_lr)
    if total_steps < 1:
        raise ValueError("total_steps must be >= 1")
    return _cosine(step / total_steps, base_lr, min_lr)


def warmup_cosine(step, base_lr, warmup_steps, total_steps, min_lr=0.0):
    _check(step, base_lr, min_lr)
    if total_steps < 1 or warmup_steps < 0 or warmup_steps >= total_steps:
        raise ValueError("need 0 <= warmup_steps < total_steps")
    if step < warmup_steps:
        return float(base_lr * (step + 1) / warmup_steps)
    return _cosine((step - warmup_steps) / (total_steps - warmup_steps), base_lr, min_lr)
