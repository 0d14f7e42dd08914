"""Running a solution without a sandbox: our own code only (tests, benchmarks, mutation analysis).

`execute` runs cases in this process and returns decoded results (the fast path for code we wrote).
`InProcessSandbox` returns the same results encoded as the sandbox runner encodes them, so that
`grade()` takes its production path (frames decoded in a judge process) without Docker.
"""

import importlib.util
import time
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import Any

from app.config import ROOT
from app.judge.problem import GradedProblem
from app.sandbox import CaseRun, Limits, SandboxResult
from app.sandbox.container import RawRun


@cache
def runner_module() -> ModuleType:
    """sandbox/runner.py, loaded on the host for its encoder (it needs only NumPy)."""
    spec = importlib.util.spec_from_file_location("dli_runner", ROOT / "sandbox" / "runner.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def execute(problem: GradedProblem, solution: str, cases: list[str]) -> SandboxResult:
    """What the sandbox would return, computed here: no isolation, no limits."""
    module = ModuleType("solution")
    exec(compile(solution, "solution.py", "exec"), module.__dict__)
    by_name = {c.name: c for c in problem.cases}
    runs = []
    for name in cases:
        started = time.perf_counter()
        outputs, error = None, None
        try:
            outputs = by_name[name].execute(module)
        except Exception as exc:
            error = {"type": type(exc).__name__, "message": str(exc), "traceback": ""}
        runs.append(CaseRun(name, time.perf_counter() - started, outputs, error))
    return SandboxResult("ok", runs, None, "", "", False, False, "", 0.0)


def encode(result: SandboxResult) -> RawRun:
    """The frames the sandbox runner would send for `result`."""
    runner = runner_module()
    payloads = []
    for run in result.cases:
        blobs: list[bytes] = []
        header: dict[str, Any] = {"kind": "case", "name": run.name, "seconds": run.seconds}
        try:
            if run.error is None:
                header["outputs"] = runner.encode(run.outputs, blobs)
            else:
                header["error"] = run.error
        except runner.Unsupported as exc:
            blobs = []
            header["error"] = {"type": "TypeError", "message": str(exc), "traceback": ""}
        payloads.append(runner.frame(header, blobs)[12:])
    done = {"kind": "done", "stdout": result.stdout, "stderr": result.stderr, "output_bytes": 0}
    payloads.append(runner.frame(done, [])[12:])
    return RawRun(payloads=payloads, finished=True)


@dataclass
class InProcessSandbox:
    """Stands in for the Docker sandbox: the same raw frames back, none of the isolation."""

    problem: GradedProblem

    def run(
        self,
        solution: str,
        program: str,
        cases: list[str],
        limits: Limits,
        reference: str | None = None,
    ) -> RawRun:
        return encode(execute(self.problem, solution, cases))
