"""REST routes for the candidate's side of mock interviews (/api/v1/interview-sessions/{token}...),
authenticated by the link token alone.

Thin: parse, call the services, shape the answer. The request's session commits when the
handler returns (app.db.get_db); a run or submit is enqueued only after that commit.
"""

import functools
from typing import Annotated

from fastapi import APIRouter, Path, Request
from sqlalchemy.orm import Session

from app.api_errors import ERROR_RESPONSES
from app.catalog.deps import get_catalog
from app.db import RowId, SessionDep, after_commit
from app.errors import Conflict
from app.interviews import candidates, rules, service, views
from app.interviews.schemas import (
    CandidateCode,
    CandidateEvent,
    CandidateSubmit,
    CandidateView,
    SnapshotOut,
)
from app.models import Interview, User
from app.submissions.schemas import Accepted, SubmissionOut
from app.users.deps import ApiUser, OptionalUser
from app.web import grading_unavailable

router = APIRouter(prefix="/api/v1", tags=["interviews"], responses=ERROR_RESPONSES)
Token = Annotated[str, Path(min_length=rules.TOKEN_MIN_CHARS, max_length=rules.TOKEN_MAX_CHARS)]
# Positions up to 10 pass (and are a 404 when the interview has no such question), as before.
QuestionPosition = Annotated[int, Path(ge=0, le=10)]


def _view(request: Request, db: Session, interview: Interview, user: User | None) -> CandidateView:
    return CandidateView(
        **views.candidate_view(db, interview, get_catalog(request), user),
        grading_unavailable=grading_unavailable(request),
    )


@router.get("/interview-sessions/{token}", response_model=CandidateView)
def candidate_view(
    request: Request, token: Token, db: SessionDep, user: OptionalUser
) -> CandidateView:
    """The candidate's page: the lobby before the start, then the questions and the clock.

    Opening it records "joined" once; it never makes an account."""
    interview = service.for_candidate(db, token=token)
    candidates.mark_joined(db, interview=interview)
    return _view(request, db, interview, user)


@router.put("/interview-sessions/{token}/code/{position}", status_code=204)
def save_code(
    token: Token, position: QuestionPosition, body: CandidateCode, db: SessionDep
) -> None:
    """Keep the candidate's code as they type (413 past the code size limit)."""
    interview = service.for_candidate(db, token=token)
    candidates.save_code(db, interview=interview, position=position, code=body.code)


@router.post("/interview-sessions/{token}/events", status_code=204)
def candidate_event(token: Token, body: CandidateEvent, db: SessionDep) -> None:
    interview = service.for_candidate(db, token=token)
    candidates.record_event(
        db, interview=interview, kind=body.kind, position=body.position, chars=body.chars
    )


@router.post("/interview-sessions/{token}/submissions", status_code=202, response_model=Accepted)
def candidate_submit(
    request: Request, token: Token, body: CandidateSubmit, db: SessionDep, user: OptionalUser
) -> Accepted:
    """A run or submit (413 past the code size limit); graded once this request commits."""
    settings = request.app.state.settings
    interview = service.for_candidate(db, token=token)
    submission = candidates.submit(
        db,
        interview=interview,
        signed_in=user,
        position=body.position,
        code=body.code,
        mode=body.mode,
        per_minute=settings.submissions_per_minute,
        max_pending=settings.max_pending_per_user,
    )
    after_commit(db, functools.partial(request.app.state.queue.enqueue, submission.id))
    return Accepted(id=submission.id, status=submission.status)


@router.post("/interview-sessions/{token}/claim", response_model=CandidateView)
def claim(request: Request, token: Token, db: SessionDep, user: ApiUser) -> CandidateView:
    """ "This is me": credit the signed-in account (its own session or token) with this interview."""
    interview = service.for_candidate(db, token=token)
    candidates.claim(db, interview=interview, user=user)
    candidates.mark_joined(db, interview=interview)
    return _view(request, db, interview, user)


@router.get("/interview-sessions/{token}/snapshots/{snapshot_id}", response_model=SnapshotOut)
def candidate_snapshot(token: Token, snapshot_id: RowId, db: SessionDep) -> SnapshotOut:
    """The candidate's replay, once the interview has ended."""
    interview = service.for_candidate(db, token=token)
    if interview.state != "ended":
        raise Conflict("The replay opens when the interview has ended.")
    found = views.snapshot(db, interview=interview, snapshot_id=snapshot_id)
    return SnapshotOut.model_validate(found, from_attributes=True)


@router.get("/interview-sessions/{token}/submissions", response_model=list[SubmissionOut])
def candidate_submissions(token: Token, db: SessionDep) -> list[SubmissionOut]:
    """The candidate's runs and submits, with what they may see of hidden cases."""
    interview = service.for_candidate(db, token=token)
    questions = service.questions(db, interview=interview)
    return views.submissions(db, interview, questions, candidate_view=True)
