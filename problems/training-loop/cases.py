"""Cases for training-loop. Training is random: every check is a property, none matches one run."""

from itertools import permutations

import numpy as np
from casekit import Case, changed_inputs

KEYS = ("W1", "b1", "W2", "b2")


class Bad(Exception):
    pass


def blobs(
    classes: int = 3,
    dims: int = 4,
    per_class: int = 80,
    test_per_class: int = 40,
    spread: float = 1.0,
    scale: float = 1.0,
    zero_rows: int = 0,
):
    """Well-separated Gaussian clusters: a working two-layer net gets them almost all right.
    `scale` multiplies every input; `zero_rows` all-zero rows (label 0) are added to X."""

    def make(rng: np.random.Generator) -> dict:
        # Centres on orthogonal directions, 6 apart from the origin: no two clusters overlap.
        basis, _ = np.linalg.qr(rng.normal(size=(dims, dims)))
        centres = 6.0 * basis[:classes]

        def sample(k: int):
            y = np.repeat(np.arange(classes), k)
            return scale * (centres[y] + rng.normal(0.0, spread, size=(len(y), dims))), y

        X, y = sample(per_class)
        X = np.vstack([X, np.zeros((zero_rows, dims))])
        y = np.concatenate([y, np.zeros(zero_rows, dtype=y.dtype)])
        X_test, y_test = sample(test_per_class)
        return {"X": X, "y": y, "X_test": X_test, "y_test": y_test}

    return make


def noise(n: int, dims: int, classes: int):
    """Random points with random labels: no order of the rows fits them quickly."""

    def make(rng: np.random.Generator) -> dict:
        X = rng.normal(size=(n, dims))
        y = rng.permutation(np.arange(n) % classes)
        return {"X": X, "y": y, "X_test": X, "y_test": y}

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


def train(mod, X, y, problems: list, **overrides):
    """One call of train_mlp with the settings, noting an input it changed in place."""
    s = settings(**overrides)
    before = {"X": X.copy(), "y": y.copy()}
    result = mod.train_mlp(
        X,
        y,
        s["hidden_size"],
        int(y.max()) + 1,
        s["lr"],
        s["epochs"],
        s["batch_size"],
        s["weight_decay"],
        s["seed"],
    )
    problems.append(changed_inputs(before, {"X": X, "y": y}))
    params, losses = result
    return params, losses


def first_problem(problems: list):
    return next((p for p in problems if p is not None), None)


def fit(**overrides):
    def call(mod, X, y, X_test, y_test) -> dict:
        problems: list = []
        params, losses = train(mod, X, y, problems, **overrides)
        before = {"X": X_test.copy()}
        if isinstance(params, dict):
            before.update({f"params[{k!r}]": v.copy() for k, v in params.items() if k in KEYS})
        pred = mod.predict(params, X_test)
        after = {"X": X_test, **{f"params[{k!r}]": params.get(k) for k in KEYS}}
        problems.append(changed_inputs(before, after))
        return {
            "params": params,
            "losses": losses,
            "test_pred": pred,
            "inputs_problem": first_problem(problems),
        }

    return call


def twice(first: dict, second: dict):
    def call(mod, X, y, X_test, y_test) -> dict:
        problems: list = []
        runs = []
        for overrides in (first, second):
            params, losses = train(mod, X, y, problems, **overrides)
            runs.append({"params": params, "losses": losses})
        return {"a": runs[0], "b": runs[1], "inputs_problem": first_problem(problems)}

    return call


def with_defaults(mod, X, y, X_test, y_test) -> dict:
    """weight_decay and seed left out, against the same run with 0.0 and 0 spelled out."""
    s = settings(epochs=3)
    c = int(y.max()) + 1
    args = (X, y, s["hidden_size"], c, s["lr"], s["epochs"], s["batch_size"])
    params, losses = mod.train_mlp(*args)
    explicit, explicit_losses = mod.train_mlp(*args, 0.0, 0)
    return {
        "a": {"params": params, "losses": losses},
        "b": {"params": explicit, "losses": explicit_losses},
    }


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
    """A property check; a changed input (an output named `*_problem`) is reported first."""

    def check(got, expected, inputs):
        for name, problem in got.items():
            if name.endswith("_problem") and problem is not None:
                return str(problem)[:500]
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
    for key in KEYS:
        if not np.array_equal(a["params"][key], b["params"][key]):
            return f"the same seed must give exactly the same {key}"
    return None


