"""The authoring toolkit: comparisons with actionable messages, finite differences, input builders."""

import numpy as np
import pytest

from app.judge.casekit import (
    Case,
    away_from_kinks,
    batch,
    compare,
    compare_value,
    distinct,
    fd_disagreement,
    numeric_gradient,
    relative_error,
    same_twice,
    sample_indices,
)

TOL = (1e-6, 1e-9)


def test_shape_mismatch_names_both_shapes() -> None:
    msg = compare_value("dW", np.zeros((3, 4)), np.zeros((4, 3)), TOL)
    assert msg == "expected dW of shape (4, 3), got (3, 4)"


def test_value_mismatch_names_the_first_wrong_entry() -> None:
    expected = np.arange(6.0).reshape(2, 3)
    got = expected.copy()
    got[1, 2] += 0.5
    msg = compare_value("dx", got, expected, TOL)
    assert msg is not None and msg.startswith("dx[1, 2]: expected 5, got 5.5")
    assert "1 of 6 entries" in msg


def test_nan_and_inf_are_located() -> None:
    expected = np.ones((2, 2))
    got = expected.copy()
    got[0, 1] = np.nan
    assert compare_value("out", got, expected, TOL) == "out[0, 1]: expected 1, got nan"
    # Where the reference has -inf, the candidate must too.
    expected[1, 0] = -np.inf
    ok = expected.copy()
    assert compare_value("out", ok, expected, TOL) is None
    wrong = expected.copy()
    wrong[1, 0] = -1e300
    assert "expected -inf" in (compare_value("out", wrong, expected, TOL) or "")


def test_tolerances_are_honoured_per_output() -> None:
    case = Case("c", inputs=lambda rng: {}, call=lambda m: {}, tol={"loose": (1e-2, 0.0)})
    expected = {"loose": np.array([1.0]), "strict": np.array([1.0])}
    assert compare(case, {"loose": np.array([1.005]), "strict": np.array([1.0])}, expected) is None
    msg = compare(case, {"loose": np.array([1.0]), "strict": np.array([1.005])}, expected)
    assert msg is not None and msg.startswith("strict[0]")


def test_numbers_scalars_and_zero_d_arrays_are_interchangeable() -> None:
    assert compare_value("loss", np.float64(2.0), 2.0, TOL) is None
    assert compare_value("loss", np.array(2.0), 2.0, TOL) is None
    assert compare_value("lse", 2.0, np.array(2.0), TOL) is None
    assert compare_value("loss", "2.0", 2.0, TOL) == "loss: expected a number, got str"
    assert compare_value("loss", True, 1.0, TOL) == "loss: expected a number, got bool"


def test_missing_output_and_wrong_structure() -> None:
    case = Case("c", inputs=lambda rng: {}, call=lambda m: {})
    assert compare(case, {}, {"y": 1.0}) == "missing output 'y'"
    assert "expected 2 items" in (compare_value("ps", [1.0], [1.0, 2.0], TOL) or "")
    assert "expected a dict" in (compare_value("d", [1], {"a": 1}, TOL) or "")


def test_diagnostic_outputs_are_not_compared() -> None:
    case = Case("c", inputs=lambda rng: {}, call=lambda m: {})
    assert compare(case, {"y": 1.0}, {"y": 1.0, "_debug": 5.0}) is None


def test_numeric_gradient_matches_an_analytic_one() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 4))
    upstream = rng.normal(size=(3, 4))
    fd = numeric_gradient(lambda: np.tanh(x), x, upstream)
    analytic = upstream * (1 - np.tanh(x) ** 2)
    assert fd["index"].shape == (12, 2)
    assert np.max(relative_error(analytic[tuple(fd["index"].T)], fd["numeric"])) < 1e-7
    assert fd_disagreement("dx", analytic, fd) is None


def test_fd_disagreement_explains_a_wrong_backward() -> None:
    x = np.linspace(0.5, 1.5, 6).reshape(2, 3)
    fd = numeric_gradient(lambda: x**2, x)
    wrong = x.copy()  # forgot the factor 2
    msg = fd_disagreement("dx", wrong, fd)
    assert msg is not None and msg.startswith("your backward disagrees with your forward at dx[")
    assert "relative error" in msg


def test_sparse_sampling_for_big_tensors() -> None:
    picked = sample_indices((100, 100), 50, np.random.default_rng(1))
    assert len(picked) == len(set(picked)) == 50
    assert len(sample_indices((3, 2), 50)) == 6


def test_input_builders_avoid_kinks_and_ties() -> None:
    x = away_from_kinks(np.array([-1e-5, 0.0, 2e-3, 0.5]), margin=1e-2)
    assert np.all(np.abs(x) >= 1e-2) and x[3] == 0.5
    values = distinct(np.random.default_rng(2), 5, 7)
    gaps = np.diff(np.sort(values.ravel()))
    assert values.shape == (5, 7) and gaps.min() > 1e-3


def test_expected_exceptions_become_an_output() -> None:
    def call(mod, v):
        return {"y": mod(v)}

    case = Case("neg", inputs=lambda rng: {"v": -1.0}, call=call, raises=ValueError)

    def strict(v):
        raise ValueError("negative")

    def lax(v):
        return v

    assert case.execute(strict) == {"raised": "ValueError"}
    assert case.execute(lax) == {"raised": None}

    def other(v):
        raise KeyError(v)

    with pytest.raises(KeyError):
        case.execute(other)


def test_batch_builders_and_determinism_check() -> None:
    rng = np.random.default_rng(3)
    assert batch(rng, 0, 4).shape == (0, 4)
    assert batch(rng, 1, 2, 3).shape == (1, 2, 3)
    assert not batch(rng, 2, 3, fill="zeros").any() and batch(rng, 2, 3, fill="ones").all()
    assert same_twice(lambda: np.random.default_rng(7).normal(size=3))
    assert not same_twice(lambda: np.random.default_rng().normal(size=3))
    assert same_twice(lambda: (1.0, np.arange(3)))


def test_fd_disagreement_checks_shapes_before_any_arithmetic() -> None:
    """Crafted finite-difference data once made the host broadcast K x K arrays (21 GB at K=30,000)."""
    grad = np.ones((4, 3))
    k = 30_000
    column = {"index": np.zeros((k, 2), dtype=np.int64), "numeric": np.zeros((k, 1))}
    assert fd_disagreement("dx", grad, column) is None
    few = {"index": np.zeros((5, 2), dtype=np.int64), "numeric": np.zeros((5, 1))}
    assert fd_disagreement("dx", grad, few) is None  # (5, 1) numeric would broadcast to (5, 5)
    outside = {"index": np.array([[9, 0]]), "numeric": np.zeros(1)}
    assert fd_disagreement("dx", grad, outside) is None
    negative = {"index": np.array([[-1, 0]]), "numeric": np.zeros(1)}
    assert fd_disagreement("dx", grad, negative) is None
    floats = {"index": np.zeros((1, 2)), "numeric": np.zeros(1)}
    assert fd_disagreement("dx", grad, floats) is None
    too_many = {"index": np.zeros((5000, 2), dtype=np.int64), "numeric": np.zeros(5000)}
    assert fd_disagreement("dx", grad, too_many) is None
    assert fd_disagreement("dx", [[1.0]], {"index": [[0, 0]], "numeric": [0.0]}) is None
    right = {"index": np.array([[1, 2]]), "numeric": np.array([0.5])}
    assert "dx[1,2]" in (fd_disagreement("dx", grad, right) or "")
