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


def refuses(name: str, *args):
    def call(mod) -> dict:
        getattr(mod, name)(*args)
        return {}

    return call


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
        "zero_step_size",
        inputs=no_inputs,
        call=refuses("step_decay", 5, 0.1, 0),
        raises=ValueError,
        note="step_size < 1 raises ValueError (not ZeroDivisionError)",
    ),
    Case(
        "negative_step",
        inputs=no_inputs,
        call=refuses("step_decay", -1, 0.1, 10),
        raises=ValueError,
    ),
    Case(
        "zero_total_steps",
        inputs=no_inputs,
        call=refuses("cosine_annealing", 0, 0.1, 0),
        raises=ValueError,
    ),
    Case(
        "warmup_longer_than_training",
        inputs=no_inputs,
        call=refuses("warmup_cosine", 0, 0.1, 10, 10),
        raises=ValueError,
    ),
    Case(
        "negative_base_lr",
        inputs=no_inputs,
        call=refuses("cosine_annealing", 1, -0.1, 10),
        raises=ValueError,
    ),
]
