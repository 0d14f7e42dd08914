"""Submission services. Keyword-only, never commit: the caller owns the transaction."""

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app import ratelimit
from app.errors import Invalid, NotFound, PayloadTooLarge
from app.judge.verdicts import GradeResult
from app.models import (
    CaseResult,
    Draft,
    Progress,
    Submission,
    SubmissionStatus,
    UserProblemStatus,
    Verdict,
    utcnow,
)


def _rank(sub: Submission) -> tuple[bool, int]:
    return (sub.verdict == Verdict.accepted, sub.cases_passed or 0)


def apply_to_status(db: Session, *, submission: Submission) -> UserProblemStatus | None:
    """Fold one finished submit into the user's status for its problem.

    Run (sample cases only) and our own failures (internal_error) leave the status alone.
    The caller applies each submission once, in the transaction that marks it done.
    """
    if (
        submission.mode != "submit"
        or submission.status != SubmissionStatus.done
        or submission.verdict in (None, Verdict.internal_error)
    ):
        return None
    key = {"user_id": submission.user_id, "problem_id": submission.problem_id}
    status = db.get(UserProblemStatus, key, with_for_update=True)
    if status is None:
        status = UserProblemStatus(**key, status=Progress.todo, attempts=0)
        db.add(status)
    status.attempts += 1
    status.last_submitted_at = submission.finished_at or submission.created_at
    if submission.verdict == Verdict.accepted:
        if status.first_solved_at is None:
            status.first_solved_at = status.last_submitted_at
        status.status = Progress.solved
    elif status.status != Progress.solved:
        status.status = Progress.attempted
    best = db.get(Submission, status.best_submission_id) if status.best_submission_id else None
    if best is None or _rank(submission) > _rank(best):
        status.best_submission_id = submission.id
    db.flush()
    return status


MAX_CODE_BYTES = 64 * 1024


def create_submission(
    db: Session, *, user_id: int, problem_id: int, problem_version: str, code: str, mode: str
) -> Submission:
    """A queued submission row; written (and committed by the caller) before anything is enqueued."""
    if mode not in ("run", "submit"):
        raise Invalid("mode is 'run' or 'submit'")
    if len(code.encode()) > MAX_CODE_BYTES:
        raise PayloadTooLarge(f"code is limited to {MAX_CODE_BYTES // 1024} KiB")
    submission = Submission(
        user_id=user_id,
        problem_id=problem_id,
        problem_version=problem_version,
        mode=mode,
        code=code,
        status=SubmissionStatus.queued,
    )
    db.add(submission)
    db.flush()
    return submission


def claim(db: Session, *, submission_id: int, reclaim: bool = False) -> Submission | None:
    """Move a queued submission to running; None if another worker has it or it is finished.

    `reclaim` also takes a running one: a job redelivered because its worker died mid-grade.
    """
    states = [SubmissionStatus.queued] + ([SubmissionStatus.running] if reclaim else [])
    moved = db.execute(
        update(Submission)
        .where(Submission.id == submission_id, Submission.status.in_(states))
        .values(status=SubmissionStatus.running, started_at=utcnow())
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return db.get(Submission, submission_id, populate_existing=True)


def record_result(db: Session, *, submission_id: int, result: GradeResult) -> bool:
    """Store a verdict and fold it into the user's status, once: a second call changes nothing."""
    finished = db.execute(
        update(Submission)
        .where(Submission.id == submission_id, Submission.status != SubmissionStatus.done)
        .values(
            status=SubmissionStatus.done,
            verdict=result.verdict,
            cases_passed=result.passed,
            cases_total=len(result.cases),
            stdout=result.stdout,
            stderr=result.stderr,
            detail=result.detail,
            time_s=result.seconds,
            finished_at=utcnow(),
        )
    )
    if finished.rowcount != 1:  # type: ignore[attr-defined]
        return False
    db.add_all(
        CaseResult(
            submission_id=submission_id,
            position=i,
            name=case.name,
            hidden=case.hidden,
            passed=case.passed,
            diagnostic=case.diagnostic,
            time_s=case.seconds,
            details=case.details,
        )
        for i, case in enumerate(result.cases)
    )
    submission = db.get(Submission, submission_id, populate_existing=True)
    assert submission is not None
    apply_to_status(db, submission=submission)
    return True


def unfinished_ids(db: Session) -> list[int]:
    """Submissions a crash left queued or running: they go back to the queue on start."""
    db.execute(
        update(Submission)
        .where(Submission.status == SubmissionStatus.running)
        .values(status=SubmissionStatus.queued, started_at=None)
    )
    return queued_ids(db)


def check_rate(db: Session, *, user_id: int, per_minute: int) -> None:
    """At most `per_minute` submissions in any 60 s per user, atomic across processes."""
    ratelimit.hit(
        db,
        key=f"submit:user:{user_id}",
        limit=per_minute,
        window_s=60,
        what=f"at most {per_minute} submissions a minute",
    )


def get_own(db: Session, *, user_id: int, submission_id: int) -> Submission:
    """The caller's submission; someone else's is as missing as one that never existed."""
    submission = db.get(Submission, submission_id)
    if submission is None or submission.user_id != user_id:
        raise NotFound("No such submission.")
    return submission


def case_results(db: Session, *, submission_id: int) -> list[CaseResult]:
    stmt = select(CaseResult).where(CaseResult.submission_id == submission_id)
    return list(db.scalars(stmt.order_by(CaseResult.position)))


def list_own(
    db: Session, *, user_id: int, problem_id: int | None, limit: int, before_id: int | None
) -> list[Submission]:
    """Newest first; `before_id` continues a previous page."""
    stmt = select(Submission).where(Submission.user_id == user_id)
    if problem_id is not None:
        stmt = stmt.where(Submission.problem_id == problem_id)
    if before_id is not None:
        stmt = stmt.where(Submission.id < before_id)
    return list(db.scalars(stmt.order_by(Submission.id.desc()).limit(limit)))


def save_draft(db: Session, *, user_id: int, problem_id: int, code: str) -> Draft:
    if len(code.encode()) > MAX_CODE_BYTES:
        raise PayloadTooLarge(f"code is limited to {MAX_CODE_BYTES // 1024} KiB")
    draft = db.get(Draft, {"user_id": user_id, "problem_id": problem_id})
    if draft is None:
        draft = Draft(user_id=user_id, problem_id=problem_id, code=code)
        db.add(draft)
    draft.code, draft.updated_at = code, utcnow()
    db.flush()
    return draft


def get_draft(db: Session, *, user_id: int, problem_id: int) -> str | None:
    draft = db.get(Draft, {"user_id": user_id, "problem_id": problem_id})
    return draft.code if draft else None


def queued_ids(db: Session) -> list[int]:
    stmt = select(Submission.id).where(Submission.status == SubmissionStatus.queued)
    return list(db.scalars(stmt.order_by(Submission.id)))
