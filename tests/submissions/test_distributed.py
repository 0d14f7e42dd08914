"""Two Celery workers on Redis and PostgreSQL; one is killed mid-job, then Redis restarts with
every message it held lost; nothing is lost or counted twice."""

import os
import signal
import subprocess
import sys
import time
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from app.config import ROOT, Settings
from app.judge.patches import load_mutants
from app.main import create_app
from app.models import Submission, SubmissionStatus, UserProblemStatus
from app.sandbox import Sandbox
from tests.helpers import PG_URL, require_or_skip, user_with_token

REDIS_URL = os.environ.get("DLI_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
REFERENCE = (ROOT / "problems" / "softmax-cross-entropy" / "reference.py").read_text()
WRONG = next(
    m.source
    for m in load_mutants(ROOT / "problems" / "softmax-cross-entropy")
    if m.name == "sum_not_mean"
)
SLOW = "import time\ntime.sleep(5)\n" + REFERENCE  # keeps a worker busy long enough to be killed
VISIBILITY_S = 8


def redis_answers() -> bool:
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        client.flushdb()
        return True
    except Exception:
        return False


def restart_redis() -> None:
    """Stop Redis without saving (as CI runs it: in memory only) and start it again."""
    url = urlsplit(REDIS_URL)
    host, port = url.hostname or "127.0.0.1", str(url.port or 6379)
    require_or_skip(host in ("127.0.0.1", "localhost"), "Redis is not on this machine")
    subprocess.run(["redis-cli", "-p", port, "shutdown", "nosave"], capture_output=True)
    subprocess.run(
        [
            "redis-server",
            "--daemonize",
            "yes",
            "--port",
            port,
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        check=True,
        capture_output=True,
    )
    for _ in range(50):
        if redis_answers():
            return
        time.sleep(0.2)
    raise AssertionError("Redis did not come back")


def test_burst_survives_a_killed_worker_and_a_redis_restart(
    database_url: str, sandbox: Sandbox
) -> None:
    require_or_skip(bool(PG_URL), "DLI_TEST_DATABASE_URL is not set: no PostgreSQL")
    if not database_url.startswith("postgresql"):
        pytest.skip("runs once, on PostgreSQL")
    require_or_skip(redis_answers(), f"no Redis at {REDIS_URL}")
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "DELETE FROM case_results; DELETE FROM user_problem_status; DELETE FROM submissions"
            )
        )
    env = {
        **os.environ,
        "DLI_QUEUE": "celery",
        "DLI_DATABASE_URL": database_url,
        "DLI_REDIS_URL": REDIS_URL,
        "DLI_CELERY_VISIBILITY_S": str(VISIBILITY_S),
        "DLI_WORKERS": "1",  # one job per worker: when two run, each worker holds one
        "DLI_SANDBOX_POOL_SIZE": "1",
        "DLI_ENV": "test",
        "DLI_JOB_LEASE_S": "6",  # a dead worker's claim runs out soon
    }
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "app.cli", "worker"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for _ in range(2)
    ]
    settings = Settings(
        env="test",
        database_url=database_url,
        queue="celery",
        redis_url=REDIS_URL,
        submissions_per_minute=100,
    )
    app = create_app(settings)
    try:
        with Session(engine) as db:
            from app.catalog import service as catalog
            from app.judge.spec import load_catalog

            catalog.sync(db, specs=load_catalog(settings.problems_dir))
            _, token = user_with_token(db, "burst")
        headers = {"Authorization": f"Bearer {token}"}
        plan = [SLOW, SLOW] + [REFERENCE, WRONG] * 5
        with TestClient(app) as client:
            ids = {}
            for code in plan:
                body = {"problem": "softmax-cross-entropy", "code": code, "mode": "submit"}
                resp = client.post("/api/v1/submissions", json=body, headers=headers)
                assert resp.status_code == 202
                ids[resp.json()["id"]] = "wrong_answer" if code is WRONG else "accepted"

            # Kill a worker while it is grading: once both workers hold a job, SIGKILL one.
            deadline = time.monotonic() + 60
            running: list[int] = []
            while time.monotonic() < deadline and len(running) < 2:
                with Session(engine) as db:
                    running = list(
                        db.scalars(
                            select(Submission.id).where(
                                Submission.status == SubmissionStatus.running
                            )
                        )
                    )
                time.sleep(0.1)
            assert len(running) == 2, "the two workers did not both pick up a job"
            os.killpg(workers[0].pid, signal.SIGKILL)
            workers[0].wait(timeout=10)
            restart_redis()  # the queued messages, and the killed worker's, are gone

            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                with Session(engine) as db:
                    left = db.scalar(
                        select(Submission.id).where(Submission.status != SubmissionStatus.done)
                    )
                if left is None:
                    break
                time.sleep(0.5)
        with Session(engine) as db:
            subs = {s.id: s for s in db.scalars(select(Submission))}
            assert set(subs) == set(ids), "a submission was lost"
            got = {i: subs[i].verdict.value if subs[i].verdict else None for i in ids}
            assert got == ids
            status = db.scalars(select(UserProblemStatus)).one()
            assert status.attempts == len(plan)  # each submission counted exactly once
            assert status.status == "solved"
    finally:
        for worker in workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
                try:
                    worker.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(worker.pid, signal.SIGKILL)
        engine.dispose()
