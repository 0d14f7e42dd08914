"""Cases for regularization: L1, L2 and elastic-net penalties, Adam with L2 against AdamW."""

import numpy as np
from casekit import Case, away_from_kinks, changed_inputs, normal, numeric_gradient

TOL = (1e-9, 1e-12)


def weights(*shape: int, zeros: int = 0, scale: float = 1.0):
    def make(rng: np.random.Generator) -> dict:
        w = normal(rng, *shape, scale=scale)
        w.flat[rng.permutation(w.size)[:zeros]] = 0.0
        return {"w": w}

    return make


def penalties(lam: float, l1_ratio: float, check_gradient: bool = False):
    def call(mod, w) -> dict:
        before = {"w": w.copy()}
        out = {}
        for name, f in (
            ("l1", lambda: mod.l1_penalty(w, lam)),
            ("l2", lambda: mod.l2_penalty(w, lam)),
            ("elastic", lambda: mod.elastic_net_penalty(w, lam, l1_ratio)),
        ):
            value, grad = f()
            out[name] = value
            out[f"{name}_grad"] = grad
        if check_gradient:
            probe = w.copy()
            out["_fd_l2_grad"] = numeric_gradient(lambda: mod.l2_penalty(probe, lam)[0], probe)
            out["_fd_l1_grad"] = numeric_gradient(lambda: mod.l1_penalty(probe, lam)[0], probe)
            out["_fd_elastic_grad"] = numeric_gradient(
                lambda: mod.elastic_net_penalty(probe, lam, l1_ratio)[0], probe
            )
        out["inputs_problem"] = changed_inputs(before, {"w": w})
        return out

    return call


def problem(*shape: int, sparse_grad: bool = False):
    """A quadratic loss 0.5 * sum(a * (w - target)^2) and a start point."""

    def make(rng: np.random.Generator) -> dict:
        a = rng.uniform(0.1, 3.0, size=shape)
        if sparse_grad:
            a.flat[::3] = 0.0  # these entries get no gradient from the loss
        return {"w": normal(rng, *shape, scale=2.0), "a": a, "target": normal(rng, *shape)}

    return make


def trajectories(steps: int, **options):
    """Both optimisers from the same start on the same loss; their final states."""

    def call(mod, w, a, target) -> dict:
        out = {}
        for name, step in (("adam", mod.adam_l2_step), ("adamw", mod.adamw_step)):
            x, m, v = w.copy(), np.zeros_like(w), np.zeros_like(w)
            for t in range(1, steps + 1):
                g = a * (x - target)
                before = {"w": x.copy(), "g": g.copy(), "m": m.copy(), "v": v.copy()}
                args = (x, g, m, v)
                x, m, v = step(x, g, m, v, t, **options)
                problem = changed_inputs(before, dict(zip(("w", "g", "m", "v"), args, strict=True)))
                out[f"{name}_inputs_problem"] = out.get(f"{name}_inputs_problem") or problem
            out[f"{name}_w"], out[f"{name}_m"], out[f"{name}_v"] = x, m, v
        return out

    return call


def later_step(mod, w, a, target) -> dict:
    """One step at t = 50 from given moments: the bias corrections use t."""
    rng = np.random.default_rng(5)
    m, v = normal(rng, *w.shape, scale=0.1), rng.uniform(0.01, 0.5, size=w.shape)
    g = a * (w - target)
    out = {}
    for name, step in (("adam", mod.adam_l2_step), ("adamw", mod.adamw_step)):
        x, m2, v2 = step(w.copy(), g, m.copy(), v.copy(), 50, lr=0.01, weight_decay=0.05)
        out[f"{name}_w"], out[f"{name}_m"], out[f"{name}_v"] = x, m2, v2
    return out


def defaults(mod, w, a, target) -> dict:
    g = a * (w - target)
    z = np.zeros_like(w)
    return {
        "adam_w": mod.adam_l2_step(w, g, z, z, 1)[0],
        "adamw_w": mod.adamw_step(w, g, z, z, 1)[0],
    }


def worked(rng):
    return {"w": np.array([1.0, -2.0, 0.0, 0.5])}


def worked_steps(mod, w) -> dict:
    g, z = np.array([0.1, 0.2, -0.3, 0.0]), np.zeros(4)
    return {
        **penalties(0.1, 0.25)(mod, w),
        "adam_w": mod.adam_l2_step(w, g, z, z, 1, lr=0.1, weight_decay=0.5)[0],
        "adamw_w": mod.adamw_step(w, g, z, z, 1, lr=0.1, weight_decay=0.5)[0],
    }


CASES = [
    Case("worked_example", sample=True, inputs=worked, call=worked_steps, tol=TOL),
    Case(
        "random_penalties",
        sample=True,
        seed=1,
        inputs=lambda rng: {"w": away_from_kinks(normal(rng, 3, 4), margin=0.05)},
        call=penalties(0.3, 0.6, check_gradient=True),
        tol=TOL,
    ),
    Case(
        "l1_at_zero",
        seed=2,
        inputs=weights(10, zeros=4),
        call=penalties(0.5, 0.5),
        tol=TOL,
        note="the subgradient of |w| at w = 0 is 0",
    ),
    Case(
        "elastic_net_ends",
        seed=3,
        inputs=weights(6),
        call=penalties(0.2, 1.0),
        tol=TOL,
        note="l1_ratio = 1 is the L1 penalty",
    ),
    Case(
        "elastic_net_pure_l2",
        seed=4,
        inputs=weights(6),
        call=penalties(0.2, 0.0),
        tol=TOL,
        note="l1_ratio = 0 is the L2 penalty",
    ),
    Case("no_penalty", seed=5, inputs=weights(2, 3), call=penalties(0.0, 0.5), tol=TOL),
    Case(
        "ten_steps_differ",
        seed=6,
        inputs=problem(8),
        call=trajectories(10, lr=0.05, weight_decay=0.1),
        tol=TOL,
        note="L2 in Adam is rescaled by the adaptive denominator; AdamW's decay is not",
    ),
    Case(
        "decay_without_gradient",
        seed=7,
        inputs=problem(9, sparse_grad=True),
        call=trajectories(6, lr=0.1, weight_decay=0.5),
        tol=TOL,
        note="entries with no loss gradient: AdamW shrinks them by lr * weight_decay each step",
    ),
    Case(
        "zero_decay_same_steps",
        seed=8,
        inputs=problem(5),
        call=trajectories(4, lr=0.02),
        tol=TOL,
        note="weight_decay = 0: both are plain Adam",
    ),
    Case("bias_correction_at_step_50", seed=9, inputs=problem(2, 3), call=later_step, tol=TOL),
    Case(
        "custom_betas_and_eps",
        seed=10,
        inputs=problem(4, 2),
        call=trajectories(5, lr=0.03, betas=(0.5, 0.9), eps=1e-3, weight_decay=0.2),
        tol=TOL,
    ),
    Case("default_arguments", seed=11, inputs=problem(6), call=defaults, tol=TOL),
]
