"""Cases for log-softmax: stability at any magnitude, -inf entries, axes, keepdims and speed."""

import numpy as np
from casekit import Case, changed_inputs, huge, normal

TOL = (1e-9, 1e-9)


def dtype_of(result) -> str:
    return str(np.asarray(result).dtype)


def both(axis: int = -1, keepdims: bool = False):
    def call(mod, x) -> dict:
        before = {"x": x.copy()}
        lse = mod.logsumexp(x, axis=axis, keepdims=keepdims)
        log_p = mod.log_softmax(x, axis=axis)
        return {
            "logsumexp": lse,
            "log_softmax": log_p,
            "dtypes": {"logsumexp": dtype_of(lse), "log_softmax": dtype_of(log_p)},
            "inputs_problem": changed_inputs(before, {"x": x}),
        }

    return call


def defaults(mod, x) -> dict:
    # No axis and no keepdims: the defaults are axis=-1 and keepdims=False.
    return {"logsumexp": mod.logsumexp(x), "log_softmax": mod.log_softmax(x)}


def logsumexp_only(axis: int = -1, keepdims: bool = False):
    def call(mod, x) -> dict:
        before = {"x": x.copy()}
        lse = mod.logsumexp(x, axis=axis, keepdims=keepdims)
        return {"logsumexp": lse, "inputs_problem": changed_inputs(before, {"x": x})}

    return call


def empty_slices(mod, x) -> dict:
    return {
        "logsumexp": mod.logsumexp(x, axis=-1),
        "logsumexp_keepdims": mod.logsumexp(x, axis=-1, keepdims=True),
        "log_softmax": mod.log_softmax(x, axis=-1),
    }


def big_and_sampled(mod, x) -> dict:
    # The full result is 96 MB: return the log-sum-exp and a strided sample of the log-softmax.
    return {"logsumexp": mod.logsumexp(x), "log_softmax_sample": mod.log_softmax(x)[::97, ::13]}


def with_neg_inf(rng: np.random.Generator) -> dict:
    x = normal(rng, 4, 6, scale=3.0)
    x[0, [1, 4]] = -np.inf
    x[2, :5] = -np.inf  # one finite entry left in the row
    return {"x": x}


CASES = [
    Case(
        "worked_example",
        sample=True,
        inputs=lambda rng: {"x": np.array([[1.0, 2.0, 3.0], [1000.0, 1000.0, 1000.0]])},
        call=both(),
        tol=TOL,
    ),
    Case(
        "random_rows",
        sample=True,
        seed=1,
        inputs=lambda rng: {"x": normal(rng, 3, 5)},
        call=both(),
        tol=TOL,
    ),
    Case(
        "huge_positive",
        seed=2,
        inputs=lambda rng: {"x": np.abs(huge(rng, 5, 8)) + 1e4},
        call=both(),
        tol=TOL,
        note="values near 1e4 must not overflow",
    ),
    Case(
        "huge_spread",
        seed=3,
        inputs=lambda rng: {"x": huge(rng, 6, 7, magnitude=3e4)},
        call=both(),
        tol=TOL,
        note="entries 1e4 apart must not underflow to log(0)",
    ),
    Case(
        "rows_far_apart",
        seed=4,
        inputs=lambda rng: {"x": normal(rng, 3, 4) + np.array([[0.0], [-5e3], [5e3]])},
        call=both(),
        tol=TOL,
        note="each slice is shifted by its own maximum",
    ),
    Case("negative_infinity_entries", seed=5, inputs=with_neg_inf, call=both(), tol=TOL),
    Case("axis_0", seed=6, inputs=lambda rng: {"x": normal(rng, 4, 3)}, call=both(axis=0), tol=TOL),
    Case(
        "keepdims",
        seed=7,
        inputs=lambda rng: {"x": normal(rng, 2, 3, 4)},
        call=both(axis=1, keepdims=True),
        tol=TOL,
    ),
    Case(
        "negative_axis_3d",
        seed=8,
        inputs=lambda rng: {"x": normal(rng, 2, 5, 3, scale=10.0)},
        call=both(axis=-2),
        tol=TOL,
    ),
    Case("one_dimensional", seed=9, inputs=lambda rng: {"x": normal(rng, 7)}, call=both(), tol=TOL),
    Case(
        "single_entry_slices",
        seed=10,
        inputs=lambda rng: {"x": normal(rng, 5, 1, scale=100.0)},
        call=both(),
        tol=TOL,
    ),
    Case(
        "empty_axis",
        inputs=lambda rng: {"x": np.zeros((3, 0))},
        call=empty_slices,
        tol=TOL,
        note="a slice of length 0 has log-sum-exp -inf; log_softmax is empty",
    ),
    Case(
        "all_neg_inf_slice",
        seed=12,
        inputs=lambda rng: {
            "x": np.vstack([normal(rng, 1, 4), np.full((1, 4), -np.inf), normal(rng, 1, 4)])
        },
        call=logsumexp_only(),
        tol=TOL,
        note="a slice of only -inf entries has log-sum-exp -inf, not nan",
    ),
    Case(
        "default_axis_and_keepdims",
        seed=13,
        inputs=lambda rng: {"x": normal(rng, 2, 3, 4)},
        call=defaults,
        tol=TOL,
        note="called without axis or keepdims: axis=-1, keepdims=False",
    ),
    Case(
        "float32_input",
        seed=14,
        inputs=lambda rng: {"x": normal(rng, 3, 6, scale=30.0).astype(np.float32)},
        call=both(),
        tol=TOL,
        note="float32 input: results are float64",
    ),
    Case(
        "large_input",
        seed=11,
        inputs=lambda rng: {"x": normal(rng, 6000, 2000, scale=20.0)},
        call=big_and_sampled,
        tol=TOL,
        note="12 million entries: loops over elements run out of time",
    ),
]
