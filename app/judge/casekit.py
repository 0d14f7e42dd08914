"""Toolkit for problem authors' `cases.py`.

Pure NumPy and the standard library: this module is copied into the sandbox image (the same file runs
the candidate's side of each case there) and is imported on the host to run the reference and compare.

A `cases.py` defines `CASES`, a list of `Case`. Each case builds its inputs from a seeded generator,
calls the solution module through `call`, and returns named outputs. The host compares the candidate's
outputs with the reference's (allclose with per-output tolerances) or runs the case's own `check`.
Outputs whose names start with `_` are diagnostics: never compared, only used to explain a failure.

Over 300 lines because it must stay a single file: the sandbox image copies exactly this file.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np

Outputs = dict[str, Any]
Tolerance = tuple[float, float]  # (rtol, atol)
DEFAULT_TOL: Tolerance = (1e-6, 1e-9)


@dataclass
class Case:
    """One graded case.

    - `inputs(rng)` returns the keyword arguments of `call` (arrays, numbers); shown on Run for samples.
    - `call(module, **inputs)` exercises the solution and returns named outputs.
    - `tol`: one (rtol, atol) for every output, or a dict of them by output name.
    - `check(got, expected, inputs)`: optional; returns a diagnostic when the case fails, else None.
      When given, it replaces the default comparison (use `compare` inside it to keep that too).
    - `raises`: the exception type(s) the statement promises for these inputs; the case passes when the
      solution raises one of them, as the reference does.
    """

    name: str
    inputs: Callable[[np.random.Generator], dict[str, Any]]
    call: Callable[..., Outputs]
    sample: bool = False
    seed: int = 0
    tol: Tolerance | dict[str, Tolerance] = DEFAULT_TOL
    check: Callable[[Outputs, Outputs, dict[str, Any]], str | None] | None = None
    raises: type[BaseException] | tuple[type[BaseException], ...] | None = None
    # With `raises`: the argument and value that must be refused, for the diagnostic
    # ("expected a ValueError for chunk_size=-1, but your code returned normally").
    raises_for: str = ""
    note: str = ""  # what the case probes, shown with hidden cases' names

    def make_inputs(self) -> dict[str, Any]:
        return self.inputs(np.random.default_rng(self.seed))

    def execute(self, module: ModuleType) -> Outputs:
        args = self.make_inputs()
        if self.raises is None:
            return dict(self.call(module, **args))
        try:
            self.call(module, **args)
        except self.raises as exc:
            return {"raised": _family(exc, self.raises)}
        return {"raised": None}

    def tolerance(self, output: str) -> Tolerance:
        if isinstance(self.tol, dict):
            return self.tol.get(output, DEFAULT_TOL)
        return self.tol


def _family(
    exc: BaseException, expected: type[BaseException] | tuple[type[BaseException], ...]
) -> str:
    # Name the promised type, not the subclass raised: a subclass of ValueError is a ValueError.
    kinds = expected if isinstance(expected, tuple) else (expected,)
    return next(k.__name__ for k in kinds if isinstance(exc, k))


def case_runner(cases: Sequence[Case]) -> Callable[[str, ModuleType], Outputs]:
    """The `run_case(name, solution)` entry point the sandbox runner calls."""
    by_name = {case.name: case for case in cases}

    def run_case(name: str, solution: ModuleType) -> Outputs:
        return by_name[name].execute(solution)

    return run_case


# --- inputs ------------------------------------------------------------------------------------


def normal(rng: np.random.Generator, *shape: int, scale: float = 1.0) -> np.ndarray:
    return rng.normal(0.0, scale, size=shape)


def away_from_kinks(
    x: np.ndarray, margin: float = 1e-2, kinks: Sequence[float] = (0.0,)
) -> np.ndarray:
    """Push entries at least `margin` away from non-differentiable points (ReLU's 0, a clip bound)."""
    x = np.array(x, dtype=np.float64)
    for k in kinks:
        close = np.abs(x - k) < margin
        x[close] = k + np.where(x[close] >= k, margin, -margin)
    return x


def distinct(rng: np.random.Generator, *shape: int, gap: float = 1e-2) -> np.ndarray:
    """Random values with no ties closer than `gap` (max-pooling, argmax and sorting stay stable)."""
    n = int(np.prod(shape))
    values = np.arange(n) * gap + rng.uniform(0, gap / 4, size=n)
    shuffled: np.ndarray = rng.permutation(values).reshape(shape)
    shuffled -= values.mean()
    return shuffled


def huge(rng: np.random.Generator, *shape: int, magnitude: float = 1e4) -> np.ndarray:
    """Values of the given magnitude with mixed signs: exp() overflows without a stable formulation."""
    return rng.uniform(-1.0, 1.0, size=shape) * magnitude


def batch(rng: np.random.Generator, n: int, *shape: int, fill: str = "normal") -> np.ndarray:
    """An (n, *shape) float64 batch: "normal", "zeros" or "ones". n may be 0 (empty) or 1."""
    if fill == "zeros":
        return np.zeros((n, *shape))
    if fill == "ones":
        return np.ones((n, *shape))
    return rng.normal(size=(n, *shape))


# Learning rates at both ends of what a stable update must survive.
EXTREME_LEARNING_RATES = (1e-8, 10.0)


def same_twice(run: Callable[[], Any]) -> bool:
    """Determinism check: two calls (each seeding itself) give bit-identical results."""
    first, second = run(), run()
    if isinstance(first, np.ndarray) or isinstance(second, np.ndarray):
        return bool(np.array_equal(np.asarray(first), np.asarray(second), equal_nan=True))
    if isinstance(first, list | tuple) and isinstance(second, list | tuple):
        return len(first) == len(second) and all(
            np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)
            for a, b in zip(first, second, strict=True)
        )
    return bool(first == second)


