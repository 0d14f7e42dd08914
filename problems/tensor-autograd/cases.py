"""Cases for tensor-autograd: broadcasting in both forms, matmul, reductions, reuse, composites."""

import numpy as np
from casekit import Case, away_from_kinks, normal, numeric_gradient

TOL = (1e-9, 1e-12)


def arrays(*shapes, positive=False):
    def make(rng):
        out = {}
        for i, shape in enumerate(shapes):
            a = normal(rng, *shape)
            out[f"a{i}"] = np.abs(a) + 0.5 if positive else away_from_kinks(a, 0.05)
        return out

    return make


def graph(build):
    """Run build(T, *tensors) -> output, backward, and report the output and every leaf's gradient."""

    def call(mod, **arrays):
        leaves = [mod.Tensor(arrays[k].copy()) for k in sorted(arrays)]
        out = build(mod.Tensor, *leaves)
        seed = out[1] if isinstance(out, tuple) else None
        out = out[0] if isinstance(out, tuple) else out
        if seed is None:
            out.backward()
        else:
            out.backward(seed)
        return {"out": out.data, "grads": [leaf.grad for leaf in leaves]}

    return call


def two_layer(T, x, w1, w2):
    return ((x @ w1).relu() @ w2).exp().mean()


def with_fd(mod, a0, a1, a2):
    result = graph(two_layer)(mod, a0=a0, a1=a1, a2=a2)
    copies = [a0.copy(), a1.copy(), a2.copy()]

    def forward():
        return two_layer(mod.Tensor, *(mod.Tensor(c) for c in copies)).data

    for i, c in enumerate(copies):
        result[f"_fd_grads_{i}"] = numeric_gradient(forward, c)
    return result


def needs_seed(mod, a0):
    mod.Tensor(a0).exp().backward()
    return {}


def wrong_seed(mod, a0):
    mod.Tensor(a0).exp().backward(np.ones((7,)))
    return {}


CASES = [
    Case(
        "worked_example",
        sample=True,
        inputs=lambda rng: {
            "a0": np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]),
            "a1": np.array([10.0, 20.0, 30.0]),
        },
        call=graph(lambda T, a, b: (a * b).sum()),
        tol=TOL,
    ),
    Case(
        "matmul_then_mean",
        sample=True,
        seed=1,
        inputs=arrays((3, 4), (4, 2)),
        call=graph(lambda T, a, b: (a @ b).mean()),
        tol=TOL,
    ),
    Case(
        "broadcast_leading_axis",
        seed=2,
        inputs=arrays((2, 4), (4,)),
        call=graph(lambda T, a, b: ((a + b) * (a - b)).sum()),
        tol=TOL,
        note="(4,) against (2, 4): sum the gradient over the added axis",
    ),
    Case(
        "broadcast_size_one_axes",
        seed=3,
        inputs=arrays((3, 1), (1, 4)),
        call=graph(lambda T, a, b: (a * b / (b * b + 1.0)).sum()),
        tol=TOL,
        note="(3, 1) against (1, 4): sum over the size-1 axes, keep them",
    ),
    Case(
        "numbers_on_either_side",
        seed=4,
        inputs=arrays((2, 3), positive=True),
        call=graph(lambda T, a: ((2.0 - a) * 3.0 + 1.0 / a - a / 4.0 + (-a)).sum()),
        tol=TOL,
    ),
    Case(
        "matmul_distinct_sizes",
        seed=5,
        inputs=arrays((2, 5), (5, 3), (3,)),
        call=graph(lambda T, a, b, c: ((a @ b + c) * (a @ b)).sum()),
        tol=TOL,
    ),
    Case(
        "sum_axis_and_keepdims",
        seed=6,
        inputs=arrays((3, 4)),
        call=graph(
            lambda T, a: (
                (a.sum(axis=0) * a.sum(axis=1, keepdims=True)).sum() + a.sum(axis=-1).mean()
            )
        ),
        tol=TOL,
    ),
    Case(
        "mean_axis",
        seed=7,
        inputs=arrays((4, 3)),
        call=graph(lambda T, a: (a.mean(axis=0) * a.mean()).sum()),
        tol=TOL,
    ),
    Case(
        "exp_log_relu",
        seed=8,
        inputs=arrays((3, 3), positive=True),
        call=graph(lambda T, a: (a.log() * (a - 1.2).relu() + (0.1 * a).exp()).sum()),
        tol=TOL,
    ),
    Case(
        "reshape_and_transpose",
        seed=9,
        inputs=arrays((2, 6), (3, 4)),
        call=graph(lambda T, a, b: (a.reshape(3, 4) * b + a.reshape(4, 3).T).sum()),
        tol=TOL,
    ),
    Case(
        "tensor_used_twice",
        seed=10,
        inputs=arrays((2, 2)),
        call=graph(lambda T, a: (a * a + a).sum()),
        tol=TOL,
    ),
    Case(
        "explicit_upstream_gradient",
        seed=11,
        inputs=arrays((3, 2), (2, 4)),
        call=graph(lambda T, a, b: ((a @ b).exp(), np.arange(12.0).reshape(3, 4) / 10.0)),
        tol=TOL,
        note="backward(grad) for a non-scalar output",
    ),
    Case(
        "two_layer_network",
        seed=12,
        inputs=arrays((4, 3), (3, 5), (5, 2)),
        call=with_fd,
        tol=TOL,
        note="a composite against finite differences",
    ),
    Case(
        "non_scalar_without_seed",
        seed=13,
        inputs=arrays((2, 2)),
        call=needs_seed,
        raises=ValueError,
    ),
    Case("seed_of_wrong_shape", seed=14, inputs=arrays((2, 2)), call=wrong_seed, raises=ValueError),
]
