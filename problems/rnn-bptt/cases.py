"""Cases for rnn-bptt: every gradient against finite differences, flow through time, shapes."""

import numpy as np
from casekit import Case, changed_inputs, normal, numeric_gradient

TOL = (1e-7, 1e-9)


def rnn(n, t, d, h, scale=1.0, last_only=False, zero_h0=False):
    def make(rng: np.random.Generator) -> dict:
        dh = normal(rng, n, t, h)
        if last_only:
            dh[:, :-1] = 0.0
        return {
            "x": normal(rng, n, t, d, scale=scale),
            "h0": np.zeros((n, h)) if zero_h0 else normal(rng, n, h),
            "Wx": normal(rng, d, h, scale=0.5),
            "Wh": normal(rng, h, h, scale=0.4),
            "b": normal(rng, h),
            "dh": dh,
        }

    return make


def both(mod, x, h0, Wx, Wh, b, dh) -> dict:
    arrays = {"x": x, "h0": h0, "Wx": Wx, "Wh": Wh, "b": b, "dh": dh}
    before = {name: a.copy() for name, a in arrays.items()}
    dx, dh0, dWx, dWh, db = mod.rnn_backward(dh, x, h0, Wx, Wh, b)
    backward_problem = changed_inputs(before, arrays)
    h = mod.rnn_forward(x, h0, Wx, Wh, b)
    return {
        "h": h,
        "dx": dx,
        "dh0": dh0,
        "dWx": dWx,
        "dWh": dWh,
        "db": db,
        "backward_inputs_problem": backward_problem,
        "forward_inputs_problem": changed_inputs(before, arrays),
    }


def with_finite_differences(mod, x, h0, Wx, Wh, b, dh) -> dict:
    result = both(mod, x.copy(), h0.copy(), Wx.copy(), Wh.copy(), b.copy(), dh)
    arrays = {"dx": x.copy(), "dh0": h0.copy(), "dWx": Wx.copy(), "dWh": Wh.copy(), "db": b.copy()}

    def forward():
        return mod.rnn_forward(
            arrays["dx"], arrays["dh0"], arrays["dWx"], arrays["dWh"], arrays["db"]
        )

    for name, array in arrays.items():
        result[f"_fd_{name}"] = numeric_gradient(forward, array, dh, limit=30)
    return result


def views(rng: np.random.Generator) -> dict:
    """Non-contiguous views: a time-major x seen as (N, T, D), transposed weights, strided slices."""
    n, t, d, h = 3, 4, 2, 5
    return {
        "x": normal(rng, t, n, d).swapaxes(0, 1),
        "h0": normal(rng, h, n).T,
        "Wx": normal(rng, h, d, scale=0.5).T,
        "Wh": normal(rng, h, h, scale=0.4).T,
        "b": normal(rng, 2 * h)[::2],
        "dh": normal(rng, n, t, 2 * h)[:, :, 1::2],
    }


def worked(rng):
    return {
        "x": np.array([[[1.0], [0.0]]]),
        "h0": np.zeros((1, 1)),
        "Wx": np.array([[0.5]]),
        "Wh": np.array([[2.0]]),
        "b": np.zeros(1),
        "dh": np.array([[[0.0], [1.0]]]),
    }


CASES = [
    Case("worked_example", sample=True, inputs=worked, call=both, tol=TOL),
    Case("small_sequence", sample=True, seed=1, inputs=rnn(2, 3, 4, 5), call=both, tol=TOL),
    Case(
        "gradient_check",
        seed=2,
        inputs=rnn(2, 4, 3, 5),
        call=with_finite_differences,
        tol=TOL,
        note="every gradient against finite differences",
    ),
    Case("distinct_sizes", seed=3, inputs=rnn(3, 5, 2, 4), call=both, tol=TOL),
    Case("single_step", seed=4, inputs=rnn(2, 1, 3, 3), call=both, tol=TOL),
    Case(
        "loss_on_last_step_only",
        seed=5,
        inputs=rnn(2, 6, 3, 4, last_only=True),
        call=with_finite_differences,
        tol=TOL,
        note="the gradient must flow back through every earlier step",
    ),
    Case("zero_initial_state", seed=6, inputs=rnn(2, 4, 2, 3, zero_h0=True), call=both, tol=TOL),
    Case("long_sequence", seed=7, inputs=rnn(2, 60, 3, 6), call=both, tol=TOL),
    Case("saturated_tanh", seed=8, inputs=rnn(2, 5, 3, 4, scale=30.0), call=both, tol=TOL),
    Case("batch_of_one", seed=9, inputs=rnn(1, 7, 2, 2), call=with_finite_differences, tol=TOL),
    Case(
        "inputs_not_modified",
        seed=10,
        inputs=rnn(2, 3, 2, 3),
        call=both,
        tol=TOL,
        note="neither function may change any of its inputs",
    ),
    Case(
        "non_contiguous_inputs",
        seed=11,
        inputs=views,
        call=both,
        tol=TOL,
        note="transposed and strided views as inputs",
    ),
]
