"""Cases for lr-schedules: each schedule over a range of steps, its boundaries, and its errors."""

import numpy as np
from casekit import Case

TOL = (1e-9, 1e-12)


def over(name: str, steps, **kwargs):
    def call(mod) -> dict:
        fn = getattr(mod, name)
        values = [fn(step, **kwargs) for step in steps]
        return {
            "lrs": np.array(values, dtype=float),
            "all_floats": all(isinstance(v, float) for v in values),
        }

    return call


def refuses(name: str, *args, **kwargs):
    def call(mod) -> dict:
        getattr(mod, name)(*args, **kwargs)
        return {}

    return call


def refusal(case: str, name: str, what: str, *args, **kwargs) -> Case:
    """A case where `name(*args, **kwargs)` must raise ValueError because of `what`."""
    return Case(
        case,
        inputs=no_inputs,
        call=refuses(name, *args, **kwargs),
        raises=ValueError,
        raises_for=f"{name} with {what}",
    )


def no_inputs(rng):
    return {}


CASES = [
    Case(
        "worked_example",
        sample=True,
        inputs=no_inputs,
        call=lambda mod: {
            "step": mod.step_decay(25, 0.1, step_size=10, gamma=0.5),
            "cosine": mod.cosine_annealing(50, 1.0, total_steps=100),
            "warmup_first": mod.warmup_cosine(0, 1.0, warmup_steps=4, total_steps=10),
            "warmup_later": mod.warmup_cosine(7, 1.0, warmup_steps=4, total_steps=10),
        },
        tol=TOL,
    ),
    Case(
        "cosine_curve",
        sample=True,
        inputs=no_inputs,
        call=over("cosine_annealing", range(0, 21), base_lr=0.3, total_steps=20),
        tol=TOL,
    ),
    Case(
        "step_boundaries",
        inputs=no_inputs,
        call=over("step_decay", [0, 1, 9, 10, 11, 19, 20, 29, 30, 100], base_lr=0.2, step_size=10),
        tol=TOL,
        note="the rate drops exactly at multiples of step_size, default gamma 0.1",
    ),
    Case(
        "step_size_one",
        inputs=no_inputs,
        call=over("step_decay", range(8), base_lr=1.0, step_size=1, gamma=0.5),
        tol=TOL,
    ),
    Case(
        "cosine_past_the_end",
        inputs=no_inputs,
        call=over(
            "cosine_annealing", [9, 10, 11, 15, 1000], base_lr=1.0, total_steps=10, min_lr=0.1
        ),
        tol=TOL,
        note="after total_steps the rate stays at min_lr",
    ),
    Case(
        "cosine_min_lr",
        inputs=no_inputs,
        call=over("cosine_annealing", range(0, 13, 3), base_lr=0.5, total_steps=12, min_lr=0.05),
        tol=TOL,
    ),
    Case(
        "warmup_ramp",
        inputs=no_inputs,
        call=over("warmup_cosine", range(0, 6), base_lr=0.8, warmup_steps=5, total_steps=50),
        tol=TOL,
        note="step 0 trains at base_lr / warmup_steps, step W-1 at base_lr",
    ),
    Case(
        "warmup_then_cosine",
        inputs=no_inputs,
        call=over(
            "warmup_cosine",
            range(0, 25, 2),
            base_lr=1.0,
            warmup_steps=4,
            total_steps=20,
            min_lr=0.01,
        ),
        tol=TOL,
        note="the cosine runs over total_steps - warmup_steps",
    ),
    Case(
        "no_warmup",
        inputs=no_inputs,
        call=over("warmup_cosine", range(0, 11), base_lr=0.1, warmup_steps=0, total_steps=10),
        tol=TOL,
    ),
    Case(
        "far_past_the_end",
        inputs=no_inputs,
        call=lambda mod: {
            "step": mod.step_decay(10**9, 0.1, step_size=1, gamma=0.5),
            "cosine": mod.cosine_annealing(10**9, 0.1, total_steps=100, min_lr=1e-4),
            "warmup": mod.warmup_cosine(10**9, 0.1, warmup_steps=10, total_steps=100, min_lr=1e-4),
        },
        tol=TOL,
        note="a step far beyond the schedule: underflow to 0.0 for step decay, min_lr for the cosines",
    ),
    Case(
        "zero_rates_allowed",
        inputs=no_inputs,
        call=lambda mod: {
            "step": mod.step_decay(3, 0.0, step_size=2),
            "cosine": mod.cosine_annealing(3, 0.0, total_steps=10, min_lr=0.0),
            "warmup": mod.warmup_cosine(1, 0.0, warmup_steps=2, total_steps=10, min_lr=0.0),
            "cosine_to_zero": mod.cosine_annealing(4, 0.5, total_steps=8, min_lr=0.0),
        },
        tol=TOL,
        note="base_lr = 0 and min_lr = 0 are valid: only negative rates are errors",
    ),
    Case(
        "one_step_schedules",
        inputs=no_inputs,
        call=lambda mod: {
            "cosine": [mod.cosine_annealing(t, 0.4, total_steps=1, min_lr=0.1) for t in (0, 1, 2)],
            "warmup": [
                mod.warmup_cosine(t, 0.4, warmup_steps=0, total_steps=1, min_lr=0.1)
                for t in (0, 1, 2)
            ],
            "warmup_then_one": [
                mod.warmup_cosine(t, 0.4, warmup_steps=1, total_steps=2) for t in (0, 1, 2)
            ],
        },
        tol=TOL,
        note="total_steps = 1 is valid",
    ),
    refusal("zero_step_size", "step_decay", "step_size = 0", 5, 0.1, 0),
    refusal("negative_step_size", "step_decay", "step_size = -3", 5, 0.1, -3),
    refusal("negative_step", "step_decay", "step = -1", -1, 0.1, 10),
    refusal("step_decay_negative_base_lr", "step_decay", "base_lr = -0.1", 3, -0.1, 10),
    refusal("zero_total_steps", "cosine_annealing", "total_steps = 0", 0, 0.1, 0),
    refusal("negative_base_lr", "cosine_annealing", "base_lr = -0.1", 1, -0.1, 10),
    refusal(
        "cosine_negative_min_lr", "cosine_annealing", "min_lr = -0.01", 1, 0.1, 10, min_lr=-0.01
    ),
    refusal("cosine_negative_step", "cosine_annealing", "step = -1", -1, 0.1, 10),
    refusal(
        "warmup_longer_than_training",
        "warmup_cosine",
        "warmup_steps = total_steps = 10",
        0,
        0.1,
        10,
        10,
    ),
    refusal(
        "warmup_beyond_training",
        "warmup_cosine",
        "warmup_steps = 12 > total_steps = 10",
        0,
        0.1,
        12,
        10,
    ),
    refusal("negative_warmup_steps", "warmup_cosine", "warmup_steps = -1", 0, 0.1, -1, 10),
    refusal(
        "warmup_zero_total_steps",
        "warmup_cosine",
        "warmup_steps = 0, total_steps = 0",
        0,
        0.1,
        0,
        0,
    ),
    refusal("warmup_negative_step", "warmup_cosine", "step = -1", -1, 0.1, 2, 10),
    refusal("warmup_negative_base_lr", "warmup_cosine", "base_lr = -0.1", 3, -0.1, 2, 10),
    refusal(
        "warmup_negative_min_lr", "warmup_cosine", "min_lr = -0.01", 3, 0.1, 2, 10, min_lr=-0.01
    ),
]
