"""Cases for gradient-accumulation: weighting by micro-batch size, edge sizes, and a memory limit."""

import numpy as np
from casekit import Case, changed_inputs, normal, numeric_gradient

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


def accumulate(size: int, watch_inputs: bool = True):
    def call(mod, W, b, X, y) -> dict:
        before = (
            {"W": W.copy(), "b": b.copy(), "X": X.copy(), "y": y.copy()} if watch_inputs else {}
        )
        dW, db, loss = mod.accumulated_gradient(W, b, X, y, size)
        kind = (
            None if isinstance(loss, float) else f"loss must be a float, got {type(loss).__name__}"
        )
        return {
            "dW": dW,
            "db": db,
            "loss": loss,
            "loss_problem": kind,
            "inputs_problem": changed_inputs(before, {"W": W, "b": b, "X": X, "y": y}),
        }

    return call


def recorded_slices(size: int):
    """Which rows each call of the module's batch_gradient received (the grader wraps it)."""

    def call(mod, W, b, X, y) -> dict:
        given = mod.batch_gradient
        calls, problem = [], None

        def recorder(W_, b_, X_, y_):
            nonlocal problem
            rows = len(X_)
            found = np.flatnonzero((np.asarray(X_[0]) == X).all(axis=1)) if rows else []
            start = int(found[0]) if len(found) else -1
            calls.append([start, start + rows])
            fits = start >= 0 and np.array_equal(X_, X[start : start + rows])
            if problem is None and not (fits and np.array_equal(y_, y[start : start + rows])):
                problem = (
                    f"call {len(calls)} of batch_gradient got rows that are not a slice of X, y"
                )
            return given(W_, b_, X_, y_)

        mod.batch_gradient = recorder
        try:
            dW, db, loss = mod.accumulated_gradient(W, b, X, y, size)
        finally:
            mod.batch_gradient = given
        n = len(X)
        wanted = [[i, min(i + size, n)] for i in range(0, n, size)]
        if problem is None and calls != wanted:
            problem = (
                f"batch_gradient was called on rows {calls} (start, stop), expected {wanted}: "
                f"consecutive slices of micro_batch_size = {size} rows, in order"
            )
        return {"slices_problem": problem, "slices": calls, "dW": dW, "db": db, "loss": loss}

    return call


def with_finite_differences(size: int):
    """dW and db against finite differences of the submission's own accumulated loss."""

    def call(mod, W, b, X, y) -> dict:
        out = accumulate(size)(mod, W, b, X, y)
        w, bias = W.copy(), b.copy()

        def loss():
            return mod.accumulated_gradient(w, bias, X, y, size)[2]

        out["_fd_dW"] = numeric_gradient(loss, w)
        out["_fd_db"] = numeric_gradient(loss, bias)
        return out

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
        call=accumulate(3),
        tol=TOL,
        note="W, b, X and y are left as they were",
    ),
    Case(
        "memory_limited",
        seed=8,
        inputs=big,
        call=accumulate(1000, watch_inputs=False),
        tol=TOL,
        note="250,000 rows and 100 classes: the full batch does not fit in memory at once",
    ),
    Case(
        "consecutive_slices",
        seed=12,
        inputs=problem(11, 3, 4),
        call=recorded_slices(4),
        tol=TOL,
        note="batch_gradient is called on rows 0-3, 4-7 and 8-10, in that order",
    ),
    Case(
        "one_call_when_size_exceeds_rows",
        seed=13,
        inputs=problem(6, 2, 3),
        call=recorded_slices(6),
        tol=TOL,
        note="micro_batch_size >= N: a single call on all rows",
    ),
    Case(
        "large_logits",
        seed=14,
        inputs=lambda rng: {**problem(9, 4, 5)(rng), "X": normal(rng, 9, 4, scale=2000.0)},
        call=accumulate(4),
        tol=TOL,
        note="logits in the thousands: batch_gradient (as given) subtracts the row maximum",
    ),
    Case(
        "zero_micro_batch_size",
        seed=9,
        inputs=problem(5, 2, 2),
        call=accumulate(0),
        raises=ValueError,
        raises_for="micro_batch_size=0",
    ),
    Case(
        "negative_micro_batch_size",
        seed=15,
        inputs=problem(5, 2, 2),
        call=accumulate(-1),
        raises=ValueError,
        raises_for="micro_batch_size=-1",
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
        raises_for="N = 0 rows",
    ),
]
