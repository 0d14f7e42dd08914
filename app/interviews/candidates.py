"""The candidate's side of an interview: joining, code saves, events, "this is me", and runs and
submits made with the link (owned by the claimed account or by the interview's guest account).

Keyword-only, never commit: the caller owns the transaction.
"""

import secrets
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import ratelimit
from app.catalog.service import check_code_size
from app.errors import Conflict, Forbidden
from app.interviews import service
from app.interviews.rules import MAX_SNAPSHOTS, SNAPSHOTS_PER_MINUTE
from app.judge.kinds import Mode
from app.models import (
    CodeSnapshot,
    Interview,
    InterviewEvent,
    InterviewState,
    Role,
    Submission,
    User,
)
from app.submissions import service as submissions


def mark_joined(db: Session, *, interview: Interview) -> None:
    """The first time the candidate opens the link: one "joined" event, and never an account
    (a guest account is made on the first run or submit, see `submitter`)."""
    stmt = select(InterviewEvent.id).where(
        InterviewEvent.interview_id == interview.id, InterviewEvent.kind == "joined"
    )
    if db.scalar(stmt.limit(1)) is None:
        service.record(db, interview=interview, kind="joined")


def save_code(db: Session, *, interview: Interview, position: int, code: str) -> None:
    """Keep the candidate's current code, and a replay snapshot when it changed (capped)."""
    service.require_live(interview)
    check_code_size(code)
    question, _ = service.question_at(db, interview=interview, position=position)
    if question.latest_code == code:
        return  # nothing new: no write, no snapshot
    ratelimit.hit(
        db,
        key=f"interview-code:{interview.id}",
        limit=SNAPSHOTS_PER_MINUTE,
        window_s=60,
        what=f"at most {SNAPSHOTS_PER_MINUTE} code saves a minute",
    )
    question.latest_code = code
    kept = db.scalar(select(func.count()).where(CodeSnapshot.interview_id == interview.id))
    if (kept or 0) < MAX_SNAPSHOTS:
        db.add(CodeSnapshot(interview_id=interview.id, position=position, code=code))
    db.flush()


def record_event(
    db: Session, *, interview: Interview, kind: str, position: int | None, chars: int | None
) -> None:
    """What the candidate's page reports (focus lost, a large paste...), while the clock runs."""
    service.require_live(interview)
    data: dict[str, Any] | None = {"chars": chars} if chars is not None else None
    service.record(db, interview=interview, kind=kind, position=position, data=data)


def claim(db: Session, *, interview: Interview, user: User) -> Interview:
    """The candidate, signed in, says "this is me": their account is credited from now on, for
    requests that carry its session (the link alone never acts as the account)."""
    if interview.state == InterviewState.ended:
        raise Conflict("The interview has ended.")
    if user.id == interview.proctor_id:
        raise Conflict("The interviewer cannot be the candidate.")
    if interview.claimed_by_id not in (None, user.id):
        raise Conflict("Another account already took this interview.")
    if interview.claimed_by_id is None:
        interview.claimed_by_id = user.id
        service.record(db, interview=interview, kind="claimed", data={"username": user.username})
    return interview


def submitter(db: Session, *, interview: Interview, signed_in: User | None) -> User:
    """Who owns a submission made with the link: the claimed account if this request carries
    its session, otherwise the interview's guest account (made on the first submission)."""
    if signed_in is not None and signed_in.id == interview.claimed_by_id:
        return signed_in
    if interview.candidate_id is None:
        guest = User(
            username=f"guest-{secrets.token_hex(6)}",
            password_hash="!",  # no password can match: guests never sign in
            role=Role.user,
        )
        db.add(guest)
        db.flush()
        interview.candidate_id = guest.id
    guest_user = db.get(User, interview.candidate_id)
    assert guest_user is not None
    return guest_user


def submit(
    db: Session,
    *,
    interview: Interview,
    signed_in: User | None,
    position: int,
    code: str,
    mode: Mode,
    per_minute: int,
    max_pending: int,
) -> Submission:
    """A run or submit of one question's code: queued (the caller enqueues it after the commit),
    the code kept as the question's current code, and an event on the timeline."""
    service.require_live(interview)
    if mode == Mode.run and not interview.allow_run:
        raise Forbidden("Run is turned off in this interview; Submit instead.")
    check_code_size(code)
    _, problem = service.question_at(db, interview=interview, position=position)
    ratelimit.hit(
        db,
        key=f"interview-submit:{interview.id}",
        limit=per_minute,
        window_s=60,
        what=f"at most {per_minute} runs and submits a minute in an interview",
    )
    candidate = submitter(db, interview=interview, signed_in=signed_in)
    submissions.check_pending(db, user_id=candidate.id, limit=max_pending)
    submission = submissions.create_submission(
        db,
        user_id=candidate.id,
        problem_id=problem.id,
        problem_version=problem.version,
        code=code,
        mode=mode,
    )
    submission.interview_id = interview.id
    save_code(db, interview=interview, position=position, code=code)
    service.record(
        db,
        interview=interview,
        kind="ran" if mode == Mode.run else "submitted",
        position=position,
        data={"submission": submission.id},
    )
    return submission
