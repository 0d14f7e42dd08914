"""A real Docker sandbox for the tests in this folder (skipped without Docker, except under CI)."""

import dataclasses

import pytest

from app.catalog.loader import Limits as ProblemLimits
from app.catalog.loader import ProblemSpec, load_problem
from app.config import ROOT
from app.judge.grader import grade
from app.judge.verdicts import GradeResult
from app.sandbox import Sandbox


@pytest.fixture(scope="session")
def spec() -> ProblemSpec:
    """softmax-cross-entropy with tight limits, so attacks end quickly."""
    real = load_problem(ROOT / "problems" / "softmax-cross-entropy")
    meta = real.meta.model_copy(update={"limits": ProblemLimits(wall_seconds=3, memory_mb=128)})
    return dataclasses.replace(real, meta=meta)


@pytest.fixture(scope="session")
def reference_source(spec: ProblemSpec) -> str:
    return (spec.path / "reference.py").read_text()


@pytest.fixture
def submit(sandbox: Sandbox, spec: ProblemSpec):  # type: ignore[no-untyped-def]
    def run(source: str, mode: str = "submit") -> GradeResult:
        return grade(spec, source, mode=mode, sandbox=sandbox)

    return run
