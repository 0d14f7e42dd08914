"""Cases for embedding-tying: lookups, accumulated repeated ids, the tied projection's two paths."""

import numpy as np
from casekit import Case, changed_inputs, normal, numeric_gradient

TOL = (1e-9, 1e-12)


def tokens(vocab: int, dim: int, *shape: int, ids=None):
    def make(rng: np.random.Generator) -> dict:
        chosen = rng.integers(0, vocab, size=shape) if ids is None else np.array(ids)
        return {
            "W": normal(rng, vocab, dim),
            "ids": chosen,
            "d_embed": normal(rng, *chosen.shape, dim),
            "d_logits": normal(rng, *chosen.shape, vocab),
        }

    return make


def everything(check_gradient: bool = False):
    def call(mod, W, ids, d_embed, d_logits) -> dict:
        before = {
            "W": W.copy(),
            "ids": ids.copy(),
            "d_embed": d_embed.copy(),
            "d_logits": d_logits.copy(),
        }
        out = {
            "embedded": mod.embedding_forward(W, ids),
            "dW_embedding": mod.embedding_backward(ids, d_embed, W.shape[0]),
            "logits": mod.tied_logits(W, ids),
            "dW_tied": mod.tied_logits_backward(W, ids, d_logits),
        }
        out["inputs_problem"] = changed_inputs(
            before, {"W": W, "ids": ids, "d_embed": d_embed, "d_logits": d_logits}
        )
        if check_gradient:
            probe = W.copy()
            out["_fd_dW_tied"] = numeric_gradient(
                lambda: mod.tied_logits(probe, ids), probe, d_logits
            )
            out["_fd_dW_embedding"] = numeric_gradient(
                lambda: mod.embedding_forward(probe, ids), probe, d_embed
            )
        return out

    return call


def worked(rng):
    return {
        "W": np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, -1.0]]),
        "ids": np.array([0, 2, 0]),
        "d_embed": np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]),
        "d_logits": np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 1.0]]),
    }


CASES = [
    Case("worked_example", sample=True, inputs=worked, call=everything(), tol=TOL),
    Case(
        "batch_of_sequences",
        sample=True,
        seed=1,
        inputs=tokens(6, 4, 2, 5),
        call=everything(check_gradient=True),
        tol=TOL,
    ),
    Case(
        "one_token_everywhere",
        seed=2,
        inputs=tokens(5, 3, 3, 4, ids=[[2] * 4] * 3),
        call=everything(check_gradient=True),
        tol=TOL,
        note="twelve uses of one id: all twelve gradients add up in its row",
    ),
    Case(
        "repeated_ids",
        seed=3,
        inputs=tokens(7, 5, 4, 6),
        call=everything(check_gradient=True),
        tol=TOL,
        note="ids repeat within and across sequences",
    ),
    Case(
        "unused_rows",
        seed=4,
        inputs=tokens(40, 3, 5, ids=[3, 17, 3, 39, 0]),
        call=everything(),
        tol=TOL,
        note="rows no id uses have zero gradient from the embedding path",
    ),
    Case("one_dimensional_ids", seed=5, inputs=tokens(8, 4, 9), call=everything(), tol=TOL),
    Case(
        "three_dimensional_ids",
        seed=6,
        inputs=tokens(5, 3, 2, 3, 4),
        call=everything(check_gradient=True),
        tol=TOL,
    ),
    Case(
        "single_id",
        seed=7,
        inputs=tokens(6, 3, ids=4),
        call=everything(),
        tol=TOL,
        note="a 0-d id: a (D,) embedding and (V,) logits",
    ),
    Case(
        "no_ids",
        seed=8,
        inputs=tokens(4, 3, 0),
        call=everything(),
        tol=TOL,
        note="an empty batch: empty outputs and zero gradients",
    ),
    Case(
        "wide_vocabulary",
        seed=9,
        inputs=tokens(300, 6, 4, 8),
        call=everything(),
        tol=TOL,
    ),
    Case(
        "int32_ids",
        seed=10,
        inputs=lambda rng: {
            **tokens(6, 2, 3, 3)(rng),
            "ids": rng.integers(0, 6, size=(3, 3)).astype(np.int32),
        },
        call=everything(),
        tol=TOL,
    ),
    Case(
        "tied_gradient_both_paths",
        seed=11,
        inputs=tokens(4, 4, 6, ids=[0, 1, 1, 3, 3, 3]),
        call=everything(check_gradient=True),
        tol=TOL,
        note="W is both the table and the output layer: its gradient is the sum of both paths",
    ),
]
