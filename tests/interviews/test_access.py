"""Mock interviews through the API: the access rules, the server-side timer, notes that never leak."""

from datetime import datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.interviews.timer import Sweeper
from app.models import Interview, InterviewState, Role, Submission, utcnow
from tests.helpers import MakeApiUser, recording_queue
from tests.interviews.helpers import create, token_of

SECRET_NOTE = "candidate froze on the softmax gradient"


@pytest.fixture
def api(app: FastAPI):
    with TestClient(app) as client:
        recording_queue(app)
        yield client


def test_only_proctors_create_and_each_sees_only_their_own(
    api: TestClient, db: Session, api_user: MakeApiUser
) -> None:
    user = api_user("plainuser").headers
    body = {"title": "x", "problems": ["log-softmax"], "duration_s": 600}
    assert api.post("/api/v1/interviews", json=body, headers=user).status_code == 403
    p1, p2 = api_user("proctor1", Role.proctor).headers, api_user("proctor2", Role.proctor).headers
    admin = api_user("admin1", Role.admin).headers
    mine = create(api, p1)
    assert api.get(f"/api/v1/interviews/{mine['id']}", headers=p2).status_code == 404
    assert api.post(f"/api/v1/interviews/{mine['id']}/start", headers=p2).status_code == 404
    assert [i["id"] for i in api.get("/api/v1/interviews", headers=p2).json()] == []
    assert api.get(f"/api/v1/interviews/{mine['id']}", headers=admin).status_code == 200
    assert api.get(f"/api/v1/interviews/{mine['id']}", headers=p1).status_code == 200


def test_candidate_token_opens_only_its_own_interview_and_side(
    api: TestClient, db: Session, api_user: MakeApiUser
) -> None:
    proctor = api_user("proctor1", Role.proctor).headers
    first = create(api, proctor, title="first")
    second = create(api, proctor, title="second")
    view = api.get(f"/api/v1/interview-sessions/{token_of(first['candidate_link'])}").json()
    assert view["title"] == "first" and view["state"] == "scheduled" and view["questions"] == []
    other = api.get(f"/api/v1/interview-sessions/{token_of(second['candidate_link'])}").json()
    assert other["title"] == "second"
    assert api.get("/api/v1/interview-sessions/" + "x" * 43).status_code == 404
    # The token is no key to the proctor's side.
    assert (
        api.get(
            f"/api/v1/interviews/{first['id']}",
            headers={"Authorization": "Bearer " + token_of(first["candidate_link"])},
        ).status_code
        == 401
    )


def test_lobby_then_live_then_ended(api: TestClient, db: Session, api_user: MakeApiUser) -> None:
    proctor = api_user("proctor1", Role.proctor).headers
    created = create(api, proctor)
    token = token_of(created["candidate_link"])
    code = {"code": "x = 1\n"}
    assert (
        api.put(f"/api/v1/interview-sessions/{token}/code/0", json=code).status_code == 409
    )  # lobby
    assert (
        api.post(f"/api/v1/interviews/{created['id']}/start", headers=proctor).json()["state"]
        == "live"
    )
    view = api.get(f"/api/v1/interview-sessions/{token}").json()
    assert [q["slug"] for q in view["questions"]] == ["softmax-cross-entropy", "log-softmax"]
    assert 1790 < view["remaining_s"] <= 1800
    assert api.put(f"/api/v1/interview-sessions/{token}/code/0", json=code).status_code == 204
    sub = {
        "position": 0,
        "code": "def softmax_cross_entropy(l, y):\n    return 0.0, l\n",
        "mode": "submit",
    }
    assert api.post(f"/api/v1/interview-sessions/{token}/submissions", json=sub).status_code == 202
    assert (
        api.post(f"/api/v1/interviews/{created['id']}/end", headers=proctor).json()["state"]
        == "ended"
    )
    assert api.put(f"/api/v1/interview-sessions/{token}/code/0", json=code).status_code == 409
    assert api.post(f"/api/v1/interview-sessions/{token}/submissions", json=sub).status_code == 409
    detail = api.get(f"/api/v1/interviews/{created['id']}", headers=proctor).json()
    kinds = [e["kind"] for e in detail["events"]]
    assert kinds[:2] == ["started", "joined"] and "submitted" in kinds and kinds[-1] == "ended"
    assert detail["code"]["0"].startswith("def softmax_cross_entropy")
    assert len(detail["submissions"]) == 1
    row = db.get(Submission, detail["submissions"][0]["id"])
    assert row is not None and row.interview_id == created["id"]


