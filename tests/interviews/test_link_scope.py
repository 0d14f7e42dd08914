"""Interview links stay in their lane: no account acts through a link, candidate writes are limited,
hidden-case output stays with the interviewer, and a demoted proctor loses control."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.interviews import candidates, rules
from app.main import create_app
from app.models import CodeSnapshot, Role, Submission, User
from app.users import service as users
from tests.helpers import MakeApiUser, csrf_from, recording_queue, register
from tests.interviews.helpers import create, token_of

WRONG = "def softmax_cross_entropy(l, y):\n    return 0.0, l\n"


@pytest.fixture
def api(app: FastAPI):
    with TestClient(app) as client:
        recording_queue(app)
        yield client


def live_interview(
    api: TestClient, api_user: MakeApiUser, **options: object
) -> tuple[dict, str, dict]:
    proctor = api_user("proctor1", Role.proctor).headers
    created = create(api, proctor, **options)
    api.post(f"/api/v1/interviews/{created['id']}/start", headers=proctor)
    return created, token_of(created["candidate_link"]), proctor


def submit(client: TestClient, token: str, mode: str = "submit", code: str = WRONG):
    body = {"position": 0, "code": code, "mode": mode}
    return client.post(f"/api/v1/interview-sessions/{token}/submissions", json=body)


def test_opening_a_link_while_signed_in_credits_nobody(
    app: FastAPI, api: TestClient, db: Session, api_user: MakeApiUser
) -> None:
    """Before, the first signed-in visitor became the candidate, and the bare link then acted as them."""
    created, token, _ = live_interview(api, api_user)
    carol = TestClient(app)
    register(carol, "carol")
    view = carol.get(f"/api/v1/interview-sessions/{token}").json()
    assert view["signed_in_as"] == "carol" and not view["claimed"]
    assert db.scalar(select(func.count()).select_from(User)) == 2  # no guest made by a GET

    assert submit(api, token).status_code == 202  # the bare link: a guest's submission
    carol_id = db.scalar(select(User.id).where(User.username == "carol"))
    owners = db.scalars(select(Submission.user_id).where(Submission.interview_id == created["id"]))
    assert carol_id not in set(owners)


def test_claiming_credits_only_requests_with_that_accounts_session(
    app: FastAPI, api: TestClient, db: Session, api_user: MakeApiUser
) -> None:
    created, token, proctor = live_interview(api, api_user)
    carol = TestClient(app)
    register(carol, "carol")
    headers = {"X-CSRF-Token": csrf_from(carol, "/")}
    assert carol.post(f"/api/v1/interview-sessions/{token}/claim").status_code == 403  # no CSRF
    assert api.post(f"/api/v1/interview-sessions/{token}/claim").status_code == 401  # no account
    assert carol.post(f"/api/v1/interview-sessions/{token}/claim", headers=headers).json()[
        "credited_to_you"
    ]
    dave = TestClient(app)
    register(dave, "dave")
    dave_csrf = {"X-CSRF-Token": csrf_from(dave, "/")}
    taken = dave.post(f"/api/v1/interview-sessions/{token}/claim", headers=dave_csrf)
    assert taken.status_code == 409

    first = submit(carol, token).json()["id"]
    second = submit(api, token).json()["id"]  # the same link, no cookie
    third = submit(dave, token).json()["id"]  # someone else's session
    carol_id = db.scalar(select(User.id).where(User.username == "carol"))
    owner = {s.id: s.user_id for s in db.scalars(select(Submission))}
    assert owner[first] == carol_id
    assert owner[second] != carol_id and owner[third] != carol_id
    detail = api.get(f"/api/v1/interviews/{created['id']}", headers=proctor).json()
    assert detail["claimed_by"] == "carol"
    assert "claimed" in [e["kind"] for e in detail["events"]]


def test_candidate_submissions_are_rate_limited_per_interview(
    api: TestClient, db: Session, api_user: MakeApiUser
) -> None:
    """Before, 40 of 40 candidate submissions sent at once were accepted."""
    _, token, _ = live_interview(api, api_user)
    with ThreadPoolExecutor(20) as pool:
        codes = list(pool.map(lambda _: submit(api, token, "run").status_code, range(40)))
    assert codes.count(202) == 12 and codes.count(429) == 28


def test_snapshots_are_deduplicated_rate_limited_and_capped(
    api: TestClient, db: Session, monkeypatch, api_user: MakeApiUser
) -> None:
    created, token, proctor = live_interview(api, api_user)
    url = f"/api/v1/interview-sessions/{token}/code/0"
    for _ in range(5):
        assert api.put(url, json={"code": "same"}).status_code == 204
    count = select(func.count()).select_from(CodeSnapshot)
    assert db.scalar(count) == 1

    codes = [api.put(url, json={"code": f"v{i}"}).status_code for i in range(130)]
    assert codes.count(204) == rules.SNAPSHOTS_PER_MINUTE - 1 and codes[-1] == 429

    monkeypatch.setattr(candidates, "SNAPSHOTS_PER_MINUTE", 10_000)
    monkeypatch.setattr(candidates, "MAX_SNAPSHOTS", 150)
    for i in range(100):
        assert api.put(url, json={"code": f"w{i}"}).status_code == 204
    assert db.scalar(count) == 150
    detail = api.get(f"/api/v1/interviews/{created['id']}", headers=proctor).json()
    assert detail["code"]["0"] == "w99"  # past the cap the latest code is still kept


def test_the_report_page_no_longer_carries_every_snapshot(
    app: FastAPI, api: TestClient, db: Session, monkeypatch, api_user: MakeApiUser
) -> None:
    """Before, 1,000 snapshots of 64 KiB made the report page 65.6 MB."""
    monkeypatch.setattr(candidates, "SNAPSHOTS_PER_MINUTE", 10_000)
    created, token, proctor = live_interview(api, api_user)
    big = "#" * (60 * 1024)
    for i in range(200):
        api.put(f"/api/v1/interview-sessions/{token}/code/0", json={"code": f"{big}{i}"})
    api.post(f"/api/v1/interviews/{created['id']}/end", headers=proctor)
    page = api.get(f"/i/{token}/report")
    assert page.status_code == 200 and len(page.content) < 100_000
    first = db.scalars(select(CodeSnapshot.id).order_by(CodeSnapshot.id)).first()
    one = api.get(f"/api/v1/interview-sessions/{token}/snapshots/{first}")
    assert one.status_code == 200 and one.json()["code"] == f"{big}0"


def test_submit_output_goes_to_the_interviewer_only_when_diagnostics_are_hidden(
    api: TestClient, db: Session, api_user: MakeApiUser
) -> None:
    created, token, proctor = live_interview(api, api_user)
    sub_id = submit(api, token).json()["id"]
    row = db.get(Submission, sub_id)
    assert row is not None
    row.stdout, row.stderr = "CASE SEEDS: 1, 2, 3", "trace"
    db.commit()
    mine = api.get(f"/api/v1/interview-sessions/{token}/submissions").json()[0]
    assert mine["stdout"] is None and mine["stderr"] is None and mine["output_withheld"]
    theirs = api.get(f"/api/v1/interviews/{created['id']}", headers=proctor).json()
    assert theirs["submissions"][0]["stdout"] == "CASE SEEDS: 1, 2, 3"


def test_a_demoted_proctor_loses_their_interviews(
    api: TestClient, db: Session, api_user: MakeApiUser
) -> None:
    created, _, proctor = live_interview(api, api_user)
    users.set_role(db, username="proctor1", role=Role.user)
    db.commit()
    for method, path in [
        ("GET", f"/api/v1/interviews/{created['id']}"),
        ("POST", f"/api/v1/interviews/{created['id']}/end"),
        ("PUT", f"/api/v1/interviews/{created['id']}/notes"),
    ]:
        resp = api.request(method, path, headers=proctor, json={"notes": "x"})
        assert resp.status_code == 403, (method, path, resp.status_code)


def test_a_notes_save_that_cannot_commit_is_an_error_the_client_sees(
    settings, engine, db: Session, api_user: MakeApiUser
) -> None:
    """Before, a save answered 200 while its commit failed ("database is locked") and was lost."""
    app = create_app(settings.model_copy(update={"database_lock_timeout_s": 0.5}))
    from app.catalog import service as catalog
    from app.judge.spec import load_catalog

    with app.state.sessionmaker() as setup:
        catalog.sync(setup, specs=load_catalog(settings.problems_dir))
        setup.commit()
    with TestClient(app) as client:
        recording_queue(app)
        created, _, proctor = live_interview(client, api_user)
        url = f"/api/v1/interviews/{created['id']}/notes"
        with engine.connect() as holder:
            if engine.dialect.name == "sqlite":
                holder.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                holder.exec_driver_sql(
                    f"SELECT id FROM interviews WHERE id = {created['id']} FOR UPDATE"
                )
            resp = client.put(url, json={"notes": "strong on gradients"}, headers=proctor)
            assert resp.status_code == 503 and resp.json()["error"] == "unavailable"
            holder.rollback()
        saved = client.get(f"/api/v1/interviews/{created['id']}", headers=proctor).json()
        assert saved["notes"] == ""  # the client was told; a retry now succeeds
        assert client.put(url, json={"notes": "strong"}, headers=proctor).status_code == 200
