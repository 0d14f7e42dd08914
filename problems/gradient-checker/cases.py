"""Cases for gradient-checker: centred differences, restoring x, the relative-error floor, the verdict."""

import copy

import numpy as np
from casekit import Case, changed_inputs, compare_value, normal

NUMERIC = (1e-7, 1e-9)
EXACT = (1e-9, 0.0)
NOISY = (1e-4, 1e-9)


def curved(v):
    return float(np.sum(np.sin(v) * np.exp(0.3 * v)) + np.sum(v**3) / 3.0)


def curved_grad(v):
    return np.cos(v) * np.exp(0.3 * v) + 0.3 * np.sin(v) * np.exp(0.3 * v) + v**2


def not_restored(original: np.ndarray, x: np.ndarray) -> str | None:
    """None when x holds its original values again, else where it does not."""
    message = changed_inputs({"x": original}, {"x": x})
    if message is None:
        return None
    message = message.replace("your code changed the input `x` in place", "x was not restored")
    return message.replace("; work on a copy", "; put each entry back after perturbing it")


def wavy(v):
    # Third derivative 27,000 times larger than the first: h = 1e-4 instead of 1e-5 shows.
    return float(np.sum(np.sin(30.0 * v)))


def wavy_grad(v):
    return 30.0 * np.cos(30.0 * v)


def numeric(h=None, shape=(5,), f=curved):
    def make(rng):
        return {"x": normal(rng, *shape)}

    def call(mod, x) -> dict:
        original = x.copy()
        grad = mod.numerical_gradient(f, x) if h is None else mod.numerical_gradient(f, x, h)
        return {"grad": grad, "x_problem": not_restored(original, x)}

    return make, call


def reads_captured(mod, x) -> dict:
    # f ignores its argument and reads the array it closed over: only in-place perturbation works.
    captured = x

    def f(_ignored):
        return float(np.sum(captured**2 * np.arange(1, captured.size + 1).reshape(captured.shape)))

    original = x.copy()
    grad = mod.numerical_gradient(f, x)
    return {"grad": grad, "x_problem": not_restored(original, x)}


def rel(a, b, dtype=float, as_list=False):
    def call(mod) -> dict:
        left, right = np.asarray(a, dtype=dtype), np.asarray(b, dtype=dtype)
        if as_list:
            left, right = left.tolist(), right.tolist()
        before = {"a": copy.deepcopy(left), "b": copy.deepcopy(right)}
        error = mod.relative_error(left, right)
        kind = None if isinstance(error, float) else f"expected a float, got {type(error).__name__}"
        return {
            "error": error,
            "type_problem": kind,
            "inputs_problem": changed_inputs(before, {"a": left, "b": right}),
        }

    return call


def verdict(ok, error, worst) -> dict:
    return {
        "ok": bool(ok) if isinstance(ok, bool | np.bool_) else ok,
        "max_rel_error": error,
        "worst_index": None if worst is None else [int(i) for i in worst],
    }


def check(grad_fn, shape=(6,), tol=1e-5, h=1e-5, f=curved, defaults=False):
    def make(rng):
        return {"x": normal(rng, *shape)}

    def call(mod, x) -> dict:
        original = x.copy()
        if defaults:
            result = mod.check_gradient(f, grad_fn, x)
        else:
            result = mod.check_gradient(f, grad_fn, x, h, tol)
        return {**verdict(*result), "x_problem": not_restored(original, x)}

    return make, call


def nudged(index, amount=0.5):
    def grad(v):
        g = curved_grad(v)
        g[index] += amount
        return g

    return grad


def correct_passes(got, expected, inputs):
    if got.get("x_problem") is not None:
        return str(got["x_problem"])
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
    if got.get("x_problem") is not None:
        return str(got["x_problem"])
    for key in ("ok", "worst_index"):
        if got.get(key) != expected[key]:
            return f"{key}: expected {expected[key]!r}, got {got.get(key)!r}"
    # The error carries finite-difference rounding noise (and NumPy builds differ in the last bits of
    # sin and exp), so it is compared to 1e-4 relative: still far tighter than any tolerance.
    return compare_value(
        "max_rel_error", got.get("max_rel_error"), expected["max_rel_error"], NOISY
    )


def linear(v):
    # Exact centred differences: x holds small integers and h is a power of two, so the numeric
    # gradient is exactly 1.0 everywhere and every relative error below is exact.
    return float(np.sum(v))


def planted(values: dict):
    def grad(v):
        g = np.ones(v.shape)
        for index, value in values.items():
            g[index] = value
        return g

    return grad


def exact_check(grad_fn, shape, tol):
    def make(rng):
        return {"x": rng.integers(-3, 4, size=shape).astype(np.float64)}

    def call(mod, x) -> dict:
        original = x.copy()
        result = mod.check_gradient(linear, grad_fn, x, 2.0**-10, tol)
        return {**verdict(*result), "x_problem": not_restored(original, x)}

    return make, call


def default_settings(mod, x) -> dict:
    """check_gradient(f, grad_f, x) with the default h = 1e-5 and tol = 1e-5."""
    original = x.copy()
    # sin(30 x): every entry's relative error is the truncation error (30 h)**2 / 12, 7.5e-9 with
    # h = 1e-5 and 7.5e-7 with h = 1e-4. All entries tie up to rounding: worst_index is not compared.
    smooth = verdict(*mod.check_gradient(wavy, wavy_grad, x))

    # A gradient wrong by 5e-5 relative at one entry: fails tol = 1e-5, would pass tol = 1e-4.
    def slightly_off(v):
        g = curved_grad(v)
        g[1] *= 1.0 + 1e-4
        return g

    off = verdict(*mod.check_gradient(curved, slightly_off, x))
    return {
        "smooth": [smooth["ok"], smooth["max_rel_error"], None],
        "slightly_off": [off["ok"], off["max_rel_error"], off["worst_index"]],
        "x_problem": not_restored(original, x),
    }