def defaults_match(got, inputs):
    message = same_run(got, inputs)
    if message:
        return (
            "train_mlp(X, y, hidden_size, num_classes, lr, epochs, batch_size) must equal the "
            f"same call with weight_decay=0.0, seed=0 spelled out: {message}"
        )
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
    # lr = 0 (or 0 epochs) against a 0-epoch run: both are the initial weights
    a, b = got["a"], got["b"]
    for key in KEYS:
        if not np.array_equal(a["params"][key], b["params"][key]):
            return f"with lr = 0 the weights must stay at their initial values ({key} changed)"
    if len(b["losses"]) != 0:
        return "epochs = 0 must return no losses"
    losses = np.array(a["losses"], dtype=float)
    if len(losses) and not np.allclose(losses, losses[0], rtol=1e-12):
        n = len(inputs["y"])
        return (
            f"with lr = 0 the parameters never change, so every epoch's loss (the sum of the N = {n} "
            "per-example losses divided by N) is the same, whatever the shuffle; yours went from "
            f"{losses.min():.10g} to {losses.max():.10g}. Count every example once, with the "
            "same weight: a mean of the per-batch means gives the examples of a smaller last batch "
            "more weight, and so changes with the shuffle"
        )
    return None


def cross_entropy(params: dict, X, y) -> np.ndarray:
    """Per-example loss, stable (trusted, host side)."""
    pre = X @ params["W1"] + params["b1"]
    logits = np.maximum(pre, 0.0) @ params["W2"] + params["b2"]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -log_p[np.arange(len(y)), y]


def initial_scale(hidden: int):
    """He initialisation: N(0, 2 / fan_in) for W1 (fan-in D) and W2 (fan-in H), zero biases."""

    def check(got, inputs):
        d, c = inputs["X"].shape[1], int(inputs["y"].max()) + 1
        params = params_of(got, d, hidden, c)
        if len(losses_of(got, 0)):
            return "epochs = 0 must return no losses"
        for key, fan_in, name in (("W1", d, "D"), ("W2", hidden, "H")):
            w = params[key].ravel()
            want, std = np.sqrt(2.0 / fan_in), float(w.std())
            what = f"{key} should start as normal draws with mean 0 and standard deviation sqrt(2 / {name}) = sqrt(2 / {fan_in}) = {want:.4f}"
            if not 0.9 * want < std < 1.1 * want:
                return f"{what}; its standard deviation is {std:.4f}"
            if abs(float(w.mean())) > 5 * want / np.sqrt(w.size):
                return f"{what}; its mean is {float(w.mean()):.4f}"
            kurtosis = float(np.mean((w - w.mean()) ** 4) / w.var() ** 2)
            if not 2.5 < kurtosis < 3.5:
                return f"{what}; its kurtosis is {kurtosis:.2f}, a normal distribution has 3"
        if np.any(params["b1"] != 0) or np.any(params["b2"] != 0):
            return "biases start at zero"
        return None

    return checked(check)


def init_then_train(**overrides):
    """The initial weights (epochs = 0) and a run from them, both with the same seed."""

    def call(mod, X, y, X_test, y_test) -> dict:
        first = twice({"epochs": 0}, overrides)(mod, X, y, X_test, y_test)
        return {
            "init": first["a"]["params"],
            "params": first["b"]["params"],
            "losses": first["b"]["losses"],
            "inputs_problem": first["inputs_problem"],
        }

    return call


def sgd_step(p: dict, X, y, lr: float, weight_decay: float) -> None:
    """One update on the minibatch (X, y), as the statement defines it (trusted, host side)."""
    n = len(y)
    pre = X @ p["W1"] + p["b1"]
    h = np.maximum(pre, 0.0)
    logits = h @ p["W2"] + p["b2"]
    shifted = logits - logits.max(axis=1, keepdims=True)
    dlogits = np.exp(shifted)
    dlogits /= dlogits.sum(axis=1, keepdims=True)
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


