"""Cases for training-loop. Training is random: every check is a property, none matches one run."""

import numpy as np
from casekit import Case


class Bad(Exception):
    pass


def blobs(
    classes: int = 3,
    dims: int = 4,
    per_class: int = 80,
    test_per_class: int = 40,
    spread: float = 1.0,
):
    """Well-separated Gaussian clusters: a working two-layer net gets them almost all right."""

    def make(rng: np.random.Generator) -> dict:
        # Centres on orthogonal directions, 6 apart from the origin: no two clusters overlap.
        basis, _ = np.linalg.qr(rng.normal(size=(dims, dims)))
        centres = 6.0 * basis[:classes]

        def sample(k: int):
            y = np.repeat(np.arange(classes), k)
            return centres[y] + rng.normal(0.0, spread, size=(len(y), dims)), y

        X, y = sample(per_class)
        X_test, y_test = sample(test_per_class)
        return {"X": X, "y": y, "X_test": X_test, "y_test": y_test}

    return make


def settings(**overrides):
    base = {
        "hidden_size": 16,
        "lr": 0.1,
        "epochs": 30,
        "batch_size": 32,
        "weight_decay": 0.0,
        "seed": 0,
    }
    base.update(overrides)
    return base


def fit(**overrides):
    def call(mod, X, y, X_test, y_test) -> dict:
        s = settings(**overrides)
        classes = int(y.max()) + 1
        params, losses = mod.train_mlp(
            X,
            y,
            s["hidden_size"],
            classes,
            s["lr"],
            s["epochs"],
            s["batch_size"],
            s["weight_decay"],
            s["seed"],
        )
        return {"params": params, "losses": losses, "test_pred": mod.predict(params, X_test)}

    return call


def twice(first: dict, second: dict):
    def call(mod, X, y, X_test, y_test) -> dict:
        classes = int(y.max()) + 1
        runs = []
        for overrides in (first, second):
            s = settings(**overrides)
            params, losses = mod.train_mlp(
                X,
                y,
                s["hidden_size"],
                classes,
                s["lr"],
                s["epochs"],
                s["batch_size"],
                s["weight_decay"],
                s["seed"],
            )
            runs.append({"params": params, "losses": losses})
        return {"a": runs[0], "b": runs[1]}

    return call


def params_of(got: dict, d: int, h: int, c: int) -> dict:
    params = got.get("params")
    if not isinstance(params, dict):
        raise Bad(f"params must be a dict, got {type(params).__name__}")
    shapes = {"W1": (d, h), "b1": (h,), "W2": (h, c), "b2": (c,)}
    for key, shape in shapes.items():
        value = params.get(key)
        if not isinstance(value, np.ndarray) or value.shape != shape:
            got_shape = getattr(value, "shape", type(value).__name__)
            raise Bad(f"params[{key!r}] must have shape {shape}, got {got_shape}")
        if not np.all(np.isfinite(value)):
            raise Bad(f"params[{key!r}] contains nan or inf")
    return params


def losses_of(got: dict, epochs: int) -> np.ndarray:
    losses = got.get("losses")
    if not isinstance(losses, list | np.ndarray) or len(losses) != epochs:
        raise Bad(
            f"losses must hold one value per epoch ({epochs}), got {len(losses) if isinstance(losses, list | np.ndarray) else losses!r}"
        )
    values = np.array([float(v) for v in losses]) if len(losses) else np.zeros(0)
    if not np.all(np.isfinite(values)):
        raise Bad("losses contain nan or inf")
    return values


def accuracy(got: dict, y_test: np.ndarray) -> float:
    pred = got.get("test_pred")
    if not isinstance(pred, np.ndarray) or pred.shape != y_test.shape:
        raise Bad(f"predict must return an array of shape {y_test.shape}")
    if pred.dtype.kind not in "iu":
        raise Bad(f"predict must return integer class labels, got dtype {pred.dtype}")
    return float((pred == y_test).mean())


def checked(fn):
    def check(got, expected, inputs):
        try:
            return fn(got, inputs)
        except Bad as exc:
            return str(exc)

    return check


def learns(bar: float, epochs: int = 30, hidden: int = 16):
    def check(got, inputs):
        d, c = inputs["X"].shape[1], int(inputs["y"].max()) + 1
        params_of(got, d, hidden, c)
        losses = losses_of(got, epochs)
        acc = accuracy(got, inputs["y_test"])
        if acc < bar:
            return f"held-out accuracy {acc:.3f} is below {bar}"
        if epochs > 1 and not losses[-1] < 0.5 * losses[0]:
            return (
                f"the loss did not fall enough: first epoch {losses[0]:.4f}, last {losses[-1]:.4f}"
            )
        return None

    return checked(check)


