"""Mechanical mutation analysis of a problem's graders: small changes to `reference.py`, each one
graded in a forked child; a mutant the cases accept is a blind spot of the cases.

The operators are the mistakes people make: an operator swapped, `<` for `<=`, a constant nudged,
an axis or keepdims changed, a statement (a `raise`, an update, a copy) deleted, a condition
negated, a copy removed, a dtype changed, a loop bound off by one, one NumPy function for its
sibling. Each mutant has a stable id, "line: before -> after", that `equivalent.toml` can name
when no test could tell the mutant from the reference (with the reason why).

Over 300 lines because it is one table of mutation operators (an AST transformer each) and the
small driver that applies them; splitting the table would scatter it.
"""

import ast
import copy
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.judge.spec import ProblemSpec

_BINOPS: dict[type[ast.operator], list[type[ast.operator]]] = {
    ast.Add: [ast.Sub, ast.Mult],
    ast.Sub: [ast.Add],
    ast.Mult: [ast.Div, ast.Add],
    ast.Div: [ast.Mult],
    ast.FloorDiv: [ast.Div],
    ast.Pow: [ast.Mult],
    ast.MatMult: [ast.Mult],
    ast.Mod: [ast.FloorDiv],
}
_COMPARE: dict[type[ast.cmpop], list[type[ast.cmpop]]] = {
    ast.Lt: [ast.LtE, ast.Gt],
    ast.LtE: [ast.Lt],
    ast.Gt: [ast.GtE, ast.Lt],
    ast.GtE: [ast.Gt],
    ast.Eq: [ast.NotEq],
    ast.NotEq: [ast.Eq],
    ast.Is: [ast.IsNot],
    ast.IsNot: [ast.Is],
    ast.In: [ast.NotIn],
    ast.NotIn: [ast.In],
}
# NumPy functions and their easily confused siblings.
_SIBLINGS = {
    "max": "min",
    "min": "max",
    "maximum": "minimum",
    "minimum": "maximum",
    "amax": "amin",
    "amin": "amax",
    "argmax": "argmin",
    "argmin": "argmax",
    "sum": "mean",
    "mean": "sum",
    "float64": "float32",
    "float32": "float64",
    "exp": "expm1",
    "log": "log1p",
    "log1p": "log",
    "expm1": "exp",
    "logaddexp": "maximum",
    "zeros_like": "ones_like",
    "ones_like": "zeros_like",
    "zeros": "ones",
    "ones": "zeros",
    "any": "all",
    "all": "any",
    "cumsum": "cumprod",
}
_DROP_CALLS = {"copy", "sqrt", "abs", "clip", "astype", "ascontiguousarray", "asarray", "array"}


@dataclass(frozen=True)
class Mutant:
    id: str  # "12: a + b -> a - b"
    source: str


@dataclass(frozen=True)
class Site:
    index: int  # position of the node in ast.walk order
    apply: "Change"  # returns the replacement node (None: no mutant here)


def _docstring_nodes(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0]))
                ids.add(id(body[0].value))
    return ids


def _number_variants(value: object) -> list[bool | int | float]:
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, int):
        return [value + 1, value - 1]
    if isinstance(value, float):
        return [0.0, value * 10] if value else [1.0]
    return []


Change = Callable[[Any], ast.AST | None]


def _binop(op: type[ast.operator]) -> Change:
    return lambda n: ast.BinOp(n.left, op(), n.right)


def _augassign(op: type[ast.operator]) -> Change:
    return lambda n: ast.AugAssign(n.target, op(), n.value)


def _compare(op: type[ast.cmpop]) -> Change:
    return lambda n: ast.Compare(n.left, [op()], n.comparators)


def _constant(value: bool | int | float) -> Change:
    return lambda n: ast.Constant(value)


