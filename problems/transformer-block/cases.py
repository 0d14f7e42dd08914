"""Cases for transformer-block: a pre-norm block's output and every gradient, against a reference
and (as hints) finite differences of the candidate's own forward."""

import numpy as np
from casekit import Case, changed_inputs, normal, numeric_gradient

TOL = (1e-8, 1e-10)
NAMES = ("ln1_g", "ln1_b", "Wq", "Wk", "Wv", "Wo", "ln2_g", "ln2_b", "W1", "b1", "W2", "b2")


def block(b: int, t: int, d: int, heads: int, hidden: int, scale: float = 1.0, qk: float = 1.0):
    def make(rng: np.random.Generator) -> dict:
        w = scale / np.sqrt(d)
        params = {
            "ln1_g": rng.uniform(0.5, 1.5, size=d),
            "ln1_b": normal(rng, d, scale=0.1),
            "Wq": normal(rng, d, d, scale=w * qk),
            "Wk": normal(rng, d, d, scale=w * qk),
            "Wv": normal(rng, d, d, scale=w),
            "Wo": normal(rng, d, d, scale=w),
            "ln2_g": rng.uniform(0.5, 1.5, size=d),
            "ln2_b": normal(rng, d, scale=0.1),
            "W1": normal(rng, d, hidden, scale=w),
            "b1": normal(rng, hidden, scale=0.1),
            "W2": normal(rng, hidden, d, scale=scale / np.sqrt(hidden)),
            "b2": normal(rng, d, scale=0.1),
        }
        return {
            "x": normal(rng, b, t, d),
            "dy": normal(rng, b, t, d),
            "params": params,
            "heads": heads,
        }

    return make


def forward_backward(check: tuple[str, ...] = ()):
    def call(mod, x, dy, params, heads) -> dict:
        before = {"x": x.copy(), "dy": dy.copy(), **{k: v.copy() for k, v in params.items()}}
        y, cache = mod.block_forward(x, params, heads)
        dx, grads = mod.block_backward(dy, cache)
        out = {"y": y, "dx": dx, **{f"d{name}": grads[name] for name in NAMES}}
        out["inputs_problem"] = changed_inputs(before, {"x": x, "dy": dy, **params})
        for name in check:  # diagnostics only: where a gradient disagrees with the forward
            probe = {k: v.copy() for k, v in params.items()}
            xp = x.copy()
            target = xp if name == "x" else probe[name]
            out[f"_fd_d{name}"] = numeric_gradient(
                lambda p=probe, z=xp: mod.block_forward(z, p, heads)[0], target, dy, limit=24
            )
        return out

    return call


def causality(mod, x, dy, params, heads) -> dict:
    """Changing the last token must not change any earlier output."""
    y, _ = mod.block_forward(x, params, heads)
    changed = x.copy()
    changed[:, -1] += 3.0
    y2, _ = mod.block_forward(changed, params, heads)
    return {"earlier_outputs_moved": float(np.abs(y2[:, :-1] - y[:, :-1]).max()), "y": y}


def worked(rng):
    d = 4
    params = {
        "ln1_g": np.ones(d), "ln1_b": np.zeros(d),
        "Wq": np.eye(d), "Wk": np.eye(d), "Wv": np.eye(d), "Wo": np.eye(d),
        "ln2_g": np.ones(d), "ln2_b": np.zeros(d),
        "W1": np.hstack([np.eye(d), -np.eye(d)]), "b1": np.zeros(2 * d),
        "W2": np.vstack([np.eye(d), np.eye(d)]) * 0.5, "b2": np.zeros(d),
    }  # fmt: skip
    x = np.array([[[1.0, 0.0, -1.0, 0.5], [0.0, 2.0, 1.0, -1.0]]])
    return {"x": x, "dy": np.ones_like(x), "params": params, "heads": 2}


CASES = [
    Case("worked_example", sample=True, inputs=worked, call=forward_backward(), tol=TOL),
    Case(
        "random_block",
        sample=True,
        seed=1,
        inputs=block(2, 5, 8, 2, 16),
        call=forward_backward(("x", "Wq", "W1")),
        tol=TOL,
    ),
    Case(
        "gradient_check_attention",
        seed=2,
        inputs=block(1, 6, 8, 4, 12),
        call=forward_backward(("x", "Wq", "Wk", "Wv", "Wo", "ln1_g")),
        tol=TOL,
        note="every attention weight and the first LayerNorm",
    ),
    Case(
        "gradient_check_mlp",
        seed=3,
        inputs=block(2, 3, 6, 2, 10),
        call=forward_backward(("W1", "b1", "W2", "b2", "ln2_g", "ln2_b")),
        tol=TOL,
        note="the MLP with GELU and the second LayerNorm",
    ),
    Case("one_head", seed=4, inputs=block(2, 4, 6, 1, 8), call=forward_backward(), tol=TOL),
    Case(
        "head_dim_one",
        seed=5,
        inputs=block(1, 4, 4, 4, 8),
        call=forward_backward(),
        tol=TOL,
        note="as many heads as features",
    ),
    Case(
        "single_token",
        seed=6,
        inputs=block(3, 1, 6, 2, 8),
        call=forward_backward(("x",)),
        tol=TOL,
        note="one position attends only to itself",
    ),
    Case(
        "large_activations",
        seed=7,
        inputs=block(1, 8, 8, 2, 16, scale=8.0),
        call=forward_backward(),
        tol=(1e-7, 1e-9),
        note="large scores and GELU inputs: stable softmax, saturated tanh",
    ),
    Case(
        "huge_scores",
        seed=12,
        inputs=block(1, 6, 8, 2, 8, qk=30.0),
        call=forward_backward(),
        tol=(1e-7, 1e-9),
        note="attention scores in the thousands: exp overflows unless the row maximum is subtracted",
    ),
    Case(
        "longer_sequence", seed=8, inputs=block(2, 16, 12, 3, 24), call=forward_backward(), tol=TOL
    ),
    Case(
        "causal",
        seed=9,
        inputs=block(2, 6, 8, 2, 16),
        call=causality,
        tol=TOL,
        note="no position sees a later one",
    ),
    Case(
        "wide_hidden_layer", seed=10, inputs=block(1, 5, 4, 2, 32), call=forward_backward(), tol=TOL
    ),
    Case("batch_of_four", seed=11, inputs=block(4, 3, 6, 3, 12), call=forward_backward(), tol=TOL),
]
