"""API shapes for mock interviews, the proctor's and the candidate's. Limits come from `rules`."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from app.catalog.service import MAX_CODE_BYTES
from app.interviews import rules
from app.judge.kinds import Mode
from app.models import InterviewState
from app.submissions.schemas import SubmissionOut

# --- the proctor's side ----------------------------------------------------------------------


class InterviewCreate(BaseModel):
    title: str = Field(min_length=1, max_length=rules.MAX_TITLE_CHARS)
    problems: list[str] = Field(min_length=1, max_length=rules.MAX_QUESTIONS)
    duration_s: int = Field(ge=rules.MIN_DURATION_S, le=rules.MAX_DURATION_S)
    allow_run: bool = True
    show_hidden_diagnostics: bool = False
    link_valid_hours: int = Field(
        rules.DEFAULT_LINK_VALID_HOURS,
        ge=1,
        le=rules.MAX_LINK_VALID_HOURS,
        description="the candidate link expires then",
    )


class InterviewOut(BaseModel):
    id: int
    title: str
    state: InterviewState
    duration_s: int
    started_at: datetime | None
    ends_at: datetime | None
    ended_at: datetime | None
    remaining_s: float | None
    allow_run: bool
    show_hidden_diagnostics: bool
    link_revoked: bool
    link_expires_at: datetime
    problems: list[str]


class Created(InterviewOut):
    candidate_link: str = Field(description="shown once: send it to the candidate")


class LinkOut(BaseModel):
    candidate_link: str


class EventOut(BaseModel):
    at: datetime
    kind: str
    position: int | None
    data: dict[str, Any] | None


class ProctorView(InterviewOut):
    notes: str
    scorecard: dict[str, Any] | None
    events: list[EventOut]
    code: dict[int, str]
    claimed_by: str | None = Field(description="the account the candidate said was theirs")
    submissions: list[SubmissionOut]


class Seconds(BaseModel):
    seconds: int = Field(ge=1, le=rules.MAX_EXTEND_S)


class Position(BaseModel):
    position: int = Field(ge=0, le=rules.MAX_QUESTIONS)


class HintReleased(BaseModel):
    position: int
    released: int = Field(description="how many of this question's hints the candidate sees now")
    of: int = Field(description="how many hints the question has")


class SnapshotOut(BaseModel):
    id: int
    at: datetime
    position: int
    code: str


class Notes(BaseModel):
    notes: str = Field(max_length=rules.MAX_NOTES_CHARS)


class Rating(BaseModel):
    score: int = Field(ge=rules.MIN_SCORE, le=rules.MAX_SCORE)
    note: str = Field("", max_length=rules.MAX_RATING_NOTE_CHARS)


class Scorecard(BaseModel):
    ratings: dict[str, Rating] = Field(description="one rating per rubric criterion")
    recommendation: rules.Recommendation


# --- the candidate's side --------------------------------------------------------------------


class CandidateQuestion(BaseModel):
    position: int
    slug: str
    title: str
    statement_html: str
    starter: str
    code: str | None
    cpu_seconds: float
    hints: list[str] = Field(description="the hints released so far, Markdown")
    hints_html: list[str]


class CandidateView(BaseModel):
    title: str
    state: InterviewState
    remaining_s: float | None
    duration_s: int
    allow_run: bool
    show_hidden_diagnostics: bool
    question_count: int
    signed_in_as: str | None = Field(description="the account of this request's own session")
    credited_to_you: bool = Field(description="this request's account is the one credited")
    claimed: bool = Field(description="an account said 'this is me'")
    grading_unavailable: str | None = Field(description="why Run and Submit cannot work now")
    questions: list[CandidateQuestion]


class CandidateCode(BaseModel):
    # The size limit (MAX_CODE_BYTES, in UTF-8 bytes) is the service's: a 413, not a 422.
    code: str = Field(description=f"at most {MAX_CODE_BYTES // 1024} KiB")


class CandidateSubmit(BaseModel):
    position: int = Field(ge=0, le=rules.MAX_QUESTIONS)
    code: str = Field(description=f"at most {MAX_CODE_BYTES // 1024} KiB")
    mode: Mode = Mode.submit


class CandidateEvent(BaseModel):
    kind: Literal["focus_lost", "focus_regained", "large_paste", "left", "switched_question"]
    position: int | None = Field(None, ge=0, le=rules.MAX_QUESTIONS)
    chars: int | None = Field(None, ge=0, le=rules.MAX_PASTE_CHARS)
