"""Check a problem folder against its own promises, through the real sandbox.

The reference and every file in solutions/ must be accepted; the starter and every file in mutants/
must be rejected, each mutant by one of the cases its docstring names ("Caught by: a, b") if it names any.
"""

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from app.catalog.loader import ProblemSpec
from app.judge.grader import grade
from app.judge.problem import graded_problem
from app.models import Verdict
from app.sandbox import Sandbox

CAUGHT_BY = re.compile(r"^Caught by:\s*(.+)$", re.MULTILINE)
MIN_SAMPLES, MAX_SAMPLES, MIN_HIDDEN, MIN_MUTANTS = 2, 3, 8, 4


@dataclass
class Check:
    slug: str
    role: str  # reference | solution | starter | mutant | structure
    file: str
    verdict: str
    failed: list[str]
    ok: bool
    note: str = ""


def caught_by(source: str) -> list[str]:
    doc = ast.get_docstring(ast.parse(source)) or ""
    match = CAUGHT_BY.search(doc)
    return [name.strip() for name in match.group(1).split(",")] if match else []


def _structure(spec: ProblemSpec) -> list[Check]:
    problem = graded_problem(spec)
    samples = sum(1 for c in problem.cases if c.sample)
    hidden = len(problem.cases) - samples
    mutants = len(list((spec.path / "mutants").glob("*.py")))
    solutions = len(list((spec.path / "solutions").glob("*.py")))
    problems = []
    if not MIN_SAMPLES <= samples <= MAX_SAMPLES:
        problems.append(f"{samples} sample cases (want {MIN_SAMPLES}-{MAX_SAMPLES})")
    if hidden < MIN_HIDDEN:
        problems.append(f"{hidden} hidden cases (want {MIN_HIDDEN}+)")
    if mutants < MIN_MUTANTS:
        problems.append(f"{mutants} mutants (want {MIN_MUTANTS}+)")
    if solutions < 1:
        problems.append("no alternative solution in solutions/")
    note = "; ".join(problems) or f"{samples} sample, {hidden} hidden, {mutants} mutants"
    return [Check(spec.slug, "structure", "-", "-", [], not problems, note)]


def validate_problem(spec: ProblemSpec, sandbox: Sandbox) -> list[Check]:
    checks = _structure(spec)
    files: list[tuple[str, Path]] = [("reference", spec.path / "reference.py")]
    files += [("solution", p) for p in sorted((spec.path / "solutions").glob("*.py"))]
    files += [("starter", spec.path / "starter.py")]
    files += [("mutant", p) for p in sorted((spec.path / "mutants").glob("*.py"))]
    for role, path in files:
        source = path.read_text()
        result = grade(spec, source, mode="submit", sandbox=sandbox)
        failed = [c.name for c in result.cases if not c.passed]
        rel = str(path.relative_to(spec.path))
        if role in ("reference", "solution"):
            ok = result.verdict == Verdict.accepted
            note = (
                ""
                if ok
                else (
                    result.detail or "; ".join(c.diagnostic for c in result.cases if not c.passed)
                )[:300]
            )
        elif result.verdict == Verdict.internal_error:
            ok, note = False, result.detail
        else:
            expected = caught_by(source) if role == "mutant" else []
            ok = result.verdict != Verdict.accepted and (
                not expected or bool(set(expected) & set(failed))
            )
            if role == "mutant" and not (ast.get_docstring(ast.parse(source)) or "").strip():
                ok, note = False, "a mutant's docstring must name its mistake"
            else:
                note = f"expected to fail {', '.join(expected)}" if expected and not ok else ""
        checks.append(Check(spec.slug, role, rel, result.verdict.value, failed, ok, note))
    return checks
