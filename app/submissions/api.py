"""REST routes for submissions: create (202), read (with long-poll), list (cursor pages)."""

import time
from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from sqlalchemy.orm import Session

from app.api_errors import ERROR_RESPONSES
from app.catalog import service as catalog
from app.db import MAX_ID, RowId, SessionDep
from app.errors import Invalid
from app.models import Problem, SubmissionStatus
from app.submissions import service
from app.submissions.schemas import Accepted, SubmissionCreate, SubmissionOut, SubmissionPage
from app.users.deps import ApiUser

router = APIRouter(prefix="/api/v1", tags=["submissions"], responses=ERROR_RESPONSES)
MAX_WAIT_S = 30.0
POLL_S = 0.2


def _slug(db: Session, problem_id: int) -> str:
    problem = db.get(Problem, problem_id)
    return problem.slug if problem else ""


@router.post("/submissions", status_code=status.HTTP_202_ACCEPTED, response_model=Accepted)
def create_submission(
    request: Request, body: SubmissionCreate, db: SessionDep, user: ApiUser
) -> Accepted:
    """Queue code for grading. Poll `GET /submissions/{id}?wait=N` for the verdict."""
    settings = request.app.state.settings
    problem = catalog.get_problem(db, slug=body.problem)
    service.check_rate(db, user_id=user.id, per_minute=settings.submissions_per_minute)
    submission = service.create_submission(
        db,
        user_id=user.id,
        problem_id=problem.id,
        problem_version=problem.version,
        code=body.code,
        mode=body.mode,
    )
    # The row is committed before the job exists, so a crash between the two loses nothing.
    db.commit()
    request.app.state.queue.enqueue(submission.id)
    return Accepted(id=submission.id, status=submission.status)


@router.get("/submissions/{submission_id}", response_model=SubmissionOut)
def get_submission(
    request: Request,
    submission_id: RowId,
    db: SessionDep,
    user: ApiUser,
    wait: Annotated[
        float, Query(ge=0, le=MAX_WAIT_S, description="seconds to wait for the verdict")
    ] = 0,
) -> SubmissionOut:
    submission = service.get_own(db, user_id=user.id, submission_id=submission_id)
    # End this request's transaction before waiting: it must hold no lock the grader needs.
    db.commit()
    deadline = time.monotonic() + wait
    while submission.status != SubmissionStatus.done and time.monotonic() < deadline:
        time.sleep(POLL_S)
        # A fresh session per poll: a long-lived read transaction would never see the verdict.
        with request.app.state.sessionmaker() as poll:
            fresh = poll.get(type(submission), submission_id)
            if fresh is not None and fresh.status == SubmissionStatus.done:
                break
    db.expire_all()
    submission = service.get_own(db, user_id=user.id, submission_id=submission_id)
    cases = service.case_results(db, submission_id=submission.id)
    return SubmissionOut.of(submission, _slug(db, submission.problem_id), cases)


@router.get("/submissions", response_model=SubmissionPage)
def list_submissions(
    db: SessionDep,
    user: ApiUser,
    problem: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[
        str | None,
        Query(pattern=r"^[0-9]{1,19}$", description="the next_cursor of a previous page (digits)"),
    ] = None,
) -> SubmissionPage:
    """Your submissions, newest first."""
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
    if cursor is not None and int(cursor) > MAX_ID:
        raise Invalid("cursor: pass the next_cursor of a previous page")
    problem_id = catalog.get_problem(db, slug=problem).id if problem else None
    rows = service.list_own(
        db,
        user_id=user.id,
        problem_id=problem_id,
        limit=limit + 1,
        before_id=int(cursor) if cursor else None,
    )
    page, more = rows[:limit], len(rows) > limit
    slugs = {p: _slug(db, p) for p in {s.problem_id for s in page}}
    return SubmissionPage(
        items=[SubmissionOut.of(s, slugs[s.problem_id]) for s in page],
        next_cursor=str(page[-1].id) if more else None,
    )
