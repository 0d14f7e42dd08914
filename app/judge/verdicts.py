"""Grade results: per-case reports and the verdict, as plain data for the database, CLI and API."""

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from app.models import Verdict

PREVIEW_ITEMS = 200


def preview(value: Any) -> Any:
    """A JSON-safe view of an input or output for the Run panel; big arrays are summarised."""
    if isinstance(value, np.ndarray):
        if value.size <= PREVIEW_ITEMS:
            return {
                "array": _plain(value.tolist()),
                "shape": list(value.shape),
                "dtype": str(value.dtype),
            }
        flat = value.reshape(-1)[:8]
        return {
            "shape": list(value.shape),
            "dtype": str(value.dtype),
            "head": _plain(flat.tolist()),
        }
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, dict):
        return {str(k): preview(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [preview(v) for v in value[:PREVIEW_ITEMS]]
    return _plain(value)


def _plain(value: Any) -> Any:
    # JSON has no NaN or infinities: spell them out.
    if isinstance(value, float) and not np.isfinite(value):
        return str(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return repr(value)[:200]


@dataclass
class CaseReport:
    name: str
    hidden: bool
    passed: bool
    diagnostic: str = ""
    seconds: float | None = None
    # Sample cases only: inputs, expected and got. Hidden cases never carry expected values.
    details: dict[str, Any] | None = None
    error: bool = False  # the case raised, rather than returning a wrong value


@dataclass
class GradeResult:
    verdict: Verdict
    cases: list[CaseReport] = field(default_factory=list)
    detail: str = ""
    stdout: str = ""
    stderr: str = ""
    seconds: float = 0.0

    @property
    def passed(self) -> int:
        return sum(1 for c in self.cases if c.passed)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["verdict"] = self.verdict.value
        data["cases_passed"] = self.passed
        data["cases_total"] = len(self.cases)
        return data
