"""Cases for gradient-clipping: global norm, in-place updates, thresholds and non-finite norms."""

import numpy as np
from casekit import Case, normal

TOL = (1e-9, 1e-12)


def grads_of(*shapes, scale: float = 1.0):
    def make(rng: np.random.Generator) -> dict:
        return {"grads": [normal(rng, *s, scale=scale) for s in shapes]}

    return make


def replaced_items(originals: list, grads: list) -> str | None:
    """A message when the call put other objects into the caller's list (or changed its length)."""
    if len(grads) != len(originals):
        return "your code changed the length of the list `grads`; clip the arrays in place"
    for i, (a, b) in enumerate(zip(originals, grads, strict=True)):
        if a is not b:
            return (
                f"your code replaced grads[{i}] in the list with a new array; write into the "
                "caller's arrays in place instead (e.g. g *= scale)"
            )
    return None


def norm_type_problem(total) -> str | None:
    if isinstance(total, float):  # np.float64 is a float too
        return None
    return f"clip_grad_norm must return a Python float, got {type(total).__name__}"


def by_norm(max_norm: float):
    def call(mod, grads) -> dict:
        originals = list(grads)
        total = mod.clip_grad_norm(grads, max_norm)
        return {
            "norm": total,
            "norm_type_problem": norm_type_problem(total),
            "in_place_problem": replaced_items(originals, grads),
            "grads": originals,  # the caller's own objects: in place or not at all
        }

    return call


def by_value(clip_value: float):
    def call(mod, grads) -> dict:
        originals = list(grads)
        returned = mod.clip_grad_value(grads, clip_value)
        return {
            "returned": returned,
            "in_place_problem": replaced_items(originals, grads),
            "grads": originals,
            "dtypes": [str(g.dtype) for g in originals],
        }

    return call


def raises(kind: str, threshold: float):
    def call(mod, grads) -> dict:
        if kind == "norm":
            mod.clip_grad_norm(grads, threshold)
        else:
            mod.clip_grad_value(grads, threshold)
        return {}

    return call


def non_finite(rng: np.random.Generator) -> dict:
    g = normal(rng, 3, 2)
    g[1, 0] = np.inf
    return {"grads": [g, normal(rng, 4)]}


def with_eps(max_norm: float, eps: float):
    def call(mod, grads) -> dict:
        originals = list(grads)
        total = mod.clip_grad_norm(grads, max_norm, eps=eps)
        return {"norm": total, "grads": originals}

    return call


def with_nan(rng: np.random.Generator) -> dict:
    g = normal(rng, 4)
    g[2] = np.nan
    return {"grads": [normal(rng, 2, 3, scale=10.0), g]}


def float32_grads(rng: np.random.Generator) -> dict:
    return {
        "grads": [
            normal(rng, 5, 3, scale=3.0).astype(np.float32),
            normal(rng, 6).astype(np.float32),
        ]
    }


def float32_huge(rng: np.random.Generator) -> dict:
    # Squares near 1e50 overflow float32 (max 3.4e38) but not float64.
    return {
        "grads": [
            normal(rng, 4, 3, scale=1e25).astype(np.float32),
            normal(rng, 5, scale=1e25).astype(np.float32),
        ]
    }


def float32_value_grads(rng: np.random.Generator) -> dict:
    return {"grads": [normal(rng, 3, 4, scale=2.0).astype(np.float32), normal(rng, 5, scale=2.0)]}


def keeps_dtype(max_norm: float):
    def call(mod, grads) -> dict:
        out = by_norm(max_norm)(mod, grads)
        out["dtypes"] = [str(g.dtype) for g in out["grads"]]
        return out

    return call


