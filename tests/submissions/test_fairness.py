"""The queue is fair across users: one user's burst delays another's job by at most one job per
worker, on the claim itself (every database) and end to end through the inline queue and the
real sandbox. Ordering is asserted from the rows' timestamps, not from a stopwatch."""

from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.catalog.service import get_problem
from app.errors import RateLimited
from app.models import Submission, SubmissionStatus, User, utcnow
from app.sandbox import Sandbox
from app.submissions import service
from app.users import service as users
from tests.helpers import MakeApiUser, problems_dir

REFERENCE = (problems_dir() / "softmax-cross-entropy" / "reference.py").read_text()
SLOW = (
    "import time\ntime.sleep(1.5)  # a slow import: the job takes a while, correctly\n" + REFERENCE
)


def _queue(db: Session, user: User, count: int, code: str = REFERENCE) -> list[Submission]:
    problem = get_problem(db, slug="softmax-cross-entropy")
    subs = [
        service.create_submission(
            db,
            user_id=user.id,
            problem_id=problem.id,
            problem_version=problem.version,
            code=code,
            mode="run",
        )
        for _ in range(count)
    ]
    db.commit()
    return subs


def _claim_order(db: Session) -> list[int]:
    """User ids in the order a single worker claims their jobs (each job finishes at once)."""
    order = []
    while (job := service.claim_next(db)) is not None:
        order.append(job.user_id)
        service.record_result(db, submission_id=job.id, result=_accepted())
        db.commit()
    return order


def _accepted():
    from app.judge.kinds import Verdict
    from app.judge.verdicts import GradeResult

    return GradeResult(Verdict.accepted)


def test_a_burst_does_not_starve_a_single_job(app: FastAPI, db: Session) -> None:
    # No queue runs (the app is not started): claims are made by hand here.
    ann = users.create_user(db, username="ann", password="long enough pw")
    ben = users.create_user(db, username="ben", password="long enough pw")
    cat = users.create_user(db, username="cat", password="long enough pw")
    _queue(db, ann, 20)
    _queue(db, ben, 1)
    _queue(db, cat, 2)
    order = _claim_order(db)
    assert len(order) == 23
    # Everyone's first job goes before anyone's second; then turns alternate among those left.
    assert sorted(order[:3]) == sorted([ann.id, ben.id, cat.id])
    assert order[3:5] in ([ann.id, cat.id], [cat.id, ann.id])
    assert order[5:] == [ann.id] * 18


def test_a_returning_user_waits_behind_the_others_turns(app: FastAPI, db: Session) -> None:
    ann = users.create_user(db, username="ann", password="long enough pw")
    ben = users.create_user(db, username="ben", password="long enough pw")
    _queue(db, ann, 3)
    assert _claim_order(db) == [ann.id] * 3
    _queue(db, ann, 3)
    _queue(db, ben, 1)  # ben never had a turn: he goes first although ann's jobs are older
    assert _claim_order(db) == [ben.id] + [ann.id] * 3


def test_an_expired_claim_is_taken_over_and_a_live_one_is_not(app: FastAPI, db: Session) -> None:
    ann = users.create_user(db, username="ann", password="long enough pw")
    (sub,) = _queue(db, ann, 1)
    claimed = service.claim_next(db, lease_s=60)
    db.commit()
    assert claimed is not None and claimed.id == sub.id
    assert service.claim_next(db) is None  # the worker holding it is alive
    db.get(Submission, sub.id).lease_until = utcnow() - timedelta(seconds=1)
    db.commit()
    again = service.claim_next(db)  # its worker died: the claim ran out
    assert again is not None and again.id == sub.id
    db.commit()
    assert service.record_result(db, submission_id=sub.id, result=_accepted())
    assert not service.record_result(db, submission_id=sub.id, result=_accepted())  # once only


def test_a_user_cannot_queue_without_bound(app: FastAPI, db: Session) -> None:
    ann = users.create_user(db, username="ann", password="long enough pw")
    _queue(db, ann, 3)
    service.check_pending(db, user_id=ann.id, limit=4)
    with pytest.raises(RateLimited, match="at most 3 at a time"):
        service.check_pending(db, user_id=ann.id, limit=3)


def test_another_users_run_is_served_within_one_job_per_worker(
    app: FastAPI, db: Session, sandbox: Sandbox, api_user: MakeApiUser
) -> None:
    """One user queues 20 slow jobs; another user's Run, sent after them, is graded after at
    most one more of the first user's jobs per worker, so within two job-times."""
    settings = app.state.settings
    settings.workers = 1
    settings.submissions_per_minute = 100
    hog_id, hog_token = api_user("hog")
    _, other_token = api_user("other")
    with TestClient(app) as client:
        for _ in range(20):
            body = {"problem": "softmax-cross-entropy", "code": SLOW, "mode": "run"}
            resp = client.post(
                "/api/v1/submissions", json=body, headers={"Authorization": f"Bearer {hog_token}"}
            )
            assert resp.status_code == 202, resp.text
        body = {"problem": "softmax-cross-entropy", "code": REFERENCE, "mode": "run"}
        headers = {"Authorization": f"Bearer {other_token}"}
        mine = client.post("/api/v1/submissions", json=body, headers=headers).json()["id"]
        for _ in range(4):  # a long-poll lasts at most 30 s
            done = client.get(f"/api/v1/submissions/{mine}?wait=30", headers=headers).json()
            if done["status"] == "done":
                break
        assert done["verdict"] == "accepted"
    db.expire_all()
    own = db.get(Submission, mine)
    assert own is not None and own.started_at is not None
    started_meanwhile = db.scalars(
        select(Submission).where(
            Submission.user_id == hog_id,
            Submission.started_at > own.created_at,
            Submission.started_at < own.started_at,
        )
    ).all()
    assert len(started_meanwhile) <= settings.workers
    left = db.scalars(
        select(Submission).where(
            Submission.user_id == hog_id, Submission.status != SubmissionStatus.done
        )
    ).all()
    assert len(left) >= 15  # the burst was still queued: the order above was a real choice


def test_a_restart_requeues_only_the_jobs_of_dead_processes(app: FastAPI, db: Session) -> None:
    """Several `dli serve` processes share the table: one that starts takes back the jobs of
    processes of this host that died, never those of live ones (they would be graded twice)."""
    import socket
    import subprocess
    import sys

    ann = users.create_user(db, username="ann", password="long enough pw")
    live, dead, legacy = _queue(db, ann, 3)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        host = socket.gethostname()
        for sub, owner in (
            (live, f"{host}:{alive.pid}"),
            (dead, f"{host}:{gone.pid}"),
            (legacy, None),
        ):
            sub.status, sub.claimed_by = SubmissionStatus.running, owner
            sub.lease_until = utcnow() + timedelta(seconds=60)
        db.commit()
        assert sorted(service.unfinished_ids(db)) == sorted([dead.id, legacy.id])
        db.commit()
        db.expire_all()
        assert db.get(Submission, live.id).status == SubmissionStatus.running
    finally:
        alive.kill()
        alive.wait()
