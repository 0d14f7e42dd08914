"""Through the API, the in-process queue and the real sandbox, into the user's status."""

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.judge.patches import load_mutants
from app.models import Submission, SubmissionStatus, User, UserProblemStatus
from app.sandbox import Sandbox
from tests.helpers import MakeApiUser, problems_dir
from tests.hostile_outputs import ATTACKS

REFERENCE = (problems_dir() / "softmax-cross-entropy" / "reference.py").read_text()
WRONG = next(
    m.source
    for m in load_mutants(problems_dir() / "softmax-cross-entropy")
    if m.name == "sum_not_mean"
)


def _grade(client: TestClient, headers: dict[str, str], code: str, mode: str) -> dict:
    body = {"problem": "softmax-cross-entropy", "code": code, "mode": mode}
    sub_id = client.post("/api/v1/submissions", json=body, headers=headers).json()["id"]
    return client.get(f"/api/v1/submissions/{sub_id}?wait=30", headers=headers).json()


def test_verdicts_reach_the_status_column(
    app: FastAPI, db: Session, sandbox: Sandbox, api_user: MakeApiUser
) -> None:
    headers = api_user("alice").headers
    with TestClient(app) as client:
        ran = _grade(client, headers, REFERENCE, "run")
        assert ran["verdict"] == "accepted" and all(not c["hidden"] for c in ran["cases"])
        assert ran["cases"][0]["details"]["expected"]
        assert db.scalars(select(UserProblemStatus)).first() is None  # Run never counts

        wrong = _grade(client, headers, WRONG, "submit")
        assert wrong["verdict"] == "wrong_answer"
        hidden = [c for c in wrong["cases"] if c["hidden"]]
        assert hidden and all(c["details"] is None for c in hidden)
        assert client.get("/api/v1/me/progress", headers=headers).json()["attempted"] == 1

        right = _grade(client, headers, REFERENCE, "submit")
        assert right["verdict"] == "accepted" and right["cases_passed"] == right["cases_total"]
        progress = client.get("/api/v1/me/progress", headers=headers).json()
        assert progress["problems"]["softmax-cross-entropy"] == "solved"
        follow_ups = client.get(
            "/api/v1/problems/softmax-cross-entropy/follow-ups", headers=headers
        )
        assert follow_ups.status_code == 200 and follow_ups.json()[0]["answer"]
    status = db.scalars(select(UserProblemStatus)).one()
    assert status.attempts == 2 and status.best_submission_id == right["id"]


def test_submissions_left_by_a_crash_are_graded_on_start(
    app: FastAPI, db: Session, sandbox: Sandbox, api_user: MakeApiUser
) -> None:
    headers = api_user("bob").headers
    bob = db.scalars(select(User).where(User.username == "bob")).one()
    from app.catalog.service import get_problem

    problem = get_problem(db, slug="softmax-cross-entropy")
    stranded = [
        Submission(
            user_id=bob.id,
            problem_id=problem.id,
            problem_version=problem.version,
            mode="submit",
            code=REFERENCE,
            status=state,
        )
        for state in (SubmissionStatus.queued, SubmissionStatus.running)
    ]
    db.add_all(stranded)
    db.commit()
    with TestClient(app) as client:  # starting the app requeues them
        for sub in stranded:
            done = client.get(f"/api/v1/submissions/{sub.id}?wait=30", headers=headers).json()
            assert done["status"] == "done" and done["verdict"] == "accepted"
    status = db.scalars(select(UserProblemStatus).where(UserProblemStatus.user_id == bob.id)).one()
    assert status.attempts == 2


def test_hostile_output_is_stored_and_served_bounded(
    app: FastAPI, db: Session, sandbox: Sandbox, api_user: MakeApiUser
) -> None:
    """Before, 1.6 MB of crafted output made a 271 MB response here, and +288 MB in the database."""
    headers = api_user("mallory").headers
    with TestClient(app) as client:
        for name in ("deep_preview", "long_stdout_in_done_frame", "repeated_references"):
            for mode in ("run", "submit"):
                body = {"problem": "softmax-cross-entropy", "code": ATTACKS[name], "mode": mode}
                sub_id = client.post("/api/v1/submissions", json=body, headers=headers).json()["id"]
                resp = client.get(f"/api/v1/submissions/{sub_id}?wait=30", headers=headers)
                assert resp.json()["verdict"] not in ("accepted", "internal_error", None), name
                assert len(resp.content) < 256 * 1024, (name, mode, len(resp.content))
                assert len(resp.json()["stdout"]) <= 64 * 1024