def _range_bound(op: type[ast.operator]) -> Change:
    def change(n: Any) -> ast.AST | None:
        if len(n.args) > 2:
            return None
        bound = ast.BinOp(n.args[-1], op(), ast.Constant(1))
        return ast.Call(n.func, [*n.args[:-1], bound], [])

    return change


def _operator_sites(node: ast.AST) -> Iterator[Change]:
    """The changes this node allows, each a function of a (copied) node."""
    if isinstance(node, ast.BinOp):
        yield from (_binop(new) for new in _BINOPS.get(type(node.op), []))
        if isinstance(node.op, ast.Add | ast.Sub | ast.Mult | ast.Div):
            yield lambda n: n.left  # the right operand forgotten
    elif isinstance(node, ast.AugAssign):
        yield from (_augassign(new) for new in _BINOPS.get(type(node.op), []))
        yield lambda n: ast.Assign([n.target], n.value)  # = instead of +=
    elif isinstance(node, ast.Compare) and len(node.ops) == 1:
        yield from (_compare(new) for new in _COMPARE.get(type(node.ops[0]), []))
    elif isinstance(node, ast.BoolOp):
        other = ast.Or if isinstance(node.op, ast.And) else ast.And
        yield lambda n: ast.BoolOp(other(), n.values)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.Not):
        yield lambda n: n.operand
    elif isinstance(node, ast.Constant):
        yield from (_constant(value) for value in _number_variants(node.value))
    elif isinstance(node, ast.Attribute):
        if node.attr in _SIBLINGS:
            yield lambda n: ast.Attribute(n.value, _SIBLINGS[n.attr], n.ctx)
        if node.attr == "T":
            yield lambda n: n.value  # the transpose forgotten
    elif isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in _DROP_CALLS:
            if isinstance(func, ast.Attribute) and name in ("copy", "astype"):
                yield lambda n: n.func.value  # x.copy() -> x
            elif node.args:
                yield lambda n: n.args[0]  # np.sqrt(x) -> x
        if name == "range" and node.args:
            yield from (_range_bound(op) for op in (ast.Sub, ast.Add))
    elif isinstance(node, ast.If):
        yield lambda n: ast.If(ast.UnaryOp(ast.Not(), n.test), n.body, n.orelse)


def _statement_sites(node: ast.AST) -> Iterator[Change]:
    if isinstance(node, ast.Expr | ast.Assign | ast.AugAssign | ast.AnnAssign | ast.Raise | ast.If):
        yield lambda n: ast.Pass()


def _sites(tree: ast.AST) -> list[Site]:
    skip = _docstring_nodes(tree)
    sites = []
    in_function: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            in_function |= {id(n) for n in ast.walk(node)} - {id(node)}
    for index, node in enumerate(ast.walk(tree)):
        if id(node) in skip or id(node) not in in_function:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            continue
        for apply in (*_operator_sites(node), *_statement_sites(node)):
            sites.append(Site(index, apply))
    return sites


def _describe(before: ast.AST, after: ast.AST) -> str:
    def short(node: ast.AST) -> str:
        text = " ".join(ast.unparse(node).split())
        return text if len(text) <= 60 else text[:57] + "..."

    return f"{getattr(before, 'lineno', 0)}: {short(before)} -> {short(after)}"


def mutants(source: str) -> list[Mutant]:
    """Every single-change mutant of `source` that still compiles and differs from it."""
    tree = ast.parse(source)
    original = ast.unparse(tree)
    seen, out = {original}, []
    for site in _sites(tree):
        copied = copy.deepcopy(tree)
        target = next(n for i, n in enumerate(ast.walk(copied)) if i == site.index)
        replacement = site.apply(copy.deepcopy(target))
        if replacement is None:
            continue
        ast.copy_location(replacement, target)
        if not _replace(copied, target, replacement):
            continue
        ast.fix_missing_locations(copied)
        try:
            text = ast.unparse(copied)
            compile(text, "mutant.py", "exec")
        except (SyntaxError, ValueError):
            continue
        if text in seen:
            continue
        seen.add(text)
        out.append(Mutant(_describe(target, replacement), text))
    return out


