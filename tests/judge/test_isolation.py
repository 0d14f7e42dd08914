"""The judge process: untrusted frames are decoded there, under memory and CPU limits, never here."""

from pathlib import Path

import numpy as np
import pytest

from app.judge.grader import grade, judge_isolated
from app.judge.isolation import JudgePool
from app.judge.kinds import Verdict
from app.judge.local import InProcessSandbox, encode, execute
from app.judge.problem import graded_problem
from app.judge.spec import load_problem
from app.sandbox import CaseRun, Limits
from tests.helpers import problems_dir

SPEC = load_problem(problems_dir() / "softmax-cross-entropy")
PROBLEM = graded_problem(SPEC)
REFERENCE = (SPEC.path / "reference.py").read_text()
LIMITS = Limits(cpu_seconds=10, memory_mb=256)


def reference_run(names: list[str]):
    return execute(PROBLEM, REFERENCE, names)


def test_the_server_process_never_decodes_what_the_sandbox_returned(monkeypatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("untrusted frames were parsed in the server process")

    monkeypatch.setattr("app.sandbox.protocol.parse_payload", refuse)
    monkeypatch.setattr("app.sandbox.parse_payload", refuse)
    graded = grade(SPEC, REFERENCE, mode="submit", sandbox=InProcessSandbox(PROBLEM))
    assert graded.verdict == Verdict.accepted


def test_over_the_memory_budget_is_output_limit_and_the_next_verdict_is_fine() -> None:
    pool = JudgePool(memory_budget_mb=16)
    try:
        names = [c.name for c in PROBLEM.selected("submit")]
        run = reference_run(names)
        # Within the element budget (4 Mi values) but 32 MB to hold: more than this pool allows.
        run.cases[0] = CaseRun(names[0], 0.1, {"loss": 0.0, "dlogits": np.zeros(4 << 20)}, None)
        graded = judge_isolated(PROBLEM, "submit", encode(run), LIMITS, judges=pool)
        assert graded.verdict == Verdict.output_limit_exceeded
        assert "needed more than 16 MB" in graded.detail
        again = judge_isolated(PROBLEM, "submit", encode(reference_run(names)), LIMITS, judges=pool)
        assert again.verdict == Verdict.accepted
    finally:
        pool.close()


SLOW_CASES = """
import time
from casekit import Case

def spin(got, expected, inputs):
    end = time.process_time() + 30
    while time.process_time() < end:
        pass

CASES = [
    Case("a", lambda rng: {}, lambda mod: {"y": mod.f()}, sample=True),
    Case("b", lambda rng: {}, lambda mod: {"y": mod.f()}, sample=True, check=spin),
]
"""


def slow_problem(folder: Path) -> Path:
    path = folder / "slow-check"
    path.mkdir()
    (path / "problem.toml").write_text(
        'title = "Slow"\ntable = "core"\ncategory = "Test"\ntopic = "Test"\n'
        'difficulty = "Easy"\norder = 1\nentry_points = ["f"]\n'
    )
    (path / "statement.md").write_text("f returns 1.\n")
    (path / "starter.py").write_text("def f():\n    raise NotImplementedError\n")
    (path / "reference.py").write_text("def f():\n    return 1.0\n")
    (path / "cases.py").write_text(SLOW_CASES)
    return path


def test_over_the_cpu_budget_the_judge_process_is_stopped(tmp_path: Path) -> None:
    """Whatever slips past the decoder's limits costs one judge process a bounded CPU time."""
    problem = graded_problem(load_problem(slow_problem(tmp_path)))
    pool = JudgePool(cpu_budget_s=1)
    try:
        raw = encode(execute(problem, "def f():\n    return 1.0\n", ["a", "b"]))
        graded = judge_isolated(problem, "run", raw, LIMITS, judges=pool)
        assert graded.verdict == Verdict.output_limit_exceeded
        assert "s of CPU time" in graded.detail
        # A fresh process answers the next request.
        sane = encode(execute(PROBLEM, REFERENCE, [c.name for c in PROBLEM.selected("run")]))
        assert judge_isolated(PROBLEM, "run", sane, LIMITS, judges=pool).verdict == Verdict.accepted
    finally:
        pool.close()


@pytest.mark.parametrize("broken", ["not json", '{"fit": true}', '{"fit": true, "result": {}}'])
def test_a_garbled_answer_is_our_internal_error(monkeypatch, broken: str) -> None:
    from app.judge import isolation

    monkeypatch.setattr(isolation.JudgeProcess, "ask", lambda self, req, timeout: broken.encode())
    raw = encode(reference_run([c.name for c in PROBLEM.selected("run")]))
    pool = JudgePool()
    graded = judge_isolated(PROBLEM, "run", raw, LIMITS, judges=pool)
    pool.close()
    assert graded.verdict == Verdict.internal_error


def test_reference_outputs_are_read_only_once_computed() -> None:
    """Computed once per problem version and reused by every verdict: a check that wrote into
    them must fail, not quietly change the verdicts after it."""
    case = next(c for c in PROBLEM.cases if c.name == "worked_example")
    dlogits = PROBLEM.expected(case)["dlogits"]
    assert isinstance(dlogits, np.ndarray) and not dlogits.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        dlogits[0, 0] = 1.0


def test_a_judge_process_judges_only_the_version_it_was_asked_for(tmp_path: Path) -> None:
    """The judge process loads the cases and the reference from the folder itself: if the folder
    is no longer the submitted version it answers nothing (ours to retry), not a verdict against
    other cases."""
    folder = tmp_path / SPEC.slug
    folder.mkdir()
    for path in SPEC.path.iterdir():
        if path.is_file():
            (folder / path.name).write_bytes(path.read_bytes())
    problem = graded_problem(load_problem(folder))
    raw = encode(execute(problem, REFERENCE, [c.name for c in problem.selected("run")]))
    warm, fresh = JudgePool(), JudgePool()
    try:
        assert judge_isolated(problem, "run", raw, LIMITS, judges=warm).verdict == Verdict.accepted
        (folder / "statement.md").write_text("edited since\n")  # a new version on disk
        # A process that loaded the version before still holds it; a new one cannot load it.
        assert judge_isolated(problem, "run", raw, LIMITS, judges=warm).verdict == Verdict.accepted
        graded = judge_isolated(problem, "run", raw, LIMITS, judges=fresh)
        assert graded.verdict == Verdict.internal_error
    finally:
        warm.close()
        fresh.close()


def test_a_judge_process_that_grew_large_is_not_kept(monkeypatch) -> None:
    """What a result left behind (a heap that stays grown) must not carry over to every request
    after it: past a size the process says it is unfit, and the pool starts a fresh one."""
    from dataclasses import asdict

    from app.judge import isolation

    names = [c.name for c in PROBLEM.selected("run")]
    request = {
        "path": str(SPEC.path),
        "version": SPEC.version,
        "mode": "run",
        "raw": asdict(encode(reference_run(names))),
        "limits": (LIMITS.cpu_seconds, LIMITS.memory_mb),
        "output_chars": 65536,
        "memory_budget": 512 << 20,
        "cpu_budget": 5,
    }
    answer, fit = isolation._judge_request(request)
    assert fit and b'"fit": true' in answer
    monkeypatch.setattr(isolation, "RETIRE_BYTES", isolation._address_space() // 2)
    answer, fit = isolation._judge_request(request)
    assert not fit and b'"fit": false' in answer and b'"accepted"' in answer


def test_prestarted_judge_processes_serve_the_first_verdicts() -> None:
    """A worker starts its judge processes before its first job (`JudgePool.prestart`): that job
    is judged by one of them, not by a process started for it; no more than the pool keeps idle
    are started."""
    from app.judge.isolation import IDLE_PROCESSES

    pool = JudgePool()
    try:
        pool.prestart(2)
        started = {process.proc.pid for process in pool._idle}
        assert len(started) == 2
        assert all(process.proc.poll() is None for process in pool._idle)
        raw = encode(reference_run([c.name for c in PROBLEM.selected("run")]))
        for _ in range(3):
            assert judge_isolated(PROBLEM, "run", raw, LIMITS, judges=pool).verdict == (
                Verdict.accepted
            )
        assert {process.proc.pid for process in pool._idle} == started
        pool.prestart(IDLE_PROCESSES + 5)
        assert len(pool._idle) == IDLE_PROCESSES
    finally:
        pool.close()
