"""A problem's trusted side on the host: its cases, its reference, and cached reference outputs."""

import importlib.util
import sys
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from app.judge import casekit
from app.judge.casekit import Case, Outputs
from app.judge.kinds import Mode
from app.judge.spec import CatalogError, ProblemSpec, load_problem

# What the sandbox runner calls: cases.py followed by this line (cases.py imports casekit itself).
PROGRAM_TRAILER = "\n\nimport casekit as _casekit\nrun_case = _casekit.case_runner(CASES)\n"


def load_module(name: str, path: Path) -> ModuleType:
    # cases.py does `import casekit`; on the host that is this package's copy of the same file.
    sys.modules.setdefault("casekit", casekit)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class GradedProblem:
    spec: ProblemSpec
    cases: list[Case]
    reference: ModuleType
    program: str
    reference_source: str  # what a box rehearses its case program with (app.sandbox.box)
    _expected: dict[str, Outputs] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def selected(self, mode: Mode) -> list[Case]:
        return [c for c in self.cases if mode == Mode.submit or c.sample]

    def expected(self, case: Case) -> Outputs:
        """The reference's outputs for a case, computed once per problem version and read-only
        from then on: a check that wrote into them would change every later verdict."""
        with self._lock:
            if case.name not in self._expected:
                self._expected[case.name] = _read_only(case.execute(self.reference))
            return self._expected[case.name]


def _read_only(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif isinstance(value, dict):
        for item in value.values():
            _read_only(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _read_only(item)
    return value


@lru_cache(maxsize=64)
def _load(path: Path, version: str, slug: str) -> GradedProblem:
    spec = load_problem(path)
    if spec.version != version:  # edited on disk since the catalog read it
        raise CatalogError(f"{slug}: the folder changed since version {version[:12]} was loaded")
    tag = f"{slug.replace('-', '_')}_{version[:12]}"
    cases_module = load_module(f"dli_cases_{tag}", path / "cases.py")
    cases = list(cases_module.CASES)
    names = [c.name for c in cases]
    if len(set(names)) != len(names):
        raise ValueError(f"{slug}: case names must be unique")
    return GradedProblem(
        spec=spec,
        cases=cases,
        reference=load_module(f"dli_reference_{tag}", path / "reference.py"),
        program=(path / "cases.py").read_text() + PROGRAM_TRAILER,
        reference_source=(path / "reference.py").read_text(),
    )


_LOAD_LOCK = threading.Lock()


def graded_problem(spec: ProblemSpec) -> GradedProblem:
    """Cached by folder version: an edited problem is reloaded, an unchanged one is not."""
    with _LOAD_LOCK:  # one load per version, and no concurrent compile() (see grader._PARSE_LOCK)
        return _load(spec.path, spec.version, spec.slug)
