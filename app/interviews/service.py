"""Interview services: access, the lifecycle, questions, events, hints, notes and the scorecard.

Keyword-only, never commit: the caller owns the transaction (a request's session commits when
its handler returns, see app.db.get_db). The candidate's side lives in `candidates`, what each
side sees in `views`, the links in `links`, and every limit in `rules`.

Time is the server's: a live interview ends at `ends_at` whether or not any browser is open
(`expire_due` is run on every access and by a background sweeper).
"""

import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.interviews import links, rules
from app.models import (
    Interview,
    InterviewEvent,
    InterviewQuestion,
    InterviewState,
    Problem,
    Role,
    User,
    utcnow,
)


def _require_proctor(user: User) -> None:
    if user.role not in (Role.proctor, Role.admin):
        raise Forbidden("Only proctors can run interviews.")


def rotate_link(db: Session, *, interview: Interview, secret: str, event: bool = True) -> str:
    """A new candidate link; the old one stops working at once (a revoked link is replaced)."""
    token = links.new_link_token(interview, secret=secret)
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
    link_valid_s: int = rules.DEFAULT_LINK_VALID_HOURS * 3600,
) -> tuple[Interview, str]:
    """A scheduled interview and its candidate link token (returned once, stored hashed)."""
    _require_proctor(proctor)
    title = title.strip()
    if not 1 <= len(title) <= rules.MAX_TITLE_CHARS:
        raise Invalid(f"The title is 1 to {rules.MAX_TITLE_CHARS} characters.")
    if not 1 <= len(problem_ids) <= rules.MAX_QUESTIONS or len(set(problem_ids)) != len(
        problem_ids
    ):
        raise Invalid(f"Choose 1 to {rules.MAX_QUESTIONS} different questions.")
    if not rules.MIN_DURATION_S <= duration_s <= rules.MAX_DURATION_S:
        raise Invalid(
            f"The duration is between {rules.MIN_DURATION_S // 60} minute"
            f" and {rules.MAX_DURATION_S // 3600} hours."
        )
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
        token_hash=links.hash_token(
            secrets.token_urlsafe(32)
        ),  # replaced below, once the id exists
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
    interview = db.scalar(select(Interview).where(Interview.token_hash == links.hash_token(token)))
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
    if not 1 <= seconds <= rules.MAX_EXTEND_S:
        raise Invalid(f"Extend by 1 second to {rules.MAX_EXTEND_S // 60} minutes.")
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
    if len(notes) > rules.MAX_NOTES_CHARS:
        raise Invalid(f"Notes are limited to {rules.MAX_NOTES_CHARS:,} characters.")
    interview.notes = notes
    return interview


def set_scorecard(
    db: Session, *, interview: Interview, ratings: dict[str, dict[str, Any]], recommendation: str
) -> Interview:
    if set(ratings) != set(rules.RUBRIC):
        raise Invalid("Rate every criterion: " + ", ".join(rules.RUBRIC))
    for name, rating in ratings.items():
        score = rating.get("score")
        if not isinstance(score, int) or not rules.MIN_SCORE <= score <= rules.MAX_SCORE:
            raise Invalid(f"{name}: a score from {rules.MIN_SCORE} to {rules.MAX_SCORE}")
        if len(str(rating.get("note", ""))) > rules.MAX_RATING_NOTE_CHARS:
            raise Invalid(f"{name}: the note is too long")
    if recommendation not in rules.RECOMMENDATIONS:
        raise Invalid("recommendation is one of " + ", ".join(rules.RECOMMENDATIONS))
    interview.scorecard = {
        "ratings": {
            k: {"score": v["score"], "note": str(v.get("note", ""))} for k, v in ratings.items()
        },
        "recommendation": recommendation,
    }
    return interview
