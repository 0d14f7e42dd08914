"""API shapes for submissions."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from app.judge.kinds import Mode, Verdict
from app.models import CaseResult, Submission, SubmissionStatus


class SubmissionCreate(BaseModel):
    problem: str = Field(min_length=1, max_length=64, description="the problem's slug")
    code: str = Field(description="the whole Python source; at most 64 KiB")
    mode: Mode = Field(Mode.submit, description="run: sample cases only; submit: every case")


class Accepted(BaseModel):
    id: int
    status: SubmissionStatus


class CaseOut(BaseModel):
    name: str
    hidden: bool
    passed: bool
    diagnostic: str
    time_s: float | None
    details: dict[str, Any] | None = Field(
        None, description="sample cases only: inputs, expected and got"
    )

    @classmethod
    def of(cls, case: CaseResult) -> "CaseOut":
        return cls(
            name=case.name,
            hidden=case.hidden,
            passed=case.passed,
            diagnostic=case.diagnostic,
            time_s=case.time_s,
            details=None if case.hidden else case.details,
        )


class SubmissionOut(BaseModel):
    id: int
    problem: str
    mode: Mode
    status: SubmissionStatus
    verdict: Verdict | None
    cases_passed: int | None
    cases_total: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    time_s: float | None
    detail: str | None
    stdout: str | None
    stderr: str | None
    code: str
    output_withheld: bool = Field(
        default=False, description="interviews: the output of a Submit goes to the interviewer only"
    )
    cases: list[CaseOut] = []

    @classmethod
    def of(
        cls, sub: Submission, slug: str, cases: list[CaseResult] | None = None
    ) -> "SubmissionOut":
        return cls(
            id=sub.id,
            problem=slug,
            mode=sub.mode,
            status=sub.status,
            verdict=sub.verdict,
            cases_passed=sub.cases_passed,
            cases_total=sub.cases_total,
            created_at=sub.created_at,
            started_at=sub.started_at,
            finished_at=sub.finished_at,
            time_s=sub.time_s,
            detail=sub.detail,
            stdout=sub.stdout,
            stderr=sub.stderr,
            code=sub.code,
            cases=[CaseOut.of(c) for c in cases or []],
        )


class SubmissionPage(BaseModel):
    items: list[SubmissionOut]
    next_cursor: str | None = Field(None, description="pass as `cursor` for the next page")