def _replace(tree: ast.AST, old: ast.AST, new: ast.AST) -> bool:
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, field, new)
                return True
            if isinstance(value, list) and any(item is old for item in value):
                setattr(parent, field, [new if item is old else item for item in value])
                return True
    return False


@dataclass(frozen=True)
class Equivalent:
    mutant: str
    reason: str


def equivalents(folder: Path) -> list[Equivalent]:
    """`equivalent.toml`: mutants no case could tell apart from the reference, each with why."""
    path = folder / "equivalent.toml"
    if not path.is_file():
        return []
    data = tomllib.loads(path.read_text())
    entries = data.get("equivalent", [])
    out = []
    for entry in entries:
        if not isinstance(entry, dict) or not entry.get("mutant") or not entry.get("reason"):
            raise ValueError(f"{path}: each [[equivalent]] needs a mutant and a reason")
        out.append(Equivalent(str(entry["mutant"]), str(entry["reason"])))
    return out


@dataclass
class Result:
    mutant: Mutant
    killed: bool
    by: str  # the case (or limit) that killed it
    equivalent: str | None = None  # the reason, when equivalent.toml lists it


@dataclass
class Report:
    slug: str
    results: list[Result]
    stale: list[str]  # equivalent.toml entries that match no mutant any more
    seconds: float

    @property
    def counted(self) -> list[Result]:
        return [r for r in self.results if r.equivalent is None]

    @property
    def survivors(self) -> list[Result]:
        return [r for r in self.counted if not r.killed]

    @property
    def score(self) -> float:
        counted = self.counted
        return sum(r.killed for r in counted) / len(counted) if counted else 1.0


def analyse(spec: "ProblemSpec", *, jobs: int = 1) -> Report:
    """Grade every mutant of the problem's reference in forked children; cheap cases first."""
    import json
    import os
    import time

    from app.judge.forked import grade_forked
    from app.judge.problem import graded_problem

    started = time.monotonic()
    problem = graded_problem(spec)
    cost = {}
    for case in problem.cases:
        begun = time.perf_counter()
        problem.expected(case)
        cost[case.name] = time.perf_counter() - begun
    # Cheap cases first: most mutants fail one of them, and stopping there keeps this fast.
    order = sorted(problem.cases, key=lambda c: (not c.sample, cost[c.name]))
    found = mutants((spec.path / "reference.py").read_text())
    listed = {e.mutant: e.reason for e in equivalents(spec.path)}

    def grade_slice(part: list[Mutant]) -> list[tuple[bool, str]]:
        out = []
        for mutant in part:
            outcome = grade_forked(problem, mutant.source, stop_early=True, cases=order)
            out.append((not outcome.accepted, (outcome.failed or [""])[0]))
        return out

    slices = [found[i::jobs] for i in range(jobs)]
    verdicts: dict[int, list[tuple[bool, str]]] = {}
    if jobs == 1:
        verdicts[0] = grade_slice(found)
    else:
        workers = []
        for i, part in enumerate(slices):
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(read)
                with os.fdopen(write, "w") as channel:
                    json.dump(grade_slice(part), channel)
                os._exit(0)
            os.close(write)
            workers.append((i, pid, read))
        for i, pid, read in workers:
            with os.fdopen(read) as channel:
                verdicts[i] = [(bool(k), str(b)) for k, b in json.load(channel)]
            os.waitpid(pid, 0)
    results = []
    for i, part in enumerate(slices):
        for mutant, (killed, by) in zip(part, verdicts[i], strict=True):
            results.append(Result(mutant, killed, by, listed.get(mutant.id)))
    results.sort(key=lambda r: found.index(r.mutant))
    stale = sorted(set(listed) - {m.id for m in found})
    return Report(spec.slug, results, stale, time.monotonic() - started)
