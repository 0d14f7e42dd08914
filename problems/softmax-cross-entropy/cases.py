"""Cases for softmax-cross-entropy: values, gradients, stability and the promised errors."""

import numpy as np
from casekit import Case, changed_inputs, huge, normal, numeric_gradient

TOL = (1e-6, 1e-9)


def batch(n: int, c: int, scale: float = 1.0):
    def make(rng: np.random.Generator) -> dict:
        return {"logits": normal(rng, n, c, scale=scale), "labels": rng.integers(0, c, size=n)}

    return make


def loss_and_grad(mod, logits, labels) -> dict:
    before = {"logits": logits.copy(), "labels": labels.copy()}
    loss, dlogits = mod.softmax_cross_entropy(logits, labels)
    return {
        "loss": loss,
        "dlogits": dlogits,
        "dlogits_dtype": str(getattr(dlogits, "dtype", type(dlogits).__name__)),
        "inputs_problem": changed_inputs(before, {"logits": logits, "labels": labels}),
    }


def with_finite_differences(mod, logits, labels) -> dict:
    out = loss_and_grad(mod, logits.copy(), labels)
    x = logits.copy()
    out["_fd_dlogits"] = numeric_gradient(lambda: mod.softmax_cross_entropy(x, labels)[0], x)
    return out


def inputs_untouched(mod, logits, labels) -> dict:
    before = {"logits": logits.copy(), "labels": labels.copy()}
    mod.softmax_cross_entropy(logits, labels)
    return {"inputs_problem": changed_inputs(before, {"logits": logits, "labels": labels})}


def rejects_labels(mod, logits, labels) -> dict:
    return loss_and_grad(mod, logits, labels)


CASES = [
    Case(
        "worked_example",
        sample=True,
        inputs=lambda rng: {"logits": np.array([[2.0, 1.0, 0.1]]), "labels": np.array([0])},
        call=loss_and_grad,
        tol=TOL,
    ),
    Case("small_batch", sample=True, seed=1, inputs=batch(4, 5), call=loss_and_grad, tol=TOL),
    Case(
        "gradient_check",
        seed=2,
        inputs=batch(6, 4),
        call=with_finite_differences,
        tol=TOL,
        note="dlogits against finite differences",
    ),
    Case(
        "huge_logits",
        seed=3,
        inputs=lambda rng: {"logits": huge(rng, 8, 6), "labels": rng.integers(0, 6, size=8)},
        call=loss_and_grad,
        tol=TOL,
        note="logits of magnitude 1e4 must not overflow",
    ),
    Case(
        "huge_negative_logits",
        seed=4,
        inputs=lambda rng: {
            "logits": normal(rng, 5, 7, scale=50.0) - 5e4,
            "labels": rng.integers(0, 7, size=5),
        },
        call=loss_and_grad,
        tol=TOL,
        note="very negative logits must not underflow to log(0)",
    ),
    Case("batch_of_one", seed=5, inputs=batch(1, 10), call=loss_and_grad, tol=TOL),
    Case(
        "empty_batch",
        inputs=lambda rng: {"logits": np.zeros((0, 3)), "labels": np.zeros(0, dtype=np.int64)},
        call=loss_and_grad,
        tol=TOL,
        note="N = 0 gives loss 0.0 and a (0, C) gradient",
    ),
    Case(
        "all_zero_logits",
        seed=6,
        inputs=lambda rng: {"logits": np.zeros((3, 4)), "labels": np.array([0, 3, 1])},
        call=loss_and_grad,
        tol=TOL,
    ),
    Case(
        "single_class",
        seed=7,
        inputs=lambda rng: {"logits": normal(rng, 4, 1), "labels": np.zeros(4, dtype=np.int64)},
        call=loss_and_grad,
        tol=TOL,
    ),
    Case(
        "large_batch_mean",
        seed=8,
        inputs=batch(2000, 100, scale=3.0),
        call=loss_and_grad,
        tol=TOL,
        note="the loss is a mean over the batch",
    ),
    Case(
        "float32_logits",
        seed=9,
        inputs=lambda rng: {
            "logits": normal(rng, 5, 3).astype(np.float32),
            "labels": rng.integers(0, 3, size=5),
        },
        call=loss_and_grad,
        tol=TOL,
        note="float32 logits: computed in float64, dlogits is float64",
    ),
    Case(
        "int32_labels",
        seed=11,
        inputs=lambda rng: {
            "logits": normal(rng, 6, 4),
            "labels": rng.integers(0, 4, size=6).astype(np.int32),
        },
        call=loss_and_grad,
        tol=TOL,
        note="labels of any integer dtype are accepted",
    ),
    Case("inputs_not_modified", seed=10, inputs=batch(4, 3), call=inputs_untouched),
    Case(
        "label_too_large",
        inputs=lambda rng: {"logits": np.zeros((2, 3)), "labels": np.array([0, 3])},
        call=rejects_labels,
        raises=ValueError,
        raises_for="label 3 with C=3",
        note="a label outside [0, C) raises ValueError",
    ),
    Case(
        "negative_label",
        inputs=lambda rng: {"logits": np.zeros((2, 3)), "labels": np.array([0, -1])},
        call=rejects_labels,
        raises=ValueError,
        raises_for="label -1",
        note="a negative label raises ValueError",
    ),
    Case(
        "labels_wrong_length",
        inputs=lambda rng: {"logits": np.zeros((2, 3)), "labels": np.array([0, 1, 2])},
        call=rejects_labels,
        raises=ValueError,
        raises_for="labels of shape (3,) with logits of shape (2, 3)",
        note="labels must have shape (N,)",
    ),
    Case(
        "labels_column",
        inputs=lambda rng: {"logits": np.zeros((2, 3)), "labels": np.array([[0], [1]])},
        call=rejects_labels,
        raises=ValueError,
        raises_for="labels of shape (2, 1) with logits of shape (2, 3)",
        note="labels of shape (N, 1) are not (N,)",
    ),
]
