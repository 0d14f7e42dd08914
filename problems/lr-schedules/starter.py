def step_decay(step: int, base_lr: float, step_size: int, gamma: float = 0.1) -> float:
    """base_lr * gamma ** (step // step_size)."""
    raise NotImplementedError


def cosine_annealing(step: int, base_lr: float, total_steps: int, min_lr: float = 0.0) -> float:
    """Half a cosine from base_lr (step 0) to min_lr (step total_steps), then min_lr."""
    raise NotImplementedError


def warmup_cosine(
    step: int, base_lr: float, warmup_steps: int, total_steps: int, min_lr: float = 0.0
) -> float:
    """Linear warmup over warmup_steps, then cosine annealing until total_steps."""
    raise NotImplementedError
