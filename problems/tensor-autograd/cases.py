"""Cases for tensor-autograd: broadcasting in both forms, matmul, reductions, reuse, composites."""

import numpy as np
from casekit import Case, away_from_kinks, changed_inputs, normal, numeric_gradient

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
        before = {k: a.copy() for k, a in arrays.items()}
        leaves = [mod.Tensor(arrays[k]) for k in sorted(arrays)]
        out = build(mod.Tensor, *leaves)
        seed = out[1] if isinstance(out, tuple) else None
        out = out[0] if isinstance(out, tuple) else out
        if seed is None:
            out.backward()
        else:
            out.backward(seed)
        return {
            "out": out.data,
            "grads": [leaf.grad for leaf in leaves],
            "inputs_problem": changed_inputs(before, arrays),
        }

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


def shared_intermediate(mod, a0, a1, a2):
    """h = x @ w + b feeds several later nodes, as either operand and through a sum; e is shared too."""
    x, w, b = mod.Tensor(a0), mod.Tensor(a1), mod.Tensor(a2)
    h = x @ w + b
    e = (h * 0.5).exp()
    mixed = h * e + h.sum(axis=0) * h - e / (1.0 + h * h) + e.mean(axis=1, keepdims=True) * h
    out = (mixed + (e + h) * h).mean()  # h is also the right operand of a sum that h multiplies
    out.backward()
    return {
        "out": out.data,
        "leaf_grads": [x.grad, w.grad, b.grad],
        "intermediate_grads": [h.grad, e.grad],
        "out_grad": out.grad,
    }


def fresh_tensors(mod, a0):
    """dtype and initial gradients: ints and float32 become float64; unused tensors keep zero grads."""
    from_ints = mod.Tensor([[1, 2, 3], [4, 5, 6]])
    from_float32 = mod.Tensor(a0.astype(np.float32))
    unused = mod.Tensor(a0)
    grad_before = unused.grad.copy()
    out = (from_ints * from_float32).sum()
    out.backward()
    return {
        "dtypes": [str(t.data.dtype) for t in (from_ints, from_float32, unused, out)],
        "from_ints": from_ints.data,
        "grad_before": grad_before,
        "grads": [from_ints.grad, from_float32.grad, unused.grad],
        "grad_dtypes": [str(t.grad.dtype) for t in (from_ints, from_float32, unused)],
    }


def non_contiguous(rng):
    """A 3-D tensor from a transposed array, a strided slice and a transposed matrix."""
    return {
        "a0": normal(rng, 4, 3, 2).transpose(2, 1, 0),
        "a1": normal(rng, 4, 6)[:, ::2],
        "a2": away_from_kinks(normal(rng, 4, 3), 0.05).T,
    }


def with_zeros(rng):
    a = away_from_kinks(normal(rng, 3, 4), 0.05)
    a[0, 1] = a[2, 3] = a[1, 0] = 0.0
    return {"a0": a, "a1": normal(rng, 3, 4)}


def list_seed(mod, a0, a1):
    before = {"a0": a0.copy(), "a1": a1.copy()}
    a, b = mod.Tensor(a0), mod.Tensor(a1)
    out = (a @ b).exp()
    out.backward([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])
    return {
        "out": out.data,
        "grads": [a.grad, b.grad],
        "inputs_problem": changed_inputs(before, {"a0": a0, "a1": a1}),
    }


def needs_seed(mod, a0):
    mod.Tensor(a0).exp().backward()
    return {}


def wrong_seed(mod, a0):
    mod.Tensor(a0).exp().backward(np.ones((7,)))
    return {}


def broadcastable_seed(mod, a0):
    # (2,) broadcasts against the (2, 2) output, but it is not the output's shape.
    mod.Tensor(a0).exp().backward(np.ones((2,)))
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
        "numbers_on_the_left",
        seed=15,
        inputs=arrays((3, 2), positive=True),
        call=graph(lambda T, a: ((1.5 + a) * (3.0 * a) + 2.0 / (1.0 + a * a) - (0.5 - a)).sum()),
        tol=TOL,
        note="number + tensor, number * tensor, number / tensor, number - tensor",
    ),
    Case(
        "broadcast_to_size_two",
        seed=16,
        inputs=arrays((2, 1), (1, 2), (2, 1, 1)),
        call=graph(lambda T, a, b, c: ((a * b + c) * (a - c) / (1.0 + b * b)).sum()),
        tol=TOL,
        note="size-1 axes stretched to size 2, and an added leading axis",
    ),
    Case(
        "shared_intermediate",
        seed=17,
        inputs=arrays((3, 4), (4, 2), (2,)),
        call=shared_intermediate,
        tol=TOL,
        note="an intermediate tensor reused by several nodes: accumulation and topological order",
    ),
    Case(
        "transpose_3d_non_contiguous",
        seed=18,
        inputs=non_contiguous,
        call=graph(lambda T, a, b, c: ((a.T * a.T.sum(axis=0)).sum(axis=2) * b + c.T.relu()).sum()),
        tol=TOL,
        note=".T reverses all three axes; inputs are non-contiguous views",
    ),
    Case(
        "reshape_with_minus_one",
        seed=19,
        inputs=arrays((2, 3, 4), (6, 4)),
        call=graph(lambda T, a, b: (a.reshape(-1, 4) * b + a.reshape(4, -1).T.reshape(6, 4)).sum()),
        tol=TOL,
    ),
    Case(
        "mean_and_sum_variants",
        seed=20,
        inputs=arrays((2, 3, 4)),
        call=graph(
            lambda T, a: (
                a.mean(axis=-1, keepdims=True) * a.sum(keepdims=True)
                + a.mean(axis=1).reshape(2, 1, 4) * a.sum(axis=-3)
            ).sum()
        ),
        tol=TOL,
        note="negative axes, keepdims with axis=None, 3-D",
    ),
    Case(
        "relu_at_zero",
        seed=21,
        inputs=with_zeros,
        call=graph(lambda T, a, b: (a.relu() * b).sum()),
        tol=TOL,
        note="relu has derivative 0 at exactly 0",
    ),
    Case(
        "single_element_output",
        seed=22,
        inputs=arrays((1, 3), (3, 1)),
        call=graph(lambda T, a, b: (a @ b).exp()),
        tol=TOL,
        note="a (1, 1) output may call backward() without a seed",
    ),
    Case(
        "seed_as_nested_list",
        seed=23,
        inputs=arrays((2, 4), (4, 3)),
        call=list_seed,
        tol=TOL,
    ),
    Case(
        "fresh_tensors_and_dtypes",
        seed=24,
        inputs=arrays((2, 3)),
        call=fresh_tensors,
        tol=TOL,
        note="float64 data from ints and float32, zero gradients before backward and when unused",
    ),
    Case(
        "non_scalar_without_seed",
        seed=13,
        inputs=arrays((2, 2)),
        call=needs_seed,
        raises=ValueError,
        raises_for="backward() on a (2, 2) output",
    ),
    Case(
        "seed_of_wrong_shape",
        seed=14,
        inputs=arrays((2, 2)),
        call=wrong_seed,
        raises=ValueError,
        raises_for="a (7,) seed for a (2, 2) output",
    ),
    Case(
        "seed_that_only_broadcasts",
        seed=25,
        inputs=arrays((2, 2)),
        call=broadcastable_seed,
        raises=ValueError,
        raises_for="a (2,) seed for a (2, 2) output",
    ),
]
