"""Grade results: per-case reports and the verdict, as plain data for the database, CLI and API.

Much of a result is built from what the candidate's code returned, so everything stored is bounded
here: previews have a budget of values, texts have a length, and invisible characters that could
disguise text (bidirectional overrides, zero-width spaces) are shown as visible escapes.
"""

import re
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from app.judge.kinds import Verdict

VERDICT_WORDS = {
    Verdict.accepted: "Accepted",
    Verdict.wrong_answer: "Wrong answer",
    Verdict.runtime_error: "Runtime error",
    Verdict.time_limit_exceeded: "Time limit exceeded",
    Verdict.memory_limit_exceeded: "Memory limit exceeded",
    Verdict.output_limit_exceeded: "Output limit exceeded",
    Verdict.compile_error: "Compile error",
    Verdict.internal_error: "Internal error",
}
PREVIEW_ITEMS = 200  # arrays up to this size are shown whole
PREVIEW_BUDGET = 2000  # values in one case's inputs + expected + got
PREVIEW_DEPTH = 6
PREVIEW_STRING = 200
MAX_DIAGNOSTIC = 2000
MAX_DETAIL = 4000
# Bidirectional controls and zero-width characters: they can make a diagnostic or output read
# differently from what it is (the "Trojan Source" trick), so they are made visible.
_INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def visible(text: str, limit: int) -> str:
    """At most `limit` characters, with invisible formatting characters shown as <U+XXXX>."""
    text = _INVISIBLE.sub(lambda m: f"<U+{ord(m.group()):04X}>", text[:limit])
    return text[:limit]


class _Budget:
    def __init__(self, values: int) -> None:
        self.values = values

    def take(self, count: int) -> bool:
        self.values -= count
        return self.values >= 0


def preview(value: Any, budget: _Budget | None = None, depth: int = 0) -> Any:
    """A JSON-safe, bounded view of an input or output for the Run panel; big arrays are summarised."""
    budget = budget or _Budget(PREVIEW_BUDGET)
    if depth > PREVIEW_DEPTH:
        return "..."
    if isinstance(value, np.ndarray):
        shape, dtype = list(value.shape), str(value.dtype)
        if value.size <= PREVIEW_ITEMS and budget.take(value.size):
            return {"array": _plain(value.tolist()), "shape": shape, "dtype": dtype}
        head = value.reshape(-1)[:8]
        budget.take(len(head))
        return {"shape": shape, "dtype": dtype, "head": _plain(head.tolist())}
    if isinstance(value, np.generic):
        budget.take(1)
        return _plain(value.item())
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in list(value.items())[:50]:
            if not budget.take(1):
                out["..."] = f"{len(value) - len(out)} more"
                break
            out[str(key)[:PREVIEW_STRING]] = preview(item, budget, depth + 1)
        return out
    if isinstance(value, list | tuple):
        items = []
        for item in value[:PREVIEW_ITEMS]:
            if not budget.take(1):
                break
            items.append(preview(item, budget, depth + 1))
        if len(items) < len(value):
            items.append(f"... {len(value) - len(items)} more")
        return items
    budget.take(1)
    return _plain(value)


def _plain(value: Any) -> Any:
    # JSON has no NaN or infinities: spell them out.
    if isinstance(value, float) and not np.isfinite(value):
        return str(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return visible(value, PREVIEW_STRING)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 1 << 63:
        return str(value)[:40] + "..."  # a huge integer: its first digits are enough
    if isinstance(value, int | float | bool) or value is None:
        return value
    return repr(value)[:PREVIEW_STRING]


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

    def bounded(self, output_chars: int) -> "GradeResult":
        """The same result with every text capped and made visible (applied before storing)."""
        self.detail = visible(self.detail, MAX_DETAIL)
        self.stdout = visible(self.stdout, output_chars)
        self.stderr = visible(self.stderr, output_chars)
        for case in self.cases:
            case.diagnostic = visible(case.diagnostic, MAX_DIAGNOSTIC)
        return self

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["verdict"] = self.verdict.value
        data["cases_passed"] = self.passed
        data["cases_total"] = len(self.cases)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "GradeResult":
        """Rebuild a result sent by the judge process (see app.judge.isolation)."""
        cases = [
            CaseReport(
                name=str(c["name"]),
                hidden=bool(c["hidden"]),
                passed=bool(c["passed"]),
                diagnostic=str(c["diagnostic"]),
                seconds=None if c["seconds"] is None else float(c["seconds"]),
                details=c["details"] if isinstance(c["details"], dict) else None,
                error=bool(c["error"]),
            )
            for c in data["cases"]
        ]
        return cls(
            verdict=Verdict(data["verdict"]),
            cases=cases,
            detail=str(data["detail"]),
            stdout=str(data["stdout"]),
            stderr=str(data["stderr"]),
            seconds=float(data["seconds"]),
        )
