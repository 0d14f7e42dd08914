"""REST routes for submissions: create (202), read (with long-poll), list (cursor pages)."""

import functools
from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.api_errors import ERROR_RESPONSES
from app.catalog import service as catalog
from app.db import MAX_ID, RowId, SessionDep, after_commit, in_session
from app.errors import Invalid, NotFound
from app.models import Problem, Submission, SubmissionStatus
from app.submissions import service
from app.submissions.schemas import Accepted, SubmissionCreate, SubmissionOut, SubmissionPage
from app.users.deps import ApiUser, BearerCredentials, api_user

router = APIRouter(prefix="/api/v1", tags=["submissions"], responses=ERROR_RESPONSES)
MAX_WAIT_S = 30.0


def _slug(db: Session, problem_id: int) -> str:
    problem = db.get(Problem, problem_id)
    return problem.slug if problem else ""


@router.post("/submissions", status_code=status.HTTP_202_ACCEPTED, response_model=Accepted)
def create_submission(
    request: Request, body: SubmissionCreate, db: SessionDep, user: ApiUser
) -> Accepted:
    """Queue code for grading. Poll `GET /submissions/{id}?wait=N` for the verdict."""
    settings = request.app.state.settings
    problem = catalog.get_problem(db, slug=body.problem)  # the version the last sync wrote
    service.check_pending(db, user_id=user.id, limit=settings.max_pending_per_user)
    service.check_rate(db, user_id=user.id, per_minute=settings.submissions_per_minute)
    submission = service.create_submission(
        db,
        user_id=user.id,
        problem_id=problem.id,
        problem_version=problem.version,
        code=body.code,
        mode=body.mode,
    )
    # The job exists only once its row is committed, and never if the transaction rolls back.
    after_commit(db, functools.partial(request.app.state.queue.enqueue, submission.id))
    return Accepted(id=submission.id, status=submission.status)


def _read(db: Session, user_id: int, submission_id: int) -> SubmissionOut:
    found = db.execute(
        select(Submission, Problem.slug)
        .join(Problem, Problem.id == Submission.problem_id)
        .where(Submission.id == submission_id, Submission.user_id == user_id)
    ).first()
    if found is None:  # someone else's is as missing as one that never existed
        raise NotFound("No such submission.")
    submission, slug = found
    done = submission.status == SubmissionStatus.done
    cases = service.case_results(db, submission_id=submission.id) if done else []
    return SubmissionOut.of(submission, slug, cases)


@router.get("/submissions/{submission_id}", response_model=SubmissionOut)
async def get_submission(
    request: Request,
    submission_id: RowId,
    credentials: BearerCredentials,
    wait: Annotated[
        float, Query(ge=0, le=MAX_WAIT_S, description="seconds to wait for the verdict")
    ] = 0,
) -> SubmissionOut:
    """A submission with its verdict and cases. `wait` holds the answer until the verdict is in
    (or `wait` seconds have passed): no polling loop needed, and waiting costs the server nothing
    (no thread, no database connection)."""

    def authenticate_and_read(db: Session) -> tuple[int, SubmissionOut]:
        user = api_user(request, db, credentials)
        return user.id, _read(db, user.id, submission_id)

    user_id, found = await in_session(request, authenticate_and_read)
    if found.status != SubmissionStatus.done and wait > 0:
        await request.app.state.waiters.wait(
            user_id=user_id, submission_id=submission_id, timeout=wait
        )
        found = await request.app.state.waiters.read_once(
            (user_id, submission_id),
            lambda: in_session(request, lambda db: _read(db, user_id, submission_id)),
        )
    return found


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
