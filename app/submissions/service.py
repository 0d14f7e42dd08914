"""Submission services. Keyword-only, never commit: the caller owns the transaction."""

import os
import socket
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, CursorResult, Update, func, or_, select, update
from sqlalchemy.orm import Session

from app import ratelimit
from app.catalog.service import check_code_size
from app.errors import RateLimited
from app.judge.kinds import Mode, Verdict
from app.judge.verdicts import GradeResult
from app.models import (
    CaseResult,
    Progress,
    QueueTurn,
    Submission,
    SubmissionStatus,
    UserProblemStatus,
    utcnow,
)
from app.sandbox import pid_alive


def _changed_rows(db: Session, statement: Update) -> int:
    """How many rows an UPDATE changed (a compare-and-set succeeded when it is 1)."""
    result = db.execute(statement)
    assert isinstance(result, CursorResult)  # an UPDATE's result always has a cursor
    return result.rowcount


def _rank(sub: Submission) -> tuple[bool, int]:
    return (sub.verdict == Verdict.accepted, sub.cases_passed or 0)


def apply_to_status(db: Session, *, submission: Submission) -> UserProblemStatus | None:
    """Fold one finished submit into the user's status for its problem.

    Run (sample cases only) and our own failures (internal_error) leave the status alone.
    The caller applies each submission once, in the transaction that marks it done.
    """
    if (
        submission.mode != Mode.submit
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


def create_submission(
    db: Session, *, user_id: int, problem_id: int, problem_version: str, code: str, mode: Mode
) -> Submission:
    """A queued submission row; written (and committed by the caller) before anything is enqueued."""
    check_code_size(code)
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


LEASE_S = 90.0  # how long a claim lasts without renewal (settings.job_lease_s)


def worker_id() -> str:
    """Who holds a claim: this host and process."""
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def _claimable(now: datetime) -> ColumnElement[bool]:
    """Queued, or running under a claim that ran out (its worker died)."""
    return or_(
        Submission.status == SubmissionStatus.queued,
        (Submission.status == SubmissionStatus.running) & (Submission.lease_until < now),
    )


def claim(
    db: Session, *, submission_id: int, reclaim: bool = False, lease_s: float = LEASE_S
) -> Submission | None:
    """Move a claimable submission to running; None if a live worker has it or it is finished.

    `reclaim` also takes a running one whose claim has not run out: a job redelivered because its
    worker died mid-grade.
    """
    now = utcnow()
    condition = _claimable(now)
    if reclaim:
        condition = or_(condition, Submission.status == SubmissionStatus.running)
    moved = _changed_rows(
        db,
        update(Submission)
        .where(Submission.id == submission_id, condition)
        .values(
            status=SubmissionStatus.running,
            started_at=now,
            lease_until=now + timedelta(seconds=lease_s),
            claimed_by=worker_id(),
        ),
    )
    if moved != 1:
        return None
    return db.get(Submission, submission_id, populate_existing=True)


def renew_lease(db: Session, *, submission_id: int, lease_s: float = LEASE_S) -> None:
    db.execute(
        update(Submission)
        .where(Submission.id == submission_id, Submission.status == SubmissionStatus.running)
        .values(lease_until=utcnow() + timedelta(seconds=lease_s))
    )


def claim_next(db: Session, *, lease_s: float = LEASE_S) -> Submission | None:
    """Claim the next job fairly: the oldest queued job of the user whose last job started
    longest ago (users never served come first). One user's hundred queued jobs therefore delay
    another user's single job by at most one job per worker. Safe against concurrent workers:
    the claim is a compare-and-set on the row's status."""
    for _ in range(10):  # another worker may win the row: try the next one
        stmt = (
            select(Submission.id, Submission.user_id)
            .outerjoin(QueueTurn, QueueTurn.user_id == Submission.user_id)
            .where(_claimable(utcnow()))
            .order_by(QueueTurn.last_started_at.asc().nulls_first(), Submission.id)
            .limit(1)
        )
        row = db.execute(stmt).first()
        if row is None:
            return None
        submission_id, user_id = row
        claimed = claim(db, submission_id=submission_id, lease_s=lease_s)
        if claimed is not None:
            turn = db.get(QueueTurn, user_id)
            if turn is None:
                db.add(QueueTurn(user_id=user_id, last_started_at=claimed.started_at))
            else:
                turn.last_started_at = claimed.started_at or utcnow()
            db.flush()
            return claimed
        db.rollback()
    return None


def has_stale_jobs(db: Session, *, older_than_s: float) -> bool:
    """A job queued for longer than `older_than_s`, or running under a claim that ran out."""
    now = utcnow()
    stale = or_(
        (Submission.status == SubmissionStatus.queued)
        & (Submission.created_at < now - timedelta(seconds=older_than_s)),
        (Submission.status == SubmissionStatus.running) & (Submission.lease_until < now),
    )
    return db.scalar(select(Submission.id).where(stale).limit(1)) is not None


def check_pending(db: Session, *, user_id: int, limit: int) -> None:
    """At most `limit` of a user's jobs queued or running at once (429 past it)."""
    pending = db.scalar(
        select(func.count())
        .select_from(Submission)
        .where(
            Submission.user_id == user_id,
            Submission.status.in_([SubmissionStatus.queued, SubmissionStatus.running]),
        )
    )
    if (pending or 0) >= limit:
        raise RateLimited(
            f"you have {pending} submissions waiting to be graded; at most {limit} at a time",
            headers={"Retry-After": "5"},
        )


def record_result(db: Session, *, submission_id: int, result: GradeResult) -> bool:
    """Store a verdict and fold it into the user's status, once: a second call changes nothing."""
    finished = _changed_rows(
        db,
        update(Submission)
        .where(Submission.id == submission_id, Submission.status != SubmissionStatus.done)
        .values(
            status=SubmissionStatus.done,
            lease_until=None,
            verdict=result.verdict,
            cases_passed=result.passed,
            cases_total=len(result.cases),
            stdout=result.stdout,
            stderr=result.stderr,
            detail=result.detail,
            time_s=result.seconds,
            finished_at=utcnow(),
        ),
    )
    if finished != 1:
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


def _claimant_alive(pid: str) -> bool:
    # This process is only starting: nothing it claimed before (a reused pid) is running.
    return pid.isdigit() and int(pid) != os.getpid() and pid_alive(int(pid))


def unfinished_ids(db: Session) -> list[int]:
    """Put back in the queue the jobs that a process of this host claimed and died holding
    (without waiting for their claims to run out); the ids of all queued jobs. Jobs of live
    processes (other `dli serve` processes, workers) are left alone."""
    host = worker_id().rpartition(":")[0]
    running = db.execute(
        select(Submission.id, Submission.claimed_by).where(
            Submission.status == SubmissionStatus.running
        )
    ).all()
    orphans = [
        sub_id
        for sub_id, owner in running
        if owner is None
        or (owner.rpartition(":")[0] == host and not _claimant_alive(owner.rpartition(":")[2]))
    ]
    if orphans:
        db.execute(
            update(Submission)
            .where(Submission.id.in_(orphans), Submission.status == SubmissionStatus.running)
            .values(status=SubmissionStatus.queued, started_at=None, claimed_by=None)
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


def queued_ids(db: Session) -> list[int]:
    stmt = select(Submission.id).where(Submission.status == SubmissionStatus.queued)
    return list(db.scalars(stmt.order_by(Submission.id)))
