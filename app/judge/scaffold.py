"""`dli problems new SLUG`: a problem folder that validates as written, to edit into a new question.

The example inside (ReLU forward and backward) shows every part a question needs: an interface in
the statement with its tolerances, a starter, a reference, sample and hidden cases with a
finite-difference check and a promised error, a differently written solution, and mutants as
patches that name the cases catching them.
"""

from pathlib import Path

from app.judge.spec import SLUG_RE, TABLE_TITLES, load_catalog

PROBLEM_TOML = """title = "{title}"
table = "{table}"
category = "Deep Learning"
topic = "Layer Implementation"
difficulty = "Easy"
order = {order}
entry_points = ["relu", "relu_backward"]
hints = [
    "ReLU keeps positive entries and zeroes the rest: `np.maximum` does it in one call.",
    "The gradient passes through where the input was positive, and is zero elsewhere.",
    "At exactly 0 the statement picks a side: check which one.",
]

[limits]
cpu_seconds = 10
memory_mb = 256

[[follow_ups]]
question = "Why is ReLU's derivative at 0 a choice, and does the choice matter in training?"
answer = "ReLU has a kink at 0, so any value in $[0, 1]$ is a valid subgradient. Inputs land on exactly 0 with probability zero for continuous data, so the choice rarely matters; frameworks pick 0."
"""

STATEMENT = """Implement ReLU and its backward pass.

## Interface

```python
def relu(x: np.ndarray) -> np.ndarray
def relu_backward(dout: np.ndarray, x: np.ndarray) -> np.ndarray
```

- `relu(x)` returns $\\max(x, 0)$ element by element, with the shape and dtype of `x`.
- `relu_backward(dout, x)` returns $dx = dout \\cdot [x > 0]$: the gradient is $0$ where $x \\le 0$
  (at exactly $0$ too).
- `dout` and `x` have the same shape; any shape works, the empty one too.
- Do not modify the inputs.
- `relu_backward` raises `ValueError` when `dout` and `x` have different shapes.

## Example

```python
relu(np.array([-1.0, 0.0, 2.0]))                                 # [0., 0., 2.]
relu_backward(np.array([5.0, 5.0, 5.0]), np.array([-1.0, 0.0, 2.0]))  # [0., 0., 5.]
```

## Grading

Outputs are compared with a reference within `rtol = 1e-12`, `atol = 0`; the gradient is also
checked against finite differences of your own `relu`.
"""

STARTER = '''import numpy as np


def relu(x: np.ndarray) -> np.ndarray:
    """max(x, 0), element by element; same shape and dtype as x."""
    raise NotImplementedError


def relu_backward(dout: np.ndarray, x: np.ndarray) -> np.ndarray:
    """dout where x > 0, else 0; ValueError if the shapes differ."""
    raise NotImplementedError
'''

REFERENCE = """import numpy as np


def relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0)


def relu_backward(dout: np.ndarray, x: np.ndarray) -> np.ndarray:
    if dout.shape != x.shape:
        raise ValueError("dout and x must have the same shape")
    return np.where(x > 0, dout, 0)
"""

SOLUTION = """import numpy as np


def relu(x):
    out = x.copy()
    out[out < 0] = 0
    return out


def relu_backward(dout, x):
    if np.shape(dout) != np.shape(x):
        raise ValueError("shapes differ")
    return dout * (x > 0)
"""

