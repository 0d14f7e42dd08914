"""Cases for dropout. Masks are random, so the checks test properties, never one particular mask."""

import numpy as np
from casekit import Case, changed_inputs

SHAPE = (
    200,
    500,
)  # 100,000 entries: the dropped fraction is within 0.01 of p with overwhelming odds


class Bad(Exception):
    pass


def array(got: dict, key: str, shape: tuple) -> np.ndarray:
    value = got.get(key)
    if not isinstance(value, np.ndarray):
        raise Bad(f"{key}: expected an array, got {type(value).__name__}")
    if value.shape != shape:
        raise Bad(f"expected {key} of shape {shape}, got {value.shape}")
    if not np.all(np.isfinite(value)):
        raise Bad(f"{key} contains nan or inf")
    return value.astype(np.float64)


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


def positive(*shape):
    def make(rng):
        return {"x": rng.uniform(0.5, 1.5, size=shape), "dout": rng.normal(size=shape)}

    return make


class Watched:
    """Calls forward and backward, remembering the first input either of them changed in place."""

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


def train_pass(p: float, seed: int = 7):
    def call(mod, x, dout) -> dict:
        layer = Watched(mod.Dropout(p=p, seed=seed))
        out = layer.forward(x)
        out = np.array(out, copy=True) if isinstance(out, np.ndarray) else out
        dx = layer.backward(dout)
        return {"out": out, "dx": dx, "inputs_problem": layer.problem}

    return call


def mask_properties(p: float, fraction_tol: float = 0.01):
    def check(got, inputs):
        x, dout = inputs["x"], inputs["dout"]
        out, dx = array(got, "out", x.shape), array(got, "dx", x.shape)
        dropped = out == 0.0
        fraction = dropped.mean()
        if abs(fraction - p) > fraction_tol:
            return f"dropped {fraction:.4f} of the entries, expected about p = {p}"
        if p < 1.0:
            want = x[~dropped] / (1.0 - p)
            if not np.allclose(out[~dropped], want, rtol=1e-12, atol=0):
                where = np.argmax(np.abs(out[~dropped] - want))
                return (
                    f"kept entries must equal x / (1 - p): expected {want[where]:.6g}, "
                    f"got {out[~dropped][where]:.6g}"
                )
        want_dx = np.where(dropped, 0.0, dout / (1.0 - p) if p < 1.0 else 0.0)
        if not np.allclose(dx, want_dx, rtol=1e-12, atol=1e-15):
            return "backward must apply the forward's mask and scale to dout"
        return independent(dropped, p)

    return checked(check)


def independent(dropped: np.ndarray, p: float) -> str | None:
    """Neighbours along every axis are both dropped with probability p**2, not p (a shared mask)."""
    if not 0.0 < p < 1.0:
        return None
    for axis, n in enumerate(dropped.shape):
        if n < 2:
            continue
        both = np.take(dropped, range(n - 1), axis=axis) & np.take(dropped, range(1, n), axis=axis)
        if abs(both.mean() - p * p) > 0.02:
            return (
                f"neighbouring entries along axis {axis} are both dropped {both.mean():.3f} of the "
                f"time, expected about p**2 = {p * p:.3f}: draw an independent mask entry for "
                "every entry of x, not one per row or column"
            )
    return None


def eval_identity(mod, x, dout) -> dict:
    layer = Watched(mod.Dropout(p=0.6, seed=1))
    layer.layer.eval()
    out = layer.forward(x)
    out = np.array(out, copy=True) if isinstance(out, np.ndarray) else out
    return {"out": out, "dx": layer.backward(dout), "inputs_problem": layer.problem}


def check_identity(got, inputs):
    out = array(got, "out", inputs["x"].shape)
    dx = array(got, "dx", inputs["dout"].shape)
    if not np.array_equal(out, inputs["x"]):
        return "eval mode must return the input unchanged (no dropping, no scaling)"
    if not np.array_equal(dx, inputs["dout"]):
        return "backward in eval mode must return dout unchanged"
    return None