def gradient_descent(params: dict, X, y, lr: float, steps: int, weight_decay: float):
    """Plain full-batch gradient descent from `params`: the weights and each step's loss."""
    p = {k: np.array(v, dtype=np.float64) for k, v in params.items()}
    losses = []
    for _ in range(steps):
        losses.append(float(cross_entropy(p, X, y).mean()))
        sgd_step(p, X, y, lr, weight_decay)
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
        for key in KEYS:
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


def per_example_weighting(epochs: int, batch_size: int):
    """lr = 0: every epoch's loss is the mean over all N examples of the initial weights' loss."""

    def check(got, inputs):
        X, y = inputs["X"], inputs["y"]
        d, c = X.shape[1], int(y.max()) + 1
        init = params_of({"params": got.get("init")}, d, 16, c)
        losses = losses_of(got, epochs)
        want = float(cross_entropy(init, X, y).mean())
        n = len(y)
        sizes = [min(batch_size, n - s) for s in range(0, n, batch_size)]
        for e, loss in enumerate(losses):
            if not np.isclose(loss, want, rtol=1e-9, atol=1e-12):
                return (
                    f"losses[{e}] should be {want:.10g}, got {loss:.10g}. Each epoch's loss is the "
                    f"sum of the N = {n} per-example losses divided by N, so every example weighs "
                    f"the same: here the minibatches have {sizes} rows, and averaging their "
                    f"{len(sizes)} per-batch means instead would give each example of the last "
                    f"batch {batch_size // sizes[-1]} times the weight of the others"
                )
        return None

    return checked(check)


def sgd_epoch(params: dict, X, y, order, lr: float):
    """One epoch of batch-size-1 SGD in `order`: the new weights and the epoch's loss."""
    p = {k: v.copy() for k, v in params.items()}
    total = 0.0
    for i in order:
        total += float(cross_entropy(p, X[i : i + 1], y[i : i + 1])[0])
        sgd_step(p, X[i : i + 1], y[i : i + 1], lr, 0.0)
    return p, total / len(order)


def reshuffled(epochs: int, lr: float, hidden: int = 16, max_branches: int = 64):
    """batch_size = 1 on N = 4 rows: each epoch's loss tells which of the 24 orders it used.
    Replaying from the submission's own initial weights recovers every epoch's order; they must
    not all be the same (a new permutation every epoch)."""

    def check(got, inputs):
        X, y = inputs["X"], inputs["y"]
        n, d, c = len(y), X.shape[1], int(y.max()) + 1
        init = params_of({"params": got.get("init")}, d, hidden, c)
        trained = params_of(got, d, hidden, c)
        losses = losses_of(got, epochs)
        start = {k: np.array(v, dtype=np.float64) for k, v in init.items() if k in KEYS}
        branches = [((), start)]  # (orders so far, weights after them)
        for e in range(epochs):
            grown = []
            for orders, weights in branches:
                for order in permutations(range(n)):
                    after, loss = sgd_epoch(weights, X, y, order, lr)
                    if np.isclose(losses[e], loss, rtol=1e-9, atol=1e-12):
                        grown.append(((*orders, order), after))
            if not grown:
                return (
                    f"losses[{e}] = {losses[e]:.10g} matches no epoch of batch_size = 1 SGD over "
                    f"the {n} rows in any order, from your own initial weights and the epochs "
                    "before: check the gradients and the update, and that each example's loss is "
                    "taken with the weights before its own minibatch's update"
                )
            branches = grown[:max_branches]
        final = [
            orders
            for orders, weights in branches
            if all(np.allclose(weights[k], trained[k], rtol=1e-7, atol=1e-10) for k in KEYS)
        ]
        if not final:
            return (
                f"your final weights are not those of {epochs} epochs of batch_size = 1 SGD from "
                "your own initial weights in the orders your losses show"
            )
        if all(len(set(orders)) == 1 for orders in final):
            return (
                f"every one of the {epochs} epochs visited the rows in the same order "
                f"{list(final[0][0])}: draw a new permutation at the start of every epoch"
            )
        return None

    return checked(check)