def same_verdicts(got, expected, inputs):
    if got.get("x_problem") is not None:
        return str(got["x_problem"])
    for key in ("smooth", "slightly_off"):
        g, e = got.get(key), expected[key]
        if not isinstance(g, list) or len(g) != 3:
            return f"{key}: expected (ok, max_rel_error, worst_index), got {g!r}"
        if g[0] != e[0]:
            return f"{key}: ok: expected {e[0]!r} with the default h and tol, got {g[0]!r}"
        if key == "slightly_off" and g[2] != e[2]:
            return f"{key}: worst_index: expected {tuple(e[2])}, got {g[2]!r}"
        msg = compare_value(f"{key}: max_rel_error", g[1], e[1], NOISY)
        if msg:
            return msg + " (with the default h = 1e-5)"
    return None


def wrong_grad_shape(mod, x) -> dict:
    # (1, 4) broadcasts against (3, 4): only an explicit shape check refuses it.
    mod.check_gradient(curved, lambda v: curved_grad(v)[:1], x)
    return {}


sample_make, sample_call = numeric()
curved_make, curved_call = numeric(shape=(4, 3))
h_make, h_call = numeric(h=1e-2, shape=(6,))
cube_make, cube_call = numeric(shape=(2, 3, 2))
good_make, good_call = check(curved_grad, shape=(3, 4))
bad_make, bad_call = check(nudged((1, 2)), shape=(3, 4))
tol_make, tol_call = check(nudged(2, amount=2e-4), shape=(5,), tol=1e-5)
wavy_make, wavy_call = numeric(shape=(6,), f=wavy)
check_h_make, check_h_call = check(curved_grad, shape=(4,), h=1e-2)
equal_make, equal_call = exact_check(planted({(1,): 3.0}), shape=(4,), tol=0.5)
tie_make, tie_call = exact_check(planted({(1, 2): 3.0, (0, 3): 2.0, (2, 0): 3.0}), (3, 4), 0.1)

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
        raises_for="shapes (3,) and (4,)",
    ),
    Case(
        "relative_error_broadcastable_shapes",
        inputs=lambda rng: {},
        call=lambda mod: {"e": mod.relative_error(np.ones((2, 3)), np.ones((1, 3)))},
        raises=ValueError,
        raises_for="shapes (2, 3) and (1, 3), which NumPy would broadcast",
        note="different shapes are an error even when they broadcast",
    ),
    Case(
        "relative_error_negative_entries",
        inputs=lambda rng: {},
        call=rel([-1.0, 2.0, -0.5, 0.25], [-1.1, -2.0, 0.5, 0.2]),
        tol=EXACT,
        note="the denominator uses |a| + |b|",
    ),
    Case(
        "relative_error_empty",
        inputs=lambda rng: {},
        call=rel(np.zeros((0, 2)), np.zeros((0, 2))),
        tol=EXACT,
        note="no entries: 0.0",
    ),
    Case(
        "relative_error_lists_and_numbers",
        inputs=lambda rng: {},
        call=lambda mod: {
            "lists": mod.relative_error([[1.0, -2.0], [3.0, 0.0]], [[1.5, -2.0], [2.0, 0.0]]),
            "numbers": mod.relative_error(2.0, -3.0),
            "ints": mod.relative_error(np.array([3, 0, -4]), np.array([1, 0, -4])),
        },
        tol=EXACT,
        note="a and b may be nested lists, Python numbers or integer arrays",
    ),
    Case(
        "relative_error_float32",
        inputs=lambda rng: {},
        call=rel([1.0, 0.1, -3.3, 1e-3], [1.0000001, 0.10003, -3.2999, 1.1e-3], dtype=np.float32),
        tol=EXACT,
        note="float32 inputs are converted to float64 before any arithmetic",
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
        "default_h",
        seed=9,
        inputs=wavy_make,
        call=wavy_call,
        tol=NUMERIC,
        note="numerical_gradient's default h is 1e-5",
    ),
    Case(
        "check_gradient_defaults",
        seed=10,
        inputs=lambda rng: {"x": normal(rng, 5)},
        call=default_settings,
        check=same_verdicts,
        note="check_gradient's defaults: h = 1e-5 and tol = 1e-5",
    ),
    Case(
        "check_gradient_honours_h",
        seed=11,
        inputs=check_h_make,
        call=check_h_call,
        check=exactly,
        note="check_gradient passes its h to the numeric gradient",
    ),
    Case(
        "error_equal_to_tol_passes",
        seed=12,
        inputs=equal_make,
        call=equal_call,
        check=exactly,
        note="ok = max_rel_error <= tol: an error of exactly tol passes",
    ),
    Case(
        "tie_takes_the_first_index",
        seed=13,
        inputs=tie_make,
        call=tie_call,
        check=exactly,
        note="two entries with the same largest error: the first in row-major order",
    ),
    Case(
        "gradient_of_wrong_shape",
        seed=14,
        inputs=lambda rng: {"x": normal(rng, 3, 4)},
        call=wrong_grad_shape,
        raises=ValueError,
        raises_for="grad_f(x) of shape (1, 4) for x of shape (3, 4)",
    ),
    Case(
        "empty_input",
        inputs=lambda rng: {"x": np.zeros((0, 3))},
        call=lambda mod, x: {"result": list(mod.check_gradient(curved, curved_grad, x))},
        tol=EXACT,
    ),
]