def same_seed(mod, x, dout) -> dict:
    a, b = mod.Dropout(p=0.5, seed=3), mod.Dropout(p=0.5, seed=3)
    first, second = a.forward(x), a.forward(x)
    return {"a1": first, "a2": second, "b1": b.forward(x), "b2": b.forward(x)}


def check_same_seed(got, inputs):
    shape = inputs["x"].shape
    a1, a2, b1, b2 = (array(got, k, shape) for k in ("a1", "a2", "b1", "b2"))
    if not (np.array_equal(a1 == 0, b1 == 0) and np.array_equal(a2 == 0, b2 == 0)):
        return "two layers with the same seed must produce the same masks"
    if np.array_equal(a1 == 0, a2 == 0):
        return "each forward call must draw a new mask"
    return None


def mean_preserved(mod, x, dout) -> dict:
    return {"out": mod.Dropout(p=0.3, seed=11).forward(np.ones(SHAPE))}


def check_mean(got, inputs):
    out = array(got, "out", SHAPE)
    if abs(out.mean() - 1.0) > 0.02:
        return f"the mean activation moved from 1.0 to {out.mean():.4f}: kept entries need scaling by 1 / (1 - p)"
    return None


def toggling(mod, x, dout) -> dict:
    layer = mod.Dropout(p=0.5, seed=5)
    layer.eval()
    evaluated = np.array(layer.forward(x), copy=True)
    layer.train()
    return {"eval": evaluated, "train": layer.forward(x)}


def check_toggle(got, inputs):
    x = inputs["x"]
    if not np.array_equal(array(got, "eval", x.shape), x):
        return "eval mode must be the identity"
    if not (array(got, "train", x.shape) == 0).any():
        return "after train(), forward must drop entries again"
    return None


def mode_switched(mod, x, dout) -> dict:
    """backward follows the mode of the last forward, not the mode when backward is called."""
    trained = mod.Dropout(p=0.5, seed=12)
    out = trained.forward(x)
    trained.eval()
    evaluated = mod.Dropout(p=0.5, seed=13)
    evaluated.eval()
    evaluated.forward(x)
    evaluated.train()
    return {
        "out": out,
        "dx_train_forward_then_eval": trained.backward(dout),
        "dx_eval_forward_then_train": evaluated.backward(dout),
    }


def check_mode_switched(got, inputs):
    x, dout = inputs["x"], inputs["dout"]
    out = array(got, "out", x.shape)
    dx = array(got, "dx_train_forward_then_eval", dout.shape)
    if not np.allclose(dx, np.where(out == 0.0, 0.0, 2.0 * dout), rtol=1e-12, atol=1e-15):
        return (
            "forward in training mode, then eval(), then backward: backward must still apply "
            "that forward's mask and scale (it follows the mode of the last forward)"
        )
    if not np.array_equal(array(got, "dx_eval_forward_then_train", dout.shape), dout):
        return (
            "forward in eval mode, then train(), then backward: backward must return dout "
            "unchanged (it follows the mode of the last forward)"
        )
    return None


def zero_p(mod, x, dout) -> dict:
    layer = Watched(mod.Dropout(p=0.0, seed=2))
    out = layer.forward(x)
    return {"out": out, "dx": layer.backward(dout), "inputs_problem": layer.problem}


def check_zero_p(got, inputs):
    if not np.array_equal(array(got, "out", inputs["x"].shape), inputs["x"]):
        return "p = 0 must keep every entry unchanged"
    if not np.array_equal(array(got, "dx", inputs["dout"].shape), inputs["dout"]):
        return "p = 0: backward must return dout unchanged"
    return None


def default_p(mod, x, dout) -> dict:
    layer = mod.Dropout(seed=4)
    return {"out": layer.forward(x), "dx": layer.backward(dout)}


