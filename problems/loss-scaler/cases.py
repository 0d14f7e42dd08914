"""Cases for loss-scaler: step sequences, unscaling in place across dtypes, overflow detection."""

import numpy as np
from casekit import Case

EXACT = (0.0, 0.0)


def replay(flags: list[bool], **options):
    def call(mod) -> dict:
        scaler = mod.DynamicLossScaler(**options)
        scales = [scaler.scale]
        for flag in flags:
            scaler.update(flag)
            scales.append(scaler.scale)
        return {"scales": np.array(scales, dtype=float)}

    return call


F16 = (1e-3, 1e-6)  # float16 results
TIGHT = (1e-12, 0.0)  # float32 and float64 results (exact: the scales are powers of two)
UNSCALE_TOL = {"grads16": F16, "grads": TIGHT}


def unscale(dtypes: tuple, inject=None, scale: float = 1024.0):
    def call(mod) -> dict:
        rng = np.random.default_rng(3)
        grads = [(rng.normal(size=(3, 4)) * scale).astype(dt) for dt in dtypes]
        if inject is not None:
            grads[-1][1, 2] = inject
        objects = list(grads)
        scaler = mod.DynamicLossScaler(init_scale=scale)
        found = scaler.unscale_(grads)
        values = [np.nan_to_num(g.astype(np.float64), nan=123.0) for g in objects]
        half = [str(dt) == "float16" or dt is np.float16 for dt in dtypes]
        return {
            "found_inf": found,
            "grads16": [v for v, h in zip(values, half, strict=True) if h],
            "grads": [v for v, h in zip(values, half, strict=True) if not h],
            "dtypes": [str(g.dtype) for g in objects],
        }

    return call


def refuses(**options):
    def call(mod) -> dict:
        mod.DynamicLossScaler(**options)
        return {}

    return call


def refusal(name: str, **options) -> Case:
    setting = ", ".join(f"{k}={v!r}" for k, v in options.items())
    return Case(
        name,
        inputs=no_inputs,
        call=refuses(**options),
        raises=ValueError,
        raises_for=setting,
    )


def float_scale(mod) -> dict:
    """An int init_scale (and int factors) still give a float scale, before and after updates."""
    s = mod.DynamicLossScaler(init_scale=8, growth_factor=2, backoff_factor=0.5, growth_interval=1)
    scales, problem = [s.scale], None
    if not isinstance(s.scale, float):
        problem = f"after __init__(init_scale=8) it is {type(s.scale).__name__}"
    for flag in (False, True, True, False):
        s.update(flag)
        scales.append(s.scale)
        if problem is None and not isinstance(s.scale, float):
            problem = f"after update({flag}) it is {type(s.scale).__name__}"
    return {
        "scale_problem": problem and f"scale must be a float, but {problem}",
        "scales": np.array(scales, dtype=float),
    }


def inf_in_first_array(mod) -> dict:
    """An inf in the first array must not stop the other arrays from being unscaled."""
    grads = [
        np.array([np.inf, 4.0], dtype=np.float16),
        np.array([[8.0, -16.0]], dtype=np.float16),
        np.array([32.0, 0.5, -2.0], dtype=np.float32),
    ]
    objects = list(grads)
    found = mod.DynamicLossScaler(init_scale=4.0).unscale_(grads)
    return {
        "found_inf": found,
        "grads16": [g.astype(np.float64) for g in objects[:2]],
        "grads": [objects[2].astype(np.float64)],
        "dtypes": [str(g.dtype) for g in objects],
    }


def training_replay(rng: np.random.Generator) -> dict:
    # True gradients of growing size: some steps overflow float16 once multiplied by the scale.
    magnitudes = np.array([1e-3, 1e-2, 0.5, 40.0, 0.1, 0.05, 0.01, 1e-3, 60.0, 1e-3, 1e-3, 1e-3])
    return {"true_grads": [m * rng.normal(size=(4, 3)) for m in magnitudes]}


def mixed_precision_steps(mod, true_grads) -> dict:
    """The loop of a mixed-precision step: backward in float16 on the scaled loss, unscale_, update."""
    # Scales stay at or below 2**15: a Python float above 65504 meets float16 differently in NumPy 1 and 2.
    scaler = mod.DynamicLossScaler(init_scale=2.0**12, growth_interval=3)
    scales, found, unscaled = [], [], []
    for g in true_grads:
        with np.errstate(over="ignore"):
            half = [(g * scaler.scale).astype(np.float16)]
        found_inf = scaler.unscale_(half)
        found.append(bool(found_inf))
        unscaled.append(np.where(np.isfinite(half[0]), half[0], 0.0).astype(np.float64))
        scaler.update(found_inf)
        scales.append(scaler.scale)
    return {"found_inf": found, "scales": np.array(scales), "unscaled": unscaled}


def no_inputs(rng):
    return {}


