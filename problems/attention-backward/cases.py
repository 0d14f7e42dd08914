"""Cases for attention-backward: every gradient against finite differences, masks, shapes, stability."""

import numpy as np
from casekit import Case, changed_inputs, normal, numeric_gradient

TOL = (1e-7, 1e-9)


def attention(lead=(2,), tq=3, tk=4, d=5, dv=2, scale=1.0, mask=None):
    def make(rng: np.random.Generator) -> dict:
        out = {
            "q": normal(rng, *lead, tq, d, scale=scale),
            "k": normal(rng, *lead, tk, d, scale=scale),
            "v": normal(rng, *lead, tk, dv),
            "dout": normal(rng, *lead, tq, dv),
            "mask": None,
        }
        if mask == "causal":
            out["mask"] = np.tril(np.ones((tq, tk), dtype=bool))
        elif mask == "padding":
            keep = np.ones((*lead, 1, tk), dtype=bool)
            keep[..., -2:] = False
            out["mask"] = keep
        elif mask == "random":
            m = rng.random((*lead, tq, tk)) < 0.5
            m[..., rng.integers(0, tk)] = True  # every query may attend to some key
            out["mask"] = m
        elif mask == "one_row_blind":
            m = rng.random((*lead, tq, tk)) < 0.6
            m[..., 0] = True
            m[..., 1, :] = False
            out["mask"] = m
        return out

    return make


def both(mod, q, k, v, dout, mask) -> dict:
    # Without a mask, call without one: the default mask=None is part of the interface.
    given = {"mask": mask} if mask is not None else {}
    inputs = {"q": q, "k": k, "v": v, "dout": dout, **given}
    before = {name: a.copy() for name, a in inputs.items()}
    out = mod.attention_forward(q, k, v, **given)
    dq, dk, dv = mod.attention_backward(dout, q, k, v, **given)
    return {
        "out": out,
        "dq": dq,
        "dk": dk,
        "dv": dv,
        "inputs_problem": changed_inputs(before, inputs),
    }


def with_finite_differences(mod, q, k, v, dout, mask) -> dict:
    result = both(mod, q.copy(), k.copy(), v.copy(), dout, mask)
    qs, ks, vs = q.copy(), k.copy(), v.copy()

    def forward():
        return mod.attention_forward(qs, ks, vs, mask)

    result["_fd_dq"] = numeric_gradient(forward, qs, dout, limit=40)
    result["_fd_dk"] = numeric_gradient(forward, ks, dout, limit=40)
    result["_fd_dv"] = numeric_gradient(forward, vs, dout, limit=40)
    return result


def untouched(mod, q, k, v, dout, mask) -> dict:
    return {"inputs_problem": both(mod, q, k, v, dout, mask)["inputs_problem"]}


def worked(rng):
    return {
        "q": np.array([[1.0]]),
        "k": np.array([[0.0], [1.0]]),
        "v": np.array([[1.0], [3.0]]),
        "dout": np.array([[1.0]]),
        "mask": None,
    }


CASES = [
    Case("worked_example", sample=True, inputs=worked, call=both, tol=TOL),
    Case("small_batch", sample=True, seed=1, inputs=attention(), call=both, tol=TOL),
    Case(
        "gradient_check",
        seed=2,
        inputs=attention(lead=(2,), tq=3, tk=5, d=4, dv=3),
        call=with_finite_differences,
        tol=TOL,
        note="dq, dk and dv against finite differences",
    ),
    Case(
        "gradient_check_causal",
        seed=3,
        inputs=attention(lead=(), tq=4, tk=4, d=3, dv=2, mask="causal"),
        call=with_finite_differences,
        tol=TOL,
    ),
    Case(
        "padding_mask_broadcast",
        seed=4,
        inputs=attention(lead=(2, 3), tq=4, tk=6, d=4, dv=5, mask="padding"),
        call=both,
        tol=TOL,
    ),
    Case(
        "fully_masked_row",
        seed=5,
        inputs=attention(lead=(2,), tq=3, tk=4, mask="one_row_blind"),
        call=both,
        tol=TOL,
        note="a query that may attend to nothing: zeros, not nan",
    ),
    Case(
        "huge_scores",
        seed=6,
        inputs=attention(lead=(2,), tq=3, tk=4, d=4, scale=70.0),
        call=both,
        tol=TOL,
        note="scores around 1e4 need a stable softmax",
    ),
    Case(
        "huge_scores_masked",
        seed=11,
        inputs=attention(lead=(2,), tq=4, tk=5, d=4, scale=70.0, mask="random"),
        call=both,
        tol=TOL,
        note="huge scores with a mask: shift by the largest score that is not masked",
    ),
    Case(
        "multi_head_4d",
        seed=7,
        inputs=attention(lead=(2, 4), tq=5, tk=3, d=8, dv=6),
        call=both,
        tol=TOL,
    ),
    Case("unbatched", seed=8, inputs=attention(lead=(), tq=6, tk=2, d=3, dv=4), call=both, tol=TOL),
    Case(
        "single_key", seed=9, inputs=attention(lead=(3,), tq=2, tk=1, d=2, dv=2), call=both, tol=TOL
    ),
    Case(
        "inputs_not_modified", seed=10, inputs=attention(mask="causal", tq=4, tk=4), call=untouched
    ),
]
