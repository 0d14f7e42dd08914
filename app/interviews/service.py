"""Interview services. Keyword-only, never commit: the caller owns the transaction.

Time is the server's: a live interview ends at `ends_at` whether or not any browser is open
(`expire_due` is run on every access and by a background sweeper).
"""

import base64
import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import ratelimit
from app.errors import Conflict, Forbidden, Invalid, NotFound, PayloadTooLarge
from app.models import (
    CodeSnapshot,
    Interview,
    InterviewEvent,
    InterviewQuestion,
    InterviewState,
    Problem,
    Role,
    User,
    utcnow,
)

MAX_QUESTIONS = 5
MAX_CODE_BYTES = 64 * 1024
# Candidate writes, per interview: the link is a bearer secret, so it gets limits of its own.
SNAPSHOTS_PER_MINUTE = 120
MAX_SNAPSHOTS = 1000  # replay history kept per interview; the latest code is always kept
RUBRIC = ("correctness", "numerical_care", "code_quality", "communication", "debugging")
RECOMMENDATIONS = ("strong_no", "no", "yes", "strong_yes")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _require_proctor(user: User) -> None:
    if user.role not in (Role.proctor, Role.admin):
        raise Forbidden("Only proctors can run interviews.")


def _link_token(secret: str, interview_id: int, nonce: str) -> str:
    message = f"dli-interview-link:{interview_id}:{nonce}".encode()
    mac = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def link_token(interview: Interview, *, secret: str) -> str | None:
    """The candidate link's token, shown again to the proctor; None if it cannot be made (a link
    from before rotation existed, or the server's secret key changed): rotate it then."""
    if interview.link_nonce is None:
        return None
    token = _link_token(secret, interview.id, interview.link_nonce)
    return token if hmac.compare_digest(hash_token(token), interview.token_hash) else None


def rotate_link(db: Session, *, interview: Interview, secret: str, event: bool = True) -> str:
    """A new candidate link; the old one stops working at once (a revoked link is replaced)."""
    interview.link_nonce = secrets.token_hex(16)
    token = _link_token(secret, interview.id, interview.link_nonce)
    interview.token_hash = hash_token(token)
    interview.revoked_at = None
    if event:
        record(db, interview=interview, kind="link_rotated")
    return token


def create(
    db: Session,
    *,
    proctor: User,
    secret: str,
    title: str,
    problem_ids: list[int],
    duration_s: int,
    allow_run: bool = True,
    show_hidden_diagnostics: bool = False,
    link_valid_s: int = 7 * 24 * 3600,
) -> tuple[Interview, str]:
    """A scheduled interview and its candidate link token (returned once, stored hashed)."""
    _require_proctor(proctor)
    title = title.strip()
    if not 1 <= len(title) <= 200:
        raise Invalid("The title is 1 to 200 characters.")
    if not 1 <= len(problem_ids) <= MAX_QUESTIONS or len(set(problem_ids)) != len(problem_ids):
        raise Invalid(f"Choose 1 to {MAX_QUESTIONS} different questions.")
    if not 60 <= duration_s <= 6 * 3600:
        raise Invalid("The duration is between 1 minute and 6 hours.")
    for problem_id in problem_ids:
        problem = db.get(Problem, problem_id)
        if problem is None or not problem.active:
            raise NotFound(f"No question with id {problem_id}.")
    interview = Interview(
        proctor_id=proctor.id,
        title=title,
        duration_s=duration_s,
        allow_run=allow_run,
        show_hidden_diagnostics=show_hidden_diagnostics,
        token_hash=hash_token(secrets.token_urlsafe(32)),  # replaced below, once the id exists
        link_expires_at=utcnow() + timedelta(seconds=link_valid_s),
        state=InterviewState.scheduled,
        notes="",
    )
    db.add(interview)
    db.flush()
    token = rotate_link(db, interview=interview, secret=secret, event=False)
    db.add_all(
        InterviewQuestion(interview_id=interview.id, position=i, problem_id=pid)
        for i, pid in enumerate(problem_ids)
    )
    db.flush()
    return interview, token


