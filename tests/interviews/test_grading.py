"""Interview submissions are graded like any other and count for a signed-in candidate's practice."""

import time

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.models import Role
from app.sandbox import Sandbox
from tests.helpers import MakeApiUser, csrf_from, problems_dir, register
from tests.interviews.helpers import create, token_of

REFERENCE = (problems_dir() / "log-softmax" / "reference.py").read_text()


def test_signed_in_candidate_gets_graded_and_credited(
    app: FastAPI, db: Session, sandbox: Sandbox, api_user: MakeApiUser
) -> None:
    proctor = api_user("proctor1", Role.proctor).headers
    with TestClient(app) as client:
        created = create(client, proctor, problems=["log-softmax"])
        token = token_of(created["candidate_link"])
        candidate = TestClient(app)
        register(candidate, "carol")
        view = candidate.get(f"/api/v1/interview-sessions/{token}").json()
        assert view["signed_in_as"] == "carol" and not view["credited_to_you"]  # not yet
        csrf = csrf_from(candidate, "/")
        claimed = candidate.post(
            f"/api/v1/interview-sessions/{token}/claim", headers={"X-CSRF-Token": csrf}
        )
        assert claimed.status_code == 200 and claimed.json()["credited_to_you"]
        client.post(f"/api/v1/interviews/{created['id']}/start", headers=proctor)
        body = {"position": 0, "code": REFERENCE, "mode": "submit"}
        assert (
            candidate.post(f"/api/v1/interview-sessions/{token}/submissions", json=body).status_code
            == 202
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            subs = candidate.get(f"/api/v1/interview-sessions/{token}/submissions").json()
            if subs and subs[0]["status"] == "done":
                break
            time.sleep(0.3)
        assert subs[0]["verdict"] == "accepted"
        page = candidate.get("/").text
        assert 'data-slug="log-softmax" data-status="solved"' in page
