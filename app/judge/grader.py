"""Grade one submission: run it in the sandbox, then decide the verdict here, on the trusted host.

Nothing the candidate's code does inside the container can change what this module computes: the
container only hands back outputs as data, and the reference's outputs are computed outside it.
"""

import ast
import logging
import threading

import requests

from app.judge.isolation import JudgePool, default_pool
from app.judge.kinds import Mode, Verdict
from app.judge.problem import GradedProblem, graded_problem
from app.judge.spec import ProblemSpec
from app.judge.verdicts import GradeResult
from app.sandbox import Limits, Sandbox, SandboxUnavailable
from app.sandbox.container import EngineGone, RawRun

log = logging.getLogger("dli.judge")
UNAVAILABLE = "sandbox unavailable"  # how an internal_error that the engine caused begins
MAX_SOURCE_BYTES = 256 * 1024
# CPython 3.11's parser is not safe to call from several threads at once ("AST constructor recursion
# depth mismatch"); grading threads take turns for the few milliseconds a parse takes.
_PARSE_LOCK = threading.Lock()


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


def judge_isolated(
    problem: GradedProblem,
    mode: Mode,
    raw: RawRun,
    limits: Limits,
    *,
    judges: JudgePool | None = None,
    output_chars: int = 64 << 10,
) -> GradeResult:
    """Decode and judge raw sandbox frames in a judge process, against the reference's outputs."""
    return (judges or default_pool()).judge(
        problem_path=problem.spec.path,
        version=problem.spec.version,
        mode=mode,
        raw=raw,
        limits=limits,
        output_chars=output_chars,
    )


def grade(
    spec: ProblemSpec,
    source: str,
    *,
    mode: Mode,
    sandbox: Sandbox | None,
    judges: JudgePool | None = None,
    output_chars: int = 64 << 10,
) -> GradeResult:
    """Grade `source` for a problem. Never raises for anything the candidate did.

    The sandbox returns raw frames; a judge process (app.judge.isolation) decodes and compares
    them, so nothing the candidate returns is parsed in this process.
    """
    mode = Mode(mode)  # a plain "run" or "submit" is accepted; anything else is a ValueError
    problem = graded_problem(spec)
    problem_error = compile_check(source, spec.meta.entry_points)
    if problem_error:
        return GradeResult(Verdict.compile_error, detail=problem_error)
    if sandbox is None:
        return GradeResult(Verdict.internal_error, detail=f"{UNAVAILABLE}: no Docker engine")
    limits = Limits(cpu_seconds=spec.meta.limits.cpu_seconds, memory_mb=spec.meta.limits.memory_mb)
    selected = problem.selected(mode)
    try:
        names = [c.name for c in selected]
        raw = sandbox.run(
            source, problem.program, names, limits, reference=problem.reference_source
        )
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