def modes_return(mod, x, dout) -> dict:
    layer = mod.Dropout(p=0.5, seed=0)

    def returned(value) -> str:
        return "None" if value is None else f"a {type(value).__name__}"

    return {"eval_returned": returned(layer.eval()), "train_returned": returned(layer.train())}


def invalid_p(value: float):
    def call(mod, x, dout) -> dict:
        mod.Dropout(p=value)
        return {}

    return call


def worked(rng):
    return {"x": np.ones((2, 4)), "dout": np.ones((2, 4))}


def check_worked(got, inputs):
    out = array(got, "out", (2, 4))
    dx = array(got, "dx", (2, 4))
    if not np.all((out == 0.0) | (out == 2.0)):
        return "with p = 0.5 every output entry is 0.0 or 2.0"
    if not np.array_equal(dx, out):
        return "backward of ones must equal the forward output of ones (same mask and scale)"
    return None


CASES = [
    Case(
        "worked_example",
        sample=True,
        inputs=worked,
        call=train_pass(0.5, seed=0),
        check=checked(check_worked),
    ),
    Case(
        "eval_is_identity",
        sample=True,
        seed=1,
        inputs=positive(3, 5),
        call=eval_identity,
        check=checked(check_identity),
    ),
    Case(
        "fraction_dropped_half",
        seed=2,
        inputs=positive(*SHAPE),
        call=train_pass(0.5),
        check=mask_properties(0.5),
        note="about p of the entries dropped, the rest scaled by 1/(1-p)",
    ),
    Case(
        "fraction_dropped_small_p",
        seed=3,
        inputs=positive(*SHAPE),
        call=train_pass(0.1),
        check=mask_properties(0.1),
    ),
    Case(
        "fraction_dropped_large_p",
        seed=4,
        inputs=positive(*SHAPE),
        call=train_pass(0.9),
        check=mask_properties(0.9),
    ),
    Case(
        "default_p_is_half",
        seed=5,
        inputs=positive(*SHAPE),
        call=default_p,
        check=mask_properties(0.5),
    ),
    Case(
        "drop_everything",
        seed=6,
        inputs=positive(4, 6),
        call=train_pass(1.0),
        check=mask_properties(1.0, fraction_tol=0.0),
        note="p = 1: all zeros, no division by zero",
    ),
    Case(
        "keep_everything", seed=7, inputs=positive(4, 6), call=zero_p, check=checked(check_zero_p)
    ),
    Case(
        "three_dimensional_input",
        seed=8,
        inputs=positive(40, 50, 50),
        call=train_pass(0.25),
        check=mask_properties(0.25),
    ),
    Case(
        "one_dimensional_input",
        seed=14,
        inputs=positive(100_000),
        call=train_pass(0.3),
        check=mask_properties(0.3),
    ),
    Case(
        "same_seed_same_masks",
        seed=9,
        inputs=positive(30, 40),
        call=same_seed,
        check=checked(check_same_seed),
        note="determinism under a seed; a fresh mask per call",
    ),
    Case("mean_preserved", inputs=worked, call=mean_preserved, check=checked(check_mean)),
    Case(
        "train_after_eval",
        seed=10,
        inputs=positive(20, 30),
        call=toggling,
        check=checked(check_toggle),
    ),
    Case(
        "mode_switched_before_backward",
        seed=11,
        inputs=positive(20, 30),
        call=mode_switched,
        check=checked(check_mode_switched),
        note="backward follows the mode of the last forward",
    ),
    Case("train_and_eval_return_none", inputs=worked, call=modes_return),
    Case(
        "negative_p",
        inputs=worked,
        call=invalid_p(-0.1),
        raises=ValueError,
        raises_for="p = -0.1",
    ),
    Case(
        "p_above_one",
        inputs=worked,
        call=invalid_p(1.5),
        raises=ValueError,
        raises_for="p = 1.5",
    ),
]
