"""The submissions REST API: auth, validation, limits, ownership, pagination (queue stubbed out)."""

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.judge.kinds import Verdict
from app.models import Submission, SubmissionStatus, User
from tests.helpers import (
    MakeApiUser,
    RecordingQueue,
    csrf_from,
    problems_dir,
    recording_queue,
    register,
)

REFERENCE = "def softmax_cross_entropy(logits, labels):\n    return 0.0, logits\n"


@pytest.fixture
def api(
    app: FastAPI, api_user: MakeApiUser
) -> Iterator[tuple[TestClient, dict[str, str], RecordingQueue]]:
    with TestClient(app) as client:
        queue = recording_queue(app)
        yield client, api_user("alice").headers, queue


def post(client: TestClient, headers: dict[str, str], **body: object):
    payload = {"problem": "softmax-cross-entropy", "code": REFERENCE, "mode": "submit", **body}
    return client.post("/api/v1/submissions", json=payload, headers=headers)


def test_create_writes_the_row_before_enqueueing(api, db: Session) -> None:
    client, headers, queue = api
    resp = post(client, headers)
    assert resp.status_code == 202
    body = resp.json()
    assert body == {"id": body["id"], "status": "queued"}
    assert queue.ids == [body["id"]]
    row = db.get(Submission, body["id"])
    assert row is not None and row.status == SubmissionStatus.queued and row.code == REFERENCE


def test_errors_use_the_one_shape(api) -> None:
    client, headers, queue = api
    assert post(client, {}).status_code == 401
    assert post(client, headers, problem="nope").json()["error"] == "not_found"
    for bad in ({"mode": "debug"}, {"code": 12}):
        resp = post(client, headers, **bad)
        assert resp.status_code == 422 and set(resp.json()) == {"error", "detail"}
    raw = client.post("/api/v1/submissions", content=b"{not json", headers=headers)
    assert raw.status_code == 422
    too_long = post(client, headers, code="#" * (70 * 1024))
    assert too_long.status_code == 413 and too_long.json()["error"] == "payload_too_large"
    huge = post(client, headers, code="#" * (600 * 1024))
    assert huge.status_code == 413
    assert queue.ids == []


def test_rate_limit_answers_429_with_retry_after(app: FastAPI, api) -> None:
    client, headers, _ = api
    app.state.settings = app.state.settings.model_copy(update={"submissions_per_minute": 3})
    assert [post(client, headers).status_code for _ in range(3)] == [202] * 3
    limited = post(client, headers)
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert limited.json()["error"] == "rate_limited"


def test_other_users_submissions_are_not_found(api, db: Session, api_user: MakeApiUser) -> None:
    client, headers, _ = api
    sub_id = post(client, headers).json()["id"]
    mallory = api_user("mallory").headers
    theirs = client.get(f"/api/v1/submissions/{sub_id}", headers=mallory)
    missing = client.get("/api/v1/submissions/999999", headers=mallory)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    assert client.get(f"/api/v1/submissions/{sub_id}", headers=headers).json()["status"] == "queued"


def test_long_poll_is_bounded_and_returns_when_done(api, db: Session) -> None:
    client, headers, _ = api
    sub_id = post(client, headers).json()["id"]
    assert client.get(f"/api/v1/submissions/{sub_id}?wait=31", headers=headers).status_code == 422
    waited = client.get(f"/api/v1/submissions/{sub_id}?wait=0.5", headers=headers).json()
    assert waited["status"] == "queued"
    row = db.get(Submission, sub_id)
    assert row is not None
    row.status, row.verdict = SubmissionStatus.done, Verdict.wrong_answer
    db.commit()
    done = client.get(f"/api/v1/submissions/{sub_id}?wait=5", headers=headers).json()
    assert done["status"] == "done" and done["verdict"] == "wrong_answer"


def test_cursor_pagination_walks_every_submission_once(api) -> None:
    client, headers, _ = api
    ids = [post(client, headers, mode="run").json()["id"] for _ in range(5)]
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/submissions", params=params, headers=headers).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(ids, reverse=True)
    filtered = client.get("/api/v1/submissions?problem=log-softmax", headers=headers).json()
    assert filtered["items"] == []
    assert client.get("/api/v1/submissions?cursor=abc", headers=headers).status_code == 422


def test_problem_detail_drafts_hints_and_progress(api) -> None:
    client, headers, _ = api
    detail = client.get("/api/v1/problems/softmax-cross-entropy", headers=headers).json()
    assert detail["starter"].startswith("import numpy") and detail["entry_points"]
    assert [s["name"] for s in detail["samples"]] == ["worked_example", "small_batch"]
    reference = (problems_dir() / "softmax-cross-entropy" / "reference.py").read_text()
    assert reference.strip() not in str(detail)
    assert (
        client.get("/api/v1/problems/softmax-cross-entropy/draft", headers=headers).json()["code"]
        == detail["starter"]
    )
    client.put(
        "/api/v1/problems/softmax-cross-entropy/draft", json={"code": "x = 1\n"}, headers=headers
    )
    draft = client.get("/api/v1/problems/softmax-cross-entropy/draft", headers=headers).json()
    assert draft["code"] == "x = 1\n"
    assert (
        "max"
        in client.get("/api/v1/problems/softmax-cross-entropy/hints/1", headers=headers).json()[
            "hint"
        ]
    )
    assert (
        client.get("/api/v1/problems/softmax-cross-entropy/hints/9", headers=headers).status_code
        == 404
    )
    locked = client.get("/api/v1/problems/softmax-cross-entropy/follow-ups", headers=headers)
    assert locked.status_code == 403
    progress = client.get("/api/v1/me/progress", headers=headers).json()
    assert progress["total"] >= 2 and progress["solved"] == 0


def test_cookie_calls_need_the_csrf_header(app: FastAPI, db: Session) -> None:
    with TestClient(app) as browser:
        recording_queue(app)
        register(browser, "carol")
        token = csrf_from(browser, "/account")
        payload = {"problem": "softmax-cross-entropy", "code": REFERENCE, "mode": "run"}
        assert browser.post("/api/v1/submissions", json=payload).status_code == 403
        ok = browser.post("/api/v1/submissions", json=payload, headers={"X-CSRF-Token": token})
        assert ok.status_code == 202
    carol = db.scalars(select(User).where(User.username == "carol")).one()
    assert db.scalars(select(Submission).where(Submission.user_id == carol.id)).one()


def test_ids_beyond_64_bits_are_rejected_not_crashed(api) -> None:
    # Found by the schema fuzzer: SQLite cannot even compare such an integer.
    client, headers, _ = api
    assert client.get(f"/api/v1/submissions/{2**70}", headers=headers).status_code == 422
    huge_cursor = client.get(f"/api/v1/submissions?cursor={'9' * 20}", headers=headers)
    assert huge_cursor.status_code == 422


def test_the_rate_limit_holds_under_concurrent_submissions(app: FastAPI, api) -> None:
    """30 submissions at once with a limit of 12 a minute: exactly 12 get in (21 did before)."""
    from concurrent.futures import ThreadPoolExecutor

    client, headers, queue = api
    limit = app.state.settings.submissions_per_minute
    assert limit == 12
    with ThreadPoolExecutor(30) as pool:
        codes = list(pool.map(lambda _: post(client, headers).status_code, range(30)))
    assert codes.count(202) == limit and codes.count(429) == 30 - limit
    assert len(queue.ids) == limit
