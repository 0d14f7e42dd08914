"""Cases for gradient-checkpointing: exact gradients at every segment length, and a deep network
whose activations do not all fit in the memory limit."""

import numpy as np
from casekit import Case, changed_inputs, normal, numeric_gradient

TOL = (1e-9, 1e-12)


def network(layers: int, batch: int, width: int, scale: float = 1.0):
    def make(rng: np.random.Generator) -> dict:
        return {
            "x": normal(rng, batch, width),
            "weights": [
                normal(rng, width, width, scale=scale / np.sqrt(width)) for _ in range(layers)
            ],
            "dout": normal(rng, batch, width),
        }

    return make


def backward(segment: int, check_gradient: bool = False, dx_rows: int | None = None):
    def call(mod, x, weights, dout) -> dict:
        before = {
            "x": x.copy(),
            "dout": dout.copy(),
            **{f"W{i}": w.copy() for i, w in enumerate(weights)},
        }
        dx, dweights = mod.mlp_backward_checkpointed(x, weights, dout, segment)
        out = {
            "dx": dx if dx_rows is None else dx[:: max(1, len(dx) // dx_rows)],
            "dweights": list(dweights),
            "forward": mod.mlp_forward(x, weights)[:8],
        }
        after = {"x": x, "dout": dout, **{f"W{i}": w for i, w in enumerate(weights)}}
        out["inputs_problem"] = changed_inputs(before, after)
        if check_gradient:
            probe = x.copy()
            out["_fd_dx"] = numeric_gradient(lambda: mod.mlp_forward(probe, weights), probe, dout)
        return out

    return call


def worked(rng):
    return {
        "x": np.array([[1.0, -1.0], [0.5, 2.0]]),
        "weights": [
            np.array([[1.0, 0.5], [0.0, 1.0]]),
            np.array([[0.5, -1.0], [1.0, 0.5]]),
            np.eye(2),
        ],
        "dout": np.array([[1.0, 0.0], [0.0, 1.0]]),
    }


CASES = [
    Case("worked_example", sample=True, inputs=worked, call=backward(2), tol=TOL),
    Case(
        "segments_of_two",
        sample=True,
        seed=1,
        inputs=network(6, 5, 4),
        call=backward(2, check_gradient=True),
        tol=TOL,
    ),
    Case(
        "uneven_last_segment",
        seed=2,
        inputs=network(7, 4, 3),
        call=backward(3, check_gradient=True),
        tol=TOL,
        note="7 layers in segments of 3: the last segment has one layer",
    ),
    Case(
        "segment_of_one",
        seed=3,
        inputs=network(5, 3, 4),
        call=backward(1, check_gradient=True),
        tol=TOL,
        note="every layer its own segment: every activation is a checkpoint",
    ),
    Case(
        "one_segment",
        seed=4,
        inputs=network(6, 4, 3),
        call=backward(6),
        tol=TOL,
        note="a segment as long as the network: only the input is kept",
    ),
    Case(
        "segment_longer_than_network",
        seed=5,
        inputs=network(4, 3, 5),
        call=backward(10),
        tol=TOL,
    ),
    Case("single_layer", seed=6, inputs=network(1, 6, 4), call=backward(1), tol=TOL),
    Case("two_layers_one_segment", seed=11, inputs=network(2, 7, 3), call=backward(2), tol=TOL),
    Case(
        "saturated_units",
        seed=7,
        inputs=network(8, 5, 4, scale=6.0),
        call=backward(3, check_gradient=True),
        tol=TOL,
        note="large weights: many tanh units near +-1, derivatives near 0",
    ),
    Case(
        "rectangular_batch",
        seed=8,
        inputs=network(12, 40, 8),
        call=backward(4),
        tol=TOL,
    ),
    Case(
        "deep_network_in_memory",
        seed=9,
        inputs=network(160, 16384, 16),
        call=backward(13, dx_rows=256),
        tol=TOL,
        note="160 layers of 2 MB activations: storing them all exceeds the memory limit",
    ),
    Case(
        "deep_network_small_batch",
        seed=10,
        inputs=network(50, 6, 5),
        call=backward(7, check_gradient=True),
        tol=TOL,
    ),
]
