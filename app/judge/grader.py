"""Grade one submission: run it in the sandbox, then decide the verdict here, on the trusted host.

Nothing the candidate's code does inside the container can change what this module computes: the
container only hands back outputs as data, and the reference's outputs are computed outside it.
"""

import ast
import logging
import threading
from collections.abc import Mapping
from typing import Any

import requests

from app.judge.casekit import Case, Outputs, compare, first_mismatch
from app.judge.isolation import JudgePool, default_pool
from app.judge.problem import GradedProblem, graded_problem
from app.judge.spec import ProblemSpec
from app.judge.verdicts import CaseReport, GradeResult, preview
from app.models import Verdict
from app.sandbox import CaseRun, Limits, Sandbox, SandboxResult, SandboxUnavailable
from app.sandbox.container import EngineGone, RawRun

log = logging.getLogger("dli.judge")
UNAVAILABLE = "sandbox unavailable"  # how an internal_error that the engine caused begins
MAX_SOURCE_BYTES = 256 * 1024
# CPython 3.11's parser is not safe to call from several threads at once ("AST constructor recursion
# depth mismatch"); grading threads take turns for the few milliseconds a parse takes.
_PARSE_LOCK = threading.Lock()

_STATUS_VERDICTS = {
    "timeout": Verdict.time_limit_exceeded,
    "memory": Verdict.memory_limit_exceeded,
    "output_limit": Verdict.output_limit_exceeded,
    "crashed": Verdict.runtime_error,
    "protocol_error": Verdict.runtime_error,
    "host_busy": Verdict.internal_error,  # retried: a busy host is never the candidate's fault
}


def _defined_names(body: list[ast.stmt]) -> set[str]:
    names: set[str] = set()
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.If | ast.Try | ast.With):
            for block in ("body", "orelse", "finalbody", "handlers"):
                for child in getattr(node, block, []):
                    names |= _defined_names(
                        child.body if isinstance(child, ast.ExceptHandler) else [child]
                    )
    return names


def compile_check(source: str, entry_points: list[str]) -> str | None:
    """Why the source cannot be graded at all, or None."""
    if len(source.encode()) > MAX_SOURCE_BYTES:
        return f"the source is larger than {MAX_SOURCE_BYTES // 1024} KiB"
    try:
        with _PARSE_LOCK:
            tree = ast.parse(source, filename="solution.py")
    except SyntaxError as exc:
        return f"line {exc.lineno}: {exc.msg}"
    except ValueError as exc:  # e.g. NUL bytes
        return str(exc)
    missing = [name for name in entry_points if name not in _defined_names(tree.body)]
    if missing:
        return "define " + ", ".join(f"`{m}`" for m in missing) + " at the top level of your code"
    return None


def _error_line(error: dict[str, str]) -> str:
    message = error.get("message", "")
    return f"{error.get('type', 'Error')}: {message}"[:500]


def judge_case(case: Case, expected: Outputs, run: CaseRun) -> CaseReport:
    report = CaseReport(name=case.name, hidden=not case.sample, passed=False, seconds=run.seconds)
    got: dict[str, Any] | None = run.outputs
    if run.error is not None:
        report.error = True
        report.diagnostic = _error_line(run.error)
        trace = run.error.get("traceback", "")
        if trace:
            report.diagnostic += "\n" + trace[-2000:]
    elif got is None:
        report.diagnostic = "no outputs were returned"
    else:
        try:
            message = (
                case.check(got, expected, case.make_inputs())
                if case.check
                else compare(case, got, expected)
            )
        except (
            Exception
        ) as exc:  # outputs crafted to break a check are the candidate's wrong answer
            message = f"your outputs could not be checked: {type(exc).__name__}: {exc}"[:500]
        report.passed = message is None
        report.diagnostic = message or ""
    if case.sample:
        report.details = {
            "inputs": preview(case.make_inputs()),
            "expected": preview({k: v for k, v in expected.items() if not k.startswith("_")}),
            "got": preview({k: v for k, v in (got or {}).items() if not k.startswith("_")}),
        }
        if got is not None and not report.passed:
            try:
                report.details["mismatch"] = first_mismatch(case, got, expected)
            except Exception:  # the candidate's outputs again: no marker rather than no result
                report.details["mismatch"] = None
    elif case.note and not report.passed:
        report.diagnostic = f"{report.diagnostic} (this case probes: {case.note})"
    return report


def _verdict_of(reports: list[CaseReport], run: SandboxResult) -> Verdict:
    if run.status != "ok":
        return _STATUS_VERDICTS.get(run.status, Verdict.runtime_error)
    for report in reports:
        if not report.passed:
            if report.error and report.diagnostic.startswith("MemoryError"):
                return Verdict.memory_limit_exceeded
            return Verdict.runtime_error if report.error else Verdict.wrong_answer
    return Verdict.accepted


