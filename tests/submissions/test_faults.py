"""Faults, for real: a server killed with SIGKILL mid-grading, the Docker engine restarted
mid-grading, PostgreSQL stopped and started. Each ends with every submission graded once: none
lost, none counted twice, none blamed on the candidate."""

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.config import ROOT
from app.models import CaseResult, Submission, SubmissionStatus, User, UserProblemStatus
from app.sandbox import Sandbox
from tests.helpers import MakeApiUser, problems_dir, require_or_skip
from tests.web.server import running_server

REFERENCE = (problems_dir() / "softmax-cross-entropy" / "reference.py").read_text()
SLOW = (
    "import time\ntime.sleep(1.5)  # a slow import: the job takes a while, correctly\n" + REFERENCE
)


def _submit(client: httpx.Client | TestClient, count: int, code: str = SLOW) -> list[int]:
    body = {"problem": "softmax-cross-entropy", "code": code, "mode": "submit"}
    ids = []
    for _ in range(count):
        resp = client.post("/api/v1/submissions", json=body)
        assert resp.status_code == 202, resp.text
        ids.append(resp.json()["id"])
    return ids


def _wait_all(client: httpx.Client | TestClient, ids: list[int], within_s: float) -> dict:
    results: dict[int, dict] = {}
    deadline = time.monotonic() + within_s
    while len(results) < len(ids) and time.monotonic() < deadline:
        for sub_id in ids:
            if sub_id not in results:
                body = client.get(f"/api/v1/submissions/{sub_id}?wait=5").json()
                if body.get("status") == "done":
                    results[sub_id] = body
    return results


def _assert_graded_once(db: Session, username: str, ids: list[int]) -> None:
    """Every submission done and accepted, each case stored once, each submit counted once."""
    db.expire_all()
    user = db.scalars(select(User).where(User.username == username)).one()
    subs = db.scalars(select(Submission).where(Submission.id.in_(ids))).all()
    assert len(subs) == len(ids)
    assert {s.status for s in subs} == {SubmissionStatus.done}
    assert {s.verdict.value for s in subs if s.verdict} == {"accepted"}, [
        (s.verdict, s.detail) for s in subs
    ]
    for sub in subs:
        stored = db.scalar(
            select(func.count()).select_from(CaseResult).where(CaseResult.submission_id == sub.id)
        )
        assert stored == sub.cases_total  # not twice
    status = db.get(UserProblemStatus, {"user_id": user.id, "problem_id": subs[0].problem_id})
    assert status is not None and status.attempts == len(ids)  # each submit counted once


def test_a_server_killed_mid_grading_grades_everything_after_restart(
    app: FastAPI, db: Session, database_url: str, sandbox: Sandbox, api_user: MakeApiUser
) -> None:
    token = api_user("kim").token
    headers = {"Authorization": f"Bearer {token}"}
    with (
        running_server(database_url, DLI_WORKERS="1") as (base, proc),
        httpx.Client(base_url=base, headers=headers, timeout=40) as client,
    ):
        ids = _submit(client, 5)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            states = [client.get(f"/api/v1/submissions/{i}").json()["status"] for i in ids]
            if "running" in states:
                break
            time.sleep(0.1)
        assert "running" in states, states
        proc.kill()  # SIGKILL: no shutdown code runs
        proc.wait()
    with (
        running_server(database_url, DLI_WORKERS="1") as (base, _),
        httpx.Client(base_url=base, headers=headers, timeout=40) as client,
    ):
        assert len(_wait_all(client, ids, within_s=120)) == len(ids)
    _assert_graded_once(db, "kim", ids)


def _pg_cluster() -> tuple[str, str] | None:
    if shutil.which("pg_ctlcluster") is None:
        return None
    versions = sorted(Path("/usr/lib/postgresql").iterdir(), key=lambda p: float(p.name))
    return (versions[-1].name, "main") if versions else None


