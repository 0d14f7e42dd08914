"""Verdict logic on the host, fed with what a sandbox could return (no Docker needed here).

The real sandbox is exercised in tests/sandbox and tests/judge/test_hostile.py.
"""

import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from app.judge.grader import compile_check, grade
from app.judge.judging import judge
from app.judge.kinds import Verdict
from app.judge.local import InProcessSandbox, execute
from app.judge.patches import load_mutants
from app.judge.problem import graded_problem
from app.judge.spec import load_problem
from app.judge.verdicts import PREVIEW_BUDGET, CaseReport, GradeResult, preview
from app.sandbox import CaseRun, SandboxResult
from tests.helpers import problems_dir

SPEC = load_problem(problems_dir() / "softmax-cross-entropy")
PROBLEM = graded_problem(SPEC)
REFERENCE = (SPEC.path / "reference.py").read_text()


def result(cases: list[CaseRun], status: str = "ok", **kw) -> SandboxResult:
    fields = {
        "status": status,
        "cases": cases,
        "import_error": None,
        "stdout": "",
        "stderr": "",
        "stdout_truncated": False,
        "stderr_truncated": False,
        "detail": "",
        "seconds": 0.1,
    }
    fields.update(kw)
    return SandboxResult(**fields)


def run_in_process(source: str, names: list[str]) -> list[CaseRun]:
    return execute(PROBLEM, source, names).cases


def names(mode: str) -> list[str]:
    return [c.name for c in PROBLEM.selected(mode)]


def test_reference_is_accepted_and_samples_carry_details() -> None:
    graded = grade(SPEC, REFERENCE, mode="submit", sandbox=InProcessSandbox(PROBLEM))
    assert graded.verdict == Verdict.accepted
    assert graded.passed == len(PROBLEM.cases)
    samples = [c for c in graded.cases if not c.hidden]
    assert samples and all(
        c.details and {"inputs", "expected", "got"} <= set(c.details) for c in samples
    )
    assert all(c.details is None for c in graded.cases if c.hidden)


def test_run_mode_grades_only_the_samples() -> None:
    graded = grade(SPEC, REFERENCE, mode="run", sandbox=InProcessSandbox(PROBLEM))
    assert [c.name for c in graded.cases] == names("run")
    assert all(not c.hidden for c in graded.cases)


def test_each_mutant_is_a_wrong_answer_or_runtime_error() -> None:
    for mutant in load_mutants(SPEC.path):
        graded = grade(SPEC, mutant.source, mode="submit", sandbox=InProcessSandbox(PROBLEM))
        assert graded.verdict in (Verdict.wrong_answer, Verdict.runtime_error), mutant.name
        failing = [c for c in graded.cases if not c.passed]
        assert failing and all(c.diagnostic for c in failing)


# Hidden cases never show their inputs: no details, and no input value in the diagnostic. The
# diagnostic does say what was wrong (shape, dtype, the first wrong entry with expected and got),
# so that a wrong answer can be debugged. Checked over every hand-written mutant.
# Every question but two whose hand-written mutants include deliberately slow ones (a naive decode
# of 2048 tokens, a pixel loop) that take minutes in process.
SLOW = {"kv-cache", "conv2d-im2col"}
HIDDEN_PROBLEMS = sorted(
    p.name for p in problems_dir().iterdir() if p.is_dir() and p.name not in SLOW
)
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
# What a diagnostic may print about the outputs: the first wrong entry, and the candidate's own
# gradient against finite differences of the candidate's own forward.
OUTPUT_PAIRS = re.compile(r"expected \S+, got \S+|analytic \S+, numeric \S+")


def input_floats(value: Any) -> list[float]:
    """The non-integral finite values of the float arrays among a case's inputs (integers would be
    confused with indices, shapes and counts)."""
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        flat = value.astype(np.float64).ravel()
        return flat[np.isfinite(flat) & (flat != np.round(flat))].tolist()
    if isinstance(value, dict):
        return [x for v in value.values() for x in input_floats(v)]
    if isinstance(value, list | tuple):
        return [x for v in value for x in input_floats(v)]
    return []


def revealed_inputs(diagnostic: str, inputs: dict[str, Any], digits: int = 6) -> list[str]:
    """The numbers in `diagnostic`, outside the output pairs, that spell one of the input arrays'
    values to at least `digits` significant digits (fewer would match by chance)."""
    values = np.array(input_floats(inputs))
    found = []
    for token in NUMBER.findall(OUTPUT_PAIRS.sub("", diagnostic)):
        mantissa = re.split("[eE]", token)[0]
        significant = len(re.sub(r"\D", "", mantissa).lstrip("0"))
        number = float(token)
        if significant < digits or not number or not len(values):
            continue
        half_ulp = 0.5 * 10 ** (math.floor(math.log10(abs(number))) - significant + 1)
        if np.any(np.abs(values - number) <= half_ulp):
            found.append(token)
    return found