def expire_due(db: Session, *, interview: Interview) -> Interview:
    """End a live interview whose time is up (server time is the truth)."""
    if (
        interview.state == InterviewState.live
        and interview.ends_at
        and utcnow() >= interview.ends_at
    ):
        interview.state = InterviewState.ended
        interview.ended_at = interview.ends_at
        record(db, interview=interview, kind="ended", data={"by": "timer"})
    return interview


def expire_all_due(db: Session) -> int:
    due = db.scalars(
        select(Interview).where(
            Interview.state == InterviewState.live, Interview.ends_at <= utcnow()
        )
    ).all()
    for interview in due:
        expire_due(db, interview=interview)
    return len(due)


def for_proctor(db: Session, *, user: User, interview_id: int) -> Interview:
    """The interview if this proctor owns it (admins see all); otherwise as missing as a wrong id.

    The role is checked on every call: a proctor demoted to user loses their interviews at once.
    """
    _require_proctor(user)
    interview = db.get(Interview, interview_id)
    if interview is None or (interview.proctor_id != user.id and user.role != Role.admin):
        raise NotFound("No such interview.")
    return expire_due(db, interview=interview)


def list_for_proctor(db: Session, *, user: User) -> list[Interview]:
    _require_proctor(user)
    stmt = select(Interview).order_by(Interview.id.desc())
    if user.role != Role.admin:
        stmt = stmt.where(Interview.proctor_id == user.id)
    return [expire_due(db, interview=i) for i in db.scalars(stmt)]


def for_candidate(db: Session, *, token: str) -> Interview:
    """The interview a candidate link opens. Expired or revoked links open nothing."""
    interview = db.scalar(select(Interview).where(Interview.token_hash == hash_token(token)))
    if (
        interview is None
        or interview.revoked_at is not None
        or utcnow() >= interview.link_expires_at
    ):
        raise NotFound("This interview link is not valid.")
    return expire_due(db, interview=interview)


def require_live(interview: Interview) -> None:
    if interview.state != InterviewState.live:
        raise Conflict(
            "The interview has not started yet."
            if interview.state == InterviewState.scheduled
            else "The interview has ended."
        )


def start(db: Session, *, interview: Interview) -> Interview:
    if interview.state != InterviewState.scheduled:
        raise Conflict("Only a scheduled interview can start.")
    now = utcnow()
    interview.state, interview.started_at = InterviewState.live, now
    interview.ends_at = now + timedelta(seconds=interview.duration_s)
    record(db, interview=interview, kind="started")
    return interview


def extend(db: Session, *, interview: Interview, seconds: int) -> Interview:
    require_live(interview)
    if not 1 <= seconds <= 3600:
        raise Invalid("Extend by 1 second to 1 hour.")
    assert interview.ends_at is not None
    interview.ends_at = interview.ends_at + timedelta(seconds=seconds)
    record(db, interview=interview, kind="extended", data={"seconds": seconds})
    return interview


def end(db: Session, *, interview: Interview) -> Interview:
    if interview.state == InterviewState.ended:
        return interview
    interview.state, interview.ended_at = InterviewState.ended, utcnow()
    record(db, interview=interview, kind="ended", data={"by": "proctor"})
    return interview


def revoke(db: Session, *, interview: Interview) -> Interview:
    if interview.revoked_at is None:
        interview.revoked_at = utcnow()
        record(db, interview=interview, kind="link_revoked")
    return interview


def share(db: Session, *, interview: Interview) -> Interview:
    interview.report_shared = True
    return interview


def record(
    db: Session,
    *,
    interview: Interview,
    kind: str,
    position: int | None = None,
    data: dict[str, Any] | None = None,
) -> InterviewEvent:
    event = InterviewEvent(interview_id=interview.id, kind=kind, position=position, data=data)
    db.add(event)
    db.flush()
    return event


def questions(db: Session, *, interview: Interview) -> list[tuple[InterviewQuestion, Problem]]:
    stmt = (
        select(InterviewQuestion, Problem)
        .join(Problem, Problem.id == InterviewQuestion.problem_id)
        .where(InterviewQuestion.interview_id == interview.id)
        .order_by(InterviewQuestion.position)
    )
    return [(q, p) for q, p in db.execute(stmt)]


def question_at(
    db: Session, *, interview: Interview, position: int
) -> tuple[InterviewQuestion, Problem]:
    for question, problem in questions(db, interview=interview):
        if question.position == position:
            return question, problem
    raise NotFound("No such question in this interview.")


