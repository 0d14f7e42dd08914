"""Cases for linear-layer: values, every gradient against finite differences, edge batches."""

import numpy as np
from casekit import Case, batch, changed_inputs, normal, numeric_gradient

TOL = (1e-7, 1e-9)


def layer(n: int, d_in: int, d_out: int, x_fill: str = "normal", zero_w: bool = False):
    def make(rng: np.random.Generator) -> dict:
        return {
            "x": batch(rng, n, d_in, fill=x_fill),
            "W": np.zeros((d_in, d_out)) if zero_w else normal(rng, d_in, d_out),
            "b": normal(rng, d_out),
            "dout": normal(rng, n, d_out),
        }

    return make


def dtype_of(a) -> str:
    return str(getattr(a, "dtype", type(a).__name__))


def forward_and_backward(mod, x, W, b, dout) -> dict:
    inputs = {"x": x, "W": W, "b": b, "dout": dout}
    before = {name: a.copy() for name, a in inputs.items()}
    out = mod.linear_forward(x, W, b)
    dx, dW, db = mod.linear_backward(dout, x, W, b)
    return {
        "out": out,
        "dx": dx,
        "dW": dW,
        "db": db,
        "dtypes": {
            "out": dtype_of(out),
            "dx": dtype_of(dx),
            "dW": dtype_of(dW),
            "db": dtype_of(db),
        },
        "inputs_problem": changed_inputs(before, inputs),
    }


def with_finite_differences(mod, x, W, b, dout) -> dict:
    out = forward_and_backward(mod, x.copy(), W.copy(), b.copy(), dout)
    xs, Ws, bs = x.copy(), W.copy(), b.copy()

    def loss():
        return mod.linear_forward(xs, Ws, bs)

    out["_fd_dx"] = numeric_gradient(loss, xs, dout)
    out["_fd_dW"] = numeric_gradient(loss, Ws, dout)
    out["_fd_db"] = numeric_gradient(loss, bs, dout)
    return out


def inputs_untouched(mod, x, W, b, dout) -> dict:
    inputs = {"x": x, "W": W, "b": b, "dout": dout}
    before = {name: a.copy() for name, a in inputs.items()}
    mod.linear_forward(x, W, b)
    mod.linear_backward(dout, x, W, b)
    return {"inputs_problem": changed_inputs(before, inputs)}


CASES = [
    Case(
        "worked_example",
        sample=True,
        inputs=lambda rng: {
            "x": np.array([[1.0, 2.0]]),
            "W": np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]]),
            "b": np.array([0.5, 0.0, 0.0]),
            "dout": np.array([[1.0, 1.0, 1.0]]),
        },
        call=forward_and_backward,
        tol=TOL,
    ),
    Case(
        "small_batch",
        sample=True,
        seed=1,
        inputs=layer(4, 3, 5),
        call=forward_and_backward,
        tol=TOL,
    ),
    Case(
        "gradient_check",
        seed=2,
        inputs=layer(5, 4, 3),
        call=with_finite_differences,
        tol=TOL,
        note="dx, dW and db against finite differences",
    ),
    Case("tall_and_narrow", seed=3, inputs=layer(7, 2, 6), call=forward_and_backward, tol=TOL),
    Case("batch_of_one", seed=4, inputs=layer(1, 6, 2), call=forward_and_backward, tol=TOL),
    Case(
        "empty_batch",
        seed=5,
        inputs=layer(0, 4, 3),
        call=forward_and_backward,
        tol=TOL,
        note="N = 0: empty outputs, zero dW and db",
    ),
    Case(
        "zero_weights",
        seed=6,
        inputs=layer(3, 4, 2, zero_w=True),
        call=forward_and_backward,
        tol=TOL,
        note="dx is zero, dW is not",
    ),
    Case(
        "all_ones_batch",
        seed=7,
        inputs=layer(4, 3, 3, x_fill="ones"),
        call=forward_and_backward,
        tol=TOL,
    ),
    Case(
        "all_zeros_batch",
        seed=8,
        inputs=layer(4, 5, 2, x_fill="zeros"),
        call=forward_and_backward,
        tol=TOL,
    ),
    Case(
        "large_values",
        seed=9,
        inputs=lambda rng: {
            "x": normal(rng, 6, 4, scale=1e3),
            "W": normal(rng, 4, 3, scale=1e3),
            "b": normal(rng, 3),
            "dout": normal(rng, 6, 3),
        },
        call=forward_and_backward,
        tol=TOL,
    ),
    Case(
        "single_unit_layer",
        seed=12,
        inputs=layer(5, 1, 1),
        call=forward_and_backward,
        tol=TOL,
        note="D_in = D_out = 1: no axis may be squeezed away",
    ),
    Case("wide_layer", seed=10, inputs=layer(64, 128, 96), call=forward_and_backward, tol=TOL),
    Case("inputs_not_modified", seed=11, inputs=layer(3, 4, 5), call=inputs_untouched),
]