def test_revoked_link_refuses_everything(
    api: TestClient, db: Session, api_user: MakeApiUser
) -> None:
    proctor = api_user("proctor1", Role.proctor).headers
    created = create(api, proctor)
    token = token_of(created["candidate_link"])
    api.post(f"/api/v1/interviews/{created['id']}/start", headers=proctor)
    api.post(f"/api/v1/interviews/{created['id']}/revoke", headers=proctor)
    assert api.get(f"/api/v1/interview-sessions/{token}").status_code == 404
    assert (
        api.put(f"/api/v1/interview-sessions/{token}/code/0", json={"code": "x"}).status_code == 404
    )
    sub = {"position": 0, "code": "x = 1", "mode": "run"}
    assert api.post(f"/api/v1/interview-sessions/{token}/submissions", json=sub).status_code == 404


def test_notes_and_scorecard_never_reach_the_candidate(
    api: TestClient, db: Session, api_user: MakeApiUser
) -> None:
    proctor = api_user("proctor1", Role.proctor).headers
    created = create(api, proctor)
    token = token_of(created["candidate_link"])
    api.post(f"/api/v1/interviews/{created['id']}/start", headers=proctor)
    assert (
        api.put(
            f"/api/v1/interviews/{created['id']}/notes",
            json={"notes": SECRET_NOTE},
            headers=proctor,
        ).status_code
        == 200
    )
    ratings = {
        k: {"score": 3, "note": "solid"}
        for k in ("correctness", "numerical_care", "code_quality", "communication", "debugging")
    }
    card = api.put(
        f"/api/v1/interviews/{created['id']}/scorecard",
        json={"ratings": ratings, "recommendation": "yes"},
        headers=proctor,
    )
    assert card.status_code == 200
    bad = {"ratings": {"correctness": {"score": 5}}, "recommendation": "maybe"}
    assert (
        api.put(
            f"/api/v1/interviews/{created['id']}/scorecard", json=bad, headers=proctor
        ).status_code
        == 422
    )
    candidate_responses = [
        api.get(f"/api/v1/interview-sessions/{token}").text,
        api.get(f"/api/v1/interview-sessions/{token}/submissions").text,
    ]
    assert all(
        SECRET_NOTE not in text and "recommendation" not in text for text in candidate_responses
    )
    assert SECRET_NOTE in api.get(f"/api/v1/interviews/{created['id']}", headers=proctor).text


def test_hints_released_by_the_proctor_reach_the_candidate(
    api: TestClient, db: Session, api_user: MakeApiUser
) -> None:
    proctor = api_user("proctor1", Role.proctor).headers
    created = create(api, proctor, allow_run=False)
    token = token_of(created["candidate_link"])
    api.post(f"/api/v1/interviews/{created['id']}/start", headers=proctor)
    assert api.get(f"/api/v1/interview-sessions/{token}").json()["questions"][1]["hints"] == []
    released = api.post(
        f"/api/v1/interviews/{created['id']}/hints", json={"position": 1}, headers=proctor
    )
    assert released.json()["released"] == 1
    hints = api.get(f"/api/v1/interview-sessions/{token}").json()["questions"][1]["hints"]
    assert len(hints) == 1 and "log" in hints[0].lower()
    run = {"position": 0, "code": "x = 1", "mode": "run"}
    assert api.post(f"/api/v1/interview-sessions/{token}/submissions", json=run).status_code == 403