# --- finite differences ------------------------------------------------------------------------


def sample_indices(
    shape: tuple[int, ...], limit: int, rng: np.random.Generator | None = None
) -> list[tuple[int, ...]]:
    """Every index of a small tensor, or `limit` distinct random ones of a big tensor."""
    total = int(np.prod(shape)) if shape else 1
    flat = (
        range(total)
        if total <= limit
        else (rng or np.random.default_rng(0)).choice(total, size=limit, replace=False)
    )
    return [tuple(int(i) for i in np.unravel_index(int(k), shape)) for k in flat]


def numeric_gradient(
    f: Callable[[], Any],
    x: np.ndarray,
    upstream: np.ndarray | float = 1.0,
    *,
    h: float = 1e-6,
    limit: int = 64,
    rng: np.random.Generator | None = None,
) -> dict[str, Any]:
    """Centred differences of sum(f() * upstream) with respect to entries of `x` (changed in place).

    `f` recomputes the forward pass reading `x`; `x` must be float64. Returns the sampled indices and
    the numeric derivatives there, ready to compare with an analytic gradient (see `fd_disagreement`).
    """
    if x.dtype != np.float64:
        raise TypeError("finite differences need a float64 array")
    indices = sample_indices(x.shape, limit, rng)
    values = []
    for idx in indices:
        old = x[idx]
        x[idx] = old + h
        plus = float(np.sum(np.asarray(f(), dtype=np.float64) * upstream))
        x[idx] = old - h
        minus = float(np.sum(np.asarray(f(), dtype=np.float64) * upstream))
        x[idx] = old
        values.append((plus - minus) / (2 * h))
    return {
        "index": np.array(indices, dtype=np.int64).reshape(len(indices), x.ndim),
        "numeric": np.array(values),
    }


