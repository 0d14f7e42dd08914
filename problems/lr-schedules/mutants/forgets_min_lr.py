"""Anneals towards 0 and then adds min_lr on top, overshooting base_lr at step 0.

Caught by: cosine_min_lr, cosine_past_the_end
"""

import math


def step_decay(step, base_lr, step_size, gamma=0.1):
    if step < 0 or step_size < 1 or base_lr < 0:
        raise ValueError("bad arguments")
    return float(base_lr * gamma ** (step // step_size))


def _cos(p, base_lr, min_lr):
    return min_lr + 0.5 * base_lr * (1 + math.cos(math.pi * min(1.0, p)))


def cosine_annealing(step, base_lr, total_steps, min_lr=0.0):
    if step < 0 or total_steps < 1 or base_lr < 0 or min_lr < 0:
        raise ValueError("bad arguments")
    return float(_cos(step / total_steps, base_lr, min_lr))


def warmup_cosine(step, base_lr, warmup_steps, total_steps, min_lr=0.0):
    if step < 0 or base_lr < 0 or min_lr < 0 or not 0 <= warmup_steps < total_steps:
        raise ValueError("bad arguments")
    if step < warmup_steps:
        return float(base_lr * (step + 1) / warmup_steps)
    return float(_cos((step - warmup_steps) / (total_steps - warmup_steps), base_lr, min_lr))