def test_timer_is_server_time_and_ends_without_any_browser(
    app: FastAPI, api: TestClient, db: Session, api_user: MakeApiUser
) -> None:
    proctor = api_user("proctor1", Role.proctor).headers
    created = create(api, proctor, duration_s=60)
    token = token_of(created["candidate_link"])
    api.post(f"/api/v1/interviews/{created['id']}/start", headers=proctor)
    first = api.get(f"/api/v1/interview-sessions/{token}").json()["remaining_s"]
    again = api.get(f"/api/v1/interview-sessions/{token}").json()["remaining_s"]  # a page reload
    assert 55 < again <= first <= 60
    # Move the deadline into the past, then let only the background timer act: no request is made.
    row = db.get(Interview, created["id"])
    assert row is not None
    row.ends_at = utcnow() - timedelta(seconds=1)
    db.commit()
    assert Sweeper(app.state.sessionmaker).sweep() == 1
    db.expire_all()
    ended = db.scalars(select(Interview).where(Interview.id == created["id"])).one()
    assert ended.state == InterviewState.ended and ended.ended_at is not None
    assert (
        api.put(f"/api/v1/interview-sessions/{token}/code/0", json={"code": "late"}).status_code
        == 409
    )


def test_candidate_events_reach_the_timeline(
    api: TestClient, db: Session, api_user: MakeApiUser
) -> None:
    proctor = api_user("proctor1", Role.proctor).headers
    created = create(api, proctor)
    token = token_of(created["candidate_link"])
    api.post(f"/api/v1/interviews/{created['id']}/start", headers=proctor)
    for body in (
        {"kind": "focus_lost"},
        {"kind": "focus_regained"},
        {"kind": "large_paste", "position": 0, "chars": 900},
    ):
        assert api.post(f"/api/v1/interview-sessions/{token}/events", json=body).status_code == 204
    assert (
        api.post(f"/api/v1/interview-sessions/{token}/events", json={"kind": "ended"}).status_code
        == 422
    )
    events = api.get(f"/api/v1/interviews/{created['id']}", headers=proctor).json()["events"]
    paste = [e for e in events if e["kind"] == "large_paste"]
    assert [e["kind"] for e in events][-3:] == ["focus_lost", "focus_regained", "large_paste"]
    assert paste[0]["data"] == {"chars": 900} and paste[0]["position"] == 0


def test_candidate_report_shows_the_scorecard_only_when_shared(
    api: TestClient, db: Session, api_user: MakeApiUser
) -> None:
    proctor = api_user("proctor1", Role.proctor).headers
    created = create(api, proctor, link_valid_hours=2)
    assert (
        1.9 * 3600
        < (datetime.fromisoformat(created["link_expires_at"]) - utcnow()).total_seconds()
        <= 2 * 3600
    )
    token = token_of(created["candidate_link"])
    api.post(f"/api/v1/interviews/{created['id']}/start", headers=proctor)
    api.put(
        f"/api/v1/interviews/{created['id']}/notes", json={"notes": SECRET_NOTE}, headers=proctor
    )
    ratings = {
        k: {"score": 2}
        for k in ("correctness", "numerical_care", "code_quality", "communication", "debugging")
    }
    api.put(
        f"/api/v1/interviews/{created['id']}/scorecard",
        json={"ratings": ratings, "recommendation": "no"},
        headers=proctor,
    )
    assert api.get(f"/i/{token}/report").status_code == 409  # not before the end
    api.post(f"/api/v1/interviews/{created['id']}/end", headers=proctor)
    private = api.get(f"/i/{token}/report").text
    assert "Scorecard" not in private and SECRET_NOTE not in private
    api.post(f"/api/v1/interviews/{created['id']}/share", headers=proctor)
    shared = api.get(f"/i/{token}/report").text
    assert "Scorecard" in shared and "Recommendation" in shared and SECRET_NOTE not in shared


def test_extend_moves_the_deadline_only_while_live(
    api: TestClient, db: Session, api_user: MakeApiUser
) -> None:
    proctor = api_user("proctor1", Role.proctor).headers
    created = create(api, proctor, duration_s=600)
    url = f"/api/v1/interviews/{created['id']}"
    assert api.post(url + "/extend", json={"seconds": 60}, headers=proctor).status_code == 409
    started = api.post(url + "/start", headers=proctor).json()
    extended = api.post(url + "/extend", json={"seconds": 300}, headers=proctor).json()
    gained = datetime.fromisoformat(extended["ends_at"]) - datetime.fromisoformat(
        started["ends_at"]
    )
    assert gained == timedelta(seconds=300) and extended["remaining_s"] > 850
    assert api.post(url + "/extend", json={"seconds": 0}, headers=proctor).status_code == 422
    kinds = [e["kind"] for e in api.get(url, headers=proctor).json()["events"]]
    assert kinds == ["started", "extended"]
