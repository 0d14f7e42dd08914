"""Cases for chunked-attention: equal to full attention for any chunking, causal alignment, rows that
see no key, extreme scores, argument errors, memory."""

import numpy as np
from casekit import Case, changed_inputs, normal

TOL = (1e-9, 1e-12)


def qkv(lead=(), tq=5, tk=7, d=4, dv=3, scale=1.0):
    def make(rng: np.random.Generator) -> dict:
        return {
            "q": normal(rng, *lead, tq, d, scale=scale),
            "k": normal(rng, *lead, tk, d, scale=scale),
            "v": normal(rng, *lead, tk, dv),
        }

    return make


def attend(mod, q, k, v, **kwargs) -> dict:
    before = {"q": q.copy(), "k": k.copy(), "v": v.copy()}
    out = mod.chunked_attention(q, k, v, **kwargs)
    return {"out": out, "inputs_problem": changed_inputs(before, {"q": q, "k": k, "v": v})}


def run(chunk_size: int, causal: bool = False):
    def call(mod, q, k, v) -> dict:
        return attend(mod, q, k, v, chunk_size=chunk_size, causal=causal)

    return call


def defaults(mod, q, k, v) -> dict:
    # No chunk_size and no causal: the defaults (128, False) must apply.
    return attend(mod, q, k, v)


def refuse(chunk_size: int):
    def call(mod, q, k, v) -> dict:
        mod.chunked_attention(q, k, v, chunk_size=chunk_size)
        return {}

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


def very_negative_rows(rng: np.random.Generator) -> dict:
    # Every key has large positive entries; query rows 0 and 2 point the other way, so all their
    # scores are below -5000 (exp of any of them is 0.0), while row 1 has large positive scores.
    k = 60.0 + rng.uniform(0.0, 5.0, size=(9, 4))
    q = rng.uniform(50.0, 60.0, size=(3, 4))
    q[[0, 2]] *= -1.0
    return {"q": q, "k": k, "v": normal(rng, 9, 2)}


def masked_huge_score(rng: np.random.Generator) -> dict:
    # Causal, Tq == Tk: the last key scores about +9000 with every query but is visible only to the
    # last query; the visible keys of the other queries have ordinary scores.
    q = normal(rng, 6, 4)
    q[:, 0] = 30.0
    k = normal(rng, 6, 4)
    k[:, 0] = 0.0
    k[-1, 0] = 600.0
    return {"q": q, "k": k, "v": normal(rng, 6, 3)}


def views(rng: np.random.Generator) -> dict:
    # (T, heads, d) arrays seen as (heads, T, d): non-contiguous views, as after splitting heads.
    q = normal(rng, 7, 3, 4).swapaxes(0, 1)
    k = normal(rng, 10, 3, 4).swapaxes(0, 1)
    v = normal(rng, 10, 3, 6)[:, :, ::2].swapaxes(0, 1)
    return {"q": q, "k": k, "v": v}


def no_keys(rng: np.random.Generator) -> dict:
    return {"q": normal(rng, 2, 3, 4), "k": np.zeros((2, 0, 4)), "v": np.zeros((2, 0, 5))}


CASES = [
    Case("worked_example", sample=True, inputs=worked, call=run(2), tol=TOL),
    Case("small_random", sample=True, seed=1, inputs=qkv(), call=run(3), tol=TOL),
    Case(
        "causal_more_queries_than_keys",
        sample=True,
        seed=12,
        inputs=qkv(tq=6, tk=4),
        call=run(3, causal=True),
        tol=TOL,
        note="Tq > Tk: the first Tq - Tk queries see no key and get rows of zeros",
    ),
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
    Case(
        "chunk_equal_to_sequence",
        seed=13,
        inputs=qkv(tq=4, tk=6),
        call=run(6, causal=True),
        tol=TOL,
        note="chunk_size == Tk: exactly one chunk",
    ),
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
        "all_scores_very_negative",
        seed=14,
        inputs=very_negative_rows,
        call=run(4),
        tol=TOL,
        note="rows whose scores are all below -5000: exp(score) is 0.0 for every key",
    ),
    Case(
        "masked_key_with_huge_score",
        seed=15,
        inputs=masked_huge_score,
        call=run(4, causal=True),
        tol=TOL,
        note="a masked key's huge score must not enter the row maximum",
    ),
    Case(
        "multi_head",
        seed=8,
        inputs=qkv(lead=(2, 3), tq=6, tk=11, d=8, dv=5),
        call=run(4, causal=True),
        tol=TOL,
    ),
    Case(
        "non_contiguous_views",
        seed=16,
        inputs=views,
        call=run(3, causal=True),
        tol=TOL,
        note="q, k, v are strided views of (T, heads, d) arrays",
    ),
    Case(
        "no_keys",
        seed=17,
        inputs=no_keys,
        call=run(4),
        tol=TOL,
        note="Tk = 0: every query sees no key",
    ),
    Case(
        "default_arguments",
        seed=18,
        inputs=qkv(tq=7, tk=300, d=4, dv=2),
        call=defaults,
        tol=TOL,
        note="chunk_size=128 and causal=False when not given",
    ),
    Case(
        "long_sequence",
        seed=9,
        inputs=long_sequence,
        call=run(256),
        tol=TOL,
        note="8192 x 8192 scores would need 512 MB",
    ),
    Case(
        "zero_chunk_size",
        seed=10,
        inputs=qkv(),
        call=refuse(0),
        raises=ValueError,
        raises_for="chunk_size=0",
    ),
    Case(
        "negative_chunk_size",
        seed=11,
        inputs=qkv(),
        call=refuse(-1),
        raises=ValueError,
        raises_for="chunk_size=-1",
    ),
]
