"""Cases for optimizers: trajectories against the reference, in-place updates, edge settings."""

import numpy as np
from casekit import Case, changed_inputs, normal

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
        trajectory, problem = [], None
        for step_grads in grads:
            given = [g.copy() for g in step_grads]
            returned = opt.step(given)
            trajectory.append(objects[0].copy())
            problem = problem or changed_inputs(
                {f"grads[{i}]": g for i, g in enumerate(step_grads)},
                {f"grads[{i}]": g for i, g in enumerate(given)},
            )
        return {
            "params": objects,  # the caller's own arrays: updated in place, or not at all
            "first_param_trajectory": np.array(trajectory),
            "returned": returned,
            "grads_problem": problem,
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
    """Only the constructor runs: the bad setting alone must raise."""

    settings = {"lr": 0.1, **options}

    def call(mod, params, grads) -> dict:
        getattr(mod, cls)([p.copy() for p in params], **settings)
        return {}

    return call


def mismatched_grads(cls: str, extra: bool, **options):
    """A good step, a step with one gradient too few (or too many), then another good step."""

    def call(mod, params, grads) -> dict:
        live = [p.copy() for p in params]
        opt = getattr(mod, cls)(list(live), **options)
        opt.step([g.copy() for g in grads[0]])
        before = [p.copy() for p in live]
        wrong = [g.copy() for g in grads[1]]
        wrong = [*wrong, np.ones(2)] if extra else wrong[:-1]
        problem = None
        try:
            opt.step(wrong)
        except ValueError:
            moved = [i for i, (a, b) in enumerate(zip(before, live, strict=True)) if (a != b).any()]
            if moved:
                problem = (
                    f"step raised the ValueError for {len(wrong)} gradients and {len(live)} "
                    f"parameters only after changing params[{moved[0]}]: check first"
                )
        else:
            problem = (
                f"expected a ValueError for {len(wrong)} gradients and {len(live)} parameters, "
                "but step returned normally"
            )
        opt.step([g.copy() for g in grads[2]])
        return {"mismatch_problem": problem, "params": live}

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
        "rmsprop_weight_decay",
        seed=20,
        inputs=problem(8),
        call=run("RMSprop", lr=0.01, weight_decay=0.1),
        tol=TOL,
        note="g = grad + weight_decay * p in RMSprop too",
    ),
    Case(
        "reused_grad_buffers_adam",
        seed=21,
        inputs=problem(4),
        call=run_reused_buffers("Adam", lr=0.05, betas=(0.5, 0.9)),
        tol=TOL,
        note="the caller overwrites its gradient arrays between steps: m and v must not alias them",
    ),
    Case(
        "zero_lr_accepted",
        seed=22,
        inputs=problem(3),
        call=run("SGD", lr=0.0, momentum=0.5),
        tol=TOL,
        note="lr = 0 is allowed (lr < 0 is refused): nothing moves",
    ),
    Case(
        "rmsprop_alpha_zero_accepted",
        seed=23,
        inputs=problem(3),
        call=run("RMSprop", lr=0.01, alpha=0.0),
        tol=TOL,
        note="alpha = 0 is inside [0, 1): s = g**2",
    ),
    Case(
        "adam_betas_zero_accepted",
        seed=24,
        inputs=problem(3),
        call=run("Adam", lr=0.01, betas=(0.0, 0.0), weight_decay=0.0),
        tol=TOL,
        note="betas = (0, 0) are inside [0, 1): m = g, v = g**2",
    ),
    Case(
        "gradient_count_mismatch",
        seed=16,
        inputs=problem(3),
        call=mismatched_grads("Adam", extra=False, lr=0.1),
        tol=TOL,
        note="one gradient too few: ValueError before any parameter or state changes",
    ),
    Case(
        "too_many_gradients",
        seed=25,
        inputs=problem(3),
        call=mismatched_grads("SGD", extra=True, lr=0.1, momentum=0.9),
        tol=TOL,
        note="one gradient too many: ValueError before any parameter or state changes",
    ),
    Case(
        "rmsprop_gradient_count_mismatch",
        seed=26,
        inputs=problem(3),
        call=mismatched_grads("RMSprop", extra=False, lr=0.1),
        tol=TOL,
    ),
    Case(
        "negative_lr",
        seed=40,
        inputs=problem(1),
        call=refuses("SGD", lr=-0.1),
        raises=ValueError,
        raises_for="SGD(lr=-0.1)",
    ),
    Case(
        "momentum_of_one",
        seed=41,
        inputs=problem(1),
        call=refuses("SGD", momentum=1.0),
        raises=ValueError,
        raises_for="SGD(momentum=1.0)",
    ),
    Case(
        "negative_momentum",
        seed=42,
        inputs=problem(1),
        call=refuses("SGD", momentum=-0.1),
        raises=ValueError,
        raises_for="SGD(momentum=-0.1)",
    ),
    Case(
        "sgd_negative_weight_decay",
        seed=43,
        inputs=problem(1),
        call=refuses("SGD", weight_decay=-0.01),
        raises=ValueError,
        raises_for="SGD(weight_decay=-0.01)",
    ),
    Case(
        "rmsprop_negative_lr",
        seed=44,
        inputs=problem(1),
        call=refuses("RMSprop", lr=-0.001),
        raises=ValueError,
        raises_for="RMSprop(lr=-0.001)",
    ),
    Case(
        "rmsprop_negative_weight_decay",
        seed=45,
        inputs=problem(1),
        call=refuses("RMSprop", weight_decay=-0.01),
        raises=ValueError,
        raises_for="RMSprop(weight_decay=-0.01)",
    ),
    Case(
        "rmsprop_alpha_one",
        seed=46,
        inputs=problem(1),
        call=refuses("RMSprop", alpha=1.0),
        raises=ValueError,
        raises_for="RMSprop(alpha=1.0)",
    ),
    Case(
        "rmsprop_negative_alpha",
        seed=47,
        inputs=problem(1),
        call=refuses("RMSprop", alpha=-0.5),
        raises=ValueError,
        raises_for="RMSprop(alpha=-0.5)",
    ),
    Case(
        "rmsprop_eps_zero",
        seed=48,
        inputs=problem(1),
        call=refuses("RMSprop", eps=0.0),
        raises=ValueError,
        raises_for="RMSprop(eps=0.0)",
    ),
    Case(
        "adam_negative_lr",
        seed=49,
        inputs=problem(1),
        call=refuses("Adam", lr=-0.1),
        raises=ValueError,
        raises_for="Adam(lr=-0.1)",
    ),
    Case(
        "adam_negative_weight_decay",
        seed=50,
        inputs=problem(1),
        call=refuses("Adam", weight_decay=-1.0),
        raises=ValueError,
        raises_for="Adam(weight_decay=-1.0)",
    ),
    Case(
        "adam_beta1_one",
        seed=51,
        inputs=problem(1),
        call=refuses("Adam", betas=(1.0, 0.999)),
        raises=ValueError,
        raises_for="Adam(betas=(1.0, 0.999))",
    ),
    Case(
        "adam_beta2_one",
        seed=52,
        inputs=problem(1),
        call=refuses("Adam", betas=(0.9, 1.0)),
        raises=ValueError,
        raises_for="Adam(betas=(0.9, 1.0))",
    ),
    Case(
        "adam_negative_beta1",
        seed=53,
        inputs=problem(1),
        call=refuses("Adam", betas=(-0.1, 0.999)),
        raises=ValueError,
        raises_for="Adam(betas=(-0.1, 0.999))",
    ),
    Case(
        "adam_negative_beta2",
        seed=54,
        inputs=problem(1),
        call=refuses("Adam", betas=(0.9, -0.1)),
        raises=ValueError,
        raises_for="Adam(betas=(0.9, -0.1))",
    ),
    Case(
        "adam_eps_zero",
        seed=55,
        inputs=problem(1),
        call=refuses("Adam", eps=0.0),
        raises=ValueError,
        raises_for="Adam(eps=0.0)",
    ),
]