def same_run(got, inputs):
    a, b = got.get("a"), got.get("b")
    if not isinstance(a, dict) or not isinstance(b, dict):
        raise Bad("expected two runs")
    if a.get("losses") is None or len(a["losses"]) != len(b.get("losses", [])):
        return "the two runs have different numbers of losses"
    if not np.array_equal(np.array(a["losses"], dtype=float), np.array(b["losses"], dtype=float)):
        return "the same seed must give exactly the same losses"
    for key in ("W1", "b1", "W2", "b2"):
        if not np.array_equal(a["params"][key], b["params"][key]):
            return f"the same seed must give exactly the same {key}"
    return None


def different_runs(got, inputs):
    a, b = got["a"], got["b"]
    if np.array_equal(a["params"]["W1"], b["params"]["W1"]):
        return "different seeds must give different initial weights"
    return None


def decay_shrinks(got, inputs):
    plain, decayed = got["a"]["params"], got["b"]["params"]

    def norm(p):
        return float(np.sum(p["W1"] ** 2) + np.sum(p["W2"] ** 2))

    if not norm(decayed) < 0.9 * norm(plain):
        return f"weight decay should shrink the weights: squared norm {norm(decayed):.3f} vs {norm(plain):.3f} without"
    return None


def frozen(got, inputs):
    a, b = (
        got["a"],
        got["b"],
    )  # lr = 0 (or 0 epochs) against a 0-epoch run: both are the initial weights
    for key in ("W1", "b1", "W2", "b2"):
        if not np.array_equal(a["params"][key], b["params"][key]):
            return f"with lr = 0 the weights must stay at their initial values ({key} changed)"
    if len(b["losses"]) != 0:
        return "epochs = 0 must return no losses"
    losses = np.array(a["losses"], dtype=float)
    if len(losses) and not np.allclose(losses, losses[0], rtol=1e-12):
        return "with lr = 0 every epoch has the same loss"
    return None


def initial_scale(got, inputs):
    d = inputs["X"].shape[1]
    params = params_of(got, d, 64, int(inputs["y"].max()) + 1)
    std = float(params["W1"].std())
    if not 0.7 * np.sqrt(2.0 / d) < std < 1.3 * np.sqrt(2.0 / d):
        return f"W1 should start with standard deviation sqrt(2 / D) = {np.sqrt(2.0 / d):.3f}, got {std:.3f}"
    if np.any(params["b1"] != 0) or np.any(params["b2"] != 0):
        return "biases start at zero"
    return None


def init_then_train(**overrides):
    """The initial weights (epochs = 0) and a run from them, both with the same seed."""

    def call(mod, X, y, X_test, y_test) -> dict:
        first = twice({"epochs": 0}, overrides)(mod, X, y, X_test, y_test)
        return {
            "init": first["a"]["params"],
            "params": first["b"]["params"],
            "losses": first["b"]["losses"],
        }

    return call


def gradient_descent(params: dict, X, y, lr: float, steps: int, weight_decay: float):
    """Plain full-batch gradient descent, as the statement defines one update (trusted, host side)."""
    p = {k: np.array(v, dtype=np.float64) for k, v in params.items()}
    n, losses = len(y), []
    for _ in range(steps):
        pre = X @ p["W1"] + p["b1"]
        h = np.maximum(pre, 0.0)
        logits = h @ p["W2"] + p["b2"]
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        losses.append(float(-log_p[np.arange(n), y].mean()))
        dlogits = np.exp(log_p)
        dlogits[np.arange(n), y] -= 1.0
        dlogits /= n
        dpre = (dlogits @ p["W2"].T) * (pre > 0)
        grads = {
            "W1": X.T @ dpre + weight_decay * p["W1"],
            "b1": dpre.sum(axis=0),
            "W2": h.T @ dlogits + weight_decay * p["W2"],
            "b2": dlogits.sum(axis=0),
        }
        for key in p:
            p[key] -= lr * grads[key]
    return p, np.array(losses)


