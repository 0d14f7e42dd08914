"""Cases for optimizers: trajectories against the reference, in-place updates, edge settings."""

import numpy as np
from casekit import Case, normal

TOL = (1e-9, 1e-12)
SHAPES = [(3, 4), (5,), (2, 2, 2)]


def problem(steps: int, shapes=SHAPES, grad_scale: float = 1.0, zero_grads: bool = False):
    def make(rng: np.random.Generator) -> dict:
        params = [normal(rng, *s) for s in shapes]
        grads = [
            [np.zeros(s) if zero_grads else normal(rng, *s, scale=grad_scale) for s in shapes]
            for _ in range(steps)
        ]
        return {"params": params, "grads": grads}

    return make


def run(cls: str, **options):
    def call(mod, params, grads) -> dict:
        live = [p.copy() for p in params]
        objects = list(live)
        opt = getattr(mod, cls)(live, **options)
        trajectory = []
        for step_grads in grads:
            given = [g.copy() for g in step_grads]
            returned = opt.step(given)
            trajectory.append(objects[0].copy())
            if any(not np.array_equal(a, b) for a, b in zip(given, step_grads, strict=True)):
                raise AssertionError("step modified the gradients it was given")
        return {
            "params": objects,  # the caller's own arrays: updated in place, or not at all
            "first_param_trajectory": np.array(trajectory),
            "returned": returned,
        }

    return call


def run_reused_buffers(cls: str, **options):
    """Like a framework: one gradient buffer per parameter, overwritten in place before each step."""

    def call(mod, params, grads) -> dict:
        live = [p.copy() for p in params]
        buffers = [np.zeros_like(p) for p in params]
        opt = getattr(mod, cls)(list(live), **options)
        trajectory = []
        for step_grads in grads:
            for buf, g in zip(buffers, step_grads, strict=True):
                buf[...] = g
            opt.step(buffers)
            trajectory.append([p.copy() for p in live])
        return {"trajectory": trajectory}

    return call


def quadratic(rng: np.random.Generator) -> dict:
    shapes = [(4, 3), (6,)]
    return {
        "params": [normal(rng, *s, scale=2.0) for s in shapes],
        "curvature": [rng.uniform(0.5, 3.0, size=s) for s in shapes],
        "target": [normal(rng, *s) for s in shapes],
    }


def descend_quadratic(cls: str, steps: int, **options):
    """Minimise sum(c * (p - t)**2 / 2): each gradient is computed from the caller's own arrays."""

    def call(mod, params, curvature, target) -> dict:
        live = [p.copy() for p in params]
        opt = getattr(mod, cls)(list(live), **options)
        trajectory = []
        for _ in range(steps):
            opt.step([c * (p - t) for p, c, t in zip(live, curvature, target, strict=True)])
            trajectory.append([p.copy() for p in live])
        return {"trajectory": trajectory}

    return call


def refuses(cls: str, **options):
    def call(mod, params, grads) -> dict:
        opt = getattr(mod, cls)([p.copy() for p in params], **options)
        opt.step(grads[0][:-1])  # only reached when the options were accepted
        return {}

    return call


CASES = [
    Case(
        "worked_example",
        sample=True,
        inputs=lambda rng: {
            "params": [np.array([1.0, -2.0])],
            "grads": [[np.array([1.0, 1.0])]] * 2,
        },
        call=run("SGD", lr=0.1, momentum=0.9),
        tol=TOL,
    ),
    Case(
        "adam_few_steps", sample=True, seed=1, inputs=problem(3), call=run("Adam", lr=0.01), tol=TOL
    ),
    Case("sgd_plain", seed=2, inputs=problem(5), call=run("SGD", lr=0.05), tol=TOL),
    Case(
        "sgd_momentum_many_steps",
        seed=3,
        inputs=problem(30),
        call=run("SGD", lr=0.01, momentum=0.9),
        tol=TOL,
        note="v = momentum * v + g, then p -= lr * v",
    ),
    Case(
        "sgd_weight_decay",
        seed=4,
        inputs=problem(10),
        call=run("SGD", lr=0.1, momentum=0.5, weight_decay=0.01),
        tol=TOL,
    ),
    Case(
        "rmsprop_steps",
        seed=5,
        inputs=problem(20),
        call=run("RMSprop", lr=0.01),
        tol=TOL,
        note="eps outside the square root",
    ),
    Case(
        "rmsprop_small_gradients",
        seed=6,
        inputs=problem(5, grad_scale=1e-7),
        call=run("RMSprop", lr=0.01, alpha=0.9, eps=1e-6, weight_decay=0.0),
        tol=TOL,
    ),
    Case(
        "adam_first_step",
        seed=7,
        inputs=problem(1),
        call=run("Adam", lr=0.1),
        tol=TOL,
        note="bias correction with t = 1 on the first step",
    ),
    Case(
        "adam_many_steps",
        seed=8,
        inputs=problem(50),
        call=run("Adam", lr=0.003, betas=(0.8, 0.99)),
        tol=TOL,
    ),
    Case(
        "adam_weight_decay",
        seed=9,
        inputs=problem(10),
        call=run("Adam", lr=0.01, weight_decay=0.1),
        tol=TOL,
    ),
    Case(
        "zero_gradients",
        seed=10,
        inputs=problem(4, zero_grads=True),
        call=run("Adam", lr=0.1),
        tol=TOL,
        note="no gradient, no movement (and no nan)",
    ),
    Case(
        "tiny_learning_rate",
        seed=11,
        inputs=problem(5),
        call=run("SGD", lr=1e-8, momentum=0.9),
        tol=TOL,
    ),
    Case("huge_learning_rate", seed=12, inputs=problem(5), call=run("Adam", lr=10.0), tol=TOL),
    Case(
        "huge_gradients",
        seed=13,
        inputs=problem(5, grad_scale=1e6),
        call=run("RMSprop", lr=0.001),
        tol=TOL,
    ),
    Case(
        "rmsprop_zero_gradients",
        seed=17,
        inputs=problem(3, zero_grads=True),
        call=run("RMSprop", lr=0.1),
        tol=TOL,
        note="no gradient, no movement (0 / (0 + eps), never 0 / 0)",
    ),
    Case(
        "reused_grad_buffers",
        seed=18,
        inputs=problem(4),
        call=run_reused_buffers("SGD", lr=0.05, momentum=0.8),
        tol=TOL,
        note="the caller overwrites its gradient arrays between steps: state must not alias them",
    ),
    Case(
        "quadratic_feedback",
        seed=19,
        inputs=quadratic,
        call=descend_quadratic("Adam", 30, lr=0.05),
        tol=TOL,
        note="gradients come from the caller's arrays, so the updates must land in them",
    ),
    Case(
        "negative_lr", seed=14, inputs=problem(1), call=refuses("SGD", lr=-0.1), raises=ValueError
    ),
    Case(
        "momentum_of_one",
        seed=15,
        inputs=problem(1),
        call=refuses("SGD", lr=0.1, momentum=1.0),
        raises=ValueError,
    ),
    Case(
        "gradient_count_mismatch",
        seed=16,
        inputs=problem(1),
        call=refuses("Adam", lr=0.1),
        raises=ValueError,
    ),
]
