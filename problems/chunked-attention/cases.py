"""Cases for chunked-attention: equal to full attention for any chunking, causal alignment, memory."""

import numpy as np
from casekit import Case, normal

TOL = (1e-9, 1e-12)


def qkv(lead=(), tq=5, tk=7, d=4, dv=3, scale=1.0):
    def make(rng: np.random.Generator) -> dict:
        return {
            "q": normal(rng, *lead, tq, d, scale=scale),
            "k": normal(rng, *lead, tk, d, scale=scale),
            "v": normal(rng, *lead, tk, dv),
        }

    return make


def run(chunk_size: int, causal: bool = False):
    def call(mod, q, k, v) -> dict:
        return {"out": mod.chunked_attention(q, k, v, chunk_size=chunk_size, causal=causal)}

    return call


def long_sequence(rng: np.random.Generator) -> dict:
    n, d = 8192, 32
    return {"q": normal(rng, n, d), "k": normal(rng, n, d), "v": normal(rng, n, d)}


def worked(rng):
    return {
        "q": np.array([[1.0, 0.0]]),
        "k": np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]),
        "v": np.array([[1.0], [2.0], [3.0]]),
    }


CASES = [
    Case("worked_example", sample=True, inputs=worked, call=run(2), tol=TOL),
    Case("small_random", sample=True, seed=1, inputs=qkv(), call=run(3), tol=TOL),
    Case(
        "chunk_does_not_divide",
        seed=2,
        inputs=qkv(tq=6, tk=23, d=5, dv=4),
        call=run(5),
        tol=TOL,
        note="the last chunk is shorter",
    ),
    Case("chunk_of_one", seed=3, inputs=qkv(tq=4, tk=9), call=run(1), tol=TOL),
    Case("chunk_larger_than_sequence", seed=4, inputs=qkv(tq=3, tk=5), call=run(128), tol=TOL),
    Case("causal_square", seed=5, inputs=qkv(tq=9, tk=9), call=run(4, causal=True), tol=TOL),
    Case(
        "causal_decoding",
        seed=6,
        inputs=qkv(tq=3, tk=10),
        call=run(4, causal=True),
        tol=TOL,
        note="fewer queries than keys: queries are the last positions",
    ),
    Case(
        "huge_scores",
        seed=7,
        inputs=qkv(tq=4, tk=12, d=4, scale=70.0),
        call=run(5),
        tol=TOL,
        note="scores around 1e4: the running maximum keeps exp finite",
    ),
    Case(
        "multi_head",
        seed=8,
        inputs=qkv(lead=(2, 3), tq=6, tk=11, d=8, dv=5),
        call=run(4, causal=True),
        tol=TOL,
    ),
    Case(
        "long_sequence",
        seed=9,
        inputs=long_sequence,
        call=run(256),
        tol=TOL,
        note="8192 x 8192 scores would need 512 MB",
    ),
    Case("zero_chunk_size", seed=10, inputs=qkv(), call=run(0), raises=ValueError),
]