def full_batch_matches(lr: float, epochs: int, weight_decay: float, hidden: int = 16):
    """With batch_size > N every epoch is one gradient step on the whole set, whatever the order:
    replaying gradient descent from the submission's own initial weights must land on its result."""

    def check(got, inputs):
        X, y = inputs["X"], inputs["y"]
        d, c = X.shape[1], int(y.max()) + 1
        init = params_of({"params": got.get("init")}, d, hidden, c)
        trained = params_of(got, d, hidden, c)
        losses = losses_of(got, epochs)
        want, want_losses = gradient_descent(init, X, y, lr, epochs, weight_decay)
        for key in ("W1", "b1", "W2", "b2"):
            close = np.isclose(trained[key], want[key], rtol=1e-7, atol=1e-10)
            if not close.all():
                idx = tuple(int(i) for i in np.argwhere(~close)[0])
                return (
                    f"after {epochs} full-batch steps from your own initial weights, {key}{list(idx)} "
                    f"should be {want[key][idx]:.8g} (gradient descent on the mean loss"
                    f"{' with L2 decay on W1 and W2' if weight_decay else ''}), got "
                    f"{trained[key][idx]:.8g}: check the backward pass and the update"
                )
        if not np.allclose(losses, want_losses, rtol=1e-7, atol=1e-10):
            e = int(np.argmax(np.abs(losses - want_losses)))
            return (
                f"losses[{e}] should be {want_losses[e]:.10g} (the mean cross-entropy, without the "
                f"decay term, before that epoch's update), got {losses[e]:.10g}"
            )
        return None

    return checked(check)


def rejects(**overrides):
    def call(mod, X, y, X_test, y_test) -> dict:
        s = settings(**overrides)
        mod.train_mlp(
            X,
            y,
            s["hidden_size"],
            3,
            s["lr"],
            s["epochs"],
            s["batch_size"],
            s["weight_decay"],
            s["seed"],
        )
        return {}

    return call


CASES = [
    Case(
        "two_blobs",
        sample=True,
        seed=1,
        inputs=blobs(classes=2, dims=2, per_class=50, test_per_class=25),
        call=fit(epochs=20),
        check=learns(0.95, epochs=20),
    ),
    Case("three_blobs", sample=True, seed=2, inputs=blobs(), call=fit(), check=learns(0.9)),
    Case(
        "held_out_accuracy",
        seed=3,
        inputs=blobs(classes=5, dims=8, per_class=60, spread=1.2),
        call=fit(hidden_size=32, epochs=40),
        check=learns(0.9, epochs=40, hidden=32),
        note="a held-out accuracy bar on five clusters",
    ),
    Case(
        "same_seed_same_run",
        seed=4,
        inputs=blobs(),
        call=twice({"seed": 7, "epochs": 5}, {"seed": 7, "epochs": 5}),
        check=checked(same_run),
        note="determinism under a seed",
    ),
    Case(
        "different_seeds_differ",
        seed=5,
        inputs=blobs(),
        call=twice({"seed": 1, "epochs": 1}, {"seed": 2, "epochs": 1}),
        check=checked(different_runs),
    ),
    Case(
        "weight_decay_shrinks_weights",
        seed=6,
        inputs=blobs(),
        call=twice({"epochs": 20}, {"epochs": 20, "weight_decay": 0.05}),
        check=checked(decay_shrinks),
    ),
    Case(
        "zero_learning_rate",
        seed=7,
        inputs=blobs(),
        call=twice({"lr": 0.0, "epochs": 3}, {"epochs": 0}),
        check=checked(frozen),
        note="lr = 0 and epochs = 0 both leave the initial weights",
    ),
    Case(
        "batch_larger_than_dataset",
        seed=8,
        inputs=blobs(classes=2, dims=3, per_class=20),
        call=fit(batch_size=1000, epochs=60, lr=0.5),
        check=learns(0.9, epochs=60),
        note="one (full) batch per epoch, nothing dropped",
    ),
    Case(
        "large_batches_mean_loss",
        seed=13,
        inputs=blobs(classes=4, dims=6, per_class=100),
        call=fit(batch_size=100, lr=0.2),
        check=learns(0.9),
        note="gradients of the minibatch mean, not its sum",
    ),
    Case(
        "batch_of_one",
        seed=9,
        inputs=blobs(classes=2, dims=2, per_class=15, test_per_class=15),
        call=fit(batch_size=1, epochs=5, lr=0.02),
        check=learns(0.9, epochs=5),
    ),
    Case(
        "he_initialisation",
        seed=10,
        inputs=blobs(dims=50),
        call=fit(hidden_size=64, epochs=0),
        check=checked(initial_scale),
    ),
    Case(
        "full_batch_gradient_descent",
        seed=14,
        inputs=blobs(classes=3, dims=4, per_class=30),
        call=init_then_train(batch_size=1000, epochs=6, lr=0.5, weight_decay=0.01),
        check=full_batch_matches(lr=0.5, epochs=6, weight_decay=0.01),
        note="one full batch per epoch is exact gradient descent: every gradient is checked",
    ),
    Case("zero_batch_size", seed=11, inputs=blobs(), call=rejects(batch_size=0), raises=ValueError),
    Case(
        "negative_learning_rate", seed=12, inputs=blobs(), call=rejects(lr=-0.1), raises=ValueError
    ),
]