def _pg(action: str, cluster: tuple[str, str]) -> None:
    fast = ["-m", "fast"] if action == "stop" else []
    subprocess.run(["pg_ctlcluster", *cluster, action, *fast], check=True, capture_output=True)


@pytest.fixture
def pg_cluster(database_url: str) -> Iterator[tuple[str, str]]:
    if not database_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL restart is tested on PostgreSQL")
    cluster = _pg_cluster()
    require_or_skip(cluster is not None, "pg_ctlcluster (Debian's PostgreSQL) is not installed")
    assert cluster is not None
    yield cluster
    # Whatever happened, leave it running (starting a running cluster only says so).
    subprocess.run(["pg_ctlcluster", *cluster, "start"], capture_output=True)


def test_postgresql_down_is_a_503_and_the_app_recovers_by_itself(
    app: FastAPI, db: Session, pg_cluster: tuple[str, str], sandbox: Sandbox, api_user: MakeApiUser
) -> None:
    token = api_user("pat").token
    db.close()
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as client:
        assert client.get("/api/v1/problems").status_code == 200
        _pg("stop", pg_cluster)
        for path in ("/api/v1/problems", "/api/v1/me/progress", "/"):
            down = client.get(path)
            assert down.status_code == 503, (path, down.status_code, down.text[:200])
        body = {"problem": "softmax-cross-entropy", "code": REFERENCE, "mode": "run"}
        refused = client.post("/api/v1/submissions", json=body)
        assert refused.status_code == 503 and refused.json()["error"]
        assert client.get("/readyz").json()["checks"]["database"].startswith("unavailable")
        _pg("start", pg_cluster)
        deadline = time.monotonic() + 30
        while client.get("/api/v1/problems").status_code != 200:
            assert time.monotonic() < deadline, "the app did not recover within 30 s"
            time.sleep(0.5)
        # The grading threads lived through it: a job sent now is graded.
        (sub_id,) = _submit(client, 1, REFERENCE)
        done = _wait_all(client, [sub_id], within_s=60)
        assert done[sub_id]["verdict"] == "accepted"


def _restart_docker() -> None:
    """Stop the Docker engine (its containers die with it) and start it again as setup does."""
    subprocess.run(["pkill", "-TERM", "-x", "dockerd"], check=True)
    for _ in range(60):
        if subprocess.run(["pgrep", "-x", "dockerd"], capture_output=True).returncode != 0:
            break
        time.sleep(0.5)
    else:
        raise AssertionError("dockerd did not stop within 30 s")
    subprocess.run(["bash", str(ROOT / "sandbox" / "ensure-docker.sh")], check=True, cwd=ROOT)


def test_a_docker_engine_restart_mid_grading_loses_and_blames_nothing(
    app: FastAPI, db: Session, database_url: str, sandbox: Sandbox, api_user: MakeApiUser
) -> None:
    require_or_skip(
        os.geteuid() == 0 and shutil.which("pkill") is not None,
        "restarting the Docker engine needs root",
    )
    if not database_url.startswith("sqlite"):
        pytest.skip("the engine restarts once, with the SQLite run")
    token = api_user("dee").token
    app.state.settings.submissions_per_minute = 100
    with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as client:
        ids = _submit(client, 4)
        deadline = time.monotonic() + 30
        while client.get(f"/api/v1/submissions/{ids[0]}").json()["status"] != "running":
            assert time.monotonic() < deadline, "nothing started grading"
            time.sleep(0.1)
        _restart_docker()
        assert len(_wait_all(client, ids, within_s=240)) == len(ids)
    _assert_graded_once(db, "dee", ids)
    # The shared pool of the other tests lost its containers too, and recovers.
    assert grade_reference(sandbox) == "accepted"


def grade_reference(sandbox: Sandbox) -> str:
    from app.judge.grader import grade
    from app.judge.spec import load_problem

    spec = load_problem(problems_dir() / "softmax-cross-entropy")
    return grade(spec, REFERENCE, mode="run", sandbox=sandbox).verdict.value
