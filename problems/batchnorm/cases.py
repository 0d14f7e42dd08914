"""Cases for batchnorm: both modes, every gradient against finite differences, running statistics."""

import numpy as np
from casekit import Case, changed_inputs, normal, numeric_gradient

TOL = (1e-7, 1e-9)
# Values near 1e6 with unit spread: any mean-then-deviations variance (two-pass, Welford, shifted)
# is within 2% of this tolerance of the exact answer; E[x^2] - E[x]^2 misses by 100x or more.
OFFSET_TOL = (1e-6, 1e-8)


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


class Watched:
    """Runs forward and backward, remembering the first input either of them changed in place."""

    def __init__(self, layer):
        self.layer, self.problem = layer, None

    def _watch(self, method, name, value):
        before = {name: value.copy()}
        result = method(value)
        self.problem = self.problem or changed_inputs(before, {name: value})
        return result

    def forward(self, x):
        return self._watch(self.layer.forward, "x", x)

    def backward(self, dout):
        return self._watch(self.layer.backward, "dout", dout)


def train_steps(custom_affine: bool = False, then_eval: bool = False, **options):
    def call(mod, xs, dout, gamma, beta) -> dict:
        d = xs[0].shape[1]
        layer = mod.BatchNorm1d(d, **options)
        watched = Watched(layer)
        if custom_affine:
            layer.gamma, layer.beta = gamma.copy(), beta.copy()
        for x in xs:
            out = watched.forward(x)
        if then_eval:
            layer.eval()
            out = watched.forward(xs[0] * 0.5 + 1.0)
        dx = watched.backward(dout)
        return {
            "out": out,
            "dx": dx,
            "dgamma": layer.dgamma,
            "dbeta": layer.dbeta,
            **state(layer),
            "inputs_problem": watched.problem,
        }

    return call


def gradient_check(mode: str):
    def call(mod, xs, dout, gamma, beta) -> dict:
        x = xs[0].copy()
        layer = mod.BatchNorm1d(x.shape[1])
        layer.gamma, layer.beta = gamma.copy(), beta.copy()
        if mode == "eval":
            layer.forward(x * 2.0 + 0.3)  # give the running statistics something to hold
            layer.eval()
        watched = Watched(layer)
        watched.forward(x)
        dx = watched.backward(dout)
        out = {
            "dx": dx,
            "dgamma": layer.dgamma.copy(),
            "dbeta": layer.dbeta.copy(),
            "inputs_problem": watched.problem,
        }

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
    fresh = {
        "gamma": layer.gamma,
        "beta": layer.beta,
        "dgamma": layer.dgamma,
        "dbeta": layer.dbeta,
        **state(layer),
    }
    fresh = {k: np.array(v, copy=True) for k, v in fresh.items()}
    return {
        **fresh,
        "eval_returned": returned(layer.eval()),
        "train_returned": returned(layer.train()),
    }


def returned(value) -> str:
    return "None" if value is None else f"a {type(value).__name__}"


def tiny_batch(mode: str, n: int):
    def call(mod, xs, dout, gamma, beta) -> dict:
        layer = mod.BatchNorm1d(xs[0].shape[1])
        if mode == "eval":
            layer.eval()
        return {"out": layer.forward(xs[0][:n].copy())}

    return call


def back_to_training(mod, xs, dout, gamma, beta) -> dict:
    """eval() then train(): forward uses the batch statistics and updates the running ones."""
    layer = mod.BatchNorm1d(xs[0].shape[1])
    layer.eval()
    layer.train()
    out = layer.forward(xs[0].copy())
    return {"out": out, "dx": layer.backward(dout.copy()), **state(layer)}


def mode_switched_before_backward(mod, xs, dout, gamma, beta) -> dict:
    """backward follows the mode of the last forward, not the mode at the time of backward."""
    trained = mod.BatchNorm1d(xs[0].shape[1])
    trained.forward(xs[0].copy())
    trained.eval()
    evaluated = mod.BatchNorm1d(xs[0].shape[1])
    evaluated.forward(xs[1].copy())
    evaluated.eval()
    evaluated.forward(xs[0].copy())
    evaluated.train()
    return {
        "dx_train_forward_then_eval": trained.backward(dout.copy()),
        "dx_eval_forward_then_train": evaluated.backward(dout.copy()),
    }


def gamma_changed_before_backward(mod, xs, dout, gamma, beta) -> dict:
    """backward uses the gamma the forward used, however gamma changes in between."""
    d = xs[0].shape[1]
    out = {}
    for mode in ("train", "eval"):
        reassigned, in_place = mod.BatchNorm1d(d), mod.BatchNorm1d(d)
        for layer in (reassigned, in_place):
            layer.forward(xs[1].copy())
            if mode == "eval":
                layer.eval()
            layer.gamma = gamma.copy()
            layer.forward(xs[0].copy())
        reassigned.gamma = gamma * 3.0 + 1.0
        in_place.gamma *= 3.0
        out[f"dx_{mode}_gamma_reassigned"] = reassigned.backward(dout.copy())
        out[f"dx_{mode}_gamma_changed_in_place"] = in_place.backward(dout.copy())
    return out


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
        inputs=data(16, 3, scale=1.0, offset=1e6),
        call=train_steps(),
        tol=OFFSET_TOL,
        note="values near 1e6: the variance must be computed around the mean",
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
        raises_for="a batch of N = 1 row in training mode",
        note="one row has no unbiased variance",
    ),
    Case(
        "empty_batch_train",
        seed=12,
        inputs=data(3, 4),
        call=tiny_batch("train", 0),
        raises=ValueError,
        raises_for="an empty batch (N = 0) in training mode",
    ),
    Case("initial_state", inputs=worked, call=initial, tol=TOL),
    Case(
        "train_after_eval",
        seed=13,
        inputs=data(6, 3),
        call=back_to_training,
        tol=TOL,
        note="train() switches back to batch statistics",
    ),
    Case(
        "mode_switched_before_backward",
        seed=14,
        inputs=data(5, 3, offset=1.0, batches=2),
        call=mode_switched_before_backward,
        tol=TOL,
        note="backward follows the mode of the last forward",
    ),
    Case(
        "gamma_changed_before_backward",
        seed=15,
        inputs=data(5, 3, offset=-0.5, batches=2),
        call=gamma_changed_before_backward,
        tol=TOL,
        note="backward uses the gamma of the last forward",
    ),
    Case(
        "momentum_zero",
        seed=16,
        inputs=data(6, 4, offset=2.0, batches=3),
        call=train_steps(then_eval=True, momentum=0.0),
        tol=TOL,
        note="momentum = 0: the running statistics keep their initial values",
    ),
    Case(
        "momentum_one",
        seed=17,
        inputs=data(6, 4, scale=2.0, offset=-3.0, batches=3),
        call=train_steps(then_eval=True, momentum=1.0),
        tol=TOL,
        note="momentum = 1: the running statistics are the last batch's",
    ),
    Case(
        "custom_eps_and_momentum",
        seed=18,
        inputs=data(5, 3, scale=0.3, batches=3),
        call=train_steps(momentum=0.25, eps=0.5),
        tol=TOL,
        note="the constructor's eps and momentum are used",
    ),
    Case(
        "custom_eps_eval",
        seed=19,
        inputs=data(5, 3, scale=0.3, batches=2),
        call=train_steps(then_eval=True, momentum=0.25, eps=0.5),
        tol=TOL,
    ),
]
