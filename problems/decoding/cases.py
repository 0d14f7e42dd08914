"""Cases for decoding: filtered distributions, seeded sampling, and beam search with a length
penalty over a small bigram model."""

import numpy as np
from casekit import Case, changed_inputs, normal

TOL = (1e-9, 1e-12)


def vocab(v: int, scale: float = 2.0, masked: int = 0, huge: bool = False):
    def make(rng: np.random.Generator) -> dict:
        z = normal(rng, v, scale=scale)
        if huge:
            z = z * 5e3
        z[rng.permutation(v)[:masked]] = -np.inf
        return {"logits": z}

    return make


SETTINGS = {
    "plain": {},
    "cool": {"temperature": 0.5},
    "warm": {"temperature": 2.0},
    "top_k_3": {"top_k": 3},
    "top_p_0.7": {"top_p": 0.7},
    "warm_top_k_top_p": {"temperature": 1.5, "top_k": 5, "top_p": 0.9},
}


def distributions(settings=tuple(SETTINGS), draws: int = 0):
    def call(mod, logits) -> dict:
        before = {"logits": logits.copy()}
        out = {}
        for name in settings:
            out[f"probs_{name}"] = mod.filtered_probs(logits, **SETTINGS[name])
            if draws:
                rng = np.random.default_rng(7)
                out[f"draws_{name}"] = [
                    int(mod.sample(logits, rng, **SETTINGS[name])) for _ in range(draws)
                ]
        out["inputs_problem"] = changed_inputs(before, {"logits": logits})
        return out

    return call


def greedy(mod, logits) -> dict:
    rng = np.random.default_rng(3)
    return {
        "probs": mod.filtered_probs(logits, temperature=0),
        "draws": [int(mod.sample(logits, rng, temperature=0)) for _ in range(5)],
    }


def limits(mod, logits) -> dict:
    """top_k of 1 and of the whole vocabulary, top_p of 1 and of almost 0."""
    v = len(logits)
    return {
        "top_k_1": mod.filtered_probs(logits, top_k=1),
        "top_k_all": mod.filtered_probs(logits, top_k=v),
        "top_k_more": mod.filtered_probs(logits, top_k=v + 3),
        "top_p_1": mod.filtered_probs(logits, top_p=1.0),
        "top_p_tiny": mod.filtered_probs(logits, top_p=1e-9),
    }


def bigram(v: int, scale: float = 1.5):
    def make(rng: np.random.Generator) -> dict:
        table = normal(rng, v, v, scale=scale)
        return {"table": table - np.log(np.exp(table).sum(axis=1, keepdims=True))}

    return make


def beams(width: int, max_len: int, alphas=(0.0, 0.5, 1.0, 2.0), eos: int | None = None):
    def call(mod, table) -> dict:
        v = len(table)
        stop = v - 1 if eos is None else eos

        def step_fn(prefix):
            return table[prefix[-1]].copy()

        out = {}
        for a in alphas:
            seq, score = mod.beam_search(step_fn, 0, stop, width, max_len, alpha=a)
            out[f"sequence_alpha_{a}"] = [int(t) for t in seq]
            out[f"score_alpha_{a}"] = score
        out["sequence_default_alpha"] = [
            int(t) for t in mod.beam_search(step_fn, 0, stop, width, max_len)[0]
        ]
        return out

    return call


def worked(rng):
    return {"logits": np.array([2.0, 1.0, 0.0, -1.0])}


CASES = [
    Case(
        "worked_example",
        sample=True,
        inputs=worked,
        call=distributions(("plain", "cool", "top_k_3", "top_p_0.7"), draws=10),
        tol=TOL,
    ),
    Case("distributions", sample=True, seed=1, inputs=vocab(12), call=distributions(), tol=TOL),
    Case(
        "seeded_draws",
        seed=2,
        inputs=vocab(20),
        call=distributions(draws=200),
        tol=TOL,
        note="one rng.random() per token, inverse CDF in vocabulary order (as rng.choice does)",
    ),
    Case("greedy_at_zero_temperature", seed=3, inputs=vocab(9), call=greedy, tol=TOL),
    Case("limits_of_top_k_and_top_p", seed=4, inputs=vocab(10), call=limits, tol=TOL),
    Case(
        "masked_tokens",
        seed=5,
        inputs=vocab(15, masked=5),
        call=distributions(draws=100),
        tol=TOL,
        note="-inf logits: probability 0, never drawn",
    ),
    Case(
        "huge_logits",
        seed=6,
        inputs=vocab(10, huge=True),
        call=distributions(draws=20),
        tol=TOL,
        note="logits near +-1e4: the softmax must subtract its maximum",
    ),
    Case(
        "beam_search_length_penalty",
        seed=0,
        inputs=bigram(5),
        call=beams(3, 8),
        tol=TOL,
        note="each alpha picks another finished hypothesis: score / length ** alpha",
    ),
    Case(
        "beam_width_one_is_greedy",
        seed=8,
        inputs=bigram(5),
        call=beams(1, 6, alphas=(0.0, 1.0)),
        tol=TOL,
    ),
    Case(
        "wide_beam",
        seed=9,
        inputs=bigram(7, scale=2.5),
        call=beams(6, 7),
        tol=TOL,
    ),
    Case(
        "no_eos_within_max_len",
        seed=10,
        inputs=lambda rng: {
            "table": np.log(np.full((4, 4), 0.25)) + np.array([0.5, 0.0, 0.0, -30.0])
        },
        call=beams(2, 4, alphas=(0.0, 1.0)),
        tol=TOL,
        note="eos is all but impossible: the unfinished beams compete at max_len",
    ),
    Case(
        "eos_first",
        seed=11,
        inputs=lambda rng: {"table": np.log([0.1, 0.2, 0.7]) + normal(rng, 3, 3, scale=0.05)},
        call=beams(2, 5, alphas=(0.0, 0.5, 2.0)),
        tol=TOL,
        note="the likeliest first token is eos: that hypothesis finishes after one token",
    ),
]
