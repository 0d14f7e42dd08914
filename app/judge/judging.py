"""The verdict from decoded results: each case against the reference's outputs, then the run's.

Runs on the trusted side only: in a judge process (app.judge.isolation) for candidates' data, or
in-process for our own code (tests, mutation analysis).
"""

from collections.abc import Mapping
from typing import Any

from app.judge.casekit import Case, Outputs, compare, first_mismatch
from app.judge.kinds import Mode, Verdict
from app.judge.problem import GradedProblem
from app.judge.verdicts import CaseReport, GradeResult, preview
from app.sandbox import CaseRun, RunStatus, SandboxResult

_STATUS_VERDICTS: dict[RunStatus, Verdict] = {
    "timeout": Verdict.time_limit_exceeded,
    "memory": Verdict.memory_limit_exceeded,
    "output_limit": Verdict.output_limit_exceeded,
    "crashed": Verdict.runtime_error,
    "protocol_error": Verdict.runtime_error,
    "host_busy": Verdict.internal_error,  # retried: a busy host is never the candidate's fault
}


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
    mode: Mode,
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