def predict_given(mod, X, y, X_test, y_test) -> dict:
    """predict on hand-made weights: logits 1e-9 apart must still give the larger one."""
    params = {
        "W1": np.eye(2),
        "b1": np.array([0.25, 0.0]),
        "W2": np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]),
        "b2": np.array([0.0, 0.0, 0.5]),
    }
    X = np.array(
        [[0.75, 1.0 + 1e-9], [1.0 + 1e-9, 1.0], [2.75, -1.0], [-1.0, -2.0], [0.0, 0.4], [0.0, 3.0]]
    )
    before = {"X": X.copy(), **{f"params[{k!r}]": v.copy() for k, v in params.items()}}
    pred = mod.predict(params, X)
    after = {"X": X, **{f"params[{k!r}]": v for k, v in params.items()}}
    return {
        "pred": pred,
        "pred_is_integer": isinstance(pred, np.ndarray) and pred.dtype.kind in "iu",
        "inputs_problem": changed_inputs(before, after),
    }


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
        "default_arguments",
        seed=15,
        inputs=blobs(per_class=20),
        call=with_defaults,
        check=checked(defaults_match),
        note="weight_decay defaults to 0.0 and seed to 0",
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
        "loss_weighting",
        seed=16,
        inputs=blobs(classes=2, dims=3, per_class=5, test_per_class=1),
        call=init_then_train(lr=0.0, epochs=3, batch_size=4),
        check=per_example_weighting(epochs=3, batch_size=4),
        note="N = 10 in batches of 4, 4 and 2: the epoch loss weighs every example the same",
    ),
    Case(
        "reshuffles_every_epoch",
        seed=17,
        inputs=noise(4, 3, 2),
        call=init_then_train(lr=0.5, epochs=5, batch_size=1),
        check=reshuffled(epochs=5, lr=0.5),
        note="each epoch's order, recovered from its loss, is not the same every epoch",
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
        inputs=blobs(classes=10, dims=12, per_class=3, test_per_class=1),
        call=fit(hidden_size=300, epochs=0),
        check=initial_scale(hidden=300),
        note="W1 ~ N(0, 2 / D), W2 ~ N(0, 2 / H), zero biases",
    ),
    Case(
        "full_batch_gradient_descent",
        seed=14,
        inputs=blobs(classes=3, dims=4, per_class=30, zero_rows=3),
        call=init_then_train(batch_size=1000, epochs=6, lr=0.5, weight_decay=0.01),
        check=full_batch_matches(lr=0.5, epochs=6, weight_decay=0.01),
        note="one full batch per epoch is exact gradient descent: every gradient is checked",
    ),
    Case(
        "huge_inputs",
        seed=18,
        inputs=blobs(classes=3, dims=4, per_class=20, scale=300.0),
        call=init_then_train(batch_size=1000, epochs=3, lr=1e-5),
        check=full_batch_matches(lr=1e-5, epochs=3, weight_decay=0.0),
        note="inputs near 1e3: logits in the thousands need a stable cross-entropy",
    ),
    Case("predict_given_params", inputs=blobs(), call=predict_given),
    Case(
        "zero_batch_size",
        seed=11,
        inputs=blobs(),
        call=rejects(batch_size=0),
        raises=ValueError,
        raises_for="batch_size = 0",
    ),
    Case(
        "zero_batch_size_no_epochs",
        seed=11,
        inputs=blobs(),
        call=rejects(batch_size=0, epochs=0),
        raises=ValueError,
        raises_for="batch_size = 0 (with epochs = 0: the settings are checked even with nothing to do)",
    ),
    Case(
        "negative_batch_size",
        seed=11,
        inputs=blobs(),
        call=rejects(batch_size=-4),
        raises=ValueError,
        raises_for="batch_size = -4",
    ),
    Case(
        "negative_epochs",
        seed=11,
        inputs=blobs(),
        call=rejects(epochs=-1),
        raises=ValueError,
        raises_for="epochs = -1",
    ),
    Case(
        "negative_learning_rate",
        seed=12,
        inputs=blobs(),
        call=rejects(lr=-0.1),
        raises=ValueError,
        raises_for="lr = -0.1",
    ),
    Case(
        "negative_weight_decay",
        seed=12,
        inputs=blobs(),
        call=rejects(weight_decay=-0.01),
        raises=ValueError,
        raises_for="weight_decay = -0.01",
    ),
]