def relative_error(a: Any, b: Any, floor: float = 1e-8) -> np.ndarray:
    """|a - b| / max(|a| + |b|, floor): scale-free, and sane when both are near zero."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    error: np.ndarray = np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), floor)
    return error


MAX_FD_POINTS = 1024  # sampled entries a finite-difference diagnostic may name


def fd_disagreement(
    name: str, analytic: Any, fd: Mapping[str, Any], threshold: float = 1e-4
) -> str | None:
    """Where an analytic gradient disagrees with finite differences of the same code's forward.

    On the host, `analytic` and `fd` come from the candidate's side: every shape, dtype and index
    is checked before any arithmetic, and anything unexpected means no diagnostic (never an error).
    """
    grad, index, numeric = analytic, fd.get("index"), fd.get("numeric")
    if not (
        isinstance(grad, np.ndarray)
        and isinstance(index, np.ndarray)
        and isinstance(numeric, np.ndarray)
    ):
        return None
    if (
        grad.dtype.kind not in "iuf"
        or index.dtype.kind not in "iu"
        or numeric.dtype.kind not in "iuf"
    ):
        return None
    points = len(index) if index.ndim == 2 and grad.ndim else -1
    if (
        not 1 <= points <= MAX_FD_POINTS
        or index.shape[1] != grad.ndim
        or numeric.shape != (points,)
    ):
        return None
    if bool((index < 0).any()) or bool((index >= np.array(grad.shape)).any()):
        return None
    got = grad[tuple(index.T)].astype(np.float64)
    numeric = numeric.astype(np.float64)
    err = relative_error(got, numeric)
    worst = int(np.argmax(err))
    if not np.isfinite(err[worst]) or err[worst] > threshold:
        where = ",".join(str(int(i)) for i in index[worst])
        return (
            f"your backward disagrees with your forward at {name}[{where}]: analytic "
            f"{got[worst]:.6g}, numeric {numeric[worst]:.6g}, relative error {err[worst]:.2g}"
        )
    return None


# --- comparison --------------------------------------------------------------------------------


def _pair(expected: float, got: float) -> tuple[str, str]:
    """Both numbers with the digits that show the miss: three past the first that differs."""
    scale = max(abs(expected), abs(got))
    if not (math.isfinite(expected) and math.isfinite(got)) or expected == got or not scale:
        return f"{expected:.6g}", f"{got:.6g}"
    relative = abs(expected - got) / scale
    digits = min(17, max(6, math.ceil(-math.log10(relative)) + 3))
    return f"{expected:.{digits}g}", f"{got:.{digits}g}"


def _fmt_index(idx: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(int(i)) for i in idx) + "]"


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float | np.integer | np.floating) and not isinstance(
        x, bool | np.bool_
    )


def _compare_number(name: str, got: Any, expected: Any, tol: Tolerance) -> str | None:
    if isinstance(got, np.ndarray) and got.shape == ():
        got = got.item()
    if not _is_number(got):
        return f"{name}: expected a number, got {type(got).__name__}"
    rtol, atol = tol
    e, g = float(expected), float(got)
    if e == g or (math.isnan(e) and math.isnan(g)):
        return None
    if math.isfinite(e) and math.isfinite(g) and abs(g - e) <= atol + rtol * abs(e):
        return None
    want, have = _pair(e, g)
    return f"{name}: expected {want}, got {have}"


def _compare_array(name: str, got: Any, expected: np.ndarray, tol: Tolerance) -> str | None:
    if not isinstance(got, np.ndarray):
        return f"{name}: expected an array of shape {expected.shape}, got {type(got).__name__}"
    if got.shape != expected.shape:
        return f"expected {name} of shape {expected.shape}, got {got.shape}"
    if expected.dtype.kind == "b" or got.dtype.kind == "b":
        if got.dtype.kind != expected.dtype.kind:
            return f"{name}: expected dtype {expected.dtype}, got {got.dtype}"
        wrong = np.argwhere(got != expected)
        if len(wrong):
            return f"{name}: {len(wrong)} entries differ, first at {_fmt_index(tuple(wrong[0]))}"
        return None
    if got.dtype.kind not in "iuf":
        return f"{name}: expected numbers, got dtype {got.dtype}"
    g, e = got.astype(np.float64), expected.astype(np.float64)
    # Non-finite values must sit exactly where the reference has the same ones.
    same_special = (np.isnan(g) & np.isnan(e)) | (np.isinf(e) & (g == e))
    special = (~np.isfinite(g) | ~np.isfinite(e)) & ~same_special
    if special.any():
        idx = tuple(np.argwhere(special)[0])
        return f"{name}{_fmt_index(idx)}: expected {e[idx]:.6g}, got {g[idx]:.6g}"
    rtol, atol = tol
    ok = same_special | np.isclose(g, e, rtol=rtol, atol=atol)
    if ok.all():
        return None
    wrong = np.argwhere(~ok)
    idx = tuple(wrong[0])
    want, have = _pair(float(e[idx]), float(g[idx]))
    return (
        f"{name}{_fmt_index(idx)}: expected {want}, got {have} "
        f"({len(wrong)} of {e.size} entries outside rtol={rtol:g}, atol={atol:g})"
    )


def compare_value(name: str, got: Any, expected: Any, tol: Tolerance) -> str | None:
    """A one-line diagnostic if `got` does not match `expected`, else None."""
    if isinstance(expected, np.ndarray) and expected.shape == () and _is_number(got):
        expected = expected.item()  # a NumPy scalar and a 0-d array are the same answer
    if isinstance(expected, np.ndarray):
        return _compare_array(name, got, expected, tol)
    if isinstance(expected, float | np.floating):
        return _compare_number(name, got, expected, tol)
    if isinstance(expected, Mapping):
        if not isinstance(got, Mapping):
            return f"{name}: expected a dict, got {type(got).__name__}"
        for key in expected:
            if key not in got:
                return f"{name}: missing key {key!r}"
            msg = compare_value(f"{name}[{key!r}]", got[key], expected[key], tol)
            if msg:
                return msg
        return None
    if isinstance(expected, list | tuple):
        if not isinstance(got, list | tuple):
            return f"{name}: expected a sequence of {len(expected)}, got {type(got).__name__}"
        if len(got) != len(expected):
            return f"{name}: expected {len(expected)} items, got {len(got)}"
        for i, (g_item, e_item) in enumerate(zip(got, expected, strict=True)):
            msg = compare_value(f"{name}[{i}]", g_item, e_item, tol)
            if msg:
                return msg
        return None
    if _is_number(expected) and not _is_number(got):
        return f"{name}: expected the number {expected}, got {type(got).__name__}"
    if type(got) is bool and type(expected) is not bool and not isinstance(expected, np.bool_):
        return f"{name}: expected {expected!r:.60}, got {got!r}"
    if got != expected:
        return f"{name}: expected {expected!r:.60}, got {got!r:.60}"
    return None


def first_mismatch(case: Case, got: Outputs, expected: Outputs) -> dict[str, Any] | None:
    """Where the first wrong entry is, for the result panel: the output's name and the index."""
    for name, exp in expected.items():
        if name.startswith("_") or name not in got:
            continue
        value = got[name]
        if isinstance(exp, np.ndarray) and isinstance(value, np.ndarray):
            if exp.shape != value.shape or value.dtype.kind not in "biuf":
                return {"output": name, "index": None}
            e, g = exp.astype(np.float64), value.astype(np.float64)
            rtol, atol = case.tolerance(name)
            same = (np.isnan(e) & np.isnan(g)) | np.isclose(g, e, rtol=rtol, atol=atol)
            wrong = np.argwhere(~same)
            if len(wrong):
                return {"output": name, "index": [int(i) for i in wrong[0]]}
        elif compare_value(name, value, exp, case.tolerance(name)):
            return {"output": name, "index": None}
    return None


