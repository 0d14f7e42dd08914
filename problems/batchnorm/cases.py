"""Cases for batchnorm: both modes, every gradient against finite differences, running statistics."""

import numpy as np
from casekit import Case, normal, numeric_gradient

TOL = (1e-7, 1e-9)


def data(n: int, d: int, scale: float = 1.0, offset: float = 0.0, batches: int = 1):
    def make(rng: np.random.Generator) -> dict:
        return {
            "xs": [
                normal(rng, n, d, scale=scale) + offset + normal(rng, d) for _ in range(batches)
            ],
            "dout": normal(rng, n, d),
            "gamma": rng.uniform(0.5, 2.0, size=d),
            "beta": normal(rng, d),
        }

    return make


def state(layer) -> dict:
    return {"running_mean": layer.running_mean, "running_var": layer.running_var}


def train_steps(custom_affine: bool = False, then_eval: bool = False):
    def call(mod, xs, dout, gamma, beta) -> dict:
        d = xs[0].shape[1]
        layer = mod.BatchNorm1d(d)
        if custom_affine:
            layer.gamma, layer.beta = gamma.copy(), beta.copy()
        for x in xs:
            out = layer.forward(x.copy())
        if then_eval:
            layer.eval()
            out = layer.forward(xs[0] * 0.5 + 1.0)
        dx = layer.backward(dout)
        return {"out": out, "dx": dx, "dgamma": layer.dgamma, "dbeta": layer.dbeta, **state(layer)}

    return call


def gradient_check(mode: str):
    def call(mod, xs, dout, gamma, beta) -> dict:
        x = xs[0].copy()
        layer = mod.BatchNorm1d(x.shape[1])
        layer.gamma, layer.beta = gamma.copy(), beta.copy()
        if mode == "eval":
            layer.forward(x * 2.0 + 0.3)  # give the running statistics something to hold
            layer.eval()
        layer.forward(x)
        dx = layer.backward(dout)
        out = {"dx": dx, "dgamma": layer.dgamma.copy(), "dbeta": layer.dbeta.copy()}

        def forward():
            return layer.forward(x)

        frozen = state(layer)
        out["_fd_dx"] = numeric_gradient(forward, x, dout)
        out["_fd_dgamma"] = numeric_gradient(forward, layer.gamma, dout)
        out["_fd_dbeta"] = numeric_gradient(forward, layer.beta, dout)
        if mode == "eval":
            out.update({k: np.array(v, copy=True) for k, v in frozen.items()})
        return out

    return call


def initial(mod, xs, dout, gamma, beta) -> dict:
    layer = mod.BatchNorm1d(3)
    return {"gamma": layer.gamma, "beta": layer.beta, **state(layer)}


def tiny_batch(mode: str, n: int):
    def call(mod, xs, dout, gamma, beta) -> dict:
        layer = mod.BatchNorm1d(xs[0].shape[1])
        if mode == "eval":
            layer.eval()
        return {"out": layer.forward(xs[0][:n].copy())}

    return call


def worked(rng):
    return {
        "xs": [np.array([[1.0, 10.0], [3.0, 10.0]])],
        "dout": np.array([[1.0, 0.5], [-1.0, 2.0]]),
        "gamma": np.ones(2),
        "beta": np.zeros(2),
    }


CASES = [
    Case("worked_example", sample=True, inputs=worked, call=train_steps(), tol=TOL),
    Case(
        "train_then_eval",
        sample=True,
        seed=1,
        inputs=data(6, 3, batches=3),
        call=train_steps(then_eval=True),
        tol=TOL,
    ),
    Case(
        "gradient_check_train",
        seed=2,
        inputs=data(5, 4),
        call=gradient_check("train"),
        tol=TOL,
        note="dx includes the batch mean and variance terms",
    ),
    Case("gradient_check_eval", seed=3, inputs=data(4, 3), call=gradient_check("eval"), tol=TOL),
    Case(
        "running_statistics",
        seed=4,
        inputs=data(8, 5, scale=3.0, offset=2.0, batches=6),
        call=train_steps(),
        tol=TOL,
        note="(1 - momentum) * running + momentum * batch, unbiased variance",
    ),
    Case(
        "eval_uses_running_stats",
        seed=5,
        inputs=data(10, 4, scale=2.0, offset=-1.0, batches=4),
        call=train_steps(then_eval=True),
        tol=TOL,
    ),
    Case(
        "custom_gamma_beta",
        seed=6,
        inputs=data(7, 3),
        call=train_steps(custom_affine=True),
        tol=TOL,
    ),
    Case(
        "constant_feature",
        inputs=lambda rng: {
            "xs": [np.column_stack([np.full(5, 3.0), np.arange(5.0)])],
            "dout": normal(rng, 5, 2),
            "gamma": np.ones(2),
            "beta": np.zeros(2),
        },
        call=train_steps(),
        tol=TOL,
        note="zero variance: eps keeps it finite",
    ),
    Case(
        "large_offset",
        seed=7,
        inputs=data(16, 3, scale=1.0, offset=1e8),
        call=train_steps(),
        tol=(1e-6, 1e-8),
        note="the variance must be computed around the mean",
    ),
    Case("two_rows", seed=8, inputs=data(2, 6), call=train_steps(), tol=TOL),
    Case("batch_of_one_eval", seed=9, inputs=data(3, 4), call=tiny_batch("eval", 1), tol=TOL),
    Case("empty_batch_eval", seed=10, inputs=data(3, 4), call=tiny_batch("eval", 0), tol=TOL),
    Case(
        "batch_of_one_train",
        seed=11,
        inputs=data(3, 4),
        call=tiny_batch("train", 1),
        raises=ValueError,
        note="one row has no unbiased variance",
    ),
    Case("initial_state", inputs=worked, call=initial, tol=TOL),
]
