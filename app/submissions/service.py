"""Submission services. Keyword-only, never commit: the caller owns the transaction."""

from sqlalchemy.orm import Session

from app.models import Progress, Submission, SubmissionStatus, UserProblemStatus, Verdict


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