def test_the_input_detector_finds_a_planted_value() -> None:
    inputs = {"x": np.array([[0.18905338179353307, -2.5], [3.0, 1e-3]]), "n": 4}
    v = 0.18905338179353307
    assert revealed_inputs(f"x[0, 0] was {v!r}, is now 0.0", inputs) == [repr(v)]
    assert revealed_inputs(f"the first row starts with {v:.6g}", inputs) == [f"{v:.6g}"]
    assert revealed_inputs(f"y[0]: expected {v:.6g}, got 1.25 (1 of 4 entries)", inputs) == []
    assert revealed_inputs(f"about {v:.2g}", inputs) == []  # too few digits to tell
    assert revealed_inputs("expected y of shape (2, 2), got (4,)", inputs) == []


@pytest.mark.parametrize("slug", HIDDEN_PROBLEMS)
def test_hidden_failures_say_what_was_wrong_but_never_show_inputs(slug: str) -> None:
    spec = load_problem(problems_dir() / slug)
    problem = graded_problem(spec)
    cases = {case.name: case for case in problem.cases}
    checked = 0
    for mutant in load_mutants(spec.path):
        graded = grade(spec, mutant.source, mode="submit", sandbox=InProcessSandbox(problem))
        for report in graded.cases:
            if not report.hidden or report.passed:
                continue
            where = (mutant.name, report.name, report.diagnostic)
            assert report.details is None, where
            assert report.diagnostic, where  # something to debug with
            revealed = revealed_inputs(report.diagnostic, cases[report.name].make_inputs())
            assert not revealed, where
            checked += 1
    assert checked >= 10, checked


def test_compile_errors_are_found_before_the_sandbox() -> None:
    assert compile_check("def f(:\n", ["f"]) == "line 1: invalid syntax"
    assert "define `softmax_cross_entropy`" in (
        compile_check("x = 1\n", ["softmax_cross_entropy"]) or ""
    )
    assert compile_check("from numpy import exp as f\n", ["f"]) is None
    assert compile_check("if True:\n    def f():\n        pass\n", ["f"]) is None
    assert compile_check("f = lambda: 0\n", ["f"]) is None
    assert "larger than" in (compile_check("#" * (300 * 1024), ["f"]) or "")
    graded = grade(SPEC, "def nope(:", mode="submit", sandbox=None)
    assert graded.verdict == Verdict.compile_error


def test_sandbox_statuses_map_to_verdicts_and_keep_partial_results() -> None:
    done = run_in_process(REFERENCE, names("submit")[:2])
    for status, verdict in [
        ("timeout", Verdict.time_limit_exceeded),
        ("memory", Verdict.memory_limit_exceeded),
        ("output_limit", Verdict.output_limit_exceeded),
        ("crashed", Verdict.runtime_error),
        ("protocol_error", Verdict.runtime_error),
    ]:
        graded = judge(PROBLEM, "submit", result(done, status, detail=f"{status} happened"))
        assert graded.verdict == verdict
        assert [c.passed for c in graded.cases[:2]] == [True, True]
        if status in ("timeout", "memory"):  # the third case was running when the limit hit
            assert (
                graded.cases[2].diagnostic
                == f"this case was running when it stopped: {status} happened"
            )
            assert all(c.diagnostic.startswith("not run:") for c in graded.cases[3:])
        else:
            assert all(c.diagnostic.startswith("not run:") for c in graded.cases[2:])


def test_fewer_results_than_cases_is_not_accepted() -> None:
    # A submission that ends the runner early after forging results for some cases.
    partial = run_in_process(REFERENCE, names("submit")[:3])
    graded = judge(PROBLEM, "submit", result(partial))
    assert graded.verdict == Verdict.runtime_error


def test_outputs_built_to_break_the_checker_are_a_wrong_answer() -> None:
    runs = run_in_process(REFERENCE, names("submit"))
    runs[0].outputs = {"loss": {"nested": [object]}, "dlogits": "not an array"}
    graded = judge(PROBLEM, "submit", result(runs))
    assert graded.verdict == Verdict.wrong_answer
    assert graded.cases[0].diagnostic


def test_import_errors_and_memory_errors() -> None:
    failing = {"type": "ZeroDivisionError", "message": "division by zero", "traceback": "line 3"}
    graded = judge(PROBLEM, "submit", result([], import_error=failing))
    assert graded.verdict == Verdict.runtime_error and "ZeroDivisionError" in graded.detail
    runs = run_in_process(REFERENCE, names("submit"))
    runs[1] = CaseRun(
        runs[1].name, 0.1, None, {"type": "MemoryError", "message": "", "traceback": ""}
    )
    assert judge(PROBLEM, "submit", result(runs)).verdict == Verdict.memory_limit_exceeded


