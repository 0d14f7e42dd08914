"""Cases for kv-cache: cached decoding equals full causal attention, fast enough, state per cache."""

import numpy as np
from casekit import Case, changed_inputs, normal

TOL = (1e-9, 1e-12)


def model(t: int, d: int, heads: int, weight_scale: float = 1.0):
    def make(rng: np.random.Generator) -> dict:
        ws = [normal(rng, d, d, scale=weight_scale / np.sqrt(d)) for _ in range(4)]
        return {"x": normal(rng, t, d), "W": ws, "heads": heads}

    return make


def decode(max_len=None, sample_every: int = 1):
    """The full forward and the token-by-token decode of the same sequence."""

    def call(mod, x, W, heads) -> dict:
        before = {"x": x.copy(), **{f"W{i}": w.copy() for i, w in enumerate(W)}}
        cache = mod.KVCache(*W, heads, len(x) if max_len is None else max_len)
        steps = np.array([cache.step(row) for row in x])
        out = {"decoded": steps[::sample_every], "last": steps[-1], "length": cache.length}
        if sample_every == 1:
            out["full"] = mod.causal_attention(x, *W, heads)
        after = {"x": x, **{f"W{i}": w for i, w in enumerate(W)}}
        out["inputs_problem"] = changed_inputs(before, after)
        return out

    return call


def interleaved(mod, x, W, heads) -> dict:
    """Two caches of the same model decoding two sequences, one step of each in turn."""
    half = len(x) // 2
    a, b = mod.KVCache(*W, heads, half), mod.KVCache(*W, heads, half)
    outs_a, outs_b = [], []
    for i in range(half):
        outs_a.append(a.step(x[i]))
        outs_b.append(b.step(x[half + i]))
    return {"first": np.array(outs_a), "second": np.array(outs_b)}


def overflow(mod, x, W, heads) -> dict:
    cache = mod.KVCache(*W, heads, 3)
    for row in x[:4]:
        cache.step(row)
    return {}


def worked(rng):
    x = np.array([[1.0, 0.0, 0.0, 1.0], [0.0, 1.0, 1.0, 0.0], [1.0, 1.0, 0.0, 0.0]])
    eye = np.eye(4)
    return {"x": x, "W": [eye, eye, eye * 2.0, eye], "heads": 2}


CASES = [
    Case("worked_example", sample=True, inputs=worked, call=decode(), tol=TOL),
    Case("random_sequence", sample=True, seed=1, inputs=model(10, 8, 2), call=decode(), tol=TOL),
    Case("one_head", seed=2, inputs=model(9, 6, 1), call=decode(), tol=TOL),
    Case(
        "head_dim_one",
        seed=3,
        inputs=model(7, 4, 4),
        call=decode(),
        tol=TOL,
        note="as many heads as features",
    ),
    Case(
        "first_token",
        seed=4,
        inputs=model(1, 6, 3),
        call=decode(),
        tol=TOL,
        note="one token attends only to itself",
    ),
    Case(
        "room_to_spare",
        seed=5,
        inputs=model(6, 8, 2),
        call=decode(max_len=32),
        tol=TOL,
        note="a cache longer than the sequence: only the filled positions count",
    ),
    Case(
        "large_scores",
        seed=6,
        inputs=model(12, 8, 2, weight_scale=12.0),
        call=decode(),
        tol=(1e-7, 1e-9),
        note="attention scores in the hundreds: the softmax must subtract its maximum",
    ),
    Case(
        "two_caches_interleaved",
        seed=7,
        inputs=model(12, 8, 4),
        call=interleaved,
        tol=TOL,
        note="each cache keeps its own keys and values",
    ),
    Case(
        "long_decode",
        seed=8,
        inputs=model(2048, 64, 4),
        call=decode(sample_every=16),
        tol=TOL,
        note="2048 tokens: recomputing attention over the prefix at every step runs out of time",
    ),
    Case(
        "cache_full",
        seed=9,
        inputs=model(5, 4, 2),
        call=overflow,
        raises=ValueError,
        raises_for="a fourth step in a cache of max_len=3",
    ),
    Case("longer_sequence", seed=10, inputs=model(40, 16, 4), call=decode(), tol=TOL),
    Case("eight_heads", seed=11, inputs=model(24, 32, 8), call=decode(), tol=TOL),
]
