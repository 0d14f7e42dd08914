"""REST routes for mock interviews: the proctor's side (/interviews) and the candidate's
(/interview-sessions/{token}, authenticated by the link token alone)."""

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Request, status
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.api_errors import ERROR_RESPONSES
from app.catalog import service as catalog
from app.db import RowId, SessionDep, after_commit
from app.errors import Conflict, Forbidden
from app.interviews import service
from app.judge.kinds import Mode
from app.judge.spec import cached_catalog
from app.markdown import to_html
from app.models import Interview, InterviewState, Submission, User, utcnow
from app.submissions import service as submissions
from app.submissions.schemas import Accepted, SubmissionOut
from app.users.deps import ApiUser, OptionalUser
from app.web import grading_unavailable

router = APIRouter(prefix="/api/v1", tags=["interviews"], responses=ERROR_RESPONSES)
Token = Annotated[str, Path(min_length=20, max_length=100)]


class InterviewCreate(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    problems: list[str] = Field(min_length=1, max_length=service.MAX_QUESTIONS)
    duration_s: int = Field(ge=60, le=6 * 3600)
    allow_run: bool = True
    show_hidden_diagnostics: bool = False
    link_valid_hours: int = Field(
        168, ge=1, le=24 * 60, description="the candidate link expires then"
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
    seconds: int = Field(ge=1, le=3600)


class Position(BaseModel):
    position: int = Field(ge=0, le=service.MAX_QUESTIONS)


class Notes(BaseModel):
    notes: str = Field(max_length=50_000)


class Rating(BaseModel):
    score: int = Field(ge=1, le=4)
    note: str = Field("", max_length=2000)


class Scorecard(BaseModel):
    ratings: dict[str, Rating]
    recommendation: Literal["strong_no", "no", "yes", "strong_yes"]


def _remaining(interview: Interview) -> float | None:
    if interview.ends_at is None:
        return None
    if interview.ended_at is not None:
        return 0.0
    return max(0.0, (interview.ends_at - utcnow()).total_seconds())


def _out(db: Session, interview: Interview) -> dict[str, Any]:
    return {
        "id": interview.id,
        "title": interview.title,
        "state": interview.state,
        "duration_s": interview.duration_s,
        "started_at": interview.started_at,
        "ends_at": interview.ends_at,
        "ended_at": interview.ended_at,
        "remaining_s": _remaining(interview),
        "allow_run": interview.allow_run,
        "show_hidden_diagnostics": interview.show_hidden_diagnostics,
        "link_revoked": interview.revoked_at is not None,
        "link_expires_at": interview.link_expires_at,
        "problems": [p.slug for _, p in service.questions(db, interview=interview)],
    }


def _submissions(db: Session, interview: Interview, *, candidate_view: bool) -> list[SubmissionOut]:
    rows = db.scalars(
        select(Submission).where(Submission.interview_id == interview.id).order_by(Submission.id)
    ).all()
    slugs = {p.id: p.slug for _, p in service.questions(db, interview=interview)}
    out = []
    for sub in rows:
        view = SubmissionOut.of(
            sub, slugs.get(sub.problem_id, ""), submissions.case_results(db, submission_id=sub.id)
        )
        if candidate_view and not interview.show_hidden_diagnostics:
            for case in view.cases:
                if case.hidden:
                    case.diagnostic = ""
            if sub.mode == "submit":
                # Hidden cases ran in this submission, and the candidate's code controls what it
                # printed while they did: the output goes to the interviewer only.
                view.stdout = view.stderr = None
                view.output_withheld = True
        out.append(view)
    return out


# --- the proctor's side ----------------------------------------------------------------------


@router.post("/interviews", status_code=status.HTTP_201_CREATED, response_model=Created)
def create_interview(
    request: Request, body: InterviewCreate, db: SessionDep, user: ApiUser
) -> Created:
    problem_ids = [catalog.get_problem(db, slug=slug).id for slug in body.problems]
    interview, token = service.create(
        db,
        proctor=user,
        secret=request.app.state.settings.secret_key,
        title=body.title,
        problem_ids=problem_ids,
        duration_s=body.duration_s,
        allow_run=body.allow_run,
        show_hidden_diagnostics=body.show_hidden_diagnostics,
        link_valid_s=body.link_valid_hours * 3600,
    )
    return Created(**_out(db, interview), candidate_link=_link(request, token))


class LinkOut(BaseModel):
    candidate_link: str


def _link(request: Request, token: str) -> str:
    return str(request.base_url).rstrip("/") + f"/i/{token}"


@router.get("/interviews/{interview_id}/link", response_model=LinkOut)
def get_link(request: Request, interview_id: RowId, db: SessionDep, user: ApiUser) -> LinkOut:
    """The candidate link again (409 when it cannot be shown: rotate it)."""
    interview = service.for_proctor(db, user=user, interview_id=interview_id)
    token = service.link_token(interview, secret=request.app.state.settings.secret_key)
    if token is None:
        raise Conflict("This link cannot be shown again; rotate it to get a new one.")
    return LinkOut(candidate_link=_link(request, token))


@router.post("/interviews/{interview_id}/link/rotate", response_model=LinkOut)
def rotate_link(request: Request, interview_id: RowId, db: SessionDep, user: ApiUser) -> LinkOut:
    """A new candidate link; the old one stops working at once."""
    interview = service.for_proctor(db, user=user, interview_id=interview_id)
    token = service.rotate_link(
        db, interview=interview, secret=request.app.state.settings.secret_key
    )
    return LinkOut(candidate_link=_link(request, token))


@router.get("/interviews", response_model=list[InterviewOut])
def list_interviews(db: SessionDep, user: ApiUser) -> list[InterviewOut]:
    return [InterviewOut(**_out(db, i)) for i in service.list_for_proctor(db, user=user)]


@router.get("/interviews/{interview_id}", response_model=ProctorView)
def get_interview(interview_id: RowId, db: SessionDep, user: ApiUser) -> ProctorView:
    interview = service.for_proctor(db, user=user, interview_id=interview_id)
    return ProctorView(
        **_out(db, interview),
        notes=interview.notes,
        scorecard=interview.scorecard,
        events=[
            EventOut.model_validate(e, from_attributes=True)
            for e in service.events(db, interview=interview)
        ],
        code=service.latest_code(db, interview=interview),
        claimed_by=service.claimed_username(db, interview=interview),
        submissions=_submissions(db, interview, candidate_view=False),
    )


def _transition(db: Session, user: User, interview_id: int, change) -> InterviewOut:  # type: ignore[no-untyped-def]
    interview = service.for_proctor(db, user=user, interview_id=interview_id)
    change(db, interview=interview)
    return InterviewOut(**_out(db, interview))


@router.post("/interviews/{interview_id}/start", response_model=InterviewOut)
def start(interview_id: RowId, db: SessionDep, user: ApiUser) -> InterviewOut:
    """Open the interview: the candidate leaves the lobby and the clock starts."""
    return _transition(db, user, interview_id, service.start)


@router.post("/interviews/{interview_id}/end", response_model=InterviewOut)
def end(interview_id: RowId, db: SessionDep, user: ApiUser) -> InterviewOut:
    return _transition(db, user, interview_id, service.end)


@router.post("/interviews/{interview_id}/revoke", response_model=InterviewOut)
def revoke(interview_id: RowId, db: SessionDep, user: ApiUser) -> InterviewOut:
    """Invalidate the candidate link."""
    return _transition(db, user, interview_id, service.revoke)


@router.post("/interviews/{interview_id}/share", response_model=InterviewOut)
def share(interview_id: RowId, db: SessionDep, user: ApiUser) -> InterviewOut:
    """Let the candidate's report include the scorecard."""
    return _transition(db, user, interview_id, service.share)


@router.post("/interviews/{interview_id}/extend", response_model=InterviewOut)
def extend(interview_id: RowId, body: Seconds, db: SessionDep, user: ApiUser) -> InterviewOut:
    interview = service.for_proctor(db, user=user, interview_id=interview_id)
    service.extend(db, interview=interview, seconds=body.seconds)
    return InterviewOut(**_out(db, interview))


@router.post("/interviews/{interview_id}/hints")
def release_hint(
    request: Request, interview_id: RowId, body: Position, db: SessionDep, user: ApiUser
) -> dict:
    interview = service.for_proctor(db, user=user, interview_id=interview_id)
    _, problem = service.question_at(db, interview=interview, position=body.position)
    spec = cached_catalog(request.app.state.settings.problems_dir)[problem.slug]
    released = service.release_hint(
        db, interview=interview, position=body.position, available=len(spec.meta.hints)
    )
    return {"position": body.position, "released": released, "of": len(spec.meta.hints)}


class SnapshotOut(BaseModel):
    id: int
    at: datetime
    position: int
    code: str


@router.get("/interviews/{interview_id}/snapshots/{snapshot_id}", response_model=SnapshotOut)
def get_snapshot(
    interview_id: RowId, snapshot_id: RowId, db: SessionDep, user: ApiUser
) -> SnapshotOut:
    """One snapshot of the candidate's code, for the report's replay."""
    interview = service.for_proctor(db, user=user, interview_id=interview_id)
    found = service.snapshot(db, interview=interview, snapshot_id=snapshot_id)
    return SnapshotOut.model_validate(found, from_attributes=True)


@router.put("/interviews/{interview_id}/notes")
def put_notes(interview_id: RowId, body: Notes, db: SessionDep, user: ApiUser) -> Notes:
    interview = service.for_proctor(db, user=user, interview_id=interview_id)
    service.set_notes(db, interview=interview, notes=body.notes)
    return body


@router.put("/interviews/{interview_id}/scorecard")
def put_scorecard(interview_id: RowId, body: Scorecard, db: SessionDep, user: ApiUser) -> dict:
    interview = service.for_proctor(db, user=user, interview_id=interview_id)
    ratings = {k: v.model_dump() for k, v in body.ratings.items()}
    service.set_scorecard(
        db, interview=interview, ratings=ratings, recommendation=body.recommendation
    )
    return interview.scorecard or {}


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
    code: str = Field(max_length=64 * 1024)


class CandidateSubmit(BaseModel):
    position: int = Field(ge=0, le=service.MAX_QUESTIONS)
    code: str
    mode: Literal["run", "submit"] = "submit"


class CandidateEvent(BaseModel):
    kind: Literal["focus_lost", "focus_regained", "large_paste", "left", "switched_question"]
    position: int | None = Field(None, ge=0, le=service.MAX_QUESTIONS)
    chars: int | None = Field(None, ge=0, le=10_000_000)


def _mark_joined(db: Session, interview: Interview) -> None:
    """The first time the candidate opens the link (one event, never an account)."""
    if not service.has_event(db, interview=interview, kind="joined"):
        service.record(db, interview=interview, kind="joined")


@router.get("/interview-sessions/{token}", response_model=CandidateView)
def candidate_view(
    request: Request, token: Token, db: SessionDep, user: OptionalUser
) -> CandidateView:
    interview = service.for_candidate(db, token=token)
    _mark_joined(db, interview)
    code = service.latest_code(db, interview=interview)
    catalog_specs = cached_catalog(request.app.state.settings.problems_dir)
    questions = []
    if interview.state != "scheduled":  # the lobby shows no questions before the start
        for question, problem in service.questions(db, interview=interview):
            spec = catalog_specs[problem.slug]
            questions.append(
                CandidateQuestion(
                    position=question.position,
                    slug=problem.slug,
                    title=problem.title,
                    statement_html=to_html(spec.statement),
                    starter=spec.starter,
                    code=code.get(question.position),
                    cpu_seconds=spec.meta.limits.cpu_seconds,
                    hints=spec.meta.hints[: question.hints_released],
                    hints_html=[to_html(h) for h in spec.meta.hints[: question.hints_released]],
                )
            )
    return CandidateView(
        title=interview.title,
        state=interview.state,
        remaining_s=_remaining(interview),
        duration_s=interview.duration_s,
        allow_run=interview.allow_run,
        show_hidden_diagnostics=interview.show_hidden_diagnostics,
        question_count=len(service.questions(db, interview=interview)),
        signed_in_as=user.username if user else None,
        credited_to_you=user is not None and user.id == interview.claimed_by_id,
        claimed=interview.claimed_by_id is not None,
        grading_unavailable=grading_unavailable(request),
        questions=questions,
    )


@router.put("/interview-sessions/{token}/code/{position}", status_code=204)
def save_code(
    token: Token, position: Annotated[int, Path(ge=0, le=10)], body: CandidateCode, db: SessionDep
) -> None:
    interview = service.for_candidate(db, token=token)
    service.save_code(db, interview=interview, position=position, code=body.code)


@router.post("/interview-sessions/{token}/events", status_code=204)
def candidate_event(token: Token, body: CandidateEvent, db: SessionDep) -> None:
    interview = service.for_candidate(db, token=token)
    service.require_live(interview)
    data = {"chars": body.chars} if body.chars is not None else None
    service.record(db, interview=interview, kind=body.kind, position=body.position, data=data)


@router.post("/interview-sessions/{token}/submissions", status_code=202, response_model=Accepted)
def candidate_submit(
    request: Request, token: Token, body: CandidateSubmit, db: SessionDep, user: OptionalUser
) -> Accepted:
    interview = service.for_candidate(db, token=token)
    service.require_live(interview)
    if body.mode == "run" and not interview.allow_run:
        raise Forbidden("Run is turned off in this interview; Submit instead.")
    _, problem = service.question_at(db, interview=interview, position=body.position)
    service.check_submission_rate(
        db,
        interview=interview,
        per_minute=request.app.state.settings.submissions_per_minute,
    )
    candidate = service.submitter(db, interview=interview, signed_in=user)
    submissions.check_pending(
        db, user_id=candidate.id, limit=request.app.state.settings.max_pending_per_user
    )
    submission = submissions.create_submission(
        db,
        user_id=candidate.id,
        problem_id=problem.id,
        problem_version=problem.version,
        code=body.code,
        mode=Mode(body.mode),
    )
    submission.interview_id = interview.id
    service.save_code(db, interview=interview, position=body.position, code=body.code)
    service.record(
        db,
        interview=interview,
        kind="ran" if body.mode == "run" else "submitted",
        position=body.position,
        data={"submission": submission.id},
    )
    queue, submission_id = request.app.state.queue, submission.id
    after_commit(db, lambda: queue.enqueue(submission_id))
    return Accepted(id=submission.id, status=submission.status)


@router.post("/interview-sessions/{token}/claim", response_model=CandidateView)
def claim(request: Request, token: Token, db: SessionDep, user: ApiUser) -> CandidateView:
    """ "This is me": credit the signed-in account (its own session or token) with this interview."""
    interview = service.for_candidate(db, token=token)
    service.claim(db, interview=interview, user=user)
    return candidate_view(request, token, db, user)


@router.get("/interview-sessions/{token}/snapshots/{snapshot_id}", response_model=SnapshotOut)
def candidate_snapshot(token: Token, snapshot_id: RowId, db: SessionDep) -> SnapshotOut:
    """The candidate's replay, once the interview has ended."""
    interview = service.for_candidate(db, token=token)
    if interview.state != "ended":
        raise Conflict("The replay opens when the interview has ended.")
    found = service.snapshot(db, interview=interview, snapshot_id=snapshot_id)
    return SnapshotOut.model_validate(found, from_attributes=True)


@router.get("/interview-sessions/{token}/submissions", response_model=list[SubmissionOut])
def candidate_submissions(token: Token, db: SessionDep) -> list[SubmissionOut]:
    interview = service.for_candidate(db, token=token)
    return _submissions(db, interview, candidate_view=True)
