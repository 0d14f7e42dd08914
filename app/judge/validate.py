"""Check a problem folder against its own promises.

- the reference and every file in solutions/ are accepted; the starter and every mutant in
  mutants/*.toml are rejected, each mutant by one of the cases it names in `caught_by`;
- the tolerance audit: on every compared case, each solution agrees with the reference to a tenth
  of the case's tolerance, so the tolerance is about the candidate, not about our own noise;
- the structure: enough sample and hidden cases, mutants, a solution, equivalent.toml well formed.

Grading goes through the real sandbox, or with `in_process` through forked children (no Docker:
for authors; our own code only).
"""

import contextlib
import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from app.judge.casekit import Case, compare
from app.judge.grader import grade
from app.judge.kinds import Mode, Verdict
from app.judge.patches import PatchError, load_mutants
from app.judge.problem import graded_problem
from app.judge.spec import ProblemSpec
from app.sandbox import Sandbox

MIN_SAMPLES, MAX_SAMPLES, MIN_HIDDEN, MIN_MUTANTS = 2, 3, 8, 4
AUDIT_MARGIN = 10.0  # solutions must agree with the reference this many times tighter


@dataclass
class Check:
    slug: str
    role: str  # reference | solution | starter | mutant | structure | audit
    file: str
    verdict: str
    failed: list[str]
    ok: bool
    note: str = ""


Grader = Callable[[str], tuple[Verdict, list[str], str]]  # source -> verdict, failed cases, note


def _sandbox_grader(spec: ProblemSpec, sandbox: Sandbox) -> Grader:
    def run(source: str) -> tuple[Verdict, list[str], str]:
        result = grade(spec, source, mode=Mode.submit, sandbox=sandbox)
        failed = [c.name for c in result.cases if not c.passed]
        note = result.detail or "; ".join(c.diagnostic for c in result.cases if not c.passed)
        return result.verdict, failed, note[:300]

    return run


def _forked_grader(spec: ProblemSpec) -> Grader:
    from app.judge.forked import grade_forked

    problem = graded_problem(spec)

    def run(source: str) -> tuple[Verdict, list[str], str]:
        outcome = grade_forked(problem, source)
        verdict = Verdict.accepted if outcome.accepted else Verdict.wrong_answer
        return verdict, outcome.failed, outcome.reason[:300]

    return run


def _structure(spec: ProblemSpec) -> list[Check]:
    problem = graded_problem(spec)
    samples = sum(1 for c in problem.cases if c.sample)
    hidden = len(problem.cases) - samples
    solutions = len(list((spec.path / "solutions").glob("*.py")))
    problems = []
    leftovers = sorted(p.name for p in (spec.path / "mutants").glob("*.py"))
    if leftovers:
        problems.append(f"mutants are patches now (mutants/*.toml), not copies: {leftovers}")
    try:
        mutants = len(load_mutants(spec.path))
    except PatchError as exc:
        mutants = 0
        problems.append(str(exc))
    try:
        from app.judge.mutate import equivalents

        equivalents(spec.path)
    except (ValueError, OSError) as exc:
        problems.append(str(exc))
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


def _tighter(case: Case, outputs: list[str]) -> Case:
    """The same case with every output's tolerance divided by AUDIT_MARGIN."""
    tol = {}
    for name in outputs:
        rtol, atol = case.tolerance(name)
        tol[name] = (rtol / AUDIT_MARGIN, atol / AUDIT_MARGIN)
    return dataclasses.replace(case, tol=tol)


def audit(spec: ProblemSpec) -> list[Check]:
    """Every solution against the reference, case by case, at a tenth of each tolerance."""
    from app.judge.local import execute

    problem = graded_problem(spec)
    checks = []
    for path in sorted((spec.path / "solutions").glob("*.py")):
        result = execute(problem, path.read_text(), [c.name for c in problem.cases])
        misses = []
        for case, run in zip(problem.cases, result.cases, strict=True):
            if case.check is not None or case.raises is not None:
                continue  # properties and promised errors have no tolerance to audit
            if run.outputs is None:
                misses.append(f"{case.name}: raised {run.error}")
                continue
            with np.errstate(all="ignore"):
                expected = problem.expected(case)
                message = compare(_tighter(case, list(expected)), run.outputs, expected)
            if message:
                misses.append(f"{case.name}: {message}")
        rel = str(path.relative_to(spec.path))
        note = "; ".join(misses)[:500]
        checks.append(
            Check(spec.slug, "audit", rel, "-", [m.split(":")[0] for m in misses], not misses, note)
        )
    return checks


def validate_problem(
    spec: ProblemSpec, sandbox: Sandbox | None = None, *, in_process: bool = False
) -> list[Check]:
    if sandbox is None and not in_process:
        raise ValueError("validate through a sandbox, or in_process=True")
    checks = _structure(spec)
    run = _forked_grader(spec) if in_process or sandbox is None else _sandbox_grader(spec, sandbox)
    files: list[tuple[str, str, str, list[str]]] = [
        ("reference", "reference.py", (spec.path / "reference.py").read_text(), [])
    ]
    files += [
        ("solution", str(p.relative_to(spec.path)), p.read_text(), [])
        for p in sorted((spec.path / "solutions").glob("*.py"))
    ]
    files += [("starter", "starter.py", (spec.path / "starter.py").read_text(), [])]
    with contextlib.suppress(PatchError):  # reported by the structure check
        files += [
            ("mutant", f"mutants/{m.name}.toml", m.source, m.caught_by)
            for m in load_mutants(spec.path)
        ]
    for role, rel, source, expected in files:
        verdict, failed, note = run(source)
        if role in ("reference", "solution"):
            ok = verdict == Verdict.accepted
            note = "" if ok else note
        elif verdict == Verdict.internal_error:
            ok = False
        else:
            ok = verdict != Verdict.accepted and (not expected or bool(set(expected) & set(failed)))
            note = f"expected to fail {', '.join(expected)}" if expected and not ok else ""
        checks.append(Check(spec.slug, role, rel, verdict.value, failed, ok, note))
    checks += audit(spec)
    return checks


def catalog_problems(specs: list[ProblemSpec]) -> list[str]:
    """What is wrong across folders: the same `order` twice in a table, an unknown category."""
    from app.judge.spec import CATEGORIES

    out = []
    seen: dict[tuple[str, int], str] = {}
    for spec in specs:
        key = (spec.meta.table, spec.meta.order)
        if key in seen:
            out.append(f"{spec.slug}: order {key[1]} in table {key[0]} is taken by {seen[key]}")
        seen[key] = spec.slug
        if spec.meta.category not in CATEGORIES:
            out.append(f"{spec.slug}: unknown category {spec.meta.category!r}")
    return out