def test_our_failures_are_internal_errors() -> None:
    class Broken:
        def run(self, *args: object, **kwargs: object) -> None:
            raise RuntimeError("docker went away")

    graded = grade(SPEC, REFERENCE, mode="submit", sandbox=Broken())
    assert graded.verdict == Verdict.internal_error
    assert "not your fault" in graded.detail
    assert grade(SPEC, REFERENCE, mode="submit", sandbox=None).verdict == Verdict.internal_error


@pytest.mark.parametrize("slug", sorted(p.name for p in problems_dir().iterdir() if p.is_dir()))
def test_alternative_solutions_are_accepted_in_process(slug: str) -> None:
    spec = load_problem(problems_dir() / slug)
    sandbox = InProcessSandbox(graded_problem(spec))
    for path in sorted((spec.path / "solutions").glob("*.py")):
        graded = grade(spec, path.read_text(), mode="submit", sandbox=sandbox)
        assert graded.verdict == Verdict.accepted, (path.name, [c.diagnostic for c in graded.cases])


def test_reference_outputs_are_cached_per_version() -> None:
    case = PROBLEM.cases[0]
    assert PROBLEM.expected(case) is PROBLEM.expected(case)
    assert graded_problem(load_problem(Path(SPEC.path))) is PROBLEM


def test_without_docker_a_submission_gets_a_clear_sandbox_unavailable(monkeypatch) -> None:
    from app.config import Settings
    from app.sandbox import Sandbox, SandboxUnavailable

    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    with pytest.raises(SandboxUnavailable, match="no Docker engine answers"):
        Sandbox(Settings(env="test"))
    graded = grade(SPEC, REFERENCE, mode="submit", sandbox=None)
    assert graded.verdict == Verdict.internal_error
    assert graded.detail.startswith("sandbox unavailable")


def test_invisible_characters_in_what_the_candidate_sent_are_made_visible() -> None:
    sneaky = (
        "def softmax_cross_entropy(logits, labels):\n"
        "    print('ok\\u202e ssap')\n"
        "    raise ValueError('all cases passed\\u200b\\u2066 really')\n"
    )
    graded = grade(SPEC, sneaky, mode="run", sandbox=InProcessSandbox(PROBLEM))
    assert graded.verdict == Verdict.runtime_error
    diagnostic = graded.cases[0].diagnostic
    assert "<U+200B><U+2066>" in diagnostic and "\u200b" not in diagnostic


def test_previews_and_texts_are_bounded_whatever_the_outputs() -> None:
    nested = {"c": 10**100, "b": "x" * 100_000, "a": [[float(i)] * 50 for i in range(3000)]}
    shown = preview(nested)
    assert len(json.dumps(shown)) < 40 * PREVIEW_BUDGET
    assert shown["c"].endswith("...") and len(shown["b"]) <= 200
    long = GradeResult(Verdict.wrong_answer, detail="d" * 10**6, stdout="o" * 10**6)
    long.cases = [CaseReport("c", True, False, "x" * 10**6)]
    bounded = long.bounded(output_chars=1000)
    assert len(bounded.detail) <= 4000 and len(bounded.stdout) == 1000
    assert len(bounded.cases[0].diagnostic) <= 2000


def test_diagnostics_name_the_cause() -> None:
    """Raised errors name the argument; changed inputs name the input and index; numbers that
    agree to six digits show the digits where they part."""
    import dataclasses

    import numpy as np

    from app.judge.casekit import Case, changed_inputs, compare

    refusing = Case(
        "bad_chunk", lambda rng: {}, lambda m: {}, raises=ValueError, raises_for="chunk_size=-1"
    )
    assert compare(refusing, {"raised": None}, {"raised": "ValueError"}) == (
        "expected a ValueError for chunk_size=-1, but your code returned normally"
    )
    x = np.zeros((2, 3))
    before = {"x": x.copy()}
    x[1, 2] = 7.0
    message = changed_inputs(before, {"x": x})
    assert message == "your code changed the input `x` in place (first at x[1, 2]); work on a copy"
    plain = Case("c", lambda rng: {}, lambda m: {})
    assert compare(plain, {"inputs_problem": message}, {"inputs_problem": None}) == message
    close = dataclasses.replace(plain, tol=(1e-9, 0.0))
    msg = compare(close, {"y": np.array([0.0077416912])}, {"y": np.array([0.0077417104])})
    assert msg is not None and "0.0077416912" in msg and "0.0077417104" in msg
