"""Cases for gradient-accumulation: weighting by micro-batch size, edge sizes, and a memory limit."""

import numpy as np
from casekit import Case, normal, numeric_gradient

TOL = (1e-9, 1e-12)


def problem(n: int, d: int, c: int, zero_weights: bool = False):
    def make(rng: np.random.Generator) -> dict:
        return {
            "W": np.zeros((d, c)) if zero_weights else normal(rng, d, c, scale=0.5),
            "b": normal(rng, c),
            "X": normal(rng, n, d),
            "y": rng.integers(0, c, size=n),
        }

    return make


def accumulate(size: int):
    def call(mod, W, b, X, y) -> dict:
        dW, db, loss = mod.accumulated_gradient(W, b, X, y, size)
        return {"dW": dW, "db": db, "loss": loss}

    return call


def with_finite_differences(size: int):
    """dW and db against finite differences of the submission's own accumulated loss."""

    def call(mod, W, b, X, y) -> dict:
        out = accumulate(size)(mod, W.copy(), b.copy(), X, y)
        w, bias = W.copy(), b.copy()

        def loss():
            return mod.accumulated_gradient(w, bias, X, y, size)[2]

        out["_fd_dW"] = numeric_gradient(loss, w)
        out["_fd_db"] = numeric_gradient(loss, bias)
        return out

    return call


def inputs_untouched(size: int):
    def call(mod, W, b, X, y) -> dict:
        originals = [a.copy() for a in (W, b, X, y)]
        mod.accumulated_gradient(W, b, X, y, size)
        return {
            "inputs_unchanged": all(
                np.array_equal(a, o) for a, o in zip((W, b, X, y), originals, strict=True)
            )
        }

    return call


def big(rng: np.random.Generator) -> dict:
    # Built inside the sandbox from the seed: 250,000 x 20 inputs (40 MB), 100 classes.
    n, d, c = 250_000, 20, 100
    return {
        "W": normal(rng, d, c, scale=0.1),
        "b": np.zeros(c),
        "X": rng.standard_normal((n, d), dtype=np.float64),
        "y": rng.integers(0, c, size=n),
    }


def worked(rng):
    return {
        "W": np.zeros((1, 2)),
        "b": np.zeros(2),
        "X": np.array([[1.0], [2.0], [3.0]]),
        "y": np.array([0, 1, 1]),
    }


CASES = [
    Case("worked_example", sample=True, inputs=worked, call=accumulate(2), tol=TOL),
    Case("even_split", sample=True, seed=1, inputs=problem(12, 4, 3), call=accumulate(4), tol=TOL),
    Case(
        "uneven_last_batch",
        seed=2,
        inputs=problem(10, 5, 4),
        call=accumulate(4),
        tol=TOL,
        note="the last micro-batch is smaller and must weigh less",
    ),
    Case("many_small_uneven", seed=3, inputs=problem(103, 6, 5), call=accumulate(10), tol=TOL),
    Case("micro_batch_of_one", seed=4, inputs=problem(9, 3, 3), call=accumulate(1), tol=TOL),
    Case(
        "micro_batch_larger_than_data",
        seed=5,
        inputs=problem(7, 3, 4),
        call=accumulate(100),
        tol=TOL,
    ),
    Case("single_row", seed=6, inputs=problem(1, 4, 2), call=accumulate(3), tol=TOL),
    Case(
        "zero_weights",
        seed=7,
        inputs=problem(11, 4, 3, zero_weights=True),
        call=accumulate(5),
        tol=TOL,
    ),
    Case(
        "gradient_check",
        seed=10,
        inputs=problem(13, 4, 3),
        call=with_finite_differences(5),
        tol=TOL,
        note="dW and db against finite differences of your accumulated loss",
    ),
    Case(
        "inputs_not_modified",
        seed=11,
        inputs=problem(10, 3, 4),
        call=inputs_untouched(3),
        note="W, b, X and y are left as they were",
    ),
    Case(
        "memory_limited",
        seed=8,
        inputs=big,
        call=accumulate(1000),
        tol=TOL,
        note="250,000 rows and 100 classes: the full batch does not fit in memory at once",
    ),
    Case(
        "zero_micro_batch_size",
        seed=9,
        inputs=problem(5, 2, 2),
        call=accumulate(0),
        raises=ValueError,
    ),
    Case(
        "empty_input",
        inputs=lambda rng: {
            "W": np.zeros((2, 2)),
            "b": np.zeros(2),
            "X": np.zeros((0, 2)),
            "y": np.zeros(0, dtype=np.int64),
        },
        call=accumulate(4),
        raises=ValueError,
    ),
]
