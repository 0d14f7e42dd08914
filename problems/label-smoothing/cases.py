"""Cases for label-smoothing: smoothing, class weights, ignored targets, huge logits, errors."""

import numpy as np
from casekit import Case, changed_inputs, huge, normal, numeric_gradient

TOL = (1e-9, 1e-12)


def batch(
    n: int, c: int, *, scale: float = 2.0, ignored: int = 0, ignore_index: int = -100, logits=None
):
    def make(rng: np.random.Generator) -> dict:
        z = normal(rng, n, c, scale=scale) if logits is None else logits(rng, n, c)
        t = rng.integers(0, c, size=n)
        t[rng.permutation(n)[:ignored]] = ignore_index
        return {"logits": z, "targets": t, "weights": rng.uniform(0.5, 2.0, size=c)}

    return make


def loss_and_grad(smoothing=None, weighted=False, ignore_index=None, check_gradient=False):
    def call(mod, logits, targets, weights) -> dict:
        kwargs = {}
        if smoothing is not None:
            kwargs["smoothing"] = smoothing
        if weighted:
            kwargs["weights"] = weights
        if ignore_index is not None:
            kwargs["ignore_index"] = ignore_index
        before = {"logits": logits.copy(), "targets": targets.copy(), "weights": weights.copy()}
        loss, grad = mod.smoothed_cross_entropy(logits, targets, **kwargs)
        out = {
            "loss": loss,
            "dlogits": grad,
            "inputs_problem": changed_inputs(
                before, {"logits": logits, "targets": targets, "weights": weights}
            ),
        }
        if check_gradient:
            probe = logits.copy()
            out["_fd_dlogits"] = numeric_gradient(
                lambda: mod.smoothed_cross_entropy(probe, targets, **kwargs)[0], probe
            )
        return out

    return call


def refused(**kwargs):
    def call(mod, logits, targets, weights) -> dict:
        mod.smoothed_cross_entropy(logits, targets, **kwargs)
        return {}

    return call


def worked(rng):
    return {
        "logits": np.array([[2.0, 0.5, -1.0], [0.0, 3.0, 1.0], [1.0, 1.0, 1.0]]),
        "targets": np.array([0, 2, -100]),
        "weights": np.array([1.0, 2.0, 0.5]),
    }


def bad_target(value: int):
    def make(rng: np.random.Generator) -> dict:
        return {
            "logits": normal(rng, 3, 4),
            "targets": np.array([1, value, -100]),
            "weights": np.ones(4),
        }

    return make


CASES = [
    Case(
        "worked_example",
        sample=True,
        inputs=worked,
        call=loss_and_grad(0.1, weighted=True),
        tol=TOL,
    ),
    Case(
        "smoothing_only",
        sample=True,
        seed=1,
        inputs=batch(6, 5),
        call=loss_and_grad(0.2, check_gradient=True),
        tol=TOL,
    ),
    Case(
        "plain_cross_entropy",
        seed=2,
        inputs=batch(8, 4),
        call=loss_and_grad(),
        tol=TOL,
        note="smoothing 0, no weights: the mean negative log-likelihood",
    ),
    Case(
        "weights_smoothing_and_ignored",
        seed=3,
        inputs=batch(10, 6, ignored=3),
        call=loss_and_grad(0.15, weighted=True, check_gradient=True),
        tol=TOL,
        note="divided by the sum of the counted targets' weights",
    ),
    Case(
        "weights_only",
        seed=4,
        inputs=batch(7, 3),
        call=loss_and_grad(weighted=True, check_gradient=True),
        tol=TOL,
    ),
    Case(
        "full_smoothing",
        seed=5,
        inputs=batch(5, 4),
        call=loss_and_grad(1.0, weighted=True),
        tol=TOL,
        note="smoothing 1: the uniform target, the label plays no part",
    ),
    Case(
        "ignore_index_is_a_class",
        seed=6,
        inputs=batch(9, 4, ignored=3, ignore_index=2),
        call=loss_and_grad(0.1, weighted=True, ignore_index=2),
        tol=TOL,
        note="targets equal to ignore_index are ignored even when it names a class",
    ),
    Case(
        "every_target_ignored",
        seed=7,
        inputs=batch(4, 3, ignored=4),
        call=loss_and_grad(0.1, weighted=True),
        tol=TOL,
        note="nothing counted: the loss is 0 and the gradient zeros",
    ),
    Case(
        "huge_logits",
        seed=8,
        inputs=batch(6, 5, logits=lambda rng, n, c: huge(rng, n, c)),
        call=loss_and_grad(0.1, weighted=True),
        tol=TOL,
        note="logits near +-1e4: every log-probability stays finite, also the smoothed ones",
    ),
    Case(
        "one_class",
        seed=9,
        inputs=batch(3, 1, ignored=1),
        call=loss_and_grad(0.3, weighted=True),
        tol=TOL,
    ),
    Case(
        "single_row",
        seed=10,
        inputs=batch(1, 7, scale=5.0),
        call=loss_and_grad(0.05, weighted=True, check_gradient=True),
        tol=TOL,
    ),
    Case(
        "target_out_of_range",
        seed=11,
        inputs=bad_target(4),
        call=refused(),
        raises=ValueError,
        raises_for="target 4 with 4 classes",
    ),
    Case(
        "negative_target_not_ignored",
        seed=14,
        inputs=bad_target(-1),
        call=refused(),
        raises=ValueError,
        raises_for="target -1 (ignore_index is -100)",
    ),
    Case(
        "smoothing_above_one",
        seed=12,
        inputs=batch(3, 3),
        call=refused(smoothing=1.5),
        raises=ValueError,
        raises_for="smoothing=1.5",
    ),
    Case(
        "negative_smoothing",
        seed=13,
        inputs=batch(3, 3),
        call=refused(smoothing=-0.1),
        raises=ValueError,
        raises_for="smoothing=-0.1",
    ),
]
