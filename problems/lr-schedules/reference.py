import math


def _check(step, *rates):
    if step < 0:
        raise ValueError("step must be >= 0")
    if any(rate < 0 for rate in rates):
        raise ValueError("learning rates must be >= 0")


def step_decay(step, base_lr, step_size, gamma=0.1):
    _check(step, base_lr)
    if step_size < 1:
        raise ValueError("step_size must be >= 1")
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
    if not 0 <= warmup_steps < total_steps:  # so total_steps >= 1 too
        raise ValueError("need 0 <= warmup_steps < total_steps")
    if step < warmup_steps:
        return float(base_lr * (step + 1) / warmup_steps)
    return _cosine((step - warmup_steps) / (total_steps - warmup_steps), base_lr, min_lr)