def judge(
    problem: GradedProblem,
    mode: str,
    run: SandboxResult,
    *,
    expected: Mapping[str, Outputs] | None = None,
) -> GradeResult:
    """Turn decoded sandbox results into a verdict with per-case reports.

    `expected` holds the reference's outputs by case name (computed here when not given). Called on
    the candidate's data only inside a judge process (app.judge.isolation), or in-process for our
    own code (tests, mutation analysis).
    """
    selected = problem.selected(mode)
    result = GradeResult(
        verdict=Verdict.accepted,
        stdout=run.stdout,
        stderr=run.stderr,
        seconds=run.seconds,
        detail=run.detail if run.status != "ok" else "",
    )
    if run.import_error is not None and run.status == "ok":
        result.verdict = (
            Verdict.memory_limit_exceeded
            if run.import_error.get("type") == "MemoryError"
            else Verdict.runtime_error
        )
        result.detail = "your code raised while being imported: " + _error_line(run.import_error)
        trace = run.import_error.get("traceback", "")
        if trace:
            result.detail += "\n" + trace[-2000:]
        return result
    runs = {r.name: r for r in run.cases}
    for case in selected:
        if case.name in runs:
            want = expected[case.name] if expected is not None else problem.expected(case)
            result.cases.append(judge_case(case, want, runs[case.name]))
        elif run.status in ("timeout", "memory") and not any(
            c.diagnostic.startswith("this case was running") for c in result.cases
        ):
            # Cases run in order: the first without a result is the one that hit the limit.
            why = f"this case was running when it stopped: {run.detail}"
            result.cases.append(CaseReport(case.name, not case.sample, False, why))
        else:
            why = "not run: " + (run.detail or "the sandbox stopped early")
            result.cases.append(CaseReport(case.name, not case.sample, False, why))
    result.verdict = _verdict_of(result.cases, run)
    if run.status == "ok" and len(run.cases) < len(selected):
        result.verdict = Verdict.runtime_error
        result.detail = "your code stopped the grader before every case had run"
    return result


def judge_isolated(
    problem: GradedProblem,
    mode: str,
    raw: RawRun,
    limits: Limits,
    *,
    judges: JudgePool | None = None,
    output_chars: int = 64 << 10,
) -> GradeResult:
    """Decode and judge raw sandbox frames in a judge process, against reference outputs made here."""
    return (judges or default_pool()).judge(
        problem_path=problem.spec.path,
        version=problem.spec.version,
        mode=mode,
        raw=raw,
        limits=limits,
        expected={case.name: problem.expected(case) for case in problem.selected(mode)},
        output_chars=output_chars,
    )


def grade(
    spec: ProblemSpec,
    source: str,
    *,
    mode: str,
    sandbox: Sandbox | None,
    judges: JudgePool | None = None,
    output_chars: int = 64 << 10,
) -> GradeResult:
    """Grade `source` for a problem. Never raises for anything the candidate did.

    The sandbox returns raw frames; a judge process (app.judge.isolation) decodes and compares
    them, so nothing the candidate returns is parsed in this process.
    """
    if mode not in ("run", "submit"):
        raise ValueError("mode is 'run' or 'submit'")
    problem = graded_problem(spec)
    problem_error = compile_check(source, spec.meta.entry_points)
    if problem_error:
        return GradeResult(Verdict.compile_error, detail=problem_error)
    if sandbox is None:
        return GradeResult(Verdict.internal_error, detail=f"{UNAVAILABLE}: no Docker engine")
    limits = Limits(cpu_seconds=spec.meta.limits.cpu_seconds, memory_mb=spec.meta.limits.memory_mb)
    selected = problem.selected(mode)
    try:
        raw = sandbox.run(source, problem.program, [c.name for c in selected], limits)
    except (SandboxUnavailable, EngineGone) as exc:
        return GradeResult(Verdict.internal_error, detail=f"{UNAVAILABLE}: {exc}")
    except requests.ConnectionError:
        detail = f"{UNAVAILABLE}: the Docker engine does not answer"
        return GradeResult(Verdict.internal_error, detail=detail)
    except Exception:
        log.exception("sandbox failed for %s", spec.slug)
        return GradeResult(
            Verdict.internal_error, detail="the sandbox failed; this is not your fault"
        )
    try:
        result = judge_isolated(
            problem, mode, raw, limits, judges=judges, output_chars=output_chars
        )
    except Exception:
        log.exception("grading failed for %s", spec.slug)
        return GradeResult(
            Verdict.internal_error, detail="the grader failed; this is not your fault"
        )
    return result  # its `seconds`: the CPU time measured by the sandbox (or its wall time)
