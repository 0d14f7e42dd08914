"""Cases for layer-norm: LayerNorm and RMSNorm over any axes, forward and backward, numerics."""

import numpy as np
from casekit import Case, changed_inputs, normal, numeric_gradient

TOL = (1e-7, 1e-9)
# Values near 1e6 with unit spread: a variance computed from the deviations is exact to far better
# than this; E[x^2] - E[x]^2 loses about 12 of its 16 digits there.
OFFSET_TOL = (1e-6, 1e-8)


def tensor(*shape: int, axes=(-1,), scale: float = 1.0, offset: float = 0.0):
    def make(rng: np.random.Generator) -> dict:
        x = normal(rng, *shape, scale=scale) + offset
        kept = sorted(a % len(shape) for a in axes)
        params = [shape[a] for a in kept]
        return {
            "x": x,
            "dout": normal(rng, *shape),
            "gamma": rng.uniform(0.5, 2.0, size=params),
            "beta": normal(rng, *params),
            "axes": tuple(axes),
        }

    return make


def both(eps_ln=None, eps_rms=None, check_gradients: bool = False):
    """LayerNorm and RMSNorm, forward then backward, on the same data."""

    def call(mod, x, dout, gamma, beta, axes) -> dict:
        before = {"x": x.copy(), "dout": dout.copy(), "gamma": gamma.copy(), "beta": beta.copy()}
        ln_kw = {} if eps_ln is None else {"eps": eps_ln}
        rms_kw = {} if eps_rms is None else {"eps": eps_rms}
        y, cache = mod.layer_norm_forward(x, gamma, beta, axes=axes, **ln_kw)
        dx, dgamma, dbeta = mod.layer_norm_backward(dout, cache)
        r, rcache = mod.rms_norm_forward(x, gamma, axes=axes, **rms_kw)
        rdx, rdgamma = mod.rms_norm_backward(dout, rcache)
        out = {
            "ln_y": y,
            "ln_dx": dx,
            "ln_dgamma": dgamma,
            "ln_dbeta": dbeta,
            "rms_y": r,
            "rms_dx": rdx,
            "rms_dgamma": rdgamma,
            "inputs_problem": changed_inputs(
                before, {"x": x, "dout": dout, "gamma": gamma, "beta": beta}
            ),
        }
        if check_gradients:  # diagnostics only: where the candidate's backward disagrees
            x, gamma, beta = x.copy(), gamma.copy(), beta.copy()

            def ln():
                return mod.layer_norm_forward(x, gamma, beta, axes=axes, **ln_kw)[0]

            def rms():
                return mod.rms_norm_forward(x, gamma, axes=axes, **rms_kw)[0]

            out["_fd_ln_dx"] = numeric_gradient(ln, x, dout)
            out["_fd_ln_dgamma"] = numeric_gradient(ln, gamma, dout)
            out["_fd_ln_dbeta"] = numeric_gradient(ln, beta, dout)
            out["_fd_rms_dx"] = numeric_gradient(rms, x, dout)
            out["_fd_rms_dgamma"] = numeric_gradient(rms, gamma, dout)
        return out

    return call


def defaults(mod, x, dout, gamma, beta, axes) -> dict:
    # No axes and no eps: the last axis, eps = 1e-5 for LayerNorm and 1e-6 for RMSNorm.
    y, cache = mod.layer_norm_forward(x, gamma, beta)
    r, rcache = mod.rms_norm_forward(x, gamma)
    return {
        "ln_y": y,
        "ln_dx": mod.layer_norm_backward(dout, cache)[0],
        "rms_y": r,
        "rms_dx": mod.rms_norm_backward(dout, rcache)[0],
    }


def worked(rng):
    return {
        "x": np.array([[1.0, 2.0, 3.0], [2.0, 2.0, 2.0]]),
        "dout": np.array([[1.0, 0.0, -1.0], [0.5, 0.5, 2.0]]),
        "gamma": np.array([1.0, 2.0, 0.5]),
        "beta": np.array([0.0, 0.1, -0.1]),
        "axes": (-1,),
    }


