"""A real Docker sandbox for the tests in this folder (skipped without Docker, except under CI)."""

import dataclasses
from collections.abc import Callable, Iterator

import pytest

from app.config import ROOT, Settings
from app.judge.grader import grade
from app.judge.spec import Limits as ProblemLimits
from app.judge.spec import ProblemSpec, load_problem
from app.judge.verdicts import GradeResult
from app.sandbox import Sandbox
from tests.helpers import require_or_skip, runtime_registered


@pytest.fixture(scope="session")
def spec() -> ProblemSpec:
    """softmax-cross-entropy with tight limits, so attacks end quickly."""
    real = load_problem(ROOT / "problems" / "softmax-cross-entropy")
    meta = real.meta.model_copy(update={"limits": ProblemLimits(cpu_seconds=3, memory_mb=128)})
    return dataclasses.replace(real, meta=meta)


@pytest.fixture(scope="session")
def reference_source(spec: ProblemSpec) -> str:
    return (spec.path / "reference.py").read_text()


@pytest.fixture(scope="session", params=["runc", "runsc", "box", "box-runsc"])
def runtime_sandbox(
    request: pytest.FixtureRequest, sandbox: Sandbox, sandbox_settings: Settings
) -> Iterator[Sandbox]:
    """The hostile suites run on both runtimes, Docker's default (runc) and gVisor (runsc), and in
    both isolation modes: a container per job, and jobs in long-lived boxes."""
    if request.param == "runc":
        yield sandbox
        return
    update: dict[str, object] = {}
    if request.param.endswith("runsc"):
        require_or_skip(
            runtime_registered("runsc"),
            "gVisor's runsc is not registered with Docker (DLI_SANDBOX_RUNTIME=runsc ./dev test)",
        )
        update["sandbox_runtime"] = "runsc"
    if request.param.startswith("box"):
        update["sandbox_isolation"] = "box"
    box = Sandbox(sandbox_settings.model_copy(update=update))
    yield box
    box.close()


@pytest.fixture
def submit(runtime_sandbox: Sandbox, spec: ProblemSpec) -> Callable[..., GradeResult]:
    def run(source: str, mode: str = "submit") -> GradeResult:
        return grade(spec, source, mode=mode, sandbox=runtime_sandbox)

    return run