def worked(mod) -> dict:
    s = mod.DynamicLossScaler(init_scale=8.0, growth_interval=2)
    loss = s.scale_loss(0.5)
    g = [np.array([8.0, 16.0], dtype=np.float16)]
    found = s.unscale_(g)
    scales = []
    for flag in (False, False, True):
        s.update(flag)
        scales.append(s.scale)
    return {
        "loss": loss,
        "found_inf": found,
        "g": g[0].astype(np.float64),
        "dtype": str(g[0].dtype),
        "scales": scales,
    }


CASES = [
    Case("worked_example", sample=True, inputs=no_inputs, call=worked, tol=EXACT),
    Case(
        "grow_and_back_off",
        sample=True,
        inputs=no_inputs,
        call=replay([False] * 7 + [True] + [False] * 3, init_scale=1024.0, growth_interval=3),
        tol=EXACT,
    ),
    Case(
        "overflow_resets_the_count",
        inputs=no_inputs,
        call=replay(
            [False, False, True, False, False, False, False], init_scale=64.0, growth_interval=3
        ),
        tol=EXACT,
        note="after an overflow, growth waits for growth_interval new good steps",
    ),
    Case(
        "growth_resets_the_count",
        inputs=no_inputs,
        call=replay([False] * 9, init_scale=1.0, growth_interval=3),
        tol=EXACT,
        note="grow once per growth_interval good steps, not on every step after the first interval",
    ),
    Case(
        "interval_of_one",
        inputs=no_inputs,
        call=replay([False, False, True, False], init_scale=2.0, growth_interval=1),
        tol=EXACT,
    ),
    Case(
        "repeated_overflows",
        inputs=no_inputs,
        call=replay([True] * 6, init_scale=65536.0, backoff_factor=0.25),
        tol=EXACT,
    ),
    Case("defaults", inputs=no_inputs, call=replay([False] * 2000 + [True]), tol=EXACT),
    Case("unscale_float16", inputs=no_inputs, call=unscale((np.float16,)), tol=UNSCALE_TOL),
    Case(
        "unscale_mixed_dtypes",
        inputs=no_inputs,
        call=unscale((np.float32, np.float64, np.float16)),
        tol=UNSCALE_TOL,
    ),
    Case(
        "detects_inf",
        inputs=no_inputs,
        call=unscale((np.float32, np.float16), inject=np.inf),
        tol=UNSCALE_TOL,
    ),
    Case(
        "detects_negative_inf",
        inputs=no_inputs,
        call=unscale((np.float64,), inject=-np.inf),
        tol=UNSCALE_TOL,
    ),
    Case(
        "detects_nan",
        inputs=no_inputs,
        call=unscale((np.float32,), inject=np.nan),
        tol=UNSCALE_TOL,
        note="nan is an overflow too",
    ),
    Case(
        "inf_in_first_array",
        inputs=no_inputs,
        call=inf_in_first_array,
        tol=UNSCALE_TOL,
        note="after finding an inf, the remaining arrays are still unscaled",
    ),
    Case(
        "mixed_precision_replay",
        seed=21,
        inputs=training_replay,
        call=mixed_precision_steps,
        tol={"scales": EXACT, "unscaled": F16},
        note="float16 gradients of a scaled loss: overflow, back off, grow again",
    ),
    Case(
        "custom_factors",
        inputs=no_inputs,
        call=replay(
            [False, False, False, True, True, False, False, False],
            init_scale=0.125,
            growth_factor=4.0,
            backoff_factor=0.125,
            growth_interval=3,
        ),
        tol=EXACT,
        note="growth_factor and backoff_factor are used as given (not 2 and 0.5)",
    ),
    Case(
        "factors_near_the_bounds",
        inputs=no_inputs,
        call=replay(
            [False, False, True, False, False],
            init_scale=2.0**-20,
            growth_factor=1.0 + 2.0**-10,
            backoff_factor=1.0 - 2.0**-10,
            growth_interval=1,
        ),
        tol=EXACT,
        note="any init_scale > 0, growth_factor > 1 and backoff_factor in (0, 1) is accepted",
    ),
    Case(
        "scale_is_a_float",
        inputs=no_inputs,
        call=float_scale,
        tol=EXACT,
        note="an int init_scale is converted: scale is a float from the start",
    ),
    refusal("backoff_of_one", backoff_factor=1.0),
    refusal("backoff_of_zero", backoff_factor=0.0),
    refusal("negative_backoff", backoff_factor=-0.5),
    refusal("growth_factor_of_one", growth_factor=1.0),
    refusal("growth_factor_below_one", growth_factor=0.5),
    refusal("zero_init_scale", init_scale=0.0),
    refusal("negative_init_scale", init_scale=-1.0),
    refusal("negative_interval", growth_interval=-1),
    refusal("backoff_not_below_one", backoff_factor=1.5),
    refusal("zero_interval", growth_interval=0),
]