def save_code(db: Session, *, interview: Interview, position: int, code: str) -> None:
    """Keep the candidate's current code, and a replay snapshot when it changed (capped)."""
    require_live(interview)
    if len(code.encode()) > MAX_CODE_BYTES:
        raise PayloadTooLarge(f"code is limited to {MAX_CODE_BYTES // 1024} KiB")
    question, _ = question_at(db, interview=interview, position=position)
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


def latest_code(db: Session, *, interview: Interview) -> dict[int, str]:
    return {
        q.position: q.latest_code
        for q, _ in questions(db, interview=interview)
        if q.latest_code is not None
    }


def snapshot_index(db: Session, *, interview: Interview) -> list[dict[str, Any]]:
    """The replay's timeline without the code (fetched one snapshot at a time)."""
    stmt = (
        select(CodeSnapshot.id, CodeSnapshot.at, CodeSnapshot.position)
        .where(CodeSnapshot.interview_id == interview.id)
        .order_by(CodeSnapshot.id)
    )
    return [{"id": i, "at": at.isoformat(), "position": pos} for i, at, pos in db.execute(stmt)]


def snapshot(db: Session, *, interview: Interview, snapshot_id: int) -> CodeSnapshot:
    found = db.get(CodeSnapshot, snapshot_id)
    if found is None or found.interview_id != interview.id:
        raise NotFound("No such snapshot.")
    return found


def events(db: Session, *, interview: Interview) -> list[InterviewEvent]:
    stmt = (
        select(InterviewEvent)
        .where(InterviewEvent.interview_id == interview.id)
        .order_by(InterviewEvent.id)
    )
    return list(db.scalars(stmt))


def release_hint(db: Session, *, interview: Interview, position: int, available: int) -> int:
    require_live(interview)
    question, _ = question_at(db, interview=interview, position=position)
    if question.hints_released >= available:
        raise Conflict("Every hint has been released.")
    question.hints_released += 1
    record(
        db,
        interview=interview,
        kind="hint_released",
        position=position,
        data={"hint": question.hints_released},
    )
    return question.hints_released


def set_notes(db: Session, *, interview: Interview, notes: str) -> Interview:
    if len(notes) > 50_000:
        raise Invalid("Notes are limited to 50,000 characters.")
    interview.notes = notes
    return interview


def set_scorecard(
    db: Session, *, interview: Interview, ratings: dict[str, dict[str, Any]], recommendation: str
) -> Interview:
    if set(ratings) != set(RUBRIC):
        raise Invalid("Rate every criterion: " + ", ".join(RUBRIC))
    for name, rating in ratings.items():
        score = rating.get("score")
        if not isinstance(score, int) or not 1 <= score <= 4:
            raise Invalid(f"{name}: a score from 1 to 4")
        if len(str(rating.get("note", ""))) > 2000:
            raise Invalid(f"{name}: the note is too long")
    if recommendation not in RECOMMENDATIONS:
        raise Invalid("recommendation is one of " + ", ".join(RECOMMENDATIONS))
    interview.scorecard = {
        "ratings": {
            k: {"score": v["score"], "note": str(v.get("note", ""))} for k, v in ratings.items()
        },
        "recommendation": recommendation,
    }
    return interview


# --- who the candidate is --------------------------------------------------------------------


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
        record(db, interview=interview, kind="claimed", data={"username": user.username})
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


def check_submission_rate(db: Session, *, interview: Interview, per_minute: int) -> None:
    ratelimit.hit(
        db,
        key=f"interview-submit:{interview.id}",
        limit=per_minute,
        window_s=60,
        what=f"at most {per_minute} runs and submits a minute in an interview",
    )


def claimed_username(db: Session, *, interview: Interview) -> str | None:
    user = db.get(User, interview.claimed_by_id) if interview.claimed_by_id else None
    return user.username if user else None


def has_event(db: Session, *, interview: Interview, kind: str) -> bool:
    stmt = select(InterviewEvent.id).where(
        InterviewEvent.interview_id == interview.id, InterviewEvent.kind == kind
    )
    return db.scalar(stmt.limit(1)) is not None