CASES = '''"""Cases for {slug}: values, the kink at zero, shapes, dtypes, untouched inputs, the error."""

import numpy as np
from casekit import Case, away_from_kinks, changed_inputs, normal, numeric_gradient

TOL = (1e-12, 0.0)


def both(mod, x, dout):
    before = {{"x": x.copy(), "dout": dout.copy()}}
    out = {{"out": mod.relu(x), "dx": mod.relu_backward(dout, x)}}
    out["inputs_problem"] = changed_inputs(before, {{"x": x, "dout": dout}})
    out["dtype"] = str(out["out"].dtype) + "/" + str(out["dx"].dtype)
    return out


def with_gradient_check(mod, x, dout):
    out = both(mod, x, dout)
    probe = x.copy()
    out["_fd_dx"] = numeric_gradient(lambda: mod.relu(probe), probe, dout)
    return out


def inputs(*shape, dtype=np.float64):
    def make(rng):
        x = away_from_kinks(normal(rng, *shape)).astype(dtype)
        return {{"x": x, "dout": normal(rng, *shape).astype(dtype)}}

    return make


def fixed(x):
    return lambda rng: {{"x": np.array(x, dtype=float), "dout": np.full(len(x), 5.0)}}


def mismatched(mod, x, dout):
    return mod.relu_backward(dout[:1], x)  # (1,) would broadcast: only a check refuses it


CASES = [
    Case("worked_example", fixed([-1.0, 0.0, 2.0]), both, sample=True, tol=TOL),
    Case("random_matrix", inputs(4, 3), both, sample=True, seed=1, tol=TOL),
    Case("gradient_check", inputs(5, 4), with_gradient_check, seed=2, tol=TOL),
    Case("all_negative", lambda rng: {{"x": -np.abs(normal(rng, 6)) - 0.1, "dout": normal(rng, 6)}}, both, tol=TOL),
    Case("exactly_zero", fixed([0.0, 0.0, -0.0]), both, tol=TOL, note="the gradient at 0 is 0"),
    Case("three_dims", inputs(2, 3, 4), both, seed=3, tol=TOL),
    Case("empty", inputs(0, 3), both, tol=TOL),
    Case("float32_kept", inputs(3, 3, dtype=np.float32), both, seed=4, tol=(1e-6, 0.0)),
    Case("large_values", lambda rng: {{"x": normal(rng, 50, scale=1e6), "dout": normal(rng, 50)}}, both, seed=5, tol=TOL),
    Case("shapes_differ", inputs(4), mismatched, raises=ValueError, raises_for="dout of shape (1,) with x of shape (4,)"),
]
'''

MUTANTS = {
    "leaky.toml": """mistake = "leaks a small slope for negative inputs (leaky ReLU, not ReLU)"
caught_by = ["worked_example", "all_negative"]

[[change]]
replace = "return np.maximum(x, 0)"
with = "return np.where(x > 0, x, 0.01 * x)"
""",
    "gradient_at_zero.toml": """mistake = "passes the gradient through at exactly 0 (x >= 0), which the statement rules out"
caught_by = ["worked_example", "exactly_zero"]

[[change]]
replace = "np.where(x > 0, dout, 0)"
with = "np.where(x >= 0, dout, 0)"
""",
    "ignores_upstream.toml": """mistake = "returns the mask [x > 0] without multiplying by dout"
caught_by = ["worked_example", "gradient_check"]

[[change]]
replace = "np.where(x > 0, dout, 0)"
with = "np.where(x > 0, 1.0, 0.0)"
""",
    "in_place.toml": """mistake = "clips x in place, changing the caller's array"
caught_by = ["random_matrix"]

[[change]]
replace = "return np.maximum(x, 0)"
with = "np.maximum(x, 0, out=x)\\n    return x"
""",
    "no_shape_check.toml": """mistake = "does not refuse a dout whose shape differs from x"
caught_by = ["shapes_differ"]

[[change]]
replace = \"\"\"    if dout.shape != x.shape:
        raise ValueError("dout and x must have the same shape")
\"\"\"
with = ""
""",
}


def create(problems_dir: Path, slug: str, *, title: str, table: str) -> Path:
    """Write problems/<slug>/ with the example inside; it validates before any edit."""
    if not SLUG_RE.fullmatch(slug):
        raise ValueError("a slug is lowercase words joined by '-'")
    if table not in TABLE_TITLES:
        raise ValueError(f"table is one of {', '.join(TABLE_TITLES)}")
    folder = problems_dir / slug
    if folder.exists():
        raise ValueError(f"{folder} exists already")
    taken = [s.meta.order for s in load_catalog(problems_dir) if s.meta.table == table]
    order = max(taken, default=0) + 1
    (folder / "mutants").mkdir(parents=True)
    (folder / "solutions").mkdir()
    (folder / "problem.toml").write_text(PROBLEM_TOML.format(title=title, table=table, order=order))
    (folder / "statement.md").write_text(STATEMENT)
    (folder / "starter.py").write_text(STARTER)
    (folder / "reference.py").write_text(REFERENCE)
    (folder / "cases.py").write_text(CASES.format(slug=slug))
    (folder / "solutions" / "mask_copy.py").write_text(SOLUTION)
    for name, text in MUTANTS.items():
        (folder / "mutants" / name).write_text(text)
    return folder
