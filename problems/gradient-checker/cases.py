"""Cases for gradient-checker: centred differences, restoring x, the relative-error floor, the verdict."""

import numpy as np
from casekit import Case, compare_value, normal

NUMERIC = (1e-7, 1e-9)
EXACT = (1e-9, 0.0)
NOISY = (1e-4, 1e-9)


def curved(v):
    return float(np.sum(np.sin(v) * np.exp(0.3 * v)) + np.sum(v**3) / 3.0)


def curved_grad(v):
    return np.cos(v) * np.exp(0.3 * v) + 0.3 * np.sin(v) * np.exp(0.3 * v) + v**2


def numeric(h=None, shape=(5,)):
    def make(rng):
        return {"x": normal(rng, *shape)}

    def call(mod, x) -> dict:
        original = x.copy()
        grad = (
            mod.numerical_gradient(curved, x) if h is None else mod.numerical_gradient(curved, x, h)
        )
        return {"grad": grad, "x_restored": bool(np.array_equal(x, original))}

    return make, call


def reads_captured(mod, x) -> dict:
    # f ignores its argument and reads the array it closed over: only in-place perturbation works.
    captured = x

    def f(_ignored):
        return float(np.sum(captured**2 * np.arange(1, captured.size + 1).reshape(captured.shape)))

    original = x.copy()
    return {"grad": mod.numerical_gradient(f, x), "x_restored": bool(np.array_equal(x, original))}


def rel(a, b):
    def call(mod) -> dict:
        return {"error": mod.relative_error(np.asarray(a, dtype=float), np.asarray(b, dtype=float))}

    return call


def check(grad_fn, shape=(6,), tol=1e-5):
    def make(rng):
        return {"x": normal(rng, *shape)}

    def call(mod, x) -> dict:
        ok, error, worst = mod.check_gradient(curved, grad_fn, x, 1e-5, tol)
        return {
            "ok": ok,
            "max_rel_error": error,
            "worst_index": None if worst is None else [int(i) for i in worst],
        }

    return make, call


def nudged(index, amount=0.5):
    def grad(v):
        g = curved_grad(v)
        g[index] += amount
        return g

    return grad


def correct_passes(got, expected, inputs):
    if got.get("ok") is not True:
        return f"a correct gradient must pass: got ok = {got.get('ok')!r}"
    error = got.get("max_rel_error")
    if not isinstance(error, float | int) or not 0 <= error < 1e-6:
        return (
            f"max_rel_error of a correct gradient should be rounding noise (< 1e-6), got {error!r}"
        )
    worst = got.get("worst_index")
    if not isinstance(worst, list) or len(worst) != inputs["x"].ndim:
        return f"worst_index must be a tuple with one int per dimension, got {worst!r}"
    return None


def exactly(got, expected, inputs):
    for key in ("ok", "worst_index"):
        if got.get(key) != expected[key]:
            return f"{key}: expected {expected[key]!r}, got {got.get(key)!r}"
    # The error carries finite-difference rounding noise (and NumPy builds differ in the last bits of
    # sin and exp), so it is compared to 1e-4 relative: still far tighter than any tolerance.
    return compare_value(
        "max_rel_error", got.get("max_rel_error"), expected["max_rel_error"], NOISY
    )


sample_make, sample_call = numeric()
curved_make, curved_call = numeric(shape=(4, 3))
h_make, h_call = numeric(h=1e-2, shape=(6,))
cube_make, cube_call = numeric(shape=(2, 3, 2))
good_make, good_call = check(curved_grad, shape=(3, 4))
bad_make, bad_call = check(nudged((1, 2)), shape=(3, 4))
tol_make, tol_call = check(nudged(2, amount=2e-4), shape=(5,), tol=1e-5)

CASES = [
    Case(
        "worked_example",
        sample=True,
        inputs=lambda rng: {"x": np.array([1.0, 2.0, 3.0])},
        call=lambda mod, x: {
            "grad": mod.numerical_gradient(lambda v: float(np.sum(v**2)), x),
            "rel": mod.relative_error(np.array([1.0, 0.0]), np.array([1.1, 0.0])),
            "check_bad": list(
                mod.check_gradient(
                    lambda v: float(np.sum(v**2)), lambda v: 2 * v + np.array([0, 0, 1.0]), x
                )
            ),
        },
        tol=NUMERIC,
    ),
    Case("curved_function", sample=True, seed=1, inputs=curved_make, call=curved_call, tol=NUMERIC),
    Case(
        "centred_not_one_sided",
        seed=2,
        inputs=sample_make,
        call=sample_call,
        tol=NUMERIC,
        note="a one-sided difference is off by about h on a curved function",
    ),
    Case(
        "honours_h", seed=3, inputs=h_make, call=h_call, tol=NUMERIC, note="the h argument is used"
    ),
    Case("three_dimensional_x", seed=4, inputs=cube_make, call=cube_call, tol=NUMERIC),
    Case(
        "perturbs_in_place",
        seed=5,
        inputs=lambda rng: {"x": normal(rng, 2, 3)},
        call=reads_captured,
        tol=NUMERIC,
        note="f may read the same array object; x is restored afterwards",
    ),
    Case(
        "relative_error_values",
        inputs=lambda rng: {},
        call=rel([[1.0, -2.0], [0.5, 3.0]], [[1.1, -2.0], [0.4, 3.3]]),
        tol=EXACT,
    ),
    Case(
        "relative_error_both_zero",
        inputs=lambda rng: {},
        call=rel([0.0, 0.0], [0.0, 0.0]),
        tol=EXACT,
        note="0 / 0 must not give nan",
    ),
    Case(
        "relative_error_floor",
        inputs=lambda rng: {},
        call=rel([1e-12], [0.0]),
        tol=EXACT,
        note="the 1e-8 floor",
    ),
    Case(
        "relative_error_shape_mismatch",
        inputs=lambda rng: {},
        call=lambda mod: {"e": mod.relative_error(np.zeros(3), np.zeros(4))},
        raises=ValueError,
    ),
    Case("correct_gradient_passes", seed=6, inputs=good_make, call=good_call, check=correct_passes),
    Case(
        "wrong_entry_is_found",
        seed=7,
        inputs=bad_make,
        call=bad_call,
        check=exactly,
        note="worst_index names the wrong entry",
    ),
    Case("just_over_tolerance", seed=8, inputs=tol_make, call=tol_call, check=exactly),
    Case(
        "empty_input",
        inputs=lambda rng: {"x": np.zeros((0, 3))},
        call=lambda mod, x: {"result": list(mod.check_gradient(curved, curved_grad, x))},
        tol=EXACT,
    ),
]