CASES = [
    Case(
        "worked_example_norm",
        sample=True,
        inputs=lambda rng: {"grads": [np.array([3.0, 0.0]), np.array([[4.0]])]},
        call=by_norm(1.0),
        tol=TOL,
    ),
    Case(
        "worked_example_value",
        sample=True,
        inputs=lambda rng: {"grads": [np.array([-2.0, 0.5, 3.0])]},
        call=by_value(1.0),
        tol=TOL,
    ),
    Case(
        "global_not_per_array",
        seed=1,
        inputs=grads_of((4, 3), (5,), (2, 2, 2), (0, 3), scale=3.0),
        call=by_norm(2.0),
        tol=TOL,
        note="one norm over every array (an empty one among them), one common scale",
    ),
    Case(
        "small_gradients_untouched",
        seed=2,
        inputs=grads_of((3, 3), (4,), scale=0.01),
        call=by_norm(5.0),
        tol=TOL,
    ),
    Case(
        "norm_exactly_at_threshold",
        inputs=lambda rng: {"grads": [np.array([0.6, 0.8])]},
        call=by_norm(1.0),
        tol=TOL,
        note="clip only when the norm is strictly larger",
    ),
    Case("empty_list", inputs=lambda rng: {"grads": []}, call=by_norm(1.0), tol=TOL),
    Case(
        "all_zero_gradients",
        inputs=lambda rng: {"grads": [np.zeros((3, 2)), np.zeros(0)]},
        call=by_norm(1.0),
        tol=TOL,
    ),
    Case(
        "huge_gradients",
        seed=3,
        inputs=grads_of((10, 10), (7,), scale=1e150),
        call=by_norm(1.0),
        tol=TOL,
        note="huge but finite gradients are scaled down to the threshold",
    ),
    Case(
        "non_finite_norm",
        seed=4,
        inputs=non_finite,
        call=by_norm(1.0),
        tol=TOL,
        note="an inf gradient: return inf, change nothing",
    ),
    Case(
        "nan_gradient",
        seed=7,
        inputs=with_nan,
        call=by_norm(1.0),
        tol=TOL,
        note="a nan gradient: return nan, change nothing",
    ),
    Case(
        "custom_eps",
        inputs=lambda rng: {"grads": [np.array([3.0, 0.0]), np.array([[4.0]])]},
        call=with_eps(1.0, 0.5),
        tol=TOL,
        note="the scale is max_norm / (total + eps) with the eps passed in",
    ),
    Case(
        "float32_keeps_dtype",
        seed=8,
        inputs=float32_grads,
        call=keeps_dtype(1.0),
        tol=(1e-5, 1e-7),
        note="float32 gradients are clipped in place and stay float32",
    ),
    Case(
        "float32_norm_in_float64",
        seed=9,
        inputs=float32_huge,
        call=keeps_dtype(1.0),
        tol=(1e-5, 1e-7),
        note="float32 entries near 1e25: their squares overflow float32, so accumulate in float64",
    ),
    Case(
        "value_clip_many",
        seed=5,
        inputs=grads_of((6, 5), (3,), scale=2.0),
        call=by_value(0.5),
        tol=TOL,
    ),
    Case(
        "value_clip_nothing_to_do",
        seed=6,
        inputs=grads_of((4,), scale=0.1),
        call=by_value(1.0),
        tol=TOL,
    ),
    Case(
        "value_clip_float32",
        seed=10,
        inputs=float32_value_grads,
        call=by_value(0.5),
        tol=(1e-5, 1e-7),
        note="value clipping keeps each array's dtype (float32 and float64)",
    ),
    Case(
        "non_positive_max_norm",
        seed=7,
        inputs=grads_of((2,)),
        call=raises("norm", 0.0),
        raises=ValueError,
        raises_for="max_norm=0.0",
    ),
    Case(
        "negative_max_norm",
        seed=11,
        inputs=grads_of((2,)),
        call=raises("norm", -1.0),
        raises=ValueError,
        raises_for="max_norm=-1.0",
    ),
    Case(
        "negative_clip_value",
        seed=8,
        inputs=grads_of((2,)),
        call=raises("value", -1.0),
        raises=ValueError,
        raises_for="clip_value=-1.0",
    ),
    Case(
        "zero_clip_value",
        seed=12,
        inputs=grads_of((2,)),
        call=raises("value", 0.0),
        raises=ValueError,
        raises_for="clip_value=0.0",
    ),
]
