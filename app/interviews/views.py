"""What each side of an interview sees: the remaining time, the summary, the proctor's view, the
candidate's view with its redactions, the replay's timeline and the report's metrics.

Reads only (apart from what the services they call record), in a bounded number of queries
whatever the number of submissions, cases or snapshots: snapshots are listed without their code,
and submissions come with their case results in one more query, never one per submission.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.catalog.service import spec_of
from app.errors import NotFound
from app.interviews import service
from app.judge.kinds import Mode, Verdict
from app.judge.spec import Catalog
from app.markdown import to_html
from app.models import (
    CodeSnapshot,
    Interview,
    InterviewQuestion,
    Problem,
    Submission,
    User,
    utcnow,
)
from app.submissions.schemas import SubmissionOut

Questions = list[tuple[InterviewQuestion, Problem]]


def remaining_s(interview: Interview) -> float | None:
    """Seconds left on the server's clock: None before the start, 0 once ended."""
    if interview.ends_at is None:
        return None
    if interview.ended_at is not None:
        return 0.0
    return max(0.0, (interview.ends_at - utcnow()).total_seconds())


def summary(interview: Interview, questions: Questions) -> dict[str, Any]:
    """The fields of `InterviewOut`."""
    return {
        "id": interview.id,
        "title": interview.title,
        "state": interview.state,
        "duration_s": interview.duration_s,
        "started_at": interview.started_at,
        "ends_at": interview.ends_at,
        "ended_at": interview.ended_at,
        "remaining_s": remaining_s(interview),
        "allow_run": interview.allow_run,
        "show_hidden_diagnostics": interview.show_hidden_diagnostics,
        "link_revoked": interview.revoked_at is not None,
        "link_expires_at": interview.link_expires_at,
        "problems": [p.slug for _, p in questions],
    }


def summary_of(db: Session, interview: Interview) -> dict[str, Any]:
    return summary(interview, service.questions(db, interview=interview))


def latest_code(questions: Questions) -> dict[int, str]:
    """The candidate's current code per question (never read from the snapshot history)."""
    return {q.position: q.latest_code for q, _ in questions if q.latest_code is not None}


def submissions(
    db: Session, interview: Interview, questions: Questions, *, candidate_view: bool
) -> list[SubmissionOut]:
    """The interview's runs and submits, oldest first, each with its cases (two queries).

    For the candidate, unless the proctor chose otherwise: hidden cases lose their diagnostics,
    and a Submit's output is withheld (hidden cases ran in it, and the candidate's code controls
    what it printed while they did).
    """
    stmt = (
        select(Submission)
        .where(Submission.interview_id == interview.id)
        .options(selectinload(Submission.cases))
        .order_by(Submission.id)
    )
    slugs = {p.id: p.slug for _, p in questions}
    redact = candidate_view and not interview.show_hidden_diagnostics
    out = []
    for sub in db.scalars(stmt):
        view = SubmissionOut.of(sub, slugs.get(sub.problem_id, ""), list(sub.cases))
        if redact:
            for case in view.cases:
                if case.hidden:
                    case.diagnostic = ""
            if sub.mode == "submit":
                view.stdout = view.stderr = None
                view.output_withheld = True
        out.append(view)
    return out


def proctor_view(db: Session, interview: Interview) -> dict[str, Any]:
    """The fields of `ProctorView`: everything the live view polls for."""
    questions = service.questions(db, interview=interview)
    claimed = db.get(User, interview.claimed_by_id) if interview.claimed_by_id else None
    return {
        **summary(interview, questions),
        "notes": interview.notes,
        "scorecard": interview.scorecard,
        "events": service.events(db, interview=interview),
        "code": latest_code(questions),
        "claimed_by": claimed.username if claimed else None,
        "submissions": submissions(db, interview, questions, candidate_view=False),
    }


