"""REST routes for the proctor's side of mock interviews (/api/v1/interviews...).

Thin: parse, call the services, shape the answer. The request's session commits when the
handler returns (app.db.get_db); nothing here commits.
"""

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request, status
from sqlalchemy.orm import Session

from app.api_errors import ERROR_RESPONSES
from app.catalog import service as catalog
from app.catalog.deps import CatalogDep
from app.catalog.service import spec_of
from app.db import RowId, SessionDep
from app.errors import Conflict
from app.interviews import links, service, views
from app.interviews.schemas import (
    Created,
    EventOut,
    HintReleased,
    InterviewCreate,
    InterviewOut,
    LinkOut,
    Notes,
    Position,
    ProctorView,
    Scorecard,
    Seconds,
    SnapshotOut,
)
from app.models import Interview, User
from app.users.deps import ApiUser

router = APIRouter(prefix="/api/v1", tags=["interviews"], responses=ERROR_RESPONSES)


def _secret(request: Request) -> str:
    return str(request.app.state.settings.secret_key)


@router.post("/interviews", status_code=status.HTTP_201_CREATED, response_model=Created)
def create_interview(
    request: Request, body: InterviewCreate, db: SessionDep, user: ApiUser
) -> Created:
    problem_ids = [catalog.get_problem(db, slug=slug).id for slug in body.problems]
    interview, token = service.create(
        db,
        proctor=user,
        secret=_secret(request),
        title=body.title,
        problem_ids=problem_ids,
        duration_s=body.duration_s,
        allow_run=body.allow_run,
        show_hidden_diagnostics=body.show_hidden_diagnostics,
        link_valid_s=body.link_valid_hours * 3600,
    )
    return Created(**views.summary_of(db, interview), candidate_link=links.link_url(request, token))


@router.get("/interviews/{interview_id}/link", response_model=LinkOut)
def get_link(request: Request, interview_id: RowId, db: SessionDep, user: ApiUser) -> LinkOut:
    """The candidate link again (409 when it cannot be shown: rotate it)."""
    interview = service.for_proctor(db, user=user, interview_id=interview_id)
    token = links.link_token(interview, secret=_secret(request))
    if token is None:
        raise Conflict("This link cannot be shown again; rotate it to get a new one.")
    return LinkOut(candidate_link=links.link_url(request, token))


@router.post("/interviews/{interview_id}/link/rotate", response_model=LinkOut)
def rotate_link(request: Request, interview_id: RowId, db: SessionDep, user: ApiUser) -> LinkOut:
    """A new candidate link; the old one stops working at once."""
    interview = service.for_proctor(db, user=user, interview_id=interview_id)
    token = service.rotate_link(db, interview=interview, secret=_secret(request))
    return LinkOut(candidate_link=links.link_url(request, token))


@router.get("/interviews", response_model=list[InterviewOut])
def list_interviews(db: SessionDep, user: ApiUser) -> list[InterviewOut]:
    return [
        InterviewOut(**views.summary_of(db, i)) for i in service.list_for_proctor(db, user=user)
    ]


@router.get("/interviews/{interview_id}", response_model=ProctorView)
def get_interview(interview_id: RowId, db: SessionDep, user: ApiUser) -> ProctorView:
    interview = service.for_proctor(db, user=user, interview_id=interview_id)
    view = views.proctor_view(db, interview)
    view["events"] = [EventOut.model_validate(e, from_attributes=True) for e in view["events"]]
    return ProctorView(**view)


def _transition(
    db: Session, user: User, interview_id: int, change: Callable[..., Any]
) -> InterviewOut:
    interview: Interview = service.for_proctor(db, user=user, interview_id=interview_id)
    change(db, interview=interview)
    return InterviewOut(**views.summary_of(db, interview))


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
    return InterviewOut(**views.summary_of(db, interview))


@router.post("/interviews/{interview_id}/hints", response_model=HintReleased)
def release_hint(
    interview_id: RowId, body: Position, db: SessionDep, user: ApiUser, catalog: CatalogDep
) -> HintReleased:
    """Show the candidate the next hint of one question (409 when none is left)."""
    interview = service.for_proctor(db, user=user, interview_id=interview_id)
    _, problem = service.question_at(db, interview=interview, position=body.position)
    hints = len(spec_of(catalog, problem).meta.hints)
    released = service.release_hint(
        db, interview=interview, position=body.position, available=hints
    )
    return HintReleased(position=body.position, released=released, of=hints)


@router.get("/interviews/{interview_id}/snapshots/{snapshot_id}", response_model=SnapshotOut)
def get_snapshot(
    interview_id: RowId, snapshot_id: RowId, db: SessionDep, user: ApiUser
) -> SnapshotOut:
    """One snapshot of the candidate's code, for the report's replay."""
    interview = service.for_proctor(db, user=user, interview_id=interview_id)
    found = views.snapshot(db, interview=interview, snapshot_id=snapshot_id)
    return SnapshotOut.model_validate(found, from_attributes=True)


@router.put("/interviews/{interview_id}/notes", response_model=Notes)
def put_notes(interview_id: RowId, body: Notes, db: SessionDep, user: ApiUser) -> Notes:
    interview = service.for_proctor(db, user=user, interview_id=interview_id)
    service.set_notes(db, interview=interview, notes=body.notes)
    return body


@router.put("/interviews/{interview_id}/scorecard", response_model=Scorecard)
def put_scorecard(interview_id: RowId, body: Scorecard, db: SessionDep, user: ApiUser) -> Scorecard:
    """Rate every rubric criterion and recommend; answers with the scorecard as stored."""
    interview = service.for_proctor(db, user=user, interview_id=interview_id)
    ratings = {k: v.model_dump() for k, v in body.ratings.items()}
    service.set_scorecard(
        db, interview=interview, ratings=ratings, recommendation=body.recommendation
    )
    return Scorecard.model_validate(interview.scorecard)