def compare(case: Case, got: Outputs, expected: Outputs) -> str | None:
    """Default check: every non-diagnostic output within its tolerance; finite-difference hints.

    Two kinds of output explain themselves: `raised` (a case with `raises`) names the error that
    was promised and the argument that should have caused it, and an output named `*_problem`
    (None when all is well) carries the problem in words, e.g. from `changed_inputs`.
    """
    if case.raises is not None and "raised" in expected and got.get("raised") != expected["raised"]:
        what = f" for {case.raises_for}" if case.raises_for else ""
        if got.get("raised") is None:
            return f"expected a {expected['raised']}{what}, but your code returned normally"
        return f"expected a {expected['raised']}{what}, got {str(got.get('raised'))[:80]}"
    for name, exp in expected.items():
        if name.startswith("_"):
            continue
        if name not in got:
            return f"missing output {name!r}"
        if name.endswith("_problem") and exp is None and got[name] is not None:
            return str(got[name])[:500]
        msg = compare_value(name, got[name], exp, case.tolerance(name))
        if msg:
            fd = got.get(f"_fd_{name}")
            hint = fd_disagreement(name, got[name], fd) if isinstance(fd, Mapping) else None
            return f"{msg}; {hint}" if hint else msg
    return None


def changed_inputs(before: Mapping[str, Any], after: Mapping[str, Any]) -> str | None:
    """Which input a call changed in place, and where first; None when none was touched.

    Take `before = {name: copy}` ahead of the call, pass the same objects as `after`, and return
    the result as an output named like `inputs_problem`.
    """
    for name, old in before.items():
        new = after[name]
        if isinstance(old, np.ndarray):
            if not isinstance(new, np.ndarray) or new.shape != old.shape:
                return f"your code changed the input `{name}` in place (its shape or type)"
            same = old == new
            if old.dtype.kind == "f":
                same |= np.isnan(old) & np.isnan(new)
            if not same.all():
                idx = tuple(int(i) for i in np.argwhere(~same)[0])
                # Where, never a value: the old one is an input, and the new one may be a copy of
                # another input, and hidden cases do not show their inputs.
                return (
                    f"your code changed the input `{name}` in place (first at "
                    f"{name}{_fmt_index(idx)}); work on a copy"
                )
        elif isinstance(old, list | dict) and old != new:
            return f"your code changed the input `{name}` in place; work on a copy"
    return None