def candidate_view(
    db: Session, interview: Interview, catalog: Catalog, user: User | None
) -> dict[str, Any]:
    """The fields of `CandidateView` (but `grading_unavailable`): no question before the start,
    and of each question only the hints released so far."""
    questions = service.questions(db, interview=interview)
    code = latest_code(questions)
    shown = []
    if interview.state != "scheduled":  # the lobby shows no questions before the start
        for question, problem in questions:
            spec = spec_of(catalog, problem)
            hints = spec.meta.hints[: question.hints_released]
            shown.append(
                {
                    "position": question.position,
                    "slug": problem.slug,
                    "title": problem.title,
                    "statement_html": to_html(spec.statement),
                    "starter": spec.starter,
                    "code": code.get(question.position),
                    "cpu_seconds": spec.meta.limits.cpu_seconds,
                    "hints": hints,
                    "hints_html": [to_html(h) for h in hints],
                }
            )
    return {
        "title": interview.title,
        "state": interview.state,
        "remaining_s": remaining_s(interview),
        "duration_s": interview.duration_s,
        "allow_run": interview.allow_run,
        "show_hidden_diagnostics": interview.show_hidden_diagnostics,
        "question_count": len(questions),
        "signed_in_as": user.username if user else None,
        "credited_to_you": user is not None and user.id == interview.claimed_by_id,
        "claimed": interview.claimed_by_id is not None,
        "questions": shown,
    }


def live_questions(db: Session, interview: Interview, catalog: Catalog) -> list[dict[str, Any]]:
    """The proctor's live page: each question's follow-ups and how many hints it has."""
    shown = []
    for question, problem in service.questions(db, interview=interview):
        meta = spec_of(catalog, problem).meta
        follow_ups = [
            {"question": f.question, "answer_html": to_html(f.answer)} for f in meta.follow_ups
        ]
        shown.append(
            {
                "position": question.position,
                "slug": problem.slug,
                "title": problem.title,
                "follow_ups": follow_ups,
                "hints": len(meta.hints),
            }
        )
    return shown


def snapshot_index(db: Session, *, interview: Interview) -> list[dict[str, Any]]:
    """The replay's timeline: id, time, question and size of each snapshot, never its code
    (fetched one snapshot at a time)."""
    stmt = (
        select(
            CodeSnapshot.id,
            CodeSnapshot.at,
            CodeSnapshot.position,
            func.length(CodeSnapshot.code),
        )
        .where(CodeSnapshot.interview_id == interview.id)
        .order_by(CodeSnapshot.id)
    )
    return [
        {"id": i, "at": at.isoformat(), "position": pos, "chars": chars}
        for i, at, pos, chars in db.execute(stmt)
    ]


def snapshot(db: Session, *, interview: Interview, snapshot_id: int) -> CodeSnapshot:
    """One snapshot, with its code, if it belongs to this interview."""
    found = db.get(CodeSnapshot, snapshot_id)
    if found is None or found.interview_id != interview.id:
        raise NotFound("No such snapshot.")
    return found


def report_rows(db: Session, interview: Interview) -> list[dict[str, Any]]:
    """Per question: the final submit's verdict, how long after the start the first accepted
    submit came, and how many runs and submits there were (no code or output is loaded)."""
    stmt = (
        select(Submission.problem_id, Submission.mode, Submission.verdict, Submission.created_at)
        .where(Submission.interview_id == interview.id)
        .order_by(Submission.id)
    )
    subs = db.execute(stmt).all()
    rows = []
    for question, problem in service.questions(db, interview=interview):
        mine = [s for s in subs if s.problem_id == problem.id]
        final = next((s for s in reversed(mine) if s.mode == Mode.submit and s.verdict), None)
        first_ok = next(
            (s for s in mine if s.mode == Mode.submit and s.verdict == Verdict.accepted), None
        )
        rows.append(
            {
                "position": question.position,
                "problem": problem,
                "final": final,
                "first_accepted_s": _since(interview.started_at, first_ok and first_ok.created_at),
                "attempts": len(mine),
            }
        )
    return rows


def _since(start: datetime | None, then: datetime | None) -> float | None:
    return (then - start).total_seconds() if start and then else None