def constant_rows(rng):
    x = normal(rng, 4, 5)
    x[1] = 3.0  # a constant row: variance 0, and eps keeps everything finite
    x[3] = 0.0  # all zeros: RMS 0 too
    return {
        "x": x,
        "dout": normal(rng, 4, 5),
        "gamma": rng.uniform(0.5, 2.0, size=5),
        "beta": normal(rng, 5),
        "axes": (-1,),
    }


CASES = [
    Case("worked_example", sample=True, inputs=worked, call=both(), tol=TOL),
    Case(
        "two_trailing_axes",
        sample=True,
        seed=1,
        inputs=tensor(2, 3, 4, axes=(1, 2)),
        call=both(check_gradients=True),
        tol=TOL,
    ),
    Case(
        "gradient_check_last_axis",
        seed=2,
        inputs=tensor(6, 5, scale=2.0, offset=0.5),
        call=both(check_gradients=True),
        tol=TOL,
        note="dx includes the terms for the mean and the variance (LayerNorm), the RMS (RMSNorm)",
    ),
    Case(
        "middle_axis",
        seed=3,
        inputs=tensor(3, 5, 4, axes=(1,)),
        call=both(check_gradients=True),
        tol=TOL,
        note="a normalised axis that is not the last one",
    ),
    Case(
        "first_and_last_axes",
        seed=4,
        inputs=tensor(3, 4, 5, axes=(0, 2)),
        call=both(check_gradients=True),
        tol=TOL,
        note="axes that are not next to each other",
    ),
    Case(
        "negative_axes",
        seed=5,
        inputs=tensor(2, 4, 3, axes=(-2, -1)),
        call=both(),
        tol=TOL,
    ),
    Case(
        "axes_given_out_of_order",
        seed=6,
        inputs=tensor(3, 2, 4, axes=(2, 0)),
        call=both(),
        tol=TOL,
        note="gamma's axes follow the order of x's axes, not of `axes`",
    ),
    Case(
        "every_axis",
        seed=7,
        inputs=tensor(3, 4, axes=(0, 1)),
        call=both(check_gradients=True),
        tol=TOL,
        note="the whole tensor is one group: gamma has the shape of x",
    ),
    Case(
        "large_offset",
        seed=8,
        inputs=tensor(4, 64, offset=1e6),
        call=both(),
        tol=OFFSET_TOL,
        note="values near 1e6: the variance must be computed around the mean",
    ),
    Case(
        "constant_rows",
        seed=9,
        inputs=constant_rows,
        call=both(),
        tol=TOL,
        note="zero variance and zero RMS: eps keeps them finite",
    ),
    Case(
        "single_element_groups",
        seed=10,
        inputs=tensor(5, 1, axes=(1,)),
        call=both(),
        tol=TOL,
        note="a group of one value: LayerNorm gives beta",
    ),
    Case(
        "custom_eps",
        seed=11,
        inputs=tensor(4, 6, scale=0.3),
        call=both(eps_ln=0.5, eps_rms=0.25),
        tol=TOL,
        note="eps is added to the variance (the mean square) inside the square root",
    ),
    Case(
        "default_arguments",
        seed=12,
        inputs=tensor(2, 3, 7, scale=0.05),
        call=defaults,
        tol=TOL,
        note="axes=(-1,): on three dimensions, the last axis only",
    ),
    Case(
        "empty_batch",
        seed=13,
        inputs=tensor(0, 4),
        call=both(),
        tol=TOL,
        note="no rows: empty outputs and zero parameter gradients",
    ),
    Case(
        "batch_of_images",
        seed=14,
        inputs=tensor(2, 3, 4, 4, axes=(1, 2, 3), scale=3.0, offset=-1.0),
        call=both(),
        tol=TOL,
    ),
]
